"""A state store on a Redis server, shared by every worker and host that reaches it.

``state_store = "redis://host:port/db"`` (or ``rediss://`` for TLS, or a ``redis.asyncio.Redis``
client passed in code, which stays its owner's) through redis-py's asyncio client, installed with
``pip install 'invoicekit[redis]'``.

Layout: a record is one Redis string, ``b"<version>:<value>"``, under ``<prefix><key>`` (prefix
``invoicekit:`` unless configured). One round trip per operation:

- ``get``: ``GET``;
- ``put``: one Lua script compares the stored version with the expected one and writes the next,
  so an older credential never overwrites a newer one, even between hosts;
- ``add_if_absent``: ``SET NX PX``;
- ``list_keys`` (listing, for ``invoicekit auth status``): ``SCAN MATCH <prefix><key prefix>*``, bounded;
- ``lease``: ``SET <prefix>lease:<key> <owner token> NX PX <hold>``, renewed by its holder while the
  body runs and released by a script that deletes it only for its owner. A worker killed while
  holding it frees it when ``hold`` seconds pass without a renewal.

Keys name provider, app and location or portal; never a secret. Messages name the server without
its password.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from .base import Versioned
from .errors import StateStoreError
from .spec import REDIS_EXTRA_HINT

if TYPE_CHECKING:
    from redis.asyncio import Redis

DEFAULT_PREFIX = "invoicekit:"
#: How long a lease outlives a holder that stopped renewing it (killed, frozen, cut off).
DEFAULT_LEASE_HOLD = 10.0

#: How far ``list_keys`` goes: matching keys returned, ``SCAN`` round trips (of ``_SCAN_COUNT`` each).
MAX_LISTED_KEYS = 10_000
MAX_SCAN_ROUNDS = 10_000
_SCAN_COUNT = 1000

_LEASE_POLL = 0.02
#: Query parameters of a ``redis://`` URL that are ours, not redis-py's.
_OWN_QUERY = ("prefix", "lease_hold")

T = TypeVar("T")

# KEYS[1]: the record; ARGV[1]: the expected version ("" = absent), ARGV[2]: the value.
# Returns the new version, or 0 when the stored version is not the expected one.
_PUT = """
local current = redis.call('GET', KEYS[1])
local version = 0
if current then
  version = tonumber(string.match(current, '^(%d+):')) or 0
  if ARGV[1] == '' or tonumber(ARGV[1]) ~= version then return 0 end
elseif ARGV[1] ~= '' then
  return 0
end
version = version + 1
redis.call('SET', KEYS[1], version .. ':' .. ARGV[2])
return version
"""

# KEYS[1]: the lease; ARGV[1]: the owner token; ARGV[2]: hold in ms (renew) or "" (release).
_LEASE_OWNER = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"""


def redis_module() -> Any:
    """``redis.asyncio``, or a :class:`~invoicekit.errors.ConfigError` naming the extra."""
    try:
        import redis.asyncio
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError(
            f"a 'redis://' state store needs redis-py: {REDIS_EXTRA_HINT}", key="state_store"
        ) from None
    return redis.asyncio


#: What every message about a URL whose parts cannot be told apart ends with: an unencoded
#: ``/``, ``?``, ``#`` or ``@`` in a password ends the URL's host part early.
_ENCODE_HINT = "a '/', '?', '#' or '@' in a user name or password must be percent-encoded: %2F, %3F, %23, %40"
_REDIS_PY_QUERY_ERROR = re.compile(r"Invalid value for '([A-Za-z_]{1,40})'")


