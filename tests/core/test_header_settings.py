"""Settings that go into HTTP headers refuse CR, LF and other control characters, and non-ASCII
ones (tokens: spaces too), at configuration time, with a ConfigError naming the key, whether they
come from a mapping or from code."""

from __future__ import annotations

from typing import Any

import pytest

import invoicekit
from invoicekit import ClientOptions, ConfigError
from invoicekit.gohighlevel.settings import GoHighLevelSettings
from invoicekit.onlyoffice.settings import OnlyOfficeSettings
from invoicekit.settings import SettingsReader

SECRET = "tok-1a2b3c4d5e6f7a8b9c0d"
BAD_VALUES = [
    SECRET + "\n",  # a token file's final newline
    SECRET + "\r\n",
    SECRET[:5] + "\r\nX-Injected: 1",
    SECRET[:5] + "\x00" + SECRET[5:],
    SECRET[:5] + "\t" + SECRET[5:],
    SECRET + "\x7f",
    "\n" + SECRET,
]
OO = {"provider": "onlyoffice", "base_url": "https://portal.example.com", "token": SECRET}
GHL = {"provider": "gohighlevel", "location_id": "loc123", "token": SECRET}
GHL_OAUTH = {
    "provider": "gohighlevel", "location_id": "loc123", "client_id": "cid-123456",
    "client_secret": "cs-123456789", "refresh_token": "rt-123456789",
}


