"""Subclassed Keras models (``class Net(keras.Model)``): ``__init__`` attributes, ``call`` data
flow, nested ``Layer`` subclasses, input-shape sources, and what is not followed.

Layer shapes and parameter counts of ``fixtures/keras/subclassed.py`` are cross-checked against
real Keras layer by layer in ``test_oracle_fixtures_keras.py``; here the values are hand-computed.
"""

from __future__ import annotations

import textwrap
from typing import List, Optional, Tuple

import pytest

from convlint.dims import sym
from convlint.engine import analyze
from convlint.frontend import FileNote, FrontendOptions, analyze_source
from convlint.graph import ModelGraph


def run(source: str, options: Optional[FrontendOptions] = None) -> Tuple[List[ModelGraph], List[FileNote]]:
    result = analyze_source(textwrap.dedent(source), "net.py", options)
    return result.models, result.notes


def only(source: str, options: Optional[FrontendOptions] = None) -> Tuple[ModelGraph, List[FileNote]]:
    models, notes = run(source, options)
    assert len(models) == 1, [m.name for m in models]
    return models[0], notes


RESNET = """\
import numpy as np
import keras
from keras import layers


class ResBlock(layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv2D(filters, 3, padding="same")
        self.bn = layers.BatchNormalization()

    def call(self, inputs, training=None):
        x = self.bn(self.conv(inputs), training=training)
        return layers.add([x, inputs])


class Net(keras.Model):
    def __init__(self, num_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(32, 3, activation="relu")
        self.pool = layers.MaxPooling2D(2)
        self.block = ResBlock(32)
        self.blocks = [layers.Conv2D(32, 1) for _ in range(2)]
        self.gap = layers.GlobalAveragePooling2D()
        self.fc = layers.Dense(num_classes)

    def call(self, inputs, training=None):
        x = self.conv1(inputs)
        x = self.pool(x)
        x = self.block(x)
        for blk in self.blocks:
            x = blk(x)
        x = self.pool(x)
        return self.fc(self.gap(x))
"""


def test_subclassed_model_graph() -> None:
    model, notes = only(RESNET + "\nnet = Net(num_classes=5)\nnet(np.zeros((1, 28, 28, 1)))\n")
    assert notes == []
    assert (model.name, model.framework, model.layout, model.span.line) == ("Net", "keras", "channels_last", 17)
    assert [n.type for n in model.nodes][0] == "Input" and len(model.inputs) == 1
    rows = [(n.name, n.type, n.span.line) for n in model.nodes[1:]]
    assert rows == [
        ("conv1", "Conv2D", 20),
        ("pool", "MaxPooling2D", 21),
        ("block.conv", "Conv2D", 9),
        ("block.bn", "BatchNormalization", 10),
        ("add", "Add", 14),
        ("blocks.0", "Conv2D", 23),
        ("blocks.1", "Conv2D", 23),
        ("pool", "MaxPooling2D", 21),  # second use: the same layer object, built on line 21...
        ("gap", "GlobalAveragePooling2D", 24),
        ("fc", "Dense", 25),
    ]
    pools = [n for n in model.nodes if n.name == "pool"]
    assert pools[0].layer_id == pools[1].layer_id and pools[0].id != pools[1].id
    assert [n.site.line for n in pools] == [29, 33]  # ...applied on lines 29 and 33
    assert len({n.layer_id for n in model.nodes}) == len(model.nodes) - 1
    shaped = analyze(model)
    assert not shaped.findings
    shapes = [r.output_shape for r in shaped.layers]
    assert shapes[0] == (None, 28, 28, 1)
    assert shapes[1] == (None, 26, 26, 32) and shapes[2] == (None, 13, 13, 32)
    assert shapes[8] == (None, 6, 6, 32) and shapes[-1] == (None, 5)
    # conv1 320, block conv 9248 + bn 128, blocks 2 * 1056, fc 33 * 5
    assert shaped.total_params == 320 + 9248 + 128 + 2 * 1056 + 165


