"""barter-data's market events as typed Python values, read from serde's JSON:
barter's own example data (written by serde) must decode line by line and
give back exactly the JSON it came from."""

from __future__ import annotations

import copy
import json
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barter_python._native import check, ffi, lib, take_buffer
from barter_python.errors import BarterValueError
from barter_python.execution import ExchangeId, Side, Timestamp
from barter_python.market import (
    AccountStreamEvent,
    AssetIndexError,
    Candle,
    DataError,
    DataIndexError,
    DataKind,
    DataSocketError,
    InitialSnapshotInvalid,
    InitialSnapshotMissing,
    InvalidSequence,
    Level,
    Liquidation,
    MarketEvent,
    MarketItem,
    MarketResultItem,
    MarketStreamEvent,
    MarketStreamResult,
    OrderBook,
    OrderBookEvent,
    OrderBookL1,
    OrderBookSnapshot,
    OrderBookUpdate,
    PublicTrade,
    Reconnecting,
    SubKind,
    SubscriptionsEmpty,
    Unsupported,
    UnsupportedSubKind,
)

TRADES_L1 = "binance_spot_trades_l1_btcusdt_ethusdt_solusdt.json"
WITH_DISCONNECTS = "binance_spot_market_data_with_disconnect_events.json"


def data_file(crate: Path, name: str) -> str:
    return (crate / "examples" / "data" / name).read_text(encoding="utf-8")


# --- barter's example data -----------------------------------------------------------------


def test_every_line_of_barters_trades_and_l1_data_round_trips(barter_crate_dir: Path) -> None:
    text = data_file(barter_crate_dir, TRADES_L1)
    lines = text.splitlines()
    events = MarketStreamEvent.from_json_lines(text)
    assert len(events) == len(lines) == 50_000
    kinds = set()
    for number, (line, event) in enumerate(zip(lines, events), 1):
        assert event.to_dict() == json.loads(line), f"line {number}"
        assert isinstance(event, MarketItem)
        kinds.add(type(event.event.kind))
    assert kinds == {PublicTrade, OrderBookL1}


def test_barters_data_is_serdes_own_and_to_json_gives_it_back(barter_crate_dir: Path) -> None:
    text = data_file(barter_crate_dir, TRADES_L1)
    lines = text.encode().splitlines()
    out = ffi.new("BarterBuffer **")
    check(
        lib.barter_engine_json_normalize(
            lib.BARTER_ENGINE_VALUE_MARKET_STREAM_EVENT,
            lib.BARTER_JSON_FORMAT_LINES,
            text.encode(),
            len(text.encode()),
            out,
        )
    )
    assert take_buffer(out).splitlines() == lines  # Rust reprints barter's file as it is
    events = MarketStreamEvent.from_json_lines(text)
    for number, (event, line) in enumerate(zip(events, lines), 1):
        assert event.to_json() == line, f"line {number}"


def test_lines_decode_alike_one_by_one_and_as_bytes(barter_crate_dir: Path) -> None:
    text = data_file(barter_crate_dir, TRADES_L1)
    head = "\n".join(text.splitlines()[:200])
    batch = MarketStreamEvent.from_json_lines(head.encode())
    assert batch == [MarketStreamEvent.from_dict(json.loads(line)) for line in head.splitlines()]


def test_barters_result_form_with_disconnects_round_trips(barter_crate_dir: Path) -> None:
    text = data_file(barter_crate_dir, WITH_DISCONNECTS)
    events = MarketStreamResult.from_json_array(text)
    assert [event.to_dict() for event in events] == json.loads(text)
    reconnecting = [e for e in events if isinstance(e, Reconnecting)]
    assert reconnecting == [Reconnecting(ExchangeId.BINANCE_SPOT)] * 3
    items = [e for e in events if isinstance(e, MarketResultItem)]
    assert len(items) + len(reconnecting) == len(events)
    assert all(isinstance(item.result, MarketEvent) for item in items)


def test_f64_fields_are_floats_and_keep_serdes_numbers(barter_crate_dir: Path) -> None:
    first = json.loads(data_file(barter_crate_dir, WITH_DISCONNECTS))[0]
    event = MarketStreamResult.from_dict(first)
    assert isinstance(event, MarketResultItem)
    assert isinstance(event.result, MarketEvent)
    trade = event.result.kind
    assert trade == PublicTrade("4314349047", 96962.51, 0.00006, Side.BUY)
    assert type(trade.amount) is float
    assert trade.to_dict()["Trade"]["amount"] == 0.00006


