"""Events pushed by Rust, drained by Python: the Python side of ``EventSink``.

Rust code in the library (a paper-trading session, a test producer) pushes
barter ``OrderEvent``s and ``AccountEvent``s into a bounded queue; Python
pulls them with ``drain``, one call into Rust per batch, which waits at most
a timeout and hands the events over as C structs that become the typed
classes of :mod:`barter_python.execution`. Rust threads never call into
Python, and a drain releases the GIL while it waits.
"""

from __future__ import annotations

import enum
import math
import threading
from types import TracebackType
from typing import Any, Generic, NamedTuple, TypeVar, Union

from . import _codec, _fastpath, _messages_fast  # noqa: F401  (register the batch fast paths)
from ._codec import objects_of
from ._messages import AccountEvent, OrderEvent
from ._native import check, ffi, lib, string
from .errors import BarterClosedError, BarterValueError, Status

#: What a sink carries.
SinkItem = Union[OrderEvent, AccountEvent]

_ORDER_EVENT = lib.BARTER_MESSAGE_ORDER_EVENT
_FINISHED = lib.BARTER_EVENT_BATCH_FINISHED
_U32_MAX = (1 << 32) - 1
C = TypeVar("C", bound="Closing[Any]")
F = TypeVar("F")


class FullPolicy(enum.IntEnum):
    """What a push into a full queue does."""

    #: The producer waits for the consumer to drain (or for the sink to close).
    BLOCK = lib.BARTER_SINK_FULL_POLICY_BLOCK
    #: The push fails at once, is counted in ``rejected``, and the producer
    #: gets its event back.
    REJECT = lib.BARTER_SINK_FULL_POLICY_REJECT


class SinkStats(NamedTuple):
    """A sink's counters. Every finished push is accepted or rejected, and every
    accepted event is pending, drained, discarded or failed:
    ``pushed == rejected + pending + drained + discarded + failed``."""

    #: Finished push calls, accepted or rejected.
    pushed: int
    #: Pushes refused: queue full under ``FullPolicy.REJECT``, sink closed, or an
    #: event over a limit.
    rejected: int
    #: Events handed to Python.
    drained: int
    #: Events still queued when the sink was closed for good, dropped unread.
    discarded: int
    #: Events a drain could not convert (see ``DrainedBatch.failures``).
    failed: int
    #: Events queued now.
    pending: int
    capacity: int
    policy: FullPolicy
    closed: bool


class SinkFailure(NamedTuple):
    """An accepted event that a drain could not convert to C."""

    sequence: int
    status: Status
    message: str


class DrainedBatch(NamedTuple):
    """One drain: the events in push order with their sequence numbers."""

    events: list[SinkItem]
    #: Each event's sequence number in its sink (0 for the first accepted push).
    sequences: list[int]
    #: The sink is closed and this drain took its last event.
    finished: bool
    failures: list[SinkFailure]


def events_of(batch: Any) -> list[SinkItem]:
    """The typed events of a ``BarterEventBatch``, in push order."""
    if batch.len == 0:
        return []
    strings = batch.strings
    orders = objects_of(OrderEvent, batch.order_events, batch.order_events_len, strings)
    if batch.account_events_len == 0:
        return orders
    accounts = objects_of(AccountEvent, batch.account_events, batch.account_events_len, strings)
    if not orders:
        return accounts
    entries = batch.entries
    arrays = {_ORDER_EVENT: orders, lib.BARTER_MESSAGE_ACCOUNT_EVENT: accounts}
    return [arrays[entry.message][entry.index] for entry in (entries[i] for i in range(batch.len))]


def timeout_ms(timeout: float | None) -> int:
    """Seconds (None: as long as the ABI allows, ~49 days) as a u32 of ms."""
    if timeout is None:
        return _U32_MAX
    if math.isnan(timeout) or timeout < 0:
        raise BarterValueError(f"timeout must be >= 0 seconds, got {timeout!r}")
    return min(_U32_MAX, int(timeout * 1000))


class Handle:
    """A native handle used by several threads and released once: calls hold
    it while they run, and ``release`` waits for them before freeing it."""

    __slots__ = ("_cond", "_handle", "_name", "_users")

    def __init__(self, handle: Any, name: str) -> None:
        self._handle = handle
        self._name = name
        self._users = 0
        self._cond = threading.Condition()

    @property
    def closed(self) -> bool:
        return self._handle is None

    def acquire(self) -> Any:
        with self._cond:
            if self._handle is None:
                raise BarterClosedError(f"the {self._name} is closed")
            self._users += 1
            return self._handle

    def release(self) -> None:
        with self._cond:
            self._users -= 1
            self._cond.notify_all()

    def retire(self) -> Any:
        """Marks the handle closed for new calls and returns it (None if it
        already was); ``wait_idle`` then waits for the calls still running."""
        with self._cond:
            handle, self._handle = self._handle, None
            return handle

    def wait_idle(self) -> None:
        with self._cond:
            while self._users:
                self._cond.wait()


