"""Signature, replay and duplicate checks of GoHighLevel webhooks: each refusal has its reason."""

from __future__ import annotations

import base64
import json
import sys
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from invoicekit import ConfigError, InvalidRequestError, InvoiceKitError
from invoicekit.events import (
    GOHIGHLEVEL_RSA_PUBLIC_KEY,
    InvoiceEvent,
    MissingExtraError,
    WebhookError,
    WebhookVerifier,
    verify_and_parse,
)
from invoicekit.state import MemoryStateStore
from invoicekit.testing.gohighlevel_sim.webhooks import WebhookSender

from .conftest import DOC_INVOICE, NOW, STAMP, body_of


def signed(signer: WebhookSender, body: bytes, *schemes: str) -> dict[str, str]:
    headers = signer.sign(body)
    wanted = {"ed25519": "x-ghl-signature", "rsa": "x-wh-signature"}
    return {k: v for k, v in headers.items() if not schemes or k in {wanted[s] for s in schemes}}


async def refusal(verifier: WebhookVerifier, headers: dict[str, str], body: bytes) -> WebhookError:
    with pytest.raises(WebhookError) as caught:
        await verifier.verify_and_parse(headers, body)
    assert isinstance(caught.value, InvoiceKitError)
    return caught.value


@pytest.mark.parametrize("schemes", [("ed25519",), ("rsa",), ("ed25519", "rsa")])
async def test_the_simulator_keys_verify_each_scheme(
    signer: WebhookSender, verifier: WebhookVerifier, schemes: tuple[str, ...]
) -> None:
    body = body_of(DOC_INVOICE)
    headers = signed(signer, body, *schemes)
    assert verifier.verify_signature(headers, body) == schemes[0]
    event = await verifier.verify_and_parse(headers, body)
    assert isinstance(event, InvoiceEvent)
    assert (event.kind, event.invoice_id, event.delivery_id) == ("created", "6578278e879ad2646715ba9c", "abc123xyz")


async def test_header_names_are_case_insensitive(signer: WebhookSender, verifier: WebhookVerifier) -> None:
    body = body_of(DOC_INVOICE)
    headers = {name.upper(): value for name, value in signer.sign(body).items()}
    assert verifier.verify_signature(headers, body) == "ed25519"


async def test_a_tampered_byte_is_a_bad_signature(signer: WebhookSender, verifier: WebhookVerifier) -> None:
    body = body_of(DOC_INVOICE)
    headers = signed(signer, body)
    tampered = body.replace(b'"total":999', b'"total":998')
    error = await refusal(verifier, headers, tampered)
    assert error.reason == "bad_signature"
    assert "x-ghl-signature" in str(error)


async def test_a_tampered_byte_under_rsa_alone_is_a_bad_signature(
    signer: WebhookSender, verifier: WebhookVerifier
) -> None:
    body = body_of(DOC_INVOICE)
    error = await refusal(verifier, signed(signer, body, "rsa"), body[:-2] + b" }")
    assert error.reason == "bad_signature"
    assert "x-wh-signature" in str(error)


async def test_a_key_not_configured_is_unknown_when_the_legacy_signature_proves_the_body(
    signer: WebhookSender, other_signer: WebhookSender
) -> None:
    # GoHighLevel rotated its Ed25519 key; the RSA signature still verifies: the body is intact.
    verifier = WebhookVerifier(
        ed25519_public_keys=[other_signer.ed25519_public_key], rsa_public_keys=[signer.rsa_public_key],
        clock=lambda: NOW,
    )
    body = body_of(DOC_INVOICE)
    error = await refusal(verifier, signed(signer, body), body)
    assert error.reason == "unknown_key"
    assert "rotated" in str(error)


async def test_a_forger_s_key_is_a_bad_signature(
    other_signer: WebhookSender, verifier: WebhookVerifier
) -> None:
    body = body_of(DOC_INVOICE)
    error = await refusal(verifier, signed(other_signer, body), body)
    assert error.reason == "bad_signature"


