"""Trusted constructors (used for the transport's Response) build the same frozen values as the public
constructors, validators included; tried on the models, the largest frozen classes there are."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

import attrs
import pytest

from invoicekit import Invoice, InvoiceStatus, LineItem
from invoicekit._http.messages import Request
from invoicekit._trusted import trusted_constructor

_decoded_invoice = trusted_constructor(Invoice)
_decoded_line = trusted_constructor(LineItem)


def test_same_value_defaults_and_frozenness_as_the_public_constructor() -> None:
    raw = MappingProxyType({"id": 7})
    line = _decoded_line(description="Hosting", quantity=Decimal(2), unit_price=Decimal("9.50"), raw=raw)
    assert line == LineItem(description="Hosting", quantity=Decimal(2), unit_price=Decimal("9.50"), raw=raw)
    assert line.discount == Decimal(0) and line.tax_ids == () and line.raw is raw
    assert type(line) is LineItem
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        line.name = "changed"  # type: ignore[misc]
    invoice = _decoded_invoice(id=1, provider="onlyoffice", status=InvoiceStatus.DRAFT, lines=(line,))
    assert invoice == Invoice(id=1, provider="onlyoffice", status=InvoiceStatus.DRAFT, lines=(line,))


def test_required_fields_stay_required_and_unknown_names_are_refused() -> None:
    with pytest.raises(TypeError):
        _decoded_invoice(id=1, provider="onlyoffice")
    with pytest.raises(TypeError):
        _decoded_line(quantity=Decimal(1), colour="red")


def test_public_construction_still_converts_and_validates() -> None:
    assert LineItem(quantity="2").quantity == Decimal(2)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        LineItem(unit_price=0.1)  # type: ignore[arg-type]


def test_a_factory_default_is_refused() -> None:
    with pytest.raises(TypeError, match="factory"):
        trusted_constructor(Request)


def test_the_envelope_built_by_the_decoder_equals_the_public_one() -> None:
    from invoicekit._http.messages import Response
    from invoicekit.onlyoffice.envelope import Envelope, decode_envelope

    body = b'{"count": 1, "startIndex": 0, "total": 9, "status": 0, "statusCode": 200, "response": {"id": 1}}'
    answer = Response(status=200, headers={"Content-Type": "application/json"}, body=body, method="GET", url="u")
    envelope = decode_envelope(Request(operation="get", method="GET", path="x"), answer)
    assert envelope == Envelope(response={"id": 1}, status_code=200, count=1, start_index=0, total=9)
    assert type(envelope) is Envelope
