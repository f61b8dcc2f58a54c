"""Market stream items as ``BarterMarketStreamEvent`` C structs: decoded by
Rust's serde, built by the batch fast path (CPython) or field by field, and
written back by Rust from structs Python fills. The expected JSON is the
engine value fixture Rust wrote (``tests/fixtures/engine_values.jsonl``)."""

from __future__ import annotations

import ctypes
import json
from pathlib import Path
from typing import Any

import pytest

from barter_python import BarterValueError, _codec
from barter_python import ctypes_abi as abi
from barter_python._native import check, ffi, lib
from barter_python.engine import Market, ProcessAudit
from barter_python.market import (
    MarketItem,
    MarketResultItem,
    MarketStreamEvent,
    MarketStreamResult,
    OrderBookSnapshot,
    OrderBookUpdate,
    stream_from_c,
    structs_of,
)
from barter_python.system import example_config, start_system
from conftest import FIXTURES

TRADES_L1 = Path("examples") / "data" / "binance_spot_trades_l1_btcusdt_ethusdt_solusdt.json"
STREAMS: dict[str, Any] = {
    "MarketStreamEvent": MarketStreamEvent,
    "MarketStreamResult": MarketStreamResult,
}


def rows(kind: str) -> list[dict[str, Any]]:
    with (FIXTURES / "engine_values.jsonl").open(encoding="utf-8") as lines:
        return [row for row in map(json.loads, lines) if row["type"] == kind]


ROWS = [(kind, row) for kind in STREAMS for row in rows(kind)]