# --- every DataKind, from barter-data's types -----------------------------------------------

T0 = "2025-03-25T23:07:00.773674205Z"
T1 = "2025-03-25T23:07:00.840Z"


def market_event(kind: Any) -> dict[str, Any]:
    return {
        "time_exchange": T0,
        "time_received": T1,
        "exchange": "binance_spot",
        "instrument": 2,
        "kind": kind,
    }


BOOK = {
    "sequence": 42,
    "time_engine": T1,
    "bids": {"levels": [{"price": "100.50", "amount": "1.0"}, {"price": "100.00", "amount": "2"}]},
    "asks": {"levels": [{"price": "101", "amount": "0.001"}]},
}

KINDS: dict[str, Any] = {
    "trade": {"Trade": {"id": "1", "price": 5, "amount": 0.25, "side": "Sell"}},
    "l1_full": {
        "OrderBookL1": {
            "last_update_time": T0,
            "best_bid": {"price": "2059.10000000", "amount": "33.09140000"},
            "best_ask": {"price": "2059.11000000", "amount": "3.01460000"},
        }
    },
    "l1_empty": {
        "OrderBookL1": {
            "last_update_time": "1970-01-01T00:00:00Z",
            "best_bid": None,
            "best_ask": None,
        }
    },
    "book_snapshot": {"OrderBook": {"Snapshot": BOOK}},
    "book_update": {"OrderBook": {"Update": {**BOOK, "time_engine": None}}},
    "book_empty": {
        "OrderBook": {
            "Snapshot": {
                "sequence": 0,
                "time_engine": None,
                "bids": {"levels": []},
                "asks": {"levels": []},
            }
        }
    },
    "candle": {
        "Candle": {
            "close_time": T1,
            "open": 1.5,
            "high": 2.0,
            "low": 1.0,
            "close": 1.75,
            "volume": 1e-300,
            "trade_count": 18_446_744_073_709_551_615,
        }
    },
    "liquidation": {"Liquidation": {"side": "Buy", "price": 3.0, "quantity": 7, "time": T0}},
}


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS)
def test_every_data_kind_round_trips(kind: dict[str, Any]) -> None:
    data = {"Item": market_event(kind)}
    event = MarketStreamEvent.from_dict(data)
    assert event.to_dict() == data
    assert isinstance(event, MarketItem)
    assert isinstance(event.event.kind, DataKind)
    assert DataKind.from_dict(kind) == event.event.kind
    assert MarketEvent.from_dict(data["Item"]) == event.event


def test_order_book_events_are_typed() -> None:
    snapshot = DataKind.from_dict(KINDS["book_snapshot"])
    assert isinstance(snapshot, OrderBookSnapshot)
    assert isinstance(snapshot, OrderBookEvent)
    book = snapshot.book
    assert book.bids == (
        Level(Decimal("100.50"), Decimal("1.0")),
        Level(Decimal("100.00"), Decimal(2)),
    )
    assert book.asks[0].price == Decimal("101")
    assert book.time_engine == Timestamp.parse(T1)
    assert isinstance(DataKind.from_dict(KINDS["book_update"]), OrderBookUpdate)
    # A variant written on its own is a value of its outermost enum.
    assert snapshot.to_dict() == KINDS["book_snapshot"]
    assert OrderBookEvent.from_dict(KINDS["book_snapshot"]) == snapshot


def test_candle_and_liquidation_fields() -> None:
    candle = DataKind.from_dict(KINDS["candle"])
    assert isinstance(candle, Candle)
    assert candle.trade_count == 2**64 - 1
    liquidation = DataKind.from_dict(KINDS["liquidation"])
    assert liquidation == Liquidation(Side.BUY, 3.0, 7.0, Timestamp.parse(T0))
    assert type(liquidation.quantity) is float


def test_nan_is_written_as_serde_does() -> None:
    # serde_json writes a non-finite f64 as null.
    trade = PublicTrade("1", float("nan"), 1.0, Side.BUY)
    assert trade.to_dict() == {"Trade": {"id": "1", "price": None, "amount": 1.0, "side": "Buy"}}
    again = DataKind.from_dict(trade.to_dict())
    assert isinstance(again, PublicTrade)
    assert again.price != again.price


# --- DataError: every variant, from barter-data's error.rs -----------------------------------

