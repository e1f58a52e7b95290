"""ONLYOFFICE ``client.contacts`` on the wire, in both answer formats: what is sent (method, URL,
headers, body), what comes back (typed Contacts), and the typed errors."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses
from yarl import URL

from invoicekit import Contact, InvalidRequestError, MalformedResponseError, NotFoundError, ValidationError
from invoicekit.onlyoffice import OnlyOfficeClient

from .conftest import oo_answer, oo_body, oo_error, oo_headers, oo_url, person, sent

JANE = "jane.cooper@example.com"


def _nobody_then_person(mock: aioresponses, fmt: str, email: str, wrapper: dict[str, object]) -> URL:
    """No contact has ``email``; the person create answers ``wrapper``. The create's URL."""
    oo_answer(mock, "GET", oo_url("crm/contact/bycontactinfo", fmt, {"infoType": "Email", "data": email}), fmt, [])
    create = oo_url("crm/contact/person", fmt)
    oo_answer(mock, "POST", create, fmt, wrapper, status=201)
    return create


async def test_get_reads_the_primary_email_from_the_contact_infos(oo: OnlyOfficeClient, mock: aioresponses,
                                                                  fmt: str) -> None:
    url = oo_url("crm/contact/2", fmt)
    oo_answer(mock, "GET", url, fmt, person(2, "Jane", "Cooper", ("old@example.com", False), (JANE, True)))

    contact = await oo.contacts.get(2)

    assert contact == Contact(id=2, name="Jane Cooper", email=JANE, phone="+1-555-0100")
    (call,) = sent(mock, "GET", url)
    oo_headers(call, fmt)
    assert call.kwargs.get("data") is None


async def test_get_takes_the_first_email_when_none_is_primary_and_a_digit_string_id(
    oo: OnlyOfficeClient, mock: aioresponses, fmt: str
) -> None:
    oo_answer(mock, "GET", oo_url("crm/contact/2", fmt), fmt, person(2, "Cher", "", ("a@example.com", False),
                                                                      ("b@example.com", False)))  # fmt: skip
    contact = await oo.contacts.get("2")
    assert (contact.id, contact.name, contact.email) == (2, "Cher", "a@example.com")


async def test_get_returns_a_company_with_its_name_as_company_name(oo: OnlyOfficeClient, mock: aioresponses,
                                                                   fmt: str) -> None:
    company = {"id": 1, "displayName": "Acme Corporation", "isCompany": True, "companyName": "Acme Corporation",
               "commonData": [{"id": 5, "infoType": 1, "category": 1, "data": "billing@acme.example.com",
                               "categoryName": "Work", "isPrimary": True}]}  # fmt: skip
    oo_answer(mock, "GET", oo_url("crm/contact/1", fmt), fmt, company)

    contact = await oo.contacts.get(1)

    assert contact == Contact(id=1, name="Acme Corporation", email="billing@acme.example.com",
                              company_name="Acme Corporation")  # fmt: skip


