"""The "billing service" scenario: what a small service does with invoicekit, run unchanged on
every provider, every read-back compared field by field with one model derived from the draft.

The service ensures its customer's contact, bills them with one draft (:func:`billing_draft`),
reads the invoice back, sends it, lists what is unpaid (with and without lines), records
a part payment where the client can, marks it paid and reads it again. There is no branch on
the provider: what differs is asked of ``client.capabilities`` and ``client.rules``, and an
operation the client does not list must be refused without a request (as in the rest of the
suite).

Each read-back becomes a flat mapping of field paths (``lines[0].unit_price``) to values, in
which only what the provider assigns is replaced by a marker once it has been checked: the
invoice id (its type, the same on every read), the number (non-empty, the same on every read),
the contact id (the one ``contacts.ensure`` returned), the name when the draft has none (the
provider's documented default), timestamps and ``raw``. Everything else must equal the expected
mapping, and two providers' mappings must equal each other (:func:`compare_runs`), so a
difference shows as ``step: field: value != value``.

Needs neither pytest nor pytest-asyncio (:class:`BillingServiceTests` only adds a test method
to :class:`~invoicekit.testing.conformance.ConformanceSuite`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from ... import (
    UNPAID,
    Capability,
    Contact,
    Invoice,
    InvoiceClient,
    InvoiceDraft,
    InvoiceId,
    InvoiceStatus,
    LineItem,
    Payment,
    UnsupportedOperationError,
)
from ...money import smallest_unit
from ...rules import ProviderRules
from .harness import ProviderHarness, clean_up

if TYPE_CHECKING:
    from .suite import Conformance

__all__ = [
    "BILLING_CAPABILITIES",
    "BILLING_CUSTOMER",
    "BillingRun",
    "BillingServiceTests",
    "billing_draft",
    "compare_runs",
    "run_billing_scenario",
    "run_billing_service",
]

#: What the scenario needs a client to list; ``record_payment`` is used when listed and must be
#: refused without a request when not.
BILLING_CAPABILITIES = (Capability.CREATE, Capability.GET, Capability.LIST, Capability.SEND, Capability.MARK_PAID)

#: The customer the service bills: unknown to every simulator, so ``ensure`` creates it.
BILLING_CUSTOMER = Contact(name="Ada Lovelace", email="ada.lovelace@example.com")

#: The part payment recorded where the client has ``record_payment``.
PART_PAYMENT = Decimal("100.00")

# Markers for what the provider assigns (checked before they replace the value).
ASSIGNED_NUMBER = "<the number create returned>"
ENSURED_CONTACT = "<the id contacts.ensure returned>"
DEFAULT_NAME = "<the provider's default name>"


def billing_draft(customer: Contact) -> InvoiceDraft:
    """The one draft of the scenario: only fields every provider takes, amounts that need
    quantizing (``1250.5`` is ``1250.50`` EUR), a line without a description (None, not ``""``),
    no name (each provider's documented default applies) and no number (the provider's)."""
    return InvoiceDraft(
        currency="EUR",
        contact=customer,
        lines=[
            LineItem(name="Consulting", description="On-site workshop, March",
                     quantity=Decimal(3), unit_price=Decimal("1250.5")),
            LineItem(name="Travel", description="Train, return", quantity=Decimal("1.5"), unit_price=Decimal("80.10")),
            LineItem(name="Support hours", quantity=Decimal(2), unit_price=Decimal(45)),
        ],
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        # Two lines and an ampersand: plain text that must survive a provider storing HTML.
        terms="Payable within 30 days.\nBank transfer to Lovelace & Babbage Ltd, IBAN DE02 1203 0000 0000 2020 51.",
        description="Workshop and support, March 2026",
    )  # fmt: skip


# -- one read-back as a flat mapping -------------------------------------------------------------


@frozen
class _Reference:
    """What the provider assigned on create, which later reads must repeat."""

    invoice_id: InvoiceId
    number: str | None
    contact_id: InvoiceId | None
    default_name: str | None


def _money(value: Decimal | None) -> str | None:
    # As text, so that 1250.5 and 1250.50 differ: the canonical form is part of the contract.
    return None if value is None else str(value)


def _number(value: Decimal) -> str:
    # Quantities and percentages: the value counts, not its form (3 and 3.0 are one quantity).
    return format(value.normalize(), "f") if value.is_finite() else str(value)


def _line_fields(lines: Sequence[LineItem] | None) -> dict[str, object]:
    if lines is None:
        return {"lines": None}
    fields: dict[str, object] = {"lines": len(lines)}
    for index, line in enumerate(lines):
        at = f"lines[{index}]"
        fields[f"{at}.name"] = line.name
        fields[f"{at}.description"] = line.description
        fields[f"{at}.quantity"] = _number(line.quantity)
        fields[f"{at}.unit_price"] = _money(line.unit_price)
        fields[f"{at}.discount"] = _number(line.discount)
        fields[f"{at}.tax_ids"] = tuple(line.tax_ids)
    return fields


def _in_minor_units(amount: Decimal, currency: str) -> Decimal:
    """What a read-back amount must look like: the currency's minor units, rounded half up (the
    draft's ``1250.5`` is ``1250.50``). Used on the expected side only."""
    unit = smallest_unit(currency)
    return amount if unit is None else amount.quantize(unit, rounding=ROUND_HALF_UP)


