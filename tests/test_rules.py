"""Rules: registry invariants, each rule's logic on hand-built results, and every rule's
VALID / INVALID snippets run through the whole pipeline."""

from __future__ import annotations

import re
from typing import Any, List, Optional

import pytest

from convlint.config import Config, parse_config
from convlint.dims import sym
from convlint.engine import Finding, LayerResult, ShapedModel
from convlint.frontend import FileNote, FileResult
from convlint.graph import ModelGraph, Node, Span, Unknown, input_shape_cause, unresolved_cause
from convlint.layers.base import Weight, count_params
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.rules import Rule
from convlint.runner import Checker, drop_subsumed

PM = make_plugin_manager()
RULES = collect_rules(PM)
CATALOGUE = make_catalogue(PM)


# -- hand-built results ---------------------------------------------------------------------
def layer(
    node_id: str,
    type_: str,
    inputs: List[str],
    in_shape: Optional[tuple],
    out_shape: Optional[tuple],
    weights: tuple = (),
    attrs: Optional[dict] = None,
    line: int = 1,
) -> LayerResult:
    node = Node(node_id, type_, inputs=list(inputs), span=Span(line, 5), name=node_id)
    ws = [Weight(n, s, role) for n, s, role in weights]
    params, trainable = count_params(ws)
    return LayerResult(node, None, attrs or {}, [in_shape] if inputs else [], out_shape, ws, params, trainable)


def shaped(layers: List[LayerResult], framework: str = "keras", findings: tuple = ()) -> ShapedModel:
    model = ModelGraph("model", framework, "net.py", Span(3, 1), nodes=[r.node for r in layers])
    return ShapedModel(model, layers, list(findings))


def codes(rule: type, model: ShapedModel, **config: Any) -> List[str]:
    return [d.code for d in rule().check(model, parse_config(config))]


def conv_stack(dense_after: str) -> ShapedModel:
    """Input 28x28x1 -> Conv2D(8, 3) -> ReLU -> [Flatten ->] Dense(10)."""
    rows = [
        layer("input", "Input", [], None, (None, 28, 28, 1)),
        layer("conv2d", "Conv2D", ["input"], (None, 28, 28, 1), (None, 26, 26, 8),
              (("kernel", (3, 3, 1, 8), "weight"), ("bias", (8,), "bias")),
              {"kernel_size": (3, 3), "strides": (1, 1), "dilation_rate": (1, 1), "padding": "valid"}),
        layer("relu", "ReLU", ["conv2d"], (None, 26, 26, 8), (None, 26, 26, 8)),
    ]
    last = "relu"
    if dense_after == "flatten":
        rows.append(layer("flatten", "Flatten", ["relu"], (None, 26, 26, 8), (None, 5408)))
        last = "flatten"
    in_shape = rows[-1].output_shape
    out = in_shape[:-1] + (10,)
    rows.append(layer("dense", "Dense", [last], in_shape, out,
                      (("kernel", (in_shape[-1], 10), "weight"), ("bias", (10,), "bias")), line=9))
    return shaped(rows)


# -- registry ------------------------------------------------------------------------------
def test_builtin_rules_load_through_the_entry_point():
    assert {"CL101", "CL102", "CL103", "CL104", "CL105", "CL106", "CL107", "CL201", "CL202", "CL203",
            "CL301", "CL302", "CL901", "CL902", "CL903", "CL904", "CL905", "CL906", "CL999"} <= set(RULES)
    assert "builtin" in {name for name, _ in PM.list_name_plugin()}


def test_codes_and_names_are_unique_and_well_formed():
    rules = list(RULES.values())
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert re.match(r"^[A-Z]{1,3}[0-9]{3}$", r.code), r.code
        assert re.match(r"^[a-z]+(-[a-z]+)*$", r.name), r.name
        assert r.severity in ("error", "warning", "info")


def test_code_families_have_their_severity():
    for r in RULES.values():
        if r.code.startswith("CL1"):
            assert r.severity == "error", r.code
        if r.code.startswith("CL9"):
            assert r.severity == "info", r.code


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_documented(code):
    rule = RULES[code]
    doc = rule.documentation()
    assert "## What it does" in doc and "## Why is this bad?" in doc
    assert doc.startswith(f"# {rule.name} ({code})")
    if rule.INVALID:
        assert "## Example" in doc and rule.INVALID[0].strip().splitlines()[-1] in doc
    assert rule.summary().endswith(".")


