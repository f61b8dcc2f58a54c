"""``OrderState`` and ``OrderError``: one class per leaf, plus ``Ok`` and
``Err``, the two sides of barter's ``Result``s."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, ClassVar, Generic, TypeVar, Union

from ._codec import (
    Keep,
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
from ._keys import ExchangeId, check_key, key_from_c, key_to_c
from ._native import lib, string
from ._record import R, Record, make
from .timestamp import Timestamp


class OrderError(Record):
    """Why an order failed: a ``ConnectivityError`` or an ``ApiError``."""

    __slots__ = ()
    _kind: ClassVar[int]

    #: barter's own wording of the error, filled from the fields.
    _template: ClassVar[str]

    def to_dict(self) -> Any:
        """serde's shape, e.g. ``{"Rejected": {"BalanceInsufficient": [1, "need 10"]}}``."""
        raise NotImplementedError

    @property
    def description(self) -> str:
        """A one-line description in barter's wording, e.g.
        ``asset 1 balance insufficient: need 10``."""
        return self._template.format(**{field: getattr(self, field) for field in self._fields})

    def _to_c(self, c: Any, keep: Keep) -> None:
        c.kind = self._kind


class ConnectivityError(OrderError):
    """``OrderError::Connectivity``."""

    __slots__ = ()


class ApiError(OrderError):
    """``OrderError::Rejected(ApiError)``."""

    __slots__ = ()


def _message_of(value: object, owner: str) -> str:
    return check_str(value, f"{owner}.message")


class ExchangeOffline(ConnectivityError):
    """The exchange is offline."""

    __slots__ = ()
    _template = "exchange offline: {exchange}"
    __match_args__ = ("exchange",)
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_ERROR_KIND_CONNECTIVITY_EXCHANGE_OFFLINE
    exchange: ExchangeId

    def __new__(cls, exchange: ExchangeId) -> ExchangeOffline:
        return make(cls, (check_type(exchange, ExchangeId, "ExchangeOffline.exchange"),))

    def to_dict(self) -> Any:
        return {"Connectivity": {"ExchangeOffline": str(self.exchange)}}

    def _to_c(self, c: Any, keep: Keep) -> None:
        super()._to_c(c, keep)
        key_to_c(c.key, self.exchange, "error.key", keep)


class _Bare(OrderError):
    """An error leaf without a payload; serde writes it as ``{family: name}``."""

    __slots__ = ()
    _family: ClassVar[str]

    def to_dict(self) -> Any:
        return {self._family: type(self).__name__}


class Timeout(_Bare, ConnectivityError):
    """The request timed out before a response arrived."""

    __slots__ = ()
    _template = "execution request timed out"
    _kind = lib.BARTER_ORDER_ERROR_KIND_CONNECTIVITY_TIMEOUT
    _family = "Connectivity"


class _Message(OrderError):
    """An error leaf that carries only a message."""

    __slots__ = ()
    __match_args__ = ("message",)
    _fields = __match_args__
    message: str
    _path: ClassVar[tuple[str, str]]

    def __new__(cls: type[R], message: str) -> R:
        return make(cls, (_message_of(message, cls.__name__),))

    def to_dict(self) -> Any:
        outer, inner = self._path
        return {outer: {inner: self.message}}

    def _to_c(self, c: Any, keep: Keep) -> None:
        super()._to_c(c, keep)
        keep.text(c.message, self.message, "error.message")


class Socket(_Message, ConnectivityError):
    """A socket-level failure, with its description."""

    __slots__ = ()
    _template = "{message}"
    _kind = lib.BARTER_ORDER_ERROR_KIND_CONNECTIVITY_SOCKET
    _path = ("Connectivity", "Socket")


class _Keyed(ApiError):
    """An ``ApiError`` leaf naming an asset or instrument (an index or an
    exchange's name), with a message."""

    __slots__ = ()
    message: str

    # The key is item 0 and the message item 1 in every subclass.
    def __new__(cls: type[R], key: int | str, message: str) -> R:
        name = cls.__name__
        key = check_key(key, f"{name}.{cls._fields[0]}")
        return make(cls, (key, _message_of(message, name)))

    def to_dict(self) -> Any:
        return {"Rejected": {type(self).__name__: [self[0], self[1]]}}

    def _to_c(self, c: Any, keep: Keep) -> None:
        super()._to_c(c, keep)
        key_to_c(c.key, self[0], "error.key", keep)
        keep.text(c.message, self[1], "error.message")


