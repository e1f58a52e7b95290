"""Trusted constructors (used for the transport's Response) build the same frozen values as the public
constructors, validators included; tried on the models, the largest frozen classes there are."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

import attrs
import pytest

from invoicekit import Address, Contact, Invoice, InvoiceChanges, InvoiceDraft, InvoiceStatus, LineItem, Payment
from invoicekit._checks import fast_pass
from invoicekit._http.messages import Request
from invoicekit._trusted import checked_init, trusted_constructor
from invoicekit.errors import InvalidRequestError

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


# -- checked_init: the models' own __init__, generated like attrs' with the fast passes inline --

_seen: list[str] = []


@fast_pass("type({v}) is int")
def _whole(_: object, fld: attrs.Attribute[int], value: object) -> None:
    _seen.append(fld.name)
    if not isinstance(value, int):
        raise InvalidRequestError("must be whole", field=fld.name)


def _plain_check(_: object, fld: attrs.Attribute[int], value: int) -> None:
    _seen.append(fld.name)
    if value < 0:
        raise InvalidRequestError("must be >= 0", field=fld.name)


def _twice(value: object, fld: attrs.Attribute[int]) -> int:
    return int(value) * 2  # type: ignore[call-overload]


def _shape(decorate: bool) -> type:
    @attrs.frozen(kw_only=True)
    class Shape:
        count: int = attrs.field(validator=_whole)
        size: int = attrs.field(default=1, validator=_plain_check)
        doubled: int = attrs.field(default=0, converter=attrs.Converter(_twice, takes_field=True))  # type: ignore[misc]
        total: int = attrs.field(init=True, default=0)

        def __attrs_post_init__(self) -> None:
            object.__setattr__(self, "total", self.count + self.size + self.doubled)

    return checked_init(Shape) if decorate else Shape


def test_checked_init_converts_checks_and_post_inits_as_attrs_does() -> None:
    fast, slow = _shape(True), _shape(False)
    for kwargs in ({"count": 2}, {"count": 2, "size": 3, "doubled": "4"}):
        a, b = fast(**kwargs), slow(**kwargs)
        assert attrs.asdict(a) == attrs.asdict(b)
    # the fast pass spares the call for a good value; the plain validator is always called
    _seen.clear()
    fast(count=2, size=3)
    assert _seen == ["size"]
    for kwargs, field in (({"count": "2"}, "count"), ({"count": 2, "size": -1}, "size")):
        with pytest.raises(InvalidRequestError) as fast_error:
            fast(**kwargs)
        with pytest.raises(InvalidRequestError) as slow_error:
            slow(**kwargs)
        assert fast_error.value.field == slow_error.value.field == field
        assert str(fast_error.value) == str(slow_error.value)
    with pytest.raises(TypeError):
        fast(size=1)  # required stays required
    with pytest.raises(TypeError):
        fast(count=1, colour="red")


@pytest.mark.parametrize("model", [Address, Contact, LineItem, Invoice, InvoiceDraft, InvoiceChanges, Payment])
def test_every_model_has_the_generated_init_with_attrs_signature(model: type) -> None:
    import inspect

    assert model.__init__.__qualname__ == f"{model.__qualname__}.__init__"
    params = inspect.signature(model.__init__).parameters
    assert [p for p in params if p != "self"] == [a.name for a in attrs.fields(model)]
    assert all(params[a.name].kind is inspect.Parameter.KEYWORD_ONLY for a in attrs.fields(model))


def test_checked_init_refuses_a_class_it_cannot_write() -> None:
    class NotAttrs:
        pass

    with pytest.raises(TypeError, match="slotted attrs"):
        checked_init(NotAttrs)


_converted: list[object] = []


@fast_pass("type({v}) is int")
def _as_int(value: object) -> int:
    _converted.append(value)
    return int(value)  # type: ignore[call-overload]


def test_a_converter_fast_pass_keeps_the_value_without_the_call() -> None:
    @checked_init
    @attrs.frozen(kw_only=True)
    class Count:
        value: int = attrs.field(converter=_as_int)

    _converted.clear()
    assert Count(value=3).value == 3
    assert _converted == []  # an int is what the converter would return: no call
    assert Count(value="4").value == 4
    assert _converted == ["4"]


@pytest.mark.parametrize("model", [Address, Contact, LineItem, Invoice, InvoiceDraft, InvoiceChanges, Payment])
def test_an_instance_is_its_frozen_class_as_soon_as_init_returns(model: type) -> None:
    # The fields are stored while the instance is the class's unfrozen twin (a plain slot store);
    # what __init__ returns is the class itself, and frozen.
    instance = {InvoiceDraft: lambda: InvoiceDraft(currency="EUR", lines=(LineItem(unit_price=Decimal(1)),)),
                Invoice: lambda: Invoice(id=1, provider="onlyoffice", status=InvoiceStatus.DRAFT)}.get(model, model)()
    assert type(instance) is model
    name = attrs.fields(model)[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(instance, name, None)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        delattr(instance, name)


def test_a_validator_and_the_post_init_see_the_frozen_class() -> None:
    seen: list[type] = []

    @checked_init
    @attrs.frozen(kw_only=True)
    class Seen:
        value: int = attrs.field(validator=lambda self, _a, _v: seen.append(type(self)))

        def __attrs_post_init__(self) -> None:
            seen.append(type(self))

    assert type(Seen(value=1)) is Seen and seen == [Seen, Seen]


def test_subclasses_of_a_model_are_built_and_frozen_too() -> None:
    @attrs.frozen(kw_only=True)
    class Tagged(Invoice):  # an attrs subclass: its own attrs __init__
        tag: str = ""

    class Plain(Invoice):  # a plain subclass: Invoice's generated __init__ on another layout
        pass

    for cls, extra in ((Tagged, {"tag": "t"}), (Plain, {})):
        invoice = cls(id=1, provider="onlyoffice", status=InvoiceStatus.DRAFT, total=Decimal(5), **extra)
        assert type(invoice) is cls and invoice.id == 1 and invoice.total == Decimal(5)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            invoice.id = 2  # type: ignore[misc]


def test_a_converter_that_takes_self_is_refused() -> None:
    with pytest.raises(TypeError, match="takes self"):

        @checked_init
        @attrs.frozen(kw_only=True)
        class Selfish:
            value: int = attrs.field(converter=attrs.Converter(lambda v, self: v, takes_self=True))
