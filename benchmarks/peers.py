"""The suite's peers: the same decode done by other libraries.

- msgspec, the fastest CPython-only decoder: a typed decode of the same
  serde JSON into msgspec Structs. serde's externally tagged enums become
  Structs with one optional field per variant (UNSET when absent). msgspec
  keeps microseconds only, so it cannot match the bridge's fields exactly.
- A PyO3 extension written the way PyO3 bindings usually are (serde into
  barter's types, then ``#[pyclass]`` objects with an eager ``Decimal`` and
  an aware ``datetime``): benchmarks/pyo3_peer, built for the interpreter
  at hand by scripts/build_pyo3_peer.sh and found through
  ``BARTER_PYO3_PEER`` (the directory holding it).

Each peer's values are compared with the library's through ``canonical``:
plain tuples of what both hold."""

import datetime as dt
import importlib
import os
import sys
from decimal import Decimal
from typing import Any, Callable, Optional, Union

from paths import Part, key_sum

from barter_python.execution import (
    CancelInFlight,
    Cancelled,
    ExchangeId,
    Keys,
    Open,
    OpenFailed,
)

try:
    import msgspec
    from msgspec import UNSET, Struct, UnsetType
except ImportError:  # PyPy, or not installed
    msgspec = None


if msgspec is not None:

    class KeyS(Struct):
        exchange: Union[int, str]
        instrument: Union[int, str]
        strategy: str
        cid: str

    class OpenS(Struct):
        id: str
        time_exchange: dt.datetime
        filled_quantity: Decimal

    class CancelInFlightS(Struct):
        order: Optional[OpenS]

    class ActiveS(Struct):
        OpenInFlight: Union[UnsetType, None] = UNSET
        Open: Union[OpenS, UnsetType] = UNSET
        CancelInFlight: Union[CancelInFlightS, UnsetType] = UNSET

    class CancelledS(Struct):
        id: str
        time_exchange: dt.datetime

    class InactiveS(Struct):
        Cancelled: Union[CancelledS, UnsetType] = UNSET
        OpenFailed: Any = UNSET

    class StateS(Struct):
        Active: Union[ActiveS, UnsetType] = UNSET
        Inactive: Union[str, InactiveS, UnsetType] = UNSET

    class EventS(Struct):
        key: KeyS
        state: StateS


def msgspec_path() -> Optional[Callable[[list[Part]], list[Any]]]:
    if msgspec is None:
        return None
    decode_lines = msgspec.json.Decoder(EventS).decode_lines

    def decode(parts: list[Part]) -> list[Any]:
        events: list[Any] = []
        for part in parts:
            events += decode_lines(part.data)
        return events

    return decode


def _msgspec_order(state: Any) -> Any:
    active = state.Active
    if active is UNSET:
        inactive = state.Inactive
        if isinstance(inactive, str) or inactive.Cancelled is UNSET:
            return None
        return inactive.Cancelled
    if active.Open is not UNSET:
        return active.Open
    return active.CancelInFlight.order if active.CancelInFlight is not UNSET else None


def msgspec_touch(events: list[Any]) -> int:
    """Reads every field msgspec decoded; returns a checksum of them."""
    total = 0
    for event in events:
        key = event.key
        total += key_sum(key) + len(key.strategy) + len(key.cid)
        order = _msgspec_order(event.state)
        if order is not None:
            total += len(order.id) + order.time_exchange.second
            if isinstance(order, OpenS):
                total += int(order.filled_quantity)
    return total


# --- the PyO3 peer --------------------------------------------------------------------


def pyo3_module() -> Any:
    """The built PyO3 peer, or None when ``BARTER_PYO3_PEER`` is unset."""
    where = os.environ.get("BARTER_PYO3_PEER")
    if not where:
        return None
    sys.path.insert(0, where)
    return importlib.import_module("barter_pyo3_peer")


def pyo3_path(module: Any) -> Callable[[list[Part]], list[Any]]:
    decode_lines = module.decode_lines

    def decode(parts: list[Part]) -> list[Any]:
        events: list[Any] = []
        for part in parts:
            events += decode_lines(part.data, part.keys == Keys.INDEXED)
        return events

    return decode