class AssetInvalid(_Keyed):
    """The asset is invalid or not supported."""

    __slots__ = ()
    _template = "asset {asset} invalid: {message}"
    __match_args__ = ("asset", "message")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_ASSET_INVALID
    asset: int | str


class InstrumentInvalid(_Keyed):
    """The instrument is invalid or not supported."""

    __slots__ = ()
    _template = "instrument {instrument} invalid: {message}"
    __match_args__ = ("instrument", "message")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_INSTRUMENT_INVALID
    instrument: int | str


class RateLimit(_Bare, ApiError):
    """The exchange's rate limit was exceeded."""

    __slots__ = ()
    _template = "rate limit exceeded"
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_RATE_LIMIT
    _family = "Rejected"


class BalanceInsufficient(_Keyed):
    """Not enough balance of ``asset``."""

    __slots__ = ()
    _template = "asset {asset} balance insufficient: {message}"
    __match_args__ = ("asset", "message")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_BALANCE_INSUFFICIENT
    asset: int | str


class OrderRejected(_Message, ApiError):
    """The exchange rejected the order, with its reason."""

    __slots__ = ()
    _template = "order rejected: {message}"
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_ORDER_REJECTED
    _path = ("Rejected", "OrderRejected")


class OrderAlreadyCancelled(_Bare, ApiError):
    """The order was already cancelled."""

    __slots__ = ()
    _template = "order already cancelled"
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_ORDER_ALREADY_CANCELLED
    _family = "Rejected"


class OrderAlreadyFullyFilled(_Bare, ApiError):
    """The order was already fully filled."""

    __slots__ = ()
    _template = "order already fully filled"
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_ORDER_ALREADY_FULLY_FILLED
    _family = "Rejected"


def error_from_c(c: Any) -> OrderError:
    return _ERRORS_FROM_C[c.kind](c)


#: The one instance of each error leaf without fields, by its C kind.
ERROR_UNITS: dict[int, OrderError] = {
    cls._kind: cls() for cls in (Timeout, RateLimit, OrderAlreadyCancelled, OrderAlreadyFullyFilled)
}
#: The error leaves with fields.
ERROR_LEAVES = (ExchangeOffline, Socket, AssetInvalid, InstrumentInvalid, BalanceInsufficient,
                OrderRejected)  # fmt: skip


def _bare(cls: type[OrderError]) -> Callable[[Any], OrderError]:
    instance = ERROR_UNITS[cls._kind]
    return lambda c: instance


def _keyed(cls: type[_Keyed]) -> Callable[[Any], OrderError]:
    def build(c: Any) -> OrderError:
        error: _Keyed = make(cls, (key_from_c(c.key), string(c.message)))
        return error

    return build


def _with_message(cls: type[_Message]) -> Callable[[Any], OrderError]:
    def build(c: Any) -> OrderError:
        error: _Message = make(cls, (string(c.message),))
        return error

    return build


def _exchange_offline(c: Any) -> OrderError:
    error: ExchangeOffline = make(ExchangeOffline, (ExchangeId(string(c.key.name)),))
    return error


_ERRORS_FROM_C: dict[int, Callable[[Any], OrderError]] = {
    ExchangeOffline._kind: _exchange_offline,
    Timeout._kind: _bare(Timeout),
    Socket._kind: _with_message(Socket),
    AssetInvalid._kind: _keyed(AssetInvalid),
    InstrumentInvalid._kind: _keyed(InstrumentInvalid),
    RateLimit._kind: _bare(RateLimit),
    BalanceInsufficient._kind: _keyed(BalanceInsufficient),
    OrderRejected._kind: _with_message(OrderRejected),
    OrderAlreadyCancelled._kind: _bare(OrderAlreadyCancelled),
    OrderAlreadyFullyFilled._kind: _bare(OrderAlreadyFullyFilled),
}


# --- OrderState ---------------------------------------------------------------------


class OrderState(Record):
    """The state of an order: an ``ActiveOrderState`` or an ``InactiveOrderState``."""

    __slots__ = ()
    _kind: ClassVar[int]

    def to_dict(self) -> Any:
        """serde's shape, e.g. ``{"Inactive": "FullyFilled"}``."""
        raise NotImplementedError

    def _to_c(self, c: Any, keep: Keep) -> None:
        c.kind = self._kind


