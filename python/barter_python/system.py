"""A barter ``System`` running inside the library: barter's ``Engine`` with
``DefaultStrategy`` and ``DefaultRiskManager``, a ``MockExecution`` client and
barter's ``MockExchange`` for each execution of a barter ``SystemConfig``.

Python drives it by pulling, never by callbacks: it sends barter's commands,
feeds market events, and drains the engine's audit ticks in batches::

    from barter_python.system import start_system
    from barter_python.engine import NoFilter

    with start_system("system_config.json", audit=True) as system:
        system.feed_market_events(events)          # typed MarketStreamEvents or barter's JSON
        system.send_open_requests([request])       # indexed OrderRequestOpen
        for tick in system.audit_ticks(timeout=1.0):
            print(tick.sequence, tick.event)
        system.close_positions(NoFilter())
        summary = system.shutdown_with_summary(Decimal("0.05"))

Every command is barter's ``Command`` (or a ``TradingState`` update) sent on
the engine's feed, so commands, market events and account events reach the
engine in the order they are sent. Commands bypass the risk manager, as in
barter. A command on a stopped System raises ``SystemClosedError``: after
``shutdown()``, or once an unrecoverable engine error (for example an open
request for an exchange that has no execution, barter's ``IndexError``)
ended the engine; the audit then ends with the tick carrying that error.

The audit queue holds at most ``audit_capacity`` ticks. When it is full the
engine's ticks wait in barter's own channel, none is dropped;
``audit_stats()`` proves it (``received == delivered + queued``).
"""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from importlib import resources
from typing import Any, NamedTuple

from ._audit import AuditEntry, Ledger
from ._codec import check_index
from ._commands import CommandFunctions, Commands
from ._config import SystemConfigLike, config_bytes, naming_config, trading_summary
from ._messages import OrderEvent, OrderResponseCancel
from ._native import check, ffi, lib, take_buffer
from ._sink import Closing, Handle, timeout_ms
from ._ticks import ticks_of
from .engine import AuditTick, Command, Market, ProcessAudit, TradingStateUpdate
from .errors import BarterClosedError
from .market import MarketStreamEvent, structs_of
from .summary import Interval, TradingSummary


class SystemClosedError(BarterClosedError):
    """The System has stopped (shut down, or ended by an unrecoverable
    engine error): it takes no more commands."""


class EngineFeedMode(enum.IntEnum):
    """barter's ``EngineFeedMode``."""

    #: The engine awaits its feed on the Tokio runtime: no core is used
    #: while the System is idle. The default.
    STREAM = 1
    #: barter's synchronous engine: it polls its feed with ``try_recv`` on a
    #: thread of its own, which keeps one core busy even while idle.
    ITERATOR = 2

    @classmethod
    def _missing_(cls, value: object) -> EngineFeedMode | None:
        # barter's serde names ("Stream", "Iterator"), as configs spell them.
        if isinstance(value, str):
            return cls.__members__.get(value.upper())
        return None


#: The engine events a handle feeds (account events come from the execution).
_FED = (Command, Market, TradingStateUpdate)


class AuditStats(NamedTuple):
    """Counters of the audit queue: ``received == delivered + queued``."""

    received: int
    delivered: int
    queued: int
    max_queued: int
    producer_waits: int
    capacity: int
    ended: bool

    @classmethod
    def _of(cls, c: Any) -> AuditStats:
        """From a ``BarterAuditStats`` (None: a System without audit)."""
        if c is None:
            return cls(0, 0, 0, 0, 0, 0, True)
        return cls(
            c.received,
            c.delivered,
            c.queued,
            c.max_queued,
            c.producer_waits,
            c.capacity,
            bool(c.ended),
        )


def example_config() -> dict[str, Any]:
    """barter's ``examples/config/system_config.json``, shipped in the
    package: BTCUSDT, ETHUSDT and SOLUSDT on a mocked binance_spot with 100 ms
    latency and 5% fees (``fees_percent`` is a fraction: 0.05 is 5%)."""
    text = resources.files("barter_python").joinpath("data/system_config.json").read_text("utf-8")
    config: dict[str, Any] = json.loads(text)
    return config


def example_market_events() -> list[MarketStreamEvent]:
    """A slice of barter's example market data, shipped in the package:
    trades and order book tops of BTCUSDT, ETHUSDT and SOLUSDT (instruments
    0, 1 and 2 of ``example_config()``)."""
    data = resources.files("barter_python").joinpath("data/market_events.jsonl").read_bytes()
    return MarketStreamEvent.from_json_lines(data)


