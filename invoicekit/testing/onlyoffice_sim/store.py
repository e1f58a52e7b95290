"""In-memory CRM state of the ONLYOFFICE simulator: seed data, invoices and the server's rules.

The rules mirror ``InvoiceDao``/``CRMApi.Invoices`` as described in the reference: Draft on
create, only drafts editable, the status transition map, number uniqueness, the cost formula
with banker's rounding, line ids renumbered on every update.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs

from .binder import (
    Params,
    argument_error,
    bind_lines,
    not_found,
    to_datetime,
    to_decimal,
    to_int,
    to_text,
)

DRAFT, SENT, REJECTED, PAID, ARCHIVED = 1, 2, 3, 4, 5
STATUS_TITLES = {DRAFT: "Draft", SENT: "Billed", REJECTED: "Rejected", PAID: "Paid", ARCHIVED: "Archived"}
STATUS_NAMES = {"draft": DRAFT, "sent": SENT, "rejected": REJECTED, "paid": PAID, "archived": ARCHIVED}
# InvoiceDao.invoiceStatusMap: every other move is silently ignored.
TRANSITIONS = frozenset({(DRAFT, SENT), (SENT, PAID), (SENT, REJECTED), (REJECTED, DRAFT), (PAID, SENT)})

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """.NET ``Math.Round(decimal, 2)``: half to even."""
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


@attrs.define
class Currency:
    abbreviation: str
    title: str
    symbol: str
    culture_name: str
    is_convertable: bool = True
    is_basic: bool = False


@attrs.define
class Contact:
    id: int
    display_name: str
    is_company: bool
    currency: str | None = None
    billing_address_id: int = 0
    postal_address_id: int = 0


@attrs.define
class Tax:
    id: int
    name: str
    rate: Decimal
    description: str = ""


@attrs.define
class Item:
    id: int
    title: str
    price: Decimal
    sku: str = ""
    description: str = ""
    tax1_id: int = 0
    tax2_id: int = 0
    stock_quantity: Decimal = Decimal(0)
    track_inventory: bool = False


@attrs.define
class Opportunity:
    id: int
    title: str
    member_contact_ids: frozenset[int]


@attrs.define
class Line:
    id: int
    invoice_id: int
    item_id: int
    tax1_id: int
    tax2_id: int
    sort_order: int
    description: str
    quantity: Decimal
    price: Decimal
    discount: Decimal


@attrs.define
class Invoice:
    id: int
    number: str
    status: int
    issue_date: datetime
    due_date: datetime
    contact_id: int
    currency: str
    exchange_rate: Decimal
    terms: str
    create_on: datetime
    lines: list[Line] = attrs.field(factory=list)
    template_type: int = 0
    consignee_id: int = 0
    entity_id: int = 0
    billing_address_id: int = 0
    delivery_address_id: int = 0
    language: str = "en-US"
    purchase_order_number: str = ""
    description: str = ""
    file_id: int = 0


def default_currencies() -> list[Currency]:
    return [
        Currency("USD", "US Dollar", "$", "en-US", is_basic=True),
        Currency("EUR", "Euro", "€", "fr-FR"),
        Currency("GBP", "Pound Sterling", "£", "en-GB"),
        Currency("JPY", "Japanese Yen", "¥", "ja-JP"),
        Currency("RUB", "Russian Ruble", "₽", "ru-RU"),
    ]


def default_contacts() -> list[Contact]:
    return [
        Contact(1, "Acme Corporation", True, billing_address_id=101, postal_address_id=102),
        Contact(2, "Jane Cooper", False, billing_address_id=103, postal_address_id=104),
        Contact(3, "Globex Ltd", True, currency="EUR", billing_address_id=105, postal_address_id=106),
        Contact(4, "Initech GmbH", True, currency="EUR"),
        Contact(5, "Robert Fox", False),
    ]


def default_taxes() -> list[Tax]:
    return [
        Tax(1, "VAT 20%", Decimal("20"), "Standard rate"),
        Tax(2, "Sales tax", Decimal("8.25"), "State sales tax"),
        Tax(3, "Reduced VAT", Decimal("5.5"), "Reduced rate"),
    ]


def default_items() -> list[Item]:
    return [
        Item(1, "Consulting hour", Decimal("120.00"), "SRV-CONS", "Senior consultant, per hour", tax1_id=1),
        Item(2, "Website hosting (monthly)", Decimal("25.00"), "SRV-HOST", "Managed hosting plan"),
        Item(3, "Annual support plan", Decimal("499.99"), "SUP-YEAR", "Business-hours support", tax1_id=1),
        Item(4, "Domain name", Decimal("12.50"), "DOM-001", "One domain, one year", tax1_id=2),
        Item(
            5,
            "USB-C docking station",
            Decimal("189.90"),
            "HW-DOCK",
            "Hardware",
            tax1_id=1,
            stock_quantity=Decimal(40),
            track_inventory=True,
        ),
    ]


def default_opportunities() -> list[Opportunity]:
    return [
        Opportunity(1, "Website relaunch", frozenset({1, 2})),
        Opportunity(2, "Support renewal 2025", frozenset({3})),
    ]


class Store:
    """Everything the simulated portal knows."""

    def __init__(self, *, invoices: int, zone: timezone, seed: int = 2024) -> None:
        self.zone = zone
        self.currencies = {c.abbreviation: c for c in default_currencies()}
        self.contacts = {c.id: c for c in default_contacts()}
        self.taxes = {t.id: t for t in default_taxes()}
        self.items = {i.id: i for i in default_items()}
        self.opportunities = {o.id: o for o in default_opportunities()}
        self.invoices: dict[int, Invoice] = {}
        self.prefix = "INV-"
        self.default_terms = "Payment is due within 30 days of the invoice date."
        self._next_invoice_id = 1
        self._next_line_id = 1
        self._seed(invoices, random.Random(seed))

    # -- seeding ------------------------------------------------------------------------------
    def _seed(self, count: int, rng: random.Random) -> None:
        # Fixed dates, not relative to now: seeded invoices are the same on every run.
        start = datetime(2024, 1, 1, tzinfo=self.zone)
        statuses = [DRAFT, SENT, PAID, SENT, REJECTED, DRAFT, PAID]
        contact_ids = sorted(self.contacts)
        item_ids = sorted(self.items)
        for index in range(1, count + 1):
            issue = start + timedelta(days=(index * 3) % 360)
            currency = "EUR" if index % 5 == 0 else "USD"
            invoice = Invoice(
                id=self._take_invoice_id(),
                number=f"{self.prefix}{index:07d}",
                status=statuses[index % len(statuses)],
                issue_date=issue,
                due_date=issue + timedelta(days=30),
                contact_id=contact_ids[index % len(contact_ids)],
                currency=currency,
                exchange_rate=Decimal("1.08") if currency == "EUR" else Decimal("1.00"),
                terms=self.default_terms,
                description=f"Services for period {index}",
                purchase_order_number=f"PO-{1000 + index}" if index % 3 == 0 else "",
                create_on=issue + timedelta(hours=9, minutes=index % 60, microseconds=index * 7),
            )
            for sort_order in range(rng.randint(1, 3)):
                item = self.items[rng.choice(item_ids)]
                invoice.lines.append(
                    Line(
                        id=self._take_line_id(),
                        invoice_id=invoice.id,
                        item_id=item.id,
                        tax1_id=item.tax1_id,
                        tax2_id=item.tax2_id,
                        sort_order=sort_order,
                        description=item.description,
                        quantity=Decimal(rng.randint(1, 12)),
                        price=item.price,
                        discount=Decimal(rng.choice([0, 0, 0, 5, 10])),
                    )
                )
            self.invoices[invoice.id] = invoice

    def _take_invoice_id(self) -> int:
        self._next_invoice_id += 1
        return self._next_invoice_id - 1

    def _take_line_id(self) -> int:
        self._next_line_id += 1
        return self._next_line_id - 1

    # -- reads --------------------------------------------------------------------------------
    def get(self, invoice_id: int) -> Invoice:
        if invoice_id <= 0:
            raise argument_error()
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            raise not_found()
        return invoice

    def by_number(self, number: str) -> Invoice | None:
        for invoice in self.invoices.values():
            if invoice.number == number:
                return invoice
        return None

    def next_number(self) -> str:
        """The next auto number: the highest numeric suffix under the prefix, plus one."""
        highest = 0
        for invoice in self.invoices.values():
            suffix = invoice.number[len(self.prefix) :]
            if invoice.number.startswith(self.prefix) and suffix.isdigit():
                highest = max(highest, int(suffix))
        return f"{self.prefix}{highest + 1:07d}"

    def cost(self, invoice: Invoice) -> Decimal:
        total = Decimal(0)
        for line in invoice.lines:
            gross = money(line.price * line.quantity)
            net = gross - money(gross * line.discount / 100)
            total += net
            for tax_id in (line.tax1_id, line.tax2_id):
                tax = self.taxes.get(tax_id)
                if tax is not None:
                    total += money(net * tax.rate / 100)
        return money(total)

    # -- writes -------------------------------------------------------------------------------
    def create(self, params: Params, now: datetime) -> Invoice:
        lines = self._bind_lines(params)
        number = to_text(params.get("number")).strip()
        if not number or self.by_number(number) is not None:
            raise argument_error()
        invoice = Invoice(
            id=0,
            number=number,
            status=DRAFT,
            issue_date=now,
            due_date=now,
            contact_id=0,
            currency="",
            exchange_rate=Decimal(1),
            terms="",
            create_on=now,
        )
        self._apply(invoice, params)
        invoice.id = self._take_invoice_id()
        invoice.lines = self._make_lines(invoice.id, lines)
        self.invoices[invoice.id] = invoice
        return invoice

    def update(self, invoice_id: int, params: Params) -> Invoice:
        lines = self._bind_lines(params)  # lines are validated before the invoice is loaded
        if invoice_id <= 0:
            raise argument_error()
        current = self.invoices.get(invoice_id)
        if current is None or current.status != DRAFT:
            raise not_found()  # "not editable" is reported as not found
        candidate = attrs.evolve(current, lines=[])
        self._apply(candidate, params)
        candidate.file_id = 0
        candidate.lines = self._make_lines(invoice_id, lines)
        self.invoices[invoice_id] = candidate
        return candidate

    def delete(self, invoice_id: int) -> Invoice:
        invoice = self.get(invoice_id)
        del self.invoices[invoice_id]
        return invoice

    def delete_many(self, invoice_ids: list[int]) -> list[Invoice]:
        if not invoice_ids:
            raise argument_error()
        deleted = []
        for invoice_id in invoice_ids:
            invoice = self.invoices.pop(invoice_id, None)
            if invoice is not None:  # unknown ids are skipped silently
                deleted.append(invoice)
        return deleted

    def change_status(self, status: int, invoice_ids: list[int]) -> list[Invoice]:
        if not invoice_ids:
            raise argument_error()
        changed = []
        for invoice_id in invoice_ids:
            invoice = self.invoices.get(invoice_id)
            if invoice is None:
                continue
            if (invoice.status, status) in TRANSITIONS:
                invoice.status = status
            changed.append(invoice)
        return changed

    # -- validation -------------------------------------------------------------------------
    def _bind_lines(self, params: Params) -> list[dict[str, Any]]:
        lines = bind_lines(params)
        if not lines:
            raise argument_error()
        for line in lines:
            item_id = to_int(line.get("InvoiceItemID"))
            tax_ids = (to_int(line.get("InvoiceTax1ID")), to_int(line.get("InvoiceTax2ID")))
            quantity = to_decimal(line.get("Quantity"))
            price = to_decimal(line.get("Price"))
            discount = to_decimal(line.get("Discount"))
            if item_id <= 0 or item_id not in self.items:
                raise argument_error()
            if any(t < 0 or (t > 0 and t not in self.taxes) for t in tax_ids):
                raise argument_error()
            if quantity < 0 or price < 0 or not 0 <= discount <= 100:
                raise argument_error()
        return lines

    def _make_lines(self, invoice_id: int, lines: list[dict[str, Any]]) -> list[Line]:
        # The server numbers lines by array position; sortOrder and line ids are ignored.
        return [
            Line(
                id=self._take_line_id(),
                invoice_id=invoice_id,
                item_id=to_int(line.get("InvoiceItemID")),
                tax1_id=to_int(line.get("InvoiceTax1ID")),
                tax2_id=to_int(line.get("InvoiceTax2ID")),
                sort_order=position,
                description=to_text(line.get("Description")),
                quantity=to_decimal(line.get("Quantity")),
                price=to_decimal(line.get("Price")),
                discount=to_decimal(line.get("Discount")),
            )
            for position, line in enumerate(lines)
        ]

    def _apply(self, invoice: Invoice, params: Params) -> None:
        """Validate and copy the body fields shared by create and update."""
        issue = to_datetime(params.get("issueDate"), self.zone)
        due = to_datetime(params.get("dueDate"), self.zone)
        if issue is None or due is None:
            raise argument_error()
        contact_id = to_int(params.get("contactId"))
        consignee_id = to_int(params.get("consigneeId"))
        entity_id = to_int(params.get("entityId"))
        billing = to_int(params.get("billingAddressID"))
        delivery = to_int(params.get("deliveryAddressID"))
        currency = to_text(params.get("currency")).strip().upper()
        exchange_rate = to_decimal(params.get("exchangeRate"))
        terms = to_text(params.get("terms"))
        if contact_id <= 0 or contact_id not in self.contacts:
            raise argument_error()
        if consignee_id and consignee_id != contact_id and consignee_id not in self.contacts:
            raise argument_error()
        if entity_id:
            deal = self.opportunities.get(entity_id)
            if deal is None or contact_id not in deal.member_contact_ids:
                raise argument_error()
        if billing > 0 and self.contacts[contact_id].billing_address_id != billing:
            raise argument_error()
        if delivery > 0:
            consignee = self.contacts.get(consignee_id)
            if consignee is None or consignee.postal_address_id != delivery:
                raise argument_error()
        if currency not in self.currencies or exchange_rate <= 0 or not terms.strip():
            raise argument_error()
        invoice.issue_date = issue
        invoice.due_date = due
        invoice.contact_id = contact_id
        invoice.consignee_id = consignee_id
        invoice.entity_id = entity_id
        invoice.billing_address_id = max(billing, 0)
        invoice.delivery_address_id = max(delivery, 0)
        invoice.currency = currency
        invoice.exchange_rate = exchange_rate
        invoice.terms = terms
        invoice.template_type = to_int(params.get("templateType"))
        invoice.language = to_text(params.get("language")) or "en-US"
        invoice.purchase_order_number = to_text(params.get("purchaseOrderNumber"))
        invoice.description = to_text(params.get("description"))
