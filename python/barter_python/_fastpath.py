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
from typing import Any, Callable, NamedTuple

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


class Part(NamedTuple):
    """Some fields of a C struct, read with one ``struct`` call: ``names``
    gives each field's position in the unpacked tuple, ``offset`` where in
    the struct the format starts."""

    layout: struct.Struct
    offset: int
    names: dict[str, int]


def part(c_type: str, prefixes: tuple[str, ...], whole: bool = False) -> Part:
    """The scalar fields of ``c_type`` (nested structs flattened to dotted
    names, reserved bytes skipped) whose names start with one of
    ``prefixes``. With ``whole`` the format spans the entire struct, as
    ``iter_unpack`` needs; otherwise it is read with ``unpack_from``. The
    format comes from cffi's view of the layout, so it follows the header."""
    leaves: list[tuple[int, str, Any]] = []

    def walk(ctype: Any, prefix: str, base: int) -> None:
        for name, field in ctype.fields:
            kind, offset = field.type.kind, base + field.offset
            if kind == "struct":
                walk(field.type, f"{prefix}{name}.", offset)
            elif kind in ("primitive", "pointer") and name != "reserved":
                leaves.append((offset, f"{prefix}{name}", field.type))

    walk(ffi.typeof(c_type), "", 0)
    chosen = sorted(
        (leaf for leaf in leaves if leaf[1].startswith(prefixes)), key=lambda leaf: leaf[0]
    )
    start = 0 if whole else chosen[0][0]
    codes, position = ["="], start
    for offset, _, ctype in chosen:
        if offset > position:
            codes.append(f"{offset - position}x")
        code = _CODES[ffi.sizeof(ctype)]
        codes.append(code.lower() if ctype.cname.startswith("int") else code)
        position = offset + ffi.sizeof(ctype)
    if whole:
        codes.append(f"{ffi.sizeof(c_type) - position}x")
    layout = struct.Struct("".join(codes))
    return Part(layout, start, {name: index for index, (_, name, _) in enumerate(chosen)})


def _decimal(lo: int, hi: int, scale: int, negative: int) -> Decimal:
    return Decimal(f"{'-' if negative else ''}{lo | hi << 64}E-{scale}")


