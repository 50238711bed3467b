"""Cost (``convlint/cost.py``): MACs by a hand-checked table (Keras has no MAC counter to
compare with; PyTorch rows are also checked against torchinfo in test_oracle_cost_torch.py),
memory, the peak, symbolic and incomplete totals, on hand-built graphs and on the fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest

from convlint.config import Config
from convlint.cost import Amount, LayerCost, model_cost
from convlint.dims import prod, sym
from convlint.engine import analyze
from convlint.frontend import FrontendOptions, analyze_source
from convlint.graph import ModelGraph, Node, Span
from convlint.layers import default_catalogue
from convlint.layers.core import TorchLinear
from convlint.output.units import number
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker
from layer_models import layer_model

ROOT = Path(__file__).resolve().parent.parent
PM = make_plugin_manager()
CHECKER = Checker(Config(), collect_rules(PM), make_catalogue(PM))


def _row(framework: str, type_: str, args: tuple, kwargs: dict, in_shape: tuple, macs: int, why: str) -> Any:
    return pytest.param(framework, type_, args, kwargs, in_shape, macs, id=f"{framework}-{type_}-{why}")


# Each expectation worked out by hand; the id shows the arithmetic (o = output positions).
HAND_CHECKED = [
    # Keras, channels_last
    _row("keras", "Conv2D", (32, 3), {}, (28, 28, 1), 216_320, "26*26*32*(9*1)+26*26*32"),
    _row("keras", "Conv2D", (64, 3), {"padding": "same", "strides": 2, "use_bias": False}, (32, 32, 16), 2_359_296,
         "16*16*64*(9*16)"),
    _row("keras", "Conv2D", (8, 3), {"groups": 2}, (10, 10, 4), 9_728, "8*8*8*(9*4/2)+8*8*8"),
    _row("keras", "Conv2D", (4, 3), {"data_format": "channels_first"}, (3, 10, 10), 7_168, "4*8*8*(9*3)+4*8*8"),
    _row("keras", "Conv1D", (16, 5), {}, (100, 8), 62_976, "96*16*(5*8)+96*16"),
    _row("keras", "Conv3D", (2, 3), {"use_bias": False}, (5, 5, 5, 1), 1_458, "3*3*3*2*(27*1)"),
    _row("keras", "DepthwiseConv2D", (3,), {"depth_multiplier": 2}, (10, 10, 4), 5_120, "8*8*8*9+8*8*8"),
    _row("keras", "SeparableConv2D", (16, 3), {}, (10, 10, 4), 7_424, "o=64: 64*4*9+64*4*16+64*16"),
    _row("keras", "Conv2DTranspose", (8, 3), {"strides": 2}, (5, 5, 4), 35_816, "11*11*8*(9*4)+11*11*8"),
    _row("keras", "Dense", (10,), {}, (1600,), 16_010, "1600*10+10"),
    _row("keras", "Dense", (6,), {}, (5, 4), 150, "5*(4*6+6)"),
    _row("keras", "Dense", (6,), {"use_bias": False}, (2, 5, 4), 240, "10*(4*6)"),
    _row("keras", "BatchNormalization", (), {}, (8, 8, 16), 32, "gamma+beta=16+16"),
    _row("keras", "BatchNormalization", (), {"center": False}, (8, 8, 16), 16, "gamma=16"),
    _row("keras", "LayerNormalization", (), {}, (10, 32), 64, "32+32"),
    _row("keras", "GroupNormalization", (), {"groups": 2}, (8, 8, 4), 8, "4+4"),
    _row("keras", "PReLU", (), {}, (4, 4, 3), 48, "alpha=4*4*3"),
    _row("keras", "MaxPooling2D", (2,), {}, (8, 8, 3), 0, "no-weights"),
    _row("keras", "GlobalAveragePooling2D", (), {}, (8, 8, 3), 0, "no-weights"),
    _row("keras", "ReLU", (), {}, (8, 8, 3), 0, "no-weights"),
    _row("keras", "Flatten", (), {}, (8, 8, 3), 0, "no-weights"),
    # PyTorch, channels_first (also in the torchinfo oracle)
    _row("torch", "Conv2d", (3, 6, 5), {}, (3, 32, 32), 357_504, "6*28*28*(25*3)+6*28*28"),
    _row("torch", "ConvTranspose2d", (16, 8, 2), {"stride": 2}, (16, 8, 8), 133_120, "8*16*16*(4*16)+8*16*16"),
    _row("torch", "Linear", (400, 120), {}, (400,), 48_120, "400*120+120"),
    _row("torch", "Linear", (20, 5), {}, (3, 20), 315, "3*(20*5+5)"),
    _row("torch", "BatchNorm2d", (16,), {}, (16, 8, 8), 32, "weight+bias"),
    _row("torch", "AvgPool2d", (2,), {}, (16, 8, 8), 0, "no-weights"),
]


@pytest.mark.parametrize("framework, type_, args, kwargs, in_shape, macs", HAND_CHECKED)
def test_macs_hand_checked(framework, type_, args, kwargs, in_shape, macs):
    shaped = analyze(layer_model(framework, type_, args, kwargs, [(None, *in_shape)]))
    assert not shaped.findings, shaped.findings
    cost = model_cost(shaped)
    assert cost.layers["layer"].macs == macs
    assert cost.macs == Amount(macs, True)


def _check(path: str) -> Any:
    source = (ROOT / path).read_text()
    return CHECKER.check_result(analyze_source(source, path, FrontendOptions()))


def test_memory_of_lenet():
    """LeNet on 3x32x32 (float32): every output's bytes, the input's, the parameters', the peak."""
    (shaped,) = _check("fixtures/torch/lenet.py").models
    cost = shaped.cost
    by_id = {r.node.id: cost.layers[r.node.id] for r in shaped.layers}
    assert by_id["conv1"].activation_bytes == 6 * 28 * 28 * 4
    assert by_id["fc3"].activation_bytes == 10 * 4
    assert cost.input_bytes == Amount(3 * 32 * 32 * 4, True)
    assert cost.activation_bytes == Amount(4 * (2 * 4704 + 1176 + 2 * 1600 + 400 + 400 + 2 * 120 + 2 * 84 + 10), True)
    assert cost.param_bytes == Amount(62_006 * 4, True)
    # the input dies after conv1 reads it; conv1's output and relu's are alive together
    assert cost.peak_activation_bytes == Amount(2 * 6 * 28 * 28 * 4, True)
    assert cost.peak_tensors == ("conv1", "relu")
    assert cost.macs == Amount(658_238, True)


