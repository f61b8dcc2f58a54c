"""barter's engine audit, events, outputs, errors, state and trading summary
as typed Python values, read from serde's JSON.

The execution values inside (order requests, orders, account events) are
serde's own output, taken from the fixture set rust-ffi writes; the engine
shapes around them are written from barter 0.14's types (externally tagged
enums, NoneOneOrMany, unit structs as null)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from barter_python.engine import (
    Account,
    AccountDisconnect,
    ActionOutput,
    AssetState,
    AuditTick,
    CancelOrders,
    CancelOrdersOutput,
    ClosePositions,
    ClosePositionsOutput,
    Command,
    Custom,
    EngineAudit,
    EngineError,
    EngineEvent,
    EngineIndexError,
    EngineOutput,
    EngineState,
    ExchangeAsset,
    Exchanges,
    ExecutionChannelTerminated,
    ExecutionChannelUnhealthy,
    FeedEnded,
    InstrumentFilter,
    Instruments,
    Market,
    MarketDisconnect,
    NoFilter,
    OnTradingDisabled,
    OpenOrdersOutput,
    Position,
    PositionExit,
    ProcessAudit,
    Reconnecting,
    RecoverableEngineError,
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
    Balance,
    ExchangeId,
    Open,
    OrderEvent,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderSnapshot,
    Timestamp,
)
from barter_python.market import ExchangeIndexError, MarketItem, PublicTrade
from barter_python.summary import (
    Annual365,
    Daily,
    MaxDrawdown,
    SharpeRatio,
    TearSheet,
    TearSheetAsset,
    TradingSummary,
)
from conftest import FIXTURES


def serde_messages() -> dict[str, dict[str, Any]]:
    """serde's JSON of execution values (indexed keys), by message and case."""
    out: dict[str, dict[str, Any]] = {}
    with (FIXTURES / "messages.jsonl").open(encoding="utf-8") as lines:
        for row in map(json.loads, lines):
            if row["keys"] == "indexed":
                out.setdefault(row["message"], {})[row["case"]] = json.loads(row["serde"])
    return out


SERDE = serde_messages()
OPEN = SERDE["order_request_open"]["limit_buy_gtc_post_only"]
OPEN_2 = SERDE["order_request_open"]["market_sell_fill_or_kill"]
CANCEL = SERDE["order_request_cancel"]["with_id"]
ORDER_SNAPSHOT_EVENT = SERDE["account_event"]["order_snapshot"]
TRADE_EVENT = SERDE["account_event"]["trade"]

CONTEXT = {"sequence": 18_446_744_073_709_551_615, "time": "2025-10-05T10:15:00.123456Z"}
INDEX_ERROR = {"IndexError": {"ExchangeIndex": "ExchangeIndex: no index for ExchangeIndex(7)"}}
UNHEALTHY = {"Recoverable": {"ExecutionChannelUnhealthy": "channel full"}}
NOTHING_SENT = {"sent": "None", "errors": "None"}
T0 = "2025-10-05T10:15:00Z"


def process(event: Any, outputs: Any = "None", errors: Any = "None") -> dict[str, Any]:
    return {
        "event": {"Process": {"event": event, "outputs": outputs, "errors": errors}},
        "context": CONTEXT,
    }


POSITION_EXITED = {
    "instrument": 0,
    "side": "Buy",
    "price_entry_average": "64250.50",
    "quantity_abs_max": "0.0150",
    "pnl_realised": "-1.2850100",
    "fees_enter": {"asset": None, "fees": "0.6425050"},
    "fees_exit": {"asset": None, "fees": "0.6425050"},
    "time_enter": "2025-10-05T10:15:02.981004113Z",
    "time_exit": "2025-10-05T10:16:00.000000001Z",
    "trades": ["t-1", "t-2"],
}

MARKET_ITEM = {
    "Item": {
        "time_exchange": T0,
        "time_received": "2025-10-05T10:15:00.001Z",
        "exchange": "mock",
        "instrument": 0,
        "kind": {"Trade": {"id": "9", "price": 64250.5, "amount": 0.5, "side": "Sell"}},
    }
}

