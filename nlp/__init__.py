"""Pure, synchronous extraction of transfer events from football news.

Agents and the CLI call `extract_article(title, body)`; everything below is
plain Python over `nlp.types` dataclasses, with data files loaded once.

The modules below are compiled with mypyc when Mercato is installed (setup.py).
This one stays interpreted: in a checkout, Python would import an in-place
compiled module in preference to the `.py` beside it, so an edited source
would silently run as its old compiled self. Before anything else is imported,
compiled modules older than their sources are refused with an ImportError.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

REBUILD_HINT = (
    "Rebuild them with `make compile` (or `pip install -e .`), or remove them to run the "
    "pure Python with `make uncompile` (or `rm nlp/*.so nlp__mypyc*.so`)."
)


def _extension_modules(directory: Path) -> dict[str, Path]:
    """Module name -> file of the extension modules in `directory`."""
    found = {}
    for path in directory.iterdir():
        suffix = next((s for s in EXTENSION_SUFFIXES if path.name.endswith(s)), None)
        if suffix is not None:
            found[path.name[: -len(suffix)]] = path
    return found


def stale_compiled_modules(package: Path) -> list[str]:
    """One line per compiled module of `package` that does not match its source: older
    than its `.py`, or than the shared library holding the code of all of them
    (`<package>__mypyc*.so`, beside the package), or left without a `.py`.

    Only checked in a checkout (a pyproject.toml beside the package), where
    setup.py builds the modules in place: an installed wheel's files are dated
    by the order pip unpacked them in, not by when they were built.
    """
    if not (package.parent / "pyproject.toml").is_file():
        return []
    compiled = _extension_modules(package)
    shared = _extension_modules(package.parent).get(f"{package.name}__mypyc")
    problems = []
    for name, path in sorted(compiled.items()):
        source = package / f"{name}.py"
        if not source.is_file():
            problems.append(f"{path} has no {source.name} beside it")
            continue
        edited = source.stat().st_mtime
        older = [built for built in (path, shared) if built and built.stat().st_mtime < edited]
        if older:
            problems.append(f"{source} is newer than its compiled module {older[0].name}")
    return problems


def _refuse_stale_compiled() -> None:
    problems = stale_compiled_modules(Path(__file__).resolve().parent)
    if problems:
        raise ImportError(
            "compiled nlp modules do not match their sources, so Python would run old code:\n  "
            + "\n  ".join(problems)
            + "\n"
            + REBUILD_HINT
        )


_refuse_stale_compiled()

from nlp.pipeline import EXTRACTOR_VERSION, extract, extract_article, prepare  # noqa: E402

__all__ = ["EXTRACTOR_VERSION", "extract", "extract_article", "prepare"]
