"""barter-python: barter-execution order events as typed Python objects, bridged
through a plain C ABI (Rust ``extern "C"`` functions, a cbindgen header, cffi).

The typed API lives in :mod:`barter_python.execution`.
"""

from __future__ import annotations

from ._native import library_version
from .errors import BarterError, BarterLimitError, BarterPanicError, BarterValueError, Status

__version__ = "0.1.0"

__all__ = [
    "BarterError",
    "BarterLimitError",
    "BarterPanicError",
    "BarterValueError",
    "Status",
    "__version__",
    "library_version",
]
