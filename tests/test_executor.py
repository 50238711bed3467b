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


# -- the memory cap counts what is really allocated ------------------------------------------
def _measured_peak(model, inputs, **kwargs):
    """Peak of the bytes allocated while executing (NumPy reports its buffers to tracemalloc)."""
    import tracemalloc

    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        run = execute(model, inputs, **kwargs)
        return tracemalloc.get_traced_memory()[1] - start, run
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("row", all_cases())
def test_memory_estimate_covers_the_measured_peak(row):
    from convlint.execute import memory_estimate

    model = layer_model(row.framework, row.type, row.args, row.kwargs, row.in_shapes)
    inputs = {f"in{i}": with_batch(s, 64) for i, s in enumerate(row.in_shapes)}
    peak, run = _measured_peak(model, inputs)
    assert peak <= memory_estimate(run.shaped, 64)


BIG = [
    # the issue's layer: 101 unfolded copies of the input were 6.7 GB at 512 rows (424 MB here)
    pytest.param("torch", "Conv2d", (64, 64, (1, 101)), {}, (1, 64, 32, 512), id="torch-1x101"),
    pytest.param("torch", "Conv2d", (16, 32, 7), {"stride": 2, "padding": 3}, (2, 16, 128, 128), id="torch-strided-7x7"),
    pytest.param("torch", "Conv2d", (32, 32, 5), {"groups": 4, "dilation": 2, "padding": "same"}, (1, 32, 192, 192), id="torch-grouped-dilated"),
    pytest.param("torch", "Conv1d", (8, 8, 301), {"padding": 150, "padding_mode": "reflect"}, (2, 8, 20000), id="torch-1d-301"),
    pytest.param("torch", "Conv3d", (4, 8, 3), {"padding": 1}, (1, 4, 48, 64, 64), id="torch-3d"),
    pytest.param("torch", "ConvTranspose2d", (32, 16, 4), {"stride": 2, "groups": 2}, (1, 32, 96, 96), id="torch-transpose"),
    pytest.param("keras", "Conv2D", (64, (1, 61)), {"activation": "gelu", "padding": "same"}, (1, 128, 256, 16), id="keras-gelu"),
    pytest.param("keras", "DepthwiseConv2D", (5,), {"depth_multiplier": 3, "strides": 2}, (1, 256, 256, 16), id="keras-depthwise"),
    pytest.param("keras", "Conv2DTranspose", (8, 3), {"strides": 2, "padding": "same"}, (2, 96, 96, 16), id="keras-transpose"),
]


@pytest.mark.parametrize("framework, type_, args, kwargs, shape", BIG)
def test_big_convolutions_stay_under_the_cap_they_are_given(framework, type_, args, kwargs, shape):
    """Estimated before anything is allocated, and the real peak stays below the estimate: a
    cap the estimate fits is a cap the run keeps."""
    from convlint.execute import memory_estimate

    in_shape = (None,) + shape[1:]
    model = layer_model(framework, type_, args, kwargs, [in_shape])
    cap = 256 << 20
    peak, run = _measured_peak(model, shape, memory_cap=cap)
    estimate = memory_estimate(run.shaped, shape[0])
    assert peak <= estimate <= cap


def test_the_issue_layer_was_allowed_then_peaked_far_above_the_cap():
    """What the estimate misses without the unfolded columns: the columns alone are 101 times
    the input, so the old count (activations and weights) was far under a 256 MiB cap while
    the run took more than that (6.7 GB at the issue's 512 rows)."""
    from convlint.layers._conv_numpy import plan_conv

    n, c, h, w = 1, 64, 32, 512
    activations = 4 * (n * c * h * w + n * 64 * h * (w - 100)) + 4 * 64 * 64 * 101
    unfolded = 4 * n * c * 101 * h * w
    assert activations < 10 << 20 and unfolded > 256 << 20
    plan = plan_conv(n, c, 64, (1, 101), (1, 1), (1, 1), (h, w))
    assert plan.stride1 and plan.rows < h and plan.workspace <= 64 << 20  # now it runs in blocks


def test_blocks_compute_the_same_convolution(monkeypatch):
    """Any block size gives the same numbers (stride-1 and general paths, groups, dilation,
    padding modes, 1-D to 3-D); the oracle tests hold the one-block result to PyTorch."""
    import convlint.layers._conv_numpy as K

    rng = np.random.default_rng(0)
    cases = [
        ((2, 4, 9, 11), (6, 4, 3, 5), (1, 1), (1, 1), ((1, 1), (2, 2)), 1, "zeros"),
        ((2, 4, 9, 11), (6, 2, 3, 5), (1, 1), (1, 2), ((1, 1), (0, 0)), 2, "zeros"),
        ((2, 4, 9, 11), (6, 4, 3, 2), (2, 3), (1, 1), ((1, 0), (2, 2)), 1, "zeros"),
        ((2, 4, 9, 11), (6, 4, 3, 3), (1, 1), (1, 1), ((1, 1), (1, 1)), 1, "reflect"),
        ((3, 4, 17), (5, 4, 4), (1,), (2,), ((2, 3),), 1, "zeros"),
        ((2, 2, 5, 6, 7), (4, 1, 3, 3, 3), (1, 1, 1), (1, 2, 1), ((1, 1), (2, 2), (1, 1)), 2, "zeros"),
        ((2, 2, 5, 6, 7), (4, 2, 3, 3, 3), (2, 1, 2), (1, 1, 1), ((1, 1), (1, 1), (1, 1)), 1, "zeros"),
    ]
    for xs, ws, s, d, pads, g, mode in cases:
        x = rng.standard_normal(xs, dtype=np.float32)
        w = rng.standard_normal(ws, dtype=np.float32)
        b = rng.standard_normal(ws[0], dtype=np.float32)
        whole = K.conv(x, w, s, d, pads, g, mode, b)
        for budget in (2000, 1):
            monkeypatch.setattr(K, "WORKSPACE_BYTES", budget)
            assert np.allclose(K.conv(x, w, s, d, pads, g, mode, b), whole, atol=1e-4), (xs, ws, budget)
        monkeypatch.undo()


@pytest.mark.oracle
def test_3d_stride1_convolution_matches_torch():
    """A 3-D kernel wider than 1 on its middle axis reads past the flattened input (it raised
    before); torch is the reference."""
    torch = pytest.importorskip("torch")
    import convlint.layers._conv_numpy as K

    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 2, 5, 6, 7), dtype=np.float32)
    w = rng.standard_normal((3, 2, 2, 3, 2), dtype=np.float32)
    ours = K.conv(x, w, (1, 1, 1), (1, 1, 1), ((1, 0), (0, 1), (1, 1)))
    ref = torch.nn.functional.conv3d(torch.nn.functional.pad(torch.from_numpy(x), (1, 1, 0, 1, 1, 0)), torch.from_numpy(w)).numpy()
    assert np.allclose(ours, ref, atol=1e-4)