async def test_a_scheme_without_a_configured_key_is_refused_as_not_configured(signer: WebhookSender) -> None:
    verifier = WebhookVerifier(ed25519_public_keys=[signer.ed25519_public_key], rsa_public_keys=())
    body = body_of(DOC_INVOICE)
    error = await refusal(verifier, signed(signer, body, "rsa"), body)
    assert error.reason == "key_not_configured"
    assert "rsa_public_keys is empty" in str(error)


async def test_a_missing_signature_is_refused(verifier: WebhookVerifier) -> None:
    error = await refusal(verifier, {"content-type": "application/json"}, body_of(DOC_INVOICE))
    assert error.reason == "missing_signature"
    assert "x-ghl-signature" in str(error) and "x-wh-signature" in str(error)


@pytest.mark.parametrize(
    ("value", "why"),
    [("not base64 at all!", "not base64"), (base64.b64encode(b"x" * 63).decode(), "63 bytes"), ("", "0 bytes")],
)
async def test_a_malformed_signature_header_is_refused(
    verifier: WebhookVerifier, value: str, why: str
) -> None:
    error = await refusal(verifier, {"x-ghl-signature": value}, body_of(DOC_INVOICE))
    assert error.reason == "malformed_signature"
    assert why in str(error)


async def test_a_malformed_rsa_signature_names_the_expected_size(
    signer: WebhookSender, verifier: WebhookVerifier
) -> None:
    error = await refusal(verifier, {"x-wh-signature": base64.b64encode(b"x" * 64).decode()}, body_of(DOC_INVOICE))
    assert error.reason == "malformed_signature"
    assert "not 128 to 1024" in str(error)  # no RSA key signs fewer bytes
    # A signature of another key's size is one no configured key made: bad, not malformed.
    other = base64.b64encode(b"x" * 512).decode()  # RSA-4096 sized; the test key is RSA-2048
    assert (await refusal(verifier, {"x-wh-signature": other}, body_of(DOC_INVOICE))).reason == "bad_signature"


@pytest.mark.parametrize(
    ("stamp", "why"), [("2025-01-28T12:00:00Z", "s old"), ("2025-01-28T15:00:00Z", "in the future")]
)
async def test_a_timestamp_outside_the_window_is_stale(
    signer: WebhookSender, verifier: WebhookVerifier, stamp: str, why: str
) -> None:
    body = body_of({**DOC_INVOICE, "timestamp": stamp})
    error = await refusal(verifier, signed(signer, body), body)
    assert error.reason == "stale_timestamp"
    assert why in str(error)


async def test_the_replay_window_is_configurable(signer: WebhookSender) -> None:
    verifier = signer.verifier(clock=lambda: NOW + timedelta(minutes=6), max_age=timedelta(minutes=5))
    body = body_of(DOC_INVOICE)
    assert (await refusal(verifier, signed(signer, body), body)).reason == "stale_timestamp"
    # The default window accepts GoHighLevel's retries (the same body, up to ~70 minutes later).
    patient = signer.verifier(clock=lambda: NOW + timedelta(minutes=70))
    assert isinstance(await patient.verify_and_parse(signed(signer, body), body), InvoiceEvent)


async def test_a_duplicate_delivery_is_refused(signer: WebhookSender, verifier: WebhookVerifier) -> None:
    body = body_of(DOC_INVOICE)
    headers = signed(signer, body)
    first = await verifier.verify_and_parse(headers, body)
    error = await refusal(verifier, headers, body)
    assert error.reason == "duplicate_delivery"
    assert "abc123xyz" in str(error)
    # Released (its processing failed): the retry is accepted once more.
    await verifier.release(first)
    assert (await verifier.verify_and_parse(headers, body)).delivery_id == "abc123xyz"


async def test_workers_sharing_a_state_store_drop_the_same_duplicates(signer: WebhookSender) -> None:
    store = MemoryStateStore()
    one, two = (signer.verifier(clock=lambda: NOW, state_store=store) for _ in range(2))
    body = body_of(DOC_INVOICE)
    headers = signed(signer, body)
    await one.verify_and_parse(headers, body)
    assert (await refusal(two, headers, body)).reason == "duplicate_delivery"
    stored = await store.get("invoicekit/webhooks/gohighlevel/abc123xyz")
    assert stored is not None


