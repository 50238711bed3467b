"""Engine behaviour beyond single layers: propagation of unknowns and symbols, reuse, findings."""

from __future__ import annotations

from convlint.dims import fmt, sym
from convlint.engine import analyze
from convlint.graph import ModelGraph, Node, Span, Unknown


def model(framework: str, in_shape, layers, layout=None) -> ModelGraph:
    layout = layout or ("channels_last" if framework == "keras" else "channels_first")
    m = ModelGraph("m", framework, "m.py", Span(1), layout=layout)
    m.add(Node("in", "Input", kwargs={"shape": in_shape}))
    m.inputs = ["in"]
    prev = "in"
    for i, (type_, args, kwargs) in enumerate(layers):
        m.add(Node(f"l{i}", type_, tuple(args), dict(kwargs), inputs=[prev], span=Span(10 + i, 5)))
        prev = f"l{i}"
    m.outputs = [prev]
    return m


def shapes(shaped):
    return [None if r.output_shape is None else tuple(fmt(d) for d in r.output_shape) for r in shaped.layers]


def test_symbolic_input_propagates_as_expressions():
    H, W = sym("H"), sym("W")
    shaped = analyze(model("keras", (H, W, 3), [("Conv2D", (8, 3), {}), ("Conv2D", (8, 3), {"strides": 2})]))
    assert shapes(shaped)[1:] == [(None, "H - 2", "W - 2", 8), (None, "(H + 1) // 2 - 2", "(W + 1) // 2 - 2", 8)]
    assert shaped.findings == []
    assert shaped.total_params == (3 * 9 * 8 + 8) + (8 * 9 * 8 + 8)


def test_unknown_layer_is_a_finding_and_downstream_is_unknown():
    shaped = analyze(model("keras", (28, 28, 1), [("MyFancyLayer", (), {}), ("Conv2D", (8, 3), {})]))
    assert [f.kind for f in shaped.findings] == ["unknown-layer"]
    assert shapes(shaped)[1:] == [None, None]
    assert shaped.total_params is None  # the unknown layer's params are unknown, not zero


def test_unknown_argument_is_reported_not_guessed():
    shaped = analyze(model("keras", (28, 28, 1), [("Conv2D", (8, Unknown("K is not a constant")), {})]))
    assert [f.kind for f in shaped.findings] == ["unknown-value"]
    assert "kernel_size" in shaped.findings[0].message and "K is not a constant" in shaped.findings[0].message
    assert shapes(shaped)[1] is None


def test_spatial_dim_reaching_zero_names_the_layer_and_the_deficit():
    shaped = analyze(model("torch", (1, 8, 8), [("Conv2d", (1, 4, 5), {}), ("Conv2d", (4, 4, 5), {})]))
    (finding,) = shaped.findings
    assert finding.node_id == "l1" and finding.kind == "non-positive-dim"
    assert "it is 1 too small" in finding.message
    assert finding.span.line == 11


def test_channel_mismatch_says_what_fits():
    shaped = analyze(model("torch", (3, 32, 32), [("Conv2d", (1, 6, 5), {})]))
    (finding,) = shaped.findings
    assert finding.kind == "channel-mismatch" and finding.expected == 3
    assert "Expected in_channels=3" in finding.message


def test_symbolic_requirement_becomes_a_constraint():
    C, H, W = sym("C"), sym("H"), sym("W")
    shaped = analyze(model("torch", (C, H, W), [("Conv2d", (3, 6, 5), {})]))
    assert shaped.findings == []
    (c,) = shaped.constraints
    assert (c.attr, c.value, c.actual) == ("in_channels", 3, C)


def test_reused_layer_counts_params_once_and_checks_compatibility():
    m = model("torch", (4, 8, 8), [("Conv2d", (4, 4, 3), {"padding": 1})])
    m.nodes[-1].layer_id = "shared"
    m.add(Node("again", "Conv2d", (4, 4, 3), {"padding": 1}, inputs=["l0"], layer_id="shared"))
    shaped = analyze(m)
    assert shaped.findings == []
    assert shaped.total_params == 4 * 4 * 9 + 4
    assert [r.first_use for r in shaped.layers] == [True, True, False]


def test_catalogue_bug_is_a_finding_not_a_traceback():
    from convlint.layers import default_catalogue
    from convlint.layers.base import LayerSpec

    class Broken(LayerSpec):
        types = (("keras", "Broken"),)

        def output_shape(self, attrs, inputs):
            raise ZeroDivisionError("oops")

    catalogue = default_catalogue().extended([Broken()])
    shaped = analyze(model("keras", (4, 4, 1), [("Broken", (), {})]), catalogue)
    assert [f.kind for f in shaped.findings] == ["internal"]


def test_unexpandable_star_args_make_arguments_unknown_not_missing():
    from convlint.graph import UnknownRest

    shaped = analyze(model("torch", (3, 8, 8), [("Linear", (UnknownRest("*sizes cannot be expanded"),), {"bias": False})]))
    assert [f.kind for f in shaped.findings] == ["unknown-value"]  # not invalid-argument "missing out_features"
    shaped = analyze(model("torch", (3, 8, 8), [("Conv2d", (3, 4), {"**": UnknownRest("**cfg cannot be expanded")})]))
    assert [f.kind for f in shaped.findings] == ["unknown-value"]


def test_torch_front_end_star_args_end_to_end():
    from convlint.config import Config
    from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
    from convlint.runner import Checker

    source = (
        "import torch.nn as nn\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self, sizes):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(*sizes, bias=False)\n\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n"
    )
    pm = make_plugin_manager()
    outcome = Checker(Config(), collect_rules(pm), make_catalogue(pm)).check_source("m.py", source)
    assert not [d for d in outcome.diagnostics if d.severity == "error"]