async def test_get_of_a_missing_contact_is_not_found(oo: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    oo_error(mock, "GET", oo_url("crm/contact/404", fmt), fmt, 404, "The record could not be found")
    with pytest.raises(NotFoundError) as caught:
        await oo.contacts.get(404)
    assert caught.value.status == 404


@pytest.mark.parametrize("bad", [0, -3, "abc", None, 2.0, True])
async def test_get_refuses_a_bad_id_before_sending(oo: OnlyOfficeClient, mock: aioresponses, bad: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await oo.contacts.get(bad)  # type: ignore[arg-type]
    assert caught.value.field == "contact_id"
    assert not mock.requests


async def test_an_answer_without_a_contact_id_is_malformed(oo: OnlyOfficeClient, mock: aioresponses,
                                                           fmt: str) -> None:
    oo_answer(mock, "GET", oo_url("crm/contact/2", fmt), fmt, {"displayName": "Jane Cooper"})
    with pytest.raises(MalformedResponseError):
        await oo.contacts.get(2)


async def test_find_by_email_keeps_exact_matches_only_and_picks_the_oldest(oo: OnlyOfficeClient,
                                                                           mock: aioresponses, fmt: str) -> None:
    url = oo_url("crm/contact/bycontactinfo", fmt, {"infoType": "Email", "data": JANE})
    oo_answer(mock, "GET", url, fmt, [
        person(9, "Jane", "Cooper", ("JANE.Cooper@example.com", True)),
        person(3, "Janet", "Coopers", ("xjane.cooper@example.com", True)),  # the server's LIKE matched a substring
        person(4, "J.", "Cooper", ("other@example.com", True), (JANE, False)),
    ])  # fmt: skip

    contact = await oo.contacts.find_by_email(f"  {JANE} ")

    assert contact is not None and contact.id == 4 and contact.email == "other@example.com"
    (call,) = sent(mock, "GET", url)
    oo_headers(call, fmt)


async def test_find_by_email_is_none_when_nothing_matches_exactly(oo: OnlyOfficeClient, mock: aioresponses,
                                                                  fmt: str) -> None:
    url = oo_url("crm/contact/bycontactinfo", fmt, {"infoType": "Email", "data": "j_c@example.com"})
    oo_answer(mock, "GET", url, fmt, [person(3, "Jim", "Cole", ("jxc@example.com", True))])
    assert await oo.contacts.find_by_email("j_c@example.com") is None


async def test_find_by_email_with_an_empty_answer(oo: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    url = oo_url("crm/contact/bycontactinfo", fmt, {"infoType": "Email", "data": JANE})
    oo_answer(mock, "GET", url, fmt, [])
    assert await oo.contacts.find_by_email(JANE) is None


async def test_ensure_returns_the_contact_found_and_writes_nothing(oo: OnlyOfficeClient, mock: aioresponses,
                                                                   fmt: str) -> None:
    url = oo_url("crm/contact/bycontactinfo", fmt, {"infoType": "Email", "data": JANE})
    oo_answer(mock, "GET", url, fmt, [person(2, "Jane", "Cooper", (JANE, True))])

    contact = await oo.contacts.ensure(Contact(name="Someone Else", email=JANE))

    assert (contact.id, contact.name, contact.email) == (2, "Jane Cooper", JANE)
    assert [method for method, _ in mock.requests] == ["GET"]


async def test_ensure_creates_a_person_then_attaches_the_email(oo: OnlyOfficeClient, mock: aioresponses,
                                                               fmt: str) -> None:
    email = "mary.lee@example.org"
    create = _nobody_then_person(mock, fmt, email, person(7, "Mary", "Ann Lee"))
    attach = oo_url("crm/contact/7/data", fmt)
    oo_answer(mock, "POST", attach, fmt, {"id": 31, "infoType": 1, "category": 1, "data": email,
                                          "categoryName": "Work", "isPrimary": True}, status=201)  # fmt: skip

    contact = await oo.contacts.ensure(Contact(name="  Mary   Ann Lee ", email=f" {email}"))

    assert contact == Contact(id=7, name="Mary Ann Lee", email=email)
    (made,) = sent(mock, "POST", create)
    (added,) = sent(mock, "POST", attach)
    if fmt == "json":
        assert oo_body(made, fmt) == {"firstName": "Mary", "lastName": "Ann Lee", "shareType": 1}
        assert oo_body(added, fmt) == {"infoType": "Email", "data": email, "isPrimary": True, "category": "Work"}
        assert oo_headers(made, fmt)["Content-Type"] == "application/json"
    else:
        assert oo_body(made, fmt) == {"firstName": "Mary", "lastName": "Ann Lee", "shareType": "1"}
        assert oo_body(added, fmt) == {"infoType": "Email", "data": email, "isPrimary": "true", "category": "Work"}
        assert oo_headers(made, fmt)["Content-Type"] == "text/xml; charset=UTF-8"


async def test_ensure_sends_an_empty_last_name_for_a_one_word_name(oo: OnlyOfficeClient, mock: aioresponses,
                                                                   fmt: str) -> None:
    email = "cher@example.org"
    create = _nobody_then_person(mock, fmt, email, person(8, "Cher", ""))
    oo_answer(mock, "POST", oo_url("crm/contact/8/data", fmt), fmt, {"id": 1, "infoType": 1, "data": email},
              status=201)  # fmt: skip

    contact = await oo.contacts.ensure(Contact(name="Cher", email=email))

    assert contact == Contact(id=8, name="Cher", email=email)
    body = oo_body(sent(mock, "POST", create)[0], fmt)
    assert body["lastName"] in ("", None)  # JSON "", XML an empty element (bound as "")
    assert "lastName" in body


async def test_ensure_deletes_the_person_again_when_the_email_is_refused(oo: OnlyOfficeClient,
                                                                         mock: aioresponses, fmt: str) -> None:
    email = "mary.lee@example.org"
    _nobody_then_person(mock, fmt, email, person(7, "Mary", "Lee"))
    refused = "Value does not fall within the expected range."
    oo_error(mock, "POST", oo_url("crm/contact/7/data", fmt), fmt, 400, refused)
    delete = oo_url("crm/contact/7", fmt)
    oo_answer(mock, "DELETE", delete, fmt, person(7, "Mary", "Lee"))

    with pytest.raises(ValidationError) as caught:
        await oo.contacts.ensure(Contact(name="Mary Lee", email=email))

    assert len(sent(mock, "DELETE", delete)) == 1
    assert any("deleted again" in note for note in caught.value.__notes__)


async def test_ensure_says_what_is_left_when_the_undo_fails_too(oo: OnlyOfficeClient, mock: aioresponses,
                                                                fmt: str) -> None:
    email = "mary.lee@example.org"
    _nobody_then_person(mock, fmt, email, person(7, "Mary", "Lee"))
    oo_error(mock, "POST", oo_url("crm/contact/7/data", fmt), fmt, 404, "Not found")
    oo_error(mock, "DELETE", oo_url("crm/contact/7", fmt), fmt, 403, "Access denied")

    with pytest.raises(NotFoundError) as caught:
        await oo.contacts.ensure(Contact(name="Mary Lee", email=email))

    assert any("person 7" in note and "no e-mail" in note for note in caught.value.__notes__)


@pytest.mark.parametrize(("contact", "field"), [
    (Contact(name="Jane Cooper"), "contact.email"),
    (Contact(name="Jane Cooper", email="   "), "contact.email"),
    (Contact(name="Jane Cooper", email="jane.example.com"), "contact.email"),
    (Contact(name="Jane Cooper", email="jane@localhost"), "contact.email"),
    (Contact(name="Jane Cooper", email="jane cooper@example.com"), "contact.email"),
    (Contact(name="Jane Cooper", email="x" * 65 + "@example.com"), "contact.email"),
    (Contact(email=JANE), "contact.name"),
    (Contact(name="  ", email=JANE), "contact.name"),
    (Contact(name="Jane\x00Cooper", email=JANE), "contact.name"),
    ("jane", "contact"),
])  # fmt: skip
async def test_ensure_refuses_bad_input_before_sending(oo: OnlyOfficeClient, mock: aioresponses, contact: object,
                                                       field: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await oo.contacts.ensure(contact)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert not mock.requests


async def test_ensure_of_a_contact_with_an_id_only_reads_it(oo: OnlyOfficeClient, mock: aioresponses,
                                                            fmt: str) -> None:
    oo_answer(mock, "GET", oo_url("crm/contact/2", fmt), fmt, person(2, "Jane", "Cooper", (JANE, True)))
    contact = await oo.contacts.ensure(Contact(id=2))
    assert (contact.id, contact.email) == (2, JANE)
    assert [method for method, _ in mock.requests] == ["GET"]


@pytest.mark.parametrize("bad", ["", "no-at-sign", None, 5])
async def test_find_by_email_refuses_a_bad_address(oo: OnlyOfficeClient, mock: aioresponses, bad: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await oo.contacts.find_by_email(bad)  # type: ignore[arg-type]
    assert caught.value.field == "email"
    assert not mock.requests
