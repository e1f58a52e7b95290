"""The GoHighLevel simulator's contacts API (``apps/contacts.json``): get, duplicate lookup, upsert.

Rules, from the spec and ``gohighlevel-contacts-oauth-webhooks.md`` section 1:

- every route needs the ``Version`` header and a Bearer token (the simulator's pipeline checks
  both); the location is ``locationId`` (query for GET, body for upsert), required (422 when
  empty) and must be the token's own (403);
- ``GET /contacts/{contactId}`` -> ``{contact}``; an unknown id is a 400 (the spec documents no
  404 for it), as unknown invoice ids are;
- ``GET /contacts/search/duplicate`` -> ``{contact}`` (``null`` when none). The location does
  not allow duplicates, so e-mail (case-insensitive), then phone, identify a contact; of several
  with the address, the oldest is returned;
- ``POST /contacts/upsert`` (UpsertContactDto, only ``locationId`` required) updates the contact
  found that way with the fields sent, or creates one: ``{new, contact, traceId}``. ``email`` must
  look like an e-mail (class-validator ``IsEmail``); ``additionalEmails`` is refused (#262).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...models import Contact
from .store import BadRequest, GhlStore, Unprocessable

if TYPE_CHECKING:
    from .simulator import GoHighLevelSimulator, _Call

_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"
_EMAIL = re.compile(r"[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]\Z")
#: UpsertContactDto's plain string fields (the others are kept as sent).
_STRINGS = (
    "firstName", "lastName", "name", "email", "phone", "address1", "city", "state", "postalCode",
    "website", "timezone", "source", "country", "companyName", "assignedTo", "gender", "dateOfBirth",
)  # fmt: skip


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class ContactDirectory:
    """The location's contacts, in insertion (creation) order."""

    def __init__(self, location_id: str, clock: Callable[[], datetime]) -> None:
        self.location_id = location_id
        self._clock = clock
        self.contacts: dict[str, dict[str, Any]] = {}

    def add(self, fields: Mapping[str, Any], contact_id: str | None = None) -> dict[str, Any]:
        now = _iso(self._clock())
        contact: dict[str, Any] = {
            "id": contact_id or "".join(secrets.choice(_ID_ALPHABET) for _ in range(20)),
            "locationId": self.location_id, "type": "lead", "source": "public api", "tags": [],
            "customFields": [], "additionalEmails": [], "dnd": False, "dateAdded": now,
        }
        self._apply(contact, fields)
        self.contacts[contact["id"]] = contact
        return contact

    def _apply(self, contact: dict[str, Any], fields: Mapping[str, Any]) -> None:
        for key, value in fields.items():
            if key not in ("locationId", "createNewIfDuplicateAllowed"):
                contact[key] = value
        if "name" in fields and "firstName" not in fields and "lastName" not in fields:
            first, _, last = str(fields["name"]).partition(" ")
            contact["firstName"], contact["lastName"] = first, last
        parts = [contact.get("firstName"), contact.get("lastName")]
        if "firstName" in fields or "lastName" in fields:
            contact["name"] = " ".join(p for p in parts if p)
        for key in ("email", "firstName", "lastName"):
            if isinstance(contact.get(key), str):
                contact[f"{key}LowerCase"] = contact[key].lower()
        if isinstance(contact.get("name"), str):
            contact["fullNameLowerCase"] = contact["name"].lower()
        contact["dateUpdated"] = _iso(self._clock())

    def duplicate(self, email: str | None, phone: str | None) -> dict[str, Any] | None:
        """The oldest contact with this e-mail (case-insensitive), else with this phone."""
        if email:
            wanted = email.strip().lower()
            for contact in self.contacts.values():
                if str(contact.get("email", "")).lower() == wanted:
                    return contact
        if phone:
            for contact in self.contacts.values():
                if contact.get("phone") == phone.strip():
                    return contact
        return None

    def upsert(self, fields: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
        found = self.duplicate(fields.get("email"), fields.get("phone"))
        if found is None:
            return True, self.add(fields)
        self._apply(found, fields)
        return False, found


def seed_directory(directory: ContactDirectory, known: Iterable[Contact], store: GhlStore) -> ContactDirectory:
    """``directory`` with the ``known`` contacts, then those the seeded invoices name."""
    for contact in known:
        first, _, last = (contact.name or "").partition(" ")
        directory.add({"firstName": first, "lastName": last, "email": contact.email}, str(contact.id))
    for invoice in store.invoices.values():
        details = invoice.contact_details
        if details.get("id") and details["id"] not in directory.contacts:
            first, _, last = str(details.get("name", "")).partition(" ")
            fields = {"firstName": first, "lastName": last, "email": details.get("email"),
                      "phone": details.get("phoneNo")}  # fmt: skip
            directory.add({k: v for k, v in fields.items() if v}, details["id"])
    return directory


def _upsert_problems(body: Any) -> list[str]:
    if not isinstance(body, Mapping):
        return ["request body must be a JSON object"]
    messages: list[str] = []
    if not body.get("locationId"):
        messages += ["locationId should not be empty", "locationId must be a string"]
    for key in _STRINGS:
        if key in body and body[key] is not None and not isinstance(body[key], str):
            messages.append(f"{key} must be a string")
    email = body.get("email")
    if isinstance(email, str) and email and not _EMAIL.match(email.strip()):
        messages.append("email must be an email")
    if "additionalEmails" in body:
        messages.append("property additionalEmails should not exist")
    return messages


class ContactsApi:
    """The routes, bound to one simulator (its location check and JSON answers)."""

    def __init__(self, simulator: GoHighLevelSimulator, directory: ContactDirectory) -> None:
        self._sim = simulator
        self.directory = directory

    def routes(self) -> list[tuple[str, re.Pattern[str], Any]]:
        return [
            ("GET", re.compile(r"/contacts/search/duplicate"), self.duplicate),
            ("POST", re.compile(r"/contacts/upsert"), self.upsert),
            ("GET", re.compile(r"/contacts/(?P<contact_id>[^/]+)"), self.get),
        ]

    def _location(self, location_id: Any) -> None:
        if not location_id:
            raise Unprocessable(["locationId should not be empty", "locationId must be a string"])
        self._sim._check_location(location_id)

    async def get(self, call: _Call) -> web.Response:
        contact = self.directory.contacts.get(call.match["contact_id"])
        if contact is None:
            raise BadRequest("Contact not found")
        return self._sim._json(200, {"contact": contact}, trace=False)

    async def duplicate(self, call: _Call) -> web.Response:
        query = call.request.query
        self._location(query.get("locationId"))
        contact = self.directory.duplicate(query.get("email"), query.get("number"))
        return self._sim._json(200, {"contact": contact}, trace=False)

    async def upsert(self, call: _Call) -> web.Response:
        messages = _upsert_problems(call.body)
        if messages:
            raise Unprocessable(messages)
        self._location(call.body["locationId"])
        created, contact = self.directory.upsert(call.body)
        return self._sim._json(200, {"new": created, "contact": contact})
