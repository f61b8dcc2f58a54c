"""The barter types that cross the ABI on their own: order events, requests
and responses, orders, trades, balances, account snapshots and account
events. Each parses and serialises through Rust (see ``_codec.Message``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar, Union

from ._codec import (
    Keep,
    Keys,
    Message,
    check_decimal,
    check_str,
    check_timestamp,
    check_type,
    decimal_from_c,
    decimal_text,
    decimal_to_c,
    timestamp_from_c,
    timestamp_to_c,
)
from ._keys import (
    OrderKey,
    QuoteAsset,
    check_exchange,
    check_key,
    exchange_from_c,
    key_from_c,
    key_to_c,
    keys_of,
)
from ._native import lib, string
from ._order_state import (
    CancelResult,
    Err,
    Ok,
    OpenResult,
    OrderState,
    cancel_result_from_c,
    open_result_from_c,
    state_from_c,
)
from ._record import R, Record, make
from ._requests import (
    SIDE_FROM_C,
    OrderKind,
    RequestCancel,
    RequestOpen,
    Side,
    TimeInForce,
    check_params,
    params_from_c,
    params_to_c,
    side_to_c,
)
from .errors import BarterValueError
from .timestamp import Timestamp

S = TypeVar("S")


def _str_key(key: Any) -> Any:
    """A key as serde writes it: ints stay ints, names become str."""
    return key if type(key) is int else None if isinstance(key, QuoteAsset) else str(key)


# --- OrderEvent<State> ----------------------------------------------------------------


class _KeyedEvent(Message, Generic[S]):
    """barter's ``OrderEvent<State>``: an order key and a state."""

    __slots__ = ()
    __match_args__ = ("key", "state")
    _fields = __match_args__
    key: OrderKey[Any, Any]
    state: S
    _state_types: ClassVar[Any]

    def __new__(cls: type[R], key: OrderKey[Any, Any], state: S) -> R:
        name = cls.__name__
        check_type(key, OrderKey, f"{name}.key")
        check_type(state, cls._state_types, f"{name}.state")  # type: ignore[attr-defined]
        return make(cls, (key, state))

    @property
    def keys(self) -> Keys:
        return self.key.keys

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key.to_dict(), "state": self.state.to_dict()}  # type: ignore[attr-defined]

    @classmethod
    def _state_from_c(cls, c: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def _from_c(cls, c: Any, keys: Keys) -> Any:
        return make(cls, (OrderKey._from_c(c.key), cls._state_from_c(c.state)))

    def _to_c(self, c: Any, keep: Keep) -> None:
        self.key._to_c(c.key, keep)
        self.state._to_c(c.state, keep)  # type: ignore[attr-defined]


class OrderEvent(_KeyedEvent[OrderState]):
    """``OrderEvent<OrderState>``: an order's key and its new state."""

    __slots__ = ()
    _message = lib.BARTER_MESSAGE_ORDER_EVENT
    _c_type = "BarterOrderEvent"
    _state_types = OrderState

    @classmethod
    def _state_from_c(cls, c: Any) -> OrderState:
        return state_from_c(c)


class OrderRequestOpen(_KeyedEvent[RequestOpen]):
    """``OrderRequestOpen``: a request to open an order."""

    __slots__ = ()
    _message = lib.BARTER_MESSAGE_ORDER_REQUEST_OPEN
    _c_type = "BarterOrderRequestOpen"
    _state_types = RequestOpen
    _state_from_c = RequestOpen._from_c


class OrderRequestCancel(_KeyedEvent[RequestCancel]):
    """``OrderRequestCancel``: a request to cancel an order."""

    __slots__ = ()
    _message = lib.BARTER_MESSAGE_ORDER_REQUEST_CANCEL
    _c_type = "BarterOrderRequestCancel"
    _state_types = RequestCancel
    _state_from_c = RequestCancel._from_c


class OrderResponseCancel(_KeyedEvent[CancelResult]):
    """``OrderResponseCancel``: the answer to a cancel request,
    ``Ok(Cancelled)`` or ``Err(OrderError)``."""

    __slots__ = ()
    _message = lib.BARTER_MESSAGE_ORDER_RESPONSE_CANCEL
    _c_type = "BarterOrderResponseCancel"
    _state_types = (Ok, Err)

    @classmethod
    def _state_from_c(cls, c: Any) -> CancelResult:
        return cancel_result_from_c(c)


# --- Order<State> ---------------------------------------------------------------------


class Order(Message, Generic[S]):
    """barter's ``Order``: a key, the order's parameters and a state. See
    ``OrderSnapshot`` and ``OrderResponseOpen``."""

    __slots__ = ()
    __match_args__ = ("key", "side", "price", "quantity", "kind", "time_in_force", "state")
    _fields = __match_args__
    key: OrderKey[Any, Any]
    side: Side
    price: Decimal
    quantity: Decimal
    kind: OrderKind
    time_in_force: TimeInForce
    state: S
    _state_types: ClassVar[Any]

    def __new__(  # noqa: PLR0917 - barter's field order, positional like the Rust struct
        cls: type[R],
        key: OrderKey[Any, Any],
        side: Side,
        price: Decimal,
        quantity: Decimal,
        kind: OrderKind,
        time_in_force: TimeInForce,
        state: S,
    ) -> R:
        name = cls.__name__
        check_type(key, OrderKey, f"{name}.key")
        params = check_params(name, side, price, quantity, kind, time_in_force)
        check_type(state, cls._state_types, f"{name}.state")  # type: ignore[attr-defined]
        return make(cls, (key, *params, state))

    @property
    def keys(self) -> Keys:
        return self.key.keys

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key.to_dict(),
            "side": self.side.value,
            "price": decimal_text(self.price),
            "quantity": decimal_text(self.quantity),
            "kind": self.kind.value,
            "time_in_force": self.time_in_force.to_dict(),
            "state": self.state.to_dict(),  # type: ignore[attr-defined]
        }

    @classmethod
    def _state_from_c(cls, c: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def _from_c(cls, c: Any, keys: Keys) -> Any:
        key = OrderKey._from_c(c.key)
        return make(cls, (key, *params_from_c(c.order), cls._state_from_c(c.state)))

    def _to_c(self, c: Any, keep: Keep) -> None:
        self.key._to_c(c.key, keep)
        params_to_c(c.order, self)
        self.state._to_c(c.state, keep)  # type: ignore[attr-defined]


class OrderSnapshot(Order[OrderState]):
    """``Order<_, _, OrderState>``: the state of one order at a point in time."""

    __slots__ = ()
    _message = lib.BARTER_MESSAGE_ORDER_SNAPSHOT
    _c_type = "BarterOrderSnapshot"
    _state_types = OrderState

    @classmethod
    def _state_from_c(cls, c: Any) -> OrderState:
        return state_from_c(c)


class OrderResponseOpen(Order[OpenResult]):
    """``Order<_, _, Result<Open, OrderError>>``: the answer to an open request."""

    __slots__ = ()
    _message = lib.BARTER_MESSAGE_ORDER_RESPONSE_OPEN
    _c_type = "BarterOrderResponseOpen"
    _state_types = (Ok, Err)

    @classmethod
    def _state_from_c(cls, c: Any) -> OpenResult:
        return open_result_from_c(c)


# --- Trade ------------------------------------------------------------------------------


class AssetFees(Record):
    """``AssetFees { asset, fees }``; in account events the asset is ``QuoteAsset``."""

    __slots__ = ()
    __match_args__ = ("asset", "fees")
    _fields = __match_args__
    asset: Any
    fees: Decimal

    def __new__(cls, asset: Any, fees: Decimal) -> AssetFees:
        if not isinstance(asset, QuoteAsset):
            asset = check_key(asset, "AssetFees.asset")
        return make(cls, (asset, check_decimal(fees, "AssetFees.fees")))

    def to_dict(self) -> dict[str, Any]:
        return {"asset": _str_key(self.asset), "fees": decimal_text(self.fees)}


class Trade(Message):
    """``Trade``: a fill of (part of) an order."""

    __slots__ = ()
    __match_args__ = (
        "id", "order_id", "instrument", "strategy", "time_exchange", "side", "price",
        "quantity", "fees",
    )  # fmt: skip
    _fields = __match_args__
    _message = lib.BARTER_MESSAGE_TRADE
    _c_type = "BarterTrade"
    id: str
    order_id: str
    instrument: int | str
    strategy: str
    time_exchange: Timestamp
    side: Side
    price: Decimal
    quantity: Decimal
    fees: AssetFees

    def __new__(  # noqa: PLR0917 - barter's field order, positional like the Rust struct
        cls,
        id: str,
        order_id: str,
        instrument: int | str,
        strategy: str,
        time_exchange: Timestamp,
        side: Side,
        price: Decimal,
        quantity: Decimal,
        fees: AssetFees,
    ) -> Trade:
        return make(
            cls,
            (
                check_str(id, "Trade.id"),
                check_str(order_id, "Trade.order_id"),
                check_key(instrument, "Trade.instrument"),
                check_str(strategy, "Trade.strategy"),
                check_timestamp(time_exchange, "Trade.time_exchange"),
                check_type(side, Side, "Trade.side"),
                check_decimal(price, "Trade.price"),
                check_decimal(quantity, "Trade.quantity"),
                check_type(fees, AssetFees, "Trade.fees"),
            ),
        )

    @property
    def keys(self) -> Keys:
        return keys_of(self.instrument)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "order_id": self.order_id,
            "instrument": self.instrument,
            "strategy": self.strategy,
            "time_exchange": self.time_exchange.isoformat(),
            "side": self.side.value,
            "price": decimal_text(self.price),
            "quantity": decimal_text(self.quantity),
            "fees": self.fees.to_dict(),
        }

    @classmethod
    def _from_c(cls, c: Any, keys: Keys) -> Trade:
        fees = make(AssetFees, (key_from_c(c.fees_asset), decimal_from_c(c.fees)))
        trade: Trade = make(
            cls,
            (
                string(c.id),
                string(c.order_id),
                key_from_c(c.instrument),
                string(c.strategy),
                timestamp_from_c(c.time_exchange),
                SIDE_FROM_C[c.side],
                decimal_from_c(c.price),
                decimal_from_c(c.quantity),
                fees,
            ),
        )
        return trade

    def _to_c(self, c: Any, keep: Keep) -> None:
        keep.text(c.id, self.id, "id")
        keep.text(c.order_id, self.order_id, "order_id")
        key_to_c(c.instrument, self.instrument, "instrument", keep)
        keep.text(c.strategy, self.strategy, "strategy")
        timestamp_to_c(c.time_exchange, self.time_exchange)
        c.side = side_to_c(self.side)
        decimal_to_c(c.price, self.price)
        decimal_to_c(c.quantity, self.quantity)
        key_to_c(c.fees_asset, self.fees.asset, "fees.asset", keep)
        decimal_to_c(c.fees, self.fees.fees)


