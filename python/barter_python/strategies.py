"""Example strategies for ``stepped.SteppedBacktest``: plain Python,
called after each step, trading with barter's commands."""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from itertools import count

from ._keys import OrderKey
from .execution import (
    ImmediateOrCancel,
    OrderKind,
    OrderRequestOpen,
    RequestOpen,
    Side,
)
from .market import PublicTrade
from .stepped import SteppedBacktest


class MovingAverageCross:
    """A moving-average cross on one instrument's public trades: when the
    mean of the last ``fast`` trade prices rises above the mean of the last
    ``slow`` it buys ``quantity``, and when it falls below again it sells
    that back; market orders at the last trade's price, once both windows
    are full. Long or flat, never short.

    Called after each step, it reads the instrument's latest market event
    and counts each trade once, so with one market event a step (the
    default of ``SteppedBacktest.run``) it sees every trade."""

    def __init__(
        self,
        instrument: int = 0,
        *,
        fast: int = 10,
        slow: int = 40,
        quantity: Decimal = Decimal("0.001"),
        exchange: int = 0,
        strategy: str = "ma-cross",
    ) -> None:
        if not 0 < fast < slow:
            raise ValueError(f"need 0 < fast < slow, got fast={fast}, slow={slow}")
        self.instrument, self.exchange, self.strategy = instrument, exchange, strategy
        self.fast, self.slow, self.quantity = fast, slow, quantity
        self.prices: deque[float] = deque(maxlen=slow)
        self.long = False
        self.orders: list[OrderRequestOpen] = []
        self._last_trade: str | None = None
        self._cids = count(1)

    def __call__(self, backtest: SteppedBacktest) -> None:
        event = backtest.latest_market().get(self.instrument)
        if event is None or type(event.kind) is not PublicTrade:
            return
        trade = event.kind
        if trade.id == self._last_trade:
            return
        self._last_trade = trade.id
        self.prices.append(trade.price)
        if len(self.prices) < self.slow:
            return
        recent = list(self.prices)
        above = sum(recent[-self.fast :]) / self.fast > sum(recent) / self.slow
        if above != self.long:
            self.long = above
            self._order(backtest, Side.BUY if above else Side.SELL, trade.price)

    def _order(self, backtest: SteppedBacktest, side: Side, price: float) -> None:
        key = OrderKey(
            self.exchange, self.instrument, self.strategy, f"{side.value}-{next(self._cids)}"
        )
        # The shortest text that reads back as the trade's f64: the price
        # as barter's data wrote it.
        request = RequestOpen(side, Decimal(repr(price)), self.quantity, OrderKind.MARKET,
                              ImmediateOrCancel())  # fmt: skip
        order = OrderRequestOpen(key, request)
        self.orders.append(order)
        backtest.send_open_requests([order])


__all__ = ["MovingAverageCross"]
