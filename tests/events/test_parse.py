"""GoHighLevel's documented payloads decode into neutral events."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from invoicekit import InvalidRequestError, Invoice, InvoiceStatus
from invoicekit.events import AppInstall, AppUninstall, EventKind, InvoiceEvent, OtherWebhook
from invoicekit.gohighlevel.webhooks.verifier import parse_payload

from .conftest import DOC_INVOICE, NOW, body_of

# Each documented event: its type, and how its example differs from InvoiceCreate's.
DOCUMENTED = [
    ("InvoiceCreate", {}, EventKind.CREATED),
    ("InvoiceUpdate", {}, EventKind.UPDATED),
    ("InvoiceSent", {"status": "sent"}, EventKind.SENT),
    ("InvoicePaid", {"status": "paid", "amountPaid": 999, "amountDue": 0}, EventKind.PAID),
    ("InvoicePartiallyPaid", {"status": "partially_paid", "amountPaid": 899, "amountDue": 100},
     EventKind.PARTIALLY_PAID),
    ("InvoiceVoid", {"status": "void"}, EventKind.VOIDED),
    ("InvoiceDelete", {"status": "delete"}, EventKind.DELETED),
]


@pytest.mark.parametrize(("type_", "changes", "kind"), DOCUMENTED)
def test_each_documented_invoice_event_decodes(type_: str, changes: dict[str, object], kind: EventKind) -> None:
    payload = {**DOC_INVOICE, "type": type_, **changes}
    event = parse_payload(body_of(payload), received_at=NOW)
    assert isinstance(event, InvoiceEvent)
    assert (event.provider, event.kind, event.invoice_id) == ("gohighlevel", kind, "6578278e879ad2646715ba9c")
    assert event.occurred_at == datetime(2025, 1, 28, 14, 35, tzinfo=UTC)  # the payload's timestamp
    assert event.delivery_id == "abc123xyz"
    assert event.raw["type"] == type_
    if kind is EventKind.DELETED:
        assert event.invoice is None  # "delete" is no invoice status; the payload stays in raw
        assert event.raw["status"] == "delete"
        return
    invoice = event.invoice
    assert isinstance(invoice, Invoice)
    assert invoice.id == "6578278e879ad2646715ba9c"
    assert invoice.status == InvoiceStatus(str(payload["status"]))
    assert invoice.total == Decimal(999)
    assert invoice.amount_paid == Decimal(str(payload["amountPaid"]))
    assert invoice.contact is not None and invoice.contact.email == "alex@example.com"
    assert invoice.lines[0].name == "Macbook Pro" and invoice.lines[0].unit_price == Decimal(999)


@pytest.mark.parametrize(
    ("changes", "kind"),
    [({}, EventKind.CREATED), ({"updatedAt": "2023-12-13T10:00:00.000Z"}, EventKind.UPDATED),
     ({"status": "paid"}, EventKind.PAID), ({"status": "void"}, EventKind.VOIDED),
     ({"status": "delete"}, EventKind.DELETED)],
)
def test_without_a_type_the_documented_example_is_read_by_its_status(
    changes: dict[str, str], kind: EventKind
) -> None:
    # GoHighLevel's invoice examples show no "type", "timestamp" or "webhookId".
    payload = {k: v for k, v in DOC_INVOICE.items() if k not in ("type", "timestamp", "webhookId")}
    event = parse_payload(body_of({**payload, **changes}), received_at=NOW)
    assert isinstance(event, InvoiceEvent)
    assert event.kind is kind
    assert event.delivery_id.startswith("sha256:")
    assert event.occurred_at == datetime.fromisoformat(str({**payload, **changes}["updatedAt"]))


def test_app_install_decodes() -> None:
    payload = {
        "type": "INSTALL", "appId": "ve9EPM428h8vShlRW1KT", "locationId": "otg8dTQqGLh3Q6iQI55w",
        "companyId": "otg8dTQqGLh3Q6iQI55w", "userId": "otg8dTQqGLh3Q6iQI55w", "planId": "66a0419a0dffa47fb5f8b22f",
        "trial": {"onTrial": True, "trialDuration": 10, "trialStartDate": "2024-07-23T23:54:51.264Z"},
        "isWhitelabelCompany": True, "whitelabelDetails": {"domain": "example.com", "logoUrl": "https://x/l.png"},
        "companyName": "Example Company",
    }
    event = parse_payload(body_of(payload), received_at=NOW)
    assert event == AppInstall(
        provider="gohighlevel", app_id="ve9EPM428h8vShlRW1KT", delivery_id=event.delivery_id, occurred_at=NOW,
        location_id="otg8dTQqGLh3Q6iQI55w", company_id="otg8dTQqGLh3Q6iQI55w", user_id="otg8dTQqGLh3Q6iQI55w",
        plan_id="66a0419a0dffa47fb5f8b22f", company_name="Example Company",
    )
    assert event.raw["trial"]["trialDuration"] == 10


def test_an_agency_install_has_no_location() -> None:
    payload = {"type": "INSTALL", "appId": "ve9EPM428h8vShlRW1KT", "companyId": "otg8dTQqGLh3Q6iQI55w",
               "planId": "66a0419a0dffa47fb5f8b22f"}
    event = parse_payload(body_of(payload), received_at=NOW)
    assert isinstance(event, AppInstall)
    assert (event.location_id, event.company_id, event.user_id) == (None, "otg8dTQqGLh3Q6iQI55w", None)


@pytest.mark.parametrize(
    ("owner", "location", "company"),
    [({"locationId": "otg8dTQqGLh3Q6iQI55w"}, "otg8dTQqGLh3Q6iQI55w", None),
     ({"companyId": "otg8dTQqGLh3Q6iQI55w"}, None, "otg8dTQqGLh3Q6iQI55w")],
)
def test_app_uninstall_decodes(owner: dict[str, str], location: str | None, company: str | None) -> None:
    event = parse_payload(body_of({"type": "UNINSTALL", "appId": "ve9EPM428h8vShlRW1KT", **owner}), received_at=NOW)
    assert isinstance(event, AppUninstall)
    assert (event.app_id, event.location_id, event.company_id) == ("ve9EPM428h8vShlRW1KT", location, company)


def test_other_event_types_are_passed_on_unmodelled() -> None:
    event = parse_payload(body_of({"type": "ContactCreate", "locationId": "x", "id": "c1"}), received_at=NOW)
    assert isinstance(event, OtherWebhook)
    assert (event.type, event.raw["id"], event.occurred_at) == ("ContactCreate", "c1", NOW)


def test_an_event_time_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        InvoiceEvent(provider="x", kind=EventKind.PAID, invoice_id=1, occurred_at=datetime(2025, 1, 1),
                     delivery_id="d")


@pytest.mark.parametrize(("values", "field"), [
    ({"occurred_at": "2025-01-01T00:00:00Z"}, "occurred_at"),
    ({"occurred_at": None}, "occurred_at"),
    ({"occurred_at": datetime(2025, 1, 1)}, "occurred_at"),
    ({"kind": "refunded"}, "kind"),
    ({"invoice_id": 1.5}, "invoice_id"),
    ({"provider": None}, "provider"),
    ({"delivery_id": 7}, "delivery_id"),
    ({"invoice": {"id": 1}}, "invoice"),
    ({"raw": ["id"]}, "raw"),
])
def test_an_event_is_checked_like_every_model(values: dict[str, Any], field: str) -> None:
    """A service that builds its own events (a queue consumer re-creating them, a test) got a bare
    AttributeError for a string time, a bare ValueError for a naive one, and an event of kind
    "refunded" or with a dict for its invoice without a word."""
    fields: dict[str, Any] = {"provider": "x", "kind": EventKind.PAID, "invoice_id": 1, "occurred_at": NOW,
                              "delivery_id": "d", **values}
    with pytest.raises(InvalidRequestError) as caught:
        InvoiceEvent(**fields)
    assert caught.value.field == field, str(caught.value)


def test_an_event_kind_is_taken_by_its_value() -> None:
    event = InvoiceEvent(provider="x", kind="paid", invoice_id=1, occurred_at=NOW, delivery_id="d")
    assert event.kind is EventKind.PAID
    match event:
        case InvoiceEvent(kind=EventKind.PAID, invoice_id=invoice_id):
            assert invoice_id == 1
        case _:
            pytest.fail("an event matches its kind")
