"""Renderers on a hand-built report: text, JSON (against convlint/report.schema.json), SARIF
(against the official 2.1.0 schema, tests/data/sarif-2.1.0.json), GitHub annotations and the
--summary table."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from convlint.diagnostics import Diagnostic, Related, Report
from convlint.dims import sym
from convlint.cost import model_cost
from convlint.engine import LayerResult, ShapedModel
from convlint.graph import ModelGraph, Node, Span, Stop
from convlint.layers import default_catalogue
from convlint.layers.base import Weight, count_params
from convlint.output import FORMATS, RenderContext
from convlint.output.github import annotation
from convlint.output.summary import model_table
from convlint.output.text import render_line, summary_line
from convlint.plugins import collect_rules, make_plugin_manager

RULES = collect_rules(make_plugin_manager())
DATA = Path(__file__).parent / "data"


def report_schema() -> dict:
    return json.loads(resources.files("convlint").joinpath("report.schema.json").read_text())


def sarif_validator() -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(json.loads((DATA / "sarif-2.1.0.json").read_text()))


def _result(node: Node, in_shape, out_shape, weights=(), first_use=True) -> LayerResult:
    ws = [Weight(n, s, role, trainable) for n, s, role, trainable in weights]
    params, trainable = count_params(ws)
    spec = default_catalogue().get("keras", node.type)
    return LayerResult(node, spec, {}, [in_shape] if in_shape else [], out_shape, ws, params, trainable, first_use)


def sample_report() -> Report:
    h = sym("H")
    model = ModelGraph("model", "keras", "examples/mnist.py", Span(10, 1))
    rows = [
        _result(Node("input", "Input", span=Span(11, 5)), None, (None, 28, 28, 1)),
        _result(Node("conv2d", "Conv2D", span=Span(12, 5), name="conv2d"), (None, 28, 28, 1), (None, 26, 26, 32),
                (("kernel", (3, 3, 1, 32), "weight", True), ("bias", (32,), "bias", True))),
        _result(Node("bn", "BatchNormalization", span=Span(13, 5), name="bn"), (None, 26, 26, 32), (None, 26, 26, 32),
                (("gamma", (32,), "weight", True), ("beta", (32,), "bias", True),
                 ("moving_mean", (32,), "weight", False), ("moving_variance", (32,), "weight", False))),
        _result(Node("conv2d_1", "Conv2D", span=Span(14, 5), name="conv2d_1", layer_id="conv2d"), (None, 26, 26, 32), None,
                (("kernel", (3, 3, 1, 32), "weight", True),), first_use=False),
        _result(Node("dense", "Dense", span=Span(15, 5), name="dense"), (None, h), None, (("kernel", (h, 10), "weight", True),)),
    ]
    model.nodes = [r.node for r in rows]
    for a, b in zip(rows, rows[1:]):
        b.node.inputs = [a.node.id]
    model.inputs, model.outputs = ["input"], ["dense"]
    shaped = ShapedModel(model, rows, [])
    shaped.cost = model_cost(shaped)
    diags = [
        Diagnostic("CL101", "error", "examples/mnist.py", 14, 5, 14, 30, "Conv2D output axis 1 would have size 0", "model", name="non-positive-dim"),
        Diagnostic("CL302", "info", "examples/mnist.py", 12, 5, None, None, 'a "quoted", 100% message\nsecond line', "model", name="dropped-border"),
        Diagnostic("CL203", "warning", "nb.ipynb", 2, 1, None, None, "big layer", "m", cell=3, name="dominant-layer"),
    ]
    return Report(files_checked=5, models=[shaped], diagnostics=diags)


def context(**kw) -> RenderContext:
    return RenderContext(rules=RULES, version="0.1.0", **kw)


def test_text_lines_and_summary():
    report = sample_report()
    out = FORMATS["text"](report, context())
    lines = out.splitlines()
    assert lines[0] == "examples/mnist.py:14:5: CL101 Conv2D output axis 1 would have size 0"
    assert lines[-2] == "nb.ipynb:cell 3:2:1: CL203 big layer"
    assert lines[-1] == "Found 1 error, 1 warning, 1 info in 1 model (5 files checked)."
    assert "\x1b[" not in out
    assert "\x1b[1;31mCL101\x1b[0m" in render_line(report.diagnostics[0], color=True)


def test_summary_line_variants():
    assert summary_line(Report(files_checked=1)) == "No problems found in 0 models (1 file checked)."
    r = sample_report()
    r.diagnostics = r.diagnostics[:1] * 3
    assert summary_line(r) == "Found 3 errors in 1 model (5 files checked)."


def test_summary_table():
    table = model_table(sample_report().models[0])
    lines = table.splitlines()
    assert lines[0] == 'Model: "model" (keras, examples/mnist.py:10)'
    assert [c.strip() for c in lines[2].split("  ")[-2:]] == ["MACs", "Output bytes"]
    row = next(ln for ln in lines if ln.startswith(" conv2d (Conv2D)"))
    # 26*26*32 outputs x (3*3*1 weights + 1 bias) = 216,320 MACs; 26*26*32 floats = 86,528 bytes
    assert row.split()[-5:] == ["288", "32", "320", "216,320", "86,528"]
    assert "(None, 26, 26, 32)" in row
    bn = next(ln for ln in lines if ln.startswith(" bn (BatchNormalization)"))
    assert bn.split()[-5:] == ["96", "32", "128", "64", "86,528"]  # gamma + beta, not the moving statistics
    shared = next(ln for ln in lines if ln.startswith(" conv2d_1 (Conv2D)"))
    assert "?" in shared and "(shared)" in shared and shared.split()[-2:] == ["?", "?"]
    dense = next(ln for ln in lines if ln.startswith(" dense (Dense)"))
    assert dense.split()[-2:] == ["?", "?"] and dense.count("10 * H") == 2  # weights and params, symbolic
    assert " Total params: 10 * H + 448" in lines  # symbolic total
    assert " Trainable params: 10 * H + 384" in lines and " Non-trainable params: 64" in lines
    assert " MACs (one sample): at least 216,384 (216k) (the rest is unknown)" in lines
    assert " Activations: at least 173,056 bytes (169.0 KiB) (the rest is unknown); input 3,136 bytes (3.1 KiB)" in lines
    assert " Peak activations: at least 173,056 bytes (169.0 KiB) (the rest is unknown)" in lines
    assert " Params size: 40·H + 1,792 bytes (float32)" in lines  # (10 * H + 448) params, 4 bytes each
    assert "Input" not in table.split("\n", 3)[3]


def test_summary_in_text_output():
    out = FORMATS["text"](sample_report(), context(summary=True))
    assert out.startswith('Model: "model"')


def test_json_contract():
    data = json.loads(FORMATS["json"](sample_report(), context()))
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    assert data["version"] == 2 and data["files_checked"] == 5
    (m,) = data["models"]
    assert m["input_shape"] == [None, 28, 28, 1]
    assert [layer["type"] for layer in m["layers"]] == ["Conv2D", "BatchNormalization", "Conv2D", "Dense"]
    conv = m["layers"][0]
    assert conv == {"name": "conv2d", "type": "Conv2D", "line": 12, "output_shape": [None, 26, 26, 32],
                    "params": 320, "trainable_params": 320, "shared": False, "macs": 216320, "activation_bytes": 86528}
    assert [(layer["macs"], layer["activation_bytes"]) for layer in m["layers"][1:]] == [(64, 86528), (None, None), (None, None)]
    assert (m["dtype"], m["total_macs"], m["macs_lower_bound"]) == ("float32", None, 216384)
    assert (m["peak_activation_bytes"], m["peak_activation_bytes_lower_bound"], m["input_bytes"]) == (None, 173056, 3136)
    assert (m["param_bytes"], m["param_bytes_lower_bound"]) == ("40 * H + 1792", None)  # (10 * H + 448) * 4
    assert m["layers"][1]["params"] == 128 and m["layers"][1]["trainable_params"] == 64
    assert m["layers"][2]["output_shape"] is None and m["layers"][2]["shared"] is True
    assert m["layers"][3]["params"] is None  # symbolic
    assert m["total_params"] is None and m["complete"] is True  # symbolic, but every layer counted
    assert m["params_lower_bound"] is None and m["incomplete_reason"] is None
    d = data["diagnostics"][0]
    assert d["code"] == "CL101" and d["line"] == 14 and d["column"] == 5 and d["model"] == "model"
    assert d["related"] == []
    assert data["diagnostics"][2]["cell"] == 3


def test_json_schema_rejects_a_wrong_report():
    data = json.loads(FORMATS["json"](sample_report(), context()))
    data["models"][0]["layers"][0]["output_shape"] = [1, 2.5]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(report_schema()).validate(data)


def test_sarif_is_valid_2_1_0():
    data = json.loads(FORMATS["sarif"](sample_report(), context()))
    sarif_validator().validate(data)
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    cl101 = next(r for r in rules if r["id"] == "CL101")
    assert "## Why is this bad?" in cl101["fullDescription"]["text"]
    res = run["results"][0]
    assert res["ruleId"] == "CL101" and res["level"] == "error"
    assert rules[res["ruleIndex"]]["id"] == "CL101"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 14, "startColumn": 5, "endLine": 14, "endColumn": 30}
    assert run["results"][1]["level"] == "note"


def test_github_annotations():
    r = sample_report()
    assert annotation(r.diagnostics[0]) == (
        "::error file=examples/mnist.py,line=14,col=5,endLine=14,endColumn=30,title=CL101 (non-positive-dim)::"
        "CL101 Conv2D output axis 1 would have size 0"
    )
    assert annotation(r.diagnostics[1]).endswith("::CL302 a \"quoted\", 100%25 message%0Asecond line")
    assert annotation(r.diagnostics[1]).startswith("::notice ")
    assert "::warning file=nb.ipynb,line=2,col=1," in annotation(r.diagnostics[2])


def test_diagnostic_is_frozen_slotted_and_picklable():
    import dataclasses
    import pickle
    import sys

    d = sample_report().diagnostics[2]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.line = 3  # type: ignore[misc]
    if sys.version_info >= (3, 10):
        assert not hasattr(d, "__dict__")
    assert pickle.loads(pickle.dumps(d)) == d


def test_markdown_for_a_pull_request_comment():
    out = FORMATS["markdown"](sample_report(), context())
    lines = out.splitlines()
    assert lines[:3] == ["### convlint", "", "**Found 1 error, 1 warning, 1 info in 1 model (5 files checked).**"]
    assert "| Severity | Location | Code | Message |" in lines
    assert "| error | `examples/mnist.py:14:5` | CL101 | Conv2D output axis 1 would have size 0 |" in lines
    # a message's pipes and newlines cannot break the table
    assert '| info | `examples/mnist.py:12:5` | CL302 | a "quoted", 100% message<br>second line |' in lines
    assert "| warning | `nb.ipynb:cell 3:2:1` | CL203 | big layer |" in lines
    summary = next(ln for ln in lines if ln.startswith("<details>"))
    assert summary == ("<details><summary>Model <code>model</code> (keras, <code>examples/mnist.py:10</code>): "
                       "10·H + 448 params; MACs: at least 216,384 (216k) (the rest is unknown)</summary>")
    assert "| Layer (type) | Output Shape | Weights | Biases | Param # | MACs | Output bytes |" in lines
    assert "|---|---|---:|---:|---:|---:|---:|" in lines
    assert "| conv2d (Conv2D) | (None, 26, 26, 32) | 288 | 32 | 320 | 216,320 | 86,528 |" in lines
    assert "- MACs (one sample): at least 216,384 (216k) (the rest is unknown)" in lines
    assert lines[-1] == "</details>"


def test_markdown_escapes_cells():
    from convlint.output.markdown import cell

    assert cell("a | b\\c\nd") == "a \\| b\\\\c<br>d"


# -- a total that is only a lower bound, and an error reported where a layer is applied -----
def incomplete_report() -> Report:
    """A torch model whose ``__init__`` was not followed past line 11, with a Linear whose
    application (line 20) fails and whose constructor is on line 9."""
    model = ModelGraph("Net", "torch", "net.py", Span(5, 1), stop=Stop("__init__", Span(11, 9), "self.features.0 is unknown"))
    rows = [
        _result(Node("x", "Input", span=Span(15, 5)), None, (None, 3, 8, 8)),
        _result(Node("conv", "Conv2d", span=Span(8, 21), name="conv", layer_id="conv", applied=Span(16, 13)),
                (None, 3, 8, 8), (None, 4, 6, 6), (("weight", (4, 3, 3, 3), "weight", True), ("bias", (4,), "bias", True))),
        _result(Node("fc", "Linear", span=Span(9, 19), name="fc", layer_id="fc", applied=Span(20, 16)), (None, 144), None,
                (("weight", (10, 100), "weight", True), ("bias", (10,), "bias", True))),
    ]
    model.nodes = [r.node for r in rows]
    related = (Related("net.py", 9, 19, "Linear 'fc' is defined here"),)
    diags = [Diagnostic("CL103", "error", "net.py", 20, 16, 20, 27, "Linear(in_features=100) does not match", "Net",
                        name="channel-mismatch", related=related)]
    return Report(files_checked=1, models=[ShapedModel(model, rows, [])], diagnostics=diags)


def test_incomplete_total_is_a_lower_bound_in_the_summary():
    lines = model_table(incomplete_report().models[0]).splitlines()
    assert " Total params: ≥ 1,122 (__init__ not followed past line 11: self.features.0 is unknown)" in lines
    assert " Trainable params: ≥ 1,122" in lines and " Non-trainable params: ≥ 0" in lines


def test_incomplete_total_in_json():
    data = json.loads(FORMATS["json"](incomplete_report(), context()))
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    (m,) = data["models"]
    assert m["total_params"] is None and m["trainable_params"] is None and m["non_trainable_params"] is None
    assert m["complete"] is False and m["params_lower_bound"] == 112 + 1010
    assert m["incomplete_reason"] == "__init__ not followed past line 11: self.features.0 is unknown"
    (d,) = data["diagnostics"]
    assert (d["line"], d["column"]) == (20, 16)
    assert d["related"] == [{"path": "net.py", "line": 9, "column": 19, "message": "Linear 'fc' is defined here"}]


def test_schema_refuses_an_incomplete_model_with_a_total():
    data = json.loads(FORMATS["json"](incomplete_report(), context()))
    data["models"][0]["total_params"] = 1122  # a lower bound passed off as the total
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(report_schema()).validate(data)
    data["models"][0]["params_lower_bound"] = None  # incomplete, but no bound said
    data["models"][0]["total_params"] = None
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(report_schema()).validate(data)


def test_related_location_in_text_sarif_and_github():
    r = incomplete_report()
    d = r.diagnostics[0]
    assert render_line(d) == "net.py:20:16: CL103 Linear(in_features=100) does not match (defined at line 9)"
    data = json.loads(FORMATS["sarif"](r, context()))
    sarif_validator().validate(data)
    (res,) = data["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 20
    assert res["relatedLocations"] == [{
        "id": 0,
        "physicalLocation": {"artifactLocation": {"uri": "net.py"}, "region": {"startLine": 9, "startColumn": 19}},
        "message": {"text": "Linear 'fc' is defined here"},
    }]
    assert annotation(d).endswith("::CL103 Linear(in_features=100) does not match (defined at line 9)")
    assert "line=20,col=16" in annotation(d)
