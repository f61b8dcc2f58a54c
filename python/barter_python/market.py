"""Typed barter-data market events, read from serde's JSON.

``MarketEvent`` is barter-data's ``MarketEvent<InstrumentIndex, DataKind>``;
its ``kind`` is one of the ``DataKind`` variants (``PublicTrade``,
``OrderBookL1``, ``OrderBookSnapshot``/``OrderBookUpdate``, ``Candle``,
``Liquidation``). Streams wrap events in barter-data's reconnect
``Event<ExchangeId, T>``: ``MarketStreamEvent`` (``MarketItem`` or
``Reconnecting``), and ``MarketStreamResult`` (``MarketResultItem``, holding
a ``MarketEvent`` or a ``DataError``, or ``Reconnecting``), the form barter's
example data files also use.

Every class is immutable, compared by value, and reads (``from_dict``) and
writes (``to_dict``) serde's JSON exactly. f64 fields are Python floats.
The stream types also cross the ABI as ``BarterMarketStreamEvent`` C
structs: ``from_json``, ``from_json_lines`` and ``from_json_array`` parse
with serde in Rust (with a CPython fast path, ``_market_fast``), and
``to_json`` is written by serde from the structs, order books included.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar, TypeVar, Union, cast

from ._codec import (
    Keep,
    Keys,
    decimal_from_c,
    decimal_to_c,
    decode_batch,
    decode_one,
    encode_structs,
    timestamp_from_c,
    timestamp_to_c,
)
from ._keys import ExchangeId
from ._native import ffi, lib, string
from ._record import make
from ._requests import SIDE_FROM_C, Side, side_to_c
from ._serde import (
    DECIMAL,
    EXCHANGE,
    F64,
    INDEX,
    NEWTYPE,
    SIDE,
    STR,
    TIMESTAMP,
    U64,
    UNIT_VARIANT,
    Codec,
    Serde,
    enum_codec,
    fail,
    json_kind,
    of,
    optional,
    result,
    schema,
    seq,
)
from .errors import BarterValueError
from .timestamp import Timestamp

JsonInput = Union[str, bytes, bytearray, memoryview]
S = TypeVar("S", bound=Serde)

# --- order books --------------------------------------------------------------------------


class Level(Serde):
    """An order book ``Level``: a price and the amount resting there."""

    __slots__ = ()
    _schema = schema(price=DECIMAL, amount=DECIMAL)
    price: Decimal
    amount: Decimal


_LEVELS = seq(of(Level))


def _load_side(value: Any, path: str) -> tuple[Level, ...]:
    # serde skips the side's `side` tag when writing; only the levels remain.
    if type(value) is not dict:
        fail(path, f"expected an object, got {json_kind(value)}")
    if "levels" not in value:
        fail(path, "missing field `levels`")
    levels: tuple[Level, ...] = _LEVELS.load(value["levels"], f"{path}.levels")
    return levels


#: One side of an ``OrderBook`` (``OrderBookSide``), written ``{"levels":
#: [...]}``: a tuple of ``Level`` in Python, best first.
BOOK_SIDE = Codec(_load_side, lambda v: {"levels": _LEVELS.dump(v)}, _LEVELS.check)


class OrderBook(Serde):
    """barter-data's L2 ``OrderBook``; ``bids`` and ``asks`` are tuples of
    ``Level``, best first."""

    __slots__ = ()
    _schema = schema(
        sequence=U64,
        time_engine=optional(TIMESTAMP),
        bids=BOOK_SIDE,
        asks=BOOK_SIDE,
    )
    sequence: int
    time_engine: Timestamp | None
    bids: tuple[Level, ...]
    asks: tuple[Level, ...]


# --- DataKind -------------------------------------------------------------------------------


class DataKind(Serde):
    """barter-data's ``DataKind``: what a ``MarketEvent`` carries."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class PublicTrade(DataKind):
    """``DataKind::Trade(PublicTrade)``: a trade on the exchange."""

    __slots__ = ()
    _tag = "Trade"
    _schema = schema(id=STR, price=F64, amount=F64, side=SIDE)
    id: str
    price: float
    amount: float
    side: Side


