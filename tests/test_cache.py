"""The results cache holds data, never code: JSON entries, and anything else is a miss."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from convlint.cache import Cache
from convlint.cli import main
from convlint.config import Config
from convlint.diagnostics import Report
from convlint.graph import Unknown
from convlint.outcome_json import FORMAT, decode, dumps, encode, loads
from convlint.output import RenderContext
from convlint.plugins import collect_formats, collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker, FileOutcome, _portable, build_report

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.py"))
PM = make_plugin_manager()
RULES = collect_rules(PM)
FORMATS = collect_formats(PM)
CHECKER = Checker(Config(), RULES, make_catalogue(PM))

MODEL = """\
import torch
from torch import nn

net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(4, 8, 3), nn.Flatten(), nn.Linear(8 * 28 * 28, 10))
net(torch.randn(1, 3, 32, 32))
"""


def _rendered(outcome: FileOutcome) -> list:
    report = build_report(1, [outcome])
    context = RenderContext(rules=RULES, summary=True, version="test")
    return [FORMATS[name](report, context) for name in ("text", "json", "sarif")]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_every_fixture_outcome_survives_the_round_trip(path):
    outcome = _portable(CHECKER.check_bytes(str(path), path.read_bytes()))
    back = loads(dumps(outcome, "k"), "k")
    assert back == outcome
    assert _rendered(back) == _rendered(outcome)
    # objects shared in the fresh outcome are shared after decoding too
    for shaped in back.models:
        nodes = {id(n) for n in shaped.model.nodes}
        assert all(id(r.node) in nodes for r in shaped.layers)


def test_values_of_every_kind():
    from convlint.dims import sym

    h = sym("H")
    value = [None, True, 3, -2.5, float("inf"), "s", (1, (2,)), {"a": 1, 2: (3,), (4, 5): [6]}, (h + 1) // 2 * 3, Unknown("why")]
    assert decode(json.loads(json.dumps(encode(value), allow_nan=False))) == value


def test_a_front_end_kind_of_unknown_is_stored_as_an_unknown_with_its_reason():
    from convlint.frontend.python.values import FreeParam

    assert decode(encode(FreeParam("n is a parameter", name="n"))) == Unknown("n is a parameter")


def test_anything_else_cannot_be_encoded():
    with pytest.raises(TypeError, match="cannot cache a builtins.set"):
        encode({"a": {1, 2}})
    with pytest.raises(TypeError, match="cannot cache a pathlib"):
        encode([Path("x")])


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[]",
        '{"format": "convlint-outcome/0", "key": "k", "outcome": null}',
        '{"format": "%s", "key": "other", "outcome": null}' % FORMAT,  # written under another key
        '{"format": "%s", "key": "k", "outcome": {"$": "os.system", "v": "touch x"}}' % FORMAT,
        '{"format": "%s", "key": "k", "outcome": {"$": "Span", "f": [NaN, 1, null, null]}}' % FORMAT,
        '{"format": "%s", "key": "k", "outcome": {"$": "Span", "f": [1]}}' % FORMAT,  # missing fields
        '{"format": "%s", "key": "k", "outcome": {"$": "Span", "f": [1, 1, null, null, 2]}}' % FORMAT,
        '{"format": "%s", "key": "k", "outcome": {"$": "Span", "f": [1, 1, null, null]}}' % FORMAT,  # not an outcome
        '{"format": "%s", "key": "k", "outcome": {"$": "ref", "#": 0}}' % FORMAT,
        '{"format": "%s", "key": "k", "outcome": {"$": "Span", "f": [1, 1, null, null], "g": 1}}' % FORMAT,
        '{"format": "%s", "key": "k", "outcome": {"$": "FileOutcome", "f": "x.py"}}' % FORMAT,
        '{"format": "%s", "key": "k", "outcome": {"$": "Expr", "terms": [], "const": "1"}}' % FORMAT,
        '{"format": "%s", "key": "k", "outcome": {"$": "float", "v": "__import__(\'os\')"}}' % FORMAT,
    ],
)
def test_malformed_or_foreign_entries_do_not_decode(text):
    with pytest.raises(ValueError):
        loads(text, "k")


def _entries(cache_dir: Path) -> list:
    return sorted(p for p in cache_dir.rglob("*") if p.is_file() and p.name != ".gitignore")


class _Plant:
    """Unpickling this creates ``marker``: what a planted pickle could do."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_planted_pickle_runs_no_code_and_the_result_is_right(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.py").write_text(MODEL)
    assert main(["net.py", "--format", "json"]) == 1
    first = capsys.readouterr().out
    (entry,) = _entries(tmp_path / ".convlint_cache")
    assert json.loads(entry.read_text())["format"] == FORMAT  # plain JSON
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Plant(str(marker)))
    pickle.loads(payload)  # the payload works: unpickling it does create the file
    assert marker.exists()
    marker.unlink()

    entry.write_bytes(payload)
    assert main(["net.py", "--format", "json"]) == 1
    assert capsys.readouterr().out == first
    assert not marker.exists()
    assert json.loads(entry.read_text())["format"] == FORMAT  # the miss was checked and written again


