"""The Keras front end: source -> ModelGraph (types, args, inputs, names, spans, notes)."""

from __future__ import annotations

import textwrap
import time
from typing import List, Optional, Tuple

import libcst as cst
import pytest

from convlint.dims import sym
from convlint.engine import analyze
from convlint.frontend import FileNote, FrontendOptions, analyze_source
from convlint.frontend import keras as keras_frontend
from convlint.frontend.keras import classify
from convlint.frontend.keras.objects import snake_case
from convlint.graph import ModelGraph, Span, Unknown


def run(
    source: str, options: Optional[FrontendOptions] = None, path: str = "m.py"
) -> Tuple[List[ModelGraph], List[FileNote]]:
    source = textwrap.dedent(source)
    return keras_frontend.extract(cst.parse_module(source), source, path, options or FrontendOptions())


def only(source: str, options: Optional[FrontendOptions] = None) -> Tuple[ModelGraph, List[FileNote]]:
    models, notes = run(source, options)
    assert len(models) == 1, [m.name for m in models]
    return models[0], notes


def chain(model: ModelGraph) -> List[Tuple[str, str]]:
    return [(n.type, n.name or "") for n in model.nodes]


def input_shape(model: ModelGraph, i: int = 0):
    return model.node(model.inputs[i]).kwargs["shape"]


SEQUENTIAL = """\
import keras
from keras import layers

IMG = 28
model = keras.Sequential(
    [
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(IMG, IMG, 1), name="first"),
        layers.MaxPool2D(),
        layers.Conv2D(64, kernel_size=3),
        layers.Flatten(),
        layers.Dense(10),
    ],
    name="mnist",
)
"""


def test_sequential_list() -> None:
    model, notes = only(SEQUENTIAL)
    assert notes == []
    assert (model.name, model.framework, model.layout, model.path) == ("model", "keras", "channels_last", "m.py")
    assert model.span == Span(5, 9, 14, 2)
    assert chain(model) == [
        ("Input", "input_layer"),
        ("Conv2D", "first"),
        ("MaxPooling2D", "max_pooling2d"),
        ("Conv2D", "conv2d"),
        ("Flatten", "flatten"),
        ("Dense", "dense"),
    ]
    nodes = model.nodes
    assert nodes[0].kwargs == {"shape": (28, 28, 1)} and nodes[0].span == nodes[1].span
    assert nodes[1].args == (32, (3, 3)) and nodes[1].kwargs == {"activation": "relu"}  # input_shape, name consumed
    assert nodes[1].span == Span(7, 9, 7, 94)
    assert nodes[3].kwargs == {"kernel_size": 3} and nodes[3].span.line == 9
    assert [n.inputs for n in nodes] == [[], [nodes[0].id], [nodes[1].id], [nodes[2].id], [nodes[3].id], [nodes[4].id]]
    assert model.inputs == [nodes[0].id] and model.outputs == [nodes[-1].id]
    assert len({n.id for n in nodes}) == len(nodes) and len({n.layer_id for n in nodes}) == len(nodes)


def test_sequential_layers_keyword_and_add_and_build() -> None:
    models, notes = run(
        """\
        from tensorflow import keras
        a = keras.models.Sequential(layers=[keras.layers.Dense(4)])
        a.build((None, 16))
        b = keras.Sequential()
        b.add(keras.layers.InputLayer(input_shape=(8, 8, 3)))
        b.add(keras.layers.Conv2D(4, 3))
        b.add(keras.layers.Dense(2))
        b.add(keras.layers.Dense(9))
        b.pop()
        b.summary()
        """
    )
    assert notes == []
    a, b = models
    assert chain(a) == [("Input", "input_layer"), ("Dense", "dense")]
    assert input_shape(a) == (16,)
    assert chain(b) == [("Input", "input_layer"), ("Conv2D", "conv2d"), ("Dense", "dense")]
    assert input_shape(b) == (8, 8, 3) and b.node(b.inputs[0]).span.line == 5