DATA_ERRORS: dict[str, Any] = {
    "index": {"Index": {"AssetIndex": "no asset btc"}},
    "subscriptions_empty": "SubscriptionsEmpty",
    "unsupported_sub_kind": {"UnsupportedSubKind": "OrderBooksL3"},
    "initial_snapshot_missing": {"InitialSnapshotMissing": "btcusdt@depth"},
    "initial_snapshot_invalid": {"InitialSnapshotInvalid": "bad"},
    "socket": {"Socket": "closed"},
    "unsupported": {"Unsupported": {"exchange": "okx", "sub_kind": "Liquidations"}},
    "invalid_sequence": {"InvalidSequence": {"prev_last_update_id": 1, "first_update_id": 3}},
}


@pytest.mark.parametrize("error", DATA_ERRORS.values(), ids=DATA_ERRORS)
def test_every_data_error_round_trips_in_the_result_form(error: Any) -> None:
    data = {"Item": {"Err": error}}
    event = MarketStreamResult.from_dict(data)
    assert event.to_dict() == data
    assert isinstance(event, MarketResultItem)
    assert isinstance(event.result, DataError)
    assert DataError.from_dict(error) == event.result


def test_data_errors_are_typed() -> None:
    assert DataError.from_dict(DATA_ERRORS["index"]) == DataIndexError(
        AssetIndexError("no asset btc")
    )
    assert DataError.from_dict("SubscriptionsEmpty") == SubscriptionsEmpty()
    assert DataError.from_dict(DATA_ERRORS["unsupported_sub_kind"]) == UnsupportedSubKind(
        SubKind.ORDER_BOOKS_L3
    )
    assert DataError.from_dict(DATA_ERRORS["unsupported"]) == Unsupported(
        ExchangeId.OKX, SubKind.LIQUIDATIONS
    )
    assert DataError.from_dict(DATA_ERRORS["invalid_sequence"]) == InvalidSequence(1, 3)
    assert DataError.from_dict(DATA_ERRORS["socket"]) == DataSocketError("closed")
    assert InitialSnapshotMissing("x").to_dict() == {"InitialSnapshotMissing": "x"}
    assert InitialSnapshotInvalid("y").to_dict() == {"InitialSnapshotInvalid": "y"}


# --- stream events ------------------------------------------------------------------------------


def test_reconnecting_is_one_class_for_every_stream() -> None:
    event = Reconnecting(ExchangeId.BINANCE_SPOT)
    assert event.to_dict() == {"Reconnecting": "binance_spot"}
    for stream in (MarketStreamEvent, MarketStreamResult, AccountStreamEvent):
        assert isinstance(event, stream)
        assert stream.from_dict({"Reconnecting": "binance_spot"}) == event
    assert Reconnecting("binance_spot") == event  # names are accepted too


def test_items_of_one_stream_are_not_items_of_another() -> None:
    item = MarketStreamEvent.from_dict({"Item": market_event(KINDS["trade"])})
    assert isinstance(item, MarketStreamEvent)
    assert not isinstance(item, MarketStreamResult)
    assert not isinstance(item, AccountStreamEvent)
    with pytest.raises(
        BarterValueError,
        match=r"MarketStreamResult\.Item: expected an enum variant: an object with one key, "
        r"got keys `time_exchange`, `time_received`, `exchange`$",
    ):
        MarketStreamResult.from_dict({"Item": market_event(KINDS["trade"])})


# --- values -------------------------------------------------------------------------------------


def test_values_are_immutable_hashable_and_match_by_position() -> None:
    event = MarketStreamEvent.from_dict({"Item": market_event(KINDS["l1_full"])})
    same = MarketStreamEvent.from_dict({"Item": market_event(KINDS["l1_full"])})
    assert event == same
    assert hash(event) == hash(same)
    assert len({event, same}) == 1
    with pytest.raises(AttributeError):
        event.event = None  # type: ignore[misc]
    assert MarketItem.__match_args__ == ("event",)
    assert MarketEvent.__match_args__ == (
        "time_exchange", "time_received", "exchange", "instrument", "kind",
    )  # fmt: skip
    assert PublicTrade.__match_args__ == ("id", "price", "amount", "side")
    assert pickle.loads(pickle.dumps(event)) == event
    assert copy.deepcopy(event) is event
    assert (
        repr(Level(Decimal("1.5"), Decimal(2)))
        == "Level(price=Decimal('1.5'), amount=Decimal('2'))"
    )
    assert PublicTrade("1", 1.0, 1.0, Side.BUY) != Liquidation(Side.BUY, 1.0, 1.0, Timestamp(0))


