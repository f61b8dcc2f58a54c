"""``python -m barter_python demo``: a barter System driven from Python.

It starts a System on barter's example config (shipped in the package),
feeds it a slice of barter's example market data, and sends a short command
script: a market buy and a sell that fill, a limit order that MockExchange
rejects, a cancel (which MockExchange never answers, so barter's client
reports ``ExchangeOffline``) and ``close_positions``. After each step it
waits until the engine has processed the step and answered every request
(``SystemHandle.settle``), and shows the audit ticks live: their sequence,
the order events and the request results with their errors. At the end it
shuts the System down and shows barter's trading summary. ``--json``
prints the ticks as serde JSON lines instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Callable, NamedTuple

from ._audit import AuditEntry, ErrorEntry
from ._keys import OrderKey
from ._messages import (
    AccountSnapshot,
    AssetBalance,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderSnapshot,
    Trade,
)
from ._order_state import Ok
from ._requests import (
    GoodUntilCancelled,
    ImmediateOrCancel,
    OrderKind,
    RequestCancel,
    RequestOpen,
    Side,
)
from ._summary_table import summary_table
from .engine import (
    Account,
    AccountItem,
    AuditTick,
    Market,
    NoFilter,
    ProcessAudit,
)
from .errors import BarterError, BarterValueError
from .market import MarketItem, MarketStreamEvent, OrderBookL1, PublicTrade
from .summary import TradingSummary
from .system import SystemHandle, example_market_events, start_system

#: The demo's strategy id, on every request it sends.
STRATEGY = "demo"
RISK_FREE_RETURN = Decimal("0.05")


class Step(NamedTuple):
    """One step of a command script: what it does, and how it does it."""

    label: str
    send: Callable[[SystemHandle], None]


def _top(events: Sequence[MarketStreamEvent], instrument: int) -> OrderBookL1:
    books = [
        e.event.kind
        for e in events
        if isinstance(e, MarketItem)
        and e.event.instrument == instrument
        and isinstance(e.event.kind, OrderBookL1)
    ]
    return books[-1]


def _open(instrument: int, cid: str, side: Side, price: Decimal, quantity: str) -> OrderRequestOpen:
    return OrderRequestOpen(
        OrderKey(0, instrument, STRATEGY, cid),
        RequestOpen(side, price, Decimal(quantity), OrderKind.MARKET, ImmediateOrCancel()),
    )


def script(events: Sequence[MarketStreamEvent]) -> list[Step]:
    """The demo's steps, priced from ``events`` (the market data fed first):
    market orders at the book's touch, as a market order would fill."""
    btc = _top(events, 0)
    if btc.best_ask is None or btc.best_bid is None:
        raise BarterValueError("the market data's last BTCUSDT book has an empty side")
    ask, bid = btc.best_ask.price, btc.best_bid.price
    limit = OrderRequestOpen(
        OrderKey(0, 1, STRATEGY, "limit-1"),
        RequestOpen(
            Side.BUY, Decimal("2000"), Decimal("0.1"), OrderKind.LIMIT, GoodUntilCancelled(False)
        ),
    )
    cancel = OrderRequestCancel(OrderKey(0, 1, STRATEGY, "limit-1"), RequestCancel(None))
    return [
        Step(f"feed {len(events)} market events", lambda s: s.feed_market_events(events)),
        Step(
            f"market buy 0.01 BTCUSDT at {ask}",
            lambda s: s.send_open_requests([_open(0, "buy-1", Side.BUY, ask, "0.01")]),
        ),
        Step(
            f"market sell 0.004 BTCUSDT at {bid}",
            lambda s: s.send_open_requests([_open(0, "sell-1", Side.SELL, bid, "0.004")]),
        ),
        Step("limit buy 0.1 ETHUSDT at 2000", lambda s: s.send_open_requests([limit])),
        Step("cancel the limit order", lambda s: s.send_cancel_requests([cancel])),
        Step("close every position", lambda s: s.close_positions(NoFilter())),
    ]


# --- describing ticks -----------------------------------------------------------------------


def _order(key: Any) -> str:
    return f"{key.cid} (instrument {key.instrument})"


