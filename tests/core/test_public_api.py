"""The top-level namespace: complete, light to import, free of provider-only names."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest

import invoicekit
import invoicekit.gohighlevel
import invoicekit.onlyoffice
from invoicekit import registry

MOVED = {
    "invoicekit.onlyoffice": ("OnlyOfficeClient", "OnlyOfficeSettings"),
    "invoicekit.gohighlevel": (
        "GoHighLevelClient", "GoHighLevelSettings", "InsufficientScopeError", "InvalidGrantError",
        "LocationInactiveError", "OAuthTokens",
    ),
}


def _fresh_interpreter(code: str) -> object:
    """Run ``code`` in a new interpreter (nothing imported yet) and return what it prints as JSON."""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def test_import_invoicekit_loads_no_adapter() -> None:
    loaded = _fresh_interpreter(
        "import json, sys, invoicekit; print(json.dumps(sorted(m for m in sys.modules if m.startswith('invoicekit'))))"
    )
    assert isinstance(loaded, list)
    packages = {m.split(".")[1] for m in loaded if m.count(".")}
    assert not packages & {"onlyoffice", "gohighlevel", "_http", "testing", "cli"}


def test_an_adapter_is_imported_when_a_config_first_names_it() -> None:
    loaded = _fresh_interpreter(
        "import json, sys, invoicekit\n"
        "client = invoicekit.connect({'provider': 'ghl', 'location_id': 'Jx9kP2mQ7rT4vW8yZ3aB', 'token': 't-000001'})\n"
        "print(json.dumps([type(client).__module__, sorted(m for m in sys.modules if m.startswith('invoicekit.'))]))"
    )
    assert isinstance(loaded, list)
    module, modules = loaded
    assert module == "invoicekit.gohighlevel.client"
    assert "invoicekit.gohighlevel" in modules
    assert not [m for m in modules if m.startswith("invoicekit.onlyoffice")]


def test_every_name_in_all_exists_and_all_is_sorted_without_duplicates() -> None:
    missing = [name for name in invoicekit.__all__ if not hasattr(invoicekit, name)]
    assert missing == []
    assert len(set(invoicekit.__all__)) == len(invoicekit.__all__)
    for package in (invoicekit.onlyoffice, invoicekit.gohighlevel):
        assert [name for name in package.__all__ if not hasattr(package, name)] == []


def test_provider_only_names_live_in_their_adapter_package() -> None:
    for module_name, names in MOVED.items():
        module = sys.modules[module_name]
        for name in names:
            assert name not in invoicekit.__all__
            assert name in module.__all__
            assert name not in vars(invoicekit)


@pytest.mark.parametrize(("module_name", "name"), [(m, n) for m, names in MOVED.items() for n in names])
def test_the_old_top_level_spelling_still_works_with_a_deprecation_warning(module_name: str, name: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"invoicekit\.{name} moved to {module_name}\.{name}"):
        value = getattr(invoicekit, name)
    assert value is getattr(sys.modules[module_name], name)


def test_an_unknown_attribute_is_still_an_attribute_error() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AttributeError, match="no attribute 'Nope'"):
            invoicekit.Nope  # type: ignore[attr-defined]  # noqa: B018


def test_the_registry_knows_the_builtin_names_without_importing_them() -> None:
    assert registry.builtin_providers() == ("onlyoffice", "gohighlevel")
    assert {"onlyoffice", "gohighlevel", "ghl"} <= set(registry.provider_names())
    assert registry.get_provider("GHL ") is registry.get_provider("gohighlevel") is invoicekit.gohighlevel.PROVIDER


def test_an_unknown_provider_is_a_config_error_naming_the_known_ones() -> None:
    with pytest.raises(invoicekit.ConfigError, match=r"unknown provider 'acme' \(known: .*gohighlevel.*onlyoffice"):
        registry.get_provider("acme")


def test_the_adapter_api_exports_what_the_builtin_adapters_are_built_from() -> None:
    import invoicekit.adapter as adapter
    from invoicekit._http.runner import RequestRunner
    from invoicekit._http.transport import HttpTransport

    assert [name for name in adapter.__all__ if not hasattr(adapter, name)] == []
    assert adapter.RequestRunner is RequestRunner and adapter.HttpTransport is HttpTransport
    assert adapter.register_provider is invoicekit.register_provider


def test_help_invoicekit_is_one_readable_page_naming_every_public_name() -> None:
    import pydoc
    import re

    page = pydoc.render_doc(invoicekit, renderer=pydoc.plaintext)
    assert len(page.splitlines()) < 150  # was 4,700: every class's full page, inherited methods and all
    words = set(re.findall(r"\w+", invoicekit.__doc__ or ""))
    assert [name for name in invoicekit.__all__ if name not in words and name != "__version__"] == []
    assert "connect(config" in page and "VERSION" in page


def test_dir_leaves_the_classes_to_all_but_keeps_everything_reachable() -> None:
    listed = dir(invoicekit)
    assert {"connect", "load_config", "config_from_env", "register_provider", "__version__", "errors"} <= set(listed)
    assert "Invoice" not in listed and "__getattr__" not in listed
    assert all(hasattr(invoicekit, name) for name in invoicekit.__all__)
    namespace: dict[str, object] = {}
    exec("from invoicekit import *", namespace)
    assert set(invoicekit.__all__) <= set(namespace)
