"""Agency (company) installs: one app, one agency OAuth grant, many locations.

With ``user_type = "Company"`` the configured refresh token is the agency's. Its tokens (kept and
refreshed like a location's, under the company's id) cannot call location endpoints: each
location's calls use a **location token** minted from the agency token with
``POST /oauth/locationToken`` (form ``companyId``, ``locationId``). GoHighLevel's v2 answer
carries no refresh token, so a location token is renewed by minting another: the same
:class:`~invoicekit.credentials.CredentialKeeper` keeps it (one mint in flight per location in a
process, a lease across processes, saved to the state store before first use), under
``gohighlevel/<app>/<location>/location-token``.

``GET /oauth/installedLocations`` lists the locations the app is installed on, and
:meth:`GoHighLevelClient.for_location` gives a client for another location that shares the
agency client's session, connection pool, state store, limiters and agency token.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from attrs import evolve, frozen

from .._http.messages import Request, Response
from .._http.runner import RequestRunner
from .._http.transport import HttpTransport
from .._log import get_logger
from .._serde import loads_json, parse_decimal
from ..credentials import (
    CredentialKeeper,
    CredentialRules,
    MintedCredentials,
    StoredCredential,
    StoredRecord,
    still_fresh,
    to_iso,
)
from ..errors import MalformedResponseError
from ..options import ClientOptions
from ..secret import Secret
from ..state import StateStore
from .bearer import KeptBearerAuth
from .settings import PROVIDER_NAME

logger = get_logger("invoicekit.gohighlevel")

LOCATION_TOKEN_PATH = "oauth/locationToken"
INSTALLED_LOCATIONS_PATH = "oauth/installedLocations"
_RECORD_KIND = "gohighlevel-location-token"
_LOCATION_TOKEN_SUFFIX = "/location-token"
_DEFAULT_LIFETIME = timedelta(seconds=86399)
_PAGE = 100


@frozen(kw_only=True)
class LocationToken:
    """A location's access token minted from the agency's. ``repr`` never shows it.

    ``chain`` is the agency token chain it was minted under: a re-authorised agency starts anew.
    """

    access_token: Secret | None = None
    expires_at: datetime | None = None
    obtained_at: datetime | None = None
    location_id: str = ""
    generation: int = 0
    chain: str = ""
    chain_started: datetime | None = None

    @property
    def renewal_secret(self) -> None:
        return None  # renewed by minting: nothing single-use is spent

    def usable(self, now: datetime) -> bool:
        return bool(self.access_token) and still_fresh(self.expires_at, self.obtained_at, now)

    def positioned(self, *, generation: int, chain: str, chain_started: datetime | None = None) -> LocationToken:
        return evolve(self, generation=generation, chain=chain, chain_started=chain_started)

    def to_record(self) -> bytes:
        return json.dumps({
            "kind": _RECORD_KIND, "chain": self.chain, "generation": self.generation,
            "access_token": None if self.access_token is None else self.access_token.reveal(),
            "expires_at": to_iso(self.expires_at), "obtained_at": to_iso(self.obtained_at),
            "chain_started": to_iso(self.chain_started), "location_id": self.location_id,
        }, separators=(",", ":")).encode()

    @classmethod
    def from_record(cls, data: bytes) -> LocationToken:
        """The token of :meth:`to_record`'s bytes; ValueError (or KeyError/TypeError) when they
        are not such a record."""
        record = StoredRecord(data, kind=_RECORD_KIND)
        access = record.header_token("access_token", required=False)
        return cls(
            access_token=None if access is None else Secret(access),
            expires_at=record.instant("expires_at"), obtained_at=record.instant("obtained_at"),
            location_id=record.text("location_id") or "", generation=record.generation,
            chain=record.chain, chain_started=record.chain_started,
        )

    def __repr__(self) -> str:
        return f"LocationToken(<redacted>, location_id={self.location_id!r}, expires_at={self.expires_at!r})"


@frozen
class InstalledLocation:
    """A location the app is installed on (``GET /oauth/installedLocations``); ``raw`` keeps every
    field as sent."""

    id: str
    name: str
    address: str | None = None
    is_installed: bool | None = None
    installed_at: datetime | None = None
    raw: Mapping[str, Any] = {}


def location_token_key(client_id: str, location_id: str) -> str:
    """Where a minted location token lives in the state store; no secret."""
    return f"gohighlevel/{client_id}/{location_id}{_LOCATION_TOKEN_SUFFIX}"


def minted_location_tokens(client_id: str, company_id: str, location_id: str) -> MintedCredentials:
    """What ``invoicekit auth`` needs to find the location tokens an agency profile minted: the
    configured location's, and every other of the app in a store that can list its keys."""
    prefix = f"gohighlevel/{client_id}/"

    def describe(key: str) -> str | None:
        location = key[len(prefix):-len(_LOCATION_TOKEN_SUFFIX)]
        if not (key.startswith(prefix) and key.endswith(_LOCATION_TOKEN_SUFFIX)) or not location or "/" in location:
            return None
        return f"location token of location {location} (app {client_id})"

    return MintedCredentials(
        kind=f"location tokens minted from the tokens of company {company_id}",
        known=(location_token_key(client_id, location_id),),
        prefix=prefix,
        describe=describe,
        read=_stored_location_token,
    )


def _stored_location_token(data: bytes) -> StoredCredential:
    token = LocationToken.from_record(data)
    return StoredCredential(token.generation, token.chain, token.expires_at, token.obtained_at)


