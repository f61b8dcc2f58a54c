"""The Python half of scripts/leakcheck.sh, run under valgrind memcheck:
at least EVENTS events (default 100,000) through every allocate/free pair
of the C ABI that the package uses, the error paths included.

usage: python loop.py FIXTURES_DIR [EVENTS]
Also runs one paper-trading session from start to close, one barter
System from start to free (barter_python.system.start_system), and one
run of backtests (barter_python.backtest).
Prints "loop: N events decoded, M encoded, E errors raised, R rounds, ...".
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from barter_python import BarterLimitError, BarterValueError, execution
from barter_python._native import check, ffi, lib
from barter_python._session_demo import DEFAULT_SCRIPT, parse_script, run_script
from barter_python.backtest import (
    BacktestArgsConstant,
    BacktestArgsDynamic,
    MarketData,
    example_backtest_config,
    run_backtests,
)
from barter_python.engine import Instruments
from barter_python.execution import (
    ImmediateOrCancel,
    Keys,
    OrderEvent,
    OrderKey,
    OrderKind,
    OrderRequestCancel,
    OrderRequestOpen,
    RequestCancel,
    RequestOpen,
    Side,
)
from barter_python.limits import temporary_limits
from barter_python.market import MarketStreamEvent
from barter_python.session import Session
from barter_python.stepped import run_strategy
from barter_python.strategies import MovingAverageCross
from barter_python.system import SystemClosedError, SystemHandle, example_config, start_system


class Inputs:
    """The fixture events as JSON lines, an array, with bad lines, and every
    message type's samples grouped by class and key form."""

    def __init__(self, fixtures: Path) -> None:
        with (fixtures / "order_events.jsonl").open(encoding="utf-8") as rows:
            serde = [json.loads(row)["serde"].encode() for row in rows]
        self.lines = b"".join(s + b"\n" for s in serde)
        self.array = b"[" + b",".join(serde) + b"]"
        self.with_bad = (
            self.lines + b'{"key":1}\n' + self.lines.replace(b'"Inactive"', b'"Inactiv"', 1)
        )
        self.bad = serde[0].replace(b'"Active"', b'"Activ"')
        groups: dict[tuple[str, str], list[bytes]] = {}
        with (fixtures / "messages.jsonl").open(encoding="utf-8") as rows:
            for row in map(json.loads, rows):
                groups.setdefault((row["message"], row["keys"]), []).append(row["serde"].encode())
        self.messages = []
        for (name, keys), items in groups.items():
            cls = getattr(execution, "".join(part.title() for part in name.split("_")))
            key_form = Keys.INDEXED if keys == "indexed" else Keys.UNINDEXED
            self.messages.append((cls, key_form, b"".join(i + b"\n" for i in items)))


class Counts:
    def __init__(self) -> None:
        self.decoded = self.encoded = self.errors = self.rounds = self.session_events = 0
        self.audit_ticks = 0


def session_lifecycle(counts: Counts) -> None:
    """One paper-trading session: its Tokio runtime, MockExchange, requests,
    drained events, close and free."""
    events: list[Any] = []
    with Session() as session:
        run_script(session, parse_script(DEFAULT_SCRIPT), events.append, lambda _r, _s: None)
    counts.session_events = len(events)


def drain_until(system: SystemHandle, counts: Counts, text: str, *also: str) -> str:
    """Drains audit ticks until their serde JSON, all together, contains
    every one of the texts; under valgrind the engine's threads are slow,
    so the wait is generous."""
    seen = ""
    deadline = time.monotonic() + 120
    while not all(t in seen for t in (text, *also)):
        assert time.monotonic() < deadline, f"no {text} in the audit"
        ticks = system.drain_audit(timeout=1.0)
        counts.audit_ticks += len(ticks)
        seen += "".join(json.dumps(tick.to_dict()) for tick in ticks)
    return seen


def system_lifecycle(counts: Counts) -> None:
    """One barter System on the example config (1 ms latency) with the
    audit on: market events, a market buy that fills, a cancel,
    close_positions, an open request for exchange 7 (barter's IndexError
    ends the engine and its audit), shutdown, the trading summary, free;
    and the refusals on the way."""
    config = example_config()
    config["executions"][0]["latency_ms"] = 1
    market = resources.files("barter_python").joinpath("data/market_events.jsonl").read_bytes()
    first = b"".join(market.splitlines(keepends=True)[:6])

    def market_buy(exchange: int, cid: str) -> OrderRequestOpen:
        return OrderRequestOpen(
            OrderKey(exchange, 0, "leakcheck", cid),
            RequestOpen(
                Side.BUY, Decimal("87232.01"), Decimal("0.001"), OrderKind.MARKET,
                ImmediateOrCancel(),
            ),
        )  # fmt: skip

    with start_system(config, audit=True) as system:
        system.take_audit()
        system.feed_market_events(first)
        system.send_open_requests([market_buy(0, "buy-1")])
        drain_until(system, counts, "FullyFilled", '"order_id"')
        key = market_buy(0, "buy-1").key
        system.send_cancel_requests([OrderRequestCancel(key, RequestCancel("0"))])
        system.close_positions(None)
        try:
            system.close_positions(Instruments([5]))
        except BarterValueError:
            counts.errors += 1
        system.send_open_requests([market_buy(7, "lost")])
        drain_until(system, counts, "IndexError")
        while not system.audit_stats().ended or system.drain_audit(timeout=1.0):
            pass
        try:
            system.set_trading_enabled(True)
        except SystemClosedError:
            counts.errors += 1
        summary = system.shutdown_with_summary(Decimal("0.05"))
        assert summary.to_json()
    try:
        start_system({"instruments": [], "executions": []})
    except BarterValueError:
        counts.errors += 1