def test_input_dim_and_batch_input_shape() -> None:
    models, _ = run(
        """\
        from keras.models import Sequential
        from keras.layers import Dense, Conv1D
        a = Sequential([Dense(3, input_dim=20)])
        b = Sequential([Conv1D(3, 2, batch_input_shape=(None, 100, 4))])
        """
    )
    assert [input_shape(m) for m in models] == [(20,), (100, 4)]
    assert all("input_dim" not in n.kwargs and "batch_input_shape" not in n.kwargs for m in models for n in m.nodes)


FUNCTIONAL = """\
import tensorflow as tf
from tensorflow.keras import layers

inputs = tf.keras.Input(shape=(32, 32, 3), name="img")
extra = tf.keras.Input((10,))
x = layers.Conv2D(16, 3, padding="same")(inputs)
left = layers.Conv2D(16, 1)(x)
right = layers.Conv2D(16, 1)(x)
shared = layers.Dense(8)
merged = layers.Add()([left, right])
y = layers.Concatenate(axis=-1)([merged, x])
p = layers.GlobalAveragePooling2D()(y)
h1 = shared(p)
h2 = shared(layers.Dense(32)(extra))
both = layers.concatenate([h1, h2])
out = layers.Dense(1)(both)
unused = layers.Dense(3)(p)
model = tf.keras.Model(inputs=[inputs, extra], outputs=[out, h2], name="two")
"""


def test_functional_graph() -> None:
    model, notes = only(FUNCTIONAL)
    assert notes == []
    assert model.name == "model"
    ids = {n.name: n.id for n in model.nodes}
    types = [n.type for n in model.nodes]
    assert types == [
        "Input", "Input", "Conv2D", "Conv2D", "Conv2D", "Add", "Concatenate",
        "GlobalAveragePooling2D", "Dense", "Dense", "Dense", "Concatenate", "Dense",
    ]  # the unused branch is not part of the model
    assert model.inputs == ["img", "input_layer"]
    conv = model.node("conv2d")
    assert model.node("add").inputs == ["conv2d_1", "conv2d_2"]
    assert model.node("concatenate").inputs == ["add", "conv2d"] and model.node("concatenate").kwargs == {"axis": -1}
    uses = [n for n in model.nodes if n.name == "dense"]
    assert [n.id for n in uses] == ["dense", "dense:1"]
    assert uses[0].layer_id == uses[1].layer_id
    assert uses[0].span.line == 9 and uses[1].span.line == 9  # where the layer is built
    assert uses[0].site.line == 13 and uses[1].site.line == 14  # where each call applies it (where Keras raises)
    assert model.node("concatenate_1").inputs == ["dense", "dense:1"]
    assert model.outputs == ["dense_2", "dense:1"]
    assert conv.inputs == ["img"] and ids["img"] == "img"


def test_functional_engine_shapes() -> None:
    model, _ = only(FUNCTIONAL)
    shaped = analyze(model)
    assert not [f for f in shaped.findings if f.kind != "unknown-layer"]
    assert shaped.result("add").output_shape == (None, 32, 32, 16)
    assert shaped.result("concatenate").output_shape == (None, 32, 32, 32)


def test_keras2_functional_keywords_and_layer_called_inline() -> None:
    model, _ = only(
        """\
        from keras.layers import Input, Dense
        from keras.models import Model
        a = Input(shape=(4,))
        model = Model(input=a, output=Dense(2)(Dense(3)(a)))
        """
    )
    assert chain(model) == [("Input", "input_layer"), ("Dense", "dense"), ("Dense", "dense_1")]


NESTED = """\
import keras
from keras import layers

block = keras.Sequential([layers.Conv2D(8, 3), layers.ReLU()], name="block")
outer = keras.Sequential([keras.Input((16, 16, 3)), block, keras.Sequential([layers.Flatten()]), layers.Dense(2)])
inp = keras.Input((16, 16, 3))
fn = keras.Model(inp, outer(inp))
"""