class OrderBookL1(DataKind):
    """``DataKind::OrderBookL1``: the best bid and ask."""

    __slots__ = ()
    _tag = "OrderBookL1"
    _schema = schema(
        last_update_time=TIMESTAMP,
        best_bid=optional(of(Level)),
        best_ask=optional(of(Level)),
    )
    last_update_time: Timestamp
    best_bid: Level | None
    best_ask: Level | None


class OrderBookEvent(DataKind):
    """``DataKind::OrderBook(OrderBookEvent)``: an L2 snapshot or update."""

    __slots__ = ()
    _tag = "OrderBook"
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class OrderBookSnapshot(OrderBookEvent):
    """``OrderBookEvent::Snapshot(OrderBook)``."""

    __slots__ = ()
    _tag = "Snapshot"
    _shape = NEWTYPE
    _schema = schema(book=of(OrderBook))
    book: OrderBook


class OrderBookUpdate(OrderBookEvent):
    """``OrderBookEvent::Update(OrderBook)``."""

    __slots__ = ()
    _tag = "Update"
    _shape = NEWTYPE
    _schema = schema(book=of(OrderBook))
    book: OrderBook


class Candle(DataKind):
    """``DataKind::Candle``: an OHLCV candle."""

    __slots__ = ()
    _tag = "Candle"
    _schema = schema(
        close_time=TIMESTAMP,
        open=F64,
        high=F64,
        low=F64,
        close=F64,
        volume=F64,
        trade_count=U64,
    )
    close_time: Timestamp
    open: float
    high: float
    low: float
    close: float
    volume: float
    trade_count: int


class Liquidation(DataKind):
    """``DataKind::Liquidation``."""

    __slots__ = ()
    _tag = "Liquidation"
    _schema = schema(side=SIDE, price=F64, quantity=F64, time=TIMESTAMP)
    side: Side
    price: float
    quantity: float
    time: Timestamp


class MarketEvent(Serde):
    """barter-data's ``MarketEvent<InstrumentIndex, DataKind>``."""

    __slots__ = ()
    _schema = schema(
        time_exchange=TIMESTAMP,
        time_received=TIMESTAMP,
        exchange=EXCHANGE,
        instrument=INDEX,
        kind=of(DataKind),
    )
    time_exchange: Timestamp
    time_received: Timestamp
    exchange: ExchangeId
    instrument: int
    kind: DataKind


# --- errors ---------------------------------------------------------------------------------


class IndexLookupError(Serde):
    """barter-instrument's ``IndexError``: a key with no index (named so as
    not to shadow Python's ``IndexError``). Not an exception: a value."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}
    message: str


class ExchangeIndexError(IndexLookupError):
    """``IndexError::ExchangeIndex(String)``."""

    __slots__ = ()
    _tag = "ExchangeIndex"
    _shape = NEWTYPE
    _schema = schema(message=STR)


class AssetIndexError(IndexLookupError):
    """``IndexError::AssetIndex(String)``."""

    __slots__ = ()
    _tag = "AssetIndex"
    _shape = NEWTYPE
    _schema = schema(message=STR)


class InstrumentIndexError(IndexLookupError):
    """``IndexError::InstrumentIndex(String)``."""

    __slots__ = ()
    _tag = "InstrumentIndex"
    _shape = NEWTYPE
    _schema = schema(message=STR)


class SubKind(enum.Enum):
    """barter-data's ``SubKind``, by serde name."""

    PUBLIC_TRADES = "PublicTrades"
    ORDER_BOOKS_L1 = "OrderBooksL1"
    ORDER_BOOKS_L2 = "OrderBooksL2"
    ORDER_BOOKS_L3 = "OrderBooksL3"
    LIQUIDATIONS = "Liquidations"
    CANDLES = "Candles"


