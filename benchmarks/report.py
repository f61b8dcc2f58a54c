"""Writes BENCHMARKS.md and benchmarks/ns_per_event.png from the results that
run.py saved (one JSON file per interpreter).

    python benchmarks/report.py benchmarks/results/*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent
PLOT = HERE / "ns_per_event.png"
OUT = HERE.parent / "BENCHMARKS.md"

#: The targets, on the realistic workload with the GC on, as users run it:
#: (ratio name, comparison, bound, interpreter filter, what is asked).
TARGETS = [
    ("PyO3 peer / bridge batch (full)", ">=", 1.5, "CPython",
     "CPython: >=1.5x faster than the PyO3 peer"),
    ("bridge batch / msgspec (full)", "<=", 1.2, "CPython",
     "CPython: within 1.2x of msgspec's typed decode"),
    ("json.loads+build / bridge batch (full)", ">=", 3.0, None,
     ">=3x faster than json.loads + build"),
    ("PyO3 peer / bridge batch (full)", ">=", 3.0, "PyPy",
     "PyPy: >=3x faster than the PyO3 peer"),
    ("from_json / batch of 1,000", "<=", 1.5, None,
     "single from_json <=1.5x the per-event cost of a batch of 1,000"),
]  # fmt: skip

#: Earlier targets, on the benchmark workload with the GC off (as they were set).
EARLIER_TARGETS = [
    ("json.loads+build / bridge batch (full)", ">=", 3.0, None,
     "JSON-lines batch decode, full access, >=3x faster than json.loads + build"),
    ("bridge batch / msgspec (full)", "<=", 1.5, "CPython",
     "within 1.5x of msgspec's typed decode (CPython)"),
    ("bridge batch / Rust-origin (full)", ">=", 2.0, None,
     "Rust-origin struct path >=2x faster than the JSON batch path"),
    ("Rust-origin / tuple floor", "<=", 1.3, None,
     "Rust-origin path without full access within 1.3x of the plain-tuple floor"),
    ("from_json / batch of 1,000", "<=", 1.5, None,
     "single from_json <=1.5x the per-event cost of a batch of 1,000"),
    ("memory peak / held", "<=", 1.5, None,
     "1,000,000 events in batches of 10,000 peak <=1.5x the memory of the objects"),
]  # fmt: skip

#: What each workload is (run.py's WORKLOADS).
WORKLOAD_TEXT = {
    "realistic": "indexed and unindexed order events in equal parts, with a share of "
    "non-ASCII and long strategy and cid strings, timestamps over 1900-2099 with 0, 3, 6 or 9 "
    "fractional digits, decimals at scales 0-28, every state and every order error",
    "benchmark": "indexed order events of mixed states, ASCII names, timestamps within one "
    "day (the suite's first workload)",
}


# What profiling showed (cProfile, timeit of the pieces, and a Rust timing
# loop); kept here so every regenerated BENCHMARKS.md carries it.
PROFILE = """## Where the time goes

Measured with a Rust timing loop, `timeit` of the pieces and A/B runs of the
decoder in one process (2 shared cores, numbers per event):

- Rust: serde_json parses an event into barter's types in ~325 ns (from a
  `&str`; from bytes it was ~400, since each string's UTF-8 was checked
  again); conversion to C structs and the string arena ~115 ns. A whole
  `barter_decode` is ~520 ns.
- The JSON lines path hides that parse: from 256 KiB on, a library thread
  parses batch k+1 (512 events) while Python builds batch k, so on two cores
  the batch path costs about what Python's build costs ("one thread" shows
  the same decode without the overlap). That is also why "Rust-origin >=2x
  faster than the JSON batch" cannot hold here: both paths now cost the
  build, and the parse it would save runs on the other core. Without the
  overlap (and without full access) the ratio is ~2x on both interpreters,
  where the build (~450-500 ns, in C on CPython) costs about as much as the
  parse.
- CPython's build from C structs is C (`barter_python._cbuild`): each
  record is its type's `tp_alloc` plus item stores, each string one
  `PyUnicode_DecodeUTF8` from the batch's arena, each decimal one
  `Context.multiply` of the mantissa by 1E-scale (~110-120 ns: the one
  Python call left, the cheapest exact route measured; `Decimal(int).scaleb`
  was ~230, text plus `Decimal(str)` ~315). Built from structs already in
  memory, without full access: ~400 ns an ordinary event, ~1,250 ns an error
  state (~5% of the workload, still the per-field decoder's), ~475 ns
  averaged, where the Python loop over `struct.iter_unpack` it replaced took
  ~1,250. The cffi builder, what a CPython without the extension (or with
  `BARTER_PYTHON_BUILDER=cffi`) runs, pays ~50-80 ns a cffi field read:
  ~2,700 ns an event ("cffi builder" above). The "typed floor" (objects
  from values already in Python, through `tuple.__new__`) is no floor for C:
  the C builder from structs now costs less than it, and the batch with
  full access comes within ~1.15x of msgspec's full decode (msgspec keeps
  microseconds only), where the Python build could not come within 1.5x.