def url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as a Redis state store, in words that quote no part of it (it
    may carry a password); None when it is usable.

    Checked here rather than left to redis-py and :func:`urllib.parse.urlsplit`, whose errors
    quote the piece they choke on: with a ``/`` in an unencoded password, that piece is the
    password's tail, taken for the port; or the URL parses and shows it as its path.
    """
    scheme = url.partition("://")[0]
    if scheme not in ("redis", "rediss", "unix"):
        return "it must start with redis://, rediss:// or unix:// (in lower case)"
    try:
        parts = urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL": an unencoded [ or ] (in a password, say)
        parts = None
    if parts is None:
        return (
            "its host part is not a host name or an [IPv6] address (a '[' or ']' in a user name or"
            " password must be percent-encoded: %5B, %5D)"
        )
    if not _port_parses(parts):
        return f"its port is not a number ({_ENCODE_HINT})"
    if parts.fragment or "@" in parts.path or "@" in parts.query:
        return f"its host part ends too early ({_ENCODE_HINT})"
    if scheme == "unix":
        if not parts.path:
            return "it names no socket path (unix:///path/to/redis.sock)"
    elif not parts.hostname:
        return f"it names no host ({_ENCODE_HINT})"
    elif parts.path.strip("/") and not parts.path.strip("/").isdigit():
        return f"the part after the host must be a database number ({_ENCODE_HINT})"
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name == "lease_hold" and not _seconds(value):
            return "its lease_hold must be a number of seconds > 0"
    return _redis_py_problem(split_url(url)[0])


def _redis_py_problem(url: str) -> str | None:
    from redis.connection import parse_url

    try:
        parse_url(url)  # type: ignore[no-untyped-call]
    except ValueError as exc:
        text = str(exc)
    else:
        return None
    # Only the parameter's name is taken from redis-py's text (never its value), and the
    # problem is returned, not raised: no exception quoting the URL is chained to the caller's.
    named = _REDIS_PY_QUERY_ERROR.search(text)
    return f"redis-py refuses its {named.group(1)!r} parameter" if named else "redis-py refuses it"


def _port_parses(parts: SplitResult) -> bool:
    try:
        return parts.port is None or parts.port >= 0
    except ValueError:  # its text quotes the port: not kept
        return False


def _seconds(text: str) -> bool:
    try:
        return float(text) > 0
    except ValueError:
        return False


def split_url(url: str) -> tuple[str, dict[str, str]]:
    """The URL for redis-py and our own query parameters (``prefix``, ``lease_hold``)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    own = {name: value for name, value in query if name in _OWN_QUERY}
    theirs = [(name, value) for name, value in query if name not in _OWN_QUERY]
    # Rebuilt by hand: urlunsplit writes 'unix:///path' (no host) as 'unix:/path', which
    # redis-py refuses. (A fragment is refused before: url_problem.)
    rebuilt = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return (f"{rebuilt}?{urlencode(theirs)}" if theirs else rebuilt), own


