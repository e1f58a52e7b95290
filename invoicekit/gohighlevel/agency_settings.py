"""The settings of a GoHighLevel agency (company) install: checked with the others."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError

PROVIDER_NAME = "gohighlevel"
USER_TYPES = ("Location", "Company")


def check_agency(settings: Any) -> None:
    """``user_type`` is Location or Company; Company needs OAuth and ``company_id``."""
    if settings.user_type not in USER_TYPES:
        raise ConfigError(f"{PROVIDER_NAME}: setting 'user_type' must be Location or Company", key="user_type")
    if settings.company_id is not None and any(ch in settings.company_id for ch in "/?#&= \t\r\n"):
        raise ConfigError(f"{PROVIDER_NAME}: setting 'company_id' is not a GHL id", key="company_id")
    if settings.user_type == "Company":
        if settings.token is not None:
            raise ConfigError(
                f"{PROVIDER_NAME}: user_type 'Company' needs the agency's OAuth settings, not 'token'", key="token"
            )
        if not settings.company_id:
            raise ConfigError(
                f"{PROVIDER_NAME}: user_type 'Company' (an agency install) needs 'company_id'", key="company_id"
            )


__all__ = ["USER_TYPES", "check_agency"]
