"""Fixes: proposed by rules, located with libcst, checked by re-analysis, applied by --fix.

Every fixable code has broken files in ``tests/data/fix/broken`` and their exact fixed form in
``tests/data/fix/fixed`` (``tests/test_oracle_fix.py`` builds and runs both in the real
frameworks); ``tests/data/fix/nofix`` holds findings that must carry no fix.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Dict, List

import jsonschema
import pytest

from convlint import autofix
from convlint.cli import main
from convlint.config import Config
from convlint.diagnostics import Diagnostic
from convlint.edits import Edit, Fix, RemoveArgument, RenameArgument, RenameCallee, SetArgument
from convlint.fix import NoFix, SourceIndex, apply_edits, edits_for, resolve_fixes
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker

DATA = Path(__file__).resolve().parent / "data" / "fix"
BROKEN = sorted((DATA / "broken").glob("*.py"))
NOFIX = sorted((DATA / "nofix").glob("*.py"))

EXPECTED: Dict[str, List[tuple]] = {
    # case: [(code, applicability), ...] of the fixes it offers
    "keras_flatten_add": [("CL301", "unsafe")],
    "keras_flatten_functional": [("CL301", "unsafe")],
    "keras_flatten_list": [("CL301", "unsafe")],
    "keras_legacy_classes": [("CL401", "safe")] * 3,
    "keras_legacy_keras2": [("CL401", "safe")] * 2,
    "keras_legacy_kernel": [("CL401", "safe"), ("CL401", "unsafe")],
    "keras_legacy_kernel_runs": [("CL401", "unsafe")] * 2,
    "keras_legacy_keywords": [("CL401", "safe")] * 5,
    "keras_legacy_leaky_relu": [("CL401", "safe")],
    "keras_legacy_merge": [("CL401", "safe")] * 3,
    "keras_keyword_spelling": [("CL107", "unsafe")],
    "torch_keyword_spelling": [("CL107", "unsafe")],
    "keras_padding_same": [("CL101", "unsafe")],
    "torch_batchnorm_num_features": [("CL103", "safe")],
    "torch_conv_in_channels": [("CL103", "safe")],
    "torch_dense_on_feature_map": [("CL301", "unsafe")],
    "torch_flatten_forward": [("CL103", "unsafe"), ("CL301", "unsafe")],
    "torch_flatten_sequential": [("CL103", "unsafe"), ("CL301", "unsafe")],
    "torch_groupnorm_num_channels": [("CL103", "safe")],
    "torch_linear_in_features": [("CL103", "safe")],
    "torch_padding_same": [("CL101", "unsafe")],
}


@pytest.fixture(scope="module")
def checker() -> Checker:
    pm = make_plugin_manager()
    return Checker(Config(), collect_rules(pm), lambda: make_catalogue(pm))


def _needs(path: Path) -> None:
    pytest.importorskip("keras" if path.name.startswith("keras") else "torch")


def test_every_case_has_a_fixed_form_and_an_expectation():
    assert sorted(p.stem for p in BROKEN) == sorted(EXPECTED)
    assert sorted(p.name for p in (DATA / "fixed").glob("*.py")) == sorted(p.name for p in BROKEN)
    # every fix the built-in rules can make is exercised
    assert {code for fixes in EXPECTED.values() for code, _ in fixes} == {"CL101", "CL103", "CL107", "CL301", "CL401"}


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_fixes_offered(path: Path, checker: Checker) -> None:
    outcome = checker.check_bytes(str(path), path.read_bytes())
    offered = sorted((d.code, d.fix.applicability) for d in outcome.diagnostics if d.fix is not None)
    assert offered == EXPECTED[path.stem]
    for d in outcome.diagnostics:
        if d.fix is not None:
            assert d.fix.edits and not d.fix.changes


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_fixed_form_is_exact(path: Path, checker: Checker) -> None:
    outcome = checker.check_bytes(str(path), path.read_bytes())
    (result,) = autofix.fix_report(outcome.diagnostics, checker, unsafe=True)
    assert result.fixed == (DATA / "fixed" / path.name).read_text()
    assert sorted(d.code for d in result.applied) == sorted(code for code, _ in EXPECTED[path.stem])
    again = checker.check_source(str(path), result.fixed)
    assert not [d for d in again.diagnostics if d.code[:3] in ("CL1", "CL3", "CL4") and d.code != "CL302"]


@pytest.mark.parametrize("path", NOFIX, ids=[p.stem for p in NOFIX])
def test_no_fix_where_the_repair_is_not_one(path: Path, checker: Checker) -> None:
    outcome = checker.check_bytes(str(path), path.read_bytes())
    assert outcome.diagnostics, "the case must still be reported"
    assert [d for d in outcome.diagnostics if d.fix is not None] == []


def test_safe_fixes_only_without_unsafe(checker: Checker) -> None:
    path = DATA / "broken" / "torch_flatten_forward.py"
    outcome = checker.check_bytes(str(path), path.read_bytes())
    assert autofix.fix_report(outcome.diagnostics, checker, unsafe=False) == []


# -- the mechanism ----------------------------------------------------------------------------

def _edits(source: str, *changes, callee: str = "Conv2D", line: int = 1, column: int = 5) -> str:
    index = SourceIndex(source)

    class At:
        pass

    at = At()
    at.line, at.column = line, column  # type: ignore[attr-defined]
    fix = Fix.of("test", at, callee, *changes)
    return apply_edits(source, edits_for(index, fix))


def test_set_argument_replaces_only_the_value_token():
    src = "x = Conv2D(16, 3, padding = 'valid' , name='c')  # keep me\n"
    assert _edits(src, SetArgument("padding", "same", 3)) == "x = Conv2D(16, 3, padding = 'same' , name='c')  # keep me\n"


def test_set_argument_positional_and_appended_in_the_call_style():
    assert _edits("x = Conv2D(16, 3, (1, 1), 'valid')\n", SetArgument("padding", "same", 3)) == "x = Conv2D(16, 3, (1, 1), 'same')\n"
    assert _edits("x = Conv2D(16, 3)\n", SetArgument("padding", "same", 3)) == 'x = Conv2D(16, 3, padding="same")\n'
    assert _edits("x = Conv2D()\n", SetArgument("filters", 4, 0)) == "x = Conv2D(filters=4)\n"
    multiline = "x = Conv2D(\n    16,\n    3,  # kernel\n)\n"
    assert _edits(multiline, SetArgument("padding", "same", 3)) == 'x = Conv2D(\n    16,\n    3,  # kernel\n    padding="same",\n)\n'
    assert _edits("x = Conv2D(16, 3, )\n", SetArgument("padding", "same", 3)) == 'x = Conv2D(16, 3, padding="same", )\n'


def test_set_argument_keeps_a_formula_where_the_author_wrote_one():
    assert _edits("x = Linear(16 * 4 * 4, 10)\n", SetArgument("in_features", 400, 0, "16 * 5 * 5"), callee="Linear") == "x = Linear(16 * 5 * 5, 10)\n"
    assert _edits("x = Linear(256, 10)\n", SetArgument("in_features", 400, 0, "16 * 5 * 5"), callee="Linear") == "x = Linear(400, 10)\n"
    # a formula that does not make the value is not written
    assert _edits("x = Linear(16 * 4 * 4, 10)\n", SetArgument("in_features", 400, 0, "16 * 4 * 5"), callee="Linear") == "x = Linear(400, 10)\n"


def test_set_argument_refuses_what_it_cannot_see():
    with pytest.raises(NoFix):
        _edits("x = Conv2D(16, 3, padding=mode)\n", SetArgument("padding", "same", 3))
    with pytest.raises(NoFix):
        _edits("x = Conv2D(16, 3, **opts)\n", SetArgument("padding", "same", 3))
    with pytest.raises(NoFix):
        _edits("x = Conv2D(*args)\n", SetArgument("padding", "same", 3))
    with pytest.raises(NoFix):  # not the layer the fix is about
        _edits("x = block(16, 3)\n", SetArgument("padding", "same", 3))


def test_rename_and_remove_arguments_for_legacy_spellings():
    src = 'y = Conv2D(32, 3, border_mode="valid", subsample=(2, 2),\n           init="he_normal")\n'
    out = _edits(
        src,
        RenameArgument("border_mode", "padding"),
        RenameArgument("subsample", "strides"),
        RenameArgument("init", "kernel_initializer", "he_uniform"),
    )
    assert out == 'y = Conv2D(32, 3, padding="valid", strides=(2, 2),\n           kernel_initializer="he_uniform")\n'
    assert _edits("y = Conv2D(32, 3, dim_ordering='th', padding='same')\n", RemoveArgument("dim_ordering")) == "y = Conv2D(32, 3, padding='same')\n"
    assert _edits("y = Conv2D(32, 3, dim_ordering='th')\n", RemoveArgument("dim_ordering")) == "y = Conv2D(32, 3)\n"
    assert _edits("y = Conv2D(32, 3, dim_ordering='th',)\n", RemoveArgument("dim_ordering")) == "y = Conv2D(32, 3,)\n"
    with pytest.raises(NoFix):  # the new name is already given
        _edits("y = Conv2D(32, 3, padding='same', border_mode='same')\n", RenameArgument("border_mode", "padding"))
    # Keras 1 ``Convolution2D(32, 3, 3, border_mode="same")`` -> ``Conv2D(32, (3, 3), padding="same")``
    legacy = 'y = L.Convolution2D(32, nb_row=3, nb_col=3, border_mode="same")\n'
    out = _edits(
        legacy,
        RenameCallee("Conv2D"),
        RenameArgument("nb_row", "kernel_size", (3, 3)),
        RemoveArgument("nb_col"),
        RenameArgument("border_mode", "padding"),
        callee="Convolution2D",
        column=5,
    )
    assert out == 'y = L.Conv2D(32, kernel_size=(3, 3), padding="same")\n'
    with pytest.raises(NoFix):
        _edits("y = Convolution2D(32, 3, 3)\n", RenameCallee("Conv2D"), callee="Convolution2D")


def test_apply_edits_rejects_overlaps():
    with pytest.raises(ValueError):
        apply_edits("abcdef\n", [Edit(1, 1, 1, 4, "x"), Edit(1, 3, 1, 5, "y")])
    assert apply_edits("abc\r\ndef\n", [Edit(2, 1, 2, 2, "D"), Edit(3, 1, 3, 1, "end\n")]) == "abc\r\nDef\nend\n"


def test_a_fix_that_does_not_work_is_dropped():
    source = "x = Conv2D(16, 3)\n"
    target = Diagnostic("CL101", "error", "m.py", 1, 5, None, None, "too small", fix=Fix.of("pad", type("S", (), {"line": 1, "column": 5})(), "Conv2D", SetArgument("padding", "same", 3)))
    still = Diagnostic("CL101", "error", "m.py", 1, 5, None, None, "still too small")
    kept = resolve_fixes(source, [target], lambda fixed: [])
    assert kept[0].fix is not None and kept[0].fix.edits
    dropped = resolve_fixes(source, [target], lambda fixed: [still])
    assert dropped[0].fix is None
    worse = Diagnostic("CL106", "error", "m.py", 9, 1, None, None, "new")
    other = Diagnostic("CL106", "error", "m.py", 8, 1, None, None, "new too")
    assert resolve_fixes(source, [target], lambda fixed: [worse, other])[0].fix is None


# -- outputs and the command line -----------------------------------------------------------------

def _tree(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(DATA / "broken" / name, tmp_path / name)
    return tmp_path


def test_json_and_sarif_carry_the_fix(tmp_path, monkeypatch, capsys):
    pytest.importorskip("torch")
    from importlib import resources

    monkeypatch.chdir(_tree(tmp_path, "torch_linear_in_features.py"))
    main(["torch_linear_in_features.py", "--format", "json", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    schema = json.loads(resources.files("convlint").joinpath("report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    (d,) = [d for d in report["diagnostics"] if d["code"] == "CL103"]
    assert d["fix"] == {
        "message": "Set in_features=400",
        "applicability": "safe",
        "edits": [{"line": 12, "column": 30, "end_line": 12, "end_column": 40, "content": "16 * 5 * 5"}],
    }
    main(["torch_linear_in_features.py", "--format", "sarif", "--no-cache"])
    sarif = json.loads(capsys.readouterr().out)
    validator = jsonschema.Draft4Validator(json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.json").read_text()))
    validator.validate(sarif)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CL103"]
    (fix,) = result["fixes"]
    assert fix["properties"] == {"applicability": "safe"}
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "torch_linear_in_features.py"
    assert change["replacements"] == [
        {"deletedRegion": {"startLine": 12, "startColumn": 30, "endLine": 12, "endColumn": 40}, "insertedContent": {"text": "16 * 5 * 5"}}
    ]


def test_diff_prints_the_patch_and_writes_nothing(tmp_path, monkeypatch, capsys):
    pytest.importorskip("torch")
    monkeypatch.chdir(_tree(tmp_path, "torch_linear_in_features.py", "torch_padding_same.py"))
    before = (tmp_path / "torch_padding_same.py").read_text()
    assert main([".", "--diff", "--no-cache"]) == 1
    out = capsys.readouterr()
    assert "-        self.fc1 = nn.Linear(16 * 4 * 4, 120)  # 4x4 after two pools?" in out.out
    assert "+        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 4x4 after two pools?" in out.out
    assert "torch_padding_same" not in out.out  # unsafe: only with --unsafe-fixes
    assert "Would fix 1 diagnostic in 1 file." in out.err
    assert main([".", "--diff", "--unsafe-fixes", "--no-cache"]) == 1
    assert '+    nn.Conv2d(8, 8, 3, 1, "same"),' in capsys.readouterr().out
    assert (tmp_path / "torch_padding_same.py").read_text() == before


def test_fix_writes_and_reports_what_remains(tmp_path, monkeypatch, capsys):
    pytest.importorskip("torch")
    monkeypatch.chdir(_tree(tmp_path, "torch_linear_in_features.py", "torch_padding_same.py"))
    assert main([".", "--fix", "--no-cache"]) == 1  # the unsafe one remains
    out = capsys.readouterr().out
    assert (tmp_path / "torch_linear_in_features.py").read_text() == (DATA / "fixed" / "torch_linear_in_features.py").read_text()
    assert ": CL103" not in out and "torch_padding_same.py:10:5: CL101 [*]" in out
    assert "Fixed 1 diagnostic (CL103 x1) in 1 file." in out
    assert "[*] 1 with `convlint --fix --unsafe-fixes`." in out
    assert main([".", "--fix", "--unsafe-fixes", "--no-cache"]) == 0
    assert (tmp_path / "torch_padding_same.py").read_text() == (DATA / "fixed" / "torch_padding_same.py").read_text()


def _notebook(cells: List[str]) -> str:
    doc = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# A notebook\n"]}]
        + [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c.splitlines(keepends=True)} for c in cells],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def test_notebooks_are_fixed_in_their_cells(tmp_path, monkeypatch, capsys):
    pytest.importorskip("torch")
    cells = [
        "%matplotlib inline\nimport torch\nfrom torch import nn\n",
        "model = nn.Sequential(\n    nn.Conv2d(3, 8, 3),\n    nn.BatchNorm2d(16),  # é\n)\n",
        "model(torch.randn(2, 3, 8, 8))\n",
    ]
    (tmp_path / "nb.ipynb").write_text(_notebook(cells), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["nb.ipynb", "--format", "json", "--no-cache"])
    (d,) = json.loads(capsys.readouterr().out)["diagnostics"]
    assert (d["cell"], d["line"]) == (2, 3)
    assert d["fix"]["edits"] == [{"line": 3, "column": 20, "end_line": 3, "end_column": 22, "content": "8", "cell": 2}]
    assert main(["nb.ipynb", "--fix", "--no-cache"]) == 0
    fixed = cells[:1] + [cells[1].replace("BatchNorm2d(16)", "BatchNorm2d(8)")] + cells[2:]
    assert (tmp_path / "nb.ipynb").read_text(encoding="utf-8") == _notebook(fixed)
