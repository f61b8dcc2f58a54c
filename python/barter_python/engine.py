"""Typed values of barter's engine (barter 0.14, indexed keys), read from
serde's JSON: the audit stream (``AuditTick`` of an ``EngineAudit``), the
events the engine processes (``EngineEvent``: commands, trading state,
account and market streams), what it outputs (``EngineOutput``), its errors,
and the state snapshot (``AuditTick`` of an ``EngineState``).

Execution values inside them (order requests, orders, account events) are
the classes of ``barter_python.execution``, parsed by Rust's serde.
barter-integration's ``NoneOneOrMany`` and ``OneOrMany`` are ``Items``:
tuples of the items that remember serde's variant.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any, Callable, ClassVar, Union

from ._keys import QUOTE, ExchangeId
from ._messages import (
    AccountEvent,
    AssetFees,
    Balance,
    OrderEvent,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderSnapshot,
)
from ._native import lib
from ._order_state import ActiveOrderState
from ._record import Record, make
from ._requests import Side
from ._serde import (
    DECIMAL,
    EXCHANGE,
    INDEX,
    NEWTYPE,
    NULL_VARIANT,
    RAW,
    SIDE,
    STR,
    TIMESTAMP,
    U64,
    UNIT_VARIANT,
    Codec,
    FrozenMap,
    Items,
    Serde,
    enum_codec,
    fail,
    json_kind,
    mapping,
    message,
    none_one_or_many,
    of,
    one_or_many,
    optional,
    pair,
    rust_json,
    schema,
    seq,
)
from .market import (
    AccountStreamEvent,
    IndexLookupError,
    MarketStreamEvent,
    OrderBookL1,
    Reconnecting,
)
from .timestamp import Timestamp

_OPEN = message(OrderRequestOpen)
_CANCEL = message(OrderRequestCancel)


def _struct(path: str, value: Any, *names: str) -> list[Any]:
    """The named fields of a JSON object, for the few shapes that are not a
    ``Serde`` class of their own."""
    if type(value) is not dict:
        fail(path, f"expected an object, got {json_kind(value)}")
    missing = [name for name in names if name not in value]
    if missing:
        fail(path, f"missing field `{missing[0]}`")
    return [value[name] for name in names]


# --- small shared types -------------------------------------------------------------------


class TradingState(enum.Enum):
    """barter's ``TradingState``: whether the engine's strategy may trade."""

    ENABLED = "Enabled"
    DISABLED = "Disabled"


TRADING_STATE = enum_codec(TradingState)


class Underlying(Serde):
    """barter-instrument's ``Underlying<AssetIndex>``."""

    __slots__ = ()
    _schema = schema(base=INDEX, quote=INDEX)
    base: int
    quote: int


class ExchangeAsset(Serde):
    """barter-instrument's ``ExchangeAsset<AssetNameInternal>``: an asset
    (by its internal name) on an exchange."""

    __slots__ = ()
    _schema = schema(exchange=EXCHANGE, asset=STR)
    exchange: ExchangeId
    asset: str


def _load_quote_fees(value: Any, path: str) -> AssetFees:
    asset, fees = _struct(path, value, "asset", "fees")
    if asset is not None:  # QuoteAsset is a unit struct: serde writes null
        fail(f"{path}.asset", f"expected null (QuoteAsset), got {json_kind(asset)}")
    fees_value: AssetFees = make(AssetFees, (QUOTE, DECIMAL.load(fees, f"{path}.fees")))
    return fees_value


def _check_fees(value: Any, path: str) -> AssetFees:
    if type(value) is not AssetFees:
        fail(path, f"must be an AssetFees, got {type(value).__name__}")
    return value


#: ``AssetFees<QuoteAsset>`` (``barter_python.execution.AssetFees``).
QUOTE_FEES = Codec(_load_quote_fees, lambda v: v.to_dict(), _check_fees)


def _load_balance(value: Any, path: str) -> Balance:
    total, free = _struct(path, value, "total", "free")
    balance: Balance = make(
        Balance, (DECIMAL.load(total, f"{path}.total"), DECIMAL.load(free, f"{path}.free"))
    )
    return balance


