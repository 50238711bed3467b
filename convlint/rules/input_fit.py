"""CL108 input-fit: for a model without an input shape, which input sizes its layers fit."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional

from ..diagnostics import Diagnostic
from ..dims import fmt, prod, subs
from . import Rule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import ShapedModel
    from ..solve import Fit


class InputFit(Rule):
    """## What it does
    For a PyTorch model whose input size is not given (no example call, comment or
    configuration), spatial sizes are symbols (``H``, ``W``).  A layer whose argument fixes
    an input-dependent size, such as ``nn.Linear(9216, 128)`` after a flatten, then constrains
    the input.  This rule searches the input sizes that satisfy every such constraint: when
    none does, the model cannot work for any input (error); otherwise it says which input the
    hand-computed numbers were made for (info), e.g. ``Linear(9216) fits a 1x28x28 input:
    H = W = 28``.

    ## Why is this bad?
    A hand-computed ``in_features`` that no input size produces fails at the first forward
    pass with ``mat1 and mat2 shapes cannot be multiplied``, whatever data is fed.  When it
    does fit some size, knowing which one catches the case where the data has another.
    """

    code = "CL108"
    name = "input-fit"
    severity = "error"
    VALID = (
        """\
import torch
import torch.nn as nn
import torch.nn.functional as F


# convlint: input-shape=(1, 28, 28)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(9216, 128)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        return self.fc1(torch.flatten(x, 1))
""",
    )
    INVALID = (
        """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(9000, 128)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
        return self.fc1(torch.flatten(x, 1))
""",
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        if not model.constraints:
            return
        from ..solve import solve_model  # only a model with a size constraint needs the solver

        try:
            fit = solve_model(model)
        except Exception:  # a rule never raises; an unsolvable model is simply not reported
            return
        if fit.status in ("unknown", "unconstrained"):
            return
        graph = model.model
        shown: set = set()
        for constraint in model.constraints:
            if constraint.node_id in shown:
                continue
            shown.add(constraint.node_id)
            reshape = "(" in constraint.attr  # ``view(-1, 400)``: a per-sample element count
            layer = constraint.attr if reshape else _layer_text(model, constraint.node_id, constraint.value)
            if fit.status == "none":
                received = _derivation(model, constraint.node_id, constraint.actual)
                what = f"a sample has {received} elements" if reshape else f"its input has {constraint.attr} = {received}"
                message = (
                    f"{layer} fits no input size: {what}, "
                    f"which is never {fmt(constraint.value)} while every size stays positive ({fit.searched})"
                )
                yield self.at(graph.path, constraint.span, message, graph.name, graph.cell)
                continue
            only = "only " if fit.status == "rectangular" else ""
            example = _input_text(model, fit.solutions[0])
            message = f"{layer} fits {only}a {example} input: {_solutions_text(fit)}"
            diagnostic = self.at(graph.path, constraint.span, message, graph.name, graph.cell)
            yield dataclasses.replace(diagnostic, severity="info")


def _solutions_text(fit: "Fit") -> str:
    """``H = W = 28`` out of ``fits: H = W = 28`` / ``fits only H = 28, W = 32``."""
    text = fit.describe()
    for prefix in ("fits: ", "fits only "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _derivation(model: "ShapedModel", node_id: str, actual: Any) -> str:
    """``64 * (H // 2 - 2) * (W // 2 - 2)`` rather than the expanded polynomial, when the size
    comes from flattening a feature map whose axes multiply to it."""
    candidates = []
    try:
        result = model.result(node_id)
        candidates.extend(result.input_shapes[:1])
        candidates.extend(model.result(result.node.inputs[0]).input_shapes[:1])
    except (KeyError, IndexError):
        pass
    for shape in candidates:
        if not shape or len(shape) < 3:
            continue
        factors = list(shape[1:])
        if any(d is None for d in factors) or prod(factors) != actual:
            continue
        return " * ".join(_factor(d) for d in factors)
    return str(fmt(actual))


def _factor(d: Any) -> str:
    text = str(fmt(d))
    return text if text.isalnum() else f"({text})"


def _layer_text(model: "ShapedModel", node_id: str, value: Any) -> str:
    try:
        node = model.result(node_id).node
    except KeyError:
        return f"{node_id}({fmt(value)})"
    return f"{node.display_type}({fmt(value)})"


def _input_text(model: "ShapedModel", bindings: Dict[str, int]) -> str:
    """The first input's shape with ``bindings`` substituted, as ``1x28x28``."""
    graph = model.model
    if not graph.inputs:
        return "?"
    try:
        shape = model.result(graph.inputs[0]).output_shape
    except KeyError:
        shape = None
    if not shape:
        return "?"
    dims: List[Optional[Any]] = [subs(d, bindings) for d in shape[1:]]
    return "x".join("?" if d is None else str(fmt(d)) for d in dims)
