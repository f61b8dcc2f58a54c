"""Load: events from a Rust producer thread into Python through the drain API.

    python benchmarks/session_load.py [--events N] [--batch N] [--capacity N] [--quick] [--out FILE]

A Rust thread (a test hook of the library's test variant: run it with
BARTER_PYTHON_LIBRARY naming a build with the cargo feature ``testing``, as
./dev does) pushes
N order events (default 1,000,000; unindexed keys, a realistic mix of
states) into an ``EventSink`` with the blocking full-queue policy, while this
process drains them in batches into typed ``OrderEvent`` objects. The same
events, written as serde JSON lines by Rust, are then decoded with the plain
batch decode (``OrderEvent.from_json_lines``), and the two rates are
reported side by side, with their ratio, all measured in this one run.

The drained objects are checked against the decoded ones (they must be
equal), and the sink's counters against the event count. Works on CPython
and PyPy. ``--quick`` (for CI) runs 100,000 events.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from engine_results import report

from barter_python._sink import EventSink, FullPolicy
from barter_python.execution import Keys, OrderEvent

# The producer hooks' Python side is the test suite's.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hooks import missing, producer_events_json, start_producer

PRODUCER = 1


def drain_all(count: int, batch: int, capacity: int) -> tuple[float, list[OrderEvent], int]:
    """Seconds from the producer's start until the last event is a Python
    object, the events, and how many batches it took."""
    events: list[OrderEvent] = []
    batches = 0
    with EventSink(capacity, FullPolicy.BLOCK) as sink:
        started = time.perf_counter()
        producer = start_producer(sink, PRODUCER, count, Keys.UNINDEXED)
        while len(events) < count:
            drained = sink.drain(batch, timeout=5.0)
            if not drained:
                raise SystemExit(f"stalled after {len(events)} events")
            events += drained  # type: ignore[arg-type]
            batches += 1
        elapsed = time.perf_counter() - started
        report = producer.join()
        stats = sink.stats()
    assert (report.accepted, report.rejected) == (count, 0), report
    assert stats.pushed == stats.drained == count, stats
    return elapsed, events, batches


def decode_all(count: int, batch: int) -> tuple[float, list[OrderEvent]]:
    """Seconds the plain batch decode takes for the same events, ``batch``
    lines per call (the JSON is made beforehand and not timed)."""
    chunks = [
        producer_events_json(PRODUCER, first, min(batch, count - first), Keys.UNINDEXED)
        for first in range(0, count, batch)
    ]
    events: list[OrderEvent] = []
    started = time.perf_counter()
    for chunk in chunks:
        events += OrderEvent.from_json_lines(chunk, Keys.UNINDEXED)
    return time.perf_counter() - started, events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=4096, help="events per drain/decode call")
    parser.add_argument("--capacity", type=int, default=65536, help="the sink's queue capacity")
    parser.add_argument("--quick", action="store_true", help="100,000 events (for CI)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    count = 100_000 if args.quick else args.events
    why = missing()
    if why is not None:
        parser.error(why)

    # Warm up both paths (imports, caches, PyPy's JIT) on a small run.
    drain_all(min(count, 20_000), args.batch, args.capacity)
    decode_all(min(count, 20_000), args.batch)

    drain_seconds, drained, batches = drain_all(count, args.batch, args.capacity)
    decode_seconds, decoded = decode_all(count, args.batch)
    if drained != decoded:
        first = next(i for i, (a, b) in enumerate(zip(drained, decoded)) if a != b)
        raise SystemExit(f"drained event {first} differs from the decoded one")

    report(
        "session_drain",
        "event",
        count,
        {
            "drain (Rust producer thread -> EventSink -> Python)": drain_seconds,
            "decode (serde JSON lines -> OrderEvent.from_json_lines)": decode_seconds,
        },
        {"drain / decode": drain_seconds / decode_seconds},
        out=args.out,
    )
    print(f"  ({batches:,} drains of up to {args.batch:,} events)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