def ids(cases: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [f"{kind}:{row['name']}" for kind, row in cases]


def test_the_fixture_has_every_stream_item() -> None:
    names = {kind: {row["name"] for row in rows(kind)} for kind in STREAMS}
    assert {"order_book_snapshot", "candle", "liquidation", "reconnecting"} <= names[
        "MarketStreamEvent"
    ]
    assert {"socket", "unsupported", "invalid_sequence", "index_asset"} <= names[
        "MarketStreamResult"
    ]


@pytest.mark.parametrize(("kind", "row"), ROWS, ids=ids(ROWS))
def test_items_cross_c_both_ways_as_serde_wrote_them(kind: str, row: dict[str, Any]) -> None:
    cls = STREAMS[kind]
    value = cls.from_dict(row["json"])
    # Python fills the struct, Python reads it back.
    structs, _keep = structs_of(cls, [value])
    back = stream_from_c(structs[0], cls is MarketStreamResult)
    assert back.to_dict() == row["json"]
    # Rust writes serde's bytes from the struct, order books and NaN included.
    assert value.to_json() == row["serde"].encode()
    if row["reprint_error"] is None:
        assert cls.from_json(row["serde"]) == value
        assert cls.from_json_lines(row["serde"] + "\n") == [value]
    else:
        with pytest.raises(BarterValueError, match=row["reprint_error"].replace("`", ".")):
            cls.from_json(row["serde"])


@pytest.mark.parametrize("kind", sorted(STREAMS))
def test_batches_write_lines_and_arrays_in_one_call(kind: str) -> None:
    cls = STREAMS[kind]
    fixture = rows(kind)
    values = [cls.from_dict(row["json"]) for row in fixture]
    lines = "".join(row["serde"] + "\n" for row in fixture).encode()
    assert cls.to_json_lines(values) == lines
    assert json.loads(cls.to_json_array(values)) == [row["json"] for row in fixture]
    readable = [row["serde"] for row in fixture if row["reprint_error"] is None]
    decoded = cls.from_json_array("[" + ",".join(readable) + "]")
    assert [v.to_json().decode() for v in decoded] == readable


def test_an_item_of_the_other_stream_is_refused() -> None:
    (row,) = (r for r in rows("MarketStreamResult") if r["name"] == "socket")
    error = MarketStreamResult.from_dict(row["json"])
    with pytest.raises(BarterValueError, match=r"^event 1 is a MarketResultItem, not a Market"):
        MarketStreamEvent.to_json_lines(
            [MarketStreamEvent.from_json(rows("MarketStreamEvent")[0]["serde"]), error]
        )


def per_field(cls: Any, data: bytes) -> list[Any]:
    """The batch decode without the fast path: every item by stream_from_c."""
    fast = _codec.FAST_DECODERS.pop(cls._message, None)
    try:
        return list(cls.from_json_lines(data))
    finally:
        if fast is not None:
            _codec.FAST_DECODERS[cls._message] = fast


@pytest.mark.parametrize("kind", sorted(STREAMS))
def test_the_fast_path_builds_what_the_field_decoder_builds(
    kind: str, barter_crate_dir: Path
) -> None:
    cls = STREAMS[kind]
    lines = (barter_crate_dir / TRADES_L1).read_bytes().splitlines()[:3000]
    if cls is MarketStreamResult:
        lines = [b'{"Item":{"Ok":' + line[len(b'{"Item":') : -1] + b"}}" for line in lines]
    readable = [row["serde"].encode() for row in rows(kind) if row["reprint_error"] is None]
    # Mixed kinds, non-ASCII trade ids, reconnects and errors, in batches
    # over the stream threshold and under it.
    data = b"\n".join(readable + lines + readable)
    fast = cls.from_json_lines(data)
    assert fast == per_field(cls, data)
    assert [v.to_dict() for v in fast] == [json.loads(line) for line in readable + lines + readable]
    small = b"\n".join(readable)
    assert cls.from_json_lines(small) == per_field(cls, small)
    item = MarketResultItem if cls is MarketStreamResult else MarketItem
    assert all(type(v) is item for v in fast[len(readable) : -len(readable)])


def test_ctypes_alone_reads_a_decoded_batch(barter_crate_dir: Path) -> None:
    library = abi.load()
    data = (
        barter_crate_dir
        / "examples"
        / "data"
        / "binance_spot_market_data_with_disconnect_events.json"
    ).read_bytes()
    batch = ctypes.POINTER(abi.BarterBatch)()
    abi.check(
        library,
        library.barter_decode(
            abi.BARTER_MESSAGE_MARKET_STREAM_RESULT,
            abi.BARTER_KEYS_INDEXED,
            data,
            len(data),
            abi.BARTER_JSON_FORMAT_ARRAY,
            0,
            ctypes.byref(batch),
        ),
    )
    try:
        view = batch.contents
        items = ctypes.cast(view.items, ctypes.POINTER(abi.BarterMarketStreamEvent))
        kinds = [items[i].kind for i in range(view.len)]
        first = items[0].payload.event
        name = ctypes.string_at(first.exchange.name.ptr, first.exchange.name.len)
        expected = json.loads(data)
    finally:
        library.barter_batch_free(ctypes.byref(batch))
    assert len(kinds) == len(expected)
    assert kinds.count(abi.BARTER_MARKET_STREAM_KIND_RECONNECTING) == sum(
        "Reconnecting" in item for item in expected
    )
    trade = expected[0]["Item"]["Ok"]
    assert name.decode() == trade["exchange"]
    assert first.data.trade.price == trade["kind"]["Trade"]["price"]


# --- into a System --------------------------------------------------------------------------


def test_typed_order_books_candles_and_liquidations_reach_the_engine() -> None:
    # barter's parser cannot read the JSON barter writes of an order book:
    # typed events cross as C structs and reach the engine all the same.
    fed = [
        MarketStreamEvent.from_dict(row["json"])
        for row in rows("MarketStreamEvent")
        if row["name"] in ("order_book_snapshot", "order_book_update", "candle", "liquidation")
    ]
    for item in fed:
        assert isinstance(item, MarketItem)
    assert {type(item.event.kind) for item in fed} >= {OrderBookSnapshot, OrderBookUpdate}
    config = example_config()
    with start_system(config, audit=True) as system:
        system.feed_market_events(fed)
        ticks = system.settle()
    seen = [
        tick.event.event.event
        for tick in ticks
        if isinstance(tick.event, ProcessAudit) and isinstance(tick.event.event, Market)
    ]
    assert seen == fed


def test_hostile_structs_are_refused_by_index_and_nothing_is_fed() -> None:
    good = MarketStreamEvent.from_dict(rows("MarketStreamEvent")[0]["json"])
    with start_system(example_config(), audit=True) as system:
        structs, _keep = structs_of(MarketStreamEvent, [good, good, good])
        structs[1].payload.event.kind = 99
        with pytest.raises(BarterValueError, match=r"^event 1: .*unknown BarterDataKind value 99"):
            system._call(lib.barter_system_feed_market_events, structs, 3)
        structs[1].payload.event.kind = lib.BARTER_DATA_KIND_TRADE
        structs[2].kind = lib.BARTER_MARKET_STREAM_KIND_ERROR
        with pytest.raises(BarterValueError, match=r"^event 2: .*belongs to a MarketStreamResult"):
            system._call(lib.barter_system_feed_market_events, structs, 3)
        structs[2].kind = lib.BARTER_MARKET_STREAM_KIND_ITEM
        structs[0].payload.event.instrument.index = 7
        with pytest.raises(BarterValueError, match=r"^event 0: instrument index 7 is out of range"):
            system._call(lib.barter_system_feed_market_events, structs, 3)
        with pytest.raises(BarterValueError, match="`items` must not be NULL"):
            system._call(lib.barter_system_feed_market_events, ffi.NULL, 1)
        with pytest.raises(BarterValueError, match=r"^event 0 is a str, not a MarketStreamEvent"):
            system.feed_market_events(["Item"])  # type: ignore[list-item]
        assert system.is_running()
        ticks = system.settle()
    # Only the account snapshot: not one of the refused batches was fed.
    assert not [
        t for t in ticks if isinstance(t.event, ProcessAudit) and isinstance(t.event.event, Market)
    ]


def test_a_null_batch_pointer_to_the_encoder_is_an_error() -> None:
    out = ffi.new("BarterBuffer **")
    status = lib.barter_encode(
        lib.BARTER_MESSAGE_MARKET_STREAM_EVENT,
        lib.BARTER_KEYS_INDEXED,
        ffi.NULL,
        1,
        lib.BARTER_JSON_FORMAT_LINES,
        out,
    )
    with pytest.raises(BarterValueError, match="`items` must not be NULL"):
        check(status)
    assert out[0] == ffi.NULL