def test_nested_sequential_is_inlined() -> None:
    models, notes = run(NESTED)
    # block is only a layer; outer is one too, but a named model with its own input called on a
    # tensor: Keras builds it on its own as well, so it is reported on its own as well
    assert [m.name for m in models] == ["outer", "fn"]
    fn = models[1]
    assert [n.name for n in fn.nodes] == [
        "input_layer", "outer/block/conv2d", "outer/block/re_lu", "outer/sequential/flatten", "outer/dense",
    ]
    assert [n.inputs for n in fn.nodes][1:] == [
        ["input_layer"], ["outer/block/conv2d"], ["outer/block/re_lu"], ["outer/sequential/flatten"],
    ]
    assert analyze(fn).result("outer/dense").output_shape == (None, 2)


def test_nested_sequential_in_sequential() -> None:
    models, _ = run(NESTED.replace("inp = keras.Input((16, 16, 3))\nfn = keras.Model(inp, outer(inp))\n", ""))
    assert [m.name for m in models] == ["outer"]
    assert [n.name for n in models[0].nodes][1:3] == ["block/conv2d", "block/re_lu"]


BUILD = """\
from keras import layers, models

def build_model(input_shape=(28, 28, 1), num_classes=10, filters=(32, 64)):
    model = models.Sequential()
    model.add(layers.Input(shape=input_shape))
    for f in filters:
        model.add(layers.Conv2D(f, 3, activation="relu"))
        model.add(layers.MaxPooling2D(2))
    model.add(layers.Flatten())
    model.add(layers.Dense(num_classes))
    return model
"""


def test_build_function_uses_defaults_when_not_called() -> None:
    model, notes = only(BUILD)
    assert notes == []
    assert input_shape(model) == (28, 28, 1)
    assert [n.args[0] for n in model.nodes if n.type == "Conv2D"] == [32, 64]
    assert model.nodes[-1].args == (10,)


def test_build_function_uses_the_call_arguments() -> None:
    model, _ = only(BUILD + "net = build_model((64, 64, 3), num_classes=5, filters=[8, 16, 32])\n")
    assert input_shape(model) == (64, 64, 3)
    assert [n.args[0] for n in model.nodes if n.type == "Conv2D"] == [8, 16, 32]
    assert model.nodes[-1].args == (5,)


def test_main_block_runs_and_functions_return_models() -> None:
    models, _ = run(
        """\
        import keras
        def make(n):
            return keras.Sequential([keras.layers.Dense(n, input_shape=(3,))])
        if __name__ == "__main__":
            clf = make(7)
        """
    )
    assert [m.name for m in models] == ["clf"]  # returned unbound, then bound to clf
    assert models[0].nodes[-1].args == (7,)


def test_helper_functions_on_tensors() -> None:
    model, _ = only(
        """\
        import keras
        from keras import layers
        def conv_bn(x, filters, kernel=3):
            x = layers.Conv2D(filters, kernel, padding="same")(x)
            return layers.BatchNormalization()(x)
        inp = keras.Input((32, 32, 3))
        x = inp
        for i, width in enumerate((8, 16)):
            x = conv_bn(x, width)
        net = keras.Model(inp, x)
        """
    )
    assert [(n.type, n.args) for n in model.nodes[1:]] == [
        ("Conv2D", (8, 3)), ("BatchNormalization", ()), ("Conv2D", (16, 3)), ("BatchNormalization", ()),
    ]


@pytest.mark.parametrize(
    "header, spelling",
    [
        ("import keras", "keras.layers.Conv2D"),
        ("from keras import layers", "layers.Conv2D"),
        ("from tensorflow import keras", "keras.layers.Conv2D"),
        ("from tensorflow.keras import layers", "layers.Conv2D"),
        ("import tensorflow as tf", "tf.keras.layers.Conv2D"),
        ("from keras.layers import Conv2D", "Conv2D"),
        ("import keras.layers as L", "L.Conv2D"),
        ("from keras.layers import Conv2D as C", "C"),
        ("import keras", "keras.layers.convolutional.Conv2D"),
        ("from keras.layers import Convolution2D", "Convolution2D"),
        ("import tensorflow as tf\nL = tf.keras.layers", "L.Conv2D"),
        ("from keras.src.layers.convolutional.conv2d import Conv2D", "Conv2D"),
        ("from keras.layers import *", "Conv2D"),
        ("import tf_keras as keras", "keras.layers.Conv2D"),
    ],
)
def test_import_styles(header: str, spelling: str) -> None:
    source = f"{header}\nimport keras as _k\nm = _k.Sequential([{spelling}(4, 3, input_shape=(8, 8, 1))])\n"
    model, _ = only(source)
    assert chain(model)[1] == ("Conv2D", "conv2d")
    assert model.nodes[1].args == (4, 3)


