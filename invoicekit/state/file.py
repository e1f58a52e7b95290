"""A state store in JSON files, safe for several processes on one host.

The store is named by one path (``state.json``). Records are spread over one file per
namespace, so that webhook deliveries and watcher checkpoints never rewrite (or wait on the lock
of) the credentials:

- keys of ``invoicekit/<area>/...`` (``invoicekit/webhooks/...``, ``invoicekit/watch/...``) live
  in ``<stem>.<area>.json`` next to it (``state.webhooks.json``, ``state.watch.json``);
- every other key (credentials: ``gohighlevel/...``, ``onlyoffice/...``) lives in the path itself.

Every operation takes an exclusive ``fcntl.flock`` on its file's lock file (``<file>.lock``), reads
the file, and (for writes) replaces it atomically: a temporary file in the same directory, mode
0600, written and fsynced, renamed over the old one, then the directory fsynced. A crash leaves
either the old file or the new one, never half of each; two processes never interleave. Listing
keys only reads (a reader sees a whole file, the old or the new one), so it takes no lock and
creates no file.

The files hold live credentials, so they are created 0600 in a 0700 directory and their names
never carry a secret (keys, which name provider, app and location, are inside them). Blocking file
work runs in a worker thread so that the event loop keeps serving; in this process, callers of
one file queue on an asyncio lock, so a busy file occupies at most one worker thread.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import fcntl
import glob
import hashlib
import json
import os
import re
import secrets
import stat
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

from .._atomic import renamed_into_place
from .base import Versioned
from .errors import StateStoreError

T = TypeVar("T")

FORMAT = 1
_LEASE_POLL = 0.02
#: A namespace (``invoicekit/<area>/...``) that can name a file as it is.
_SAFE_AREA = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")


class _StateFile:
    """One JSON file of the store: its path, its lock file, and the queue of this process's callers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._queue: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    def queue(self) -> asyncio.Lock:
        """This event loop's queue (a store object may serve several loops, one after another)."""
        loop = asyncio.get_running_loop()
        if self._queue is None or self._queue[0] is not loop:
            self._queue = (loop, asyncio.Lock())
        return self._queue[1]