TICKS: dict[str, Any] = {
    "feed_ended": {"event": "FeedEnded", "context": CONTEXT},
    "shutdown": process({"Shutdown": None}),
    "trading_enabled": process({"TradingStateUpdate": "Enabled"}),
    "trading_disabled_output": process(
        {"TradingStateUpdate": "Disabled"}, {"One": {"OnTradingDisabled": None}}
    ),
    "open_one_sent": process(
        {"Command": {"SendOpenRequests": {"One": OPEN}}},
        {"One": {"Commanded": {"OpenOrders": {"sent": {"One": OPEN}, "errors": "None"}}}},
    ),
    "open_many_index_error": process(
        {"Command": {"SendOpenRequests": {"Many": [OPEN, OPEN_2]}}},
        {
            "One": {
                "Commanded": {
                    "OpenOrders": {
                        "sent": {"One": OPEN_2},
                        "errors": {"One": [OPEN, {"Unrecoverable": INDEX_ERROR}]},
                    }
                }
            }
        },
        {"One": INDEX_ERROR},
    ),
    "cancel_recoverable": process(
        {"Command": {"SendCancelRequests": {"Many": [CANCEL]}}},
        {
            "One": {
                "Commanded": {
                    "CancelOrders": {"sent": "None", "errors": {"Many": [[CANCEL, UNHEALTHY]]}}
                }
            }
        },
    ),
    "close_positions": process(
        {"Command": {"ClosePositions": "None"}},
        {
            "One": {
                "Commanded": {
                    "ClosePositions": {
                        "cancels": {"sent": {"Many": [CANCEL, CANCEL]}, "errors": "None"},
                        "opens": {"sent": {"Many": [OPEN, OPEN_2]}, "errors": "None"},
                    }
                }
            }
        },
    ),
    "cancel_orders_filters": process(
        {"Command": {"CancelOrders": {"Underlyings": {"One": {"base": 0, "quote": 1}}}}},
        {"One": {"Commanded": {"CancelOrders": NOTHING_SENT}}},
    ),
    "close_exchanges": process(
        {"Command": {"ClosePositions": {"Exchanges": {"Many": [0, 1]}}}},
        {
            "One": {
                "Commanded": {"ClosePositions": {"cancels": NOTHING_SENT, "opens": NOTHING_SENT}}
            }
        },
    ),
    "account_order_snapshot": process({"Account": {"Item": ORDER_SNAPSHOT_EVENT}}),
    "account_trade_position_exit": process(
        {"Account": {"Item": TRADE_EVENT}}, {"One": {"PositionExit": POSITION_EXITED}}
    ),
    "account_reconnecting": process(
        {"Account": {"Reconnecting": "mock"}}, {"One": {"AccountDisconnect": None}}
    ),
    "market_item": process({"Market": MARKET_ITEM}),
    "market_reconnecting": process(
        {"Market": {"Reconnecting": "binance_spot"}}, {"One": {"MarketDisconnect": None}}
    ),
    "many_outputs_and_errors": process(
        {"Command": {"CancelOrders": {"Instruments": {"One": 3}}}},
        {"Many": [{"OnTradingDisabled": None}, {"MarketDisconnect": None}]},
        {
            "Many": [
                INDEX_ERROR,
                {"IndexError": {"AssetIndex": "a"}},
                {"IndexError": {"InstrumentIndex": "i"}},
                {"ExecutionChannelTerminated": "gone"},
                {"Custom": "custom"},
            ]
        },
    ),
    # serde carries a Many of fewer than two items; it must come back as such.
    "empty_many": process({"Shutdown": None}, {"Many": []}, {"Many": []}),
    "many_of_one": process(
        {"Command": {"SendCancelRequests": {"Many": [CANCEL]}}},
        {"Many": [{"Commanded": {"CancelOrders": {"sent": {"Many": [CANCEL]}, "errors": "None"}}}]},
    ),
    "algo_orders": process(
        {"Market": MARKET_ITEM},
        {
            "One": {
                "AlgoOrders": {
                    "cancels_and_opens": {"cancels": NOTHING_SENT, "opens": NOTHING_SENT},
                    "cancels_refused": {"One": {"item": CANCEL, "reason": "no"}},
                    "opens_refused": {"Many": [{"item": OPEN, "reason": "too big"}]},
                }
            }
        },
    ),
}


