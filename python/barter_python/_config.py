"""What a System and a backtest are configured with, checked the same way
for both: barter's ``SystemConfig`` JSON from a dict or a file, and the
arguments of their trading summaries."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Callable, Union

from ._codec import decimal_to_c
from ._native import ffi, take_buffer
from .errors import BarterValueError
from .summary import Annual252, Annual365, Daily, Interval, TradingSummary

#: A configuration: a dict in barter's ``SystemConfig`` shape, or the path
#: of a JSON file in that shape.
SystemConfigLike = Union[Mapping[str, Any], "os.PathLike[str]", str]


def config_bytes(config: SystemConfigLike) -> tuple[bytes, str]:
    """The config's JSON, and how errors should name it."""
    if isinstance(config, Mapping):
        try:
            return json.dumps(config, allow_nan=False).encode(), "config"
        except (TypeError, ValueError) as exc:
            raise BarterValueError(f"config: not a JSON value: {exc}") from None
    if isinstance(config, (str, os.PathLike)):
        path = os.fspath(config)
        with open(path, "rb") as file:
            return file.read(), f"config file {path!r}"
    raise BarterValueError(f"config must be a dict or a file path, got {type(config).__name__}")


@contextmanager
def naming_config(name: str) -> Iterator[None]:
    """Rust names the argument (``config: ...``); a file is named by its
    path instead."""
    try:
        yield
    except BarterValueError as exc:
        message = exc.message
        if not message.startswith("config: ") or name == "config":
            raise
        raise type(exc)(f"{name}: {message[len('config: ') :]}", exc.status) from None


def check_interval(interval: Interval | None) -> Interval:
    """``Daily()`` for None; one of barter's three intervals."""
    interval = Daily() if interval is None else interval
    if type(interval) not in (Daily, Annual252, Annual365):
        raise BarterValueError(
            f"interval must be Daily(), Annual252() or Annual365(), got {interval!r}"
        )
    return interval


def trading_summary(
    call: Callable[..., None], function: Any, risk_free_return: object, interval: Interval | None
) -> TradingSummary:
    """barter's ``TradingSummary`` from ``function``, a C call taking the
    handle (which ``call``, the handle's own caller, passes), the risk-free
    return, the interval and the out-buffer; ``Daily`` ratios by default."""
    interval = check_interval(interval)
    if not isinstance(risk_free_return, Decimal):
        raise BarterValueError(
            f"risk_free_return must be a Decimal, got {type(risk_free_return).__name__}"
        )
    rate = ffi.new("BarterDecimal *")
    decimal_to_c(rate[0], risk_free_return)
    out = ffi.new("BarterBuffer **")
    call(function, rate, interval._c, out)
    return TradingSummary.from_dict(json.loads(take_buffer(out)), interval)
