"""GoHighLevel (HighLevel / LeadConnector) invoices adapter: ``provider = "gohighlevel"`` or ``"ghl"``."""

from ..registry import ProviderEntry
from .agency import InstalledLocation
from .auth import OAuthTokens, credential_place
from .client import GoHighLevelClient, open_client
from .errors import InsufficientScopeError, InvalidGrantError, LocationInactiveError
from .settings import PROVIDER_NAME, BusinessDetails, GoHighLevelSettings

PROVIDER = ProviderEntry(
    PROVIDER_NAME, GoHighLevelSettings, open_client, aliases=("ghl",), credentials=credential_place
)

__all__ = [
    "PROVIDER",
    "BusinessDetails",
    "GoHighLevelClient",
    "GoHighLevelSettings",
    "InstalledLocation",
    "InsufficientScopeError",
    "InvalidGrantError",
    "LocationInactiveError",
    "OAuthTokens",
]