@pytest.mark.parametrize("tick", TICKS.values(), ids=TICKS)
def test_audit_ticks_round_trip(tick: dict[str, Any]) -> None:
    audit = AuditTick.from_dict(tick)
    assert audit.to_dict() == tick
    assert isinstance(audit.event, EngineAudit)
    assert audit.sequence == 2**64 - 1
    assert audit.time == Timestamp.parse("2025-10-05T10:15:00.123456Z")
    assert AuditTick.from_dict(audit.to_dict()) == audit
    assert hash(audit) == hash(AuditTick.from_dict(tick))


def tick(name: str) -> AuditTick:
    return AuditTick.from_dict(TICKS[name])


def test_events_and_outputs_are_typed() -> None:
    assert tick("feed_ended").event == FeedEnded()
    shutdown = tick("shutdown").event
    assert shutdown == ProcessAudit(Shutdown(), (), ())
    assert isinstance(shutdown, ProcessAudit)
    assert shutdown.outputs == ()
    assert shutdown.outputs.variant == "None"

    audit = tick("open_many_index_error").event
    assert isinstance(audit, ProcessAudit)
    command = audit.event
    assert isinstance(command, SendOpenRequests)
    assert isinstance(command, Command)
    assert isinstance(command, EngineEvent)
    assert command.requests == (
        OrderRequestOpen.from_dict(OPEN),
        OrderRequestOpen.from_dict(OPEN_2),
    )
    (output,) = audit.outputs
    assert isinstance(output, OpenOrdersOutput)
    assert isinstance(output, ActionOutput)
    assert isinstance(output, EngineOutput)
    assert output.sent == (OrderRequestOpen.from_dict(OPEN_2),)
    ((request, error),) = output.errors
    assert request == OrderRequestOpen.from_dict(OPEN)
    assert error == EngineIndexError(
        ExchangeIndexError("ExchangeIndex: no index for ExchangeIndex(7)")
    )
    assert isinstance(error, UnrecoverableEngineError)
    assert isinstance(error, EngineError)
    assert audit.errors == (error,)

    cancel = tick("cancel_recoverable").event
    assert isinstance(cancel, ProcessAudit)
    assert isinstance(cancel.event, SendCancelRequests)
    assert cancel.event.requests == (OrderRequestCancel.from_dict(CANCEL),)
    assert cancel.event.requests.variant == "Many"
    ((_, recoverable),) = cancel.outputs[0].errors
    assert recoverable == ExecutionChannelUnhealthy("channel full")
    assert isinstance(recoverable, RecoverableEngineError)


def test_closing_positions_exits_and_streams_are_typed() -> None:
    close = tick("close_positions").event
    assert isinstance(close, ProcessAudit)
    assert close.event == ClosePositions(NoFilter())
    (closed,) = close.outputs
    assert isinstance(closed, ClosePositionsOutput)
    assert isinstance(closed.cancels, CancelOrdersOutput)
    assert len(closed.cancels.sent) == 2
    assert len(closed.opens.sent) == 2

    exit_ = tick("account_trade_position_exit").event
    assert isinstance(exit_, ProcessAudit)
    (position_exit,) = exit_.outputs
    assert isinstance(position_exit, PositionExit)
    assert position_exit.position.pnl_realised == Decimal("-1.2850100")
    assert position_exit.position.trades == ("t-1", "t-2")
    assert position_exit.position.fees_exit.fees == Decimal("0.6425050")

    market = tick("market_item").event
    assert isinstance(market, ProcessAudit)
    assert isinstance(market.event, Market)
    assert isinstance(market.event.event, MarketItem)
    assert isinstance(market.event.event.event.kind, PublicTrade)

    reconnect = tick("account_reconnecting").event
    assert isinstance(reconnect, ProcessAudit)
    assert reconnect.event == Account(Reconnecting(ExchangeId.MOCK))
    assert reconnect.outputs == (AccountDisconnect(),)
    assert tick("market_reconnecting").event.outputs == (MarketDisconnect(),)  # type: ignore[union-attr]
    assert tick("trading_disabled_output").event.outputs == (OnTradingDisabled(),)  # type: ignore[union-attr]
    assert tick("trading_enabled").event.event == TradingStateUpdate(TradingState.ENABLED)  # type: ignore[union-attr]

    errors = tick("many_outputs_and_errors").event.errors  # type: ignore[union-attr]
    assert [type(e) for e in errors][3:] == [ExecutionChannelTerminated, Custom]


