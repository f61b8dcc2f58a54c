"""The test variant's hooks, for the tests marked ``hooks`` and the
session-load benchmark.

The shipped library has no test hooks. ``./dev test`` builds the test variant
(cargo feature ``testing``) and runs the ``hooks`` tests with
``BARTER_PYTHON_LIBRARY`` naming it, so the package itself runs on that build
(in cffi ABI mode) and its handles are the ones the hooks take. The hooks'
declarations are tests/c/barter_ffi_hooks.h, read by cffi beside the package's
own ``ffi``, whose types they share.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

import cffi

from barter_python import _native
from barter_python._native import check, take_buffer
from barter_python._sink import EventSink
from barter_python.execution import Keys

HEADER = Path(__file__).resolve().parent / "c" / "barter_ffi_hooks.h"
HOW = (
    "the hooks tests need the library's test variant: run ./dev test, or build it with "
    "scripts/build_test_variant.sh and run BARTER_PYTHON_LIBRARY=<the path it prints> "
    "pytest -m hooks"
)

_loaded: tuple[Any, Any] | None = None


def missing() -> str | None:
    """Why the hooks cannot be used in this process, or None."""
    if not os.environ.get(_native.LIBRARY_VARIABLE):
        return f"{_native.LIBRARY_VARIABLE} is not set; {HOW}"
    try:
        _hooks()
    except (AttributeError, OSError) as exc:
        return f"{_native.library_path()} is not a testing build ({exc}); {HOW}"
    return None


def _hooks() -> tuple[Any, Any]:
    global _loaded  # noqa: PLW0603 - the one dlopen of this process
    if _loaded is None:
        ffi = cffi.FFI()
        ffi.include(_native.ffi)
        ffi.cdef(HEADER.read_text(encoding="utf-8"))
        # The same path as the package's dlopen: the same loaded library.
        lib = ffi.dlopen(_native.library_path())
        lib.barter_debug_panic  # noqa: B018 - fails here on a product build
        _loaded = (ffi, lib)
    return _loaded


def debug_panic(message: bytes) -> int:
    """Makes the library panic with ``message``; returns the status."""
    _ffi, lib = _hooks()
    return int(lib.barter_debug_panic(message, len(message)))


class ProducerReport(NamedTuple):
    """What a test producer thread did."""

    accepted: int
    rejected: int
    #: It stopped early because the sink was closed.
    closed: bool
    elapsed_ns: int


class Producer:
    """A Rust thread pushing order events into a sink; ``join()`` once."""

    __slots__ = ("_out",)

    def __init__(self, sink: EventSink, producer: int, count: int, keys: Keys) -> None:
        ffi, lib = _hooks()
        handle = sink._handle.acquire()
        try:
            self._out = ffi.new("BarterTestProducer **")
            check(lib.barter_test_producer_start(handle, producer, count, keys, self._out))
        finally:
            sink._handle.release()

    def join(self) -> ProducerReport:
        """Waits for the thread (drain or close the sink, or it waits for room)."""
        ffi, lib = _hooks()
        report = ffi.new("BarterTestProducerReport *")
        check(lib.barter_test_producer_join(self._out, report))
        r = report[0]
        return ProducerReport(r.accepted, r.rejected, bool(r.closed), r.elapsed_ns)


def start_producer(
    sink: EventSink, producer: int, count: int, keys: Keys = Keys.UNINDEXED
) -> Producer:
    """Starts a Rust thread pushing ``count`` order events
    (``strategy="producer-{producer}"``, ``cid=str(n)`` for n = 0, 1, ...)
    with the sink's full-queue policy."""
    return Producer(sink, producer, count, keys)


def producer_events_json(
    producer: int, first: int, count: int, keys: Keys = Keys.UNINDEXED
) -> bytes:
    """serde's JSON lines of the events a test producer pushes (``first`` to
    ``first + count - 1``), made by Rust."""
    ffi, lib = _hooks()
    out = ffi.new("BarterBuffer **")
    check(lib.barter_test_events_json(producer, first, count, keys, out))
    return take_buffer(out)
