"""Request's hand-written __init__ behaves as the attrs one it replaced: same arguments, same
defaults, ``idempotent`` decided by the method unless given, evolve and equality work."""

from __future__ import annotations

import attrs
import pytest

from invoicekit._http.messages import Request


@pytest.mark.parametrize(
    ("method", "idempotent"),
    [("GET", True), ("get", True), ("HEAD", True), ("PUT", True), ("Delete", True), ("OPTIONS", True),
     ("POST", False), ("post", False), ("PATCH", False), ("PROPFIND", False)],
)
def test_idempotent_by_method(method: str, idempotent: bool) -> None:
    assert Request(operation="op", method=method, path="p").idempotent is idempotent


def test_idempotent_given_wins() -> None:
    assert Request(operation="op", method="POST", path="p", idempotent=True).idempotent is True
    assert Request(operation="op", method="GET", path="p", idempotent=False).idempotent is False


def test_defaults_and_fields() -> None:
    request = Request(operation="get", method="GET", path="invoices/1")
    assert attrs.asdict(request) == {
        "operation": "get", "method": "GET", "path": "invoices/1", "params": None, "json": None, "form": None,
        "content": None, "headers": {}, "authenticated": True, "idempotent": True,
    }
    other = Request(operation="get", method="GET", path="invoices/1")
    assert request == other
    assert request.headers is not other.headers  # a fresh dict each, as attrs' factory gave


def test_evolve_keeps_and_changes_fields() -> None:
    request = Request(operation="create", method="POST", path="invoices", json={"a": 1}, headers={"X": "1"})
    changed = attrs.evolve(request, path="invoices/2", authenticated=False)
    assert (changed.path, changed.authenticated) == ("invoices/2", False)
    assert (changed.json, changed.headers) == ({"a": 1}, {"X": "1"})
    assert changed.idempotent is False


def test_frozen_and_secret_parts_out_of_repr() -> None:
    request = Request(operation="login", method="POST", path="auth", json={"password": "hunter2"},
                      headers={"Authorization": "t0ken"}, form={"secret": "s"}, content=b"c")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        request.path = "x"  # type: ignore[misc]
    assert "hunter2" not in repr(request) and "t0ken" not in repr(request) and "secret" not in repr(request)


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        Request("op", "GET", "p")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("header", "media_type"),
    [("application/json; charset=utf-8", "application/json"), (" Text/XML ;charset=UTF-8", "text/xml"),
     ("", ""), (None, ""), ("APPLICATION/JSON", "application/json")],
)
def test_content_type_is_the_bare_media_type(header: str | None, media_type: str) -> None:
    from invoicekit._http.messages import Response

    headers = {} if header is None else {"Content-Type": header}
    for _ in range(2):  # parsed once, then remembered: the same answer both times
        response = Response(status=200, headers=headers, body=b"", method="GET", url="https://x.test/")
        assert response.content_type == media_type
