"""The catalogue against the real frameworks: every table row's shape and parameter counts
must match Keras 3 / PyTorch, error rows must be rejected by them too, and the executor's NumPy
forward must compute the same numbers as the framework with the same weights (atol 1e-4)."""

from __future__ import annotations

import numpy as np
import pytest

from layer_models import analyze_row, layer_model, shape_json, with_batch
from tables import all_cases, all_errors

pytestmark = pytest.mark.oracle


def _need(framework: str) -> None:
    pytest.importorskip("torch")
    if framework == "keras":
        pytest.importorskip("keras")


def _run(row, arrays):
    import oracle_frameworks as fw

    if row.framework == "keras":
        y, declared, layer = fw.run_keras(row, arrays)
        return y, declared, fw.keras_params(layer), fw.keras_weights(layer)
    y, module = fw.run_torch(row, arrays)
    return y, None, fw.torch_params(module), fw.torch_weights(module)


@pytest.mark.parametrize("row", all_cases())
def test_matches_framework(row):
    _need(row.framework)
    import oracle_frameworks as fw

    arrays = fw.random_inputs(row)
    y, declared, (params, trainable), weights = _run(row, arrays)
    # the table's own expectations are the framework's
    assert tuple(y.shape) == with_batch(row.out_shape, fw.BATCH)
    if declared is not None:
        assert tuple(declared) == row.out_shape
    assert (params, trainable) == (row.params, row.trainable)
    # and so are the engine's
    result = analyze_row(row).result("layer")
    assert shape_json(result.output_shape) == row.out_shape
    assert (result.params, result.trainable_params) == (params, trainable)
    if row.numeric:
        from convlint.execute import execute

        model = layer_model(row.framework, row.type, row.args, row.kwargs, row.in_shapes)
        inputs = {f"in{i}": a for i, a in enumerate(arrays)}
        run = execute(model, inputs, weights={"layer": weights})
        np.testing.assert_allclose(run.outputs["layer"], y, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("row", all_errors())
def test_framework_rejects_error_rows(row):
    _need(row.framework)
    if not row.framework_raises:
        pytest.skip("the framework accepts this silently; convlint flags it on purpose")
    import oracle_frameworks as fw

    with pytest.raises(Exception):
        _run(row, fw.random_inputs(row))
