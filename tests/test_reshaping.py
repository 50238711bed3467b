"""Reshaping family beyond the tables: symbolic and unknown dims, the per-sample reading of
``view``, ``explain_dims`` and how the engine uses it, and the messages users read."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import pytest

from convlint.dims import sym
from convlint.engine import analyze
from convlint.graph import ModelGraph, Node, SizeOf, Span, Unknown
from convlint.layers import default_catalogue
from convlint.layers.base import LayerError, bind
from convlint.layers.reshaping import merged_axes, product_note, upsampled_size

H, W, C = sym("H"), sym("W"), sym("C")
B = SizeOf(0)


def _spec(fw: str, typ: str, args: Tuple = (), kwargs: Optional[Dict[str, Any]] = None):
    cat = default_catalogue()
    spec = cat.get(fw, typ)
    assert spec is not None, typ
    name = cat.canonical(fw, typ)
    params = bind(spec.signatures[(fw, name)], args, kwargs or {}, typ)
    attrs = spec.normalize(fw, name, params, "channels_last" if fw == "keras" else "channels_first")
    return spec, attrs


def shape_of(fw: str, typ: str, args: Tuple, kwargs: Optional[Dict[str, Any]], shape: Tuple) -> Tuple:
    spec, attrs = _spec(fw, typ, args, kwargs)
    return spec.output_shape(attrs, [shape])


def notes_of(fw: str, typ: str, args: Tuple, kwargs: Optional[Dict[str, Any]], shape: Tuple) -> Dict[int, str]:
    spec, attrs = _spec(fw, typ, args, kwargs)
    return spec.explain_dims(attrs, [shape])


def error_of(fw: str, typ: str, args: Tuple, kwargs: Optional[Dict[str, Any]], shape: Tuple) -> LayerError:
    with pytest.raises(LayerError) as info:
        shape_of(fw, typ, args, kwargs, shape)
    return info.value


# -- explain_dims ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fw, typ, args, kwargs, shape, notes",
    [
        ("torch", "Flatten", (), {}, (None, 16, 5, 5), {1: "16 * 5 * 5"}),
        ("torch", "Flatten", (2,), {}, (None, 3, 4, 5), {2: "4 * 5"}),
        ("torch", "Flatten", (1, 1), {}, (None, 3, 4), {}),
        ("keras", "Flatten", (), {}, (None, 5, 5, 16), {1: "5 * 5 * 16"}),
        ("keras", "Flatten", (), {"data_format": "channels_first"}, (None, 16, 5, 5), {1: "5 * 5 * 16"}),
        ("keras", "Flatten", (), {}, (None, 7), {}),
        ("torch", "view", (-1, 16 * 5 * 5), {}, (None, 16, 5, 5), {1: "16 * 5 * 5"}),
        ("torch", "view", (B, -1), {}, (None, 16, 5, 5), {1: "16 * 5 * 5"}),
        ("torch", "view", (B, 16, -1), {}, (None, 16, 5, 5), {2: "5 * 5"}),
        ("torch", "view", (-1, 200), {}, (None, 16, 5, 5), {}),  # not a merge: the batch doubles
        ("torch", "reshape", (B, -1), {}, (None, C, H, W), {1: "C * H * W"}),
        ("keras", "Reshape", ((-1,),), {}, (None, 4, 4, 8), {1: "4 * 4 * 8"}),
        ("keras", "Reshape", ((4, 100),), {}, (None, 4, 10, 10), {2: "10 * 10"}),
        ("keras", "Reshape", ((5, 5, 16),), {}, (None, 400), {}),
    ],
)
def test_explain_dims(fw, typ, args, kwargs, shape, notes):
    assert notes_of(fw, typ, args, kwargs, shape) == notes


def test_explain_symbolic_flatten_parenthesises_compound_factors():
    shape = (None, 64, (H - 4) // 2, (W - 4) // 2)
    assert notes_of("torch", "Flatten", (), {}, shape) == {1: "64 * (H // 2 - 2) * (W // 2 - 2)"}


def test_merged_axes_and_product_note():
    assert merged_axes((16, 5, 5), (400,)) == {0: (0, 1, 2)}
    assert merged_axes((2, 3, 4), (6, 4)) == {0: (0, 1)}
    assert merged_axes((6, 4), (2, 3, 4)) == {}  # a split, not a merge
    assert merged_axes((16, 1, 25), (16, 25)) == {1: (1, 2)}
    assert merged_axes((None, 5), (None,)) == {}
    assert product_note([C, H - 1, 3]) == "C * (H - 1) * 3"
    assert product_note([C, None]) is None


def _lenet_tail(in_features: int, shape: Tuple = (16, 5, 5), flatten: Any = "Flatten") -> ModelGraph:
    model = ModelGraph("Net", "torch", "net.py", Span(1), layout="channels_first")
    model.add(Node("x", "Input", kwargs={"shape": shape}))
    model.inputs.append("x")
    if flatten == "Flatten":
        model.add(Node("flat", "Flatten", inputs=["x"], span=Span(3)))
    else:
        model.add(Node("flat", "view", flatten, inputs=["x"], span=Span(3), op="view"))
    model.add(Node("fc1", "Linear", (in_features, 120), inputs=["flat"], span=Span(4)))
    model.outputs = ["fc1"]
    return model


@pytest.mark.parametrize("flatten", ["Flatten", (-1, 400), (B, -1)])
def test_engine_explains_the_right_in_features(flatten):
    shaped = analyze(_lenet_tail(256, flatten=flatten))
    (finding,) = shaped.findings  # the flatten/view is fine; only the Linear(256) is wrong
    assert finding.kind == "channel-mismatch"
    assert finding.message.endswith("Expected in_features=400 = 16 * 5 * 5")
    assert shaped.result("flat").dim_notes == {1: "16 * 5 * 5"}


def test_engine_accepts_the_matching_linear():
    shaped = analyze(_lenet_tail(400))
    assert shaped.findings == []
    assert shaped.result("fc1").output_shape == (None, 120)


# -- view: per-sample reading ------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, shape, out",
    [
        ((-1, 400), (None, 16, 5, 5), (None, 400)),
        ((B, -1), (None, 16, 5, 5), (None, 400)),
        ((1, -1), (None, 16, 5, 5), (None, 400)),  # a literal batch is taken as the batch
        ((4, 100), (None, 16, 5, 5), (None, 100)),  # ... or, failing that, a batch of one
        ((2, 2, 100), (None, 16, 5, 5), (None, 2, 100)),
        ((-1, 200), (None, 16, 5, 5), (None, 200)),  # legal: the batch axis doubles
        (((B, 16, 25),), (None, 16, 5, 5), (None, 16, 25)),
        ((-1,), (None, 16, 5, 5), (None,)),
        ((B, -1), (None, C, H, W), (None, C * H * W)),
        ((-1, 400), (None, 16, H, W), (None, 400)),  # undecidable for a symbolic H, W: no finding
        ((B, -1, 4), (None, 8, H), (None, 2 * H, 4)),
        ((B, -1, 3), (None, 8, H), (None, None, 3)),  # 8 * H / 3 is not exact for every H
        ((B, -1), (None, 16, None), (None, None)),
        ((B, SizeOf(-1), -1), (None, 16, 5, 5), (None, 5, 80)),
        ((B, 2, SizeOf(2), -1), (None, 4, None, 3), (None, 2, None, None)),
    ],
)
def test_view_shapes(args, shape, out):
    assert shape_of("torch", "view", args, {}, shape) == out


def test_view_lenet_mistake_message():
    err = error_of("torch", "view", (-1, 400), {}, (None, 16, 4, 4))
    assert err.kind == "reshape-size"
    assert err.message.startswith("view(-1, 400) on an input of 256 (16 * 4 * 4) elements per sample")
    assert "batch = 1" in err.message and "Expected view(-1, 256)" in err.message
    assert err.message.endswith("Received: input shape (None, 16, 4, 4)")
    assert (err.expected, err.received) == (256, 400)


def test_view_literal_batch_that_fits_no_reading():
    err = error_of("torch", "view", (3, 100), {}, (None, 16, 5, 5))
    assert err.kind == "reshape-size"
    assert err.message.startswith("view(3, 100) holds 100 elements per sample but its input has 400 (16 * 5 * 5)")


def test_reshape_hint_uses_its_own_name():
    err = error_of("torch", "reshape", (-1, 300), {}, (None, 16, 5, 5))
    assert "Expected reshape(-1, 400)" in err.message


def test_view_with_batch_carried_states_both_counts():
    err = error_of("torch", "view", (B, 300), {}, (None, 16, 5, 5))
    assert err.kind == "reshape-size"
    assert "view(x.size(0), 300) holds 300 elements per sample but its input has 400 (16 * 5 * 5)" in err.message


def test_view_unknown_argument_is_unknown_value_finding():
    model = ModelGraph("Net", "torch", "net.py", Span(1), layout="channels_first")
    model.add(Node("x", "Input", kwargs={"shape": (16, 5, 5)}))
    model.inputs.append("x")
    model.add(Node("v", "view", (B, Unknown("self.n is not a constant")), inputs=["x"], span=Span(2)))
    (finding,) = analyze(model).findings
    assert finding.kind == "unknown-value"
    assert "self.n is not a constant" in finding.message


# -- Keras Reshape / Flatten on symbolic and unknown dims --------------------------------------
@pytest.mark.parametrize(
    "typ, args, kwargs, shape, out",
    [
        ("Reshape", ((-1, 4),), {}, (None, H, 8), (None, 2 * H, 4)),
        ("Reshape", ((-1, 4),), {}, (None, None, 8), (None, None, 4)),
        ("Reshape", ((3, 4),), {}, (None, None), (None, 3, 4)),
        ("Flatten", (), {}, (None, H, W, 3), (None, 3 * H * W)),
        ("Flatten", (), {}, (None, H, None, 3), (None, None)),
        ("Cropping2D", (2,), {}, (None, H, W, 3), (None, H - 4, W - 4, 3)),
        ("ZeroPadding2D", (((1, 2), (0, 3)),), {}, (None, H, None, 3), (None, H + 3, None, 3)),
        ("UpSampling2D", ((2, 3),), {}, (None, H, W, 3), (None, 2 * H, 3 * W, 3)),
        ("Permute", ((2, 1),), {}, (None, H, None), (None, None, H)),
    ],
)
def test_keras_symbolic(typ, args, kwargs, shape, out):
    assert shape_of("keras", typ, args, kwargs, shape) == out


def test_keras_reshape_message_states_both_counts():
    err = error_of("keras", "Reshape", ((10, 10),), {}, (None, 28, 28, 1))
    assert err.kind == "reshape-size"
    assert "holds 100 elements per sample but its input has 784 (28 * 28 * 1)" in err.message
    assert err.message.endswith("Received: input_shape=(None, 28, 28, 1), target_shape=(10, 10)")


def test_cropping_too_much_says_by_how_much():
    err = error_of("keras", "Cropping2D", (((10, 10), (0, 0)),), {}, (None, 20, 20, 3))
    assert err.kind == "non-positive-dim"
    assert "removes 20 of the 20 positions along spatial axis 1" in err.message
    assert "short by 1" in err.message


def test_cropping_symbolic_is_not_an_error():
    assert shape_of("keras", "Cropping1D", ((5, 5),), {}, (None, H, 3)) == (None, H - 10, 3)


# -- torch upsampling / padding ---------------------------------------------------------------
@pytest.mark.parametrize(
    "n, scale, out",
    [(7, 1.5, 10), (7, 0.5, 3), (9, 1.7, 15), (5, 2.0, 10), (H, 2.0, 2 * H), (H, 1.5, H + H // 2), (H, 0.5, H // 2), (None, 2.0, None)],
)
def test_upsampled_size(n, scale, out):
    assert upsampled_size(n, scale) == out


def test_upsample_symbolic_and_unknown():
    assert shape_of("torch", "Upsample", (), {"scale_factor": 2}, (None, 3, H, None)) == (None, 3, 2 * H, None)
    assert shape_of("torch", "Upsample", (), {"size": (8, 9)}, (None, 3, H, W)) == (None, 3, 8, 9)


def test_pad_symbolic_and_unknown():
    assert shape_of("torch", "ZeroPad2d", ((1, 2, 3, 4),), {}, (None, C, H, None)) == (None, C, H + 7, None)
    assert shape_of("torch", "pad", ((1, 1),), {"mode": "reflect"}, (None, C, H)) == (None, C, H + 2)
    # a reflection width against a symbolic size cannot be checked: no finding, a symbolic output
    assert shape_of("torch", "ReflectionPad1d", (9,), {}, (None, C, H)) == (None, C, H + 18)


def test_reflection_pad_message():
    err = error_of("torch", "ReflectionPad1d", (5,), {}, (None, 6, 5))
    assert err.kind == "non-positive-dim"
    assert "must be smaller than the input size 5" in err.message


def test_unflatten_message_names_the_axis():
    err = error_of("torch", "Unflatten", (1, (4, 2)), {}, (None, 6, 5))
    assert err.kind == "reshape-size"
    assert "holds 8 elements in axis 1 but its input has 6" in err.message


def test_permute_and_transpose_symbolic():
    assert shape_of("torch", "permute", (0, 2, 3, 1), {}, (None, C, H, W)) == (None, H, W, C)
    assert shape_of("torch", "permute", (), {"dims": (0, 2, 1)}, (None, C, H)) == (None, H, C)
    assert shape_of("torch", "transpose", (1, -1), {}, (None, C, H, W)) == (None, W, H, C)


def test_catalogue_import_needs_no_numpy():
    import subprocess
    import sys

    code = "import sys, convlint.layers as L; L.default_catalogue(); assert 'numpy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
