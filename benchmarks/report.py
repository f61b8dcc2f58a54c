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


# What profiling showed (timeit of the pieces, A/B runs of the decoder in
# one process, a Rust timing loop); kept here so every regenerated
# BENCHMARKS.md carries it.
PROFILE = """## Where the time goes

Per event, on this machine's 2 shared cores, on the realistic workload
unless said otherwise.

- **Rust's parse is the floor on CPython.** serde_json parses a realistic
  event into barter's types and the library converts it to C structs in
  ~740 ns (~450 on the first workload, whose lines are shorter and whose
  strings fit inline). From 256 KiB on, a library thread parses batch k+1
  while Python builds batch k, so a batch costs about the slower of the two
  ("one thread" shows their sum). CPython's build now costs about what the
  parse costs (~600-790; "Rust-origin" is the build alone), so the batch
  (~700) sits on the parse.
- **Against the PyO3 peer (1.23x, target 1.5x, missed by ~20%).** The peer
  pays the same serde parse in-process and builds its objects, ~1,180 in all;
  reading them all costs it ~550. The bridge's batch costs ~700 and its
  records' full read ~650 (the benchmark's own Python loop over the fields,
  `Timestamp.datetime` in C included): ~1,400. 1.5x needs ~1,150, below the
  parse plus the reading loop. It would take the parse spread over more
  cores than this machine has (the decode runs one parse thread), or a
  parse cheaper than serde into barter's own types, which is the contract.
- **The C builder and the GC.** Each record is its type's `tp_alloc` plus
  item stores and is then untracked: it is immutable and built after its
  items, so no cycle can pass through it, and CPython never untracks a tuple
  subclass by itself. Before that, with the GC on, the batch with full
  access cost 3,047 against 2,109 off, as every collection the batch survived
  scanned its records; now 1,403 against 1,352. msgspec's Structs (with
  msgspec's default `gc=True`, as the suite uses them) and the pure-Python
  builds stay tracked, so they lose 2-3x with the GC on; with it off the
  bridge's batch is 1.05x msgspec's decode.
- **Decimals** are one `Context.multiply` of the C mantissa by 1E-scale:
  ~110-150 ns (three `PyLong` operations more for a mantissa over 64 bits).
  `Decimal(int).scaleb` was ~230, text plus `Decimal(str)` ~315.
- **`Timestamp.datetime`** is a C getter on CPython: the calendar fields by
  arithmetic and one `datetime` call, ~160-200 ns for any second. Python's
  getter, which cached each second's fields, cost ~220 for a second seen
  recently and ~600-1,200 otherwise: on realistic data that was ~650 of a
  ~1,060 ns full read. On PyPy the Python getter computes the same
  arithmetic, which the JIT runs in ~30 ns where `datetime + timedelta`
  cost ~700.
- **Error states** (10% of the realistic workload, 5% of the first) are
  built in C too; through the per-field decoder they cost ~1,250 ns each.
- **A single `from_json`** on CPython is one C call: the library decodes
  into memory on the C stack (`barter_decode_one_into`) and the event is
  built there; ~450-700 ns of it is Rust's parse and conversion, as in a
  batch. On PyPy the JIT removes most of the Python glue around the call.
- **PyPy: 2.0x `json.loads` + build on the realistic workload (target 3x),
  3.4x on the first.** The cffi builder costs ~700 ns an event for 50,000
  realistic events of either key form, but ~1,550 once one decode keeps
  100,000 alive: decoding the same 50,000 events once, twice and three times
  in one call cost 699, 667 and 1,260 ns an event, and the first workload
  crosses the same line at 200,000 (537, then 974). PyPy's GC runs a major
  collection, which marks every live object, when the heap outgrows its
  threshold; realistic events (longer and non-ASCII strings, decimals of up
  to 96 bits) reach it with fewer events. Building the same typed objects
  from values already in Python ("floor: typed objects") costs ~460, so the
  records are not the cost; the build from C structs and the collections it
  triggers are. `json.loads` alone costs ~1,900 there, and `json.loads` +
  build ~3,200-3,500, so 3x needs the whole decode with full access near
  ~1,150. What would close it: fewer objects alive per event (an event keeps
  about a dozen), which means other records than these typed tuples, not a
  faster loop. Sharing strategy strings or small key indices across events
  did not lower it in earlier A/B runs.
- **PyPy and the PyO3 peer (5.5x, met):** cpyext, PyPy's emulation of
  CPython's C API, makes each object a PyO3 extension creates or reads cost
  far more than on CPython.
- Timings are the best of several repetitions, each path and workload in a
  fresh process; the bridge also pauses CPython's GC by itself while it
  builds a large batch, which the baselines do not.
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
  access, and `Timestamp.datetime` is built on each access (~160-200 ns in
  C on CPython, ~30 on PyPy).
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
        "a live System's audit ticks drained into typed `AuditTick`s (the usual ticks as C "
        "structs), against the same serde JSON lines through `json.loads`, and against the "
        "JSON drain of another System fed the same (benchmarks/system_audit.py)",
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
