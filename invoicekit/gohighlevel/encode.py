"""Neutral requests -> GHL request bodies and queries, validated before anything is sent.

Where the wire differs per operation, this module is the one place that knows it:

- ``altId``/``altType`` go in the query for GET/DELETE and in the JSON body for POST/PUT;
- create calls lines ``items``; update (a full replacement PUT) calls them ``invoiceItems`` and
  requires ``dueDate``;
- create requires ``businessDetails``, ``discount``, ``sentTo`` and ``liveMode``, which a neutral
  draft does not carry: they come from the settings (``discount`` defaults to none).
- update is a full replacement, so it sends back what the neutral model does not carry from
  ``invoice.raw``, each value made to fit the request DTO first (:mod:`.dto`).

Neutral fields GHL has no place for (``purchase_order_number``, ``exchange_rate``, ``language``,
a line's ``discount``) are refused before this module runs, by ``rules.py``'s declarations
(:meth:`~invoicekit.ProviderRules.check_fields`). Create has no ``description`` and needs a
``name``: a ``PUT`` right after the create sets the description, and the name when it is the number GHL
gives the invoice (:func:`named_after_number`). ``draft.extra``/``changes.extra`` are
merged into the body verbatim (wire names) and win over what this module computed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from .._log import get_logger
from ..errors import InvalidRequestError
from ..models import Address, Contact, Invoice, InvoiceChanges, InvoiceDraft, InvoiceId, LineItem, Payment
from ..money import check_precision, is_known_currency
from .dto import (
    BUSINESS_DETAILS,
    CONTACT_DETAILS,
    DISCOUNT,
    INVALID,
    INVOICE_ITEM,
    ITEM_TAX,
    UPDATE_INVOICE,
    Shape,
    conform,
)
from .settings import SEND_ACTIONS, BusinessDetails, GoHighLevelSettings
from .terms import terms_html

logger = get_logger("invoicekit.gohighlevel")

ALT_TYPE = "location"
_BAD_ID_CHARS = frozenset("/?#%\\")
#: GHL ids are 20-24 characters; anything this long is not one (and would make an oversized URL).
_MAX_ID_LENGTH = 128
#: What real GHL ids look like (24 hex digits, or 20 alphanumerics for locations): valid as they
#: are and unchanged by percent-encoding, so the checks below need not look at each character.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
# Keys of InvoiceItemDto that a decoded line may carry in ``raw`` and that survive a round trip.
_ITEM_KEYS = ("priceId", "type", "taxInclusive", "automaticTaxCategoryId", "isSetupFeeItem")
# Keys of an existing invoice that a full-replacement PUT sends back unchanged (UpdateInvoiceDto).
_KEPT_ON_UPDATE = (
    "title", "invoiceNumberPrefix", "automaticTaxesEnabled", "liveMode", "paymentSchedule",
    "tipsConfiguration", "xeroDetails", "paymentMethods", "attachments", "miscellaneousCharges",
)
_NO_DISCOUNT: Mapping[str, Any] = {"type": "percentage", "value": 0}
#: The name a draft without name or number is created under, for the moment until the PUT that
#: follows names it after the number GHL gave it (create requires a name).
PENDING_NAME = "Invoice"


def invoice_id(value: object, name: str = "invoice_id") -> str:
    """A GHL id checked for use in a path: a non-empty string without separators or spaces."""
    if type(value) is str and _PLAIN_ID.fullmatch(value):
        return value
    if not isinstance(value, str):
        raise InvalidRequestError(f"must be a GoHighLevel id string, not {type(value).__name__}", field=name)
    if (
        not value or len(value) > _MAX_ID_LENGTH or value.strip(".") == ""
        or any(c in _BAD_ID_CHARS or not c.isprintable() or c.isspace() for c in value)
    ):
        # "." and ".." would survive percent-encoding and be resolved by the URL library:
        # invoices/.. is the location's invoice list, not an invoice.
        shown = value[:40]
        raise InvalidRequestError(
            f"{shown!r} is not a GoHighLevel id (empty, dots only, over {_MAX_ID_LENGTH} characters, "
            "or has /, ?, #, %, spaces or control characters)",
            field=name,
        )
    return value


def invoice_path(value: object, suffix: str = "") -> str:
    checked = invoice_id(value)
    if _PLAIN_ID.fullmatch(checked) is None:  # anything else is quoted (a plain id needs no quoting)
        checked = quote(checked, safe="")
    return f"invoices/{checked}{suffix}"


def alt_query(settings: GoHighLevelSettings) -> dict[str, str]:
    """The location, as every call names it: in the query of GET/DELETE, in the body of POST/PUT."""
    return {"altId": settings.location_id, "altType": ALT_TYPE}


def _require_text(value: str | None, name: str) -> None:
    if value is None or not value.strip():
        raise InvalidRequestError("is required by GoHighLevel", field=name)


def _date(value: date | None, name: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise InvalidRequestError("is required by GoHighLevel", field=name)
        return None
    if not isinstance(value, date):
        raise InvalidRequestError(f"must be a date, not {type(value).__name__}", field=name)
    return value.isoformat()[:10]  # a datetime is a date too: its calendar day is meant


def address_body(address: Address | None) -> dict[str, str] | None:
    if address is None:
        return None
    pairs = {
        "addressLine1": address.line1, "addressLine2": address.line2, "city": address.city,
        "state": address.state, "countryCode": address.country_code, "postalCode": address.postal_code,
    }
    return {k: v for k, v in pairs.items() if v is not None}


def business_body(business: BusinessDetails) -> dict[str, Any]:
    pairs: dict[str, Any] = {
        "name": business.name, "phoneNo": business.phone, "website": business.website,
        "logoUrl": business.logo_url, "address": address_body(business.address),
    }
    return {k: v for k, v in pairs.items() if v is not None}


def contact_body(contact: Contact | None, name: str = "contact") -> dict[str, Any]:
    """ContactDetailsDto. The spec requires ``id`` and ``phoneNo`` too; unknown ones are sent
    empty (GHL matches the contact by email; it may still refuse a contact without a phone)."""
    if contact is None:
        raise InvalidRequestError("is required by GoHighLevel (name and email at least)", field=name)
    _require_text(contact.name, f"{name}.name")
    _require_text(contact.email, f"{name}.email")
    if contact.id is not None and not isinstance(contact.id, str):
        raise InvalidRequestError(
            f"must be a GoHighLevel contact id string, not {type(contact.id).__name__}", field=f"{name}.id"
        )
    body: dict[str, Any] = {
        "id": contact.id or "",
        "name": contact.name,
        "email": contact.email,
        "phoneNo": contact.phone or "",
    }
    if contact.company_name:
        body["companyName"] = contact.company_name
    address = address_body(contact.address)
    if address:
        body["address"] = address
    return body


def _amount(value: Decimal, name: str) -> Decimal:
    if not value.is_finite():
        raise InvalidRequestError("must be a finite number", field=name)
    return value


def item_body(line: LineItem, currency: str, name: str) -> dict[str, Any]:
    """InvoiceItemDto from a neutral line. ``line.raw`` (a line read from GHL) supplies what the
    neutral shape lacks: ``priceId``, the full tax records, the price type."""
    _require_text(line.name, f"{name}.name")
    if line.quantity <= 0:
        raise InvalidRequestError("must be greater than 0", field=f"{name}.quantity")
    body = _kept(INVOICE_ITEM, line.raw, _ITEM_KEYS, f"{name}")
    body.update(name=line.name, currency=currency, amount=_amount(line.unit_price, f"{name}.unit_price"),
                qty=_amount(line.quantity, f"{name}.quantity"))
    if line.description:
        body["description"] = line.description
    if line.item_id is not None:
        if not isinstance(line.item_id, str) or not line.item_id:
            raise InvalidRequestError("must be a GoHighLevel product id string", field=f"{name}.item_id")
        body["productId"] = line.item_id
    if line.tax_ids:
        known = {t.get("_id"): t for t in line.raw.get("taxes") or () if isinstance(t, Mapping)}
        taxes = []
        for i, tax_id in enumerate(line.tax_ids):
            if tax_id not in known:
                raise InvalidRequestError(
                    "GoHighLevel needs the whole tax record (_id, name, rate); pass it in "
                    "LineItem.raw['taxes'] or edit a line read from GoHighLevel",
                    field=f"{name}.tax_ids[{i}]",
                )
            tax = conform(ITEM_TAX, known[tax_id])
            if tax is INVALID:
                _dropped(f"{name}.taxes[{i}]")
            else:
                taxes.append(tax)
        body["taxes"] = taxes
    return body


def items_body(lines: Sequence[LineItem], currency: str) -> list[dict[str, Any]]:
    if not lines:
        raise InvalidRequestError("GoHighLevel invoices need at least one line", field="lines")
    return [item_body(line, currency, f"lines[{i}]") for i, line in enumerate(lines)]


def _given_name(draft: InvoiceDraft, settings: GoHighLevelSettings) -> str | None:
    """The invoice's name: ``extra["name"]`` (extra wins on the wire), else the draft's, else
    setting ``default_name``, else its number (the draft's); None when that number is the one GHL
    will give it."""
    for name in (draft.extra.get("name"), draft.name, settings.default_name, draft.number):
        if isinstance(name, str) and name.strip():
            return name
    return None


def named_after_number(draft: InvoiceDraft, settings: GoHighLevelSettings) -> bool:
    """Whether the invoice is to be named after the number GHL gives it: the draft has neither a
    name (nor one in ``extra``) nor a number and setting ``default_name`` is unset. The create then sends
    :data:`PENDING_NAME` and the ``PUT`` right after it sets the name (see client.py)."""
    return _given_name(draft, settings) is None


def create_body(draft: InvoiceDraft, settings: GoHighLevelSettings) -> dict[str, Any]:
    """CreateInvoiceDto for ``POST /invoices/``, without the description (create has none) and,
    when :func:`named_after_number`, under :data:`PENDING_NAME`: client.py sets both right after."""
    name = _given_name(draft, settings) or PENDING_NAME
    contact = contact_body(draft.contact)
    sent_to: dict[str, Any] = {"email": [contact["email"]]}
    if contact["phoneNo"]:
        sent_to["phoneNo"] = [contact["phoneNo"]]
    body: dict[str, Any] = {
        **alt_query(settings),
        "name": name,
        "currency": draft.currency,
        "issueDate": _date(draft.issue_date, "issue_date", required=True),
        "businessDetails": business_body(settings.business),
        "contactDetails": contact,
        "sentTo": sent_to,
        "items": items_body(draft.lines, draft.currency),
        "discount": dict(_NO_DISCOUNT),
        "liveMode": settings.live_mode,
    }
    if draft.due_date is not None:
        body["dueDate"] = _date(draft.due_date, "due_date")
        if draft.issue_date is not None and draft.due_date < draft.issue_date:
            raise InvalidRequestError("is before issue_date", field="due_date")
    if draft.number:
        body["invoiceNumber"] = draft.number
    if draft.terms:
        body["termsNotes"] = terms_html(draft.terms)  # plain text, as the editor's HTML
    body.update(draft.extra)
    return body


def _dropped(where: str) -> None:
    logger.warning("gohighlevel: update() leaves out the stored %s: it does not fit GoHighLevel's request DTO", where)


def _kept(shape: Shape, raw: Mapping[str, Any], keys: Iterable[str], where: str) -> dict[str, Any]:
    """The values of ``keys`` in ``raw`` that the PUT sends back, each made to fit ``shape``."""
    kept: dict[str, Any] = {}
    for key in keys:
        if raw.get(key) is not None:
            value = conform(shape.properties[key], raw[key])
            if value is INVALID:
                _dropped(f"{where}.{key}" if where else key)
            else:
                kept[key] = value
    return kept


def _with_address_object(raw: Mapping[str, Any]) -> dict[str, Any]:
    body = dict(raw)
    if isinstance(body.get("address"), str):  # webhook-style string address; the request wants an object
        body["address"] = {"addressLine1": body["address"]}
    return body


def _kept_contact(raw: Any) -> dict[str, Any] | None:
    """An existing ``contactDetails`` as ContactDetailsDto (the required texts empty when unknown)."""
    if not isinstance(raw, Mapping):
        return None
    body = _with_address_object(raw)
    for key in ("id", "name", "phoneNo", "email"):
        if body.get(key) is None:
            body[key] = ""
    contact = conform(CONTACT_DETAILS, body)
    if contact is INVALID:
        _dropped("contactDetails")
        return None
    return dict(contact)


def _kept_object(shape: Shape, raw: Any, key: str) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        return None
    value = conform(shape, _with_address_object(raw))
    if value is INVALID:
        _dropped(key)
        return None
    return dict(value)


def update_body(
    current: Invoice, changes: InvoiceChanges, settings: GoHighLevelSettings, *, default_terms_notes: str = ""
) -> dict[str, Any]:
    """UpdateInvoiceDto for ``PUT /invoices/{id}``: the whole invoice, with ``changes`` applied.

    GHL replaces the invoice with the body, so everything not changed is sent back as read.
    Fields GHL has no place for were refused before (``rules.py``). Blank ``changes.terms`` put
    back ``default_terms_notes`` (the client's default terms, as ``termsNotes``; "" for none).
    """
    raw = current.raw
    currency = changes.currency or current.currency
    if not currency:
        raise InvalidRequestError("is required by GoHighLevel", field="currency")
    name = changes.name if changes.name is not None else current.name
    _require_text(name, "name")
    issue = changes.issue_date or current.issue_date
    due = changes.due_date or current.due_date
    body: dict[str, Any] = {
        **alt_query(settings),
        "name": name,
        "currency": currency,
        "issueDate": _date(issue, "issue_date", required=True),
        "dueDate": _date(due, "due_date", required=True),
    }
    if issue is not None and due is not None and due < issue:
        raise InvalidRequestError("is before issue_date", field="due_date")
    body.update(_kept(UPDATE_INVOICE, raw, _KEPT_ON_UPDATE, ""))
    number = current.number
    if number:
        body["invoiceNumber"] = number
    business = _kept_object(BUSINESS_DETAILS, raw.get("businessDetails"), "businessDetails")
    if business is not None:
        body["businessDetails"] = business
    if raw.get("discount") is None:
        body["discount"] = dict(_NO_DISCOUNT)
    elif (discount := _kept_object(DISCOUNT, raw["discount"], "discount")) is not None:
        body["discount"] = discount
    if changes.contact is not None:
        body["contactDetails"] = contact_body(changes.contact)
        if changes.contact.id:
            body["contactId"] = changes.contact.id
    else:
        contact = _kept_contact(raw.get("contactDetails"))
        if contact is not None:
            body["contactDetails"] = contact
            if contact.get("id"):
                body["contactId"] = contact["id"]
    lines = changes.lines if changes.lines is not None else current.lines
    assert lines is not None, "update reads the invoice with get(), which loads its lines"
    body["invoiceItems"] = items_body(lines, currency)
    if changes.terms is not None:
        body["termsNotes"] = terms_html(changes.terms) if changes.terms.strip() else default_terms_notes
    elif isinstance(raw.get("termsNotes"), str):
        body["termsNotes"] = raw["termsNotes"]  # as stored, markup included (terms is its text)
    description = changes.description if changes.description is not None else current.description
    if description is not None:
        body["description"] = description
    body.update(changes.extra)
    return body


def list_query(
    settings: GoHighLevelSettings,
    *,
    limit: int,
    offset: int,
    status: str | None,
    start_at: date | None,
    end_at: date | None,
    contact_id: InvoiceId | None,
    search: str | None,
    payment_mode: str | None,
    sort_field: str | None,
    sort_order: str | None,
) -> dict[str, str]:
    """Query of ``GET /invoices/``; the spec types ``limit`` and ``offset`` as strings."""
    query = {**alt_query(settings), "limit": str(limit), "offset": str(offset)}
    if search is not None and not isinstance(search, str):
        raise InvalidRequestError("must be text", field="search")
    optional = {
        "status": status,
        "startAt": _date(start_at, "issued_from"),
        "endAt": _date(end_at, "issued_to"),
        "contactId": None if contact_id is None else invoice_id(contact_id, "contact_id"),
        "search": search,
        "paymentMode": payment_mode,
        "sortField": sort_field,
        "sortOrder": sort_order,
    }
    query.update({k: v for k, v in optional.items() if v is not None})
    return query


def send_body(
    settings: GoHighLevelSettings,
    *,
    user_id: str | None,
    action: str | None,
    from_name: str | None,
    from_email: str | None,
) -> dict[str, Any]:
    """SendInvoiceDto."""
    user = user_id or settings.user_id
    if not user:
        raise InvalidRequestError(
            "GoHighLevel sends invoices as a user of the location; pass user_id or set 'user_id'", field="user_id"
        )
    invoice_id(user, "user_id")
    chosen = action or settings.send_action
    if chosen not in SEND_ACTIONS:
        raise InvalidRequestError(f"must be one of {', '.join(SEND_ACTIONS)}", field="action")
    body: dict[str, Any] = {**alt_query(settings), "userId": user, "action": chosen, "liveMode": settings.live_mode}
    sender = {k: v for k, v in (("fromName", from_name), ("fromEmail", from_email)) if v}
    if sender:
        body["sentFrom"] = sender
    return body


def payment_body(settings: GoHighLevelSettings, payment: Payment) -> dict[str, Any]:
    """RecordPaymentDto. The spec marks ``card``, ``cheque`` and ``notes`` required whatever
    the mode, so they are always sent (empty when unknown)."""
    if payment.amount is not None and payment.amount <= 0:
        raise InvalidRequestError("must be greater than 0", field="amount")
    if payment.card_last4 is not None and not (len(payment.card_last4) == 4 and payment.card_last4.isdigit()):
        raise InvalidRequestError("must be the card number's last four digits", field="card_last4")
    body: dict[str, Any] = {
        **alt_query(settings),
        "mode": payment.mode.value,
        "card": {"brand": payment.card_brand or "", "last4": payment.card_last4 or ""},
        "cheque": {"number": payment.cheque_number or ""},
        "notes": payment.notes or "",
    }
    if payment.amount is not None:
        body["amount"] = payment.amount
    if payment.paid_at is not None:
        if payment.paid_at.tzinfo is None:
            raise InvalidRequestError("must be timezone-aware", field="paid_at")
        when = payment.paid_at.astimezone(UTC)
        body["fulfilledAt"] = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return body


def check_payment_currency(payment: Payment, currency: str | None) -> None:
    """Refuse a payment in another currency than the invoice's, or finer than its smallest unit
    (a payment that names its currency was checked when it was built)."""
    if payment.currency is not None and currency is not None and payment.currency != currency:
        raise InvalidRequestError(
            f"the payment is in {payment.currency} but the invoice is in {currency}", field="currency"
        )
    if payment.amount is not None and payment.currency is None and currency is not None and (
        is_known_currency(currency)
    ):
        check_precision(payment.amount, currency, "amount")


def check_not_overpaid(payment: Payment, invoice: Invoice) -> None:
    """Refuse paying more than is due, which GoHighLevel answers with a 400 ("Payment amount can
    not be more than the amount due"): the invoice was just read, so this is known beforehand."""
    due = invoice.amount_due
    if payment.amount is not None and due is not None and payment.amount > due:
        currency = f" {invoice.currency}" if invoice.currency else ""
        raise InvalidRequestError(
            f"{payment.amount}{currency} is more than the amount due, {due}{currency}; nothing was sent",
            field="amount",
        )


def void_body(settings: GoHighLevelSettings) -> dict[str, Any]:
    return alt_query(settings)
