"""Secret, header redaction, error scrubbing and the logging filter (no I/O)."""

from __future__ import annotations

import logging
import pickle

import pytest

from invoicekit._http.auth import StaticAuth
from invoicekit._http.transport import redact_headers
from invoicekit._log import MASK, RedactingFilter, get_logger, scrub, scrub_error
from invoicekit.errors import APIError, ValidationError
from invoicekit.secret import Secret

RAW = "d41d8cd98f00b204e9800998ecf8427e"


def test_secret_never_shows_its_value() -> None:
    s = Secret(RAW)
    texts = [repr(s), str(s), f"{s}", f"{s!r}", f"{s!s}", f"{s:>60}", format(s, ""), format(s, "^50"),
             "%s" % s, "%r" % (s,), repr([s]), repr({"token": s})]  # noqa: UP031 - the old forms too
    assert all(RAW not in t for t in texts)
    assert s.reveal() == RAW
    with pytest.raises(TypeError):
        Secret(123)  # type: ignore[arg-type]


def test_secret_equality_hash_and_pickle() -> None:
    assert Secret(RAW) == Secret(RAW) and Secret(RAW) != Secret(RAW + "x") and Secret(RAW) != RAW
    assert len({Secret(RAW), Secret(RAW)}) == 1
    assert pickle.loads(pickle.dumps(Secret(RAW))).reveal() == RAW
    assert not Secret("") and Secret("x")


def test_redact_headers_masks_credential_headers_case_insensitively() -> None:
    headers = {"authorization": RAW, "Cookie": "asc_auth_key=abc", "Accept": "application/json",
               "Version": "2021-07-28"}
    redacted = redact_headers(headers)
    assert redacted["authorization"] == "<redacted>" and redacted["Cookie"] == "<redacted>"
    assert redacted["Version"] == "2021-07-28"


@pytest.mark.parametrize("text", [
    f"Authorization: {RAW}",  # ONLYOFFICE raw token
    f"Authorization: Bearer {RAW}",
    f"{{'Authorization': 'Bearer {RAW}', 'Accept': 'application/json'}}",
    f'{{"authorization": "{RAW}"}}',
    f"sent Bearer {RAW} to the portal",
    f'{{"response": {{"token": "{RAW}", "expires": "2027-01-01"}}}}',
    f"grant_type=refresh_token&refresh_token={RAW}&client_secret={RAW}",
    f'{{"access_token":"{RAW}","token_type":"Bearer"}}',
    f"<token>{RAW}</token>",  # only a registered Secret catches this shape
])
def test_scrub_masks_credential_shapes(text: str) -> None:
    keep = Secret(RAW)  # registered while alive
    assert RAW not in scrub(text)
    del keep


def test_scrub_masks_live_secret_values_anywhere() -> None:
    secret = Secret("pit-0b3c9d2e-5f6a-4b7c-8d9e")
    assert scrub("error page echoing pit-0b3c9d2e-5f6a-4b7c-8d9e back") == f"error page echoing {MASK} back"
    assert scrub("nothing secret: 12345, invoice INV-0001") == "nothing secret: 12345, invoice INV-0001"
    del secret


def test_scrub_error_cleans_message_messages_and_body() -> None:
    error = ValidationError(
        f"bad token {RAW}", status=400, provider="p", method="GET", url="https://h/x",
        messages=[f"bad token {RAW}", "other"], body={"echo": {"Authorization": f"Bearer {RAW}"}, "list": [RAW]},
    )
    scrub_error(error, extra=[RAW])
    everything = f"{error} {error!r} {error.message} {error.messages} {error.body} {error.args}"
    assert RAW not in everything and "other" in everything
    assert isinstance(error, APIError) and error.status == 400


def test_static_auth_repr_hides_the_header() -> None:
    assert RAW not in repr(StaticAuth({"Authorization": RAW}))


def test_library_loggers_carry_the_redacting_filter(caplog: pytest.LogCaptureFixture) -> None:
    logger = get_logger("invoicekit.test_probe")
    assert get_logger("invoicekit.test_probe") is logger
    assert sum(isinstance(f, RedactingFilter) for f in logger.filters) == 1
    with caplog.at_level(logging.DEBUG, logger="invoicekit"):
        logger.debug("headers=%s", {"Authorization": RAW})
        logger.debug("Authorization: Bearer %s", RAW)
        logger.debug("plain %d%%", 5)
    assert RAW not in caplog.text
    assert "plain 5%" in caplog.text


def test_an_equal_secret_dying_does_not_unmask_a_live_one() -> None:
    # Secret compares by value: the registry must hold each one by identity.
    import gc

    first = Secret("same-value-9f3c1a")
    second = Secret("same-value-9f3c1a")
    del first
    gc.collect()
    assert scrub("near same-value-9f3c1a here") == "near <redacted> here"
    del second
