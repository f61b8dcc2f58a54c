"""Typed barter-execution order events.

The classes mirror barter's types and names: ``OrderEvent(key, state)``,
``OrderKey(exchange, instrument, strategy, cid)``, one class per
``OrderState`` leaf and one per ``OrderError`` leaf. They are immutable,
hashable and compared by value; ``isinstance`` and ``match`` (Python 3.10+)
work on the state and error hierarchies.

Parsing always happens in Rust with serde, the single source of truth; each
class converts itself from and to its C struct below its definition.
"""

from __future__ import annotations

import json
from decimal import Context, Decimal
from typing import Any, Callable, ClassVar, NamedTuple, Union

from ._native import check, ffi, lib, string
from ._record import Record, _new, _set
from .errors import BarterValueError, Status
from .timestamp import Timestamp

__all__ = [
    "ActiveOrderState",
    "ApiError",
    "AssetInvalid",
    "BalanceInsufficient",
    "CancelInFlight",
    "Cancelled",
    "ConnectivityError",
    "ExchangeOffline",
    "Expired",
    "FullyFilled",
    "InactiveOrderState",
    "InstrumentInvalid",
    "LineError",
    "Open",
    "OpenFailed",
    "OpenInFlight",
    "OrderAlreadyCancelled",
    "OrderAlreadyFullyFilled",
    "OrderError",
    "OrderEvent",
    "OrderKey",
    "OrderRejected",
    "OrderState",
    "RateLimit",
    "Socket",
    "Timeout",
    "Timestamp",
]

JsonInput = Union[str, bytes, bytearray, memoryview]

_USIZE_MAX = (1 << (8 * ffi.sizeof("size_t"))) - 1
_MANTISSA_MAX = (1 << 96) - 1
_MAX_SCALE = lib.BARTER_DECIMAL_MAX_SCALE
# Wide enough to hold any rust_decimal exactly while normalising exponents.
_EXACT = Context(prec=100)


# --- validation of hand-built values -------------------------------------------------


def _check_str(value: object, field: str) -> str:
    if type(value) is not str:
        raise BarterValueError(f"{field} must be a str, got {type(value).__name__}")
    return value


def _check_index(value: object, field: str) -> int:
    if type(value) is not int or not 0 <= value <= _USIZE_MAX:
        raise BarterValueError(f"{field} must be an int in 0..={_USIZE_MAX}, got {value!r}")
    return value


def _check_decimal(value: object, field: str) -> Decimal:
    """A Decimal that rust_decimal holds exactly, in the form it would hold it:
    no positive exponent, no negative zero."""
    if not isinstance(value, Decimal):
        raise BarterValueError(f"{field} must be a decimal.Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise BarterValueError(f"{field} must be finite, got {value}")
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1), context=_EXACT)
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if -exponent > _MAX_SCALE:
        raise BarterValueError(f"{field} has {-exponent} decimal places; at most {_MAX_SCALE} fit")
    if _mantissa(digits) > _MANTISSA_MAX:
        raise BarterValueError(f"{field} has more digits than a 96-bit decimal mantissa holds")
    if sign and value.is_zero():
        value = value.copy_abs()
    return value


def _check_timestamp(value: object, field: str) -> Timestamp:
    if type(value) is not Timestamp:
        raise BarterValueError(f"{field} must be a Timestamp, got {type(value).__name__}")
    return value


def _check_type(value: object, expected: type[Any], field: str) -> Any:
    if not isinstance(value, expected):
        raise BarterValueError(f"{field} must be {expected.__name__}, got {type(value).__name__}")
    return value


# --- C struct helpers -----------------------------------------------------------------


class _Keep:
    """Holds the buffers C structs point into until the call that reads them returns."""

    __slots__ = ("buffers",)

    def __init__(self) -> None:
        self.buffers: list[Any] = []

    def text(self, view: Any, value: str, field: str) -> None:
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BarterValueError(f"{field}: not encodable as UTF-8: {exc.reason}") from None
        if data:
            buffer = ffi.new("uint8_t[]", data)
            self.buffers.append(buffer)
            view.ptr = buffer
        view.len = len(data)


