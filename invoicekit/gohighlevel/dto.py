"""What GoHighLevel's request DTOs accept, for the values ``update()`` sends back as it read them.

An update is a full-replacement PUT, so the adapter sends back the parts of the invoice the
neutral model does not carry (payment schedule, tips, attachments...) from ``invoice.raw``. The
server validates the body against its ``UpdateInvoiceDto`` and refuses the whole PUT when any
part does not fit, and what it stored does not always fit what it accepts: an empty
``paymentSchedule`` (the DTO requires ``type`` and ``schedules``), nulls, numbers where text is
expected. :func:`conform` makes a read value fit the DTO: it keeps the keys the DTO names, repairs
what can be repaired exactly (a number written as text, a default the DTO documents) and drops
what cannot, so that one odd stored value costs that value, not the update.

The shapes below are the official OpenAPI file's (``UpdateInvoiceDto`` and the DTOs it refers to);
``tests/contract`` checks them against the file, so a change of the spec shows up as a failing test.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from decimal import Decimal, InvalidOperation
from typing import Any

from attrs import field, frozen

from .wire import MAX_PLAIN_DIGITS, number_text

STRING = "string"
NUMBER = "number"
BOOLEAN = "boolean"
OBJECT = "object"  # any JSON object (the spec types it no further)
ANY = "any"  # any JSON value (an array whose items the spec does not type)


@frozen
class Enum:
    values: tuple[str, ...]


@frozen
class Array:
    items: Schema


@frozen
class Shape:
    """An object schema: its properties, the required ones, and the documented defaults (used to
    complete a required property the stored value lacks)."""

    properties: Mapping[str, Schema]
    required: AbstractSet[str] = frozenset()
    defaults: Mapping[str, Any] = field(factory=dict)


Schema = str | Enum | Array | Shape

#: What :func:`conform` returns for a value that cannot be made to fit.
INVALID: Any = type("Invalid", (), {"__repr__": lambda self: "INVALID"})()
#: Objects nested deeper than this in a free-form ``object`` are not sent back.
_MAX_DEPTH = 16

ADDRESS = Shape({k: STRING for k in ("addressLine1", "addressLine2", "city", "state", "countryCode", "postalCode")})
BUSINESS_DETAILS = Shape({
    "logoUrl": STRING, "name": STRING, "phoneNo": STRING, "address": ADDRESS, "website": STRING,
    "customValues": Array(STRING),
})
CONTACT_DETAILS = Shape({
    "id": STRING, "name": STRING, "phoneNo": STRING, "email": STRING,
    "additionalEmails": Array(Shape({"email": STRING}, {"email"})), "companyName": STRING, "address": ADDRESS,
    "customFields": Array(STRING),
}, {"id", "name", "phoneNo", "email"})
DISCOUNT = Shape(
    {"value": NUMBER, "type": Enum(("percentage", "fixed")), "validOnProductIds": Array(STRING)},
    {"type"}, {"type": "percentage"},
)
ITEM_TAX = Shape({
    "_id": STRING, "name": STRING, "rate": NUMBER, "calculation": Enum(("exclusive",)), "description": STRING,
    "taxId": STRING,
}, {"_id", "name", "rate"})
INVOICE_ITEM = Shape({
    "name": STRING, "description": STRING, "productId": STRING, "priceId": STRING, "currency": STRING,
    "amount": NUMBER, "qty": NUMBER, "taxes": Array(ITEM_TAX), "automaticTaxCategoryId": STRING,
    "isSetupFeeItem": BOOLEAN, "type": Enum(("one_time", "recurring")), "taxInclusive": BOOLEAN,
}, {"name", "currency", "amount", "qty"})
UPDATE_INVOICE = Shape({
    "altId": STRING, "altType": Enum(("location",)), "name": STRING, "title": STRING, "currency": STRING,
    "description": STRING, "businessDetails": BUSINESS_DETAILS, "invoiceNumber": STRING, "contactId": STRING,
    "contactDetails": CONTACT_DETAILS, "termsNotes": STRING, "discount": DISCOUNT,
    "invoiceItems": Array(INVOICE_ITEM), "automaticTaxesEnabled": BOOLEAN, "liveMode": BOOLEAN,
    "issueDate": STRING, "dueDate": STRING,
    "paymentSchedule": Shape({"type": Enum(("fixed", "percentage")), "schedules": Array(STRING)},
                             {"type", "schedules"}),
    "tipsConfiguration": Shape({"tipsPercentage": Array(STRING), "tipsEnabled": BOOLEAN},
                               {"tipsPercentage", "tipsEnabled"}),
    "xeroDetails": OBJECT,
    "invoiceNumberPrefix": STRING,
    "paymentMethods": Shape({"stripe": Shape({"enableBankDebitOnly": BOOLEAN}, {"enableBankDebitOnly"})},
                            {"stripe"}),
    "attachments": Array(Shape({"id": STRING, "name": STRING, "url": STRING, "type": STRING, "size": NUMBER},
                               {"id", "name", "url", "type", "size"})),
    "miscellaneousCharges": Shape({
        "charges": Array(Array(ANY)), "collectedMiscellaneousCharges": NUMBER,
        "paidCharges": Array(Shape({"name": STRING, "charge": NUMBER, "amount": NUMBER, "_id": STRING},
                                   {"name", "charge", "amount", "_id"})),
    }, {"charges"}),
}, {"altId", "altType", "name", "currency", "invoiceItems", "issueDate", "dueDate"})


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, str):  # a number stored as text: the same number, exactly
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            return INVALID
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and -MAX_PLAIN_DIGITS <= value.adjusted() <= MAX_PLAIN_DIGITS:
        return value
    return INVALID  # floats never come from the parser; an absurd exponent cannot be sent


def _free_form(value: Any, depth: int) -> Any:
    """A value of an untyped ``object``: sent as read, unless it holds something that cannot be."""
    if depth > _MAX_DEPTH:
        return INVALID
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            out[key] = _free_form(item, depth + 1)
            if out[key] is INVALID:
                return INVALID
        return out
    if isinstance(value, list):
        items = [_free_form(item, depth + 1) for item in value]
        return INVALID if any(item is INVALID for item in items) else items
    if isinstance(value, Decimal):
        return _number(value)
    return value


def conform(schema: Schema, value: Any, depth: int = 0) -> Any:
    """``value`` made to fit ``schema``, or :data:`INVALID`.

    Objects keep only the properties the schema names, each made to fit (an optional one that
    cannot be is left out); a required property that is missing (or null) takes the schema's
    documented default, if any, or the object is INVALID. Array elements that cannot be made to fit are left
    out. Text that was sent as a number becomes the number's text; a number sent as text, the
    number. Nothing else is changed.
    """
    if isinstance(schema, Shape):
        if not isinstance(value, Mapping) or depth > _MAX_DEPTH:
            return INVALID
        out: dict[str, Any] = {}
        for key, sub in schema.properties.items():
            if key in value:
                item = conform(sub, value[key], depth + 1)
                if item is not INVALID:
                    out[key] = item
        for key in schema.required - out.keys():
            # A default completes what is missing, never replaces what is wrong: an unknown
            # discount type must not become a percentage.
            if key not in schema.defaults or value.get(key) is not None:
                return INVALID
            out[key] = schema.defaults[key]
        return out
    if isinstance(schema, Array):
        if not isinstance(value, list) or depth > _MAX_DEPTH:
            return INVALID
        items = [conform(schema.items, item, depth + 1) for item in value]
        return [item for item in items if item is not INVALID]
    if isinstance(schema, Enum):
        return value if isinstance(value, str) and value in schema.values else INVALID
    if schema == STRING:
        if isinstance(value, str):
            return value
        if isinstance(value, Decimal):
            return number_text(value)
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else INVALID
    if schema == NUMBER:
        return _number(value)
    if schema == BOOLEAN:
        return value if isinstance(value, bool) else INVALID
    if schema == OBJECT and not isinstance(value, Mapping):
        return INVALID
    return _free_form(value, depth)
