"""connect(), the provider registry, settings parsing, TOML profiles and environment configs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import Any, Self

import aiohttp
import pytest
from attrs import field, frozen

import invoicekit
from invoicekit import Capability, ClientOptions, ConfigError, Invoice, InvoiceClient, ProviderEntry, Secret
from invoicekit.settings import SettingsReader


@frozen(kw_only=True)
class EchoSettings:
    provider = "echo"
    base_url: str
    token: Secret = field(repr=False)
    nested_name: str | None = None
    options: ClientOptions = field(factory=ClientOptions)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Self:
        reader = SettingsReader(mapping, provider="echo")
        base_url = reader.text("base_url", required=True)
        token = reader.secret("token", required=True)
        business = reader.nested("business")
        nested_name = business.text("name") if business else None
        if business:
            business.finish()
        options = reader.options()
        reader.finish()
        assert base_url is not None and token is not None
        return cls(base_url=base_url, token=token, nested_name=nested_name, options=options)


class EchoClient(InvoiceClient):
    provider = "echo"
    capabilities = frozenset({Capability.GET})

    def __init__(self, settings: EchoSettings, session: aiohttp.ClientSession | None) -> None:
        super().__init__(options=settings.options)
        self.settings = settings
        self.session = session
        self.closed = 0

    async def _close(self) -> None:
        self.closed += 1

    async def get(self, invoice_id: int | str) -> Invoice:
        raise NotImplementedError

    async def _nothing(self) -> AsyncIterator[Invoice]:
        return
        yield

    def list(self, **_: Any) -> AsyncIterator[Invoice]:  # type: ignore[override]
        return self._nothing()

    async def _create(self, draft: Any) -> Invoice:
        raise NotImplementedError

    async def _update(self, invoice_id: Any, changes: Any) -> Invoice:
        raise NotImplementedError

    async def delete(self, invoice_id: Any) -> Invoice:
        raise NotImplementedError

    async def delete_many(self, invoice_ids: Iterable[Any]) -> list[Invoice]:
        raise NotImplementedError


invoicekit.register_provider(ProviderEntry("echo", EchoSettings, EchoClient, aliases=("echo-alias",)))

GOOD = {"provider": "echo", "base_url": "https://example.test", "token": "s3cr3t-token-value"}


def test_connect_builds_the_named_provider_with_typed_options() -> None:
    client = invoicekit.connect({**GOOD, "timeout": "12.5", "max_retries": 0, "allow_insecure_http": "true"})
    assert isinstance(client, EchoClient)
    assert client.provider == "echo"
    assert client.options.timeout == 12.5
    assert client.options.max_retries == 0
    assert client.options.allow_insecure_http is True
    assert client.session is None


def test_connect_accepts_aliases_any_case_and_settings_objects() -> None:
    assert isinstance(invoicekit.connect({**GOOD, "provider": "ECHO-alias"}), EchoClient)
    settings = EchoSettings.from_mapping(GOOD)
    assert invoicekit.connect(settings).settings is settings  # type: ignore[attr-defined]


async def test_passed_session_is_handed_to_the_client() -> None:
    async with aiohttp.ClientSession() as session:
        client = invoicekit.connect(GOOD, session=session)
        assert client.session is session  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("config", "key", "words"),
    [
        ({"base_url": "x"}, "provider", "provider"),
        ({"provider": "nope"}, "provider", "unknown provider 'nope'"),
        ({"provider": "echo", "token": "t"}, "base_url", "missing required setting 'base_url'"),
        ({**GOOD, "tokn": "t"}, "tokn", "unknown setting 'tokn'"),
        ({**GOOD, "timeout": "soon"}, "timeout", "'timeout' must be a number"),
        ({**GOOD, "max_retries": 1.5}, "max_retries", "must be an integer"),
        ({**GOOD, "allow_insecure_http": "perhaps"}, "allow_insecure_http", "true or false"),
        ({**GOOD, "base_url": 42}, "base_url", "must be a string"),
        ({**GOOD, "business": "acme"}, "business", "must be a table"),
        ({**GOOD, "business": {"nmae": "x"}}, "business.nmae", "unknown setting 'business.nmae'"),
        ({**GOOD, "timeout": -1}, "timeout", "timeout"),
    ],
)
def test_config_errors_name_the_key(config: dict[str, Any], key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        invoicekit.connect(config)
    assert caught.value.key == key
    assert words in str(caught.value)


def test_config_errors_never_echo_values() -> None:
    with pytest.raises(ConfigError) as caught:
        invoicekit.connect({**GOOD, "token": 123456789})
    assert "123456789" not in str(caught.value)


def test_settings_repr_hides_the_token() -> None:
    settings = EchoSettings.from_mapping(GOOD)
    assert "s3cr3t" not in repr(settings)
    assert "s3cr3t" not in repr(settings.token) + str(settings.token) + f"{settings.token}"
    assert settings.token.reveal() == "s3cr3t-token-value"


async def test_client_context_manager_closes_and_views_do_not() -> None:
    async with invoicekit.connect(GOOD) as client:
        view = client.with_options(timeout=3, max_retries=0)
        assert view.options.timeout == 3 and client.options.timeout == 30
        await view.aclose()
        assert client.closed == 0  # type: ignore[attr-defined]
    assert client.closed == 1  # type: ignore[attr-defined]


def test_with_options_refuses_pool_options_and_bad_values() -> None:
    client = invoicekit.connect(GOOD)
    with pytest.raises(ConfigError) as caught:
        client.with_options(max_concurrency=5)
    assert caught.value.key == "max_concurrency"
    with pytest.raises(ConfigError):
        client.with_options(timeout=-1)


async def test_unsupported_operations_raise_typed_errors() -> None:
    async with invoicekit.connect(GOOD) as client:
        with pytest.raises(invoicekit.UnsupportedOperationError) as caught:
            await client.void(1)
        assert caught.value.operation == "void"
        assert Capability.VOID not in client.capabilities


def test_load_config_single_and_profiles(tmp_path: Path) -> None:
    single = tmp_path / "one.toml"
    single.write_text('provider = "echo"\nbase_url = "https://a.test"\ntoken = "t"\n')
    assert invoicekit.load_config(single)["base_url"] == "https://a.test"

    multi = tmp_path / "many.toml"
    multi.write_text(
        'default_profile = "eu"\n'
        '[eu]\nprovider = "echo"\nbase_url = "https://eu.test"\ntoken = "t"\n'
        '[us]\nprovider = "echo"\nbase_url = "https://us.test"\ntoken = "t"\n[us.business]\nname = "Acme"\n'
    )
    assert invoicekit.load_config(multi)["base_url"] == "https://eu.test"
    us = invoicekit.load_config(multi, "us")
    assert invoicekit.connect(us).settings.nested_name == "Acme"  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match="profile 'asia' not found"):
        invoicekit.load_config(multi, "asia")

    nested = tmp_path / "nested.toml"
    nested.write_text('[profiles.a]\nprovider = "echo"\n[profiles.b]\nprovider = "echo"\n')
    with pytest.raises(ConfigError, match="choose one"):
        invoicekit.load_config(nested)
    assert invoicekit.load_config(nested, "b") == {"provider": "echo"}


def test_load_config_reports_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        invoicekit.load_config(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("provider = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        invoicekit.load_config(broken)


def test_config_from_env_nests_and_swaps_providers() -> None:
    env = {
        "INVOICEKIT_PROVIDER": "echo",
        "INVOICEKIT_BASE_URL": "https://env.test",
        "INVOICEKIT_TOKEN": "t",
        "INVOICEKIT_BUSINESS__NAME": "Acme",
        "INVOICEKIT_MAX_RETRIES": "0",
        "OTHER": "ignored",
    }
    config = invoicekit.config_from_env(environ=env)
    assert config == {
        "provider": "echo", "base_url": "https://env.test", "token": "t",
        "business": {"name": "Acme"}, "max_retries": "0",
    }
    client = invoicekit.connect(config)
    assert client.options.max_retries == 0
    with pytest.raises(ConfigError, match="INVOICEKIT_PROVIDER is not set"):
        invoicekit.config_from_env(environ={"INVOICEKIT_TOKEN": "t"})
    assert invoicekit.config_from_env("BILLING_", {"BILLING_PROVIDER": "echo"}) == {"provider": "echo"}


@pytest.mark.parametrize(("key", "value", "words"), [
    ("timeout", "off", "'timeout' must be a number"),
    ("connect_timeout", "none", "'connect_timeout' must be a number"),
    ("retry_timeout", "off", "'retry_timeout' must be a number"),
    ("timeout", "inf", "'timeout' must be a finite number"),
    ("timeout", float("inf"), "'timeout' must be a finite number"),  # TOML's own inf
    ("backoff_cap", "nan", "'backoff_cap' must be a finite number"),
    ("rate_limit", float("inf"), "'rate_limit' must be a finite number"),
])
def test_a_setting_that_has_no_off_or_is_not_finite_is_refused_naming_it(key: str, value: object, words: str) -> None:
    """``timeout = "off"`` was a ConfigError naming no key, saying "'>' not supported between
    instances of 'NoneType' and 'float'"; ``timeout = inf`` was taken (a call with no time limit)."""
    with pytest.raises(ConfigError) as caught:
        invoicekit.connect({**GOOD, key: value})
    assert caught.value.key == key
    assert words in str(caught.value)
    assert "NoneType" not in str(caught.value)