def _normalised(invoice: Invoice, ref: _Reference) -> dict[str, object]:
    """``invoice`` as field path -> value, provider-assigned values replaced by their markers
    where they are what they must be (and left as they are where not, so the diff shows them)."""
    contact = invoice.contact or Contact()
    fields: dict[str, object] = {
        "status": invoice.status.value,
        "name": DEFAULT_NAME if ref.default_name is not None and invoice.name == ref.default_name else invoice.name,
        "number": ASSIGNED_NUMBER if invoice.number and invoice.number == ref.number else invoice.number,
        "currency": invoice.currency,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "contact": None if invoice.contact is None else "present",
        "contact.id": ENSURED_CONTACT if contact.id is not None and contact.id == ref.contact_id else contact.id,
        "contact.name": contact.name,
        "contact.email": contact.email,
        "contact.phone": contact.phone,
        "contact.company_name": contact.company_name,
        "contact.address": contact.address,
    }
    fields.update(_line_fields(invoice.lines))
    fields.update(
        {
            "total": _money(invoice.total),
            "amount_due": _money(invoice.amount_due),
            "amount_paid": _money(invoice.amount_paid),
            "terms": invoice.terms,
            "description": invoice.description,
            "purchase_order_number": invoice.purchase_order_number,
            "exchange_rate": _number(invoice.exchange_rate) if invoice.exchange_rate is not None else None,
        }
    )
    return fields


def _expected(draft: InvoiceDraft, customer: Contact, status: InvoiceStatus, paid: Decimal) -> dict[str, object]:
    """The mapping every provider must read back for ``draft`` in ``status`` with ``paid`` paid."""
    currency = draft.currency
    total = _expected_total(draft)
    fields: dict[str, object] = {
        "status": status.value,
        "name": draft.name if draft.name is not None else DEFAULT_NAME,
        "number": ASSIGNED_NUMBER,
        "currency": currency,
        "issue_date": draft.issue_date,
        "due_date": draft.due_date,
        "contact": "present",
        "contact.id": ENSURED_CONTACT,
        "contact.name": customer.name,
        "contact.email": customer.email,
        "contact.phone": customer.phone,
        "contact.company_name": customer.company_name,
        "contact.address": customer.address,
    }
    # A unit price reads back in the currency's minor units too (README "Checked when built").
    fields.update(
        _line_fields(
            [attrs.evolve(line, unit_price=_in_minor_units(line.unit_price, currency)) for line in draft.lines]
        )
    )
    fields.update(
        {
            "total": _money(total),
            "amount_due": _money(_in_minor_units(total - paid, currency)),
            "amount_paid": _money(_in_minor_units(paid, currency)),
            "terms": draft.terms,
            "description": draft.description,
            "purchase_order_number": draft.purchase_order_number,
            # Unset: no conversion, 1 on every provider (GoHighLevel has no rate: its invoices
            # are in their own currency). ``language`` is left out: each provider renders in
            # its own default (ONLYOFFICE's portal culture, GoHighLevel's location language).
            "exchange_rate": _number(draft.exchange_rate if draft.exchange_rate is not None else Decimal(1)),
        }
    )
    return fields


