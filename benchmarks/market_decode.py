"""barter's example market data decoded into typed ``MarketStreamEvent``s:
the library's path against ``json.loads`` plus a typed build, as ratios
measured in this one run.

    python benchmarks/market_decode.py [--quick] [--out FILE]

The input is the 50,000 real Binance trades and order book tops barter ships
in its crate's ``examples/data`` (found with ``cargo metadata``), as JSON
lines. Paths, each timed with full access (every field read, a ``datetime``
and the nanoseconds included) and compared to the others:

- ``bridge``: ``MarketStreamEvent.from_json_lines``, Rust's serde into
  ``BarterMarketStreamEvent`` C structs, then Python objects;
- ``json.loads + build``: ``json.loads`` per line and the cheapest typed
  build pure Python can do (no validation, as a decoder that trusts its
  input): the baseline of the ">=3x" target;
- ``json.loads + from_dict``: ``json.loads`` and the library's validating
  ``MarketStreamEvent.from_dict``;
- ``json.loads``: dicts only, no types.

``--quick`` (CI) decodes the first 5,000 lines once.
"""

from __future__ import annotations

import argparse
import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from engine_results import barter_data, report

from barter_python._record import make
from barter_python.execution import Side
from barter_python.market import (
    Level,
    MarketEvent,
    MarketItem,
    MarketStreamEvent,
    OrderBookL1,
    PublicTrade,
)
from barter_python.timestamp import Timestamp

_SIDES = {"Buy": Side.BUY, "Sell": Side.SELL}
_EXCHANGES: dict[str, Any] = {}


def _level(value: Any) -> Any:
    return (
        None if value is None else make(Level, (Decimal(value["price"]), Decimal(value["amount"])))
    )


def build(value: dict[str, Any]) -> Any:
    """A typed ``MarketItem`` from ``json.loads`` output (the trades and
    order book tops this data holds), the cheapest way pure Python can."""
    item = value["Item"]
    ((name, payload),) = item["kind"].items()
    if name == "Trade":
        kind: Any = make(
            PublicTrade,
            (
                payload["id"],
                float(payload["price"]),
                float(payload["amount"]),
                _SIDES[payload["side"]],
            ),
        )
    else:
        kind = make(
            OrderBookL1,
            (
                Timestamp.parse(payload["last_update_time"]),
                _level(payload["best_bid"]),
                _level(payload["best_ask"]),
            ),
        )
    exchange = _EXCHANGES.get(item["exchange"])
    if exchange is None:
        exchange = _EXCHANGES[item["exchange"]] = MarketEvent.from_dict(item).exchange
    event = make(
        MarketEvent,
        (
            Timestamp.parse(item["time_exchange"]),
            Timestamp.parse(item["time_received"]),
            exchange,
            item["instrument"],
            kind,
        ),
    )
    return make(MarketItem, (event,))


def full_access(items: list[Any]) -> int:
    """Reads every field (one ``datetime``, every nanosecond and Decimal);
    returns a checksum."""
    total = 0
    for item in items:
        event = item.event
        stamp = event.time_exchange
        total += stamp.nanos + stamp.datetime.second + event.time_received.nanos
        total += event.instrument + len(event.exchange.value)
        kind = event.kind
        if type(kind) is PublicTrade:
            total += len(kind.id) + int(kind.price) + int(kind.amount) + len(kind.side.value)
        else:
            total += kind.last_update_time.nanos
            for level in (kind.best_bid, kind.best_ask):
                if level is not None:
                    total += int(level.price) + int(level.amount)
    return total


def timed(function: Callable[[], list[Any]], repeat: int) -> tuple[float, list[Any], int]:
    """Best seconds of ``repeat`` runs of ``function`` plus full access."""
    best, values, checksum = float("inf"), [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        values = function()
        checksum = full_access(values)
        best = min(best, time.perf_counter() - started)
    return best, values, checksum


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 lines, once (CI)")
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    data = barter_data()
    lines = data.splitlines()
    if args.quick:
        lines = lines[:5_000]
        data = b"\n".join(lines)
    repeat = 1 if args.quick else 5
    loads = json.loads
    paths: dict[str, Callable[[], list[Any]]] = {
        "bridge": lambda: MarketStreamEvent.from_json_lines(data),
        "json.loads + build": lambda: [build(loads(line)) for line in lines],
        "json.loads + from_dict": lambda: [
            MarketStreamEvent.from_dict(loads(line)) for line in lines
        ],
    }
    results: dict[str, float] = {}
    reference: list[Any] | None = None
    checksums = set()
    for name, function in paths.items():
        seconds, values, checksum = timed(function, repeat)
        results[name] = seconds
        checksums.add(checksum)
        if reference is None:
            reference = values
        elif values != reference:
            raise SystemExit(f"{name} decodes other values than the bridge")
    started = time.perf_counter()
    dicts = [loads(line) for line in lines]
    results["json.loads"] = time.perf_counter() - started
    if len(checksums) != 1 or [v.to_dict() for v in reference or []] != dicts:
        raise SystemExit("the paths disagree")
    count = len(lines)
    ratios = {
        "json.loads + build / bridge": results["json.loads + build"] / results["bridge"],
        "json.loads + from_dict / bridge": results["json.loads + from_dict"] / results["bridge"],
        "bridge / json.loads": results["bridge"] / results["json.loads"],
    }
    report("market_decode", "market event", count, results, ratios, out=args.out)


if __name__ == "__main__":
    main()
