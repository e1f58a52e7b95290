"""GoHighLevel's rules beyond the neutral models' own, as data (``GoHighLevelClient.rules``).

Each value restates a check the adapter makes before sending (``encode.py``, ``client.py``);
README's "Provider rules" table is built from this object.
"""

from __future__ import annotations

from decimal import Decimal

from ..rules import FieldRule, ProviderRules
from .encode import _MAX_ID_LENGTH, invoice_id

#: GoHighLevel keeps amounts and quantities as JavaScript numbers (doubles), which give back
#: unchanged any decimal of at most 15 significant digits. Below 10**11 that is every value with up
#: to four decimals, the most minor units any currency has (CLF): larger ones would be stored as
#: back as another number.
MAX_NUMBER = Decimal("99999999999.99")

RULES = ProviderRules(
    provider="gohighlevel",
    title="GoHighLevel",
    check_id=invoice_id,
    id_rule=f"text of at most {_MAX_ID_LENGTH} characters without `/ ? # %`, backslash, spaces or "
    "control characters, `str`",
    max_page_size=None,
    max_taxes_per_line=None,
    max_amount=MAX_NUMBER,
    max_quantity=MAX_NUMBER,
    partial_payments=True,
    required_on_create=("issue_date", "due_date", "contact.id", "contact.name", "contact.email"),
    defaults=(("name", "default_name"), ("terms", "default_terms")),
    fields=(
        FieldRule(path="name", note="kept; unset: setting `default_name`, else the invoice's number (the "
                  "draft's, else the one GoHighLevel gives it, set by a `PUT` right after the create)"),
        FieldRule(path="number", note="kept; unset: GoHighLevel's next number"),
        FieldRule(path="terms", note="kept (`termsNotes`); unset: setting `default_terms`, else the location's "
                  "invoice terms (`GET /invoices/settings` `termsNote`, read once per client), else none"),
        FieldRule(path="description", note="kept: set by a `PUT` right after the create (GoHighLevel's create "
                  "has no description; if the `PUT` fails the invoice is deleted again)"),
        FieldRule(path="due_date", note="required"),
        FieldRule(path="purchase_order_number", note="GoHighLevel has no purchase order number", refused=True),
        FieldRule(path="exchange_rate", note="GoHighLevel has no exchange rate: only 1 (an invoice is in its "
                  "own currency), which reads back as 1", refused=True, unless=lambda rate, _: rate == 1),
        FieldRule(path="language", note="GoHighLevel renders invoices in the location's language", refused=True),
        FieldRule(path="extra", note="wire names, merged into the `POST /invoices/` body"),
        FieldRule(path="contact.id", note="required (`str`)"),
        FieldRule(path="contact.name, contact.email, contact.phone, contact.company_name, contact.address",
                  note="kept on the invoice (`contactDetails`); `name` and `email` required"),
        FieldRule(path="lines[].name", note="kept"),
        FieldRule(path="lines[].description", note="kept"),
        FieldRule(path="lines[].discount", note="GoHighLevel has no per-line discount (an invoice discount "
                  "goes in `extra['discount']`)", refused=True),
        FieldRule(path="lines[].item_id", note="a product id (`str`)"),
        FieldRule(path="lines[].tax_ids", note="kept: the whole tax records must be in the line's "
                  "`raw['taxes']` (a line read from GoHighLevel has them)"),
    ),
)