def _decimal_from_c(c: Any) -> Decimal:
    mantissa = c.mantissa_lo | (c.mantissa_hi << 64)
    return Decimal(f"{'-' if c.negative else ''}{mantissa}E-{c.scale}")


def _mantissa(digits: tuple[int, ...]) -> int:
    return int("".join(map(str, digits)))


def _decimal_to_c(c: Any, value: Decimal) -> None:
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    mantissa = _mantissa(digits)
    c.mantissa_lo = mantissa & 0xFFFF_FFFF_FFFF_FFFF
    c.mantissa_hi = mantissa >> 64
    c.scale = -exponent
    c.negative = sign


def _timestamp_from_c(c: Any) -> Timestamp:
    return Timestamp._of(c.seconds, c.nanos)


def _timestamp_to_c(c: Any, value: Timestamp) -> None:
    c.seconds = value.seconds
    c.nanos = value.nanos


def _decimal_text(value: Decimal) -> str:
    # rust_decimal's Display: plain notation with exactly `scale` decimals.
    return format(value, "f")


# --- OrderKey -----------------------------------------------------------------------


class OrderKey(Record):
    """``OrderKey`` of the indexed form: which exchange, instrument, strategy
    and client order id an event belongs to."""

    __slots__ = ("cid", "exchange", "instrument", "strategy")
    __match_args__ = ("exchange", "instrument", "strategy", "cid")
    _fields = __match_args__
    exchange: int
    instrument: int
    strategy: str
    cid: str

    def __init__(self, exchange: int, instrument: int, strategy: str, cid: str) -> None:
        _set(self, "exchange", _check_index(exchange, "OrderKey.exchange"))
        _set(self, "instrument", _check_index(instrument, "OrderKey.instrument"))
        _set(self, "strategy", _check_str(strategy, "OrderKey.strategy"))
        _set(self, "cid", _check_str(cid, "OrderKey.cid"))

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
            "exchange": self.exchange,
            "instrument": self.instrument,
            "strategy": self.strategy,
            "cid": self.cid,
        }

    @classmethod
    def _from_c(cls, c: Any) -> OrderKey:
        key: OrderKey = _new(cls)
        _set(key, "exchange", c.exchange.index)
        _set(key, "instrument", c.instrument.index)
        _set(key, "strategy", string(c.strategy))
        _set(key, "cid", string(c.cid))
        return key

    def _to_c(self, c: Any, keep: _Keep) -> None:
        c.exchange.kind = lib.BARTER_KEY_KIND_INDEX
        c.exchange.index = self.exchange
        c.instrument.kind = lib.BARTER_KEY_KIND_INDEX
        c.instrument.index = self.instrument
        keep.text(c.strategy, self.strategy, "key.strategy")
        keep.text(c.cid, self.cid, "key.cid")


# --- OrderError ---------------------------------------------------------------------


class OrderError(Record):
    """Why an order failed: a ``ConnectivityError`` or an ``ApiError``."""

    __slots__ = ()
    _kind: ClassVar[int]

    def to_dict(self) -> Any:
        """serde's shape, e.g. ``{"Rejected": {"BalanceInsufficient": [1, "need 10"]}}``."""
        raise NotImplementedError

    def _to_c(self, c: Any, keep: _Keep) -> None:
        c.kind = self._kind


class ConnectivityError(OrderError):
    """``OrderError::Connectivity``."""

    __slots__ = ()


class ApiError(OrderError):
    """``OrderError::Rejected(ApiError)``."""

    __slots__ = ()


def _message_of(value: object, owner: str) -> str:
    return _check_str(value, f"{owner}.message")


