"""The typed engine values against serde, sample by sample.

``tests/fixtures/engine_values.jsonl`` is written by rust-ffi's fixture
generator (``./dev fixtures``) from real barter 0.14 / barter-data 0.13
values built in Rust (``rust-ffi/src/samples/engine.rs``): every variant of
``EngineEvent``, ``Command``, ``InstrumentFilter``, ``DataKind``,
``EngineOutput``, ``EngineError`` and ``EngineAudit``, and trading summaries
from barter's ``TradingSummaryGenerator``. Nothing expected here is written
by hand: each line carries serde's value (``json``) and serde's exact text
(``serde``).

What each sample must satisfy:

- ``from_dict(json)`` gives the expected typed class, and ``to_dict()`` is the
  same JSON value: compared with ``==`` and, because ``==`` forgives ``1 ==
  1.0``, ``-0.0 == 0.0`` and key order, also as ``json.dumps`` of both sides.
- ``to_json()`` is serde's exact bytes. ``to_json`` has Rust parse
  ``to_dict()`` into barter's type and print it, so equality with the bytes
  serde wrote for the original Rust value shows that ``to_dict`` carries
  everything Rust needs to rebuild that same value (decimal scales,
  nanoseconds, every f64 bit). Python's own ``json.dumps(..., separators=(",",
  ":"))`` is not serde's text (it escapes non-ASCII and writes ``1e+16`` and
  ``6e-05`` where serde writes ``1e16`` and ``6e-5``), so it is never the
  comparison.
- Where serde cannot read its own output (``reprint_error``: barter-data's
  ``OrderBook``, whose sides skip their ``side`` field when written but need
  it when read, and non-finite f64s, written as ``null``), ``to_json`` raises
  ``BarterValueError`` with serde's message; rust-ffi's unit test asserts the
  same failure on the Rust side.

barter's ``Command`` JSON (``{"SendOpenRequests": ...}``) has no class of its
own: in Python ``Command`` is the ``EngineEvent::Command`` variant, whose
``from_dict``/``to_dict`` use the ``{"Command": ...}`` form. The bare form is
what the ``of(Command)`` codec (a field declared as a ``Command``) reads and
writes; Rust's ``BARTER_ENGINE_VALUE_COMMAND`` prints it.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from barter_python._native import lib
from barter_python._serde import Items, Serde, of, rust_json
from barter_python.engine import (
    Account,
    AccountDisconnect,
    AccountItem,
    AlgoOrders,
    AuditTick,
    CancelOrders,
    CancelOrdersOutput,
    ClosePositions,
    ClosePositionsOutput,
    Command,
    Custom,
    EngineError,
    EngineEvent,
    EngineIndexError,
    Exchanges,
    ExecutionChannelTerminated,
    ExecutionChannelUnhealthy,
    FeedEnded,
    GenerateAlgoOrdersOutput,
    InstrumentFilter,
    Instruments,
    Market,
    MarketDisconnect,
    NoFilter,
    OnTradingDisabled,
    OpenOrdersOutput,
    PositionExit,
    PositionExited,
    ProcessAudit,
    Reconnecting,
    RecoverableEngineError,
    RiskRefusedCancel,
    RiskRefusedOpen,
    SendCancelRequests,
    SendOpenRequests,
    Shutdown,
    TradingState,
    TradingStateUpdate,
    Underlying,
    Underlyings,
    UnrecoverableEngineError,
)
from barter_python.errors import BarterValueError
from barter_python.execution import (
    AccountEvent,
    ExchangeId,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderSnapshot,
    Side,
    Timestamp,
)
from barter_python.market import (
    AssetIndexError,
    Candle,
    ExchangeIndexError,
    InstrumentIndexError,
    Liquidation,
    MarketItem,
    MarketStreamEvent,
    MarketStreamResult,
    OrderBookL1,
    OrderBookSnapshot,
    OrderBookUpdate,
    PublicTrade,
)
from barter_python.summary import Daily, TradingSummary
from conftest import FIXTURES

U64_MAX = 2**64 - 1
USIZE_MAX = 2**64 - 1
DECIMAL_MAX = Decimal("79228162514264337593543950335")
#: What barter's engine says for an open request to an exchange without an
#: execution (as the Rust sample spells it).
NO_EXECUTION = "ExecutionTxMap does not contain: ExchangeIndex(7)"


class Row(NamedTuple):
    type: str
    name: str
    reprint_error: str | None
    json: Any
    serde: str

    @property
    def id(self) -> str:
        return f"{self.type}:{self.name}"


def load_rows() -> list[Row]:
    with (FIXTURES / "engine_values.jsonl").open(encoding="utf-8") as lines:
        return [Row(**json.loads(line)) for line in lines]


ROWS = load_rows()
BY_ID = {row.id: row for row in ROWS}

#: The Python class of each fixture type (``Command``: see the module doc).
CLASSES: dict[str, type[Serde]] = {
    "AuditTick": AuditTick,
    "EngineEvent": EngineEvent,
    "Command": Command,
    "InstrumentFilter": InstrumentFilter,
    "MarketStreamEvent": MarketStreamEvent,
    "MarketStreamResult": MarketStreamResult,
    "TradingSummaryDaily": TradingSummary,
}
_COMMAND = of(Command)


def read(row: Row) -> Any:
    """The typed value of a fixture line, through the class's public API
    (the ``of(Command)`` codec for barter's bare ``Command`` JSON)."""
    if row.type == "Command":
        return _COMMAND.load(row.json, "Command")
    return CLASSES[row.type].from_dict(row.json)


def written(value: Any, row: Row) -> Any:
    """``to_dict()`` in the form of the fixture's type."""
    if row.type == "Command":
        return _COMMAND.dump(value)
    return value.to_dict()


def serde_bytes(value: Any, row: Row) -> bytes:
    """``to_json()`` in the form of the fixture's type."""
    if row.type == "Command":
        return rust_json(lib.BARTER_ENGINE_VALUE_COMMAND, _COMMAND.dump(value))
    data: bytes = value.to_json()
    return data


def fixed(value: Decimal) -> str:
    """A decimal as rust_decimal prints it (``str`` may use an exponent)."""
    return format(value, "f")


def strict(value: Any) -> str:
    # Tells 1 from 1.0 and -0.0 from 0.0, and sees key order.
    return json.dumps(value, ensure_ascii=False)


def sample(kind: str, name: str) -> Any:
    return read(BY_ID[f"{kind}:{name}"])


def test_the_fixture_covers_every_type() -> None:
    counts: dict[str, int] = {}
    for row in ROWS:
        counts[row.type] = counts.get(row.type, 0) + 1
        assert json.loads(row.serde) == row.json, row.id
    assert set(counts) == set(CLASSES)
    assert len(BY_ID) == len(ROWS), "fixture ids are unique"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_from_dict_to_dict_and_to_json_are_serdes(row: Row) -> None:
    value = read(row)
    assert isinstance(value, CLASSES[row.type])
    out = written(value, row)
    assert out == row.json
    assert strict(out) == strict(row.json)
    if row.reprint_error is None:
        assert serde_bytes(value, row) == row.serde.encode()
        assert read(row._replace(json=json.loads(serde_bytes(value, row)))) == value
    elif row.type in ("MarketStreamEvent", "MarketStreamResult"):
        # Written by Rust from its C struct, not reparsed: serde's bytes even
        # where serde cannot read them back (order books, NaN).
        assert serde_bytes(value, row) == row.serde.encode()
    else:
        with pytest.raises(BarterValueError, match=re.escape(row.reprint_error)):
            serde_bytes(value, row)


@pytest.mark.parametrize(
    "row",
    [row for row in ROWS if row.type == "Command"],
    ids=[row.name for row in ROWS if row.type == "Command"],
)
def test_the_command_class_reads_and_writes_its_engine_event(row: Row) -> None:
    # Command's class API is the EngineEvent::Command form, which Rust wrote
    # too (the EngineEvent sample of the same command).
    event = BY_ID[f"EngineEvent:command_{row.name}"]
    value = Command.from_dict(event.json)
    assert value == read(row)
    assert value.to_dict() == event.json == {"Command": row.json}
    assert value.to_json() == event.serde.encode()


def test_python_json_dumps_is_not_serdes_text() -> None:
    # Why the comparison above is with Rust's reprint.
    for name in ("trade_f64_edges", "candle"):
        row = BY_ID[f"MarketStreamEvent:{name}"]
        mimic = json.dumps(row.json, separators=(",", ":"), ensure_ascii=False)
        assert mimic != row.serde
        assert read(row).to_json() == row.serde.encode()


# --- specific classes and fields, kind by kind ---------------------------------------------


def test_instrument_filters() -> None:
    assert isinstance(sample("InstrumentFilter", "none"), NoFilter)
    one = sample("InstrumentFilter", "exchanges_one")
    assert isinstance(one, Exchanges)
    assert one.exchanges == (0,)
    assert one.exchanges.variant == "One"
    many = sample("InstrumentFilter", "exchanges_many")
    assert many.exchanges == (0, USIZE_MAX)
    assert many.exchanges.variant == "Many"
    empty = sample("InstrumentFilter", "exchanges_many_empty")
    assert empty.exchanges == ()
    assert empty.exchanges.variant == "Many"
    many_of_one = sample("InstrumentFilter", "instruments_many_of_one")
    assert isinstance(many_of_one, Instruments)
    assert many_of_one.instruments.variant == "Many"
    assert many_of_one != sample("InstrumentFilter", "instruments_one")
    underlyings = sample("InstrumentFilter", "underlyings_many")
    assert isinstance(underlyings, Underlyings)
    assert underlyings.underlyings == (Underlying(0, 1), Underlying(2, USIZE_MAX))


def test_commands() -> None:
    opens = sample("Command", "send_open_requests_many")
    assert isinstance(opens, SendOpenRequests)
    assert opens.requests.variant == "Many"
    assert len(opens.requests) == 5
    assert all(type(request) is OrderRequestOpen for request in opens.requests)
    cancel = sample("Command", "send_cancel_requests_one")
    assert isinstance(cancel, SendCancelRequests)
    assert type(cancel.requests[0]) is OrderRequestCancel
    close = sample("Command", "close_positions_underlyings_one")
    assert isinstance(close, ClosePositions)
    assert isinstance(close.filter, Underlyings)
    orders = sample("Command", "cancel_orders_none")
    assert isinstance(orders, CancelOrders)
    assert isinstance(orders.filter, NoFilter)


def test_engine_events() -> None:
    assert isinstance(sample("EngineEvent", "shutdown"), Shutdown)
    disabled = sample("EngineEvent", "trading_state_disabled")
    assert isinstance(disabled, TradingStateUpdate)
    assert disabled.state is TradingState.DISABLED
    reconnecting = sample("EngineEvent", "account_reconnecting")
    assert isinstance(reconnecting, Account)
    assert reconnecting.event == Reconnecting(ExchangeId.MOCK)
    for name in ("snapshot", "balance_snapshot", "order_snapshot", "order_cancelled_err", "trade"):
        account = sample("EngineEvent", f"account_{name}")
        assert isinstance(account.event, AccountItem)
        assert type(account.event.event) is AccountEvent
    snapshot = sample("EngineEvent", "account_order_snapshot").event.event
    assert type(snapshot.kind) is OrderSnapshot
    market = sample("EngineEvent", "market_reconnecting")
    assert isinstance(market, Market)
    assert market.event == Reconnecting(ExchangeId.BINANCE_SPOT)
    book = sample("EngineEvent", "market_order_book_snapshot")
    assert isinstance(book.event, MarketItem)
    assert isinstance(book.event.event.kind, OrderBookSnapshot)
    command = sample("EngineEvent", "command_close_positions_exchanges_many")
    assert isinstance(command, ClosePositions)
    assert isinstance(command, Command)


def test_market_stream_events() -> None:
    trade = sample("MarketStreamEvent", "trade_f64_edges").event
    assert isinstance(trade.kind, PublicTrade)
    assert trade.kind.id == 'трейд-🚀 "q"'
    assert (trade.kind.price, trade.kind.amount, trade.kind.side) == (6e-5, 1e16, Side.SELL)
    assert trade.time_received == Timestamp.parse("2025-10-05T10:15:01.000000001Z")
    assert trade.time_received.nanos == 1
    more = sample("MarketStreamEvent", "trade_f64_more_edges").event
    assert more.instrument == USIZE_MAX
    assert more.kind.price == 0.1 + 0.2
    assert math.copysign(1.0, more.kind.amount) == -1.0
    assert math.isnan(sample("MarketStreamEvent", "trade_price_nan").event.kind.price)
    l1 = sample("MarketStreamEvent", "order_book_l1_decimal_edges").event.kind
    assert isinstance(l1, OrderBookL1)
    assert l1.best_bid is not None
    assert l1.best_ask is not None
    assert fixed(l1.best_bid.price) == "0.0000000000000000000000000001"
    assert l1.best_bid.amount == DECIMAL_MAX
    assert fixed(l1.best_ask.price) == "-1.0000000000000000000000000001"
    empty = sample("MarketStreamEvent", "order_book_l1_empty").event.kind
    assert empty.best_bid is None
    assert empty.best_ask is None
    snapshot = sample("MarketStreamEvent", "order_book_snapshot").event.kind
    assert isinstance(snapshot, OrderBookSnapshot)
    assert snapshot.book.sequence == U64_MAX
    # Best first, as barter-data's OrderBook::new sorted them.
    assert [fixed(level.price) for level in snapshot.book.bids] == ["64250.50", "64250.00"]
    assert [fixed(level.price) for level in snapshot.book.asks] == ["64251", "64260.1"]
    update = sample("MarketStreamEvent", "order_book_update").event.kind
    assert isinstance(update, OrderBookUpdate)
    assert update.book.time_engine is None
    assert update.book.asks == ()
    candle = sample("MarketStreamEvent", "candle").event.kind
    assert isinstance(candle, Candle)
    assert candle.trade_count == U64_MAX
    assert candle.high == 1e16
    assert candle.volume == 1 / 3
    # serde wrote the infinity as null: all Python can read is NaN.
    assert math.isnan(sample("MarketStreamEvent", "candle_infinite_high").event.kind.high)
    liquidation = sample("MarketStreamEvent", "liquidation").event.kind
    assert isinstance(liquidation, Liquidation)
    assert liquidation.time.nanos == 249_999_999


def test_every_engine_error_leaf_in_open_orders_output() -> None:
    tick = sample("AuditTick", "output_commanded_open_orders")
    assert isinstance(tick, AuditTick)
    assert isinstance(tick.event, ProcessAudit)
    assert isinstance(tick.event.event, SendOpenRequests)
    (output,) = tick.event.outputs
    assert isinstance(output, OpenOrdersOutput)
    assert output.sent.variant == "Many"
    assert len(output.sent) == 2
    errors = [error for _, error in output.errors]
    assert all(type(request) is OrderRequestOpen for request, _ in output.errors)
    assert [type(error) for error in errors] == [
        ExecutionChannelUnhealthy,
        EngineIndexError,
        EngineIndexError,
        EngineIndexError,
        ExecutionChannelTerminated,
        Custom,
    ]
    unhealthy, exchange, asset, instrument, terminated, custom = errors
    assert isinstance(unhealthy, RecoverableEngineError)
    assert isinstance(unhealthy, EngineError)
    assert unhealthy.message == 'ExecutionRequest channel full: "mock"\n(retry)'
    for error in (exchange, asset, instrument, terminated, custom):
        assert isinstance(error, UnrecoverableEngineError)
    assert isinstance(exchange.error, ExchangeIndexError)
    assert exchange.error.message == NO_EXECUTION
    assert isinstance(asset.error, AssetIndexError)
    assert asset.error.message == 'ExchangeAsset { exchange: Mock, asset: "ünïcødé" }'
    assert isinstance(instrument.error, InstrumentIndexError)
    assert instrument.error.message == ""
    assert terminated.message == "channel closed"
    assert custom.message == "стратегия 🚀 stopped"


def test_audit_ticks() -> None:
    ended = sample("AuditTick", "feed_ended_sequence_max")
    assert isinstance(ended.event, FeedEnded)
    assert ended.sequence == U64_MAX
    assert ended.time == Timestamp.parse("2025-10-05T10:15:00.123456789Z")

    fatal = sample("AuditTick", "process_index_error_ends_the_engine").event
    (output,) = fatal.outputs
    assert isinstance(output, OpenOrdersOutput)
    assert output.sent.variant == "None"
    assert fatal.errors.variant == "One"
    (error,) = fatal.errors
    assert isinstance(error, EngineIndexError)
    assert error.error.message == NO_EXECUTION

    many = sample("AuditTick", "process_many_outputs_many_errors").event
    assert [type(o) for o in many.outputs] == [ClosePositionsOutput, CancelOrdersOutput]
    assert [type(e) for e in many.errors] == [
        EngineIndexError,
        EngineIndexError,
        ExecutionChannelTerminated,
        Custom,
    ]
    few = sample("AuditTick", "process_many_of_one").event
    assert isinstance(few.outputs, Items)
    assert (few.outputs.variant, len(few.outputs)) == ("Many", 1)
    assert (few.errors.variant, len(few.errors)) == ("Many", 0)
    assert sample("AuditTick", "process_shutdown").event.outputs.variant == "None"

    close = sample("AuditTick", "output_commanded_close_positions").event.outputs[0]
    assert isinstance(close, ClosePositionsOutput)
    assert isinstance(close.cancels, CancelOrdersOutput)
    assert isinstance(close.opens, OpenOrdersOutput)
    assert isinstance(close.cancels.errors[0][1], ExecutionChannelUnhealthy)

    algo = sample("AuditTick", "output_algo_orders").event.outputs[0]
    assert isinstance(algo, AlgoOrders)
    assert isinstance(algo.output, GenerateAlgoOrdersOutput)
    assert algo.output.opens_refused.variant == "Many"
    assert all(isinstance(r, RiskRefusedOpen) for r in algo.output.opens_refused)
    assert algo.output.opens_refused[1].reason == "лимит"
    assert isinstance(algo.output.cancels_refused[0], RiskRefusedCancel)
    commanded = sample("AuditTick", "output_commanded_generate_algo_orders").event.outputs[0]
    assert isinstance(commanded, GenerateAlgoOrdersOutput)
    assert commanded == algo.output

    for name, cls in [
        ("on_trading_disabled", OnTradingDisabled),
        ("account_disconnect", AccountDisconnect),
        ("market_disconnect", MarketDisconnect),
        ("position_exit", PositionExit),
    ]:
        (output,) = sample("AuditTick", f"output_{name}").event.outputs
        assert type(output) is cls, name


def test_position_exited_is_barters_computation() -> None:
    (exit,) = sample("AuditTick", "output_position_exit").event.outputs
    position = exit.position
    assert isinstance(position, PositionExited)
    assert position.side is Side.BUY
    # barter's arithmetic, scale kept: (64450.25 - 64250.50) * 0.0150 - fees.
    assert fixed(position.pnl_realised) == "1.71074250"
    assert position.pnl_realised == (
        (Decimal("64450.25") - Decimal("64250.50")) * Decimal("0.0150")
        - position.fees_enter.fees
        - position.fees_exit.fees
    )
    assert position.trades == ("t-1", "t-2")
    assert position.time_enter.nanos == 981_004_113
    assert position.time_exit == Timestamp.parse("2025-10-05T10:16:00.000001Z")


def test_trading_summaries() -> None:
    row = BY_ID["TradingSummaryDaily:built_edges"]
    summary = TradingSummary.from_dict(row.json)
    assert summary.interval is None
    sheet = summary.instruments["стратегия_🚀"]
    assert sheet.sharpe_ratio.value == DECIMAL_MAX
    # Decimal::MIN (not -DECIMAL_MAX: unary minus rounds to Python's
    # 28-digit context).
    assert sheet.sortino_ratio.value == Decimal("-79228162514264337593543950335")
    assert fixed(sheet.pnl) == "-0.0000000000000000000000000001"
    assert sheet.pnl_drawdown_mean is not None
    assert sheet.pnl_drawdown_mean.mean_drawdown_ms == -(2**63)
    bare = summary.instruments["bare"]
    assert bare.win_rate is None
    assert bare.pnl_drawdown_max is None
    assert summary.time_engine_start.isoformat() == "1969-12-31T23:59:59.999999999Z"
    assert summary.time_engine_end.nanos == 854_775_807
    assert [(key.exchange, key.asset) for key in summary.assets] == [
        (ExchangeId.BINANCE_SPOT, "ünïcødé"),
        (ExchangeId.MOCK, "usdt"),
    ]
    (first, second) = summary.assets.values()
    assert first.balance_end is not None
    assert first.balance_end.total == DECIMAL_MAX
    assert fixed(first.balance_end.free) == "0.000"
    assert second.balance_end is None
    daily = TradingSummary.from_dict(row.json, Daily())
    assert isinstance(daily.interval, Daily)
    assert daily.to_dict() == row.json
    assert daily.to_json() == row.serde.encode()

    generated = sample("TradingSummaryDaily", "generated")
    btc = generated.instruments["btc_usdt"]
    # barter 0.14 divides the count of losing positions by the total for
    # its "win rate" (one loser of three).
    assert btc.win_rate is not None
    assert btc.win_rate.value == Decimal(1) / Decimal(3)
    assert generated.instruments["eth_usdt_ünï"].sharpe_ratio.value == DECIMAL_MAX
    assert sample("TradingSummaryDaily", "empty").instruments == {}
