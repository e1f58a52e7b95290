"""What a GoHighLevel create sends when the draft holds what CreateInvoiceDto cannot (#11):
a description, or no name. One POST, then one PUT built from the create's answer; the invoice is
deleted again when that PUT fails."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses

from invoicekit import (
    Contact,
    InvalidRequestError,
    InvoiceChanges,
    InvoiceDraft,
    LineItem,
    MalformedResponseError,
    ServerError,
    ValidationError,
)
from invoicekit.gohighlevel.encode import PENDING_NAME
from tests.gohighlevel.conftest import INVOICE_ID, LOCATION, alt, calls, load, make_client, mocked, sent_json, url

__all__ = ["mocked"]  # the fixture, used by name

CREATED = load("invoice_draft.json")  # number "1042", named "Website redesign - March"
PUT_PATH = f"invoices/{INVOICE_ID}"


def draft(**overrides: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "currency": "USD", "name": "Website redesign - March",
        "contact": Contact(id="AmuzcoPBpgKeccNsFlib", name="Alex Morgan", email="alex.morgan@example.com"),
        "lines": [LineItem(name="Design sprint", quantity=Decimal(2), unit_price=Decimal("1250.50"))],
        "issue_date": date(2024, 3, 1), "due_date": date(2024, 3, 31),
        "terms": "Net 30",  # without, the location's are read first (tests/gohighlevel/test_location_settings.py)
    }
    values.update(overrides)
    return InvoiceDraft(**values)


def put_body(m: aioresponses) -> dict[str, Any]:
    (call,) = calls(m, "PUT", PUT_PATH)
    body: dict[str, Any] = sent_json(call)
    return body


async def test_a_description_is_set_by_one_put_after_the_create(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload=CREATED)
    mocked.put(url(PUT_PATH), payload={**CREATED, "description": "Spring work"})
    async with make_client() as client:
        invoice = await client.create(draft(description="Spring work"))
    (post,) = calls(mocked, "POST", "invoices/")
    assert "description" not in sent_json(post)  # CreateInvoiceDto has none
    body = put_body(mocked)
    # UpdateInvoiceDto built from the create's answer, as update() builds it: the whole invoice.
    assert body["description"] == "Spring work"
    assert (body["altId"], body["altType"]) == (LOCATION, "location")
    assert body["name"] == "Website redesign - March" and body["invoiceNumber"] == "1042"
    assert (body["issueDate"], body["dueDate"]) == ("2024-03-01", "2024-03-31")
    assert [item["name"] for item in body["invoiceItems"]] == ["Design sprint", "Hosting (1 year)"]
    assert body["contactDetails"]["email"] == "alex.morgan@example.com"
    assert "items" not in body
    assert not calls(mocked, "DELETE", PUT_PATH, alt())
    assert invoice.description == "Spring work"


async def test_a_draft_without_description_or_missing_name_is_one_post(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload=CREATED)
    async with make_client() as client:
        await client.create(draft())
    assert [method for method, _ in mocked.requests] == ["POST"]


async def test_a_nameless_draft_is_named_after_the_number_gohighlevel_gives_it(mocked: aioresponses) -> None:
    """No name, no number, no default_name: the number GHL assigns is the name (read from the
    create's answer, so two creates at once cannot get the same one from us)."""
    mocked.post(url("invoices/"), payload={**CREATED, "name": PENDING_NAME})
    mocked.put(url(PUT_PATH), payload={**CREATED, "name": "1042"})
    async with make_client() as client:
        invoice = await client.create(draft(name=None))
    post = sent_json(calls(mocked, "POST", "invoices/")[0])
    assert post["name"] == PENDING_NAME and "invoiceNumber" not in post
    assert put_body(mocked)["name"] == "1042"
    assert "description" not in put_body(mocked)
    assert invoice.name == invoice.number == "1042"


async def test_a_nameless_draft_with_a_number_is_named_by_the_post(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload={**CREATED, "name": "1042"})
    async with make_client() as client:
        invoice = await client.create(draft(name=None, number="1042"))
    post = sent_json(calls(mocked, "POST", "invoices/")[0])
    assert post["name"] == "1042" and post["invoiceNumber"] == "1042"
    assert [method for method, _ in mocked.requests] == ["POST"]
    assert invoice.name == "1042"


async def test_default_name_wins_over_the_number(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload=CREATED)
    async with make_client(default_name="Services") as client:
        await client.create(draft(name=None, number="1042"))
    assert sent_json(calls(mocked, "POST", "invoices/")[0])["name"] == "Services"
    assert [method for method, _ in mocked.requests] == ["POST"]


async def test_a_failed_put_deletes_the_created_invoice_and_raises_the_puts_error(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload=CREATED)
    mocked.put(url(PUT_PATH), status=422,
               payload={"statusCode": 422, "message": ["description must be a string"], "error": "Unprocessable"})
    mocked.delete(url(PUT_PATH, alt()), payload=CREATED)
    async with make_client() as client:
        with pytest.raises(ValidationError) as caught:
            await client.create(draft(description="Spring work"))
    assert len(calls(mocked, "DELETE", PUT_PATH, alt())) == 1
    assert caught.value.created_invoice_id is None  # nothing is left
    notes = " ".join(caught.value.__notes__)
    assert INVOICE_ID in notes and "deleted again" in notes


async def test_when_the_delete_fails_too_the_error_carries_the_created_id(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload={**CREATED, "name": PENDING_NAME})
    mocked.put(url(PUT_PATH), status=500, payload={"statusCode": 500, "message": "Internal server error"})
    mocked.delete(url(PUT_PATH, alt()), status=500, payload={"statusCode": 500, "message": "Internal server error"})
    async with make_client() as client:
        with pytest.raises(ServerError) as caught:
            await client.create(draft(name=None))
    assert len(calls(mocked, "PUT", PUT_PATH)) == 1
    assert caught.value.method == "PUT"  # the PUT's error, not the DELETE's
    assert caught.value.created_invoice_id == INVOICE_ID
    notes = " ".join(caught.value.__notes__)
    assert "still exists" in notes and f"client.delete({INVOICE_ID!r})" in notes


async def test_an_answer_without_a_number_is_undone_too(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload={**CREATED, "invoiceNumber": None, "name": PENDING_NAME})
    mocked.delete(url(PUT_PATH, alt()), payload=CREATED)
    async with make_client() as client:
        with pytest.raises(Exception, match="no number to name it after") as caught:
            await client.create(draft(name=None))
    assert not calls(mocked, "PUT", PUT_PATH)
    assert len(calls(mocked, "DELETE", PUT_PATH, alt())) == 1
    assert "deleted again" in " ".join(caught.value.__notes__)


@pytest.mark.parametrize(("changes", "field"), [
    ({"language": "de"}, "language"),
    ({"purchase_order_number": "PO-1"}, "purchase_order_number"),
    ({"lines": [LineItem(name="x", discount=Decimal(5))]}, "lines[0].discount"),
])
async def test_update_refuses_what_gohighlevel_has_no_place_for_before_reading(
    mocked: aioresponses, changes: dict[str, Any], field: str
) -> None:
    async with make_client() as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.update(INVOICE_ID, InvoiceChanges(**changes))
    assert caught.value.field == field
    assert not mocked.requests


INTERNAL_ERROR = {"statusCode": 500, "message": "Internal server error"}
UNPROCESSABLE = {"statusCode": 422, "message": ["description must be a string"], "error": "Unprocessable"}


def warnings_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name.startswith("invoicekit")]


