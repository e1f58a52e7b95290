"""normalise_base_url: credentials never travel over plain http except to loopback."""

from __future__ import annotations

import pytest

from invoicekit._http.transport import normalise_base_url
from invoicekit.errors import ConfigError

KEY = "portal_url"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/api/2.0", "http://127.8.9.10/", "http://[::1]:8000/api", "http://localhost",
    "http://LOCALHOST:5000/x", "http://crm.localhost/api/2.0/",
])
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert normalise_base_url(url, key=KEY, allow_insecure_http=False).endswith("/")


@pytest.mark.parametrize("url", [
    "http://example.com/api", "http://10.0.0.5/", "http://192.168.1.1:8080", "http://[::2]/",
    "http://localhost.evil.example/", "http://127.0.0.1.nip.io/", "http://0.0.0.0/",
])
def test_plain_http_elsewhere_is_refused_naming_the_key(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        normalise_base_url(url, key=KEY, allow_insecure_http=False)
    assert info.value.key == KEY
    assert "allow_insecure_http" in str(info.value) and KEY in str(info.value)
    assert normalise_base_url(url, key=KEY, allow_insecure_http=True).startswith("http://")


def test_https_is_always_allowed_and_normalised() -> None:
    assert normalise_base_url("https://portal.example.com/api/2.0", key=KEY, allow_insecure_http=False) == (
        "https://portal.example.com/api/2.0/"
    )
    assert normalise_base_url(" https://x.example//", key=KEY, allow_insecure_http=False) == "https://x.example/"


@pytest.mark.parametrize("url", [
    "ftp://example.com/", "example.com/api", "https://", "https:///path", "javascript:alert(1)",
    "https://example.com/api?token=abc", "https://example.com/#frag", "https://example.com:notaport/",
])
def test_unusable_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        normalise_base_url(url, key=KEY, allow_insecure_http=True)
    assert info.value.key == KEY


def test_credentials_in_the_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigError) as info:
        normalise_base_url("https://admin:hunter2secret@portal.example.com/", key=KEY, allow_insecure_http=False)
    assert info.value.key == KEY and "hunter2secret" not in str(info.value) and "admin" not in str(info.value)
