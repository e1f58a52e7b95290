"""A configuration that holds credentials and is wrong somewhere: the error names the problem and
never quotes a value, neither in its text nor through anything chained to it (``__cause__``,
``__context__``, their ``args`` and attributes) nor its pickle.

``raise ... from None`` inside an ``except`` block only hides the context from tracebacks: the
caught exception stays reachable as ``__context__``, and Python's own errors quote what they
choked on (``UnicodeDecodeError.object`` is the whole file; ``float()``'s message quotes its
argument).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import invoicekit
from invoicekit.cli import main
from invoicekit.errors import ConfigError
from tests.credentials.conftest import assert_no_secret, error_texts

TOKEN = "tok-config-secret-5Jq2Lw8"
CLIENT_SECRET = "cs-config-secret-9Xv3Nb1"
REFRESH = "rt-config-secret-7Hd4Pk6"
SECRETS = (TOKEN, CLIENT_SECRET, REFRESH)


def assert_shows_no_secret(error: BaseException) -> None:
    assert_no_secret(error_texts(error), SECRETS)


def _ghl(**overrides: Any) -> dict[str, Any]:
    config = {"provider": "gohighlevel", "location_id": "Jx9kP2mQ7rT4vW8yZ3aB", "client_id": "app-1",
              "client_secret": CLIENT_SECRET, "refresh_token": REFRESH}
    config.update(overrides)
    return config


# -- the config file ---------------------------------------------------------------------------

@pytest.mark.parametrize("tail", [b"# caf\xe9\n", b"business = { name = 'Caf\xe9' }\n"], ids=["comment", "value"])
def test_a_config_file_that_is_not_utf8_is_an_error_that_holds_no_line_of_it(tmp_path: Path, tail: bytes) -> None:
    # Saved as Latin-1 by an old editor: one byte is not UTF-8, the rest is a working config.
    path = tmp_path / "invoicekit.toml"
    path.write_bytes(f'provider = "onlyoffice"\nbase_url = "https://crm.example.com"\ntoken = "{TOKEN}"\n'.encode()
                     + tail)
    with pytest.raises(ConfigError, match=r"not UTF-8.*line 4") as info:
        invoicekit.load_config(path)
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert_shows_no_secret(info.value)


def test_a_config_file_saved_with_a_byte_order_mark_reads_as_the_same_file_without_it(tmp_path: Path) -> None:
    # Windows Notepad starts a UTF-8 file with U+FEFF; TOML itself does not allow it there.
    text = (f'default_profile = "crm"\n[crm]\nprovider = "onlyoffice"\nbase_url = "https://crm.example.com"\n'
            f'token = "{TOKEN}"\n[crm.business]\nname = "Café"\n')
    plain, marked = tmp_path / "plain.toml", tmp_path / "marked.toml"
    plain.write_text(text, encoding="utf-8")
    marked.write_text(text, encoding="utf-8-sig")
    assert marked.read_bytes().startswith(b"\xef\xbb\xbf")
    assert invoicekit.load_config(marked) == invoicekit.load_config(plain)
    assert invoicekit.load_config(marked, "crm")["token"] == TOKEN


def test_a_byte_order_mark_on_a_file_that_is_not_utf8_does_not_make_it_one(tmp_path: Path) -> None:
    path = tmp_path / "invoicekit.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f'provider = "onlyoffice"\ntoken = "{TOKEN}"\n# caf\xe9\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"not UTF-8.*line 3") as info:
        invoicekit.load_config(path)
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert_shows_no_secret(info.value)


@pytest.mark.parametrize("text", [
    f'provider = "onlyoffice"\ntoken = "{TOKEN}\n',  # unterminated string
    f'provider = "onlyoffice"\ntoken = "{TOKEN}"\ntoken = "{TOKEN}"\n',  # a key twice
    f'provider = "onlyoffice"\ntoken = {TOKEN}\n',  # a bare word
], ids=["unterminated", "duplicate", "bare"])
def test_a_config_file_that_is_not_toml_is_an_error_that_holds_no_line_of_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "invoicekit.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        invoicekit.load_config(path)
    # Python 3.14's TOMLDecodeError keeps the whole document (``doc``): nothing may be chained.
    assert info.value.__context__ is None and info.value.__cause__ is None
    assert_shows_no_secret(info.value)


async def test_config_check_on_a_file_that_is_not_utf8_shows_no_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "invoicekit.toml"
    path.write_bytes(f'provider = "onlyoffice"\ntoken = "{TOKEN}"\n# \xff\n'.encode("latin-1"))
    for debug in ([], ["--debug"]):
        assert main(["config", "check", "--config", str(path), *debug]) == 2
        captured = capsys.readouterr()
        assert "not UTF-8" in captured.err
        for secret in SECRETS:
            assert secret not in captured.out + captured.err


# -- a setting of the wrong type or shape ------------------------------------------------------

# A credential pasted under the neighbouring key (GoHighLevel's access_token sits next to its
# expires_at), or a whole line shifted by one in an environment file: the value is a secret.
MISPLACED = {
    "expires_at": {"access_token": "acc-config-1", "expires_at": TOKEN},
    "timeout": {"timeout": TOKEN},
    "max_retries": {"max_retries": TOKEN},
    "rate_limit": {"rate_limit": TOKEN},
    "base_url": {"base_url": f"https://crm.example.com:{TOKEN}/"},
}


@pytest.mark.parametrize("key", list(MISPLACED))
def test_a_setting_holding_a_misplaced_secret_is_an_error_that_quotes_it_nowhere(key: str) -> None:
    with pytest.raises(ConfigError) as info:
        invoicekit.connect(_ghl(**MISPLACED[key]))
    assert info.value.key == key
    assert_shows_no_secret(info.value)


@pytest.mark.parametrize("key", ["expires_at", "timeout", "base_url"])
def test_the_environment_form_of_a_misplaced_secret_is_quoted_nowhere(key: str) -> None:
    environ = {f"INVOICEKIT_{name.upper()}": str(value) for name, value in _ghl(**MISPLACED[key]).items()}
    with pytest.raises(ConfigError) as info:
        invoicekit.connect(invoicekit.config_from_env(environ=environ))
    assert_shows_no_secret(info.value)
