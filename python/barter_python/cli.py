"""The ``barter-python`` command line (also ``python -m barter_python``)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

from ._backtest_cli import backtest_command
from ._session_demo import demo as session_demo
from ._system_demo import demo as system_demo
from .errors import BarterError
from .execution import (
    AccountEvent,
    AccountSnapshot,
    ActiveOrderState,
    ApiError,
    AssetBalance,
    CancelInFlight,
    Cancelled,
    Err,
    JsonLinesResult,
    Keys,
    Message,
    Ok,
    Open,
    OpenFailed,
    OrderError,
    OrderEvent,
    OrderResponseCancel,
    OrderSnapshot,
    OrderState,
    Trade,
)

#: Lines decoded per call into Rust, so memory stays bounded on large files.
CHUNK_LINES = 8192
#: How much of the input the kind and key form are guessed from.
SNIFF_BYTES = 4096

KINDS: dict[str, type[Message]] = {"order": OrderEvent, "account": AccountEvent}


def describe_error(error: OrderError) -> str:
    family = "Rejected" if isinstance(error, ApiError) else "Connectivity"
    fields = ", ".join(repr(getattr(error, f)) for f in error._fields)
    return f"{family}/{type(error).__name__}" + (f"({fields})" if fields else "")


def describe_state(state: OrderState) -> str:
    """One readable phrase naming the state variant and its payload."""
    family = "Active" if isinstance(state, ActiveOrderState) else "Inactive"
    name = f"{family}/{type(state).__name__}"
    if isinstance(state, Open):
        return f"{name} id={state.id} filled={state.filled_quantity} at {state.time_exchange}"
    if isinstance(state, CancelInFlight):
        order = state.order
        return name if order is None else f"{name} of id={order.id} filled={order.filled_quantity}"
    if isinstance(state, Cancelled):
        return f"{name} id={state.id} at {state.time_exchange}"
    if isinstance(state, OpenFailed):
        return f"{name}: {describe_error(state.error)}"
    return name


def describe_result(result: Ok[Any] | Err) -> str:
    if isinstance(result, Err):
        return f"Err: {describe_error(result.error)}"
    value = result.value
    return f"Ok: {describe_state(value) if isinstance(value, OrderState) else value!r}"


def _key(key: Any) -> str:
    return (
        f"exchange={key.exchange} instrument={key.instrument} "
        f"strategy={key.strategy!r} cid={key.cid!r}"
    )


def describe(item: Message) -> str:
    if isinstance(item, OrderEvent):
        return f"{_key(item.key)}  {describe_state(item.state)}"
    assert isinstance(item, AccountEvent)
    kind = item.kind
    prefix = f"exchange={item.exchange}  "
    if isinstance(kind, AccountSnapshot):
        orders = sum(len(i.orders) for i in kind.instruments)
        return (
            f"{prefix}Snapshot balances={len(kind.balances)} "
            f"instruments={len(kind.instruments)} orders={orders}"
        )
    if isinstance(kind, AssetBalance):
        balance = kind.balance
        return (
            f"{prefix}BalanceSnapshot asset={kind.asset} total={balance.total} "
            f"free={balance.free} at {kind.time_exchange}"
        )
    if isinstance(kind, OrderSnapshot):
        return f"{prefix}OrderSnapshot {_key(kind.key)} {describe_state(kind.state)}"
    if isinstance(kind, OrderResponseCancel):
        return f"{prefix}OrderCancelled {_key(kind.key)} {describe_result(kind.state)}"
    assert isinstance(kind, Trade)
    return (
        f"{prefix}Trade id={kind.id} order={kind.order_id} instrument={kind.instrument} "
        f"{kind.side.value} {kind.quantity} @ {kind.price} fees={kind.fees.fees} "
        f"at {kind.time_exchange}"
    )


def sniff(head: bytes) -> tuple[type[Message], Keys]:
    """Guesses the message kind and key form from the start of the input;
    Rust's parser still decides whether it is valid."""
    kind = AccountEvent if re.search(rb'"kind"\s*:', head) else OrderEvent
    exchange = re.search(rb'"exchange"\s*:\s*(\S)', head)
    keys = Keys.UNINDEXED if exchange and exchange.group(1) == b'"' else Keys.INDEXED
    return kind, keys


