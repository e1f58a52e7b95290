"""The location's own invoice defaults (``GET /invoices/settings``), for what a draft leaves out.

A neutral draft may have no terms. GoHighLevel takes an invoice without, but a location has
default terms of its own (``termsNote`` of GetInvoiceSettingsResponseDto, the ones its invoice
editor fills in): a draft without terms, on a client without the ``default_terms`` setting, gets
those, as ONLYOFFICE's drafts get the portal's (:mod:`invoicekit.onlyoffice.portal_settings`).
They are read once per client (and its ``with_options`` views) and kept, blank ones included:
GoHighLevel needs no terms, so "none" is an answer too, not a reason to ask again.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from .._http.messages import Request, Response
from .decode import json_object, malformed
from .terms import terms_text

__all__ = ["LocationSettings"]

#: ``client._call``: (operation, method, path, params=...) -> the request and its answer.
Call = Callable[..., Awaitable[tuple[Request, Response]]]


class LocationSettings:
    """The location's invoice settings that drafts fall back on (one per client)."""

    def __init__(self, call: Call, alt_query: Mapping[str, str]) -> None:
        self._call = call
        self._alt_query = alt_query
        #: What was read (``"terms_notes"``, None included), shared with the copies :meth:`bound_to` makes.
        self._known: dict[str, str | None] = {}

    def bound_to(self, call: Call) -> LocationSettings:
        """These settings (the same cache) read with a ``with_options`` view's ``_call``."""
        view = copy.copy(self)
        view._call = call
        return view

    async def terms_notes(self) -> str | None:
        """The location's default terms as GoHighLevel stores them (HTML, sent as they are);
        None when they are blank or absent: the invoice then has no terms."""
        if "terms_notes" not in self._known:
            request, response = await self._call("invoice_settings", "GET", "invoices/settings",
                                                 params=self._alt_query)
            note: Any = json_object(request, response).get("termsNote")
            if note is not None and not isinstance(note, str):
                raise malformed(request, response, "the invoice settings' termsNote is not text")
            self._known["terms_notes"] = note if note and terms_text(note) is not None else None
        return self._known["terms_notes"]
