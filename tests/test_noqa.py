"""``# noqa`` comments silence diagnostics on their line only."""

from __future__ import annotations

from convlint.config import Config
from convlint.noqa import suppressions
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
