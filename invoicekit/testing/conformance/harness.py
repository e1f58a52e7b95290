"""What an adapter author provides so the conformance suite can run against their adapter.

A :class:`ProviderHarness` knows how to reach one provider setup (a simulator, a sandbox or a
real test account), which contacts exist there, which ids certainly do not, and which status
changes the provider refuses. The suite (:mod:`.suite`) asks nothing else, so a third-party
adapter passes it by writing one harness.

This module needs neither pytest nor pytest-asyncio: harnesses can live in library code.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar, Literal

import attrs
from attrs import frozen

from ...client import InvoiceClient
from ...config import connect
from ...errors import APIError, InvalidRequestError, InvalidStateError, NotFoundError
from ...models import Capability, Contact, Invoice, InvoiceDraft, InvoiceId, LineItem

#: The operations a :class:`ForbiddenMove` can try, and the status moves it can prepare with.
Operation = Literal["update", "delete", "send", "mark_paid", "void", "record_payment"]
Move = Literal["send", "mark_paid", "void"]


@frozen
class ForbiddenMove:
    """A change the provider refuses in some state.

    The suite creates a draft, applies ``prepare`` (status moves, in order), then expects
    ``operation`` to raise :class:`invoicekit.InvalidStateError` and to leave the invoice as it
    was (same status, still there).
    """

    operation: Operation
    prepare: tuple[Move, ...] = ()

    def __str__(self) -> str:
        state = " + ".join(self.prepare) if self.prepare else "draft"
        return f"{self.operation} after {state}"


class ProviderHarness(abc.ABC):
    """One provider setup for the conformance suite. A fresh instance serves one test.

    Implement :meth:`serve`, :meth:`contacts`, :meth:`missing_ids` and :meth:`invalid_ids`, and
    set :attr:`id_type`. Override the other hooks where the provider differs from the defaults.
    """

    #: The Python type of the provider's invoice ids (``int`` or ``str``).
    id_type: ClassVar[type[int] | type[str]]
    #: True when every :meth:`serve` starts from an empty account: the suite then checks that
    #: lists return *exactly* the invoices the test created. With a shared real account set it to
    #: False: the suite then only looks at invoices it created (and cleans them up).
    isolated: ClassVar[bool] = True
    #: Two currencies the provider accepts; the first is the default for drafts.
    currencies: ClassVar[tuple[str, str]] = ("USD", "EUR")
    #: The status changes the provider refuses (each must raise InvalidStateError).
    forbidden_moves: ClassVar[tuple[ForbiddenMove, ...]] = ()

    # -- required ----------------------------------------------------------------------------

    @abc.abstractmethod
    def serve(self) -> AbstractAsyncContextManager[Mapping[str, Any]]:
        """Start the server (or reach the account) and yield the config mapping for
        :func:`invoicekit.connect`; stop it on exit."""

    @abc.abstractmethod
    def contacts(self) -> tuple[Contact, Contact]:
        """Two different contacts the server knows, with ids (the contact filter is tested with
        them). Name and email, when given, must be what the server has for that contact."""

    @abc.abstractmethod
    def missing_ids(self) -> Sequence[InvoiceId]:
        """Well-formed invoice ids that certainly do not exist: NotFoundError expected."""

    @abc.abstractmethod
    def invalid_ids(self) -> Sequence[object]:
        """Values that are not ids of this provider: InvalidRequestError expected, nothing sent."""

    # -- optional hooks ----------------------------------------------------------------------

    def connect(self, config: Mapping[str, Any]) -> InvoiceClient:
        """The client under test (override for an adapter that is not registered, or to pass a
        session or token store)."""
        return connect(config)

    def line(self, name: str, quantity: Decimal, unit_price: Decimal) -> LineItem:
        """A neutral line the provider accepts. The suite reads a line's text back as
        ``description or name``."""
        return LineItem(name=name, description=name, quantity=quantity, unit_price=unit_price)

    def draft(
        self,
        *,
        contact: Contact | None = None,
        currency: str | None = None,
        issue_date: date = date(2025, 3, 3),
        due_date: date | None = None,
        lines: Sequence[LineItem] | None = None,
        terms: str = "Payable within 30 days.",
    ) -> InvoiceDraft:
        """A valid draft; the suite varies the arguments."""
        return InvoiceDraft(
            currency=currency or self.currencies[0],
            contact=contact or self.contacts()[0],
            issue_date=issue_date,
            due_date=due_date or issue_date + timedelta(days=30),
            lines=lines if lines is not None else [self.line("Consulting", Decimal(2), Decimal("150.00"))],
            terms=terms,
        )

    def searchable(self, draft: InvoiceDraft, token: str) -> InvoiceDraft:
        """``draft`` changed so that ``list(search=token)`` finds it and nothing else the suite
        creates (default: the invoice number is the token)."""
        return attrs.evolve(draft, number=token)

    async def seed(self, client: InvoiceClient, drafts: Sequence[InvoiceDraft]) -> list[Invoice]:
        """Create ``drafts`` (in order: paging tests expect them to exist when this returns).
        Override to write to the server's store directly when creating is slow."""
        return [await client.create(d) for d in drafts]

    def request_count(self) -> int | None:
        """How many requests the server has received so far (None when unknown: the suite then
        cannot check that a refused call sent nothing)."""
        return None

    def list_request_count(self) -> int | None:
        """How many list (page) requests the server has received so far, or None."""
        return None


async def clean_up(client: InvoiceClient, created: Iterable[InvoiceId]) -> None:
    """Best effort on a shared account: delete what a test made (void what cannot be deleted)."""
    for invoice_id in created:
        try:
            await client.delete(invoice_id)
        except NotFoundError:
            pass  # the test deleted it
        except InvalidStateError:
            if Capability.VOID in client.capabilities:
                with contextlib.suppress(APIError, InvalidRequestError):
                    await client.void(invoice_id)
        except APIError:
            pass