def test_none_one_or_many_keeps_serdes_variant() -> None:
    empty = tick("empty_many").event
    assert isinstance(empty, ProcessAudit)
    assert empty.outputs == ()
    assert empty.outputs.variant == "Many"
    assert empty.outputs != tick("shutdown").event.outputs  # type: ignore[union-attr]
    one = tick("many_of_one").event.outputs  # type: ignore[union-attr]
    assert one.variant == "Many"
    assert one[0].sent.variant == "Many"
    # Built from plain sequences, the variant is the one Rust's From<Vec> picks.
    assert [Instruments(ids).instruments.variant for ids in ([], [1], [1, 2])] == [
        "Many",  # OneOrMany has no None
        "One",
        "Many",
    ]
    assert ProcessAudit(Shutdown(), [], []).to_dict() == TICKS["shutdown"]["event"]


def test_instrument_filters_are_easy_to_build() -> None:
    assert Instruments([0, 2]).to_dict() == {"Instruments": {"Many": [0, 2]}}
    assert Instruments([4]).to_dict() == {"Instruments": {"One": 4}}
    assert Exchanges((1,)).to_dict() == {"Exchanges": {"One": 1}}
    assert Underlyings([Underlying(0, 1)]).to_dict() == {
        "Underlyings": {"One": {"base": 0, "quote": 1}}
    }
    assert NoFilter().to_dict() == "None"
    assert InstrumentFilter.from_dict("None") == NoFilter()
    assert isinstance(Instruments([1]), InstrumentFilter)
    # Commands are EngineEvents: to_dict is the EngineEvent's JSON.
    assert CancelOrders(Instruments([0, 2])).to_dict() == {
        "Command": {"CancelOrders": {"Instruments": {"Many": [0, 2]}}}
    }
    assert SendOpenRequests([OrderRequestOpen.from_dict(OPEN)]).to_dict() == {
        "Command": {"SendOpenRequests": {"One": OPEN}}
    }
    with pytest.raises(
        BarterValueError, match=r"Instruments\.instruments\[1\]: expected an integer"
    ):
        Instruments([0, "btc"])
    with pytest.raises(BarterValueError, match=r"SendOpenRequests\.requests\[0\]: must be a Order"):
        SendOpenRequests([OrderRequestCancel.from_dict(CANCEL)])


def test_order_events_come_from_order_snapshots() -> None:
    snapshot = AccountEvent.from_dict(ORDER_SNAPSHOT_EVENT).kind
    assert isinstance(snapshot, OrderSnapshot)
    events = tick("account_order_snapshot").order_events()
    assert events == [OrderEvent(snapshot.key, snapshot.state)]
    assert isinstance(events[0].state, Open)
    for name in TICKS:
        if name != "account_order_snapshot":
            assert tick(name).order_events() == []


def test_errors_are_read_as_the_type_declared() -> None:
    # ProcessAudit.errors holds UnrecoverableEngineError; request errors hold EngineError.
    unrecoverable = UnrecoverableEngineError.from_dict({"Unrecoverable": {"Custom": "x"}})
    assert unrecoverable == Custom("x")
    assert Custom("x").to_dict() == {"Unrecoverable": {"Custom": "x"}}
    with pytest.raises(BarterValueError, match=r"is a ExecutionChannelUnhealthy, not a Unrecov"):
        UnrecoverableEngineError.from_dict(UNHEALTHY)


