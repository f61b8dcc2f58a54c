"""barter-python benchmark suite.

    python benchmarks/run.py [--quick] [--out FILE]

Decodes the committed workload (100,000 order events of mixed states made by
rust-ffi's `workload` example) along every path, checks that every path
produced the same objects, and reports ns/event and the ratios between paths,
all measured in this one run, each path in a fresh interpreter process.
Timings are the best of several repetitions.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import paths  # noqa: E402
import peers  # noqa: E402

from barter_python import _codec, _fastpath, builder  # noqa: E402
from barter_python._native import lib  # noqa: E402
from barter_python.execution import (  # noqa: E402
    CancelInFlight,
    Cancelled,
    Open,
    OpenFailed,
    OrderEvent,
)

WORKLOAD = HERE / "data" / "order_events_100k.jsonl.gz"


def machine() -> str:
    """Architecture, CPU model and core count (``platform.processor()`` is
    empty on most Linux systems, so the model comes from /proc/cpuinfo)."""
    model = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    return f"{platform.machine()}, {model or 'unknown CPU'}, {os.cpu_count()} cores"


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


class Entry(NamedTuple):
    """One path of the suite, measured in a process of its own."""

    name: str
    #: Runs the path's measurements given the workload (see ``measure``).
    body: Callable[[Workload], None]


class Workload:
    """The decoded workload and the measurements of one process."""

    def __init__(self, quick: bool) -> None:
        self.data = gzip.decompress(WORKLOAD.read_bytes())
        self.lines = self.data.splitlines()
        if quick:
            self.lines = self.lines[:3000]
            self.data = b"\n".join(self.lines) + b"\n"
        self.quick = quick
        self.count = len(self.lines)
        # PyPy's timings settle only after its JIT has compiled the path and
        # its GC has grown: more repetitions for the best one.
        jit = platform.python_implementation() == "PyPy"
        self.repeat = 2 if quick else 10 if jit else 5
        self.reference = OrderEvent.from_json_lines(self.data)
        self.results: dict[str, float] = {}
        self.checks: dict[str, bool] = {}
        self.memory: dict[str, float] = {}

    def run(self, name: str, fn: Callable[[], Any], n: int = 0, same: Any = ...) -> None:
        """Times ``fn`` and, for typed objects, its full-access variant;
        checks it produced ``same`` (the reference objects by default)."""
        n = n or self.count
        same = self.reference if same is ... else same
        ns, produced = best_ns(fn, n, self.repeat)
        self.results[name] = ns
        if same is None:  # not typed objects: no full-access variant either
            return
        self.checks[name] = produced == same
        full_ns, _ = best_ns(lambda: full_access(fn()), n, self.repeat)
        self.results[f"{name}+full"] = full_ns


def _bridge_lines(w: Workload) -> None:
    w.run("bridge: JSON lines batch", lambda: paths.bridge_lines(w.data))
    touched = full_access(paths.bridge_lines(w.data))
    w.checks["full access checksum"] = touched == full_access(w.reference)


def _from_json(w: Workload) -> None:
    single = w.lines[: min(w.count, 10_000)]
    w.run("bridge: from_json per event", lambda: paths.bridge_single(single), len(single),
          w.reference[: len(single)])  # fmt: skip


def _rust_origin(w: Workload) -> None:
    rust = paths.RustOrigin(w.data)
    try:
        w.run("bridge: Rust-origin structs", rust)
    finally:
        rust.close()


def _orjson(w: Workload) -> None:
    build = paths.orjson_build_path()
    if build is not None:
        w.run("orjson + build", lambda: build(w.lines))


def _msgspec(w: Workload) -> None:
    decode_lines = peers.msgspec_path()
    if decode_lines is None:
        return
    ns, produced = best_ns(lambda: decode_lines(w.data), w.count, w.repeat)
    w.results["msgspec typed"] = ns
    w.checks["msgspec typed"] = len(produced) == w.count
    w.results["msgspec typed+full"], _ = best_ns(
        lambda: peers.msgspec_touch(decode_lines(w.data)), w.count, w.repeat
    )


def _typed_floor(w: Workload) -> None:
    values = paths.prepare_values(w.reference)
    w.run("floor: typed objects from values", lambda: paths.python_floor(values))


def _tuple_floor(w: Workload) -> None:
    values = paths.prepare_values(w.reference)
    w.run("floor: plain tuples", lambda: paths.tuple_floor(values), same=None)


def _cffi_builder(w: Workload) -> None:
    """The batch decode on CPython with its C builder turned off (as with
    BARTER_PYTHON_BUILDER=cffi). PyPy's batch row is this builder already."""
    if builder() != "c":
        return
    decode = _fastpath._without_gc(_fastpath._cffi_order_event_decoders()[0])
    _codec.FAST_DECODERS[lib.BARTER_MESSAGE_ORDER_EVENT] = decode
    w.run("bridge: JSON lines batch, cffi builder", lambda: paths.bridge_lines(w.data))


