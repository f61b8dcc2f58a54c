"""The account stream's structs decoded by CPython's C builder
(``barter_python._cbuild``, see ``_fastpath``): ``AccountEvent`` and the four
payloads it carries most (``Trade``, ``AssetBalance``, ``OrderSnapshot``,
``OrderResponseCancel``), in batches, in drains and one at a time.

An account snapshot (its arrays), and any value the C code does not know,
is built by the class's own ``_from_c``, so those keep one decoder; the
tests compare every item with it. Where the C builder is not active (PyPy,
``BARTER_PYTHON_BUILDER=cffi``), ``_from_c`` over cffi field reads is the
path.
"""

from __future__ import annotations

from . import _codec
from ._fastpath import _CBUILD, c_decoders
from ._keys import QUOTE
from ._messages import (
    AccountEvent,
    AssetBalance,
    AssetFees,
    Balance,
    OrderResponseCancel,
    OrderSnapshot,
    Trade,
)
from ._order_state import Err, Ok
from ._requests import ORDER_KIND_FROM_C, SIDE_FROM_C, TIME_IN_FORCE_FROM_C

#: Each message the C builder makes, with its batch entry point's name.
BUILT = (
    (AccountEvent, "account_events"),
    (Trade, "trades"),
    (AssetBalance, "asset_balances"),
    (OrderSnapshot, "order_snapshots"),
    (OrderResponseCancel, "cancel_responses"),
)

if _CBUILD is not None:
    _CBUILD.configure_account(
        AccountEvent,
        Trade,
        AssetFees,
        AssetBalance,
        Balance,
        OrderSnapshot,
        OrderResponseCancel,
        Ok,
        Err,
        QUOTE,
        SIDE_FROM_C,
        ORDER_KIND_FROM_C,
        TIME_IN_FORCE_FROM_C,
        tuple(cls._from_c for cls, _ in BUILT),
    )
    for cls, name in BUILT:
        decode, decode_one = c_decoders(getattr(_CBUILD, name), cls._c_type)
        _codec.FAST_DECODERS[cls._message] = decode
        _codec.FAST_ONE_DECODERS[cls._message] = decode_one
