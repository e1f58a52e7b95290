"""The ONLYOFFICE simulator's CRM contacts API: persons, their contact infos, lookup by info.

Rules from ``CRMApi.Contacts.cs`` / ``CRMApi.ContactInfo.cs`` as the reference
(``onlyoffice-contacts-items-documents.md`` sections 1-4) describes them:

- ``GET crm/contact/{id}``: 400 for id 0, 404 when missing; a full ContactWrapper.
- ``GET crm/contact/bycontactinfo``: ``infoType`` required (400), enum name or number; ``data``
  matched as SQL ``LIKE '%data%'`` without escaping ``%``/``_``, case-insensitive; empty ``data``
  matches every row of the type; distinct contacts, no paging.
- ``POST crm/contact/person``: a null ``firstName`` or ``lastName`` is an HTTP 500 (the DAO trims
  null), an empty ``firstName`` a 400; a ``companyId`` that does not exist a 404. No e-mail.
- ``POST crm/contact/{id}/data``: empty ``data`` 400, missing contact 404, ``category`` must be the
  *name* of a category of the info type, case-sensitive (``"Work"``; ``"1"`` is a 400).
- ``DELETE crm/contact/{id}``: 404 when missing, 403 when an invoice refers to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
from aiohttp import web

from .binder import ApiError, argument_error, not_found, server_error, to_int, to_text
from .render import Wrappers
from .store import Contact, Store

if TYPE_CHECKING:
    from .simulator import _Call

INFO_TYPES = ("Phone", "Email", "Website", "Skype", "Twitter", "LinkedIn", "Facebook", "Address", "LiveJournal",
              "MySpace", "GMail", "Blogger", "Yahoo", "MSN", "ICQ", "Jabber", "AIM", "VK")  # fmt: skip
PHONE, EMAIL, ADDRESS = 0, 1, 7
_CATEGORIES = {
    PHONE: ("Home", "Work", "Mobile", "Fax", "Direct", "Other"),
    ADDRESS: ("Home", "Postal", "Office", "Billing", "Other", "Work"),
}
_BASE_CATEGORIES = ("Home", "Work", "Other")

#: Contact infos of the seeded contacts (``store.default_contacts``); Initech has none.
SEEDED_EMAILS = {
    1: "billing@acme.example.com",
    2: "jane.cooper@example.com",
    3: "accounts@globex.example.com",
    5: "robert.fox@example.com",
}


def categories(info_type: int) -> tuple[str, ...]:
    return _CATEGORIES.get(info_type, _BASE_CATEGORIES)


@attrs.define
class InfoRow:
    id: int
    contact_id: int
    info_type: int
    category: int
    data: str
    is_primary: bool


def _info_type(value: Any) -> int:
    """A ContactInfoType argument: its number or its name (any case)."""
    text = to_text(value).strip()
    if text.isdigit() and int(text) < len(INFO_TYPES):
        return int(text)
    lowered = [name.lower() for name in INFO_TYPES]
    if text.lower() in lowered:
        return lowered.index(text.lower())
    raise argument_error()


def _like(pattern: str) -> re.Pattern[str]:
    """SQL ``LIKE '%pattern%'`` (MySQL, case-insensitive collation); ``%`` and ``_`` are wildcards."""
    body = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile(f".*{body}.*", re.IGNORECASE | re.DOTALL)


class ContactBook:
    """Persons' names and every contact's info rows, next to the store's contacts."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self._clock = clock
        self.rows: dict[int, InfoRow] = {}
        self.names: dict[int, tuple[str, str]] = {}
        self.created: dict[int, datetime] = {}
        seeded_at = datetime(2024, 1, 2, 9, 0, tzinfo=store.zone)
        for contact in store.contacts.values():
            self.created[contact.id] = seeded_at
            if not contact.is_company:
                first, _, last = contact.display_name.partition(" ")
                self.names[contact.id] = (first, last)
        for contact_id, email in SEEDED_EMAILS.items():
            self.add_row(contact_id, EMAIL, 1, email, is_primary=True)
        self.add_row(2, PHONE, 2, "+1-555-0102", is_primary=True)

    def add_row(self, contact_id: int, info_type: int, category: int, data: str, *, is_primary: bool) -> InfoRow:
        row = InfoRow(max(self.rows, default=0) + 1, contact_id, info_type, category, data, is_primary)
        self.rows[row.id] = row
        return row

    def primary_email(self, contact_id: int) -> dict[str, Any] | None:
        """The contact's first primary e-mail as a ContactInfoWrapper (``GetList(id, Email, null,
        true).FirstOrDefault()``: rows in the order they were added, as ``rows`` keeps them), None
        without one."""
        row = next((r for r in self.rows.values()
                    if r.contact_id == contact_id and r.info_type == EMAIL and r.is_primary), None)
        return None if row is None else self.info(row)

    def emails(self, contact_id: int) -> list[str]:
        return [r.data for r in self.rows.values() if r.contact_id == contact_id and r.info_type == EMAIL]

    # -- wrappers ---------------------------------------------------------------------------
    @staticmethod
    def info(row: InfoRow) -> dict[str, Any]:
        return {
            "id": row.id, "infoType": row.info_type, "category": row.category, "data": row.data,
            "categoryName": categories(row.info_type)[row.category], "isPrimary": row.is_primary,
        }

    def wrapper(self, wrappers: Wrappers, contact: Contact) -> dict[str, Any]:
        """ContactWrapper: the base wrapper, ``commonData`` (non-address rows), and the person's or
        company's own fields (``EmitDefaultValue=false`` members left out when null)."""
        wrapper = wrappers.contact(contact)
        assert wrapper is not None
        rows = sorted((r for r in self.rows.values() if r.contact_id == contact.id), key=lambda r: r.id)
        referenced = any(i.contact_id == contact.id or i.consignee_id == contact.id
                         for i in self.store.invoices.values())  # fmt: skip
        wrapper.update(
            canDelete=not referenced,
            addresses=[],
            createBy=wrappers.employee(),
            created=wrappers.date(self.created.get(contact.id, self._clock())),
            commonData=[self.info(r) for r in rows if r.info_type != ADDRESS],
            customFields=[],
            tags=[],
            haveLateTasks=False,
        )
        if contact.is_company:
            wrapper["companyName"] = contact.display_name
        else:
            first, last = self.names.get(contact.id, (contact.display_name, ""))
            wrapper.update(firstName=first, lastName=last)
        return wrapper

    def _contact(self, call: _Call, name: str = "id") -> Contact:
        contact_id = to_int(call.match[name])
        if contact_id <= 0:
            raise argument_error()
        contact = self.store.contacts.get(contact_id)
        if contact is None:
            raise not_found()
        return contact

    def _wrappers(self, call: _Call) -> Wrappers:
        return Wrappers(self.store, f"{call.request.scheme}://{call.request.host}")

    # -- handlers -----------------------------------------------------------------------------
    def routes(self) -> list[tuple[str, re.Pattern[str], Any, bool]]:
        """The contact routes, for the simulator's table."""
        return [
            ("GET", re.compile(r"crm/contact/bycontactinfo"), self.by_contact_info, True),
            ("GET", re.compile(r"crm/contact/(?P<id>[0-9]+)"), self.get, True),
            ("DELETE", re.compile(r"crm/contact/(?P<id>[0-9]+)"), self.delete, True),
            ("POST", re.compile(r"crm/contact/person"), self.create_person, True),
            ("POST", re.compile(r"crm/contact/(?P<id>[0-9]+)/data"), self.add_info, True),
        ]

    async def get(self, call: _Call) -> web.Response:
        return call.answer(self.wrapper(self._wrappers(call), self._contact(call)))

    async def by_contact_info(self, call: _Call) -> web.Response:
        params = call.params
        if not to_text(params.get("infoType")).strip():
            raise argument_error()  # infoType is ContactInfoType? and must have a value
        info_type = _info_type(params.get("infoType"))
        pattern = _like(to_text(params.get("data")))
        category = params.get("category")
        primary = params.get("isPrimary")
        ids = sorted({
            r.contact_id for r in self.rows.values()
            if r.info_type == info_type and pattern.fullmatch(r.data)
            and (category in (None, "") or r.category == to_int(category))
            and (primary in (None, "") or r.is_primary == (to_text(primary).lower() == "true"))
        })
        wrappers = self._wrappers(call)
        return call.answer([self.wrapper(wrappers, self.store.contacts[i]) for i in ids if i in self.store.contacts])

    async def create_person(self, call: _Call) -> web.Response:
        params = call.params
        first, last = params.get("firstName"), params.get("lastName")
        if first is None or last is None:
            raise server_error("Object reference not set to an instance of an object.")
        first, last = to_text(first).strip(), to_text(last).strip()
        if not first:
            raise argument_error()
        company_id = to_int(params.get("companyId"))
        if company_id > 0 and company_id not in self.store.contacts:
            raise not_found()
        contact_id = max(self.store.contacts, default=0) + 1
        contact = Contact(contact_id, f"{first} {last}".strip(), False)
        self.store.contacts[contact_id] = contact
        self.names[contact_id] = (first, last)
        self.created[contact_id] = self._clock()
        return call.answer(self.wrapper(self._wrappers(call), contact))

    async def add_info(self, call: _Call) -> web.Response:
        params = call.params
        data = to_text(params.get("data"))
        if not data or to_int(call.match["id"]) <= 0:
            raise argument_error()
        contact = self._contact(call)
        # A non-nullable enum argument: absent binds as 0 (Phone).
        info_type = _info_type(params.get("infoType") or 0)
        category = params.get("category")
        names = categories(info_type)
        if not isinstance(category, str) or category not in names:  # Enum.IsDefined(type, string)
            raise argument_error()
        primary = to_text(params.get("isPrimary")).lower() == "true"
        row = self.add_row(contact.id, info_type, names.index(category), data, is_primary=primary)
        return call.answer(self.info(row))

    async def delete(self, call: _Call) -> web.Response:
        contact = self._contact(call)
        wrappers = self._wrappers(call)
        answer = self.wrapper(wrappers, contact)
        if not answer["canDelete"]:
            raise ApiError(403, "Access denied", -2146233088)
        del self.store.contacts[contact.id]
        for row_id in [r.id for r in self.rows.values() if r.contact_id == contact.id]:
            del self.rows[row_id]
        self.names.pop(contact.id, None)
        return call.answer(wrappers.contact(contact))
