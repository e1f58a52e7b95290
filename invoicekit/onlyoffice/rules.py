"""ONLYOFFICE's rules beyond the neutral models' own, as data (``OnlyOfficeClient.rules``).

Each value restates a check the adapter makes before sending (``encode.py``); README's
"Provider rules" table is built from this object.
"""

from __future__ import annotations

from ..rules import ProviderRules
from .encode import MAX_PAGE_SIZE, positive_id

RULES = ProviderRules(
    provider="onlyoffice",
    check_id=positive_id,
    id_rule="a positive integer (int32), `int`",
    max_page_size=MAX_PAGE_SIZE,
    max_taxes_per_line=2,
    line_discount=True,
    exchange_rates=True,
    purchase_order_number=True,
    description_on_create=True,
    invoice_name="none: `name` unset or equal to the number",
    partial_payments=False,
    required_on_create=("issue_date", "due_date", "contact.id"),
    defaults=(("terms", "default_terms"),),
    contact="an existing CRM contact's `id` (`int`)",
    line_item="a catalogue item: `item_id` or setting `default_item_id`",
)
