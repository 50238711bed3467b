"""Oracle: the parameter totals of models convlint cannot follow to the end, against the real
frameworks.  A total convlint calls complete equals ``model.parameters()`` / ``count_params()``;
an incomplete one is never printed as a total, and its lower bound is at most the real one.

The fixtures (``fixtures/torch/forward_stops.py``, ``fixtures/keras/builder_stops.py``) are our
own code, so they are executed to build the real models."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Dict, Tuple

import pytest

from convlint.engine import ShapedModel, analyze
from convlint.frontend import analyze_source

pytestmark = pytest.mark.oracle
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# model -> (complete, convlint's count: the exact total, or the lower bound)
TORCH: Dict[str, Tuple[bool, int]] = {
    "Checkpointed": (True, 2970),  # forward stops at checkpoint(...): every registered module still counts
    "GrownInAWhileLoop": (False, 224 + 90),  # __init__ stops at the while loop: its blocks are unknown
}
KERAS: Dict[str, Tuple[bool, int]] = {
    "build_shrinking": (False, 224),  # the first Conv2D; past the while loop nothing is known
    "build_with_an_opaque_op": (False, 224),  # the Conv2D before keras.ops.image.resize
}


def _shaped(path: Path) -> Dict[str, ShapedModel]:
    result = analyze_source(path.read_text(), str(path))
    return {m.name: analyze(m) for m in result.models}


def _check(shaped: ShapedModel, complete: bool, count: int, real: int) -> None:
    assert shaped.complete is complete
    if complete:
        assert shaped.total_params == count == real
    else:
        assert shaped.total_params is None
        assert shaped.params_lower_bound == count <= real
        assert count < real  # the fixtures are built so that something is really missing


@pytest.mark.parametrize("name", sorted(TORCH))
def test_torch_totals(name: str) -> None:
    torch = pytest.importorskip("torch")
    path = FIXTURES / "torch" / "forward_stops.py"
    ns = runpy.run_path(str(path), run_name="convlint_oracle")
    model = ns[name]()
    real = sum(p.numel() for p in model.parameters())
    model(torch.randn(2, 3, 32, 32))  # and PyTorch runs it: the stops are convlint's, not bugs
    complete, count = TORCH[name]
    _check(_shaped(path)[name], complete, count, real)


@pytest.mark.parametrize("name", sorted(KERAS))
def test_keras_totals(name: str) -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    path = FIXTURES / "keras" / "builder_stops.py"
    ns = runpy.run_path(str(path), run_name="convlint_oracle")
    real = ns[name]().count_params()
    complete, count = KERAS[name]
    _check(_shaped(path)[name], complete, count, real)
