"""Pooling beyond the tables: torch's ceil_mode rule (exhaustively against torch, and on
symbols), symbolic shapes through the engine, unbatched torch inputs, the Keras ``same``
average that excludes padding, and the arguments convlint refuses to guess about."""

from __future__ import annotations

import itertools
from typing import Any, Optional, Tuple

import numpy as np
import pytest

from convlint.dims import subs, sym
from convlint.engine import analyze
from convlint.execute import execute
from convlint.layers.pooling import adaptive_windows, torch_pool_output_size
from layer_models import layer_model, shape_json

H, W, C = sym("H"), sym("W"), sym("C")


def _run(framework: str, type_: str, args: Tuple = (), kwargs: Optional[dict] = None, inp: Any = None):
    shaped = analyze(layer_model(framework, type_, args, dict(kwargs or {}), [inp]))
    return shaped, shaped.result("layer")


# -- the size rule ----------------------------------------------------------------------
GRID = [
    (k, s, p, d, ceil)
    for k, s, d in itertools.product((1, 2, 3, 4), (1, 2, 3), (1, 2))
    for p in range(k // 2 + 1)
    for ceil in (False, True)
]


@pytest.mark.oracle
def test_torch_pool_size_matches_torch_exhaustively():
    torch = pytest.importorskip("torch")
    checked = 0
    for k, s, p, d, ceil in GRID:
        for n in range(1, 13):
            ours = torch_pool_output_size(n, k, s, p, d, ceil)
            x = torch.zeros(1, 1, n)
            try:
                theirs = torch.nn.functional.max_pool1d(x, k, s, p, d, ceil_mode=ceil).shape[-1]
            except RuntimeError:  # output too small: ours must say so too
                assert ours is not None and ours < 1, (n, k, s, p, d, ceil, ours)
                continue
            assert ours == theirs, (n, k, s, p, d, ceil)
            checked += 1
    assert checked > 1000


def test_ceil_mode_drops_a_window_starting_in_the_right_padding():
    # ceil((5 + 2 - 2) / 2) + 1 = 4, but window 4 would start at 6 >= 5 + 1: torch keeps 3
    assert torch_pool_output_size(5, 2, 2, 1, 1, True) == 3
    assert torch_pool_output_size(5, 2, 2, 1, 1, False) == 3
    assert torch_pool_output_size(8, 3, 2, 1, 1, True) == 5
    assert torch_pool_output_size(8, 3, 2, 1, 1, False) == 4


@pytest.mark.parametrize("k,s,p,d,ceil", GRID)
def test_symbolic_size_agrees_with_every_value(k, s, p, d, ceil):
    out = torch_pool_output_size(H, k, s, p, d, ceil)
    span = d * (k - 1) + 1
    if ceil and p + s > span:
        assert out is None  # the drop-the-last-window correction depends on H
        return
    assert out is not None
    for n in range(max(1, span - 2 * p), 40):
        assert subs(out, {"H": n}) == torch_pool_output_size(n, k, s, p, d, ceil)


def test_unknown_axis_stays_unknown():
    assert torch_pool_output_size(None, 2, 2, 0, 1, False) is None


def test_adaptive_windows_cover_the_input():
    starts, ends = adaptive_windows(10, 4)
    assert (starts, ends) == ([0, 2, 5, 7], [3, 5, 8, 10])
    starts, ends = adaptive_windows(3, 5)  # more outputs than inputs: windows overlap
    assert (starts, ends) == ([0, 0, 1, 1, 2], [1, 2, 2, 3, 3])


# -- symbolic shapes through the engine -------------------------------------------------
def test_keras_max_pool_symbolic():
    shaped, result = _run("keras", "MaxPooling2D", (2,), inp=(None, H, W, C))
    assert shaped.findings == []
    assert shape_json(result.output_shape) == (None, "H // 2", "W // 2", "C")
    _, result = _run("keras", "MaxPooling2D", (3,), {"strides": 2, "padding": "same"}, inp=(None, H, W, 8))
    assert shape_json(result.output_shape) == (None, "(H + 1) // 2", "(W + 1) // 2", 8)


def test_torch_resnet_stem_pool_symbolic():
    _, result = _run("torch", "MaxPool2d", (3, 2, 1), inp=(None, 64, H, W))
    assert shape_json(result.output_shape) == (None, 64, "(H + 1) // 2", "(W + 1) // 2")
    assert result.params == 0


def test_torch_ceil_mode_symbolic_when_decidable_else_unknown():
    # k=3, s=2, p=1: p + s = 3 <= 3, the correction can never fire -> closed form
    _, result = _run("torch", "MaxPool2d", (3, 2, 1), {"ceil_mode": True}, inp=(None, 8, H, 10))
    assert shape_json(result.output_shape) == (None, 8, "H // 2 + 1", 6)
    # k=2, s=2, p=1: whether the last window is dropped depends on H -> unknown axis
    _, result = _run("torch", "MaxPool2d", (2, 2, 1), {"ceil_mode": True}, inp=(None, 8, H, 5))
    assert shape_json(result.output_shape) == (None, 8, None, 3)


def test_global_and_adaptive_pooling_drop_symbolic_spatial_axes():
    _, result = _run("keras", "GlobalAveragePooling2D", inp=(None, H, W, 32))
    assert shape_json(result.output_shape) == (None, 32)
    _, result = _run("torch", "AdaptiveAvgPool2d", ((None, 1),), inp=(None, C, H, W))
    assert shape_json(result.output_shape) == (None, "C", "H", 1)


# -- torch's unbatched inputs and ranks ---------------------------------------------------
def test_torch_unbatched_input_pools_the_trailing_axes():
    shaped, result = _run("torch", "MaxPool2d", (2,), inp=(None, 9, 8))
    assert shaped.findings == []
    assert result.output_shape == (None, 4, 4)


@pytest.mark.parametrize("inp", [(None, 8), (None, 1, 2, 8, 8)])
def test_torch_rank_outside_batched_or_unbatched_is_an_error(inp):
    shaped, result = _run("torch", "MaxPool2d", (2,), inp=inp)
    assert [f.kind for f in shaped.findings] == ["rank-mismatch"]
    assert "3D (unbatched) or 4D (batched)" in shaped.findings[0].message


# -- messages and refusals -----------------------------------------------------------------
def test_window_too_large_says_by_how_much():
    shaped, _ = _run("torch", "MaxPool2d", (3,), {"padding": 1, "dilation": 4}, inp=(None, 3, 6, 6))
    (finding,) = shaped.findings
    assert finding.kind == "non-positive-dim"
    assert "spans 9" in finding.message and "padded 8" in finding.message and "1 too small" in finding.message


def test_torch_padding_over_half_the_kernel():
    shaped, _ = _run("torch", "AvgPool2d", (4,), {"padding": 3}, inp=(None, 3, 8, 8))
    (finding,) = shaped.findings
    assert finding.kind == "invalid-argument" and finding.attr == "padding"
    assert "Received: padding=(3, 3), kernel_size=(4, 4)" in finding.message


@pytest.mark.parametrize("type_", ["MaxPool2d", "AdaptiveMaxPool2d"])
def test_return_indices_is_not_a_tensor(type_):
    shaped, result = _run("torch", type_, (2,), {"return_indices": True}, inp=(None, 3, 8, 8))
    assert [f.kind for f in shaped.findings] == ["unknown-value"]
    assert result.output_shape is None


# -- forward ------------------------------------------------------------------------------
def test_keras_same_average_excludes_the_padding():
    x = np.arange(36, dtype=np.float32).reshape(1, 6, 6, 1)
    model = layer_model("keras", "AveragePooling2D", (3, 2, "same"), {}, [(None, 6, 6, 1)])
    y = execute(model, {"in0": x}).outputs["layer"][0, :, :, 0]
    # bottom-right window covers rows/cols 4-5 plus one padded row/col: mean of 28, 29, 34, 35
    assert y[2, 2] == pytest.approx(31.5)
    assert y[0, 0] == pytest.approx(np.mean([0, 1, 2, 6, 7, 8, 12, 13, 14]))


def test_torch_avg_pool_divisors():
    x = np.ones((1, 1, 4), dtype=np.float32)
    counted = layer_model("torch", "AvgPool1d", (3, 2, 1), {}, [(None, 1, 4)])
    excluded = layer_model("torch", "AvgPool1d", (3, 2, 1), {"count_include_pad": False}, [(None, 1, 4)])
    # windows over padded [0, 1, 1, 1, 1, 0]: [0,1,1] and [1,1,1]
    np.testing.assert_allclose(execute(counted, {"in0": x}).outputs["layer"][0, 0], [2 / 3, 1.0])
    np.testing.assert_allclose(execute(excluded, {"in0": x}).outputs["layer"][0, 0], [1.0, 1.0])


def test_max_pool_ignores_padding_even_for_negative_inputs():
    x = -np.ones((1, 1, 3, 3), dtype=np.float32)
    model = layer_model("torch", "MaxPool2d", (3, 1, 1), {}, [(None, 1, 3, 3)])
    np.testing.assert_array_equal(execute(model, {"in0": x}).outputs["layer"], -np.ones((1, 1, 3, 3)))


@pytest.mark.oracle
@pytest.mark.parametrize("type_,args,kwargs,shape", [
    ("MaxPool2d", (3, 2, 1), {"ceil_mode": True, "dilation": 1}, (2, 3, 9, 10)),
    ("AvgPool2d", (3, 2, 1, True, False), {}, (2, 3, 9, 10)),
    ("AvgPool3d", (2, 3, 1, True, True), {}, (1, 2, 5, 7, 8)),
    ("AdaptiveMaxPool2d", ((5, 7),), {}, (2, 3, 4, 11)),
    ("AdaptiveAvgPool1d", (6,), {}, (3, 13)),
])
def test_torch_forward_matches_on_wide_random_inputs(type_, args, kwargs, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    expected = getattr(torch.nn, type_)(*args, **kwargs)(torch.from_numpy(x)).numpy()
    model = layer_model("torch", type_, args, kwargs, [(None,) + shape[1:]])
    np.testing.assert_allclose(execute(model, {"in0": x}).outputs["layer"], expected, atol=1e-5)


@pytest.mark.oracle
@pytest.mark.parametrize("seed", range(40))
def test_torch_pool_forward_random_configurations(seed):
    """Random kernel/stride/padding/dilation/ceil_mode/count_include_pad, shape and forward vs torch."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 4))
    kind = ["MaxPool", "AvgPool", "LPPool"][seed % 3]
    k = tuple(int(v) for v in rng.integers(1, 5, n))
    s = tuple(int(v) for v in rng.integers(1, 4, n))
    sizes = tuple(int(kk + v) for kk, v in zip(k, rng.integers(0, 7, n)))
    ceil = bool(rng.integers(0, 2))
    type_ = f"{kind}{n}d"
    if kind == "LPPool":
        # torch's lp_pool1d multiplies by kernel_size itself, so it must be an int there
        args: Tuple = (2, k[0] if n == 1 else k, s, ceil)
        kwargs: dict = {}
    else:
        pad = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
        args, kwargs = (k, s, pad), {"ceil_mode": ceil}
        if kind == "MaxPool":
            kwargs["dilation"] = tuple(int(v) for v in rng.integers(1, 3, n))
        else:
            kwargs["count_include_pad"] = bool(rng.integers(0, 2))
    x = rng.standard_normal((2, 3) + sizes).astype(np.float32)
    try:
        expected = getattr(torch.nn, type_)(*args, **kwargs)(torch.from_numpy(x)).numpy()
    except RuntimeError:
        shaped, _ = _run("torch", type_, args, kwargs, (None, 3) + sizes)
        assert [f.kind for f in shaped.findings] == ["non-positive-dim"]
        return
    _, result = _run("torch", type_, args, kwargs, (None, 3) + sizes)
    assert result.output_shape == (None,) + expected.shape[1:]
    model = layer_model("torch", type_, args, kwargs, [(None, 3) + sizes])
    np.testing.assert_allclose(execute(model, {"in0": x}).outputs["layer"], expected, atol=1e-4, rtol=1e-4)


@pytest.mark.oracle
@pytest.mark.parametrize("seed", range(30))
def test_keras_pool_random_configurations(seed):
    """Random pool_size/strides/padding/data_format: shape and forward vs Keras.  Average pooling
    with ``same`` is left out: Keras' torch backend replicates edge cells into one-sided pads."""
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 4))
    kind = "MaxPooling" if seed % 2 else "AveragePooling"
    k = tuple(int(v) for v in rng.integers(1, 5, n))
    s = tuple(int(v) for v in rng.integers(1, 4, n))
    sizes = tuple(int(kk + v) for kk, v in zip(k, rng.integers(0, 7, n)))
    padding = "same" if kind == "MaxPooling" and rng.integers(0, 2) else "valid"
    fmt = ["channels_last", "channels_first"][int(rng.integers(0, 2))]
    shape = (2,) + (sizes + (3,) if fmt == "channels_last" else (3,) + sizes)
    type_ = f"{kind}{n}D"
    kwargs = {"pool_size": k, "strides": s, "padding": padding, "data_format": fmt}
    x = rng.standard_normal(shape).astype(np.float32)
    expected = keras.ops.convert_to_numpy(getattr(keras.layers, type_)(**kwargs)(x))
    _, result = _run("keras", type_, (), kwargs, (None,) + shape[1:])
    assert result.output_shape == (None,) + expected.shape[1:]
    model = layer_model("keras", type_, (), kwargs, [(None,) + shape[1:]])
    np.testing.assert_allclose(execute(model, {"in0": x}).outputs["layer"], expected, atol=1e-4, rtol=1e-4)