def public_url(url: str) -> str:
    """``url`` without user, password and query: safe for messages and identities."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path or "/0", "", ""))


class RedisStateStore:
    """A :class:`~invoicekit.state.LeasingStateStore` on Redis.

    Give it a URL (the store opens and closes its own connection pool) or a
    ``redis.asyncio.Redis`` client (used as is, never closed by the store).
    """

    def __init__(
        self,
        url_or_client: str | Redis,
        *,
        prefix: str | None = None,
        lease_hold: float | None = None,
    ) -> None:
        module = redis_module()
        from redis.exceptions import RedisError

        #: redis-py's base error (the shared rate limiter catches it too).
        self.redis_error: type[Exception] = RedisError
        own: dict[str, str] = {}
        if isinstance(url_or_client, str):
            problem = url_problem(url_or_client)
            if problem is not None:
                raise StateStoreError(f"the Redis state store URL is unusable: {problem}")
            url, own = split_url(url_or_client)
            self._where = public_url(url)
            self._client: Redis = module.Redis.from_url(url)
            self._owns_client = True
        else:
            self._client = url_or_client
            self._owns_client = False
            kwargs = url_or_client.connection_pool.connection_kwargs
            if kwargs.get("decode_responses"):
                raise StateStoreError(
                    "the Redis client given as state store decodes responses to str; records are bytes: "
                    "pass a client made without decode_responses=True"
                )
            self._where = (
                f"redis://{kwargs.get('host', kwargs.get('path', '?'))}:{kwargs.get('port', '')}/{kwargs.get('db', 0)}"
            )
        self.prefix = prefix if prefix is not None else own.get("prefix", DEFAULT_PREFIX)
        try:
            hold = lease_hold if lease_hold is not None else float(own.get("lease_hold", DEFAULT_LEASE_HOLD))
        except ValueError:
            hold = -1.0
        if not hold > 0:
            raise StateStoreError(f"Redis state store {self._where}: lease_hold must be a number of seconds > 0")
        self.lease_hold = hold
        self._put_script = self._client.register_script(_PUT)
        self._lease_script = self._client.register_script(_LEASE_OWNER)

    @property
    def identity(self) -> str:
        """Stores with one identity share their in-process single flights (same server and prefix)."""
        return f"{self._where}#{self.prefix}"

    @property
    def where(self) -> str:
        """The server, without password: for messages."""
        return self._where

    def describe(self) -> str:
        """For ``invoicekit auth status`` and messages: the server (no password) and key prefix."""
        return f"Redis {self._where} (prefix {self.prefix!r})"

    @property
    def client(self) -> Redis:
        """The redis-py client (the shared rate limiter talks to the same server)."""
        return self._client

    # -- the StateStore protocol ------------------------------------------------------------
    async def get(self, key: str) -> Versioned | None:
        raw = await self._do("read", self._client.get(self.prefix + key))
        return None if raw is None else _versioned(bytes(raw, "utf-8") if isinstance(raw, str) else raw, self._where)

    async def put(self, key: str, value: bytes, *, expected_version: int | None) -> Versioned | None:
        expected = "" if expected_version is None else str(expected_version)
        version = await self._do("write", self._put_script(keys=[self.prefix + key], args=[expected, bytes(value)]))
        return Versioned(bytes(value), int(version)) if version else None

    async def delete(self, key: str) -> None:
        await self._do("delete", self._client.delete(self.prefix + key))

    async def add_if_absent(self, key: str, value: bytes, *, ttl: float) -> bool:
        record = b"1:" + bytes(value)
        added = await self._do(
            "write", self._client.set(self.prefix + key, record, nx=True, px=max(1, int(ttl * 1000)))
        )
        return bool(added)

    # -- listing keys (optional capability: KeyListingStateStore) ---------------------------
    async def list_keys(self, prefix: str) -> list[str]:
        """The keys under ``prefix``: ``SCAN`` with ``MATCH`` (never ``KEYS``, which blocks the
        server), at most ``MAX_SCAN_ROUNDS`` round trips and ``MAX_LISTED_KEYS`` keys.

        Leases live under ``lease:`` in the same prefix, so every key that starts with ``lease:``
        is left out, a record stored under such a key too (invoicekit names none so)."""
        pattern = _glob_escape(self.prefix + prefix) + "*"
        leases = self.prefix + "lease:"
        found: set[str] = set()
        cursor: int = 0
        for _ in range(MAX_SCAN_ROUNDS):
            cursor, batch = await self._do("list", self._client.scan(cursor, match=pattern, count=_SCAN_COUNT))
            for raw in batch:
                name = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
                if not name.startswith(leases):  # a lease is not a record
                    found.add(name[len(self.prefix):])
            if len(found) > MAX_LISTED_KEYS:
                raise StateStoreError(
                    f"Redis state store {self._where}: more than {MAX_LISTED_KEYS} keys under {prefix!r}; "
                    "not listed"
                )
            if cursor == 0:
                return sorted(found)
        raise StateStoreError(
            f"Redis state store {self._where}: listing the keys under {prefix!r} took over {MAX_SCAN_ROUNDS} "
            "SCAN round trips; not listed"
        )

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    # -- the lease --------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lease(self, key: str, *, ttl: float) -> AsyncIterator[None]:
        """Wait up to ``ttl`` seconds for ``key``'s lease, hold it (renewed every third of
        ``lease_hold``) for the body, release it if still ours."""
        lease_key = f"{self.prefix}lease:{key}"
        owner = secrets.token_hex(16)
        hold_ms = max(1, int(self.lease_hold * 1000))
        deadline = time.monotonic() + ttl
        while not await self._do("lease", self._client.set(lease_key, owner, nx=True, px=hold_ms)):
            if time.monotonic() >= deadline:
                raise StateStoreError(
                    f"another process has held the credential lease on {self._where} for over {ttl:g}s; "
                    "try again later"
                )
            await asyncio.sleep(_LEASE_POLL)
        renewer = asyncio.get_running_loop().create_task(self._renew(lease_key, owner, hold_ms))
        try:
            yield
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            with contextlib.suppress(StateStoreError):  # unreleased, it ends by itself
                await self._do("lease", self._lease_script(keys=[lease_key], args=[owner, ""]))

    async def _renew(self, lease_key: str, owner: str, hold_ms: int) -> None:
        while True:
            await asyncio.sleep(hold_ms / 3000)
            with contextlib.suppress(StateStoreError):  # a missed renewal: the next one may land
                await self._do("lease", self._lease_script(keys=[lease_key], args=[owner, str(hold_ms)]))

    async def _do(self, what: str, operation: Awaitable[T]) -> T:
        try:
            return await operation
        except self.redis_error as exc:
            # redis-py's messages name host and port, never the password; the chain is cut anyway.
            raise StateStoreError(
                f"Redis state store {self._where}: {what} failed ({type(exc).__name__}: {exc})"
            ) from None

    def __repr__(self) -> str:
        return f"RedisStateStore({self._where!r}, prefix={self.prefix!r})"


def _glob_escape(text: str) -> str:
    """``text`` matched literally by a Redis glob pattern."""
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


def _versioned(raw: bytes, where: str) -> Versioned:
    version, colon, value = bytes(raw).partition(b":")
    if not colon or not version.isdigit():
        raise StateStoreError(f"a record in the Redis state store {where} is damaged; run 'invoicekit auth forget'")
    return Versioned(value, int(version))


__all__ = ["DEFAULT_LEASE_HOLD", "DEFAULT_PREFIX", "RedisStateStore", "url_problem"]