def test_the_settings_that_can_be_off_take_off() -> None:
    client = invoicekit.connect({**GOOD, "rate_limit": "off", "read_timeout": "none", "max_retries": "off"})
    assert (client.options.rate_limit, client.options.read_timeout, client.options.max_retries) == (None, None, None)


@pytest.mark.parametrize("order", ["value first", "table first"])
def test_a_variable_that_is_both_a_value_and_a_table_is_refused_in_either_order(order: str) -> None:
    """``INVOICEKIT_BUSINESS=x`` beside ``INVOICEKIT_BUSINESS__NAME=Acme`` was refused only when
    the value came first in the environment; the other way round the value silently replaced the
    table (and the business name was lost)."""
    pairs = [("INVOICEKIT_BUSINESS", "Acme"), ("INVOICEKIT_BUSINESS__NAME", "Acme Studio LLC")]
    env = dict([("INVOICEKIT_PROVIDER", "echo"), *(pairs if order == "value first" else reversed(pairs))])
    with pytest.raises(ConfigError) as caught:
        invoicekit.config_from_env(environ=env)
    assert caught.value.key == "business"
    assert "INVOICEKIT_BUSINESS" in str(caught.value) and "Acme" not in str(caught.value)


def test_a_profile_file_refuses_settings_outside_every_profile(tmp_path: Path) -> None:
    """A setting written above the first table (``timeout = 5`` meant for every profile) was
    dropped without a word: the profile ran with the default timeout. And a ``default_profile``
    that is no string was reported as a missing profile under the key ``profile``."""
    path = tmp_path / "profiles.toml"
    path.write_text('default_profile = "eu"\ntimeout = 5\n[eu]\nprovider = "echo"\nbase_url = "https://eu.test"\n')
    with pytest.raises(ConfigError) as caught:
        invoicekit.load_config(path)
    assert caught.value.key == "timeout" and "profile" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        invoicekit.load_config(path, "eu")
    assert caught.value.key == "timeout"

    path.write_text('default_profile = 1\n[eu]\nprovider = "echo"\n')
    with pytest.raises(ConfigError) as caught:
        invoicekit.load_config(path)
    assert caught.value.key == "default_profile" and "string" in str(caught.value)
    path.write_text('default_profile = "asia"\n[eu]\nprovider = "echo"\n')
    with pytest.raises(ConfigError, match="profile 'asia' not found") as caught:
        invoicekit.load_config(path)
    assert caught.value.key == "default_profile"
    assert invoicekit.load_config(path, "eu") == {"provider": "echo"}


