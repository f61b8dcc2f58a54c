"""This process's threads (Rust's included), read from /proc.

Checks compare thread ids, not counts: a thread from an earlier test may
still be leaving when one starts. And a joined thread can still be listed
for a moment (pthread_join returns when the kernel clears the thread's id,
a step before the task leaves the thread group), so a check that threads
are gone waits for them, a few seconds at most."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

AVAILABLE = Path("/proc/self/task").exists()


def task_ids() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/task")}


def started_since(before: set[int], seconds: float = 5.0) -> set[int]:
    """Threads that were not in ``before`` and are still there after
    ``seconds`` (or none, as soon as they are gone). Collects garbage while
    it waits, since PyPy frees handles only then."""
    deadline = time.monotonic() + seconds
    while True:
        gc.collect()
        left = task_ids() - before
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.01)
