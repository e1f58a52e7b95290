"""Neutral drafts, changes and list filters -> ONLYOFFICE request bodies and queries, validated
like the server would (:mod:`.request_body` then puts the bodies on the wire).

The server answers every broken invoice with the same 400 "Value does not fall within the expected
range.", so the rules it applies (``CRMApi.Invoices.cs`` and ``InvoiceDao.cs`` in the server's
source) are checked here first and reported as :class:`InvalidRequestError` naming the field.
Key spellings are the ones the server binds: nested line keys are case-sensitive, and
``invoiceItemId`` (lowercase d) would be silently dropped, so these names are written out once,
here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..errors import InvalidRequestError
from ..listing import ListFilters
from ..models import Invoice, InvoiceChanges, InvoiceDraft, LineItem, currency_code
from .items import checked_title
from .request_body import check_text
from .wire import WireAddressIds, WireLinks

_INT32_MAX = 2**31 - 1
MAX_PAGE_SIZE = 1000  # the portal's maxPage in the shipped configuration; larger counts are clamped
_HUNDRED = Decimal(100)


def positive_id(value: object, field: str) -> int:
    """An ONLYOFFICE id: an int > 0 (int32), or a string of ASCII digits naming one."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    if number is None or not 0 < number <= _INT32_MAX:
        shown = repr(value) if isinstance(value, int | str) else type(value).__name__
        raise InvalidRequestError(f"must be a positive integer id, got {shown[:40]}", field=field)
    return number


def wire_date(value: object, field: str) -> str:
    """``YYYY-MM-DD``: the server reads a date-only value as that day in the portal's zone."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise InvalidRequestError(f"must be a date, got {type(value).__name__}", field=field)


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(f"must be text, got {type(value).__name__}", field=field)
    return value


def _required_text(value: object, field: str) -> str:
    text = _text(value, field)
    if not text.strip():
        raise InvalidRequestError("must not be empty (ONLYOFFICE refuses it)", field=field)
    return text


# A .NET culture name: a language, an optional script, an optional region ("en-US", "de",
# "sr-Latn-RS", "es-419"), or one of .NET's legacy Chinese names; without regard to case, as .NET.
_CULTURE = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?|zh-CHS|zh-CHT)\Z", re.IGNORECASE | re.ASCII
)


def culture_name(value: object, field: str) -> str:
    """The invoice language: the server renders the PDF in that .NET culture after saving the
    invoice, so anything else fails the call with the invoice already created."""
    text = _text(value, field)
    if not _CULTURE.match(text):
        raise InvalidRequestError(
            f"{text[:40]!r} is not a .NET culture name such as 'en-US' or 'de-DE'", field=field
        )
    return text


def encode_line(line: LineItem, index: int, default_item_id: int | None) -> dict[str, Any]:
    where = f"lines[{index}]"
    if not isinstance(line, LineItem):
        raise InvalidRequestError(f"must be a LineItem, got {type(line).__name__}", field=where)
    if line.name is not None:
        checked_title(line.name, f"{where}.name")
    if line.item_id is not None:
        item_id = positive_id(line.item_id, f"{where}.item_id")
    elif line.name is not None:
        item_id = 0  # the item titled so: found or created by ItemCatalogue.resolve once all is checked
    elif default_item_id is not None:
        item_id = default_item_id
    else:
        raise InvalidRequestError(
            "every ONLYOFFICE line needs a catalogue item: set name (the item's title), item_id, "
            "or the default_item_id setting",
            field=f"{where}.item_id",
        )
    if len(line.tax_ids) > 2:
        raise InvalidRequestError(
            f"ONLYOFFICE lines carry at most two taxes, got {len(line.tax_ids)}", field=f"{where}.tax_ids"
        )
    if line.quantity < 0:
        raise InvalidRequestError("must be >= 0", field=f"{where}.quantity")
    if line.unit_price < 0:
        raise InvalidRequestError("must be >= 0", field=f"{where}.unit_price")
    if not 0 <= line.discount <= _HUNDRED:
        raise InvalidRequestError("is a percentage and must be within 0..100", field=f"{where}.discount")
    body: dict[str, Any] = {"invoiceItemID": item_id}
    for slot, tax_id in zip(("invoiceTax1ID", "invoiceTax2ID"), line.tax_ids, strict=False):
        body[slot] = positive_id(tax_id, f"{where}.tax_ids")
    body["quantity"] = line.quantity
    body["price"] = line.unit_price
    body["discount"] = line.discount
    # The line's own text; its name is the item's title (the PDF prints "title: description").
    if line.description is not None:
        body["description"] = _text(line.description, f"{where}.description")
    return body


def encode_lines(lines: Iterable[LineItem], default_item_id: int | None) -> list[dict[str, Any]]:
    encoded = [encode_line(line, i, default_item_id) for i, line in enumerate(lines)]
    if not encoded:
        raise InvalidRequestError("an ONLYOFFICE invoice needs at least one line", field="lines")
    return encoded


def _exchange_rate(value: Decimal | None) -> Decimal:
    if value is None:
        return Decimal(1)
    if value <= 0:
        raise InvalidRequestError("must be > 0 (1 for the portal's base currency)", field="exchange_rate")
    return value


def _merge_extra(body: dict[str, Any], extra: Mapping[str, Any], *, updating: bool) -> None:
    for key, value in extra.items():
        if not isinstance(key, str) or not key:
            raise InvalidRequestError("keys must be non-empty wire names", field="extra")
        lowered = key.lower()
        if lowered == "invoicelines":
            raise InvalidRequestError("set lines, not extra['invoiceLines']", field=f"extra.{key}")
        if updating and lowered == "number":
            raise InvalidRequestError("ONLYOFFICE cannot change an invoice's number", field=f"extra.{key}")
        body[key] = value


def _put_optional(body: dict[str, Any], key: str, value: object, field: str) -> None:
    if value is not None:
        body[key] = _text(value, field)


def draft_body(
    draft: InvoiceDraft, *, number: str, default_item_id: int | None, default_terms: str | None
) -> dict[str, Any]:
    """The POST ``crm/invoice`` body. ``number`` is the draft's or a generated one. Without
    terms in the draft or ``default_terms``, the body has no ``terms``: the client adds the
    portal's own (:mod:`.portal_settings`)."""
    if draft.issue_date is None:
        raise InvalidRequestError("is required by ONLYOFFICE", field="issue_date")
    if draft.due_date is None:
        raise InvalidRequestError("is required by ONLYOFFICE", field="due_date")
    if draft.contact is None:
        raise InvalidRequestError("ONLYOFFICE invoices need a contact id", field="contact.id")
    terms = draft.terms if draft.terms is not None else default_terms
    if draft.name is not None and draft.name != (draft.number or number):
        raise InvalidRequestError(
            "ONLYOFFICE invoices have no title apart from their number; leave name unset", field="name"
        )
    body: dict[str, Any] = {
        "number": _required_text(number, "number"),
        "issueDate": wire_date(draft.issue_date, "issue_date"),
        "dueDate": wire_date(draft.due_date, "due_date"),
        "contactId": positive_id(draft.contact.id, "contact.id"),
        "currency": draft.currency,
        "exchangeRate": _exchange_rate(draft.exchange_rate),
    }
    if terms is not None:
        body["terms"] = _required_text(terms, "terms")
    if draft.language:
        body["language"] = culture_name(draft.language, "language")
    _put_optional(body, "purchaseOrderNumber", draft.purchase_order_number, "purchase_order_number")
    _put_optional(body, "description", draft.description, "description")
    body["invoiceLines"] = encode_lines(draft.lines, default_item_id)
    _merge_extra(body, draft.extra, updating=False)
    return body


