"""Memory at the Python level: long loops through every allocate/free pair of
the C ABI keep the process's resident set flat once warm. (The byte-exact
leak check is scripts/leakcheck.sh, under valgrind.)"""

from __future__ import annotations

import gc
import itertools
import os
from pathlib import Path
from typing import Callable

import pytest

from barter_python import BarterValueError
from barter_python.execution import OrderEvent
from conftest import CASES

STATM = Path("/proc/self/statm")
MB = 1_000_000
BATCH = 1_000
#: One batch: the fixture events repeated to BATCH lines of JSON lines.
LINES = b"".join(
    case.serde.encode() + b"\n" for case in itertools.islice(itertools.cycle(CASES), BATCH)
)

pytestmark = pytest.mark.skipif(
    not STATM.exists(), reason="RSS is read from /proc/self/statm (Linux only)"
)


def rss() -> int:
    return int(STATM.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def flat_over(
    total: int, per_call: int, call: Callable[[], int], warm: int
) -> tuple[int, int, int]:
    """Runs `call` (which handles `per_call` events and returns how many it
    saw) until `total` events; returns (events, highest RSS growth over the
    warm baseline, growth at the end after a collection)."""
    seen, calls = 0, 0
    baseline = highest = 0
    while seen < total:
        seen += call()
        calls += 1
        if calls * per_call == warm:
            gc.collect()
            baseline = highest = rss()
        elif baseline:
            highest = max(highest, rss())
    gc.collect()
    return seen, highest - baseline, rss() - baseline


def test_decoding_a_million_events_in_batches_keeps_rss_flat() -> None:
    def decode() -> int:
        return len(OrderEvent.from_json_lines(LINES))

    events, highest, end = flat_over(1_000_000, BATCH, decode, warm=100_000)
    assert events == 1_000_000
    assert highest < 16 * MB, f"RSS grew by {highest / MB:.1f} MB over 900,000 warm events"
    assert end < 4 * MB, f"RSS grew by {end / MB:.1f} MB"


def test_encoding_and_error_paths_keep_rss_flat() -> None:
    """Encode (buffer alloc/free), decode with collected line errors (the
    batch owns the error messages), and failing decodes, 200,000 events."""
    events = OrderEvent.from_json_lines(LINES)
    bad = LINES.replace(b'"Inactive"', b'"Inactiv"', 100)

    def one_round() -> int:
        assert OrderEvent.to_json_lines(events) == LINES
        good, errors = OrderEvent.decode_json_lines(bad)
        assert len(good) + len(errors) == BATCH
        assert errors
        with pytest.raises(BarterValueError, match="unknown variant `Inactiv`"):
            OrderEvent.from_json_lines(bad)
        return BATCH

    done, highest, end = flat_over(200_000, BATCH, one_round, warm=20_000)
    assert done == 200_000
    assert highest < 16 * MB, f"RSS grew by {highest / MB:.1f} MB"
    assert end < 4 * MB, f"RSS grew by {end / MB:.1f} MB"
