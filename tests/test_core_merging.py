"""Core and merging families beyond the tables: Input, symbolic merges, unresolved arguments,
functional aliases, and the cases where Keras' own ``compute_output_shape`` is wrong."""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convlint.dims import sym
from convlint.engine import analyze
from convlint.graph import ModelGraph, Node, Span, Unknown
from convlint.layers import default_catalogue
from convlint.layers.base import LayerError
from convlint.layers.core import KERAS_ACTIVATION_NAMES
from convlint.layers.merging import broadcast_shapes, concat_shapes, join_dim, same_dim
from layer_models import layer_model, shape_json

H, W, C = sym("H"), sym("W"), sym("C")


def _run(framework: str, type_: str, args: Tuple = (), kwargs: Optional[dict] = None, inp: Any = None):
    shapes = inp if isinstance(inp, list) else [inp]
    shaped = analyze(layer_model(framework, type_, args, dict(kwargs or {}), shapes))
    return shaped, shaped.result("layer")


def _input_only(framework: str, type_: str, kwargs: dict, args: Tuple = ()):
    model = ModelGraph("m", framework, "t.py", Span(1))
    model.add(Node("in0", type_, args, kwargs, span=Span(3)))
    model.inputs.append("in0")
    shaped = analyze(model)
    return shaped, shaped.result("in0")


# -- Input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "framework,type_,kwargs,expected",
    [
        ("keras", "Input", {"shape": (28, 28, 1)}, (None, 28, 28, 1)),
        ("keras", "InputLayer", {"shape": (None, None, 3)}, (None, None, None, 3)),
        ("keras", "Input", {"batch_shape": (8, 32, 3)}, (8, 32, 3)),  # as keras.Input(batch_shape=...).shape
        ("keras", "Input", {"shape": (28, 28, 1), "batch_size": 4}, (4, 28, 28, 1)),
        ("torch", "Input", {"batch_shape": (16, 64, 64)}, (16, 64, 64)),  # torch.rand(16, 64, 64): exact
        ("keras", "InputLayer", {"input_shape": (10,)}, (None, 10)),
        ("torch", "Input", {"shape": (3, 224, 224)}, (None, 3, 224, 224)),
        ("torch", "Input", {"shape": (C, H, W)}, (None, "C", "H", "W")),
        ("torch", "Input", {"shape": (3, H + 2, 2 * W)}, (None, 3, "H + 2", "2 * W")),
        ("keras", "Input", {"shape": ()}, (None,)),
    ],
)
def test_input_shapes(framework, type_, kwargs, expected):
    shaped, result = _input_only(framework, type_, kwargs)
    assert shaped.findings == []
    assert shape_json(result.output_shape) == expected
    assert result.params == 0 and result.weights == []


def test_input_positional_shape_binds_like_keras():
    shaped, result = _input_only("keras", "Input", {}, args=((5, 7),))
    assert shape_json(result.output_shape) == (None, 5, 7)


@pytest.mark.parametrize(
    "kwargs,kind,attr",
    [
        ({"shape": Unknown("IMG is computed at runtime")}, "unknown-value", "shape"),
        ({"shape": (Unknown("IMG is computed at runtime"), 3)}, "unknown-value", "shape"),
        ({"shape": (-4,)}, "invalid-argument", None),
        ({"shape": 4}, "invalid-argument", None),
        ({"shape": ("a", 3)}, "invalid-argument", None),
        ({}, "invalid-argument", None),
    ],
)
def test_input_bad_shapes_are_findings(kwargs, kind, attr):
    shaped, result = _input_only("keras", "Input", kwargs)
    assert [f.kind for f in shaped.findings] == [kind]
    assert result.output_shape is None
    if attr:
        assert shaped.findings[0].attr == attr
        assert "IMG is computed at runtime" in shaped.findings[0].message


def test_input_is_a_source():
    spec = default_catalogue().get("torch", "Input")
    assert spec is not None and spec.min_inputs() == 0
    assert default_catalogue().get("keras", "InputLayer") is default_catalogue().get("keras", "Input")


