"""What the library hands out survives pickle and copy.deepcopy, on every provider.

A service moves invoices and errors across process boundaries (a process pool, a job queue that
pickles results and exceptions) and deep-copies them. Before this, an invoice holding a line could
not be pickled or deep-copied (a line's ``raw`` is a read-only view, which pickle refuses), and
an API error failed when it was loaded again (Exception's own pickling calls the class with its
message alone; the error's status, provider and URL are keyword-only).
"""

from __future__ import annotations

import copy
import importlib
import json
import pickle
import pkgutil
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs
import pytest

import invoicekit
from invoicekit import (
    BatchError,
    Contact,
    Invoice,
    InvoiceChanges,
    InvoiceClient,
    InvoiceDraft,
    InvoiceKitError,
    InvoiceStatus,
    LineItem,
    NotFoundError,
)
from invoicekit._checks import frozen_mapping as _frozen_mapping
from invoicekit._serde import dumps_json
from invoicekit.events import (
    AppInstall,
    AppUninstall,
    EventKind,
    InvoiceEvent,
    MissingExtraError,
    OtherWebhook,
    WebhookError,
)
from invoicekit.testing import Simulator

from .test_both_providers import draft_values

COPIES: dict[str, Callable[[Any], Any]] = {
    "pickle": lambda value: pickle.loads(pickle.dumps(value)),
    "deepcopy": copy.deepcopy,
    "copy": copy.copy,
}


def assert_same_model(copied: Any, original: Any) -> None:
    """Equal, of the same class, and every mapping field (``raw``, ``extra``) equal and of the
    same kind: a read-only view stays read-only, a dict a dict."""
    assert type(copied) is type(original)
    assert copied == original
    for a in attrs.fields(type(original)):
        value = getattr(original, a.name)
        if isinstance(value, Mapping):
            assert type(getattr(copied, a.name)) is type(value), a.name
            assert getattr(copied, a.name) == value, a.name


@pytest.mark.parametrize("how", list(COPIES))
async def test_an_invoice_read_back_survives_pickle_and_copies(
    invoicekit_client: InvoiceClient, invoicekit_contact: Contact, how: str
) -> None:
    created = await invoicekit_client.create(InvoiceDraft(**draft_values(invoicekit_contact)))
    invoice = await invoicekit_client.get(created.id)
    assert invoice.lines and invoice.raw and invoice.lines[0].raw  # the views pickle used to refuse

    copied = COPIES[how](invoice)

    assert_same_model(copied, invoice)
    assert copied.raw == invoice.raw
    for line, original in zip(copied.lines or (), invoice.lines, strict=True):
        assert_same_model(line, original)
        assert line.raw == original.raw
        with pytest.raises(TypeError):
            line.raw["name"] = "changed"  # type: ignore[index]  # still read-only
    listed = [each async for each in invoicekit_client.list()]
    assert [COPIES[how](each) for each in listed] == listed


def test_drafts_changes_and_hand_built_invoices_survive_pickle_and_copies() -> None:
    line = LineItem(name="Consulting", quantity=Decimal(2), unit_price=Decimal("360.00"), raw={"sku": "C-1"})
    values = {
        "id": 7, "provider": "onlyoffice", "status": InvoiceStatus.SENT, "currency": "EUR", "lines": (line,),
        "total": Decimal("720.00"), "issue_date": date(2026, 11, 21),
        "created_at": datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
    }
    models = [
        Invoice(**values),  # raw left at its default: an empty view
        Invoice(**values, raw={"id": 7}),
        InvoiceDraft(currency="EUR", lines=[line], extra={"purchaseOrderNumber": "PO-1"}),
        InvoiceChanges(terms="Net 30", extra={"language": "de-DE"}),
    ]
    for model in models:
        for how, copy_of in COPIES.items():
            copied = copy_of(model)
            assert_same_model(copied, model)
            if getattr(model, "lines", None):
                assert [dict(each.raw) for each in copied.lines] == [{"sku": "C-1"}], how


@pytest.mark.parametrize("how", list(COPIES))
def test_events_and_webhooks_survive_pickle_and_copies(how: str) -> None:
    now = datetime(2025, 1, 28, 14, 35, 30, tzinfo=UTC)
    invoice = Invoice(id="inv1", provider="gohighlevel", status=InvoiceStatus.PAID, raw={"_id": "inv1"})
    events = [
        InvoiceEvent(provider="gohighlevel", kind=EventKind.PAID, invoice_id="inv1", occurred_at=now,
                     delivery_id="wh-1", invoice=invoice, raw=MappingProxyType({"type": "InvoicePaid"})),
        InvoiceEvent(provider="onlyoffice", kind=EventKind.DELETED, invoice_id=7, occurred_at=now, delivery_id="p-1"),
        AppInstall(provider="gohighlevel", app_id="app", delivery_id="wh-2", occurred_at=now, location_id="loc",
                   raw=MappingProxyType({"type": "INSTALL", "trial": {"onTrial": True}})),
        AppUninstall(provider="gohighlevel", app_id="app", delivery_id="wh-3", occurred_at=now, company_id="co"),
        OtherWebhook(provider="gohighlevel", type="ContactCreate", delivery_id="wh-4", occurred_at=now,
                     raw=MappingProxyType({"id": "c1"})),
    ]
    for event in events:
        copied = COPIES[how](event)
        assert_same_model(copied, event)
        assert copied.raw == event.raw


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
async def test_an_api_error_survives_pickle_with_its_attributes_on_every_provider(
    invoicekit_client: InvoiceClient, invoicekit_config: dict[str, Any], how: str
) -> None:
    missing: Any = 999_999 if invoicekit_client.provider == "onlyoffice" else "6578278e879ad2646715ffff"
    with pytest.raises(NotFoundError) as caught:
        await invoicekit_client.get(missing)
    error = caught.value
    error.add_note("while reconciling")

    copied = COPIES[how](error)

    assert type(copied) is NotFoundError
    assert (str(copied), repr(copied), copied.args) == (str(error), repr(error), error.args)
    assert vars(copied) == vars(error)  # status, provider, method, url, body, attempts, notes...
    assert (copied.provider, copied.method, copied.url) == (invoicekit_client.provider, "GET", error.url)
    # What is pickled is what the error shows: no credential of the client's configuration.
    saved = pickle.dumps(error)
    for key in ("token", "password", "client_secret", "refresh_token"):
        if isinstance(invoicekit_config.get(key), str):
            assert invoicekit_config[key].encode() not in saved, key