def _batch_of_1000(w: Workload) -> None:
    chunk = b"\n".join(w.lines[:1000])
    ns, _ = best_ns(lambda: paths.bridge_lines(chunk), 1000, w.repeat)
    w.results["bridge: batch of 1,000"] = ns


def _memory(w: Workload) -> None:
    w.memory = memory_ratio(w.data, 50_000 if w.quick else 1_000_000, 10_000)


ENTRIES = [
    Entry("bridge: JSON lines batch", _bridge_lines),
    Entry("bridge: JSON lines batch, one thread",
         lambda w: w.run("bridge: JSON lines batch, one thread",
                         lambda: paths.bridge_lines_one_thread(w.data))),
    Entry("bridge: JSON lines batch, cffi builder", _cffi_builder),
    Entry("bridge: from_json per event", _from_json),
    Entry("bridge: Rust-origin structs", _rust_origin),
    Entry("json.loads + build", lambda w: w.run("json.loads + build",
                                               lambda: paths.json_build(w.lines))),
    Entry("orjson + build", _orjson),
    Entry("msgspec typed", _msgspec),
    Entry("floor: typed objects from values", _typed_floor),
    Entry("floor: plain tuples", _tuple_floor),
    Entry("bridge: batch of 1,000", _batch_of_1000),
    Entry("memory", _memory),
]  # fmt: skip


def measure(name: str, quick: bool) -> dict[str, Any]:
    """Measures one path in this process."""
    w = Workload(quick)
    next(entry for entry in ENTRIES if entry.name == name).body(w)
    return {"events": w.count, "repeat": w.repeat, "ns_per_event": w.results,
            "checks": w.checks, "memory": w.memory}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few thousand events, for CI")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--path", help=argparse.SUPPRESS)  # one path, for the suite itself
    args = parser.parse_args()
    if args.path:
        print(json.dumps(measure(args.path, args.quick)))
        return 0

    # Each path runs in a fresh interpreter: what one path leaves behind
    # (PyPy's JIT traces and heap, CPython's arenas) must not bill another,
    # which it did by up to 3x on PyPy.
    results: dict[str, float] = {}
    checks: dict[str, bool] = {}
    memory: dict[str, float] = {}
    count = repeat = 0
    for entry in ENTRIES:
        command = [sys.executable, __file__, "--path", entry.name, *(["--quick"] * args.quick)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        part = json.loads(done.stdout)
        results.update(part["ns_per_event"])
        checks.update(part["checks"])
        memory = part["memory"] or memory
        count, repeat = part["events"], part["repeat"]

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
    if "bridge: JSON lines batch, cffi builder+full" in r:
        ratios["cffi builder / C builder (full)"] = (
            r["bridge: JSON lines batch, cffi builder+full"] / r["bridge: JSON lines batch+full"]
        )
    if "msgspec typed+full" in r:
        ratios["bridge batch / msgspec (full)"] = (
            r["bridge: JSON lines batch+full"] / r["msgspec typed+full"]
        )
    report = {
        "interpreter": f"{platform.python_implementation()} {platform.python_version()}",
        "machine": machine(),
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