class ExchangeOffline(ConnectivityError):
    """The exchange is offline; ``exchange`` is barter's ``ExchangeId`` name."""

    __slots__ = ("exchange",)
    __match_args__ = ("exchange",)
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_ERROR_KIND_CONNECTIVITY_EXCHANGE_OFFLINE
    exchange: str

    def __init__(self, exchange: str) -> None:
        _set(self, "exchange", _check_str(exchange, "ExchangeOffline.exchange"))

    def to_dict(self) -> Any:
        return {"Connectivity": {"ExchangeOffline": self.exchange}}

    def _to_c(self, c: Any, keep: _Keep) -> None:
        super()._to_c(c, keep)
        c.key.kind = lib.BARTER_KEY_KIND_NAME
        keep.text(c.key.name, self.exchange, "error.key")


class _Bare(OrderError):
    """An error leaf without a payload; serde writes it as ``{family: name}``."""

    __slots__ = ()
    _family: ClassVar[str]

    def __init__(self) -> None:
        pass

    def to_dict(self) -> Any:
        return {self._family: type(self).__name__}


class Timeout(_Bare, ConnectivityError):
    """The request timed out before a response arrived."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_ERROR_KIND_CONNECTIVITY_TIMEOUT
    _family = "Connectivity"


class _Message(OrderError):
    """An error leaf that carries only a message."""

    __slots__ = ("message",)
    __match_args__ = ("message",)
    _fields = __match_args__
    message: str
    _path: ClassVar[tuple[str, str]]

    def __init__(self, message: str) -> None:
        _set(self, "message", _message_of(message, type(self).__name__))

    def to_dict(self) -> Any:
        outer, inner = self._path
        return {outer: {inner: self.message}}

    def _to_c(self, c: Any, keep: _Keep) -> None:
        super()._to_c(c, keep)
        keep.text(c.message, self.message, "error.message")


class Socket(_Message, ConnectivityError):
    """A socket-level failure, with its description."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_ERROR_KIND_CONNECTIVITY_SOCKET
    _path = ("Connectivity", "Socket")


class _Keyed(ApiError):
    """An ``ApiError`` leaf naming an asset or instrument index, with a message."""

    __slots__ = ("message",)
    message: str
    _key_field: ClassVar[str]

    def __init__(self, key: int, message: str) -> None:
        name = type(self).__name__
        _set(self, self._key_field, _check_index(key, f"{name}.{self._key_field}"))
        _set(self, "message", _message_of(message, name))

    def to_dict(self) -> Any:
        return {"Rejected": {type(self).__name__: [getattr(self, self._key_field), self.message]}}

    def _to_c(self, c: Any, keep: _Keep) -> None:
        super()._to_c(c, keep)
        c.key.kind = lib.BARTER_KEY_KIND_INDEX
        c.key.index = getattr(self, self._key_field)
        keep.text(c.message, self.message, "error.message")


class AssetInvalid(_Keyed):
    """The asset is invalid or not supported."""

    __slots__ = ("asset",)
    __match_args__ = ("asset", "message")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_ASSET_INVALID
    _key_field = "asset"
    asset: int


class InstrumentInvalid(_Keyed):
    """The instrument is invalid or not supported."""

    __slots__ = ("instrument",)
    __match_args__ = ("instrument", "message")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_INSTRUMENT_INVALID
    _key_field = "instrument"
    instrument: int


class RateLimit(_Bare, ApiError):
    """The exchange's rate limit was exceeded."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_RATE_LIMIT
    _family = "Rejected"


class BalanceInsufficient(_Keyed):
    """Not enough balance of ``asset``."""

    __slots__ = ("asset",)
    __match_args__ = ("asset", "message")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_BALANCE_INSUFFICIENT
    _key_field = "asset"
    asset: int


class OrderRejected(_Message, ApiError):
    """The exchange rejected the order, with its reason."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_ORDER_REJECTED
    _path = ("Rejected", "OrderRejected")


class OrderAlreadyCancelled(_Bare, ApiError):
    """The order was already cancelled."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_ORDER_ALREADY_CANCELLED
    _family = "Rejected"


class OrderAlreadyFullyFilled(_Bare, ApiError):
    """The order was already fully filled."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_ERROR_KIND_API_ORDER_ALREADY_FULLY_FILLED
    _family = "Rejected"


def _error_from_c(c: Any) -> OrderError:
    return _ERRORS_FROM_C[c.kind](c)