@pytest.mark.parametrize(
    "tail, shape",
    [
        ("m = Net()\nm.build((None, 32, 32, 3))\n", (32, 32, 3)),
        ("m = Net()\nm.build(input_shape=(None, 30, 30, 2))\n", (30, 30, 2)),
        ("Net()(np.zeros((1, 28, 28, 1)))\n", (28, 28, 1)),
        ("m = Net()\nx = keras.ops.zeros((8, 20, 20, 3))\ny = m(x)\n", (20, 20, 3)),
        ("m = Net()\nm(keras.random.normal((2, 16, 16, 4)))\n", (16, 16, 4)),
        ("import tensorflow as tf\nm = Net()\nm(tf.zeros([1, 12, 12, 1]))\n", (12, 12, 1)),
        ("m = Net()\nm(np.random.rand(1, 10, 10, 1))\n", (10, 10, 1)),
        # build wins over an example call, wherever it is
        ("m = Net()\nm(np.zeros((1, 40, 40, 1)))\nm.build((None, 32, 32, 3))\n", (32, 32, 3)),
    ],
    ids=["build", "build-kw", "example-np", "ops-zeros", "random-normal", "tf-zeros", "np-rand", "build-first"],
)
def test_input_shape_from_the_file(tail: str, shape: Tuple[int, ...]) -> None:
    model, notes = only(RESNET + "\n" + tail)
    assert model.nodes[0].kwargs["shape"] == shape
    assert not [n for n in notes if n.kind == "no-input-shape"]


def test_input_shape_comment_then_options_then_symbols() -> None:
    commented = RESNET.replace("class Net(", "# convlint: input-shape=(24, 24, 3)\nclass Net(")
    model, _ = only(commented, FrontendOptions(input_shapes={"Net": (9, 9, 9)}))
    assert model.nodes[0].kwargs["shape"] == (24, 24, 3)
    model, _ = only(RESNET, FrontendOptions(input_shapes={"net.py::Net": (20, 20, 1)}))
    assert model.nodes[0].kwargs["shape"] == (20, 20, 1)
    model, notes = only(RESNET)
    assert model.nodes[0].kwargs["shape"] == (sym("H"), sym("W"), sym("C"))
    assert [(n.kind, n.model) for n in notes] == [("no-input-shape", "Net")]
    shaped = analyze(model)
    assert not shaped.findings
    assert shaped.layers[1].output_shape == (None, sym("H") - 2, sym("W") - 2, 32)


@pytest.mark.parametrize(
    "layer, symbols",
    [("Conv1D(8, 3)", ("L", "C")), ("Dense(8)", ("C",)), ("Conv3D(8, 3)", ("D", "H", "W", "C"))],
)
def test_symbolic_input_by_first_layer_family(layer: str, symbols: Tuple[str, ...]) -> None:
    model, notes = only(
        f"""\
        import keras
        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.first = keras.layers.{layer}
            def call(self, x):
                return self.first(x)
        """
    )
    assert model.nodes[0].kwargs["shape"] == tuple(sym(s) for s in symbols)
    assert [n.kind for n in notes] == ["no-input-shape"]


@pytest.mark.parametrize(
    "header, base",
    [
        ("import tensorflow as tf", "tf.keras.Model"),
        ("from tensorflow import keras", "keras.Model"),
        ("import keras", "keras.models.Model"),
        ("from keras.models import Model as M", "M"),
        ("from tensorflow.keras import Model", "Model"),
    ],
)
def test_base_class_resolves_through_imports(header: str, base: str) -> None:
    model, _ = only(
        f"""\
        {header}
        from keras import layers
        # convlint: input-shape=(10,)
        class Net({base}):
            def __init__(self):
                super().__init__()
                self.fc = layers.Dense(4)
            def call(self, x):
                return self.fc(x)
        """
    )
    shaped = analyze(model)
    assert [r.output_shape for r in shaped.layers] == [(None, 10), (None, 4)] and shaped.total_params == 44