def _check_balance(value: Any, path: str) -> Balance:
    if type(value) is not Balance:
        fail(path, f"must be a Balance, got {type(value).__name__}")
    return value


#: ``Balance`` (``barter_python.execution.Balance``).
BALANCE = Codec(_load_balance, lambda v: v.to_dict(), _check_balance)


class Timed(Record):
    """barter-integration's ``Timed<T>``: a value and when it was seen."""

    __slots__ = ()
    __match_args__ = ("value", "time")
    _fields = __match_args__
    value: Any
    time: Timestamp

    def __new__(cls, value: Any, time: Timestamp) -> Timed:
        return make(cls, (value, TIMESTAMP.check(time, "Timed.time")))


def timed(codec: Codec) -> Codec:
    """``Timed<T>``: ``{"value": ..., "time": ...}``."""

    def load(value: Any, path: str) -> Timed:
        inner, time = _struct(path, value, "value", "time")
        result: Timed = make(
            Timed, (codec.load(inner, f"{path}.value"), TIMESTAMP.load(time, f"{path}.time"))
        )
        return result

    def check(value: Any, path: str) -> Timed:
        if type(value) is not Timed:
            fail(path, f"must be a Timed, got {type(value).__name__}")
        return Timed(codec.check(value.value, f"{path}.value"), value.time)

    return Codec(load, lambda v: {"value": codec.dump(v.value), "time": v.time.isoformat()}, check)


# --- errors ---------------------------------------------------------------------------------


class EngineError(Serde):
    """barter's ``EngineError``: ``RecoverableEngineError`` or
    ``UnrecoverableEngineError`` (values, not exceptions)."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class RecoverableEngineError(EngineError):
    """``EngineError::Recoverable(RecoverableEngineError)``."""

    __slots__ = ()
    _tag = "Recoverable"
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class ExecutionChannelUnhealthy(RecoverableEngineError):
    """``RecoverableEngineError::ExecutionChannelUnhealthy(String)``."""

    __slots__ = ()
    _tag = "ExecutionChannelUnhealthy"
    _shape = NEWTYPE
    _schema = schema(message=STR)


class UnrecoverableEngineError(EngineError):
    """``EngineError::Unrecoverable(UnrecoverableEngineError)``: the engine
    stops."""

    __slots__ = ()
    _tag = "Unrecoverable"
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class EngineIndexError(UnrecoverableEngineError):
    """``UnrecoverableEngineError::IndexError(IndexError)``: a key had no
    index (e.g. an order for an exchange without an execution)."""

    __slots__ = ()
    _tag = "IndexError"
    _shape = NEWTYPE
    _schema = schema(error=of(IndexLookupError))
    error: IndexLookupError


class ExecutionChannelTerminated(UnrecoverableEngineError):
    """``UnrecoverableEngineError::ExecutionChannelTerminated(String)``."""

    __slots__ = ()
    _tag = "ExecutionChannelTerminated"
    _shape = NEWTYPE
    _schema = schema(message=STR)


class Custom(UnrecoverableEngineError):
    """``UnrecoverableEngineError::Custom(String)``."""

    __slots__ = ()
    _tag = "Custom"
    _shape = NEWTYPE
    _schema = schema(message=STR)


# --- commands and events --------------------------------------------------------------------


class InstrumentFilter(Serde):
    """barter's ``InstrumentFilter``: which instruments a command applies to."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}
    _json_value = lib.BARTER_ENGINE_VALUE_INSTRUMENT_FILTER


class NoFilter(InstrumentFilter):
    """``InstrumentFilter::None``: every instrument."""

    __slots__ = ()
    _tag = "None"
    _shape = UNIT_VARIANT


class Exchanges(InstrumentFilter):
    """``InstrumentFilter::Exchanges``: the instruments of these exchanges
    (``ExchangeIndex`` ints), e.g. ``Exchanges([0])``."""

    __slots__ = ()
    _tag = "Exchanges"
    _shape = NEWTYPE
    _schema = schema(exchanges=one_or_many(INDEX))
    exchanges: Items