class SystemHandle(Closing[AuditStats], Commands):
    """A running barter System (a context manager: leaving it shuts down).

    Options: ``trading_enabled`` (barter's initial ``TradingState``),
    ``audit`` (the engine sends its audit; needed for ``audit_ticks``,
    ``order_events`` and ``take_audit``), ``engine_feed_mode`` (see
    ``EngineFeedMode``; ``STREAM`` by default), ``balances`` (initial engine
    balances, barter's ``Keyed<ExchangeAsset, Balance>`` JSON list) and
    ``audit_capacity`` (the audit queue's bound in ticks).
    """

    __slots__ = ("_fed", "_final", "_handle", "_ledger", "_processed", "_snapshot")

    def __init__(
        self,
        config: SystemConfigLike | None = None,
        *,
        trading_enabled: bool = True,
        audit: bool = False,
        engine_feed_mode: EngineFeedMode = EngineFeedMode.STREAM,
        balances: Sequence[Mapping[str, Any]] | None = None,
        audit_capacity: int = 65536,
    ) -> None:
        raw, name = config_bytes(example_config() if config is None else config)
        options = ffi.new("BarterSystemOptions *")
        options.feed_mode = int(EngineFeedMode(engine_feed_mode))
        options.trading_disabled = 1 if trading_enabled else 2
        options.audit = 1 if audit else 0
        options.audit_capacity = check_index(audit_capacity, "audit_capacity")
        balances_json = b"" if balances is None else json.dumps(list(balances)).encode()
        out = ffi.new("BarterSystem **")
        with naming_config(name):
            check(
                lib.barter_system_new(
                    raw, len(raw), balances_json, len(balances_json), options, out
                )
            )
        self._handle = Handle(out[0], "System")
        self._final: AuditStats | None = None
        self._snapshot: AuditTick | None = None
        self._ledger = Ledger()
        # Events this handle put on the engine's feed, and the ticks of such
        # events drained so far: the engine audits each once, in feed order.
        self._fed = 0
        self._processed = 0

    def _call(self, function: Any, *args: Any) -> None:
        try:
            handle = self._handle.acquire()
        except BarterClosedError:
            raise SystemClosedError("the System is shut down") from None
        try:
            check(function(handle, *args))
        except BarterClosedError as exc:
            raise SystemClosedError(exc.message, exc.status) from None
        finally:
            self._handle.release()

    # --- commands ------------------------------------------------------------------------

    _functions = CommandFunctions(
        lib.barter_system_send_open_requests,
        lib.barter_system_send_cancel_requests,
        lib.barter_system_close_positions,
        lib.barter_system_cancel_orders,
        lib.barter_system_set_trading_enabled,
    )

    def _command(self, function: Any, *args: Any) -> None:
        # Each command is one event on the engine's feed.
        self._call(function, *args)
        self._fed += 1

    def feed_market_events(self, events: Iterable[MarketStreamEvent] | str | bytes) -> None:
        """Sends market events into the engine's feed: typed
        ``MarketStreamEvent``s, or barter-data's JSON (JSON lines, like
        barter's example data). All or nothing: a bad event raises with its
        line and serde's message, and none is sent."""
        if isinstance(events, (str, bytes)):
            data = events.encode() if isinstance(events, str) else events
            self._call(lib.barter_system_feed_market, data, len(data), lib.BARTER_JSON_FORMAT_LINES)
            self._fed += sum(1 for line in data.splitlines() if line.strip())
            return
        # Typed events cross as C structs: no JSON, and order books too
        # (barter's parser cannot read the JSON barter writes of them).
        items = list(events)
        structs, _keep = structs_of(MarketStreamEvent, items)
        self._call(lib.barter_system_feed_market_events, structs, len(items))
        self._fed += len(items)

    # --- audit -------------------------------------------------------------------------------

    def take_audit(self) -> AuditTick:
        """The audit's first tick: the ``EngineState`` when the engine started."""
        if self._snapshot is None:
            out = ffi.new("BarterBuffer **")
            self._call(lib.barter_system_audit_snapshot, out)
            self._snapshot = AuditTick.from_dict(json.loads(take_buffer(out)))
        return self._snapshot

    def _drain(self, drain: Any, max_ticks: int, timeout: float | None, out: Any) -> None:
        self._call(drain, check_index(max_ticks, "max_ticks"), timeout_ms(timeout), *out)

    def _seen(self, ticks: list[AuditTick]) -> None:
        """What ``settle`` and ``audit`` learn from drained ticks."""
        for tick in ticks:
            self._ledger.add(tick)
            audit = tick.event
            if isinstance(audit, ProcessAudit) and isinstance(audit.event, _FED):
                self._processed += 1

    def drain_audit(self, max_ticks: int = 4096, timeout: float | None = 0.0) -> list[AuditTick]:
        """Up to ``max_ticks`` audit ticks in engine order, waiting up to
        ``timeout`` seconds for the first (``None``: until one comes or the
        audit ends). An empty list once the audit has ended and been drained."""
        out = ffi.new("BarterAuditBatch **")
        self._drain(lib.barter_system_audit_drain_structs, max_ticks, timeout, (out,))
        try:
            ticks = ticks_of(out[0])
        finally:
            lib.barter_audit_batch_free(out)
        self._seen(ticks)
        return ticks

    def drain_audit_json(self, max_ticks: int = 4096, timeout: float | None = 0.0) -> list[bytes]:
        """As ``drain_audit``, but each tick as the bytes serde printed in the
        engine (for logs and archives). ``settle`` and ``audit`` still see them."""
        out, count = ffi.new("BarterBuffer **"), ffi.new("size_t *")
        self._drain(lib.barter_system_audit_drain, max_ticks, timeout, (out, count))
        lines = take_buffer(out).splitlines()
        self._seen([AuditTick.from_dict(json.loads(line)) for line in lines])
        return lines

    @property
    def _settled(self) -> bool:
        """The engine has processed everything this handle fed it, and every
        request it sent has its answer (and every fill its trade)."""
        return self._processed >= self._fed and self._ledger.settled

    def settle(self, timeout: float = 10.0) -> list[AuditTick]:
        """Drains until the engine has processed everything this handle fed
        it and every request it sent has its answer (and every fill its
        trade), or the audit ended; returns the ticks drained. Raises
        ``TimeoutError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        ticks: list[AuditTick] = []
        while not self._settled:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(
                    f"the System did not settle in {timeout} s: {self._fed - self._processed} "
                    f"fed events and {self._ledger.pending} requests unanswered"
                )
            drained = self.drain_audit(timeout=min(left, 0.25))
            if not drained and self.audit_stats().ended:
                break
            ticks.extend(drained)
        return ticks

    def audit(self) -> list[AuditEntry]:
        """Every request the engine sent or refused so far, with its answer
        (see ``Ledger``), from the ticks drained so far."""
        return self._ledger.entries()

    def audit_ticks(self, timeout: float | None = 0.0) -> Iterator[AuditTick]:
        """Every tick until none arrives within ``timeout`` seconds, or the
        audit has ended."""
        while True:
            ticks = self.drain_audit(timeout=timeout)
            if not ticks:
                return
            yield from ticks

    def order_events(
        self, timeout: float | None = 0.0
    ) -> Iterator[OrderEvent | OrderResponseCancel]:
        """The order updates the engine receives, in engine order: the
        ``OrderEvent(key, state)`` of each ``OrderSnapshot`` and the
        ``OrderResponseCancel`` of each ``OrderCancelled`` (draining the audit
        as ``audit_ticks``)."""
        for tick in self.audit_ticks(timeout):
            yield from tick.order_events()

    def audit_stats(self) -> AuditStats:
        """The audit queue's counters."""
        if self._final is not None:
            return self._final
        out = ffi.new("BarterAuditStats *")
        self._call(lib.barter_system_audit_stats, out)
        return AuditStats._of(out[0])

    # --- lifecycle ---------------------------------------------------------------------------

    def is_running(self) -> bool:
        """True while the engine runs."""
        if self._handle.closed:
            return False
        out = ffi.new("uint32_t *")
        self._call(lib.barter_system_is_running, out)
        return bool(out[0])

    def shutdown(self) -> None:
        """Stops the engine and its components, as barter's
        ``System::shutdown``, and joins every thread. The audit's last ticks
        stay drainable. Harmless when already stopped."""
        self._stop(lib.barter_system_shutdown)

    def abort(self) -> None:
        """As ``shutdown``, but the execution components are aborted."""
        self._stop(lib.barter_system_abort)

    def _stop(self, function: Any) -> None:
        if self._handle.closed:
            return
        self._call(function)

    def trading_summary(
        self, risk_free_return: Decimal, interval: Interval | None = None
    ) -> TradingSummary:
        """barter's ``TradingSummary`` of the stopped engine (``Daily``
        ratios unless ``interval`` says otherwise)."""
        return trading_summary(
            self._call, lib.barter_system_trading_summary, risk_free_return, interval
        )

    def shutdown_with_summary(
        self, risk_free_return: Decimal, interval: Interval | None = None
    ) -> TradingSummary:
        """``shutdown()``, then the engine's ``TradingSummary``."""
        self.shutdown()
        return self.trading_summary(risk_free_return, interval)

    def close(self) -> AuditStats:
        """Shuts down and frees the System. Returns the audit's final counters
        (all zero when the audit was off)."""
        handle = self._handle.retire()
        if handle is None:
            return self._final or AuditStats._of(None)
        self._handle.wait_idle()
        check(lib.barter_system_shutdown(handle))
        stats = ffi.new("BarterAuditStats *")
        audited = lib.barter_system_audit_stats(handle, stats) == lib.BARTER_STATUS_OK
        self._final = AuditStats._of(stats[0] if audited else None)
        check(lib.barter_system_free(ffi.new("BarterSystem **", handle)))
        return self._final


def start_system(
    config: SystemConfigLike | None = None,
    *,
    trading_enabled: bool = True,
    audit: bool = False,
    engine_feed_mode: EngineFeedMode = EngineFeedMode.STREAM,
    balances: Sequence[Mapping[str, Any]] | None = None,
    audit_capacity: int = 65536,
) -> SystemHandle:
    """Starts a barter System (``None``: barter's example config, shipped in
    the package) and returns its ``SystemHandle`` once the engine runs."""
    return SystemHandle(
        config,
        trading_enabled=trading_enabled,
        audit=audit,
        engine_feed_mode=engine_feed_mode,
        balances=balances,
        audit_capacity=audit_capacity,
    )


__all__ = [
    "AuditStats",
    "EngineFeedMode",
    "SystemClosedError",
    "SystemConfigLike",
    "SystemHandle",
    "example_config",
    "example_market_events",
    "start_system",
]