# --- balances -----------------------------------------------------------------------------


class Balance(Record):
    """``Balance { total, free }``; ``used`` is what orders hold."""

    __slots__ = ()
    __match_args__ = ("total", "free")
    _fields = __match_args__
    total: Decimal
    free: Decimal

    def __new__(cls, total: Decimal, free: Decimal) -> Balance:
        total = check_decimal(total, "Balance.total")
        return make(cls, (total, check_decimal(free, "Balance.free")))

    @property
    def used(self) -> Decimal:
        return self.total - self.free

    def to_dict(self) -> dict[str, Any]:
        return {"total": decimal_text(self.total), "free": decimal_text(self.free)}


class AssetBalance(Message):
    """``AssetBalance { asset, balance, time_exchange }``."""

    __slots__ = ()
    __match_args__ = ("asset", "balance", "time_exchange")
    _fields = __match_args__
    _message = lib.BARTER_MESSAGE_ASSET_BALANCE
    _c_type = "BarterAssetBalance"
    asset: int | str
    balance: Balance
    time_exchange: Timestamp

    def __new__(cls, asset: int | str, balance: Balance, time_exchange: Timestamp) -> AssetBalance:
        return make(
            cls,
            (
                check_key(asset, "AssetBalance.asset"),
                check_type(balance, Balance, "AssetBalance.balance"),
                check_timestamp(time_exchange, "AssetBalance.time_exchange"),
            ),
        )

    @property
    def keys(self) -> Keys:
        return keys_of(self.asset)

    def to_dict(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "balance": self.balance.to_dict(),
            "time_exchange": self.time_exchange.isoformat(),
        }

    @classmethod
    def _from_c(cls, c: Any, keys: Keys) -> AssetBalance:
        amounts = make(Balance, (decimal_from_c(c.total), decimal_from_c(c.free)))
        balance: AssetBalance = make(
            cls, (key_from_c(c.asset), amounts, timestamp_from_c(c.time_exchange))
        )
        return balance

    def _to_c(self, c: Any, keep: Keep) -> None:
        key_to_c(c.asset, self.asset, "asset", keep)
        decimal_to_c(c.total, self.balance.total)
        decimal_to_c(c.free, self.balance.free)
        timestamp_to_c(c.time_exchange, self.time_exchange)