SUB_KIND = enum_codec(SubKind)


class DataError(Serde):
    """barter-data's ``DataError`` (a value, not an exception)."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class DataIndexError(DataError):
    """``DataError::Index(IndexError)``."""

    __slots__ = ()
    _tag = "Index"
    _shape = NEWTYPE
    _schema = schema(error=of(IndexLookupError))
    error: IndexLookupError


class SubscriptionsEmpty(DataError):
    """``DataError::SubscriptionsEmpty``."""

    __slots__ = ()
    _tag = "SubscriptionsEmpty"
    _shape = UNIT_VARIANT


class UnsupportedSubKind(DataError):
    """``DataError::UnsupportedSubKind(SubKind)``."""

    __slots__ = ()
    _tag = "UnsupportedSubKind"
    _shape = NEWTYPE
    _schema = schema(sub_kind=SUB_KIND)
    sub_kind: SubKind


class InitialSnapshotMissing(DataError):
    """``DataError::InitialSnapshotMissing(SubscriptionId)``."""

    __slots__ = ()
    _tag = "InitialSnapshotMissing"
    _shape = NEWTYPE
    _schema = schema(subscription_id=STR)
    subscription_id: str


class InitialSnapshotInvalid(DataError):
    """``DataError::InitialSnapshotInvalid(String)``."""

    __slots__ = ()
    _tag = "InitialSnapshotInvalid"
    _shape = NEWTYPE
    _schema = schema(message=STR)
    message: str


class DataSocketError(DataError):
    """``DataError::Socket(String)``."""

    __slots__ = ()
    _tag = "Socket"
    _shape = NEWTYPE
    _schema = schema(message=STR)
    message: str


class Unsupported(DataError):
    """``DataError::Unsupported { exchange, sub_kind }``."""

    __slots__ = ()
    _tag = "Unsupported"
    _schema = schema(exchange=EXCHANGE, sub_kind=SUB_KIND)
    exchange: ExchangeId
    sub_kind: SubKind


class InvalidSequence(DataError):
    """``DataError::InvalidSequence { prev_last_update_id, first_update_id }``."""

    __slots__ = ()
    _tag = "InvalidSequence"
    _schema = schema(prev_last_update_id=U64, first_update_id=U64)
    prev_last_update_id: int
    first_update_id: int


# --- reconnecting streams -------------------------------------------------------------------


class _Stream(Serde):
    """A market stream item: decoded by Rust into ``BarterMarketStreamEvent``
    C structs, and written by Rust from them."""

    __slots__ = ()
    _message: ClassVar[int]
    _c_type: ClassVar[str] = "BarterMarketStreamEvent"

    @classmethod
    def from_json(cls: type[S], data: JsonInput) -> S:
        """One item of serde JSON, parsed in Rust."""
        return cast(S, decode_one(cast(Any, cls), data, Keys.INDEXED))

    @classmethod
    def from_json_lines(cls: type[S], data: JsonInput) -> list[S]:
        """One item per line of JSON (blank lines skipped), parsed in Rust;
        the first bad line raises ``BarterValueError`` naming its line and
        serde's message."""
        return cast("list[S]", decode_batch(cast(Any, cls), data, Keys.INDEXED, _LINES)[0])

    @classmethod
    def from_json_array(cls: type[S], data: JsonInput) -> list[S]:
        """The items of a JSON array, parsed in Rust; an error gives serde's
        message and position."""
        return cast("list[S]", decode_batch(cast(Any, cls), data, Keys.INDEXED, _ARRAY)[0])

    @classmethod
    def to_json_lines(cls, items: Iterable[_Stream]) -> bytes:
        """serde's JSON of each item, one per line, written by Rust."""
        return _encode(cls, list(items), _LINES)

    @classmethod
    def to_json_array(cls, items: Iterable[_Stream]) -> bytes:
        """serde's JSON array of the items, written by Rust."""
        return _encode(cls, list(items), _ARRAY)

    def to_json(self) -> bytes:
        """serde's exact bytes, written by Rust from this item's C struct
        (order books too, whose JSON barter's own parser cannot read)."""
        root = MarketStreamResult if isinstance(self, MarketResultItem) else MarketStreamEvent
        return _encode(root, [self], lib.BARTER_JSON_FORMAT_ONE)

    @classmethod
    def _from_c(cls, c: Any, keys: Keys) -> Any:
        return stream_from_c(c, cls is MarketStreamResult)


