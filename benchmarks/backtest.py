"""Backtests through the library against barter's own Rust run of the same
backtest, as ratios measured in this one run.

    python benchmarks/backtest.py [--quick] [--out FILE]

The data is barter's example market data (50,000 events, from the barter
crate cargo resolves) and the config barter's example backtest config.
``barter (Rust)`` is barter's ``run_backtests`` with ``DefaultStrategy``,
timed inside rust-ffi's ``barter_backtest`` example (release build, data
already parsed). The library's runs, each timed from data already loaded:

- ``run_backtests``: the same barter backtest through the C ABI;
- ``stepped, no strategy``: a ``SteppedBacktest`` (audit off) stepped one
  market event at a time, calling a Python strategy that does nothing after
  each step; and stepped 1,000 events at a time;
- ``stepped, MovingAverageCross``: the example strategy, one event a step.

``--quick`` (CI) uses the first 5,000 events, once.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from engine_results import ROOT, barter_data, report

from barter_python.backtest import (
    BacktestArgsConstant,
    BacktestArgsDynamic,
    MarketData,
    example_backtest_config,
    run_backtests,
)
from barter_python.stepped import SteppedBacktest
from barter_python.strategies import MovingAverageCross

CRATE = ROOT / "rust-ffi"
CONFIG = ROOT / "python" / "barter_python" / "data" / "backtest_config.json"
RATE = Decimal("0.05")


def barter_seconds(data: Path, runs: int) -> float:
    """barter's own backtest, best of ``runs``, timed in Rust."""
    run = subprocess.run(
        [
            "cargo", "run", "--quiet", "--release", "--locked", "--example", "barter_backtest",
            "--", str(CONFIG), str(data), str(runs),
        ],
        cwd=CRATE, check=True, capture_output=True, text=True,
    )  # fmt: skip
    seconds: float = json.loads(run.stdout)["seconds"]
    return seconds


def best(function: Callable[[], Any], runs: int) -> float:
    fastest = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        function()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


def stepped(data: MarketData, step: int, strategy: Callable[[SteppedBacktest], None]) -> None:
    with SteppedBacktest(example_backtest_config(), data, audit=False) as backtest:
        backtest.run(strategy, step_events=step)


def nothing(backtest: SteppedBacktest) -> None:
    """A strategy that does nothing."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 events, once (CI)")
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    raw = barter_data()
    if args.quick:
        raw = b"\n".join(raw.splitlines()[:5000])
    runs = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.jsonl"
        path.write_bytes(raw)
        rust = barter_seconds(path, runs)
    data = MarketData(raw)
    count = len(data)
    constant = BacktestArgsConstant(example_backtest_config(), data)
    seconds = {
        "barter (Rust)": rust,
        "run_backtests": best(
            lambda: run_backtests(constant, [BacktestArgsDynamic("a", RATE)]), runs
        ),
        "stepped, no strategy, 1 event a step": best(lambda: stepped(data, 1, nothing), runs),
        "stepped, no strategy, 1,000 events a step": best(
            lambda: stepped(data, 1000, nothing), runs
        ),
        "stepped, MovingAverageCross": best(lambda: stepped(data, 1, MovingAverageCross()), runs),
    }
    ratios = {f"{name} / barter (Rust)": value / rust for name, value in seconds.items()}
    del ratios["barter (Rust) / barter (Rust)"]
    report("backtest", "market event", count, seconds, ratios, out=args.out)


if __name__ == "__main__":
    main()
