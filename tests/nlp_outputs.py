"""Everything the extractor outputs for a list of articles, as text to compare byte for byte.

tests/unit/test_compiled.py calls `outputs` on the compiled extractor in its own
process, and runs this file as a script on a pure-Python copy of `nlp` (put first
on PYTHONPATH) for the other side:

    PYTHONPATH=/copy python tests/nlp_outputs.py INPUTS.json OUTPUTS.json

INPUTS.json is a list of {"title", "text"} objects.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any


def _pattern(value: object) -> str:
    """The regex source(s) behind a pattern field: a TailPattern's forward and reversed ones."""
    from nlp.tailpattern import TailPattern

    if isinstance(value, TailPattern):
        backward = getattr(getattr(value.search_reversed, "__self__", None), "pattern", None)
        return f"{value.forward.pattern} <- {backward or '(forward search)'}"
    if isinstance(value, re.Pattern):
        return str(value.pattern)
    return repr(value)


def outputs(articles: list[dict[str, str]]) -> dict[str, Any]:
    """For each article the events (repr and JSON) and the prepared document (repr); the
    compiled patterns of both languages; where every `nlp` module was loaded from."""
    import nlp
    from nlp import people
    from nlp.patterns import patterns_for

    lines = []
    for article in articles:
        title, text = article["title"], article["text"]
        events = nlp.extract_article(title, text)
        lines.append(repr(events))
        lines.append(json.dumps([event.to_dict() for event in events], ensure_ascii=False))
        lines.append(repr(nlp.prepare(title, text)))
    patterns = {}
    for lang in ("it", "en"):
        compiled = patterns_for(lang)
        assert compiled is not None
        for field in dataclasses.fields(compiled):
            patterns[f"{lang}.{field.name}"] = _pattern(getattr(compiled, field.name))
    patterns["people._PLACE_BEFORE"] = _pattern(people._PLACE_BEFORE)
    patterns["people._PLACE_AT_START"] = _pattern(people._PLACE_AT_START)
    modules = {
        name: str(getattr(module, "__file__", ""))
        for name, module in sorted(sys.modules.items())
        if name == "nlp" or name.startswith("nlp.")
    }
    return {"lines": lines, "patterns": patterns, "modules": modules}


def main(argv: list[str]) -> int:
    inputs, result = (Path(arg) for arg in argv)
    articles = json.loads(inputs.read_text(encoding="utf-8"))
    result.write_text(json.dumps(outputs(articles), ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
