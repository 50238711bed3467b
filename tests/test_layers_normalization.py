"""Normalization beyond the tables: weight names and order exactly as the frameworks store them,
the forward with non-trivial statistics (the table oracle runs freshly initialised layers, whose
moving statistics are 0 and 1), requirements on symbolic inputs, and argument checks."""

from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np
import pytest

from convlint.dims import sym
from convlint.engine import analyze
from convlint.execute import execute
from convlint.layers import default_catalogue
from layer_models import layer_model, shape_json

H, W, C = sym("H"), sym("W"), sym("C")


def _run(framework: str, type_: str, args: Tuple = (), kwargs: Optional[dict] = None, inp: Any = None):
    shaped = analyze(layer_model(framework, type_, args, dict(kwargs or {}), [inp]))
    return shaped, shaped.result("layer")


# -- weights as stored -----------------------------------------------------------------------
TORCH_WEIGHTS = [
    ("BatchNorm2d", (4,), {}, (None, 4, 3, 3)),
    ("BatchNorm2d", (4,), {"affine": False}, (None, 4, 3, 3)),
    ("BatchNorm1d", (4,), {"track_running_stats": False, "bias": False}, (None, 4)),
    ("InstanceNorm2d", (4,), {"affine": True, "track_running_stats": True}, (None, 4, 3, 3)),
    ("InstanceNorm1d", (4,), {}, (None, 4, 3)),
    ("GroupNorm", (2, 4), {}, (None, 4, 3)),
    ("LayerNorm", ((3, 4),), {"bias": False}, (None, 2, 3, 4)),
    ("RMSNorm", (4,), {}, (None, 4)),
]


@pytest.mark.oracle
@pytest.mark.parametrize("type_,args,kwargs,inp", TORCH_WEIGHTS)
def test_torch_weights_are_the_state_dict(type_, args, kwargs, inp):
    torch = pytest.importorskip("torch")
    module = getattr(torch.nn, type_)(*args, **kwargs)
    _, result = _run("torch", type_, args, kwargs, inp)
    state = module.state_dict()
    assert [(w.name, tuple(w.shape)) for w in result.weights] == [(k, tuple(v.shape)) for k, v in state.items()]
    params = dict(module.named_parameters())
    assert [w.name for w in result.weights if w.counted] == list(params)


KERAS_WEIGHTS = [
    ("BatchNormalization", (), {}, (None, 5, 3)),
    ("BatchNormalization", (), {"axis": 1, "scale": False}, (None, 5, 3)),
    ("BatchNormalization", (), {"renorm": True, "center": False}, (None, 5, 3)),
    ("LayerNormalization", ([3, 1],), {}, (None, 2, 3, 4)),
    ("GroupNormalization", (2,), {"center": False}, (None, 5, 4)),
    ("RMSNormalization", (), {}, (None, 5, 4)),
]


@pytest.mark.oracle
@pytest.mark.parametrize("type_,args,kwargs,inp", KERAS_WEIGHTS)
def test_keras_weights_are_layer_weights(type_, args, kwargs, inp):
    keras = pytest.importorskip("keras")
    layer = getattr(keras.layers, type_)(*args, **kwargs)
    layer.build(inp)
    _, result = _run("keras", type_, args, kwargs, inp)
    assert [(w.name, tuple(w.shape), w.trainable) for w in result.weights] == [
        (w.name, tuple(w.shape), w.trainable) for w in layer.weights
    ]


# -- forward with non-trivial statistics ---------------------------------------------------------
def _randomise_torch(module: Any, rng: np.random.Generator) -> None:
    import torch

    with torch.no_grad():
        for name, tensor in module.state_dict().items():
            if name == "num_batches_tracked":
                continue
            values = rng.uniform(0.5, 2.0, tensor.shape) if "var" in name else rng.standard_normal(tensor.shape)
            tensor.copy_(torch.from_numpy(values.astype(np.float32)))