def test_every_error_class_and_a_batch_error_survive_pickle() -> None:
    invoice = Invoice(id=7, provider="onlyoffice", status=InvoiceStatus.PAID,
                      lines=(LineItem(name="Consulting", raw={"id": 1}),))
    failure = NotFoundError("no such invoice", status=404, provider="onlyoffice", method="DELETE", url="https://x/8")
    failure.attempts = 2
    batch = BatchError("delete_many", succeeded=[invoice], failures={8: failure})
    batch.created_invoice_id = 9

    for how in ("pickle", "deepcopy"):
        copied = COPIES[how](batch)
        assert type(copied) is BatchError and str(copied) == str(batch)
        assert copied.succeeded == batch.succeeded and copied.created_invoice_id == 9
        assert type(copied.failures[8]) is NotFoundError and vars(copied.failures[8]) == vars(failure)


def _public_attrs_classes() -> list[type]:
    classes: dict[str, type] = {}
    names = ["invoicekit", *(module.name for module in pkgutil.walk_packages(invoicekit.__path__, "invoicekit."))]
    for name in names:
        if ".testing" in name or name.endswith("__main__"):
            continue
        loaded = importlib.import_module(name)
        for public in getattr(loaded, "__all__", ()):
            value = getattr(loaded, public)
            if isinstance(value, type) and attrs.has(value):
                classes[f"{value.__module__}.{value.__qualname__}"] = value
    return list(classes.values())


def _holds_views(cls: type) -> bool:
    return any(
        isinstance(a.default, MappingProxyType) or getattr(a.converter, "converter", None) is _frozen_mapping
        for a in attrs.fields(cls)
    )


def test_every_public_class_that_holds_a_view_pickles_it() -> None:
    """A public class that gains a read-only mapping field (a view by default or by its
    converter) must pickle it too: the tests above round-trip each one found here today."""
    holding = [cls for cls in _public_attrs_classes() if _holds_views(cls)]
    assert {cls.__name__ for cls in holding} >= {"Invoice", "LineItem", "InvoiceDraft", "InvoiceEvent"}
    for cls in holding:
        state = cls.__getstate__
        assert state.__module__ == "invoicekit._copying", f"{cls.__qualname__} pickles views with attrs' own state"


def test_a_pickled_error_of_another_invoicekit_kind_loads_as_its_own_class() -> None:
    errors: list[InvoiceKitError] = [
        invoicekit.InvalidRequestError("bad total", field="total"), invoicekit.ConfigError("no", key="k"),
        invoicekit.ClientClosedError("closed"), invoicekit.StateStoreError("the store is read-only"),
        WebhookError("bad_signature", "no configured key verifies it"),  # two arguments, one message
        MissingExtraError("pip install 'invoicekit[webhooks]'"),
    ]
    for error in errors:
        copied: InvoiceKitError = pickle.loads(pickle.dumps(error))
        assert type(copied) is type(error) and vars(copied) == vars(error) and str(copied) == str(error)



def test_a_json_body_writes_a_read_only_view_as_an_object() -> None:
    """``extra`` built from a model's ``raw`` nests read-only views: GoHighLevel's JSON body
    failed with a bare "cannot encode mappingproxy as JSON" (ONLYOFFICE copies its extras)."""
    body = {"discount": MappingProxyType({"type": "percentage", "value": 10, "x": MappingProxyType({"y": [1]})})}
    assert json.loads(dumps_json(body)) == {"discount": {"type": "percentage", "value": 10, "x": {"y": [1]}}}


async def test_a_gohighlevel_create_sends_a_view_inside_extra_as_an_object(gohighlevel_client: InvoiceClient,
        gohighlevel_simulator: Simulator, gohighlevel_contact: Contact) -> None:
    extra = {"discount": MappingProxyType({"type": "percentage", "value": 10})}
    created = await gohighlevel_client.create(InvoiceDraft(**draft_values(gohighlevel_contact), extra=extra))
    sent = next(r for r in gohighlevel_simulator.requests if r.method == "POST")
    assert sent.json()["discount"] == {"type": "percentage", "value": 10}
    assert created.total == Decimal("324.00")  # 360 less 10%