def _differences(a: Mapping[str, object], b: Mapping[str, object]) -> list[tuple[str, object, object]]:
    """``(field, value in a, value in b)`` for each field that differs, one missing included."""
    out = []
    for key in [*a, *(k for k in b if k not in a)]:
        one, other = a.get(key, "<absent>"), b.get(key, "<absent>")
        if one != other:
            out.append((key, one, other))
    return out


def _type_problems(invoice: Invoice, harness: ProviderHarness, provider: str) -> list[str]:
    """The neutral model's types: provider-typed id, aware timestamps, raw kept."""
    problems = []
    if not isinstance(invoice.id, harness.id_type) or isinstance(invoice.id, bool):
        problems.append(f"id: {invoice.id!r} is not {harness.id_type.__name__}")
    if invoice.provider != provider:
        problems.append(f"provider: expected {provider!r}, got {invoice.provider!r}")
    for name in ("created_at", "updated_at"):
        value = getattr(invoice, name)
        if value is not None and (not isinstance(value, datetime) or value.utcoffset() is None):
            problems.append(f"{name}: {value!r} is not an aware datetime")
    if not invoice.raw:
        problems.append("raw: empty")
    return problems


# -- the scenario --------------------------------------------------------------------------------

#: The steps only a client with ``record_payment`` takes.
_PAYMENT_STEPS = frozenset({"record payment", "list unpaid after payment"})


@frozen
class BillingRun:
    """What one run of the scenario read back, and what did not match.

    ``reads`` maps each step to its normalised read-back; the steps every client takes come
    first, in order (``create``, ``get``, ``send``, ``list unpaid``, ``list unpaid with lines``,
    ``mark paid``, ``get paid``); ``record payment`` and ``list unpaid after payment`` are there
    when the client records payments. ``mismatches`` lists ``(step, "field: expected X, got Y")``.
    """

    provider: str
    reads: Mapping[str, Mapping[str, object]]
    mismatches: tuple[tuple[str, str], ...]

    def report(self) -> str:
        """The mismatches, one line per problem with the steps it was seen at."""
        problems = _by_problem(self.mismatches)
        head = f"{self.provider}: {len(problems)} problem(s) in what was read back, against the draft:"
        return "\n  ".join([head, *problems])


def _by_problem(found: Iterable[tuple[str, str]]) -> list[str]:
    """``(step, problem)`` pairs as ``problem (at step, step)``: a field that is wrong on every
    read is one line, not one per step."""
    steps: dict[str, list[str]] = {}
    for step, problem in found:
        steps.setdefault(problem, []).append(step)
    return [f"{problem} (at {', '.join(at)})" for problem, at in steps.items()]


