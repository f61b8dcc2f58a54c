"""What a System and a backtest are configured with: barter's
``SystemConfig`` JSON from a dict or a file, the summary interval and the
risk-free return, each checked the same way for both."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Union

from ._codec import decimal_to_c
from ._native import ffi
from .errors import BarterValueError
from .summary import Annual252, Annual365, Daily, Interval

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


def decimal_of(value: object, name: str) -> Any:
    """A ``BarterDecimal *`` holding ``value``, which must be a Decimal."""
    if not isinstance(value, Decimal):
        raise BarterValueError(f"{name} must be a Decimal, got {type(value).__name__}")
    c = ffi.new("BarterDecimal *")
    decimal_to_c(c[0], value)
    return c