def test_validate_rules_rejects_duplicates_and_bad_codes():
    from convlint.rules import validate_rules

    class A(Rule):
        code, name = "XY101", "a-rule"

    class B(Rule):
        code, name = "XY101", "b-rule"

    class C(Rule):
        code, name = "xy1", "c-rule"

    class D(Rule):
        code, name = "XY102", "Not_Kebab"

    assert list(validate_rules([A])) == ["XY101"]
    for bad in ([A, B], [C], [D]):
        with pytest.raises(ValueError):
            validate_rules(bad)


# -- rule logic on hand-built models -------------------------------------------------------
def test_finding_rules_report_their_kind_only():
    findings = (
        Finding("channel-mismatch", "dense", "Linear(in_features=9216) does not match", Span(7, 9)),
        Finding("unknown-layer", "x", "convlint does not know", Span(8, 1)),
    )
    model = shaped([layer("input", "Input", [], None, (None, 3))], findings=findings)
    (d,) = list(RULES["CL103"]().check(model, Config()))
    assert (d.code, d.severity, d.line, d.column, d.model, d.name) == ("CL103", "error", 7, 9, "model", "channel-mismatch")
    assert d.message.startswith("Linear(in_features=9216)")
    assert codes(RULES["CL905"], model) == ["CL905"]
    assert codes(RULES["CL101"], model) == []


def test_note_rules_report_file_notes():
    result = FileResult("x.py", notes=[FileNote("syntax-error", "cannot parse", Span(4, 2)), FileNote("no-input-shape", "n", Span(9, 1), "Net")])
    (d,) = list(RULES["CL901"]().check_file(result, Config()))
    assert (d.code, d.path, d.line, d.column) == ("CL901", "x.py", 4, 2)
    (d,) = list(RULES["CL904"]().check_file(result, Config()))
    assert d.model == "Net"


# -- one message per cause -----------------------------------------------------------------
def _diag(code: str, message: str, cause: Any = None, line: int = 7) -> Any:
    return RULES[code].at("x.py", Span(line, 5), message, "model", cause=cause)


def test_diagnostics_sharing_a_cause_keep_the_highest_precedence():
    """Causes, not message text, decide: a diagnostic quoting another's words verbatim stays
    when its cause differs, and one with unrelated words goes when its cause is the same."""
    here = unresolved_cause(Span(7, 5), "K is imported")
    elsewhere = unresolved_cause(Span(8, 5), "K is imported")
    note = _diag("CL902", "totally different words", here)
    finding = _diag("CL906", "Conv2D: cannot resolve 'kernel_size' statically (K is imported)", here)
    quoted = _diag("CL902", "Conv2D: K is imported", elsewhere, line=8)
    no_cause = _diag("CL902", "Conv2D: K is imported")
    precedence = {code: rule.precedence for code, rule in RULES.items()}
    kept = drop_subsumed([note, finding, quoted, no_cause], precedence)
    assert kept == [finding, quoted, no_cause]
    # equal precedence: both say it, nothing is lost
    twin = _diag("CL906", "Conv2D: cannot resolve 'filters' statically (K is imported)", here)
    assert drop_subsumed([finding, twin], precedence) == [finding, twin]
    # the cause is internal: it neither makes diagnostics differ nor is shown
    assert _diag("CL902", "m", here) == _diag("CL902", "m", elsewhere)


def test_a_model_without_input_shape_is_reported_once_by_its_note():
    shape = input_shape_cause("model")
    finding = _diag("CL906", "Input: cannot resolve 'shape' statically (no input shape)", shape, line=9)
    note = _diag("CL904", "model: no input shape in the file", shape, line=4)
    other_model = _diag("CL906", "Input: cannot resolve 'shape' statically", input_shape_cause("other"))
    precedence = {code: rule.precedence for code, rule in RULES.items()}
    assert drop_subsumed([finding, note, other_model], precedence) == [note, other_model]


