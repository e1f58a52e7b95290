"""invoicekit: one async, typed interface to invoice APIs (ONLYOFFICE CRM, GoHighLevel).

    import invoicekit

    async with invoicekit.connect(invoicekit.load_config("invoicekit.toml")) as invoices:
        async for invoice in invoices.list(status="sent"):
            print(invoice.number, invoice.total)

A service is written against the neutral interface and switches provider by configuration.
Each name below has its own page: ``help(invoicekit.Invoice)``, ``help(invoicekit.errors)``.

Connecting (functions, below)
    connect(config, session=None)   a client for the provider the config names
    load_config(path, profile)      a config mapping from a TOML file
    config_from_env(prefix)         a config mapping from INVOICEKIT_* variables
    register_provider(entry)        add a third-party adapter (see invoicekit.adapter)

The client
    InvoiceClient       get, list, create, update, delete, delete_many, send, mark_paid,
                        void, record_payment, generate_number, with_options, aclose
    ContactsResource    ``client.contacts``: get, find_by_email, ensure (find or create)
    ClientOptions       timeouts, retries, concurrency, rate limit (also config keys)
    Capability          what a client can do: ``client.capabilities``
    ProviderRules       what the provider allows (ids, limits): ``client.rules``, ``client.parse_id``
    FieldRule           what a provider does with one draft field: ``client.rules.fields``
    ProviderEntry       a provider as the registry knows it
    Secret              a credential that never shows in a repr or message

Models (frozen attrs classes, checked at construction; money is Decimal)
    Invoice, InvoiceDraft (create), InvoiceChanges (update), LineItem, Contact, Address,
    Payment, PaymentMode, InvoiceStatus, InvoiceId (int or str), RateLimitInfo;
    UNPAID (the statuses ``list(status=UNPAID)`` means: sent and partially paid)
    invoicekit.money: ISO 4217 currencies, minor_units(), quantize()

Errors (all InvoiceKitError)
    ConfigError (ConfigTypeError: Secret(5)), InvalidRequestError (nothing sent), UnsupportedOperationError, BatchError,
    ClientClosedError (used after aclose), ClientStateError (a session from another loop),
    TransportError, APIError and its kinds: AuthenticationError, PaymentRequiredError,
    PermissionDeniedError, NotFoundError, ValidationError, InvalidStateError, RateLimitError,
    ServerError, MalformedResponseError, IncompleteResponseError

State kept across calls and processes (credentials, delivery ids, checkpoints)
    StateStore (the protocol), MemoryStateStore, FileStateStore, StateStoreError;
    the ``state_store`` config key chooses one

Provider-only names live in invoicekit.onlyoffice and invoicekit.gohighlevel; simulators,
pytest fixtures and the conformance suite in invoicekit.testing.
"""

import importlib
import warnings
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .client import InvoiceClient
from .config import config_from_env, connect, load_config
from .contacts import ContactsResource
from .errors import (
    APIError,
    AuthenticationError,
    BatchError,
    ClientClosedError,
    ClientStateError,
    ConfigError,
    ConfigTypeError,
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
from .listing import UNPAID
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
from .rules import FieldRule, ProviderRules
from .secret import Secret
from .state import FileStateStore, MemoryStateStore, StateStore, StateStoreError

# Provider-only names live in their adapter's package, which is imported on first use (see
# invoicekit.registry). Reaching them here still works, with a DeprecationWarning, for code
# written before they moved; type checkers do not see this fallback, so they point at the new
# import. This map names the adapters only to say where a name went.
_MOVED = {
    **dict.fromkeys(("OnlyOfficeClient", "OnlyOfficeSettings"), "invoicekit.onlyoffice"),
    **dict.fromkeys(
        ("GoHighLevelClient", "GoHighLevelSettings", "InsufficientScopeError", "InvalidGrantError",
         "LocationInactiveError", "OAuthTokens"),
        "invoicekit.gohighlevel",
    ),
}


def __dir__() -> list[str]:
    # pydoc documents every class that dir() shows, in full: help(invoicekit) ran to thousands
    # of lines of inherited str and BaseException methods. dir() lists the functions, constants
    # and submodules; the classes are in __all__, in the docstring above, and each has its own
    # page (help(invoicekit.Invoice)). The price: the plain REPL's tab completion, which asks
    # dir(), does not offer the class names (IDEs and IPython read the source and do).
    public = [name for name in __all__ if not isinstance(globals()[name], type)]
    modules = [
        name for name, value in globals().items()
        if isinstance(value, ModuleType) and value.__name__.startswith(f"{__name__}.") and not name.startswith("_")
    ]
    dunders = [name for name, value in globals().items() if name.startswith("__") and not callable(value)]
    return sorted({*public, *modules, *dunders})


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
    "ClientClosedError",
    "ClientOptions",
    "ClientStateError",
    "ConfigError",
    "ConfigTypeError",
    "Contact",
    "ContactsResource",
    "FieldRule",
    "FileStateStore",
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
    "MemoryStateStore",
    "NotFoundError",
    "Payment",
    "PaymentMode",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "ProviderEntry",
    "ProviderRules",
    "RateLimitError",
    "RateLimitInfo",
    "Secret",
    "ServerError",
    "StateStore",
    "StateStoreError",
    "TransportError",
    "UNPAID",
    "UnsupportedOperationError",
    "ValidationError",
    "config_from_env",
    "connect",
    "load_config",
    "register_provider",
    "__version__",
]
