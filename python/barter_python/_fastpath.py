"""Whole-batch decoding of ``BarterOrderEvent`` structs, the hot path of
every order-event decode and drain, and of the one struct a single
``from_json`` decodes into reused memory.

One loop builds the objects from the fields ordinary events use; each
interpreter gets those fields its cheapest way:

- CPython, where each cffi field read costs ~50-80 ns: one ``ffi.buffer`` of
  the batch and ``struct.iter_unpack``. The format comes from cffi's view of
  the layout (so it follows the header) and skips every field the loop does
  not read as padding: unpacking costs per field, not per byte.
- PyPy, whose JIT makes a cffi field read a few ns: direct field reads.

Strings are cut from one text of the batch's string buffer. An event the
loop does not handle (an ``OpenFailed`` state's error, ~5% of a typical
stream) is built by the per-field decoder instead, so the error classes
keep one decoder. The tests compare every event with ``_from_c``'s.
"""

from __future__ import annotations

import platform
import struct
from collections.abc import Iterable
from typing import Any, Callable

from . import _codec
from ._codec import UNITS, Scratch, gc_paused, multiply
from ._keys import ExchangeId, OrderKey
from ._messages import OrderEvent
from ._native import ffi, lib
from ._order_state import (
    CancelInFlight,
    Cancelled,
    Expired,
    FullyFilled,
    Open,
    OpenInFlight,
    state_from_c,
)
from ._record import make
from .timestamp import Timestamp

_CODES = {1: "B", 2: "H", 4: "I", 8: "Q"}

#: The fields of a row, in struct order; the loop unpacks them positionally.
ROW = (
    "key.exchange.kind",
    "key.exchange.index",
    "key.exchange.name.ptr",
    "key.exchange.name.len",
    "key.instrument.kind",
    "key.instrument.index",
    "key.instrument.name.ptr",
    "key.instrument.name.len",
    "key.strategy.ptr",
    "key.strategy.len",
    "key.cid.ptr",
    "key.cid.len",
    "state.kind",
    "state.has_order",
    "state.id.ptr",
    "state.id.len",
    "state.time_exchange.seconds",
    "state.time_exchange.nanos",
    "state.filled_quantity.mantissa_lo",
    "state.filled_quantity.mantissa_hi",
    "state.filled_quantity.scale",
    "state.filled_quantity.negative",
)


def row_format(c_type: str, fields: tuple[str, ...]) -> struct.Struct:
    """A format spanning all of ``c_type`` (as ``iter_unpack`` needs) that
    unpacks the named scalar fields and skips the rest as padding. Nested
    fields are named with dots, e.g. ``key.cid.len``; they must come in
    struct order, as the tuple's positions follow it."""
    leaves: dict[str, tuple[int, Any]] = {}

    def walk(ctype: Any, prefix: str, base: int) -> None:
        for name, field in ctype.fields:
            if field.type.kind == "struct":
                walk(field.type, f"{prefix}{name}.", base + field.offset)
            else:
                leaves[f"{prefix}{name}"] = (base + field.offset, field.type)

    walk(ffi.typeof(c_type), "", 0)
    codes, position = ["="], 0
    for name in fields:
        offset, ctype = leaves[name]
        if offset < position:
            raise RuntimeError(f"{c_type}.{name} is not in struct order in the row")
        if offset > position:
            codes.append(f"{offset - position}x")
        code = _CODES[ffi.sizeof(ctype)]
        codes.append(code.lower() if ctype.cname.startswith("int") else code)
        position = offset + ffi.sizeof(ctype)
    codes.append(f"{ffi.sizeof(c_type) - position}x")
    return struct.Struct("".join(codes))


Decoder = Callable[[Any, Any], list[Any]]
OneDecoder = Callable[[Scratch, int, Any], Any]


