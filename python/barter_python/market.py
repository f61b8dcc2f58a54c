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
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any, ClassVar, TypeVar, Union

from ._keys import ExchangeId
from ._native import lib
from ._requests import Side
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
    from_json_array,
    from_json_lines,
    json_kind,
    of,
    optional,
    result,
    schema,
    seq,
)
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
    """Batch readers for the stream event types."""

    __slots__ = ()

    @classmethod
    def from_json_lines(cls: type[S], data: JsonInput) -> list[S]:
        """One event per line of JSON (blank lines skipped); a bad line
        raises ``BarterValueError`` starting ``line N:``."""
        return from_json_lines(cls, data)

    @classmethod
    def from_json_array(cls: type[S], data: JsonInput) -> list[S]:
        """The events of a JSON array; an error names the item's index."""
        return from_json_array(cls, data)


class MarketStreamEvent(_Stream):
    """barter-data's ``MarketStreamEvent``: the reconnect ``Event<ExchangeId,
    MarketEvent>``, a ``MarketItem`` or ``Reconnecting``."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}
    _json_value = lib.BARTER_ENGINE_VALUE_MARKET_STREAM_EVENT


class MarketStreamResult(_Stream):
    """barter-data's ``MarketStreamResult``: the reconnect ``Event<ExchangeId,
    Result<MarketEvent, DataError>>``, a ``MarketResultItem`` or
    ``Reconnecting``."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}


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
