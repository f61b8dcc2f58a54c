"""barter-python benchmark suite.

    python benchmarks/run.py [--quick] [--out FILE]

Decodes two workloads made by rust-ffi's `workload` example along every
path: the benchmark workload (100,000 indexed order events of mixed states,
ASCII names, timestamps within one day) and the realistic one (50,000 events
in each key form, with non-ASCII and long strings, timestamps over two
centuries, decimals at every scale, every state and error). It checks that
every path produced the library's values, and reports ns/event with the
cyclic GC on (as users run) and off, and the ratios between paths, all
measured in this one run, each path and workload in a fresh interpreter
process. Timings are the best of several repetitions.

The PyO3 peer runs when ``BARTER_PYO3_PEER`` names the directory of its
build for this interpreter (scripts/build_pyo3_peer.sh; ./dev does it).
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
    Keys,
    Open,
    OpenFailed,
    OrderEvent,
)

DATA = HERE / "data"
#: Each workload's files and their key forms.
WORKLOADS = {
    "benchmark": [(Keys.INDEXED, "order_events_100k.jsonl.gz")],
    "realistic": [
        (Keys.INDEXED, "realistic_indexed_50k.jsonl.gz"),
        (Keys.UNINDEXED, "realistic_unindexed_50k.jsonl.gz"),
    ],
}
QUICK_EVENTS = 3000
GC_MODES = ("on", "off")


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
        total += paths.key_sum(key) + len(key.strategy) + len(key.cid)
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


def best_ns(fn: Callable[[], Any], count: int, repeat: int, gc_on: bool) -> tuple[float, Any]:
    """Best time of `repeat` runs, with the cyclic GC on (as users run: the
    bridge pauses it by itself while it builds a batch, the baselines do
    not) or off for every path alike, so that no path pays for collections
    that scan the suite's own live objects."""
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None
        gc.collect()
        if not gc_on:
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