class ActiveOrderState(OrderState):
    """``OrderState::Active``: in flight, open, or being cancelled."""

    __slots__ = ()


class InactiveOrderState(OrderState):
    """``OrderState::Inactive``: cancelled, filled, failed or expired."""

    __slots__ = ()


class _Unit(OrderState):
    """A state leaf without a payload; serde writes it as ``{family: name}``."""

    __slots__ = ()
    _family: ClassVar[str]

    def to_dict(self) -> Any:
        return {self._family: type(self).__name__}


class OpenInFlight(_Unit, ActiveOrderState):
    """The open request was sent; no answer yet."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_STATE_KIND_OPEN_IN_FLIGHT
    _family = "Active"

    def to_dict(self) -> Any:
        # A unit struct inside a newtype variant: serde writes null.
        return {"Active": {"OpenInFlight": None}}


class Open(ActiveOrderState):
    """The order is open on the exchange."""

    __slots__ = ()
    __match_args__ = ("id", "time_exchange", "filled_quantity")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_STATE_KIND_OPEN
    id: str
    time_exchange: Timestamp
    filled_quantity: Decimal

    def __new__(cls, id: str, time_exchange: Timestamp, filled_quantity: Decimal) -> Open:
        return make(
            cls,
            (
                check_str(id, "Open.id"),
                check_timestamp(time_exchange, "Open.time_exchange"),
                check_decimal(filled_quantity, "Open.filled_quantity"),
            ),
        )

    @property
    def order_id(self) -> str:
        """Alias of ``id``."""
        return self.id

    def _fields_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time_exchange": self.time_exchange.isoformat(),
            "filled_quantity": decimal_text(self.filled_quantity),
        }

    def to_dict(self) -> Any:
        return {"Active": {"Open": self._fields_dict()}}

    @classmethod
    def _from_c(cls, c: Any) -> Open:
        state: Open = make(
            cls,
            (
                string(c.id),
                timestamp_from_c(c.time_exchange),
                decimal_from_c(c.filled_quantity),
            ),
        )
        return state

    def _to_c(self, c: Any, keep: Keep) -> None:
        super()._to_c(c, keep)
        self._fill(c, keep)

    def _fill(self, c: Any, keep: Keep) -> None:
        keep.text(c.id, self.id, "state.id")
        timestamp_to_c(c.time_exchange, self.time_exchange)
        decimal_to_c(c.filled_quantity, self.filled_quantity)


class CancelInFlight(ActiveOrderState):
    """The cancel request was sent; ``order`` is the open order, if known."""

    __slots__ = ()
    __match_args__ = ("order",)
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_STATE_KIND_CANCEL_IN_FLIGHT
    order: Open | None

    def __new__(cls, order: Open | None = None) -> CancelInFlight:
        if order is not None:
            check_type(order, Open, "CancelInFlight.order")
        return make(cls, (order,))

    def to_dict(self) -> Any:
        order = None if self.order is None else self.order._fields_dict()
        return {"Active": {"CancelInFlight": {"order": order}}}

    @classmethod
    def _from_c(cls, c: Any) -> CancelInFlight:
        state: CancelInFlight = make(cls, (Open._from_c(c) if c.has_order else None,))
        return state

    def _to_c(self, c: Any, keep: Keep) -> None:
        super()._to_c(c, keep)
        if self.order is not None:
            c.has_order = 1
            self.order._fill(c, keep)


class Cancelled(InactiveOrderState):
    """The order was cancelled."""

    __slots__ = ()
    __match_args__ = ("id", "time_exchange")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_STATE_KIND_CANCELLED
    id: str
    time_exchange: Timestamp

    def __new__(cls, id: str, time_exchange: Timestamp) -> Cancelled:
        return make(
            cls,
            (
                check_str(id, "Cancelled.id"),
                check_timestamp(time_exchange, "Cancelled.time_exchange"),
            ),
        )

    @property
    def order_id(self) -> str:
        """Alias of ``id``."""
        return self.id

    def _fields_dict(self) -> dict[str, Any]:
        return {"id": self.id, "time_exchange": self.time_exchange.isoformat()}

    def to_dict(self) -> Any:
        return {"Inactive": {"Cancelled": self._fields_dict()}}

    @classmethod
    def _from_c(cls, c: Any) -> Cancelled:
        state: Cancelled = make(cls, (string(c.id), timestamp_from_c(c.time_exchange)))
        return state

    def _to_c(self, c: Any, keep: Keep) -> None:
        super()._to_c(c, keep)
        self._fill(c, keep)

    def _fill(self, c: Any, keep: Keep) -> None:
        keep.text(c.id, self.id, "state.id")
        timestamp_to_c(c.time_exchange, self.time_exchange)


class FullyFilled(_Unit, InactiveOrderState):
    """The order was completely filled."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_STATE_KIND_FULLY_FILLED
    _family = "Inactive"


