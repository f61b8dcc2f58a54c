"""Memory at the System level: Systems started and shut down one after
another (each with its audit on, market events, a command and a drain),
and backtests run one after another (barter's, and stepped ones with a
strategy), keep the process's resident set flat and leave no thread
behind. (The byte-exact leak check of their lifecycles is
scripts/leakcheck.sh, under valgrind.)"""

from __future__ import annotations

import gc
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Callable

import pytest

import threads
from barter_python.backtest import (
    BacktestArgsConstant,
    BacktestArgsDynamic,
    MarketData,
    example_backtest_config,
    run_backtests,
)
from barter_python.stepped import SteppedBacktest
from barter_python.strategies import MovingAverageCross
from barter_python.system import example_config, start_system
from test_memory import STATM, rss

MIB = 1 << 20
WARM = 5
CYCLES = 50
#: barter's example config with 1 ms latency: a start waits one MockExchange
#: round trip, so the example's 100 ms would cost 5 s over 50 cycles.
CONFIG = example_config()
CONFIG["executions"][0]["latency_ms"] = 1
#: barter's example market data, 24 events, 40 times over: each cycle moves
#: ~0.25 MiB of market JSON in and ~0.4 MiB of audit ticks out.
MARKET = resources.files("barter_python").joinpath("data/market_events.jsonl").read_bytes() * 40

pytestmark = pytest.mark.skipif(
    not STATM.exists() or not threads.AVAILABLE,
    reason="RSS and threads are read from /proc (Linux only)",
)


def one_lifecycle() -> int:
    """Start, market events, a command, drain until the engine has processed
    the command (the feed keeps their order), then shut down and free by
    leaving the ``with``. Returns the bytes of audit drained."""
    drained = 0
    with start_system(CONFIG, audit=True) as system:
        system.feed_market_events(MARKET)
        system.set_trading_enabled(False)
        for _ in range(100):
            ticks = system.drain_audit_json(timeout=0.1)
            drained += sum(map(len, ticks))
            if any(b'"TradingStateUpdate"' in tick for tick in ticks):
                return drained
    pytest.fail("the engine did not process the command within 10 s")


def cycles_keep_rss_flat(one_cycle: Callable[[], int]) -> int:
    """Runs ``one_cycle`` CYCLES times, checking after each that it left no
    thread running, and that the resident set grew by under 8 MiB after the
    first WARM cycles. Returns the sum of what the measured cycles returned."""
    gc.collect()  # so that no earlier test's garbage closes during this one
    before = threads.task_ids()
    baseline = total = 0
    for cycle in range(1, CYCLES + 1):
        total += one_cycle()
        left = threads.started_since(before)
        assert not left, f"cycle {cycle} left threads {left} running"
        if cycle == WARM:
            baseline, total = rss(), 0
    growth = rss() - baseline
    assert growth < 8 * MIB, f"RSS grew by {growth / MIB:.1f} MiB over {CYCLES - WARM} cycles"
    return total


def test_system_lifecycles_keep_rss_flat_and_stop_every_thread() -> None:
    # Kept, the market events fed or the audit ticks queued and drained
    # would add their ~0.25 + 0.4 MiB a cycle: over 10 MiB in the 45 cycles
    # measured. Measured growth without a leak: ~0.1 MiB on CPython, ~0.3
    # MiB on PyPy (its JIT and GC).
    drained = cycles_keep_rss_flat(one_lifecycle)
    assert drained > (CYCLES - WARM) * MIB // 4, f"only {drained} bytes of audit drained"


def one_backtest(config: dict[str, object], market: bytes) -> int:
    """Market data loaded (JSON lines), two backtests run, the data freed.
    Returns the number of summaries."""
    with MarketData(market) as data:
        constant = BacktestArgsConstant(config, data)
        dynamic = [BacktestArgsDynamic(str(i), Decimal("0.05")) for i in range(2)]
        return len(run_backtests(constant, dynamic).summaries)


def test_backtest_lifecycles_keep_rss_flat_and_stop_every_thread(barter_crate_dir: Path) -> None:
    # 10,000 of barter's example events: ~3 MiB of JSON.
    path = barter_crate_dir / "examples/data/binance_spot_trades_l1_btcusdt_ethusdt_solusdt.json"
    market = b"".join(path.read_bytes().splitlines(keepends=True)[:10_000])
    config = example_backtest_config()
    # Kept, each cycle's market data (several MiB as barter's events) would
    # add well over 100 MiB in the 45 cycles measured.

    def one_cycle() -> int:
        assert one_backtest(config, market) == 2
        return 1

    assert cycles_keep_rss_flat(one_cycle) == CYCLES - WARM


def test_stepped_backtest_lifecycles_keep_rss_flat(barter_crate_dir: Path) -> None:
    path = barter_crate_dir / "examples/data/binance_spot_trades_l1_btcusdt_ethusdt_solusdt.json"
    market = MarketData(b"".join(path.read_bytes().splitlines(keepends=True)[:3_000]))
    config = example_backtest_config()

    def one_stepped() -> int:
        strategy = MovingAverageCross(fast=3, slow=8)
        with SteppedBacktest(config, market) as backtest:
            backtest.run(strategy)
            # The audit of every cycle: kept, it would add ~1 MiB a cycle.
            assert len(backtest.drain_audit_json()) > 3_000
            assert backtest.trading_summary(Decimal("0.05")).to_json()
        assert strategy.orders
        return 1

    assert cycles_keep_rss_flat(one_stepped) == CYCLES - WARM
