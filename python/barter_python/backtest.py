"""barter's backtests: ``backtest`` and ``run_backtests`` over historic
market data, with barter's ``DefaultStrategy`` and ``DefaultRiskManager``,
mirroring barter's ``BacktestArgsConstant``, ``BacktestArgsDynamic``,
``backtest`` and ``run_backtests``.

Market data is loaded once into the library (``MarketData``) from a file
(barter's JSON array or JSON lines, like its ``examples/data``), bytes, or
typed events, and shared by every backtest of a run. Each run blocks until
its backtests have ended; their Tokio runtime and threads are gone when it
returns. Summaries are the System's ``TradingSummary``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from importlib import resources
from typing import Any, NamedTuple, Union

from ._codec import check_str, decimal_to_c
from ._config import SystemConfigLike, check_interval, config_bytes, naming_config
from ._native import check, ffi, lib, take_buffer
from ._record import Record, make
from ._serde import DECIMAL, STR, U64, Codec, Serde, fail, json_kind, of, schema, seq
from .errors import BarterValueError
from .market import MarketEvent, MarketItem, MarketStreamEvent, structs_of
from .summary import Interval, TradingSummary

#: Market data as a backtest takes it: a file path, JSON bytes (an array or
#: JSON lines), typed events, or data already loaded.
MarketDataLike = Union[
    "MarketData", "os.PathLike[str]", str, bytes, Iterable[Union[MarketStreamEvent, MarketEvent]]
]


class Duration(Record):
    """A ``std::time::Duration``, exact: whole seconds and nanoseconds."""

    __slots__ = ()
    __match_args__ = ("secs", "nanos")
    _fields = __match_args__
    secs: int
    nanos: int

    def total_seconds(self) -> float:
        return self.secs + self.nanos / 1e9

    @property
    def timedelta(self) -> timedelta:
        """As a ``timedelta`` (microseconds: the nanoseconds are cut)."""
        return timedelta(seconds=self.secs, microseconds=self.nanos // 1000)

    def to_dict(self) -> dict[str, int]:
        return {"secs": self.secs, "nanos": self.nanos}


def _load_duration(value: Any, path: str) -> Duration:
    if type(value) is not dict or set(value) != {"secs", "nanos"}:
        fail(path, f'expected {{"secs", "nanos"}}, got {json_kind(value)}')
    return make(Duration, (U64.load(value["secs"], path), U64.load(value["nanos"], path)))


DURATION = Codec(_load_duration, Duration.to_dict, lambda v, p: v)


class BacktestSummary(Serde):
    """barter's ``BacktestSummary``: a backtest's ``id``, its
    ``risk_free_return`` and its ``TradingSummary``."""

    __slots__ = ()
    _schema = schema(id=STR, risk_free_return=DECIMAL, trading_summary=of(TradingSummary))
    id: str
    risk_free_return: Decimal
    trading_summary: TradingSummary


class MultiBacktestSummary(Serde):
    """barter's ``MultiBacktestSummary``: how many backtests ran, their
    wall-clock ``duration``, and each one's summary, in input order."""

    __slots__ = ()
    _schema = schema(num_backtests=U64, duration=DURATION, summaries=seq(of(BacktestSummary)))
    num_backtests: int
    duration: Duration
    summaries: tuple[BacktestSummary, ...]

    @classmethod
    def _of(cls, data: Any, interval: Interval) -> MultiBacktestSummary:
        multi = cls.from_dict(data)
        summaries = tuple(
            make(
                BacktestSummary,
                (
                    s.id,
                    s.risk_free_return,
                    TradingSummary.from_dict(raw["trading_summary"], interval),
                ),
            )
            for s, raw in zip(multi.summaries, data["summaries"])
        )
        return make(cls, (multi.num_backtests, multi.duration, summaries))


class MarketData:
    """Historic market data held by the library: barter-data's
    ``MarketStreamEvent``s with ``InstrumentIndex`` keys. Each instrument's
    events of one kind must be in time order (different streams may
    interleave, as in barter's example data), and at least one must be a
    market event. Read-only once loaded; ``close()`` frees it early."""

    __slots__ = ("_handle", "_len")

    def __init__(self, source: MarketDataLike) -> None:
        if isinstance(source, MarketData):
            raise BarterValueError("source is already MarketData")
        out = ffi.new("BarterMarketData **")
        if isinstance(source, (str, os.PathLike)):
            path = os.fspath(source)
            with open(path, "rb") as file:
                data = file.read()
            try:
                self._load_json(data, out)
            except BarterValueError as exc:
                raise type(exc)(f"{path}: {exc.message}", exc.status) from None
        elif isinstance(source, (bytes, bytearray, memoryview)):
            self._load_json(bytes(source), out)
        elif isinstance(source, Iterable):
            items = [MarketItem(e) if isinstance(e, MarketEvent) else e for e in source]
            structs, _keep = structs_of(MarketStreamEvent, items)
            check(lib.barter_market_data_from_events(structs, len(items), out))
        else:
            raise BarterValueError(
                "market data must be a file path, JSON bytes or market events, "
                f"got {type(source).__name__}"
            )
        self._handle: Any = ffi.gc(out[0], _free)
        count = ffi.new("size_t *")
        check(lib.barter_market_data_len(self._handle, count))
        self._len: int = count[0]

    @staticmethod
    def _load_json(data: bytes, out: Any) -> None:
        # barter's example files are JSON lines; a JSON array starts with `[`.
        array = data.lstrip()[:1] == b"["
        format = lib.BARTER_JSON_FORMAT_ARRAY if array else lib.BARTER_JSON_FORMAT_LINES
        check(lib.barter_market_data_from_json(data, len(data), format, out))

    def __len__(self) -> int:
        return self._len

    def _live(self) -> Any:
        if self._handle is None:
            raise BarterValueError("the market data is closed")
        return self._handle

    def close(self) -> None:
        """Frees the data now rather than when it is collected."""
        handle, self._handle = self._handle, None
        if handle is not None:
            ffi.release(handle)

    def __enter__(self) -> MarketData:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _free(handle: Any) -> None:
    lib.barter_market_data_free(ffi.new("BarterMarketData **", handle))


