"""barter's ``TradingSummary`` as a rich table, for the command line."""

from __future__ import annotations

from typing import Any

from .summary import TradingSummary


def summary_table(summary: TradingSummary, interval: str = "daily") -> Any:
    """A ``rich.table.Table`` of each instrument's PnL, return and win rate."""
    from rich.table import Table  # noqa: PLC0415  (imported only when shown)

    table = Table(
        title=f"trading summary ({summary.time_engine_start} → {summary.time_engine_end})"
    )
    for column in ("instrument", "PnL", f"return ({interval})", "win rate"):
        table.add_column(column)
    for name, sheet in summary.instruments.items():
        win_rate = sheet.win_rate and sheet.win_rate.value
        table.add_row(name, str(sheet.pnl), str(sheet.pnl_return.value), str(win_rate))
    return table
