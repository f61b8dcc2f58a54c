"""msgspec, the fastest CPython-only peer: a typed decode of the same serde
JSON into msgspec Structs. serde's externally tagged enums become Structs with
one optional field per variant (UNSET when absent). msgspec keeps
microseconds only, so it cannot match the bridge's fields exactly; its
checksum covers what it keeps."""

import datetime as dt
from decimal import Decimal
from typing import Any, Callable, Optional, Union

try:
    import msgspec
    from msgspec import UNSET, Struct, UnsetType
except ImportError:  # PyPy, or not installed
    msgspec = None


if msgspec is not None:

    class KeyS(Struct):
        exchange: int
        instrument: int
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


def msgspec_path() -> Optional[Callable[[bytes], list[Any]]]:
    if msgspec is None:
        return None
    return msgspec.json.Decoder(EventS).decode_lines  # type: ignore[no-any-return]


def msgspec_touch(events: list[Any]) -> int:
    """Reads every field msgspec decoded; returns a checksum of them."""
    total = 0
    for event in events:
        key = event.key
        total += key.exchange + key.instrument + len(key.strategy) + len(key.cid)
        state = event.state
        active = state.Active
        if active is not UNSET:
            order = active.Open if active.Open is not UNSET else None
            if active.CancelInFlight is not UNSET:
                order = active.CancelInFlight.order
            if order is not None:
                total += len(order.id) + order.time_exchange.second
                total += int(order.filled_quantity)
        else:
            inactive = state.Inactive
            if not isinstance(inactive, str) and inactive.Cancelled is not UNSET:
                total += len(inactive.Cancelled.id) + inactive.Cancelled.time_exchange.second
    return total
