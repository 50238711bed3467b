"""Inputs for the fuzz tests (``tests/test_fuzz.py``) and the longer campaign
(``scripts/fuzz.py``): random Python programs from hypothesmith, run by the interpreter as
model code, and the shipped fixtures mutated (numbers, names, deleted and repeated lines,
nesting).  :func:`check` is the property: convlint never crashes on them and always writes a
valid JSON report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(str(p) for p in (ROOT / "fixtures").rglob("*.py"))
HEADER = "import torch\nimport torch.nn as nn\nimport keras\nfrom keras import layers\n"
"""Put before a generated program so both front ends run it (names still resolve normally)."""

_NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")
_NAME = re.compile(r"\b[A-Za-z_]\w*\b")
_ASSIGNMENT = re.compile(r"^(\s*[\w.]+\s*=\s*)(.+)$")
_NUMBERS = st.one_of(st.sampled_from([0, 1, 2, 3, 7, 64, 10**6, 2**31, 10**30]), st.integers(-5, 4096))
_NESTINGS = st.sampled_from(["(", "-", "not ", "[", "~", "lambda: "])


def programs() -> st.SearchStrategy[str]:
    """Syntactically valid Python from the grammar, with the frameworks imported."""
    import hypothesmith

    return hypothesmith.from_grammar().map(lambda program: HEADER + program)


@st.composite
def mutated_fixtures(draw: Any) -> str:
    """A fixture with one to four mutations: a number changed, a name changed, a line deleted
    or repeated, an expression nested (up to 3,000 deep: past what the parser takes)."""
    lines = Path(draw(st.sampled_from(FIXTURES))).read_text().splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["number", "name", "delete", "repeat", "nest"]))
        line = lines[at]
        if kind == "number" and _NUMBER.search(line):
            spans = [m.span() for m in _NUMBER.finditer(line)]
            start, end = draw(st.sampled_from(spans))
            lines[at] = line[:start] + str(draw(_NUMBERS)) + line[end:]
        elif kind == "name" and _NAME.search(line):
            names = sorted({m.group() for m in _NAME.finditer("".join(lines))})
            old = draw(st.sampled_from(sorted({m.group() for m in _NAME.finditer(line)})))
            new = draw(st.one_of(st.sampled_from(names), st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)))
            lines[at] = re.sub(rf"\b{re.escape(old)}\b", new, line)
        elif kind == "delete":
            del lines[at]
        elif kind == "repeat":
            lines.insert(at, line)
        elif kind == "nest":
            match = _ASSIGNMENT.match(line.rstrip("\n"))
            if match:
                opener = draw(_NESTINGS)
                depth = draw(st.sampled_from([1, 2, 10, 300, 3_000]))
                closer = {"(": ")", "[": "]"}.get(opener, "")
                lines[at] = match.group(1) + opener * depth + match.group(2) + closer * depth + "\n"
    return "".join(lines)


def check(source: str, path: str = "fuzz.py") -> Dict[str, Any]:
    """Check ``source`` as a file and render the JSON report: it must not crash or report an
    internal error, and the JSON must parse and follow the report schema."""
    import jsonschema

    from convlint.config import parse_config
    from convlint.output import RenderContext
    from convlint.output.json_report import render
    from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
    from convlint.runner import Checker, build_report

    global _CHECKER, _SCHEMA
    if _CHECKER is None:
        pm = make_plugin_manager()
        _CHECKER = Checker(parse_config({}), collect_rules(pm), make_catalogue(pm))
        _SCHEMA = json.loads((ROOT / "convlint" / "report.schema.json").read_text())
    outcome = _CHECKER.check_source(path, source)
    internal = [d for d in outcome.diagnostics if d.code == "CL999"]
    assert not internal and not outcome.internal_error, internal
    report = json.loads(render(build_report(1, [outcome]), RenderContext()))
    jsonschema.validate(report, _SCHEMA)
    return report


_CHECKER: Any = None
_SCHEMA: Any = None