def update_body(
    current: Invoice, links: WireLinks, changes: InvoiceChanges, *, default_item_id: int | None
) -> dict[str, Any]:
    """The PUT ``crm/invoice/{id}`` body: the whole invoice (the server replaces everything,
    lines included) built from ``current`` and ``links`` with ``changes`` applied, except the
    address ids (:func:`address_ids`). No ``number``: it is immutable through the API.
    """
    if changes.name is not None and changes.name != current.number:
        raise InvalidRequestError(
            "ONLYOFFICE invoices have no title and their number cannot change", field="name"
        )
    issue = changes.issue_date if changes.issue_date is not None else current.issue_date
    due = changes.due_date if changes.due_date is not None else current.due_date
    if issue is None:
        raise InvalidRequestError("is required by ONLYOFFICE and the invoice has none", field="issue_date")
    if due is None:
        raise InvalidRequestError("is required by ONLYOFFICE and the invoice has none", field="due_date")
    if changes.contact is not None:
        contact_id = positive_id(changes.contact.id, "contact.id")
    elif current.contact is not None and current.contact.id is not None:
        contact_id = positive_id(current.contact.id, "contact.id")
    else:
        raise InvalidRequestError("the invoice has no contact; ONLYOFFICE requires one", field="contact.id")
    currency = changes.currency or current.currency
    if not currency:
        raise InvalidRequestError("the invoice has no currency; ONLYOFFICE requires one", field="currency")
    terms = changes.terms if changes.terms is not None else current.terms
    body: dict[str, Any] = {
        "issueDate": wire_date(issue, "issue_date"),
        "dueDate": wire_date(due, "due_date"),
        "contactId": contact_id,
        "currency": currency,
        "exchangeRate": _exchange_rate(
            changes.exchange_rate if changes.exchange_rate is not None else current.exchange_rate
        ),
        "terms": _required_text(terms if terms is not None else "", "terms"),
    }
    if links.template_type:
        body["templateType"] = links.template_type
    if links.consignee is not None and links.consignee.id > 0:
        body["consigneeId"] = links.consignee.id
    if links.entity is not None and links.entity.entity_id > 0 and (
        (links.entity.entity_type or "").lower() == "opportunity"
    ):
        body["entityId"] = links.entity.entity_id
    language = changes.language if changes.language is not None else current.language
    if language:
        body["language"] = culture_name(language, "language")
    for key, field, new, old in (
        ("purchaseOrderNumber", "purchase_order_number", changes.purchase_order_number,
         current.purchase_order_number),
        ("description", "description", changes.description, current.description),
    ):
        _put_optional(body, key, new if new is not None else old, field)
    if changes.lines is not None:
        body["invoiceLines"] = encode_lines(changes.lines, default_item_id)
    else:
        assert current.lines is not None, "update reads the invoice with get(), which loads its lines"
        body["invoiceLines"] = encode_lines(current.lines, default_item_id)
    _merge_extra(body, changes.extra, updating=True)
    return body


