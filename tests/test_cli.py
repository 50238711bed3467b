"""The command line, end to end: in-process through ``main([...])`` and as a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from convlint import __version__, runner
from convlint.cli import main
from test_output import report_schema, sarif_validator

PYTHON = sys.executable
GOOD = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Conv2D(64, 3, padding="same", activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10),
])
"""
BAD = GOOD.replace("layers.MaxPooling2D(2)", "layers.Reshape((10, 10))")  # CL105 on line 7
BROKEN = "import keras\n\nmodel = keras.Sequential([\n    keras.Input(shape=(28, 28, 1),\n"
PLAIN = "import os\n\nprint(os.getcwd())\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Every test runs in its own directory, so the results cache never lands in the repo."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "broken.py").write_text(BROKEN)
    (tmp_path / "plain.py").write_text(PLAIN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_json(args, capsys) -> tuple:
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def keras_frontend_ready() -> bool:
    from convlint.frontend import FrontendOptions, analyze_source

    return bool(analyze_source(GOOD, "x.py", FrontendOptions()).models)


needs_keras = pytest.mark.skipif(not keras_frontend_ready(), reason="the Keras front end does not extract models yet")


# -- exit codes, selection -----------------------------------------------------------------
def test_a_broken_file_among_good_ones(tree, capsys):
    code, report = run_json(["."], capsys)
    assert code == 0  # CL901 is info; the default fail-on is error
    assert report["files_checked"] == 3
    assert [(d["code"], d["path"], d["line"]) for d in report["diagnostics"]] == [("CL901", "broken.py", 4)]
    jsonschema.Draft202012Validator(report_schema()).validate(report)


def test_fail_on_exit_zero_and_selection(tree, capsys):
    assert main([".", "--fail-on", "info"]) == 1
    out = capsys.readouterr().out
    # Python's own parser gives the position and wording (3.10+: the unclosed "(", col 16;
    # 3.9: the end of the file)
    assert re.match(r"broken\.py:4:\d+: CL901 cannot parse this file: ", out.splitlines()[0])
    assert out.splitlines()[-1].startswith("Found 1 info in ")
    assert main([".", "--fail-on", "info", "--exit-zero"]) == 0
    capsys.readouterr()
    assert main([".", "--fail-on", "info", "--ignore", "CL9"]) == 0
    assert "CL901" not in capsys.readouterr().out
    assert main([".", "--fail-on", "info", "--select", "CL1,CL2"]) == 0
    assert main([".", "--fail-on", "info", "--select", "CL1", "--extend-select", "CL901"]) == 1


def test_per_rule_severity_from_config(tree, capsys):
    (tree / "pyproject.toml").write_text('[tool.convlint]\nper-rule-severity = { "CL901" = "error" }\n')
    code, report = run_json(["."], capsys)
    assert code == 1 and report["diagnostics"][0]["severity"] == "error"
    (tree / "pyproject.toml").write_text('[tool.convlint]\nexclude = ["broken.py"]\nfail-on = "info"\n')
    code, report = run_json(["."], capsys)
    assert code == 0 and report["files_checked"] == 2
    # named explicitly, an excluded file is still checked unless --force-exclude
    assert main(["broken.py"]) == 1
    assert main(["broken.py", "--force-exclude"]) == 0


def test_usage_errors(tree, capsys):
    assert main(["missing.py"]) == 2
    assert "no such file or directory: missing.py" in capsys.readouterr().err
    assert main(["--format", "xml"]) == 2
    assert main(["--jobs", "0"]) == 2
    assert main(["--bogus"]) == 2


def test_version_and_explain(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"convlint {__version__}\n"
    assert main(["--explain", "CL105"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# reshape-size (CL105)") and "## Use instead" in out
    assert main(["--explain", "dropped-border"]) == 0
    assert "CL302" in capsys.readouterr().out
    assert main(["--explain", "CL000"]) == 2
    assert "unknown rule 'CL000'" in capsys.readouterr().err


def test_internal_error_is_a_diagnostic_and_exit_2(tree, capsys, monkeypatch):
    import convlint.frontend

    def boom(source, path, options=None):
        if path.endswith("good.py"):
            raise RuntimeError("boom")
        return convlint.frontend.FileResult(path)

    monkeypatch.setattr(convlint.frontend, "analyze_source", boom)
    code = main([".", "--jobs", "1"])
    captured = capsys.readouterr()
    assert code == 2
    assert "good.py:1:1: CL999 internal error while checking this file (RuntimeError: boom)" in captured.out
    assert "Traceback" not in captured.out + captured.err
    assert "internal errors occurred" in captured.err


def test_notebook_cells(tmp_path, capsys):
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["# title"]},
            {"cell_type": "code", "source": ["%matplotlib inline\n", "import keras\n"]},
            {"cell_type": "code", "source": ["model = keras.Sequential([\n", "  1,\n"]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    code, report = run_json([str(path)], capsys)
    (d,) = report["diagnostics"]
    assert (d["code"], d["cell"]) == ("CL901", 2)
    assert d["line"] in (1, 2)  # within cell 2: where the "[" opens (3.10+) or the end (3.9)
    assert main([str(path)]) == 0
    assert f"{path}:cell 2:" in capsys.readouterr().out


def test_notebook_error_applied_in_another_cell(tmp_path, capsys):
    nb = {
        "cells": [
            {"cell_type": "code", "source": ["import torch\n", "from torch import nn\n", "fc = nn.Linear(1024, 512)\n"]},
            {"cell_type": "code", "source": ["x = torch.rand(10, 1023)\n", "y = fc(x)\n"]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    code, report = run_json([str(path)], capsys)
    (d,) = report["diagnostics"]
    assert (d["code"], d["cell"], d["line"]) == ("CL103", 2, 2)  # where PyTorch raises
    assert [(r["cell"], r["line"]) for r in d["related"]] == [(1, 3)]  # where the Linear is built
    assert main([str(path)]) == 1
    assert "(defined at cell 1, line 3)" in capsys.readouterr().out


def test_notebook_stop_names_its_cell(tmp_path, capsys):
    init = ["class Net(nn.Module):\n", "    def __init__(self):\n", "        super().__init__()\n",
            "        self.stem = nn.Conv2d(3, 8, 3)\n", "        self.blocks = nn.Sequential()\n",
            "        for c in cfg:\n", "            self.blocks.append(nn.Conv2d(8, 8, 3))\n",
            "    def forward(self, x):\n", "        return self.blocks(self.stem(x))\n",
            "Net()(torch.randn(1, 3, 32, 32))\n"]
    nb = {
        "cells": [
            {"cell_type": "code", "source": ["import torch\n", "from torch import nn\n", "from mystery import cfg\n"]},
            {"cell_type": "code", "source": init},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    code, report = run_json([str(path)], capsys)
    (m,) = report["models"]
    assert (m["complete"], m["params_lower_bound"]) == (False, 224)
    assert m["incomplete_reason"] == "__init__ not followed past cell 2, line 6: self.blocks.0 is unknown"


def test_parallel_output_equals_serial(tmp_path, capsys, monkeypatch):
    for i in range(12):
        (tmp_path / f"m{i:02d}.py").write_text(BROKEN if i % 3 == 0 else GOOD if i % 3 == 1 else BAD)
    monkeypatch.setattr(runner, "PARALLEL_MIN_BYTES", 0)
    outs = []
    for jobs in ("1", "2", "3"):
        main([str(tmp_path), "--format", "json", "--jobs", jobs])
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] == outs[2]
    report = json.loads(outs[0])
    assert [d["path"] for d in report["diagnostics"]] == sorted(d["path"] for d in report["diagnostics"])
    assert sum(d["code"] == "CL901" for d in report["diagnostics"]) == 4


def test_sarif_and_github_from_the_cli(tree, capsys):
    main([".", "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    sarif_validator().validate(sarif)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["CL901"]
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py"
    main([".", "--format", "github"])
    assert re.match(r"::notice file=broken\.py,line=4,col=\d+,", capsys.readouterr().out)


# -- with the Keras front end -------------------------------------------------------------------
@needs_keras
def test_error_model_exit_1_and_text(tree, capsys):
    (tree / "bad.py").write_text(BAD)
    assert main(["bad.py"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("bad.py:7:5: CL105 ")
    assert lines[-1] == "Found 1 error in 1 model (1 file checked)."
    assert main(["bad.py", "--ignore", "CL105"]) == 0


@needs_keras
def test_json_report_of_a_real_model(tree, capsys):
    code, report = run_json(["good.py"], capsys)
    assert code == 0
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    (m,) = report["models"]
    assert (m["name"], m["path"], m["line"], m["framework"]) == ("model", "good.py", 4, "keras")
    assert m["input_shape"] == [None, 28, 28, 1]
    assert [(layer["type"], layer["output_shape"], layer["params"]) for layer in m["layers"]] == [
        ("Conv2D", [None, 28, 28, 32], 320),
        ("MaxPooling2D", [None, 14, 14, 32], 0),
        ("Conv2D", [None, 14, 14, 64], 18496),
        ("GlobalAveragePooling2D", [None, 64], 0),
        ("Dense", [None, 10], 650),
    ]
    assert m["total_params"] == 19466
    # the unreached layers of a broken model still appear
    (tree / "bad.py").write_text(BAD)
    code, report = run_json(["bad.py"], capsys)
    layers = report["models"][0]["layers"]
    assert [layer["type"] for layer in layers] == ["Conv2D", "Reshape", "Conv2D", "GlobalAveragePooling2D", "Dense"]
    assert [layer["output_shape"] for layer in layers][1:] == [None, None, None, None]
    jsonschema.Draft202012Validator(report_schema()).validate(report)


@needs_keras
def test_summary_table_from_the_cli(tree, capsys):
    assert main(["good.py", "--summary"]) == 0
    out = capsys.readouterr().out
    assert 'Model: "model" (keras, good.py:4)' in out
    assert " Total params: 19,466" in out


# -- as a user runs it ------------------------------------------------------------------------
def test_subprocess_never_imports_numpy(tree):
    code = (
        "import sys\n"
        "from convlint.cli import main\n"
        "rc = main(['.', '--format', 'json'])\n"
        "sys.stderr.write('NUMPY=%s RC=%s' % ('numpy' in sys.modules, rc))\n"
    )
    proc = subprocess.run([PYTHON, "-c", code], cwd=tree, capture_output=True, text=True, timeout=60)
    assert "NUMPY=False RC=0" in proc.stderr, proc.stderr
    json.loads(proc.stdout)


def test_python_dash_m(tree):
    proc = subprocess.run([PYTHON, "-m", "convlint", ".", "--fail-on", "info"], cwd=tree, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert re.search(r"broken\.py:4:\d+: CL901", proc.stdout) and proc.stderr == ""
    assert "\x1b[" not in proc.stdout  # not a tty: no colour


def test_console_script(tree):
    script = Path(PYTHON).parent / "convlint"
    if not script.exists():
        pytest.skip("convlint is not installed as a script here")
    proc = subprocess.run([str(script), "plain.py"], cwd=tree, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout == "No problems found in 0 models (1 file checked).\n"


def test_statistics(tree, capsys):
    (tree / "broken2.py").write_text(BROKEN)
    main([".", "--statistics", "--ignore", "CL1,CL2,CL3"])
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "2\tCL901\tsyntax-error"


def test_input_shapes_reach_the_front_end(tmp_path, monkeypatch):
    import convlint.frontend
    from convlint.config import parse_config
    from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager

    seen = {}

    def spy(source, path, options=None):
        seen[path] = dict(options.input_shapes)
        return convlint.frontend.FileResult(path)

    monkeypatch.setattr(convlint.frontend, "analyze_source", spy)
    (tmp_path / "models").mkdir()
    for name in ("net.py", "other.py"):
        (tmp_path / "models" / name).write_text("class Net(nn.Module):\n    pass\n")
    config = parse_config({"input-shapes": {"models/net.py::Net": [3, 32, 32], "Shared": [1, 8]}}, root=str(tmp_path))
    pm = make_plugin_manager()
    checker = runner.Checker(config, collect_rules(pm), make_catalogue(pm))
    monkeypatch.chdir(tmp_path / "models")
    runner.run(["."], config, checker, jobs=1)
    assert seen["net.py"] == {"net.py::Net": (3, 32, 32), "Net": (3, 32, 32), "Shared": (1, 8)}
    assert seen["other.py"] == {"Shared": (1, 8)}


def test_identical_diagnostics_are_reported_once():
    from convlint.diagnostics import Diagnostic
    from convlint.runner import FileOutcome, build_report

    d = Diagnostic("CL905", "info", "a.py", 3, 1, None, None, "unknown", "Net", name="unknown-layer")
    e = Diagnostic("CL905", "info", "a.py", 2, 1, None, None, "unknown", "Net", name="unknown-layer")
    report = build_report(1, [FileOutcome("a.py", diagnostics=[d, e, d, d])])
    assert report.diagnostics == [e, d]


@needs_keras
@pytest.mark.oracle
def test_json_report_matches_real_keras(tmp_path, capsys):
    """The same source, built by Keras itself: every layer's output shape and parameter count."""
    keras = pytest.importorskip("keras")
    path = tmp_path / "good.py"
    path.write_text(GOOD)
    main([str(path), "--format", "json"])
    (m,) = json.loads(capsys.readouterr().out)["models"]
    namespace: dict = {}
    exec(compile(GOOD, str(path), "exec"), namespace)
    model = namespace["model"]
    assert isinstance(model, keras.Model)
    assert [type(layer).__name__ for layer in model.layers] == [layer["type"] for layer in m["layers"]]
    assert [list(layer.output.shape) for layer in model.layers] == [layer["output_shape"] for layer in m["layers"]]
    assert [layer.count_params() for layer in model.layers] == [layer["params"] for layer in m["layers"]]
    assert model.count_params() == m["total_params"]


def test_hostile_files_do_not_crash_the_run(tree):
    """Files that crash libcst's native parser, or are not text, are CL901 and the run goes on."""
    (tree / "deep.py").write_text("Dense = " + "[" * 5000 + "]" * 5000 + "\n")
    (tree / "binary.py").write_bytes(b"Dense\xff\xfe\x00\x01 = 1\n")
    (tree / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + GOOD.encode())
    proc = subprocess.run([PYTHON, "-m", "convlint", ".", "--format", "json"], cwd=tree, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    found = {(d["path"], d["code"]) for d in report["diagnostics"]}
    assert found == {("broken.py", "CL901"), ("deep.py", "CL901"), ("binary.py", "CL901")}
    deep = next(d for d in report["diagnostics"] if d["path"] == "deep.py")
    assert "too many nested parentheses" in deep["message"]
    if keras_frontend_ready():
        assert sorted(m["path"] for m in report["models"]) == ["good.py", "latin.py"]


def test_results_cache(tree, capsys, monkeypatch):
    import convlint.frontend

    original = convlint.frontend.analyze_source
    (tree / "bad.py").write_text(BAD)
    assert main(["."]) == 1
    first = capsys.readouterr().out
    cache_dir = tree / ".convlint_cache"
    assert (cache_dir / ".gitignore").read_text().endswith("*\n")
    assert len([p for p in cache_dir.rglob("*") if p.is_file() and p.name != ".gitignore"]) == 3  # kept files only

    def no_parsing(*args, **kwargs):
        raise AssertionError("served from the cache, nothing is parsed")

    monkeypatch.setattr(convlint.frontend, "analyze_source", no_parsing)
    assert main(["."]) == 1
    assert capsys.readouterr().out == first
    main([".", "--format", "json"])
    cached = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(report_schema()).validate(cached)
    # a changed file, or a changed configuration, is checked again
    (tree / "bad.py").write_text(BAD + "\n")
    assert main(["."]) == 2 and "CL999" in capsys.readouterr().out
    monkeypatch.setattr(convlint.frontend, "analyze_source", original)
    assert main([".", "--ignore", "CL105"]) == 0


def test_no_cache(tree, capsys):
    assert main([".", "--no-cache"]) == 0
    assert not (tree / ".convlint_cache").exists()
    assert main([".", "--cache-dir", str(tree / "elsewhere")]) == 0
    assert (tree / "elsewhere").is_dir()


@needs_keras
def test_notebook_model_positions_are_per_cell(tmp_path, capsys):
    cells = [
        {"cell_type": "code", "source": ["%matplotlib inline\n", "import keras\n", "from keras import layers\n"]},
        {"cell_type": "markdown", "source": ["# Model"]},
        {"cell_type": "code", "source": BAD.split("\n\n", 1)[1].splitlines(keepends=True)},
    ]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    code, report = run_json([str(path)], capsys)
    assert code == 1
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    (m,) = report["models"]
    assert (m["cell"], m["line"]) == (2, 1)
    assert [(layer["cell"], layer["line"]) for layer in m["layers"]][:2] == [(2, 3), (2, 4)]
    (d,) = report["diagnostics"]
    assert (d["code"], d["cell"], d["line"]) == ("CL105", 2, 4)


def test_json_and_sarif_of_the_shipped_fixtures_follow_their_schemas(capsys, monkeypatch):
    """Every fixture, good and broken, through the real CLI: the JSON contract and SARIF 2.1.0
    hold for all of it, uncalled PyTorch modules (``"called": false``) included."""
    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    code, report = run_json(["fixtures", "--no-cache", "--jobs", "1"], capsys)
    assert code == 1  # the fixtures hold deliberately broken models
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    (net,) = [m for m in report["models"] if m["path"].endswith("forgotten_batchnorm.py")]
    uncalled = [layer for layer in net["layers"] if layer.get("called") is False]
    assert [(layer["name"], layer["output_shape"], layer["params"]) for layer in uncalled] == [("block.bn2", None, 32)]
    assert net["total_params"] == sum(layer["params"] for layer in net["layers"] if not layer["shared"])
    main(["fixtures", "--no-cache", "--jobs", "1", "--format", "sarif"])
    sarif_validator().validate(json.loads(capsys.readouterr().out))


def test_cost_fields_and_markdown_of_the_shipped_fixtures(capsys, monkeypatch):
    """Every fixture model carries the version-2 cost fields; a complete model's MAC total is
    the sum of its layers'; ``--format markdown`` has a section per model."""
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    code, report = run_json(["fixtures", "--no-cache", "--jobs", "1"], capsys)
    assert report["version"] == 2
    for m in report["models"]:
        assert m["dtype"] == "float32"
        if m["total_macs"] is not None:
            assert m["total_macs"] == sum(layer["macs"] for layer in m["layers"]), m["name"]
            assert m["macs_lower_bound"] is None and m["peak_activation_bytes"] is not None
        else:
            assert m["macs_lower_bound"] == sum(layer["macs"] or 0 for layer in m["layers"]), m["name"]
    (lenet,) = [m for m in report["models"] if m["path"].endswith("lenet.py")]
    assert (lenet["total_macs"], lenet["peak_activation_bytes"], lenet["param_bytes"]) == (658238, 37632, 248024)
    assert main(["fixtures", "--no-cache", "--jobs", "1", "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.count("<details><summary>Model ") == len(report["models"])
    assert "| `fixtures/torch/lenet_bad_fc.py:20:20` | CL103 |" in out.replace("| error ", "|")  # where torch raises
    assert "Expected in_features=400 = 16 * 5 * 5 (defined at line 12) |" in out
    assert "- MACs (one sample): 658,238 (658k)" in out


def test_results_cache_follows_the_project_modules_a_file_reads(tree, capsys):
    """``net.py`` imports its width from ``config.py``: editing ``config.py`` re-checks
    ``net.py`` (its cached result depends on that module's bytes)."""
    (tree / "config.py").write_text("WIDTH = 400\n")
    (tree / "net.py").write_text(
        "import torch\nimport torch.nn as nn\nfrom config import WIDTH\n\n"
        "net = nn.Sequential(nn.Flatten(), nn.Linear(WIDTH, 10))\nnet(torch.randn(1, 16, 5, 5))\n"
    )
    assert main(["net.py"]) == 0
    capsys.readouterr()
    assert main(["net.py"]) == 0  # served from the cache
    capsys.readouterr()
    (tree / "config.py").write_text("WIDTH = 256\n")
    assert main(["net.py"]) == 1
    assert "in_features=256" in capsys.readouterr().out