def _unresolved_graph(note: FileNote) -> FileResult:
    model = ModelGraph("model", "keras", "net.py", Span(4, 1))
    model.add(Node("input", "Input", kwargs={"shape": (28, 28, 1)}, span=Span(5, 5)))
    model.add(Node("conv", "Conv2D", (8,), {"kernel_size": Unknown("K is imported")}, inputs=["input"], span=Span(6, 5)))
    model.inputs, model.outputs = ["input"], ["conv"]
    return FileResult("net.py", models=[model], notes=[note])


def test_a_front_end_note_with_the_engines_cause_is_said_once():
    """A note that sets ``cause`` is matched by it alone, whatever its words."""
    same = FileNote("unresolved", "free text", Span(6, 5), "model", cause=unresolved_cause(Span(6, 5), "K is imported"))
    outcome = Checker(Config(), RULES, CATALOGUE).check_result(_unresolved_graph(same))
    assert [(d.code, d.line) for d in outcome.diagnostics] == [("CL906", 6)]
    assert outcome.diagnostics[0].cause == unresolved_cause(Span(6, 5), "K is imported")
    other = FileNote("unresolved", "free text", Span(6, 5), "model", cause=unresolved_cause(Span(6, 5), "F is imported"))
    outcome = Checker(Config(), RULES, CATALOGUE).check_result(_unresolved_graph(other))
    assert sorted(d.code for d in outcome.diagnostics) == ["CL902", "CL906"]


def _check(source: str, **config: Any) -> List[Any]:
    outcome = Checker(parse_config(config), RULES, CATALOGUE).check_source("net.py", source)
    return [(d.code, d.line, d.message.split(" ")[0]) for d in outcome.diagnostics if d.code.startswith("CL9")]


_KERAS_UNRESOLVED = """\
import keras
from keras import layers
from cfg import K, F

model = keras.Sequential([
    keras.Input(shape=(28, 28, 3)),
    layers.Conv2D(F, K),
])
"""

_TORCH_NO_INPUT = """\
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 3)

    def forward(self, x, y):
        return self.fc(x) + y
"""


def test_an_unresolved_argument_is_reported_once_through_the_pipeline():
    # F fed `filters` (CL906 says so and quotes why); K was never reached: its CL902 stays.
    found = _check(_KERAS_UNRESOLVED)
    assert [(c, line) for c, line, _ in found] == [("CL902", 7), ("CL906", 7)]
    assert "K" in Checker(Config(), RULES, CATALOGUE).check_source("net.py", _KERAS_UNRESOLVED).diagnostics[0].message
    # with CL906 ignored, the front end's note is the best one left and speaks for F
    assert [c for c, _, _ in _check(_KERAS_UNRESOLVED, ignore=["CL906"])] == ["CL902", "CL902"]


def test_a_missing_input_shape_is_reported_once_through_the_pipeline():
    # The note is on the class, the engine's Input finding on forward: the cause still matches.
    assert _check(_TORCH_NO_INPUT) == [("CL904", 3, "Net:")]
    assert [(c, line) for c, line, _ in _check(_TORCH_NO_INPUT, ignore=["CL904"])] == [("CL906", 8)]


def test_dense_on_feature_map():
    rule = RULES["CL301"]
    diags = list(rule().check(conv_stack("relu"), Config()))
    assert [d.code for d in diags] == ["CL301"]
    assert diags[0].line == 9
    assert "4D output (None, 26, 26, 8) of Conv2D 'conv2d'" in diags[0].message
    assert "giving (None, 26, 26, 10)" in diags[0].message
    assert codes(rule, conv_stack("flatten")) == []


def test_dense_on_a_feature_map_later_pooled_is_the_intended_pointwise_layer():
    # ConvNeXt's block: Dense on the (N, H, W, C) map, then the network goes on and pools it
    model = conv_stack("relu")
    model.layers.append(layer("gelu", "Activation", ["dense"], (None, 26, 26, 10), (None, 26, 26, 10)))
    model.layers.append(layer("gap", "GlobalAveragePooling2D", ["gelu"], (None, 26, 26, 10), (None, 10)))
    model.model.outputs = ["gap"]
    assert codes(RULES["CL301"], model) == []
    model.model.outputs = ["gap", "gelu"]  # the unflattened map is also an output: a mistake there
    assert codes(RULES["CL301"], model) == ["CL301"]


