"""A credential that is no text: ``Secret(5)`` and settings built in code with ``token=5``.

Both raised a bare ``TypeError("Secret holds a str")`` from the settings' converter: no key
named, and not an invoicekit error.
"""

from __future__ import annotations

from typing import Any

import pytest

import invoicekit
from invoicekit import ConfigError, ConfigTypeError, InvoiceKitError, Secret
from invoicekit.gohighlevel import GoHighLevelSettings
from invoicekit.onlyoffice import OnlyOfficeSettings

VALUE = 48151623  # distinctive: it must not show in any message


@pytest.mark.parametrize("value", [VALUE, b"token-bytes", None, ["t"]])
def test_a_secret_holds_text(value: object) -> None:
    with pytest.raises(TypeError) as caught:  # callers catching TypeError keep working
        Secret(value)  # type: ignore[arg-type]
    assert isinstance(caught.value, ConfigTypeError) and isinstance(caught.value, ConfigError)
    assert isinstance(caught.value, InvoiceKitError)
    assert f"a Secret holds text (a str), not {type(value).__name__}" in str(caught.value)
    assert str(VALUE) not in str(caught.value)
    assert invoicekit.ConfigTypeError is ConfigTypeError and "ConfigTypeError" in invoicekit.__all__


def _onlyoffice(**values: Any) -> OnlyOfficeSettings:
    return OnlyOfficeSettings(**{"base_url": "https://portal.example.com", **values})


def _gohighlevel(**values: Any) -> GoHighLevelSettings:
    return GoHighLevelSettings(**{"location_id": "ve9EPM428h8vShlRW1KT", **values})


@pytest.mark.parametrize(("build", "values", "key"), [
    (_onlyoffice, {"token": VALUE}, "token"),
    (_onlyoffice, {"username": "admin", "password": VALUE}, "password"),
    (_gohighlevel, {"token": VALUE}, "token"),
    (_gohighlevel, {"client_id": "c", "client_secret": VALUE, "refresh_token": "r"}, "client_secret"),
    (_gohighlevel, {"client_id": "c", "client_secret": "s", "refresh_token": VALUE}, "refresh_token"),
    (_gohighlevel, {"client_id": "c", "client_secret": "s", "refresh_token": "r", "access_token": VALUE},
     "access_token"),
])
def test_settings_built_with_a_credential_that_is_no_text_name_the_key(
    build: Any, values: dict[str, Any], key: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        build(**values)
    assert caught.value.key == key and isinstance(caught.value, TypeError)
    assert f"setting {key!r} must be text (a str) or a Secret, not int" in str(caught.value)
    chain: BaseException | None = caught.value
    while chain is not None:
        assert str(VALUE) not in str(chain)
        chain = chain.__cause__ or chain.__context__


def test_text_and_secrets_are_still_taken() -> None:
    assert _onlyoffice(token="t").token == Secret("t")
    assert _gohighlevel(token=Secret("t")).token == Secret("t")


def test_an_adapter_s_own_settings_name_the_key_too() -> None:
    """``to_secret`` is public (``invoicekit.adapter``): a third adapter's settings, which need
    not run the built-in type check, refuse a credential that is no text the same way; called
    alone it converts as before."""
    from attrs import field, frozen

    from invoicekit.adapter import to_secret

    @frozen(kw_only=True)
    class AcmeSettings:
        provider = "acme"
        token: Secret = field(converter=to_secret, repr=False)

    with pytest.raises(ConfigTypeError) as caught:
        AcmeSettings(token=VALUE)  # type: ignore[arg-type]
    assert caught.value.key == "token" and str(VALUE) not in str(caught.value)
    assert str(caught.value) == "acme: setting 'token' must be text (a str) or a Secret, not int"
    assert to_secret("t") == Secret("t") and to_secret(None) is None
    with pytest.raises(ConfigTypeError):
        to_secret(VALUE)  # type: ignore[arg-type]