def address_ids(
    addresses: WireAddressIds, body: Mapping[str, Any], links: WireLinks, changes: InvoiceChanges, current: Invoice
) -> dict[str, int]:
    """The address ids an update body must carry again, or the server sets them to 0.

    The billing address belongs to the contact and the delivery address to the consignee: each
    goes back while its owner stays, and is left out when the update names another owner (the
    server would refuse the old address). Ids set in ``changes.extra`` win.
    """
    extra = {str(key).lower() for key in changes.extra}
    ids: dict[str, int] = {}
    contact = current.contact.id if current.contact is not None else None
    if addresses.billing_address_id > 0 and body.get("contactId") == contact and "billingaddressid" not in extra:
        ids["billingAddressID"] = addresses.billing_address_id
    consignee = links.consignee.id if links.consignee is not None else 0
    sent_consignee = [v for k, v in body.items() if k.lower() == "consigneeid"][-1:] or [0]
    if addresses.delivery_address_id > 0 and sent_consignee[0] == consignee and "deliveryaddressid" not in extra:
        ids["deliveryAddressID"] = addresses.delivery_address_id
    return ids


def list_params(filters: ListFilters, *, page_size: int, descending: bool) -> dict[str, str]:
    """The query of ``GET crm/invoice/filter`` (without ``status`` and ``startIndex``), checked
    before any request. ``page_size`` is the one to ask for (``filters.page_size`` cut to the
    listing's limit)."""
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidRequestError(f"must be an integer within 1..{MAX_PAGE_SIZE}", field="page_size")
    contact_id, currency, search = filters.contact_id, filters.currency, filters.search
    params: dict[str, str] = {}
    # Date-only bounds: the server makes "To" inclusive by adding a day minus a minute, which a
    # time part would push into the next day.
    for key, field, value in (
        ("issueDateFrom", "issued_from", filters.issued_from), ("issueDateTo", "issued_to", filters.issued_to),
        ("dueDateFrom", "due_from", filters.due_from), ("dueDateTo", "due_to", filters.due_to),
    ):
        if value is not None:
            params[key] = wire_date(value, field)
    if contact_id is not None:
        # entityid alone matches nothing: the server needs the entity type with it.
        params["entityType"] = "contact"
        params["entityid"] = str(positive_id(contact_id, "contact_id"))
    if currency is not None:
        params["currency"] = currency_code(currency, "currency")
    if search is not None:
        if not isinstance(search, str):
            raise InvalidRequestError("must be text", field="search")
        text = search.strip()
        check_text(text, "search", xml=False)  # a query value: only what has no UTF-8 form
        if text:
            # ApiContext reads a single ``filterValue`` split on commas and keeps the first part
            # ("Acme, Inc" would search "Acme"), but takes ``filterValue[]`` values as they are.
            params["filterValue[]" if "," in text else "filterValue"] = text
    # The one order GoHighLevel sorts by too (the default here is by number). The server's
    # sortOrder is "descending" or anything else for ascending: both are spelled out.
    params["sortBy"] = "issueDate"
    params["sortOrder"] = "descending" if descending else "ascending"
    params["count"] = str(page_size)
    return params
