"""Big files are made cheap, not skipped: split at top-level statements, the statements that
can matter parsed, line numbers those of the file (issue 9)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from convlint import reduce as reducing
from convlint.relevant import relevant
from convlint.config import parse_config
from convlint.frontend.python.split import split
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker

PM = make_plugin_manager()
RULES = collect_rules(PM)
CATALOGUE = make_catalogue(PM)
LENET = (Path(__file__).parent.parent / "fixtures" / "torch" / "lenet_bad_fc.py").read_text()


def checker() -> Checker:
    return Checker(parse_config({}), RULES, CATALOGUE)


def starts(source: str) -> list:
    chunks = split(source)
    assert chunks is not None
    assert "".join(source[c.start:c.end] for c in chunks) == source
    for c in chunks:  # each chunk's line is the line its text starts on
        assert source.count("\n", 0, c.start) + 1 == c.line
    return [c.line for c in chunks]


# -- the split ---------------------------------------------------------------------------------
def test_split_at_top_level_statements_only():
    source = '''\
"""doc
x = 1 inside a docstring
"""
import os
a = (1,
2)
b = [
x for x in y]
c = 1 + \\
  2
s = 'a # not a comment ( '
t = """
def f(): inside a string
"""
# convlint: input-shape=(3, 32, 32)
@decorator(
    arg)
# a comment between decorator and def
class A:
    x = 1
if a:
    pass
elif b:
    pass
else:
    pass
try:
    pass
except E:
    pass
finally:
    pass

def g(): return {
'k': 1}
'''
    assert starts(source) == [1, 4, 5, 7, 9, 11, 12, 15, 21, 27, 34]


def test_split_handles_other_line_ends_and_is_unsure_rather_than_wrong():
    assert starts("a = 1\r\nb = (\r\n 2)\r\nc = 3\r\n") == [1, 2, 4]
    assert split("a = '''never closed\nb = 1\n") is None
    assert split("a = (1,\nb = 2\n") is None
    assert split("a = 1)\nb = 2\n") is None
    assert starts("x = 1\n\xe9t\xe9 = 2\n") == [1]  # a non-ASCII name joins the chunk before: safe


def test_split_agrees_with_python_on_this_project():
    """Every chunk starts at a statement ``ast`` sees at the top level, and every such
    statement that starts with a name, a keyword or a decorator starts a chunk."""
    root = Path(__file__).parent.parent / "convlint"
    for path in sorted(root.rglob("*.py")):
        source = path.read_text()
        tree = ast.parse(source)
        lines = source.splitlines()
        expected = set()
        for node in tree.body:
            first = node.decorator_list[0].lineno if getattr(node, "decorator_list", None) else node.lineno
            if lines[first - 1][:1].isalpha() or lines[first - 1][:1] in "_@":
                expected.add(first)
        got = set()
        for line in starts(source)[1:]:
            while lines[line - 1].startswith("#"):
                line += 1
            got.add(line)
        assert got == expected - {min(expected, default=0)} or got == expected, path


# -- what is kept ------------------------------------------------------------------------------
def kept_text(source: str) -> str:
    chunks = split(source)
    keep = relevant(source, chunks, reducing.READ_CHARS)
    return "".join(source[c.start:c.end] for i, c in enumerate(chunks) if i in keep)


def test_kept_statements_are_the_models_and_what_they_use():
    source = '''\
import torch
import torch.nn as nn

WIDTH = 16
UNUSED = 3


def helper(c):
    return nn.Conv2d(c, WIDTH, 3)


def unrelated(x):
    return x * 2


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = helper(3)

    def forward(self, x):
        return self.conv(x)


net = Net()
net.eval()
print(unrelated(2))
net(torch.randn(1, 3, 8, 8))
'''
    kept = kept_text(source)
    for wanted in ("import torch\n", "WIDTH = 16", "def helper", "class Net", "net = Net()", "net.eval()", "net(torch.randn"):
        assert wanted in kept, wanted
    for dropped in ("UNUSED", "def unrelated", "print("):
        assert dropped not in kept, dropped


def test_keras_add_chain_keeps_every_add():
    source = "import keras\nfrom keras import layers\nmodel = keras.Sequential()\nmodel.add(layers.Activation('relu'))\nother = 1\n"
    kept = kept_text(source)
    assert "model.add(layers.Activation" in kept and "other" not in kept


# -- end to end ----------------------------------------------------------------------------------
def big_file(model: str, before: int, after: int) -> str:
    def filler(start: int, size: int) -> str:
        out, i = [], start
        while size > 0:
            out.append(f"def f{i}(x):\n    return x * {i}\n\n\n")
            size -= len(out[-1])
            i += 1
        return "".join(out)

    return filler(0, before) + model + "\n\n" + filler(10**6, after)


def test_a_big_file_is_reduced_and_its_error_reported_at_its_own_line():
    source = big_file(LENET, 150_000, 150_000)
    assert len(source) > reducing.READ_CHARS
    outcome = checker().check_source("big.py", source)
    lines = source.splitlines()
    fc1 = next(i for i, line in enumerate(lines, 1) if "self.fc1 =" in line)
    applied = next(i for i, line in enumerate(lines, 1) if "self.fc1(" in line)  # where PyTorch raises
    found = sorted((d.line, d.code, d.message) for d in outcome.diagnostics)
    assert [(line, code) for line, code, _ in found] == [(1, "CL909"), (applied, "CL103")]
    assert [r.line for d in outcome.diagnostics for r in d.related] == [fc1]  # where it is defined, mapped back too
    assert "read only the 5 of its" in found[0][2]
    (model,) = outcome.models
    (alone,) = checker().check_source("lenet.py", LENET).models
    offset = next(i for i, line in enumerate(lines) if line.startswith('"""LeNet'))
    assert model.model.span == dataclasses.replace(alone.model.span, line=alone.model.span.line + offset,
                                                   end_line=alone.model.span.end_line + offset)
    assert [r.node.span.line for r in model.layers] == [r.node.span.line + offset for r in alone.layers]
    assert [r.output_shape for r in model.layers] == [r.output_shape for r in alone.layers]