def _bare(cls: type[OrderError]) -> Callable[[Any], OrderError]:
    instance = _new(cls)
    return lambda c: instance


def _keyed(cls: type[_Keyed]) -> Callable[[Any], OrderError]:
    def build(c: Any) -> OrderError:
        error: _Keyed = _new(cls)
        _set(error, cls._key_field, c.key.index)
        _set(error, "message", string(c.message))
        return error

    return build


def _with_message(cls: type[_Message]) -> Callable[[Any], OrderError]:
    def build(c: Any) -> OrderError:
        error: _Message = _new(cls)
        _set(error, "message", string(c.message))
        return error

    return build


def _exchange_offline(c: Any) -> OrderError:
    error: ExchangeOffline = _new(ExchangeOffline)
    _set(error, "exchange", string(c.key.name))
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

    def _to_c(self, c: Any, keep: _Keep) -> None:
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

    def __init__(self) -> None:
        pass

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

    __slots__ = ("filled_quantity", "id", "time_exchange")
    __match_args__ = ("id", "time_exchange", "filled_quantity")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_STATE_KIND_OPEN
    id: str
    time_exchange: Timestamp
    filled_quantity: Decimal

    def __init__(self, id: str, time_exchange: Timestamp, filled_quantity: Decimal) -> None:
        _set(self, "id", _check_str(id, "Open.id"))
        _set(self, "time_exchange", _check_timestamp(time_exchange, "Open.time_exchange"))
        _set(self, "filled_quantity", _check_decimal(filled_quantity, "Open.filled_quantity"))

    @property
    def order_id(self) -> str:
        """Alias of ``id``."""
        return self.id

    def _fields_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time_exchange": self.time_exchange.isoformat(),
            "filled_quantity": _decimal_text(self.filled_quantity),
        }

    def to_dict(self) -> Any:
        return {"Active": {"Open": self._fields_dict()}}

    @classmethod
    def _from_c(cls, c: Any) -> Open:
        state: Open = _new(cls)
        _set(state, "id", string(c.id))
        _set(state, "time_exchange", _timestamp_from_c(c.time_exchange))
        _set(state, "filled_quantity", _decimal_from_c(c.filled_quantity))
        return state

    def _to_c(self, c: Any, keep: _Keep) -> None:
        super()._to_c(c, keep)
        self._fill(c, keep)

    def _fill(self, c: Any, keep: _Keep) -> None:
        keep.text(c.id, self.id, "state.id")
        _timestamp_to_c(c.time_exchange, self.time_exchange)
        _decimal_to_c(c.filled_quantity, self.filled_quantity)


class CancelInFlight(ActiveOrderState):
    """The cancel request was sent; ``order`` is the open order, if known."""

    __slots__ = ("order",)
    __match_args__ = ("order",)
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_STATE_KIND_CANCEL_IN_FLIGHT
    order: Open | None

    def __init__(self, order: Open | None = None) -> None:
        if order is not None:
            _check_type(order, Open, "CancelInFlight.order")
        _set(self, "order", order)

    def to_dict(self) -> Any:
        order = None if self.order is None else self.order._fields_dict()
        return {"Active": {"CancelInFlight": {"order": order}}}

    @classmethod
    def _from_c(cls, c: Any) -> CancelInFlight:
        state: CancelInFlight = _new(cls)
        _set(state, "order", Open._from_c(c) if c.has_order else None)
        return state

    def _to_c(self, c: Any, keep: _Keep) -> None:
        super()._to_c(c, keep)
        if self.order is not None:
            c.has_order = 1
            self.order._fill(c, keep)