def _chunks(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(number of lines before the chunk, chunk) for JSON lines input."""
    before, lines = 0, []
    for line in stream:
        lines.append(line)
        if len(lines) == CHUNK_LINES:
            yield before, b"".join(lines)
            before, lines = before + len(lines), []
    if lines:
        yield before, b"".join(lines)


def _decoded(
    stream: BinaryIO, kind: type[Message], keys: Keys, head: bytes
) -> Iterator[tuple[int, JsonLinesResult[Any]]]:
    if head.lstrip().startswith(b"["):
        yield 0, JsonLinesResult(kind.from_json_array(stream.read(), keys), [])
        return
    for before, chunk in _chunks(stream):
        yield before, kind.decode_json_lines(chunk, keys)


def decode(stream: BinaryIO, as_json: bool, kind_name: str, keys_name: str) -> int:
    """Prints each item; reports bad lines on stderr. Returns the exit code."""
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    kind, keys = sniff(head)
    if kind_name != "auto":
        kind = KINDS[kind_name]
    if keys_name != "auto":
        keys = Keys[keys_name.upper()]
    count = failures = 0
    out = sys.stdout
    for before, result in _decoded(stream, kind, keys, head):
        if as_json:
            out.buffer.write(kind.to_json_lines(result.events))
        else:
            for item in result.events:
                count += 1
                out.write(f"{count:>6}  {describe(item)}\n")
        for error in result.errors:
            failures += 1
            # Rust counts lines within the chunk; restate them for the whole input.
            message = error.message.removeprefix(f"line {error.line}")
            print(f"error: line {before + error.line}{message}", file=sys.stderr)
    out.flush()
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="barter-python", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    decode_cmd = commands.add_parser(
        "decode",
        help="decode barter OrderEvent or AccountEvent JSON (JSON lines or one array)",
        description="Reads serde JSON of barter OrderEvents or AccountEvents, one per line or "
        "as one array, and prints one line per event. Bad lines are reported on stderr with "
        "their line number; the rest are still decoded, and the exit code is 1.",
    )
    decode_cmd.add_argument("file", help="input file, or - for standard input")
    decode_cmd.add_argument(
        "--json", action="store_true", help="write the events back as serde JSON lines"
    )
    decode_cmd.add_argument(
        "--kind",
        choices=["auto", *KINDS],
        default="auto",
        help="OrderEvent or AccountEvent (default: detected from the input)",
    )
    decode_cmd.add_argument(
        "--keys",
        choices=["auto", "indexed", "unindexed"],
        default="auto",
        help="index keys or exchange names (default: detected from the input)",
    )
    system_cmd = commands.add_parser(
        "demo",
        help="drive a barter System (engine, MockExchange) with a short command script, live",
        description="Starts a barter System inside the library on barter's example config "
        "(DefaultStrategy, DefaultRiskManager, MockExchange; shipped in the package: no network), "
        "feeds it a slice of barter's example market data, sends a market buy and sell, a limit "
        "order, a cancel and close_positions, and shows the engine's audit ticks live, each "
        "request's result, and barter's trading summary at the end.",
    )
    system_cmd.add_argument(
        "--json", action="store_true", help="print the audit ticks as serde JSON lines instead"
    )
    backtest_cmd = commands.add_parser(
        "backtest",
        help="backtest a strategy over a market data file (barter's engine, MockExchange)",
        description="Runs barter's engine over a market data file (barter's JSON array or JSON "
        "lines of MarketStreamEvents, like its examples/data) with the instruments and mock "
        "executions of a config, calling a Python strategy after each market event, and prints "
        "barter's trading summary. Deterministic: the same inputs give the same summary.",
    )
    backtest_cmd.add_argument(
        "--config", required=True, metavar="FILE",
        help="barter's SystemConfig JSON (or its backtest config, which nests it under system)",
    )  # fmt: skip
    backtest_cmd.add_argument("--data", required=True, metavar="FILE", help="the market data")
    backtest_cmd.add_argument(
        "--strategy", metavar="MODULE:NAME",
        help="a callable taking the backtest after each event, or a class making one, e.g. "
        "barter_python.strategies:MovingAverageCross (default: none, nothing is traded)",
    )  # fmt: skip
    backtest_cmd.add_argument(
        "--risk-free-return", default="0.05", metavar="DECIMAL", help="(default: 0.05)"
    )
    backtest_cmd.add_argument(
        "--interval", choices=["daily", "annual252", "annual365"], default="daily",
        help="the summary's ratio interval (default: daily)",
    )  # fmt: skip
    backtest_cmd.add_argument(
        "--json", action="store_true", help="print the summary as JSON instead of a table"
    )
    backtest_cmd.add_argument(
        "--plot", metavar="PNG",
        help="write the equity curve (realised PnL over time) there; needs matplotlib",
    )  # fmt: skip
    demo_cmd = commands.add_parser(
        "session-demo",
        help="paper-trade a short order script on barter's MockExchange, live",
        description="Starts a paper-trading session on barter's MockExchange inside the library "
        "(the configuration shipped in the package: no network, no files), sends an order script "
        "and prints the account events the exchange raises as a live table.",
    )
    demo_cmd.add_argument(
        "--json", action="store_true", help="print the events as serde JSON lines instead"
    )
    demo_cmd.add_argument(
        "--orders",
        metavar="FILE",
        help='replay your own order script: JSON lines of {"open": <OrderRequestOpen>} or '
        '{"cancel": <OrderRequestCancel>} in serde JSON with unindexed keys (- for stdin)',
    )
    demo_cmd.add_argument(
        "--config",
        metavar="FILE",
        help="a barter SystemConfig JSON file with one Mock execution (default: the shipped one)",
    )
    demo_cmd.add_argument(
        "--pace",
        type=float,
        metavar="SECONDS",
        help="pause before each order (default: 0.2 on a terminal, else 0)",
    )
    demo_cmd.add_argument(
        "--plain", action="store_true", help="plain text lines instead of the rich table"
    )
    args = parser.parse_args(argv)

    if args.command == "demo":
        return system_demo(args.json)
    if args.command == "backtest":
        return backtest_command(
            args.config,
            args.data,
            strategy_spec=args.strategy,
            risk_free_return=args.risk_free_return,
            interval_name=args.interval,
            as_json=args.json,
            plot_path=args.plot,
        )
    if args.command == "session-demo":
        return session_demo(
            args.orders,
            args.json,
            args.config,
            args.pace,
            table=False if args.plain else None,
        )

    try:
        if args.file == "-":
            return decode(sys.stdin.buffer, args.json, args.kind, args.keys)
        with open(args.file, "rb") as stream:
            return decode(stream, args.json, args.kind, args.keys)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BarterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
