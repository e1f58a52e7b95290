"""ONLYOFFICE's rules beyond the neutral models' own, as data (``OnlyOfficeClient.rules``).

Each value restates a check the adapter makes before sending (``encode.py``, ``client.py``);
README's "Provider rules" table is built from this object.
"""

from __future__ import annotations

from ..rules import FieldRule, ProviderRules
from .encode import MAX_PAGE_SIZE, positive_id
from .items import MAX_ITEM_PRICE

RULES = ProviderRules(
    provider="onlyoffice",
    title="ONLYOFFICE",
    check_id=positive_id,
    id_rule="a positive integer (int32), `int`",
    max_page_size=MAX_PAGE_SIZE,
    max_taxes_per_line=2,
    # A line's price and quantity have the catalogue item's price column (two decimals, at most
    # 99,999,999.99); a larger one fails the whole create or update.
    max_amount=MAX_ITEM_PRICE,
    max_quantity=MAX_ITEM_PRICE,
    partial_payments=False,
    required_on_create=("issue_date", "due_date", "contact.id"),
    defaults=(("terms", "default_terms"),),
    fields=(
        FieldRule(path="name", note="ONLYOFFICE has no invoice name: only the number, and the name reads back as "
                  "the number", refused=True, unless=lambda name, values: name == getattr(values, "number", None)),
        FieldRule(path="number", note="kept (unique per portal); unset: the portal's next number "
                  "(`crm/invoice/sample`)"),
        FieldRule(path="terms", note="kept; unset: setting `default_terms`, else the portal's invoice terms "
                  "(`crm/invoice/settings`, read once per client); refused when all are blank"),
        FieldRule(path="description", note="kept"),
        FieldRule(path="due_date", note="required"),
        FieldRule(path="purchase_order_number", note="kept"),
        FieldRule(path="exchange_rate", note="kept (> 0); unset: 1"),
        FieldRule(path="language", note="kept (a .NET culture name such as `en-US`)"),
        FieldRule(path="extra", note="wire names, merged into the `POST crm/invoice` body"),
        FieldRule(path="contact.id", note="required: an existing CRM contact (`int`)"),
        FieldRule(path="contact.name, contact.email, contact.phone, contact.company_name, contact.address",
                  note="not sent: the invoice reads them from the CRM contact"),
        FieldRule(path="lines[].name", note="the catalogue item's title (found or created)"),
        FieldRule(path="lines[].description", note="kept"),
        FieldRule(path="lines[].discount", note="kept (a percentage, 0..100)"),
        FieldRule(path="lines[].item_id", note="a catalogue item (`int`); unset: the item named `name`, "
                  "else setting `default_item_id`"),
        FieldRule(path="lines[].tax_ids", note="kept (tax ids, `int`)"),
    ),
)
