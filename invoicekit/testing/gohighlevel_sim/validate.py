"""Request body validation against the embedded spec schemas, with NestJS-style messages.

GoHighLevel validates bodies with class-validator and answers 422 with a *list* of messages such
as ``"name should not be empty"``, ``"items.0.qty must be a number conforming to the specified
constraints"``. This hand-written walker covers exactly the JSON-schema keywords the five
request DTOs use (``type``, ``properties``, ``required``, ``enum``, ``items``, ``$ref``,
``allOf``), so the simulator needs no jsonschema at runtime; the test-suite cross-checks its
verdicts against jsonschema.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from math import isfinite
from typing import Any

from .spec import REF_PREFIX, SCHEMAS

_TYPE_MESSAGES = {
    "string": "must be a string",
    "number": "must be a number conforming to the specified constraints",
    "integer": "must be an integer number",
    "boolean": "must be a boolean value",
    "array": "must be an array",
    "object": "must be an object",
}


#: The server reads JSON into JavaScript numbers: beyond 2**53 they are no longer exact, and the
#: simulator keeps money as Decimal, so such a number is answered as a malformed one (422)
#: rather than stored as something else.
_MAX_NUMBER = 2**53


def validate(body: Any, schema_name: str) -> list[str]:
    """The validation messages for ``body`` against ``SCHEMAS[schema_name]`` (empty when valid)."""
    messages: list[str] = []
    if not isinstance(body, Mapping):
        return ["request body must be a JSON object"]
    _check_object(body, SCHEMAS[schema_name], "", messages)
    return messages


def _resolve(schema: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """The schema behind ``$ref``/single ``allOf`` and whether it was a nested DTO."""
    nested = False
    while True:
        if "$ref" in schema:
            schema = SCHEMAS[schema["$ref"].removeprefix(REF_PREFIX)]
            nested = True
        elif "allOf" in schema and len(schema["allOf"]) == 1 and "type" not in schema:
            schema = schema["allOf"][0]
        else:
            return schema, nested


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
            return False
        return isfinite(value) and -_MAX_NUMBER < value < _MAX_NUMBER
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, Mapping)
    return True


def _check(value: Any, schema: Mapping[str, Any], path: str, out: list[str]) -> None:
    schema, nested = _resolve(schema)
    kind = schema.get("type", "object" if "properties" in schema else None)
    if kind is not None and not _type_ok(value, kind):
        if nested:
            out.append(f"nested property {path} must be either object or array")
        else:
            out.append(f"{path} {_TYPE_MESSAGES.get(kind, 'has the wrong type')}")
        return
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path} must be one of the following values: {', '.join(map(str, schema['enum']))}")
    if kind == "object" and "properties" in schema:
        _check_object(value, schema, path + ".", out)
    elif kind == "array" and "items" in schema:
        items, items_nested = _resolve(schema["items"])
        for index, item in enumerate(value):
            if items_nested or items.get("type") in ("object", "array"):
                _check(item, schema["items"], f"{path}.{index}", out)
            else:
                inner: list[str] = []
                _check(item, schema["items"], path, inner)
                out.extend(f"each value in {message}" for message in inner)


def _check_object(value: Mapping[str, Any], schema: Mapping[str, Any], prefix: str, out: list[str]) -> None:
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    for name, sub in properties.items():
        path = prefix + name
        present = value.get(name)
        if present is None:
            if name in required:
                out.append(f"{path} should not be empty")
                resolved, nested = _resolve(sub)
                kind = resolved.get("type", "object" if "properties" in resolved else None)
                if nested:
                    out.append(f"nested property {path} must be either object or array")
                elif kind in _TYPE_MESSAGES:
                    out.append(f"{path} {_TYPE_MESSAGES[kind]}")
            continue
        _check(present, sub, path, out)