BAD: dict[str, tuple[Any, str]] = {
    "unknown_event": (
        process({"Commands": {}}),
        r"^AuditTick\.event\.Process\.event: unknown variant `Commands`, expected one of "
        r"`Shutdown`, `Command`, `TradingStateUpdate`, `Account`, `Market`$",
    ),
    "unknown_command": (
        process({"Command": {"Bogus": 1}}),
        r"^AuditTick\.event\.Process\.event\.Command: unknown variant `Bogus`",
    ),
    "bad_none_one_or_many": (
        process({"Shutdown": None}, {"Some": []}),
        r"^AuditTick\.event\.Process\.outputs: unknown variant `Some`, expected one of "
        r"`None`, `One`, `Many`$",
    ),
    "one_or_many_has_no_none": (
        process({"Command": {"CancelOrders": {"Instruments": "None"}}}),
        r"\.CancelOrders\.Instruments: unknown variant `None`, expected one of `One`, `Many`$",
    ),
    "shutdown_with_payload": (
        process({"Shutdown": {}}),
        r'^AuditTick\.event\.Process\.event\.Shutdown: expected \{"Shutdown": null\}, '
        r"got an object",
    ),
    "shutdown_bare": (
        process("Shutdown"),
        r"^AuditTick\.event\.Process\.event\.Shutdown: expected \{\"Shutdown\": null\}",
    ),
    "bad_request": (
        process({"Command": {"SendOpenRequests": {"One": {**OPEN, "key": 1}}}}),
        r"^AuditTick\.event\.Process\.event\.Command\.SendOpenRequests\.One: invalid type: "
        r"integer `1`, expected struct OrderKey",
    ),
    "request_error_not_a_pair": (
        process(
            {"Shutdown": None},
            {"One": {"Commanded": {"OpenOrders": {"sent": "None", "errors": {"One": [OPEN]}}}}},
        ),
        r"\.Commanded\.OpenOrders\.errors\.One: expected an array of 2, got an array$",
    ),
    "missing_context": ({"event": "FeedEnded"}, r"^AuditTick: missing field `context`$"),
    "bad_sequence": (
        {"event": "FeedEnded", "context": {**CONTEXT, "sequence": 2**64}},
        r"^AuditTick\.context\.sequence: expected an integer in 0\.\.2\^64, got a number$",
    ),
    "quote_fees_asset": (
        process(
            {"Account": {"Item": TRADE_EVENT}},
            {"One": {"PositionExit": {**POSITION_EXITED, "fees_exit": {"asset": 0, "fees": "1"}}}},
        ),
        r"\.PositionExit\.fees_exit\.asset: expected null \(QuoteAsset\), got a number$",
    ),
}


@pytest.mark.parametrize(("data", "message"), BAD.values(), ids=BAD)
def test_malformed_shapes_name_the_problem(data: Any, message: str) -> None:
    with pytest.raises(BarterValueError, match=message):
        AuditTick.from_dict(data)


# --- the state snapshot -----------------------------------------------------------------------

DRAWDOWN_GENERATOR = {"peak": None, "drawdown_max": "0", "time_peak": None, "time_now": T0}
DATASET = {
    "count": "0",
    "sum": "0",
    "mean": "0",
    "dispersion": {
        "range": {"activated": False, "high": "0", "low": "0"},
        "recurrence_relation_m": "0",
        "variance": "0",
        "std_dev": "0",
    },
}
ACTIVE_ORDER = {
    **{k: v for k, v in SERDE["order_snapshot"]["open"].items() if k != "state"},
    "state": SERDE["order_snapshot"]["open"]["state"]["Active"],
}
POSITION = {
    "instrument": 0,
    "side": "Sell",
    "price_entry_average": "64250.50",
    "quantity_abs": "0.0100",
    "quantity_abs_max": "0.0150",
    "pnl_unrealised": "12.5",
    "pnl_realised": "0",
    "fees_enter": {"asset": None, "fees": "0.6425050"},
    "fees_exit": {"asset": None, "fees": "0"},
    "time_enter": T0,
    "time_exchange_update": "2025-10-05T10:15:02.981004113Z",
    "trades": ["t-1"],
}


def asset_state(name: str, balance: Any) -> dict[str, Any]:
    return {
        "asset": {"name_internal": name, "name_exchange": name.upper()},
        "statistics": {
            "balance_now": None if balance is None else balance["value"],
            "drawdown": DRAWDOWN_GENERATOR,
            "drawdown_mean": {"count": 0, "mean_drawdown": None},
            "drawdown_max": {"max": None},
        },
        "balance": balance,
    }


