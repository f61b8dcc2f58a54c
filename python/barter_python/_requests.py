"""Order parameters: ``Side``, ``OrderKind``, ``TimeInForce``, and the two
request states, ``RequestOpen`` and ``RequestCancel``."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any, ClassVar

from ._codec import (
    Keep,
    check_bool,
    check_decimal,
    check_str,
    check_type,
    decimal_from_c,
    decimal_text,
    decimal_to_c,
)
from ._native import lib, string
from ._record import Record, make
from .errors import BarterValueError


class Side(enum.Enum):
    """barter-instrument's ``Side``."""

    BUY = "Buy"
    SELL = "Sell"


class OrderKind(enum.Enum):
    """barter-execution's ``OrderKind``."""

    MARKET = "Market"
    LIMIT = "Limit"


_SIDE_TO_C = {Side.BUY: lib.BARTER_SIDE_BUY, Side.SELL: lib.BARTER_SIDE_SELL}
SIDE_FROM_C = {c: side for side, c in _SIDE_TO_C.items()}
_KIND_TO_C = {
    OrderKind.MARKET: lib.BARTER_ORDER_KIND_MARKET,
    OrderKind.LIMIT: lib.BARTER_ORDER_KIND_LIMIT,
}
ORDER_KIND_FROM_C = {c: kind for kind, c in _KIND_TO_C.items()}


def side_to_c(side: Side) -> int:
    value: int = _SIDE_TO_C[side]
    return value


class TimeInForce(Record):
    """barter-execution's ``TimeInForce``: one subclass per variant."""

    __slots__ = ()
    _kind: ClassVar[int]

    def to_dict(self) -> Any:
        return type(self).__name__

    def _to_c(self, c: Any) -> None:
        c.kind = self._kind


class GoodUntilCancelled(TimeInForce):
    """Rests until cancelled; ``post_only`` orders never take liquidity."""

    __slots__ = ()
    __match_args__ = ("post_only",)
    _fields = __match_args__
    _kind = lib.BARTER_TIME_IN_FORCE_KIND_GOOD_UNTIL_CANCELLED
    post_only: bool

    def __new__(cls, post_only: bool) -> GoodUntilCancelled:
        return make(cls, (check_bool(post_only, "GoodUntilCancelled.post_only"),))

    def to_dict(self) -> Any:
        return {"GoodUntilCancelled": {"post_only": self.post_only}}

    def _to_c(self, c: Any) -> None:
        super()._to_c(c)
        c.post_only = self.post_only


class GoodUntilEndOfDay(TimeInForce):
    """Expires at the end of the trading day."""

    __slots__ = ()
    _kind = lib.BARTER_TIME_IN_FORCE_KIND_GOOD_UNTIL_END_OF_DAY


class FillOrKill(TimeInForce):
    """Fills completely at once, or not at all."""

    __slots__ = ()
    _kind = lib.BARTER_TIME_IN_FORCE_KIND_FILL_OR_KILL


class ImmediateOrCancel(TimeInForce):
    """Fills what it can at once; the rest is cancelled."""

    __slots__ = ()
    _kind = lib.BARTER_TIME_IN_FORCE_KIND_IMMEDIATE_OR_CANCEL


_TIF_FROM_C = {cls._kind: cls() for cls in (GoodUntilEndOfDay, FillOrKill, ImmediateOrCancel)}
_POST_ONLY = {flag: GoodUntilCancelled(bool(flag)) for flag in (0, 1)}
#: The same instances by ``kind * 2 + post_only``, for the C builder, which
#: leaves any other pair to ``time_in_force_from_c``.
TIME_IN_FORCE_FROM_C: dict[int, TimeInForce] = {
    **{kind * 2: tif for kind, tif in _TIF_FROM_C.items()},
    **{GoodUntilCancelled._kind * 2 + flag: tif for flag, tif in _POST_ONLY.items()},
}


def time_in_force_from_c(c: Any) -> TimeInForce:
    if c.kind == GoodUntilCancelled._kind:
        return _POST_ONLY[c.post_only]
    return _TIF_FROM_C[c.kind]


class RequestOpen(Record):
    """``RequestOpen``: what to open. Also the order parameters of an ``Order``."""

    __slots__ = ()
    __match_args__ = ("side", "price", "quantity", "kind", "time_in_force")
    _fields = __match_args__
    side: Side
    price: Decimal
    quantity: Decimal
    kind: OrderKind
    time_in_force: TimeInForce

    def __new__(
        cls,
        side: Side,
        price: Decimal,
        quantity: Decimal,
        kind: OrderKind,
        time_in_force: TimeInForce,
    ) -> RequestOpen:
        return make(cls, check_params(cls.__name__, side, price, quantity, kind, time_in_force))

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side.value,
            "price": decimal_text(self.price),
            "quantity": decimal_text(self.quantity),
            "kind": self.kind.value,
            "time_in_force": self.time_in_force.to_dict(),
        }

    @classmethod
    def _from_c(cls, c: Any) -> RequestOpen:
        request: RequestOpen = make(cls, params_from_c(c))
        return request

    def _to_c(self, c: Any, keep: Keep) -> None:
        params_to_c(c, self)


def check_params(  # noqa: PLR0917 - the order parameters in barter's order
    owner: str,
    side: Side,
    price: Decimal,
    quantity: Decimal,
    kind: OrderKind,
    time_in_force: TimeInForce,
) -> tuple[Side, Decimal, Decimal, OrderKind, TimeInForce]:
    """Validates the five order parameters of a request or an order."""
    check_type(side, Side, f"{owner}.side")
    # barter takes any price (some markets trade below zero), but an order
    # of negative size means nothing.
    price = check_decimal(price, f"{owner}.price")
    quantity = check_decimal(quantity, f"{owner}.quantity")
    if quantity < 0:
        raise BarterValueError(f"{owner}.quantity must not be negative, got {quantity}")
    check_type(kind, OrderKind, f"{owner}.kind")
    check_type(time_in_force, TimeInForce, f"{owner}.time_in_force")
    return side, price, quantity, kind, time_in_force


def params_from_c(c: Any) -> tuple[Side, Decimal, Decimal, OrderKind, TimeInForce]:
    """The five order parameters of a ``BarterRequestOpen``."""
    return (
        SIDE_FROM_C[c.side],
        decimal_from_c(c.price),
        decimal_from_c(c.quantity),
        ORDER_KIND_FROM_C[c.kind],
        time_in_force_from_c(c.time_in_force),
    )


def params_to_c(c: Any, params: Any) -> None:
    """Fills a ``BarterRequestOpen`` from anything with the five order
    parameters (a ``RequestOpen``, or an ``Order``)."""
    c.side = _SIDE_TO_C[params.side]
    decimal_to_c(c.price, params.price)
    decimal_to_c(c.quantity, params.quantity)
    c.kind = _KIND_TO_C[params.kind]
    params.time_in_force._to_c(c.time_in_force)


class RequestCancel(Record):
    """``RequestCancel``: cancel the order with exchange ``id``, or the one
    the key names when the id is not known yet."""

    __slots__ = ()
    __match_args__ = ("id",)
    _fields = __match_args__
    id: str | None

    def __new__(cls, id: str | None = None) -> RequestCancel:
        return make(cls, (None if id is None else check_str(id, "RequestCancel.id"),))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id}

    @classmethod
    def _from_c(cls, c: Any) -> RequestCancel:
        request: RequestCancel = make(cls, (string(c.id) if c.has_id else None,))
        return request

    def _to_c(self, c: Any, keep: Keep) -> None:
        if self.id is not None:
            c.has_id = 1
            keep.text(c.id, self.id, "state.id")