def _outcome(entry: AuditEntry) -> str:
    outcome = entry.outcome
    if outcome is None:
        return "no answer"
    if isinstance(outcome, ErrorEntry):
        return f"error {type(outcome.error).__name__}: {outcome.message}"
    if isinstance(outcome, Ok):
        return f"Ok {type(outcome.value).__name__}"
    return type(outcome).__name__


def _market(event: Market) -> str:
    if not isinstance(event.event, MarketItem):
        return f"market: {event.event!r}"
    market = event.event.event
    kind = market.kind
    if isinstance(kind, OrderBookL1):
        bid, ask = (None if s is None else s.price for s in (kind.best_bid, kind.best_ask))
        return f"market {market.instrument}: book {bid} / {ask}"
    if isinstance(kind, PublicTrade):
        return f"market {market.instrument}: trade {kind.side.value} {kind.amount} @ {kind.price}"
    return f"market {market.instrument}: {type(kind).__name__}"


def _account(event: Account) -> str:
    if not isinstance(event.event, AccountItem):
        return f"account: {event.event!r}"
    account = event.event.event.kind
    if isinstance(account, OrderSnapshot):
        return f"order {_order(account.key)}: {type(account.state).__name__}"
    if isinstance(account, Trade):
        fees = account.fees.fees
        return f"trade {account.side.value} {account.quantity} @ {account.price}, fees {fees}"
    if isinstance(account, AssetBalance):
        return f"balance of asset {account.asset}: {account.balance.total}"
    if isinstance(account, OrderResponseCancel):
        return f"cancel {_order(account.key)}: {account.state!r}"
    return "account snapshot" if isinstance(account, AccountSnapshot) else repr(account)


def describe(tick: AuditTick) -> str:
    """One line for a tick: what the engine processed, and the errors that
    stopped it."""
    audit = tick.event
    if not isinstance(audit, ProcessAudit):
        return type(audit).__name__
    event = audit.event
    if isinstance(event, Market):
        text = _market(event)
    elif isinstance(event, Account):
        text = _account(event)
    else:
        text = f"command {type(event).__name__}"
    if audit.errors:
        text += " | UNRECOVERABLE " + ", ".join(type(e).__name__ for e in audit.errors)
    return text


# --- running ----------------------------------------------------------------------------------


def run(
    system: SystemHandle,
    steps: Sequence[Step],
    on_tick: Callable[[AuditTick], None],
    on_step: Callable[[Step, list[AuditEntry]], None],
) -> None:
    """Sends each step and waits until it settles, reporting every tick and
    each step's request results."""
    for step in steps:
        before = len(system.audit())
        step.send(system)
        for tick in system.settle():
            on_tick(tick)
        on_step(step, system.audit()[before:])


def _json(system: SystemHandle, steps: Sequence[Step]) -> None:
    out = sys.stdout.buffer

    def on_tick(tick: AuditTick) -> None:
        out.write(tick.to_json() + b"\n")

    run(system, steps, on_tick, lambda step, entries: None)
    out.flush()


def _rich(system: SystemHandle, steps: Sequence[Step]) -> TradingSummary:
    from rich.console import Console  # noqa: PLC0415  (imported only when shown)

    console = Console()
    console.rule("barter System: DefaultStrategy, DefaultRiskManager, MockExchange")

    def on_tick(tick: AuditTick) -> None:
        console.print(f"[dim]{tick.sequence:>4}[/dim]  {describe(tick)}")

    def on_step(step: Step, entries: list[AuditEntry]) -> None:
        for entry in entries:
            console.print(f"      [bold]→ {_order(entry.request.key)}:[/bold] {_outcome(entry)}")

    for step in steps:
        console.print(f"\n[bold cyan]▶ {step.label}[/bold cyan]")
        run(system, [step], on_tick, on_step)
    summary = system.shutdown_with_summary(RISK_FREE_RETURN)
    console.print(summary_table(summary))
    return summary


def demo(as_json: bool = False) -> int:
    """Runs the demo; returns the exit code."""
    try:
        events = example_market_events()
        with start_system(audit=True) as system:
            steps = script(events)
            if as_json:
                _json(system, steps)
            else:
                _rich(system, steps)
    except (BarterError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
