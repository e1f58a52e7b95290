"""The portal's own invoice defaults (``GET crm/invoice/settings``), for what a draft leaves out.

ONLYOFFICE refuses an invoice without terms, and a neutral draft may have none. The portal has
default terms of its own, the ones its web form fills in (InvoiceSetting ``terms``): a draft
without terms, on a client without the ``default_terms`` setting, gets those. They are read once
per client (and its ``with_options`` views) and kept; blank ones are not kept, so terms an
administrator sets later are found by the next create.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from ..errors import InvalidRequestError
from .errors import malformed
from .items import Fetch, MakeRequest

__all__ = ["PortalSettings"]


class PortalSettings:
    """The portal's invoice settings that drafts fall back on (one per client)."""

    def __init__(self, request: MakeRequest, fetch: Fetch) -> None:
        self._request = request
        self._fetch = fetch
        #: What was read (``"terms"``), shared with the copies :meth:`bound_to` makes.
        self._known: dict[str, str] = {}

    def bound_to(self, request: MakeRequest, fetch: Fetch) -> PortalSettings:
        """These settings (the same cache) read with a ``with_options`` view's plumbing."""
        view = copy.copy(self)
        view._request, view._fetch = request, fetch
        return view

    async def terms(self) -> str:
        """The portal's default invoice terms; InvalidRequestError (field ``terms``) when they
        are blank: the invoice would be refused, so it is not sent."""
        terms = self._known.get("terms")
        if terms is None:
            request = self._request("invoice_settings", "GET", "crm/invoice/settings")
            envelope, response = await self._fetch(request)
            data = envelope.response
            if not isinstance(data, Mapping):
                raise malformed(request, response, f"the invoice settings are {type(data).__name__}, not an object")
            terms = data.get("terms")
            if terms is not None and not isinstance(terms, str):
                raise malformed(request, response, "the invoice settings' terms are not text")
            if not terms or not terms.strip():
                raise InvalidRequestError(
                    "is required by ONLYOFFICE: the draft has none, the default_terms setting is unset and the "
                    "portal's own invoice terms (crm/invoice/settings) are blank; set terms or default_terms",
                    field="terms",
                )
            self._known["terms"] = terms
        return terms