def test_past_the_reading_budget_models_are_reported_incomplete(monkeypatch):
    monkeypatch.setattr(reducing, "READ_CHARS", 2_000)
    head = ("import keras\nfrom keras import layers\n\nmodel = keras.Sequential([keras.Input((28, 28, 1))])\n"
            "model.add(layers.Flatten())\nmodel.add(layers.Conv2D(8, 3))\n")
    source = head + "model.add(layers.Dense(16))\n" * 300
    outcome = checker().check_source("chain.py", source)
    found = {d.code: d for d in outcome.diagnostics}
    assert found["CL102"].line == 6  # the error before the budget ran out is reported
    assert "reading budget" in found["CL902"].message  # the model says what it may lack
    stop = found["CL909"]
    assert "from line" in stop.message and source.splitlines()[stop.line - 1] == "model.add(layers.Dense(16))"
    assert len(outcome.models) == 1


def test_a_statement_bigger_than_the_budget_is_not_read_and_said(monkeypatch):
    monkeypatch.setattr(reducing, "READ_CHARS", 2_000)
    source = "import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n" + "    layers.Dense(16),\n" * 200 + "])\n"
    outcome = checker().check_source("seq.py", source)
    assert [(d.code, d.line) for d in outcome.diagnostics] == [("CL909", 4)]
    assert outcome.models == []


def test_a_big_file_that_cannot_be_split_is_said(monkeypatch):
    monkeypatch.setattr(reducing, "READ_CHARS", 100)
    monkeypatch.setattr(reducing, "MAX_WHOLE", 1_000)
    source = "import torch.nn as nn\nx = nn.Linear(3, 3)\n" * 40 + "s = '''never closed\n"
    outcome = checker().check_source("odd.py", source)
    assert [d.code for d in outcome.diagnostics] == ["CL909"] and "cannot split" in outcome.diagnostics[0].message


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_numbers_map_back_through_dropped_statements(newline):
    source = big_file(LENET, 210_000, 10).replace("\n", newline)
    outcome = checker().check_source("big.py", source)
    fc1 = next(i for i, line in enumerate(source.splitlines(), 1) if "self.fc1(" in line)  # the application
    assert ("CL103", fc1) in [(d.code, d.line) for d in outcome.diagnostics]