# --- account snapshots and events ---------------------------------------------------------


class InstrumentAccountSnapshot(Record):
    """``InstrumentAccountSnapshot { instrument, orders }``."""

    __slots__ = ()
    __match_args__ = ("instrument", "orders")
    _fields = __match_args__
    instrument: int | str
    orders: tuple[OrderSnapshot, ...]

    def __new__(
        cls, instrument: int | str, orders: tuple[OrderSnapshot, ...] = ()
    ) -> InstrumentAccountSnapshot:
        instrument = check_key(instrument, "InstrumentAccountSnapshot.instrument")
        orders = tuple(orders)
        for index, order in enumerate(orders):
            check_type(order, OrderSnapshot, f"InstrumentAccountSnapshot.orders[{index}]")
        return make(cls, (instrument, orders))

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "orders": [o.to_dict() for o in self.orders]}


def _array_from_c(ptr: Any, count: int, build: Any) -> tuple[Any, ...]:
    # Through a list: tuple(generator) grows its tuple, and on CPython 3.11 a
    # failed growth frees the tuple without releasing the items in it.
    return tuple([build(ptr[i]) for i in range(count)])


class AccountSnapshot(Message):
    """``AccountSnapshot { exchange, balances, instruments }``: the full state
    of an account on one exchange."""

    __slots__ = ()
    __match_args__ = ("exchange", "balances", "instruments")
    _fields = __match_args__
    _message = lib.BARTER_MESSAGE_ACCOUNT_SNAPSHOT
    _c_type = "BarterAccountSnapshot"
    exchange: Any
    balances: tuple[AssetBalance, ...]
    instruments: tuple[InstrumentAccountSnapshot, ...]

    def __new__(
        cls,
        exchange: Any,
        balances: tuple[AssetBalance, ...] = (),
        instruments: tuple[InstrumentAccountSnapshot, ...] = (),
    ) -> AccountSnapshot:
        exchange = check_exchange(exchange, "AccountSnapshot.exchange")
        balances, instruments = tuple(balances), tuple(instruments)
        for index, balance in enumerate(balances):
            check_type(balance, AssetBalance, f"AccountSnapshot.balances[{index}]")
        for index, item in enumerate(instruments):
            check_type(item, InstrumentAccountSnapshot, f"AccountSnapshot.instruments[{index}]")
        return make(cls, (exchange, balances, instruments))

    @property
    def keys(self) -> Keys:
        return keys_of(self.exchange)

    def to_dict(self) -> dict[str, Any]:
        return {
            "exchange": _str_key(self.exchange),
            "balances": [b.to_dict() for b in self.balances],
            "instruments": [i.to_dict() for i in self.instruments],
        }

    @classmethod
    def _from_c(cls, c: Any, keys: Keys) -> AccountSnapshot:
        def instrument(i: Any) -> InstrumentAccountSnapshot:
            orders = _array_from_c(i.orders, i.orders_len, lambda o: OrderSnapshot._from_c(o, keys))
            item: InstrumentAccountSnapshot = make(
                InstrumentAccountSnapshot, (key_from_c(i.instrument), orders)
            )
            return item

        balances = _array_from_c(
            c.balances, c.balances_len, lambda b: AssetBalance._from_c(b, keys)
        )
        instruments = _array_from_c(c.instruments, c.instruments_len, instrument)
        snapshot: AccountSnapshot = make(cls, (exchange_from_c(c.exchange), balances, instruments))
        return snapshot

    def _to_c(self, c: Any, keep: Keep) -> None:
        key_to_c(c.exchange, self.exchange, "exchange", keep)
        balances = keep.array("BarterAssetBalance", len(self.balances))
        for index, balance in enumerate(self.balances):
            balance._to_c(balances[index], keep)
        c.balances, c.balances_len = balances, len(self.balances)
        instruments = keep.array("BarterInstrumentSnapshot", len(self.instruments))
        for index, item in enumerate(self.instruments):
            key_to_c(instruments[index].instrument, item.instrument, "instrument", keep)
            orders = keep.array("BarterOrderSnapshot", len(item.orders))
            for position, order in enumerate(item.orders):
                order._to_c(orders[position], keep)
            instruments[index].orders, instruments[index].orders_len = orders, len(item.orders)
        c.instruments, c.instruments_len = instruments, len(self.instruments)


