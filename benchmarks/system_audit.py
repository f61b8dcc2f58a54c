"""The System's audit stream: ticks drained into typed objects, against serde
JSON lines plus ``json.loads``, as ratios measured in this one run.

    python benchmarks/system_audit.py [--ticks N] [--quick] [--out FILE]

A System (barter's example config, audit on) processes N feed events: the
shipped slice of barter's example market data, repeated, with trading-state
commands between them. Three paths then turn the same ticks into Python
values:

- ``drain``: ``SystemHandle.drain_audit`` from a live System, the library's
  path (the usual ticks cross as C structs built into records like decoded
  market items and account events, the rest as serde's JSON);
- ``drain_json``: ``SystemHandle.drain_audit_json`` from another live System
  fed the same: serde's JSON lines of every tick, each also read into an
  ``AuditTick`` (for ``settle``) as the library did before the structs;
- ``typed``: the same JSON lines, already in memory, through ``json.loads``
  and ``AuditTick.from_dict`` (the typed build alone);
- ``json.loads``: the same lines through ``json.loads`` only: dicts, no types.

Every path must give the same values (the typed ticks' ``to_dict()`` equal
the dicts). Works on CPython and PyPy; ``--quick`` (CI) runs 5,000 ticks.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from engine_results import report

from barter_python.engine import AuditTick
from barter_python.system import SystemHandle, example_config, example_market_events, start_system


def _system() -> SystemHandle:
    config = example_config()
    config["executions"][0]["latency_ms"] = 1
    return start_system(config, audit=True)


def _feed(system: SystemHandle, ticks: int) -> None:
    events = example_market_events()
    fed = 0
    while fed < ticks:
        system.feed_market_events(events)
        system.set_trading_enabled(fed % 2 == 0)
        fed += len(events) + 1


def drain_path(ticks: int) -> tuple[float, list[AuditTick], list[bytes]]:
    """Seconds to drain every tick of a live System into typed objects."""
    with _system() as system:
        system.settle()  # the account snapshot
        _feed(system, ticks)
        started = time.perf_counter()
        typed = system.settle(timeout=600)
        elapsed = time.perf_counter() - started
    return elapsed, typed, [t.to_json() for t in typed]


def drain_json_path(ticks: int) -> tuple[float, list[bytes]]:
    """Seconds to drain every tick of a live System as JSON lines."""
    with _system() as system:
        system.settle()
        _feed(system, ticks)
        started = time.perf_counter()
        lines: list[bytes] = []
        # settle(), over the JSON drain.
        while not system._settled:
            lines += system.drain_audit_json(timeout=0.25)
        elapsed = time.perf_counter() - started
    return elapsed, lines


def timed(function: Any, lines: list[bytes]) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    values = [function(line) for line in lines]
    return time.perf_counter() - started, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ticks", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5,000 ticks (CI)")
    parser.add_argument("--out", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    ticks = 5_000 if args.quick else args.ticks

    drain_s, drained, lines = drain_path(ticks)
    drain_json_s, json_lines = drain_json_path(ticks)
    typed_s, typed = timed(lambda line: AuditTick.from_dict(json.loads(line)), lines)
    loads_s, dicts = timed(json.loads, lines)
    if typed != drained or [t.to_dict() for t in typed] != dicts:
        raise SystemExit("the paths disagree")
    # The two Systems' ticks differ in their clocks only.
    if len(json_lines) != len(lines):
        raise SystemExit(f"the JSON drain took {len(json_lines)} ticks, not {len(lines)}")
    count = len(lines)
    seconds = {
        "drain": drain_s,
        "drain_json": drain_json_s,
        "typed": typed_s,
        "json.loads": loads_s,
    }
    ratios = {
        "drain / json.loads": drain_s / loads_s,
        "drain_json / drain": drain_json_s / drain_s,
        "typed / json.loads": typed_s / loads_s,
    }
    report("system_audit", "tick", count, seconds, ratios, out=args.out)


if __name__ == "__main__":
    main()
