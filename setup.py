"""Builds the Rust cdylib with cargo, then the cffi extension against it.

``pip install .`` (from a clone or from the sdist) runs ``cargo build
--release`` in rust-ffi/, compiles ``barter_python._barter_ffi`` from
build_ffi.py, and puts libbarter_ffi.so beside the extension in the package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_ffi import CRATE, RUST_RELEASE_DIR

LIBRARY = "libbarter_ffi.so" if sys.platform != "darwin" else "libbarter_ffi.dylib"


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
    cmdclass={"build_ext": CargoBuildExt},
    cffi_modules=["build_ffi.py:ffibuilder"],
)