def instrument_state(key: int, position: Any, orders: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": key,
        "instrument": {
            "exchange": 0,
            "name_internal": "binance_spot-btc_usdt",
            "name_exchange": "BTCUSDT",
            "underlying": {"base": 0, "quote": 1},
            "quote": "UnderlyingQuote",
            "kind": "Spot",
            "spec": None,
        },
        "tear_sheet": {
            "time_engine_start": T0,
            "time_engine_now": T0,
            "pnl_returns": {"pnl_raw": "0", "total": DATASET, "losses": DATASET},
            "pnl_drawdown": DRAWDOWN_GENERATOR,
            "pnl_drawdown_mean": {"count": 0, "mean_drawdown": None},
            "pnl_drawdown_max": {"max": None},
        },
        "position": {"current": position},
        "orders": orders,
        "data": {
            "l1": {
                "last_update_time": "1970-01-01T00:00:00Z",
                "best_bid": {"price": "64250.00", "amount": "1"},
                "best_ask": None,
            },
            "last_traded_price": {"value": "64250.5", "time": T0},
        },
    }


USDT_BALANCE = {"value": {"total": "10000.00", "free": "9000.00"}, "time": T0}
STATE = {
    "trading": "Enabled",
    "global": None,
    "connectivity": {
        "global": "Healthy",
        "exchanges": {"mock": {"market_data": "Healthy", "account": "Reconnecting"}},
    },
    "assets": [
        [{"exchange": "mock", "asset": "btc"}, asset_state("btc", None)],
        [{"exchange": "mock", "asset": "usdt"}, asset_state("usdt", USDT_BALANCE)],
    ],
    "instruments": {
        "binance_spot-btc_usdt": instrument_state(0, POSITION, {"c1": ACTIVE_ORDER}),
        "binance_spot-eth_usdt": instrument_state(1, None, {}),
    },
}
STATE_TICK = {"event": STATE, "context": {"sequence": 0, "time": T0}}


def test_the_state_snapshot_round_trips_with_typed_parts() -> None:
    snapshot = AuditTick.from_dict(STATE_TICK)
    assert snapshot.to_dict() == STATE_TICK
    state = snapshot.event
    assert isinstance(state, EngineState)
    assert snapshot.order_events() == []
    assert state.trading is TradingState.ENABLED
    assert state.global_data is None
    usdt = ExchangeAsset(ExchangeId.MOCK, "usdt")
    assert state.balances == {usdt: Balance(Decimal("10000.00"), Decimal("9000.00"))}
    assert isinstance(state.assets[usdt], AssetState)
    assert state.assets[usdt].balance.time == Timestamp.parse(T0)  # type: ignore[union-attr]
    assert state.assets[ExchangeAsset(ExchangeId.MOCK, "btc")].balance is None
    (position,) = state.positions.values()
    assert isinstance(position, Position)
    assert position.quantity_abs == Decimal("0.0100")
    assert position.pnl_unrealised == Decimal("12.5")
    (order,) = state.orders
    assert order == OrderSnapshot.from_dict(SERDE["order_snapshot"]["open"])
    assert state.instruments["binance_spot-btc_usdt"].orders["c1"] == order
    data = state.instruments["binance_spot-btc_usdt"].data
    assert data.last_traded_price.value == Decimal("64250.5")  # type: ignore[union-attr]
    assert data.l1.best_bid.price == Decimal("64250.00")  # type: ignore[union-attr]
    assert state.instruments["binance_spot-eth_usdt"].position is None
    assert state.connectivity["exchanges"]["mock"]["account"] == "Reconnecting"
    # Kept parts are frozen: the snapshot stays immutable and hashable.
    assert hash(snapshot) == hash(AuditTick.from_dict(STATE_TICK))


def test_the_state_rejects_inactive_orders() -> None:
    bad = json.loads(json.dumps(STATE_TICK))
    bad["event"]["instruments"]["binance_spot-btc_usdt"]["orders"]["c1"]["state"] = "FullyFilled"
    with pytest.raises(
        BarterValueError,
        match=r"^AuditTick\.event\.instruments\['binance_spot-btc_usdt'\]\.orders\['c1'\]: ",
    ):
        AuditTick.from_dict(bad)