class BacktestArgsConstant(NamedTuple):
    """barter's ``BacktestArgsConstant``: what every backtest of a run shares.
    ``config`` is barter's ``SystemConfig`` (a dict or a file; barter's
    backtest config, which nests it under ``system``, works too)."""

    config: SystemConfigLike
    market_data: MarketDataLike
    summary_interval: Interval | None = None


class BacktestArgsDynamic(NamedTuple):
    """barter's ``BacktestArgsDynamic``: what one backtest varies. The
    strategy and risk manager are barter's ``DefaultStrategy`` and
    ``DefaultRiskManager``."""

    id: str
    risk_free_return: Decimal


def _system_config(config: SystemConfigLike) -> tuple[bytes, str]:
    raw, name = config_bytes(config)
    try:
        value = json.loads(raw)
    except ValueError:
        return raw, name  # Rust names the JSON error
    if isinstance(value, Mapping) and "system" in value:
        return json.dumps(value["system"]).encode(), name
    return raw, name


def run_backtests(
    args_constant: BacktestArgsConstant, args_dynamic_iter: Iterable[BacktestArgsDynamic]
) -> MultiBacktestSummary:
    """barter's ``run_backtests``: every backtest concurrently, on a Tokio
    runtime of the run's own; returns when all have ended. An event of an
    instrument or exchange the config does not have is refused, by index,
    before anything runs."""
    interval = check_interval(args_constant.summary_interval)
    raw, name = _system_config(args_constant.config)
    source = args_constant.market_data
    data = source if isinstance(source, MarketData) else MarketData(source)
    dynamic = list(args_dynamic_iter)
    args = ffi.new("BarterBacktestArgs[]", len(dynamic))
    keep = []
    for index, arg in enumerate(dynamic):
        if not isinstance(arg, BacktestArgsDynamic):
            raise BarterValueError(
                f"args_dynamic[{index}] must be a BacktestArgsDynamic, got {type(arg).__name__}"
            )
        text = check_str(arg.id, f"args_dynamic[{index}].id").encode()
        buffer = ffi.new("uint8_t[]", text or b"\0")
        keep.append(buffer)
        args[index].id.ptr, args[index].id.len = buffer, len(text)
        if not isinstance(arg.risk_free_return, Decimal):
            raise BarterValueError(f"args_dynamic[{index}].risk_free_return must be a Decimal")
        decimal_to_c(args[index].risk_free_return, arg.risk_free_return)
    out = ffi.new("BarterBuffer **")
    with naming_config(name):
        check(
            lib.barter_backtest_run(
                raw, len(raw), data._live(), args, len(dynamic), interval._c, out
            )
        )
    return MultiBacktestSummary._of(json.loads(take_buffer(out)), interval)


def backtest(
    args_constant: BacktestArgsConstant, args_dynamic: BacktestArgsDynamic
) -> BacktestSummary:
    """barter's ``backtest``: one backtest, its summary."""
    summary: BacktestSummary = run_backtests(args_constant, [args_dynamic]).summaries[0]
    return summary


def run_historic_backtest(
    config: SystemConfigLike,
    market_data_path: str | os.PathLike[str],
    risk_free_return: Decimal,
    interval: Interval | None = None,
) -> BacktestSummary:
    """One backtest of barter's ``DefaultStrategy`` over a market data file,
    under the name the PyO3 bindings use."""
    constant = BacktestArgsConstant(config, market_data_path, interval)
    return backtest(constant, BacktestArgsDynamic("", risk_free_return))


def example_backtest_config() -> dict[str, Any]:
    """barter's ``examples/config/backtest_config.json``, shipped in the
    package: ``risk_free_return`` and a ``system`` config (barter's example
    System on binance_spot, with an initial balance)."""
    text = resources.files("barter_python").joinpath("data/backtest_config.json").read_text("utf-8")
    config: dict[str, Any] = json.loads(text)
    return config


__all__ = [
    "BacktestArgsConstant",
    "BacktestArgsDynamic",
    "BacktestSummary",
    "Duration",
    "MarketData",
    "MultiBacktestSummary",
    "backtest",
    "example_backtest_config",
    "run_backtests",
    "run_historic_backtest",
]
