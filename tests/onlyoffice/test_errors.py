"""Error answers become typed errors carrying the server's message, in both formats."""

from __future__ import annotations

import json

import pytest
from aioresponses import aioresponses

from invoicekit import (
    APIError,
    AuthenticationError,
    ClientOptions,
    MalformedResponseError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from invoicekit.onlyoffice import OnlyOfficeClient

from .conftest import CONTENT_TYPES, SORTED, answer, calls, fixture_bytes, make_settings, url


@pytest.mark.parametrize(("fixture", "status", "cls", "message"), [
    ("error_400", 400, ValidationError, "Value does not fall within the expected range."),
    ("error_402", 402, PaymentRequiredError, "Payment Required."),
    ("error_403", 403, PermissionDeniedError, "Access denied"),
    ("error_404", 404, NotFoundError, "Not found"),
    ("auth_failed", 500, ServerError, "User authentication failed"),
    ("error_503", 503, ServerError, "The portal is being transferred to another region."),
])
async def test_error_envelopes(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, fixture: str, status: int, cls: type[APIError],
    message: str,
) -> None:
    answer(mock, "GET", "crm/invoice/42", fixture, fmt, status=status)
    with pytest.raises(cls) as info:
        await client.get(42)
    error = info.value
    assert type(error) is cls
    assert (error.status, error.message, error.provider, error.method) == (status, message, "onlyoffice", "GET")
    assert error.url == url("crm/invoice/42", fmt)
    assert isinstance(error.body, dict) and error.body["error"]["message"] == message


async def test_plain_text_401(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    mock.get(url("crm/invoice/42", fmt), status=401, body=fixture_bytes("unauthorized.txt"), content_type="text/plain",
             headers={"WWW-Authenticate": 'Basic realm="portal"'})
    with pytest.raises(AuthenticationError, match="Unauthorized") as info:
        await client.get(42)
    assert info.value.body == "Unauthorized"


async def test_web_server_404_page(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    page = fixture_bytes("not_found_page.html")
    mock.get(url("crm/invoice/42", fmt), status=404, body=page, content_type="text/html")
    with pytest.raises(NotFoundError, match="404 - File or directory not found") as info:
        await client.get(42)
    assert isinstance(info.value.body, str) and len(info.value.body) <= 200


async def test_html_502_page_is_a_server_error(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    mock.get(url("crm/invoice/42", fmt), status=502, body=b"<html><body><h1>502 Bad Gateway</h1></body></html>",
             content_type="text/html")
    with pytest.raises(ServerError, match="502 Bad Gateway"):
        await client.get(42)


async def test_empty_402_means_an_inactive_portal(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    mock.get(url("crm/invoice/42", fmt), status=402, body=b"", content_type="text/html")
    with pytest.raises(PaymentRequiredError, match="unpaid or inactive"):
        await client.get(42)


async def test_503_with_retry_after_is_a_rate_limit(client: OnlyOfficeClient, mock: aioresponses, fmt: str) -> None:
    mock.get(url("crm/invoice/42", fmt), status=503, body=b"", headers={"Retry-After": "7"})
    with pytest.raises(RateLimitError) as info:
        await client.get(42)
    assert info.value.retry_after == 7.0
    assert info.value.status == 503


async def test_503_with_retry_after_is_retried_when_allowed(mock: aioresponses, fmt: str) -> None:
    mock.get(url("crm/invoice/42", fmt), status=503, body=b"", headers={"Retry-After": "0"})
    answer(mock, "GET", "crm/invoice/42", "invoice_42", fmt)
    async with OnlyOfficeClient(make_settings(fmt, options=ClientOptions(max_retries=2))) as client:
        assert (await client.get(42)).id == 42
    assert len(calls(mock, "GET", url("crm/invoice/42", fmt))) == 2


@pytest.mark.parametrize(("body", "ctype"), [
    (b"<html><body>Maintenance</body></html>", "text/html"),
    (b'{"status": 0, "statusCode": 200', "application/json"),
    (b"<result><status>0</status>", "text/xml"),
])
async def test_a_2xx_that_is_not_an_envelope_is_malformed(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, body: bytes, ctype: str
) -> None:
    mock.get(url("crm/invoice/42", fmt), status=200, body=body, content_type=ctype)
    with pytest.raises(MalformedResponseError) as info:
        await client.get(42)
    assert info.value.status == 200


async def test_entity_expansion_is_refused(client: OnlyOfficeClient, mock: aioresponses) -> None:
    mock.get(url("crm/invoice/42", "xml"), status=200, body=fixture_bytes("billion_laughs.xml"),
             content_type="text/xml")
    async with OnlyOfficeClient(make_settings("xml")) as xml_client:
        with pytest.raises(MalformedResponseError, match="DTD"):
            await xml_client.get(42)


async def test_a_2xx_error_envelope_is_still_an_error(client: OnlyOfficeClient, mock: aioresponses) -> None:
    body = b'{"status": 1, "statusCode": 403, "error": {"message": "Access denied", "hresult": -1, "data": {}}}'
    mock.get(url("crm/invoice/42", "json"), status=200, body=body, content_type="application/json")
    async with OnlyOfficeClient(make_settings("json")) as json_client:
        with pytest.raises(PermissionDeniedError, match="Access denied"):
            await json_client.get(42)


def _with_null_error(fixture: str, fmt: str, where: str) -> bytes:
    """A success envelope that also carries an empty ``error`` member (JSON null, XML <error />)."""
    body = fixture_bytes(f"{fixture}.{fmt}")
    if fmt == "json":
        envelope = json.loads(body)
        envelope = {"error": None, **envelope} if where == "first" else {**envelope, "error": None}
        return json.dumps(envelope).encode()
    return body.replace(b"<result>", b"<result><error />", 1) if where == "first" else body.replace(
        b"</result>", b"<error></error></result>")


@pytest.mark.parametrize("where", ["first", "last"])
async def test_a_success_envelope_with_a_null_error_is_a_success(
    client: OnlyOfficeClient, mock: aioresponses, fmt: str, where: str
) -> None:
    mock.get(url("crm/invoice/42", fmt), status=200, body=_with_null_error("invoice_42", fmt, where),
             content_type=CONTENT_TYPES[fmt])
    mock.get(url("crm/invoice/filter", fmt, f"count=100&{SORTED}&startIndex=0"), status=200,
             body=_with_null_error("filter_single", fmt, where), content_type=CONTENT_TYPES[fmt])
    invoice = await client.get(42)
    assert invoice.id == 42 and invoice.number == "INV-0000042"
    assert [i.id for i in [x async for x in client.list()]] == [45]