@pytest.mark.parametrize(("changes", "key"), [
    ({"timeout": "5"}, "timeout"),
    ({"timeout": float("inf")}, "timeout"),
    ({"retry_timeout": float("nan")}, "retry_timeout"),
    ({"read_timeout": True}, "read_timeout"),
    ({"max_retries": 1.5}, "max_retries"),
    ({"max_response_bytes": "1024"}, "max_response_bytes"),
])
async def test_with_options_refuses_values_of_the_wrong_type_naming_the_key(changes: dict[str, Any], key: str) -> None:
    """``with_options(timeout="5")`` said "'>' not supported between instances of 'str' and
    'float'"; ``max_retries=1.5`` and ``timeout=inf`` were taken."""
    async with invoicekit.connect(GOOD) as client:
        with pytest.raises(ConfigError) as caught:
            client.with_options(**changes)
        assert caught.value.key == key
        assert "not supported between" not in str(caught.value)
    with pytest.raises((TypeError, ValueError)):
        ClientOptions(**changes)


@pytest.mark.parametrize("provider", [5, True, ["echo"], {"name": "echo"}])
def test_a_provider_that_is_no_name_says_so(provider: object) -> None:
    """``provider = 5`` said the config "needs a 'provider' key", which it has."""
    with pytest.raises(ConfigError) as caught:
        invoicekit.connect({**GOOD, "provider": provider})
    assert caught.value.key == "provider"
    assert f"must be a provider's name, not {type(provider).__name__}" in str(caught.value)
    assert "needs" not in str(caught.value)


