"""A small JSON writer that prints Decimals the way each real server does.

The standard library can only print a Decimal through ``float``, which loses the scale .NET keeps
(``10.50`` and ``1.0`` on the ONLYOFFICE wire) and is exactly what a money test must not depend
on. Both simulators build plain dict/list trees and print them here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

DecimalFormat = Callable[[Decimal], str]


def dotnet_decimal(value: Decimal) -> str:
    """Newtonsoft's decimal: invariant, scale kept, always a decimal point (``1.0``, ``10.50``)."""
    text = format(value, "f")
    return text if "." in text else text + ".0"


def js_number(value: Decimal) -> str:
    """A JavaScript number as JSON.stringify prints it: ``999``, ``12.5``, no trailing zeros."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def dumps(value: object, *, decimal: DecimalFormat, escape_slash: bool = False) -> bytes:
    """Compact UTF-8 JSON of a dict/list/str/int/bool/None/Decimal tree."""
    parts: list[str] = []
    _write(value, parts, decimal, escape_slash)
    return "".join(parts).encode()


def _write(value: object, out: list[str], decimal: DecimalFormat, escape_slash: bool) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        # Newtonsoft in ONLYOFFICE escapes "/" (still valid JSON, but a decoder must cope).
        out.append(text.replace("/", "\\/") if escape_slash else text)
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        out.append(decimal(value))
    elif isinstance(value, float):
        out.append(decimal(Decimal(repr(value))))
    elif isinstance(value, Mapping):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            _write(str(key), out, decimal, escape_slash)
            out.append(":")
            _write(item, out, decimal, escape_slash)
        out.append("}")
    elif isinstance(value, Sequence):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, decimal, escape_slash)
        out.append("]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")
