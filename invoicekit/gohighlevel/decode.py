"""GoHighLevel answers -> neutral models: the JSON object of an answer, one invoice, a list page
split into its invoices. Any decoding failure becomes a MalformedResponseError here."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import msgspec

from .._http.messages import JSON_CONTENT_TYPES, Request, Response
from .._serde import excerpt, loads_json, parse_int
from ..errors import MalformedResponseError
from ..models import Invoice
from .settings import PROVIDER_NAME
from .wire import invoice_from_wire


def malformed(request: Request, response: Response, why: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"{request.operation}: {why}", status=response.status, provider=PROVIDER_NAME,
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
    GoHighLevel invoices holds its bytes, not the dicts of all of them.
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


_INVOICE_DECODER = msgspec.json.Decoder(float_hook=Decimal)


def decode_listed(request: Request, response: Response, item: Any) -> Invoice:
    """One invoice of :func:`split_invoice_page`: its JSON text, or an already decoded object."""
    try:
        if type(item) is msgspec.Raw:
            try:
                item = _INVOICE_DECODER.decode(item)  # read in place: no copy of the invoice's text
            except (msgspec.DecodeError, ValueError, ArithmeticError):
                item = loads_json(bytes(item))  # the general parser decides, and raises what it raises
        return invoice_from_wire(item)
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
