"""GoHighLevel ``client.contacts`` on the wire: ``Version`` header, ``locationId``, the lookup
before the upsert, typed results and typed errors."""

from __future__ import annotations

import json

import pytest
from aioresponses import aioresponses

from invoicekit import Address, Contact, InvalidRequestError, InvalidStateError, NotFoundError, ValidationError
from invoicekit.gohighlevel import GoHighLevelClient

from .conftest import LOCATION, ghl_answer, ghl_contact, ghl_headers, ghl_url, sent

JANE = "jane.cooper@example.com"
JANE_ID = "AmuzcoPBpgKeccNsFlib"


async def test_get_sends_version_and_reads_the_contact(ghl: GoHighLevelClient, mock: aioresponses) -> None:
    url = ghl_url(f"contacts/{JANE_ID}")
    ghl_answer(mock, "GET", url, {"contact": ghl_contact(
        JANE_ID, "Jane", "Cooper", JANE, phone="+15550100", companyName="Cooper & Co", address1="1 Main St",
        city="Austin", state="TX", postalCode="78701", country="US")})  # fmt: skip

    contact = await ghl.contacts.get(JANE_ID)

    assert contact == Contact(
        id=JANE_ID, name="Jane Cooper", email=JANE, phone="+15550100", company_name="Cooper & Co",
        address=Address(line1="1 Main St", city="Austin", state="TX", postal_code="78701", country_code="US"),
    )
    (call,) = sent(mock, "GET", url)
    ghl_headers(call)
    assert call.kwargs.get("data") is None


async def test_get_builds_the_name_from_first_and_last_when_name_is_missing(ghl: GoHighLevelClient,
                                                                            mock: aioresponses) -> None:
    wire = ghl_contact(JANE_ID, "Jane", "Cooper", JANE)
    del wire["name"]
    ghl_answer(mock, "GET", ghl_url(f"contacts/{JANE_ID}"), {"contact": wire})
    assert (await ghl.contacts.get(JANE_ID)).name == "Jane Cooper"


@pytest.mark.parametrize(("status", "message"), [(400, "Contact not found"), (404, "Contact not found")])
async def test_an_unknown_id_is_not_found(ghl: GoHighLevelClient, mock: aioresponses, status: int,
                                          message: str) -> None:
    ghl_answer(mock, "GET", ghl_url("contacts/missing0000000000001"),
               {"statusCode": status, "message": message}, status=status)  # fmt: skip
    with pytest.raises(NotFoundError) as caught:
        await ghl.contacts.get("missing0000000000001")
    assert caught.value.status == status


async def test_another_bad_request_stays_a_validation_error(ghl: GoHighLevelClient, mock: aioresponses) -> None:
    ghl_answer(mock, "GET", ghl_url(f"contacts/{JANE_ID}"), {"statusCode": 400, "message": "Bad Request"}, status=400)
    with pytest.raises(ValidationError) as caught:
        await ghl.contacts.get(JANE_ID)
    assert not isinstance(caught.value, NotFoundError)


