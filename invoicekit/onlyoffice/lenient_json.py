"""JSON answers as the adapter reads them: Decimal numbers, and the docs' Python-style literals.

The docs' samples print bare ``True``/``False``/``None``; an answer that fails to parse is
repaired (those literals outside strings become JSON's) and parsed once more.
"""

from __future__ import annotations

import re
from typing import Any

from .._serde import loads_json
from .errors import BodyError

# A JSON string, or a bare Python-style literal as the docs' samples print them.
_PY_LITERALS = re.compile(r'"(?:[^"\\]|\\.)*"|\b(True|False|None)\b')
_LITERAL_MAP = {"True": "true", "False": "false", "None": "null"}


def _lenient_literals(text: str) -> str:
    return _PY_LITERALS.sub(lambda m: _LITERAL_MAP[m[1]] if m[1] else m[0], text)


def parse_json(body: bytes) -> Any:
    """JSON with Decimal numbers; bare ``True``/``False`` (docs samples) are tolerated."""
    try:
        return loads_json(body)
    except (ValueError, RecursionError) as first:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BodyError(f"not UTF-8 JSON: {first}") from None
        fixed = _lenient_literals(text)
        if fixed == text:
            raise BodyError(f"invalid JSON: {first}") from None
        try:
            return loads_json(fixed)
        except (ValueError, RecursionError):
            raise BodyError(f"invalid JSON: {first}") from None