#: What an ``AccountEvent`` can carry.
AccountEventKind = Union[AccountSnapshot, AssetBalance, OrderSnapshot, OrderResponseCancel, Trade]

# (payload class, serde variant, C kind, union member)
_ACCOUNT_KINDS: tuple[tuple[Any, str, int, str], ...] = (
    (AccountSnapshot, "Snapshot", lib.BARTER_ACCOUNT_EVENT_KIND_SNAPSHOT, "snapshot"),
    (AssetBalance, "BalanceSnapshot", lib.BARTER_ACCOUNT_EVENT_KIND_BALANCE_SNAPSHOT, "balance"),
    (OrderSnapshot, "OrderSnapshot", lib.BARTER_ACCOUNT_EVENT_KIND_ORDER_SNAPSHOT, "order"),
    (
        OrderResponseCancel,
        "OrderCancelled",
        lib.BARTER_ACCOUNT_EVENT_KIND_ORDER_CANCELLED,
        "cancelled",
    ),
    (Trade, "Trade", lib.BARTER_ACCOUNT_EVENT_KIND_TRADE, "trade"),
)
_KIND_BY_TYPE = {cls: (variant, kind, member) for cls, variant, kind, member in _ACCOUNT_KINDS}
_KIND_BY_C = {kind: (cls, member) for cls, _, kind, member in _ACCOUNT_KINDS}