class MarketStreamEvent(_Stream):
    """barter-data's ``MarketStreamEvent``: the reconnect ``Event<ExchangeId,
    MarketEvent>``, a ``MarketItem`` or ``Reconnecting``."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}
    _json_value = lib.BARTER_ENGINE_VALUE_MARKET_STREAM_EVENT
    _message = lib.BARTER_MESSAGE_MARKET_STREAM_EVENT


class MarketStreamResult(_Stream):
    """barter-data's ``MarketStreamResult``: the reconnect ``Event<ExchangeId,
    Result<MarketEvent, DataError>>``, a ``MarketResultItem`` or
    ``Reconnecting``."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}
    _message = lib.BARTER_MESSAGE_MARKET_STREAM_RESULT


class AccountStreamEvent(_Stream):
    """barter's ``AccountStreamEvent``: the reconnect ``Event<ExchangeId,
    AccountEvent>``, an ``AccountItem`` (see ``barter_python.engine``) or
    ``Reconnecting``."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class Reconnecting(MarketStreamEvent, MarketStreamResult, AccountStreamEvent):
    """``Event::Reconnecting(ExchangeId)``: the stream from ``exchange``
    disconnected and is reconnecting. One class for every stream."""

    __slots__ = ()
    _tag = "Reconnecting"
    _shape = NEWTYPE
    _schema = schema(exchange=EXCHANGE)
    exchange: ExchangeId


class MarketItem(MarketStreamEvent):
    """``Event::Item(MarketEvent)``."""

    __slots__ = ()
    _tag = "Item"
    _shape = NEWTYPE
    _schema = schema(event=of(MarketEvent))
    event: MarketEvent


class MarketResultItem(MarketStreamResult):
    """``Event::Item(Result<MarketEvent, DataError>)``: ``result`` is the
    ``MarketEvent`` (``Ok``) or the ``DataError`` (``Err``)."""

    __slots__ = ()
    _tag = "Item"
    _shape = NEWTYPE
    _schema = schema(result=result(MarketEvent, DataError))
    result: MarketEvent | DataError


# --- C structs: BarterMarketStreamEvent --------------------------------------------------

_LINES, _ARRAY = lib.BARTER_JSON_FORMAT_LINES, lib.BARTER_JSON_FORMAT_ARRAY
_KIND = {
    lib.BARTER_DATA_KIND_TRADE: PublicTrade,
    lib.BARTER_DATA_KIND_ORDER_BOOK_L1: OrderBookL1,
    lib.BARTER_DATA_KIND_ORDER_BOOK_SNAPSHOT: OrderBookSnapshot,
    lib.BARTER_DATA_KIND_ORDER_BOOK_UPDATE: OrderBookUpdate,
    lib.BARTER_DATA_KIND_CANDLE: Candle,
    lib.BARTER_DATA_KIND_LIQUIDATION: Liquidation,
}
_KIND_TO_C = {cls: kind for kind, cls in _KIND.items()}
_SUB_KIND = {
    lib.BARTER_SUB_KIND_PUBLIC_TRADES: SubKind.PUBLIC_TRADES,
    lib.BARTER_SUB_KIND_ORDER_BOOKS_L1: SubKind.ORDER_BOOKS_L1,
    lib.BARTER_SUB_KIND_ORDER_BOOKS_L2: SubKind.ORDER_BOOKS_L2,
    lib.BARTER_SUB_KIND_ORDER_BOOKS_L3: SubKind.ORDER_BOOKS_L3,
    lib.BARTER_SUB_KIND_LIQUIDATIONS: SubKind.LIQUIDATIONS,
    lib.BARTER_SUB_KIND_CANDLES: SubKind.CANDLES,
}
_SUB_KIND_TO_C = {member: c for c, member in _SUB_KIND.items()}
#: DataError leaves that carry only a text, by C kind.
_ERROR_TEXT: dict[int, type[Serde]] = {
    lib.BARTER_DATA_ERROR_KIND_INITIAL_SNAPSHOT_MISSING: InitialSnapshotMissing,
    lib.BARTER_DATA_ERROR_KIND_INITIAL_SNAPSHOT_INVALID: InitialSnapshotInvalid,
    lib.BARTER_DATA_ERROR_KIND_SOCKET: DataSocketError,
}
_INDEX_ERROR: dict[int, type[Serde]] = {
    lib.BARTER_DATA_ERROR_KIND_INDEX_EXCHANGE: ExchangeIndexError,
    lib.BARTER_DATA_ERROR_KIND_INDEX_ASSET: AssetIndexError,
    lib.BARTER_DATA_ERROR_KIND_INDEX_INSTRUMENT: InstrumentIndexError,
}
_EXCHANGES = {member.value: member for member in ExchangeId}
_ITEM = lib.BARTER_MARKET_STREAM_KIND_ITEM
_RECONNECTING = lib.BARTER_MARKET_STREAM_KIND_RECONNECTING


def _exchange(c: Any) -> ExchangeId:
    return _EXCHANGES[string(c.name)]


def _level(c: Any) -> Level:
    return make(Level, (decimal_from_c(c.price), decimal_from_c(c.amount)))


def _book(c: Any) -> OrderBook:
    time_engine = timestamp_from_c(c.time_engine) if c.has_time_engine else None
    bids = tuple(_level(c.bids[i]) for i in range(c.bids_len))
    asks = tuple(_level(c.asks[i]) for i in range(c.asks_len))
    return make(OrderBook, (c.sequence, time_engine, bids, asks))


def _kind_from_c(kind: int, data: Any) -> DataKind:
    cls = _KIND[kind]
    if cls is PublicTrade:
        t = data.trade
        return make(PublicTrade, (string(t.id), t.price, t.amount, SIDE_FROM_C[t.side]))
    if cls is OrderBookL1:
        l1 = data.l1
        best_bid = _level(l1.best_bid) if l1.has_best_bid else None
        best_ask = _level(l1.best_ask) if l1.has_best_ask else None
        return make(OrderBookL1, (timestamp_from_c(l1.last_update_time), best_bid, best_ask))
    if cls is Candle:
        c = data.candle
        return make(
            Candle,
            (
                timestamp_from_c(c.close_time),
                c.open,
                c.high,
                c.low,
                c.close,
                c.volume,
                c.trade_count,
            ),
        )
    if cls is Liquidation:
        q = data.liquidation
        return make(
            Liquidation, (SIDE_FROM_C[q.side], q.price, q.quantity, timestamp_from_c(q.time))
        )
    return make(cls, (_book(data.book),))


def _event_from_c(c: Any) -> MarketEvent:
    return make(
        MarketEvent,
        (
            timestamp_from_c(c.time_exchange),
            timestamp_from_c(c.time_received),
            _exchange(c.exchange),
            c.instrument.index,
            _kind_from_c(c.kind, c.data),
        ),
    )


def _error_from_c(c: Any) -> DataError:
    kind = c.kind
    if kind in _INDEX_ERROR:
        return make(DataIndexError, (make(_INDEX_ERROR[kind], (string(c.message),)),))
    if kind in _ERROR_TEXT:
        return cast(DataError, make(_ERROR_TEXT[kind], (string(c.message),)))
    if kind == lib.BARTER_DATA_ERROR_KIND_SUBSCRIPTIONS_EMPTY:
        return make(SubscriptionsEmpty, ())
    if kind == lib.BARTER_DATA_ERROR_KIND_UNSUPPORTED_SUB_KIND:
        return make(UnsupportedSubKind, (_SUB_KIND[c.sub_kind],))
    if kind == lib.BARTER_DATA_ERROR_KIND_UNSUPPORTED:
        return make(Unsupported, (_exchange(c.exchange), _SUB_KIND[c.sub_kind]))
    return make(InvalidSequence, (c.prev_last_update_id, c.first_update_id))


def stream_from_c(c: Any, result: bool) -> Any:
    """The ``MarketStreamEvent`` (``result``: ``MarketStreamResult``) of a
    ``BarterMarketStreamEvent`` the library wrote."""
    kind = c.kind
    if kind == _ITEM:
        event = _event_from_c(c.payload.event)
        return make(MarketResultItem if result else MarketItem, (event,))
    if kind == _RECONNECTING:
        return make(Reconnecting, (_exchange(c.payload.exchange),))
    return make(MarketResultItem, (_error_from_c(c.payload.error),))


def _exchange_to_c(c: Any, exchange: ExchangeId, keep: Keep) -> None:
    c.kind = lib.BARTER_KEY_KIND_NAME
    keep.text(c.name, exchange.value, "exchange")


def _level_to_c(c: Any, level: Level) -> None:
    decimal_to_c(c.price, level.price)
    decimal_to_c(c.amount, level.amount)


def _book_to_c(c: Any, book: OrderBook, keep: Keep) -> None:
    c.sequence = book.sequence
    if book.time_engine is not None:
        c.has_time_engine = 1
        timestamp_to_c(c.time_engine, book.time_engine)
    for side, levels in (("bids", book.bids), ("asks", book.asks)):
        array = keep.array("BarterLevel", len(levels))
        for i, level in enumerate(levels):
            _level_to_c(array[i], level)
        setattr(c, side, array)
        setattr(c, f"{side}_len", len(levels))


def _kind_to_c(c: Any, kind: DataKind, keep: Keep) -> None:
    c.kind = _KIND_TO_C[type(kind)]
    data = c.data
    if isinstance(kind, PublicTrade):
        keep.text(data.trade.id, kind.id, "kind.id")
        data.trade.price, data.trade.amount = kind.price, kind.amount
        data.trade.side = side_to_c(kind.side)
    elif isinstance(kind, OrderBookL1):
        timestamp_to_c(data.l1.last_update_time, kind.last_update_time)
        if kind.best_bid is not None:
            data.l1.has_best_bid = 1
            _level_to_c(data.l1.best_bid, kind.best_bid)
        if kind.best_ask is not None:
            data.l1.has_best_ask = 1
            _level_to_c(data.l1.best_ask, kind.best_ask)
    elif isinstance(kind, (OrderBookSnapshot, OrderBookUpdate)):
        _book_to_c(data.book, kind.book, keep)
    elif isinstance(kind, Candle):
        candle = data.candle
        timestamp_to_c(candle.close_time, kind.close_time)
        candle.open, candle.high, candle.low = kind.open, kind.high, kind.low
        candle.close, candle.volume, candle.trade_count = kind.close, kind.volume, kind.trade_count
    else:
        assert isinstance(kind, Liquidation)
        liquidation = data.liquidation
        liquidation.side = side_to_c(kind.side)
        liquidation.price, liquidation.quantity = kind.price, kind.quantity
        timestamp_to_c(liquidation.time, kind.time)


def _event_to_c(c: Any, event: MarketEvent, keep: Keep) -> None:
    timestamp_to_c(c.time_exchange, event.time_exchange)
    timestamp_to_c(c.time_received, event.time_received)
    _exchange_to_c(c.exchange, event.exchange, keep)
    c.instrument.kind = lib.BARTER_KEY_KIND_INDEX
    c.instrument.index = event.instrument
    _kind_to_c(c, event.kind, keep)


def _error_to_c(c: Any, error: DataError, keep: Keep) -> None:
    if isinstance(error, DataIndexError):
        inner = error.error
        c.kind = next(k for k, cls in _INDEX_ERROR.items() if type(inner) is cls)
        keep.text(c.message, inner.message, "message")
    elif type(error) in _ERROR_TEXT.values():
        c.kind = next(k for k, cls in _ERROR_TEXT.items() if type(error) is cls)
        keep.text(c.message, error[0], "message")
    elif isinstance(error, SubscriptionsEmpty):
        c.kind = lib.BARTER_DATA_ERROR_KIND_SUBSCRIPTIONS_EMPTY
    elif isinstance(error, UnsupportedSubKind):
        c.kind = lib.BARTER_DATA_ERROR_KIND_UNSUPPORTED_SUB_KIND
        c.sub_kind = _SUB_KIND_TO_C[error.sub_kind]
    elif isinstance(error, Unsupported):
        c.kind = lib.BARTER_DATA_ERROR_KIND_UNSUPPORTED
        c.sub_kind = _SUB_KIND_TO_C[error.sub_kind]
        _exchange_to_c(c.exchange, error.exchange, keep)
    else:
        assert isinstance(error, InvalidSequence)
        c.kind = lib.BARTER_DATA_ERROR_KIND_INVALID_SEQUENCE
        c.prev_last_update_id = error.prev_last_update_id
        c.first_update_id = error.first_update_id


def stream_to_c(c: Any, item: Serde, keep: Keep) -> None:
    """Fills a zeroed ``BarterMarketStreamEvent`` from a stream item."""
    if isinstance(item, Reconnecting):
        c.kind = _RECONNECTING
        _exchange_to_c(c.payload.exchange, item.exchange, keep)
        return
    inner = item.event if isinstance(item, MarketItem) else cast(MarketResultItem, item).result
    if isinstance(inner, MarketEvent):
        c.kind = _ITEM
        _event_to_c(c.payload.event, inner, keep)
    else:
        c.kind = lib.BARTER_MARKET_STREAM_KIND_ERROR
        _error_to_c(c.payload.error, inner, keep)


def structs_of(cls: type[Serde], items: list[Any]) -> tuple[Any, Keep]:
    """``BarterMarketStreamEvent`` structs of ``items``, all of stream type
    ``cls``; the ``Keep`` holds what they point to."""
    keep = Keep()
    structs = ffi.new("BarterMarketStreamEvent[]", len(items))
    for index, item in enumerate(items):
        if not isinstance(item, cls):
            raise BarterValueError(
                f"event {index} is a {type(item).__name__}, not a {cls.__name__}"
            )
        try:
            stream_to_c(structs[index], item, keep)
        except BarterValueError as exc:
            raise BarterValueError(f"event {index}: {exc.message}", exc.status) from None
    return structs, keep


def _encode(cls: type[Serde], items: list[Any], format: int) -> bytes:
    structs, _keep = structs_of(cls, items)
    return encode_structs(cast(Any, cls)._message, Keys.INDEXED, structs, len(items), format)


__all__ = [
    "AccountStreamEvent",
    "AssetIndexError",
    "Candle",
    "DataError",
    "DataIndexError",
    "DataKind",
    "DataSocketError",
    "ExchangeIndexError",
    "IndexLookupError",
    "InitialSnapshotInvalid",
    "InitialSnapshotMissing",
    "InstrumentIndexError",
    "InvalidSequence",
    "Level",
    "Liquidation",
    "MarketEvent",
    "MarketItem",
    "MarketResultItem",
    "MarketStreamEvent",
    "MarketStreamResult",
    "OrderBook",
    "OrderBookEvent",
    "OrderBookL1",
    "OrderBookSnapshot",
    "OrderBookUpdate",
    "PublicTrade",
    "Reconnecting",
    "SubKind",
    "SubscriptionsEmpty",
    "Unsupported",
    "UnsupportedSubKind",
]

# Registers the CPython batch fast path, which builds the classes above.
from . import _market_fast  # noqa: E402, F401
