"""Whole-batch decoding of ``BarterMarketStreamEvent`` structs by CPython's
C builder (``barter_python._cbuild``, see ``_fastpath``): trades and order
book tops, what market streams mostly carry, are built in C; every other
item (reconnects, errors, L2 books, candles, liquidations) by
``market.stream_from_c``, so those classes keep one decoder. The tests
compare every item with it.

Where the C builder is not active (PyPy, ``BARTER_PYTHON_BUILDER=cffi``),
``stream_from_c`` over cffi field reads is the path: PyPy's JIT makes each
read a few ns.
"""

from __future__ import annotations

from typing import Any, Callable

from . import _codec
from ._fastpath import _CBUILD, c_batch_decoder
from ._native import lib
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


def _decoder(cbuild: Any, result: bool) -> Callable[[Any, Any], list[Any]]:
    return c_batch_decoder(cbuild.market_items, "BarterMarketStreamEvent", result)


if _CBUILD is not None:
    _CBUILD.configure_market(
        MarketItem,
        MarketResultItem,
        MarketEvent,
        PublicTrade,
        OrderBookL1,
        Level,
        SIDE_FROM_C,
        stream_from_c,
    )
    _codec.FAST_DECODERS[lib.BARTER_MESSAGE_MARKET_STREAM_EVENT] = _decoder(_CBUILD, False)
    _codec.FAST_DECODERS[lib.BARTER_MESSAGE_MARKET_STREAM_RESULT] = _decoder(_CBUILD, True)
