"""``# noqa`` comments silence diagnostics on their line only."""

from __future__ import annotations

import pytest

from convlint.config import Config
from convlint.noqa import suppressions
from convlint.source_lines import split_lines
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker

SOURCE = """\
import torch
from torch import nn

model = nn.Sequential(
    nn.Conv2d(3, 8, 3),
    nn.Conv2d(4, 8, 3),{comment}
)
model(torch.randn(1, 3, 32, 32))
"""


def codes(comment: str):
    pm = make_plugin_manager()
    checker = Checker(Config(), collect_rules(pm), make_catalogue(pm))
    outcome = checker.check_source("m.py", SOURCE.format(comment=comment))
    return [(d.code, d.line) for d in outcome.diagnostics]


def test_without_noqa_the_error_is_reported():
    assert ("CL103", 6) in codes("")


def test_bare_noqa_silences_the_line():
    assert ("CL103", 6) not in codes("  # noqa")


def test_noqa_with_the_code_or_its_prefix():
    assert ("CL103", 6) not in codes("  # noqa: CL103")
    assert ("CL103", 6) not in codes("  # NOQA:CL1")


def test_noqa_for_another_code_keeps_it():
    assert ("CL103", 6) in codes("  # noqa: CL302, E501")


def test_suppressions_parse():
    assert suppressions("x = 1  # noqa\ny = 2  # noqa: CL101,CL2\nz = 3\n") == {1: None, 2: frozenset({"CL101", "CL2"})}


# -- lines as Python counts them ------------------------------------------------------------
# Python ends a line only at \n, \r\n or \r; str.splitlines() also breaks at these, which may
# stand in a valid file (a form feed between sections, the others inside comments or strings).
OTHER_BREAKS = ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def with_break_before(ch: str, comment: str) -> str:
    return SOURCE.replace("import torch\n", f"# section{ch}two\nimport torch\n", 1).format(comment=comment)


def codes_of(source: str):
    pm = make_plugin_manager()
    checker = Checker(Config(), collect_rules(pm), make_catalogue(pm))
    return [(d.code, d.line) for d in checker.check_source("m.py", source).diagnostics]


@pytest.mark.parametrize("ch", OTHER_BREAKS, ids=[f"U+{ord(c):04X}" for c in OTHER_BREAKS])
def test_noqa_after_a_non_python_line_break(ch):
    assert ("CL103", 7) in codes_of(with_break_before(ch, ""))  # the parser's line 7
    assert ("CL103", 7) not in codes_of(with_break_before(ch, "  # noqa: CL103"))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_python_line_breaks_all_count(newline):
    source = SOURCE.format(comment="  # noqa").replace("\n", newline)
    assert codes_of(source) == [] and suppressions(source) == {6: None}


def test_split_lines():
    assert split_lines("a\x0cb\nc\r\nd\re\u2028f\n") == ["a\x0cb", "c", "d", "e\u2028f"]
    assert split_lines("a\nb") == ["a", "b"] and split_lines("") == [] and split_lines("\n") == [""]
    assert split_lines("x\x0c\n\n") == ["x\x0c", ""]


def test_input_shape_comment_after_a_form_feed():
    """The front ends read ``# convlint: input-shape=`` above a class by line number."""
    source = (
        "import torch\nfrom torch import nn\n\x0c\n"
        "# part two\x0c\n"
        "# convlint: input-shape=(3, 8, 8)\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv2d(3, 4, 3)\n"
        "        self.fc = nn.Linear(5, 2)\n"
        "    def forward(self, x):\n"
        "        return self.fc(torch.flatten(self.conv(x), 1))\n"
    )
    found = codes_of(source)
    assert ("CL103", 12) in found and not any(code == "CL904" for code, _ in found)  # the comment was read (error at the application)


def test_columns_after_a_form_feed():
    """ast gives byte columns; they are turned into characters with the text of the same line."""
    line = 'model = nn.Sequential(OrderedDict([("é", nn.Conv2d(3, 8, 3)), ("ü", nn.Conv2d(4, 8, 3))]))'
    source = f"import torch\nfrom collections import OrderedDict\nfrom torch import nn\n\x0c\n{line}\nmodel(torch.randn(1, 3, 32, 32))\n"
    pm = make_plugin_manager()
    checker = Checker(Config(), collect_rules(pm), make_catalogue(pm))
    (d,) = [d for d in checker.check_source("m.py", source).diagnostics if d.code == "CL103"]
    assert (d.line, d.column) == (5, line.index("nn.Conv2d(4") + 1)


def test_notebook_cell_lines_after_a_form_feed():
    """A notebook cell's lines are the ones Jupyter shows (a form feed does not start one)."""
    import json

    from convlint.notebook import notebook_source

    cell = SOURCE.format(comment="").replace("import torch\n", "# section\x0ctwo\nimport torch\n", 1)
    doc = {"cells": [{"cell_type": "code", "source": cell.splitlines(keepends=True)}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    nb = notebook_source(json.dumps(doc))
    assert nb.locate(7) == (1, 7)
    assert nb.source == cell

APPLIED_ELSEWHERE = """\
import torch
from torch import nn

fc = nn.Linear(1024, 512){at_constructor}
y = fc(torch.rand(10, 1023)){at_application}
"""


def _applied(at_constructor: str = "", at_application: str = ""):
    pm = make_plugin_manager()
    checker = Checker(Config(), collect_rules(pm), make_catalogue(pm))
    source = APPLIED_ELSEWHERE.format(at_constructor=at_constructor, at_application=at_application)
    return [(d.code, d.line, [r.line for r in d.related]) for d in checker.check_source("m.py", source).diagnostics]


def test_an_error_at_the_application_names_the_constructor():
    assert _applied() == [("CL103", 5, [4])]


def test_noqa_applies_on_the_reported_line_only_as_in_ruff():
    # the diagnostic is on the application (where PyTorch raises): that line's noqa silences it...
    assert _applied(at_application="  # noqa: CL103") == []
    # ...and one on the constructor, a related location, does not (ruff matches a noqa comment
    # against the line a diagnostic is reported on, never against other locations)
    assert _applied(at_constructor="  # noqa: CL103") == [("CL103", 5, [4])]