class Instruments(InstrumentFilter):
    """``InstrumentFilter::Instruments``: these instruments
    (``InstrumentIndex`` ints), e.g. ``Instruments([0, 2])``."""

    __slots__ = ()
    _tag = "Instruments"
    _shape = NEWTYPE
    _schema = schema(instruments=one_or_many(INDEX))
    instruments: Items


class Underlyings(InstrumentFilter):
    """``InstrumentFilter::Underlyings``: the instruments of these
    underlyings, e.g. ``Underlyings([Underlying(0, 1)])``."""

    __slots__ = ()
    _tag = "Underlyings"
    _shape = NEWTYPE
    _schema = schema(underlyings=one_or_many(of(Underlying)))
    underlyings: Items


class EngineEvent(Serde):
    """barter's ``EngineEvent``: what the engine processes."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}
    _json_value = lib.BARTER_ENGINE_VALUE_ENGINE_EVENT


class Shutdown(EngineEvent):
    """``EngineEvent::Shutdown(Shutdown)``."""

    __slots__ = ()
    _tag = "Shutdown"
    _shape = NULL_VARIANT


class Command(EngineEvent):
    """``EngineEvent::Command(Command)``: an instruction for the engine."""

    __slots__ = ()
    _tag = "Command"
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class SendOpenRequests(Command):
    """``Command::SendOpenRequests(OneOrMany<OrderRequestOpen>)``."""

    __slots__ = ()
    _tag = "SendOpenRequests"
    _shape = NEWTYPE
    _schema = schema(requests=one_or_many(_OPEN))
    requests: Items


class SendCancelRequests(Command):
    """``Command::SendCancelRequests(OneOrMany<OrderRequestCancel>)``."""

    __slots__ = ()
    _tag = "SendCancelRequests"
    _shape = NEWTYPE
    _schema = schema(requests=one_or_many(_CANCEL))
    requests: Items


class ClosePositions(Command):
    """``Command::ClosePositions(InstrumentFilter)``."""

    __slots__ = ()
    _tag = "ClosePositions"
    _shape = NEWTYPE
    _schema = schema(filter=of(InstrumentFilter))
    filter: InstrumentFilter


class CancelOrders(Command):
    """``Command::CancelOrders(InstrumentFilter)``."""

    __slots__ = ()
    _tag = "CancelOrders"
    _shape = NEWTYPE
    _schema = schema(filter=of(InstrumentFilter))
    filter: InstrumentFilter


class TradingStateUpdate(EngineEvent):
    """``EngineEvent::TradingStateUpdate(TradingState)``."""

    __slots__ = ()
    _tag = "TradingStateUpdate"
    _shape = NEWTYPE
    _schema = schema(state=TRADING_STATE)
    state: TradingState


class AccountItem(AccountStreamEvent):
    """``Event::Item(AccountEvent)`` of the account stream."""

    __slots__ = ()
    _tag = "Item"
    _shape = NEWTYPE
    _schema = schema(event=message(AccountEvent))
    event: AccountEvent


class Account(EngineEvent):
    """``EngineEvent::Account(AccountStreamEvent)``: an ``AccountItem`` or
    ``Reconnecting``."""

    __slots__ = ()
    _tag = "Account"
    _shape = NEWTYPE
    _schema = schema(event=of(AccountStreamEvent))
    event: AccountItem | Reconnecting


class Market(EngineEvent):
    """``EngineEvent::Market(MarketStreamEvent)``: a ``MarketItem`` or
    ``Reconnecting``."""

    __slots__ = ()
    _tag = "Market"
    _shape = NEWTYPE
    _schema = schema(event=of(MarketStreamEvent))
    event: MarketStreamEvent


# --- outputs --------------------------------------------------------------------------------


class PositionExited(Serde):
    """barter's ``PositionExited<QuoteAsset>``: a closed position."""

    __slots__ = ()
    _schema = schema(
        instrument=INDEX,
        side=SIDE,
        price_entry_average=DECIMAL,
        quantity_abs_max=DECIMAL,
        pnl_realised=DECIMAL,
        fees_enter=QUOTE_FEES,
        fees_exit=QUOTE_FEES,
        time_enter=TIMESTAMP,
        time_exit=TIMESTAMP,
        trades=seq(STR),
    )
    instrument: int
    side: Side
    price_entry_average: Decimal
    quantity_abs_max: Decimal
    pnl_realised: Decimal
    fees_enter: AssetFees
    fees_exit: AssetFees
    time_enter: Timestamp
    time_exit: Timestamp
    trades: tuple[str, ...]


