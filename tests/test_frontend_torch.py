"""The PyTorch front end: source constructs -> graph nodes, input shapes and notes."""

from __future__ import annotations

import textwrap
from typing import Any, Dict, List, Tuple

import pytest

from convlint.dims import free_symbols, sym
from convlint.engine import analyze
from convlint.frontend import FileNote, FrontendOptions, analyze_source
from convlint.frontend.python.interp import MAX_STEPS
from convlint.graph import ModelGraph, SizeOf, Unknown


def run(src: str, path: str = "m.py", **shapes: Tuple[Any, ...]) -> Tuple[List[ModelGraph], List[FileNote]]:
    options = FrontendOptions(input_shapes=dict(shapes))
    result = analyze_source(textwrap.dedent(src), path, options)
    return [m for m in result.models if m.framework == "torch"], result.notes


def one(src: str, **shapes: Tuple[Any, ...]) -> ModelGraph:
    models, _ = run(src, **shapes)
    assert len(models) == 1, [m.name for m in models]
    return models[0]


def layers(model: ModelGraph) -> List[Tuple[str, str]]:
    return [(n.id, n.type) for n in model.nodes if n.type != "Input" and n.called]


def input_shape(model: ModelGraph, i: int = 0) -> Any:
    """An input's shape without the batch axis (a declaration, the configuration, a guess)."""
    return model.node(model.inputs[i]).kwargs["shape"]


def exact_input(model: ModelGraph, i: int = 0) -> Any:
    """An input's exact shape, every axis included (a tensor a factory call made)."""
    return model.node(model.inputs[i]).kwargs["batch_shape"]


CNN_BODY = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = {conv}(3, 8, 3)

    def forward(self, x):
        return self.conv(x)
"""


@pytest.mark.parametrize(
    "imports, conv",
    [
        ("import torch\nimport torch.nn as nn", "nn.Conv2d"),
        ("import torch\nfrom torch import nn", "nn.Conv2d"),
        ("import torch\nimport torch.nn\nnn = torch.nn", "torch.nn.Conv2d"),
        ("import torch\nfrom torch import nn\nfrom torch.nn import Conv2d as C", "C"),
        ("import torch\nfrom torch import nn\nfrom torch.nn.modules.conv import Conv2d", "Conv2d"),
    ],
    ids=["import-as", "from-import", "dotted", "alias", "deep-module"],
)
def test_layer_names_resolve_through_the_files_imports(imports: str, conv: str) -> None:
    model = one(imports + "\n" + CNN_BODY.format(conv=conv))
    assert model.name == "Net" and model.framework == "torch" and model.layout == "channels_first"
    (node,) = [n for n in model.nodes if n.type != "Input"]
    assert (node.type, node.args, node.name, node.layer_id) == ("Conv2d", (3, 8, 3), "conv", "conv")


def test_a_local_class_named_like_a_layer_is_not_taken_for_it() -> None:
    src = """
    import torch
    from torch import nn

    def Conv2d(*args):
        return nn.Identity()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = Conv2d(3, 8, 3)
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(self.conv(x))
    """
    assert layers(one(src)) == [("fc", "Linear")]


def test_sequential_positional_nested_and_ordered_dict() -> None:
    src = """
    from collections import OrderedDict
    import torch
    import torch.nn as nn

    model = nn.Sequential(
        nn.Conv2d(1, 4, 3),
        nn.Sequential(nn.ReLU(), nn.MaxPool2d(2)),
        nn.Sequential(OrderedDict([("flat", nn.Flatten()), ("fc", nn.Linear(4 * 13 * 13, 10))])),
    )
    """
    model = one(src)
    assert model.name == "model"
    assert layers(model) == [("0", "Conv2d"), ("1.0", "ReLU"), ("1.1", "MaxPool2d"), ("2.flat", "Flatten"), ("2.fc", "Linear")]
    assert model.node("2.fc").args == (676, 10)
    assert model.span.line == 6


def test_module_list_from_comprehension_loop_and_module_dict() -> None:
    src = """
    import torch.nn as nn

    class MLP(nn.Module):
        def __init__(self, widths=(8, 16, 32)):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1)])
            blocks = []
            for i in range(2):
                blocks.append(nn.Linear(32, 32))
            self.blocks = nn.ModuleList(blocks)
            self.heads = nn.ModuleDict({"a": nn.Linear(32, 3), "b": nn.Linear(32, 5)})

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            for i, block in enumerate(self.blocks):
                x = block(x)
            return self.heads["b"](x)
    """
    model = one(src)
    assert layers(model) == [
        ("layers.0", "Linear"), ("layers.1", "Linear"), ("blocks.0", "Linear"), ("blocks.1", "Linear"), ("heads.b", "Linear"),
    ]
    # heads.a is never called, but model.parameters() counts it: so does convlint
    assert [n.id for n in model.nodes if not n.called] == ["heads.a"]
    assert analyze(model).total_params == (8 * 16 + 16) + (16 * 32 + 32) + 2 * (32 * 32 + 32) + (32 * 3 + 3) + (32 * 5 + 5)
    assert [model.node(i).args for i in ("layers.0", "layers.1", "heads.b")] == [(8, 16), (16, 32), (32, 5)]
    assert input_shape(model) == (8,)  # no shape given: taken from the first Linear


def test_constructor_arguments_defaults_instantiation_and_constants() -> None:
    src = """
    import torch.nn as nn

    HIDDEN = 4 * 32

    class Net(nn.Module):
        def __init__(self, in_ch, num_classes=10, *, width=HIDDEN // 2):
            super().__init__()
            self.conv = nn.Conv2d(in_channels=in_ch, out_channels=width, kernel_size=3, padding=1)
            self.fc = nn.Linear(width, num_classes)

        def forward(self, x):
            return self.fc(self.conv(x).mean((2, 3)))

    model = Net(3, num_classes=5)
    """
    model = one(src)
    assert model.node("conv").kwargs == {"in_channels": 3, "out_channels": 64, "kernel_size": 3, "padding": 1}
    assert model.node("fc").args == (64, 5)


def test_missing_constructor_argument_is_unknown_with_a_note() -> None:
    src = """
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self, in_ch):
            super().__init__()
            self.conv = nn.Conv2d(in_ch, 8, 3)

        def forward(self, x):
            return self.conv(x)
    """
    models, notes = run(src)
    (node,) = [n for n in models[0].nodes if n.type != "Input"]
    assert isinstance(node.args[0], Unknown) and "in_ch" in node.args[0].reason
    assert any(n.kind == "unresolved" and n.span.line == 7 and n.model == "Net" for n in notes)


LENET = """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = {flatten}
        return self.fc1(x)