@pytest.mark.parametrize("delete_status", [200, 500])
async def test_a_create_cancelled_before_its_put_is_answered_is_undone(
    mocked: aioresponses, caplog: pytest.LogCaptureFixture, delete_status: int
) -> None:
    """Undone all the same; when the undo fails, the CancelledError still names the invoice left."""
    put_reached = asyncio.Event()

    async def stalled_put(url: Any, **kwargs: Any) -> CallbackResult:
        put_reached.set()
        await asyncio.sleep(3600)  # cancelled by the test long before
        raise AssertionError("unreachable")

    mocked.post(url("invoices/"), payload=CREATED)
    mocked.put(url(PUT_PATH), callback=stalled_put)
    answer = CREATED if delete_status == 200 else INTERNAL_ERROR
    mocked.delete(url(PUT_PATH, alt()), status=delete_status, payload=answer)
    caplog.set_level(logging.WARNING, logger="invoicekit")
    async with make_client() as client:
        creating = asyncio.create_task(client.create(draft(description="Spring work")))
        await asyncio.wait_for(put_reached.wait(), 10)
        creating.cancel()
        with pytest.raises(asyncio.CancelledError) as caught:
            await creating
    assert len(calls(mocked, "DELETE", PUT_PATH, alt())) == 1
    notes = " ".join(caught.value.__notes__)
    warnings = warnings_logged(caplog)
    if delete_status == 200:
        assert "deleted again" in notes and not warnings
    else:
        assert "still exists" in notes and f"client.delete({INVOICE_ID!r})" in notes
        assert len(warnings) == 1 and INVOICE_ID in warnings[0]


