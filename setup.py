"""Compiles the extractor (`nlp/`) with mypyc when Mercato is built or installed.

pyproject.toml holds everything else; this file only adds the extension modules.
The `.py` files stay the source of truth and ship beside the compiled modules.
`MERCATO_COMPILE=0` builds and installs pure Python (no C compiler needed).

Every `nlp/*.py` is compiled but `nlp/__init__.py`: it stays interpreted so that,
in a checkout, it can refuse compiled modules older than their sources before
any of them is imported (Python prefers an in-place `.so` to the `.py` beside it).
All of them go into one group: each `nlp/<module>*.so` is a small shim into the
shared library `nlp__mypyc*.so`, which must sit at the top level, beside the
package (inside it, mypyc derives every module's `__file__` wrongly, as
nlp/nlp/<module>, and the data files under nlp/data are not found).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
INTERPRETED = frozenset({"__init__.py"})
GROUP = "nlp"  # the shared library: nlp__mypyc*.so
# Every in-place compiled module is dated to this moment (see BuildExt).
STARTED = time.time()


def compile_enabled() -> bool:
    """False when MERCATO_COMPILE=0: the pure-Python build."""
    return os.environ.get("MERCATO_COMPILE", "1").strip() != "0"


def compiled_sources() -> list[str]:
    """The modules mypyc compiles, as paths relative to this file's directory."""
    return sorted(
        f"nlp/{path.name}" for path in (ROOT / "nlp").glob("*.py") if path.name not in INTERPRETED
    )


class BuildExt(build_ext):
    """build_ext whose in-place copies are dated to the start of the build.

    nlp/__init__.py and the Makefile compare a compiled module's date with its
    source's. setuptools keeps the old file (and date) of a module whose C code
    did not change (an edited comment), which would look stale forever; dating
    every copy to the start of the build instead means a source saved while the
    build ran still counts as newer, as it should.
    """

    def run(self) -> None:
        super().run()
        if self.inplace:  # `build_ext --inplace` and editable installs
            for extension in self.extensions:
                path = self.get_ext_fullpath(extension.name)
                if os.path.exists(path):
                    os.utime(path, (STARTED, STARTED))


def ext_modules() -> list[Any]:
    """mypyc's extension modules for `compiled_sources()`, or none if compilation is off."""
    if not compile_enabled():
        return []
    from mypyc.build import mypycify  # a build requirement (pyproject.toml)

    os.chdir(ROOT)  # mypyc names modules after the paths, read from here
    return list(mypycify(compiled_sources(), group_name=GROUP))


setup(ext_modules=ext_modules(), cmdclass={"build_ext": BuildExt})
