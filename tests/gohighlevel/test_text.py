"""GoHighLevel text as the neutral models read it: ``termsNotes`` (HTML) as plain-text ``terms``
with the markup kept in ``raw``, plain-text terms written as the editor's HTML, and blank text
as None, as on every provider."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from aioresponses import aioresponses
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit import Contact, InvoiceChanges, InvoiceDraft, LineItem
from invoicekit._serde import read_text
from invoicekit.gohighlevel.terms import _Tokens, terms_html, terms_text
from invoicekit.gohighlevel.wire import invoice_from_wire

from .conftest import INVOICE_ID, alt, calls, listed, load, make_client, sent_json, url


def invoice(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = load("invoice_draft.json")
    data.update(changes)
    return data


@pytest.mark.parametrize(("html", "text"), [
    ("<p>Payable within 30 days.</p>", "Payable within 30 days."),
    ("<p>Line one</p><p>Line two</p>", "Line one\nLine two"),
    ("<p>Line one</p>\n<p>Line two</p>", "Line one\nLine two"),  # layout between blocks is no text
    ("<p>a</p><p><br></p><p>b</p>", "a\n\nb"),  # the editor's blank line
    ("<p>a</p><p></p><p>b</p>", "a\n\nb"),
    ("Net 30<br>Late fee 1%<br/>", "Net 30\nLate fee 1%"),
    ("<p><strong>Bold</strong> &amp; <em>more</em> &lt;here&gt;</p>", "Bold & more <here>"),
    ("<ul><li>one</li><li>two</li></ul>", "one\ntwo"),
    ("plain text\nkept as it is & <- with these", "plain text\nkept as it is & <- with these"),
    ("<p></p>", None),
    ("<p>   </p>", None),
    ("", None),
    # whitespace between blocks is layout at any depth, not only at the top
    ("<ul>\n<li>a</li>\n<li>b</li>\n</ul>", "a\nb"),
    ("<div>\n  <p>Net 30</p>\n</div>", "Net 30"),
    ("\n<div>\n\t<ul>\n\t\t<li>one</li>\n\t</ul>\n\t<p>two</p>\n</div>\n", "one\ntwo"),
    ("<p>a</p><p> </p><p>b</p>", "a\n \nb"),  # a line of spaces is a paragraph's content
    ("<p><b>a</b> <i>b</i></p>", "a b"),
    # markup HTMLParser refused or that never ends: some text, never an error
    ("<p>Net 30</p><![foo[x]]>", "Net 30"),
    ("<p>Net 30</p><!-- note -->", "Net 30"),
    ("a<b then", "a<b then"),
    ("Net 30<!-- unfinished", "Net 30<!-- unfinished"),
    ('<p title="a>b">Net 30</p>', "Net 30"),
    ("<style>p { x: 1 }</style><p>Net 30</p><script>if (a<b) {}</script>", "Net 30"),
])
def test_terms_notes_read_as_plain_text(html: str, text: str | None) -> None:
    assert terms_text(html) == text
    decoded = invoice_from_wire(invoice(termsNotes=html))
    assert decoded.terms == text
    assert decoded.raw["termsNotes"] == html  # the markup is kept


@pytest.mark.parametrize("text", [
    "Payable within 30 days.", "a\nb", "x < y & z > w", "  indented\n\nafter a blank line  ", "<p>not markup</p>",
    "a\n", "\nb",
])
def test_plain_text_terms_are_written_as_html_that_reads_back_the_same(text: str) -> None:
    html = terms_html(text)
    assert "<" not in html.replace("<p>", "").replace("</p>", "")  # every other < is escaped
    assert terms_text(html) == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "é", "€", " ", "\t", "\n", "\r", "<", ">", "&", "&amp;", "<p>", "\u2028", "x"]))
       .map("".join))
def test_any_plain_text_reads_back_as_written(text: str) -> None:
    assert terms_text(terms_html(text)) == read_text(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "<", ">", "/", "!", "?", "-", "[", "]", '"', "'", "=", "&", ";", "#", " ", "\n", "a", "p", "br", "li", "ul",
    "script", "<!--", "-->",
])).map("".join))
def test_any_markup_reads_as_text_in_one_pass(html: str) -> None:
    text = terms_text(html)
    assert text is None or isinstance(text, str)
    tokens = _Tokens(html)
    list(tokens)
    assert tokens.scanned <= 2 * len(html) + 8


@pytest.mark.parametrize("unit", [
    "<a", "</", "<?", "<!", "<!--", '<a "', "<a x='", "<![foo[", "</a", "<", "&",  # never finished: text
    "<a>", "<p>\n", "<script>",  # finished: markup without text
])
def test_hostile_markup_is_read_in_one_pass(unit: str) -> None:
    # HTMLParser took 21 s on "<a" * 80_000: its search for a tag's end began again at every "<".
    html = unit * 50_000
    tokens = _Tokens(html)
    list(tokens)
    assert tokens.scanned <= 2 * len(html)  # each character looked at about once, not once per "<"
    assert terms_text(html) == (None if unit in ("<a>", "<p>\n", "<script>") else html)


async def test_markup_no_parser_could_read_does_not_stop_a_listing(mocked: aioresponses) -> None:
    good = load("invoice_draft.json")
    odd = {**good, "_id": "b", "termsNotes": "<p>Net 30</p><![foo[x]]>"}
    mocked.get(url("invoices/", listed("0")), payload={"invoices": [good, odd, good], "total": 3})
    mocked.get(url("invoices/b", alt()), payload=odd)
    async with make_client() as client:
        terms = [invoice.terms async for invoice in client.list()]
        fetched = await client.get("b")
    assert terms[1] == "Net 30" and len(terms) == 3
    assert fetched.terms == "Net 30" and fetched.raw["termsNotes"] == odd["termsNotes"]


def test_terms_are_written_one_paragraph_per_line() -> None:
    assert terms_html("Net 30 & no <discount>\nThanks") == "<p>Net 30 &amp; no &lt;discount&gt;</p><p>Thanks</p>"
    assert terms_html("a\r\nb") == "<p>a</p><p>b</p>"
    assert terms_html("") == ""


def test_blank_text_reads_as_none() -> None:
    data = invoice(description="  ", termsNotes="", name="")
    data["contactDetails"] = {**data["contactDetails"], "email": "", "phoneNo": " ", "companyName": ""}
    data["invoiceItems"] = [{**data["invoiceItems"][0], "description": "\t"}]
    decoded = invoice_from_wire(data)
    assert (decoded.description, decoded.terms, decoded.name) == (None, None, None)
    assert decoded.contact is not None
    assert (decoded.contact.email, decoded.contact.phone, decoded.contact.company_name) == (None, None, None)
    assert decoded.lines is not None and decoded.lines[0].description is None


async def test_update_sends_changed_terms_as_html_and_keeps_unchanged_markup(mocked: aioresponses) -> None:
    current = invoice(termsNotes="<p><strong>Net 30</strong></p>")
    mocked.get(url(f"invoices/{INVOICE_ID}", alt()), payload=current, repeat=True)
    mocked.put(url(f"invoices/{INVOICE_ID}"), payload=current, repeat=True)
    async with make_client() as client:
        await client.update(INVOICE_ID, InvoiceChanges(description="kept terms"))
        await client.update(INVOICE_ID, InvoiceChanges(terms="Net 45 & <no> fees\nThanks"))
    kept, changed = (sent_json(call) for call in calls(mocked, "PUT", f"invoices/{INVOICE_ID}"))
    assert kept["termsNotes"] == "<p><strong>Net 30</strong></p>"  # not flattened to its text
    assert changed["termsNotes"] == "<p>Net 45 &amp; &lt;no&gt; fees</p><p>Thanks</p>"


async def test_markup_of_ones_own_goes_in_extra(mocked: aioresponses) -> None:
    mocked.post(url("invoices/"), payload=load("invoice_draft.json"))
    async with make_client() as client:
        await client.create(InvoiceDraft(
            currency="USD", name="Styled terms", issue_date=date(2024, 3, 1), due_date=date(2024, 3, 31),
            contact=Contact(id="AmuzcoPBpgKeccNsFlib", name="Alex Morgan", email="alex.morgan@example.com"),
            lines=[LineItem(name="Design sprint", unit_price=Decimal(100))],
            terms="ignored for the markup below", extra={"termsNotes": "<p><strong>Net 30</strong></p>"},
        ))
    (call,) = calls(mocked, "POST", "invoices/")
    assert sent_json(call)["termsNotes"] == "<p><strong>Net 30</strong></p>"


@pytest.mark.parametrize("address", ["", "  ", {}, {"addressLine1": "", "city": " ", "countryCode": ""}])
def test_an_address_with_nothing_in_it_is_none(address: object) -> None:
    data = invoice()
    data["contactDetails"] = {**data["contactDetails"], "address": address}
    decoded = invoice_from_wire(data)
    assert decoded.contact is not None and decoded.contact.address is None


def test_an_address_keeps_what_it_has() -> None:
    data = invoice()
    data["contactDetails"] = {**data["contactDetails"], "address": {"addressLine1": "", "city": "Houston"}}
    decoded = invoice_from_wire(data)
    assert decoded.contact is not None and decoded.contact.address is not None
    assert (decoded.contact.address.line1, decoded.contact.address.city) == (None, "Houston")