@attrs.define
class _Scenario:
    harness: ProviderHarness
    client: InvoiceClient
    config: Mapping[str, Any]
    created: list[InvoiceId]
    step: str = "start"
    draft: InvoiceDraft | None = None
    customer: Contact = BILLING_CUSTOMER
    ref: _Reference | None = None
    reads: dict[str, Mapping[str, object]] = attrs.Factory(dict)
    mismatches: list[tuple[str, str]] = attrs.Factory(list)

    def fail(self, problem: str) -> None:
        self.mismatches.append((self.step, problem))

    async def read(self, step: str, call: Awaitable[Invoice], status: InvoiceStatus, paid: Decimal) -> Invoice:
        """Await one call that returns the invoice and compare it with the expected model."""
        self.step = step
        invoice = await call
        self.check(invoice, status, paid)
        return invoice

    def check(self, invoice: Invoice, status: InvoiceStatus, paid: Decimal, *, lines_required: bool = True) -> None:
        """Compare one read-back with the expected model; keep its normalised form.

        ``lines_required=False``: a listing that may leave lines unloaded (None, README
        "Listing"); loaded, they must match. Its lines are left out of the kept form either way.
        """
        assert self.draft is not None and self.ref is not None
        for problem in _type_problems(invoice, self.harness, self.client.provider):
            self.fail(problem)
        if invoice.id != self.ref.invoice_id:
            self.fail(f"id: expected {self.ref.invoice_id!r}, got {invoice.id!r}")
        actual = _normalised(invoice, self.ref)
        expected = _expected(self.draft, self.customer, status, paid)
        if invoice.lines is None and lines_required:
            self.fail("lines: not loaded (None)")
        if invoice.lines is None and not lines_required:
            expected, actual = _without_lines(expected), _without_lines(actual)
        for key, want, got in _differences(expected, actual):
            self.fail(f"{key}: expected {want!r}, got {got!r}")
        self.reads[self.step] = actual if lines_required else _without_lines(actual)

    async def listed_unpaid(self, *, with_lines: bool) -> Invoice | None:
        """This invoice as ``list(status=UNPAID)`` yields it (None when it is not listed)."""
        assert self.ref is not None
        found = [i async for i in self.client.list(status=UNPAID, with_lines=with_lines)]
        ours = [i for i in found if i.id == self.ref.invoice_id]
        if len(ours) > 1:
            self.fail(f"listed {len(ours)} times")
        if self.harness.isolated and len(found) != len(ours):
            self.fail(f"listed {len(found) - len(ours)} invoice(s) the scenario did not make")
        return ours[0] if ours else None

    async def check_listed(self, step: str, status: InvoiceStatus, paid: Decimal, *, with_lines: bool) -> None:
        self.step = step
        listed = await self.listed_unpaid(with_lines=with_lines)
        if listed is None:
            self.fail(f"a {status.value} invoice is not listed as unpaid")
        else:
            self.check(listed, status, paid, lines_required=with_lines)

    def default_name(self) -> str | None:
        """The name a nameless draft reads back with where the provider requires one: the
        setting ``client.rules`` names for it (GoHighLevel's ``default_name``), from the config.
        None where the rules name no such setting: then the name is the number (ONLYOFFICE has
        no invoice name and reads the number as one)."""
        rules: ProviderRules | None = getattr(type(self.client), "rules", None)
        setting = None if rules is None else dict(rules.defaults).get("name")
        value = None if setting is None else self.config.get(setting)
        return value if isinstance(value, str) and value.strip() else None

    async def run(self) -> BillingRun:
        client = self.client
        customer = await self.ensure_customer()
        self.draft = draft = billing_draft(customer)
        total = _expected_total(draft)

        self.step = "create"
        created = await client.create(draft)
        self.created.append(created.id)
        number = created.number if isinstance(created.number, str) and created.number.strip() else None
        if number is None:
            self.fail(f"number: expected a non-empty number, got {created.number!r}")
        default_name = None if draft.name is not None else self.default_name() or number
        self.ref = _Reference(created.id, number, customer.id, default_name)
        self.check(created, InvoiceStatus.DRAFT, Decimal(0))

        await self.read("get", client.get(created.id), InvoiceStatus.DRAFT, Decimal(0))
        await self.read("send", client.send(created.id), InvoiceStatus.SENT, Decimal(0))
        await self.check_listed("list unpaid", InvoiceStatus.SENT, Decimal(0), with_lines=False)
        await self.check_listed("list unpaid with lines", InvoiceStatus.SENT, Decimal(0), with_lines=True)
        payment = Payment(amount=PART_PAYMENT, currency=draft.currency)
        if Capability.RECORD_PAYMENT in client.capabilities:
            part = client.record_payment(created.id, payment)
            await self.read("record payment", part, InvoiceStatus.PARTIALLY_PAID, PART_PAYMENT)
            await self.check_listed(
                "list unpaid after payment", InvoiceStatus.PARTIALLY_PAID, PART_PAYMENT, with_lines=True
            )
        else:
            await self.check_refused_payment(payment)
        await self.read("mark paid", client.mark_paid(created.id), InvoiceStatus.PAID, total)
        await self.read("get paid", client.get(created.id), InvoiceStatus.PAID, total)
        self.step = "list unpaid after paid"
        if await self.listed_unpaid(with_lines=False) is not None:
            self.fail("a paid invoice is still listed as unpaid")
        return BillingRun(client.provider, dict(self.reads), tuple(self.mismatches))

    async def ensure_customer(self) -> Contact:
        self.step = "contacts.ensure"
        customer = await self.client.contacts.ensure(BILLING_CUSTOMER)
        if customer.id is None:
            self.fail("id: None")
        for name in ("name", "email"):
            want, got = getattr(BILLING_CUSTOMER, name), getattr(customer, name)
            if want != got:
                self.fail(f"{name}: expected {want!r}, got {got!r}")
        again = await self.client.contacts.ensure(BILLING_CUSTOMER)
        if again.id != customer.id:
            self.fail(f"a second ensure gave id {again.id!r}, the first {customer.id!r}")
        self.customer = attrs.evolve(BILLING_CUSTOMER, id=customer.id)
        return customer

    async def check_refused_payment(self, payment: Payment) -> None:
        """A client without ``record_payment`` refuses it, naming it, and sends nothing."""
        assert self.ref is not None
        self.step = "record payment"
        before = self.harness.request_count()
        try:
            await self.client.record_payment(self.ref.invoice_id, payment)
        except UnsupportedOperationError as exc:
            if exc.operation != Capability.RECORD_PAYMENT.value:
                self.fail(f"refused naming {exc.operation!r}")
        else:
            self.fail("not in client.capabilities, yet it was not refused")
        if before is not None and self.harness.request_count() != before:
            self.fail("the refused payment sent a request")