"""


def test_nested_calls_reuse_and_view() -> None:
    model = one(LENET.format(flatten="x.view(-1, 16 * 5 * 5)"))
    assert layers(model) == [
        ("conv1", "Conv2d"), ("relu", "ReLU"), ("pool", "MaxPool2d"), ("conv2", "Conv2d"), ("relu_1", "ReLU"),
        ("pool_1", "MaxPool2d"), ("view", "view"), ("fc1", "Linear"),
    ]
    # the pool is one module called twice: one layer_id, constructed on line 10
    assert model.node("pool").layer_id == model.node("pool_1").layer_id == "pool"
    assert model.node("pool_1").span.line == 10 and model.node("pool_1").name == "pool"
    # functional ops are positioned at the call and keep their spelling
    assert (model.node("relu").op, model.node("relu").span.line) == ("F.relu", 15)
    assert model.node("view").args == (-1, 400) and model.node("view").inputs == ["pool_1"]
    assert model.node("conv1").inputs == [model.inputs[0]]


@pytest.mark.parametrize(
    "flatten, type_, args, kwargs",
    [
        ("x.view(x.size(0), -1)", "view", (SizeOf(0), -1), {}),
        ("x.reshape(x.shape[0], 400)", "view", (SizeOf(0), 400), {}),
        ("torch.reshape(x, (-1, 400))", "view", (-1, 400), {}),
        ("torch.flatten(x, 1)", "Flatten", (), {"start_dim": 1, "end_dim": -1}),
        ("torch.flatten(x)", "Flatten", (), {"start_dim": 0, "end_dim": -1}),
        ("x.flatten(1)", "Flatten", (), {"start_dim": 1, "end_dim": -1}),
        ("nn.Flatten()(x)", "Flatten", (), {}),
    ],
)
def test_flatten_spellings(flatten: str, type_: str, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
    model = one(LENET.format(flatten=flatten))
    node = model.nodes[-2]
    assert (node.type, node.args, node.kwargs) == (type_, args, kwargs)


def test_functional_ops_bind_to_their_own_signatures() -> None:
    src = """
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Net(nn.Module):
        def forward(self, x, y):
            x = F.max_pool2d(x, 3, 2, 1, 1, True)
            x = F.avg_pool2d(x, kernel_size=2)
            x = F.adaptive_avg_pool2d(x, (1, 1))
            x = F.dropout(x, 0.2, self.training)
            x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = F.pad(x, [1, 1, 2, 2])
            x = torch.cat((x, y), dim=1)
            x = x.permute(0, 2, 3, 1).transpose(1, 2)
            return F.log_softmax(x, dim=1)
    """
    model = one(src)
    got = [(n.type, n.kwargs, n.args) for n in model.nodes if n.type != "Input"]
    assert got == [
        ("MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 1, "ceil_mode": True}, ()),
        ("AvgPool2d", {"kernel_size": 2}, ()),
        ("AdaptiveAvgPool2d", {"output_size": (1, 1)}, ()),
        ("Dropout", {"p": 0.2}, ()),
        ("Upsample", {"scale_factor": 2, "mode": "nearest"}, ()),
        ("pad", {"pad": (1, 1, 2, 2)}, ()),
        ("cat", {"dim": 1}, ()),
        ("permute", {}, (0, 2, 3, 1)),
        ("transpose", {"dim0": 1, "dim1": 2}, ()),
        ("LogSoftmax", {"dim": 1}, ()),
    ]
    assert model.node("cat").inputs == ["pad", "y"]
    assert model.inputs == ["x", "y"]


def test_activation_spellings() -> None:
    src = """
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Net(nn.Module):
        def forward(self, x):
            return torch.relu(F.relu(x).relu()).sigmoid()
    """
    model = one(src)
    assert [(n.type, n.op) for n in model.nodes[1:]] == [
        ("ReLU", "F.relu"), ("ReLU", ".relu"), ("ReLU", "torch.relu"), ("Sigmoid", ".sigmoid"),
    ]


RESNET = """
import torch
import torch.nn as nn
import torch.nn.functional as F

