"""The one record layout every stored credential shares.

A record is a JSON object: ``kind`` (which adapter wrote it), the chain position (``chain``,
``generation``, ``chain_started``) and the credential's own fields, instants as ISO 8601 with
their offset. Adapters say which fields they keep; this module writes and reads the envelope.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal, overload

from .policy import from_iso, header_safe, to_iso


def dump_record(
    kind: str, *, chain: str, generation: int, chain_started: datetime | None, fields: Mapping[str, object]
) -> bytes:
    """The record's bytes; datetimes in ``fields`` are written as ISO 8601 instants."""
    record: dict[str, object] = {
        "kind": kind, "chain": chain, "generation": generation, "chain_started": to_iso(chain_started),
    }
    for name, value in fields.items():
        record[name] = to_iso(value) if isinstance(value, datetime) else value
    return json.dumps(record, separators=(",", ":")).encode()


class StoredRecord:
    """A record read back: its chain position and typed access to its fields.

    Raises ValueError (or KeyError/TypeError) when the bytes are not a record of ``kind`` or its
    chain position is damaged (a generation that is no whole number).
    """

    def __init__(self, data: bytes, *, kind: str) -> None:
        record = json.loads(data)
        if not isinstance(record, dict) or record.get("kind") != kind:
            raise ValueError(f"not a {kind} record")
        self._record: dict[str, Any] = record
        self.chain = str(record["chain"])
        self.generation = _count(record["generation"])
        self.chain_started = from_iso(record.get("chain_started"))

    def text(self, name: str) -> str | None:
        value = self._record.get(name)
        return value if isinstance(value, str) else None

    def secret_text(self, name: str) -> str:
        """A field that must be a non-empty string (a token); ValueError otherwise."""
        value = self._record.get(name)
        if not isinstance(value, str) or not value:
            raise ValueError(f"the record has no {name}")
        return value

    @overload
    def header_token(self, name: str, *, required: Literal[True] = True) -> str: ...
    @overload
    def header_token(self, name: str, *, required: bool) -> str | None: ...
    def header_token(self, name: str, *, required: bool = True) -> str | None:
        """A token sent in the Authorization header; ValueError when it is missing (unless not
        ``required``: None) or holds a character a header cannot carry. Minted tokens are checked
        before they are stored (:func:`header_safe`); this catches a damaged or hand-edited record,
        which the keeper then replaces instead of sending it."""
        value = self.secret_text(name) if required else self.text(name)
        if value is not None and not header_safe(value):
            raise ValueError(f"the record's {name} holds characters a header cannot carry")
        return value

    def instant(self, name: str) -> datetime | None:
        return from_iso(self._record.get(name))

    def __repr__(self) -> str:  # the record holds live tokens
        return f"StoredRecord(generation={self.generation})"


def _count(value: object) -> int:
    """A record's whole-number field. A damaged record may hold anything JSON can: ``1.5``,
    ``"3"``, ``true`` or ``1e999`` (infinity, which ``int()`` answers with OverflowError)."""
    if type(value) is not int or value < 0:
        raise ValueError("the record's generation is not a whole number")
    return value


__all__ = ["StoredRecord", "dump_record"]
