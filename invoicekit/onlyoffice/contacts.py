"""ONLYOFFICE CRM contacts (``api/2.0/crm/contact...``) behind ``client.contacts``.

- ``get``: ``GET crm/contact/{id}``. A company is returned too: ``name`` and ``company_name`` are
  its name. A person's ``company_name`` is the company it belongs to, if any.
- ``find_by_email``: ``GET crm/contact/bycontactinfo?infoType=Email&data=...``. The server matches
  ``LIKE '%data%'`` (a substring, ``_`` and ``%`` as wildcards), so the answer is filtered here to
  the contacts with exactly that address (case does not count); of several, the lowest id (the
  oldest) wins.
- ``ensure`` creates a person: ``POST crm/contact/person`` (no create route takes an e-mail), then
  ``POST crm/contact/{id}/data`` with the address as the primary Work e-mail. If that second call
  fails, the new person is deleted again, so that no contact without its e-mail is left behind.

``Contact.email`` is read from the contact's ``commonData`` (its contact infos): the first
primary e-mail, else the first e-mail; ``phone`` likewise from the phone rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._http.messages import Request, Response
from .._serde import excerpt, parse_bool, parse_int
from ..contacts import ContactsResource, same_email, split_name
from ..errors import InvoiceKitError, MalformedResponseError
from ..models import Contact
from .encode import positive_id

if TYPE_CHECKING:
    from .client import OnlyOfficeClient

#: ContactInfoType values (``ContactInfoTypeEnum.cs``).
PHONE, EMAIL = 0, 1
#: Names that are lists in contact wrappers (the XML form cannot tell a one-item list).
CONTACT_LISTS = frozenset({"commonData", "addresses", "customFields", "tags", "accessList"})


def _malformed(request: Request, response: Response, why: str) -> MalformedResponseError:
    # Not envelope.malformed: that helper is moving between modules (see the oo branch).
    return MalformedResponseError(
        f"{request.operation}: undecodable contact answer: {why}", status=response.status,
        provider="onlyoffice", method=request.method, url=response.url, body=excerpt(response.body),
    )


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _int_or_none(value: Any) -> int | None:
    try:
        return parse_int(value)
    except ValueError:
        return None


def _is_email(row: Any, email: str | None = None) -> bool:
    """Whether a contact-info row is an e-mail (this one, when ``email`` is given)."""
    if not isinstance(row, Mapping) or _int_or_none(row.get("infoType")) != EMAIL:
        return False
    return email is None or same_email(_text(row.get("data")), email)


def _info(rows: list[Any], info_type: int) -> str | None:
    """The first primary row of this type, else the first one."""
    found = [
        row for row in rows
        if isinstance(row, Mapping) and _int_or_none(row.get("infoType")) == info_type and _text(row.get("data"))
    ]
    primary = [row for row in found if _flag(row.get("isPrimary"))]
    chosen = primary or found
    return _text(chosen[0].get("data")) if chosen else None


def _flag(value: Any) -> bool:
    try:
        return value is not None and parse_bool(value)
    except ValueError:
        return False


def _rows(data: Mapping[str, Any]) -> list[Any]:
    rows = data.get("commonData")
    return rows if isinstance(rows, list) else []


def decode_contact(data: Any) -> Contact:
    """A ContactWrapper (person or company) as a neutral Contact. ValueError/TypeError if it is none."""
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a contact object, got {type(data).__name__}")
    contact_id = _int_or_none(data.get("id"))
    if contact_id is None or contact_id <= 0:
        raise ValueError("the contact has no id")
    rows = _rows(data)
    if _flag(data.get("isCompany")):
        name = _text(data.get("companyName")) or _text(data.get("displayName"))
        company = name
    else:
        parts = [p for p in (_text(data.get("firstName")), _text(data.get("lastName"))) if p]
        name = " ".join(parts) or _text(data.get("displayName"))
        member_of = data.get("company")
        company = _text(member_of.get("displayName")) if isinstance(member_of, Mapping) else None
    return Contact(
        id=contact_id, name=name, email=_info(rows, EMAIL), phone=_info(rows, PHONE), company_name=company
    )


class OnlyOfficeContacts(ContactsResource):
    """``client.contacts`` of an :class:`~invoicekit.onlyoffice.OnlyOfficeClient` (int ids)."""

    _client: OnlyOfficeClient

    def _checked_id(self, value: object, field: str) -> int:
        return positive_id(value, field)

    async def _read(self, request: Request, *, many: bool = False) -> tuple[Any, Request, Response]:
        envelope, response = await self._client._fetch(request, many=many, lists=CONTACT_LISTS)
        return envelope.response, request, response

    def _decode(self, request: Request, response: Response, data: Any) -> Contact:
        try:
            return decode_contact(data)
        except (ValueError, TypeError) as exc:
            raise _malformed(request, response, str(exc)) from None

    async def _get(self, contact_id: int) -> Contact:
        request = self._client._request("contacts.get", "GET", f"crm/contact/{contact_id}")
        data, request, response = await self._read(request)
        return self._decode(request, response, data)

    async def _find_by_email(self, email: str) -> Contact | None:
        request = self._client._request(
            "contacts.find_by_email", "GET", "crm/contact/bycontactinfo", params={"infoType": "Email", "data": email}
        )
        items, request, response = await self._read(request, many=True)
        matches = []
        for item in items:
            rows = _rows(item) if isinstance(item, Mapping) else []
            # The server matched a substring; only rows with exactly this address count.
            if any(_is_email(row, email) for row in rows):
                matches.append(self._decode(request, response, item))
        if not matches:
            return None
        return min(matches, key=lambda c: c.id if isinstance(c.id, int) else 0)

    async def _create_person(self, contact: Contact) -> Contact:
        assert contact.name is not None and contact.email is not None
        first, last = split_name(contact.name)
        # lastName "" rather than absent: the server trims a null one (HTTP 500). shareType 1
        # (read/write for everyone): a private contact is unreadable to non-admin API users.
        body = {"firstName": first, "lastName": last, "shareType": 1}
        request = self._client._request("contacts.create", "POST", "crm/contact/person", body=body)
        data, request, response = await self._read(request)
        person = self._decode(request, response, data)
        info = {"infoType": "Email", "data": contact.email, "isPrimary": True, "category": "Work"}
        attach = self._client._request("contacts.add_email", "POST", f"crm/contact/{person.id}/data", body=info)
        try:
            await self._read(attach)
        except InvoiceKitError as exc:
            await self._undo_create(person, exc)
            raise
        return Contact(id=person.id, name=person.name, email=contact.email, company_name=person.company_name)

    async def _undo_create(self, person: Contact, exc: InvoiceKitError) -> None:
        delete = self._client._request("contacts.delete", "DELETE", f"crm/contact/{person.id}")
        try:
            await self._read(delete)
        except InvoiceKitError:
            exc.add_note(
                f"ONLYOFFICE person {person.id} ({person.name!r}) was created but has no e-mail, and could "
                f"not be deleted again: add the e-mail to it or delete it before calling ensure again."
            )
        else:
            exc.add_note(f"The person created for it ({person.id}) was deleted again: nothing was kept.")