class Closing(Generic[F]):
    """Owner of a native handle whose ``close()`` returns the final
    counters: closed by ``with``, and when dropped unclosed, so a forgotten
    object still releases its queue and threads."""

    __slots__ = ()
    #: The final counters, once closed.
    _final: F | None

    def close(self) -> F:
        raise NotImplementedError

    def __enter__(self: C) -> C:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # No _final: __init__ failed before there was anything to close.
        try:
            if getattr(self, "_final", True) is None:
                self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass


def _stats(handle: Any) -> SinkStats:
    out = ffi.new("BarterSinkStats *")
    check(lib.barter_event_sink_stats(handle, out))
    s = out[0]
    return SinkStats(
        s.pushed,
        s.rejected,
        s.drained,
        s.discarded,
        s.failed,
        s.pending,
        s.capacity,
        FullPolicy(s.policy),
        bool(s.closed),
    )


class EventSink(Closing[SinkStats]):
    """A bounded queue of barter events that Rust pushes into and Python drains.

    ``EventSink(capacity, policy)`` makes a new one (Rust code in the library
    holds the producer side); a ``Session`` hands out the one its exchange
    fills. Use it as a context manager or call ``close()``: closing stops the
    producers, drops what was not drained (reported in ``discarded``) and
    frees the queue. Any thread may drain; each event goes to one drain.
    """

    __slots__ = ("_final", "_handle")

    def __init__(self, capacity: int = 65536, policy: FullPolicy = FullPolicy.BLOCK) -> None:
        _codec.check_index(capacity, "capacity")
        out = ffi.new("BarterEventSink **")
        check(lib.barter_event_sink_new(capacity, FullPolicy(policy), out))
        self._handle = Handle(out[0], "event sink")
        self._final: SinkStats | None = None

    @classmethod
    def _adopt(cls, raw: Any) -> EventSink:
        sink = cls.__new__(cls)
        sink._handle = Handle(raw, "event sink")
        sink._final = None
        return sink

    def drain(self, max_events: int = 4096, timeout: float | None = 0.0) -> list[SinkItem]:
        """Waits up to ``timeout`` seconds (None: without limit) for an event,
        then returns up to ``max_events`` queued events, oldest first; ``[]``
        when none came in time or the sink is closed and empty."""
        return self.drain_batch(max_events, timeout).events

    def drain_batch(self, max_events: int = 4096, timeout: float | None = 0.0) -> DrainedBatch:
        """Like ``drain``, with each event's sequence number and whether the
        sink is finished (closed and now empty)."""
        if type(max_events) is not int or max_events < 1:
            raise BarterValueError(f"max_events must be an int >= 1, got {max_events!r}")
        wait = timeout_ms(timeout)
        handle = self._handle.acquire()
        try:
            out = ffi.new("BarterEventBatch **")
            check(lib.barter_event_sink_drain(handle, max_events, wait, out))
            try:
                batch = out[0]
                events = events_of(batch)
                entries = batch.entries
                sequences = [entries[i].sequence for i in range(batch.len)]
                failures = [
                    SinkFailure(e.sequence, Status(e.status), string(e.message))
                    for e in (batch.errors[i] for i in range(batch.errors_len))
                ]
                finished = bool(batch.flags & _FINISHED)
            finally:
                lib.barter_event_batch_free(out)
        finally:
            self._handle.release()
        return DrainedBatch(events, sequences, finished, failures)

    def stats(self) -> SinkStats:
        """The counters now (after ``close``: the final ones)."""
        if self._final is not None:
            return self._final
        handle = self._handle.acquire()
        try:
            return _stats(handle)
        finally:
            self._handle.release()

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def stop(self) -> None:
        """Stops accepting pushes (they fail, counted in ``rejected``; blocked
        producers give up) while queued events stay drainable: a drain that
        takes the last one reports ``finished``."""
        handle = self._handle.acquire()
        try:
            check(lib.barter_event_sink_close(handle))
        finally:
            self._handle.release()

    def close(self) -> SinkStats:
        """Closes the sink: producers stop (their pushes fail, counted), a
        drain blocked in another thread returns, undrained events are dropped
        and counted in ``discarded``. Returns the final counters. Closing
        twice is harmless."""
        handle = self._handle.retire()
        if handle is None:
            assert self._final is not None
            return self._final
        check(lib.barter_event_sink_close(handle))
        self._handle.wait_idle()
        check(lib.barter_event_sink_discard(handle, ffi.NULL))
        self._final = _stats(handle)
        holder = ffi.new("BarterEventSink **", handle)
        check(lib.barter_event_sink_free(holder))
        return self._final


__all__ = [
    "BarterClosedError",
    "DrainedBatch",
    "EventSink",
    "FullPolicy",
    "SinkFailure",
    "SinkItem",
    "SinkStats",
]
