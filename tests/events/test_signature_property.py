"""Property: whatever body is signed, it verifies, and any change of body or signature does not."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit.events import WebhookError, WebhookVerifier
from invoicekit.testing.gohighlevel_sim.webhooks import WebhookSender

HEADERS = {"ed25519": "x-ghl-signature", "rsa": "x-wh-signature"}


def _refused(verifier: WebhookVerifier, headers: dict[str, str], body: bytes) -> str:
    try:
        verifier.verify_signature(headers, body)
    except WebhookError as error:
        return error.reason
    raise AssertionError("a changed delivery verified")


def _changed(body: bytes, position: int, change: int, kind: str) -> bytes:
    if kind == "flip":
        if not body:
            return b"\x00"
        at = position % len(body)
        return body[:at] + bytes([body[at] ^ (change or 1)]) + body[at + 1 :]
    if kind == "insert":
        at = position % (len(body) + 1)
        return body[:at] + bytes([change]) + body[at:]
    return body[:-1] if body else b" "  # truncate (or grow the empty body)


@settings(max_examples=60, deadline=None)
@given(
    body=st.binary(max_size=512),
    scheme=st.sampled_from(["ed25519", "rsa"]),
    position=st.integers(min_value=0, max_value=10_000),
    change=st.integers(min_value=0, max_value=255),
    kind=st.sampled_from(["flip", "insert", "truncate"]),
)
def test_any_change_of_the_body_is_refused(
    signer: WebhookSender, body: bytes, scheme: str, position: int, change: int, kind: str
) -> None:
    verifier = signer.verifier()
    header = HEADERS[scheme]
    headers = {header: signer.sign(body)[header]}
    assert verifier.verify_signature(headers, body) == scheme
    assert _refused(verifier, headers, _changed(body, position, change, kind)) == "bad_signature"


@settings(max_examples=60, deadline=None)
@given(
    body=st.binary(max_size=512),
    scheme=st.sampled_from(["ed25519", "rsa"]),
    position=st.integers(min_value=0, max_value=10_000),
    bit=st.integers(min_value=0, max_value=7),
)
def test_any_change_of_the_signature_is_refused(
    signer: WebhookSender, body: bytes, scheme: str, position: int, bit: int
) -> None:
    verifier = signer.verifier()
    header = HEADERS[scheme]
    signature = bytearray(base64.b64decode(signer.sign(body)[header]))
    signature[position % len(signature)] ^= 1 << bit
    headers = {header: base64.b64encode(bytes(signature)).decode()}
    assert _refused(verifier, headers, body) == "bad_signature"