@pytest.mark.parametrize(
    "spelling, canonical",
    [("MaxPool2D", "MaxPooling2D"), ("AvgPool1D", "AveragePooling1D"), ("GlobalAvgPool2D", "GlobalAveragePooling2D"),
     ("Convolution1D", "Conv1D"), ("Deconvolution2D", "Conv2DTranspose"), ("SomethingCustom", "SomethingCustom")],
)
def test_aliases_and_unknown_layers(spelling: str, canonical: str) -> None:
    model, _ = only(f"from keras import layers, Sequential\nm = Sequential([layers.{spelling}()])\n")
    assert model.nodes[1].type == canonical
    assert model.nodes[1].name == snake_case(canonical)


def test_not_keras_is_ignored() -> None:
    assert run("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(1, 2, 3))\n") == ([], [])
    assert run("from mylib import layers, Sequential\nm = Sequential([layers.Conv2D(3, 3)])\n") == ([], [])
    assert run("x = = 1") == ([], []) if False else True  # syntax errors are handled by the dispatcher


@pytest.mark.parametrize(
    "source",
    ["import keras\nmodel = keras.Sequential([\n", "def f(:\n", "\x00\x01", "import keras\nkeras.Sequential(*)"],
)
def test_syntax_errors_never_crash(source: str) -> None:
    result = analyze_source(source, "bad.py")
    assert result.models == [] and [n.kind for n in result.notes] == ["syntax-error"]


def test_odd_code_never_crashes() -> None:
    source = """\
    import keras
    from keras import layers
    def rec(n):
        return rec(n)
    a = rec(1)
    m = keras.Sequential(a)
    m.add(*[])
    m.add(layers.Dense)
    m.add(layers.Dense(2)(3))
    keras.Model()
    keras.Model(1, 2)
    layers.Dense(1)(layers.Dense(1))
    x = keras.Input(shape=zz)
    while True:
        m.add(layers.Dense(3))
    n = keras.Sequential([layers.Dense(k) for k in range(3)])
    """
    result = analyze_source(textwrap.dedent(source), "odd.py")
    assert not [n for n in result.notes if "internal error" in n.message]
    for model in result.models:
        analyze(model)


def test_unresolved_values_become_notes() -> None:
    model, notes = only(
        """\
        import keras
        from keras import layers
        from config import KERNEL
        model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, KERNEL, strides=get_stride())])
        """
    )
    conv = model.nodes[1]
    assert conv.args == (8, Unknown("KERNEL is not a constant (it is imported from config)"))
    assert conv.kwargs["strides"] == Unknown("get_stride() is not a constant")
    assert [(n.kind, n.span.line, n.model) for n in notes] == [("unresolved", 4, "model")] * 2
    assert "KERNEL is not a constant" in notes[0].message and "get_stride()" in notes[1].message


def test_free_parameter_sizes_become_symbols() -> None:
    model, notes = only(
        """\
        import keras
        def head(num_classes, units=None):
            return keras.Sequential([keras.layers.Dense(num_classes, input_shape=(16,))])
        """
    )
    assert model.nodes[1].args == (sym("num_classes"),)
    assert [n.kind for n in notes] == ["unresolved"] and "symbol num_classes" in notes[0].message
    assert analyze(model).total_params == 17 * sym("num_classes")


@pytest.mark.parametrize(
    "layers_src, expected",
    [
        ("layers.Conv2D(4, 3)", (sym("H"), sym("W"), sym("C"))),
        ("layers.Rescaling(1.0), layers.Conv3D(4, 3)", (sym("D"), sym("H"), sym("W"), sym("C"))),
        ("layers.Conv1D(4, 3)", (sym("L"), sym("C"))),
        ("layers.Dense(4)", (sym("C"),)),
    ],
)
def test_no_input_shape_is_symbolic(layers_src: str, expected) -> None:
    model, notes = only(f"from keras import layers, Sequential\nm = Sequential([{layers_src}])\n")
    assert input_shape(model) == expected
    assert [n.kind for n in notes] == ["no-input-shape"]


