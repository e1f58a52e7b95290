"""GoHighLevel contacts (``/contacts/...``, ``apps/contacts.json``) behind ``client.contacts``.

Every call carries the client's ``Version`` header (the spec's only value is ``2021-07-28``) and
the location: ``locationId`` in the query or body, as the contacts API names it (the invoices
API says ``altId``).

- ``get``: ``GET /contacts/{contactId}`` -> ``{contact: {...}}``. An unknown id is answered 400
  (the spec documents no 404 for it); a 400 or 404 whose message says the contact was not found
  becomes :class:`~invoicekit.NotFoundError`.
- ``find_by_email``: ``GET /contacts/search/duplicate?locationId=&email=`` -> ``{contact}``,
  ``contact`` absent or null when there is none (a 404 counts as none too). When several contacts
  share the address, GoHighLevel's duplicate rule picks the one returned.
- ``ensure``: the lookup above, then ``POST /contacts/upsert`` only when nothing was found, so an
  existing contact is never changed. The upsert answer's e-mail is checked: GoHighLevel can match
  another field and drop the e-mail silently (highlevel-api-docs #37, #337).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._http.messages import Request, Response
from ..contacts import ContactsResource, same_email, split_name
from ..errors import APIError, InvalidStateError, NotFoundError
from ..models import Address, Contact
from .decode import json_object, malformed
from .encode import invoice_id

if TYPE_CHECKING:
    from .client import GoHighLevelClient


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def decode_contact(data: Any) -> Contact:
    """A GetContectByIdSchema object as a neutral Contact; ValueError/TypeError if it is none."""
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a contact object, got {type(data).__name__}")
    contact_id = _text(data.get("id")) or _text(data.get("_id"))
    if contact_id is None:
        raise ValueError("the contact has no id")
    name = _text(data.get("name")) or " ".join(
        p for p in (_text(data.get("firstName")), _text(data.get("lastName"))) if p
    ) or None
    address = Address(
        line1=_text(data.get("address1")), city=_text(data.get("city")), state=_text(data.get("state")),
        postal_code=_text(data.get("postalCode")), country_code=_text(data.get("country")),
    )
    return Contact(
        id=contact_id, name=name, email=_text(data.get("email")), phone=_text(data.get("phone")),
        company_name=_text(data.get("companyName")), address=None if address == Address() else address,
    )


class GoHighLevelContacts(ContactsResource):
    """``client.contacts`` of a :class:`~invoicekit.gohighlevel.GoHighLevelClient` (string ids)."""

    _client: GoHighLevelClient

    def _checked_id(self, value: object, field: str) -> str:
        return invoice_id(value, field)

    @property
    def _location(self) -> str:
        return self._client.settings.location_id

    def _contact_in(self, request: Request, response: Response, data: Mapping[str, Any]) -> Contact | None:
        wrapped = data.get("contact")
        if wrapped is None:
            return None
        try:
            return decode_contact(wrapped)
        except (ValueError, TypeError) as exc:
            raise malformed(request, response, f"cannot read the contact: {exc}") from None

    async def _get(self, contact_id: str) -> Contact:
        try:
            request, response = await self._client._call("contacts.get", "GET", f"contacts/{contact_id}")
        except APIError as exc:
            if exc.status in (400, 404, 422) and "not found" in exc.message.lower():
                raise NotFoundError(
                    f"contact {contact_id!r}: {exc.message}", status=exc.status, provider=exc.provider,
                    method=exc.method, url=exc.url, body=exc.body,
                ) from None
            raise
        contact = self._contact_in(request, response, json_object(request, response))
        if contact is None:
            raise malformed(request, response, "the answer has no contact")
        return contact

    async def _find_by_email(self, email: str) -> Contact | None:
        params = {"locationId": self._location, "email": email}
        try:
            request, response = await self._client._call(
                "contacts.find_by_email", "GET", "contacts/search/duplicate", params=params
            )
        except NotFoundError:
            return None
        contact = self._contact_in(request, response, json_object(request, response))
        # The duplicate rule may match on another field: only this address counts.
        return contact if contact is not None and same_email(contact.email, email) else None

    async def _create_person(self, contact: Contact) -> Contact:
        assert contact.name is not None and contact.email is not None
        first, last = split_name(contact.name)
        body: dict[str, Any] = {"locationId": self._location, "firstName": first, "email": contact.email}
        if last:
            body["lastName"] = last
        request, response = await self._client._call("contacts.upsert", "POST", "contacts/upsert", json=body)
        created = self._contact_in(request, response, json_object(request, response))
        if created is None:
            raise malformed(request, response, "the upsert answer has no contact")
        if not same_email(created.email, contact.email):
            raise InvalidStateError(
                f"GoHighLevel's upsert answered with contact {created.id!r} whose e-mail is {created.email!r}, "
                f"not {contact.email!r} (the location's duplicate rule matched another field)",
                status=response.status, provider=self._client.provider, method=request.method, url=response.url,
            )
        return created