def test_dtype_scales_the_memory_only():
    source = (ROOT / "fixtures/torch/lenet.py").read_text()
    result = analyze_source(source, "lenet.py", FrontendOptions())
    half = Checker(Config(dtype="float16"), collect_rules(PM), make_catalogue(PM)).check_result(result).models[0].cost
    assert (half.dtype, half.dtype_bytes) == ("float16", 2)
    assert half.param_bytes == Amount(62_006 * 2, True) and half.peak_activation_bytes == Amount(2 * 4704 * 2, True)
    assert half.macs == Amount(658_238, True)


def test_peak_keeps_a_skip_connection_alive():
    """UNet: the encoder's 16x64x64 output waits for the last concatenation; the peak is there:
    cat_1 (32x64x64) + its two inputs (16x64x64 each), 4 bytes each."""
    (shaped,) = _check("fixtures/torch/unet_small.py").models
    cost = shaped.cost
    assert cost.peak_activation_bytes == Amount((32 + 16 + 16) * 64 * 64 * 4, True)
    assert cost.peak_tensors == ("cat_1", "inc.double_conv.5", "up2")


def _graph(framework: str, nodes: List[Node], outputs: List[str]) -> ModelGraph:
    layout = "channels_last" if framework == "keras" else "channels_first"
    return ModelGraph("m", framework, "m.py", Span(1), nodes=nodes, inputs=[nodes[0].id], outputs=outputs, layout=layout)


def test_symbolic_input_gives_symbolic_macs():
    """No input shape: the issue's example, a 3x3 convolution of 3 -> 64 channels with padding 1."""
    (shaped,) = CHECKER.check_result(analyze_source(
        "import torch.nn as nn\n\nstem = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1, bias=False))\n",
        "stem.py", FrontendOptions())).models
    h, w = sym("H"), sym("W")
    assert shaped.cost.macs == Amount(1728 * h * w, True)
    assert number(shaped.cost.macs.value) == "1,728·H·W"
    assert shaped.cost.activation_bytes == Amount(64 * 4 * h * w, True)
    assert shaped.cost.peak_activation_bytes == Amount((3 + 64) * 4 * h * w, True)  # the input and conv's output
    assert shaped.cost.param_bytes == Amount(1728 * 4, True)


def test_a_symbolic_peak_only_where_one_step_provably_dominates():
    """A step's sum is the peak only if its difference to every other has no negative
    coefficient.  After a pooling, 256*H*W + 256*(H//2)*(W//2) (at the pooling) against
    512*(H//2)*(W//2) (after the last convolution) has a negative coefficient, true as the
    inequality is: the peak is left unknown rather than guessed."""
    source = ("import torch.nn as nn\n\nnet = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.MaxPool2d(2), "
              "nn.Conv2d(64, 64, 3, padding=1))\n")
    cost = CHECKER.check_result(analyze_source(source, "n.py", FrontendOptions())).models[0].cost
    assert cost.peak_activation_bytes == Amount(None, False)
    # the same without the pooling: every step is a multiple of H*W, and the largest is known
    source = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 8, 1))\n"
    cost = CHECKER.check_result(analyze_source(source, "n.py", FrontendOptions())).models[0].cost
    h, w = sym("H"), sym("W")
    assert cost.peak_activation_bytes == Amount((64 + 64) * 4 * h * w, True)
    assert cost.peak_tensors == ("0", "1")


