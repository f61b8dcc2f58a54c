"""barter's engine commands, one to one with ``Command`` and
``TradingState``: the helpers a System and a stepped backtest share. Each
converts its arguments to their C forms; the class says which C function
takes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from ._codec import Keep, Keys, check_index
from ._messages import OrderRequestCancel, OrderRequestOpen
from ._native import ffi, lib
from .engine import Exchanges, InstrumentFilter, Instruments, NoFilter, Underlyings
from .errors import BarterValueError


class CommandFunctions(NamedTuple):
    """The C functions of one kind of handle, each taking the handle first."""

    open_requests: Any
    cancel_requests: Any
    close_positions: Any
    cancel_orders: Any
    set_trading_enabled: Any


def _requests_to_c(requests: Sequence[Any], kind: type[Any]) -> tuple[Any, int, Keep]:
    requests = list(requests)
    if not requests:
        raise BarterValueError("requests is empty: send at least one")
    array = ffi.new(f"{kind._c_type}[]", len(requests))
    keep = Keep()
    for index, request in enumerate(requests):
        if type(request) is not kind:
            raise BarterValueError(
                f"requests[{index}] must be a {kind.__name__}, got {type(request).__name__}"
            )
        if request.keys is not Keys.INDEXED:
            raise BarterValueError(
                f"requests[{index}]: the engine takes indexed keys (ExchangeIndex and "
                "InstrumentIndex ints)"
            )
        request._to_c(array[index], keep)
    return array, len(requests), keep


def _filter_to_c(filter: InstrumentFilter | None) -> tuple[Any, Any]:
    """The ``BarterInstrumentFilter`` and the index array it points to."""
    c = ffi.new("BarterInstrumentFilter *")
    if filter is None or isinstance(filter, NoFilter):
        c.kind = lib.BARTER_INSTRUMENT_FILTER_KIND_NONE
        return c, None
    if isinstance(filter, Exchanges):
        kind, indices = lib.BARTER_INSTRUMENT_FILTER_KIND_EXCHANGES, list(filter.exchanges)
    elif isinstance(filter, Instruments):
        kind, indices = lib.BARTER_INSTRUMENT_FILTER_KIND_INSTRUMENTS, list(filter.instruments)
    elif isinstance(filter, Underlyings):
        kind = lib.BARTER_INSTRUMENT_FILTER_KIND_UNDERLYINGS
        indices = [index for u in filter.underlyings for index in (u.base, u.quote)]
    else:
        raise BarterValueError(
            f"filter must be an InstrumentFilter or None, got {type(filter).__name__}"
        )
    array = ffi.new("size_t[]", [check_index(i, "filter index") for i in indices])
    c.kind = kind
    c.len = (
        len(indices) // 2 if kind == lib.BARTER_INSTRUMENT_FILTER_KIND_UNDERLYINGS else len(indices)
    )
    c.indices = array
    return c, array


class Commands:
    """The command helpers; a subclass names its C functions and says how a
    command is sent (``_command``)."""

    __slots__ = ()
    _functions: CommandFunctions

    def _command(self, function: Any, *args: Any) -> None:
        raise NotImplementedError

    def send_open_requests(self, requests: Sequence[OrderRequestOpen]) -> None:
        """barter's ``Command::SendOpenRequests``."""
        array, count, _keep = _requests_to_c(requests, OrderRequestOpen)
        self._command(self._functions.open_requests, array, count)

    def send_cancel_requests(self, requests: Sequence[OrderRequestCancel]) -> None:
        """barter's ``Command::SendCancelRequests``."""
        array, count, _keep = _requests_to_c(requests, OrderRequestCancel)
        self._command(self._functions.cancel_requests, array, count)

    def close_positions(self, filter: InstrumentFilter | None = None) -> None:
        """barter's ``Command::ClosePositions`` (``None``: every instrument)."""
        c, _keep = _filter_to_c(filter)
        self._command(self._functions.close_positions, c)

    def cancel_orders(self, filter: InstrumentFilter | None = None) -> None:
        """barter's ``Command::CancelOrders`` (``None``: every instrument)."""
        c, _keep = _filter_to_c(filter)
        self._command(self._functions.cancel_orders, c)

    def set_trading_enabled(self, enabled: bool) -> None:
        """barter's ``TradingState`` update."""
        if not isinstance(enabled, bool):
            raise BarterValueError(f"enabled must be a bool, got {type(enabled).__name__}")
        self._command(self._functions.set_trading_enabled, int(enabled))
