"""Batch decoding without per-field FFI calls, for CPython.

On CPython each cffi field read costs ~50-80 ns, which would dominate a
decode. Here a whole batch of ``BarterOrderEvent`` structs is read with one
``ffi.buffer`` and ``struct.iter_unpack`` (the struct format is derived from
cffi's own view of the layout, so it cannot drift from the header), and every
string of the batch is sliced out of one copy of the batch's string buffer.
PyPy's JIT makes direct field access cheaper than this, so it keeps the
per-field path of ``_from_c``.

The objects built are exactly the ones ``_from_c`` builds; the tests compare
both paths.
"""

from __future__ import annotations

import gc
import platform
import struct
from decimal import Decimal
from typing import Any, Callable

from . import _codec
from ._keys import ExchangeId, OrderKey
from ._messages import OrderEvent
from ._native import ffi, lib
from ._order_state import (
    AssetInvalid,
    BalanceInsufficient,
    CancelInFlight,
    Cancelled,
    ExchangeOffline,
    Expired,
    FullyFilled,
    InstrumentInvalid,
    Open,
    OpenFailed,
    OpenInFlight,
    OrderAlreadyCancelled,
    OrderAlreadyFullyFilled,
    OrderRejected,
    RateLimit,
    Socket,
    Timeout,
)
from ._record import make
from .timestamp import Timestamp

_CODES = {1: "B", 2: "H", 4: "I", 8: "Q"}


def flat_layout(c_type: str) -> tuple[struct.Struct, dict[str, int]]:
    """A ``struct`` format reading every scalar field of ``c_type`` (nested
    structs flattened to dotted names, reserved bytes skipped), and the
    position of each field in the unpacked tuple."""
    leaves: list[tuple[int, str, Any]] = []

    def walk(ctype: Any, prefix: str, base: int) -> None:
        for name, field in ctype.fields:
            kind, offset = field.type.kind, base + field.offset
            if kind == "struct":
                walk(field.type, f"{prefix}{name}.", offset)
            elif kind in ("primitive", "pointer") and name != "reserved":
                leaves.append((offset, f"{prefix}{name}", field.type))

    walk(ffi.typeof(c_type), "", 0)
    leaves.sort(key=lambda leaf: leaf[0])
    codes, position = ["="], 0
    for offset, _, ctype in leaves:
        if offset > position:
            codes.append(f"{offset - position}x")
        code = _CODES[ffi.sizeof(ctype)]
        codes.append(code.lower() if ctype.cname.startswith("int") else code)
        position = offset + ffi.sizeof(ctype)
    codes.append(f"{ffi.sizeof(c_type) - position}x")
    layout = struct.Struct("".join(codes))
    assert layout.size == ffi.sizeof(c_type)
    return layout, {name: index for index, (_, name, _) in enumerate(leaves)}


# Equal decimals recur (zero fills, round quantities); they are immutable,
# so one object can serve them all.
_DECIMALS: dict[tuple[int, int, int, int], Decimal] = {}
_DECIMAL_CACHE_SIZE = 1 << 14


def _decimal(lo: int, hi: int, scale: int, negative: int) -> Decimal:
    key = (lo, hi, scale, negative)
    value = _DECIMALS.get(key)
    if value is None:
        if len(_DECIMALS) >= _DECIMAL_CACHE_SIZE:
            _DECIMALS.clear()
        value = _DECIMALS[key] = Decimal(f"{'-' if negative else ''}{lo | hi << 64}E-{scale}")
    return value