def test_incomplete_model_gives_lower_bounds():
    """lenet_bad_fc: fc1 does not fit, so nothing after it is reached; its parameters are known.
    (Its example call is ``torch.randn(2, 3, 32, 32)``: one sample is axis 0 of it.)"""
    (shaped,) = _check("fixtures/torch/lenet_bad_fc.py").models
    cost = shaped.cost
    assert cost.macs == Amount(357_504 + 241_600, False)
    assert cost.macs.known == 599_104
    assert cost.peak_activation_bytes.exact is False
    assert cost.param_bytes == Amount(44_726 * 4, True)
    assert cost.layers["fc1"].macs is None and cost.layers["fc1"].activation_bytes is None


def test_an_unknown_layer_leaves_the_total_open():
    nodes = [
        Node("x", "Input", kwargs={"shape": (4,)}),
        Node("mystery", "Frobnicate", inputs=["x"]),
        Node("fc", "Linear", (4, 2), inputs=["mystery"]),
    ]
    cost = model_cost(analyze(_graph("torch", nodes, ["fc"])))
    assert cost.macs == Amount(0, False)  # nothing after the unknown layer is reached
    assert cost.param_bytes == Amount((4 * 2 + 2) * 4, False)  # Linear(4, 2) is known, the mystery is not


def test_a_shared_layer_costs_per_call_and_weighs_once():
    nodes = [
        Node("x", "Input", kwargs={"shape": (8,)}),
        Node("fc", "Linear", (8, 8), inputs=["x"], layer_id="fc"),
        Node("fc_1", "Linear", (8, 8), inputs=["fc"], layer_id="fc"),
    ]
    cost = model_cost(analyze(_graph("torch", nodes, ["fc_1"])))
    assert cost.macs == Amount(2 * 72, True)
    assert cost.param_bytes == Amount(72 * 4, True)
    # fc's output is read by fc_1, fc_1's is the model output: both alive at the last step
    assert cost.peak_activation_bytes == Amount(2 * 8 * 4, True)


def test_an_uncalled_module_costs_nothing_but_its_weights():
    (shaped,) = _check("fixtures/torch/forgotten_batchnorm.py").models
    uncalled = [r for r in shaped.layers if not r.node.called]
    assert [r.node.id for r in uncalled] == ["block.bn2"]
    assert shaped.cost.layers["block.bn2"] == LayerCost(macs=0, activation_bytes=0, param_bytes=32 * 4)


def test_a_plugin_spec_may_count_its_own_macs():
    class Counted(TorchLinear):
        types = (("torch", "Counted"),)
        signatures = {("torch", "Counted"): TorchLinear.signatures[("torch", "Linear")]}

        def macs(self, attrs, inputs, output):
            return 7

    catalogue = default_catalogue().extended([Counted()])
    nodes = [Node("x", "Input", kwargs={"shape": (4,)}), Node("c", "Counted", (4, 2), inputs=["x"])]
    assert model_cost(analyze(_graph("torch", nodes, ["c"]), catalogue)).macs == Amount(7, True)


def test_every_fixture_gets_a_cost_that_adds_up():
    """Through the pipeline, every fixture model: the MAC total is the sum of its layers', and a
    complete model's totals are exact."""
    for path in sorted((ROOT / "fixtures").glob("*/*.py")):
        rel = str(path.relative_to(ROOT))
        options = FrontendOptions(input_shapes={"Discriminator": (3, 64, 64)})
        for shaped in CHECKER.check_result(analyze_source(path.read_text(), rel, options)).models:
            cost = shaped.cost
            parts = [cost.layers[r.node.id].macs for r in shaped.layers if r.node.called]
            if shaped.shapes_complete:
                assert cost.macs.exact and cost.macs.value == sum(parts), rel
                assert cost.peak_activation_bytes.exact, rel
            else:
                assert not cost.macs.exact and cost.macs.value == sum(p for p in parts if isinstance(p, int)), rel


@pytest.mark.parametrize(
    "type_, args, sample",
    [("Conv2d", (3, 8, 3), (3, 10, 10)), ("Linear", (16, 4), (16,)), ("InstanceNorm2d", (3,), (3, 5, 5)),
     ("ConvTranspose1d", (2, 4, 3), (2, 7))],
)
def test_an_exact_tensor_costs_per_sample(type_, args, sample):
    """PyTorch's unbatched tensor is one sample whole, and an exact batch of 4 holds four: both
    cost what the same layer costs per sample on a batch of any size."""
    kwargs = {"affine": True} if type_ == "InstanceNorm2d" else {}

    def macs(shape, exact):
        shaped = analyze(layer_model("torch", type_, args, kwargs, [shape], exact=exact))
        assert shaped.findings == []
        cost = model_cost(shaped)
        assert cost.input_bytes.value == 4 * prod(sample)
        return cost.layers["layer"]

    per_sample = macs((None, *sample), False)
    unbatched = macs(sample, True)
    batch_of_4 = macs((4, *sample), True)
    assert per_sample.macs > 0
    assert (unbatched.macs, unbatched.activation_bytes) == (per_sample.macs, per_sample.activation_bytes)
    assert (batch_of_4.macs, batch_of_4.activation_bytes) == (per_sample.macs, per_sample.activation_bytes)
