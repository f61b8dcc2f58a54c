"""``python -m barter_python backtest``: a stepped backtest of a strategy
(or of none) over a market data file, with a rich progress bar over the
events, the summary as a table or JSON, and an equity-curve plot."""

from __future__ import annotations

import importlib
import inspect
import sys
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from ._summary_table import summary_table
from .backtest import MarketData
from .errors import BarterError
from .stepped import SteppedBacktest, Strategy
from .summary import Annual252, Annual365, Daily, Interval, TradingSummary
from .timestamp import Timestamp

INTERVALS: dict[str, Callable[[], Interval]] = {
    "daily": Daily,
    "annual252": Annual252,
    "annual365": Annual365,
}
#: Points of the equity curve, at most.
CURVE_POINTS = 500


def load_strategy(spec: str) -> Strategy:
    """``module:name``: a callable taking the backtest, or a class whose
    instance is one (made with no arguments)."""
    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise ValueError(f"--strategy must be module:name, got {spec!r}")
    try:
        target: Any = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"--strategy {spec}: {exc}") from None
    strategy = target() if inspect.isclass(target) else target
    if not callable(strategy):
        raise ValueError(f"--strategy {spec} is not callable")
    return strategy  # type: ignore[no-any-return]


def _nothing(backtest: SteppedBacktest) -> None:
    """No strategy: the engine sees the data and trades nothing."""


def run(
    backtest: SteppedBacktest,
    strategy: Strategy,
    risk_free_return: Decimal,
    interval: Interval,
    on_progress: Callable[[int], None],
) -> list[tuple[Timestamp, Decimal]]:
    """Steps to the end, one market event at a time with a strategy (so it
    sees every event), and returns the realised PnL of every instrument
    summed, sampled over the run."""
    total = backtest.progress().total
    step = 1 if strategy is not _nothing else max(1, total // CURVE_POINTS)
    every = max(1, total // CURVE_POINTS)
    curve: list[tuple[Timestamp, Decimal]] = []
    done = 0
    while processed := backtest.step(step):
        strategy(backtest)
        before, done = done, done + processed
        on_progress(processed)
        if done // every != before // every or done == total:
            summary = backtest.trading_summary(risk_free_return, interval)
            pnl = sum((sheet.pnl for sheet in summary.instruments.values()), Decimal(0))
            curve.append((backtest.progress().time, pnl))
    return curve


def plot(curve: list[tuple[Timestamp, Decimal]], path: str) -> None:
    try:
        import matplotlib  # noqa: PLC0415  (an optional extra)

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        raise ValueError("--plot needs matplotlib: pip install 'barter-python[plot]'") from None
    figure, axes = plt.subplots(figsize=(9, 4))
    axes.plot([t.datetime for t, _ in curve], [float(pnl) for _, pnl in curve])
    axes.set_ylabel("realised PnL (quote)")
    axes.set_title("equity curve")
    figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def backtest_command(
    config: str,
    data: str,
    *,
    strategy_spec: str | None,
    risk_free_return: str,
    interval_name: str,
    as_json: bool,
    plot_path: str | None,
) -> int:
    """Runs the command; returns the exit code."""
    try:
        rate = Decimal(risk_free_return)
    except InvalidOperation:
        print(f"error: --risk-free-return {risk_free_return!r} is not a decimal", file=sys.stderr)
        return 2
    try:
        strategy = _nothing if strategy_spec is None else load_strategy(strategy_spec)
        interval = INTERVALS[interval_name]()
        with MarketData(data) as market, SteppedBacktest(config, market, audit=False) as backtest:
            if as_json:
                curve = run(backtest, strategy, rate, interval, lambda n: None)
                summary = backtest.trading_summary(rate, interval)
            else:
                summary, curve = _with_progress(backtest, strategy, rate, interval)
        if plot_path is not None:
            plot(curve, plot_path)
    except BarterError as exc:  # bad data or config: barter's own refusal
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:  # bad arguments
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if as_json:
        sys.stdout.buffer.write(summary.to_json() + b"\n")
        sys.stdout.flush()
    return 0


def _with_progress(
    backtest: SteppedBacktest, strategy: Strategy, rate: Decimal, interval: Interval
) -> tuple[TradingSummary, list[tuple[Timestamp, Decimal]]]:
    from rich.console import Console  # noqa: PLC0415  (imported only when shown)
    from rich.progress import Progress  # noqa: PLC0415

    console = Console()
    with Progress(console=console) as bar:
        task = bar.add_task("market events", total=backtest.progress().total)
        curve = run(backtest, strategy, rate, interval, lambda n: bar.advance(task, n))
    summary = backtest.trading_summary(rate, interval)
    console.print(summary_table(summary, interval=type(interval).__name__.lower()))
    return summary, curve
