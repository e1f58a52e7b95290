"""JSON answers as the adapter reads them: Decimal numbers, and the docs' Python-style literals.

The docs' samples print bare ``True``/``False``/``None``; an answer that fails to parse is
repaired (those literals outside strings become JSON's) and parsed once more.
"""

from __future__ import annotations

import re
from typing import Any

from .._serde import loads_json
from .errors import BodyError

# A complete JSON string from its opening quote. On an unterminated string it fails after one
# pass to the end of the text (each character matches only one branch: no backtracking blowup).
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BARE_LITERAL = re.compile(r"\b(?:True|False|None)\b")
_LITERAL_MAP = {"True": "true", "False": "false", "None": "null"}


def _json_literal(match: re.Match[str]) -> str:
    return _LITERAL_MAP[match[0]]


def repair_literals(text: str) -> str:
    """``text`` with bare ``True``/``False``/``None`` outside strings written as JSON's literals.

    One pass, linear in the length of ``text``: the text between strings is rewritten, each string
    is skipped by one match from its opening quote, and an unterminated string ends the scan
    (everything after its quote is inside it).
    """
    parts: list[str] = []
    position = 0
    end = len(text)
    while position < end:
        quote = text.find('"', position)
        if quote == -1:
            parts.append(_BARE_LITERAL.sub(_json_literal, text[position:]))
            break
        parts.append(_BARE_LITERAL.sub(_json_literal, text[position:quote]))
        string = _STRING.match(text, quote)
        if string is None:  # unterminated: the rest is one string
            parts.append(text[quote:])
            break
        parts.append(string[0])
        position = string.end()
    return "".join(parts)


def parse_json(body: bytes) -> Any:
    """JSON with Decimal numbers; bare ``True``/``False`` (docs samples) are tolerated."""
    try:
        return loads_json(body)
    except (ValueError, RecursionError) as first:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BodyError(f"not UTF-8 JSON: {first}") from None
        fixed = repair_literals(text)
        if fixed == text:
            raise BodyError(f"invalid JSON: {first}") from None
        try:
            return loads_json(fixed)
        except (ValueError, RecursionError):
            raise BodyError(f"invalid JSON: {first}") from None
