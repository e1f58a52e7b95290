"""Key casing: the docs' PascalCase answers rewritten to the live server's camelCase.

The docs' samples use PascalCase keys (``Number``, ``IssueDate``, ``ID``); the live server writes
camelCase. Both are accepted: PascalCase keys are rewritten with Newtonsoft's own camel-casing rule,
so that they match the live spelling exactly.
"""

from __future__ import annotations

from typing import Any

_camel_cache: dict[str, str] = {}
#: The camel case of a name met before, or None: :func:`camel_case` without its Python frame,
#: for a caller that reads one name per element.
known_camel_case = _camel_cache.get


def camel_case(name: str) -> str:
    """Newtonsoft's ``ToCamelCase``: lower leading capitals until one is followed by a
    lowercase letter. ``ID`` -> ``id``, ``InvoiceItemID`` -> ``invoiceItemID``."""
    cached = _camel_cache.get(name)
    if cached is not None:
        return cached
    chars = list(name)
    for i in range(len(chars)):
        if i == 1 and not chars[i].isupper():
            break
        if i > 0 and i + 1 < len(chars) and not chars[i + 1].isupper():
            if chars[i + 1].isspace():
                chars[i] = chars[i].lower()
            break
        chars[i] = chars[i].lower()
    result = "".join(chars)
    if len(_camel_cache) < 4096:
        _camel_cache[name] = result
    return result


def camel_tree(value: Any) -> Any:
    """``value`` with every dict key camel-cased, at every depth."""
    if isinstance(value, dict):
        return {camel_case(k): camel_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_tree(v) for v in value]
    return value


def _first_object(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None


#: An invoice's keys as the live server spells them (all camelCase).
_LIVE_INVOICE_KEYS = frozenset({
    "canDelete", "canEdit", "consignee", "contact", "cost", "createBy", "createOn", "currency",
    "description", "dueDate", "entity", "exchangeRate", "fileID", "id", "invoiceLines", "issueDate",
    "language", "number", "purchaseOrderNumber", "status", "templateType", "terms",
})


def _has_upper_key(obj: dict[str, Any]) -> bool:
    if obj.keys() <= _LIVE_INVOICE_KEYS:  # the everyday answer, in one C-level subset test
        return False
    # A plain loop, not any(<genexpr>): this runs on every answer.
    for key in obj:  # noqa: SIM110 - deliberate, see above
        if key[:1].isupper():
            return True
    return False


def is_pascal(value: Any) -> bool:
    """Whether an answer's payload (an object, or a list of them) uses PascalCase keys."""
    first = _first_object(value)
    if first is None:
        return False
    if _has_upper_key(first):
        return True
    # The status batch wraps invoices one level deeper: {"Key": [...]} was handled above,
    # {"key": [{"Number": ...}]} is handled here.
    nested = _first_object(first.get("key"))
    return nested is not None and _has_upper_key(nested)
