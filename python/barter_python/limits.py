"""The library's bounds on what it accepts, and how to change them.

Inputs beyond a limit raise :class:`barter_python.BarterLimitError` before
they are parsed. The size limits are process-wide (they live in the Rust
library, in atomics) and apply to every thread; change them at start-up, or
with :func:`temporary_limits` in tests.

- ``max_input_bytes``: the largest JSON input of one decode call
  (default 1 GiB).
- ``max_string_bytes``: the largest string field, decoded or encoded
  (default 1 MiB).
- ``max_events_per_call``: the largest number of items one encode call
  accepts (default 2**24).

Nesting has no limit of its own: the parser descends only as deep as the
fixed shape of barter's types, and skips unknown fields without recursion, so
deeply nested input costs no stack (see docs/ownership.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from ._native import check, ffi, lib
from .errors import BarterValueError

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "get_limits",
    "reset_limits",
    "set_limits",
    "temporary_limits",
]


class Limits(NamedTuple):
    """The library's process-wide size limits (``BarterLimits``)."""

    max_input_bytes: int
    max_string_bytes: int
    max_events_per_call: int


#: The limits a process starts with.
DEFAULT_LIMITS = Limits(
    max_input_bytes=lib.BARTER_MAX_INPUT_BYTES,
    max_string_bytes=lib.BARTER_MAX_STRING_BYTES,
    max_events_per_call=lib.BARTER_MAX_EVENTS_PER_CALL,
)


def get_limits() -> Limits:
    """The limits in force now."""
    out = ffi.new("BarterLimits *")
    check(lib.barter_limits_get(out))
    return Limits(out.max_input_bytes, out.max_string_bytes, out.max_events_per_call)


def set_limits(
    *,
    max_input_bytes: int | None = None,
    max_string_bytes: int | None = None,
    max_events_per_call: int | None = None,
) -> Limits:
    """Changes the given limits (the others stay) for the whole process and
    returns the limits that were in force before. Each must be an int from 1
    to the platform's ``PTRDIFF_MAX``; otherwise ``BarterValueError`` is
    raised and nothing changes."""
    previous = get_limits()
    wanted = previous._replace(
        **{
            name: value
            for name, value in (
                ("max_input_bytes", max_input_bytes),
                ("max_string_bytes", max_string_bytes),
                ("max_events_per_call", max_events_per_call),
            )
            if value is not None
        }
    )
    for name, value in wanted._asdict().items():
        if type(value) is not int or value < 1:
            raise BarterValueError(f"{name} must be a positive int, got {value!r}")
    _store(wanted)
    return previous


def reset_limits() -> Limits:
    """Restores :data:`DEFAULT_LIMITS` and returns the limits that were in force."""
    previous = get_limits()
    _store(DEFAULT_LIMITS)
    return previous


@contextmanager
def temporary_limits(
    *,
    max_input_bytes: int | None = None,
    max_string_bytes: int | None = None,
    max_events_per_call: int | None = None,
) -> Iterator[Limits]:
    """Sets limits for the duration of a ``with`` block, then restores the
    previous ones. The change is process-wide: other threads see it too."""
    previous = set_limits(
        max_input_bytes=max_input_bytes,
        max_string_bytes=max_string_bytes,
        max_events_per_call=max_events_per_call,
    )
    try:
        yield get_limits()
    finally:
        _store(previous)


def _store(limits: Limits) -> None:
    c = ffi.new("BarterLimits *")
    try:
        c.max_input_bytes, c.max_string_bytes, c.max_events_per_call = limits
    except OverflowError:
        raise BarterValueError(f"limits out of range for size_t: {limits}") from None
    check(lib.barter_limits_set(c))
