"""barter's ``TradingSummary``: the tear sheets of a trading session or a
backtest, read from its JSON.

serde_json cannot write ``TradingSummary`` itself (its ``assets`` map has a
struct key, ``ExchangeAsset``), so barter-python's JSON form is serde's with
one difference: ``assets`` is an array of ``{"exchange": ..., "asset": ...,
"tear_sheet": <TearSheetAsset>}`` objects in the map's order. In Python it
is a ``FrozenMap`` from ``ExchangeAsset`` to ``TearSheetAsset``.

The interval of the ratios (barter's ``Daily``, ``Annual252`` or
``Annual365``) is a unit struct, which serde writes as ``null``: the JSON
does not say which, so ``TradingSummary.from_dict`` takes it as an argument.
Zero-variance ratios are ``Decimal::MAX`` (79228162514264337593543950335),
kept exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from ._messages import Balance
from ._native import lib
from ._record import Record, make
from ._serde import (
    DECIMAL,
    EXCHANGE,
    I64,
    STR,
    TIMESTAMP,
    Codec,
    FrozenMap,
    Serde,
    fail,
    json_kind,
    mapping,
    of,
    optional,
    rust_json,
    schema,
    seq,
)
from .engine import BALANCE, ExchangeAsset
from .timestamp import Timestamp

M = TypeVar("M", bound="IntervalMetric")


class Interval(Record):
    """A ratio's time interval: ``Daily``, ``Annual252`` or ``Annual365``."""

    __slots__ = ()
    #: barter's ``TimeInterval::name``.
    name: ClassVar[str]
    #: Its length in days.
    days: ClassVar[int]
    #: Its ``BarterSummaryInterval``, and the ``BarterEngineValue`` of a
    #: summary with its ratios.
    _c: ClassVar[int]
    _json_value: ClassVar[int]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Daily(Interval):
    __slots__ = ()
    name = "Daily"
    days = 1
    _c = lib.BARTER_SUMMARY_INTERVAL_DAILY
    _json_value = lib.BARTER_ENGINE_VALUE_TRADING_SUMMARY_DAILY


class Annual252(Interval):
    __slots__ = ()
    name = "Annual(252)"
    days = 252
    _c = lib.BARTER_SUMMARY_INTERVAL_ANNUAL252
    _json_value = lib.BARTER_ENGINE_VALUE_TRADING_SUMMARY_ANNUAL252


class Annual365(Interval):
    __slots__ = ()
    name = "Annual(365)"
    days = 365
    _c = lib.BARTER_SUMMARY_INTERVAL_ANNUAL365
    _json_value = lib.BARTER_ENGINE_VALUE_TRADING_SUMMARY_ANNUAL365


def _load_interval(value: Any, path: str) -> None:
    if value is not None:
        # A chrono TimeDelta interval would be [secs, nanos].
        fail(path, f"expected null (a unit-struct interval), got {json_kind(value)}")


def _check_interval(value: Any, path: str) -> Interval | None:
    if value is not None and not isinstance(value, Interval):
        fail(path, f"must be an Interval or None, got {type(value).__name__}")
    return value


#: An interval: ``null`` in JSON; ``None`` in Python until known.
INTERVAL = Codec(_load_interval, lambda v: None, _check_interval, None)


class IntervalMetric(Serde):
    """A metric over an interval: ``value`` and ``interval`` (``None`` when
    the JSON it came from did not say)."""

    __slots__ = ()
    _schema = schema(value=DECIMAL, interval=INTERVAL)
    value: Decimal
    interval: Interval | None

    def with_interval(self: M, interval: Interval | None) -> M:
        return make(type(self), (self.value, interval))


class RateOfReturn(IntervalMetric):
    __slots__ = ()


class SharpeRatio(IntervalMetric):
    __slots__ = ()


class SortinoRatio(IntervalMetric):
    __slots__ = ()


class CalmarRatio(IntervalMetric):
    __slots__ = ()


class Drawdown(Serde):
    """A drawdown: its ``value`` and when it started and ended."""

    __slots__ = ()
    _schema = schema(value=DECIMAL, time_start=TIMESTAMP, time_end=TIMESTAMP)
    value: Decimal
    time_start: Timestamp
    time_end: Timestamp


class MaxDrawdown(Drawdown):
    """The largest drawdown (serde writes barter's newtype as its Drawdown)."""

    __slots__ = ()


class MeanDrawdown(Serde):
    __slots__ = ()
    _schema = schema(mean_drawdown=DECIMAL, mean_drawdown_ms=I64)
    mean_drawdown: Decimal
    mean_drawdown_ms: int


class WinRate(Serde):
    __slots__ = ()
    _schema = schema(value=DECIMAL)
    value: Decimal


class ProfitFactor(Serde):
    __slots__ = ()
    _schema = schema(value=DECIMAL)
    value: Decimal