def test_hand_built_values_are_validated() -> None:
    trade = PublicTrade(id="7", price=1, amount=2.5, side=Side.SELL)
    assert trade.price == 1.0
    assert type(trade.price) is float
    assert trade.to_dict() == {"Trade": {"id": "7", "price": 1.0, "amount": 2.5, "side": "Sell"}}
    with pytest.raises(BarterValueError, match=r"PublicTrade\.price: must be a float, got str"):
        PublicTrade("7", "1", 2.5, Side.SELL)
    with pytest.raises(
        BarterValueError, match=r"Level\.price must be a decimal\.Decimal, got float"
    ):
        Level(1.5, Decimal(1))  # type: ignore[arg-type]
    with pytest.raises(BarterValueError, match=r"OrderBook\.bids\[1\]: must be a Level"):
        OrderBook(0, None, [Level(Decimal(1), Decimal(1)), 3], [])
    book = OrderBook(0, None, [Level(Decimal(1), Decimal(1))], ())
    assert book.bids == (Level(Decimal(1), Decimal(1)),)
    assert OrderBookL1(Timestamp(0)).to_dict() == KINDS["l1_empty"]
    with pytest.raises(TypeError, match="abstract"):
        DataKind()
    with pytest.raises(TypeError, match="missing argument 'side'"):
        PublicTrade("7", 1.0, 2.5)  # type: ignore[call-arg]


# --- rejection of malformed shapes -------------------------------------------------------------

BAD: dict[str, tuple[Any, str]] = {
    "not_an_enum": ([], r"^MarketStreamEvent: expected an enum variant"),
    "unknown_variant": ({"Itm": {}}, r"^MarketStreamEvent: unknown variant `Itm`, expected one of"),
    "missing_field": (
        {"Item": {k: v for k, v in market_event(KINDS["trade"]).items() if k != "instrument"}},
        r"^MarketStreamEvent\.Item: missing field `instrument`$",
    ),
    "wrong_type": (
        {"Item": {**market_event(KINDS["trade"]), "instrument": "btc"}},
        r"^MarketStreamEvent\.Item\.instrument: expected an integer in 0\.\.=\d+, got a string$",
    ),
    "negative_index": (
        {"Item": {**market_event(KINDS["trade"]), "instrument": -1}},
        r"\.instrument: expected an integer",
    ),
    "bad_exchange": (
        {"Item": {**market_event(KINDS["trade"]), "exchange": "nasdaq"}},
        r"\.Item\.exchange: unknown ExchangeId 'nasdaq'$",
    ),
    "bad_timestamp": (
        {"Item": {**market_event(KINDS["trade"]), "time_received": "2025-13-01T00:00:00Z"}},
        r"\.Item\.time_received: not a valid date",
    ),
    "bad_kind": (
        {"Item": market_event({"Trades": {}})},
        r"\.Item\.kind: unknown variant `Trades`, expected one of `Trade`, `OrderBookL1`",
    ),
    "float_decimal": (
        {
            "Item": market_event(
                {
                    "OrderBook": {
                        "Snapshot": {**BOOK, "asks": {"levels": [{"price": 1.5, "amount": "1"}]}}
                    }
                }
            )
        },
        r"\.kind\.OrderBook\.Snapshot\.asks\.levels\[0\]\.price: "
        r"expected a decimal string, got a number",
    ),
    "text_decimal": (
        {
            "Item": market_event(
                {
                    "OrderBookL1": {
                        "last_update_time": T0,
                        "best_bid": {"price": "NaN", "amount": "1"},
                        "best_ask": None,
                    }
                }
            )
        },
        r"\.best_bid\.price: not a decimal: 'NaN'",
    ),
    "f64_as_string": (
        {"Item": market_event({"Trade": {"id": "1", "price": "5", "amount": 1, "side": "Buy"}})},
        r"\.kind\.Trade\.price: expected a number, got a string$",
    ),
    "bool_as_f64": (
        {"Item": market_event({"Trade": {"id": "1", "price": True, "amount": 1, "side": "Buy"}})},
        r"\.kind\.Trade\.price: expected a number, got a boolean$",
    ),
    "bad_side": (
        {"Item": market_event({"Trade": {"id": "1", "price": 1, "amount": 1, "side": "Long"}})},
        r"\.kind\.Trade\.side: unknown variant 'Long', expected one of `Buy`, `Sell`",
    ),
    "unit_variant_with_payload": (
        {"Reconnecting": None},
        r"^MarketStreamEvent\.Reconnecting: expected an ExchangeId string, got null$",
    ),
    "newtype_without_payload": (
        "Item",
        r"^MarketStreamEvent\.Item: variant `Item` needs a payload$",
    ),
    "two_tags": (
        {"Item": {}, "Reconnecting": "okx"},
        r"^MarketStreamEvent: expected an enum variant: an object with one key, "
        r"got keys `Item`, `Reconnecting`$",
    ),
    "book_side_not_object": (
        {"Item": market_event({"OrderBook": {"Update": {**BOOK, "bids": []}}})},
        r"\.OrderBook\.Update\.bids: expected an object, got an array$",
    ),
}


