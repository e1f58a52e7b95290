"""GoHighLevel's rules beyond the neutral models' own, as data (``GoHighLevelClient.rules``).

Each value restates a check the adapter makes before sending (``encode.py``); README's
"Provider rules" table is built from this object.
"""

from __future__ import annotations

from ..rules import ProviderRules
from .encode import _MAX_ID_LENGTH, invoice_id

RULES = ProviderRules(
    provider="gohighlevel",
    check_id=invoice_id,
    id_rule=f"text of at most {_MAX_ID_LENGTH} characters without `/ ? # %`, backslash, spaces or "
    "control characters, `str`",
    max_page_size=None,
    max_taxes_per_line=None,
    line_discount=False,
    exchange_rates=False,
    purchase_order_number=False,
    description_on_create=False,
    invoice_name="required",
    partial_payments=True,
    required_on_create=("issue_date", "contact.name", "contact.email", "name"),
    defaults=(("name", "default_name"),),
    contact="`name` and `email`; `id` (`str`) optional",
    line_item="`name`; `item_id` (a product id) optional",
)