class EngineOutput(Serde):
    """barter's ``EngineOutput`` for ``DefaultStrategy`` (whose trading
    disabled and disconnect reactions are ``()``)."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class ActionOutput(EngineOutput):
    """``EngineOutput::Commanded(ActionOutput)``: what a command did."""

    __slots__ = ()
    _tag = "Commanded"
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class OpenOrdersOutput(ActionOutput):
    """``ActionOutput::OpenOrders(SendRequestsOutput<RequestOpen>)``: the
    open requests sent, and those that failed with their ``EngineError``."""

    __slots__ = ()
    _tag = "OpenOrders"
    _schema = schema(
        sent=none_one_or_many(_OPEN),
        errors=none_one_or_many(pair(_OPEN, of(EngineError))),
    )
    sent: Items
    errors: Items


class CancelOrdersOutput(ActionOutput):
    """``ActionOutput::CancelOrders(SendRequestsOutput<RequestCancel>)``."""

    __slots__ = ()
    _tag = "CancelOrders"
    _schema = schema(
        sent=none_one_or_many(_CANCEL),
        errors=none_one_or_many(pair(_CANCEL, of(EngineError))),
    )
    sent: Items
    errors: Items


class ClosePositionsOutput(ActionOutput):
    """``ActionOutput::ClosePositions(SendCancelsAndOpensOutput)``: the
    cancels and the opens sent to close positions."""

    __slots__ = ()
    _tag = "ClosePositions"
    _schema = schema(cancels=of(CancelOrdersOutput), opens=of(OpenOrdersOutput))
    cancels: CancelOrdersOutput
    opens: OpenOrdersOutput


class RiskRefused(Serde):
    """barter's ``RiskRefused<OrderRequest…>``: a request the risk manager
    refused, and why."""

    __slots__ = ()
    item: Any
    reason: str


class RiskRefusedOpen(RiskRefused):
    __slots__ = ()
    _schema = schema(item=_OPEN, reason=STR)


class RiskRefusedCancel(RiskRefused):
    __slots__ = ()
    _schema = schema(item=_CANCEL, reason=STR)


class GenerateAlgoOrdersOutput(ActionOutput):
    """``ActionOutput::GenerateAlgoOrders(GenerateAlgoOrdersOutput)``."""

    __slots__ = ()
    _tag = "GenerateAlgoOrders"
    _schema = schema(
        cancels_and_opens=of(ClosePositionsOutput),
        cancels_refused=none_one_or_many(of(RiskRefusedCancel)),
        opens_refused=none_one_or_many(of(RiskRefusedOpen)),
    )
    cancels_and_opens: ClosePositionsOutput
    cancels_refused: Items
    opens_refused: Items


class OnTradingDisabled(EngineOutput):
    """``EngineOutput::OnTradingDisabled(())``."""

    __slots__ = ()
    _tag = "OnTradingDisabled"
    _shape = NULL_VARIANT


class AccountDisconnect(EngineOutput):
    """``EngineOutput::AccountDisconnect(())``."""

    __slots__ = ()
    _tag = "AccountDisconnect"
    _shape = NULL_VARIANT


class PositionExit(EngineOutput):
    """``EngineOutput::PositionExit(PositionExited)``."""

    __slots__ = ()
    _tag = "PositionExit"
    _shape = NEWTYPE
    _schema = schema(position=of(PositionExited))
    position: PositionExited


class MarketDisconnect(EngineOutput):
    """``EngineOutput::MarketDisconnect(())``."""

    __slots__ = ()
    _tag = "MarketDisconnect"
    _shape = NULL_VARIANT


class AlgoOrders(EngineOutput):
    """``EngineOutput::AlgoOrders(GenerateAlgoOrdersOutput)``."""

    __slots__ = ()
    _tag = "AlgoOrders"
    _shape = NEWTYPE
    _schema = schema(output=of(GenerateAlgoOrdersOutput))
    output: GenerateAlgoOrdersOutput


# --- the audit ------------------------------------------------------------------------------


class EngineAudit(Serde):
    """barter's ``EngineAudit``: ``FeedEnded`` or ``ProcessAudit``."""

    __slots__ = ()
    _variants: ClassVar[dict[str, type[Serde]]] = {}


