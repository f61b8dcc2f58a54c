"""A barter System end to end: barter's example config, the demo's command
script step by step, then an order for an exchange without an execution.

Each step waits until the engine has processed it and answered every
request (``settle``), then its ticks are checked as typed values. barter
delivers a fill's order snapshot and its balance and trade on two paths, so
within a step those are compared as a multiset, not in one fixed order; and
``close_positions`` makes random cids, so its order is found by its side and
quantity. The expected bytes of every tick come from Rust (serde)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from decimal import Decimal, localcontext
from typing import Any, Callable

import pytest

from barter_python import BarterValueError
from barter_python._audit import Ledger
from barter_python._system_demo import RISK_FREE_RETURN, Step, script
from barter_python.engine import (
    Account,
    AuditTick,
    ClosePositions,
    ClosePositionsOutput,
    EngineIndexError,
    EngineState,
    ExchangeAsset,
    Instruments,
    Market,
    OpenOrdersOutput,
    ProcessAudit,
    SendOpenRequests,
    TradingState,
    TradingStateUpdate,
)
from barter_python.execution import (
    AssetBalance,
    Balance,
    Err,
    ExchangeId,
    ExchangeOffline,
    FullyFilled,
    ImmediateOrCancel,
    OpenFailed,
    OrderEvent,
    OrderKey,
    OrderKind,
    OrderRejected,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderSnapshot,
    RequestCancel,
    RequestOpen,
    Side,
    Trade,
)
from barter_python.market import ExchangeIndexError
from barter_python.system import (
    EngineFeedMode,
    SystemClosedError,
    SystemHandle,
    example_config,
    example_market_events,
    start_system,
)

CONFIG = example_config()
FEES = Decimal(str(CONFIG["executions"][0]["fees_percent"]))
USDT = "usdt"


def account_kinds(ticks: list[AuditTick]) -> list[Any]:
    kinds = []
    for tick in ticks:
        audit = tick.event
        if isinstance(audit, ProcessAudit) and isinstance(audit.event, Account):
            kinds.append(audit.event.event.event.kind)
    return kinds


def commands(ticks: list[AuditTick]) -> list[ProcessAudit]:
    return [
        t.event
        for t in ticks
        if isinstance(t.event, ProcessAudit) and not isinstance(t.event.event, (Account, Market))
    ]


def asset_index(state: EngineState, name: str) -> int:
    return [key.asset for key in state.assets].index(name)


def fill_of(request: OrderRequestOpen) -> tuple[OrderSnapshot, Decimal]:
    """The snapshot MockExchange answers a market order with, and the fee it
    charges: price x quantity x fees_percent (a fraction: 0.05 is 5%)."""
    state = request.state
    snapshot = OrderSnapshot(
        request.key,
        state.side,
        state.price,
        state.quantity,
        state.kind,
        state.time_in_force,
        FullyFilled(),
    )
    with localcontext() as exact:
        exact.prec = 60  # rust_decimal keeps 29 digits; Python's default is 28
        return snapshot, state.price * state.quantity * FEES


def check_fill(request: OrderRequestOpen, ticks: list[AuditTick], usdt: int) -> None:
    snapshot, fee = fill_of(request)
    kinds = account_kinds(ticks)
    assert Counter(type(k) for k in kinds) == {OrderSnapshot: 1, AssetBalance: 1, Trade: 1}
    assert snapshot in kinds
    (balance,) = [k for k in kinds if isinstance(k, AssetBalance)]
    assert balance.asset == usdt
    (trade,) = [k for k in kinds if isinstance(k, Trade)]
    assert (trade.instrument, trade.strategy, trade.side) == (
        request.key.instrument,
        request.key.strategy,
        request.state.side,
    )
    assert (trade.price, trade.quantity) == (request.state.price, request.state.quantity)
    assert trade.fees.fees == fee
    assert trade.time_exchange == balance.time_exchange


def check_command(ticks: list[AuditTick], requests: list[OrderRequestOpen]) -> None:
    (command,) = commands(ticks)
    assert command.event == SendOpenRequests(requests)
    assert list(command.outputs) == [OpenOrdersOutput(requests, [])]
    assert not command.errors


@pytest.fixture
def system() -> Any:
    with start_system(CONFIG, audit=True) as system:
        yield system


def check_limit_and_cancel(system: SystemHandle, limit: Step, cancel: Step) -> list[AuditTick]:
    limit.send(system)
    ticks = system.settle()
    (snapshot_kind,) = account_kinds(ticks)
    assert isinstance(snapshot_kind, OrderSnapshot)
    assert snapshot_kind.state == OpenFailed(
        OrderRejected("MockExchange does not supported OrderKind: Limit")
    )
    assert system.audit()[-1].outcome.error == snapshot_kind.state.error  # type: ignore[union-attr]
    cancel.send(system)
    cancelled = system.settle()
    key = OrderKey(0, 1, "demo", "limit-1")
    assert account_kinds(cancelled) == [
        OrderResponseCancel(key, Err(ExchangeOffline(ExchangeId.BINANCE_SPOT)))
    ]
    assert system.audit()[-1].request == OrderRequestCancel(key, RequestCancel(None))
    return ticks + cancelled


def check_close_positions(system: SystemHandle, close: Step, usdt: int) -> list[AuditTick]:
    close.send(system)
    ticks = system.settle()
    (command,) = commands(ticks)
    assert isinstance(command.event, ClosePositions)
    (output,) = command.outputs
    assert isinstance(output, ClosePositionsOutput)
    assert not output.cancels.sent
    (closing,) = output.opens.sent
    # What is left of 0.01 bought and 0.004 sold, sold at market.
    assert (closing.key.instrument, closing.key.strategy) == (0, "default")
    assert (closing.state.side, closing.state.quantity) == (Side.SELL, Decimal("0.006"))
    assert (closing.state.kind, closing.state.time_in_force) == (
        OrderKind.MARKET,
        ImmediateOrCancel(),
    )
    check_fill(closing, ticks, usdt)
    return ticks


def test_a_fill_settles_whichever_of_its_snapshot_and_trade_comes_first(
    system: SystemHandle,
) -> None:
    feed, buy, *_ = script(example_market_events())
    feed.send(system)
    system.settle()
    buy.send(system)
    ticks = system.settle()
    kinds = [type(k) for k in account_kinds(ticks)]
    account = [t for t in ticks if isinstance(t.event.event, Account)]  # type: ignore[union-attr]
    snapshot = account[kinds.index(OrderSnapshot)]
    trade = account[kinds.index(Trade)]
    rest = [t for t in ticks if t is not snapshot and t is not trade]
    for first, second in ((snapshot, trade), (trade, snapshot)):
        ledger = Ledger()
        for tick in [*rest, first]:
            ledger.add(tick)
        assert not ledger.settled
        ledger.add(second)
        assert ledger.settled
        assert ledger.entries() == system.audit()[-1:]
    # A trade no request waits for is not held: it cannot settle a later fill.
    ledger = Ledger()
    for tick in [trade, *rest, snapshot]:
        ledger.add(tick)
    assert not ledger.settled


def check_unknown_exchange(system: SystemHandle) -> list[AuditTick]:
    lost = OrderRequestOpen(
        OrderKey(7, 0, "demo", "lost"),
        RequestOpen(Side.BUY, Decimal("1"), Decimal("1"), OrderKind.MARKET, ImmediateOrCancel()),
    )
    system.send_open_requests([lost])
    ticks = system.settle()
    (last,) = ticks
    assert isinstance(last.event, ProcessAudit)
    (error,) = last.event.errors
    assert isinstance(error, EngineIndexError)
    assert isinstance(error.error, ExchangeIndexError)
    assert "ExchangeIndex(7)" in error.error.message
    (output,) = last.event.outputs
    assert output.sent == ()
    assert output.errors[0][0] == lost
    assert system.audit()[-1].outcome.error == error  # type: ignore[union-attr]
    # The engine stops: its audit ends, and no Shutdown or FeedEnded tick follows.
    assert system.drain_audit(timeout=10) == []
    assert system.audit_stats().ended
    deadline = time.monotonic() + 10
    while system.is_running():  # the task ends just after it drops its audit channel
        assert time.monotonic() < deadline
        time.sleep(0.01)
    with pytest.raises(SystemClosedError, match="stopped"):
        system.close_positions(Instruments([0]))
    return ticks


def test_the_demo_script_then_an_unknown_exchange(system: SystemHandle) -> None:
    snapshot = system.take_audit()
    assert snapshot.sequence == 0
    assert isinstance(snapshot.event, EngineState)
    assert json.loads(snapshot.to_json()) == snapshot.to_dict()
    usdt = asset_index(snapshot.event, USDT)
    events = example_market_events()
    feed, buy, sell, limit, cancel, close = script(events)

    feed.send(system)
    every = system.settle()
    markets = [t.event.event.event for t in every if isinstance(t.event.event, Market)]
    assert markets == events  # fed in order, audited as they are
    for step in (buy, sell):
        step.send(system)
        ticks = system.settle()
        (entry,) = system.audit()[-1:]
        check_command(ticks, [entry.request])
        check_fill(entry.request, ticks, usdt)
        assert entry.outcome == FullyFilled()
        every += ticks
    every += check_limit_and_cancel(system, limit, cancel)
    every += check_close_positions(system, close, usdt)
    every += check_unknown_exchange(system)

    assert [t.sequence for t in every] == list(range(1, len(every) + 1))
    stats = system.audit_stats()
    assert (stats.received, stats.delivered, stats.queued) == (len(every), len(every), 0)
    assert stats.ended
    summary = system.shutdown_with_summary(RISK_FREE_RETURN)
    assert json.loads(summary.to_json()) == summary.to_dict()
    assert summary.instruments["binancespot-btc_usdt"].pnl != 0


def six_ticks(system: SystemHandle, drain: Callable[..., list[Any]]) -> list[Any]:
    """Feeds 4 market events and a trading-state update, then drains the
    six ticks they make (the account snapshot is the first) with ``drain``."""
    system.feed_market_events(example_market_events()[:4])
    system.set_trading_enabled(False)
    ticks: list[Any] = []
    while len(ticks) < 6:
        drained = drain(timeout=5.0)
        assert drained, ticks
        ticks += drained
    return ticks


def test_each_typed_tick_prints_the_engines_own_bytes(system: SystemHandle) -> None:
    raw = six_ticks(system, system.drain_audit_json)
    ticks = [AuditTick.from_dict(json.loads(line)) for line in raw]
    assert [t.to_json() for t in ticks] == raw


def test_ticks_drained_as_structs_are_the_ones_serde_prints(system: SystemHandle) -> None:
    """drain_audit takes the usual ticks as C structs, the others as JSON
    (rust-ffi/src/system/ticks.rs; its tests compare each struct with
    serde's line). Here: both kinds arrive, and each typed tick's JSON reads
    back to an equal tick, with the same hash and repr."""
    ticks: list[AuditTick] = six_ticks(system, system.drain_audit)
    kinds = [type(t.event.event).__name__ for t in ticks if isinstance(t.event, ProcessAudit)]
    assert {"Account", "Market", "TradingStateUpdate"} <= set(kinds)
    for tick in ticks:
        again = AuditTick.from_dict(json.loads(tick.to_json()))
        assert again == tick
        assert hash(again) == hash(tick)
        assert repr(again) == repr(tick)


def test_a_bad_config_names_the_field_and_nothing_starts() -> None:
    config = json.loads(json.dumps(CONFIG))
    del config["executions"][0]["latency_ms"]
    with pytest.raises(BarterValueError, match=r"executions\[0\]: missing field `latency_ms`"):
        start_system(config)


def test_bad_commands_raise_and_leave_the_system_running(system: SystemHandle) -> None:
    with pytest.raises(BarterValueError, match="instrument index 9 is out of range"):
        system.close_positions(Instruments([9]))
    with pytest.raises(BarterValueError, match="line 1"):
        system.feed_market_events(b'{"Item": 3}\n')
    with pytest.raises(BarterValueError, match="indexed keys"):
        system.send_open_requests(
            [
                OrderRequestOpen(
                    OrderKey(ExchangeId.BINANCE_SPOT, "BTCUSDT", "s", "c"),
                    RequestOpen(
                        Side.BUY, Decimal(1), Decimal(1), OrderKind.MARKET, ImmediateOrCancel()
                    ),
                )
            ]
        )
    with pytest.raises(BarterValueError, match="empty"):
        system.send_open_requests([])
    assert system.is_running()
    system.shutdown()
    with pytest.raises(SystemClosedError):
        system.set_trading_enabled(True)
    system.shutdown()  # harmless twice


def test_shutdown_wakes_a_blocked_drain(system: SystemHandle) -> None:
    while system.drain_audit(timeout=0.3):
        pass
    drained: list[list[AuditTick]] = []

    def drain_until_the_end() -> None:
        while ticks := system.drain_audit(timeout=None):
            drained.append(ticks)
        drained.append([])

    thread = threading.Thread(target=drain_until_the_end)
    thread.start()
    thread.join(0.3)
    assert thread.is_alive()  # blocked: the engine is idle
    system.shutdown()
    thread.join(10)
    assert not thread.is_alive()
    assert drained[-1] == []  # woken by the audit's end, not a timeout


def test_the_audit_is_off_unless_asked_for() -> None:
    with start_system(CONFIG) as system:
        with pytest.raises(BarterValueError, match="audit off"):
            system.drain_audit()
        system.set_trading_enabled(False)
        assert system.is_running()


def test_the_start_options_reach_the_engine() -> None:
    balances = [
        {
            "key": {"exchange": "binance_spot", "asset": "usdt"},
            "value": {"total": "5.50", "free": "5"},
        }
    ]
    with start_system(
        CONFIG,
        trading_enabled=False,
        audit=True,
        engine_feed_mode=EngineFeedMode("Iterator"),  # barter's name works too
        balances=balances,
    ) as system:
        state = system.take_audit().event
        assert isinstance(state, EngineState)
        assert state.trading is TradingState.DISABLED
        usdt = state.assets[ExchangeAsset(ExchangeId.BINANCE_SPOT, USDT)]
        assert usdt.balance is not None
        assert usdt.balance.value == Balance(Decimal("5.50"), Decimal("5"))
        system.set_trading_enabled(True)
        ticks = system.settle()
        assert TradingStateUpdate(TradingState.ENABLED) in [t.event.event for t in ticks]


def test_bad_options_are_refused() -> None:
    with pytest.raises(BarterValueError, match="balances"):
        start_system(CONFIG, balances=[{"key": 1}])
    with pytest.raises(ValueError, match="EngineFeedMode"):
        start_system(CONFIG, engine_feed_mode=7)  # type: ignore[arg-type]


def test_order_events_are_the_order_snapshots_and_cancel_responses(system: SystemHandle) -> None:
    events = example_market_events()
    _, buy, _, _, cancel, _ = script(events)
    system.feed_market_events(events)
    buy.send(system)
    cancel.send(system)
    updates: list[object] = []
    deadline = time.monotonic() + 10
    while len(updates) < 2:
        assert time.monotonic() < deadline, updates
        updates += system.order_events(timeout=0.5)
    buy_key = OrderKey(0, 0, "demo", "buy-1")
    cancel_key = OrderKey(0, 1, "demo", "limit-1")
    # MockExchange answers the cancel at once and the buy after its latency,
    # so the engine may see them in either order.
    assert len(updates) == 2
    assert set(updates) == {
        OrderEvent(buy_key, FullyFilled()),
        OrderResponseCancel(cancel_key, Err(ExchangeOffline(ExchangeId.BINANCE_SPOT))),
    }
