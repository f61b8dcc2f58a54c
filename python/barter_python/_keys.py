"""Keys: ``ExchangeId``, ``QuoteAsset``, ``OrderKey``, and their C form
(``BarterKey``: an index, a name, or the quote asset)."""

from __future__ import annotations

import enum
from typing import Any, Generic, TypeVar, Union

from ._codec import Keep, Keys, check_index, check_str
from ._native import lib, string
from ._record import Record, make
from .errors import BarterValueError


class ExchangeId(str, enum.Enum):
    """barter-instrument's ``ExchangeId``, by its serde name. The list is
    checked against the one serde reports in the tests."""

    OTHER = "other"
    SIMULATED = "simulated"
    MOCK = "mock"
    BINANCE_FUTURES_COIN = "binance_futures_coin"
    BINANCE_FUTURES_USD = "binance_futures_usd"
    BINANCE_OPTIONS = "binance_options"
    BINANCE_PORTFOLIO_MARGIN = "binance_portfolio_margin"
    BINANCE_SPOT = "binance_spot"
    BINANCE_US = "binance_us"
    BITAZZA = "bitazza"
    BITFINEX = "bitfinex"
    BITFLYER = "bitflyer"
    BITGET = "bitget"
    BITMART = "bitmart"
    BITMART_FUTURES_USD = "bitmart_futures_usd"
    BITMEX = "bitmex"
    BITSO = "bitso"
    BITSTAMP = "bitstamp"
    BITVAVO = "bitvavo"
    BITHUMB = "bithumb"
    BYBIT_PERPETUALS_USD = "bybit_perpetuals_usd"
    BYBIT_SPOT = "bybit_spot"
    CEXIO = "cexio"
    COINBASE = "coinbase"
    COINBASE_INTERNATIONAL = "coinbase_international"
    CRYPTOCOM = "cryptocom"
    DERIBIT = "deribit"
    GATEIO_FUTURES_BTC = "gateio_futures_btc"
    GATEIO_FUTURES_USD = "gateio_futures_usd"
    GATEIO_OPTIONS = "gateio_options"
    GATEIO_PERPETUALS_BTC = "gateio_perpetuals_btc"
    GATEIO_PERPETUALS_USD = "gateio_perpetuals_usd"
    GATEIO_SPOT = "gateio_spot"
    GEMINI = "gemini"
    HITBTC = "hitbtc"
    HTX = "htx"
    KRAKEN = "kraken"
    KUCOIN = "kucoin"
    LIQUID = "liquid"
    MEXC = "mexc"
    OKX = "okx"
    POLONIEX = "poloniex"

    def __str__(self) -> str:
        return str(self.value)


class QuoteAsset(Record):
    """barter's ``QuoteAsset``: the quote asset of the instrument in context
    (the asset trade fees are paid in). serde writes it as ``null``."""

    __slots__ = ()


#: The one ``QuoteAsset``.
QUOTE = QuoteAsset()

#: An exchange key: ``int`` (``ExchangeIndex``) or ``ExchangeId``.
ExchangeKey = Union[int, ExchangeId]
#: An asset or instrument key: ``int`` (index) or ``str`` (exchange's name).
AssetKey = Union[int, str]
InstrumentKey = Union[int, str]

E = TypeVar("E", int, ExchangeId)
I = TypeVar("I", int, str)  # noqa: E741


def check_exchange(value: object, field: str) -> ExchangeKey:
    if type(value) is int:
        return check_index(value, field)
    if isinstance(value, ExchangeId):
        return value
    raise BarterValueError(
        f"{field} must be an int index or an ExchangeId, got {type(value).__name__}"
    )


def check_key(value: object, field: str) -> int | str:
    """An asset or instrument key: an index, or an exchange's name."""
    if type(value) is int:
        return check_index(value, field)
    if type(value) is str:
        return value
    raise BarterValueError(
        f"{field} must be an int index or a str name, got {type(value).__name__}"
    )


def check_keys(field: str, *keys: object) -> None:
    """All keys of one value use the same form."""
    indexed = {type(key) is int for key in keys}
    if len(indexed) > 1:
        raise BarterValueError(f"{field}: mixes index keys and name keys")


def keys_of(key: object) -> Keys:
    return Keys.INDEXED if type(key) is int else Keys.UNINDEXED


def key_to_c(c: Any, value: object, field: str, keep: Keep) -> None:
    if type(value) is int:
        c.kind = lib.BARTER_KEY_KIND_INDEX
        c.index = value
    elif isinstance(value, QuoteAsset):
        c.kind = lib.BARTER_KEY_KIND_QUOTE
    else:
        c.kind = lib.BARTER_KEY_KIND_NAME
        keep.text(c.name, str(value), field)


def key_from_c(c: Any) -> Any:
    """An index (int), a name (str) or ``QUOTE``, as the C key says."""
    kind = c.kind
    if kind == lib.BARTER_KEY_KIND_INDEX:
        return c.index
    if kind == lib.BARTER_KEY_KIND_NAME:
        return string(c.name)
    return QUOTE


def exchange_from_c(c: Any) -> ExchangeKey:
    if c.kind == lib.BARTER_KEY_KIND_INDEX:
        index: int = c.index
        return index
    return ExchangeId(string(c.name))


class OrderKey(Record, Generic[E, I]):
    """``OrderKey``: which exchange, instrument, strategy and client order id
    an order belongs to. Indexed (``OrderKey[int, int]``) or unindexed
    (``OrderKey[ExchangeId, str]``)."""

    __slots__ = ()
    __match_args__ = ("exchange", "instrument", "strategy", "cid")
    _fields = __match_args__
    exchange: E
    instrument: I
    strategy: str
    cid: str

    def __new__(cls, exchange: E, instrument: I, strategy: str, cid: str) -> OrderKey[E, I]:
        check_exchange(exchange, "OrderKey.exchange")
        check_key(instrument, "OrderKey.instrument")
        check_keys("OrderKey", exchange, instrument)
        check_str(strategy, "OrderKey.strategy")
        check_str(cid, "OrderKey.cid")
        return make(cls, (exchange, instrument, strategy, cid))

    @property
    def keys(self) -> Keys:
        return keys_of(self.exchange)

    @property
    def strategy_id(self) -> str:
        """Alias of ``strategy``."""
        return self.strategy

    @property
    def client_order_id(self) -> str:
        """Alias of ``cid``."""
        return self.cid

    def to_dict(self) -> dict[str, Any]:
        return {
            "exchange": self.exchange if type(self.exchange) is int else str(self.exchange),
            "instrument": self.instrument,
            "strategy": self.strategy,
            "cid": self.cid,
        }

    @classmethod
    def _from_c(cls, c: Any) -> OrderKey[Any, Any]:
        return make(
            cls,
            (
                exchange_from_c(c.exchange),
                key_from_c(c.instrument),
                string(c.strategy),
                string(c.cid),
            ),
        )

    def _to_c(self, c: Any, keep: Keep) -> None:
        key_to_c(c.exchange, self.exchange, "key.exchange", keep)
        key_to_c(c.instrument, self.instrument, "key.instrument", keep)
        keep.text(c.strategy, self.strategy, "key.strategy")
        keep.text(c.cid, self.cid, "key.cid")
