"""The public API for writing an adapter: everything a provider package needs, in one import.

The built-in adapters (:mod:`invoicekit.onlyoffice`, :mod:`invoicekit.gohighlevel`) are built
from these same parts; a third adapter imports them from here and never from a private module.
README's "Writing an adapter" walks through a complete one. The parts, in the order a request
meets them:

- settings: a frozen class with a ``provider`` class attribute and ``from_mapping``, read with
  :class:`SettingsReader` (typed values, errors that name the key, unknown keys refused) and
  holding credentials as :class:`Secret`; :class:`ClientOptions` are the transport knobs every
  provider accepts (``reader.options()``).
- the client: a subclass of :class:`InvoiceClient`, registered under the provider's name with
  :func:`register_provider` and a :class:`ProviderEntry`, so that ``invoicekit.connect`` builds
  it from a config mapping. Its ``rules`` class attribute, a :class:`ProviderRules`, declares
  the provider's limits and id rule as data (``client.parse_id`` uses it).
- a request: a :class:`Request` value (operation, method, percent-encoded path, query, body),
  run by a :class:`RequestRunner`, which adds the credentials of an :class:`AuthStrategy`
  (:class:`StaticAuth` for a fixed header), sends it through the :class:`HttpTransport` (one
  aiohttp session, timeouts, size limit, concurrency), retries per the :class:`RetryPolicy`
  built from the options, and turns an error answer into a typed error with the adapter's
  ``decode_error(request, response)`` (start from :func:`error_class_for_status`).
- an answer: a :class:`Response` (status, headers, whole body), decoded by the adapter with the
  serde helpers: :func:`loads_json` (numbers with a fraction become exact ``Decimal``),
  :func:`parse_decimal`, :func:`parse_int`, :func:`parse_date`, :func:`parse_datetime`,
  :func:`parse_bool`, :func:`make_wire_converter` (a cattrs converter with those hooks) and
  :func:`excerpt` (a short, safe piece of a body for error messages).

``client.contacts`` is a :class:`ContactsResource` subclass implementing ``_checked_id``,
``_get``, ``_find_by_email`` and ``_create_person``; the neutral checks and rules are inherited.

Batch operations check their ids with :func:`checked_batch_ids`; :func:`get_logger` gives a
logger whose records have credentials masked. :meth:`InvoiceClient.list` checks its arguments
and calls the adapter's ``_list(filters, plan)``: a :class:`ListFilters` (dates, contact,
currency, search, page size, provider-only filters named by ``provider_filter_names``) and a
:class:`ListingPlan` (statuses among ``listed_statuses``, order, limit, with_lines, snapshot),
whose ``run`` the adapter gives one listing per status. :meth:`InvoiceClient.create` and
:meth:`InvoiceClient.update` check the draft or changes (their type, the client's ``rules``:
:class:`ProviderRules`) and call the adapter's ``_create(draft)`` and ``_update(id, changes)``.
Status rules are a :class:`StateMachine` (a :class:`StateRule` per operation, see
:mod:`invoicekit.states`) set as the client's ``state_machine``; its ``check`` after reading the
invoice raises InvalidStateError before the write is sent.
"""

from ._http.auth import AuthStrategy, StaticAuth
from ._http.messages import JSON_CONTENT_TYPES, Request, Response
from ._http.retry import RetryPolicy, parse_retry_after, retry_after_from_headers
from ._http.runner import ErrorDecoder, RequestRunner
from ._http.transport import HttpTransport, normalise_base_url
from ._log import get_logger
from ._serde import (
    dumps_json,
    excerpt,
    loads_json,
    make_wire_converter,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_int,
)
from .client import InvoiceClient, checked_batch_ids
from .contacts import ContactsResource
from .errors import error_class_for_status
from .listing import ListFilters, ListingPlan, page_size_for
from .options import ClientOptions
from .registry import ProviderEntry, ProviderSettings, register_provider
from .rules import ProviderRules
from .secret import Secret, to_secret
from .settings import SettingsReader
from .states import StateMachine, StateRule

__all__ = [
    "JSON_CONTENT_TYPES",
    "AuthStrategy",
    "ClientOptions",
    "ContactsResource",
    "ErrorDecoder",
    "HttpTransport",
    "InvoiceClient",
    "ListFilters",
    "ListingPlan",
    "ProviderEntry",
    "ProviderRules",
    "ProviderSettings",
    "Request",
    "RequestRunner",
    "Response",
    "RetryPolicy",
    "Secret",
    "SettingsReader",
    "StateMachine",
    "StateRule",
    "StaticAuth",
    "checked_batch_ids",
    "dumps_json",
    "error_class_for_status",
    "excerpt",
    "get_logger",
    "loads_json",
    "make_wire_converter",
    "normalise_base_url",
    "page_size_for",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_int",
    "parse_retry_after",
    "register_provider",
    "retry_after_from_headers",
    "to_secret",
]