def test_not_a_keras_base_is_ignored() -> None:
    models, notes = run(
        """\
        import keras
        from mylib import Model
        class Net(Model):
            def __init__(self):
                self.fc = keras.layers.Dense(4)
            def call(self, x):
                return self.fc(x)
        """
    )
    assert models == [] and notes == []


def test_merges_binops_and_ops() -> None:
    model, notes = only(
        """\
        import keras
        from keras import layers, ops
        # convlint: input-shape=(8, 8, 4)
        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.a = layers.Conv2D(4, 1)
                self.b = layers.Conv2D(4, 1)
            def call(self, x):
                y = self.a(x) + self.b(x)
                z = layers.Concatenate()([x, y])
                w = keras.layers.add([ops.relu(z), z])
                return ops.multiply(w, w)
        """
    )
    assert notes == []
    assert [(n.type, n.span.line) for n in model.nodes[1:]] == [
        ("Conv2D", 7), ("Conv2D", 8), ("Add", 10), ("Concatenate", 11), ("Activation", 12), ("Add", 12), ("Multiply", 13)
    ]
    assert model.nodes[3].inputs == ["a", "b"] and model.nodes[3].span.column == 13
    shaped = analyze(model)
    assert not shaped.findings and shaped.layers[-1].output_shape == (None, 8, 8, 8)


def test_training_branch_follows_a_direct_call_and_unmapped_ops_are_unknown() -> None:
    """``model(x)`` passes ``training=None`` (inference), as ``summary()`` does: ``if
    training:`` is not taken; an op convlint does not map makes shapes unknown, not errors."""
    model, notes = only(
        """\
        import keras
        from keras import layers, ops
        # convlint: input-shape=(8, 8, 3)
        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.conv = layers.Conv2D(4, 3)
                self.drop = layers.Dropout(0.5)
                self.fc = layers.Dense(2)
                self.fc2 = layers.Dense(2)
            def call(self, x, training=None):
                x = self.conv(x)
                if training:
                    x = self.drop(x)
                x = self.fc(x)
                y = ops.mean(x, axis=[1, 2])
                return self.fc2(y)
        """
    )
    unsupported = [(n.span.line, n.model) for n in notes if n.kind == "unsupported"]
    assert unsupported == [(16, "Net")]
    shaped = analyze(model)
    assert not shaped.findings
    by_name = {r.node.name: r.output_shape for r in shaped.layers}
    assert by_name["conv"] == (None, 6, 6, 4) and by_name["fc"] == (None, 6, 6, 2)
    assert by_name["fc2"] is None  # after ops.mean: not followed, not guessed
    assert "drop" not in by_name


def test_training_constant_is_followed() -> None:
    model, notes = only(
        """\
        import keras
        # convlint: input-shape=(3,)
        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.a = keras.layers.Dense(4)
                self.b = keras.layers.Dense(5)
            def call(self, x, training=False):
                if training:
                    return self.a(x)
                return self.b(x)
        """
    )
    assert notes == [] and [n.name for n in model.nodes[1:]] == ["b"]


def test_attribute_values_lists_append_and_local_base_classes() -> None:
    model, notes = only(
        """\
        import keras
        from keras import layers

        class Base(keras.Model):
            def __init__(self, width=8, **kw):
                super().__init__(**kw)
                self.width = width
                self.stack = []
                for i in range(2):
                    self.stack.append(layers.Dense(self.width * (i + 1)))

        class Net(Base):
            def __init__(self):
                super().__init__(width=4)
                self.head = layers.Dense(self.width // 2)
                self.features = keras.Sequential([layers.Dense(3), layers.Dense(3)])

            def call(self, x):
                x = self.features(x)
                for layer in self.stack:
                    x = layer(x)
                return self.head(x)

        net = Net()
        net.build((None, 6))
        """
    )
    assert notes == [] and model.name == "Net"
    assert [n.name for n in model.nodes[1:]] == ["features/dense", "features/dense_1", "stack.0", "stack.1", "head"]
    shaped = analyze(model)
    assert [r.output_shape for r in shaped.layers[3:]] == [(None, 4), (None, 8), (None, 2)]
    assert shaped.total_params == 21 + 12 + 16 + 40 + 18


