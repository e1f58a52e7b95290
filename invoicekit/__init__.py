"""invoicekit: one async interface to invoice APIs (ONLYOFFICE CRM, GoHighLevel).

    import invoicekit

    async with invoicekit.connect(invoicekit.load_config("invoicekit.toml")) as invoices:
        async for invoice in invoices.list(status="sent"):
            print(invoice.number, invoice.total)
"""

from ._version import __version__
from .client import InvoiceClient
from .config import ProviderEntry, config_from_env, connect, load_config, register_provider
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
from .gohighlevel import (
    GoHighLevelClient,
    GoHighLevelSettings,
    InsufficientScopeError,
    InvalidGrantError,
    LocationInactiveError,
    OAuthTokens,
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
from .onlyoffice import OnlyOfficeClient, OnlyOfficeSettings
from .options import ClientOptions
from .secret import Secret
from .state import FileStateStore, MemoryStateStore, StateStore, StateStoreError

__all__ = [
    "APIError",
    "Address",
    "AuthenticationError",
    "BatchError",
    "Capability",
    "ClientOptions",
    "ConfigError",
    "Contact",
    "FileStateStore",
    "GoHighLevelClient",
    "GoHighLevelSettings",
    "IncompleteResponseError",
    "InsufficientScopeError",
    "InvalidGrantError",
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
    "LocationInactiveError",
    "MalformedResponseError",
    "MemoryStateStore",
    "NotFoundError",
    "OAuthTokens",
    "OnlyOfficeClient",
    "OnlyOfficeSettings",
    "Payment",
    "PaymentMode",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "ProviderEntry",
    "RateLimitError",
    "RateLimitInfo",
    "Secret",
    "ServerError",
    "StateStore",
    "StateStoreError",
    "TransportError",
    "UnsupportedOperationError",
    "ValidationError",
    "config_from_env",
    "connect",
    "load_config",
    "register_provider",
    "__version__",
]