class Cancelled(InactiveOrderState):
    """The order was cancelled."""

    __slots__ = ("id", "time_exchange")
    __match_args__ = ("id", "time_exchange")
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_STATE_KIND_CANCELLED
    id: str
    time_exchange: Timestamp

    def __init__(self, id: str, time_exchange: Timestamp) -> None:
        _set(self, "id", _check_str(id, "Cancelled.id"))
        _set(self, "time_exchange", _check_timestamp(time_exchange, "Cancelled.time_exchange"))

    @property
    def order_id(self) -> str:
        """Alias of ``id``."""
        return self.id

    def to_dict(self) -> Any:
        return {
            "Inactive": {
                "Cancelled": {"id": self.id, "time_exchange": self.time_exchange.isoformat()}
            }
        }

    @classmethod
    def _from_c(cls, c: Any) -> Cancelled:
        state: Cancelled = _new(cls)
        _set(state, "id", string(c.id))
        _set(state, "time_exchange", _timestamp_from_c(c.time_exchange))
        return state

    def _to_c(self, c: Any, keep: _Keep) -> None:
        super()._to_c(c, keep)
        keep.text(c.id, self.id, "state.id")
        _timestamp_to_c(c.time_exchange, self.time_exchange)


class FullyFilled(_Unit, InactiveOrderState):
    """The order was completely filled."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_STATE_KIND_FULLY_FILLED
    _family = "Inactive"


class OpenFailed(InactiveOrderState):
    """The order could not be opened; ``error`` says why."""

    __slots__ = ("error",)
    __match_args__ = ("error",)
    _fields = __match_args__
    _kind = lib.BARTER_ORDER_STATE_KIND_OPEN_FAILED
    error: OrderError

    def __init__(self, error: OrderError) -> None:
        _set(self, "error", _check_type(error, OrderError, "OpenFailed.error"))

    def to_dict(self) -> Any:
        return {"Inactive": {"OpenFailed": self.error.to_dict()}}

    @classmethod
    def _from_c(cls, c: Any) -> OpenFailed:
        state: OpenFailed = _new(cls)
        _set(state, "error", _error_from_c(c.error))
        return state

    def _to_c(self, c: Any, keep: _Keep) -> None:
        super()._to_c(c, keep)
        self.error._to_c(c.error, keep)


class Expired(_Unit, InactiveOrderState):
    """The order expired."""

    __slots__ = ()
    _kind = lib.BARTER_ORDER_STATE_KIND_EXPIRED
    _family = "Inactive"


def _unit(cls: type[_Unit]) -> Callable[[Any], OrderState]:
    instance = _new(cls)
    return lambda c: instance


_STATES_FROM_C: dict[int, Callable[[Any], OrderState]] = {
    OpenInFlight._kind: _unit(OpenInFlight),
    Open._kind: Open._from_c,
    CancelInFlight._kind: CancelInFlight._from_c,
    Cancelled._kind: Cancelled._from_c,
    FullyFilled._kind: _unit(FullyFilled),
    OpenFailed._kind: OpenFailed._from_c,
    Expired._kind: _unit(Expired),
}


# --- OrderEvent ---------------------------------------------------------------------


class LineError(NamedTuple):
    """A line of JSON lines input that could not be decoded."""

    line: int
    status: Status
    message: str


class JsonLinesResult(NamedTuple):
    """The events of JSON lines input, and the lines that failed."""

    events: list[OrderEvent]
    errors: list[LineError]


def _input_bytes(data: JsonInput) -> bytes:
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BarterValueError(
                f"input is not valid UTF-8 text: {exc.reason} at index {exc.start}",
                Status.INVALID_UTF8,
            ) from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise BarterValueError(f"JSON input must be str or bytes, got {type(data).__name__}")


def _decode(data: JsonInput, format: int, flags: int = 0) -> JsonLinesResult:
    """One FFI call for the whole input, then the batch becomes Python objects."""
    raw = _input_bytes(data)
    out = ffi.new("BarterOrderEventBatch **")
    check(lib.barter_order_events_decode(raw, len(raw), format, flags, out))
    try:
        batch = out[0]
        events = [OrderEvent._from_c(batch.events[i]) for i in range(batch.len)]
        errors = [
            LineError(e.line, Status(e.status), string(e.message))
            for e in (batch.errors[i] for i in range(batch.errors_len))
        ]
    finally:
        lib.barter_order_event_batch_free(out)
    return JsonLinesResult(events, errors)


def _encode(events: list[OrderEvent], format: int) -> bytes:
    for index, event in enumerate(events):
        if type(event) is not OrderEvent:
            raise BarterValueError(f"event {index} is a {type(event).__name__}, not an OrderEvent")
    keep = _Keep()
    structs = ffi.new("BarterOrderEvent[]", len(events))
    for index, event in enumerate(events):
        try:
            event._to_c(structs[index], keep)
        except BarterValueError as exc:
            raise BarterValueError(f"event {index}: {exc.message}", exc.status) from None
    out = ffi.new("BarterBuffer **")
    check(lib.barter_order_events_encode(structs, len(events), format, out))
    try:
        data: bytes = ffi.buffer(out[0].data, out[0].len)[:]
        return data
    finally:
        lib.barter_buffer_free(out)


class OrderEvent(Record):
    """``OrderEvent<OrderState>``: an order's key and its new state."""

    __slots__ = ("key", "state")
    __match_args__ = ("key", "state")
    _fields = __match_args__
    key: OrderKey
    state: OrderState

    def __init__(self, key: OrderKey, state: OrderState) -> None:
        _set(self, "key", _check_type(key, OrderKey, "OrderEvent.key"))
        _set(self, "state", _check_type(state, OrderState, "OrderEvent.state"))

    # -- from Rust -----------------------------------------------------------------

    @classmethod
    def from_json(cls, data: JsonInput) -> OrderEvent:
        """Parses one serde JSON ``OrderEvent`` in Rust."""
        return _decode(data, lib.BARTER_JSON_FORMAT_ONE).events[0]

    @classmethod
    def from_json_array(cls, data: JsonInput) -> list[OrderEvent]:
        """Parses a JSON array of events with one call into Rust."""
        return _decode(data, lib.BARTER_JSON_FORMAT_ARRAY).events

    @classmethod
    def from_json_lines(cls, data: JsonInput) -> list[OrderEvent]:
        """Parses JSON lines (blank lines skipped) with one call into Rust.
        The first bad line raises, naming its line number."""
        return _decode(data, lib.BARTER_JSON_FORMAT_LINES).events

    @classmethod
    def decode_json_lines(cls, data: JsonInput) -> JsonLinesResult:
        """Like ``from_json_lines``, but bad lines are returned as ``LineError``s
        and every good line is still decoded."""
        return _decode(data, lib.BARTER_JSON_FORMAT_LINES, lib.BARTER_DECODE_COLLECT_ERRORS)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrderEvent:
        """Builds an event from serde's JSON shape (``json.loads`` of serde's
        text), validated by the same Rust parser as ``from_json``."""
        try:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise BarterValueError(f"from_dict: not a JSON value: {exc}") from None
        return cls.from_json(text)

    @classmethod
    def _from_c(cls, c: Any) -> OrderEvent:
        event: OrderEvent = _new(cls)
        _set(event, "key", OrderKey._from_c(c.key))
        state = c.state
        _set(event, "state", _STATES_FROM_C[state.kind](state))
        return event

    # -- to Rust / JSON ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Exactly ``json.loads`` of serde's JSON for this event."""
        return {"key": self.key.to_dict(), "state": self.state.to_dict()}

    def to_json(self) -> bytes:
        """serde's JSON bytes, produced in Rust from this event's C struct."""
        return _encode([self], lib.BARTER_JSON_FORMAT_ONE)

    @staticmethod
    def to_json_lines(events: list[OrderEvent]) -> bytes:
        """serde's JSON of each event, one per line, in one call into Rust."""
        return _encode(list(events), lib.BARTER_JSON_FORMAT_LINES)

    @staticmethod
    def to_json_array(events: list[OrderEvent]) -> bytes:
        """serde's JSON array of the events, in one call into Rust."""
        return _encode(list(events), lib.BARTER_JSON_FORMAT_ARRAY)

    def _to_c(self, c: Any, keep: _Keep) -> None:
        self.key._to_c(c.key, keep)
        self.state._to_c(c.state, keep)