class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.conv2(out)
        if self.downsample is not None:
            identity = self.downsample(x)
        out = out + identity
        return F.relu(out)

class ResNet(nn.Module):
    def __init__(self, width=16):
        super().__init__()
        self.stem = nn.Conv2d(3, width, 3, padding=1)
        self.block1 = BasicBlock(width, width)
        self.block2 = BasicBlock(width, 2 * width, 2, nn.Sequential(nn.Conv2d(width, 2 * width, 1, 2), nn.BatchNorm2d(2 * width)))

    def forward(self, x):
        return self.block2(self.block1(self.stem(x)))
"""


def test_submodule_classes_are_inlined_with_their_arguments() -> None:
    models, notes = run(RESNET)
    assert [m.name for m in models] == ["ResNet"]  # BasicBlock is a part, not a model
    model = models[0]
    assert layers(model) == [
        ("stem", "Conv2d"),
        ("block1.conv1", "Conv2d"), ("block1.bn1", "BatchNorm2d"), ("relu", "ReLU"), ("block1.conv2", "Conv2d"),
        ("add", "add"), ("relu_1", "ReLU"),
        ("block2.conv1", "Conv2d"), ("block2.bn1", "BatchNorm2d"), ("relu_2", "ReLU"), ("block2.conv2", "Conv2d"),
        ("block2.downsample.0", "Conv2d"), ("block2.downsample.1", "BatchNorm2d"),
        ("add_1", "add"), ("relu_3", "ReLU"),
    ]
    assert model.node("add").inputs == ["block1.conv2", "stem"]
    assert model.node("add_1").inputs == ["block2.conv2", "block2.downsample.1"]
    assert model.node("block2.conv1").args == (16, 32, 3, 2, 1)
    assert model.node("block2.conv1").span.line == 9
    assert not [n for n in notes if n.kind == "unsupported"]


def test_parameter_with_functional_conv() -> None:
    src = """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(16, 4, 3, 5))
            self.w2 = nn.Parameter(torch.randn(10, 16))

        def forward(self, x):
            x = F.conv2d(x, self.weight, None, 1, (1, 2), 1, 2)
            return F.linear(x.mean((2, 3)), self.w2)
    """
    model = one(src)
    conv = model.nodes[1]
    assert (conv.type, conv.args, conv.layer_id) == ("Conv2d", (8, 16, (3, 5)), "weight")
    assert conv.kwargs == {"bias": False, "stride": 1, "padding": (1, 2), "dilation": 1, "groups": 2}
    assert input_shape(model) == (8, sym("H"), sym("W"))


def test_straight_line_tensor_code() -> None:
    src = """
    import torch
    import torch.nn as nn

    a = torch.rand(10, 1023)
    fc = nn.Linear(1024, 512)
    y = fc(a)
    """
    model = one(src)
    assert model.name == "fc"
    assert exact_input(model) == (10, 1023)
    assert layers(model) == [("fc", "Linear")] and model.node("fc").span.line == 6


def test_straight_line_linear_mismatch_is_found() -> None:
    model = one("import torch\nfrom torch import nn\na = torch.rand(10, 1023)\nfc = nn.Linear(1024, 512)\ny = fc(a)\n")
    shaped = analyze(model)
    (finding,) = shaped.findings
    # reported where torch raises, the call on line 5; the constructor (line 4) is related
    assert (finding.kind, finding.span.line, finding.expected, finding.defined.line) == ("channel-mismatch", 5, 1023, 4)


def test_control_flow_makes_shapes_unknown_not_wrong() -> None:
    src = """
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3)
            self.fc = nn.Linear(12345, 10)

        def forward(self, x):
            x = self.conv(x)
            y = my_helper(x)
            if x.size(2) > 10:
                x = x[:, :, :10]
            return self.fc(x.flatten(1))

    if __name__ == "__main__":
        Net()(torch.randn(1, 3, 32, 32))
    """
    models, notes = run(src)
    model = models[0]
    kinds = [(n.kind, n.span.line) for n in notes]
    assert ("unsupported", 13) in kinds  # the unknown helper
    assert ("unsupported", 14) not in kinds  # the size query decides the if: 30 > 10
    assert ("unsupported", 15) in kinds  # slicing a tensor is not followed: said where it happens
    assert any("my_helper" in n.message for n in notes)
    shaped = analyze(model)
    assert shaped.result("conv").output_shape == (1, 8, 30, 30)
    assert shaped.result("fc").output_shape is None
    assert not shaped.findings  # Linear(12345) is not a false error


def test_loop_over_unknown_range_is_unsupported() -> None:
    src = """
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.n = n

        def forward(self, x):
            for _ in range(self.n):
                x = self.fc(x)
            return x
    """
    models, notes = run(src)
    assert any(n.kind == "unsupported" and "for _ in range(self.n)" in n.message for n in notes)
    assert models[0].node("fc").inputs[0].startswith("?")


# -- input shapes -----------------------------------------------------------------------------
SMALL = """
import torch
import torch.nn as nn
import torchinfo
from torchsummary import summary

