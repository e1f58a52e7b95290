"""``invoicekit demo``: one provider-neutral billing run against every in-process simulator.

:func:`invoice_lifecycle` is written the way an application would write it: it only sees a
config mapping and a customer, never a provider name. What a provider cannot do is decided by
``client.capabilities`` (ONLYOFFICE has no void state, so that step is "n/a" there). Each step
checks what came back (statuses, totals, counts) and records ``ok`` or ``FAILED``; the report
puts the providers side by side.

Only the runtime dependencies are needed (the simulators are plain aiohttp servers on
127.0.0.1), and every figure is fixed (dates, amounts, simulator seeds), so two runs print the
same report.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from datetime import date
from decimal import Decimal
from typing import Any, Literal, TextIO

from attrs import frozen

from .config import connect
from .errors import InvoiceKitError, NotFoundError
from .models import Capability, Contact, Invoice, InvoiceChanges, InvoiceDraft, InvoiceId, InvoiceStatus, LineItem

Outcome = Literal["ok", "FAILED", "n/a", "skipped"]

#: The step names, in order: the rows of the report.
STEPS: tuple[str, ...] = (
    "resolve customer",
    "create 4 drafts",
    "list drafts (filter)",
    "update: add a line",
    "send",
    "mark paid",
    "void",
    "delete one draft",
    "batch delete rest",
)

#: The demo's customer, known by name and e-mail only: each provider's contact comes from
#: ``contacts.ensure`` (created on the first run of a simulator, found afterwards).
CUSTOMER = Contact(name="Ada Lovelace", email="ada.lovelace@example.com")

ISSUE_DATE = date(2025, 3, 1)
DUE_DATE = date(2025, 3, 31)

# (name, quantity, unit price) of each draft's first line; the expected totals follow from them.
_DRAFT_LINES: tuple[tuple[str, Decimal, Decimal], ...] = (
    ("Retainer", Decimal(1), Decimal("1200.00")),
    ("Design review", Decimal(3), Decimal("150.00")),
    ("Hosting", Decimal(12), Decimal("19.99")),
    ("Support plan", Decimal(1), Decimal("99.50")),
)
_EXTRA_LINE = LineItem(name="Extra hours", description="Extra hours", quantity=Decimal("2.5"),
                       unit_price=Decimal("80.00"))


class CheckFailed(Exception):
    """A step ran but its result was not what the step expects."""


@frozen
class StepResult:
    name: str
    outcome: Outcome
    detail: str = ""
    #: The formatted traceback of an unexpected exception (shown with ``--debug``).
    trace: str | None = None

    @property
    def behaved(self) -> bool:
        return self.outcome in ("ok", "n/a")


@frozen
class ProviderRun:
    label: str
    steps: tuple[StepResult, ...]

    @property
    def behaved(self) -> bool:
        return all(step.behaved for step in self.steps)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _number_range(first: str, last: str) -> str:
    """``INV-0000006..9`` for INV-0000006 to INV-0000009: the shared start is written once."""
    shared = 0
    while shared < min(len(first), len(last)) - 1 and first[shared] == last[shared]:
        shared += 1
    return f"{first}..{last[shared:]}"


class _Recorder:
    """Runs steps in order; a step that raises is FAILED with a one-line reason."""

    def __init__(self) -> None:
        self.results: list[StepResult] = []

    async def step(self, name: str, body: Callable[[], Awaitable[str | None]]) -> bool:
        try:
            detail = await body()
        except CheckFailed as exc:
            self.results.append(StepResult(name, "FAILED", str(exc)))
            return False
        except InvoiceKitError as exc:
            self.results.append(StepResult(name, "FAILED", f"{type(exc).__name__}: {exc}"))
            return False
        except Exception as exc:  # a bug in an adapter must show as a failed step, not end the demo
            self.results.append(
                StepResult(name, "FAILED", f"{type(exc).__name__}: {exc}", trace=traceback.format_exc())
            )
            return False
        if detail is None:
            self.results.append(StepResult(name, "n/a", "(not supported)"))
        else:
            self.results.append(StepResult(name, "ok", detail))
        return True

    def skip_rest(self, reason: str) -> None:
        done = {r.name for r in self.results}
        self.results.extend(StepResult(name, "skipped", reason) for name in STEPS if name not in done)


async def invoice_lifecycle(config: Mapping[str, Any], customer: Contact = CUSTOMER) -> list[StepResult]:
    """The whole life of a few invoices, through the neutral interface only.

    Resolves the customer to the provider's contact (``contacts.ensure``: found by e-mail or
    created, and found again by a second call), creates four drafts (A..D), finds them with a
    filtered list, adds a line to A, sends A and marks it paid, voids B where the provider can,
    deletes C, and batch-deletes the drafts left.
    """
    steps = _Recorder()
    async with connect(config) as invoices:
        resolved: list[Contact] = []

        async def resolve_customer() -> str:
            known = customer.id is not None or await invoices.contacts.find_by_email(str(customer.email)) is not None
            contact = await invoices.contacts.ensure(customer)
            _check(contact.id is not None, f"ensure gave {contact!r} without an id")
            again = await invoices.contacts.ensure(customer)
            _check(again.id == contact.id, f"a second ensure gave {again.id!r}, not {contact.id!r}")
            resolved.append(contact)
            return f"{'found' if known else 'created'} {contact.name}"

        if not await steps.step(STEPS[0], resolve_customer):
            steps.skip_rest("no customer")
            return steps.results
        created: list[Invoice] = []

        async def create() -> str:
            for name, quantity, price in _DRAFT_LINES:
                draft = InvoiceDraft(
                    currency="USD", contact=resolved[0], issue_date=ISSUE_DATE, due_date=DUE_DATE,
                    terms="Payable within 30 days.",
                    lines=[LineItem(name=name, description=name, quantity=quantity, unit_price=price)],
                )
                invoice = await invoices.create(draft)
                _check(invoice.status is InvoiceStatus.DRAFT, f"{invoice.id!r} is {invoice.status}, not draft")
                _check(invoice.total == quantity * price,
                       f"total {invoice.total} of {invoice.id!r}, expected {quantity * price}")
                names = [line.name for line in invoice.lines or ()]
                _check(names == [name], f"lines of {invoice.id!r} read back as {names}, not [{name!r}]")
                created.append(invoice)
            numbers = [i.number for i in created]
            _check(len(set(numbers)) == len(numbers), f"numbers are not unique: {numbers}")
            return _number_range(str(numbers[0]), str(numbers[-1]))

        if not await steps.step(STEPS[1], create):
            steps.skip_rest("no drafts")
            return steps.results
        a, b, c, d = created
        ours = {i.id for i in created}

        async def drafts_in_window() -> list[Invoice]:
            return [i async for i in invoices.list(status=InvoiceStatus.DRAFT, issued_from=ISSUE_DATE,
                                                   issued_to=ISSUE_DATE, page_size=50)]

        async def list_drafts() -> str:
            listed = await drafts_in_window()
            stray = [i.id for i in listed if i.status is not InvoiceStatus.DRAFT or i.issue_date != ISSUE_DATE]
            _check(not stray, f"the filter let through {stray}")
            found = ours & {i.id for i in listed}
            _check(found == ours, f"{len(found)} of {len(ours)} drafts listed")
            return f"{len(found)} of {len(listed)} found"

        async def update() -> str:
            updated = await invoices.update(a.id, InvoiceChanges(lines=[*(a.lines or ()), _EXTRA_LINE]))
            expected = a.total + _EXTRA_LINE.quantity * _EXTRA_LINE.unit_price
            _check(len(updated.lines or ()) == 2, f"{len(updated.lines or ())} lines, expected 2")
            _check(updated.total == expected, f"total {updated.total}, expected {expected}")
            return f"{_money(a.total)} -> {_money(updated.total)}"

        async def send() -> str:
            sent = await invoices.send(a.id)
            _check(sent.status is InvoiceStatus.SENT, f"{a.number} is {sent.status}, not sent")
            return f"{a.number} sent"

        async def mark_paid() -> str:
            paid = await invoices.mark_paid(a.id)
            _check(paid.status is InvoiceStatus.PAID, f"{a.number} is {paid.status}, not paid")
            _check(paid.amount_due in (None, Decimal(0)), f"{a.number} still has {paid.amount_due} due")
            return f"{a.number} paid"

        voided: list[InvoiceId] = []

        async def void() -> str | None:
            if Capability.VOID not in invoices.capabilities:
                return None
            await invoices.send(b.id)  # only a sent invoice can be voided
            cancelled = await invoices.void(b.id)
            _check(cancelled.status is InvoiceStatus.VOID, f"{b.number} is {cancelled.status}, not void")
            voided.append(b.id)
            return f"{b.number} void"

        async def delete_one() -> str:
            deleted = await invoices.delete(c.id)
            _check(deleted.id == c.id, f"deleted {deleted.id!r}, expected {c.id!r}")
            try:
                await invoices.get(c.id)
            except NotFoundError:
                return f"{c.number} deleted"
            raise CheckFailed(f"{c.number} can still be read after delete")

        async def batch_delete() -> str:
            rest = [i.id for i in (b, d) if i.id not in voided]
            deleted = await invoices.delete_many(rest)
            _check(sorted(map(str, (i.id for i in deleted))) == sorted(map(str, rest)),
                   f"deleted {[i.id for i in deleted]}, expected {rest}")
            left = ours & {i.id for i in await drafts_in_window()}
            _check(not left, f"{len(left)} drafts still listed")
            return f"{len(deleted)} deleted, 0 left"

        for name, body in zip(STEPS[2:], (list_drafts, update, send, mark_paid, void, delete_one, batch_delete),
                              strict=True):
            await steps.step(name, body)
    return steps.results


# -- the configurations --------------------------------------------------------------------------


async def _configurations(stack: AsyncExitStack) -> list[tuple[str, Mapping[str, Any], Contact]]:
    """Start one simulator per variant the tour runs; (column label, config, customer) each: the
    same customer by name and e-mail everywhere."""
    # Imported here: the rest of the CLI does not need the simulators.
    from .testing import simulators

    # One simulator per run: the runs go concurrently, and two ONLYOFFICE creates racing for the
    # portal's next number on one portal would (rightly) get a 400 for the second.
    runs: list[tuple[str, Mapping[str, Any], Contact]] = []
    for variant in simulators(tour=True):
        simulator = variant.simulator()
        await stack.enter_async_context(simulator.run())
        runs.append((variant.label, variant.client_config(simulator, max_retries=0), CUSTOMER))
    return runs


async def run_demo() -> list[ProviderRun]:
    """Run :func:`invoice_lifecycle` on every simulator at once; one :class:`ProviderRun` each."""
    async with AsyncExitStack() as stack:
        runs = await _configurations(stack)
        results = await asyncio.gather(*(invoice_lifecycle(config, customer) for _, config, customer in runs))
    return [ProviderRun(label, tuple(steps)) for (label, _, _), steps in zip(runs, results, strict=True)]


# -- the report -----------------------------------------------------------------------------------

_CELL = 30  # widest cell; longer failure reasons are cut here and printed in full below the table


def _cell(step: StepResult) -> str:
    text = step.outcome if not step.detail else f"{step.outcome:<3} {step.detail}"
    if step.outcome == "n/a":
        text = f"n/a {step.detail}"
    return text if len(text) <= _CELL else text[: _CELL - 3] + "..."


def render_report(runs: Sequence[ProviderRun], out: TextIO, *, debug: bool = False) -> None:
    """The side-by-side table, then the full text of every failure."""
    names = list(STEPS)
    rows = [["step", *(run.label for run in runs)]]
    for index, name in enumerate(names):
        rows.append([name, *(_cell(run.steps[index]) if index < len(run.steps) else "missing" for run in runs)])
    verdicts = [
        "ok" if run.behaved else f"FAILED ({sum(not s.behaved for s in run.steps)} of {len(run.steps)} steps)"
        for run in runs
    ]
    rows.append(["result", *verdicts])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rule = ["-" * w for w in widths]
    print("invoicekit demo: the same provider-neutral code against each in-process simulator", file=out)
    print("(resolve the customer, create, list, update, send, mark paid, void, delete, batch delete;", file=out)
    print(" money as Decimal)", file=out)
    print(file=out)
    for row in [rows[0], rule, *rows[1:-1], rule, rows[-1]]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)
    failures = [(run.label, step) for run in runs for step in run.steps if step.outcome == "FAILED"]
    if failures:
        print(file=out)
        for label, step in failures:
            print(f"{label} / {step.name}: {step.outcome} {step.detail}", file=out)
            if debug and step.trace:
                print(step.trace, file=out)
    print(file=out)
    if all(run.behaved for run in runs):
        print("Every step behaved on every provider.", file=out)
    else:
        print("Some steps did not behave (see above).", file=out)