def refused(config: dict[str, Any], key: str, value: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        invoicekit.connect({**config, key: value})
    error = info.value
    assert error.key == key and repr(key) in str(error)
    assert value not in str(error) and value.strip() not in str(error)
    return error


@pytest.mark.parametrize("value", BAD_VALUES)
@pytest.mark.parametrize(
    ("config", "key"),
    [
        (OO, "token"), (OO, "user_agent"), (GHL, "token"), (GHL, "api_version"), (GHL, "user_agent"),
        (GHL_OAUTH, "client_secret"), (GHL_OAUTH, "refresh_token"), (GHL_OAUTH, "client_id"),
        ({**GHL_OAUTH, "access_token": None}, "access_token"),
    ],
)
def test_a_mapping_with_a_control_character_in_a_header_value_is_refused(
    config: dict[str, Any], key: str, value: str
) -> None:
    refused(config, key, value)


def test_a_trailing_newline_is_named_as_such() -> None:
    error = refused(OO, "token", SECRET + "\n")
    assert "ends with a line break" in str(error)
    error = refused(OO, "token", SECRET[:4] + "\r\nX: 1")
    assert "(U+000D) at position 4" in str(error)


@pytest.mark.parametrize("value", BAD_VALUES)
def test_settings_objects_built_in_code_refuse_them_too(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        OnlyOfficeSettings(base_url="https://portal.example.com", token=value)
    assert info.value.key == "token"
    for key in ("token", "api_version"):
        with pytest.raises(ConfigError) as info:
            GoHighLevelSettings(location_id="loc123", **{"token": SECRET, key: value})  # type: ignore[arg-type]
        assert info.value.key == key
    with pytest.raises(ConfigError) as info:
        ClientOptions(user_agent=value)
    assert info.value.key == "user_agent"


@pytest.mark.parametrize("base_url", ["https://portal.example.com/\napi", "https://portal\r\n.example.com", "https://p.example.com/\x00"])
def test_a_base_url_with_a_control_character_is_refused(base_url: str) -> None:
    with pytest.raises(ConfigError) as info:
        invoicekit.connect({**OO, "base_url": base_url})
    assert info.value.key == "base_url"


def test_ordinary_values_still_pass() -> None:
    # Free text that never goes into a header keeps its line breaks.
    settings = OnlyOfficeSettings(
        base_url="https://portal.example.com", token="a-b", default_terms="Net 30\nLate fee 2%",
        options=ClientOptions(user_agent="my-service/1.0 (+https://example.com)"),
    )
    assert settings.default_terms == "Net 30\nLate fee 2%"


def test_settings_reader_checks_header_values_for_any_adapter() -> None:
    reader = SettingsReader({"auth": {"token": SECRET + "\n"}, "version": "v1\r\nX: 1"}, provider="acme")
    nested = reader.nested("auth")
    assert nested is not None
    with pytest.raises(ConfigError) as info:
        nested.secret("token", header=True)
    assert info.value.key == "auth.token" and "acme: setting 'auth.token' ends with a line break" in str(info.value)
    with pytest.raises(ConfigError) as info:
        reader.text("version", header=True)
    assert info.value.key == "version"
    assert reader.text("version") == "v1\r\nX: 1"  # free text is not checked unless asked


# -- a credential pasted with a character a header cannot carry ---------------------------------
# aiohttp would send a non-ASCII character as UTF-8 and the provider answer 401 much later (or a
# proxy refuse the header): the setting is refused when the config is read, naming where.

PASTED = {
    "no-break space": (SECRET[:17] + "\u00a0" + SECRET[17:], "a non-ASCII space at position 17"),
    "zero-width space": (SECRET[:17] + "\u200b" + SECRET[17:], "an invisible non-ASCII character at position 17"),
    "accented letter": (SECRET[:17] + "\u00e9" + SECRET[18:], "a non-ASCII character at position 17"),
    "trailing newline": (SECRET + "\n", "ends with a line break"),
    "trailing tab": (SECRET + "\t", f"(U+0009) at position {len(SECRET)}"),
    "trailing space": (SECRET + " ", "ends with a space"),
    "leading space": (" " + SECRET, "starts with a space"),
    "leading no-break space": ("\u00a0" + SECRET, "a non-ASCII space at position 0"),
    "inner space": (SECRET[:17] + " " + SECRET[18:], "holds a space at position 17"),
}
HEADER_CREDENTIALS = [
    (OO, "token"), (GHL, "token"), ({**GHL_OAUTH, "access_token": "at-123456789"}, "access_token"),
]


def assert_quotes_no_part_of(error: ConfigError, value: str) -> None:
    text = str(error)
    core = value.strip()
    assert not any(core[i:i + 6] in text for i in range(len(core) - 5)), text
    assert error.__context__ is None and error.__cause__ is None


@pytest.mark.parametrize("case", list(PASTED))
@pytest.mark.parametrize(
    ("config", "key"), HEADER_CREDENTIALS, ids=lambda v: v if isinstance(v, str) else v["provider"]
)
def test_a_pasted_credential_is_refused_naming_the_key_and_where(config: dict[str, Any], key: str, case: str) -> None:
    value, where = PASTED[case]
    error = refused(config, key, value)
    assert f"setting {key!r} " in str(error) and where in str(error), str(error)
    assert_quotes_no_part_of(error, value)


@pytest.mark.parametrize("case", list(PASTED))
def test_settings_built_in_code_refuse_a_pasted_credential_too(case: str) -> None:
    value, where = PASTED[case]
    for build in (
        lambda v: OnlyOfficeSettings(base_url="https://portal.example.com", token=v),
        lambda v: OnlyOfficeSettings(base_url="https://portal.example.com", token=invoicekit.Secret(v)),
        lambda v: GoHighLevelSettings(location_id="loc123", token=v),
        lambda v: GoHighLevelSettings(location_id="loc123", client_id="cid-1", client_secret="cs-1",
                                      refresh_token="rt-1", access_token=v),
    ):
        with pytest.raises(ConfigError) as info:
            build(value)
        assert info.value.key in ("token", "access_token") and where in str(info.value)
        assert_quotes_no_part_of(info.value, value)


@pytest.mark.parametrize("key", ["api_version", "user_agent"])
def test_other_header_values_refuse_non_ascii_characters(key: str) -> None:
    error = refused(GHL, key, "2021-07-28\u00a0")
    assert "a non-ASCII space at position 10" in str(error)


def test_a_client_secret_sent_in_a_form_may_hold_any_printable_character() -> None:
    # GoHighLevel's client secret goes into the token request's form body (percent-encoded
    # UTF-8), never a header: a non-ASCII one (or one with spaces) is a legitimate secret.
    for secret in ("cs-\u00e9t\u00e9-\u00df\u00fc", " cs with spaces ", "cs\u00a0nbsp"):
        settings = GoHighLevelSettings.from_mapping({**GHL_OAUTH, "client_secret": secret})
        assert settings.client_secret is not None and settings.client_secret.reveal() == secret
    refused(GHL_OAUTH, "client_secret", "cs-1\r\n")  # a control character still cannot go anywhere
