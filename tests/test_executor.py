"""The NumPy executor as a witness: measured shapes equal the engine's, and it refuses what it
cannot or should not run."""

from __future__ import annotations

import pytest

from convlint.execute import ExecutorError, execute
from layer_models import analyze_row, layer_model, with_batch
from tables import all_cases

np = pytest.importorskip("numpy")


@pytest.mark.parametrize("row", all_cases())
def test_executor_shapes_match_engine(row):
    model = layer_model(row.framework, row.type, row.args, row.kwargs, row.in_shapes)
    inputs = {f"in{i}": with_batch(s, 3) for i, s in enumerate(row.in_shapes)}
    run = execute(model, inputs)
    engine = analyze_row(row).result("layer").output_shape
    assert run.shapes["layer"] == with_batch(engine, 3)
    assert run.outputs["layer"].dtype == np.float32


def test_refuses_over_memory_cap():
    model = layer_model("torch", "Conv2d", (3, 64, 3), {"padding": 1}, [(None, 3, 224, 224)])
    with pytest.raises(ExecutorError, match="cap"):
        execute(model, (64, 3, 224, 224), memory_cap=1 << 20)


def test_refuses_graph_with_shape_errors():
    model = layer_model("torch", "Conv2d", (4, 8, 3), {}, [(None, 3, 32, 32)])
    with pytest.raises(ExecutorError, match="in_channels"):
        execute(model, (1, 3, 32, 32))


def test_shared_layer_reuses_weights():
    from convlint.graph import Node

    model = layer_model("torch", "Conv2d", (4, 4, 3), {"padding": 1}, [(None, 4, 8, 8)])
    model.nodes[-1].layer_id = "conv"
    model.add(Node("again", "Conv2d", (4, 4, 3), {"padding": 1}, inputs=["layer"], layer_id="conv"))
    run = execute(model, (1, 4, 8, 8))
    assert list(run.weights) == ["conv"]
    assert run.shapes["again"] == (1, 4, 8, 8)