class FileStateStore:
    """A :class:`~invoicekit.state.StateStore` (with leases and key listing) kept in the file
    ``path`` and its namespace files (see the module's documentation)."""

    def __init__(self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path).expanduser().absolute()
        self._clock = clock
        self._files: dict[Path, _StateFile] = {}

    @property
    def identity(self) -> str:
        """Stores with one identity share their in-process single flights (same file, one lock)."""
        return f"file:{os.path.realpath(self.path)}"

    def file_for(self, key: str) -> Path:
        """The file that holds ``key``: a namespace file for ``invoicekit/<area>/...``, else
        ``path`` itself."""
        first, _, rest = key.partition("/")
        area = rest.partition("/")[0] if first == "invoicekit" and "/" in rest else ""
        if not area:
            return self.path
        if not _SAFE_AREA.fullmatch(area):
            area = "ns-" + hashlib.sha256(area.encode()).hexdigest()[:12]
        return self.path.with_name(f"{self.path.stem}.{area}{self.path.suffix or '.json'}")

    def describe(self) -> str:
        return f"file {str(self.path)!r}"

    # -- the StateStore protocol ------------------------------------------------------------
    async def get(self, key: str) -> Versioned | None:
        file = self._file(key)
        if not file.path.exists():
            # Nothing stored yet: reading creates no directory or lock file. The file only ever
            # appears whole (renamed into place), so skipping the lock cannot read half of it.
            return None
        return await self._run(file, self._get, file, key)

    async def put(self, key: str, value: bytes, *, expected_version: int | None) -> Versioned | None:
        file = self._file(key)
        return await self._run(file, self._put, file, key, bytes(value), expected_version)

    async def delete(self, key: str) -> None:
        file = self._file(key)
        if file.path.exists():
            await self._run(file, self._delete, file, key)

    async def add_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool:
        file = self._file(key)
        return await self._run(file, self._add_if_absent, file, key, bytes(value), ttl)

    async def aclose(self) -> None:
        return None

    # -- listing keys (optional capability: KeyListingStateStore) ---------------------------
    async def list_keys(self, prefix: str) -> list[str]:
        """The live keys under ``prefix``, read from every file of the store that can hold one.

        Listing takes no lock and creates nothing (no lock file, no directory): every write
        renames a whole file into place, so a reader sees the old file or the new one. Files next
        to ours are only read when the store could have named them (``<stem>.<area>.json``), only
        when they are regular files, and only for keys the store would keep in them."""
        return sorted(await asyncio.to_thread(self._list_keys, prefix))

    def _list_keys(self, prefix: str) -> list[str]:
        found: list[str] = []
        for path, ours in self._files_for_prefix(prefix):
            # A file that only looks like a namespace file (a user's backup) is no error.
            try:
                raw = _regular_file_bytes(path)
                records = {} if raw is None else self._records_of(path, raw)
            except StateStoreError:
                if ours:
                    raise
            except OSError as exc:
                if ours:
                    raise _file_error(path, exc) from None
            else:
                # Only keys this file really holds: a look-alike file of another store holds none of ours.
                found += [key for key in records if key.startswith(prefix) and self.file_for(key) == path]
        return found

    def _files_for_prefix(self, prefix: str) -> list[tuple[Path, bool]]:
        """The files that may hold keys under ``prefix``, each with whether it surely is one of
        ours (a namespace file found by its name may be someone else's)."""
        first, _, rest = prefix.partition("/")
        if first == "invoicekit" and "/" in rest:
            return [(self.file_for(prefix), True)]  # the prefix names the namespace
        files = [(self.path, True)]
        if prefix.startswith("invoicekit/") or "invoicekit/".startswith(prefix):
            files += [(path, False) for path in self._namespace_files()]
        return files

    def _namespace_files(self) -> list[Path]:
        """The files next to ``path`` named as :meth:`file_for` names a namespace file."""
        stem, suffix = self.path.stem, self.path.suffix or ".json"
        candidates = sorted(self.path.parent.glob(f"{glob.escape(stem)}.*{glob.escape(suffix)}"))
        return [
            path for path in candidates
            if path != self.path and _SAFE_AREA.fullmatch(path.name[len(stem) + 1:len(path.name) - len(suffix)])
        ]

    def _file(self, key: str) -> _StateFile:
        return self._file_at(self.file_for(key))

    def _file_at(self, path: Path) -> _StateFile:
        file = self._files.get(path)
        if file is None:
            file = self._files[path] = _StateFile(path)
        return file

    async def _run(self, file: _StateFile, operation: Callable[..., T], *args: Any) -> T:
        # One worker thread per file at a time: the others wait here, not blocked in flock.
        async with file.queue():
            result: T = await asyncio.to_thread(self._locked, file, operation, *args)
            return result

    # -- the lease --------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lease(self, key: str, *, ttl: float) -> AsyncIterator[None]:
        """An exclusive ``flock`` on a per-key lease file; the kernel frees it if we die."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        lease_path = self.path.with_name(f"{self.path.name}.lease-{digest}")
        # Opened here, not in a worker thread: a caller cancelled while a thread opened it would
        # leave the descriptor open for good (a local open does not block the loop for long).
        fd = self._open_private(lease_path)
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
    def _locked(self, file: _StateFile, operation: Callable[..., Any], *args: Any) -> Any:
        try:
            fd = self._open_private(file.lock_path)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                return operation(*args)
            finally:
                os.close(fd)  # closing the descriptor releases the flock
        except OSError as exc:
            raise _file_error(file.path, exc) from None

    def _open_private(self, path: Path) -> int:
        self._ensure_directory()
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)

    def _ensure_directory(self) -> None:
        directory = self.path.parent
        if not directory.is_dir():
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _read(self, file: _StateFile) -> dict[str, dict[str, Any]]:
        try:
            raw = file.path.read_bytes()
        except FileNotFoundError:
            return {}
        return self._records_of(file.path, raw)

    def _records_of(self, path: Path, raw: bytes) -> dict[str, dict[str, Any]]:
        """The live records of a state file's bytes."""
        records: object = None
        try:
            data = json.loads(raw)
            if data.get("format") == FORMAT:
                records = data["records"]
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
        if not isinstance(records, dict):
            # Raised out here, not in the except block: json's errors keep the file's text
            # (JSONDecodeError.doc, UnicodeDecodeError.object), live tokens included, and a
            # caught error stays reachable as the context of one raised while handling it.
            raise StateStoreError(
                f"state file {str(path)!r} is not an invoicekit state file (format {FORMAT}); "
                "move it away to start afresh"
            )
        now = self._clock()
        return {
            key: record for key, record in records.items()
            if isinstance(record, dict) and not _expired(record, now)
        }

    @staticmethod
    def _write(file: _StateFile, records: dict[str, dict[str, Any]]) -> None:
        payload = json.dumps({"format": FORMAT, "records": records}, indent=1, sort_keys=True).encode()
        path = file.path
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        with renamed_into_place(temporary, path, lambda: os.fdopen(fd, "wb")) as out:
            out.write(payload)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _get(self, file: _StateFile, key: str) -> Versioned | None:
        record = self._read(file).get(key)
        return None if record is None else _versioned(record)

    def _put(self, file: _StateFile, key: str, value: bytes, expected_version: int | None) -> Versioned | None:
        records = self._read(file)
        current = records.get(key)
        current_version = None if current is None else int(current["version"])
        if current_version != expected_version:
            return None
        version = (current_version or 0) + 1
        records[key] = {"version": version, "value": base64.b64encode(value).decode()}
        self._write(file, records)
        return Versioned(value, version)

    def _delete(self, file: _StateFile, key: str) -> None:
        records = self._read(file)
        if records.pop(key, None) is not None:
            self._write(file, records)

    def _add_if_absent(self, file: _StateFile, key: str, value: bytes, ttl: float) -> bool:
        records = self._read(file)
        if key in records:
            return False
        records[key] = {
            "version": 1, "value": base64.b64encode(value).decode(), "expires_at": self._clock() + ttl,
        }
        self._write(file, records)
        return True

    def __repr__(self) -> str:
        return f"FileStateStore({str(self.path)!r})"


def _file_error(path: Path, exc: OSError) -> StateStoreError:
    """A state file's failure as the store's error (it names the file, never a record)."""
    return StateStoreError(f"state file {str(path)!r}: {exc.strerror or type(exc).__name__}")


def _regular_file_bytes(path: Path) -> bytes | None:
    """The bytes of ``path``, None when there is none; StateStoreError when it is no regular file
    (a directory; a FIFO, which a plain read would wait on for good). Checked on the opened file,
    so that what was checked is what is read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StateStoreError(f"state file {str(path)!r} is not a regular file")
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with file:
        return file.read()


def _expired(record: dict[str, Any], now: float) -> bool:
    expires_at = record.get("expires_at")
    return isinstance(expires_at, int | float) and now >= expires_at


def _versioned(record: dict[str, Any]) -> Versioned:
    try:
        return Versioned(base64.b64decode(record["value"], validate=True), int(record["version"]))
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise StateStoreError("a record of the state file is damaged; run 'invoicekit auth forget'") from None

