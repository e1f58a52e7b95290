"""One credential's life cycle, the same for GoHighLevel OAuth refreshes and ONLYOFFICE logins.

A :class:`CredentialKeeper` hands out a usable credential and renews it when it is stale or was
rejected. The rules it keeps:

- **One attempt in flight per credential** in this process: keepers of the same store, key and
  chain share one :class:`_Slot`. A store that can lease a key (the file store, Redis later) also
  makes the attempt exclusive across processes.
- **The attempt is not the caller's task.** It runs in a task of its own, callers wait on it
  through :func:`asyncio.shield`, so a caller that times out or is cancelled never loses a rotated
  token: the attempt completes and saves it. ``aclose()`` waits for the attempts its keeper started.
- **Saved before first use.** A renewed credential is held in memory at once (it cannot be lost
  to a failing store), then saved with compare-and-set; a failed save is retried, and callers get
  the credential only once it is stored.
- **Never backwards.** A stored credential replaces the one in memory only when it belongs to the
  same chain (the same configured seed) and has a higher generation. A save never overwrites a
  renewed record of a younger chain (one started later, by a re-authorised configuration): the
  older chain yields, keeps its credential in memory for this process and says so once.
- **Failures are answers.** A failed attempt is the answer for everyone waiting on it; further
  callers get the same failure, without a request, until a backoff that grows with consecutive
  failures has passed.
- **Dead grants are checked, then reported once.** When the provider refuses what a renewal
  spends (GoHighLevel's ``invalid_grant``), the store is read again: a credential rotated by
  another process is adopted. Only if there is none is the grant declared dead, logged once with
  what to do, and never sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, Self, TypeVar

from attrs import define, field, frozen

from .._log import get_logger, scrub
from ..errors import AuthenticationError
from ..secret import Secret
from ..state.base import LeasingStateStore, StateStore, Versioned
from ..state.errors import StateStoreError
from ..state.spec import describe_store
from .policy import DEFAULT_BACKOFF, Backoff

logger = get_logger("invoicekit.credentials")


class Credential(Protocol):
    """What the keeper needs to know about a credential (GoHighLevel tokens, an ONLYOFFICE login)."""

    @property
    def generation(self) -> int:
        """0 for what the configuration gave; +1 per renewal."""
        ...

    @property
    def chain(self) -> str:
        """A fingerprint of the configured seed this credential descends from."""
        ...

    @property
    def chain_started(self) -> datetime | None:
        """When the chain's first renewal happened (None for a seed, or unknown)."""
        ...

    @property
    def renewal_secret(self) -> Secret | None:
        """What a renewal spends (a single-use refresh token), or None."""
        ...

    def usable(self, now: datetime) -> bool:
        """True when it can authenticate a request now (present, not within its refresh margin)."""
        ...

    def positioned(self, *, generation: int, chain: str, chain_started: datetime | None = None) -> Self:
        """This credential placed in a chain."""
        ...


C = TypeVar("C", bound=Credential)
K = TypeVar("K")


def _never_dead(error: Exception) -> bool:
    return False


def _unchanged(error: Exception) -> Exception:
    return error


def _refused_credentials(error: Exception) -> bool:
    return isinstance(error, AuthenticationError)


@frozen
class CredentialRules(Generic[C]):
    """How one kind of credential is named, stored and judged."""

    #: The state-store key: provider, app and location or portal (+ user); never a secret.
    key: str
    #: For log lines and messages: "GoHighLevel OAuth tokens of location X".
    label: str
    encode: Callable[[C], bytes]
    #: Raises ValueError for a record it cannot read.
    decode: Callable[[bytes], C]
    #: True for a refusal that means "what the renewal spent is dead" (invalid_grant).
    is_dead: Callable[[Exception], bool] = _never_dead
    #: The error reported when the grant is declared dead (with what to do).
    explain_dead: Callable[[Exception], Exception] = _unchanged
    #: True for a failure that refuses the credentials themselves (judged by the provider's
    #: answer): it waits the long backoff; anything else is transient.
    is_refusal: Callable[[Exception], bool] = _refused_credentials