# -- symbolic Dense / Linear ---------------------------------------------------------------------
def test_dense_on_symbolic_and_unknown_last_axis():
    _, result = _run("keras", "Dense", (16,), inp=(None, H, C))
    assert shape_json(result.output_shape) == (None, "H", 16)
    assert str(result.params) == "16 * C + 16"
    _, result = _run("keras", "Dense", (16,), inp=(None, 5, None))
    assert shape_json(result.output_shape) == (None, 5, 16)
    assert result.params is None  # the kernel's size depends on the unknown axis


def test_linear_on_symbolic_input_records_a_constraint():
    shaped, result = _run("torch", "Linear", (9216, 10), inp=(None, 64 * H * W))
    assert shaped.findings == []
    assert shape_json(result.output_shape) == (None, 10)
    assert result.params == 92170
    [constraint] = shaped.constraints
    assert constraint.attr == "in_features" and constraint.value == 9216 and constraint.actual == 64 * H * W


def test_linear_mismatch_names_the_size_that_fits():
    shaped, _ = _run("torch", "Linear", (784, 10), inp=(None, 100))
    [finding] = shaped.findings
    assert finding.kind == "channel-mismatch" and finding.expected == 100 and finding.attr == "in_features"


def test_params_known_without_input_for_linear_but_not_dense():
    model = ModelGraph("m", "torch", "t.py", Span(1), layout="channels_first")
    model.add(Node("layer", "Linear", (20, 5), inputs=["missing"], span=Span(2)))
    result = analyze(model).result("layer")
    assert result.output_shape is None and result.params == 105
    model = ModelGraph("m", "keras", "t.py", Span(1))
    model.add(Node("layer", "Dense", (5,), inputs=["missing"], span=Span(2)))
    assert analyze(model).result("layer").params is None


# -- activations: arguments the shape does not depend on ---------------------------------------
def test_unresolved_float_argument_keeps_the_shape():
    shaped, result = _run("torch", "LeakyReLU", (Unknown("slope from config"),), inp=(None, 3, 8))
    assert shaped.findings == []
    assert shape_json(result.output_shape) == (None, 3, 8)
    shaped, result = _run("keras", "Dense", (4,), {"activation": Unknown("custom fn")}, inp=(None, 8))
    assert shaped.findings == [] and result.params == 36


def test_unresolved_axis_is_unknown_value():
    shaped, result = _run("torch", "Softmax", (), {"dim": Unknown("d")}, inp=(None, 3, 8))
    assert [f.kind for f in shaped.findings] == ["unknown-value"]
    assert result.output_shape is None


def test_dotted_activation_names_resolve():
    shaped, _ = _run("keras", "Dense", (4,), {"activation": "keras.activations.relu"}, inp=(None, 8))
    assert shaped.findings == []
    shaped, _ = _run("keras", "Dense", (4,), {"activation": "rleu"}, inp=(None, 8))
    [finding] = shaped.findings
    assert "did you mean 'relu'" in finding.message and finding.message.endswith("Received: activation='rleu'")


def test_glu_activation_halves_the_last_axis():
    _, result = _run("keras", "Activation", ("glu",), inp=(None, 4, 6))
    assert shape_json(result.output_shape) == (None, 4, 3)
    _, result = _run("keras", "Dense", (6,), {"activation": "glu"}, inp=(None, 4))
    assert shape_json(result.output_shape) == (None, 3) and result.params == 30
    shaped, _ = _run("keras", "Dense", (5,), {"activation": "glu"}, inp=(None, 4))
    assert [f.kind for f in shaped.findings] == ["invalid-argument"]
    _, result = _run("torch", "GLU", (), inp=(None, 2 * H))
    assert shape_json(result.output_shape) == (None, "H")


def test_numpy_activations_cover_every_keras_name():
    pytest.importorskip("numpy")
    from convlint.layers._activations import KERAS_ACTIVATIONS

    assert set(KERAS_ACTIVATIONS) == KERAS_ACTIVATION_NAMES - {"sparsemax"}