class Agency:
    """What every location client of one agency client shares: the agency token's runner."""

    def __init__(
        self,
        *,
        company_id: str,
        client_id: str,
        transport: HttpTransport,
        company_runner: RequestRunner,
        company_chain: Callable[[], str],
        store: StateStore,
        options: Callable[[], ClientOptions],
        api_version: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.company_id = company_id
        self.client_id = client_id
        #: The session, pool and limiters every location client of this agency uses.
        self.transport = transport
        self.store = store
        self._locations: dict[str, LocationTokenAuth] = {}
        self._runner = company_runner
        self._company_chain = company_chain
        self._options = options
        self._clock = clock
        self._headers = {"Version": api_version, "Accept": "application/json"}

    @property
    def app_id(self) -> str:
        """The app id GoHighLevel derives from the client id (up to its first ``-``)."""
        return self.client_id.split("-")[0]

    def location_auth(self, location_id: str) -> LocationTokenAuth:
        """The one auth strategy (and credential keeper) of ``location_id`` in this agency client."""
        auth = self._locations.get(location_id)
        if auth is None:
            auth = self._locations[location_id] = LocationTokenAuth(self, location_id)
        return auth

    async def aclose(self) -> None:
        """Wait for location tokens being minted: they finish and are saved."""
        for auth in list(self._locations.values()):
            await auth.aclose()

    async def mint(self, location_id: str) -> LocationToken:
        """A new access token for ``location_id`` (``POST /oauth/locationToken``)."""
        request = Request(
            operation="location_token", method="POST", path=LOCATION_TOKEN_PATH,
            form={"companyId": self.company_id, "locationId": location_id}, headers=self._headers,
        )
        response = await self._runner(request, self._options())
        now = self._clock()
        try:
            data = loads_json(response.body)
            if not isinstance(data, Mapping):
                raise ValueError("not a JSON object")
            access = data.get("access_token") or data.get("accessToken")
            if not isinstance(access, str) or not access:
                raise ValueError("the answer has no access_token")
            expires_in = data.get("expires_in", data.get("expiresIn"))
            lifetime = (
                _DEFAULT_LIFETIME if expires_in is None else timedelta(seconds=float(parse_decimal(expires_in)))
            )
        except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
            raise _unusable(request, response, exc) from None
        logger.info("gohighlevel: minted a location token for %s from company %s", location_id, self.company_id)
        return LocationToken(
            access_token=Secret(access), expires_at=now + lifetime, obtained_at=now, location_id=location_id
        )

    async def installed_locations(self, *, query: str | None = None) -> list[InstalledLocation]:
        """Every location the app is installed on (all pages of ``GET /oauth/installedLocations``)."""
        found: list[InstalledLocation] = []
        skip = 0
        while True:
            params = {"companyId": self.company_id, "appId": self.app_id, "isInstalled": "true",
                      "skip": str(skip), "limit": str(_PAGE)}
            if query:
                params["query"] = query
            request = Request(
                operation="installed_locations", method="GET", path=INSTALLED_LOCATIONS_PATH, params=params,
                headers=self._headers,
            )
            response = await self._runner(request, self._options())
            try:
                data = loads_json(response.body)
                page = data["locations"]
                count = data.get("count")
                if not isinstance(page, list):
                    raise ValueError("'locations' is not a list")
                found += [_installed(item) for item in page]
            except (ValueError, TypeError, KeyError, RecursionError) as exc:
                raise _unusable(request, response, exc) from None
            skip += len(page)
            if not page or len(page) < _PAGE or (isinstance(count, int) and skip >= count):
                return found


class LocationTokenAuth(KeptBearerAuth[LocationToken]):
    """The :class:`~invoicekit._http.auth.AuthStrategy` of one location of an agency install."""

    def __init__(self, agency: Agency, location_id: str) -> None:
        self.location_id = location_id
        self._agency = agency
        rules = CredentialRules(
            key=location_token_key(agency.client_id, location_id),
            label=f"GoHighLevel location token of {location_id} (company {agency.company_id})",
            encode=LocationToken.to_record,
            decode=LocationToken.from_record,
        )
        initial = LocationToken(location_id=location_id, chain=agency._company_chain())
        self.keeper = CredentialKeeper(
            rules, store=agency.store, initial=initial, renew=self._mint, clock=agency._clock,
        )

    async def _mint(self, token: LocationToken) -> LocationToken:
        return await self._agency.mint(self.location_id)

    def __repr__(self) -> str:
        return f"LocationTokenAuth(location_id={self.location_id!r}, token=<redacted>)"


def _installed(item: Any) -> InstalledLocation:
    if not isinstance(item, Mapping) or not isinstance(item.get("_id"), str):
        raise ValueError("a location without '_id'")
    installed_at = item.get("installedAt")
    return InstalledLocation(
        id=item["_id"], name=str(item.get("name") or ""),
        address=item.get("address") if isinstance(item.get("address"), str) else None,
        is_installed=item.get("isInstalled") if isinstance(item.get("isInstalled"), bool) else None,
        installed_at=datetime.fromisoformat(installed_at) if isinstance(installed_at, str) else None,
        raw=dict(item),
    )


def _unusable(request: Request, response: Response, exc: Exception) -> MalformedResponseError:
    # No body excerpt: a half-readable token answer still holds a live token.
    return MalformedResponseError(
        f"{request.operation} answer unusable: {type(exc).__name__}: {str(exc)[:120]}", status=response.status,
        provider=PROVIDER_NAME, method=request.method, url=response.url,
    )


__all__ = [
    "Agency",
    "InstalledLocation",
    "LocationToken",
    "LocationTokenAuth",
    "location_token_key",
    "minted_location_tokens",
]
