"""GoHighLevel settings: parsing, defaults, refusals that name the key, no secrets shown."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from invoicekit import Address, ConfigError, PaymentMode, connect
from invoicekit.gohighlevel import BusinessDetails, GoHighLevelClient, GoHighLevelSettings

from .conftest import LOCATION, TOKEN, config


def test_defaults_and_alias() -> None:
    settings = GoHighLevelSettings.from_mapping({"provider": "ghl", "location_id": LOCATION, "token": TOKEN})
    assert settings.base_url == "https://services.leadconnectorhq.com"
    assert settings.api_version == "2021-07-28"
    assert settings.live_mode is False
    assert settings.send_action == "email"
    assert settings.default_payment_mode is PaymentMode.OTHER
    assert settings.business == BusinessDetails()
    assert not settings.uses_oauth
    assert isinstance(connect({"provider": "ghl", "location_id": LOCATION, "token": TOKEN}), GoHighLevelClient)


def test_full_mapping() -> None:
    settings = GoHighLevelSettings.from_mapping(config(
        live_mode="true", api_version="v3", send_action="send_manually", default_payment_mode="cash",
        timeout="12",
    ))
    assert settings.live_mode is True
    assert settings.api_version == "v3"
    assert settings.send_action == "send_manually"
    assert settings.default_payment_mode is PaymentMode.CASH
    assert settings.options.timeout == 12
    assert settings.options.max_retries == 0
    assert settings.business.name == "Acme Studio LLC"
    assert settings.business.address == Address(
        line1="9931 Beechwood", city="Houston", state="TX", postal_code="77001", country_code="US"
    )


def test_business_address_may_be_one_string() -> None:
    settings = GoHighLevelSettings.from_mapping(config(business={"name": "A", "address": "1 Main St, Austin"}))
    assert settings.business.address == Address(line1="1 Main St, Austin")


@pytest.mark.parametrize(
    "value",
    [datetime(2030, 1, 1, tzinfo=UTC), "2030-01-01T00:00:00Z", 1893456000, "1893456000"],
)
def test_expires_at_spellings(value: object) -> None:
    settings = GoHighLevelSettings.from_mapping(config(
        token=None, client_id="cid", client_secret="cs", refresh_token="rt", access_token="at", expires_at=value,
    ))
    assert settings.expires_at == datetime(2030, 1, 1, tzinfo=UTC)
    assert settings.uses_oauth


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"location_id": None}, "location_id"),
        ({"location_id": "a/b"}, "location_id"),
        ({"token": None}, "token"),
        ({"token": None, "client_id": "cid", "client_secret": "cs"}, "refresh_token"),
        ({"client_id": "cid"}, "client_id"),
        ({"tokn": "x"}, "tokn"),
        ({"business": {"nme": "x"}}, "business.nme"),
        ({"business": {"address": {"street": "x"}}}, "business.address.street"),
        ({"business": "Acme"}, "business"),
        ({"live_mode": "maybe"}, "live_mode"),
        ({"send_action": "fax"}, "send_action"),
        ({"default_payment_mode": "crypto"}, "default_payment_mode"),
        ({"base_url": "http://ghl.example.com"}, "base_url"),
        ({"base_url": "ftp://ghl.example.com"}, "base_url"),
        ({"token": None, "client_id": "c", "client_secret": "s", "refresh_token": "r", "expires_at": "soon"},
         "expires_at"),
        ({"timeout": "-1"}, "timeout"),
    ],
)
def test_refusals_name_the_key(overrides: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        GoHighLevelSettings.from_mapping(config(**overrides) | {k: v for k, v in overrides.items() if v is None})
    assert info.value.key == key
    assert TOKEN not in str(info.value)


def test_plain_http_to_loopback_is_allowed() -> None:
    settings = GoHighLevelSettings.from_mapping(config(base_url="http://127.0.0.1:8080"))
    assert settings.base_url == "http://127.0.0.1:8080"


def test_settings_built_in_code() -> None:
    from invoicekit import Secret

    settings = GoHighLevelSettings(location_id=LOCATION, token=Secret(TOKEN))
    assert TOKEN not in repr(settings)
    with pytest.raises(ConfigError):
        GoHighLevelSettings(location_id="", token=Secret(TOKEN))


async def test_plain_string_secrets_in_code_are_wrapped_as_onlyoffice_does() -> None:
    # They used to stay str, and the client then failed with AttributeError on .reveal().
    from invoicekit import Secret

    static = GoHighLevelSettings(location_id=LOCATION, token=TOKEN)
    assert static.token == Secret(TOKEN) and TOKEN not in repr(static)
    async with GoHighLevelClient(static) as client:
        assert client.settings.token == Secret(TOKEN)
    oauth = GoHighLevelSettings(
        location_id=LOCATION, client_id="client-id", client_secret="client-secret-value",
        refresh_token="refresh-token-value", access_token="access-token-value",
    )
    assert all(isinstance(s, Secret) for s in (oauth.client_secret, oauth.refresh_token, oauth.access_token))
    assert not any(v in repr(oauth) for v in ("client-secret-value", "refresh-token-value", "access-token-value"))