def test_layer_subclass_in_sequential_and_functional_models() -> None:
    models, notes = run(
        """\
        import keras
        from keras import layers

        class Block(layers.Layer):
            def __init__(self, units):
                super().__init__()
                self.d = layers.Dense(units)
            def call(self, x):
                return self.d(x) + x

        seq = keras.Sequential([keras.Input((8,)), Block(8), layers.Dense(3)])
        inp = keras.Input((8,))
        fm = keras.Model(inp, Block(8)(inp))
        """
    )
    assert notes == []
    by_name = {m.name: analyze(m) for m in models}
    assert sorted(by_name) == ["fm", "seq"]  # a Layer subclass is never a model of its own
    assert [(r.node.name, r.output_shape) for r in by_name["seq"].layers] == [
        ("input_layer", (None, 8)), ("block/d", (None, 8)), ("block/add", (None, 8)), ("dense", (None, 3))
    ]
    assert by_name["fm"].total_params == 72 and not by_name["fm"].findings


def test_model_used_inside_another_is_not_reported_alone() -> None:
    models, _ = run(
        """\
        import keras
        class Inner(keras.Model):
            def __init__(self):
                super().__init__()
                self.d = keras.layers.Dense(4)
            def call(self, x):
                return self.d(x)
        # convlint: input-shape=(2,)
        class Outer(keras.Model):
            def __init__(self):
                super().__init__()
                self.inner = Inner()
                self.out = keras.layers.Dense(1)
            def call(self, x):
                return self.out(self.inner(x))
        """
    )
    assert [m.name for m in models] == ["Outer"]
    assert [n.name for n in models[0].nodes[1:]] == ["inner.d", "out"]


def test_model_without_call_is_reported_unsupported() -> None:
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


def test_reused_layer_on_wrong_width_is_an_error_at_the_call() -> None:
    model, _ = only(
        """\
        import keras
        # convlint: input-shape=(28, 28, 3)
        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.conv = keras.layers.Conv2D(16, 3)
            def call(self, x):
                x = self.conv(x)
                return self.conv(x)
        """
    )
    findings = analyze(model).findings
    assert [(f.kind, f.span.line) for f in findings] == [("channel-mismatch", 9)]


def test_bad_code_never_raises() -> None:
    models, notes = run(
        """\
        import keras
        class Net(keras.Model):
            def __init__(self, *a, **k):
                super().__init__(*a, **k)
                self.x = self.y.z
                self.layers_ = [keras.layers.Dense(n) for n in unknown_sizes]
            def call(self, x, mask):
                while x:
                    x = self.layers_[0](x)
                return self.missing(x)[0] @ x
        Net()(None)
        Net().build(None)
        """
    )
    assert not [n for n in notes if n.kind == "internal"]
    assert [m.name for m in models] == ["Net"]
    analyze(models[0])


def test_functional_subclass_and_getattr_setattr() -> None:
    models, notes = run(
        """\
        import keras
        from keras import layers

        class Backbone(keras.Model):
            def __init__(self, n=3):
                inputs = keras.Input((10,))
                x = layers.Dense(n)(inputs)
                super().__init__(inputs=inputs, outputs=x)

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                for i in range(2):
                    setattr(self, f"fc{i}", layers.Dense(4 + i))
                self.back = Backbone(5)

            def call(self, x):
                x = self.back(x)
                for i in range(2):
                    x = getattr(self, f"fc{i}")(x)
                return x

        net = Net()
        net.build((None, 10))
        alone = Backbone()
        """
    )
    assert notes == []
    by_name = {m.name: m for m in models}
    assert sorted(by_name) == ["Backbone", "Net"]
    assert by_name["Backbone"].span.line == 4
    shaped = analyze(by_name["Net"])
    assert [(r.node.name, r.output_shape) for r in shaped.layers] == [
        ("input_layer", (None, 10)), ("back/dense", (None, 5)), ("fc0", (None, 4)), ("fc1", (None, 5))
    ]
    assert shaped.total_params == 55 + 24 + 25
    assert analyze(by_name["Backbone"]).total_params == 33  # its own defaults (n=3)