class FeedEnded(EngineAudit):
    """``EngineAudit::FeedEnded``: the event feed ended."""

    __slots__ = ()
    _tag = "FeedEnded"
    _shape = UNIT_VARIANT


class ProcessAudit(EngineAudit):
    """``EngineAudit::Process(ProcessAudit)``: an event the engine processed,
    its outputs and the unrecoverable errors it met."""

    __slots__ = ()
    _tag = "Process"
    _schema = schema(
        event=of(EngineEvent),
        outputs=none_one_or_many(of(EngineOutput)),
        errors=none_one_or_many(of(UnrecoverableEngineError)),
    )
    event: EngineEvent
    outputs: Items
    errors: Items


# --- the state ------------------------------------------------------------------------------


class Asset(Serde):
    """barter-instrument's ``Asset``: its internal and exchange names."""

    __slots__ = ()
    _schema = schema(name_internal=STR, name_exchange=STR)
    name_internal: str
    name_exchange: str


class AssetState(Serde):
    """barter's ``AssetState``; ``statistics`` (the tear sheet generator) is
    kept as serde wrote it."""

    __slots__ = ()
    _schema = schema(asset=of(Asset), statistics=RAW, balance=optional(timed(BALANCE)))
    asset: Asset
    statistics: Any
    balance: Timed | None


def _pairs(key: Codec, value: Codec) -> Codec:
    """A map serialised as an array of ``[key, value]`` pairs (barter's
    ``AssetStates``: its keys are structs)."""
    pairs = seq(pair(key, value))
    return Codec(
        lambda v, p: FrozenMap(pairs.load(v, p)),
        lambda v: pairs.dump(tuple(v.items())),
        lambda v, p: FrozenMap(pairs.check(tuple(v.items()), p)),
    )


class Position(Serde):
    """barter's open ``Position<QuoteAsset>``."""

    __slots__ = ()
    _schema = schema(
        instrument=INDEX,
        side=SIDE,
        price_entry_average=DECIMAL,
        quantity_abs=DECIMAL,
        quantity_abs_max=DECIMAL,
        pnl_unrealised=DECIMAL,
        pnl_realised=DECIMAL,
        fees_enter=QUOTE_FEES,
        fees_exit=QUOTE_FEES,
        time_enter=TIMESTAMP,
        time_exchange_update=TIMESTAMP,
        trades=seq(STR),
    )
    instrument: int
    side: Side
    price_entry_average: Decimal
    quantity_abs: Decimal
    quantity_abs_max: Decimal
    pnl_unrealised: Decimal
    pnl_realised: Decimal
    fees_enter: AssetFees
    fees_exit: AssetFees
    time_enter: Timestamp
    time_exchange_update: Timestamp
    trades: tuple[str, ...]


_POSITION = optional(of(Position))


def _load_position_manager(value: Any, path: str) -> Position | None:
    (current,) = _struct(path, value, "current")
    position: Position | None = _POSITION.load(current, f"{path}.current")
    return position


#: ``PositionManager``, ``{"current": Option<Position>}``: the ``Position``
#: or ``None`` in Python.
POSITION_MANAGER = Codec(
    _load_position_manager, lambda v: {"current": _POSITION.dump(v)}, _POSITION.check
)

_SNAPSHOT = message(OrderSnapshot)


