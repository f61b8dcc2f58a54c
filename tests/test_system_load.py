"""The System's audit under load: every command's tick arrives once, in
sequence, through a bounded queue, and a shutdown loses none."""

from __future__ import annotations

from barter_python.engine import ProcessAudit, Shutdown, TradingState, TradingStateUpdate
from barter_python.system import example_config, start_system

COMMANDS = 100_000


def fast_config() -> dict[str, object]:
    config = example_config()
    config["executions"][0]["latency_ms"] = 1
    return config


def test_100000_commands_arrive_once_and_in_sequence() -> None:
    with start_system(fast_config(), audit=True, audit_capacity=1024) as system:
        for n in range(COMMANDS):
            system.set_trading_enabled(n % 2 == 0)
        ticks = system.settle(timeout=600)
        stats = system.audit_stats()
    updates = [
        t.event.event.state
        for t in ticks
        if isinstance(t.event, ProcessAudit) and isinstance(t.event.event, TradingStateUpdate)
    ]
    expected = [TradingState.ENABLED, TradingState.DISABLED] * (COMMANDS // 2)
    assert updates == expected
    sequences = [t.sequence for t in ticks]
    assert sequences == list(range(sequences[0], sequences[0] + len(ticks)))
    assert stats.received == stats.delivered == ticks[-1].sequence
    assert stats.queued == 0
    assert stats.max_queued <= 1024
    assert stats.producer_waits > 0  # the bound held the pump back


def test_a_shutdown_with_a_full_queue_loses_nothing() -> None:
    with start_system(fast_config(), audit=True, audit_capacity=16) as system:
        for n in range(5_000):
            system.set_trading_enabled(n % 2 == 0)
        system.shutdown()  # the queue is full and nobody drains
        ticks = []
        while batch := system.drain_audit(max_ticks=1000):
            ticks += batch
        stats = system.audit_stats()
    assert stats.ended
    assert stats.received == stats.delivered == len(ticks)
    assert [t.sequence for t in ticks] == list(range(1, len(ticks) + 1))
    last = ticks[-1].event
    assert isinstance(last, ProcessAudit)
    assert isinstance(last.event, Shutdown)
    updates = [t for t in ticks if isinstance(t.event.event, TradingStateUpdate)]
    assert len(updates) == 5_000
