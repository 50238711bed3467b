"""Keras code beyond layer classes: ``tf.shape`` / ``keras.ops.shape`` and random tensors in
custom layers (the VAE ``Sampling`` layer), ``keras.ops`` arithmetic, ``Lambda`` layers and the
``tf.keras`` spellings.  Real Keras 3 builds the same patterns in
``fixtures/keras/vae_ops_lambda.py`` (``test_oracle_fixtures_keras.py``)."""

from __future__ import annotations

import textwrap
from typing import Any, Dict, List, Tuple

import pytest

from convlint.dims import fmt
from convlint.engine import ShapedModel, analyze
from convlint.frontend import FileNote, analyze_source


def run(src: str) -> Tuple[Dict[str, ShapedModel], List[FileNote]]:
    result = analyze_source(textwrap.dedent(src), "m.py")
    return {m.name: analyze(m) for m in result.models}, result.notes


def rows(shaped: ShapedModel) -> List[Tuple[str, Any]]:
    return [
        (r.node.display_type, None if r.output_shape is None else tuple(fmt(d) for d in r.output_shape))
        for r in shaped.layers
        if r.node.type != "Input"
    ]


SAMPLING = """
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class Sampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = {shape}(z_mean)[0]
        dim = {shape}(z_mean)[1]
        epsilon = {normal}(shape=(batch, dim))
        return z_mean + {exp}(0.5 * z_log_var) * epsilon


x = keras.Input(shape=(16,))
z_mean = layers.Dense(2)(x)
z_log_var = layers.Dense({log_var})(x)
z = Sampling()([z_mean, z_log_var])
encoder = keras.Model(x, z)
"""


@pytest.mark.parametrize(
    "shape, normal, exp",
    [("tf.shape", "tf.random.normal", "tf.exp"), ("keras.ops.shape", "keras.random.normal", "keras.ops.exp")],
    ids=["tensorflow", "keras-ops"],
)
def test_the_vae_sampling_layer(shape: str, normal: str, exp: str) -> None:
    models, notes = run(SAMPLING.format(shape=shape, normal=normal, exp=exp, log_var=2))
    assert notes == []
    shaped = models["encoder"]
    assert shaped.findings == []
    assert rows(shaped) == [("Dense", (None, 2)), ("Dense", (None, 2)), ("*", (None, 2)), ("+", (None, 2))]


def test_noise_shaped_like_another_tensor_is_checked_against_it() -> None:
    """``epsilon`` has z_mean's shape (None, 2); ``exp(z_log_var) * epsilon`` with a 3-wide
    z_log_var cannot broadcast, as TensorFlow says when it runs."""
    models, _ = run(SAMPLING.format(shape="tf.shape", normal="tf.random.normal", exp="tf.exp", log_var=3))
    assert [f.kind for f in models["encoder"].findings] == ["merge-mismatch"]


def test_keras_ops_arithmetic_keeps_or_merges_shapes() -> None:
    models, notes = run(
        """
        import keras
        from keras import layers, ops

        inp = keras.Input(shape=(8, 8, 3))
        x = layers.Conv2D(4, 3)(inp)
        y = ops.sqrt(ops.abs(x) + 1e-6)
        y = ops.multiply(y, 2.0)
        y = ops.cast(ops.exp(y), "float32")
        s = ops.add(x, y)
        model = keras.Model(inp, s)
        """
    )
    assert notes == []
    assert rows(models["model"]) == [("Conv2D", (None, 6, 6, 4)), ("ops.add", (None, 6, 6, 4))]


def test_lambda_layers() -> None:
    models, notes = run(
        """
        import keras
        from keras import layers, ops

        inp = keras.Input(shape=(28, 28))
        x = layers.Lambda(lambda t: ops.expand_dims(t, -1))(inp)
        x = layers.Lambda(lambda t: t / 255.0, name="scale")(x)
        x = layers.Conv2D(4, 3)(x)
        functional = keras.Model(inp, x)

        plain = keras.Sequential([keras.Input((10,)), layers.Lambda(lambda v: keras.activations.relu(v) * 2.0), layers.Dense(3)])
        """
    )
    assert notes == []
    assert rows(models["functional"]) == [
        ("ops.expand_dims", (None, 28, 28, 1)), ("Lambda", (None, 28, 28, 1)), ("Lambda", (None, 28, 28, 1)),
        ("Conv2D", (None, 26, 26, 4)),
    ]
    assert rows(models["plain"]) == [("Lambda", (None, 10)), ("Dense", (None, 3))]


def test_a_keras2_lambda_on_a_list_of_tensors() -> None:
    """Keras 2's VAE: ``Lambda(sampling)([z_mean, z_log_var])`` with backend functions."""
    models, notes = run(
        """
        import tensorflow as tf
        from keras.layers import Lambda, Input, Dense
        from keras.models import Model
        from keras import backend as K

        def sampling(args):
            z_mean, z_log_var = args
            batch = K.shape(z_mean)[0]
            dim = K.int_shape(z_mean)[1]
            epsilon = K.random_normal(shape=(batch, dim))
            return z_mean + K.exp(0.5 * z_log_var) * epsilon

        inputs = Input(shape=(784,))
        z_mean = Dense(2)(inputs)
        z_log_var = Dense(2)(inputs)
        z = Lambda(sampling, output_shape=(2,), name="z")([z_mean, z_log_var])
        lrn = Lambda(tf.nn.local_response_normalization)(z)
        encoder = Model(inputs, lrn)
        """
    )
    assert notes == []
    assert rows(models["encoder"])[-3:] == [("+", (None, 2)), ("Lambda", (None, 2)), ("Lambda", (None, 2))]


@pytest.mark.parametrize(
    "function, reason",
    [
        ("lambda t: ops.expand_dims(t, -1)", "changes its input's shape; convlint follows that only in a functional call"),
        ("helpers.preprocess", "cannot be followed"),
    ],
)
def test_a_lambda_convlint_cannot_follow_is_an_honest_unknown(function: str, reason: str) -> None:
    models, _ = run(
        f"""
        import keras
        from keras import layers, ops
        import helpers

        model = keras.Sequential([keras.Input((28, 28)), layers.Lambda({function}), layers.Conv2D(4, 3)])
        """
    )
    shaped = models["model"]
    assert [r.output_shape for r in shaped.layers[1:]] == [None, None]
    (finding,) = shaped.findings
    assert finding.kind == "unknown-value" and reason in finding.message


@pytest.mark.parametrize(
    "imports, prefix",
    [
        ("import tensorflow as tf", "tf.keras."),
        ("from tensorflow import keras", "keras."),
        ("from tensorflow.keras import layers, Input, Model", ""),
    ],
)
def test_tf_keras_spellings(imports: str, prefix: str) -> None:
    layers_ = "layers." if not prefix else f"{prefix}layers."
    models, notes = run(
        f"""
        {imports}

        inp = {prefix}Input(shape=(32, 32, 3))
        x = {layers_}Conv2D(8, 3, padding="same")(inp)
        x = {layers_}GlobalAveragePooling2D()(x)
        model = {prefix}Model(inp, {layers_}Dense(10)(x))
        """
    )
    assert notes == []
    assert rows(models["model"])[-1] == ("Dense", (None, 10))
    assert models["model"].total_params == 224 + 90