def pyo3_touch(events: list[Any], module: Any) -> int:
    """Reads every field of the PyO3 peer's objects, as ``full_access`` does
    the library's; returns a checksum of them."""
    open_, cancel_in_flight = module.Open, module.CancelInFlight
    cancelled, open_failed = module.Cancelled, module.OpenFailed
    total = 0
    for event in events:
        key = event.key
        total += key_sum(key) + len(key.strategy) + len(key.cid)
        state = event.state
        kind = type(state)
        if kind is cancel_in_flight:
            state = state.order
            kind = type(state)
        if kind is open_ or kind is cancelled:
            total += len(state.id) + state.nanos + state.time_exchange.second
            if kind is open_:
                total += int(state.filled_quantity)
        elif kind is open_failed:
            error = state.error
            total += len(error.kind) + (error.message is not None) + (error.key is not None)
    return total


# --- one canonical form for comparing values ---------------------------------------


def _key(key: Any) -> tuple[Any, ...]:
    exchange = key.exchange.value if isinstance(key.exchange, ExchangeId) else key.exchange
    return (exchange, key.instrument, key.strategy, key.cid)


def _when(moment: dt.datetime, nanos: Optional[int]) -> tuple[Any, ...]:
    return (moment, nanos) if nanos is not None else (moment,)


def canonical(event: Any, nanos: bool = True) -> tuple[Any, ...]:
    """The library's ``OrderEvent`` as plain values: key, state name, order
    id, time (``datetime``, then nanoseconds within the second unless
    ``nanos`` is false), quantity, error leaf and its values."""
    state = event.state
    order = _order(state)
    values: tuple[Any, ...] = (type(state).__name__,)
    if isinstance(order, (Open, Cancelled)):
        stamp = order.time_exchange
        values += (order.id, *_when(stamp.datetime, stamp.nanos if nanos else None))
        if isinstance(order, Open):
            values += (order.filled_quantity,)
    elif isinstance(state, OpenFailed):
        error = state.error
        fields = (f.value if isinstance(f, ExchangeId) else f for f in error)
        values += (type(error).__name__, *fields)
    return (_key(event.key), values)


def pyo3_canonical(event: Any, module: Any) -> tuple[Any, ...]:
    """The PyO3 peer's event in ``canonical``'s form."""
    state = event.state
    name = type(state).__name__
    order = state.order if isinstance(state, module.CancelInFlight) else state
    values: tuple[Any, ...] = (name,)
    if isinstance(order, (module.Open, module.Cancelled)):
        values += (order.id, order.time_exchange, order.nanos)
        if isinstance(order, module.Open):
            values += (order.filled_quantity,)
    elif isinstance(state, module.OpenFailed):
        error = state.error
        values += (error.kind, *(v for v in (error.key, error.message) if v is not None))
    return (_key(event.key), values)


def msgspec_canonical(event: Any) -> tuple[Any, ...]:
    """msgspec's event in ``canonical``'s form without nanoseconds (errors
    are left as msgspec decoded them: dicts)."""
    state = event.state
    active, inactive = state.Active, state.Inactive
    if active is not UNSET:
        name = next(f for f in ("OpenInFlight", "Open", "CancelInFlight")
                    if getattr(active, f) is not UNSET)  # fmt: skip
    elif isinstance(inactive, str):
        name = inactive
    else:
        name = "Cancelled" if inactive.Cancelled is not UNSET else "OpenFailed"
    values: tuple[Any, ...] = (name,)
    order = _msgspec_order(state)
    if order is not None:
        values += (order.id, order.time_exchange)
        if isinstance(order, OpenS):
            values += (order.filled_quantity,)
    elif name == "OpenFailed":
        values += (inactive.OpenFailed,)
    return (_key(event.key), values)


def library_for_msgspec(event: Any) -> tuple[Any, ...]:
    """The library's event as ``msgspec_canonical`` sees it: msgspec rounds
    a time to the nearest microsecond, where ``Timestamp.datetime`` drops
    the digits below it."""
    key, values = canonical(event, nanos=False)
    if values[0] == "OpenFailed":
        values = ("OpenFailed", event.state.error.to_dict())
    elif len(values) > 2:
        stamp = _order(event.state).time_exchange
        micros = (stamp.nanos + 500) // 1000
        values = (*values[:2], _EPOCH + dt.timedelta(seconds=stamp.seconds, microseconds=micros),
                  *values[3:])  # fmt: skip
    return (key, values)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _order(state: Any) -> Any:
    return state.order if isinstance(state, CancelInFlight) else state