def backtest_lifecycle(counts: Counts) -> None:
    """barter's example market data loaded as JSON and as typed events, two
    backtests of barter's example backtest config, a stepped backtest of the
    example strategy, and the refusals."""
    market = resources.files("barter_python").joinpath("data/market_events.jsonl").read_bytes()
    config = example_backtest_config()
    dynamic = [BacktestArgsDynamic(str(i), Decimal("0.05")) for i in range(2)]
    for source in (market, MarketStreamEvent.from_json_lines(market)):
        with MarketData(source) as data:
            summary = run_backtests(BacktestArgsConstant(config, data), dynamic)
            assert summary.num_backtests == 2
    strategy = MovingAverageCross(fast=1, slow=2)
    summary_ = run_strategy(config, market, strategy, risk_free_return=Decimal("0.05"))
    assert strategy.orders
    assert summary_.to_json()
    for bad in (b'{"Reconnecting":"binance_spot"}', market[:-9]):
        try:
            MarketData(bad)
        except BarterValueError:
            counts.errors += 1


def typed_calls(inputs: Inputs, counts: Counts) -> None:
    """barter_decode + barter_batch_free, barter_encode + barter_buffer_free."""
    events = OrderEvent.from_json_lines(inputs.lines)
    assert OrderEvent.to_json_lines(events) == inputs.lines
    assert OrderEvent.from_json_array(inputs.array) == events
    good, line_errors = OrderEvent.decode_json_lines(inputs.with_bad)
    assert len(line_errors) == 2
    counts.decoded += 3 * len(events) + len(good)
    counts.encoded += len(events)
    for cls, keys, data in inputs.messages:
        values = cls.from_json_lines(data, keys)
        assert cls.to_json_lines(values) == data
        counts.decoded += len(values)
        counts.encoded += len(values)


def raw_calls(inputs: Inputs, counts: Counts, obatch: Any, buffer: Any) -> None:
    """barter_order_events_decode + barter_order_event_batch_free, its encode
    + barter_buffer_free, and an out-of-range tag that must be refused."""
    lines = inputs.lines
    check(lib.barter_order_events_decode(lines, len(lines), 3, 0, obatch))
    counts.decoded += obatch[0].len
    check(lib.barter_order_events_encode(obatch[0].events, obatch[0].len, 3, buffer))
    assert ffi.buffer(buffer[0].data, buffer[0].len)[:] == lines
    check(lib.barter_buffer_free(buffer))
    obatch[0].events[0].state.kind = 99
    try:
        check(lib.barter_order_events_encode(obatch[0].events, 1, 1, buffer))
    except BarterValueError:
        counts.errors += 1
    check(lib.barter_order_event_batch_free(obatch))


def error_calls(inputs: Inputs, counts: Counts) -> None:
    """Bad JSON, a bad line without collecting, and now and then a limit.
    (The caught panic is the C driver's: it runs on the test variant.)"""
    for parse in (OrderEvent.from_json, OrderEvent.from_json_lines):
        try:
            parse(inputs.bad)
        except BarterValueError:
            counts.errors += 1
    if counts.rounds % 10 == 0:
        with temporary_limits(max_string_bytes=4):
            try:
                OrderEvent.from_json_lines(inputs.lines)
            except BarterLimitError:
                counts.errors += 1


def main() -> None:
    inputs = Inputs(Path(sys.argv[1]))
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    counts = Counts()
    obatch = ffi.new("BarterOrderEventBatch **")
    buffer = ffi.new("BarterBuffer **")
    session_lifecycle(counts)
    system_lifecycle(counts)
    backtest_lifecycle(counts)
    while counts.decoded < target:
        counts.rounds += 1
        typed_calls(inputs, counts)
        raw_calls(inputs, counts, obatch, buffer)
        error_calls(inputs, counts)
    print(
        f"loop: {counts.decoded} events decoded, {counts.encoded} encoded, "
        f"{counts.errors} errors raised, {counts.rounds} rounds, "
        f"one session lifecycle with {counts.session_events} events, "
        f"one System lifecycle with {counts.audit_ticks} audit ticks"
    )


if __name__ == "__main__":
    main()