def test_dense_on_feature_map_on_the_fixtures():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "fixtures" / "keras"
    checker = Checker(Config(), RULES, CATALOGUE)
    found = {name: [(d.code, d.line) for d in checker.check_source(name, (root / name).read_text()).diagnostics if d.code == "CL301"]
             for name in ("dense_on_feature_map.py", "convnext_like.py")}
    assert found == {"dense_on_feature_map.py": [("CL301", 7)], "convnext_like.py": []}


def test_dense_on_a_sequence_is_not_reported():
    rows = [
        layer("input", "Input", [], None, (None, 20)),
        layer("embedding", "Embedding", ["input"], (None, 20), (None, 20, 16), (("embeddings", (1000, 16), "weight"),)),
        layer("dense", "Dense", ["embedding"], (None, 20, 16), (None, 20, 4), (("kernel", (16, 4), "weight"),)),
    ]
    assert codes(RULES["CL301"], shaped(rows)) == []


def _pool(n: int, k: int, s: int, padding: Any = "valid", framework: str = "keras", **extra: Any) -> ShapedModel:
    if framework == "keras":
        in_shape, attrs = (None, n, n, 4), {"pool_size": (k, k), "strides": (s, s), "padding": padding, "data_format": "channels_last"}
    else:
        in_shape, attrs = (None, 4, n, n), {"kernel_size": (k, k), "stride": (s, s), "padding": padding, "dilation": (1, 1)}
    attrs.update(extra)
    return shaped([layer("input", "Input", [], None, in_shape), layer("pool", "MaxPooling2D", ["input"], in_shape, None, attrs=attrs, line=6)], framework)


@pytest.mark.parametrize(
    "n, k, s, padding, framework, dropped",
    [
        pytest.param(27, 2, 2, "valid", "keras", 1, id="keras-pool-odd"),
        pytest.param(28, 2, 2, "valid", "keras", 0, id="keras-pool-even"),
        pytest.param(28, 3, 2, "valid", "keras", 1, id="keras-conv-3-2"),
        pytest.param(227, 11, 4, "valid", "keras", 0, id="alexnet-fits"),
        pytest.param(224, 11, 4, "valid", "keras", 1, id="alexnet-224-drops-1"),
        pytest.param(27, 2, 2, "same", "keras", 0, id="same-never-drops"),
        pytest.param(32, 3, 2, (1, 1), "torch", 0, id="torch-pad-1-only-padding-unread"),
        pytest.param(33, 3, 2, (0, 0), "torch", 0, id="torch-odd-fits"),
        pytest.param(32, 3, 2, (0, 0), "torch", 1, id="torch-nopad-drops"),
        pytest.param(32, 1, 2, "valid", "keras", 0, id="1x1-stride-2-by-design"),
        pytest.param(32, 4, 2, (1, 1), "torch", 0, id="torch-4-2-1-fits"),
        pytest.param(35, 5, 4, "valid", "keras", 2, id="drops-2"),
    ],
)
def test_dropped_border(n, k, s, padding, framework, dropped):
    diags = list(RULES["CL302"]().check(_pool(n, k, s, padding, framework), Config()))
    if not dropped:
        assert diags == []
        return
    (d,) = diags
    rows = "row" if dropped == 1 else "rows"
    assert f"never reads the last {dropped} {rows} and the last {dropped} column" in d.message
    assert f"of its {n}x{n} input" in d.message
    assert d.severity == "info" and d.line == 6


def test_dropped_border_skips_ceil_mode_and_symbols():
    assert codes(RULES["CL302"], _pool(27, 2, 2, framework="torch", ceil_mode=True)) == []
    h = sym("H")
    model = shaped([layer("input", "Input", [], None, (None, h, h, 4)),
                    layer("pool", "MaxPooling2D", ["input"], (None, h, h, 4), None,
                          attrs={"pool_size": (2, 2), "strides": (2, 2), "padding": "valid"})])
    assert codes(RULES["CL302"], model) == []


