"""Concurrent use: eight threads decode and encode at the same time (cffi
releases the GIL around every call, so the Rust code really runs in
parallel) for at least ten seconds. Every result must be exact, and every
thread provokes errors of its own and must always read back its own message
from the thread-local last error, never another thread's. On the library's
test variant (the ``hooks`` run) the threads also panic inside Rust now and
then, and must read back their own panic.

The typed objects are shared between the threads too: they are immutable
Python values, safe to share (docs/ownership.md)."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest

from barter_python import BarterPanicError, BarterValueError, Status, execution
from barter_python._native import check, ffi, lib
from barter_python._native import last_error as native_last_error
from barter_python.execution import Keys, OrderEvent
from conftest import CASES, MESSAGES
from hooks import debug_panic

THREADS = 8
#: At least 10 s in CI; BARTER_CONCURRENCY_SECONDS may make a local run longer.
SECONDS = max(10.0, float(os.environ.get("BARTER_CONCURRENCY_SECONDS", "10")))
LINES = b"".join(case.serde.encode() + b"\n" for case in CASES)
OPEN = next(case.serde for case in CASES if case.name == "open").encode()
#: Decoded once, up front, and shared by every thread.
EXPECTED = OrderEvent.from_json_lines(LINES)
EXPECTED_JSON = [case.serde.encode() for case in CASES]


def tag(index: int) -> str:
    return f"Tag{index}X"


def message_batches() -> list[tuple[Any, Keys, bytes, list[Any]]]:
    """Every other message type: (class, keys, JSON lines, expected values)."""
    groups: dict[tuple[str, str], list[bytes]] = {}
    for case in MESSAGES:
        groups.setdefault((case.message, case.keys), []).append(case.serde.encode() + b"\n")
    batches = []
    for (message, keys), lines in groups.items():
        cls = getattr(execution, "".join(part.title() for part in message.split("_")))
        key_form = Keys.INDEXED if keys == "indexed" else Keys.UNINDEXED
        data = b"".join(lines)
        batches.append((cls, key_form, data, cls.from_json_lines(data, key_form)))
    return batches


MESSAGE_BATCHES = message_batches()


def worker(index: int, deadline: float, stats: dict[str, int], panics: bool) -> None:
    mine = tag(index)
    others = [tag(i) for i in range(THREADS) if i != index]
    bad = OPEN.replace(b'"Open"', f'"{mine}"'.encode())
    panic_message = f"panic {mine}".encode()
    out = ffi.new("BarterBatch **")

    def assert_mine(message: str) -> None:
        assert mine in message, message
        for other in others:
            assert other not in message, f"thread {index} read {other}'s error: {message}"

    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        # Exact results, decoding and encoding.
        events = OrderEvent.from_json_lines(LINES)
        assert events == EXPECTED
        assert OrderEvent.to_json_lines(events) == LINES
        shared = EXPECTED[rounds % len(EXPECTED)]
        assert shared.to_json() == EXPECTED_JSON[rounds % len(EXPECTED)]
        cls, keys, data, expected = MESSAGE_BATCHES[(rounds + index) % len(MESSAGE_BATCHES)]
        assert cls.from_json_lines(data, keys) == expected
        assert cls.to_json_lines(expected) == data
        stats["events"] += 2 * len(EXPECTED) + 1 + 2 * len(expected)

        # An error of this thread's own, read through the package ...
        with pytest.raises(BarterValueError) as info:
            OrderEvent.from_json(bad)
        assert info.value.status is Status.INVALID_DATA
        assert_mine(info.value.message)
        # ... and through the raw C calls, with successful calls and a
        # thread switch in between: the message must still be this thread's.
        status = lib.barter_decode(1, 1, bad, len(bad), 1, 0, out)
        assert status == Status.INVALID_DATA
        assert out[0] == ffi.NULL
        time.sleep(0)
        assert OrderEvent.from_json(OPEN).to_json() == OPEN
        assert_mine(native_last_error())
        stats["errors"] += 2
        if panics and rounds % 50 == 0:
            with pytest.raises(BarterPanicError) as panicked:
                check(debug_panic(panic_message))
            assert panicked.value.message == f"panic in barter-ffi: panic {mine}"
            stats["panics"] += 1
    stats["rounds"] += rounds


def test_eight_threads_decode_and_encode_correctly_for_ten_seconds() -> None:
    run_threads(SECONDS, panics=False)


@pytest.mark.hooks
def test_eight_threads_each_read_their_own_panics() -> None:
    assert run_threads(3.0, panics=True)["panics"] > 0


def run_threads(seconds: float, panics: bool) -> dict[str, int]:
    deadline = time.monotonic() + seconds
    stats = [{"rounds": 0, "events": 0, "errors": 0, "panics": 0} for _ in range(THREADS)]
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            worker(index, deadline, stats[index], panics)
        except BaseException as exc:  # reported below, in the main thread
            failures.append(exc)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,), name=f"barter-{i}") for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if failures:
        raise failures[0]
    assert elapsed >= seconds
    assert all(s["rounds"] > 0 and s["panics"] >= 0 for s in stats)
    total = {key: sum(s[key] for s in stats) for key in stats[0]}
    print(
        f"\nconcurrency: {THREADS} threads x {elapsed:.1f} s: {total['rounds']} rounds, "
        f"{total['events']} events decoded or encoded, {total['errors']} thread-local errors "
        f"checked, {total['panics']} panics caught"
    )
    return total
