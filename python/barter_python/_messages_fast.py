"""Every message but ``OrderEvent`` (``_fastpath``) and the market streams
(``_market_fast``) decoded by CPython's C builder (``barter_python._cbuild``):
requests, responses, order snapshots, trades, balances, account snapshots
and account events, in batches, in drains and one at a time.

A value the C code does not know (a tag or a key form past what this
build reads) is built by the class's own ``_from_c``, which names what is
wrong, so those keep one decoder; the tests compare every item with it.
Where the C builder is not active (PyPy, ``BARTER_PYTHON_BUILDER=cffi``),
``_from_c`` over cffi field reads is the path.
"""

from __future__ import annotations

from . import _codec
from ._fastpath import _CBUILD, c_decoders
from ._keys import QUOTE
from ._messages import (
    AccountEvent,
    AccountSnapshot,
    AssetBalance,
    AssetFees,
    Balance,
    InstrumentAccountSnapshot,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderResponseOpen,
    OrderSnapshot,
    Trade,
)
from ._order_state import Err, Ok
from ._requests import (
    ORDER_KIND_FROM_C,
    SIDE_FROM_C,
    TIME_IN_FORCE_FROM_C,
    RequestCancel,
    RequestOpen,
)

#: Each message the C builder makes, with its batch entry point's name.
BUILT = (
    (OrderRequestOpen, "open_requests"),
    (OrderRequestCancel, "cancel_requests"),
    (OrderResponseCancel, "cancel_responses"),
    (OrderSnapshot, "order_snapshots"),
    (OrderResponseOpen, "open_responses"),
    (Trade, "trades"),
    (AssetBalance, "asset_balances"),
    (AccountSnapshot, "account_snapshots"),
    (AccountEvent, "account_events"),
)

#: The records the C code makes besides the messages themselves.
_PARTS = (AssetFees, Balance, Ok, Err, InstrumentAccountSnapshot, RequestOpen, RequestCancel)

if _CBUILD is not None:
    _CBUILD.configure_messages(
        {cls.__name__: cls for cls in (*(cls for cls, _ in BUILT), *_PARTS)},
        QUOTE,
        SIDE_FROM_C,
        ORDER_KIND_FROM_C,
        TIME_IN_FORCE_FROM_C,
        {cls._message: cls._from_c for cls, _ in BUILT},
    )
    for cls, name in BUILT:
        decode, decode_one = c_decoders(getattr(_CBUILD, name), cls._c_type)
        _codec.FAST_DECODERS[cls._message] = decode
        _codec.FAST_ONE_DECODERS[cls._message] = decode_one
