"""``--why``: the formulas behind every size and count, checked against the engine.

Every formula printed for every layer of every fixture is read back as Python arithmetic (by
``formula_eval``, not by convlint) and must equal the number the engine computed for that axis
or weight; spatial sizes that change and parameter counts must all have a formula.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List

import jsonschema

from convlint.cli import main
from convlint.dims import free_symbols, is_known, subs
from convlint.engine import analyze
from convlint.frontend import FrontendOptions, analyze_source
from convlint.why import axis_names, explain_model
from formula_eval import evaluate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures" / "keras").glob("*.py")) + sorted((ROOT / "fixtures" / "torch").glob("*.py"))
OPTIONS = {"dcgan_discriminator.py": {"Discriminator": (3, 64, 64)}}  # as pyproject.toml configures it
NO_ARITHMETIC = ("Adaptive",)
"""Layers whose output size is an argument (``AdaptiveAvgPool2d((7, 7))``): nothing to compute."""


def _shaped_models(path: Path) -> List[Any]:
    result = analyze_source(path.read_text(), str(path), FrontendOptions(input_shapes=OPTIONS.get(path.name, {})))
    out = []
    for model in result.models:
        shaped = analyze(model)
        explain_model(shaped)
        out.append(shaped)
    return out


def _bindings(*dims: Any) -> Dict[str, int]:
    names = set().union(*(free_symbols(d) for d in dims))
    return {name: 37 + 11 * i for i, name in enumerate(sorted(names))}


def _check_layer(shaped: Any, r: Any, counts: Dict[str, int]) -> None:
    where = f"{shaped.model.path}:{r.node.span.line} {r.node.name} ({r.node.type})"
    steps = r.why.steps
    shape = r.output_shape
    channels_first = (r.attrs or {}).get("data_format", shaped.model.layout) == "channels_first"
    weights = 0
    for step in steps:
        if step.error:
            assert step.value <= 0 and evaluate(step.formula) == step.value, where
            assert any(f.node_id == r.node.id and f.kind == "non-positive-dim" for f in shaped.findings), where
            counts["errors"] += 1
        elif step.what == "params":
            assert evaluate(step.formula) == step.value == r.params == weights, where
        elif shape is not None and step.what.split(", ")[0] in axis_names(len(shape), channels_first):
            names = axis_names(len(shape), channels_first)
            for axis in step.what.split(", "):
                dim = shape[names.index(axis)]
                b = _bindings(dim)
                assert evaluate(step.formula, b) == subs(dim, b), f"{where}: {axis} {step.formula}"
            counts["sizes"] += 1
        else:  # a weight tensor
            value = step.value if step.formula is None else evaluate(step.formula)
            assert value == step.value, where
            weights += value
            counts["weights"] += 1
    if r.first_use and is_known(r.params) and r.params > 0:
        assert weights == r.params, f"{where}: the tensors' formulas give {weights}, the engine {r.params}"
    ins = [s for s in r.input_shapes if s is not None]
    if shape is not None and len(ins) == 1 and len(ins[0]) == len(shape) >= 3 and not r.node.type.startswith(NO_ARITHMETIC):
        names = axis_names(len(shape), channels_first)
        explained = {a for s in steps for a in s.what.split(", ")}
        for axis, (a, b) in enumerate(zip(ins[0], shape)):
            if axis and names[axis] != "C" and a != b and b is not None and b not in ins[0][1:]:  # not moved (transpose)
                assert names[axis] in explained, f"{where}: axis {names[axis]} changes {a} -> {b} with no formula"


def test_every_formula_of_every_fixture_evaluates_to_the_engines_number():
    counts = {"sizes": 0, "weights": 0, "errors": 0, "layers": 0}
    for path in FIXTURES:
        for shaped in _shaped_models(path):
            for r in shaped.layers:
                if r.listed:
                    assert r.why is not None
                    counts["layers"] += 1
                    _check_layer(shaped, r, counts)
    # not vacuous: the fixtures hold hundreds of these
    assert counts["sizes"] > 100 and counts["weights"] > 200 and counts["errors"] >= 2, counts


def test_symbolic_sizes_keep_their_symbols(tmp_path):
    path = tmp_path / "net.py"
    path.write_text(
        "import torch.nn as nn\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)\n"
        "        self.pool = nn.MaxPool2d(2)\n\n"
        "    def forward(self, x):\n"
        "        return self.pool(self.conv(x)).flatten(1)\n"
    )
    (shaped,) = _shaped_models(path)
    steps = {r.node.name: r.why.steps for r in shaped.layers if r.listed}
    assert [(s.what, s.formula, s.value) for s in steps["conv"][:2]] == [
        ("H", "(H + 2·1 − 3) // 2 + 1", "(H + 1) // 2"),
        ("W", "(W + 2·1 − 3) // 2 + 1", "(W + 1) // 2"),
    ]
    assert steps["pool"][0].formula == "((H + 1) // 2 + 2·0 − 2) // 2 + 1"
    counts = {"sizes": 0, "weights": 0, "errors": 0}
    for r in shaped.layers:
        if r.listed:
            _check_layer(shaped, r, counts)
    assert counts["sizes"] == 4


COURSE = [
    # fixtures/keras/seed_examples.py: a 28x28 input through a 3x3 convolution
    "    H, W    (28 + 2·0 − 3) // 1 + 1 = 26",
    # 5 filters of 4x4 over 3 channels: 240 weights + 5 biases
    "    kernel  4·4·3·5 = 240",
    "    bias    5",
    "    params  240 + 5 = 245",
    # LeNet-5's flatten and first dense layer
    "    features  5·5·16 = 400",
    "    kernel    400·120 = 48,000",
    "    params    48000 + 120 = 48,120",
    # padding="same" with stride 2: ceil(28 / 2)
    "    H, W    (28 − 1) // 2 + 1 = 14",
    # fixtures/torch/bad_pool_too_deep.py: the error, with its formula
    "    output  (2 + 2·0 − 3) // 1 + 1 = 0 ≤ 0",
    # fixtures/torch/window_arithmetic.py: dilation, ceil_mode (and the window PyTorch drops)
    "  dilated (Conv2d 3×3, stride 1, dilation 2, padding 0)",
    "    H, W    (13 + 2·0 − (2·(3 − 1) + 1)) // 1 + 1 = 9",
    "  pool_ceil (MaxPool2d 2×2, stride 2, padding 0, ceil_mode)",
    "    H, W    (9 + 2·0 − 2 + 2 − 1) // 2 + 1 = 5",
    "    H, W    (5 + 2·1 − 2 + 2 − 1) // 2 + 1 − 1 = 3",
    "  reflect (Conv2d 3×3, stride 1, padding 1, padding_mode reflect)",
]


def test_the_course_examples_in_the_text_output(capsys):
    files = ["fixtures/keras/seed_examples.py", "fixtures/torch/bad_pool_too_deep.py", "fixtures/torch/window_arithmetic.py"]
    code = main(["--why", "--no-cache", "--jobs", "1", *[str(ROOT / f) for f in files]])
    out = capsys.readouterr().out
    assert code == 1  # bad_pool_too_deep has its CL101
    lines = out.splitlines()
    for expected in COURSE:
        assert expected in lines, expected
    assert re.search(r'^Why: "mnist_first" \(keras, .*seed_examples\.py:\d+\)$', out, re.M)
    assert "  conv2d (Conv2D 3×3, stride 1, valid)" in lines
    assert "Why:" not in main_text(["--no-cache", str(ROOT / files[0])], capsys)


def main_text(argv: List[str], capsys: Any) -> str:
    main(argv)
    return capsys.readouterr().out


def test_json_has_a_why_per_layer_with_the_flag_only(capsys):
    from importlib import resources

    schema = json.loads(resources.files("convlint").joinpath("report.schema.json").read_text())
    path = str(ROOT / "fixtures" / "keras" / "seed_examples.py")
    report = json.loads(main_text(["--why", "--no-cache", "--format", "json", path], capsys))
    jsonschema.validate(report, schema)
    lenet = next(m for m in report["models"] if m["name"] == "lenet5")
    assert all("why" in layer for layer in lenet["layers"])
    dense = next(layer for layer in lenet["layers"] if layer["name"] == "dense")
    assert dense["why"] == {
        "title": "Dense",
        "steps": [
            {"what": "kernel", "formula": "400·120", "value": 48000},
            {"what": "bias", "formula": None, "value": 120},
            {"what": "params", "formula": "48000 + 120", "value": 48120},
        ],
    }
    plain = json.loads(main_text(["--no-cache", "--format", "json", path], capsys))
    assert not any("why" in layer for m in plain["models"] for layer in m["layers"])


def test_cached_results_without_formulas_are_not_served_to_why(tmp_path, capsys):
    path = str(ROOT / "fixtures" / "keras" / "seed_examples.py")
    cache = ["--cache-dir", str(tmp_path / "cache")]
    main_text([*cache, path], capsys)  # fills the cache without formulas
    assert "(28 + 2·0 − 3) // 1 + 1 = 26" in main_text(["--why", *cache, path], capsys)
    assert "Why:" not in main_text([*cache, path], capsys)
