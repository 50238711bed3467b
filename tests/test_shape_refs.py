"""Sizes read off a tensor's shape (``x.shape[-1]``): front-end symbols the engine fills in.

The oracle fixtures ``fixtures/keras/squeeze_excite*.py`` and the ``ChannelGate`` of
``fixtures/keras/subclassed.py`` check the same mechanism against real Keras.
"""

from __future__ import annotations

import textwrap
from typing import Dict, List, Optional

import libcst as cst

from convlint.dims import sym
from convlint.engine import ShapedModel, analyze
from convlint.frontend import FrontendOptions
from convlint.frontend import keras as keras_frontend
from convlint.graph import DimRef, Unknown
from convlint.shape_refs import reads_tensor, rebind, substitute, tensor_dim


def shaped(source: str) -> List[ShapedModel]:
    source = textwrap.dedent(source)
    models, _ = keras_frontend.extract(cst.parse_module(source), source, "m.py", FrontendOptions())
    return [analyze(m) for m in models]


def layer(model: ShapedModel, name: str):
    return next(r for r in model.layers if r.node.name == name)


# -- the module ---------------------------------------------------------------------------------
def test_rebind_renames_after_the_node_and_records_the_axis() -> None:
    refs: Dict[str, DimRef] = {}
    value = (1, tensor_dim("p7", -1) // 4, "relu")
    out = rebind(value, {"p7": "conv2d"}.get, refs)
    assert out == (1, sym("conv2d.shape[-1]") // 4, "relu")
    assert refs == {"conv2d.shape[-1]": DimRef("conv2d", -1)}
    assert reads_tensor(tensor_dim("p7", 2) * 2) and not reads_tensor(sym("H"))


def test_rebind_of_a_tensor_outside_the_model_is_unknown() -> None:
    out = rebind({"units": tensor_dim("p9", 1)}, lambda key: None, {})
    assert isinstance(out["units"], Unknown)
    assert "not part of this model" in out["units"].reason


def test_substitute_reads_the_dim_and_keeps_symbols() -> None:
    refs = {"c.shape[-1]": DimRef("c", -1), "c.shape[1]": DimRef("c", 1)}
    shapes: Dict[str, Optional[tuple]] = {"c": (None, sym("H"), 7, 48)}
    value = [sym("c.shape[-1]") // 4, sym("c.shape[1]") * 2, sym("W")]
    assert substitute(value, refs, shapes.get) == [12, sym("H") * 2, sym("W")]


def test_substitute_says_why_a_dim_is_unknown() -> None:
    refs = {"a.shape[0]": DimRef("a", 0), "a.shape[5]": DimRef("a", 5), "b.shape[1]": DimRef("b", 1)}
    shapes = {"a": (None, 8), "b": None}
    batch, rank, unknown = (substitute(sym(n), refs, shapes.get) for n in refs)
    assert "the batch size is not known statically" in batch.reason
    assert "has rank 2, so its shape has no axis 5" in rank.reason
    assert "'b', which is unknown" in unknown.reason


# -- through the front end and the engine ----------------------------------------------------------
def test_shape_index_unpacking_int_and_ops_shape() -> None:
    (model,) = shaped(
        """\
        import keras
        from keras import layers, ops

        inputs = keras.Input(shape=(16, 16, 8))
        _, h, w, c = inputs.shape
        x = layers.Conv2D(int(c) * 4, 1, name="expand")(inputs)
        y = layers.Dense(ops.shape(x)[-1] // 8, name="squeeze")(x)
        z = layers.Reshape((h * w, y.shape[3]), name="flat")(y)
        model = keras.Model(inputs, z)
        """
    )
    assert not model.findings
    assert layer(model, "expand").output_shape == (None, 16, 16, 32)
    assert layer(model, "squeeze").output_shape == (None, 16, 16, 4)
    assert layer(model, "squeeze").params == 32 * 4 + 4
    assert layer(model, "flat").output_shape == (None, 256, 4)


def test_tf_keras_backend_int_shape() -> None:
    (model,) = shaped(
        """\
        from tensorflow import keras
        from tensorflow.keras import backend as K

        inputs = keras.Input(shape=(10,))
        out = keras.layers.Dense(K.int_shape(inputs)[-1] * 3, name="wide")(inputs)
        model = keras.Model(inputs, out)
        """
    )
    assert layer(model, "wide").output_shape == (None, 30)


def test_symbolic_input_gives_symbolic_sizes() -> None:
    (model,) = shaped(
        """\
        import keras
        from keras import layers

        inputs = keras.Input(shape=(None, None, 3))
        x = layers.Conv2D(16, 3, name="c")(inputs)
        x = layers.Reshape((x.shape[1] * x.shape[2], 16), name="r")(x)
        model = keras.Model(inputs, x)
        """
    )
    assert layer(model, "r").output_shape == (None, (sym("H") - 2) * (sym("W") - 2), 16)


def test_batch_axis_is_an_honest_unknown_not_a_guess() -> None:
    (model,) = shaped(
        """\
        import keras
        from keras import layers

        inputs = keras.Input(shape=(8,))
        out = layers.Dense(inputs.shape[0], name="bad")(inputs)
        model = keras.Model(inputs, out)
        """
    )
    (finding,) = model.findings
    assert finding.kind == "unknown-value"
    assert "the batch size is not known statically" in finding.message
    assert layer(model, "bad").output_shape is None


def test_wrong_tensor_size_is_a_shape_error() -> None:
    (model,) = shaped(
        """\
        import keras
        from keras import layers

        inputs = keras.Input(shape=(4, 4, 3))
        a = layers.Conv2D(16, 1)(inputs)
        b = layers.Conv2D(32, 1)(inputs)
        g = layers.GlobalAveragePooling2D()(b)
        r = layers.Reshape((1, 1, a.shape[-1]), name="gate")(g)
        model = keras.Model(inputs, layers.Multiply()([a, r]))
        """
    )
    (finding,) = model.findings
    assert finding.kind == "reshape-size" and finding.node_id == "gate"


def test_a_tensor_outside_the_model_is_unknown() -> None:
    """Keras knows the static shape of a dangling tensor, but its layers are not in the
    model's graph, so convlint says it cannot tell instead of inventing nodes."""
    (model,) = shaped(
        """        import keras
        from keras import layers

        inputs = keras.Input(shape=(4, 4, 3))
        unused = layers.Conv2D(16, 1)(inputs)
        out = layers.Dense(unused.shape[-1], name="d")(inputs)
        model = keras.Model(inputs, out)
        """
    )
    (finding,) = model.findings
    assert finding.kind == "unknown-value" and "not part of this model" in finding.message


def test_build_receives_the_input_shape() -> None:
    (model,) = shaped(
        """\
        import keras
        from keras import layers

        class Widen(layers.Layer):
            def build(self, input_shape):
                self.proj = layers.Dense(input_shape[-1] * 2)

            def call(self, x):
                return self.proj(x)

        inputs = keras.Input(shape=(16,))
        model = keras.Model(inputs, Widen()(inputs))
        """
    )
    assert not model.findings
    assert model.total_params == 16 * 32 + 32


RESIDUAL = """\
import keras
from keras import layers

def residual(x, filters):
    shortcut = x
    y = layers.Conv2D(filters, 3, padding="same")(x)
    if x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, name=f"proj{filters}")(x)
    return layers.Add()([y, shortcut])

inputs = keras.Input(shape=INPUT)
x = residual(inputs, 8)
x = residual(x, 8)
x = residual(x, 16)
model = keras.Model(inputs, layers.Dense(max(2, x.shape[-1] // 4), name="head")(x))
"""


def test_a_branch_on_a_shape_is_decided_when_the_dim_is_known() -> None:
    (model,) = shaped(RESIDUAL.replace("INPUT", "(8, 8, 3)"))
    assert not model.findings
    names = [r.node.name for r in model.layers]
    assert names.count("proj8") == 1 and names.count("proj16") == 1  # not for 8 -> 8
    assert layer(model, "head").output_shape == (None, 8, 8, 4)


def test_a_branch_on_an_unknown_dim_stays_undecided() -> None:
    source = textwrap.dedent(RESIDUAL.replace("INPUT", "(8, 8, C)").replace("import keras\n", "import keras\nimport sys\nC = int(sys.argv[1])\n"))
    models, notes = keras_frontend.extract(cst.parse_module(source), source, "m.py", FrontendOptions())
    assert any("x.shape[-1] != filters" in n.message for n in notes)


def test_a_size_read_from_an_unknown_shape_is_not_a_second_finding() -> None:
    """One message per cause: the unknown padding is reported; the layer sized from the
    unknown shape after it is just not reached."""
    (model,) = shaped(
        """\
        import keras
        from keras import layers
        from helpers import pad_for

        inputs = keras.Input(shape=(8, 8, 3))
        x = layers.ZeroPadding2D(pad_for(inputs), name="pad")(inputs)
        y = layers.Conv2D(x.shape[-1] * 2, 1, name="wide")(x)
        model = keras.Model(inputs, y)
        """
    )
    assert [(f.kind, f.node_id) for f in model.findings] == [("unknown-value", "pad")]
    assert layer(model, "wide").output_shape is None and layer(model, "wide").params is None


def test_equal_symbolic_sizes_decide_a_branch() -> None:
    """With a symbolic input, ``x.shape[1] == inputs.shape[1]`` holds for every H when both are
    the same expression; different expressions stay undecided."""
    (model,) = shaped(
        """\
        import keras
        from keras import layers

        inputs = keras.Input(shape=(None, None, 3))
        x = layers.Conv2D(8, 3, padding="same")(inputs)
        if x.shape[1] == inputs.shape[1]:
            x = layers.Conv2D(8, 1, name="same_size")(x)
        model = keras.Model(inputs, x)
        """
    )
    assert layer(model, "same_size").output_shape == (None, sym("H"), sym("W"), 8)