def _two_layers(first: int, second: int, pool: bool = True) -> ShapedModel:
    rows = [
        layer("input", "Input", [], None, (None, 100)),
        layer("pool", "MaxPooling1D", ["input"], (None, 100), (None, 100)),
        layer("small", "Dense", ["pool"], (None, 100), (None, 1), (("kernel", (first, 1), "weight"),)),
        layer("big", "Dense", ["small"], (None, 1), (None, second), (("kernel", (1, second), "weight"),), line=5),
    ]
    return shaped(rows if pool else rows[:1] + rows[2:])


def test_dominant_layer_share_is_configurable():
    rule = RULES["CL203"]
    model = _two_layers(100, 300)  # the big one holds 300 / 400 = 75%
    (d,) = list(rule().check(model, Config()))
    assert "75% of the model's parameters (300 of 400)" in d.message and d.line == 5
    assert codes(rule, model, **{"dominant-layer-share": 0.8}) == []
    assert codes(rule, _two_layers(100, 100)) == []  # exactly half is not "more than"
    assert codes(rule, _two_layers(100, 300, pool=False)) == []  # an MLP, not a convnet


def test_dominant_layer_ignores_convolutions():
    rows = [
        layer("input", "Input", [], None, (None, 8, 8, 3)),
        layer("c1", "Conv2D", ["input"], None, None, (("kernel", (3, 3, 3, 4), "weight"),)),
        layer("c2", "Conv2D", ["c1"], None, None, (("kernel", (3, 3, 4, 64), "weight"),)),
    ]
    assert codes(RULES["CL203"], shaped(rows)) == []


def test_budgets():
    model = _two_layers(100, 300)
    assert codes(RULES["CL201"], model) == []  # off unless configured
    (d,) = list(RULES["CL201"]().check(model, parse_config({"max-params": 399})))
    assert "has 400 parameters, over the budget of 399 (max-params, from the configuration) by 1" in d.message
    assert d.message.endswith("; the largest: big (Dense) 300 (75%), small (Dense) 100 (25%)") and d.line == 3
    assert codes(RULES["CL201"], model, **{"max-params": 400}) == []
    diags = list(RULES["CL202"]().check(model, parse_config({"max-layer-params": 200})))
    assert [(d.code, d.line) for d in diags] == [("CL202", 5)]
    assert "'big' has 300 parameters" in diags[0].message


def test_budget_ignores_symbolic_counts():
    h = sym("H")
    rows = [layer("input", "Input", [], None, (None, h)),
            layer("dense", "Dense", ["input"], (None, h), (None, 10), (("kernel", (h, 10), "weight"),))]
    assert codes(RULES["CL201"], shaped(rows), **{"max-params": 1}) == []
    assert codes(RULES["CL202"], shaped(rows), **{"max-layer-params": 1}) == []


# -- the snippets, end to end ----------------------------------------------------------------
def _snippet_cases():
    for code, rule in sorted(RULES.items()):
        for i, src in enumerate(rule.INVALID):
            yield pytest.param(code, src, True, id=f"{code}-invalid-{i}")
        for i, src in enumerate(rule.VALID):
            yield pytest.param(code, src, False, id=f"{code}-valid-{i}")


@pytest.mark.parametrize("code, source, invalid", list(_snippet_cases()))
def test_rule_snippets(code, source, invalid):
    rule = RULES[code]
    checker = Checker(parse_config(dict(rule.CONFIG)), RULES, CATALOGUE)
    outcome = checker.check_source("snippet.py", source)
    found = [d.code for d in outcome.diagnostics]
    assert "CL999" not in found, outcome.diagnostics
    if invalid:
        assert code in found, outcome.diagnostics
    else:
        assert code not in found, outcome.diagnostics
        assert not [d for d in outcome.diagnostics if d.severity == "error"], outcome.diagnostics


def test_rules_with_a_code_path_have_snippets():
    """Every rule that a source file can trigger has snippets (internal errors cannot)."""
    missing = [c for c, r in RULES.items() if c.startswith("CL") and not (r.VALID and r.INVALID)]
    assert missing == ["CL999"], missing
