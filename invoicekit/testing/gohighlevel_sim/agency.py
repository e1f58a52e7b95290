"""A GoHighLevel agency (company) install: one company, several locations, as ``oauth.json`` says.

:class:`GoHighLevelAgencySimulator` is the company: its refresh token is the agency's (refreshed
with ``user_type=Company``; an answer with ``userType: "Company"`` and no ``locationId``), its
access tokens open only the agency endpoints:

- ``POST /oauth/locationToken`` (form ``companyId``, ``locationId``, ``Version`` header) mints an
  access token for one installed location (v2 answer: no refresh token);
- ``GET /oauth/installedLocations`` (``companyId``, ``appId``, ``skip``, ``limit``) lists them.

Each location is a :class:`GoHighLevelSimulator` of its own (``locations``: its invoices, its
burst limit, its tokens); invoice calls are served by the location whose token they carry. A
company token on an invoice call is refused (401), as GoHighLevel's IAM would.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from .simulator import GoHighLevelSimulator, _HttpError

DEFAULT_LOCATIONS = ("Jx9kP2mQ7rT4vW8yZ3aB", "Lc2vB7nM4qW9eR1tY6uI")


class GoHighLevelAgencySimulator(GoHighLevelSimulator):
    """An agency whose app is installed on ``locations`` (each with ``invoices`` invoices)."""

    def __init__(
        self,
        *,
        locations: Sequence[str] = DEFAULT_LOCATIONS,
        invoices: int = 2,
        access_token_lifetime: float = 86399,
        refresh_token: str = "ghl-simulator-agency-refresh-token",
        **options: Any,
    ) -> None:
        super().__init__(
            location_id=locations[0], invoices=0, refresh_token=refresh_token, token="ghl-simulator-agency-token",
            access_token_lifetime=access_token_lifetime, **options,
        )
        self.locations: dict[str, GoHighLevelSimulator] = {
            location: GoHighLevelSimulator(
                location_id=location, company_id=self.company_id, user_id=self.user_id, client_id=self.client_id,
                client_secret=self.client_secret, invoices=invoices, seed=2021 + index,
                token=f"ghl-simulator-unused-{index}", refresh_token=f"ghl-simulator-unused-{index}",
                access_token_lifetime=access_token_lifetime,
            )
            for index, location in enumerate(locations)
        }
        for location in self.locations.values():
            location.access_tokens.clear()  # only minted tokens open a location
        #: Location tokens minted, per location.
        self.minted: dict[str, int] = dict.fromkeys(self.locations, 0)

    async def _dispatch(self, request: web.Request, body: bytes) -> web.Response:
        if request.path == "/oauth/token":
            return self._agency_refresh(request, body)
        if request.path == "/oauth/locationToken" and request.method == "POST":
            return self._mint(request, body)
        if request.path == "/oauth/installedLocations" and request.method == "GET":
            return self._installed(request)
        token = request.headers.get("Authorization", "").partition(" ")[2].strip()
        for location in self.locations.values():
            if token in location.access_tokens:
                return await location._dispatch(request, body)
        return self._json(401, {"statusCode": 401, "message": "Invalid JWT"})

    def _agency_refresh(self, request: web.Request, body: bytes) -> web.Response:
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        if (form.get("user_type") or form.get("userType")) != "Company":
            # An agency's refresh token is refreshed as a company token.
            return self._json(400, {"statusCode": 400, "message": "Invalid parameter: user_type"}, trace=False)
        reply = self._oauth(request, body)
        if reply.status != 200 or not isinstance(reply.body, bytes):
            return reply
        answer = json.loads(reply.body)
        answer.pop("locationId", None)
        answer.update(userType="Company", approvedLocations=list(self.locations))
        return self._json(200, answer, trace=False)

    def _company_request(self, request: web.Request) -> None:
        self._authenticate(request)  # the agency token and a Version header

    def _mint(self, request: web.Request, body: bytes) -> web.Response:
        try:
            self._company_request(request)
        except _HttpError as error:
            return self._json(error.status, error.body)
        if request.content_type != "application/x-www-form-urlencoded":
            return self._json(422, {"statusCode": 422, "message": ["body must be form-urlencoded"]})
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        if form.get("companyId") != self.company_id:
            return self._json(403, {"statusCode": 403, "message": "The token does not have access to this company."})
        location = self.locations.get(form.get("locationId", ""))
        if location is None:
            return self._json(400, {"statusCode": 400, "message": "Location not found or app not installed"})
        access = secrets.token_urlsafe(32)
        location.access_tokens.add(access)
        location._access_expiry[access] = self._monotonic() + self.access_token_lifetime
        self.minted[location.location_id] += 1
        return self._json(200, {
            "access_token": access, "token_type": "Bearer", "expires_in": self.access_token_lifetime,
            "scope": "invoices.readonly invoices.write", "locationId": location.location_id,
            "userId": self.user_id, "appId": self.client_id.split("-")[0], "planId": "plan-1",
            "versionId": "6578278e879ad2646715ba9c",
        })

    def _installed(self, request: web.Request) -> web.Response:
        try:
            self._company_request(request)
        except _HttpError as error:
            return self._json(error.status, error.body)
        query = request.query
        if query.get("companyId") != self.company_id or query.get("appId") != self.client_id.split("-")[0]:
            return self._json(422, {"statusCode": 422, "message": ["companyId and appId are required"]})
        skip, limit = int(query.get("skip", "0")), int(query.get("limit", "20"))
        every = [
            {"_id": location, "name": f"Location {index + 1}", "address": f"{index + 1} Main St",
             "isInstalled": True, "installedAt": "2026-01-15T10:30:00.000Z"}
            for index, location in enumerate(self.locations)
        ]
        return self._json(200, {"locations": every[skip:skip + limit], "count": len(every),
                                "installToFutureLocations": False})


__all__ = ["DEFAULT_LOCATIONS", "GoHighLevelAgencySimulator"]