# --- TradingSummary -----------------------------------------------------------------------------

DECIMAL_MAX = "79228162514264337593543950335"


def ratio(value: str) -> dict[str, Any]:
    return {"value": value, "interval": None}


TEAR_SHEET = {
    "pnl": "-1.2850100",
    "pnl_return": ratio("-0.0000200"),
    "sharpe_ratio": ratio(DECIMAL_MAX),
    "sortino_ratio": ratio(DECIMAL_MAX),
    "calmar_ratio": ratio("-79228162514264337593543950335"),
    "pnl_drawdown": {"value": "-0.5", "time_start": T0, "time_end": "2025-10-05T10:16:00Z"},
    "pnl_drawdown_mean": {"mean_drawdown": "-0.5", "mean_drawdown_ms": 60000},
    "pnl_drawdown_max": {"value": "-0.5", "time_start": T0, "time_end": "2025-10-05T10:16:00Z"},
    "win_rate": {"value": "0"},
    "profit_factor": None,
}
SUMMARY = {
    "time_engine_start": T0,
    "time_engine_end": "2025-10-05T10:16:00.500Z",
    "instruments": {"binance_spot-btc_usdt": TEAR_SHEET},
    "assets": [
        {
            "exchange": "mock",
            "asset": "usdt",
            "tear_sheet": {
                "balance_end": {"total": "9998.7149900", "free": "9998.7149900"},
                "drawdown": None,
                "drawdown_mean": None,
                "drawdown_max": None,
            },
        },
        {
            "exchange": "mock",
            "asset": "btc",
            "tear_sheet": {
                "balance_end": None,
                "drawdown": None,
                "drawdown_mean": None,
                "drawdown_max": None,
            },
        },
    ],
}


def test_trading_summary_round_trips_exactly() -> None:
    summary = TradingSummary.from_dict(SUMMARY)
    assert summary.to_dict() == SUMMARY
    sheet = summary.instruments["binance_spot-btc_usdt"]
    assert isinstance(sheet, TearSheet)
    assert sheet.sharpe_ratio == SharpeRatio(Decimal(DECIMAL_MAX), None)
    assert str(sheet.sharpe_ratio.value) == DECIMAL_MAX
    assert isinstance(sheet.pnl_drawdown_max, MaxDrawdown)
    assert sheet.profit_factor is None
    assert list(summary.assets) == [
        ExchangeAsset(ExchangeId.MOCK, "usdt"),
        ExchangeAsset(ExchangeId.MOCK, "btc"),
    ]
    usdt = summary.assets[ExchangeAsset(ExchangeId.MOCK, "usdt")]
    assert isinstance(usdt, TearSheetAsset)
    assert usdt.balance_end == Balance(Decimal("9998.7149900"), Decimal("9998.7149900"))
    assert summary.interval is None


def test_trading_summary_takes_its_interval() -> None:
    summary = TradingSummary.from_dict(SUMMARY, interval=Annual365())
    assert summary.interval == Annual365()
    sheet = summary.instruments["binance_spot-btc_usdt"]
    assert sheet.calmar_ratio.interval == Annual365()
    assert sheet.calmar_ratio.interval.name == "Annual(365)"  # type: ignore[union-attr]
    assert summary.to_dict() == SUMMARY
    assert summary != TradingSummary.from_dict(SUMMARY, interval=Daily())


def test_trading_summary_rejects_serdes_map_form_of_assets() -> None:
    with pytest.raises(BarterValueError, match=r"^TradingSummary\.assets: expected an array"):
        TradingSummary.from_dict({**SUMMARY, "assets": {}})
    with pytest.raises(
        BarterValueError, match=r"^TradingSummary\.assets\[0\]: missing field `tear"
    ):
        TradingSummary.from_dict({**SUMMARY, "assets": [{"exchange": "mock", "asset": "usdt"}]})
    with pytest.raises(BarterValueError, match=r"\.sharpe_ratio\.interval: expected null"):
        TradingSummary.from_dict(
            {
                **SUMMARY,
                "instruments": {
                    "x": {**TEAR_SHEET, "sharpe_ratio": {"value": "1", "interval": [1, 0]}}
                },
            }
        )