def test_no_input_shape_unclear_rank() -> None:
    model, notes = only("from keras import layers, Sequential\nm = Sequential([layers.Flatten(), layers.Dense(3)])\n")
    assert isinstance(input_shape(model), Unknown)
    assert [n.kind for n in notes] == ["no-input-shape"]


def test_none_axes_become_named_symbols() -> None:
    model, notes = only(
        """\
        import keras
        a = keras.Input(shape=(None, None, 3))
        b = keras.Input(shape=(None, 3))
        c = keras.layers.Conv2D(4, 3)(a)
        d = keras.layers.Conv1D(4, 3)(b)
        m = keras.Model([a, b], [c, d])
        """
    )
    assert notes == []
    assert input_shape(model, 0) == (sym("H"), sym("W"), 3)
    assert input_shape(model, 1) == (sym("L_1"), 3)


def test_configured_input_shapes() -> None:
    source = "from keras import layers, Sequential\nnet = Sequential([layers.Conv2D(4, 3)])\n"
    for key in ("m.py::net", "net"):
        model, notes = only(source, FrontendOptions(input_shapes={key: (32, 32, 3)}))
        assert input_shape(model) == (32, 32, 3) and notes == []
    model, _ = only(source, FrontendOptions(input_shapes={"other.py::net": (1, 1, 1)}))
    assert input_shape(model) == (sym("H"), sym("W"), sym("C"))


def test_unknown_input_shape_parameter() -> None:
    model, notes = only(
        """\
        import keras
        def build(input_shape):
            inp = keras.Input(shape=input_shape)
            return keras.Model(inp, keras.layers.Conv2D(3, 3)(inp))
        """
    )
    assert input_shape(model) == (sym("H"), sym("W"), sym("C"))
    assert [n.kind for n in notes] == ["no-input-shape"]
    assert "input_shape is not a constant" in notes[0].message


def test_unfollowable_condition_is_reported() -> None:
    models, notes = run(
        """\
        import keras
        m = keras.Sequential([keras.Input((4,))])
        if use_big():
            m.add(keras.layers.Dense(64))
        m.add(keras.layers.Dense(2))
        """
    )
    assert "unsupported" in [n.kind for n in notes]
    shaped = analyze(models[0])
    assert shaped.layers[-1].output_shape is None  # nothing guessed after the unknown block


def test_subclassed_model_is_reported_unsupported() -> None:
    models, notes = run(
        """\
        import keras
        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.d = keras.layers.Dense(3)
        """
    )
    assert models == [] and [(n.kind, n.model, n.span.line) for n in notes] == [("unsupported", "Net", 2)]


def test_unresolved_sequential_contents() -> None:
    model, notes = only("import keras\nfrom lib import make_layers\nm = keras.Sequential(make_layers())\n")
    assert [n.kind for n in notes if n.kind == "unresolved"] == ["unresolved"]
    assert "make_layers()" in notes[0].message


def test_classify() -> None:
    assert classify("keras.layers.Conv2D") == ("layer", "Conv2D")
    assert classify("tensorflow.keras.layers.experimental.preprocessing.Rescaling") == ("layer", "Rescaling")
    assert classify("tensorflow.keras.Input") == ("input", "Input")
    assert classify("keras.layers.Input") == ("input", "Input")
    assert classify("keras.models.Sequential") == ("sequential", "Sequential")
    assert classify("keras.Model") == ("model", "Model")
    assert classify("keras.layers.add") == ("merge", "Add")
    assert classify("tensorflow.nn.relu") is None
    assert classify("torch.nn.Conv2d") is None
    assert classify("keras.ops.relu") is None


