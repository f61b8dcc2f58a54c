"""EventSink: events pushed by Rust threads, drained by Python through the C ABI.

Rust test producers (a documented test hook) push order events whose
``strategy`` names the producer and whose ``cid`` is the producer's running
number, so the consumer can check order, completeness and duplicates.
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Any, Callable

import pytest

from barter_python import BarterValueError
from barter_python._sink import BarterClosedError, EventSink, FullPolicy, SinkStats
from barter_python.execution import Keys, OrderEvent
from hooks import Producer, ProducerReport, producer_events_json, start_producer

# Every producer here is a test hook of the library's test variant.
pytestmark = pytest.mark.hooks


def consume(
    sink: EventSink, producers: int, max_events: int, slow_every: int = 0
) -> tuple[dict[str, list[int]], list[int], int]:
    """Drains until the sink is finished: each producer's cids in arrival
    order, every sequence number, and the highest pending count seen."""
    seen: dict[str, list[int]] = {f"producer-{p}": [] for p in range(producers)}
    sequences: list[int] = []
    most_pending = 0
    batches = 0
    while True:
        batch = sink.drain_batch(max_events, timeout=1.0)
        sequences += batch.sequences
        for event in batch.events:
            seen[event.key.strategy].append(int(event.key.cid))
        batches += 1
        if slow_every and batches % slow_every == 0:
            # A slow consumer: the queue fills and the policy applies.
            most_pending = max(most_pending, sink.stats().pending)
            time.sleep(0.002)
            most_pending = max(most_pending, sink.stats().pending)
        if batch.finished:
            return seen, sequences, most_pending


def stop_when_done(sink: EventSink, producers: list[Producer]) -> Callable[[], list[Any]]:
    """Joins the producers in a thread, then stops the sink so the consumer
    sees it finish. Returns a function giving the producers' reports."""
    reports: list[ProducerReport] = []

    def run() -> None:
        reports.extend(p.join() for p in producers)
        sink.stop()

    thread = threading.Thread(target=run)
    thread.start()

    def done() -> list[Any]:
        thread.join(timeout=60)
        assert not thread.is_alive()
        return reports

    return done


def test_a_million_events_from_two_producers_block_policy() -> None:
    n = 500_000  # per producer: 1,000,000 events in all
    capacity = 4096
    sink = EventSink(capacity, FullPolicy.BLOCK)
    producers = [start_producer(sink, p, n, Keys.UNINDEXED) for p in range(2)]
    done = stop_when_done(sink, producers)
    seen, sequences, most_pending = consume(sink, 2, max_events=1024, slow_every=64)
    reports = done()
    stats = sink.close()
    # Nothing lost, nothing duplicated, each producer's order kept.
    assert seen == {"producer-0": list(range(n)), "producer-1": list(range(n))}
    assert sequences == list(range(2 * n))
    # Blocking policy: producers waited instead of failing.
    assert [r.rejected for r in reports] == [0, 0]
    assert [r.accepted for r in reports] == [n, n]
    assert most_pending <= capacity
    assert stats == SinkStats(
        pushed=2 * n,
        rejected=0,
        drained=2 * n,
        discarded=0,
        failed=0,
        pending=0,
        capacity=capacity,
        policy=FullPolicy.BLOCK,
        closed=True,
    )
    assert stats.pushed == stats.drained + stats.rejected


def test_reject_policy_counts_every_refused_push() -> None:
    n = 100_000
    capacity = 512
    sink = EventSink(capacity, FullPolicy.REJECT)
    producers = [start_producer(sink, p, n, Keys.INDEXED) for p in range(2)]
    done = stop_when_done(sink, producers)
    seen, sequences, most_pending = consume(sink, 2, max_events=256, slow_every=4)
    reports = done()
    stats = sink.close()
    rejected = sum(r.rejected for r in reports)
    assert rejected > 0, "the slow consumer should have let the queue fill"
    assert most_pending <= capacity
    assert stats.pushed == 2 * n == stats.drained + stats.rejected
    assert stats.rejected == rejected
    # Sequence numbers go only to accepted events: no gaps in what arrived.
    assert sequences == list(range(stats.drained))
    for p, report in enumerate(reports):
        cids = seen[f"producer-{p}"]
        assert cids == sorted(set(cids)), "order kept, no duplicates"
        assert len(cids) == report.accepted == n - report.rejected