# -- merging: symbolic sizes --------------------------------------------------------------------
@pytest.mark.parametrize(
    "a,b,expected",
    [
        (3, 3, True), (3, 4, False), (H, H, True), (H, H - 1, False), (H + 2, H, False), (2 * H, H, False),
        (H, W, None), (H, 5, None), (None, 5, None), (H * W, W * H, True), ((H - 1) // 2, H // 2, None),
    ],
)
def test_same_dim(a, b, expected):
    assert same_dim(a, b) is expected
    assert same_dim(b, a) is expected


def test_join_prefers_known_then_left():
    assert join_dim(H, W) == H
    assert join_dim(H, 5) == 5 and join_dim(5, H) == 5
    assert join_dim(None, W) == W and join_dim(H, None) == H


def test_concat_symbolic():
    shaped, result = _run("torch", "cat", (1,), inp=[(None, C, H, W), (None, 16, H, W)])
    assert shaped.findings == []
    assert shape_json(result.output_shape) == (None, "C + 16", "H", "W")
    # H vs W might be equal: no finding, the left one is kept
    shaped, result = _run("torch", "cat", (1,), inp=[(None, 3, H, H), (None, 3, H, W)])
    assert shaped.findings == [] and shape_json(result.output_shape) == (None, 6, "H", "H")
    # H vs H - 1 never are
    shaped, result = _run("keras", "Concatenate", (), inp=[(None, H, W, 8), (None, H - 1, W, 8)])
    [finding] = shaped.findings
    assert finding.kind == "merge-mismatch" and result.output_shape is None
    assert "axis 1 has size H in input 0 and H - 1 in input 1" in finding.message


def test_channel_mismatch_after_cat_explains_the_sum():
    model = layer_model("torch", "cat", (1,), {}, [(None, 32, H, W), (None, 16, H, W)])
    model.add(Node("conv", "Conv2d", (64, 8, 3), inputs=["layer"], span=Span(3)))
    shaped = analyze(model)
    [finding] = shaped.findings
    assert finding.kind == "channel-mismatch"
    assert finding.message.endswith("Expected in_channels=48 = 32 + 16")


def test_concat_with_unknown_axis():
    _, result = _run("keras", "Concatenate", (), inp=[(None, None, 4), (None, 7, 4), (None, 7, None)])
    assert shape_json(result.output_shape) == (None, 7, None)


def test_broadcast_symbolic():
    _, result = _run("keras", "Add", (), inp=[(None, H, W, 8), (None, 1, 1, 8)])
    assert shape_json(result.output_shape) == (None, "H", "W", 8)
    _, result = _run("torch", "mul", (), inp=[(None, C, H, W), (None, C, 1, 1)])
    assert shape_json(result.output_shape) == (None, "C", "H", "W")
    shaped, _ = _run("torch", "add", (), inp=[(None, 8, H, W), (None, 8, H // 2, W // 2)])
    assert shaped.findings == []  # H // 2 == H only for H = 1, but sizes are symbolic: no claim
    shaped, _ = _run("torch", "add", (), inp=[(None, 8, 2 * H, W), (None, 8, H, W)])
    assert [f.kind for f in shaped.findings] == ["merge-mismatch"]


def test_keras_merges_accept_one_input_but_subtract_needs_two():
    shaped, result = _run("keras", "Add", (), inp=[(None, 3)])
    assert shaped.findings == [] and shape_json(result.output_shape) == (None, 3)
    shaped, _ = _run("keras", "Subtract", (), inp=[(None, 3)])
    assert [f.kind for f in shaped.findings] == ["merge-mismatch"]


def test_functional_aliases():
    cat = default_catalogue()
    assert cat.canonical("keras", "concatenate") == "Concatenate"
    assert cat.canonical("keras", "add") == "Add"
    assert cat.canonical("torch", "concat") == "cat"
    for name in ("add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot"):
        assert cat.canonical("keras", name).lower() == name
    _, result = _run("keras", "concatenate", (), {"axis": 1}, inp=[(None, 2, 3), (None, 4, 3)])
    assert shape_json(result.output_shape) == (None, 6, 3)


def test_torch_add_with_a_scalar_operand():
    np = pytest.importorskip("numpy")
    from convlint.execute import execute

    model = layer_model("torch", "add", (), {"other": 2.0, "alpha": 3}, [(None, 2, 3)])
    x = np.arange(6, dtype=np.float32).reshape(1, 2, 3)
    run = execute(model, {"in0": x})
    np.testing.assert_allclose(run.outputs["layer"], x + 6.0)


@st.composite
def _broadcastable(draw: Any) -> List[Tuple[int, ...]]:
    rank = draw(st.integers(1, 4))
    base = draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank))
    shapes = []
    for _ in range(draw(st.integers(1, 3))):
        keep = draw(st.integers(0, rank))
        shape = [d if draw(st.booleans()) else draw(st.sampled_from([1, d, d + 1])) for d in base[rank - keep:]]
        shapes.append(tuple(shape))
    return shapes


@given(_broadcastable())
def test_broadcast_agrees_with_numpy(shapes):
    np = pytest.importorskip("numpy")
    try:
        expected: Optional[Tuple[int, ...]] = tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        expected = None
    try:
        got: Optional[Tuple] = broadcast_shapes(shapes, "t", batch_apart=False)
    except LayerError as err:
        assert err.kind == "merge-mismatch"
        got = None
    assert got == expected


@given(st.lists(st.integers(0, 4), min_size=1, max_size=4), st.data())
def test_concat_agrees_with_numpy(base, data):
    np = pytest.importorskip("numpy")
    rank = len(base)
    axis = data.draw(st.integers(0, rank - 1))
    shapes = [tuple(data.draw(st.integers(1, 3)) if (i == axis or data.draw(st.integers(0, 5)) == 0) else max(d, 1)
                    for i, d in enumerate(base)) for _ in range(data.draw(st.integers(1, 3)))]
    try:
        expected: Optional[Tuple] = np.concatenate([np.zeros(s) for s in shapes], axis=axis).shape
    except ValueError:
        expected = None
    try:
        got: Optional[Tuple] = concat_shapes(shapes, axis, "t")
    except LayerError as err:
        assert err.kind == "merge-mismatch"
        got = None
    assert got == expected


# -- where Keras' own shape inference is wrong: the executor vs the real layer ------------------
@pytest.mark.oracle
@pytest.mark.parametrize(
    "type_,args,kwargs,in_shape",
    [
        ("Activation", ("glu",), {}, (None, 4, 6)),
        ("Dense", (6,), {"activation": "glu"}, (None, 5)),
        ("Dense", (4,), {"activation": "keras.activations.relu"}, (None, 5)),
    ],
)
def test_keras_real_output_matches_engine_and_executor(type_, args, kwargs, in_shape):
    np = pytest.importorskip("numpy")
    keras = pytest.importorskip("keras")
    from convlint.execute import execute

    real_kwargs = dict(kwargs)
    if isinstance(real_kwargs.get("activation"), str) and "." in real_kwargs["activation"]:
        real_kwargs["activation"] = real_kwargs["activation"].rsplit(".", 1)[-1]
    layer = getattr(keras.layers, type_)(*args, **real_kwargs)
    x = np.random.default_rng(1).standard_normal((2,) + in_shape[1:]).astype(np.float32)
    y = keras.ops.convert_to_numpy(layer(x))
    model = layer_model("keras", type_, args, kwargs, [in_shape])
    result = analyze(model).result("layer")
    assert shape_json(result.output_shape) == (None,) + tuple(y.shape[1:])
    weights = {w.name: keras.ops.convert_to_numpy(w.value) for w in layer.weights}
    run = execute(model, {"in0": x}, weights={"layer": weights})
    np.testing.assert_allclose(run.outputs["layer"], y, atol=1e-5)


@pytest.mark.oracle
def test_torch_names_exist():
    """Every torch class name the catalogue claims is a real ``torch.nn`` module (pseudo-types
    are lower-case and map to real functions)."""
    torch = pytest.importorskip("torch")
    from oracle_frameworks import _resolve, torch_functions

    functions = torch_functions()
    from convlint.layers import core, merging

    for spec in core.SPECS + merging.SPECS:
        for fw, name in list(spec.types) + list(spec.aliases):
            if fw != "torch" or name == "Input":
                continue
            if name[0].isupper():
                assert hasattr(torch.nn, name), name
            else:  # a pseudo-type: the oracle must know which function it stands for
                assert callable(_resolve(functions[name])), name


@pytest.mark.oracle
def test_keras_names_exist():
    pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    from convlint.layers import core, merging

    for spec in core.SPECS + merging.SPECS:
        for fw, name in list(spec.types) + list(spec.aliases):
            if fw == "keras":
                assert hasattr(keras.layers, name), name


@pytest.mark.oracle
def test_keras_activation_names_match_keras():
    pytest.importorskip("torch")
    pytest.importorskip("keras")
    from keras.src.activations import ALL_OBJECTS_DICT

    assert KERAS_ACTIVATION_NAMES == set(ALL_OBJECTS_DICT) - {"threshold"}


# -- merges against the real frameworks on random shapes -----------------------------------------
@st.composite
def _merge_case(draw: Any) -> Tuple[str, str, Tuple, List[Tuple[Optional[int], ...]]]:
    framework = draw(st.sampled_from(["keras", "torch"]))
    op = draw(st.sampled_from(["concat", "add", "mul"]))
    rank = draw(st.integers(2, 4))
    base = draw(st.lists(st.integers(1, 4), min_size=rank - 1, max_size=rank - 1))
    shapes = []
    for _ in range(draw(st.integers(2, 3))):
        body = [d if draw(st.integers(0, 3)) else draw(st.sampled_from([1, d + 1])) for d in base]
        if framework == "keras" and op != "concat" and draw(st.integers(0, 4)) == 0:
            body = body[1:]  # a lower-rank operand: Keras aligns it after the batch axis
            # (torch would align its batch axis with a non-batch one; the engine cannot know)
        shapes.append((None, *body))
    if op == "concat":
        axis = draw(st.integers(1, rank - 1))
        args: Tuple = (axis,)
        type_ = "cat" if framework == "torch" else "Concatenate"
    else:
        args = ()
        type_ = {"keras": {"add": "Add", "mul": "Multiply"}, "torch": {"add": "add", "mul": "mul"}}[framework][op]
        if framework == "torch" and len(shapes) > 2:
            shapes = shapes[:2]
    return framework, type_, args, shapes


@pytest.mark.oracle
@given(_merge_case())
def test_merges_raise_exactly_when_the_engine_finds(case_):
    np = pytest.importorskip("numpy")
    torch = pytest.importorskip("torch")
    framework, type_, args, shapes = case_
    arrays = [np.ones((2,) + tuple(s[1:]), dtype=np.float32) for s in shapes]
    try:
        if framework == "torch":
            xs = [torch.from_numpy(a) for a in arrays]
            y = torch.cat(xs, *args) if type_ == "cat" else getattr(torch, type_)(*xs)
            real: Optional[Tuple] = tuple(y.shape)
        else:
            keras = pytest.importorskip("keras")
            real = tuple(keras.ops.convert_to_numpy(getattr(keras.layers, type_)(*args)(arrays)).shape)
    except Exception:
        real = None
    shaped, result = _run(framework, type_, args, inp=list(shapes))
    if real is None:
        assert [f.kind for f in shaped.findings] == ["merge-mismatch"], shapes
    else:
        assert shaped.findings == [], [f.message for f in shaped.findings]
        assert shape_json(result.output_shape)[1:] == real[1:]
