"""Terms a draft leaves out come from the location's own invoice settings (#11), as ONLYOFFICE's
come from the portal's: the draft's, else setting ``default_terms``, else ``termsNote`` of
``GET /invoices/settings`` (read once per client and its views), else none. Blank terms in an
update's changes put that default back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses

from invoicekit import ConfigError, Contact, InvoiceChanges, InvoiceDraft, LineItem, MalformedResponseError
from invoicekit.gohighlevel import GoHighLevelSettings
from tests.gohighlevel.conftest import (
    INVOICE_ID,
    alt,
    assert_headers,
    calls,
    config,
    load,
    make_client,
    mocked,
    sent_json,
    url,
)

__all__ = ["mocked"]  # the fixture, used by name

LOCATION_TERMS = "<p>Payment is due within <b>14 days</b>.</p><p>Thank you!</p>"
SETTINGS = "invoices/settings"


def draft(**overrides: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "currency": "USD", "name": "Website redesign - March", "number": "1042",
        "contact": Contact(id="AmuzcoPBpgKeccNsFlib", name="Alex Morgan", email="alex.morgan@example.com"),
        "lines": [LineItem(name="Design sprint", quantity=Decimal(2), unit_price=Decimal("1250.50"))],
        "issue_date": date(2024, 3, 1), "due_date": date(2024, 3, 31),
    }
    values.update(overrides)
    return InvoiceDraft(**values)


def location_settings(m: aioresponses, **answer: Any) -> None:
    """GetInvoiceSettingsResponseDto (``answer`` overrides its fields; None drops one)."""
    body = {"altId": "ve9EPM428h8vShlRW1KT", "altType": "location", "termsNote": LOCATION_TERMS,
            "title": "INVOICE", "invoiceNumberPrefix": "INV-", "dueAfterXDays": 30, **answer}
    m.get(url(SETTINGS, alt()), payload={k: v for k, v in body.items() if v is not None}, repeat=True)


def posted(m: aioresponses) -> list[dict[str, Any]]:
    return [sent_json(call) for call in calls(m, "POST", "invoices/")]


async def test_a_draft_without_terms_gets_the_locations_read_once(mocked: aioresponses) -> None:
    location_settings(mocked)
    mocked.post(url("invoices/"), payload=load("invoice_draft.json"), repeat=True)
    async with make_client() as client:
        await client.create(draft())
        await client.with_options(timeout=5).create(draft(number="1043"))  # a view shares the cache
    (read,) = calls(mocked, "GET", SETTINGS, alt())
    assert_headers(read)
    # termsNote is HTML, as termsNotes is: sent as it is, markup and all.
    assert [body["termsNotes"] for body in posted(mocked)] == [LOCATION_TERMS, LOCATION_TERMS]


@pytest.mark.parametrize(("drafted", "setting", "expected"), [
    ("Net 30", None, "<p>Net 30</p>"),
    ("Net 30", "Due on receipt.", "<p>Net 30</p>"),
    (None, "Due on receipt.\nBank: Acme & Co", "<p>Due on receipt.</p><p>Bank: Acme &amp; Co</p>"),
])
async def test_the_draft_then_the_setting_come_first_and_nothing_is_read(
    mocked: aioresponses, drafted: str | None, setting: str | None, expected: str
) -> None:
    mocked.post(url("invoices/"), payload=load("invoice_draft.json"))
    async with make_client(default_terms=setting) as client:
        await client.create(draft(terms=drafted))
    assert not calls(mocked, "GET", SETTINGS, alt())
    assert posted(mocked)[0]["termsNotes"] == expected


@pytest.mark.parametrize("note", ["", "  ", "<p></p>", "<p><br></p>", None])
async def test_blank_or_absent_location_terms_mean_none_and_are_kept(mocked: aioresponses, note: str | None) -> None:
    """GoHighLevel takes an invoice without terms (unlike ONLYOFFICE); "none" is an answer too, so
    it is not asked for again."""
    location_settings(mocked, termsNote=note)
    mocked.post(url("invoices/"), payload=load("invoice_draft.json"), repeat=True)
    async with make_client() as client:
        await client.create(draft())
        await client.create(draft(number="1043"))
    assert len(calls(mocked, "GET", SETTINGS, alt())) == 1
    assert all("termsNotes" not in body for body in posted(mocked))


async def test_unreadable_location_terms_are_malformed_and_nothing_is_created(mocked: aioresponses) -> None:
    location_settings(mocked, termsNote=["not", "text"])
    async with make_client() as client:
        with pytest.raises(MalformedResponseError) as caught:
            await client.create(draft())
    assert "termsNote" in str(caught.value)
    assert not calls(mocked, "POST", "invoices/")


def mock_update(m: aioresponses) -> None:
    current = load("invoice_draft.json")
    m.get(url(f"invoices/{INVOICE_ID}", alt()), payload=current)
    m.put(url(f"invoices/{INVOICE_ID}"), payload=current)


def put_terms(m: aioresponses) -> Any:
    (call,) = calls(m, "PUT", f"invoices/{INVOICE_ID}")
    return sent_json(call).get("termsNotes")


@pytest.mark.parametrize("blank", ["", "   "])
async def test_blank_terms_in_an_update_put_back_the_locations(mocked: aioresponses, blank: str) -> None:
    """As on ONLYOFFICE (whose server refuses blank terms): "back to the default", not "none"."""
    mock_update(mocked)
    location_settings(mocked)
    async with make_client() as client:
        await client.update(INVOICE_ID, InvoiceChanges(terms=blank))
    assert put_terms(mocked) == LOCATION_TERMS


async def test_blank_terms_in_an_update_take_default_terms_first(mocked: aioresponses) -> None:
    mock_update(mocked)
    async with make_client(default_terms="Due on receipt.") as client:
        await client.update(INVOICE_ID, InvoiceChanges(terms=""))
    assert put_terms(mocked) == "<p>Due on receipt.</p>"
    assert not calls(mocked, "GET", SETTINGS, alt())


async def test_blank_terms_in_an_update_without_location_terms_clear_them(mocked: aioresponses) -> None:
    mock_update(mocked)
    location_settings(mocked, termsNote=None)
    async with make_client() as client:
        await client.update(INVOICE_ID, InvoiceChanges(terms=""))
    assert put_terms(mocked) == ""


async def test_other_updates_read_no_settings(mocked: aioresponses) -> None:
    mock_update(mocked)
    async with make_client() as client:
        await client.update(INVOICE_ID, InvoiceChanges(name="Renamed"))
        assert not calls(mocked, "GET", SETTINGS, alt())
    assert put_terms(mocked) == load("invoice_draft.json")["termsNotes"]


def test_a_blank_default_terms_setting_is_refused() -> None:
    """As ONLYOFFICE's: spaces are refused; an empty value in a configuration is unset."""
    with pytest.raises(ConfigError) as caught:
        GoHighLevelSettings.from_mapping(config(default_terms="  \t"))
    assert caught.value.key == "default_terms"
    with pytest.raises(ConfigError):
        GoHighLevelSettings(location_id="ve9EPM428h8vShlRW1KT", token="pit-x", default_terms="")
    assert GoHighLevelSettings.from_mapping(config(default_terms="")).default_terms is None


def test_default_terms_is_read_from_the_configuration() -> None:
    assert GoHighLevelSettings.from_mapping(config(default_terms="Net 14")).default_terms == "Net 14"
