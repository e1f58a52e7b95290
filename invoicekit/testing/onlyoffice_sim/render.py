"""ONLYOFFICE wire shapes: wrappers (camelCase), the envelope, its XML form, dates.

Everything here follows sections 5-7 of the reference: ``[DataMember]`` names camelCased the
Newtonsoft way, enums as integers, decimals with their scale, seven fractional digits and the
portal offset (``Z`` when zero), and XML produced from the JSON tree (root ``result``, lists as
repeated siblings, null as an empty element, lowercase booleans).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from .._jsonwire import dotnet_decimal, dumps
from .binder import ApiError
from .store import DRAFT, STATUS_TITLES, Contact, Currency, Invoice, Item, Line, Store, Tax

#: A contact's primary e-mail as a ContactInfoWrapper, or None when it has none.
PrimaryEmail = Callable[[int], dict[str, Any] | None]

ADMIN_ID = "93f2c3a8-7d3b-4a0e-9d4c-0c3c9b8e1a11"
_REASONS = {400: "Invalid arguments", 403: "Access denied", 404: "The record could not be found", 500: "Server error"}


def api_datetime(value: datetime, zone: timezone) -> str:
    """``yyyy-MM-ddTHH:mm:ss.fffffff`` in the portal zone, then ``Z`` or ``+hh:mm``."""
    local = value.astimezone(zone)
    offset = zone.utcoffset(None)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        suffix = "Z"
    else:
        sign = "+" if minutes > 0 else "-"
        suffix = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond:06d}0" + suffix


class Wrappers:
    """Builds wrapper trees for one request (the portal origin goes into URLs)."""

    def __init__(self, store: Store, origin: str, primary_email: PrimaryEmail | None = None) -> None:
        self.store = store
        self.origin = origin
        self._primary_email = primary_email

    def date(self, value: datetime) -> str:
        return api_datetime(value, self.store.zone)

    def employee(self) -> dict[str, Any]:
        return {
            "id": ADMIN_ID,
            "displayName": "Administrator",
            "title": "Portal owner",
            "avatarSmall": f"{self.origin}/skins/default/images/default_user_photo_size_32-32.png",
            "profileUrl": f"{self.origin}/Products/People/Profile.aspx?user=administrator",
        }

    def currency(self, currency: Currency | None) -> dict[str, Any] | None:
        if currency is None:
            return None
        return {
            "title": currency.title,
            "symbol": currency.symbol,
            "abbreviation": currency.abbreviation,
            "cultureName": currency.culture_name,
            "isConvertable": currency.is_convertable,
            "isBasic": currency.is_basic,
        }

    def contact(self, contact: Contact | None) -> dict[str, Any] | None:
        if contact is None:
            return None
        kind = "company" if contact.is_company else "person"
        return {
            "id": contact.id,
            "displayName": contact.display_name,
            "isCompany": contact.is_company,
            "isPrivate": False,
            "isShared": False,
            "shareType": 0,
            "currency": self.currency(self.store.currencies.get(contact.currency or "")),
            "smallFotoUrl": f"{self.origin}/skins/default/images/empty_people_logo_40_40_{kind}.png",
            "mediumFotoUrl": f"{self.origin}/skins/default/images/empty_people_logo_82_82_{kind}.png",
            "canEdit": True,
            "canDelete": False,
        }

    def contact_with_email(self, contact: Contact | None) -> dict[str, Any] | None:
        """ContactBaseWithEmailWrapper (``ToContactBaseWithEmailWrapper``), as invoices embed their
        contact and consignee: the base wrapper plus ``email``, the contact's first primary e-mail
        info, a member left out (``EmitDefaultValue = false``) when it has none."""
        wrapper = self.contact(contact)
        if contact is not None and wrapper is not None and self._primary_email is not None:
            email = self._primary_email(contact.id)
            if email is not None:
                wrapper["email"] = email
        return wrapper

    def entity(self, invoice: Invoice) -> dict[str, Any] | None:
        deal = self.store.opportunities.get(invoice.entity_id)
        if deal is None:
            return None
        return {"entityType": "opportunity", "entityId": deal.id, "entityTitle": deal.title}

    def invoice_base(self, invoice: Invoice) -> dict[str, Any]:
        store = self.store
        return {
            "id": invoice.id,
            "status": {"id": invoice.status, "title": STATUS_TITLES[invoice.status]},
            "number": invoice.number,
            "issueDate": self.date(invoice.issue_date),
            "templateType": invoice.template_type,
            "contact": self.contact_with_email(store.contacts.get(invoice.contact_id)),
            "consignee": self.contact_with_email(store.contacts.get(invoice.consignee_id)),
            "entity": self.entity(invoice),
            "dueDate": self.date(invoice.due_date),
            "language": invoice.language,
            "currency": self.currency(store.currencies.get(invoice.currency)),
            "exchangeRate": invoice.exchange_rate,
            "purchaseOrderNumber": invoice.purchase_order_number,
            "terms": invoice.terms,
            "description": invoice.description,
            "fileID": invoice.file_id,
            "createOn": self.date(invoice.create_on),
            "createBy": self.employee(),
            "cost": store.cost(invoice),
            "canEdit": invoice.status == DRAFT,
            "canDelete": True,
        }

    def invoice(self, invoice: Invoice) -> dict[str, Any]:
        wrapper = self.invoice_base(invoice)
        wrapper["invoiceLines"] = [self.line(line) for line in invoice.lines]
        return wrapper

    def thin_invoice(self, invoice: Invoice) -> dict[str, Any]:
        """``bynumber``: built without enrichment (no contact/consignee/entity/lines, cost 0)."""
        wrapper = self.invoice_base(invoice)
        wrapper.update(contact=None, consignee=None, entity=None, cost=Decimal("0.0"), invoiceLines=None)
        return wrapper

    @staticmethod
    def line(line: Line) -> dict[str, Any]:
        return {
            "id": line.id,
            "invoiceID": line.invoice_id,
            "invoiceItemID": line.item_id,
            "invoiceTax1ID": line.tax1_id,
            "invoiceTax2ID": line.tax2_id,
            "sortOrder": line.sort_order,
            "description": line.description,
            "quantity": line.quantity,
            "price": line.price,
            "discount": line.discount,
        }

    def tax(self, tax: Tax | None) -> dict[str, Any] | None:
        if tax is None:
            return None
        return {
            "id": tax.id,
            "name": tax.name,
            "description": tax.description,
            "rate": tax.rate,
            "createOn": self.date(datetime(2024, 1, 2, 9, 0, tzinfo=self.store.zone)),
            "createBy": self.employee(),
            "canEdit": True,
            "canDelete": False,
        }

    def item(self, item: Item) -> dict[str, Any]:
        return {
            "id": item.id,
            "title": item.title,
            "stockKeepingUnit": item.sku,
            "description": item.description,
            "price": item.price,
            "currency": self.currency(self.store.currencies["USD"]),
            "stockQuantity": item.stock_quantity,
            "trackInvenory": item.track_inventory,  # sic: the wire has the typo
            "invoiceTax1": self.tax(self.store.taxes.get(item.tax1_id)),
            "invoiceTax2": self.tax(self.store.taxes.get(item.tax2_id)),
            "createOn": self.date(datetime(2024, 1, 3, 9, 0, tzinfo=self.store.zone)),
            "createBy": self.employee(),
            "canEdit": True,
            "canDelete": False,
        }


# -- envelope ----------------------------------------------------------------------------------


def envelope(
    response: Any,
    status_code: int,
    *,
    start_index: int = 0,
    next_index: int | None = None,
    total: int | None = None,
) -> dict[str, Any]:
    """The success envelope, default values omitted as ``EmitDefaultValue=false`` does."""
    # Lists count their items, strings their length, anything else is one.
    count = len(response) if isinstance(response, list | str) else 1
    result: dict[str, Any] = {}
    if count:
        result["count"] = count
    if start_index:
        result["startIndex"] = start_index
    if next_index is not None:
        result["nextIndex"] = next_index
    if total is not None:
        result["total"] = total
    result["status"] = 0
    result["statusCode"] = status_code
    result["response"] = response
    return result


def error_envelope(error: ApiError) -> dict[str, Any]:
    return {
        "status": 1,
        "statusCode": error.status,
        "error": {"message": error.message, "hresult": error.hresult, "data": {}},
    }


def respond(tree: Mapping[str, Any], status: int, *, xml: bool) -> web.Response:
    """Serialise an envelope tree as JSON or XML."""
    reason = _REASONS.get(status)
    if xml:
        return web.Response(status=status, reason=reason, body=to_xml(tree), content_type="text/xml", charset="utf-8")
    body = dumps(tree, decimal=dotnet_decimal, escape_slash=True)
    return web.Response(status=status, reason=reason, body=body, content_type="application/json", charset="utf-8")


def to_xml(tree: Mapping[str, Any]) -> bytes:
    parts: list[str] = ["<result>"]
    for key, value in tree.items():
        _xml_element(key, value, parts)
    parts.append("</result>")
    return "".join(parts).encode()


def _xml_element(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, list | tuple):
        for item in value:  # lists have no wrapper; an empty list emits nothing
            _xml_element(name, item, out)
        return
    if value is None:
        out.append(f"<{name} />")
    elif isinstance(value, Mapping):
        if not value:
            out.append(f"<{name} />")
            return
        out.append(f"<{name}>")
        for key, item in value.items():
            _xml_element(key, item, out)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{_xml_text(value)}</{name}>")


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return dotnet_decimal(value)
    return escape(str(value))


def unauthorized(sent_authorization: str | None) -> web.Response:
    """401 is plain text, not an envelope; the challenge only answers a sent Authorization."""
    headers = {}
    if sent_authorization:
        scheme = "Basic" if sent_authorization.lower().startswith("basic ") else "Bearer"
        headers["WWW-Authenticate"] = f'{scheme} realm="ONLYOFFICE"'
    return web.Response(status=401, text="Unauthorized", content_type="text/plain", headers=headers)


def html_not_found(path: str) -> web.Response:
    """A path or method no API route matches: the web server's own page, no envelope."""
    page = (
        "<!DOCTYPE html><html><head><title>The resource cannot be found.</title></head><body>"
        "<h1>Server Error in '/' Application.</h1><h2><i>The resource cannot be found.</i></h2>"
        f"<p><b>Requested URL: </b>{escape(path)}</p></body></html>"
    )
    return web.Response(status=404, text=page, content_type="text/html")
