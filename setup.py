"""Builds the Rust cdylib with cargo, then the cffi extension against it.

``pip install .`` (from a clone or from the sdist) runs ``cargo build
--release`` in rust-ffi/, compiles ``barter_python._barter_ffi`` from
build_ffi.py, and puts libbarter_ffi.so beside the extension in the package,
with a copy of include/barter_ffi.h under ``barter_python/include/`` (for C
users of the wheel, and for the cffi ABI-mode fallback).

The version is rust-ffi/Cargo.toml's, so the package and the library it
ships always report the same one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_ffi import CRATE, HEADER, RUST_RELEASE_DIR

LIBRARY = "libbarter_ffi.so" if sys.platform != "darwin" else "libbarter_ffi.dylib"


def cargo_version() -> str:
    """The ``version`` of the ``[package]`` table of rust-ffi/Cargo.toml."""
    text = (CRATE / "Cargo.toml").read_text(encoding="utf-8")
    package = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    version = package and re.search(r'^version\s*=\s*"([^"]+)"', package.group(1), re.MULTILINE)
    if not version:
        raise RuntimeError(f"no [package] version in {CRATE / 'Cargo.toml'}")
    return version.group(1)


class BuildPyWithHeader(build_py):
    """Ships the C header inside the package, as barter_python/include/barter_ffi.h."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "barter_python" / "include"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(HEADER, target / HEADER.name)


class CargoBuildExt(build_ext):
    """cargo first, so the extension has a library to link against."""

    def run(self) -> None:
        subprocess.run(
            ["cargo", "build", "--release", "--locked", "--lib"],
            cwd=CRATE,
            check=True,
        )
        super().run()
        built = RUST_RELEASE_DIR / LIBRARY
        for ext in self.extensions:
            package_dir = Path(self.get_ext_fullpath(ext.name)).parent
            package_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(built, package_dir / LIBRARY)


setup(
    version=cargo_version(),
    cmdclass={"build_py": BuildPyWithHeader, "build_ext": CargoBuildExt},
    cffi_modules=["build_ffi.py:ffibuilder"],
)
