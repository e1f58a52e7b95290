"""The transport knobs as config keys of each provider: from a mapping, a TOML file and the
environment, and the plain-http refusal on each provider's base_url."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import invoicekit
from invoicekit.errors import ConfigError
from invoicekit.options import ClientOptions
from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator

from .adapters import ghl_config, oo_config

BASES: dict[str, dict[str, Any]] = {
    "onlyoffice": {"provider": "onlyoffice", "base_url": "https://portal.example.com", "token": "knob-token-0001"},
    "gohighlevel": {"provider": "gohighlevel", "location_id": "Jx9kP2mQ7rT4vW8yZ3aB", "token": "knob-token-0002"},
}
KNOBS = {"timeout": "12.5", "connect_timeout": "3", "max_retries": "0", "max_concurrency": "7",
         "rate_limit": "9.5", "allow_insecure_http": "true"}
EXPECTED = ClientOptions(timeout=12.5, connect_timeout=3, max_retries=0, max_concurrency=7, rate_limit=9.5,
                         allow_insecure_http=True)


def _options(config: dict[str, Any]) -> ClientOptions:
    return invoicekit.config.parse_settings(config).options  # type: ignore[no-any-return]


@pytest.mark.parametrize("provider", list(BASES))
def test_knobs_from_a_mapping(provider: str) -> None:
    typed = {"timeout": 12.5, "connect_timeout": 3, "max_retries": 0, "max_concurrency": 7, "rate_limit": 9.5,
             "allow_insecure_http": True}
    assert _options({**BASES[provider], **typed}) == EXPECTED
    assert _options({**BASES[provider], **KNOBS}) == EXPECTED  # strings, as from the environment
    assert _options({**BASES[provider], "rate_limit": "off"}).rate_limit is None
    assert _options(BASES[provider]) == ClientOptions()


@pytest.mark.parametrize("provider", list(BASES))
def test_knobs_from_toml(provider: str, tmp_path: Path) -> None:
    lines = [f'{k} = "{v}"' for k, v in BASES[provider].items()]
    lines += ["timeout = 12.5", "connect_timeout = 3", "max_retries = 0", "max_concurrency = 7",
              "rate_limit = 9.5", "allow_insecure_http = true"]
    path = tmp_path / "invoicekit.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _options(invoicekit.load_config(path)) == EXPECTED
    path.write_text("\n".join([*lines[: len(BASES[provider])], 'rate_limit = "off"']), encoding="utf-8")
    assert _options(invoicekit.load_config(path)).rate_limit is None


@pytest.mark.parametrize("provider", list(BASES))
def test_knobs_from_the_environment(provider: str) -> None:
    environ = {f"INVOICEKIT_{k.upper()}": str(v) for k, v in {**BASES[provider], **KNOBS}.items()}
    assert _options(invoicekit.config_from_env(environ=environ)) == EXPECTED
    environ["INVOICEKIT_RATE_LIMIT"] = "off"
    assert _options(invoicekit.config_from_env(environ=environ)).rate_limit is None


@pytest.mark.parametrize("provider", list(BASES))
@pytest.mark.parametrize(("key", "value"), [
    ("timeout", "0"), ("timeout", "-1"), ("connect_timeout", "soon"), ("max_retries", "-1"),
    ("max_retries", "1.5"), ("max_concurrency", "0"), ("rate_limit", "0"), ("rate_limit", "fast"),
    ("allow_insecure_http", "maybe"),
])
def test_bad_knobs_name_the_key_not_the_value(provider: str, key: str, value: str) -> None:
    with pytest.raises(ConfigError) as info:
        _options({**BASES[provider], key: value})
    assert info.value.key == key


@pytest.mark.parametrize("provider", list(BASES))
@pytest.mark.parametrize(("url", "allowed"), [
    ("http://portal.example.com", False), ("http://10.0.0.5:8080", False),
    ("http://127.0.0.1:8080", True), ("http://localhost:8080", True), ("http://[::1]:8080", True),
    ("https://portal.example.com", True),
])
def test_plain_http_is_refused_except_loopback(provider: str, url: str, allowed: bool) -> None:
    config = {**BASES[provider], "base_url": url}
    if allowed:
        invoicekit.config.parse_settings(config)
    else:
        with pytest.raises(ConfigError) as info:
            invoicekit.config.parse_settings(config)
        assert info.value.key == "base_url" and "http://" in str(info.value)
        invoicekit.config.parse_settings({**config, "allow_insecure_http": "true"})


async def test_knobs_take_effect_on_real_clients() -> None:
    # max_retries=0 from the config: one 503 is final on both providers.
    oo = OnlyOfficeSimulator(invoices=1)
    oo.faults.fail_next(503, headers={"Retry-After": "0"})
    async with oo.run() as url, invoicekit.connect(oo_config(oo, url, max_retries="0")) as client:
        with pytest.raises(invoicekit.APIError) as info:
            await client.get(1)
    assert info.value.attempts == 1 and len(oo.requests) == 1
    ghl = GoHighLevelSimulator(invoices=1)
    ghl.faults.fail_next(503)
    async with ghl.run() as url, invoicekit.connect(ghl_config(ghl, url, max_retries="0")) as client:
        with pytest.raises(invoicekit.APIError) as info:
            await client.get(next(iter(ghl.store.invoices)))
    assert info.value.attempts == 1 and len(ghl.requests) == 1