@pytest.mark.parametrize(("data", "message"), BAD.values(), ids=BAD)
def test_malformed_shapes_name_the_problem(data: Any, message: str) -> None:
    with pytest.raises(BarterValueError, match=message):
        MarketStreamEvent.from_dict(data)


def test_result_form_rejects_a_bare_event() -> None:
    with pytest.raises(
        BarterValueError, match=r"^MarketStreamResult\.Item: unknown variant `time_exchange`"
    ):
        MarketStreamResult.from_dict({"Item": {"time_exchange": T0}})
    with pytest.raises(
        BarterValueError, match=r"^MarketStreamResult\.Item\.Err: unknown variant `Oops`"
    ):
        MarketStreamResult.from_dict({"Item": {"Err": "Oops"}})


def test_a_bad_line_is_named_with_serdes_message() -> None:
    good = json.dumps({"Item": market_event(KINDS["trade"])})
    bad = json.dumps({"Item": market_event({"Trade": {}})})
    with pytest.raises(BarterValueError, match=r"^line 3 column \d+: missing field `id`$"):
        MarketStreamEvent.from_json_lines(f"{good}\n\n{bad}\n{good}\n")
    with pytest.raises(BarterValueError, match=r"^line 2 column 3: expected ident$"):
        MarketStreamEvent.from_json_lines(f"{good}\n{{not json\n")
    with pytest.raises(BarterValueError, match="not valid UTF-8"):
        MarketStreamEvent.from_json_lines(b"\xff\n")
    assert MarketStreamEvent.from_json_lines("") == []
    assert len(MarketStreamEvent.from_json_lines(f"\n{good}\r\n{good}")) == 2


def test_a_bad_array_item_is_named_by_serdes_position() -> None:
    good = {"Item": market_event(KINDS["trade"])}
    with pytest.raises(
        BarterValueError,
        match=r"^unknown variant `Nope`, expected `Reconnecting` or `Item` at line 1 column \d+$",
    ):
        MarketStreamEvent.from_json_array(json.dumps([good, {"Nope": 1}]))
    with pytest.raises(BarterValueError, match=r"^invalid type: map, expected a sequence"):
        MarketStreamEvent.from_json_array(json.dumps(good))
    with pytest.raises(BarterValueError, match=r"^EOF while parsing a list"):
        MarketStreamEvent.from_json_array("[")
    with pytest.raises(BarterValueError, match=r"missing field `Ok`|unknown variant"):
        MarketStreamResult.from_json_array(json.dumps([good]))


# --- properties ---------------------------------------------------------------------------------

decimal_texts = st.builds(
    lambda negative, whole, fraction: ("-" if negative else "") + str(whole) + fraction,
    st.booleans(),
    st.integers(0, 10**18),
    st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=12).map(lambda f: "." + f)),
)
timestamps = st.builds(
    lambda seconds, nanos: Timestamp(seconds, nanos).isoformat(),
    st.integers(-(10**10), 10**11),
    # chrono writes 0, 3, 6 or 9 fractional digits.
    st.one_of(
        st.just(0),
        st.integers(0, 999).map(lambda m: m * 1_000_000),
        st.integers(0, 999_999).map(lambda m: m * 1_000),
        st.integers(0, 10**9 - 1),
    ),
)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@given(
    price=decimal_texts,
    amount=decimal_texts,
    time=timestamps,
    f64=st.one_of(finite_floats, st.integers(-(2**53), 2**53)),
)
def test_any_serde_values_round_trip(price: str, amount: str, time: str, f64: float) -> None:
    level = {"price": price, "amount": amount}
    for kind in (
        {"OrderBookL1": {"last_update_time": time, "best_bid": level, "best_ask": None}},
        {"Liquidation": {"side": "Sell", "price": f64, "quantity": f64, "time": time}},
        {
            "OrderBook": {
                "Update": {
                    "sequence": 1,
                    "time_engine": time,
                    "bids": {"levels": [level]},
                    "asks": {"levels": []},
                }
            }
        },
    ):
        data = {"Item": market_event(kind)}
        assert MarketStreamEvent.from_dict(data).to_dict() == data
