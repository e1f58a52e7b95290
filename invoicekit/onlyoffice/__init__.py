"""ONLYOFFICE Workspace CRM invoices (CommunityServer API 2.0).

    from invoicekit.onlyoffice import OnlyOfficeClient, OnlyOfficeSettings

    settings = OnlyOfficeSettings(base_url="https://portal.example.com", token=token)
    async with OnlyOfficeClient(settings) as invoices:
        invoice = await invoices.get(42)
"""

from ..registry import ProviderEntry
from .auth import credential_place
from .client import OnlyOfficeClient, open_client
from .settings import PROVIDER_NAME, OnlyOfficeSettings

PROVIDER = ProviderEntry(PROVIDER_NAME, OnlyOfficeSettings, open_client, credentials=credential_place)

__all__ = ["PROVIDER", "OnlyOfficeClient", "OnlyOfficeSettings", "open_client"]