@define(eq=False)
class _Failure:
    error: Exception
    until: float
    dead: Secret | None = None


@define(eq=False)
class _Slot(Generic[C]):
    """What every keeper of one credential shares in this process."""

    credential: C
    version: int | None = None
    #: The record at ``version`` as last read (None: absent or unreadable).
    seen: C | None = None
    synced: bool = False
    unsaved: bool = False
    task: asyncio.Task[C] | None = None
    failure: _Failure | None = None
    failures: int = 0
    reported_dead: set[int] = field(factory=set)
    #: Chains whose newer record we declined to overwrite (reported once each).
    yielded_to: set[str] = field(factory=set)


# Stores with an ``identity`` (a file path, a Redis URL) share slots by it, so two clients opening
# the same file share one flight; other stores by object. Only keepers hold a slot: once every
# client using it is gone, so are its tokens and remembered failures.
_BY_IDENTITY: weakref.WeakValueDictionary[tuple[str, str, str], _Slot[Any]] = weakref.WeakValueDictionary()
_BY_STORE: weakref.WeakKeyDictionary[object, weakref.WeakValueDictionary[tuple[str, str], _Slot[Any]]] = (
    weakref.WeakKeyDictionary()
)


def _slot_for(store: StateStore, key: str, initial: C) -> _Slot[C]:
    identity = getattr(store, "identity", None)
    if isinstance(identity, str):
        return _shared(_BY_IDENTITY, (identity, key, initial.chain), initial)
    return _shared(_BY_STORE.setdefault(store, weakref.WeakValueDictionary()), (key, initial.chain), initial)


def _shared(slots: weakref.WeakValueDictionary[K, _Slot[Any]], name: K, initial: C) -> _Slot[C]:
    slot: _Slot[C] | None = slots.get(name)
    if slot is None:
        slot = _Slot(initial)
        slots[name] = slot
    return slot


_OLDEST = datetime.min.replace(tzinfo=UTC)

E = TypeVar("E", bound=BaseException)


def _fresh(error: E) -> E:
    """A copy of ``error`` (same class, message and attributes) with no traceback, cause or
    context of its own yet: what each caller raises instead of one shared object."""
    clone = type(error).__new__(type(error))
    clone.args = error.args
    clone.__dict__.update(error.__dict__)
    return clone


def _started(credential: Credential) -> datetime:
    # A record without a start is taken as the oldest chain: it never blocks a new one.
    return credential.chain_started or _OLDEST


def _iso(value: datetime | None) -> str:
    return "at an unknown time" if value is None else value.isoformat(timespec="seconds")


