"""Builds the Rust cdylib with cargo, then the cffi extension against it.

``pip install .`` (from a clone or from the sdist) runs ``cargo build
--release`` in rust-ffi/, compiles ``barter_python._barter_ffi`` from
build_ffi.py, and puts libbarter_ffi.so beside the extension in the package,
with a copy of include/barter_ffi.h under ``barter_python/include/`` (for C
users of the wheel, and for the cffi ABI-mode fallback).

Without cargo (or with one older than the crate's rust-version) the build
stops at once and says what to install. ``BARTER_RUST_TARGET`` builds the
library with ``cargo zigbuild`` for an older glibc (see build_ffi.py); that
is how ``./dev wheels`` makes manylinux wheels.

The version is rust-ffi/Cargo.toml's, so the package and the library it
ships always report the same one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build import build
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_ffi import CRATE, HEADER, RUST_RELEASE_DIR, RUST_TARGET

LIBRARY = "libbarter_ffi.so" if sys.platform != "darwin" else "libbarter_ffi.dylib"


def package_field(name: str) -> str:
    """A field of the ``[package]`` table of rust-ffi/Cargo.toml."""
    text = (CRATE / "Cargo.toml").read_text(encoding="utf-8")
    package = re.search(r"^\[package\]\s*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    value = package and re.search(rf'^{name}\s*=\s*"([^"]+)"', package.group(1), re.MULTILINE)
    if not value:
        raise RuntimeError(f"no [package] {name} in {CRATE / 'Cargo.toml'}")
    return value.group(1)


def require_cargo() -> list[str]:
    """The cargo command line that builds the library, once cargo is known to
    be there and new enough; otherwise the build stops at once with what is
    missing and how to get it, not with a traceback from inside setuptools."""
    rust = package_field("rust-version")
    get = (
        f"barter-python compiles its Rust library from source here, which needs Rust {rust} "
        "or newer (cargo and rustc). Install it with rustup (see the Rust project's "
        "install page), or install a binary wheel of barter-python instead, which "
        "needs no compiler."
    )
    cargo = shutil.which("cargo")
    if cargo is None:
        raise SystemExit(f"error: cargo was not found on PATH. {get}")
    try:
        reply = subprocess.run([cargo, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"error: `cargo --version` failed ({exc}). {get}") from None
    found = re.match(r"cargo (\d+)\.(\d+)", reply.stdout)
    wanted = tuple(int(part) for part in rust.split(".")[:2])
    if found is None or tuple(map(int, found.groups())) < wanted:
        raise SystemExit(f"error: {reply.stdout.strip() or 'cargo'} is too old. {get}")
    if not RUST_TARGET:
        return [cargo, "build", "--release", "--locked", "--lib"]
    if shutil.which("cargo-zigbuild") is None or shutil.which("zig") is None:
        raise SystemExit(
            f"error: BARTER_RUST_TARGET={RUST_TARGET} builds with `cargo zigbuild`, which "
            "needs cargo-zigbuild and zig on PATH (pip install cargo-zigbuild ziglang)"
        )
    return [cargo, "zigbuild", "--release", "--locked", "--lib", "--target", RUST_TARGET]


class BuildPyWithHeader(build_py):
    """Ships the C header inside the package, as barter_python/include/barter_ffi.h."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "barter_python" / "include"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(HEADER, target / HEADER.name)


class BuildNeedsCargo(build):
    """Checks for cargo before the build copies or compiles anything."""

    def run(self) -> None:
        require_cargo()
        super().run()


class CargoBuildExt(build_ext):
    """cargo first, so the extension has a library to link against."""

    def build_extensions(self) -> None:
        # The extension finds libbarter_ffi.so beside itself ($ORIGIN) and
        # nowhere else: an interpreter built with an rpath in its LDSHARED
        # (pyenv's are) must not hand that build machine path to a wheel.
        linker = self.compiler.linker_so
        self.compiler.linker_so = [arg for arg in linker if not arg.startswith("-Wl,-rpath,")]
        super().build_extensions()

    def run(self) -> None:
        subprocess.run(require_cargo(), cwd=CRATE, check=True)
        super().run()
        built = RUST_RELEASE_DIR / LIBRARY
        for ext in self.extensions:
            package_dir = Path(self.get_ext_fullpath(ext.name)).parent
            package_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(built, package_dir / LIBRARY)


# CPython's builder of typed records (python/cbuild/): C reading the
# header's structs, against the stable ABI like cffi's module. PyPy builds
# the records in Python, where its JIT is fastest.
HERE = Path(__file__).resolve().parent
CBUILD_DIR = HERE / "python/cbuild"
CBUILD = (
    [
        Extension(
            "barter_python._cbuild",
            sources=sorted(str(path.relative_to(HERE)) for path in CBUILD_DIR.glob("*.c")),
            include_dirs=[str(HEADER.parent.relative_to(HERE))],
            # Rebuilt when a header changes, not only a source: a stale
            # build/ would otherwise keep the old struct layouts.
            depends=[
                str(HEADER.relative_to(HERE)),
                str((CBUILD_DIR / "cbuild.h").relative_to(HERE)),
            ],
            py_limited_api=True,
        )
    ]
    if sys.implementation.name == "cpython"
    else []
)

# On CPython cffi compiles the extension against the stable ABI (it is named
# _barter_ffi.abi3.so), so one wheel serves every CPython from 3.9 on. PyPy
# has no stable ABI: its wheels name their interpreter.
ABI3 = {"bdist_wheel": {"py_limited_api": "cp39"}} if sys.implementation.name == "cpython" else {}

setup(
    version=package_field("version"),
    cmdclass={"build": BuildNeedsCargo, "build_py": BuildPyWithHeader, "build_ext": CargoBuildExt},
    cffi_modules=["build_ffi.py:ffibuilder"],
    ext_modules=CBUILD,
    options=ABI3,
)
