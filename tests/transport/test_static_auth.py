"""The request runner reads a StaticAuth's headers without awaiting a coroutine: the same
headers reach the wire, and a 401 is still final."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from invoicekit._http.auth import StaticAuth
from invoicekit._http.messages import Request, Response
from invoicekit._http.runner import RequestRunner
from invoicekit._http.transport import HttpTransport
from invoicekit.errors import APIError, AuthenticationError
from invoicekit.options import ClientOptions


def _decode_error(request: Request, response: Response) -> APIError:
    cls = AuthenticationError if response.status == 401 else APIError
    return cls("refused", status=response.status, provider="test", method=request.method, url=response.url)


async def test_static_headers_go_out_and_401_is_final() -> None:
    auth = StaticAuth({"Authorization": "Bearer t0ken"})
    assert auth.fixed_headers == await auth.headers() == {"Authorization": "Bearer t0ken"}
    options = ClientOptions(max_retries=0)
    transport = HttpTransport(provider="test", base_url="https://api.example.test/", options=options)
    runner = RequestRunner(transport=transport, auth=auth, decode_error=_decode_error)
    try:
        with aioresponses() as mocked:
            mocked.get("https://api.example.test/things/1", status=200, body=b"{}")
            mocked.get("https://api.example.test/things/2", status=401, body=b"{}")
            mocked.get("https://api.example.test/things/3", status=200, body=b"{}")
            await runner(Request(operation="get", method="GET", path="things/1"), options)
            with pytest.raises(AuthenticationError) as caught:
                await runner(Request(operation="get", method="GET", path="things/2"), options)
            await runner(Request(operation="get", method="GET", path="things/3", authenticated=False), options)
            sent = [(url.path, call.kwargs["headers"].get("Authorization"))
                    for (_, url), calls in mocked.requests.items() for call in calls]
    finally:
        await transport.aclose()
    assert caught.value.attempts == 1
    assert sent == [("/things/1", "Bearer t0ken"), ("/things/2", "Bearer t0ken"), ("/things/3", None)]
