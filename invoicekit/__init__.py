"""invoicekit: one async interface to invoice APIs (ONLYOFFICE CRM, GoHighLevel).

    import invoicekit

    async with invoicekit.connect(invoicekit.load_config("invoicekit.toml")) as invoices:
        async for invoice in invoices.list(status="sent"):
            print(invoice.number, invoice.total)
"""

import importlib
import warnings
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .client import InvoiceClient
from .config import config_from_env, connect, load_config
from .errors import (
    APIError,
    AuthenticationError,
    BatchError,
    ConfigError,
    IncompleteResponseError,
    InvalidRequestError,
    InvalidStateError,
    InvoiceKitError,
    MalformedResponseError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TransportError,
    UnsupportedOperationError,
    ValidationError,
)
from .models import (
    Address,
    Capability,
    Contact,
    Invoice,
    InvoiceChanges,
    InvoiceDraft,
    InvoiceId,
    InvoiceStatus,
    LineItem,
    Payment,
    PaymentMode,
    RateLimitInfo,
)
from .options import ClientOptions
from .registry import ProviderEntry, register_provider
from .secret import Secret

# Provider-only names live in their adapter's package, which is imported on first use (see
# invoicekit.registry). Reaching them here still works, with a DeprecationWarning, for code
# written before they moved; type checkers do not see this fallback, so they point at the new
# import. Both maps name the adapters only to say where a name went.
_MOVED = {
    **dict.fromkeys(("OnlyOfficeClient", "OnlyOfficeSettings"), "invoicekit.onlyoffice"),
    **dict.fromkeys(
        ("GoHighLevelClient", "GoHighLevelSettings", "InsufficientScopeError", "InvalidGrantError",
         "LocationInactiveError", "MemoryTokenStore", "OAuthTokens", "TokenStore"),
        "invoicekit.gohighlevel",
    ),
}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        module = _MOVED.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        warnings.warn(
            f"invoicekit.{name} moved to {module}.{name}; import it from there",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(module), name)

__all__ = [
    "APIError",
    "Address",
    "AuthenticationError",
    "BatchError",
    "Capability",
    "ClientOptions",
    "ConfigError",
    "Contact",
    "IncompleteResponseError",
    "InvalidRequestError",
    "InvalidStateError",
    "Invoice",
    "InvoiceChanges",
    "InvoiceClient",
    "InvoiceDraft",
    "InvoiceId",
    "InvoiceKitError",
    "InvoiceStatus",
    "LineItem",
    "MalformedResponseError",
    "NotFoundError",
    "Payment",
    "PaymentMode",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "ProviderEntry",
    "RateLimitError",
    "RateLimitInfo",
    "Secret",
    "ServerError",
    "TransportError",
    "UnsupportedOperationError",
    "ValidationError",
    "config_from_env",
    "connect",
    "load_config",
    "register_provider",
    "__version__",
]
