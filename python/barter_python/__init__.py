"""barter-python: barter-execution order events as typed Python objects, bridged
through a plain C ABI (Rust ``extern "C"`` functions, a cbindgen header, cffi).

The typed API lives in :mod:`barter_python.execution`. The package also ships
the shared library (:func:`library_path`) and its C header (:func:`header_path`)
for C and ctypes users; :mod:`barter_python.ctypes_abi` declares the ABI with
ctypes alone.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

from ._native import MODE, header_path, library_path, library_version
from .errors import (
    BarterClosedError,
    BarterError,
    BarterLimitError,
    BarterPanicError,
    BarterValueError,
    Status,
)


def native_mode() -> str:
    """How the library was loaded: ``"api"`` (the compiled cffi extension) or
    ``"abi"`` (cffi's ABI mode over the shipped header, the fallback).
    :func:`builder` says what builds the typed records."""
    return MODE


def builder() -> str:
    """What builds the typed records: ``"c"`` (CPython's C extension,
    ``barter_python._cbuild``) or ``"cffi"`` (Python over cffi field reads:
    PyPy, or ``BARTER_PYTHON_BUILDER=cffi``)."""
    # Imported here: the typed model loads on first use, not with the
    # package (ctypes users need only library_path() and header_path()).
    which: str = importlib.import_module("._fastpath", __name__).builder()
    return which


def _version() -> str:
    # One source: rust-ffi/Cargo.toml, which setup.py reads into the
    # distribution's metadata and cargo compiles into the library.
    try:
        return version("barter-python")
    except PackageNotFoundError:  # imported from a source tree, not installed
        return library_version()


__version__ = _version()

__all__ = [
    "BarterClosedError",
    "BarterError",
    "BarterLimitError",
    "BarterPanicError",
    "BarterValueError",
    "Status",
    "__version__",
    "builder",
    "header_path",
    "library_path",
    "library_version",
    "native_mode",
]