def test_comprehensions_and_framework_options() -> None:
    model, notes = only(
        """\
        import tensorflow as tf
        from tensorflow.keras import layers, regularizers
        UNITS = [64, 32, 16]
        model = tf.keras.Sequential(
            [layers.Input((8,))]
            + [layers.Dense(u, activation=tf.nn.relu, kernel_regularizer=regularizers.l2(1e-4))
               for u in UNITS if u > 16]
            + [layers.TimeDistributed(layers.Dense(2))]
        )
        """
    )
    assert [(n.type, n.args) for n in model.nodes[1:3]] == [("Dense", (64,)), ("Dense", (32,))]
    assert isinstance(model.nodes[1].kwargs["activation"], Unknown)
    assert model.nodes[3].type == "TimeDistributed" and model.nodes[3].args == (Unknown("a Dense layer object"),)
    assert notes == []  # framework callables passed as options are not "unresolved sizes"


def test_helper_builders_are_analysed_through_their_callers() -> None:
    """ResNet50() calls ResNet(stack_fn, ...): the helper runs with the caller's arguments."""
    models, notes = run(
        """\
        from keras import backend, layers, Model, Input

        def Net(stack_fn, preact, classes=10):
            bn_axis = 3 if backend.image_data_format() == "channels_last" else 1
            inp = Input((32, 32, 3))
            x = layers.Conv2D(8, 3, name=f"stem_{'pre' if preact else 'post'}")(inp)
            x = stack_fn(x)
            if not preact:
                x = layers.BatchNormalization(axis=bn_axis)(x)
            extra = None
            if extra is None:
                x = layers.GlobalAveragePooling2D()(x)
            return Model(inp, layers.Dense(classes)(x))

        def Net18(classes=7):
            def stack_fn(x):
                for i in range(2):
                    x = layers.Conv2D(8, 3, padding="same", name=f"block{i}")(x)
                return x
            return Net(stack_fn, False, classes=classes)
        """
    )
    assert [n.kind for n in notes] == []
    assert [m.name for m in models] == ["Net"]
    assert [n.name for n in models[0].nodes] == [
        "input_layer", "stem_post", "block0", "block1", "batch_normalization", "global_average_pooling2d", "dense",
    ]
    assert models[0].node("batch_normalization").kwargs == {"axis": 3}
    assert models[0].nodes[-1].args == (7,)


def test_huge_loops_stop_with_a_note() -> None:
    source = """\
    import keras
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    total = 0
    for i in range(1000):
        for j in range(1000):
            total += i * j
    """
    t0 = time.perf_counter()
    models, notes = run(source)
    assert time.perf_counter() - t0 < 10
    assert [n.kind for n in notes] == ["unsupported"] and "steps" in notes[0].message
    assert [m.name for m in models] == ["m"]  # what was built before is still reported


def test_models_built_in_methods_and_local_layer_classes() -> None:
    models, notes = run(
        """\
        import keras
        class Block(keras.layers.Layer):
            pass
        class Trainer:
            def __init__(self, classes=4):
                self.classes = classes
            def build(self, width=8):
                return keras.Sequential([keras.Input((16,)), keras.layers.Dense(width), Block(), keras.layers.Dense(2)])
        """
    )
    assert [m.name for m in models] == ["build"]
    assert [n.type for n in models[0].nodes] == ["Input", "Dense", "Dense"]
    assert models[0].nodes[2].inputs[0].startswith("?")  # nothing guessed across the custom layer
    assert [n.kind for n in notes] == ["unresolved"]
    assert "Block() is an instance of Block, a class defined in this file" in notes[0].message


def test_unexpanded_star_arguments_are_unknown_not_missing() -> None:
    model, notes = only(
        """\
        import keras
        from lib import get_config
        cfg = dict(units=16)
        m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(**cfg), keras.layers.Dense(**get_config())])
        """
    )
    assert model.nodes[1].kwargs == {"units": 16}
    assert model.nodes[2].kwargs["units"] == Unknown("**get_config() is not a constant")
    kinds = {f.kind for f in analyze(model).findings}
    assert kinds == {"unknown-value"}  # never "invalid-argument: missing units"
    assert [n.kind for n in notes] == ["unresolved"]
