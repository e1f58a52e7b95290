"""GoHighLevel (HighLevel / LeadConnector) invoices adapter: ``provider = "gohighlevel"`` or ``"ghl"``."""

from ..registry import ProviderEntry
from .auth import OAuthTokens, credential_place
from .client import GoHighLevelClient, open_client
from .errors import InsufficientScopeError, InvalidGrantError, LocationInactiveError
from .settings import BusinessDetails, GoHighLevelSettings

PROVIDER = ProviderEntry(
    "gohighlevel", GoHighLevelSettings, open_client, aliases=("ghl",), credentials=credential_place
)

__all__ = [
    "PROVIDER",
    "BusinessDetails",
    "GoHighLevelClient",
    "GoHighLevelSettings",
    "InsufficientScopeError",
    "InvalidGrantError",
    "LocationInactiveError",
    "OAuthTokens",
]
