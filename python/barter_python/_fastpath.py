"""Whole-batch decoding of ``BarterOrderEvent`` structs, the hot path of
every order-event decode and drain, and of the one struct a single
``from_json`` decodes into reused memory.

One builder per interpreter, chosen once at import (``builder()`` says which):

- ``"c"``, on CPython: the C extension ``barter_python._cbuild`` reads the
  structs and makes each record with its type's allocator, in C.
  ``BARTER_PYTHON_BUILDER=cffi`` turns it off.
- ``"cffi"``, on PyPy (whose JIT makes a cffi field read a few ns), and on a
  CPython without the extension: one Python loop over cffi field reads.

Both cut strings from the batch's UTF-8 string buffer. An event they do not
handle (a key barter's ``OrderKey`` cannot have; in the cffi builder, an
``OpenFailed`` state's error) is built by the per-field decoder instead.
The tests compare every event with ``_from_c``'s, under each builder.

The C builder also makes market items (``_market_fast``) and every other
message (``_messages_fast``); ``c_decoders`` and ``c_batch_decoder`` here
hand it any of its structs.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import os
import platform
from types import ModuleType
from typing import Any, Callable

from . import _codec
from ._codec import UNITS, Scratch, gc_paused, multiply
from ._keys import ExchangeId, OrderKey
from ._messages import OrderEvent
from ._native import ffi, lib
from ._order_state import (
    ERROR_LEAVES,
    ERROR_UNITS,
    CancelInFlight,
    Cancelled,
    Expired,
    FullyFilled,
    Open,
    OpenFailed,
    OpenInFlight,
    state_from_c,
)
from ._record import make
from .timestamp import Timestamp

#: The environment variable that picks the builder: "c", "cffi", or unset
#: (the C builder where it can be imported).
BUILDER_VARIABLE = "BARTER_PYTHON_BUILDER"

Decoder = Callable[[Any, Any], list[Any]]
OneDecoder = Callable[[Scratch, int, Any], Any]

#: The states an event's kind alone decides: immutable, so one instance
#: serves every event.
_UNITS: dict[int, Any] = {
    OpenInFlight._kind: OpenInFlight(),
    FullyFilled._kind: FullyFilled(),
    Expired._kind: Expired(),
    CancelInFlight._kind: make(CancelInFlight, (None,)),
}
_EXCHANGES = {member.value: member for member in ExchangeId}


#: The structs the C builder reads, in the order its ``layout()`` gives them.
_C_STRUCTS = (
    "BarterOrderEvent",
    "BarterMarketStreamEvent",
    "BarterOrderRequestOpen",
    "BarterOrderRequestCancel",
    "BarterOrderResponseCancel",
    "BarterOrderSnapshot",
    "BarterOrderResponseOpen",
    "BarterTrade",
    "BarterAssetBalance",
    "BarterAccountSnapshot",
    "BarterAccountEvent",
)


#: ``Timestamp.datetime``'s Python getter, whichever builder is active.
PYTHON_DATETIME: Callable[[Timestamp], _dt.datetime] = vars(Timestamp)["datetime"].fget


def _load_builder() -> ModuleType | None:
    wanted = os.environ.get(BUILDER_VARIABLE, "")
    if wanted not in ("", "c", "cffi"):
        raise ImportError(f'{BUILDER_VARIABLE} must be "c", "cffi" or unset, not {wanted!r}')
    if wanted == "cffi" or platform.python_implementation() != "CPython":
        if wanted == "c":
            raise ImportError(f"{BUILDER_VARIABLE}=c: the C builder is CPython's only")
        return None
    try:
        module = importlib.import_module("._cbuild", __package__)
    except ImportError as exc:
        if wanted == "c":
            raise ImportError(f"{BUILDER_VARIABLE}=c, but the C builder is missing: {exc}") from exc
        return None
    built_for = (lib.BARTER_ABI_VERSION, *map(ffi.sizeof, _C_STRUCTS))
    if module.layout() != built_for:
        raise ImportError(
            f"barter_python._cbuild was compiled for ABI and struct sizes {module.layout()}, "
            f"the library has {built_for}: reinstall the package"
        )
    module.configure(
        OrderEvent,
        OrderKey,
        Open,
        Cancelled,
        CancelInFlight,
        Timestamp,
        _UNITS,
        _EXCHANGES,
        multiply,
        UNITS,
        OrderEvent._from_c,
        state_from_c,
        int(ffi.cast("uintptr_t", ffi.addressof(lib, "barter_decode_one_into"))),
    )
    module.configure_errors(OpenFailed, {**{c._kind: c for c in ERROR_LEAVES}, **ERROR_UNITS})
    # Timestamp.datetime with its getter in C: a full read of an event costs
    # it more than any other field. The Python getter stays the reference,
    # and the C one hands it what it does not cover (years outside 1..9999).
    module.configure_datetime(_dt.datetime, _dt.timezone.utc, PYTHON_DATETIME)
    doc = Timestamp.datetime.__doc__
    setattr(Timestamp, "datetime", property(module.timestamp_datetime, doc=doc))  # noqa: B010
    return module


_CBUILD = _load_builder()


def builder() -> str:
    """Which builder makes the typed records: ``"c"`` (CPython's C
    extension) or ``"cffi"`` (Python over cffi field reads)."""
    return "c" if _CBUILD is not None else "cffi"


def c_batch_decoder(build: Any, c_type: str, extra: Any = None) -> Decoder:
    """A batch decoder that hands the batch's ``c_type`` structs to the C
    builder's ``build``; its last argument is the decode's keys, or
    ``extra`` when given."""
    pointer = f"{c_type} *"
    null = ffi.cast("uint8_t *", 0)

    def decode(batch: Any, keys: Any) -> list[Any]:
        items = ffi.cast(pointer, batch.items)
        strings = batch.strings
        # Addresses as ints: a pointer difference, ~6x faster than int(cast).
        built: list[Any] = build(
            ffi.cast("uint8_t *", items) - null,
            batch.len,
            strings.ptr - null,
            strings.len,
            items,
            keys if extra is None else extra,
        )
        return built

    return decode


def c_decoders(build: Any, c_type: str) -> tuple[Decoder, OneDecoder]:
    """The decoders of a batch of ``c_type`` structs, and of one in a
    ``Scratch``, by the C builder's ``build``."""
    size = ffi.sizeof(c_type)
    pointer = f"{c_type} *"

    def decode_one(scratch: Scratch, used: int, keys: Any) -> Any:
        # The strings follow the struct in the scratch memory.
        items = scratch.items(pointer)
        return build(scratch.address, 1, scratch.address + size, used - size, items, keys)[0]

    return c_batch_decoder(build, c_type), decode_one


