"""Whole-batch decoding of ``BarterMarketStreamEvent`` structs on CPython,
where each cffi field read costs ~50-80 ns: the header of every item comes
from one ``struct.iter_unpack`` of the batch, and the payload of a trade or
an order book top (what market streams mostly carry) from one
``unpack_from``. Formats follow cffi's view of the layout, so they follow
the header. Every other item (reconnects, errors, L2 books, candles,
liquidations) is built by ``market.stream_from_c``, so those classes keep one
decoder; the tests compare every item with it.

PyPy's JIT makes cffi field reads a few ns, so ``stream_from_c`` is its
fast path already.
"""

from __future__ import annotations

import platform
import struct
from typing import Any, Callable

from . import _codec
from ._codec import UNITS, multiply
from ._keys import ExchangeId
from ._native import ffi, lib
from ._record import make
from ._requests import SIDE_FROM_C
from .market import (
    Level,
    MarketEvent,
    MarketItem,
    MarketResultItem,
    OrderBookL1,
    PublicTrade,
    stream_from_c,
)
from .timestamp import Timestamp

_ITEM = "BarterMarketStreamEvent"
_CODES = {1: "B", 2: "H", 4: "I", 8: "Q"}


def _leaves(c_type: Any, base: int = 0, prefix: str = "") -> dict[str, tuple[int, Any]]:
    """Every scalar field of ``c_type`` with its offset; a union's members
    all start at the union's offset."""
    out: dict[str, tuple[int, Any]] = {}
    for name, field in c_type.fields:
        if field.type.kind in ("struct", "union"):
            out.update(_leaves(field.type, base + field.offset, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = (base + field.offset, field.type)
    return out


_LEAVES = _leaves(ffi.typeof(_ITEM))


def _format(fields: tuple[str, ...], start: int = 0, span: int | None = None) -> struct.Struct:
    """A format reading the named fields (in offset order) of the bytes from
    ``start`` on, and skipping the rest as padding; ``span``: the bytes it
    covers (as ``iter_unpack`` needs), else up to the last field."""
    codes, position = ["="], start
    for name in fields:
        offset, ctype = _LEAVES[name]
        if offset < position:
            raise RuntimeError(f"{_ITEM}.{name} is not in offset order")
        if offset > position:
            codes.append(f"{offset - position}x")
        if ctype.kind == "primitive" and ctype.cname == "double":
            code = "d"
        else:
            code = _CODES[ffi.sizeof(ctype)]
            code = code.lower() if ctype.cname.startswith("int") else code
        codes.append(code)
        position = offset + ffi.sizeof(ctype)
    if span is not None:
        codes.append(f"{start + span - position}x")
    return struct.Struct("".join(codes))


_E = "payload.event."
_D = _E + "data."
_HEADER = _format(
    (
        "kind",
        _E + "time_exchange.seconds",
        _E + "time_exchange.nanos",
        _E + "time_received.seconds",
        _E + "time_received.nanos",
        _E + "exchange.kind",
        _E + "exchange.name.ptr",
        _E + "exchange.name.len",
        _E + "instrument.kind",
        _E + "instrument.index",
        _E + "kind",
    ),
    span=ffi.sizeof(_ITEM),
)
_DATA = _LEAVES[_D + "trade.id.ptr"][0]
_TRADE = _format(
    (
        _D + "trade.id.ptr",
        _D + "trade.id.len",
        _D + "trade.price",
        _D + "trade.amount",
        _D + "trade.side",
    ),
    start=_DATA,
)
_L1 = _format(
    tuple(
        _D + "l1." + name
        for name in (
            "last_update_time.seconds",
            "last_update_time.nanos",
            "has_best_bid",
            "has_best_ask",
            *(
                f"{level}.{part}.{field}"
                for level in ("best_bid", "best_ask")
                for part in ("price", "amount")
                for field in ("mantissa_lo", "mantissa_hi", "scale", "negative")
            ),
        )
    ),
    start=_DATA,
)


def _decoder(result: bool) -> Callable[[Any, Any], list[Any]]:
    item_class = MarketResultItem if result else MarketItem
    size = ffi.sizeof(_ITEM)
    null = ffi.cast("uint8_t *", 0)
    item_kind, name_kind, index_kind = (
        lib.BARTER_MARKET_STREAM_KIND_ITEM,
        lib.BARTER_KEY_KIND_NAME,
        lib.BARTER_KEY_KIND_INDEX,
    )
    trade_kind, l1_kind = lib.BARTER_DATA_KIND_TRADE, lib.BARTER_DATA_KIND_ORDER_BOOK_L1
    unpack_trade, unpack_l1 = _TRADE.unpack_from, _L1.unpack_from
    exchanges = {member.value: member for member in ExchangeId}

    def decode(batch: Any, keys: Any) -> list[Any]:
        count = batch.len
        if count == 0:
            return []
        strings = batch.strings
        base: Any = strings.ptr - null
        raw = ffi.buffer(strings.ptr, strings.len)[:]
        # Byte offsets index a str only if each character is one byte: true
        # of ASCII, and of Latin-1 text, from which a string is re-read as
        # UTF-8 (as _fastpath does).
        try:
            src, ascii = raw.decode("ascii"), True
        except UnicodeDecodeError:
            src, ascii = raw.decode("latin-1"), False
        items = ffi.cast(f"{_ITEM} *", batch.items)
        memory = ffi.buffer(batch.items, count * size)
        out: list[Any] = []
        append = out.append
        at = -size
        for row in _HEADER.iter_unpack(memory):
            at += size
            (
                kind,
                ex_s,
                ex_n,
                rx_s,
                rx_n,
                ex_kind,
                ex_ptr,
                ex_len,
                in_kind,
                instrument,
                data_kind,
            ) = row
            if kind != item_kind or ex_kind != name_kind or in_kind != index_kind:
                append(stream_from_c(items[len(out)], result))
                continue
            if data_kind == trade_kind:
                id_ptr, id_len, price, amount, side = unpack_trade(memory, at + _DATA)
                p = id_ptr - base
                trade_id = src[p : p + id_len]
                if not ascii:
                    trade_id = trade_id.encode("latin-1").decode()
                data: Any = make(PublicTrade, (trade_id, price, amount, SIDE_FROM_C[side]))
            elif data_kind == l1_kind:
                (
                    t_s, t_n, has_bid, has_ask,
                    bp_lo, bp_hi, bp_scale, bp_neg, ba_lo, ba_hi, ba_scale, ba_neg,
                    ap_lo, ap_hi, ap_scale, ap_neg, aa_lo, aa_hi, aa_scale, aa_neg,
                ) = unpack_l1(memory, at + _DATA)  # fmt: skip
                bid = ask = None
                # _codec.decimal_of, inlined.
                if has_bid:
                    bid = make(
                        Level,
                        (
                            multiply(
                                bp_lo | bp_hi << 64 if bp_hi else bp_lo, UNITS[bp_neg][bp_scale]
                            ),
                            multiply(
                                ba_lo | ba_hi << 64 if ba_hi else ba_lo, UNITS[ba_neg][ba_scale]
                            ),
                        ),
                    )
                if has_ask:
                    ask = make(
                        Level,
                        (
                            multiply(
                                ap_lo | ap_hi << 64 if ap_hi else ap_lo, UNITS[ap_neg][ap_scale]
                            ),
                            multiply(
                                aa_lo | aa_hi << 64 if aa_hi else aa_lo, UNITS[aa_neg][aa_scale]
                            ),
                        ),
                    )
                data = make(OrderBookL1, (make(Timestamp, (t_s, t_n)), bid, ask))
            else:
                append(stream_from_c(items[len(out)], result))
                continue
            p = ex_ptr - base
            name = src[p : p + ex_len]
            exchange = exchanges[name]
            event = make(
                MarketEvent,
                (
                    make(Timestamp, (ex_s, ex_n)),
                    make(Timestamp, (rx_s, rx_n)),
                    exchange,
                    instrument,
                    data,
                ),
            )
            append(make(item_class, (event,)))
        return out

    return decode


if platform.python_implementation() == "CPython":
    _codec.FAST_DECODERS[lib.BARTER_MESSAGE_MARKET_STREAM_EVENT] = _decoder(result=False)
    _codec.FAST_DECODERS[lib.BARTER_MESSAGE_MARKET_STREAM_RESULT] = _decoder(result=True)