def test_tensorflow_functions_in_call() -> None:
    model, notes = only(
        """\
        import tensorflow as tf
        # convlint: input-shape=(8, 8, 2)
        class Net(tf.keras.Model):
            def __init__(self):
                super().__init__()
                self.a = tf.keras.layers.Conv2D(3, 1)
                self.fc = tf.keras.layers.Dense(4)
            def call(self, x):
                y = tf.nn.relu(self.a(x))
                z = tf.concat([x, y], axis=-1)
                z = tf.reshape(z, [-1, 8 * 8 * 5])
                w = tf.concat([z, z], 0)
                return self.fc(z)
        """
    )
    assert [(n.kind, n.span.line) for n in notes] == [("unsupported", 12)]  # a batch-axis concat
    shaped = analyze(model)
    assert [(r.node.type, r.output_shape) for r in shaped.layers[2:]] == [
        ("Activation", (None, 8, 8, 3)),
        ("Concatenate", (None, 8, 8, 5)),
        ("Reshape", (None, 320)),
        ("Dense", (None, 4)),
    ]
    assert not shaped.findings


@pytest.mark.oracle
def test_resnet_source_against_real_keras() -> None:
    """The hand-computed model above, built and run by Keras 3: same totals, same output."""
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    pytest.importorskip("keras")
    import numpy as np

    ns: dict = {"__name__": "convlint_subclass_test"}
    exec(compile(RESNET, "net.py", "exec"), ns)
    real = ns["Net"](num_classes=5)
    out = real(np.zeros((2, 28, 28, 1), dtype="float32"))
    model, _ = only(RESNET + "\nnet = Net(num_classes=5)\nnet(np.zeros((1, 28, 28, 1)))\n")
    shaped = analyze(model)
    assert shaped.total_params == real.count_params()
    assert shaped.result(model.outputs[0]).output_shape == (None,) + tuple(out.shape)[1:]


def test_unknown_condition_in_init_makes_attributes_unknown() -> None:
    model, notes = only(
        """\
        import keras
        from config import USE_BN
        # convlint: input-shape=(4,)
        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.fc = keras.layers.Dense(3)
                if USE_BN:
                    self.norm = keras.layers.BatchNormalization()
                else:
                    self.norm = keras.layers.LayerNormalization()
            def call(self, x):
                return self.norm(self.fc(x)) + x
        """
    )
    assert [(n.kind, n.span.line) for n in notes] == [("unsupported", 8)]
    shaped = analyze(model)
    assert [r.node.name for r in shaped.layers] == ["input_layer", "fc"] and not shaped.findings
    assert model.outputs == ["fc"]  # the result is unknown: the last layer reached stands in


@pytest.mark.parametrize(
    "tail",
    ["m = Net()\nm.build([(None, 3), (None, 5)])\n", "m = Net()\nm([np.zeros((2, 3)), np.ones((2, 5))])\n"],
    ids=["build", "example"],
)
def test_multi_input_model(tail: str) -> None:
    model, notes = only(
        textwrap.dedent(
        """\
        import numpy as np
        import keras
        from keras import layers
        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.a = layers.Dense(4)
                self.b = layers.Dense(4)
            def call(self, inputs):
                x, y = inputs
                return layers.concatenate([self.a(x), self.b(y)])
        """
        )
        + tail
    )
    assert notes == [] and len(model.inputs) == 2
    shaped = analyze(model)
    assert [(r.node.name, r.output_shape) for r in shaped.layers] == [
        ("input_layer", (None, 3)), ("input_layer_1", (None, 5)),
        ("a", (None, 4)), ("b", (None, 4)), ("concatenate", (None, 8)),
    ]
    assert shaped.total_params == 16 + 24