@pytest.mark.parametrize("bad", ["", "a/b", "..", 5, None])
async def test_get_refuses_a_bad_id_before_sending(ghl: GoHighLevelClient, mock: aioresponses, bad: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await ghl.contacts.get(bad)  # type: ignore[arg-type]
    assert caught.value.field == "contact_id"
    assert not mock.requests


async def test_find_by_email_uses_the_duplicate_lookup(ghl: GoHighLevelClient, mock: aioresponses) -> None:
    url = ghl_url("contacts/search/duplicate", {"locationId": LOCATION, "email": JANE})
    ghl_answer(mock, "GET", url, {"contact": ghl_contact(JANE_ID, "Jane", "Cooper", "Jane.Cooper@example.com")})

    contact = await ghl.contacts.find_by_email(JANE)

    assert contact is not None and contact.id == JANE_ID
    (call,) = sent(mock, "GET", url)
    ghl_headers(call)


@pytest.mark.parametrize("answer", [
    {"contact": None},
    {},
    {"contact": ghl_contact(JANE_ID, "Jane", "Cooper", "someone.else@example.com")},  # matched by another field
])  # fmt: skip
async def test_find_by_email_is_none_without_a_contact_of_that_address(ghl: GoHighLevelClient, mock: aioresponses,
                                                                       answer: dict[str, object]) -> None:
    ghl_answer(mock, "GET", ghl_url("contacts/search/duplicate", {"locationId": LOCATION, "email": JANE}), answer)
    assert await ghl.contacts.find_by_email(JANE) is None


async def test_find_by_email_takes_a_404_as_none(ghl: GoHighLevelClient, mock: aioresponses) -> None:
    ghl_answer(mock, "GET", ghl_url("contacts/search/duplicate", {"locationId": LOCATION, "email": JANE}),
               {"statusCode": 404, "message": "Not found"}, status=404)  # fmt: skip
    assert await ghl.contacts.find_by_email(JANE) is None


async def test_ensure_returns_the_contact_found_without_an_upsert(ghl: GoHighLevelClient,
                                                                  mock: aioresponses) -> None:
    ghl_answer(mock, "GET", ghl_url("contacts/search/duplicate", {"locationId": LOCATION, "email": JANE}),
               {"contact": ghl_contact(JANE_ID, "Jane", "Cooper", JANE)})  # fmt: skip

    contact = await ghl.contacts.ensure(Contact(name="Another Name", email=JANE))

    assert (contact.id, contact.name) == (JANE_ID, "Jane Cooper")
    assert [method for method, _ in mock.requests] == ["GET"]


@pytest.mark.parametrize(("name", "expected"), [
    ("  Mary   Ann Lee ", {"firstName": "Mary", "lastName": "Ann Lee"}),
    ("Cher", {"firstName": "Cher"}),
])  # fmt: skip
async def test_ensure_upserts_when_nothing_is_found(ghl: GoHighLevelClient, mock: aioresponses, name: str,
                                                    expected: dict[str, str]) -> None:
    email = "mary.lee@example.org"
    ghl_answer(mock, "GET", ghl_url("contacts/search/duplicate", {"locationId": LOCATION, "email": email}),
               {"contact": None})  # fmt: skip
    upsert = ghl_url("contacts/upsert")
    first, last = expected["firstName"], expected.get("lastName", "")
    ghl_answer(mock, "POST", upsert, {"new": True, "contact": ghl_contact("NewContact0000000001", first, last, email),
                                      "traceId": "t-1"})  # fmt: skip

    contact = await ghl.contacts.ensure(Contact(name=name, email=email))

    assert contact == Contact(id="NewContact0000000001", name=" ".join(name.split()), email=email)
    (call,) = sent(mock, "POST", upsert)
    ghl_headers(call)
    assert call.kwargs["headers"]["Content-Type"] == "application/json"
    assert json.loads(call.kwargs["data"]) == {"locationId": LOCATION, "email": email, **expected}


async def test_an_upsert_that_dropped_the_email_is_an_invalid_state(ghl: GoHighLevelClient,
                                                                    mock: aioresponses) -> None:
    email = "mary.lee@example.org"
    ghl_answer(mock, "GET", ghl_url("contacts/search/duplicate", {"locationId": LOCATION, "email": email}), {})
    ghl_answer(mock, "POST", ghl_url("contacts/upsert"),
               {"new": False, "contact": ghl_contact(JANE_ID, "Jane", "Cooper", JANE)})  # fmt: skip
    with pytest.raises(InvalidStateError, match="e-mail"):
        await ghl.contacts.ensure(Contact(name="Mary Lee", email=email))


async def test_upsert_validation_errors_are_typed(ghl: GoHighLevelClient, mock: aioresponses) -> None:
    email = "mary.lee@example.org"
    ghl_answer(mock, "GET", ghl_url("contacts/search/duplicate", {"locationId": LOCATION, "email": email}), {})
    ghl_answer(mock, "POST", ghl_url("contacts/upsert"),
               {"statusCode": 422, "message": ["email must be an email"], "error": "Unprocessable Entity"},
               status=422)  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        await ghl.contacts.ensure(Contact(name="Mary Lee", email=email))
    assert caught.value.messages == ("email must be an email",)


async def test_ensure_refuses_a_contact_without_email_before_sending(ghl: GoHighLevelClient,
                                                                      mock: aioresponses) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await ghl.contacts.ensure(Contact(name="Jane Cooper"))
    assert caught.value.field == "contact.email"
    assert not mock.requests
