"""How a GoHighLevel client becomes an agency client, and its clients for other locations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from attrs import evolve

from .._http.runner import RequestRunner
from .._http.transport import HttpTransport
from ..errors import ConfigError
from ..options import ClientOptions
from ..state import StateStore
from .agency import Agency
from .auth import OAuthAuth
from .errors import decode_error
from .settings import GoHighLevelSettings

if TYPE_CHECKING:
    from .client import GoHighLevelClient


def limit_scope(settings: GoHighLevelSettings) -> str:
    """What the shared rate limiter counts: app and location, or app and agency (whose locations
    share one client's transport)."""
    app = settings.client_id or "-"
    if settings.user_type == "Company" and settings.company_id:
        return f"gohighlevel/{app}/company/{settings.company_id}"
    return f"gohighlevel/{app}/{settings.location_id}"


def agency_of(
    transport: HttpTransport,
    company_auth: OAuthAuth,
    store: StateStore | None,
    settings: GoHighLevelSettings,
    options: Callable[[], ClientOptions],
) -> Agency:
    assert store is not None and settings.company_id and settings.client_id
    return Agency(
        company_id=settings.company_id, client_id=settings.client_id, transport=transport,
        # Agency calls (minting, listing) carry the agency token and decode errors like any call.
        company_runner=RequestRunner(transport=transport, auth=company_auth, decode_error=decode_error),
        company_chain=lambda: company_auth.tokens.chain, store=store, options=options,
        api_version=settings.api_version,
    )


def require_agency(client: GoHighLevelClient) -> Agency:
    agency = client._agency
    if agency is None:
        raise ConfigError(
            "gohighlevel: this is not an agency install; set user_type = 'Company' and company_id "
            "(with the agency's OAuth settings) to serve several locations",
            key="user_type",
        )
    return agency


def location_client(client: GoHighLevelClient, location_id: str) -> GoHighLevelClient:
    from .client import GoHighLevelClient

    agency = require_agency(client)
    if not location_id or any(ch in location_id for ch in "/?#&= \t\r\n"):
        raise ConfigError(f"gohighlevel: {location_id[:40]!r} is not a GHL location id", key="location_id")
    return GoHighLevelClient(evolve(client.settings, location_id=location_id), _agency=agency)


__all__ = ["agency_of", "limit_scope", "location_client", "require_agency"]