def test_broken_entries_are_misses(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.py").write_text(MODEL)
    (tmp_path / "other.py").write_text(MODEL.replace("Conv2d(4, 8, 3)", "Conv2d(8, 8, 3)"))
    assert main(["."]) == 1
    first = capsys.readouterr().out
    entries = _entries(tmp_path / ".convlint_cache")
    assert len(entries) == 2
    good = entries[0].read_text()
    for broken in (good[: len(good) // 2], good.replace(FORMAT, "convlint-outcome/9"), entries[1].read_text()):
        entries[0].write_text(broken)  # truncated, another format, another file's entry
        assert main(["."]) == 1
        assert capsys.readouterr().out == first
    entries[0].unlink()
    os.mkfifo(entries[0])  # must not block the run
    assert main(["."]) == 1
    assert capsys.readouterr().out == first


def test_an_outcome_that_cannot_be_encoded_is_not_cached(tmp_path):
    cache = Cache(str(tmp_path / "c"), "salt")
    outcome = FileOutcome("x.py", models=[{1, 2}])
    cache.put("ab" * 32, outcome)
    assert cache.get("ab" * 32) is None
    assert _entries(tmp_path) == []  # not even a temporary file left behind
    cache.put("cd" * 32, FileOutcome("y.py"))
    assert cache.get("cd" * 32) == FileOutcome("y.py")


def test_report_of_cached_outcomes_equals_fresh(tmp_path):
    cache = Cache(str(tmp_path), "salt")
    fresh = [_portable(CHECKER.check_bytes(str(p), p.read_bytes())) for p in FIXTURES]
    for i, outcome in enumerate(fresh):
        cache.put(f"{i:064x}", outcome)
    cached = [cache.get(f"{i:064x}") for i in range(len(fresh))]
    context = RenderContext(rules=RULES, summary=True, version="test")
    for name in ("text", "json", "sarif"):
        assert FORMATS[name](build_report(len(fresh), cached), context) == FORMATS[name](build_report(len(fresh), fresh), context)
    assert isinstance(build_report(0, []), Report)


def test_fixes_and_costs_survive_the_round_trip():
    """What ``--fix`` and the cost figures read comes back from the cache as it was made."""
    from convlint.edits import KEEP, Edit, Fix, InsertLayerBefore, RenameArgument, SetArgument

    fix = Fix("use 400", edits=(Edit(3, 5, 3, 8, "400"),), changes=(SetArgument("in_features", 400, 0, "16 * 5 * 5"),
                                                                     RenameArgument("a", "b", KEEP), InsertLayerBefore("Flatten")))
    back = decode(json.loads(json.dumps(encode(fix))))
    assert back == fix and back.changes == fix.changes and back.changes[1].value is KEEP
    costs = [m.cost for p in FIXTURES for m in CHECKER.check_bytes(str(p), p.read_bytes()).models if getattr(m, "cost", None)]
    assert costs and all(decode(json.loads(json.dumps(encode(c)))) == c for c in costs)
