"""Backtests Python steps through: the example strategy's trades and PnL
recomputed without the library, byte-identical runs, and what a failing
strategy or a stopped engine leaves."""

from __future__ import annotations

import json
from collections import deque
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from barter_python import BarterValueError
from barter_python.backtest import MarketData, example_backtest_config
from barter_python.engine import AuditTick, EngineState, ProcessAudit
from barter_python.execution import (
    ExchangeId,
    ImmediateOrCancel,
    OrderKey,
    OrderKind,
    OrderRequestOpen,
    RequestOpen,
    Side,
)
from barter_python.market import OrderBookL1, PublicTrade
from barter_python.stepped import BacktestEndedError, Progress, SteppedBacktest, run_strategy
from barter_python.strategies import MovingAverageCross
from barter_python.summary import TradingSummary
from barter_python.timestamp import Timestamp

TRADES_L1 = Path("examples") / "data" / "binance_spot_trades_l1_btcusdt_ethusdt_solusdt.json"
RATE = Decimal("0.05")
BTC = "binancespot-btc_usdt"


@pytest.fixture(scope="module")
def barter_data(barter_crate_dir: Path) -> bytes:
    return (barter_crate_dir / TRADES_L1).read_bytes()


def expected_crosses(data: bytes, fast: int = 10, slow: int = 40) -> list[tuple[str, Decimal]]:
    """The example strategy's rule, from barter's JSON with the standard
    library alone: (side, price) of each order it must place."""
    prices: deque[float] = deque(maxlen=slow)
    long, orders = False, []
    for line in data.splitlines():
        item = json.loads(line)["Item"]
        trade = item["kind"].get("Trade")
        if item["instrument"] != 0 or trade is None:
            continue
        prices.append(float(trade["price"]))
        if len(prices) < slow:
            continue
        recent = list(prices)
        above = sum(recent[-fast:]) / fast > sum(recent) / slow
        if above != long:
            long = above
            orders.append(("Buy" if above else "Sell", Decimal(repr(float(trade["price"])))))
    return orders


def trades_of(ticks: list[bytes]) -> list[dict[str, Any]]:
    """The ``Trade`` account events in the engine's audit."""
    out = []
    for line in ticks:
        event = json.loads(line)["event"]
        account = event.get("Process", {}).get("event", {}).get("Account")
        if account and "Trade" in account["Item"]["kind"]:
            out.append(account["Item"]["kind"]["Trade"])
    return out


def test_the_example_strategy_makes_exactly_its_trades_and_their_pnl(barter_data: bytes) -> None:
    config = example_backtest_config()
    fees = Decimal(str(config["system"]["executions"][0]["fees_percent"]))
    strategy = MovingAverageCross()
    with SteppedBacktest(config, barter_data) as backtest:
        backtest.run(strategy)
        ticks = backtest.drain_audit_json()
        summary = backtest.trading_summary(RATE)
        assert backtest.progress().position == 50_000
    expected = expected_crosses(barter_data)
    assert len(expected) > 20
    trades = trades_of(ticks)
    assert [(t["side"], Decimal(t["price"])) for t in trades] == expected
    assert all(Decimal(t["quantity"]) == strategy.quantity for t in trades)
    assert not any(b"OpenFailed" in line for line in ticks)
    # barter's PnL is that of closed positions: each buy and the sell after it.
    quantity = strategy.quantity
    pnl = sum(
        (
            (sell - buy) * quantity - buy * quantity * fees - sell * quantity * fees
            for (_, buy), (_, sell) in zip(expected[::2], expected[1::2])
        ),
        Decimal(0),
    )
    assert summary.instruments[BTC].pnl == pnl != 0


def script(data: bytes, *, step_events: int = 1) -> tuple[list[bytes], bytes]:
    """The example strategy, plus a buy and close_positions halfway: every
    audit tick and the summary, as bytes."""
    config = example_backtest_config()
    strategy = MovingAverageCross(fast=5, slow=15)
    with SteppedBacktest(config, data) as backtest:
        ticks = backtest.drain_audit_json()
        half = len(data.splitlines()) // 2
        while backtest.progress().position < half and backtest.step(step_events):
            strategy(backtest)
        backtest.send_open_requests([market_buy(0, "halfway")])
        backtest.close_positions()
        backtest.run(strategy, step_events=step_events)
        ticks += backtest.drain_audit_json()
        return ticks, backtest.trading_summary(RATE).to_json()


def test_runs_repeat_byte_for_byte(barter_data: bytes) -> None:
    data = b"\n".join(barter_data.splitlines()[:10_000])
    ticks, summary = script(data)
    assert any(b'"cid":"close-1"' in line for line in ticks)
    assert len(trades_of(ticks)) > 5
    sequences = [json.loads(line)["context"]["sequence"] for line in ticks]
    assert sequences == list(range(len(ticks)))
    for run in range(19):  # 20 runs in all
        again, again_summary = script(data)
        assert again == ticks, f"run {run + 2}: the audit differs"
        assert again_summary == summary, f"run {run + 2}: the summary differs"


def test_reading_between_steps(barter_data: bytes) -> None:
    lines = barter_data.splitlines()
    with SteppedBacktest(
        example_backtest_config(), MarketData(b"\n".join(lines[:100]))
    ) as backtest:
        start = backtest.progress()
        assert start == Progress(0, 100, start.time, False)
        snapshot = backtest.drain_audit()
        assert all(isinstance(t, AuditTick) for t in snapshot)
        assert backtest.step(3) == 3
        latest = backtest.latest_market()
        assert set(latest) <= {0, 1, 2}
        assert all(isinstance(e.kind, (PublicTrade, OrderBookL1)) for e in latest.values())
        state = backtest.state()
        assert isinstance(state.event, EngineState)
        ticks = backtest.drain_audit()
        assert len(ticks) == 3
        assert all(isinstance(t.event, ProcessAudit) for t in ticks)
        until = json.loads(lines[10])["Item"]["time_exchange"]
        processed = backtest.step(1000, until=Timestamp.parse(until))
        assert 0 < processed < 97
        assert backtest.progress().time <= Timestamp.parse(until)
        assert backtest.step(10_000) == 100 - 3 - processed
        assert backtest.step() == 0