class TearSheet(Serde):
    """barter's ``TearSheet``: an instrument's PnL and its statistics."""

    __slots__ = ()
    _schema = schema(
        pnl=DECIMAL,
        pnl_return=of(RateOfReturn),
        sharpe_ratio=of(SharpeRatio),
        sortino_ratio=of(SortinoRatio),
        calmar_ratio=of(CalmarRatio),
        pnl_drawdown=optional(of(Drawdown)),
        pnl_drawdown_mean=optional(of(MeanDrawdown)),
        pnl_drawdown_max=optional(of(MaxDrawdown)),
        win_rate=optional(of(WinRate)),
        profit_factor=optional(of(ProfitFactor)),
    )
    pnl: Decimal
    pnl_return: RateOfReturn
    sharpe_ratio: SharpeRatio
    sortino_ratio: SortinoRatio
    calmar_ratio: CalmarRatio
    pnl_drawdown: Drawdown | None
    pnl_drawdown_mean: MeanDrawdown | None
    pnl_drawdown_max: MaxDrawdown | None
    win_rate: WinRate | None
    profit_factor: ProfitFactor | None

    def with_interval(self, interval: Interval | None) -> TearSheet:
        """The same tear sheet, its ratios over ``interval``."""
        pnl, ret, sharpe, sortino, calmar, *rest = self
        ratios = (m.with_interval(interval) for m in (ret, sharpe, sortino, calmar))
        sheet: TearSheet = make(TearSheet, (pnl, *ratios, *rest))
        return sheet


class TearSheetAsset(Serde):
    """barter's ``TearSheetAsset``: an asset's final balance and drawdowns."""

    __slots__ = ()
    _schema = schema(
        balance_end=optional(BALANCE),
        drawdown=optional(of(Drawdown)),
        drawdown_mean=optional(of(MeanDrawdown)),
        drawdown_max=optional(of(MaxDrawdown)),
    )
    balance_end: Balance | None
    drawdown: Drawdown | None
    drawdown_mean: MeanDrawdown | None
    drawdown_max: MaxDrawdown | None


class _AssetEntry(Serde):
    # One item of the `assets` array.
    __slots__ = ()
    _schema = schema(exchange=EXCHANGE, asset=STR, tear_sheet=of(TearSheetAsset))


_ENTRIES = seq(of(_AssetEntry))


def _load_assets(value: Any, path: str) -> FrozenMap[ExchangeAsset, TearSheetAsset]:
    entries = _ENTRIES.load(value, path)
    return FrozenMap((make(ExchangeAsset, (e[0], e[1])), e[2]) for e in entries)


def _dump_assets(value: FrozenMap[ExchangeAsset, TearSheetAsset]) -> Any:
    return [
        {"exchange": str(key.exchange), "asset": key.asset, "tear_sheet": sheet.to_dict()}
        for key, sheet in value.items()
    ]


def _check_assets(value: Any, path: str) -> FrozenMap[ExchangeAsset, TearSheetAsset]:
    if not hasattr(value, "items"):
        fail(path, f"must be a mapping, got {type(value).__name__}")
    for key, sheet in value.items():
        of(ExchangeAsset).check(key, f"{path} key")
        of(TearSheetAsset).check(sheet, f"{path}[{key!r}]")
    return FrozenMap(value)


ASSETS = Codec(_load_assets, _dump_assets, _check_assets)


class TradingSummary(Serde):
    """barter's ``TradingSummary<Interval>``: ``instruments`` maps internal
    instrument names to ``TearSheet``; ``assets`` maps ``ExchangeAsset`` to
    ``TearSheetAsset``."""

    __slots__ = ()
    _schema = schema(
        time_engine_start=TIMESTAMP,
        time_engine_end=TIMESTAMP,
        instruments=mapping(of(TearSheet)),
        assets=ASSETS,
    )
    time_engine_start: Timestamp
    time_engine_end: Timestamp
    instruments: FrozenMap[str, TearSheet]
    assets: FrozenMap[ExchangeAsset, TearSheetAsset]

    @classmethod
    def from_dict(cls, data: Any, interval: Interval | None = None) -> TradingSummary:
        """Reads the JSON form; ``interval`` is the ratios' interval (the
        JSON writes it as null)."""
        summary = super().from_dict(data)
        if interval is None:
            return summary
        start, end, instruments, assets = summary
        sheets = FrozenMap((name, s.with_interval(interval)) for name, s in instruments.items())
        result: TradingSummary = make(cls, (start, end, sheets, assets))
        return result

    @property
    def interval(self) -> Interval | None:
        """The ratios' interval, if known."""
        for sheet in self.instruments.values():
            return sheet.pnl_return.interval
        return None

    def to_json(self) -> bytes:
        """The summary's JSON form (serde's, with ``assets`` as an array of
        ``{"exchange", "asset", "tear_sheet"}``), printed by Rust after
        parsing ``to_dict()`` into barter's ``TradingSummary``. An interval
        is written as null, so an unknown one reads as ``Daily``."""
        interval = self.interval or Daily()
        return rust_json(interval._json_value, self.to_dict())


__all__ = [
    "Annual252",
    "Annual365",
    "CalmarRatio",
    "Daily",
    "Drawdown",
    "Interval",
    "IntervalMetric",
    "MaxDrawdown",
    "MeanDrawdown",
    "ProfitFactor",
    "RateOfReturn",
    "SharpeRatio",
    "SortinoRatio",
    "TearSheet",
    "TearSheetAsset",
    "TradingSummary",
    "WinRate",
]
