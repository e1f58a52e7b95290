"""Settings: token xor credentials, response format, defaults, secrets kept out of text."""

from __future__ import annotations

import pytest

import invoicekit
import invoicekit.onlyoffice
from invoicekit import ClientOptions, ConfigError, Secret
from invoicekit.onlyoffice import PROVIDER, OnlyOfficeClient, OnlyOfficeSettings

SECRET = "test-token-0001-not-a-real-token"


def test_from_mapping_reads_everything() -> None:
    settings = OnlyOfficeSettings.from_mapping({
        "provider": "onlyoffice", "base_url": "https://portal.example.com", "token": SECRET,
        "response_format": "XML", "default_item_id": "9", "default_terms": "Net 14", "timeout": "12",
        "max_retries": 0,
    })
    assert settings.token == Secret(SECRET)
    assert settings.response_format == "xml"
    assert (settings.default_item_id, settings.default_terms) == (9, "Net 14")
    assert settings.options == ClientOptions(timeout=12.0, max_retries=0)
    assert settings.api_base_url == "https://portal.example.com/api/2.0/"
    assert SECRET not in repr(settings)


def test_login_settings_hide_the_password() -> None:
    settings = OnlyOfficeSettings(base_url="https://portal.example.com/", username="jana", password="pw-123-secret")
    assert isinstance(settings.password, Secret)
    assert "pw-123-secret" not in repr(settings)
    assert settings.response_format == "json"


@pytest.mark.parametrize(("mapping", "key"), [
    ({}, "base_url"),
    ({"base_url": "https://portal.example.com"}, "token"),
    ({"base_url": "https://portal.example.com", "token": SECRET, "username": "jana", "password": "x"}, "token"),
    ({"base_url": "https://portal.example.com", "username": "jana"}, "password"),
    ({"base_url": "https://portal.example.com", "password": "x"}, "username"),
    ({"base_url": "http://portal.example.com", "token": SECRET}, "base_url"),
    ({"base_url": "portal.example.com", "token": SECRET}, "base_url"),
    ({"base_url": "https://portal.example.com", "token": SECRET, "response_format": "yaml"}, "response_format"),
    ({"base_url": "https://portal.example.com", "token": SECRET, "default_item_id": 0}, "default_item_id"),
    ({"base_url": "https://portal.example.com", "token": SECRET, "default_terms": "  "}, "default_terms"),
    ({"base_url": "https://portal.example.com", "token": SECRET, "tokn": "x"}, "tokn"),
])
def test_config_errors_name_the_key(mapping: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        OnlyOfficeSettings.from_mapping({"provider": "onlyoffice", **mapping})
    assert info.value.key == key
    assert SECRET not in str(info.value)


def test_base_url_may_already_name_the_api_root() -> None:
    settings = OnlyOfficeSettings(base_url="https://portal.example.com/api/2.0", token=SECRET)
    assert settings.api_base_url == "https://portal.example.com/api/2.0/"


def test_plain_http_to_loopback_or_when_allowed() -> None:
    assert OnlyOfficeSettings(base_url="http://127.0.0.1:8080", token=SECRET).api_base_url == "http://127.0.0.1:8080/api/2.0/"
    allowed = OnlyOfficeSettings(base_url="http://intranet", token=SECRET,
                                 options=ClientOptions(allow_insecure_http=True))
    assert allowed.api_base_url == "http://intranet/api/2.0/"


async def test_connect_finds_the_provider() -> None:
    client = invoicekit.connect({"provider": "onlyoffice", "base_url": "https://portal.example.com", "token": SECRET})
    async with client:
        assert isinstance(client, OnlyOfficeClient)
        assert client.provider == "onlyoffice"
        assert SECRET not in repr(client)
    assert PROVIDER.name == "onlyoffice" and PROVIDER.settings_type is OnlyOfficeSettings


def test_public_names() -> None:
    assert invoicekit.onlyoffice.OnlyOfficeClient is OnlyOfficeClient
    assert invoicekit.onlyoffice.OnlyOfficeSettings is OnlyOfficeSettings
    assert not {"OnlyOfficeClient", "OnlyOfficeSettings"} & set(invoicekit.__all__)
