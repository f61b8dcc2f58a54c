"""Exceptions raised by barter_python, one per kind of failure the C ABI reports."""

from __future__ import annotations

import enum


class Status(enum.IntEnum):
    """The ``BarterStatus`` codes of the C ABI (fixed values)."""

    OK = 0
    NULL_POINTER = 1
    INVALID_ARGUMENT = 2
    INVALID_UTF8 = 3
    INVALID_JSON = 4
    INVALID_DATA = 5
    LIMIT_EXCEEDED = 6
    PANIC = 7
    BUFFER_TOO_SMALL = 8
    CLOSED = 9


class BarterError(Exception):
    """Base of every error barter_python raises; ``status`` says which kind."""

    def __init__(self, message: str, status: Status = Status.INVALID_ARGUMENT) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class BarterValueError(BarterError, ValueError):
    """The input was rejected: malformed JSON, an unknown variant, a wrong type,
    invalid UTF-8, an out-of-range value or a NULL where one is not allowed.
    The message is the parser's and names the problem and where it is."""


class BarterLimitError(BarterValueError):
    """The input is larger than a documented limit of the library."""


class BarterClosedError(BarterValueError):
    """The sink, session or System was closed or has stopped; it cannot be
    used any more."""


class BarterPanicError(BarterError, RuntimeError):
    """Rust code panicked. The panic was caught at the C boundary and the
    library stays usable; this is a bug in barter-python, please report it."""


def error_for(status: int, message: str) -> BarterError:
    """The exception for a non-OK status returned by the C ABI."""
    try:
        known = Status(status)
    except ValueError:
        return BarterPanicError(
            f"unknown status {status} from the library: {message}", Status.PANIC
        )
    if known is Status.PANIC:
        return BarterPanicError(message, known)
    if known is Status.LIMIT_EXCEEDED:
        return BarterLimitError(message, known)
    if known is Status.CLOSED:
        return BarterClosedError(message, known)
    if known is Status.BUFFER_TOO_SMALL:
        # The caller's own buffer was short, not the input bad.
        return BarterError(message, known)
    return BarterValueError(message, known)