def test_drained_events_equal_the_json_decode_of_the_same_events() -> None:
    for keys in Keys:
        with EventSink(64) as sink:
            report = start_producer(sink, 7, 40, keys).join()
            assert (report.accepted, report.rejected, report.closed) == (40, 0, False)
            drained = sink.drain(100)
        expected = OrderEvent.from_json_lines(producer_events_json(7, 0, 40, keys), keys)
        assert drained == expected
        assert {e.keys for e in drained} == {keys}


def test_a_drain_waits_at_most_its_timeout() -> None:
    with EventSink(8) as sink:
        started = time.monotonic()
        assert sink.drain(10, timeout=0.05) == []
        waited = time.monotonic() - started
        assert 0.04 <= waited < 2
        batch = sink.drain_batch(10, timeout=0)
        assert (batch.events, batch.finished) == ([], False)


def test_closing_while_producers_push_ends_promptly() -> None:
    sink = EventSink(16, FullPolicy.BLOCK)
    producers = [start_producer(sink, p, 10_000_000, Keys.UNINDEXED) for p in range(2)]
    time.sleep(0.05)  # the queue is full, both producers wait for room
    started = time.monotonic()
    stats = sink.close()
    reports = [p.join() for p in producers]
    assert time.monotonic() - started < 5
    assert all(r.closed for r in reports)
    assert stats.closed
    assert (stats.discarded, stats.pending) == (16, 0)
    final = sink.stats()
    assert final.pushed == final.rejected + final.drained + final.discarded + final.failed


def test_closing_while_python_is_blocked_in_a_drain() -> None:
    sink = EventSink(8)
    result: dict[str, Any] = {}

    def drain() -> None:
        started = time.monotonic()
        result["events"] = sink.drain(10, timeout=60)
        result["waited"] = time.monotonic() - started

    thread = threading.Thread(target=drain)
    thread.start()
    time.sleep(0.05)
    started = time.monotonic()
    sink.close()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    assert result["events"] == []
    assert result["waited"] < 10


def test_a_closed_sink_refuses_use_and_closes_twice() -> None:
    sink = EventSink(4)
    first = sink.close()
    assert sink.close() == first
    assert sink.closed
    assert sink.stats() == first
    with pytest.raises(BarterClosedError, match="the event sink is closed"):
        sink.drain()
    with pytest.raises(BarterValueError):
        start_producer(sink, 0, 1)


def test_bad_arguments() -> None:
    with pytest.raises(BarterValueError, match="capacity must be at least 1"):
        EventSink(0)
    with pytest.raises(ValueError, match="is not a valid FullPolicy"):
        EventSink(4, 9)  # type: ignore[arg-type]
    with EventSink(4) as sink:
        with pytest.raises(BarterValueError, match="max_events"):
            sink.drain(0)
        with pytest.raises(BarterValueError, match="timeout"):
            sink.drain(1, timeout=-1)


def test_a_sink_dropped_without_close_releases_a_blocked_producer() -> None:
    sink = EventSink(4, FullPolicy.BLOCK)
    producer = start_producer(sink, 0, 100)
    reports: list[ProducerReport] = []
    joiner = threading.Thread(target=lambda: reports.append(producer.join()), daemon=True)
    joiner.start()
    deadline = time.monotonic() + 10
    while sink.stats().pending < 4 and time.monotonic() < deadline:
        time.sleep(0.001)
    del sink
    gc.collect()
    joiner.join(timeout=10)
    assert not joiner.is_alive(), "the producer still waits for room in a dropped sink"
    [report] = reports
    # It filled the queue, then its next push met the closed sink.
    assert (report.accepted, report.closed) == (4, True)
