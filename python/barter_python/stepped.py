"""Backtests Python drives step by step: strategies written in Python,
pulled, never called back.

``SteppedBacktest`` runs barter's engine over historic market data (a
``backtest.MarketData`` or anything it loads from) on the calling thread:
``step(n)`` processes the next ``n`` market events, and between steps Python
reads the engine's state, the audit ticks and the latest market event of
each instrument, and sends barter's commands. Rust never calls Python, and
no thread of the library runs between calls, so there is nothing for the
GIL to deadlock on.

A run is deterministic: the same data, config and commands give the same
audit ticks and the same summary, byte for byte, on every run and every
interpreter.

- The engine's clock is the ``time_exchange`` of the latest market event
  processed (barter's ``HistoricalClock`` adds wall-clock time).
- MockExchange runs on a paused Tokio clock: its ``latency_ms`` passes in
  virtual time while a command waits for its answers.
- A command is processed when it is sent: after every market event of the
  steps before it and before any of the next. The call returns once the
  execution has answered (fills, balances, trades, rejections; cancels,
  which MockExchange never answers, time out in virtual time), and the
  engine has processed those answers in a canonical order: the order
  answers by instrument and client order id, then balances by asset and
  time, then trades by instrument and trade id. (barter delivers an
  order's answer and its balance and trade updates on two paths, in either
  order.)
- ``close_positions`` names its orders ``close-1``, ``close-2``, ... in the
  order the engine makes them (barter's ``DefaultStrategy`` picks random
  client order ids).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Callable, NamedTuple

from ._codec import Keys, _items
from ._commands import CommandFunctions, Commands
from ._config import SystemConfigLike, naming_config, trading_summary
from ._native import check, ffi, lib, take_buffer
from ._sink import Closing, Handle
from .backtest import MarketData, MarketDataLike, _system_config
from .engine import AuditTick
from .errors import BarterClosedError, BarterValueError
from .market import MarketEvent, MarketItem, MarketStreamEvent
from .summary import Interval, TradingSummary
from .timestamp import Timestamp


class Progress(NamedTuple):
    """Where a stepped backtest is: market events processed so far
    (``position``) of ``total``, the engine's clock, and whether the engine
    has stopped (an unrecoverable error)."""

    position: int
    total: int
    time: Timestamp
    ended: bool

    @classmethod
    def _of(cls, c: Any) -> Progress:
        return cls(c.position, c.total, Timestamp._of(c.time.seconds, c.time.nanos), bool(c.ended))


class BacktestEndedError(BarterClosedError):
    """The backtest's engine has stopped (an unrecoverable error): it takes
    no more steps or commands. Its state, audit and summary remain."""


#: A strategy: called with the backtest after each step.
Strategy = Callable[["SteppedBacktest"], None]


class SteppedBacktest(Closing[Progress], Commands):
    """barter's engine over historic market data, stepped by Python (a
    context manager). ``config`` is barter's ``SystemConfig`` (barter's
    backtest config, which nests it under ``system``, works too);
    ``market_data`` a ``MarketData`` or what it loads (a path, bytes,
    typed events). The executions' account snapshots are processed when it
    starts; no market event is. ``audit=False`` keeps no audit ticks
    (serialising each is most of a step's cost)."""

    __slots__ = ("_final", "_handle")
    _functions = CommandFunctions(
        lib.barter_backtest_send_open_requests,
        lib.barter_backtest_send_cancel_requests,
        lib.barter_backtest_close_positions,
        lib.barter_backtest_cancel_orders,
        lib.barter_backtest_set_trading_enabled,
    )

    def __init__(
        self,
        config: SystemConfigLike,
        market_data: MarketDataLike,
        *,
        trading_enabled: bool = True,
        audit: bool = True,
    ) -> None:
        if not isinstance(trading_enabled, bool) or not isinstance(audit, bool):
            raise BarterValueError("trading_enabled and audit must be bools")
        raw, name = _system_config(config)
        data = market_data if isinstance(market_data, MarketData) else MarketData(market_data)
        out = ffi.new("BarterBacktest **")
        with naming_config(name):
            check(
                lib.barter_backtest_new(
                    raw, len(raw), data._live(), int(not trading_enabled), int(not audit), out
                )
            )
        self._handle = Handle(out[0], "backtest")
        self._final: Progress | None = None

    def _call(self, function: Any, *args: Any) -> None:
        handle = self._handle.acquire()
        try:
            check(function(handle, *args))
        except BarterClosedError as exc:
            raise BacktestEndedError(exc.message, exc.status) from None
        finally:
            self._handle.release()

    def _command(self, function: Any, *args: Any) -> None:
        self._call(function, *args)

    # --- stepping ----------------------------------------------------------------------------

    def step(self, events: int = 1, *, until: Timestamp | None = None) -> int:
        """Processes up to ``events`` market events, stopping before the
        first whose ``time_exchange`` is after ``until``. Returns how many it
        processed: 0 at the end of the data."""
        if type(events) is not int or events < 0:
            raise BarterValueError(f"events must be an int >= 0, got {events!r}")
        bound = ffi.NULL
        if until is not None:
            if type(until) is not Timestamp:
                raise BarterValueError(f"until must be a Timestamp, got {type(until).__name__}")
            bound = ffi.new("BarterTimestamp *", {"seconds": until.seconds, "nanos": until.nanos})
        progress = ffi.new("BarterBacktestProgress *")
        self._call(lib.barter_backtest_step, min(events, 2**63), bound, progress)
        processed: int = progress.processed
        return processed

    def progress(self) -> Progress:
        """Where the backtest is."""
        out = ffi.new("BarterBacktestProgress *")
        self._call(lib.barter_backtest_progress, out)
        return Progress._of(out[0])

    def run(self, strategy: Strategy, *, step_events: int = 1) -> None:
        """Steps to the end of the data, ``step_events`` market events at a
        time, calling ``strategy(self)`` after each step. An exception from
        the strategy stops the run and propagates; the backtest stays open,
        so its state and a partial summary can still be taken."""
        while self.step(step_events):
            strategy(self)

    # --- reading -----------------------------------------------------------------------------

    def state(self) -> AuditTick:
        """The engine's state now (``EngineState``, typed), as an audit
        snapshot with the last sequence and the clock's time."""
        out = ffi.new("BarterBuffer **")
        self._call(lib.barter_backtest_state, out)
        return AuditTick.from_dict(json.loads(take_buffer(out)))

    def drain_audit_json(self) -> list[bytes]:
        """The audit ticks made since the last drain, as serde printed them."""
        out = ffi.new("BarterBuffer **")
        count = ffi.new("size_t *")
        self._call(lib.barter_backtest_drain_audit, out, count)
        return take_buffer(out).splitlines()

    def drain_audit(self) -> list[AuditTick]:
        """The audit ticks made since the last drain, typed, in engine order."""
        return [AuditTick.from_dict(json.loads(line)) for line in self.drain_audit_json()]

    def latest_market(self) -> dict[int, MarketEvent]:
        """The latest market event processed of each instrument that has one,
        by ``InstrumentIndex``."""
        out = ffi.new("BarterBatch **")
        self._call(lib.barter_backtest_latest_market, out)
        try:
            items, _ = _items(MarketStreamEvent, out[0], Keys.INDEXED, 0)  # type: ignore[type-var]
        finally:
            lib.barter_batch_free(out)
        events = (item.event for item in items if isinstance(item, MarketItem))
        return {event.instrument: event for event in events}

    def trading_summary(
        self, risk_free_return: Decimal, interval: Interval | None = None
    ) -> TradingSummary:
        """barter's ``TradingSummary`` of the backtest so far (``Daily``
        ratios unless ``interval`` says otherwise)."""
        return trading_summary(
            self._call, lib.barter_backtest_trading_summary, risk_free_return, interval
        )

    def close(self) -> Progress:
        """Frees the backtest; returns where it ended."""
        if self._final is not None:
            return self._final
        final = self.progress()
        handle = self._handle.retire()
        self._handle.wait_idle()
        check(lib.barter_backtest_free(ffi.new("BarterBacktest **", handle)))
        self._final = final
        return final


def run_strategy(
    config: SystemConfigLike,
    market_data: MarketDataLike,
    strategy: Strategy,
    *,
    risk_free_return: Decimal,
    interval: Interval | None = None,
    step_events: int = 1,
) -> TradingSummary:
    """A whole backtest of ``strategy``: ``SteppedBacktest.run`` (audit
    off), then the trading summary. The backtest is closed however the run
    ends."""
    with SteppedBacktest(config, market_data, audit=False) as backtest:
        backtest.run(strategy, step_events=step_events)
        return backtest.trading_summary(risk_free_return, interval)


__all__ = ["BacktestEndedError", "Progress", "SteppedBacktest", "Strategy", "run_strategy"]
