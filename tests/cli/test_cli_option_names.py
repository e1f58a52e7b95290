"""A refused value is named by the option the user typed, not by the library's parameter.

``invoices list --contact x`` said ``contact_id: ...`` and ``--page-size 5000`` said
``page_size: ...``: names the user never typed. Every command now reports the option (or the
positional argument) that fed the parameter, end to end against the built-in simulators.
"""

from __future__ import annotations

import pytest

from .conftest import InvokeCli, Served

INVALID_REQUEST = 3


def refused(result: object, line: str) -> None:
    from .conftest import CliResult

    assert isinstance(result, CliResult)
    assert result.status == INVALID_REQUEST, (result.args, result.status, result.err)
    assert result.one_error_line() == line


@pytest.mark.parametrize(("args", "line"), [
    (("invoices", "list", "--contact", "x"), "--contact: must be a positive integer id, got 'x'"),
    (("invoices", "list", "--page-size", "5000"), "--page-size: must be an integer within 1..1000"),
    (("export", "--contact", "0", "--quiet"), "--contact: must be a positive integer id, got '0'"),
    (("invoices", "get", "abc"), "ID: must be a positive integer id, got 'abc'"),
    (("invoices", "send", "-5"), "ID: must be a positive integer id, got '-5'"),
    (("invoices", "delete", "7", "7", "--yes"), "ID: 7 is listed twice"),
])
async def test_onlyoffice_refusals_name_the_option(
    served: Served, invoke: InvokeCli, args: tuple[str, ...], line: str
) -> None:
    refused(await invoke(*args, "--config", str(served.config), "--profile", "oo"), line)
    assert served.onlyoffice.requests == []


@pytest.mark.parametrize("profile", ["oo", "ghl"])
@pytest.mark.parametrize(("args", "line"), [
    (("invoices", "list", "--issued-from", "2026-03-02", "--issued-to", "2026-03-01"),
     "--issued-to: 2026-03-01 is before --issued-from (2026-03-02); both bounds are inclusive, so nothing could match"),
    (("export", "--due-from", "2026-03-02", "--due-to", "2026-03-01", "--quiet"),
     "--due-to: 2026-03-01 is before --due-from (2026-03-02); both bounds are inclusive, so nothing could match"),
    (("invoices", "list", "--currency", "XYZ"), "--currency: 'XYZ' is not an ISO 4217 currency code"),
    (("invoices", "record-payment", "8", "--amount", "0"), "--amount: must be greater than 0"),
])
async def test_refusals_name_the_option_on_both_providers(
    served: Served, invoke: InvokeCli, profile: str, args: tuple[str, ...], line: str
) -> None:
    refused(await invoke(*args, "--config", str(served.config), "--profile", profile), line)
    assert served.onlyoffice.requests == [] and served.ghl.requests == []
