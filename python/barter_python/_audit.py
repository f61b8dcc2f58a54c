"""Pairing requests with what came back, for audit trails: each request with
``Ok(state)``, an ``ErrorEntry`` holding the typed error and its message, or
``None`` while no answer has arrived."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Union

from ._messages import (
    AccountEvent,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderResponseOpen,
)
from ._order_state import Err, Ok, OrderError
from ._record import Record, make

Request = Union[OrderRequestOpen, OrderRequestCancel]
Response = Union[OrderResponseOpen, OrderResponseCancel, AccountEvent]


class ErrorEntry(Record):
    """A failed request's typed error and its message."""

    __slots__ = ()
    __match_args__ = ("error", "message")
    _fields = __match_args__
    error: OrderError
    message: str

    def __new__(cls, error: OrderError, message: str) -> ErrorEntry:
        return make(cls, (error, message))


class AuditEntry(Record):
    """A request and its outcome: ``Ok(Open)`` / ``Ok(Cancelled)``, an
    ``ErrorEntry``, or ``None`` if unanswered."""

    __slots__ = ()
    __match_args__ = ("request", "outcome")
    _fields = __match_args__
    request: Request
    outcome: Ok[Any] | ErrorEntry | None

    def __new__(cls, request: Request, outcome: Ok[Any] | ErrorEntry | None) -> AuditEntry:
        return make(cls, (request, outcome))


def _outcome(state: Ok[Any] | Err) -> Ok[Any] | ErrorEntry:
    if isinstance(state, Err):
        return ErrorEntry(state.error, state.error.description)
    return state


def audit(requests: Iterable[Request], responses: Iterable[Response]) -> list[AuditEntry]:
    """Pairs each request with the first unused response of its kind for the
    same order key (open requests with ``OrderResponseOpen``, cancel requests
    with ``OrderResponseCancel``, also inside ``AccountEvent``s)."""
    pending: dict[tuple[type, Any], list[Ok[Any] | Err]] = {}
    for response in responses:
        answer = response.kind if isinstance(response, AccountEvent) else response
        if isinstance(answer, OrderResponseOpen):
            kind: type = OrderRequestOpen
        elif isinstance(answer, OrderResponseCancel):
            kind = OrderRequestCancel
        else:
            continue
        pending.setdefault((kind, answer.key), []).append(answer.state)
    entries = []
    for request in requests:
        answers = pending.get((type(request), request.key))
        outcome: Ok[Any] | ErrorEntry | None = _outcome(answers.pop(0)) if answers else None
        entries.append(AuditEntry(request, outcome))
    return entries
