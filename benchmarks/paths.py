"""The decode paths the suite compares. Each takes the workload's parts
(JSON lines of one key form each, as bytes and as a list of lines) and
returns one list of event objects, the parts' events in order."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Callable, NamedTuple

from barter_python import _codec
from barter_python._native import check, ffi, lib
from barter_python._record import make
from barter_python.execution import (
    AssetInvalid,
    BalanceInsufficient,
    CancelInFlight,
    Cancelled,
    ExchangeId,
    ExchangeOffline,
    Expired,
    FullyFilled,
    InstrumentInvalid,
    Keys,
    Open,
    OpenFailed,
    OpenInFlight,
    OrderAlreadyCancelled,
    OrderAlreadyFullyFilled,
    OrderEvent,
    OrderKey,
    OrderRejected,
    RateLimit,
    Socket,
    Timeout,
    Timestamp,
)


class Part(NamedTuple):
    """JSON lines of one key form."""

    keys: Keys
    data: bytes
    lines: list[bytes]

    @classmethod
    def of(cls, keys: Keys, lines: list[bytes]) -> Part:
        return cls(keys, b"\n".join(lines) + b"\n", lines)


def key_sum(key: Any) -> int:
    """A checksum of a key's exchange and instrument, an index or a name in
    either key form: what every path's full-access loop reads of them."""
    exchange, instrument = key.exchange, key.instrument
    total = exchange if type(exchange) is int else len(exchange)
    return total + (instrument if type(instrument) is int else len(instrument))


# --- the bridge ---------------------------------------------------------------------


def bridge_lines(parts: list[Part]) -> list[Any]:
    """JSON lines → Rust (serde) → C structs → typed objects. Large inputs
    are parsed on a library thread, batch by batch, while Python builds."""
    events: list[Any] = []
    for part in parts:
        events += OrderEvent.from_json_lines(part.data, part.keys)
    return events


def bridge_lines_one_thread(parts: list[Part]) -> list[Any]:
    """The same, with Rust's parse not overlapped with Python's building
    (what a single core gets)."""
    saved = _codec._STREAM_FROM_BYTES
    _codec._STREAM_FROM_BYTES = max(len(part.data) for part in parts) + 1
    try:
        return bridge_lines(parts)
    finally:
        _codec._STREAM_FROM_BYTES = saved


def bridge_single(parts: list[Part]) -> list[Any]:
    """One ``from_json`` call per event."""
    from_json = OrderEvent.from_json
    return [from_json(line, part.keys) for part in parts for line in part.lines]


class RustOrigin:
    """Events that already live in Rust as C structs, handed over in batches
    the size the streamed decode uses (as a session's drains would hand them
    over): only the struct → object step is timed. The structs are made
    once, untimed, by ``barter_decode``."""

    def __init__(self, parts: list[Part]) -> None:
        size = _codec._STREAM_ITEMS
        self._outs = []
        for part in parts:
            for first in range(0, len(part.lines), size):
                chunk = b"\n".join(part.lines[first : first + size])
                out = ffi.new("BarterBatch **")
                check(
                    lib.barter_decode(
                        lib.BARTER_MESSAGE_ORDER_EVENT, part.keys, chunk, len(chunk),
                        lib.BARTER_JSON_FORMAT_LINES, 0, out,
                    )
                )  # fmt: skip
                self._outs.append((out, part.keys))

    def __call__(self) -> list[Any]:
        fast = _codec.FAST_DECODERS[lib.BARTER_MESSAGE_ORDER_EVENT]
        events: list[Any] = []
        for out, keys in self._outs:
            events += fast(out[0], keys)
        return events

    def close(self) -> None:
        for out, _ in self._outs:
            lib.barter_batch_free(out)


# --- pure Python: parse with a JSON library, build the same typed objects -----------

_BARE = {
    "Timeout": Timeout(),
    "RateLimit": RateLimit(),
    "OrderAlreadyCancelled": OrderAlreadyCancelled(),
    "OrderAlreadyFullyFilled": OrderAlreadyFullyFilled(),
}
_KEYED = {
    "AssetInvalid": AssetInvalid,
    "InstrumentInvalid": InstrumentInvalid,
    "BalanceInsufficient": BalanceInsufficient,
}
_OPEN_IN_FLIGHT, _FULLY_FILLED, _EXPIRED = OpenInFlight(), FullyFilled(), Expired()


def _open(fields: dict[str, Any]) -> Any:
    return make(
        Open,
        (
            fields["id"],
            Timestamp.parse(fields["time_exchange"]),
            Decimal(fields["filled_quantity"]),
        ),
    )


def _error(value: Any) -> Any:
    _, leaf = next(iter(value.items()))
    if isinstance(leaf, str):
        return _BARE[leaf]
    name, payload = next(iter(leaf.items()))
    if name == "ExchangeOffline":
        return make(ExchangeOffline, (ExchangeId(payload),))
    if name in _KEYED:
        return make(_KEYED[name], tuple(payload))
    return make(Socket if name == "Socket" else OrderRejected, (payload,))