@pytest.mark.parametrize("delete_status", [200, 500])
async def test_a_cancel_during_the_undo_waits_for_its_delete_then_propagates(
    mocked: aioresponses, caplog: pytest.LogCaptureFixture, delete_status: int
) -> None:
    """The PUT fails, and the caller is cancelled while the invoice is being deleted again: the
    DELETE is not cut short, and the cancellation reaches the caller once it is over."""
    delete_reached, delete_released, delete_answered = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow_delete(url: Any, **kwargs: Any) -> CallbackResult:
        delete_reached.set()
        await asyncio.wait_for(delete_released.wait(), 10)
        delete_answered.set()
        return CallbackResult(status=delete_status, payload=CREATED if delete_status == 200 else INTERNAL_ERROR)

    mocked.post(url("invoices/"), payload=CREATED)
    mocked.put(url(PUT_PATH), status=422, payload=UNPROCESSABLE)
    mocked.delete(url(PUT_PATH, alt()), callback=slow_delete)
    caplog.set_level(logging.WARNING, logger="invoicekit")
    async with make_client() as client:
        creating = asyncio.create_task(client.create(draft(description="Spring work")))
        await asyncio.wait_for(delete_reached.wait(), 10)
        creating.cancel()
        await asyncio.sleep(0)  # the cancellation lands while the DELETE is awaited
        assert not creating.done()
        delete_released.set()
        with pytest.raises(asyncio.CancelledError) as caught:
            await creating
    assert delete_answered.is_set()
    put_error = caught.value.__context__
    assert isinstance(put_error, ValidationError)  # the PUT's error, with what became of the invoice
    notes = " ".join(caught.value.__notes__)
    assert notes == " ".join(put_error.__notes__) and INVOICE_ID in notes
    warnings = warnings_logged(caplog)
    if delete_status == 200:
        assert "deleted again" in notes and put_error.created_invoice_id is None and not warnings
    else:
        assert "still exists" in notes and put_error.created_invoice_id == INVOICE_ID
        assert len(warnings) == 1 and INVOICE_ID in warnings[0]


async def test_a_name_in_extra_is_a_given_name_so_no_rename_follows(mocked: aioresponses) -> None:
    """README: ``extra`` wins over what invoicekit computes, so its name is not replaced by the number."""
    mocked.post(url("invoices/"), payload={**CREATED, "name": "Custom"})
    async with make_client() as client:
        invoice = await client.create(draft(name=None, extra={"name": "Custom"}))
    assert sent_json(calls(mocked, "POST", "invoices/")[0])["name"] == "Custom"
    assert [method for method, _ in mocked.requests] == ["POST"]
    assert invoice.name == "Custom"


async def test_an_answer_the_put_cannot_be_built_from_is_malformed_not_the_callers_fault(
    mocked: aioresponses,
) -> None:
    """The draft was checked before the POST; an answer without lines is the server's fault."""
    mocked.post(url("invoices/"), payload={k: v for k, v in CREATED.items() if k != "invoiceItems"})
    mocked.delete(url(PUT_PATH, alt()), payload=CREATED)
    async with make_client() as client:
        with pytest.raises(MalformedResponseError) as caught:
            await client.create(draft(description="Spring work"))
    assert not isinstance(caught.value, InvalidRequestError)
    assert caught.value.method == "POST" and "cannot be completed" in str(caught.value)
    assert not calls(mocked, "PUT", PUT_PATH)
    assert len(calls(mocked, "DELETE", PUT_PATH, alt())) == 1
    assert caught.value.created_invoice_id is None
    assert INVOICE_ID in " ".join(caught.value.__notes__)