- Full access costs ~400-450 ns per event on CPython, half of it
  `Timestamp.datetime`: ~220 ns, from the `datetime` constructor and a
  bounded cache of each second's calendar fields (events cluster in time).
  `_EPOCH + timedelta(...)` cost ~350 ns, the `timedelta` constructor alone
  ~250-300; a second not seen before costs ~600. Field reads use CPython's C
  tuple getter (namedtuple's), ~40% cheaper than a property.
- PyPy: `Decimal(str)` costs ~1 us there (cffi's libmpdec), `Decimal(int)`
  plus `scaleb` ~60 ns: building decimals from the C mantissa made PyPy's
  build 2.5x faster. Its loop reads cffi fields directly (a few ns each);
  a row generator feeding the same loop cost 12%. Without full access the
  bridge is ~6x faster than `json.loads` + build there.
- PyPy's full access right after a bridge decode costs ~1,100 ns/event,
  against ~330 over the same objects after a `gc.collect()` and ~250 after
  the `json.loads` path. `gc.hooks` shows why: PyPy's nursery here holds a
  whole 100,000-event decode, so the bridge builds without a minor
  collection, and the first one after it, in the full pass, promotes every
  object it built (~85 ms, ~850 ns per event, more than the build). The
  `json.loads` path's own garbage triggers those collections inside its
  build (3, ~88 ms). The work is the same, only billed later. Promotion
  costs per surviving object, measured by a `gc.collect()` after building
  100,000 of one kind: a builtin tuple of two ints ~3 ns (PyPy stores it
  as one specialised object), a tuple-subclass record of two ints ~70 ns
  (the instance, its items and two boxed ints), a `Decimal` ~90 ns; an
  event keeps about a dozen objects alive. Sharing strategy strings or
  small key indices across events (A/B runs) did not lower decode plus
  full access.
  So 3x over `json.loads` + build with full access would need fewer
  surviving objects per event, i.e. other objects than the typed records,
  not a faster decoder. (Measured in one process with the other paths, an
  earlier layout of this suite, the collection fell outside the timed runs
  and the ratio came out at 3.5x; each path now runs in a fresh process.)
- A single `from_json` on CPython is one C call for the usual event: the
  library decodes into memory on the C stack (`barter_decode_one_into`, no
  allocation in Rust, no second call to free) and the event is built there;
  ~450 ns of it is Rust's parse and conversion, as in a batch. Anything
  else (not bytes, over 8 KiB, a failure status, an event the per-field
  decoder owns) returns to the Python path, which decodes into memory from a
  pool and reports what it finds. Before, the Python glue around the call
  (input and key checks, the pool, seven cffi arguments, one row through
  the batch loop) cost ~1,000 ns and held CPython at ~1.7-1.8x a batch of
  1,000. On PyPy the JIT removes most of that glue.
- Timings run with the cyclic GC off for every path alike; the bridge also
  pauses CPython's GC by itself while it builds a large batch, which the
  baselines do not.
""".splitlines()

# The speed given up on purpose, measured with `timeit` on CPython 3.11.
TRADE_OFFS = """
## What exactness and safety cost

Choices that give up speed for correctness, with their cost on CPython
(`timeit` on this machine):

- Quantities are exact `Decimal`s, built from the C mantissa with one
  `Context.multiply` (29 digits, Inexact and Rounded trapped, so a rounding
  would raise): ~100 ns each, where a `float` costs ~20 ns and loses digits.
- Records are tuples whose equality and hashing include the class, so
  `OrderKey(...) != (1, 3, "mm", "c")` and `Timeout() != RateLimit()`: `==`
  ~120 ns against ~20 for plain tuples, `hash` ~185 against ~30. A tuple has
  no room for a cache, so `Decimal`s are built eagerly rather than on first
  access, and `Timestamp.datetime` is built on each access (~220-290 ns,
  helped by a bounded cache of each second's calendar fields).
- Times are `Timestamp(seconds, nanos)`, exact to the nanosecond, with the
  `datetime` view (microseconds) on demand. msgspec, the comparison target,
  builds `datetime`s and drops the nanoseconds.
- Every string is copied into a Python `str` during the build (~30-50 ns),
  so no object points into C memory and each outlives its batch.
- String offsets are byte offsets. The C builder decodes each string as
  UTF-8 anyway; the cffi builder (PyPy) slices one ASCII text of the batch,
  and a batch with any non-ASCII byte decodes each string from its own
  bytes instead of slicing characters wrongly.
- Rust parses with serde into barter's own types, so every input is checked
  against barter's schema and UTF-8 by the code whose output is the
  contract: the ~325 ns parse per event above.
- Error states (~5% of the workload) go through the per-field decoder, so
  each error class has one decoder: ~70 ns per event averaged.
- A single `from_json` never shares its memory: on CPython's C path it is
  on the C stack, so a re-entrant call (from a finalizer an allocation runs)
  gets its own; elsewhere it comes from a pool (atomic pop and append,
  ~40 ns a call) instead of one module-wide buffer.
""".splitlines()


#: The engine's benchmarks (market_decode.py, system_audit.py): what each
#: measures, its unit, and the targets of its ratios.
ENGINE = {
    "market_decode": (
        "barter's example market data (50,000 Binance trades and order book tops) "
        "decoded into typed `MarketStreamEvent`s, full access (benchmarks/market_decode.py)",
        "event",
        [("json.loads + build / bridge", ">=", 3.0,
          "decode, full access, >=3x faster than json.loads + typed build")],
    ),
    "backtest": (
        "barter's example backtest (50,000 events, barter's example config) through the library, "
        "against barter's own Rust `run_backtests` timed in rust-ffi's `barter_backtest` example "
        "(benchmarks/backtest.py)",
        "event",
        [("stepped, no strategy, 1 event a step / barter (Rust)", "<=", 2.0,
          "a Python strategy doing nothing after every event, at most 2x barter's run")],
    ),
    "session_drain": (
        "order events pushed by a Rust producer thread through an `EventSink` and drained into "
        "typed `OrderEvent`s, against the plain batch decode of the same events' JSON lines "
        "(benchmarks/session_load.py; the producer is a test hook of the library's test variant)",
        "event",
        [],
    ),
    "system_audit": (
        "a live System's audit ticks drained into typed `AuditTick`s, against the same "
        "serde JSON lines through `json.loads` (benchmarks/system_audit.py)",
        "tick",
        [],
    ),
}  # fmt: skip


def engine_section(results: list[dict[str, Any]]) -> list[str]:
    """One table per engine benchmark: ns per item by interpreter, then
    its ratios (time of one path over another, one run each)."""
    lines = ["## The engine", ""]
    for benchmark, (what, unit, targets) in ENGINE.items():
        runs = [r for r in results if r["benchmark"] == benchmark]
        if not runs:
            continue
        header = "| " + " | ".join(r["interpreter"] for r in runs) + " |"
        lines += [f"{what}: {runs[0]['count']:,} {unit}s.", "", f"| ns/{unit} " + header]
        lines.append("|---|" + "---:|" * len(runs))
        for name in dict.fromkeys(n for r in runs for n in r["ns"]):
            cells = [f"{r['ns'][name]:,.0f}" if name in r["ns"] else "-" for r in runs]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines += ["", "| ratio " + header, "|---|" + "---:|" * len(runs)]
        for name in dict.fromkeys(n for r in runs for n in r["ratios"]):
            cells = [f"{r['ratios'][name]:.2f}x" if name in r["ratios"] else "-" for r in runs]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        for key, op, bound, text in targets:
            cells = []
            for r in runs:
                ratio = r["ratios"][key]
                met = ratio >= bound if op == ">=" else ratio <= bound
                cells.append(f"{ratio:.2f}x {'met' if met else 'not met'}")
            lines.append(f"| target: {text} ({op} {bound}x) | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def target_rows(runs: list[dict[str, Any]], workload: str, gc: str,
                targets: list[tuple[str, str, float, str | None, str]]) -> list[str]:  # fmt: skip
    """A table of ``targets`` met or not, one column per interpreter."""
    lines = ["| target | " + " | ".join(r["interpreter"] for r in runs) + " |"]
    lines.append("|---|" + "---|" * len(runs))
    for key, op, bound, only, text in targets:
        cells = []
        for run in runs:
            ratio = run["workloads"][workload]["ratios"][gc].get(key)
            if ratio is None or (only and not run["interpreter"].startswith(only)):
                cells.append("-")
                continue
            met = ratio >= bound if op == ">=" else ratio <= bound
            cells.append(f"{ratio:.2f}x {'met' if met else 'not met'}")
        lines.append(f"| {text} ({op} {bound}x) | " + " | ".join(cells) + " |")
    return lines


def workload_tables(runs: list[dict[str, Any]], workload: str) -> list[str]:
    """ns/event of every path, then the tracked ratios, GC on and off, by interpreter."""
    columns = [(run, gc) for run in runs for gc in ("on", "off")]
    header = "| " + " | ".join(f"{run['interpreter']}, GC {gc}" for run, gc in columns) + " |"
    parts = [run["workloads"][workload] for run in runs]
    lines = [f"{parts[0]['events']:,} events: {WORKLOAD_TEXT[workload]}.", ""]
    lines += ["| ns/event " + header, "|---|" + "---:|" * len(columns)]
    names = dict.fromkeys(n for part in parts for n in part["ns_per_event"]["on"])
    for name in names:
        cells = [run["workloads"][workload]["ns_per_event"][gc].get(name) for run, gc in columns]
        lines.append(f"| {name} | " + " | ".join("-" if c is None else f"{c:,.0f}" for c in cells)
                     + " |")  # fmt: skip
    lines += ["", "| ratio " + header, "|---|" + "---:|" * len(columns)]
    ratios = dict.fromkeys(n for part in parts for n in part["ratios"]["on"])
    for name in ratios:
        cells = [run["workloads"][workload]["ratios"][gc].get(name) for run, gc in columns]
        lines.append(f"| {name} | " + " | ".join("-" if c is None else f"{c:.2f}x" for c in cells)
                     + " |")  # fmt: skip
    return [*lines, ""]


def main(files: list[str]) -> int:
    loaded = [json.loads(Path(f).read_text(encoding="utf-8")) for f in files]
    runs = [run for run in loaded if "benchmark" not in run]
    engine = [run for run in loaded if "benchmark" in run]
    lines = [
        "# Benchmarks",
        "",
        "Made by `./dev bench` (benchmarks/run.py, then benchmarks/report.py). Every",
        "number of one interpreter comes from one run, and ratios compare paths",
        "measured side by side in that run, each the time of one path over another.",
        "The machine is shared and noisy: read the ratios, not the absolute times.",
        "",
        f"- Machine: {runs[0]['machine']}",
        *(f"- {run['interpreter']}: best of several repetitions" for run in runs),
        "- GC on is how users run; GC off spares every path the collections that",
        "  scan the objects it keeps.",
        "- `+full` touches every field, including `Decimal`, `datetime` and nanoseconds.",
        "- The PyO3 peer is benchmarks/pyo3_peer, built by `./dev bench` for each",
        "  interpreter: serde into barter's types, then `#[pyclass]` objects with an",
        "  eager `Decimal` and an aware `datetime`, as PyO3 bindings are usually written.",
        "",
        "## Targets (realistic workload, GC on, full access)",
        "",
        *target_rows(runs, "realistic", "on", TARGETS),
        "",
        f"![ns per event]({PLOT.relative_to(HERE.parent)})",
        "",
        "## The realistic workload",
        "",
        *workload_tables(runs, "realistic"),
        "## The benchmark workload",
        "",
        *workload_tables(runs, "benchmark"),
        "Earlier targets, on this workload with the GC off, as they were set:",
        "",
        *target_rows(runs, "benchmark", "off", EARLIER_TARGETS),
        "",
    ]
    lines += engine_section(engine)
    lines += PROFILE + TRADE_OFFS
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plot(runs)
    print(f"wrote {OUT} and {PLOT}")
    return 0


def plot(runs: list[dict[str, Any]]) -> None:
    """ns/event of each path on the realistic workload, GC on, by interpreter."""
    names = list(dict.fromkeys(
        name for run in runs for name in run["workloads"]["realistic"]["ns_per_event"]["on"]
    ))  # fmt: skip
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(names) + 1.5))
    height = 0.8 / len(runs)
    for index, run in enumerate(runs):
        ns = run["workloads"]["realistic"]["ns_per_event"]["on"]
        positions = [i + index * height for i in range(len(names))]
        ax.barh(positions, [ns.get(name, 0) for name in names], height=height,
                label=run["interpreter"])  # fmt: skip
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(names))], names)
    ax.invert_yaxis()
    ax.set_xlabel("ns per event, realistic workload, GC on (lower is better)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
