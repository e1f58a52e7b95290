"""Config builders for the real adapter clients against the simulators of invoicekit.testing."""

from __future__ import annotations

from typing import Any

from invoicekit.testing import GoHighLevelSimulator, OnlyOfficeSimulator


def oo_config(sim: OnlyOfficeSimulator, url: str, **extra: Any) -> dict[str, Any]:
    return {"provider": "onlyoffice", "base_url": url, "token": sim.token, "default_item_id": 1,
            "max_retries": 0, **extra}


def oo_login_config(sim: OnlyOfficeSimulator, url: str, **extra: Any) -> dict[str, Any]:
    return {"provider": "onlyoffice", "base_url": url, "username": sim.username, "password": sim.password,
            "default_item_id": 1, "max_retries": 0, **extra}


def ghl_config(sim: GoHighLevelSimulator, url: str, *, oauth: bool = False, **extra: Any) -> dict[str, Any]:
    auth: dict[str, Any] = (
        {"client_id": sim.client_id, "client_secret": sim.client_secret, "refresh_token": sim.refresh_token}
        if oauth else {"token": sim.token}
    )
    return {"provider": "gohighlevel", "base_url": url, "location_id": sim.location_id, "user_id": sim.user_id,
            "business": {"name": "Acme Studio LLC"}, "default_name": "Monthly retainer", "max_retries": 0,
            **auth, **extra}


def ghl_invoice_id(sim: GoHighLevelSimulator) -> str:
    return next(iter(sim.store.invoices))
