"""Pairing requests with what came back, for audit trails: each request with
``Ok(state)``, an ``ErrorEntry`` holding the typed error and its message, or
``None`` while no answer has arrived.

``audit`` pairs requests and responses a caller collected; ``Ledger`` builds
the same entries from a barter engine's own audit ticks: the requests its
commands sent or refused, answered by the account events it received."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Union

from ._messages import (
    AccountEvent,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderResponseOpen,
    OrderSnapshot,
    Trade,
)
from ._order_state import (
    Err,
    FullyFilled,
    Ok,
    OpenFailed,
    OpenInFlight,
    OrderError,
    OrderState,
)
from ._record import Record, make
from ._requests import RequestOpen
from .engine import (
    Account,
    AccountItem,
    AuditTick,
    CancelOrdersOutput,
    ClosePositionsOutput,
    EngineError,
    EngineIndexError,
    OpenOrdersOutput,
    ProcessAudit,
)

Request = Union[OrderRequestOpen, OrderRequestCancel]
Response = Union[OrderResponseOpen, OrderResponseCancel, AccountEvent]
Outcome = Union["Ok[Any]", OrderState, "ErrorEntry"]


class ErrorEntry(Record):
    """A failed request's typed error (an ``OrderError`` from the exchange,
    or the ``EngineError`` for which the engine did not send it) and its
    message."""

    __slots__ = ()
    __match_args__ = ("error", "message")
    _fields = __match_args__
    error: OrderError | EngineError
    message: str

    def __new__(cls, error: OrderError | EngineError, message: str) -> ErrorEntry:
        return make(cls, (error, message))


class AuditEntry(Record):
    """A request and its outcome: ``Ok(Open)`` / ``Ok(Cancelled)`` (an
    exchange's response), the order's ``OrderState`` (an engine's order
    snapshot, e.g. ``FullyFilled``), an ``ErrorEntry``, or ``None`` if
    unanswered."""

    __slots__ = ()
    __match_args__ = ("request", "outcome")
    _fields = __match_args__
    request: Request
    outcome: Outcome | None

    def __new__(cls, request: Request, outcome: Outcome | None) -> AuditEntry:
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
        outcome: Outcome | None = _outcome(answers.pop(0)) if answers else None
        entries.append(AuditEntry(request, outcome))
    return entries


def _engine_error_text(error: EngineError) -> str:
    if isinstance(error, EngineIndexError):
        return str(error.error.message)
    return str(getattr(error, "message", type(error).__name__))


class Ledger:
    """The requests a barter engine sent or refused, in engine order, each
    paired with its first answer. Feed it every audit tick (``add``).

    An open request is answered by the engine's first ``OrderSnapshot`` of
    its key past ``OpenInFlight`` (``Ok(state)``, or an ``ErrorEntry`` for
    ``OpenFailed``); a cancel by its ``OrderResponseCancel``. A request in a
    command output's ``errors`` was not sent: its entry holds the
    ``EngineError``. ``ClosePositions`` contributes its cancels and opens.
    Fills arrive on a separate path from order snapshots, so a filled open
    counts as ``settled`` only once its ``Trade`` has arrived too, whichever
    of the two the engine saw first."""

    __slots__ = ("_entries", "_trades_due", "_trades_early", "_waiting")

    def __init__(self) -> None:
        self._entries: list[list[Any]] = []
        # (request type, key) -> indices of entries still unanswered.
        self._waiting: dict[tuple[type, Any], list[int]] = {}
        # Fills whose Trade has not arrived: (instrument, strategy, side, price, quantity).
        self._trades_due: list[tuple[Any, ...]] = []
        # Trades that came before their fill's snapshot: barter's client sends
        # the order response and the exchange's trade on two paths, and the
        # engine merges them in arrival order.
        self._trades_early: list[tuple[Any, ...]] = []

    def _sent(self, output: OpenOrdersOutput | CancelOrdersOutput) -> None:
        for request in output.sent:
            self._waiting.setdefault((type(request), request.key), []).append(len(self._entries))
            self._entries.append([request, None])
        for request, error in output.errors:
            self._entries.append([request, ErrorEntry(error, _engine_error_text(error))])

    def _answer(self, kind: type, key: Any, outcome: Outcome) -> Request | None:
        waiting = self._waiting.get((kind, key))
        if not waiting:
            return None
        entry = self._entries[waiting.pop(0)]
        entry[1] = outcome
        request: Request = entry[0]
        return request

    def add(self, tick: AuditTick) -> None:
        audit = tick.event
        if not isinstance(audit, ProcessAudit):
            return
        for output in audit.outputs:
            if isinstance(output, (OpenOrdersOutput, CancelOrdersOutput)):
                self._sent(output)
            elif isinstance(output, ClosePositionsOutput):
                self._sent(output.cancels)
                self._sent(output.opens)
        event = audit.event
        if not isinstance(event, Account) or not isinstance(event.event, AccountItem):
            return
        kind = event.event.event.kind
        if isinstance(kind, OrderSnapshot) and not isinstance(kind.state, OpenInFlight):
            state = kind.state
            outcome: Outcome = (
                ErrorEntry(state.error, state.error.description)
                if isinstance(state, OpenFailed)
                else state
            )
            request = self._answer(OrderRequestOpen, kind.key, outcome)
            if request is not None and isinstance(state, FullyFilled):
                self._filled(_fill(request))
        elif isinstance(kind, OrderResponseCancel):
            self._answer(OrderRequestCancel, kind.key, _outcome(kind.state))
        elif isinstance(kind, Trade):
            self._traded((kind.instrument, kind.strategy, kind.side, kind.price, kind.quantity))

    def _filled(self, fill: tuple[Any, ...]) -> None:
        if fill in self._trades_early:
            self._trades_early.remove(fill)
        else:
            self._trades_due.append(fill)

    def _traded(self, fill: tuple[Any, ...]) -> None:
        if fill in self._trades_due:
            self._trades_due.remove(fill)
        elif self._trades_early.count(fill) < self._unanswered_fills().count(fill):
            self._trades_early.append(fill)

    def _unanswered_fills(self) -> list[tuple[Any, ...]]:
        # Only these can still be answered by a fill, so a trade is kept only
        # while one of them may claim it: the early list never outgrows the
        # waiting one.
        return [
            _fill(self._entries[index][0])
            for (kind, _), indices in self._waiting.items()
            if kind is OrderRequestOpen
            for index in indices
        ]

    def entries(self) -> list[AuditEntry]:
        """Every request so far, in the order the engine sent or refused it."""
        return [AuditEntry(request, outcome) for request, outcome in self._entries]

    @property
    def pending(self) -> int:
        """Requests without an answer yet."""
        return sum(map(len, self._waiting.values()))

    @property
    def settled(self) -> bool:
        """No request waits for its answer and no fill for its trade."""
        return self.pending == 0 and not self._trades_due


def _fill(request: Request) -> tuple[Any, ...]:
    state = request.state
    assert isinstance(state, RequestOpen)  # only open requests fill
    return (request.key.instrument, request.key.strategy, state.side, state.price, state.quantity)
