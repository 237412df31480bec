"""The extractor compiled by mypyc (setup.py) against its pure-Python source.

- Same output: the compiled `nlp` gives byte for byte what the `.py` files give
  (run from a copy without the compiled modules, in a subprocess) on the dev set,
  the shared seeds, the benchmark's articles and odd text; and it builds the
  same patterns.
- No stale compiled code: `nlp/__init__.py` refuses to import compiled modules
  older than their sources in a checkout (Python prefers a `.so` to the `.py`).
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

import pytest

import nlp
import nlp.extractor
from bench.extractor import build_articles
from nlp import stale_compiled_modules
from nlp.types import Mention
from tests.conftest import REPO, SHARED
from tests.nlp_outputs import outputs

EXT = EXTENSION_SUFFIXES[0]  # .cpython-311-x86_64-linux-gnu.so
SOURCES = [
    REPO / "tests" / "data" / "devset" / "articles.jsonl",
    SHARED / "seeds" / "articles.jsonl",
]
ODD_PIECES = [
    "Ufficiale: ", "La Juventus ", "Dušan Vlahović ", "İlkay Gündoğan ", "ÆØÅ ß ", "€", "£",
    "$", "12", ",5", ".000.000", " milioni", "m ", "+ 3 di bonus", " dal Torino", " all'Inter",
    ", classe 2004, ", "\n\n", ". ", '"Non parto" ha detto ', "<p>", "&amp;", "ﬁ", "\u200b",
    "99999999999999999999999", " signed for Arsenal", " on loan from Chelsea", "VERONA - ",
]  # fmt: skip


def _is_compiled(module: object) -> bool:
    return str(getattr(module, "__file__", "")).endswith(tuple(EXTENSION_SUFFIXES))


def _articles() -> list[dict[str, str]]:
    """Dev set, seeds (if /work/shared is there), benchmark articles and random odd text."""
    articles = [
        {"title": article.get("title") or "", "text": article["text"]}
        for path in SOURCES
        if path.is_file()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for article in [json.loads(line)]
    ]
    articles += [{"title": title, "text": text} for title, text in build_articles()]
    chance = random.Random(2024)
    for _ in range(300):
        pieces = chance.choices(ODD_PIECES, k=chance.randrange(1, 40))
        articles.append({"title": "".join(pieces[:3]), "text": "".join(pieces[3:])})
    return [*articles, {"title": "", "text": ""}, {"title": "Ciao", "text": "   \n\n "}]


@pytest.mark.skipif(
    not _is_compiled(nlp.extractor), reason="nlp is not compiled (MERCATO_COMPILE=0 install)"
)
def test_the_compiled_extractor_gives_the_pure_python_output(tmp_path: Path) -> None:
    pure = tmp_path / "pure"
    shutil.copytree(
        REPO / "nlp", pure / "nlp", ignore=shutil.ignore_patterns("*.so", "__pycache__")
    )
    inputs, result = tmp_path / "articles.json", tmp_path / "pure.json"
    articles = _articles()
    inputs.write_text(json.dumps(articles), encoding="utf-8")
    subprocess.run(
        [sys.executable, str(REPO / "tests" / "nlp_outputs.py"), str(inputs), str(result)],
        env={**os.environ, "PYTHONPATH": str(pure)},
        cwd=tmp_path,
        check=True,
        timeout=150,
    )
    expected = json.loads(result.read_text(encoding="utf-8"))
    got = outputs(articles)

    assert all(file.endswith(".py") for file in expected["modules"].values()), expected["modules"]
    assert all(Path(file).is_relative_to(pure) for file in expected["modules"].values())
    compiled = {name: file for name, file in got["modules"].items() if name != "nlp"}
    assert all(_is_compiled(sys.modules[name]) for name in compiled), got["modules"]
    # Where mypyc says a module lives decides where its data files are looked for.
    assert all(Path(file).parent == REPO / "nlp" for file in compiled.values()), compiled
    assert got["patterns"] == expected["patterns"]
    assert len(got["lines"]) == len(expected["lines"]) == 3 * len(articles)
    pairs = zip(got["lines"], expected["lines"], strict=True)
    differ = [i for i, (mine, theirs) in enumerate(pairs) if mine != theirs]
    first = differ[0] if differ else 0
    assert not differ, (
        f"{len(differ)} outputs differ; article {first // 3}: {articles[first // 3]!r}\n"
        f"compiled: {got['lines'][first]}\npure:     {expected['lines'][first]}"
    )


def _pickled(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value))


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy, _pickled])
def test_the_frozen_data_types_copy_and_pickle(duplicate: Any) -> None:
    document = nlp.prepare("Ufficiale", "Bellandi alla Fiorentina.")
    mention = Mention("M. Bellandi", "player", "Torino", "Fiorentina", "loan", "official", 1e6, "")
    for value in (document, document.sentences[0], mention):
        assert duplicate(value) == value


def _file(path: Path, mtime: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    os.utime(path, (mtime, mtime))
    return path


def _checkout(root: Path, source: float, shim: float, shared: float) -> Path:
    """A checkout with one compiled module, `nlp/segment`: its source, its shim and
    the shared library dated as given."""
    _file(root / "pyproject.toml", 0)
    _file(root / "nlp" / "segment.py", source)
    _file(root / "nlp" / f"segment{EXT}", shim)
    _file(root / f"nlp__mypyc{EXT}", shared)
    return root / "nlp"


def test_compiled_modules_newer_than_their_sources_pass(tmp_path: Path) -> None:
    assert stale_compiled_modules(_checkout(tmp_path, source=100, shim=200, shared=200)) == []


def test_a_source_edited_after_the_build_is_named(tmp_path: Path) -> None:
    package = _checkout(tmp_path, source=300, shim=200, shared=200)
    (problem,) = stale_compiled_modules(package)
    assert problem == f"{package / 'segment.py'} is newer than its compiled module segment{EXT}"


def test_a_shared_library_older_than_a_source_counts_as_stale(tmp_path: Path) -> None:
    package = _checkout(tmp_path, source=300, shim=400, shared=200)
    (problem,) = stale_compiled_modules(package)
    assert problem.endswith(f"segment.py is newer than its compiled module nlp__mypyc{EXT}")


def test_a_compiled_module_whose_source_is_gone_is_named(tmp_path: Path) -> None:
    package = _checkout(tmp_path, source=100, shim=200, shared=200)
    _file(package / f"people{EXT}", 200)
    assert stale_compiled_modules(package) == [
        f"{package / f'people{EXT}'} has no people.py beside it"
    ]


def test_installed_packages_are_not_checked(tmp_path: Path) -> None:
    # pip dates a wheel's files by the order it unpacks them in, .so before .py.
    package = _checkout(tmp_path, source=300, shim=200, shared=200)
    (tmp_path / "pyproject.toml").unlink()
    assert stale_compiled_modules(package) == []


def test_importing_nlp_with_a_stale_compiled_module_fails_and_says_what_to_do(
    tmp_path: Path,
) -> None:
    shutil.copytree(
        REPO / "nlp", tmp_path / "nlp", ignore=shutil.ignore_patterns("*.so", "__pycache__")
    )
    _file(tmp_path / "pyproject.toml", 0)
    # Not a loadable module either: without the check, importing it fails another way.
    stale = _file(tmp_path / "nlp" / f"segment{EXT}", 0)
    run = subprocess.run(
        [sys.executable, "-c", "import nlp"],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    last = run.stderr.strip().splitlines()[-3:]
    assert last[0].startswith("ImportError: compiled nlp modules do not match their sources")
    assert (
        last[1].strip()
        == f"{tmp_path / 'nlp' / 'segment.py'} is newer than its compiled module {stale.name}"
    )
    assert "make compile" in last[2] and "make uncompile" in last[2]
