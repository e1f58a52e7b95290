"""The pytest plugin as a user meets it: pytester runs small test files of "a user's project"
(in-process, with ``filterwarnings = error`` like ours) and the fixtures must just work."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

INI_AUTO = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


def run(pytester: pytest.Pytester, source: str, *, ini: str = INI_AUTO, args: tuple[str, ...] = ()) -> pytest.RunResult:
    pytester.makeini(ini)
    pytester.makepyfile(test_user=source)
    # No hypothesis plugin: it would re-import hypothesis (~1.5 s) on every inner run.
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    found = [e for e in entry_points(group="pytest11") if e.name == "invoicekit"]
    assert [e.value for e in found] == ["invoicekit.testing.pytest_plugin"]


def test_a_users_service_test_runs_on_both_simulators_without_mocks(pytester: pytest.Pytester) -> None:
    result = run(pytester, '''
        from datetime import date
        from decimal import Decimal

        from invoicekit import InvoiceDraft, InvoiceStatus, LineItem
        from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator


        async def bill(client, contact):
            draft = InvoiceDraft(
                currency="USD", contact=contact, issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31),
                terms="Net 30", lines=[LineItem(name="Retainer", quantity=Decimal(1), unit_price=Decimal("1200.00"))],
            )
            created = await client.create(draft)
            return await client.send(created.id)


        async def test_onlyoffice(onlyoffice_client, onlyoffice_contact, onlyoffice_simulator):
            assert isinstance(onlyoffice_simulator, OnlyOfficeSimulator)
            assert onlyoffice_simulator.url.startswith("http://127.0.0.1:")
            sent = await bill(onlyoffice_client, onlyoffice_contact)
            assert sent.status is InvoiceStatus.SENT and sent.total == Decimal("1200.00")
            assert onlyoffice_simulator.invoice(sent.id).status == 2  # Billed, in the simulator's store
            assert onlyoffice_simulator.count("POST", "/api/2.0/crm/invoice.json") == 1


        async def test_gohighlevel(gohighlevel_client, gohighlevel_contact, gohighlevel_simulator, gohighlevel_config):
            assert isinstance(gohighlevel_simulator, GoHighLevelSimulator)
            assert gohighlevel_config["base_url"] == gohighlevel_simulator.url
            sent = await bill(gohighlevel_client, gohighlevel_contact)
            assert sent.status is InvoiceStatus.SENT
            assert gohighlevel_simulator.invoice(sent.id).status == "sent"
    ''')
    result.assert_outcomes(passed=2)


def test_invoicekit_client_runs_a_test_once_per_provider(pytester: pytest.Pytester) -> None:
    result = run(pytester, '''
        import invoicekit

        async def test_listing(invoicekit_provider, invoicekit_client, invoicekit_simulator, invoicekit_contact):
            assert invoicekit_client.provider == invoicekit_provider == invoicekit_simulator.provider
            assert len([i async for i in invoicekit_client.list(page_size=2)]) == 5  # the seeded invoices

        async def test_connect_yourself(invoicekit_config, invoicekit_provider):
            async with invoicekit.connect(invoicekit_config) as client:
                assert client.provider == invoicekit_provider
    ''', args=("-v",))
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*test_listing?onlyoffice? PASSED*", "*test_listing?gohighlevel? PASSED*"])


def test_markers_choose_format_login_auth_and_simulator_arguments(pytester: pytest.Pytester) -> None:
    result = run(pytester, '''
        import pytest

        @pytest.mark.invoicekit_onlyoffice(response_format="xml", login=True, invoices=12, config={"max_retries": 0})
        async def test_onlyoffice_xml(onlyoffice_client, onlyoffice_simulator, onlyoffice_config):
            assert onlyoffice_config["response_format"] == "xml" and onlyoffice_config["max_retries"] == 0
            assert "token" not in onlyoffice_config and onlyoffice_config["username"] == "admin@example.com"
            assert len([i async for i in onlyoffice_client.list(page_size=5)]) == 12
            paths = [r.path for r in onlyoffice_simulator.requests]
            assert paths[0] == "/api/2.0/authentication.json"
            assert paths[1:] and all(p.endswith(".xml") for p in paths[1:])

        @pytest.mark.invoicekit_gohighlevel(auth="oauth", invoices=0)
        async def test_gohighlevel_oauth(gohighlevel_client, gohighlevel_simulator):
            assert [i async for i in gohighlevel_client.list()] == []
            assert gohighlevel_simulator.count("POST", "/oauth/token") == 1

        async def test_defaults(onlyoffice_config, gohighlevel_config):
            assert onlyoffice_config["response_format"] == "json" and "token" in onlyoffice_config
            assert "token" in gohighlevel_config and "refresh_token" not in gohighlevel_config
    ''')
    result.assert_outcomes(passed=3)


def test_ini_options_set_the_project_defaults(pytester: pytest.Pytester) -> None:
    ini = INI_AUTO + "invoicekit_onlyoffice_format = xml\ninvoicekit_gohighlevel_auth = oauth\n"
    result = run(pytester, '''
        async def test_defaults(onlyoffice_config, gohighlevel_config):
            assert onlyoffice_config["response_format"] == "xml"
            assert "refresh_token" in gohighlevel_config and "token" not in gohighlevel_config
    ''', ini=ini)
    result.assert_outcomes(passed=1)


def test_a_bad_marker_value_fails_the_test_with_a_message(pytester: pytest.Pytester) -> None:
    result = run(pytester, '''
        import pytest

        @pytest.mark.invoicekit_onlyoffice(response_format="yaml")
        def test_bad(onlyoffice_config):
            pass
    ''')
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the ONLYOFFICE response format must be json or xml, not 'yaml'*"])


def test_strict_mode_works_with_marked_tests(pytester: pytest.Pytester) -> None:
    ini = "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\nfilterwarnings = error\n"
    result = run(pytester, '''
        import pytest

        @pytest.mark.asyncio
        async def test_get(onlyoffice_client):
            assert (await onlyoffice_client.get(1)).id == 1
    ''', ini=ini)
    result.assert_outcomes(passed=1)


def test_a_third_party_runs_the_conformance_suite_in_strict_mode(pytester: pytest.Pytester) -> None:
    ini = "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\nfilterwarnings = error\n"
    result = run(pytester, '''
        from invoicekit.testing import ConformanceSuite, OnlyOfficeSimulatorHarness

        class MyHarness(OnlyOfficeSimulatorHarness):
            pass  # a third party implements ProviderHarness for its own adapter

        class TestMyAdapter(ConformanceSuite):
            def make_harness(self):
                return MyHarness()
    ''', ini=ini, args=("-k", "round_trip or paging_across or unlisted or forbidden"))
    result.assert_outcomes(passed=4)


def test_without_pytest_asyncio_only_the_fixtures_fail_and_they_say_why(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    pytester.makepyfile(test_user='''
        def test_unrelated():
            assert True

        def test_uses_the_client(onlyoffice_client):
            pass
    ''')
    # pytest-asyncio made unimportable, and its plugin not loaded: as in a project without it.
    code = """if True:
        import sys

        class NoPytestAsyncio:
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] == "pytest_asyncio":
                    raise ModuleNotFoundError(f"No module named {name!r}")

        sys.meta_path.insert(0, NoPytestAsyncio())
        import pytest
        # --assert=plain: the rewrite hook would otherwise find pytest_asyncio before this finder.
        plugins = ["-p", "no:asyncio", "-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
        sys.exit(pytest.main([*plugins, "--assert=plain"]))
    """
    result = pytester.run(sys.executable, "-c", code)
    result.stdout.fnmatch_lines(
        ["*the onlyoffice_simulator fixture (invoicekit) needs pytest-asyncio: pip install pytest-asyncio*",
         "*1 passed, 1 error*"]
    )


async def test_simulator_url_is_set_only_while_serving() -> None:
    from invoicekit.testing import GoHighLevelSimulator

    sim = GoHighLevelSimulator()
    assert sim.url is None
    async with sim.run() as url:
        assert sim.url == url
    assert sim.url is None