{comment}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x)

{tail}
"""


@pytest.mark.parametrize(
    "tail, shape",
    [
        ("Net()(torch.randn(1, 3, 32, 32))", {"batch_shape": (1, 3, 32, 32)}),
        ("model = Net()\nx = torch.zeros(4, 3, 28, 30)\nout = model(x)", {"batch_shape": (4, 3, 28, 30)}),
        ("if __name__ == '__main__':\n    model = Net().to('cpu')\n    model(torch.ones((2, 3, 64, 64)))", {"batch_shape": (2, 3, 64, 64)}),
        ("torchinfo.summary(Net(), input_size=(1, 3, 16, 16))", {"batch_shape": (1, 3, 16, 16)}),
        ("summary(Net(), (3, 20, 24))", {"shape": (3, 20, 24)}),  # torchsummary adds the batch axis
    ],
    ids=["call", "variable", "main-guard", "torchinfo", "torchsummary"],
)
def test_input_shape_from_an_example_call(tail: str, shape: Dict[str, Tuple[int, ...]]) -> None:
    models, notes = run(SMALL.format(comment="# convlint: input-shape=(3, 99, 99)", tail=tail))
    assert models[0].node(models[0].inputs[0]).kwargs == shape  # the example call wins over the comment
    assert not [n for n in notes if n.kind == "no-input-shape"]


def test_input_shape_from_comment_then_options() -> None:
    assert input_shape(one(SMALL.format(comment="# convlint: input-shape=(3, 40, 40)", tail=""))) == (3, 40, 40)
    assert input_shape(one(SMALL.format(comment="", tail=""), **{"Net": (3, 50, 50)})) == (3, 50, 50)
    assert input_shape(one(SMALL.format(comment="", tail=""), **{"m.py::Net": (3, 60, 60), "Net": (3, 1, 1)})) == (3, 60, 60)


def test_no_input_shape_is_symbolic_with_a_note() -> None:
    models, notes = run(SMALL.format(comment="", tail=""))
    assert input_shape(models[0]) == (3, sym("H"), sym("W"))
    (note,) = [n for n in notes if n.kind == "no-input-shape"]
    assert note.model == "Net" and note.span.line == 8 and "symbolic" in note.message


def test_symbolic_rank_follows_the_first_layer_family() -> None:
    src = """
    import torch.nn as nn
    seq1 = nn.Sequential(nn.Conv1d(2, 4, 3), nn.ReLU())
    seq3 = nn.Sequential(nn.Conv3d(1, 4, 3))
    seqp = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(5, 4, 3))
    """
    models, _ = run(src)
    shapes = {m.name: input_shape(m) for m in models}
    assert shapes == {
        "seq1": (2, sym("L")),
        "seq3": (1, sym("D"), sym("H"), sym("W")),
        "seqp": (sym("C"), sym("H"), sym("W")),
    }


# -- robustness -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "src",
    [
        "import torch\nx = torch.randn(*[1, 2])\nlambda: torch\n",
        "import torch.nn as nn\nclass A(nn.Module):\n    def forward(self, x):\n        while x:\n            x = x + 1\n        return x\n",
        "import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = self\n    def forward(self, x):\n        return self.a(x)\n",
        "import torch.nn as nn\nclass A(nn.Sequential):\n    def __init__(self):\n        super().__init__(nn.ReLU())\nm = A()\n",
        "import torch\nfrom torch import nn\nclass A(nn.Module):\n    def f(self): return self.f()\n    def forward(self, x):\n        return self.f()\n",
        "import torch\nfrom torch import nn\nm = nn.Sequential(*[nn.Linear(4, 4)] * 10**9)\n",
        "import torch\nfrom torch import nn\nl = nn.Linear(1 / 0, 'a' * 2)\ny = l(torch.rand(3, None))\n",
    ],
    ids=["odd-exprs", "while", "self-cycle", "sequential-subclass", "recursion", "huge", "garbage-args"],
)
def test_odd_code_never_raises(src: str) -> None:
    result = analyze_source(src, "odd.py")
    for model in result.models:
        analyze(model)
    assert all(n.kind in ("unresolved", "unsupported", "no-input-shape") for n in result.notes)


def test_files_without_torch_are_skipped_cheaply() -> None:
    models, notes = run("import numpy as np\nx = np.zeros(3)\n")
    assert models == [] and notes == []


def test_sequential_subclass_and_conditional_residual() -> None:
    src = """
    import torch
    from torch import nn

    class ConvBNReLU(nn.Sequential):
        def __init__(self, in_planes, out_planes, kernel_size=3, stride=1, groups=1):
            padding = (kernel_size - 1) // 2
            super(ConvBNReLU, self).__init__(
                nn.Conv2d(in_planes, out_planes, kernel_size, stride, padding, groups=groups, bias=False),
                nn.BatchNorm2d(out_planes),
                nn.ReLU6(inplace=True),
            )

    class InvertedResidual(nn.Module):
        def __init__(self, inp, oup, stride, expand_ratio):
            super().__init__()
            hidden_dim = int(round(inp * expand_ratio))
            self.use_res_connect = stride == 1 and inp == oup
            layers = []
            if expand_ratio != 1:
                layers.append(ConvBNReLU(inp, hidden_dim, kernel_size=1))
            layers.extend([
                ConvBNReLU(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim),
                nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False),
                nn.BatchNorm2d(oup),
            ])
            self.conv = nn.Sequential(*layers)

        def forward(self, x):
            if self.use_res_connect:
                return x + self.conv(x)
            else:
                return self.conv(x)

    class Tiny(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(ConvBNReLU(3, 16, stride=2), InvertedResidual(16, 16, 1, 6), InvertedResidual(16, 24, 2, 1))

        def forward(self, x):
            return self.features(x)
    """
    models, notes = run(src)
    assert [m.name for m in models] == ["Tiny"]
    model = models[0]
    assert layers(model)[:3] == [("features.0.0", "Conv2d"), ("features.0.1", "BatchNorm2d"), ("features.0.2", "ReLU6")]
    assert model.node("features.0.0").args == (3, 16, 3, 2, 1)
    assert model.node("features.1.conv.1.0").kwargs == {"groups": 96, "bias": False}
    assert model.node("add").inputs == ["features.0.2", "features.1.conv.3"]
    assert "features.2.conv.0.0" in [n.id for n in model.nodes] and "add_1" not in [n.id for n in model.nodes]
    assert not [n for n in notes if n.kind in ("unsupported", "unresolved")]


def test_vgg_make_layers_and_weight_init_loop() -> None:
    src = """
    import torch.nn as nn

    cfg = [16, "M", 32, 32, "M"]

    def make_layers(cfg, batch_norm=False):
        layers = []
        in_channels = 3
        for v in cfg:
            if v == "M":
                layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
            else:
                conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
                if batch_norm:
                    layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
                else:
                    layers += [conv2d, nn.ReLU(inplace=True)]
                in_channels = v
        return nn.Sequential(*layers)

    class VGG(nn.Module):
        def __init__(self, features, num_classes=10):
            super().__init__()
            self.features = features
            self.classifier = nn.Linear(32 * 8 * 8, num_classes)
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

        def forward(self, x):
            x = self.features(x)
            return self.classifier(x.view(x.size(0), -1))

    model = VGG(make_layers(cfg, batch_norm=True))
    """
    models, notes = run(src)
    (model,) = models
    assert [t for _, t in layers(model)] == [
        "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d", "BatchNorm2d", "ReLU", "Conv2d", "BatchNorm2d", "ReLU",
        "MaxPool2d", "view", "Linear",
    ]
    assert model.node("features.7").args == (32, 32)
    assert [n.kind for n in notes] == ["no-input-shape"]


def test_statement_budget_stops_runaway_code() -> None:
    src = """
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            for i in range(500):
                for j in range(500):
                    x = self.fc(x)
            return x
    """
    models, notes = run(src)
    assert any("statements to follow" in n.message for n in notes)
    assert len(models[0].nodes) <= MAX_STEPS


def test_super_with_the_class_name_does_not_make_it_a_component() -> None:
    src = """
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(x)
    """
    assert one(src).name == "Net"


def test_lenet_with_a_hand_computed_in_features_names_the_fitting_value() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "fixtures" / "torch" / "lenet_bad_fc.py"
    model = one(path.read_text())
    (finding,) = analyze(model).findings
    assert (finding.kind, finding.span.line, finding.expected) == ("channel-mismatch", 20, 400)  # self.fc1(x)
    assert finding.defined is not None and finding.defined.line == 12
    assert finding.message.endswith("Expected in_features=400 = 16 * 5 * 5")


def test_merges_identity_and_branches() -> None:
    src = """
    import torch
    from torch import nn

    class Inception(nn.Module):
        def __init__(self):
            super().__init__()
            self.branches = nn.ModuleList([nn.Conv2d(8, 4, k, padding=k // 2) for k in (1, 3, 5)])
            self.skip = nn.Identity()
            self.add_module("proj", nn.Conv2d(12, 8, 1))

        def forward(self, x):
            y = torch.cat([b(x) for b in self.branches], 1)
            y = self.proj(y)
            y = torch.add(y, self.skip(x))
            y = y.mul(x) - x
            return y * 0.5
    """
    model = one(src)
    assert layers(model) == [
        ("branches.0", "Conv2d"), ("branches.1", "Conv2d"), ("branches.2", "Conv2d"), ("cat", "cat"), ("proj", "Conv2d"),
        ("add", "add"), ("mul", "mul"), ("sub", "sub"),
    ]
    assert model.node("cat").inputs == ["branches.0", "branches.1", "branches.2"]
    assert model.node("add").inputs == ["proj", "x"]  # nn.Identity passes its input through
    assert model.node("sub").inputs == ["mul", "x"]
    assert model.node("branches.2").kwargs == {"padding": 2}
    assert model.outputs == ["sub"]  # scaling by a number keeps the tensor


def test_shape_unpacking_and_properties() -> None:
    src = """
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(self.features, 10)

        @property
        def features(self):
            return 8 * 4 * 4

        def forward(self, x):
            b, c, h, w = x.size()
            n = x.shape[0]
            x = x.view(b, c * h * w) if False else x.reshape(n, -1)
            return self.fc(x.view(b, -1))
    """
    models, notes = run(src)
    model = models[0]
    assert model.node("fc").args == (128, 10)
    assert [(n.type, n.args) for n in model.nodes[1:3]] == [("view", (SizeOf(0), -1)), ("view", (SizeOf(0), -1))]
    assert not [n for n in notes if n.kind != "no-input-shape"]


def test_sizes_of_another_tensor_are_filled_in_by_the_engine() -> None:
    """``c`` is axis 1 of the input, not of the conv output: a symbol the engine resolves to 3,
    so ``view(b, 3, -1)`` of 8 * 8 * 8 values is the error PyTorch raises."""
    src = """
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3)

        def forward(self, x):
            b, c, h, w = x.shape
            return self.conv(x).view(b, c, -1)

    Net()(torch.randn(1, 3, 10, 10))
    """
    models, notes = run(src)
    view = models[0].nodes[-1]
    assert view.args[0] == SizeOf(0) and view.args[2] == -1 and free_symbols(view.args[1]) == {"x.shape[1]"}
    assert not [n for n in notes if n.kind == "unresolved"]
    findings = analyze(models[0]).findings
    assert [f.kind for f in findings] == ["reshape-size"], [f.message for f in findings]


def test_dcgan_multi_gpu_branches_are_decided_for_a_cpu_input() -> None:
    """``isinstance(input.data, torch.cuda.FloatTensor)`` and ``input.is_cuda`` are False for
    the CPU tensor of an example call, so the DCGAN ``forward`` is followed to the end."""
    src = """
    import torch
    import torch.nn as nn

    class D(nn.Module):
        def __init__(self, ngpu):
            super().__init__()
            self.ngpu = ngpu
            self.main = nn.Sequential(nn.Conv2d(3, 8, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True))

        def forward(self, input):
            if isinstance(input.data, torch.cuda.FloatTensor) and self.ngpu > 1:
                output = nn.parallel.data_parallel(self.main, input, range(self.ngpu))
            elif input.is_cuda:
                output = self.main(input.cuda())
            else:
                output = self.main(input)
            return output

    D(2)(torch.randn(1, 3, 64, 64))
    """
    models, notes = run(src)
    assert [n for n in notes if n.kind == "unsupported"] == []
    assert analyze(models[0]).result("main.1").output_shape == (1, 8, 32, 32)


def test_unknown_if_only_forgets_what_its_branches_assign() -> None:
    src = """
    import torch
    import torch.nn as nn

    class D(nn.Module):
        def __init__(self, ngpu):
            super().__init__()
            self.ngpu = ngpu
            self.main = nn.Sequential(nn.Conv2d(3, 8, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True))

        def forward(self, input):
            gpu_ids = None
            if input.sum() > 0 and self.ngpu > 1:
                gpu_ids = range(self.ngpu)
            elif input.mean() > 0:
                input = input.cuda()
            else:
                pass
            y = self.main(input)
            if isinstance(y, tuple) and False:
                y = y[0]
            return y

    if __name__ == "__main__":
        D(2)(torch.randn(1, 3, 64, 64))
    """
    models, notes = run(src)
    unsupported = [n for n in notes if n.kind == "unsupported"]
    assert len(unsupported) == 1 and unsupported[0].span.line == 13  # one note for the whole if/elif/else
    shaped = analyze(models[0])
    assert shaped.result("main.0").output_shape is None  # `input` may be reassigned by a branch
    src2 = src.replace("            elif input.mean() > 0:\n                input = input.cuda()\n", "")
    shaped = analyze(one(src2))
    assert shaped.result("main.1").output_shape == (1, 8, 32, 32)  # only gpu_ids was touched


def test_training_script_code_is_not_a_model() -> None:
    src = """
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(x)

    model = Net()
    criterion = nn.CrossEntropyLoss()
    for data, target in loader:
        loss = criterion(model(data), target)
    out = criterion(model(torch.randn(3, 4)), torch.zeros(3))
    """
    models, notes = run(src)
    assert [m.name for m in models] == ["Net"]
    assert exact_input(models[0]) == (3, 4)
    assert [n.kind for n in notes] == []


def test_unknown_loop_in_init_means_unknown_modules() -> None:
    src = """
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self, depth):
            super().__init__()
            layers = []
            for _ in range(depth):
                layers.append(nn.Linear(8, 8))
            self.body = nn.Sequential(*layers)
            self.head = nn.Linear(8, 2)

        def forward(self, x):
            return self.head(self.body(x))
    """
    models, notes = run(src)
    (note,) = [n for n in notes if n.kind == "unsupported"]
    assert note.span.line == 8 and "the modules it would create are unknown" in note.message
    assert layers(models[0]) == [("head", "Linear")]
    assert models[0].node("head").inputs[0].startswith("?")  # not "an empty Sequential": unknown


TRAINING_BRANCH = """\
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten())
        self.drop = nn.Dropout(0.5)
        self.aux = nn.Linear(8 * 6 * 6, 4)
        self.fc = nn.Linear(8 * 6 * 6, 10)

    def forward(self, x):
        x = self.body(x)
        if self.training:
            x = self.drop(x)
        if not self.training:
            return self.fc(x)
        return self.fc(x), self.aux(x)

model = Net()
MODE
model(torch.randn(1, 3, 8, 8))
"""


@pytest.mark.parametrize(
    "mode, training",
    [("", True), ("model.eval()", False), ("model.train(False)", False), ("model = model.eval().train()", True)],
)
def test_self_training_follows_the_module_mode(mode: str, training: bool) -> None:
    """A module starts in training mode; ``eval()`` / ``train(False)`` switch it (and its
    submodules), as PyTorch does: ``forward`` is read in that mode, nothing is left unknown."""
    model, notes = run(TRAINING_BRANCH.replace("MODE", mode))
    (graph,) = model
    assert not [n for n in notes if n.kind == "unsupported"]
    names = [n.name for n in graph.nodes if n.called]
    assert ("drop" in names) == training and ("aux" in names) == training
    assert [n.name for n in graph.nodes if not n.called] == ([] if training else ["drop", "aux"])
    assert len(graph.outputs) == (2 if training else 1)


def test_uncalled_modules_only_when_forward_was_followed_to_the_end() -> None:
    """A module may be called by code convlint could not follow: then it is not declared
    uncalled (no CL304 guess), and the totals stay as before."""
    src = """
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3)
            self.extra = nn.Conv2d(8, 8, 1)

        def forward(self, x):
            x = self.conv(x)
            while x.sum() > 0:
                x = self.extra(x)
            return x
    """
    model = one(src)
    assert all(n.called for n in model.nodes)


def test_a_functional_op_is_not_a_reuse_of_a_module_with_the_same_name() -> None:
    src = """
    import torch
    from torch import nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(4, 4)
            self.w = nn.Parameter(torch.randn(2, 4))

        def forward(self, x):
            x = F.linear(x, self.w)
            return x

    Net()(torch.randn(1, 4))
    """
    shaped = analyze(one(src))
    assert not shaped.findings
    (module,) = [n for n in shaped.model.nodes if n.layer_id == "linear"]
    assert module.called is False and module.type == "Linear"
    op = next(n for n in shaped.model.nodes if n.op == "F.linear")
    assert op.called and op.weight_key != "linear"
    assert [r.first_use for r in shaped.layers if r.node.type == "Linear"] == [True, True]
    assert shaped.total_params == 2 * 4 + (4 * 4 + 4)


def test_f_relu_and_a_module_named_relu_are_two_layers() -> None:
    src = """
    import torch
    from torch import nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3)
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(F.relu(self.conv(x)))

    Net()(torch.randn(1, 3, 8, 8))
    """
    shaped = analyze(one(src))
    assert all(r.first_use for r in shaped.layers)  # the module is not a reuse of F.relu


def test_sizes_read_off_tensors_become_engine_filled_symbols() -> None:
    """``x.size(i)`` in a layer argument or in arithmetic is a symbol for that axis of x's node;
    the engine substitutes the propagated dim (true division stays unknown: not an integer)."""
    src = """
    import torch
    from torch import nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self, width=8):
            super().__init__()
            self.conv = nn.Conv2d(3, width, 3)

        def forward(self, x):
            x = self.conv(x)
            g = F.avg_pool2d(x, x.size(2) // 2)
            flat = g.view(g.size(0), g.size(1) * g.size(2) * g.size(3))
            bad = F.max_pool2d(x, x.size(3) / 2)
            return flat, bad

    Net(6)(torch.randn(1, 3, 10, 10))
    """
    shaped = analyze(one(src))
    by_op = {r.node.op: r for r in shaped.layers if r.node.op}
    assert by_op["F.avg_pool2d"].output_shape == (1, 6, 2, 2)  # the example's Net(6), kernel 8 // 2
    assert by_op["g.view"].output_shape == (1, 24)
    assert by_op["F.max_pool2d"].output_shape is None
    assert [f.kind for f in shaped.findings] == ["unknown-value"]


def test_inputs_concatenated_before_the_first_conv_keep_their_own_channels() -> None:
    """pix2pix's discriminator: ``Conv2d(in_channels * 2)`` after ``torch.cat((img_A, img_B), 1)``.
    Without an example input, each input's channels are a symbol of its own, not the conv's
    ``in_channels`` (that gave a false CL103 "6 + 6 = 12")."""
    src = """
    import torch
    import torch.nn as nn

    class Discriminator(nn.Module):
        def __init__(self, in_channels=3):
            super().__init__()
            self.conv = nn.Conv2d(in_channels * 2, 64, 4, stride=2, padding=1)

        def forward(self, img_A, img_B):
            return self.conv(torch.cat((img_A, img_B), 1))
    """
    models, _ = run(src)
    shaped = analyze(models[0])
    assert [f.kind for f in shaped.findings if f.kind == "channel-mismatch"] == []
    assert [n.kwargs["shape"][0] for n in models[0].nodes if n.type == "Input"] == [sym("C"), sym("C_1")]


def test_a_container_filled_by_a_skipped_loop_is_incomplete_not_empty() -> None:
    """``layers.add_module(...)`` in a loop over a parameter without a value: the container may
    hold modules, so what follows it is unknown (it used to stay empty: a false CL103)."""
    src = """
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self, blocks):
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 3)
            self.body = nn.Sequential()
            for i in range(blocks):
                self.body.add_module("b%d" % i, nn.Conv2d(8 if i == 0 else 16, 16, 3))
            self.head = nn.Conv2d(16, 4, 1)

        def forward(self, x):
            return self.head(self.body(self.stem(x)))
    """
    models, _ = run(src)
    shaped = analyze(models[0])
    assert [f.kind for f in shaped.findings if f.kind == "channel-mismatch"] == []
    assert shaped.result("head").output_shape is None


def test_a_factory_nobody_calls_gives_its_class_real_arguments() -> None:
    src = """
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self, width):
            super().__init__()
            self.fc = nn.Linear(width, 10)

        def forward(self, x):
            return self.fc(x)

    def net32():
        return Net(32)
    """
    models, _ = run(src)
    assert analyze(models[0]).result("fc").params == 32 * 10 + 10