def memory_ratio(parts: list[paths.Part], events: int, batch: int) -> dict[str, float]:
    """Peak process memory while decoding `events` events in batches of
    `batch`, over the memory the resulting objects hold."""
    chunks = [
        (part.keys, b"\n".join(part.lines[i : i + batch]))
        for part in parts
        for i in range(0, len(part.lines), batch)
    ]
    repeat = max(1, events // sum(len(part.lines) for part in parts))
    gc.collect()
    base = rss_kib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kept: list[Any] = []
    for _ in range(repeat):
        for keys, chunk in chunks:
            kept.extend(OrderEvent.from_json_lines(chunk, keys))
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
    """One workload's parts and the measurements of one process."""

    def __init__(self, name: str, quick: bool) -> None:
        self.parts = []
        for keys, file in WORKLOADS[name]:
            lines = gzip.decompress((DATA / file).read_bytes()).splitlines()
            if quick:
                lines = lines[: QUICK_EVENTS // len(WORKLOADS[name])]
            self.parts.append(paths.Part.of(keys, lines))
        self.quick = quick
        self.count = sum(len(part.lines) for part in self.parts)
        # PyPy's timings settle only after its JIT has compiled the path and
        # its GC has grown: more repetitions for the best one.
        jit = platform.python_implementation() == "PyPy"
        self.repeat = 2 if quick else 10 if jit else 5
        self.reference = paths.bridge_lines(self.parts)
        self.results: dict[str, dict[str, float]] = {mode: {} for mode in GC_MODES}
        self.checks: dict[str, bool] = {}
        self.memory: dict[str, float] = {}

    def first(self, events: int) -> list[paths.Part]:
        """The workload's first ``events`` events, shared out over its parts."""
        share = events // len(self.parts)
        return [paths.Part.of(part.keys, part.lines[:share]) for part in self.parts]

    def time(self, name: str, fn: Callable[[], Any], n: int = 0) -> Any:
        """Times ``fn`` with the GC on and off; returns what it produced."""
        produced = None
        for mode in GC_MODES:
            ns, produced = best_ns(fn, n or self.count, self.repeat, mode == "on")
            self.results[mode][name] = ns
        return produced

    def run(self, name: str, fn: Callable[[], Any], n: int = 0, same: Any = ...) -> None:
        """Times ``fn`` and, for typed objects, its full-access variant;
        checks it produced ``same`` (the reference objects by default)."""
        same = self.reference if same is ... else same
        produced = self.time(name, fn, n)
        if same is None:  # not typed objects: no full-access variant either
            return
        self.checks[name] = produced == same
        self.time(f"{name}+full", lambda: full_access(fn()), n)


def _bridge_lines(w: Workload) -> None:
    w.run("bridge: JSON lines batch", lambda: paths.bridge_lines(w.parts))
    touched = full_access(paths.bridge_lines(w.parts))
    w.checks["full access checksum"] = touched == full_access(w.reference)


def _from_json(w: Workload) -> None:
    single = w.first(min(w.count, 10_000))
    reference = paths.bridge_lines(single)
    w.run("bridge: from_json per event", lambda: paths.bridge_single(single), len(reference),
          reference)  # fmt: skip


def _rust_origin(w: Workload) -> None:
    rust = paths.RustOrigin(w.parts)
    try:
        w.run("bridge: Rust-origin structs", rust)
    finally:
        rust.close()


def _orjson(w: Workload) -> None:
    build = paths.orjson_build_path()
    if build is not None:
        w.run("orjson + build", lambda: build(w.parts))


def _msgspec(w: Workload) -> None:
    decode = peers.msgspec_path()
    if decode is None:
        return
    produced = w.time("msgspec typed", lambda: decode(w.parts))
    expected = [peers.library_for_msgspec(event) for event in w.reference]
    w.checks["msgspec typed"] = [peers.msgspec_canonical(e) for e in produced] == expected
    w.time("msgspec typed+full", lambda: peers.msgspec_touch(decode(w.parts)))


def _pyo3(w: Workload) -> None:
    module = peers.pyo3_module()
    if module is None:
        return
    decode = peers.pyo3_path(module)
    produced = w.time("PyO3 peer", lambda: decode(w.parts))
    expected = [peers.canonical(event) for event in w.reference]
    w.checks["PyO3 peer"] = [peers.pyo3_canonical(e, module) for e in produced] == expected
    w.time("PyO3 peer+full", lambda: peers.pyo3_touch(decode(w.parts), module))


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
    w.run("bridge: JSON lines batch, cffi builder", lambda: paths.bridge_lines(w.parts))


def _batch_of_1000(w: Workload) -> None:
    chunk = w.first(1000)
    w.time("bridge: batch of 1,000", lambda: paths.bridge_lines(chunk), 1000)


def _memory(w: Workload) -> None:
    w.memory = memory_ratio(w.parts, 50_000 if w.quick else 1_000_000, 10_000)


ENTRIES = [
    Entry("bridge: JSON lines batch", _bridge_lines),
    Entry("bridge: JSON lines batch, one thread",
         lambda w: w.run("bridge: JSON lines batch, one thread",
                         lambda: paths.bridge_lines_one_thread(w.parts))),
    Entry("bridge: JSON lines batch, cffi builder", _cffi_builder),
    Entry("bridge: from_json per event", _from_json),
    Entry("bridge: Rust-origin structs", _rust_origin),
    Entry("json.loads + build", lambda w: w.run("json.loads + build",
                                               lambda: paths.json_build(w.parts))),
    Entry("orjson + build", _orjson),
    Entry("msgspec typed", _msgspec),
    Entry("PyO3 peer", _pyo3),
    Entry("floor: typed objects from values", _typed_floor),
    Entry("floor: plain tuples", _tuple_floor),
    Entry("bridge: batch of 1,000", _batch_of_1000),
    Entry("memory", _memory),
]  # fmt: skip


#: Paths measured on the benchmark workload only.
BENCHMARK_ONLY = {"memory"}


def measure(workload: str, name: str, quick: bool) -> dict[str, Any]:
    """Measures one path in this process."""
    w = Workload(workload, quick)
    next(entry for entry in ENTRIES if entry.name == name).body(w)
    return {"events": w.count, "repeat": w.repeat, "ns_per_event": w.results,
            "checks": w.checks, "memory": w.memory}  # fmt: skip


def ratios_of(r: dict[str, float]) -> dict[str, float]:
    """The tracked ratios among one workload's timings of one GC mode:
    each is the time of one path over another."""
    batch = r["bridge: JSON lines batch+full"]
    pairs = {
        "json.loads+build / bridge batch (full)": ("json.loads + build+full", batch),
        "PyO3 peer / bridge batch (full)": ("PyO3 peer+full", batch),
        "bridge batch / msgspec (full)": (batch, "msgspec typed+full"),
        "bridge batch / Rust-origin (full)": (batch, "bridge: Rust-origin structs+full"),
        "Rust-origin / tuple floor": ("bridge: Rust-origin structs", "floor: plain tuples"),
        "from_json / batch of 1,000": ("bridge: from_json per event", "bridge: batch of 1,000"),
        "cffi builder / C builder (full)": ("bridge: JSON lines batch, cffi builder+full", batch),
    }
    ratios = {}
    for name, (top, bottom) in pairs.items():
        a = r.get(top) if isinstance(top, str) else top
        b = r.get(bottom) if isinstance(bottom, str) else bottom
        if a is not None and b is not None:
            ratios[name] = a / b
    return ratios


def run_workload(workload: str, quick: bool) -> dict[str, Any]:
    """Every path of the suite on one workload, each in a fresh interpreter:
    what one path leaves behind (PyPy's JIT traces and heap, CPython's
    arenas) must not bill another, which it did by up to 3x on PyPy."""
    results: dict[str, dict[str, float]] = {mode: {} for mode in GC_MODES}
    checks: dict[str, bool] = {}
    memory: dict[str, float] = {}
    count = repeat = 0
    for entry in ENTRIES:
        if workload != "benchmark" and entry.name in BENCHMARK_ONLY:
            continue
        command = [sys.executable, __file__, "--workload", workload, "--path", entry.name,
                   *(["--quick"] * quick)]  # fmt: skip
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        part = json.loads(done.stdout)
        for mode in GC_MODES:
            results[mode].update(part["ns_per_event"][mode])
        checks.update(part["checks"])
        memory = part["memory"] or memory
        count, repeat = part["events"], part["repeat"]
    ratios = {mode: ratios_of(results[mode]) for mode in GC_MODES}
    if memory:
        for mode in GC_MODES:
            ratios[mode]["memory peak / held"] = memory["peak_over_held"]
    return {"events": count, "repeat": repeat, "ns_per_event": results, "ratios": ratios,
            "checks": checks, "memory": memory}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few thousand events, for CI")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    # One path of one workload, for the suite itself.
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--workload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.path:
        print(json.dumps(measure(args.workload, args.path, args.quick)))
        return 0

    interpreter = f"{platform.python_implementation()} {platform.python_version()}"
    report = {
        "interpreter": interpreter,
        "machine": machine(),
        "quick": args.quick,
        "pyo3_peer": peers.pyo3_module() is not None,
        "workloads": {name: run_workload(name, args.quick) for name in WORKLOADS},
    }
    ok = True
    for name, w in report["workloads"].items():
        print(f"{interpreter}, {name} workload: {w['events']} events, best of {w['repeat']}")
        width = max(map(len, w["ns_per_event"]["on"]))
        print(f"  {'':<{width}}  {'GC on':>10}  {'GC off':>10}")
        for path, ns in w["ns_per_event"]["on"].items():
            print(f"  {path:<{width}}  {ns:10.0f}  {w['ns_per_event']['off'][path]:10.0f} ns/event")
        for ratio, value in w["ratios"]["on"].items():
            print(f"  {ratio:<{width}}  {value:9.2f}x  {w['ratios']['off'][ratio]:9.2f}x")
        print(f"  checks: {w['checks']}")
        ok = ok and all(w["checks"].values())
    if not report["pyo3_peer"]:
        print("PyO3 peer: not measured (BARTER_PYO3_PEER is not set)")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