class AccountEvent(Message):
    """``AccountEvent { exchange, kind }``. ``kind`` is the payload itself: an
    ``AccountSnapshot`` (``Snapshot``), ``AssetBalance`` (``BalanceSnapshot``),
    ``OrderSnapshot``, ``OrderResponseCancel`` (``OrderCancelled``) or ``Trade``."""

    __slots__ = ()
    __match_args__ = ("exchange", "kind")
    _fields = __match_args__
    _message = lib.BARTER_MESSAGE_ACCOUNT_EVENT
    _c_type = "BarterAccountEvent"
    exchange: Any
    kind: AccountEventKind

    def __new__(cls, exchange: Any, kind: AccountEventKind) -> AccountEvent:
        exchange = check_exchange(exchange, "AccountEvent.exchange")
        if type(kind) not in _KIND_BY_TYPE:
            names = ", ".join(cls.__name__ for cls in _KIND_BY_TYPE)
            raise BarterValueError(
                f"AccountEvent.kind must be one of {names}, got {type(kind).__name__}"
            )
        return make(cls, (exchange, kind))

    @property
    def keys(self) -> Keys:
        return keys_of(self.exchange)

    def to_dict(self) -> dict[str, Any]:
        variant, _, _ = _KIND_BY_TYPE[type(self.kind)]
        return {"exchange": _str_key(self.exchange), "kind": {variant: self.kind.to_dict()}}

    @classmethod
    def _from_c(cls, c: Any, keys: Keys) -> AccountEvent:
        payload_type, member = _KIND_BY_C[c.kind]
        kind = payload_type._from_c(getattr(c.payload, member), keys)
        event: AccountEvent = make(cls, (exchange_from_c(c.exchange), kind))
        return event

    def _to_c(self, c: Any, keep: Keep) -> None:
        key_to_c(c.exchange, self.exchange, "exchange", keep)
        _, kind, member = _KIND_BY_TYPE[type(self.kind)]
        c.kind = kind
        self.kind._to_c(getattr(c.payload, member), keep)


__all__ = [
    "AccountEvent",
    "AccountEventKind",
    "AccountSnapshot",
    "AssetBalance",
    "AssetFees",
    "Balance",
    "InstrumentAccountSnapshot",
    "Order",
    "OrderEvent",
    "OrderRequestCancel",
    "OrderRequestOpen",
    "OrderResponseCancel",
    "OrderResponseOpen",
    "OrderSnapshot",
    "Trade",
]
