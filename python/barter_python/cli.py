"""The ``barter-python`` command line (also ``python -m barter_python``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import BinaryIO

from .errors import BarterError
from .execution import (
    ActiveOrderState,
    ApiError,
    CancelInFlight,
    Cancelled,
    ConnectivityError,
    JsonLinesResult,
    Open,
    OpenFailed,
    OrderError,
    OrderEvent,
    OrderState,
)

#: Lines decoded per call into Rust, so memory stays bounded on large files.
CHUNK_LINES = 8192


def describe_error(error: OrderError) -> str:
    family = "Connectivity" if isinstance(error, ConnectivityError) else "Rejected"
    assert isinstance(error, (ConnectivityError, ApiError))
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


def describe(event: OrderEvent) -> str:
    key = event.key
    return (
        f"exchange={key.exchange} instrument={key.instrument} "
        f"strategy={key.strategy!r} cid={key.cid!r}  {describe_state(event.state)}"
    )


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


def _decoded(stream: BinaryIO) -> Iterator[tuple[int, JsonLinesResult]]:
    head = stream.peek(64) if hasattr(stream, "peek") else b""
    if head.lstrip().startswith(b"["):
        yield 0, JsonLinesResult(OrderEvent.from_json_array(stream.read()), [])
        return
    for before, chunk in _chunks(stream):
        yield before, OrderEvent.decode_json_lines(chunk)


def decode(stream: BinaryIO, as_json: bool) -> int:
    """Prints each event; reports bad lines on stderr. Returns the exit code."""
    count = failures = 0
    out = sys.stdout
    for before, result in _decoded(stream):
        if as_json:
            out.buffer.write(OrderEvent.to_json_lines(result.events))
        else:
            for event in result.events:
                count += 1
                out.write(f"{count:>6}  {describe(event)}\n")
        for error in result.errors:
            failures += 1
            # Rust counts lines within the chunk; restate them for the whole input.
            local = f"line {error.line}"
            message = error.message.removeprefix(local)
            print(f"error: line {before + error.line}{message}", file=sys.stderr)
    out.flush()
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="barter-python", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    decode_cmd = commands.add_parser(
        "decode",
        help="decode barter OrderEvent JSON (JSON lines or one array)",
        description="Reads serde JSON of barter OrderEvents, one per line or as one array, "
        "and prints one line per event naming its state. Bad lines are reported on stderr "
        "with their line number; the rest are still decoded, and the exit code is 1.",
    )
    decode_cmd.add_argument("file", help="input file, or - for standard input")
    decode_cmd.add_argument(
        "--json", action="store_true", help="write the events back as serde JSON lines"
    )
    args = parser.parse_args(argv)

    try:
        if args.file == "-":
            return decode(sys.stdin.buffer, args.json)
        with open(args.file, "rb") as stream:
            return decode(stream, args.json)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BarterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