async def test_without_a_webhook_id_the_body_digest_identifies_the_delivery(
    signer: WebhookSender, verifier: WebhookVerifier
) -> None:
    payload = {k: v for k, v in DOC_INVOICE.items() if k != "webhookId"}
    body = body_of(payload)
    event = await verifier.verify_and_parse(signed(signer, body), body)
    assert event.delivery_id.startswith("sha256:")
    assert (await refusal(verifier, signed(signer, body), body)).reason == "duplicate_delivery"


async def test_the_in_memory_log_is_bounded(signer: WebhookSender) -> None:
    verifier = signer.verifier(clock=lambda: NOW, max_entries=2)
    bodies = [body_of({**DOC_INVOICE, "webhookId": f"w{i}"}) for i in range(3)]
    for body in bodies:
        await verifier.verify_and_parse(signed(signer, body), body)
    # w0 was pushed out by w2 (its timestamp still bounds a replay to the window).
    assert (await verifier.verify_and_parse(signed(signer, bodies[0]), bodies[0])).delivery_id == "w0"
    assert (await refusal(verifier, signed(signer, bodies[2]), bodies[2])).reason == "duplicate_delivery"


@pytest.mark.parametrize(
    ("body", "why"),
    [(b"not json", "not JSON"), (b"[1, 2]", "JSON list"), (b'{"type": "InvoiceCreate", "status": "draft"}', "no _id"),
     (b'{"type": "INSTALL", "timestamp": "yesterday"}', "not an ISO date-time")],
)
async def test_a_signed_body_that_is_no_webhook_payload_is_malformed(
    signer: WebhookSender, verifier: WebhookVerifier, body: bytes, why: str
) -> None:
    error = await refusal(verifier, signed(signer, body), body)
    assert error.reason == "malformed_payload"
    assert why in str(error)


async def test_non_ascii_payloads_verify_over_the_raw_bytes(signer: WebhookSender, verifier: WebhookVerifier) -> None:
    payload = {**DOC_INVOICE, "name": "Facture n° 7 — Zürich ☕", "contactDetails": {"name": "Åsa Öberg 山田"}}
    body = body_of(payload)  # UTF-8, not \\u escapes
    assert not body.isascii()
    event = await verifier.verify_and_parse(signed(signer, body), body)
    assert isinstance(event, InvoiceEvent) and event.invoice is not None
    assert event.invoice.name == "Facture n° 7 — Zürich ☕"
    assert event.invoice.contact is not None and event.invoice.contact.name == "Åsa Öberg 山田"
    # The same JSON re-serialised (escaped, spaced) is other bytes: it must not verify.
    again = json.dumps(json.loads(body)).encode()
    assert json.loads(again) == json.loads(body)
    assert (await refusal(verifier, signed(signer, body), again)).reason == "bad_signature"


@pytest.mark.parametrize("body", ["{}", {"type": "InvoiceCreate"}, None])
async def test_a_decoded_body_is_a_typed_error_before_any_check(
    signer: WebhookSender, verifier: WebhookVerifier, body: object
) -> None:
    with pytest.raises(InvalidRequestError, match="raw request body") as caught:
        verifier.verify_signature(signer.sign(b"{}"), body)  # type: ignore[arg-type]
    assert caught.value.field == "body" and isinstance(caught.value, InvoiceKitError)
    with pytest.raises(InvalidRequestError, match="raw request body"):
        await verifier.verify_and_parse(signer.sign(b"{}"), body)  # type: ignore[arg-type]


async def test_several_keys_are_accepted_during_a_rotation(signer: WebhookSender, other_signer: WebhookSender) -> None:
    verifier = WebhookVerifier(
        ed25519_public_keys=[other_signer.ed25519_public_key, signer.ed25519_public_key],
        rsa_public_keys=[signer.rsa_public_key, other_signer.rsa_public_key], clock=lambda: NOW,
    )
    for who in (signer, other_signer):
        for schemes in (("ed25519",), ("rsa",)):
            body = body_of({**DOC_INVOICE, "webhookId": f"{id(who)}-{schemes}"})
            await verifier.verify_and_parse(signed(who, body, *schemes), body)


