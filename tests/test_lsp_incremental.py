"""The editor's piecewise parse (``convlint.lsp.incremental``) reads every file exactly as the
command line's whole-file parse does: same models, shapes, spans and diagnostics, before and
after edits that move lines, with the unchanged statements' work reused."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from convlint.config import Config
from convlint.frontend import FrontendOptions, analyze_source
from convlint.frontend.python.split import split
from convlint.lsp.incremental import ChunkedParser, ChunkedPositions
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.py"))


def _checker() -> Checker:
    pm = make_plugin_manager(())
    return Checker(Config(root=str(ROOT)), collect_rules(pm), make_catalogue(pm), fixes=False)


def _facts(outcome: Any) -> Tuple[List[Any], List[Any]]:
    """Everything a report shows of a file, positions included."""
    models = [
        (m.model.name, m.model.span, m.total_params, [(n.name, n.span, str(getattr(n, "output", ""))) for n in m.model.nodes])
        for m in outcome.models
    ]
    diagnostics = [(d.code, d.line, d.column, d.end_line, d.end_column, d.message) for d in outcome.diagnostics]
    return models, diagnostics


def _both(checker: Checker, parser: ChunkedParser, path: str, text: str) -> None:
    """Whole-file reading, then the editor's: piecewise, with the models' results kept (a second
    reading of the same text takes every model from the memo)."""
    checker.parse, checker.memo = None, None
    whole = _facts(checker.check_text(path, text))
    checker.parse, checker.memo = parser, OrderedDict()
    assert _facts(checker.check_text(path, text)) == whole
    assert _facts(checker.check_text(path, text)) == whole


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_every_fixture_reads_the_same_piecewise(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    checker, parser = _checker(), ChunkedParser()
    _both(checker, parser, str(path), text)
    # lines typed above everything: every piece below is reused, its positions moved
    moved = "# a comment typed at the top\n\n" + text
    _both(checker, parser, str(path), moved)
    if (split(text) or [None]) and len(split(text) or []) > 1:
        assert parser.hits > 0


def test_the_assembled_module_prints_the_source_and_positions_are_piecewise() -> None:
    text = (ROOT / "fixtures" / "torch" / "lenet_bad_fc.py").read_text()
    parser = ChunkedParser()
    assert parser.refusal(text) is None
    module = parser(text)
    assert module.code == text
    positions = parser.positions(module, text)
    assert isinstance(positions, ChunkedPositions)
    # a module the parser did not make gets an ordinary index
    import libcst as cst

    other = cst.parse_module(text)
    assert not isinstance(parser.positions(other, text), ChunkedPositions)


def test_only_the_edited_statement_is_parsed_again() -> None:
    head = "import torch.nn as nn\n\n\n"
    classes = [f"class Net{i}(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear({i + 1}, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n\n\n" for i in range(5)]
    parser = ChunkedParser()
    result = analyze_source(head + "".join(classes), "m.py", FrontendOptions(parse=parser))
    assert parser.misses == 6
    classes[2] = classes[2].replace("Linear(3, 2)", "Linear(3, 4)")
    edited = analyze_source(head + "# typed\n" + "".join(classes), "m.py", FrontendOptions(parse=parser))
    assert parser.misses == 8  # the edited class, and the first class (the comment typed above it is its own)
    assert len(edited.models) == len(result.models) == 5
    lines = [m.span.line for m in edited.models]
    assert lines == [m.span.line + 1 for m in result.models]


@pytest.mark.parametrize(
    "text",
    [
        "import torch\nx = (" + "-" * 3000 + "1)\nclass A: pass\n",  # too deep for Python's parser: read whole
        "import torch\ny = 1\nx = (" + "-" * 1500 + "1)\nclass A: pass\n",  # measured piecewise, refused
        "import torch\ny = 1\nx = (\nclass A: pass\n",  # a syntax error: read whole, reported as usual
        "import torch\ny = 1\n\tx = 2\n",  # bad indentation
    ],
)
def test_refusals_and_syntax_errors_read_as_on_the_command_line(text: str) -> None:
    checker, parser = _checker(), ChunkedParser()
    _both(checker, parser, "bad.py", text)
    assert _facts(checker.check_text("bad.py", text))[1]  # a diagnostic says why


def test_a_deep_statement_is_refused_from_its_piece() -> None:
    parser = ChunkedParser()
    refused = parser.refusal("import torch\ny = 1\nx = (" + "-" * 1500 + "1)\nclass A: pass\n")
    assert refused is not None and refused.kind == "resource-limit" and refused.line == 3
    assert parser.misses == 4  # every statement parsed alone: the whole text never was


def test_an_edit_rechecks_only_the_model_it_changed() -> None:
    head = "import torch.nn as nn\n\n\n"
    classes = [f"class Net{i}(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear({i + 1}, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n\n\n" for i in range(3)]
    checker, parser = _checker(), ChunkedParser()
    checker.parse, checker.memo = parser, OrderedDict()
    before = checker.check_text("m.py", head + "".join(classes)).models
    classes[1] = classes[1].replace("Linear(2, 2)", "Linear(2, 5)")
    after = checker.check_text("m.py", head + "".join(classes)).models
    assert [a is b for a, b in zip(before, after)] == [True, False, True]  # the same results, not checked again
    assert [m.total_params for m in after] == [4, 15, 8]
