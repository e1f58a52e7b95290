"""GHL answers -> neutral models. Decoding failures become MalformedResponseError at this edge."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import msgspec

from .._http.messages import JSON_CONTENT_TYPES, Request, Response
from .._log import get_logger
from .._serde import excerpt, loads_json, parse_bool, parse_date, parse_datetime, parse_decimal, parse_int
from ..errors import MalformedResponseError
from ..models import (
    Address,
    Contact,
    Invoice,
    InvoiceId,
    InvoiceStatus,
    LineItem,
    _decoded_address,
    _decoded_contact,
    _decoded_invoice,
    _decoded_line,
)
from .errors import PROVIDER
from .wire import WireAddress, WireContact, WireInvoice, WireItem, structure_invoice, wire_text

logger = get_logger("invoicekit.gohighlevel")

_STATUSES: dict[str, InvoiceStatus] = {s.value: s for s in InvoiceStatus}
_ZERO = Decimal(0)
_ONE = Decimal(1)
_warned: set[str] = set()


def map_status(value: str | None) -> InvoiceStatus:
    """GHL's status string as an :class:`InvoiceStatus`.

    The six documented values map to the members of the same name. An undocumented value keeps
    the invoice readable: it maps to ``SENT`` (issued, neither editable nor settled: the
    conservative reading) and the original stays in ``invoice.raw["status"]``.
    """
    if value is not None:
        status = _STATUSES.get(value.strip().lower())
        if status is not None:
            return status
    key = str(value)
    if key not in _warned:
        _warned.add(key)
        logger.warning("gohighlevel: unknown invoice status %r read as 'sent' (see invoice.raw)", key[:40])
    return InvoiceStatus.SENT


def _address(wire: WireAddress | None) -> Address | None:
    if wire is None:
        return None
    return Address(
        line1=wire.address_line1, line2=wire.address_line2, city=wire.city, state=wire.state,
        postal_code=wire.postal_code, country_code=wire.country_code,
    )


def _contact(wire: WireContact | None) -> Contact | None:
    if wire is None:
        return None
    return Contact(
        id=wire.id, name=wire.name, email=wire.email, phone=wire.phone_no,
        company_name=wire.company_name, address=_address(wire.address),
    )


def _line(wire: WireItem | str, raw: Any) -> LineItem:
    if isinstance(wire, str):
        # The spec types invoiceItems as strings; if one ever is, it can only be an item id.
        return LineItem(item_id=wire)
    tax_ids: tuple[InvoiceId, ...] = tuple(t.oid for t in wire.taxes if t.oid is not None)
    return LineItem(
        name=wire.name,
        description=wire.description,
        quantity=wire.qty if wire.qty is not None else Decimal(1),
        unit_price=wire.amount if wire.amount is not None else _ZERO,
        item_id=wire.product_id,
        tax_ids=tax_ids,
        # A read-only view, not a copy: LineItem would otherwise copy every line's dict.
        raw=MappingProxyType(raw) if isinstance(raw, dict) else raw,
    )


def invoice_from_wire(data: Mapping[str, Any]) -> Invoice:
    """An :class:`Invoice` from one decoded GHL invoice object (raises on a bad shape)."""
    if type(data) is dict:
        try:
            return _fast_invoice(data)
        except Exception:  # an unusual shape: the reference path decides
            pass
    return _reference_invoice(data)


def _reference_invoice(data: Mapping[str, Any]) -> Invoice:
    """The cattrs path: wire shapes first, then the neutral models. The reference for
    :func:`_fast_invoice`, and what decides (or raises) on any shape the fast path leaves."""
    wire: WireInvoice = structure_invoice(data, WireInvoice)
    invoice_id = wire.oid or wire.id
    if not invoice_id:
        raise ValueError("the invoice has no _id")
    raw_items = data.get("invoiceItems") or ()
    return Invoice(
        id=invoice_id,
        provider=PROVIDER,
        status=map_status(wire.status),
        number=wire.invoice_number,
        name=wire.name,
        currency=wire.currency,
        issue_date=wire.issue_date,
        due_date=wire.due_date,
        contact=_contact(wire.contact_details),
        lines=tuple(_line(w, r) for w, r in zip(wire.invoice_items, raw_items, strict=False)),
        total=wire.total if wire.total is not None else _ZERO,
        amount_due=wire.amount_due,
        amount_paid=wire.amount_paid,
        terms=wire.terms_notes,
        description=wire.description,
        created_at=wire.created_at,
        updated_at=wire.updated_at,
        raw=data,
    )


# -- the read fast path ---------------------------------------------------------------------
#
# Reading is the hot path (pages of up to 100 invoices with their items, and a ``get`` is mostly
# decode). The cattrs path builds every object twice (WireInvoice, then Invoice) and calls a hook
# per field; this reads each dict once and builds the neutral models directly, with the same
# scalar parsers the converter's hooks use. It accepts only the shapes the API writes (text as
# str, objects as dicts, items as a list) and raises on anything else, so that the reference path
# decides: same value, or the error the answer deserves. tests/gohighlevel/test_decode_fast.py
# checks that both agree.


class _Unusual(Exception):
    """A shape the fast path leaves to the cattrs path."""


def _text(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    return wire_text(value, None)  # a number where text was expected: the converter's own rule


def _amount(value: Any) -> Decimal | None:
    if value is None or type(value) is Decimal:
        return value
    return parse_decimal(value)


def _fast_address(value: Any) -> Address | None:
    if type(value) is not dict:
        if value is None or value == "":
            return None
        if type(value) is str:  # webhook-style plain string address
            return _decoded_address(line1=value)
        raise _Unusual
    get = value.get
    return _decoded_address(
        line1=_text(get("addressLine1")), line2=_text(get("addressLine2")), city=_text(get("city")),
        state=_text(get("state")), postal_code=_text(get("postalCode")), country_code=_text(get("countryCode")),
    )


def _fast_contact(value: Any) -> Contact | None:
    if value is None:
        return None
    if type(value) is not dict:
        raise _Unusual
    get = value.get
    return _decoded_contact(
        id=_text(get("id")), name=_text(get("name")), email=_text(get("email")), phone=_text(get("phoneNo")),
        company_name=_text(get("companyName")), address=_fast_address(get("address")),
    )


def _fast_line(raw: Any) -> LineItem:
    if type(raw) is not dict:
        if type(raw) is str:  # typed "array of string" by the spec: then it can only be an item id
            return _decoded_line(item_id=raw)
        raise _Unusual
    get = raw.get
    tax_ids: list[InvoiceId] = []
    taxes = get("taxes", ())
    if type(taxes) is not list and taxes != ():
        raise _Unusual
    for tax in taxes:
        if type(tax) is not dict:
            raise _Unusual
        _amount(tax.get("rate"))  # not kept, but checked as the wire shape checks it
        oid = _text(tax.get("_id"))
        if oid is not None:
            tax_ids.append(oid)
    qty = _amount(get("qty"))
    amount = _amount(get("amount"))
    return _decoded_line(
        name=_text(get("name")),
        description=_text(get("description")),
        quantity=_ONE if qty is None else qty,
        unit_price=_ZERO if amount is None else amount,
        item_id=_text(get("productId")),
        tax_ids=tuple(tax_ids),
        raw=MappingProxyType(raw),
    )


def _fast_invoice(data: dict[str, Any]) -> Invoice:
    get = data.get
    invoice_id = _text(get("_id")) or _text(get("id"))
    if not invoice_id:
        raise _Unusual
    live_mode = get("liveMode")
    if live_mode is not None and type(live_mode) is not bool:
        parse_bool(live_mode)
    items = get("invoiceItems", ())
    if type(items) is not list and items != ():
        raise _Unusual
    total = _amount(get("total"))
    return _decoded_invoice(
        id=invoice_id,
        provider=PROVIDER,
        status=map_status(_text(get("status"))),
        number=_text(get("invoiceNumber")),
        name=_text(get("name")),
        currency=_text(get("currency")),
        issue_date=parse_date(get("issueDate")),
        due_date=parse_date(get("dueDate")),
        contact=_fast_contact(get("contactDetails")),
        lines=tuple([_fast_line(item) for item in items]),
        total=_ZERO if total is None else total,
        amount_due=_amount(get("amountDue")),
        amount_paid=_amount(get("amountPaid")),
        terms=_text(get("termsNotes")),
        description=_text(get("description")),
        created_at=parse_datetime(get("createdAt")),
        updated_at=parse_datetime(get("updatedAt")),
        raw=data,
    )


def malformed(request: Request, response: Response, why: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"{request.operation}: {why}", status=response.status, provider=PROVIDER,
        method=request.method, url=response.url, body=excerpt(response.body),
    )


def _check_json_label(request: Request, response: Response) -> None:
    ctype = response.content_type
    if ctype and ctype not in JSON_CONTENT_TYPES and not ctype.endswith("+json"):
        raise malformed(request, response, f"answer is {ctype}, not JSON")


def json_object(request: Request, response: Response) -> Mapping[str, Any]:
    """The answer's JSON object, or MalformedResponseError.

    An answer labelled as something else (``text/html``: a proxy or a login page) is refused even
    when its bytes parse; an answer with no Content-Type at all is judged by its bytes.
    """
    _check_json_label(request, response)
    try:
        data = loads_json(response.body)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        kind = response.content_type or "no content type"
        raise malformed(request, response, f"answer is not JSON ({kind})") from None
    if type(data) is not dict and not isinstance(data, Mapping):
        raise malformed(request, response, f"expected a JSON object, got {type(data).__name__}")
    return data


def decode_invoice(request: Request, response: Response, data: Any = None, *, key: str | None = None) -> Invoice:
    """The invoice in an answer: the body itself, or the object under ``key`` when present
    (send and record-payment wrap it as ``{"invoice": ...}``)."""
    body = json_object(request, response) if data is None else data
    if key is not None and isinstance(body.get(key), Mapping):
        body = body[key]
    try:
        return invoice_from_wire(body)
    except Exception as exc:  # cattrs raises exception groups; any failure here is a shape problem
        raise malformed(request, response, f"cannot read the invoice: {_why(exc)}") from None


class _ListPage(msgspec.Struct):
    """A list answer as paging needs it: each invoice's JSON text, and ``total``. Every other
    key is skipped unread."""

    invoices: list[msgspec.Raw]
    total: Any = None


_PAGE_DECODER = msgspec.json.Decoder(_ListPage, float_hook=Decimal)


def split_invoice_page(request: Request, response: Response) -> tuple[list[Any], int | None]:
    """A list page's invoices, each still undecoded (read it with :func:`decode_listed`), and
    the server's ``total`` (None when absent).

    Invoices are decoded one at a time as ``list()`` reaches them, instead of the whole page
    first: each one's dict tree is built and turned into a model while it is still in the CPU
    cache, and an invoice the caller has finished with dies young instead of surviving (with
    the whole page's tree) into the garbage collector's older generations. A page of 1,000
    GoHighLevel invoices holds its bytes, not 12 MiB of dicts.
    """
    _check_json_label(request, response)
    body = response.body
    try:
        if not body.isascii():
            # msgspec skips the keys it does not read without checking their text; the page as a
            # whole must still be UTF-8 (a big integer or deep nesting in a skipped key is let be).
            body.decode("utf-8")
        page = _PAGE_DECODER.decode(body)
        items: list[Any] = page.invoices
        total = page.total
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        # Not the expected shape, or bytes msgspec leaves to the stdlib (a BOM...): the general
        # path decides, and names what is wrong.
        data = json_object(request, response)
        listed = data.get("invoices")
        if not isinstance(listed, list):
            raise malformed(request, response, "the answer has no 'invoices' list") from None
        items, total = listed, data.get("total")
    try:
        count = None if total is None else parse_int(total)
    except ValueError as exc:
        raise malformed(request, response, f"cannot read the invoice list: {_why(exc)}") from None
    return items, count


def decode_listed(request: Request, response: Response, item: Any) -> Invoice:
    """One invoice of :func:`split_invoice_page`: its JSON text, or an already decoded object."""
    try:
        data = loads_json(bytes(item)) if isinstance(item, msgspec.Raw) else item
        return invoice_from_wire(data)
    except Exception as exc:
        raise malformed(request, response, f"cannot read the invoice list: {_why(exc)}") from None


def decode_invoices(request: Request, response: Response) -> tuple[list[Invoice], int | None]:
    """A whole list page at once: its invoices and the server's ``total`` (None when absent)."""
    items, total = split_invoice_page(request, response)
    return [decode_listed(request, response, item) for item in items], total


def _why(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        import cattrs

        return "; ".join(cattrs.transform_error(exc))[:300]
    return f"{type(exc).__name__}: {exc}"[:300]