def test_only_the_officially_published_rsa_key_is_a_default() -> None:
    verifier = WebhookVerifier()
    assert "ed25519_keys=0 rsa_keys=1" in repr(verifier)
    rsa_key = serialization.load_pem_public_key(GOHIGHLEVEL_RSA_PUBLIC_KEY.encode())
    assert rsa_key.key_size == 4096  # type: ignore[union-attr]
    import invoicekit.gohighlevel.webhooks.keys as keys

    assert not hasattr(keys, "GOHIGHLEVEL_ED25519_PUBLIC_KEY")  # its origin could not be confirmed


async def test_an_ed25519_delivery_without_a_configured_key_names_the_setting(signer: WebhookSender) -> None:
    body = body_of(DOC_INVOICE)
    error = await refusal(WebhookVerifier(clock=lambda: NOW), signed(signer, body, "ed25519"), body)
    assert error.reason == "key_not_configured"
    assert "ed25519_public_keys" in str(error) and "Webhook Integration Guide" in str(error)
    with_key = WebhookVerifier(ed25519_public_keys=[signer.ed25519_public_key], clock=lambda: NOW)
    assert isinstance(await with_key.verify_and_parse(signed(signer, body, "ed25519"), body), InvoiceEvent)


def test_keys_are_read_from_pem_base64_der_and_raw_forms(signer: WebhookSender) -> None:
    pem = signer.ed25519_public_key
    der = "".join(line for line in pem.splitlines() if "-----" not in line)
    raw = serialization.load_pem_public_key(pem.encode()).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    for form in (pem, der, raw.hex(), base64.b64encode(raw).decode()):
        verifier = WebhookVerifier(ed25519_public_keys=[form], rsa_public_keys=[], clock=lambda: NOW)
        body = body_of(DOC_INVOICE)
        assert verifier.verify_signature(signed(signer, body, "ed25519"), body) == "ed25519"