def _load_active_order(value: Any, path: str) -> OrderSnapshot:
    # The engine keeps Order<ActiveOrderState>, whose state is serde's
    # ActiveOrderState; OrderSnapshot's is OrderState, the same one level down.
    if type(value) is not dict:
        fail(path, f"expected an object, got {json_kind(value)}")
    order: OrderSnapshot = _SNAPSHOT.load({**value, "state": {"Active": value.get("state")}}, path)
    return order


def _dump_active_order(order: OrderSnapshot) -> dict[str, Any]:
    out = order.to_dict()
    out["state"] = out["state"]["Active"]
    return out


def _check_active_order(value: Any, path: str) -> OrderSnapshot:
    order: OrderSnapshot = _SNAPSHOT.check(value, path)
    if not isinstance(order.state, ActiveOrderState):
        fail(f"{path}.state", f"must be an ActiveOrderState, got {type(order.state).__name__}")
    return order


#: ``Order<ExchangeIndex, InstrumentIndex, ActiveOrderState>``, as an
#: ``OrderSnapshot`` whose state is active.
ACTIVE_ORDER = Codec(_load_active_order, _dump_active_order, _check_active_order)


class InstrumentMarketData(Serde):
    """barter's ``DefaultInstrumentMarketData``: the latest L1 book and the
    last traded price."""

    __slots__ = ()
    _schema = schema(l1=of(OrderBookL1), last_traded_price=optional(timed(DECIMAL)))
    l1: OrderBookL1
    last_traded_price: Timed | None


class InstrumentState(Serde):
    """barter's ``InstrumentState``: ``position`` is the open ``Position`` or
    ``None``; ``orders`` maps client order ids to the active orders.
    ``instrument`` and ``tear_sheet`` are kept as serde wrote them."""

    __slots__ = ()
    _schema = schema(
        key=INDEX,
        instrument=RAW,
        tear_sheet=RAW,
        position=POSITION_MANAGER,
        orders=mapping(ACTIVE_ORDER),
        data=of(InstrumentMarketData),
    )
    key: int
    instrument: Any
    tear_sheet: Any
    position: Position | None
    orders: FrozenMap[str, OrderSnapshot]
    data: InstrumentMarketData


class EngineState(Serde):
    """barter's ``EngineState<DefaultGlobalData, DefaultInstrumentMarketData>``.
    ``assets`` maps each ``ExchangeAsset`` to its ``AssetState``;
    ``instruments`` maps internal instrument names to ``InstrumentState``.
    ``global_data`` and ``connectivity`` are kept as serde wrote them."""

    __slots__ = ()
    _schema = schema(
        trading=TRADING_STATE,
        **{"global": RAW},  # a Python keyword
        connectivity=RAW,
        assets=_pairs(of(ExchangeAsset), of(AssetState)),
        instruments=mapping(of(InstrumentState)),
    )
    trading: TradingState
    connectivity: Any
    assets: FrozenMap[ExchangeAsset, AssetState]
    instruments: FrozenMap[str, InstrumentState]

    @property
    def global_data(self) -> Any:
        """The ``global`` field (a Python keyword)."""
        return self[1]

    @property
    def balances(self) -> dict[ExchangeAsset, Balance]:
        """The balance of each asset that has one."""
        return {
            key: state.balance.value
            for key, state in self.assets.items()
            if state.balance is not None
        }

    @property
    def positions(self) -> dict[str, Position]:
        """The open position of each instrument that has one, by name."""
        return {
            name: state.position
            for name, state in self.instruments.items()
            if state.position is not None
        }

    @property
    def orders(self) -> list[OrderSnapshot]:
        """Every active order, instrument by instrument."""
        return [order for state in self.instruments.values() for order in state.orders.values()]


# --- ticks ----------------------------------------------------------------------------------


class EngineContext(Serde):
    """barter's ``EngineContext``: the audit sequence number and engine time."""

    __slots__ = ()
    _schema = schema(sequence=U64, time=TIMESTAMP)
    sequence: int
    time: Timestamp