def _order_event_decoder() -> Callable[[Any], list[Any]]:  # noqa: PLR0915 - one flat hot loop
    # One unpack of every field beats a head plus on-demand parts: each extra
    # unpack_from call costs more than the fields it saves (measured).
    every = part("BarterOrderEvent", ("key", "state"), whole=True)
    layout, at = every.layout, every.names
    size = layout.size
    ex_kind, ex_index = at["key.exchange.kind"], at["key.exchange.index"]
    in_kind, in_index = at["key.instrument.kind"], at["key.instrument.index"]
    st_ptr, st_len = at["key.strategy.ptr"], at["key.strategy.len"]
    cid_ptr, cid_len = at["key.cid.ptr"], at["key.cid.len"]
    kind, has_order = at["state.kind"], at["state.has_order"]
    ex_ptr, ex_len = at["key.exchange.name.ptr"], at["key.exchange.name.len"]
    in_ptr, in_len = at["key.instrument.name.ptr"], at["key.instrument.name.len"]
    id_ptr, id_len = at["state.id.ptr"], at["state.id.len"]
    seconds, nanos = at["state.time_exchange.seconds"], at["state.time_exchange.nanos"]
    lo, hi = at["state.filled_quantity.mantissa_lo"], at["state.filled_quantity.mantissa_hi"]
    scale, negative = at["state.filled_quantity.scale"], at["state.filled_quantity.negative"]
    err_kind = at["state.error.kind"]
    key_kind, key_index = at["state.error.key.kind"], at["state.error.key.index"]
    key_ptr, key_len = at["state.error.key.name.ptr"], at["state.error.key.name.len"]
    msg_ptr, msg_len = at["state.error.message.ptr"], at["state.error.message.len"]
    index_kind = lib.BARTER_KEY_KIND_INDEX

    units: dict[int, Any] = {
        OpenInFlight._kind: OpenInFlight(),
        FullyFilled._kind: FullyFilled(),
        Expired._kind: Expired(),
    }
    bare = (Timeout, RateLimit, OrderAlreadyCancelled, OrderAlreadyFullyFilled)
    bare_errors: dict[int, Any] = {cls._kind: cls() for cls in bare}
    message_errors = {cls._kind: cls for cls in (Socket, OrderRejected)}
    keyed_errors = {
        cls._kind: cls for cls in (AssetInvalid, InstrumentInvalid, BalanceInsufficient)
    }
    open_kind, cancel_kind, cancelled_kind = Open._kind, CancelInFlight._kind, Cancelled._kind
    failed_kind, offline_kind = OpenFailed._kind, ExchangeOffline._kind

    def error(t: tuple[Any, ...], cut: Callable[[int, int], str]) -> Any:
        error_kind = t[err_kind]
        plain = bare_errors.get(error_kind)
        if plain is not None:
            return plain
        message = cut(t[msg_ptr], t[msg_len])
        if error_kind in message_errors:
            return make(message_errors[error_kind], (message,))
        name = cut(t[key_ptr], t[key_len])
        if error_kind == offline_kind:
            return make(ExchangeOffline, (ExchangeId(name),))
        error_key = t[key_index] if t[key_kind] == index_kind else name
        return make(keyed_errors[error_kind], (error_key, message))

    def decode(batch: Any) -> list[Any]:
        count = batch.len
        if count == 0:
            return []
        strings = batch.strings
        raw = ffi.buffer(strings.ptr, strings.len)[:]
        base = int(ffi.cast("uintptr_t", strings.ptr))
        # Byte offsets index a str only if every character is one byte: true
        # of ASCII (the usual case), and of Latin-1 text, from which each
        # string is then re-read as UTF-8.
        ascii = raw.isascii()
        src = raw.decode("latin-1")

        def cut(pointer: int, length: int) -> str:
            p = pointer - base
            piece: str = src[p : p + length]
            return piece if ascii else piece.encode("latin-1").decode()

        out: list[Any] = []
        append = out.append
        for t in layout.iter_unpack(ffi.buffer(batch.items, count * size)):
            # An empty view may have a NULL pointer: the slice is empty anyway.
            p = t[st_ptr] - base
            strategy = src[p : p + t[st_len]]
            p = t[cid_ptr] - base
            cid = src[p : p + t[cid_len]]
            if not ascii:
                strategy, cid = strategy.encode("latin-1").decode(), cid.encode("latin-1").decode()
            if t[ex_kind] == index_kind and t[in_kind] == index_kind:
                key = make(OrderKey, (t[ex_index], t[in_index], strategy, cid))
            else:
                exchange = ExchangeId(cut(t[ex_ptr], t[ex_len]))
                key = make(OrderKey, (exchange, cut(t[in_ptr], t[in_len]), strategy, cid))
            state_kind = t[kind]
            state = units.get(state_kind)
            if state is None:
                if state_kind == failed_kind:
                    state = make(OpenFailed, (error(t, cut),))
                elif state_kind == cancel_kind and not t[has_order]:
                    state = make(CancelInFlight, (None,))
                else:
                    order_id = cut(t[id_ptr], t[id_len])
                    stamp = make(Timestamp, (t[seconds], t[nanos]))
                    if state_kind == cancelled_kind:
                        state = make(Cancelled, (order_id, stamp))
                    else:
                        filled = _decimal(t[lo], t[hi], t[scale], t[negative])
                        state = make(Open, (order_id, stamp, filled))
                        if state_kind != open_kind:
                            state = make(CancelInFlight, (state,))
            append(make(OrderEvent, (key, state)))
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