@pytest.mark.oracle
@pytest.mark.parametrize("type_,args,kwargs,shape", [
    ("BatchNorm2d", (3,), {"eps": 0.1}, (2, 3, 4, 5)),
    ("BatchNorm1d", (3,), {"bias": False}, (4, 3)),
    ("BatchNorm1d", (3,), {"track_running_stats": False}, (4, 3, 5)),
    ("InstanceNorm2d", (3,), {"affine": True, "track_running_stats": True}, (2, 3, 4, 5)),
    ("InstanceNorm1d", (3,), {"affine": True}, (3, 6)),
    ("GroupNorm", (2, 6), {}, (2, 6, 3, 2)),
    ("LayerNorm", ((3, 4),), {}, (2, 5, 3, 4)),
    ("RMSNorm", (4,), {"eps": 1e-3}, (2, 3, 4)),
    ("LocalResponseNorm", (4, 0.5, 0.6, 1.5), {}, (2, 7, 3)),
])
def test_torch_forward_with_random_state(type_, args, kwargs, shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    module = getattr(torch.nn, type_)(*args, **kwargs).eval()
    _randomise_torch(module, rng)
    x = (rng.standard_normal(shape) * 3 + 1).astype(np.float32)
    with torch.no_grad():
        expected = module(torch.from_numpy(x)).numpy()
    weights = {k: v.numpy() for k, v in module.state_dict().items()}
    model = layer_model("torch", type_, args, kwargs, [shape], exact=True)
    y = execute(model, {"in0": x}, weights={"layer": weights}).outputs["layer"]
    np.testing.assert_allclose(y, expected, atol=1e-4, rtol=1e-4)


@pytest.mark.oracle
@pytest.mark.parametrize("type_,args,kwargs,shape", [
    ("BatchNormalization", (), {"epsilon": 0.01}, (2, 4, 3)),
    ("BatchNormalization", (1,), {"center": False}, (2, 3, 4, 4)),
    ("LayerNormalization", ([3, 2],), {}, (2, 3, 4, 5)),
    ("LayerNormalization", (1,), {"scale": False}, (2, 4)),
    ("GroupNormalization", (2,), {"axis": 1}, (2, 4, 3, 3)),
    ("RMSNormalization", (), {}, (2, 3, 6)),
])
def test_keras_forward_with_random_state(type_, args, kwargs, shape):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(4)
    layer = getattr(keras.layers, type_)(*args, **kwargs)
    layer.build(shape)
    for w in layer.weights:
        values = rng.uniform(0.5, 2.0, w.shape) if "variance" in w.name else rng.standard_normal(w.shape)
        w.assign(values.astype(np.float32))
    x = (rng.standard_normal(shape) * 2 - 1).astype(np.float32)
    expected = keras.ops.convert_to_numpy(layer(x, training=False) if type_ == "BatchNormalization" else layer(x))
    weights = {w.name: keras.ops.convert_to_numpy(w.value) for w in layer.weights}
    model = layer_model("keras", type_, args, kwargs, [(None,) + shape[1:]])
    y = execute(model, {"in0": x}, weights={"layer": weights}).outputs["layer"]
    np.testing.assert_allclose(y, expected, atol=1e-4, rtol=1e-4)


# -- symbolic inputs and requirements ---------------------------------------------------------
def test_batchnorm_on_a_symbolic_channel_axis_is_a_constraint_not_an_error():
    shaped, result = _run("torch", "BatchNorm2d", (16,), inp=(None, C, H, W))
    assert shaped.findings == []
    assert shape_json(result.output_shape) == (None, "C", "H", "W")
    assert result.params == 32
    assert [(c.attr, c.value) for c in shaped.constraints] == [("num_features", 16)]


def test_layernorm_requires_its_trailing_axes():
    spec = default_catalogue().get("torch", "LayerNorm")
    params = {"normalized_shape": [4, 5], "eps": 1e-5, "elementwise_affine": True, "bias": True}
    attrs = spec.normalize("torch", "LayerNorm", params, "channels_first")
    assert [(r.axis, r.value, r.attr) for r in spec.requires(attrs, [(None, 3, 4, 5)])] == [
        (-2, 4, "normalized_shape"), (-1, 5, "normalized_shape"),
    ]
    shaped, _ = _run("torch", "LayerNorm", ((4, 5),), inp=(None, 3, 4, 6))
    (finding,) = shaped.findings
    assert finding.kind == "channel-mismatch" and finding.expected == 6


def test_keras_batchnorm_params_follow_a_symbolic_axis():
    shaped, result = _run("keras", "BatchNormalization", inp=(None, H, W, C))
    assert shaped.findings == []
    assert (shape_json((result.params,)), shape_json((result.trainable_params,))) == (("4 * C",), ("2 * C",))


def test_instance_norm_without_state_ignores_num_features():
    # torch only warns when an InstanceNorm without affine/running stats sees other channels
    shaped, result = _run("torch", "InstanceNorm2d", (3,), inp=(None, 5, 8, 8))
    assert shaped.findings == [] and result.output_shape == (None, 5, 8, 8)


def test_torch_groupnorm_groups_message():
    shaped, _ = _run("torch", "GroupNorm", (4, 6), inp=(None, 6, 3))
    (finding,) = shaped.findings
    assert finding.kind == "groups"
    assert finding.message.endswith("Received: num_groups=4, num_channels=6")


def test_keras_groupnorm_default_groups_need_32_channels():
    shaped, _ = _run("keras", "GroupNormalization", inp=(None, 5, 16))
    (finding,) = shaped.findings
    assert finding.kind == "groups" and "(32)" in finding.message and "(16)" in finding.message