_AUDIT, _STATE = of(EngineAudit), of(EngineState)


def _tick_codec(pick: Callable[[Any], Codec]) -> Codec:
    def check(value: Any, path: str) -> Any:
        if not isinstance(value, (EngineAudit, EngineState)):
            fail(path, f"must be an EngineAudit or an EngineState, got {type(value).__name__}")
        return value

    return Codec(
        lambda v, p: pick(v).load(v, p),
        lambda v: (_STATE if isinstance(v, EngineState) else _AUDIT).dump(v),
        check,
    )


# An EngineAudit is "FeedEnded" or {"Process": ...}; a state is an object
# with the EngineState fields.
_TICK_EVENT = _tick_codec(lambda v: _STATE if type(v) is dict and "trading" in v else _AUDIT)

#: What an ``AuditTick`` carries.
TickEvent = Union[EngineAudit, EngineState]


class AuditTick(Serde):
    """barter's ``AuditTick``: an ``EngineAudit`` (``FeedEnded`` or
    ``ProcessAudit``), or the ``EngineState`` snapshot that starts an audit
    stream, with its ``EngineContext``."""

    __slots__ = ()
    _schema = schema(event=_TICK_EVENT, context=of(EngineContext))
    event: TickEvent
    context: EngineContext

    @property
    def sequence(self) -> int:
        return self.context.sequence

    @property
    def time(self) -> Timestamp:
        return self.context.time

    def to_json(self) -> bytes:
        """serde's exact bytes for the tick, printed by Rust (see ``Serde.to_json``)."""
        snapshot = isinstance(self.event, EngineState)
        value = (
            lib.BARTER_ENGINE_VALUE_STATE_SNAPSHOT
            if snapshot
            else lib.BARTER_ENGINE_VALUE_AUDIT_TICK
        )
        return rust_json(value, self.to_dict())

    def order_events(self) -> list[OrderEvent | OrderResponseCancel]:
        """The order updates the engine received in this tick: the
        ``OrderEvent(key, state)`` of an ``AccountEventKind::OrderSnapshot``,
        or the ``OrderResponseCancel`` of an ``OrderCancelled``."""
        audit = self.event
        if not isinstance(audit, ProcessAudit) or not isinstance(audit.event, Account):
            return []
        item = audit.event.event
        if not isinstance(item, AccountItem):
            return []
        kind = item.event.kind
        if isinstance(kind, OrderSnapshot):
            return [OrderEvent(kind.key, kind.state)]
        if isinstance(kind, OrderResponseCancel):
            return [kind]
        return []


__all__ = [
    "Account",
    "AccountDisconnect",
    "AccountItem",
    "AccountStreamEvent",
    "ActionOutput",
    "AlgoOrders",
    "Asset",
    "AssetState",
    "AuditTick",
    "CancelOrders",
    "CancelOrdersOutput",
    "ClosePositions",
    "ClosePositionsOutput",
    "Command",
    "Custom",
    "EngineAudit",
    "EngineContext",
    "EngineError",
    "EngineEvent",
    "EngineIndexError",
    "EngineOutput",
    "EngineState",
    "ExchangeAsset",
    "Exchanges",
    "ExecutionChannelTerminated",
    "ExecutionChannelUnhealthy",
    "FeedEnded",
    "GenerateAlgoOrdersOutput",
    "InstrumentFilter",
    "InstrumentMarketData",
    "InstrumentState",
    "Instruments",
    "Items",
    "Market",
    "MarketDisconnect",
    "NoFilter",
    "OnTradingDisabled",
    "OpenOrdersOutput",
    "Position",
    "PositionExit",
    "PositionExited",
    "ProcessAudit",
    "Reconnecting",
    "RecoverableEngineError",
    "RiskRefused",
    "RiskRefusedCancel",
    "RiskRefusedOpen",
    "SendCancelRequests",
    "SendOpenRequests",
    "Shutdown",
    "TickEvent",
    "Timed",
    "TradingState",
    "TradingStateUpdate",
    "Underlying",
    "UnrecoverableEngineError",
]