@pytest.mark.parametrize(("changes", "key"), [
    ({"allow_insecure_http": "false"}, "allow_insecure_http"),
    ({"allow_insecure_http": 1}, "allow_insecure_http"),
    ({"user_agent": 5}, "user_agent"),
])
def test_client_options_built_in_code_refuse_values_of_the_wrong_type(changes: dict[str, Any], key: str) -> None:
    """``ClientOptions(allow_insecure_http="false")`` was taken, and the string is true: the
    client then sent credentials over plain http:// to any host."""
    with pytest.raises(TypeError, match=key):
        ClientOptions(**changes)


def _built_in_code(provider: str, **values: Any) -> Any:
    from invoicekit.gohighlevel import GoHighLevelSettings
    from invoicekit.onlyoffice import OnlyOfficeSettings

    if provider == "onlyoffice":
        return OnlyOfficeSettings(**{"base_url": "https://portal.example.com", "token": "t", **values})
    return GoHighLevelSettings(**{"location_id": "ve9EPM428h8vShlRW1KT", "token": "t", **values})


@pytest.mark.parametrize(("provider", "values", "key"), [
    ("onlyoffice", {"base_url": None}, "base_url"),  # os.environ.get() of a variable not set
    ("onlyoffice", {"base_url": 5}, "base_url"),
    ("onlyoffice", {"default_terms": 30}, "default_terms"),
    ("onlyoffice", {"username": 5, "password": "p", "token": None}, "username"),
    ("onlyoffice", {"default_item_id": "12"}, "default_item_id"),
    ("onlyoffice", {"options": {"timeout": 5}}, "options"),
    ("gohighlevel", {"location_id": None}, "location_id"),
    ("gohighlevel", {"api_version": 2021}, "api_version"),
    ("gohighlevel", {"live_mode": "false"}, "live_mode"),
    ("gohighlevel", {"expires_at": "2026-01-01T00:00:00Z"}, "expires_at"),
    ("gohighlevel", {"default_payment_mode": "cash"}, "default_payment_mode"),
    ("gohighlevel", {"options": None}, "options"),
])
def test_settings_built_in_code_refuse_wrong_types_naming_the_key(
    provider: str, values: dict[str, Any], key: str
) -> None:
    """README: ``connect()`` takes a settings object too. Built with a value of the wrong type
    (``OnlyOfficeSettings(base_url=os.environ.get("URL"))`` with the variable unset), it raised a
    bare AttributeError ('NoneType' object has no attribute 'strip') or took the value."""
    with pytest.raises(ConfigError) as caught:
        _built_in_code(provider, **values)
    assert caught.value.key == key
    assert f"setting {key!r} must be" in str(caught.value)


@pytest.mark.parametrize(("key", "value"), [("timeout", -3.5), ("max_retries", -7), ("max_concurrency", -40)])
def test_an_option_out_of_range_is_quoted_nowhere_in_the_error_chain(key: str, value: object) -> None:
    """The message never echoes a setting's value, and neither does an error chained to it (a
    caught error stays reachable as ``__context__`` even under ``raise ... from None``)."""
    config = {"provider": "onlyoffice", "base_url": "https://portal.example.com", "token": "t", key: value}
    with pytest.raises(ConfigError) as caught:
        invoicekit.connect(config)
    assert caught.value.key == key
    link: BaseException | None = caught.value
    while link is not None:
        assert repr(value) not in str(link) and str(value) not in str(link), type(link).__name__
        link = link.__cause__ or link.__context__


@pytest.mark.parametrize(("key", "value"), [
    ("timeout", 10**400), ("timeout", "1e400"), ("max_response_bytes", 10**400), ("max_retries", 10**400),
])
def test_a_number_past_a_floats_range_is_a_config_error_naming_it(key: str, value: object) -> None:
    """float() and math.isfinite raise OverflowError on such an integer: it escaped untyped."""
    config = {"provider": "gohighlevel", "location_id": "ve9EPM428h8vShlRW1KT", "token": "pit-x", key: value}
    with pytest.raises(ConfigError) as caught:
        invoicekit.connect(config)
    assert caught.value.key == key
    assert "finite" in str(caught.value) and "0" * 50 not in str(caught.value)


async def test_with_options_refuses_an_integer_past_a_floats_range() -> None:
    async with invoicekit.connect({"provider": "onlyoffice", "base_url": "https://p.example.com", "token": "t"}) as c:
        with pytest.raises(ConfigError) as caught:
            c.with_options(max_response_bytes=10**400)
    assert caught.value.key == "max_response_bytes"
