"""``python -m barter_python demo``: a paper-trading session on barter's
MockExchange, with its event stream printed as a live table.

An order script is JSON lines, one request per line (blank lines and lines
starting with ``#`` are skipped)::

    {"open": <serde JSON of an OrderRequestOpen, unindexed keys>}
    {"cancel": <serde JSON of an OrderRequestCancel, unindexed keys>}

for example::

    {"open": {"key": {"exchange": "binance_spot", "instrument": "BTCUSDT", "strategy": "me",
     "cid": "c1"}, "state": {"side": "Buy", "price": "64000", "quantity": "0.05",
     "kind": "Market", "time_in_force": "ImmediateOrCancel"}}}
    {"cancel": {"key": {"exchange": "binance_spot", "instrument": "BTCUSDT", "strategy": "me",
     "cid": "c1"}, "state": {"id": null}}}

Each request is parsed by Rust (serde, barter's own types) before the
session starts, so a bad line is reported with its number and nothing runs.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any, Callable, TextIO, Union

from ._codec import Keys
from ._messages import (
    AccountEvent,
    AccountSnapshot,
    AssetBalance,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderResponseOpen,
    OrderSnapshot,
    Trade,
)
from ._order_state import Err, Ok, Open, OrderState
from .errors import BarterError, BarterValueError
from .session import ConfigLike, Session

Request = Union[OrderRequestOpen, OrderRequestCancel]
Response = Union[OrderResponseOpen, OrderResponseCancel]


def _open(cid: str, instrument: str, *, side: str, price: str, quantity: str, kind: str) -> str:
    time_in_force: Any = (
        "ImmediateOrCancel" if kind == "Market" else {"GoodUntilCancelled": {"post_only": False}}
    )
    return json.dumps(
        {
            "open": {
                "key": {
                    "exchange": "binance_spot",
                    "instrument": instrument,
                    "strategy": "demo",
                    "cid": cid,
                },
                "state": {
                    "side": side,
                    "price": price,
                    "quantity": quantity,
                    "kind": kind,
                    "time_in_force": time_in_force,
                },
            }
        }
    )


def _cancel(cid: str, instrument: str) -> str:
    key = {"exchange": "binance_spot", "instrument": instrument, "strategy": "demo", "cid": cid}
    return json.dumps({"cancel": {"key": key, "state": {"id": None}}})


#: The demo's script, for the configuration shipped in the package (10,000
#: USDT, BTCUSDT and ETHUSDT on a mocked binance_spot).
DEFAULT_SCRIPT = "\n".join(
    [
        "# market buys and sells",
        _open("demo-1", "BTCUSDT", side="Buy", price="64000", quantity="0.05", kind="Market"),
        _open("demo-2", "ETHUSDT", side="Buy", price="3100", quantity="0.8", kind="Market"),
        _open("demo-3", "BTCUSDT", side="Sell", price="64150", quantity="0.02", kind="Market"),
        "# too large for the USDT balance: rejected",
        _open("demo-4", "BTCUSDT", side="Buy", price="64200", quantity="0.5", kind="Market"),
        "# a limit order, then its cancel",
        _open("demo-5", "BTCUSDT", side="Buy", price="63000", quantity="0.01", kind="Limit"),
        _cancel("demo-5", "BTCUSDT"),
        _open("demo-6", "ETHUSDT", side="Sell", price="3105", quantity="0.3", kind="Market"),
    ]
)


def parse_script(text: str) -> list[Request]:
    """The requests of an order script; a bad line raises ``BarterValueError``
    naming its line number."""
    requests: list[Request] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            item = json.loads(stripped)
            if not isinstance(item, dict) or len(item) != 1:
                raise BarterValueError('expected one object, {"open": ...} or {"cancel": ...}')
            ((kind, body),) = item.items()
            if kind == "open":
                requests.append(OrderRequestOpen.from_dict(body, Keys.UNINDEXED))
            elif kind == "cancel":
                requests.append(OrderRequestCancel.from_dict(body, Keys.UNINDEXED))
            else:
                raise BarterValueError(f'unknown request "{kind}": use "open" or "cancel"')
        except ValueError as exc:  # json.JSONDecodeError and BarterValueError
            message = exc.message if isinstance(exc, BarterValueError) else str(exc)
            raise BarterValueError(f"line {number}: {message}") from None
    return requests


# --- one row per event --------------------------------------------------------------------


def _result(state: Any) -> str:
    if isinstance(state, Ok):
        value = state.value
        if isinstance(value, Open):
            return f"Ok: Open id={value.id} filled={value.filled_quantity}"
        return f"Ok: {type(value).__name__} id={value.id}"
    assert isinstance(state, Err)
    error = state.error
    fields = ", ".join(str(getattr(error, f)) for f in error._fields)
    return f"Err: {type(error).__name__}" + (f"({fields})" if fields else "")


def _order_state(state: OrderState) -> str:
    name = type(state).__name__
    error = getattr(state, "error", None)
    if error is not None:
        fields = ", ".join(str(getattr(error, f)) for f in error._fields)
        return f"{name}: {type(error).__name__}" + (f"({fields})" if fields else "")
    return name


def event_row(event: AccountEvent) -> tuple[str, str, str, str]:
    """(event, instrument or asset, cid, detail) describing one account event."""
    kind = event.kind
    if isinstance(kind, AccountSnapshot):
        balances = ", ".join(f"{b.asset} {b.balance.total}" for b in kind.balances)
        return "Snapshot", "", "", f"balances: {balances}"
    if isinstance(kind, AssetBalance):
        return "BalanceSnapshot", str(kind.asset), "", f"total {kind.balance.total}"
    if isinstance(kind, OrderSnapshot):
        order = f"{kind.side.value} {kind.quantity} @ {kind.price} {kind.kind.value}"
        return (
            "OrderSnapshot",
            str(kind.key.instrument),
            kind.key.cid,
            f"{order}: {_order_state(kind.state)}",
        )
    if isinstance(kind, OrderResponseCancel):
        return "OrderCancelled", str(kind.key.instrument), kind.key.cid, _result(kind.state)
    assert isinstance(kind, Trade)
    return (
        "Trade",
        str(kind.instrument),
        "",
        f"{kind.side.value} {kind.quantity} @ {kind.price}, fees {kind.fees.fees}, "
        f"order {kind.order_id}",
    )


def request_text(request: Request) -> str:
    key = request.key
    if isinstance(request, OrderRequestOpen):
        s = request.state
        return (
            f"open {key.cid}: {s.side.value} {s.quantity} {key.instrument} @ {s.price} "
            f"{s.kind.value}"
        )
    return f"cancel {key.cid} ({key.instrument})"


# --- running a script ---------------------------------------------------------------------


def run_script(
    session: Session,
    requests: Sequence[Request],
    on_event: Callable[[AccountEvent], None],
    on_response: Callable[[Request, Response], None],
    pace: float = 0.0,
) -> None:
    """Sends each request, passing its answer and then every event drained
    so far to the callbacks."""
    for event in session.drain():
        on_event(event)
    for request in requests:
        if pace:
            time.sleep(pace)
        if isinstance(request, OrderRequestOpen):
            response: Response = session.open_order(request)
        else:
            response = session.cancel_order(request)
        on_response(request, response)
        for event in session.drain():
            on_event(event)
    for event in session.events(timeout=0.05):
        on_event(event)


def _plain(session: Session, requests: Sequence[Request], out: TextIO, pace: float) -> None:
    count = 0

    def on_event(event: AccountEvent) -> None:
        nonlocal count
        count += 1
        name, where, cid, detail = event_row(event)
        out.write(f"{count:>4}  {name:<16} {where:<10} {cid:<8} {detail}\n")

    def on_response(request: Request, response: Response) -> None:
        out.write(f"   >  {request_text(request)} -> {_result(response.state)}\n")

    run_script(session, requests, on_event, on_response, pace)


def _rich(session: Session, requests: Sequence[Request], pace: float) -> None:
    # rich is imported only when a table is drawn (--json and --plain work without it).
    from rich.console import Console, Group  # noqa: PLC0415  # type: ignore[import-not-found,unused-ignore]
    from rich.live import Live  # noqa: PLC0415  # type: ignore[import-not-found,unused-ignore]
    from rich.progress import (  # noqa: PLC0415  # type: ignore[import-not-found,unused-ignore]
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
    )
    from rich.table import Table  # noqa: PLC0415  # type: ignore[import-not-found,unused-ignore]

    console = Console()
    exchange = session.exchange.value if session.exchange else "?"
    table = Table(title=f"barter MockExchange ({exchange}): account events", expand=True)
    table.add_column("#", justify="right", style="dim")
    table.add_column("event", style="bold")
    table.add_column("instrument")
    table.add_column("cid")
    table.add_column("detail", overflow="fold")
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
    )
    task = progress.add_task("orders sent", total=len(requests))
    styles = {
        "Snapshot": "cyan",
        "BalanceSnapshot": "blue",
        "OrderSnapshot": "magenta",
        "OrderCancelled": "yellow",
        "Trade": "green",
    }
    count = 0

    def on_event(event: AccountEvent) -> None:
        nonlocal count
        count += 1
        name, where, cid, detail = event_row(event)
        failed = "OpenFailed" in detail or detail.startswith("Err")
        style = "red" if failed else styles.get(name, "")
        table.add_row(str(count), f"[{style}]{name}[/]", where, cid, detail)

    def on_response(request: Request, response: Response) -> None:
        progress.update(task, advance=1, description=request_text(request))
        style = "red" if isinstance(response.state, Err) else "green"
        answer = f"[{style}]{_result(response.state)}[/]"
        table.add_row("", "[dim]response[/]", "", request.key.cid, answer)

    with Live(Group(table, progress), console=console, refresh_per_second=12):
        run_script(session, requests, on_event, on_response, pace)
        progress.update(task, description="done")
    stats = session.stats()
    console.print()
    console.print(
        f"[dim]{stats.drained} events drained, {stats.pending} pending, "
        f"{stats.rejected} rejected[/]"
    )


def _json(session: Session, requests: Sequence[Request], out: Any) -> None:
    def on_event(event: AccountEvent) -> None:
        out.write(event.to_json() + b"\n")

    run_script(session, requests, on_event, lambda request, response: None)
    out.flush()


def _use_rich(requested: bool | None) -> bool:
    if requested is False:
        return False
    try:
        import rich  # noqa: F401, PLC0415  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        if requested:
            raise
        return False
    return True


def demo(
    orders: str | None = None,
    as_json: bool = False,
    config: ConfigLike | None = None,
    pace: float | None = None,
    table: bool | None = None,
) -> int:
    """Runs the demo; returns the exit code."""
    try:
        text = DEFAULT_SCRIPT if orders is None else _read(orders)
        requests = parse_script(text)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BarterError as exc:
        print(f"error: {orders}: {exc}", file=sys.stderr)
        return 1
    if pace is None:
        pace = 0.2 if sys.stdout.isatty() and not as_json else 0.0
    try:
        with Session(config) as session:
            if as_json:
                _json(session, requests, sys.stdout.buffer)
            elif _use_rich(table):
                _rich(session, requests, pace)
            else:
                _plain(session, requests, sys.stdout, pace)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BarterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as file:
        return file.read()


def script_lines() -> Iterator[str]:
    """The default script's request lines (for documentation and tests)."""
    for line in DEFAULT_SCRIPT.splitlines():
        if line and not line.startswith("#"):
            yield line
