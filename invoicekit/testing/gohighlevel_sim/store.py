"""In-memory invoices of the GoHighLevel simulator and the lifecycle rules of the real API.

Rules (reference section 3): create makes a draft; only drafts can be deleted; drafts cannot be
voided; a payment for less than the amount due makes ``partially_paid``, the rest ``paid``; an
unknown id is a 400, not a 404. Money is Decimal in major units.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import attrs

CENT = Decimal("0.01")
# Wide enough for the cents of any product of two numbers the validator lets in (below 2**53).
_MONEY = Context(prec=60)
NOT_FOUND = "Unable to find an invoice with the given invoice id"
NOT_DRAFT_DELETE = "Invoice status need to be draft to delete an invoice"
DRAFT_VOID = "Can not void draft invoice. You can delete draft invoice!"

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


class BadRequest(Exception):
    """A 400 answer with GoHighLevel's ``{statusCode, message}`` body."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unprocessable(Exception):
    """A 422 answer with a list of messages."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=_MONEY)


def wire_date(value: Any, field: str) -> str:
    """``YYYY-MM-DD`` from a date or ISO date-time text; 422 otherwise."""
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise Unprocessable([f"{field} must be a valid ISO 8601 date string"])
    try:
        date.fromisoformat(match.group(1))
    except ValueError:
        raise Unprocessable([f"{field} must be a valid ISO 8601 date string"]) from None
    return match.group(1)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@attrs.define
class GhlInvoice:
    id: str
    status: str
    name: str
    currency: str
    invoice_number: str
    issue_date: str
    due_date: str
    items: list[dict[str, Any]]
    contact_details: dict[str, Any]
    business_details: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    title: str = "INVOICE"
    live_mode: bool = True
    discount: dict[str, Any] = attrs.field(factory=lambda: {"type": "percentage", "value": 0})
    sent_to: dict[str, Any] = attrs.field(factory=dict)
    terms_notes: str = ""
    #: Only update sets it: CreateInvoiceDto has no description (an unknown key is not stored).
    description: str | None = None
    invoice_number_prefix: str = "INV-"
    amount_paid: Decimal = Decimal(0)
    payments: list[dict[str, Any]] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)

    def totals(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """``(subTotal, discount, tax, total)``: line sum, invoice discount, exclusive taxes."""
        sub_total = Decimal(0)
        line_totals = []
        for item in self.items:
            line = money(_decimal(item["amount"]) * _decimal(item["qty"]))
            line_totals.append(line)
            sub_total += line
        value = _decimal(self.discount.get("value", 0) or 0)
        if self.discount.get("type", "percentage") == "fixed":
            discount = min(money(value), sub_total)
        else:
            discount = money(sub_total * value / 100)
        share = (sub_total - discount) / sub_total if sub_total else Decimal(0)
        tax = Decimal(0)
        for item, line in zip(self.items, line_totals, strict=True):
            for item_tax in item.get("taxes") or ():
                tax += money(line * share * _decimal(item_tax.get("rate", 0)) / 100)
        return sub_total, discount, tax, sub_total - discount + tax

    @property
    def total(self) -> Decimal:
        return self.totals()[3]

    @property
    def amount_due(self) -> Decimal:
        return max(self.total - self.amount_paid, Decimal(0))


_FIRST_NAMES = ["Alex", "Maria", "Sam", "Priya", "Jordan", "Chen", "Fatima", "Lucas"]
_LAST_NAMES = ["Rivera", "Okafor", "Lindqvist", "Tanaka", "Moreau", "Novak", "Haddad", "Silva"]
_PRODUCTS = [
    ("Monthly retainer", Decimal("1500")),
    ("Landing page design", Decimal("799.5")),
    ("SEO audit", Decimal("349")),
    ("Ad campaign setup", Decimal("250")),
    ("Coaching session", Decimal("120.75")),
]
_STATUS_CYCLE = ["draft", "sent", "paid", "sent", "partially_paid", "void", "draft"]


class GhlStore:
    """The invoices of one location."""

    def __init__(self, *, location_id: str, company_id: str, invoices: int, seed: int = 2021) -> None:
        self.location_id = location_id
        self.company_id = company_id
        self.invoices: dict[str, GhlInvoice] = {}
        self._rng = random.Random(seed)
        self._seed(invoices)

    def new_id(self) -> str:
        """A Mongo-style 24-hex id (deterministic for a given seed)."""
        return f"{self._rng.getrandbits(96):024x}"

    def _contact(self, index: int) -> dict[str, Any]:
        first = _FIRST_NAMES[index % len(_FIRST_NAMES)]
        last = _LAST_NAMES[(index // len(_FIRST_NAMES)) % len(_LAST_NAMES)]
        contact_id = "".join(
            self._rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789") for _ in range(20)
        )
        return {
            "id": contact_id,
            "name": f"{first} {last}",
            "phoneNo": f"+1-214-555-{1000 + index:04d}",
            "email": f"{first.lower()}.{last.lower()}@example.com",
            "customFields": [],
            "address": {"countryCode": "US"},
        }

    def _seed(self, count: int) -> None:
        contacts = [self._contact(i) for i in range(max(1, min(count, 8)))]
        start = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
        for index in range(1, count + 1):
            created = start + timedelta(days=index * 2, minutes=index, milliseconds=index * 37)
            name, price = _PRODUCTS[index % len(_PRODUCTS)]
            qty = Decimal(1 + index % 3)
            status = _STATUS_CYCLE[index % len(_STATUS_CYCLE)]
            invoice = GhlInvoice(
                id=self.new_id(),
                status=status,
                name=f"{name} #{index}",
                currency="USD",
                invoice_number=str(index),
                issue_date=created.date().isoformat(),
                due_date=(created + timedelta(days=14)).date().isoformat(),
                items=[
                    {
                        "_id": self.new_id(),
                        "name": name,
                        "description": f"{name} for cycle {index}",
                        "currency": "USD",
                        "amount": price,
                        "qty": qty,
                        "taxes": [],
                        "type": "one_time",
                    }
                ],
                contact_details=contacts[index % len(contacts)],
                business_details=self.business_details(),
                created_at=created,
                updated_at=created,
                live_mode=index % 4 != 0,
                sent_to={"email": [contacts[index % len(contacts)]["email"]]},
                terms_notes="<p>Thank you for your business.</p>",
            )
            if status == "paid":
                invoice.amount_paid = invoice.total
            elif status == "partially_paid":
                invoice.amount_paid = money(invoice.total / 2)
            self.invoices[invoice.id] = invoice

    @staticmethod
    def business_details() -> dict[str, Any]:
        return {
            "name": "Simulated Agency LLC",
            "address": {
                "addressLine1": "9931 Beechwood",
                "city": "Houston",
                "state": "TX",
                "countryCode": "US",
                "postalCode": "77001",
            },
            "phoneNo": "+1-214-559-6993",
            "website": "www.example.com",
        }

    # -- reads --------------------------------------------------------------------------------
    def get(self, invoice_id: str) -> GhlInvoice:
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            raise BadRequest(NOT_FOUND)
        return invoice

    def next_number(self) -> int:
        numbers = [int(i.invoice_number) for i in self.invoices.values() if i.invoice_number.isdigit()]
        return max(numbers, default=0) + 1

    # -- writes -------------------------------------------------------------------------------
    def create(self, body: Mapping[str, Any], now: datetime) -> GhlInvoice:
        issue = wire_date(body["issueDate"], "issueDate")
        due = wire_date(body["dueDate"], "dueDate") if body.get("dueDate") is not None else issue
        invoice = GhlInvoice(
            id=self.new_id(),
            status="draft",
            name=body["name"],
            currency=body["currency"],
            invoice_number=str(body.get("invoiceNumber") or self.next_number()),
            issue_date=issue,
            due_date=due,
            items=[self._item(item) for item in body["items"]],
            contact_details=dict(body["contactDetails"]),
            business_details=dict(body["businessDetails"]),
            created_at=now,
            updated_at=now,
            title=body.get("title") or "INVOICE",
            live_mode=bool(body["liveMode"]),
            discount=dict(body["discount"]),
            sent_to=dict(body["sentTo"]),
            terms_notes=body.get("termsNotes") or "",
            invoice_number_prefix=body.get("invoiceNumberPrefix") or "INV-",
            extra=_extras(body),
        )
        self.invoices[invoice.id] = invoice
        return invoice

    def update(self, invoice_id: str, body: Mapping[str, Any], now: datetime) -> GhlInvoice:
        invoice = self.get(invoice_id)
        if invoice.status not in ("draft", "sent"):
            raise BadRequest("Paid, partially paid or void invoices can not be updated")
        issue = wire_date(body["issueDate"], "issueDate")
        due = wire_date(body["dueDate"], "dueDate")
        # Full replacement: what the body leaves out and the DTO makes optional keeps its value.
        invoice.name = body["name"]
        invoice.currency = body["currency"]
        invoice.issue_date = issue
        invoice.due_date = due
        invoice.items = [self._item(item) for item in body["invoiceItems"]]
        invoice.title = body.get("title") or invoice.title
        if body.get("invoiceNumber"):
            invoice.invoice_number = str(body["invoiceNumber"])
        for key, attribute in (
            ("contactDetails", "contact_details"),
            ("businessDetails", "business_details"),
            ("discount", "discount"),
        ):
            if body.get(key) is not None:
                setattr(invoice, attribute, dict(body[key]))
        if body.get("termsNotes") is not None:
            invoice.terms_notes = body["termsNotes"]
        if body.get("description") is not None:
            invoice.description = body["description"]
        if body.get("liveMode") is not None:
            invoice.live_mode = bool(body["liveMode"])
        invoice.extra.update(_extras(body))
        invoice.updated_at = now
        return invoice

    def delete(self, invoice_id: str) -> GhlInvoice:
        invoice = self.get(invoice_id)
        if invoice.status != "draft":
            raise BadRequest(NOT_DRAFT_DELETE)
        return self.invoices.pop(invoice_id)

    def void(self, invoice_id: str, now: datetime) -> GhlInvoice:
        invoice = self.get(invoice_id)
        if invoice.status == "draft":
            raise BadRequest(DRAFT_VOID)
        if invoice.status == "void":
            raise BadRequest("Invoice is already void")
        invoice.status = "void"
        invoice.updated_at = now
        return invoice

    def send(self, invoice_id: str, now: datetime) -> GhlInvoice:
        invoice = self.get(invoice_id)
        if invoice.status == "void":
            raise BadRequest("Can not send a void invoice")
        if invoice.status == "draft":
            invoice.status = "sent"
        invoice.updated_at = now
        return invoice

    def record_payment(self, invoice_id: str, body: Mapping[str, Any], now: datetime) -> GhlInvoice:
        invoice = self.get(invoice_id)
        if invoice.status == "void":
            raise BadRequest("Can not record payment for a void invoice")
        due = invoice.amount_due
        if due <= 0:
            raise BadRequest("Invoice is already paid")
        amount = _decimal(body["amount"]) if body.get("amount") is not None else due
        if amount <= 0:
            raise Unprocessable(["amount must be a positive number"])
        if amount > due:
            raise BadRequest("Payment amount can not be more than the amount due")
        invoice.amount_paid += amount
        invoice.status = "paid" if invoice.amount_due <= 0 else "partially_paid"
        invoice.payments.append(
            {"mode": body["mode"], "amount": amount, "notes": body.get("notes"), "at": now.isoformat()}
        )
        invoice.updated_at = now
        return invoice

    def _item(self, item: Mapping[str, Any]) -> dict[str, Any]:
        stored = dict(item)
        stored["_id"] = self.new_id()
        stored.setdefault("taxes", [])
        return stored


_KNOWN = frozenset(
    {
        "altId", "altType", "name", "businessDetails", "currency", "items", "invoiceItems", "discount",
        "contactDetails", "issueDate", "dueDate", "sentTo", "liveMode", "title", "termsNotes",
        "invoiceNumber", "invoiceNumberPrefix", "description",
    }
)  # fmt: skip


def _extras(body: Mapping[str, Any]) -> dict[str, Any]:
    """Optional DTO fields the simulator does not interpret, echoed back as given. A create's
    ``description`` is not one of them: CreateInvoiceDto has none, and the server's validation
    whitelist drops what its DTO does not name."""
    return {k: v for k, v in body.items() if k not in _KNOWN}