class CredentialKeeper(Generic[C]):
    """Hands out a usable credential of one kind, renewing it by ``renew`` when needed."""

    def __init__(
        self,
        rules: CredentialRules[C],
        *,
        store: StateStore,
        initial: C,
        renew: Callable[[C], Awaitable[C]],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        backoff: Backoff = DEFAULT_BACKOFF,
        lease_ttl: float = 60.0,
        store_attempts: int = 3,
        store_retry_delay: float = 0.05,
        dead_grace: float = 1.0,
        exit_save_budget: float = 10.0,
    ) -> None:
        self.rules = rules
        self.store = store
        self._renew = renew
        self._clock = clock
        self._monotonic = monotonic
        self._backoff = backoff
        self._lease_ttl = lease_ttl
        self._store_attempts = max(1, store_attempts)
        self._store_retry_delay = store_retry_delay
        # With a lease, a rotation elsewhere was saved before the lease came to us: no grace needed.
        self._dead_grace = 0.0 if isinstance(store, LeasingStateStore) else dead_grace
        self._slot: _Slot[C] = _slot_for(store, rules.key, initial)
        self._tasks: set[asyncio.Task[C]] = set()
        #: Seconds ``aclose()`` keeps retrying to save a renewed credential the store refused.
        self.exit_save_budget = exit_save_budget
        #: Renewal requests this keeper sent (refreshes, logins).
        self.renewals = 0

    @property
    def held(self) -> C:
        """The credential held in memory now (maybe stale; for diagnostics)."""
        return self._slot.credential

    # -- what auth strategies call ----------------------------------------------------------
    async def current(self) -> C:
        """A usable credential: the one held when it is fresh and stored, else an attempt's."""
        slot = self._slot
        held = slot.credential
        if slot.synced and not slot.unsaved and held.usable(self._clock()):
            return held  # the hot path: no await, no store read
        return await self._join(rejected=None)

    async def after_rejection(self, rejected: C) -> C:
        """A new credential after the provider refused ``rejected`` (a 401)."""
        slot = self._slot
        held = slot.credential
        if held != rejected and slot.synced and not slot.unsaved and held.usable(self._clock()):
            return held  # renewed by someone else while that request was out
        return await self._join(rejected=rejected)

    async def aclose(self) -> None:
        """Wait for the attempts this keeper started: they finish and save, never left behind.

        A renewed credential whose save failed exists only in this process's memory; a rotated
        refresh token lost now means re-authorising the app. So before closing, the save is
        retried for up to ``exit_save_budget`` seconds (a CLI run or a cron job hitting a short
        store outage), and a loss that cannot be avoided is logged as an error."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._slot.unsaved:
            await self._save_before_exit()

    async def _save_before_exit(self) -> None:
        slot = self._slot
        deadline = self._monotonic() + self.exit_save_budget
        delay = self._store_retry_delay
        failure = "no time left"
        while slot.unsaved:
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                break
            try:
                async with asyncio.timeout(remaining), self._lease():
                    await self._save(slot.credential)
            except Exception as exc:  # the store's failure, a lease not had in time
                failure = type(exc).__name__
                await asyncio.sleep(min(delay, max(0.0, deadline - self._monotonic())))
                delay = min(delay * 2, 2.0)
        if slot.unsaved:
            logger.error(
                "%s: the renewed credential (generation %d) could not be saved to %s before closing (%s, "
                "retried for %gs); it is lost with this process. If it was a rotated refresh token, the next "
                "run finds only the spent one and the app must be re-authorised.",
                self.rules.label, slot.credential.generation, describe_store(self.store), failure,
                self.exit_save_budget,
            )

    # -- the single flight ------------------------------------------------------------------
    async def _join(self, *, rejected: C | None) -> C:
        # Twice at most: an attempt that only confirmed the rejected credential (it was read from
        # the store while the 401 was on its way) is followed by one that renews it.
        for _ in range(2):
            slot = self._slot
            task = slot.task
            if task is None or task.get_loop() is not asyncio.get_running_loop():
                self._raise_remembered_failure()
                task = asyncio.get_running_loop().create_task(self._attempt(rejected))
                slot.task = task
                self._tasks.add(task)
                task.add_done_callback(self._finished)
            failed: Exception | None = None
            try:
                result = await asyncio.shield(task)
            except Exception as exc:
                failed = exc
            if failed is not None:
                # Every waiter gets an error of its own (raised out here: no context): one object
                # raised in many tasks would interleave their tracebacks and contexts.
                raise _fresh(failed) from None
            if rejected is None or result != rejected:
                return result
        return result

    def _finished(self, task: asyncio.Task[C]) -> None:
        self._tasks.discard(task)
        if self._slot.task is task:
            self._slot.task = None
        if not task.cancelled():
            task.exception()  # retrieved: every waiter may have been cancelled

    def _raise_remembered_failure(self) -> None:
        failure = self._slot.failure
        if failure is not None and self._monotonic() < failure.until:
            raise _fresh(failure.error) from None

    # -- one attempt (its own task) ---------------------------------------------------------
    async def _attempt(self, rejected: C | None) -> C:
        slot = self._slot
        try:
            async with self._lease():
                result = await self._renew_if_needed(rejected)
        except Exception as exc:
            slot.failures += 1
            dead = slot.credential.renewal_secret if self.rules.is_dead(exc) else None
            refused = self.rules.is_refusal(exc) or dead is not None
            until = self._monotonic() + self._backoff.delay(slot.failures, exc, refused=refused)
            slot.failure = _Failure(exc, until, dead)
            raise
        slot.failures = 0
        slot.failure = None
        return result

    @contextlib.asynccontextmanager
    async def _lease(self) -> AsyncIterator[None]:
        if isinstance(self.store, LeasingStateStore):
            async with self.store.lease(self.rules.key, ttl=self._lease_ttl):
                yield
        else:
            yield

    async def _renew_if_needed(self, rejected: C | None) -> C:
        slot = self._slot
        if slot.unsaved:
            await self._save(slot.credential)  # a save that failed before: finish it first
        else:
            await self._sync()
        held = slot.credential
        if held != rejected and held.usable(self._clock()):
            return held
        self._refuse_known_dead(held)
        renewed, refusal = await self._spend(held)
        if refusal is not None:
            # Refused: another process may have rotated it (and be saving the new one right now).
            adopted = await self._adopt_rotated(held)
            if adopted is None:
                raise self._declare_dead(refusal, held)
            if adopted != rejected and adopted.usable(self._clock()):
                return adopted
            renewed, refusal = await self._spend(adopted)
            if refusal is not None:
                raise self._declare_dead(refusal, adopted)
            held = adopted
        assert renewed is not None
        # The first renewal of a seed starts the chain: its start tells a chain from an older one.
        started = self._clock() if held.generation == 0 else held.chain_started
        renewed = renewed.positioned(generation=held.generation + 1, chain=held.chain, chain_started=started)
        # In memory first, so that nothing the store does can lose it; used only once stored.
        slot.credential = renewed
        slot.unsaved = True
        await self._save(renewed)
        logger.info(
            "%s renewed (generation %d), saved to %s", self.rules.label, renewed.generation, describe_store(self.store)
        )
        return slot.credential

    async def _adopt_rotated(self, spent: C) -> C | None:
        """The credential another process rotated ``spent`` into, read from the store within the
        grace period (its holder may still be saving it), or None."""
        deadline = self._monotonic() + self._dead_grace
        delay = 0.05
        while True:
            await self._sync()
            adopted = self._slot.credential
            if adopted.renewal_secret != spent.renewal_secret:
                return adopted
            if self._monotonic() >= deadline:
                return None
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)

    async def _spend(self, credential: C) -> tuple[C | None, Exception | None]:
        """The renewed credential, or the refusal that says ``credential`` is dead (returned,
        not raised, so that the error reported later carries no exception context)."""
        self.renewals += 1
        try:
            return await self._renew(credential), None
        except Exception as exc:
            if not self.rules.is_dead(exc):
                raise
            return None, exc

    def _refuse_known_dead(self, held: C) -> None:
        failure = self._slot.failure
        if failure is not None and failure.dead is not None and failure.dead == held.renewal_secret:
            raise _fresh(failure.error) from None

    def _declare_dead(self, error: Exception, credential: C) -> Exception:
        reported = self._slot.reported_dead
        marker = hash(credential.renewal_secret)
        explained = self.rules.explain_dead(error)
        if marker not in reported:
            reported.add(marker)
            logger.error("%s", scrub(str(explained)))
        return explained

    # -- the store --------------------------------------------------------------------------
    async def _sync(self) -> None:
        """Read the store; adopt what it holds when it is newer in our chain."""
        slot = self._slot
        record = await self._with_retries("read", lambda: self.store.get(self.rules.key))
        slot.synced = True
        self._saw(record)
        stored = slot.seen
        if stored is not None and self._newer(stored, slot.credential):
            slot.credential = stored

    def _saw(self, record: Versioned | None) -> None:
        slot = self._slot
        slot.version = None if record is None else record.version
        slot.seen = None if record is None else self._decode(record)

    async def _save(self, credential: C) -> None:
        """Compare-and-set ``credential`` over the version we last saw; retried when it fails.

        The record we would replace may belong to another chain (the app was re-authorised and
        a newer configuration runs elsewhere): a younger chain than ours is never overwritten.
        """
        slot = self._slot
        data = self.rules.encode(credential)
        for _ in range(self._store_attempts):
            if slot.seen is not None and self._supersedes(slot.seen, credential):
                self._yield_to(slot.seen, credential)
                return
            written = await self._with_retries(
                "save", functools.partial(self.store.put, self.rules.key, data, expected_version=slot.version)
            )
            if written is not None:
                slot.version = written.version
                slot.seen = credential
                slot.unsaved = False
                slot.synced = True
                return
            # Someone wrote since we read. Theirs wins only if it is newer in our chain.
            self._saw(await self._with_retries("read", lambda: self.store.get(self.rules.key)))
            stored = slot.seen
            if stored is not None and self._newer(stored, credential):
                slot.credential = stored
                slot.unsaved = False
                return
        raise StateStoreError(
            f"could not save the renewed {self.rules.label} to {describe_store(self.store)}: other writers kept "
            "changing it; kept in memory, saved on the next call"
        )

    @staticmethod
    def _supersedes(stored: C, ours: C) -> bool:
        """True when ``stored`` is of a younger chain than ``ours`` (a re-authorisation that
        ours must not overwrite). A seed never renewed (generation 0) supersedes nothing."""
        if stored.chain == ours.chain or stored.generation == 0:
            return False
        return _started(stored) >= _started(ours)

    def _yield_to(self, stored: C, ours: C) -> None:
        """Keep our renewed credential in memory for this process (it works) but leave the
        younger chain in the store; say so once per chain."""
        slot = self._slot
        slot.unsaved = False
        slot.synced = True
        if stored.chain not in slot.yielded_to:
            slot.yielded_to.add(stored.chain)
            logger.error(
                "%s: %s holds a newer chain (started %s, generation %d), from a re-authorisation; this "
                "process's renewed credential (chain started %s) is used in memory only and not saved over it. "
                "Restart this process with the new configuration.",
                self.rules.label, describe_store(self.store), _iso(stored.chain_started), stored.generation,
                _iso(ours.chain_started),
            )

    async def _with_retries(self, what: str, operation: Callable[[], Awaitable[Any]]) -> Any:
        last: Exception | None = None
        for attempt in range(self._store_attempts):
            if attempt:
                await asyncio.sleep(self._store_retry_delay * 2 ** (attempt - 1))
            try:
                return await operation()
            except Exception as exc:  # any store's failure: file, database, network
                last = exc
                logger.warning(
                    "%s: state store %s failed (%s), try %d of %d",
                    self.rules.label, what, type(exc).__name__, attempt + 1, self._store_attempts,
                )
        assert last is not None
        kept = " (the renewed credential is kept in memory and saved on the next call)" if what == "save" else ""
        raise StateStoreError(
            f"cannot {what} the {self.rules.label} in {describe_store(self.store)}: "
            f"{type(last).__name__}: {scrub(str(last))[:200]}{kept}"
        ) from None

    def _decode(self, record: Versioned) -> C | None:
        try:
            return self.rules.decode(record.value)
        except (ValueError, TypeError, KeyError):
            logger.warning("%s: the stored record is unreadable; it will be replaced", self.rules.label)
            return None

    @staticmethod
    def _newer(stored: C, held: C) -> bool:
        return stored.chain == held.chain and stored.generation > held.generation

    def __repr__(self) -> str:
        return f"CredentialKeeper({self.rules.label!r}, store={describe_store(self.store)})"


__all__ = ["Credential", "CredentialKeeper", "CredentialRules"]