class OpenFailed(InactiveOrderState):
    """The order could not be opened; ``error`` says why."""

    __slots__ = ()
    __match_args__ = ("error",)
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_STATE_KIND_OPEN_FAILED
    error: OrderError

    def __new__(cls, error: OrderError) -> OpenFailed:
        return make(cls, (check_type(error, OrderError, "OpenFailed.error"),))

    def to_dict(self) -> Any:
        return {"Inactive": {"OpenFailed": self.error.to_dict()}}

    @classmethod
    def _from_c(cls, c: Any) -> OpenFailed:
        state: OpenFailed = make(cls, (error_from_c(c.error),))
        return state

    def _to_c(self, c: Any, keep: Keep) -> None:
        super()._to_c(c, keep)
        self.error._to_c(c.error, keep)


class Expired(_Unit, InactiveOrderState):
    """The order expired."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_STATE_KIND_EXPIRED
    _family = "Inactive"


def _unit(cls: type[_Unit]) -> Callable[[Any], OrderState]:
    instance = cls()
    return lambda c: instance


STATES_FROM_C: dict[int, Callable[[Any], OrderState]] = {
    OpenInFlight._kind: _unit(OpenInFlight),
    Open._kind: Open._from_c,
    CancelInFlight._kind: CancelInFlight._from_c,
    Cancelled._kind: Cancelled._from_c,
    FullyFilled._kind: _unit(FullyFilled),
    OpenFailed._kind: OpenFailed._from_c,
    Expired._kind: _unit(Expired),
}


# --- Result ---------------------------------------------------------------------------

T = TypeVar("T", bound=Record)


class Ok(Record, Generic[T]):
    """The ``Ok`` side of a barter ``Result``: ``Ok(Open)`` answers an open
    request, ``Ok(Cancelled)`` a cancel request."""

    __slots__ = ()
    __match_args__ = ("value",)
    _fields = __match_args__
    value: T

    def __new__(cls, value: T) -> Ok[T]:
        return make(cls, (check_type(value, (Open, Cancelled), "Ok.value"),))

    def to_dict(self) -> Any:
        return {"Ok": self.value._fields_dict()}  # type: ignore[attr-defined]

    def _to_c(self, c: Any, keep: Keep) -> None:
        c.kind = lib.BARTER_RESULT_KIND_OK
        self.value._fill(c, keep)  # type: ignore[attr-defined]


class Err(Record):
    """The ``Err`` side of a barter ``Result``: why a request failed."""

    __slots__ = ()
    __match_args__ = ("error",)
    _fields = __match_args__
    error: OrderError

    def __new__(cls, error: OrderError) -> Err:
        return make(cls, (check_type(error, OrderError, "Err.error"),))

    def to_dict(self) -> Any:
        return {"Err": self.error.to_dict()}

    def _to_c(self, c: Any, keep: Keep) -> None:
        c.kind = lib.BARTER_RESULT_KIND_ERR
        self.error._to_c(c.error, keep)


#: ``Result<Open, OrderError>``, the answer to an open request.
OpenResult = Union[Ok[Open], Err]
#: ``Result<Cancelled, OrderError>``, the answer to a cancel request.
CancelResult = Union[Ok[Cancelled], Err]


def open_result_from_c(c: Any) -> OpenResult:
    if c.kind == lib.BARTER_RESULT_KIND_OK:
        ok: Ok[Open] = make(Ok, (Open._from_c(c),))
        return ok
    return _err_from_c(c)


def cancel_result_from_c(c: Any) -> CancelResult:
    if c.kind == lib.BARTER_RESULT_KIND_OK:
        ok: Ok[Cancelled] = make(Ok, (Cancelled._from_c(c),))
        return ok
    return _err_from_c(c)


def _err_from_c(c: Any) -> Err:
    err: Err = make(Err, (error_from_c(c.error),))
    return err


def state_from_c(c: Any) -> OrderState:
    return STATES_FROM_C[c.kind](c)
