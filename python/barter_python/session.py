"""Paper trading on barter's MockExchange, running inside the library.

A ``Session`` starts a Tokio runtime in the Rust library that runs
barter-execution's real ``MockExchange`` and ``MockExecution`` client. Python
sends typed requests and reads typed answers; everything the exchange raises
arrives as typed ``AccountEvent``s drained in batches, the way barter's own
``ExecutionManager`` reports it::

    from barter_python import Session
    from barter_python.execution import OrderRequestOpen, OrderKey, RequestOpen, ...

    with Session() as session:                  # the default config shipped in the package
        response = session.open_order(request)  # OrderResponseOpen: Ok(Open) or Err(...)
        for event in session.events(timeout=0.1):
            print(event)

What MockExchange does is passed through as it is: market orders fill at the
requested price, other kinds are rejected (``OrderRejected``), as are orders
over the balance (``BalanceInsufficient``) and unknown instruments
(``InstrumentInvalid``); a cancel is answered ``Err(ExchangeOffline)``
because MockExchange does not handle cancels (it drops the request's answer
channel, which barter's client reports that way).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from importlib import resources
from typing import Any, NamedTuple, Union

from ._codec import Keep, Keys, check_decimal, check_index, check_str, decimal_text
from ._keys import ExchangeId
from ._messages import (
    AccountEvent,
    OrderRequestCancel,
    OrderRequestOpen,
    OrderResponseCancel,
    OrderResponseOpen,
)
from ._native import check, ffi, lib
from ._sink import Closing, EventSink, Handle, SinkStats, timeout_ms
from .errors import BarterClosedError, BarterValueError

#: A configuration: a ``MockConfig``, a dict in barter's config shape, or the
#: path of a JSON file in that shape.
ConfigLike = Union["MockConfig", Mapping[str, Any], "os.PathLike[str]", str]


class SessionClosedError(BarterClosedError):
    """The session was closed; open a new one."""


class MockInstrument(NamedTuple):
    """A spot instrument on the mocked exchange: its exchange name and assets."""

    name_exchange: str
    base: str
    quote: str


class MockConfig(NamedTuple):
    """A session's configuration in Python terms; ``to_dict()`` gives barter's
    ``SystemConfig`` shape, which the library parses with barter's own types.

    ``fees_percent`` is applied by MockExchange as a fraction of the order
    value (``0.001`` charges 0.1%), as barter does.
    """

    instruments: Sequence[MockInstrument]
    #: Initial balance of each asset (the quote asset of every instrument needs one).
    balances: Mapping[str, Decimal]
    exchange: ExchangeId = ExchangeId.BINANCE_SPOT
    fees_percent: Decimal = Decimal("0.001")
    latency_ms: int = 5

    def to_dict(self) -> dict[str, Any]:
        exchange = ExchangeId(self.exchange).value
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        instruments = [MockInstrument(*i) for i in self.instruments]
        for index, instrument in enumerate(instruments):
            for field in MockInstrument._fields:
                check_str(getattr(instrument, field), f"instruments[{index}].{field}")
        balances = []
        for asset, amount in self.balances.items():
            check_str(asset, "balances key")
            text = decimal_text(check_decimal(amount, f"balances[{asset!r}]"))
            balances.append(
                {"asset": asset, "balance": {"total": text, "free": text}, "time_exchange": now}
            )
        fees = decimal_text(check_decimal(self.fees_percent, "fees_percent"))
        return {
            "instruments": [
                {
                    "exchange": exchange,
                    "name_exchange": i.name_exchange,
                    "underlying": {"base": i.base, "quote": i.quote},
                    "quote": "underlying_quote",
                    "kind": "spot",
                }
                for i in instruments
            ],
            "executions": [
                {
                    "exchange": exchange,
                    "kind": {
                        "type": "Mock",
                        "mocked_exchange": exchange,
                        "latency_ms": check_index(self.latency_ms, "latency_ms"),
                        "fees_percent": fees,
                        "initial_state": {
                            "exchange": exchange,
                            "balances": balances,
                            "instruments": [
                                {"instrument": i.name_exchange, "orders": []} for i in instruments
                            ],
                        },
                    },
                }
            ],
        }


def default_config() -> dict[str, Any]:
    """The configuration shipped in the package (barter's config shape):
    BTCUSDT and ETHUSDT on a mocked binance_spot, 10,000 USDT, 0.1% fees."""
    text = resources.files("barter_python").joinpath("data/mock_config.json").read_text("utf-8")
    config: dict[str, Any] = json.loads(text)
    return config


def _config_json(config: ConfigLike | None) -> tuple[bytes, dict[str, Any] | None, str]:
    """The config's JSON text, its parsed form when Python has one, and how
    to name it in errors."""
    if config is None:
        data = default_config()
        return json.dumps(data).encode(), data, "default config"
    if isinstance(config, MockConfig):
        data = config.to_dict()
        return json.dumps(data).encode(), data, "config"
    if isinstance(config, Mapping):
        try:
            text = json.dumps(config, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise BarterValueError(f"config: not a JSON value: {exc}") from None
        return text.encode(), dict(config), "config"
    if isinstance(config, (str, os.PathLike)):
        path = os.fspath(config)
        with open(path, "rb") as file:
            raw = file.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None  # Rust reports where the JSON breaks
        return raw, parsed if isinstance(parsed, dict) else None, f"config file {path!r}"
    raise BarterValueError(
        f"config must be a MockConfig, a dict or a file path, got {type(config).__name__}"
    )


def _mock_exchange(config: dict[str, Any] | None) -> ExchangeId | None:
    try:
        execution = config["executions"][0]  # type: ignore[index]
        mock = execution.get("kind", execution)
        return ExchangeId(mock["mocked_exchange"])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None


class Session(Closing[SinkStats]):
    """A paper-trading session on barter's MockExchange (a context manager).

    ``config``: a ``MockConfig``, a dict or the path of a JSON file in barter's
    ``SystemConfig`` shape (one Mock execution); None uses the configuration
    shipped in the package. ``queue_capacity`` bounds the events waiting to be
    drained: a request that could overflow it raises ``BarterLimitError``
    until they are drained. ``request_timeout`` (seconds) is how long
    MockExchange may take to answer before the session answers
    ``Connectivity(Timeout)``, as barter's ExecutionManager does.
    """

    __slots__ = ("_final", "_handle", "_sink", "exchange")

    def __init__(
        self,
        config: ConfigLike | None = None,
        *,
        queue_capacity: int = 65536,
        request_timeout: float = 5.0,
    ) -> None:
        raw, parsed, name = _config_json(config)
        options = ffi.new("BarterSessionOptions *")
        options.queue_capacity = check_index(queue_capacity, "queue_capacity")
        options.request_timeout_ms = max(1, timeout_ms(request_timeout))
        out = ffi.new("BarterSession **")
        try:
            check(lib.barter_session_new(raw, len(raw), options, out))
        except BarterValueError as exc:
            raise type(exc)(f"{name}: {exc.message}", exc.status) from None
        sink = ffi.new("BarterEventSink **")
        check(lib.barter_session_sink(out[0], sink))
        self._handle = Handle(out[0], "session")
        self._sink = EventSink._adopt(sink[0])
        self._final: SinkStats | None = None
        #: The mocked exchange: every request's ``key.exchange`` must be this.
        self.exchange = _mock_exchange(parsed)

    # --- requests --------------------------------------------------------------------

    def _request(self, request: Any, kind: type[Any], call: Any, answer: type[Any]) -> Any:
        if type(request) is not kind:
            raise BarterValueError(
                f"request must be a {kind.__name__}, got {type(request).__name__}"
            )
        if request.keys is not Keys.UNINDEXED:
            raise BarterValueError(
                "a session takes unindexed requests: key.exchange an ExchangeId and "
                "key.instrument the exchange's instrument name"
            )
        keep = Keep()
        c = ffi.new(f"{kind._c_type} *")
        request._to_c(c[0], keep)
        try:
            handle = self._handle.acquire()
        except BarterClosedError:
            raise SessionClosedError("the session is closed") from None
        try:
            out = ffi.new("BarterSessionReply **")
            check(call(handle, c, out))
        finally:
            self._handle.release()
        try:
            item = ffi.cast(f"{answer._c_type} *", out[0].item)
            return answer._from_c(item[0], Keys.UNINDEXED)
        finally:
            lib.barter_session_reply_free(out)

    def open_order(self, request: OrderRequestOpen) -> OrderResponseOpen:
        """Sends an open request to MockExchange and returns its answer:
        state ``Ok(Open)`` (a market order, filled at once) or ``Err(error)``.
        Returns once the fill's events are queued, so ``events()`` sees them."""
        response: OrderResponseOpen = self._request(
            request, OrderRequestOpen, lib.barter_session_open_order, OrderResponseOpen
        )
        return response

    def cancel_order(self, request: OrderRequestCancel) -> OrderResponseCancel:
        """Sends a cancel request to MockExchange and returns its answer (with
        barter-execution 0.9.0 always ``Err(ExchangeOffline)``: MockExchange
        does not handle cancels)."""
        response: OrderResponseCancel = self._request(
            request, OrderRequestCancel, lib.barter_session_cancel_order, OrderResponseCancel
        )
        return response

    # --- events --------------------------------------------------------------------------

    def drain(self, max_events: int = 1024, timeout: float | None = 0.0) -> list[AccountEvent]:
        """Up to ``max_events`` events, waiting at most ``timeout`` seconds for
        the first one. Undrained events stay readable until ``close()``."""
        if self._sink.closed:
            raise SessionClosedError("the session is closed")
        events: list[AccountEvent] = self._sink.drain(max_events, timeout)  # type: ignore[assignment]
        return events

    def events(self, timeout: float = 0.1, max_batch: int = 1024) -> Iterator[AccountEvent]:
        """Yields the events the exchange raised, in order, drained in batches
        of up to ``max_batch``; stops once ``timeout`` seconds pass without an
        event (or the session is closed and drained)."""
        while True:
            try:
                batch = self._sink.drain_batch(max_batch, timeout)
            except BarterClosedError:
                raise SessionClosedError("the session is closed") from None
            yield from batch.events  # type: ignore[misc]
            if not batch.events or batch.finished:
                return

    def stats(self) -> SinkStats:
        """The event queue's counters (after ``close()``: the final ones,
        ``discarded`` counting the events never drained)."""
        if self._final is not None:
            return self._final
        return self._sink.stats()

    # --- lifetime ------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._final is not None

    def close(self) -> SinkStats:
        """Stops the runtime (MockExchange, its timers, the driver) and joins
        its thread, then drops the events not drained. Returns the final
        counters; ``discarded`` says how many events were dropped. Closing
        twice is harmless; any other use afterwards raises
        ``SessionClosedError``."""
        if self._final is not None:
            return self._final
        handle = self._handle.retire()
        if handle is not None:
            # Stops the runtime; requests in flight in other threads fail.
            check(lib.barter_session_close(handle))
            self._handle.wait_idle()
            holder = ffi.new("BarterSession **", handle)
            check(lib.barter_session_free(holder))
        self._final = self._sink.close()
        return self._final

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        exchange = self.exchange.value if self.exchange else "?"
        return f"<Session {exchange} {state}>"


__all__ = [
    "MockConfig",
    "MockInstrument",
    "Session",
    "SessionClosedError",
    "default_config",
]