def market_buy(exchange: int, cid: str) -> OrderRequestOpen:
    return OrderRequestOpen(
        OrderKey(exchange, 0, "test", cid),
        RequestOpen(Side.BUY, Decimal("87232.01"), Decimal("0.001"), OrderKind.MARKET,
                    ImmediateOrCancel()),
    )  # fmt: skip


class Boom(Exception):
    pass


def test_a_failing_strategy_stops_the_run_and_leaves_a_partial_summary(barter_data: bytes) -> None:
    data = b"\n".join(barter_data.splitlines()[:300])

    def strategy(backtest: SteppedBacktest) -> None:
        if backtest.progress().position == 5:
            backtest.send_open_requests([market_buy(0, "first")])
        if backtest.progress().position == 50:
            raise Boom("the strategy failed")

    with SteppedBacktest(example_backtest_config(), data) as backtest:
        with pytest.raises(Boom):
            backtest.run(strategy)
        assert backtest.progress().position == 50
        partial = backtest.trading_summary(RATE)
        assert isinstance(partial, TradingSummary)
    with pytest.raises(Boom):
        run_strategy(example_backtest_config(), data, strategy, risk_free_return=RATE)


def test_a_stopped_engine_takes_nothing_more(barter_data: bytes) -> None:
    data = b"\n".join(barter_data.splitlines()[:20])
    with SteppedBacktest(example_backtest_config(), data) as backtest:
        backtest.step(2)
        # No execution for exchange 7: barter's unrecoverable IndexError.
        backtest.send_open_requests([market_buy(7, "lost")])
        assert backtest.progress().ended
        assert any(b"IndexError" in line for line in backtest.drain_audit_json())
        with pytest.raises(BacktestEndedError, match="has stopped"):
            backtest.step()
        with pytest.raises(BacktestEndedError):
            backtest.set_trading_enabled(False)
        assert backtest.trading_summary(RATE).instruments[BTC].pnl == 0
    assert backtest.close().ended  # closed already: the final progress
    with pytest.raises(Exception, match="closed"):
        backtest.step()


def test_bad_arguments_are_named(barter_data: bytes) -> None:
    data = b"\n".join(barter_data.splitlines()[:20])
    with SteppedBacktest(example_backtest_config(), data) as backtest:
        with pytest.raises(BarterValueError, match="events must be an int >= 0"):
            backtest.step(-1)
        with pytest.raises(BarterValueError, match="until must be a Timestamp"):
            backtest.step(1, until="2025")  # type: ignore[arg-type]
        with pytest.raises(BarterValueError, match=r"requests\[0\]: the engine takes indexed"):
            backtest.send_open_requests(
                [OrderRequestOpen(OrderKey(ExchangeId.BINANCE_SPOT, "BTCUSDT", "s", "c"),
                                  market_buy(0, "x").state)]
            )  # fmt: skip
        with pytest.raises(BarterValueError, match="instrument index 9 is out of range"):
            backtest.send_open_requests(
                [OrderRequestOpen(OrderKey(0, 9, "s", "c"), market_buy(0, "x").state)]
            )
        with pytest.raises(BarterValueError, match="enabled must be a bool"):
            backtest.set_trading_enabled(1)  # type: ignore[arg-type]
        assert not backtest.progress().ended
    with SteppedBacktest(example_backtest_config(), data, audit=False) as quiet:
        quiet.step(5)
        with pytest.raises(BarterValueError, match="audit off"):
            quiet.drain_audit()
    with pytest.raises(BarterValueError, match="trading_enabled and audit must be bools"):
        SteppedBacktest(example_backtest_config(), data, trading_enabled="yes")  # type: ignore[arg-type]


def test_the_readme_strategy_example_runs() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme.split("### Strategies in Python", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {"Decimal": Decimal}
    exec(compile(code, "README.md", "exec"), namespace)
    assert isinstance(namespace["summary"], TradingSummary)
    assert isinstance(namespace["state"], EngineState)
    strategy = namespace["strategy"]
    assert isinstance(strategy, MovingAverageCross)
    assert strategy.orders, "the example should trade on the shipped data"


def test_bad_data_is_refused_as_run_backtests_refuses_it(barter_data: bytes) -> None:
    # The same MarketData and the same check against the config as
    # run_backtests (test_backtest.py), before the engine starts.
    lines = barter_data.splitlines()[:50]
    config = example_backtest_config()
    system = config["system"]
    system["instruments"] = system["instruments"][:1]
    execution = system["executions"][0]["initial_state"]
    execution["instruments"] = execution["instruments"][:1]
    with pytest.raises(BarterValueError, match=r"^event 0: instrument index 1 is out of range"):
        SteppedBacktest(config, b"\n".join(lines))
    item = json.loads(lines[0])
    item["Item"]["exchange"] = "kraken"
    with pytest.raises(BarterValueError, match=r"^event 0: exchange kraken is not one of"):
        SteppedBacktest(example_backtest_config(), json.dumps(item).encode())
    with pytest.raises(BarterValueError, match="holds no market event"):
        SteppedBacktest(example_backtest_config(), b"")
    with pytest.raises(BarterValueError, match=r"^line 2 column \d+: EOF while parsing"):
        SteppedBacktest(example_backtest_config(), lines[0] + b"\n" + lines[1][:-7])