def _indexed_key(k: dict[str, Any]) -> Any:
    return make(OrderKey, (k["exchange"], k["instrument"], k["strategy"], k["cid"]))


def _unindexed_key(k: dict[str, Any]) -> Any:
    return make(OrderKey, (ExchangeId(k["exchange"]), k["instrument"], k["strategy"], k["cid"]))


KEY_BUILDERS = {Keys.INDEXED: _indexed_key, Keys.UNINDEXED: _unindexed_key}


def build(value: dict[str, Any], key_of: Callable[[dict[str, Any]], Any] = _indexed_key) -> Any:
    """A typed ``OrderEvent`` from ``json.loads`` output, the cheapest way
    pure Python can (no validation, like a decoder that trusts its input)."""
    key = key_of(value["key"])
    state = value["state"]
    if "Active" in state:
        name, payload = next(iter(state["Active"].items()))
        if name == "Open":
            decoded: Any = _open(payload)
        elif name == "OpenInFlight":
            decoded = _OPEN_IN_FLIGHT
        else:
            order = payload["order"]
            decoded = make(CancelInFlight, (None if order is None else _open(order),))
    else:
        inactive = state["Inactive"]
        if inactive == "FullyFilled":
            decoded = _FULLY_FILLED
        elif inactive == "Expired":
            decoded = _EXPIRED
        else:
            name, payload = next(iter(inactive.items()))
            if name == "Cancelled":
                decoded = make(
                    Cancelled, (payload["id"], Timestamp.parse(payload["time_exchange"]))
                )
            else:
                decoded = make(OpenFailed, (_error(payload),))
    return make(OrderEvent, (key, decoded))


def loads_build(loads: Callable[[bytes], Any], parts: list[Part]) -> list[Any]:
    events = []
    for part in parts:
        key_of = KEY_BUILDERS[part.keys]
        events += [build(loads(line), key_of) for line in part.lines]
    return events


def json_build(parts: list[Part]) -> list[Any]:
    return loads_build(json.loads, parts)


def orjson_build_path() -> Callable[[list[Part]], list[Any]] | None:
    try:
        import orjson  # noqa: PLC0415 - optional, CPython only
    except ImportError:
        return None
    return lambda parts: loads_build(orjson.loads, parts)


# --- floors: building objects from values already in Python ------------------------


def prepare_values(events: list[Any]) -> list[tuple[Any, ...]]:
    """Flat Python values per event, as a decoder would have them at hand:
    the key's four fields, a state tag, then the state's scalars (an error is
    kept whole: it is 5% of the workload)."""
    out: list[tuple[Any, ...]] = []
    for event in events:
        key, state = tuple(event.key), event.state
        order = state.order if isinstance(state, CancelInFlight) else state
        if isinstance(order, (Open, Cancelled)):
            ts = order.time_exchange
            quantity = str(order.filled_quantity) if isinstance(order, Open) else ""
            tag = type(state).__name__
            out.append((*key, tag, order.id, ts.seconds, ts.nanos, quantity))
        elif isinstance(state, OpenFailed):
            out.append((*key, "OpenFailed", state.error))
        else:
            out.append((*key, type(state).__name__))
    return out


_UNITS = {"OpenInFlight": _OPEN_IN_FLIGHT, "FullyFilled": _FULLY_FILLED, "Expired": _EXPIRED}


def python_floor(values: list[tuple[Any, ...]]) -> list[Any]:
    """Our typed objects built straight from prepared values: the cost of the
    objects themselves (eager Decimal and Timestamp)."""
    out = []
    append = out.append
    units = _UNITS
    for v in values:
        key = make(OrderKey, v[:4])
        tag = v[4]
        if tag in units:
            state = units[tag]
        elif tag == "OpenFailed":
            state = make(OpenFailed, (v[5],))
        elif tag == "CancelInFlight" and len(v) == 5:
            state = make(CancelInFlight, (None,))
        elif tag == "Cancelled":
            state = make(Cancelled, (v[5], make(Timestamp, (v[6], v[7]))))
        else:
            state = make(Open, (v[5], make(Timestamp, (v[6], v[7])), Decimal(v[8])))
            if tag == "CancelInFlight":
                state = make(CancelInFlight, (state,))
        append(make(OrderEvent, (key, state)))
    return out


def tuple_floor(values: list[tuple[Any, ...]]) -> list[Any]:
    """Plain tuples of the same shape and the same Decimal: the container floor."""
    out = []
    append = out.append
    for v in values:
        key = v[:4]
        tag = v[4]
        if len(v) == 5:
            state: Any = (tag,)
        elif tag == "OpenFailed":
            state = (tag, v[5])
        elif tag == "Cancelled":
            state = (tag, v[5], (v[6], v[7]))
        else:
            state = (tag, v[5], (v[6], v[7]), Decimal(v[8]))
        append((key, state))
    return out