def _order_event_decoder() -> Callable[[Any], list[Any]]:  # noqa: PLR0915 - one flat hot loop
    layout, at = flat_layout("BarterOrderEvent")
    size = layout.size
    index_kind = lib.BARTER_KEY_KIND_INDEX
    ex_kind, ex_index = at["key.exchange.kind"], at["key.exchange.index"]
    ex_ptr, ex_len = at["key.exchange.name.ptr"], at["key.exchange.name.len"]
    in_kind, in_index = at["key.instrument.kind"], at["key.instrument.index"]
    in_ptr, in_len = at["key.instrument.name.ptr"], at["key.instrument.name.len"]
    st_ptr, st_len = at["key.strategy.ptr"], at["key.strategy.len"]
    cid_ptr, cid_len = at["key.cid.ptr"], at["key.cid.len"]
    kind, has_order = at["state.kind"], at["state.has_order"]
    id_ptr, id_len = at["state.id.ptr"], at["state.id.len"]
    seconds, nanos = at["state.time_exchange.seconds"], at["state.time_exchange.nanos"]
    lo, hi = at["state.filled_quantity.mantissa_lo"], at["state.filled_quantity.mantissa_hi"]
    scale, negative = at["state.filled_quantity.scale"], at["state.filled_quantity.negative"]
    err_kind = at["state.error.kind"]
    key_kind, key_index = at["state.error.key.kind"], at["state.error.key.index"]
    key_ptr, key_len = at["state.error.key.name.ptr"], at["state.error.key.name.len"]
    msg_ptr, msg_len = at["state.error.message.ptr"], at["state.error.message.len"]

    singletons: dict[int, Any] = {
        OpenInFlight._kind: OpenInFlight(),
        FullyFilled._kind: FullyFilled(),
        Expired._kind: Expired(),
    }
    bare_errors: dict[int, Any] = {
        cls._kind: cls()
        for cls in (Timeout, RateLimit, OrderAlreadyCancelled, OrderAlreadyFullyFilled)
    }
    message_errors = {cls._kind: cls for cls in (Socket, OrderRejected)}
    keyed_errors = {
        cls._kind: cls for cls in (AssetInvalid, InstrumentInvalid, BalanceInsufficient)
    }
    cancel_kind, cancelled_kind = CancelInFlight._kind, Cancelled._kind
    failed_kind, offline_kind = OpenFailed._kind, ExchangeOffline._kind

    def error(t: tuple[Any, ...], text: bytes, base: int) -> Any:
        error_kind = t[err_kind]
        bare = bare_errors.get(error_kind)
        if bare is not None:
            return bare
        p = t[msg_ptr] - base
        message = text[p : p + t[msg_len]].decode()
        if error_kind in message_errors:
            return make(message_errors[error_kind], (message,))
        p = t[key_ptr] - base
        name = text[p : p + t[key_len]].decode()
        if error_kind == offline_kind:
            return make(ExchangeOffline, (ExchangeId(name),))
        error_key = t[key_index] if t[key_kind] == index_kind else name
        return make(keyed_errors[error_kind], (error_key, message))

    def state(t: tuple[Any, ...], text: bytes, base: int) -> Any:
        state_kind = t[kind]
        if state_kind == failed_kind:
            return make(OpenFailed, (error(t, text, base),))
        if state_kind == cancel_kind and not t[has_order]:
            return make(CancelInFlight, (None,))
        p = t[id_ptr] - base
        order_id = text[p : p + t[id_len]].decode()
        stamp = make(Timestamp, (t[seconds], t[nanos]))
        if state_kind == cancelled_kind:
            return make(Cancelled, (order_id, stamp))
        opened = make(Open, (order_id, stamp, _decimal(t[lo], t[hi], t[scale], t[negative])))
        return make(CancelInFlight, (opened,)) if state_kind == cancel_kind else opened

    def decode(batch: Any) -> list[Any]:
        count = batch.len
        if count == 0:
            return []
        strings = batch.strings
        text = ffi.buffer(strings.ptr, strings.len)[:]
        base = int(ffi.cast("uintptr_t", strings.ptr))
        out: list[Any] = []
        append = out.append
        for t in layout.iter_unpack(ffi.buffer(batch.items, count * size)):
            # An empty view may have a NULL pointer: the slice is empty anyway.
            p = t[st_ptr] - base
            strategy = text[p : p + t[st_len]].decode()
            p = t[cid_ptr] - base
            cid = text[p : p + t[cid_len]].decode()
            if t[ex_kind] == index_kind:
                exchange: Any = t[ex_index]
            else:
                p = t[ex_ptr] - base
                exchange = ExchangeId(text[p : p + t[ex_len]].decode())
            if t[in_kind] == index_kind:
                instrument: Any = t[in_index]
            else:
                p = t[in_ptr] - base
                instrument = text[p : p + t[in_len]].decode()
            key = make(OrderKey, (exchange, instrument, strategy, cid))
            value = singletons.get(t[kind])
            append(make(OrderEvent, (key, state(t, text, base) if value is None else value)))
        return out

    return decode


#: Batches smaller than this decode faster than a GC pause costs.
_GC_PAUSE_FROM = 512


def _without_gc(decode: Callable[[Any], list[Any]]) -> Callable[[Any, Any], list[Any]]:
    """Runs a decoder with the cyclic GC paused: building thousands of
    acyclic tuples would otherwise trigger collections that scan every live
    object, several times per batch."""

    def run(batch: Any, keys: Any) -> list[Any]:
        if batch.len < _GC_PAUSE_FROM:
            return decode(batch)
        enabled = gc.isenabled()
        gc.disable()
        try:
            return decode(batch)
        finally:
            if enabled:
                gc.enable()

    return run


if platform.python_implementation() == "CPython":
    _codec.FAST_DECODERS["BarterOrderEvent"] = _without_gc(_order_event_decoder())
