"""The neutral events package loads no adapter: GoHighLevel's webhook code sits in its adapter
and is reached through lazy re-exports."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import invoicekit.events
import invoicekit.gohighlevel.webhooks as ghl_webhooks


def _modules_after(code: str) -> set[str]:
    """The invoicekit modules a fresh interpreter has loaded after running ``code``."""
    probe = textwrap.dedent(code) + textwrap.dedent("""
        import sys
        print("\\n".join(sorted(m for m in sys.modules if m.startswith("invoicekit"))))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    return set(done.stdout.split())


def test_importing_the_events_package_loads_no_gohighlevel_code() -> None:
    loaded = _modules_after("import invoicekit.events")
    assert "invoicekit.events.watch" in loaded
    assert not {m for m in loaded if m.startswith("invoicekit.gohighlevel")}


def test_watching_an_onlyoffice_portal_loads_no_gohighlevel_code() -> None:
    loaded = _modules_after("""
        import asyncio
        from contextlib import aclosing

        import invoicekit
        from invoicekit.testing import OnlyOfficeSimulator

        async def main() -> None:
            simulator = OnlyOfficeSimulator(invoices=3)
            async with simulator.run():
                async with invoicekit.connect(simulator.client_config()) as client:
                    async with aclosing(client.watch(interval=1, polls=1, emit_existing=True)) as stream:
                        events = [event async for event in stream]
            assert len(events) >= 3, events

        asyncio.run(main())
    """)
    assert "invoicekit.onlyoffice.client" in loaded
    assert not {m for m in loaded if m.startswith("invoicekit.gohighlevel")}


def test_the_webhook_names_stay_importable_from_the_events_package() -> None:
    from invoicekit.events import WebhookError, WebhookVerifier, verify_and_parse, webhook_handler

    assert WebhookVerifier is ghl_webhooks.WebhookVerifier
    assert WebhookError is ghl_webhooks.WebhookError
    assert verify_and_parse is ghl_webhooks.verify_and_parse
    assert webhook_handler is ghl_webhooks.webhook_handler
    assert set(invoicekit.events.__all__) >= {"InvoiceEvent", "InvoiceWatcher", "WebhookVerifier", "AppInstall"}
    for name in invoicekit.events.__all__:
        assert getattr(invoicekit.events, name) is not None