def _order_event_decoders(unpacked: bool) -> tuple[Decoder, OneDecoder]:  # noqa: PLR0915
    """The decoder of a batch, and of one item in a ``Scratch``."""
    layout = row_format("BarterOrderEvent", ROW)
    size, unpack, unpack_one = layout.size, layout.iter_unpack, layout.unpack_from
    index_kind, name_kind = lib.BARTER_KEY_KIND_INDEX, lib.BARTER_KEY_KIND_NAME
    units: dict[int, Any] = {
        OpenInFlight._kind: OpenInFlight(),
        FullyFilled._kind: FullyFilled(),
        Expired._kind: Expired(),
        # Immutable, so one instance serves every event.
        CancelInFlight._kind: make(CancelInFlight, (None,)),
    }
    timed = {Open._kind, CancelInFlight._kind, Cancelled._kind}
    open_kind, cancelled_kind = Open._kind, Cancelled._kind
    exchanges = {member.value: member for member in ExchangeId}
    from_c = OrderEvent._from_c
    null = ffi.cast("uint8_t *", 0)

    def decode(batch: Any, keys: Any) -> list[Any]:
        count = batch.len
        if count == 0:
            return []
        strings = batch.strings
        start = strings.ptr
        items = ffi.cast("BarterOrderEvent *", batch.items)
        if unpacked:
            # The address as an int, ~6x faster than int(cast).
            base: Any = start - null
            rows: Iterable[Any] = unpack(ffi.buffer(batch.items, count * size))
        else:
            base, rows = start, range(count)
        return build(items, rows, base, ffi.buffer(start, strings.len)[:], keys)

    def decode_one(scratch: Scratch, used: int, keys: Any) -> Any:
        # The strings follow the struct in the scratch memory.
        items = scratch.items("BarterOrderEvent *")
        if unpacked:
            base: Any = scratch.address + size
            rows: Iterable[Any] = (unpack_one(scratch.buffer),)
        else:
            base, rows = scratch.start + size, range(1)
        return build(items, rows, base, scratch.buffer[size:used], keys)[0]

    # One flat loop: every call or branch taken out of it costs per event.
    def build(items: Any, rows: Iterable[Any], base: Any, raw: bytes, keys: Any) -> list[Any]:  # noqa: PLR0912, PLR0915
        """The events of ``rows`` (unpacked rows, or indices into ``items``)
        whose strings are ``raw``, found at address ``base``."""
        # Byte offsets index a str only if every character is one byte: true
        # of ASCII (the usual case), and of Latin-1 text, from which each
        # string is then re-read as UTF-8. Decoding as ASCII is also the
        # test: on PyPy it is nearly free, isascii() and Latin-1 are not.
        try:
            src, ascii = raw.decode("ascii"), True
        except UnicodeDecodeError:
            src, ascii = raw.decode("latin-1"), False
        out: list[Any] = []
        append = out.append
        get_unit = units.get
        for row in rows:
            # Loop-invariant: PyPy's JIT drops the test, CPython pays ~5 ns.
            # (Yielding rows from a generator instead costs PyPy ~12%.)
            if not unpacked:
                c = items[row]
                c_key, c_state = c.key, c.state
                c_exchange, c_instrument = c_key.exchange, c_key.instrument
                c_quantity, c_stamp = c_state.filled_quantity, c_state.time_exchange
                ex_kind, ex_index, ex_ptr, ex_len = (
                    c_exchange.kind,
                    c_exchange.index,
                    c_exchange.name.ptr,
                    c_exchange.name.len,
                )
                in_kind, in_index, in_ptr, in_len = (
                    c_instrument.kind,
                    c_instrument.index,
                    c_instrument.name.ptr,
                    c_instrument.name.len,
                )
                st_ptr, st_len, cid_ptr, cid_len = (
                    c_key.strategy.ptr,
                    c_key.strategy.len,
                    c_key.cid.ptr,
                    c_key.cid.len,
                )
                kind, has_order, id_ptr, id_len = (
                    c_state.kind,
                    c_state.has_order,
                    c_state.id.ptr,
                    c_state.id.len,
                )
                seconds, nanos = c_stamp.seconds, c_stamp.nanos
                lo, hi, scale, negative = (
                    c_quantity.mantissa_lo,
                    c_quantity.mantissa_hi,
                    c_quantity.scale,
                    c_quantity.negative,
                )
            else:
                (
                    ex_kind, ex_index, ex_ptr, ex_len, in_kind, in_index, in_ptr, in_len,
                    st_ptr, st_len, cid_ptr, cid_len, kind, has_order, id_ptr, id_len,
                    seconds, nanos, lo, hi, scale, negative,
                ) = row  # fmt: skip
            if ex_kind == index_kind and in_kind == index_kind:
                exchange, instrument = ex_index, in_index
            elif ex_kind == name_kind and in_kind == name_kind:
                p = ex_ptr - base
                name = src[p : p + ex_len]
                exchange = exchanges.get(name) or ExchangeId(name)
                p = in_ptr - base
                instrument = src[p : p + in_len]
                if not ascii:
                    instrument = instrument.encode("latin-1").decode()
            else:
                exchange = None
            state = get_unit(kind)
            if exchange is None:
                # A key barter's OrderKey cannot have: let _from_c refuse it.
                append(from_c(items[len(out)], keys))
                continue
            if state is None and kind not in timed:
                # Error states: the per-field decoder owns them.
                state = state_from_c(items[len(out)].state)
            elif state is None or has_order:
                p = id_ptr - base
                order_id = src[p : p + id_len]
                if not ascii:
                    order_id = order_id.encode("latin-1").decode()
                stamp = make(Timestamp, (seconds, nanos))
                if kind == cancelled_kind:
                    state = make(Cancelled, (order_id, stamp))
                else:
                    # _codec.decimal_of, inlined.
                    filled = multiply(lo | hi << 64 if hi else lo, UNITS[negative][scale])
                    state = make(Open, (order_id, stamp, filled))
                    if kind != open_kind:
                        state = make(CancelInFlight, (state,))
            p = st_ptr - base
            strategy = src[p : p + st_len]
            p = cid_ptr - base
            cid = src[p : p + cid_len]
            if not ascii:
                strategy, cid = strategy.encode("latin-1").decode(), cid.encode("latin-1").decode()
            append(make(OrderEvent, (make(OrderKey, (exchange, instrument, strategy, cid)), state)))
        return out

    return decode, decode_one


#: Batches smaller than this decode faster than a GC pause costs.
_GC_PAUSE_FROM = 512


def _without_gc(decode: Callable[[Any, Any], list[Any]]) -> Callable[[Any, Any], list[Any]]:
    """Runs a decoder with CPython's cyclic GC paused for large batches."""

    def run(batch: Any, keys: Any) -> list[Any]:
        if batch.len < _GC_PAUSE_FROM:
            return decode(batch, keys)
        with gc_paused():
            return decode(batch, keys)

    return run


_CPYTHON = platform.python_implementation() == "CPython"
_decode, _decode_one = _order_event_decoders(unpacked=_CPYTHON)
_codec.FAST_DECODERS[lib.BARTER_MESSAGE_ORDER_EVENT] = _without_gc(_decode)
_codec.FAST_ONE_DECODERS[lib.BARTER_MESSAGE_ORDER_EVENT] = _decode_one
