"""A state store in one JSON file, safe for several processes on one host.

Every operation takes an exclusive ``fcntl.flock`` on a lock file next to the state file, reads
the file, and (for writes) replaces it atomically: a temporary file in the same directory, mode
0600, written and fsynced, renamed over the old one, then the directory fsynced. A crash leaves
either the old file or the new one, never half of each; two processes never interleave.

The file holds live credentials, so it is created 0600 in a 0700 directory and its name never
carries a secret (keys, which name provider, app and location, are inside it). Blocking file work
runs in a worker thread so that the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from .base import Versioned
from .errors import StateStoreError

FORMAT = 1
_LEASE_POLL = 0.02


class FileStateStore:
    """A :class:`~invoicekit.state.StateStore` (with leases) kept in the file ``path``."""

    def __init__(self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path).expanduser().absolute()
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._clock = clock

    @property
    def identity(self) -> str:
        """Stores with one identity share their in-process single flights (same file, one lock)."""
        return f"file:{os.path.realpath(self.path)}"

    # -- the StateStore protocol ------------------------------------------------------------
    async def get(self, key: str) -> Versioned | None:
        if not self.path.exists():
            # Nothing stored yet: reading creates no directory or lock file. The file only ever
            # appears whole (renamed into place), so skipping the lock cannot read half of it.
            return None
        return await asyncio.to_thread(self._locked, self._get, key)

    async def put(self, key: str, value: bytes, *, expected_version: int | None) -> Versioned | None:
        return await asyncio.to_thread(self._locked, self._put, key, bytes(value), expected_version)

    async def delete(self, key: str) -> None:
        if self.path.exists():
            await asyncio.to_thread(self._locked, self._delete, key)

    async def add_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool:
        return await asyncio.to_thread(self._locked, self._add_if_absent, key, bytes(value), ttl)

    async def aclose(self) -> None:
        return None

    # -- the lease --------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lease(self, key: str, *, ttl: float) -> AsyncIterator[None]:
        """An exclusive ``flock`` on a per-key lease file; the kernel frees it if we die."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        lease_path = self.path.with_name(f"{self.path.name}.lease-{digest}")
        fd = await asyncio.to_thread(self._open_private, lease_path)
        try:
            deadline = time.monotonic() + ttl
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StateStoreError(
                            f"another process has held the credential lease in {str(self.path)!r} for over "
                            f"{ttl:g}s; try again later"
                        ) from None
                    await asyncio.sleep(_LEASE_POLL)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- file work (worker thread, under the lock) ------------------------------------------
    def _locked(self, operation: Callable[..., Any], *args: Any) -> Any:
        try:
            fd = self._open_private(self._lock_path)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                return operation(*args)
            finally:
                os.close(fd)  # closing the descriptor releases the flock
        except StateStoreError:
            raise
        except OSError as exc:
            raise StateStoreError(
                f"state file {str(self.path)!r}: {exc.strerror or type(exc).__name__}"
            ) from None

    def _open_private(self, path: Path) -> int:
        self._ensure_directory()
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)

    def _ensure_directory(self) -> None:
        directory = self.path.parent
        if not directory.is_dir():
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(raw)
            records = data["records"]
            if data.get("format") != FORMAT or not isinstance(records, dict):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise StateStoreError(
                f"state file {str(self.path)!r} is not an invoicekit state file (format {FORMAT}); "
                "move it away to start afresh"
            ) from None
        now = self._clock()
        return {
            key: record for key, record in records.items()
            if isinstance(record, dict) and not _expired(record, now)
        }

    def _write(self, records: dict[str, dict[str, Any]]) -> None:
        payload = json.dumps({"format": FORMAT, "records": records}, indent=1, sort_keys=True).encode()
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _get(self, key: str) -> Versioned | None:
        record = self._read().get(key)
        return None if record is None else _versioned(record)

    def _put(self, key: str, value: bytes, expected_version: int | None) -> Versioned | None:
        records = self._read()
        current = records.get(key)
        current_version = None if current is None else int(current["version"])
        if current_version != expected_version:
            return None
        version = (current_version or 0) + 1
        records[key] = {"version": version, "value": base64.b64encode(value).decode()}
        self._write(records)
        return Versioned(value, version)

    def _delete(self, key: str) -> None:
        records = self._read()
        if records.pop(key, None) is not None:
            self._write(records)

    def _add_if_absent(self, key: str, value: bytes, ttl: float) -> bool:
        records = self._read()
        if key in records:
            return False
        records[key] = {
            "version": 1, "value": base64.b64encode(value).decode(), "expires_at": self._clock() + ttl,
        }
        self._write(records)
        return True

    def __repr__(self) -> str:
        return f"FileStateStore({str(self.path)!r})"


def _expired(record: dict[str, Any], now: float) -> bool:
    expires_at = record.get("expires_at")
    return isinstance(expires_at, int | float) and now >= expires_at


def _versioned(record: dict[str, Any]) -> Versioned:
    try:
        return Versioned(base64.b64decode(record["value"], validate=True), int(record["version"]))
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise StateStoreError("a record of the state file is damaged; run 'invoicekit auth forget'") from None

