"""Contacts as a provider-neutral resource: ``client.contacts``.

An invoice is addressed to one of the provider's own contacts, named by the provider's id. This
module is the one way to get that id for a customer known by name and e-mail, the same on every
provider::

    customer = await client.contacts.ensure(Contact(name="Jane Cooper", email="jane@example.com"))
    invoice = await client.create(InvoiceDraft(contact=customer, ...))

The rules are neutral and checked here, before an adapter sends anything:

- e-mail addresses are compared without regard to case and surrounding spaces;
- ``find_by_email`` returns ``None`` when no contact has the address; when several have it, the
  oldest one (the provider's own choice where it has one: see each adapter);
- ``ensure`` never changes a contact it finds; it creates a *person* when there is none, with the
  name split at its first space into first and last name (``"Mary Ann Lee"`` -> ``Mary`` /
  ``Ann Lee``), and runs of spaces collapsed, so the name reads back as written;
- a contact that already carries an id is only looked up (``get``), never created.

Adapters subclass :class:`ContactsResource` and implement three wire calls; the validation and
the find-or-create logic stay here.
"""

from __future__ import annotations

import abc
import re
from typing import Any

import attrs

from .errors import InvalidRequestError
from .models import Contact, InvoiceId

__all__ = ["ContactsResource", "checked_email", "require_contact_id", "split_name"]

#: RFC 5321 limits: 254 characters in all, 64 before the ``@``.
_MAX_EMAIL = 254
_MAX_LOCAL = 64
_MAX_NAME = 200
# One "@", no spaces or controls, and a dot in the domain (as GoHighLevel's validator wants).
_EMAIL = re.compile(r"[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]\Z")
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def checked_email(value: object, field: str = "email") -> str:
    """An e-mail address, stripped; a clear InvalidRequestError for anything else."""
    if not isinstance(value, str):
        raise InvalidRequestError(f"must be an e-mail address string, not {type(value).__name__}", field=field)
    email = value.strip()
    if not email:
        raise InvalidRequestError("is required (contacts are found by e-mail address)", field=field)
    if _CONTROL.search(email) or len(email) > _MAX_EMAIL or not _EMAIL.match(email):
        raise InvalidRequestError(f"{email[:60]!r} is not an e-mail address", field=field)
    if len(email.partition("@")[0]) > _MAX_LOCAL:
        raise InvalidRequestError(f"has more than {_MAX_LOCAL} characters before the '@'", field=field)
    return email


def _checked_name(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"must be a string, not {type(value).__name__}" if value is not None else "is required to create a contact",
            field=field,
        )
    name = " ".join(value.split())
    if not name:
        raise InvalidRequestError("is required to create a contact", field=field)
    if _CONTROL.search(name):
        raise InvalidRequestError("contains a control character", field=field)
    if len(name) > _MAX_NAME:
        raise InvalidRequestError(f"has more than {_MAX_NAME} characters", field=field)
    return name


def split_name(name: str) -> tuple[str, str]:
    """First and last name of a (normalised) full name: split at the first space; the last name
    is ``""`` for a one-word name."""
    first, _, last = name.partition(" ")
    return first, last


def same_email(a: str | None, b: str) -> bool:
    """Whether two addresses are the same for lookups: case and outer spaces do not count."""
    return a is not None and a.strip().casefold() == b.strip().casefold()


def require_contact_id(contact: object, field: str = "contact") -> None:
    """Refuse, before sending, an invoice contact without the provider's id (the neutral rule of
    ``create``): the id comes from ``client.contacts.ensure``/``find_by_email``/``get``."""
    if contact is None:
        raise InvalidRequestError(
            "an invoice needs a contact: get one with `await client.contacts.ensure(Contact(name=..., email=...))`",
            field=f"{field}.id",
        )
    if not isinstance(contact, Contact):
        raise InvalidRequestError(f"must be a Contact, not {type(contact).__name__}", field=field)
    if contact.id is None:
        raise InvalidRequestError(
            "the contact has no provider id: resolve it first with "
            "`contact = await client.contacts.ensure(contact)` (finds it by e-mail or creates it)",
            field=f"{field}.id",
        )


class ContactsResource(abc.ABC):
    """``client.contacts``: one provider's contacts behind the neutral rules above.

    Subclasses implement :meth:`_get`, :meth:`_find_by_email` and :meth:`_create_person`; they
    receive checked values only.
    """

    def __init__(self, client: Any) -> None:
        self._client = client

    async def get(self, contact_id: InvoiceId) -> Contact:
        """The contact with this id (a company too), e-mail included. NotFoundError when there is none."""
        return await self._get(self._checked_id(contact_id, "contact_id"))

    async def find_by_email(self, email: str) -> Contact | None:
        """The contact with this e-mail address (case does not count), or None. When several
        have it: the oldest (see the adapter for the provider's rule)."""
        return await self._find_by_email(checked_email(email))

    async def ensure(self, contact: Contact) -> Contact:
        """The provider's contact for ``contact``: found by e-mail, else created (a person) from
        its name and e-mail; returned as the provider has it, id filled. A contact that has an id
        already is looked up by it. Name and e-mail are checked before anything is sent."""
        if not isinstance(contact, Contact):
            raise InvalidRequestError(f"must be a Contact, not {type(contact).__name__}", field="contact")
        if contact.id is not None:
            return await self.get(contact.id)
        email = checked_email(contact.email, "contact.email")
        name = _checked_name(contact.name, "contact.name")
        found = await self._find_by_email(email)
        if found is not None:
            return found
        return await self._create_person(attrs.evolve(contact, name=name, email=email))

    @abc.abstractmethod
    def _checked_id(self, value: object, field: str) -> InvoiceId:
        """The id in the provider's type, or InvalidRequestError."""

    @abc.abstractmethod
    async def _get(self, contact_id: Any) -> Contact: ...

    @abc.abstractmethod
    async def _find_by_email(self, email: str) -> Contact | None: ...

    @abc.abstractmethod
    async def _create_person(self, contact: Contact) -> Contact:
        """Create a person with ``contact.name`` (normalised) and ``contact.email`` (checked)."""
