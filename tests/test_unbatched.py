"""Exact tensors and PyTorch's unbatched inputs, through the front end and the engine.

A factory call (``torch.rand(16, 64, 64)``) makes a tensor of exactly that shape; each PyTorch
layer decides from the rank whether it has a batch axis (the real-framework check of every
layer and rank is ``test_oracle_unbatched.py``).
"""

from __future__ import annotations

import textwrap
from typing import List, Tuple

import pytest

from convlint.dims import fmt
from convlint.engine import ShapedModel, analyze
from convlint.frontend import FrontendOptions, analyze_source
from convlint.graph import ModelGraph
from layer_models import layer_model


def shaped_models(src: str) -> List[ShapedModel]:
    result = analyze_source(textwrap.dedent(src), "m.py", FrontendOptions())
    return [analyze(m) for m in result.models if m.framework == "torch"]


def shapes(shaped: ShapedModel) -> List[Tuple[str, Tuple]]:
    return [
        (r.node.type, tuple(fmt(d) for d in r.output_shape))
        for r in shaped.layers
        if r.node.type != "Input" and r.output_shape is not None
    ]


def test_the_issue_examples_are_no_rank_errors() -> None:
    (shaped,) = shaped_models(
        """
        import torch
        import torch.nn as nn

        y = nn.Linear(256, 64)(torch.rand(256))
        z = nn.Conv2d(16, 32, 3)(torch.rand(16, 64, 64))
        """
    )
    assert shaped.findings == []
    assert shapes(shaped) == [("Linear", (64,)), ("Conv2d", (32, 62, 62))]


def test_an_example_call_keeps_its_batch() -> None:
    (shaped,) = shaped_models(
        """
        import torch
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 8, 3)

            def forward(self, x):
                return self.conv(x)

        Net()(torch.randn(4, 3, 10, 10))
        """
    )
    model: ModelGraph = shaped.model
    assert model.node(model.inputs[0]).kwargs == {"batch_shape": (4, 3, 10, 10)}
    assert shapes(shaped) == [("Conv2d", (4, 8, 8, 8))]


@pytest.mark.parametrize(
    "literal, out",
    [("[[1.0, 2.0], [3.0, 4.0]]", (2, 3)), ("[0.5, 1.5]", (3,)), ("((1, 2), (3, 4), (5, 6))", (3, 3))],
)
def test_torch_tensor_of_a_literal_has_its_nesting_as_shape(literal: str, out: Tuple[int, ...]) -> None:
    (shaped,) = shaped_models(f"import torch\nfrom torch import nn\nt = torch.tensor({literal})\ny = nn.Linear(2, 3)(t)\n")
    assert shaped.findings == []
    assert shapes(shaped) == [("Linear", out)]


def test_a_ragged_literal_is_of_unknown_shape() -> None:
    assert shaped_models("import torch\nfrom torch import nn\nt = torch.tensor([[1.0], [2.0, 3.0]])\ny = nn.Linear(2, 3)(t)\n") == []


@pytest.mark.parametrize(
    "type_, args, inp",
    [("Conv2d", (1, 8, 3), (None, 28, 28)), ("Linear", (4, 2), (None,)), ("ConvTranspose1d", (3, 2, 2), (None, 9))],
    ids=["conv2d-no-channel-axis", "linear-on-the-batch", "tconv1d"],
)
def test_a_batch_of_any_size_read_as_channels_is_an_error(type_: str, args: Tuple, inp: Tuple) -> None:
    """MNIST images ``(N, 28, 28)`` into ``Conv2d(1, ...)``: PyTorch reads the batch as channels."""
    shaped = analyze(layer_model("torch", type_, args, {}, [inp]))
    (finding,) = shaped.findings
    assert finding.kind == "rank-mismatch"
    assert "batch axis" in finding.message and "unbatched" in finding.message


def test_view_of_an_exact_tensor_counts_every_element() -> None:
    (shaped,) = shaped_models(
        """
        import torch
        import torch.nn as nn

        t = torch.rand(4, 12, 12)
        y = nn.Flatten(0)(t).view(8, -1)
        z = nn.ReLU()(t).view(5, -1)
        """
    )
    kinds = [(f.kind, f.span.line) for f in shaped.findings]
    assert kinds == [("reshape-size", 7)]  # 576 elements are not a multiple of 5, as PyTorch says
    assert ("view", (8, 72)) in shapes(shaped)
