"""GHL error bodies and rate-limit headers -> typed invoicekit errors."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from invoicekit import (
    APIError,
    AuthenticationError,
    BatchError,
    InvalidStateError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from invoicekit.gohighlevel import InsufficientScopeError, LocationInactiveError

from .conftest import INVOICE_ID, TOKEN, alt, load, make_client, url

ERRORS = load("errors.json")
GET = f"invoices/{INVOICE_ID}"


@pytest.mark.parametrize(
    ("status", "body", "cls", "message"),
    [
        (400, ERRORS["not_found"], NotFoundError, "Unable to find an invoice with the given invoice id"),
        (400, ERRORS["delete_not_draft"], InvalidStateError, "Invoice status need to be draft to delete an invoice"),
        (400, ERRORS["void_draft"], InvalidStateError, "Can not void draft invoice. You can delete draft invoice!"),
        (401, ERRORS["unauthorized"], AuthenticationError, "Invalid JWT"),
        (401, ERRORS["scope"], InsufficientScopeError, "The token is not authorized for this scope."),
        (403, ERRORS["location_mismatch"], PermissionDeniedError, "The token does not have access to this location."),
        (401, ERRORS["plan"], AuthenticationError, "You do not have access to this feature! Please upgrade your plan."),
        (400, ERRORS["location_inactive"], LocationInactiveError, "Location is not active"),
        (500, ERRORS["server"], ServerError, "Internal server error"),
        (404, {"statusCode": 404, "message": "Cannot GET /invoices/x"}, NotFoundError, "Cannot GET /invoices/x"),
        (400, {"error": {"code": "RESOURCE_NOT_FOUND", "message": "Invoice not found"}}, NotFoundError,
         "Invoice not found"),
    ],
)
async def test_error_bodies_become_typed_errors(
    mocked: aioresponses, status: int, body: dict[str, object], cls: type[APIError], message: str
) -> None:
    mocked.get(url(GET, alt()), status=status, payload=body)
    async with make_client() as client:
        with pytest.raises(cls) as info:
            await client.get(INVOICE_ID)
    error = info.value
    assert type(error) is cls
    assert error.status == status
    assert error.provider == "gohighlevel"
    assert error.message == message
    assert error.method == "GET"
    assert INVOICE_ID in error.url
    assert TOKEN not in str(error) and TOKEN not in repr(error)


async def test_trace_id_and_every_validation_message_are_kept(mocked: aioresponses) -> None:
    mocked.get(url(GET, alt()), status=422, payload=ERRORS["unprocessable"])
    mocked.get(url(GET, alt()), status=401, payload=ERRORS["plan"])
    async with make_client() as client:
        with pytest.raises(ValidationError) as info:
            await client.get(INVOICE_ID)
        assert info.value.messages == tuple(ERRORS["unprocessable"]["message"])
        assert "contactDetails.email must be an email" in str(info.value)
        assert "items.0.qty" in str(info.value)
        assert info.value.body == ERRORS["unprocessable"]
        with pytest.raises(AuthenticationError) as auth:
            await client.get(INVOICE_ID)
        assert auth.value.trace_id == "b2c1f0aa-7d0e-4a53-9d1f-2d7c1c0e9a11"


async def test_non_json_error_and_non_json_success(mocked: aioresponses) -> None:
    mocked.get(url(GET, alt()), status=502, body="<html>Bad gateway</html>", content_type="text/html")
    mocked.get(url(GET, alt()), status=200, body="<html>maintenance</html>", content_type="text/html")
    mocked.get(url(GET, alt()), status=200, payload={"invoice": "nope"})
    async with make_client() as client:
        with pytest.raises(ServerError, match="Bad gateway"):
            await client.get(INVOICE_ID)
        with pytest.raises(MalformedResponseError, match="not JSON"):
            await client.get(INVOICE_ID)
        with pytest.raises(MalformedResponseError, match="_id"):
            await client.get(INVOICE_ID)


RATE = {
    "X-RateLimit-Remaining": "0", "X-RateLimit-Max": "100", "X-RateLimit-Interval-Milliseconds": "10000",
    "X-RateLimit-Daily-Remaining": "150000", "X-RateLimit-Limit-Daily": "200000",
}


async def test_burst_429_carries_the_interval_as_retry_after(mocked: aioresponses) -> None:
    mocked.get(url(GET, alt()), status=429, payload=ERRORS["rate_limited"], headers=RATE)
    async with make_client() as client:
        with pytest.raises(RateLimitError) as info:
            await client.get(INVOICE_ID)
        assert client.rate_limit is not None and client.rate_limit.remaining == 0
    error = info.value
    assert error.retry_after == 10.0
    assert not error.daily_quota_exhausted
    assert error.rate_limit is not None and error.rate_limit.limit == 100


async def test_daily_quota_429_says_so_and_is_not_retried(mocked: aioresponses) -> None:
    headers = {**RATE, "X-RateLimit-Daily-Remaining": "0"}
    mocked.get(url(GET, alt()), status=429, payload=ERRORS["rate_limited"], headers=headers)
    async with make_client(max_retries=3) as client:
        with pytest.raises(RateLimitError) as info:
            await client.get(INVOICE_ID)
    error = info.value
    assert error.daily_quota_exhausted
    assert error.retry_after is None
    assert "daily request quota of 200000 requests" in str(error)
    assert error.attempts == 1


async def test_retry_after_header_wins(mocked: aioresponses) -> None:
    mocked.get(url(GET, alt()), status=429, payload=ERRORS["rate_limited"], headers={**RATE, "Retry-After": "3"})
    async with make_client() as client:
        with pytest.raises(RateLimitError) as info:
            await client.get(INVOICE_ID)
    assert info.value.retry_after == 3.0


async def test_burst_429_on_a_read_is_retried(mocked: aioresponses) -> None:
    headers = {**RATE, "X-RateLimit-Interval-Milliseconds": "1"}
    mocked.get(url(GET, alt()), status=429, payload=ERRORS["rate_limited"], headers=headers)
    mocked.get(url(GET, alt()), payload=load("invoice_draft.json"), headers={**RATE, "X-RateLimit-Remaining": "99"})
    async with make_client(max_retries=1) as client:
        invoice = await client.get(INVOICE_ID)
        assert client.rate_limit is not None and client.rate_limit.remaining == 99
    assert invoice.id == INVOICE_ID


@pytest.mark.parametrize("body", [
    {"statusCode": 400, "message": "Unable to find an invoice with the given invoice id"},
    {"detail": "Unable to find an invoice with the given invoice id"},
    {"msg": "Unable to find an invoice with the given invoice id"},
    {"errors": [{"message": "Unable to find an invoice with the given invoice id"}]},
])
async def test_a_retried_delete_whose_first_attempt_deleted_it_stays_a_not_found_error(
    mocked: aioresponses, body: dict[str, object]
) -> None:
    # The first attempt deleted the invoice but its answer was lost (a 503 from a proxy here);
    # the retry hears GHL's "unknown id" 400. The request runner says that an earlier attempt may
    # have deleted it; that needs the adapter's error to stay a NotFoundError, untouched.
    target = url(GET, alt())
    mocked.delete(target, status=503, body=b"upstream timed out")
    mocked.delete(target, status=400, payload=body)
    async with make_client(max_retries=1, backoff_base=0) as client:
        with pytest.raises(NotFoundError) as info:
            await client.delete(INVOICE_ID)
        assert info.value.message == "Unable to find an invoice with the given invoice id"
        assert info.value.method == "DELETE" and info.value.status == 400
        assert len(mocked.requests[("DELETE", target)]) == 2
        mocked.delete(target, status=400, payload=body)
        with pytest.raises(BatchError) as batch:
            await client.delete_many([INVOICE_ID])
    assert type(batch.value.failures[INVOICE_ID]) is NotFoundError