def _cffi_order_event_decoders() -> tuple[Decoder, OneDecoder]:  # noqa: PLR0915
    """The cffi builder's decoder of a batch, and of one item in a ``Scratch``."""
    size = ffi.sizeof("BarterOrderEvent")
    index_kind, name_kind = lib.BARTER_KEY_KIND_INDEX, lib.BARTER_KEY_KIND_NAME
    units, exchanges = _UNITS, _EXCHANGES
    timed = {Open._kind, CancelInFlight._kind, Cancelled._kind}
    open_kind, cancelled_kind = Open._kind, Cancelled._kind
    from_c = OrderEvent._from_c

    def decode(batch: Any, keys: Any) -> list[Any]:
        count = batch.len
        if count == 0:
            return []
        strings = batch.strings
        start = strings.ptr
        items = ffi.cast("BarterOrderEvent *", batch.items)
        return build(items, count, start, ffi.buffer(start, strings.len)[:], keys)

    def decode_one(scratch: Scratch, used: int, keys: Any) -> Any:
        # The strings follow the struct in the scratch memory.
        items = scratch.items("BarterOrderEvent *")
        return build(items, 1, scratch.start + size, scratch.buffer[size:used], keys)[0]

    # One flat loop: every call or branch taken out of it costs per event.
    def build(items: Any, count: int, base: Any, raw: bytes, keys: Any) -> list[Any]:
        """The first ``count`` events of ``items``, whose strings are ``raw``,
        found at address ``base``."""
        # Byte offsets index a str only if every character is one byte: true
        # of ASCII, the usual case, where strings are slices of one decoded
        # text. Otherwise each string decodes from its own bytes: on PyPy
        # ~2x cheaper than the Latin-1 text re-read as UTF-8 this once was.
        # Decoding as ASCII is also the test: on PyPy it is nearly free,
        # isascii() is not.
        try:
            src, ascii = raw.decode("ascii"), True
        except UnicodeDecodeError:
            src, ascii = "", False
        out: list[Any] = []
        append = out.append
        get_unit = units.get
        for row in range(count):
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
            if ex_kind == index_kind and in_kind == index_kind:
                exchange, instrument = ex_index, in_index
            elif ex_kind == name_kind and in_kind == name_kind:
                p = ex_ptr - base
                name = src[p : p + ex_len] if ascii else raw[p : p + ex_len].decode()
                exchange = exchanges.get(name) or ExchangeId(name)
                p = in_ptr - base
                instrument = src[p : p + in_len] if ascii else raw[p : p + in_len].decode()
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
                order_id = src[p : p + id_len] if ascii else raw[p : p + id_len].decode()
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
            strategy = src[p : p + st_len] if ascii else raw[p : p + st_len].decode()
            p = cid_ptr - base
            cid = src[p : p + cid_len] if ascii else raw[p : p + cid_len].decode()
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


_decode, _decode_one = (
    c_decoders(_CBUILD.order_events, "BarterOrderEvent")
    if _CBUILD is not None
    else _cffi_order_event_decoders()
)
if _CBUILD is not None:
    _codec.DIRECT_ONE_DECODERS[lib.BARTER_MESSAGE_ORDER_EVENT] = _CBUILD.order_event_one
_codec.FAST_DECODERS[lib.BARTER_MESSAGE_ORDER_EVENT] = _without_gc(_decode)
_codec.FAST_ONE_DECODERS[lib.BARTER_MESSAGE_ORDER_EVENT] = _decode_one
