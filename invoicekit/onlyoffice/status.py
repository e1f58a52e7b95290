"""ONLYOFFICE invoice statuses: their wire ids and neutral meaning, the server's move graph, the
route a status operation takes through it, and the status names the list filter accepts.

Sans-I/O: :class:`~invoicekit.onlyoffice.client.OnlyOfficeClient` sends the moves and checks
each answer, because the server ignores a move outside its graph without saying so.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..models import InvoiceStatus

# ONLYOFFICE InvoiceStatus ids (Core/Enums/InvoiceStatus.cs); 2 is labelled "Billed" in the UI.
DRAFT, SENT, REJECTED, PAID, ARCHIVED = 1, 2, 3, 4, 5
STATUS_FROM_WIRE: Mapping[int, InvoiceStatus] = {
    DRAFT: InvoiceStatus.DRAFT,
    SENT: InvoiceStatus.SENT,
    REJECTED: InvoiceStatus.REJECTED,
    PAID: InvoiceStatus.PAID,
    ARCHIVED: InvoiceStatus.ARCHIVED,
}
STATUS_TO_WIRE: Mapping[InvoiceStatus, int] = {v: k for k, v in STATUS_FROM_WIRE.items()}
STATUS_NAMES: Mapping[int, str] = {
    DRAFT: "Draft", SENT: "Sent", REJECTED: "Rejected", PAID: "Paid", ARCHIVED: "Archived",
}

# The server's transition graph (InvoiceDao.invoiceStatusMap). Anything else, including every move
# to Archived, is silently ignored by the server (HTTP 200, invoice unchanged).
TRANSITIONS: Mapping[int, frozenset[int]] = {
    DRAFT: frozenset({SENT}),
    SENT: frozenset({PAID, REJECTED}),
    REJECTED: frozenset({DRAFT}),
    PAID: frozenset({SENT}),
}
# (from, to) -> the moves that get there; two where the graph has no direct edge. Deliberately
# fewer routes than the graph allows: ``send`` never takes a Paid invoice back to Sent.
_PLANS: Mapping[tuple[int, int], tuple[int, ...]] = {
    (DRAFT, SENT): (SENT,),
    (REJECTED, SENT): (DRAFT, SENT),
    (SENT, PAID): (PAID,),
    (DRAFT, PAID): (SENT, PAID),
}
#: Status names the list filter takes besides the neutral ones ("Billed" is the UI's name for Sent).
STATUS_ALIASES: Mapping[str, InvoiceStatus] = {"billed": InvoiceStatus.SENT}


def neutral_status(wire_id: int) -> InvoiceStatus:
    try:
        return STATUS_FROM_WIRE[wire_id]
    except KeyError:
        raise ValueError(f"unknown ONLYOFFICE invoice status id {wire_id}") from None


def plan(source: int, target: int) -> tuple[int, ...] | None:
    """The moves from ``source`` to ``target`` in order; None when the operation does not apply."""
    return _PLANS.get((source, target))


def status_name(wire_id: int) -> str:
    return STATUS_NAMES.get(wire_id, f"status {wire_id}")