@pytest.mark.parametrize(
    ("options", "key"),
    [({"ed25519_public_keys": ["garbage"]}, "ed25519_public_keys[0]"),
     ({"ed25519_public_keys": [GOHIGHLEVEL_RSA_PUBLIC_KEY]}, "ed25519_public_keys[0]"),
     ({"rsa_public_keys": ["MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg="]}, "rsa_public_keys[0]")],
)
def test_an_unusable_key_is_a_config_error(options: dict[str, list[str]], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        WebhookVerifier(**options)  # type: ignore[arg-type]
    assert caught.value.key == key


def test_without_cryptography_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives", None)
    with pytest.raises(MissingExtraError, match=r"invoicekit\[webhooks\]") as caught:
        WebhookVerifier()
    assert isinstance(caught.value, ImportError)


async def test_verify_and_parse_trusts_gohighlevel_s_keys_unless_told_otherwise(
    signer: WebhookSender, verifier: WebhookVerifier
) -> None:
    body = body_of(DOC_INVOICE)
    # The default verifier trusts GoHighLevel's published keys only: the simulator's are foreign.
    with pytest.raises(WebhookError) as caught:
        await verify_and_parse(signed(signer, body), body)
    assert caught.value.reason == "bad_signature"
    event = await verify_and_parse(signed(signer, body), body, verifier=verifier)
    assert event.delivery_id == "abc123xyz"


async def test_the_memory_log_expires_each_id_by_its_own_deadline() -> None:
    from invoicekit.gohighlevel.webhooks.dedupe import MemoryDeliveryLog

    now = [0.0]
    log = MemoryDeliveryLog(clock=lambda: now[0])
    assert await log.claim("no-timestamp", ttl=86_400)  # a long-lived id first
    assert await log.claim("late", ttl=60)  # then one that expires much sooner
    assert not await log.claim("late", ttl=60)
    now[0] = 120.0
    # Its own deadline passed although an id claimed before it lives on: accepted again, and the
    # expired entry was swept rather than kept behind the long-lived one.
    assert await log.claim("late", ttl=60)
    assert not await log.claim("no-timestamp", ttl=60)
    assert len(log) == 2
    await log.release("late")
    assert len(log) == 1 and await log.claim("late", ttl=1)


async def test_a_full_memory_log_drops_the_id_closest_to_expiring() -> None:
    from invoicekit.gohighlevel.webhooks.dedupe import MemoryDeliveryLog

    log = MemoryDeliveryLog(max_entries=2, clock=lambda: 0.0)
    assert await log.claim("long", ttl=1000) and await log.claim("short", ttl=10) and await log.claim("mid", ttl=100)
    assert len(log) == 2
    assert not await log.claim("long", ttl=1) and not await log.claim("mid", ttl=1)
    assert await log.claim("short", ttl=1)  # it went first


async def test_a_payload_without_timestamp_is_refused_unless_allowed(signer: WebhookSender) -> None:
    payload = {key: value for key, value in DOC_INVOICE.items() if key != "timestamp"}
    body = body_of(payload)
    error = await refusal(signer.verifier(clock=lambda: NOW), signed(signer, body), body)
    assert error.reason == "missing_timestamp" and "require_timestamp" in str(error)
    lenient = signer.verifier(clock=lambda: NOW, require_timestamp=False)
    assert isinstance(await lenient.verify_and_parse(signed(signer, body), body), InvoiceEvent)
    assert (await refusal(lenient, signed(signer, body), body)).reason == "duplicate_delivery"


async def test_a_genuine_delivery_for_another_app_is_refused(signer: WebhookSender) -> None:
    install = {"type": "INSTALL", "appId": "ve9EPM428h8vShlRW1KT", "locationId": "loc", "timestamp": STAMP,
               "webhookId": "i1"}
    mine = signer.verifier(clock=lambda: NOW, app_id="ve9EPM428h8vShlRW1KT-lq0m2d1x")  # the OAuth client id
    accepted = await mine.verify_and_parse(signed(signer, body_of(install)), body_of(install))
    assert type(accepted).__name__ == "AppInstall"
    theirs = {**install, "appId": "someoneElsesApp", "webhookId": "i2"}
    error = await refusal(mine, signed(signer, body_of(theirs)), body_of(theirs))
    assert error.reason == "foreign_app" and "someoneElsesApp" in str(error)
    invoice = body_of(DOC_INVOICE)  # invoice payloads carry no appId: bound by location instead
    assert isinstance(await mine.verify_and_parse(signed(signer, invoice), invoice), InvoiceEvent)


async def test_a_genuine_delivery_for_another_location_is_refused(signer: WebhookSender) -> None:
    verifier = signer.verifier(clock=lambda: NOW, location_ids=["mine", DOC_INVOICE["locationId"]])
    body = body_of(DOC_INVOICE)
    assert isinstance(await verifier.verify_and_parse(signed(signer, body), body), InvoiceEvent)
    for payload in ({**DOC_INVOICE, "locationId": "theirs", "webhookId": "x1"},
                    {key: value for key, value in DOC_INVOICE.items() if key != "locationId"} | {"webhookId": "x2"}):
        error = await refusal(verifier, signed(signer, body_of(payload)), body_of(payload))
        assert error.reason == "foreign_location"
    # A refused delivery is not remembered: it was never accepted.
    theirs = body_of({**DOC_INVOICE, "locationId": "theirs", "webhookId": "x1"})
    assert (await refusal(verifier, signed(signer, theirs), theirs)).reason == "foreign_location"


@pytest.mark.parametrize(("options", "key"), [
    ({"app_id": ""}, "app_id"), ({"app_id": 7}, "app_id"), ({"location_ids": []}, "location_ids"),
    ({"location_ids": [""]}, "location_ids"), ({"location_ids": 5}, "location_ids"),
])
def test_bad_recipient_options_are_config_errors(signer: WebhookSender, options: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        signer.verifier(**options)
    assert caught.value.key == key
