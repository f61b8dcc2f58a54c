"""barter-python benchmark suite.

    python benchmarks/run.py [--quick] [--out FILE]

Decodes the committed workload (100,000 order events of mixed states made by
rust-ffi's `workload` example) along every path, checks that every path
produced the same objects, and reports ns/event and the ratios between paths,
all measured in this one run. Timings are the best of several repetitions.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import paths  # noqa: E402
import peers  # noqa: E402

from barter_python.execution import (  # noqa: E402
    CancelInFlight,
    Cancelled,
    Open,
    OpenFailed,
    OrderEvent,
)

WORKLOAD = HERE / "data" / "order_events_100k.jsonl.gz"


def full_access(events: list[Any]) -> int:
    """Touches every field, Decimal, datetime and nanoseconds included, so
    lazily built values are not a free lunch. Returns a checksum. Dispatches
    on the state's class, as msgspec's touch does on its fields: the cost
    measured is that of the fields, not of missing-attribute lookups."""
    total = 0
    for event in events:
        key = event.key
        total += key.exchange + key.instrument + len(key.strategy) + len(key.cid)
        state = event.state
        kind = type(state)
        if kind is CancelInFlight:
            state = state.order
            kind = type(state)
        if kind is Open or kind is Cancelled:
            stamp = state.time_exchange
            total += len(state.id) + stamp.nanos + stamp.datetime.second
            if kind is Open:
                total += int(state.filled_quantity)
        elif kind is OpenFailed:
            total += len(state.error._fields)
    return total


def best_ns(fn: Callable[[], Any], count: int, repeat: int) -> tuple[float, Any]:
    """Best time of `repeat` runs, with the cyclic GC off for every path
    alike: the bridge pauses it by itself while it builds a batch, and the
    baselines should not pay for collections that scan the suite's own live
    objects either."""
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter_ns()
            result = fn()
            best = min(best, time.perf_counter_ns() - start)
        finally:
            gc.enable()
    return best / count, result


def rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def memory_ratio(data: bytes, events: int, batch: int) -> dict[str, float]:
    """Peak process memory while decoding `events` events in batches of
    `batch`, over the memory the resulting objects hold."""
    lines = data.splitlines(keepends=True)
    chunks = [b"".join(lines[i : i + batch]) for i in range(0, len(lines), batch)]
    repeat = max(1, events // len(lines))
    gc.collect()
    base = rss_kib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kept: list[Any] = []
    for _ in range(repeat):
        for chunk in chunks:
            kept.extend(OrderEvent.from_json_lines(chunk))
    held = rss_kib() - base
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is a high-water mark: only meaningful if it rose in here.
    grown = max(peak - max(peak_before, base), held)
    result = {"events": len(kept), "held_kib": held, "peak_kib": grown}
    result["peak_over_held"] = grown / held if held else float("nan")
    return result


def main() -> int:  # noqa: PLR0915 - the suite reads top to bottom
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few thousand events, for CI")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    args = parser.parse_args()

    data = gzip.decompress(WORKLOAD.read_bytes())
    lines = data.splitlines()
    if args.quick:
        lines = lines[:3000]
        data = b"\n".join(lines) + b"\n"
    # PyPy's timings settle only after its JIT has compiled each path and
    # its GC has grown: more repetitions for the best one.
    jit = platform.python_implementation() == "PyPy"
    count, repeat = len(lines), (2 if args.quick else 10 if jit else 5)
    single = lines[: min(count, 10_000)]

    reference = OrderEvent.from_json_lines(data)
    values = paths.prepare_values(reference)
    rust = paths.RustOrigin(data)
    results: dict[str, float] = {}
    checks: dict[str, bool] = {}
    expected_touch = full_access(reference)

    def run(name: str, fn: Callable[[], Any], n: int = count, same: Any = reference) -> None:
        ns, produced = best_ns(fn, n, repeat)
        results[name] = ns
        if same is None:  # not typed objects: no full-access variant either
            return
        checks[name] = produced == same
        full_ns, _ = best_ns(lambda: full_access(fn()), n, repeat)
        results[f"{name}+full"] = full_ns

    run("bridge: JSON lines batch", lambda: paths.bridge_lines(data))
    run("bridge: JSON lines batch, one thread", lambda: paths.bridge_lines_one_thread(data))
    run("bridge: from_json per event", lambda: paths.bridge_single(single), len(single),
        reference[: len(single)])  # fmt: skip
    run("bridge: Rust-origin structs", rust)
    run("json.loads + build", lambda: paths.json_build(lines))
    orjson_build = paths.orjson_build_path()
    if orjson_build is not None:
        run("orjson + build", lambda: orjson_build(lines))
    decode_lines = peers.msgspec_path()
    if decode_lines is not None:
        ns, produced = best_ns(lambda: decode_lines(data), count, repeat)
        results["msgspec typed"] = ns
        checks["msgspec typed"] = len(produced) == count
        results["msgspec typed+full"], _ = best_ns(
            lambda: peers.msgspec_touch(decode_lines(data)), count, repeat
        )
    run("floor: typed objects from values", lambda: paths.python_floor(values))
    run("floor: plain tuples", lambda: paths.tuple_floor(values), same=None)
    rust.close()
    checks["full access checksum"] = full_access(paths.bridge_lines(data)) == expected_touch

    batch = 1000
    ns_batch_1000, _ = best_ns(lambda: paths.bridge_lines(b"\n".join(lines[:batch])), batch, repeat)
    results["bridge: batch of 1,000"] = ns_batch_1000
    memory = memory_ratio(data, 50_000 if args.quick else 1_000_000, 10_000)

    r = results
    ratios = {
        "json.loads+build / bridge batch (full)": r["json.loads + build+full"]
        / r["bridge: JSON lines batch+full"],
        "bridge batch / Rust-origin (full)": r["bridge: JSON lines batch+full"]
        / r["bridge: Rust-origin structs+full"],
        "Rust-origin / tuple floor": r["bridge: Rust-origin structs"] / r["floor: plain tuples"],
        "from_json / batch of 1,000": r["bridge: from_json per event"]
        / r["bridge: batch of 1,000"],
        "memory peak / held": memory["peak_over_held"],
    }
    if "msgspec typed+full" in r:
        ratios["bridge batch / msgspec (full)"] = (
            r["bridge: JSON lines batch+full"] / r["msgspec typed+full"]
        )
    report = {
        "interpreter": f"{platform.python_implementation()} {platform.python_version()}",
        "machine": f"{platform.machine()}, {platform.processor() or 'unknown cpu'}",
        "events": count,
        "quick": args.quick,
        "ns_per_event": results,
        "ratios": ratios,
        "memory": memory,
        "checks": checks,
    }
    width = max(map(len, results))
    print(f"{report['interpreter']}: {count} events, best of {repeat}")
    for name, ns in results.items():
        print(f"  {name:<{width}}  {ns:10.0f} ns/event")
    for name, ratio in ratios.items():
        print(f"  {name:<{width}}  {ratio:10.2f}x")
    print(f"  checks: {checks}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