def _without_lines(fields: Mapping[str, object]) -> dict[str, object]:
    return {key: value for key, value in fields.items() if not key.startswith("lines")}


def _expected_total(draft: InvoiceDraft) -> Decimal:
    """Each line's amount in the currency's minor units, summed (the providers round per line)."""
    lines = (_in_minor_units(line.quantity * line.unit_price, draft.currency) for line in draft.lines)
    return sum(lines, Decimal(0))


async def run_billing_scenario(
    harness: ProviderHarness, client: InvoiceClient, config: Mapping[str, Any], created: list[InvoiceId] | None = None
) -> BillingRun:
    """Run the scenario with a connected client; ``created`` collects the invoice ids it makes
    (so a shared account can be cleaned up). An exception says, in a note, at which step."""
    scenario = _Scenario(harness, client, config, created if created is not None else [])
    try:
        return await scenario.run()
    except Exception as exc:
        exc.add_note(f"billing scenario on {client.provider}: raised at step {scenario.step!r}")
        raise


async def run_billing_service(harness: ProviderHarness) -> BillingRun:
    """Serve ``harness``, connect, run the scenario and, on a shared account, clean up."""
    created: list[InvoiceId] = []
    async with harness.serve() as config, harness.connect(config) as client:
        try:
            return await run_billing_scenario(harness, client, config, created)
        finally:
            if not harness.isolated:
                await clean_up(client, created)


def compare_runs(runs: Mapping[str, BillingRun]) -> list[str]:
    """Field-level differences between harnesses: each run against the first, over the steps
    both took, one line per field and pair of values (``A vs B: field: a != b (at step, ...)``)."""
    if not runs:
        return []
    (first_name, first), *others = runs.items()
    out: list[str] = []
    for name, run in others:
        found: list[tuple[str, str]] = []
        for step in (s for s in first.reads if s in run.reads):
            differences = _differences(first.reads[step], run.reads[step])
            found.extend((step, f"{key}: {a!r} != {b!r}") for key, a, b in differences)
        only = {*first.reads} ^ {*run.reads}
        found.extend((step, "a step only one of them took") for step in sorted(only - _PAYMENT_STEPS))
        out.extend(f"{first_name} vs {name}: {line}" for line in _by_problem(found))
    return out


class BillingServiceTests:
    """The billing-service scenario as a conformance test (mixed into ConformanceSuite)."""

    async def test_billing_service_scenario(self, conformance: Conformance) -> None:
        env = conformance
        if not await env.supports(*BILLING_CAPABILITIES):
            return
        run = await run_billing_scenario(env.harness, env.client, env.config, env.created)
        if run.mismatches:
            raise AssertionError(run.report())
