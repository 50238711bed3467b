"""Keras 1/2 spellings: the table's facts (Keras 1.2 and 2.x signatures, as their docs give
them), how the front end analyses old code, and the CL401 messages.  That the mapped calls
build in real Keras 3 with convlint's shapes is ``test_oracle_fixtures_keras.py`` on
``fixtures/keras/keras1_*.py``."""

from __future__ import annotations

import textwrap
from typing import Any, Dict, List, Tuple

import pytest

from convlint.config import parse_config
from convlint.dims import fmt
from convlint.engine import analyze
from convlint.frontend import analyze_source
from convlint.frontend.keras.legacy import looks_keras1, translate, translate_merge
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker

PM = make_plugin_manager()


@pytest.mark.parametrize(
    "call, keras3",
    [
        (("Dense", (), {"output_dim": 10}), ("Dense", [], {"units": 10})),
        (("Dense", (64, "he_normal"), {"W_regularizer": None}), ("Dense", [], {"units": 64, "kernel_initializer": "he_normal", "kernel_regularizer": None})),
        (
            ("Convolution2D", (32, 3, 3), {"border_mode": "same", "subsample": (2, 2)}),
            ("Conv2D", [], {"filters": 32, "kernel_size": (3, 3), "padding": "same", "strides": (2, 2)}),
        ),
        (("Convolution2D", (8, 5, 3), {"dim_ordering": "th"}), ("Conv2D", [], {"filters": 8, "kernel_size": (5, 3), "data_format": "channels_first"})),
        (("Convolution2D", (8, 5, 3), {"dim_ordering": "default"}), ("Conv2D", [], {"filters": 8, "kernel_size": (5, 3)})),
        (("Convolution3D", (4, 2, 3, 3), {}), ("Conv3D", [], {"filters": 4, "kernel_size": (2, 3, 3)})),
        (("Convolution1D", (64, 3, "uniform"), {"border_mode": "same"}), ("Conv1D", [], {"filters": 64, "kernel_size": 3, "kernel_initializer": "uniform", "padding": "same"})),
        (("Convolution1D", (), {"nb_filter": 8, "filter_length": 5, "subsample_length": 2}), ("Conv1D", [], {"filters": 8, "kernel_size": 5, "strides": 2})),
        (("Convolution1D", (64, 3), {"input_dim": 50, "input_length": 100}), ("Conv1D", [64, 3], {"input_shape": (100, 50)})),
        (("AtrousConvolution2D", (16, 3, 3), {"atrous_rate": (2, 2)}), ("Conv2D", [], {"filters": 16, "kernel_size": (3, 3), "dilation_rate": (2, 2)})),
        (("Deconvolution2D", (3, 4, 4, (None, 3, 16, 16)), {"subsample": (2, 2)}), ("Conv2DTranspose", [], {"filters": 3, "kernel_size": (4, 4), "strides": (2, 2)})),
        (("Deconvolution2D", (3, 4), {"strides": 2}), ("Conv2DTranspose", [3, 4], {"strides": 2})),  # Keras 2's alias
        (("SeparableConvolution2D", (8, 3, 3), {"depth_multiplier": 2}), ("SeparableConv2D", [], {"filters": 8, "kernel_size": (3, 3), "depth_multiplier": 2})),
        (("MaxPooling1D", (), {"pool_length": 4, "stride": 2}), ("MaxPooling1D", [], {"pool_size": 4, "strides": 2})),
        (("MaxPooling2D", ((2, 2),), {"border_mode": "same"}), ("MaxPooling2D", [(2, 2)], {"padding": "same"})),
        (("UpSampling1D", (), {"length": 3}), ("UpSampling1D", [], {"size": 3})),
        (("Dropout", (), {"p": 0.5}), ("Dropout", [], {"rate": 0.5})),
        (("GaussianNoise", (), {"sigma": 0.1}), ("GaussianNoise", [], {"stddev": 0.1})),
        (("BatchNormalization", (), {"mode": 0, "axis": 1}), ("BatchNormalization", [], {"axis": 1})),
        (("BatchNormalization", (1e-3,), {"mode": 0, "axis": 1}), ("BatchNormalization", [], {"epsilon": 1e-3, "axis": 1})),
        (("PReLU", (), {"init": "zero"}), ("PReLU", [], {"alpha_initializer": "zeros"})),
        (("LeakyReLU", (), {"alpha": 0.2}), ("LeakyReLU", [], {"negative_slope": 0.2})),
        (("AveragePooling2D", (), {}), ("AveragePooling2D", [], {"pool_size": (2, 2)})),
        (("AveragePooling1D", (), {"padding": "same"}), ("AveragePooling1D", [], {"pool_size": 2, "padding": "same"})),
    ],
)
def test_the_table_maps_old_calls_to_keras3(call: Tuple[str, Tuple, Dict], keras3: Tuple[str, List, Dict]) -> None:
    t = translate(*call)
    assert t is not None
    assert (t.type, t.args, t.kwargs) == keras3


@pytest.mark.parametrize(
    "call",
    [("Conv2D", (32, (3, 3)), {"padding": "same"}), ("Dense", (10,), {"input_dim": 4}), ("Convolution2D", (8, (3, 3)), {}),
     ("MaxPooling2D", (), {}), ("AveragePooling2D", (2,), {}), ("LeakyReLU", (), {"negative_slope": 0.1}),
     # Keras 3's own arguments that share a Keras 1 name
     ("RandomFlip", (), {"mode": "horizontal"}), ("Embedding", (1000,), {"output_dim": 64}), ("Lambda", (abs,), {"output_shape": (3,)}),
     ("Embedding", (20000, 128), {"input_length": 100})],
)
def test_keras3_calls_are_left_alone(call: Tuple[str, Tuple, Dict]) -> None:
    assert translate(*call) is None


def test_conv2d_with_three_ints_is_read_by_the_rest_of_the_file() -> None:
    keras1 = translate("Conv2D", (32, 3, 3), {}, keras1_file=True)
    assert keras1 is not None and (keras1.args, keras1.kwargs) == ([], {"filters": 32, "kernel_size": (3, 3)})
    keras3 = translate("Conv2D", (32, 3, 3), {}, keras1_file=False)
    assert keras3 is not None and (keras3.args, keras3.kwargs) == ([32, 3, 3], {})
    assert "strides=3" in keras3.message and "kernel_size=(3, 3)" in keras3.message
    with_keyword = translate("Conv2D", (32, 3, 3), {"border_mode": "same"})
    assert with_keyword is not None and with_keyword.kwargs["kernel_size"] == (3, 3)


@pytest.mark.parametrize(
    "mode, extra, layer",
    [("sum", {}, ("Add", {})), ("mul", {}, ("Multiply", {})), ("ave", {}, ("Average", {})), ("max", {}, ("Maximum", {})),
     ("concat", {"concat_axis": 1}, ("Concatenate", {"axis": 1})), ("concat", {}, ("Concatenate", {"axis": -1})),
     ("dot", {"dot_axes": 1}, ("Dot", {"axes": 1})), ("cos", {}, ("Dot", {"axes": -1, "normalize": True}))],
)
def test_merge_modes(mode: str, extra: Dict[str, Any], layer: Tuple[str, Dict]) -> None:
    t = translate_merge(([],), {"mode": mode, **extra})
    assert t is not None and (t.type, t.kwargs) == layer
    assert translate_merge(([],), {"mode": lambda a: a}) is None  # a callable mode: not followed


def test_looks_keras1() -> None:
    assert looks_keras1("model.add(Convolution2D(32, 3, 3, border_mode='same'))")
    assert looks_keras1("x = merge([a, b], mode='sum')")
    assert not looks_keras1("model.add(layers.Conv2D(32, 3, padding='same'))")


def _check(src: str) -> Tuple[List[Any], List[Any]]:
    source = textwrap.dedent(src)
    outcome = Checker(parse_config({}), collect_rules(PM), make_catalogue(PM)).check_source("m.py", source)
    models = [analyze(m) for m in analyze_source(source, "m.py").models]
    return models, outcome.diagnostics


def test_old_mnist_code_is_analysed_with_the_values_it_meant() -> None:
    (shaped,), diagnostics = _check(
        """
        from keras.models import Sequential
        from keras.layers import Convolution2D, Dense, Flatten

        model = Sequential()
        model.add(Convolution2D(32, 3, 3, border_mode="same", subsample=(2, 2), input_shape=(28, 28, 1)))
        model.add(Flatten())
        model.add(Dense(output_dim=10))
        """
    )
    assert [tuple(fmt(d) for d in r.output_shape) for r in shaped.layers[1:]] == [(None, 14, 14, 32), (None, 6272), (None, 10)]
    assert shaped.total_params == 320 + 62730
    legacy = sorted((d.line, d.message) for d in diagnostics if d.code == "CL401")
    assert [line for line, _ in legacy] == [6, 8]
    assert legacy[-1][1] == "Keras 1 spelling (output_dim -> units): use Dense(units=10)"
    assert all(d.severity == "warning" for d in diagnostics)


def test_keras1_merge_and_model_spelling() -> None:
    (shaped,), diagnostics = _check(
        """
        from keras.layers import Input, Dense, merge
        from keras.models import Model

        a = Input(shape=(8,))
        b = Input(shape=(8,))
        s = merge([Dense(4)(a), Dense(4)(b)], mode="concat")
        net = Model(input=[a, b], output=s)
        """
    )
    assert [r.node.type for r in shaped.layers if r.node.type != "Input"] == ["Dense", "Dense", "Concatenate"]
    assert tuple(shaped.result(shaped.model.outputs[0]).output_shape) == (None, 8)
    assert sorted((d.code, d.line) for d in diagnostics) == [("CL401", 7), ("CL401", 8)]


def test_theano_dim_ordering_makes_2d_layers_channels_first_only() -> None:
    models, diagnostics = _check(
        """
        from keras import backend as K
        from keras.models import Sequential
        from keras.layers import Conv1D, Conv2D

        K.set_image_dim_ordering("th")
        image = Sequential([Conv2D(8, (3, 3), input_shape=(3, 10, 12))])
        signal = Sequential([Conv1D(8, 3, input_shape=(10, 4))])
        """
    )
    image, signal = models
    assert tuple(image.layers[-1].output_shape) == (None, 8, 8, 10)
    assert tuple(signal.layers[-1].output_shape) == (None, 8, 8)
    assert [(d.code, d.line) for d in diagnostics] == [("CL401", 6)]


def test_keras3_set_image_data_format_applies_to_every_layer() -> None:
    models, diagnostics = _check(
        """
        import keras

        keras.backend.set_image_data_format("channels_first")
        signal = keras.Sequential([keras.Input((4, 10)), keras.layers.Conv1D(8, 3)])
        """
    )
    assert tuple(models[0].layers[-1].output_shape) == (None, 8, 8)
    assert diagnostics == []


_KERAS2_BATCH = """
    from keras.models import Sequential
    from keras.layers import Conv2D, Dense, Flatten, InputLayer

    model = Sequential()
    model.add(Conv2D(8, (3, 3), batch_input_shape=(None, 28, 28, 1)))
    model.add(Flatten())
    model.add(Dense(10))
"""


def test_keras2_batch_input_shape_on_a_layer_is_read_and_said() -> None:
    (shaped,), diagnostics = _check(_KERAS2_BATCH)
    assert shaped.total_params == 80 + 26 * 26 * 8 * 10 + 10
    (legacy,) = [d for d in diagnostics if d.code == "CL401"]
    assert legacy.line == 6 and "batch_input_shape" in legacy.message and "keras.Input(batch_shape=" in legacy.message
    # Keras 3's InputLayer still takes it: no note there
    _, more = _check(_KERAS2_BATCH.replace("model.add(Conv2D(8, (3, 3), batch_input_shape=(None, 28, 28, 1)))",
                                           "model.add(InputLayer(batch_input_shape=(None, 28, 28, 1)))\n    model.add(Conv2D(8, (3, 3)))"))
    assert [d for d in more if d.code == "CL401"] == []


@pytest.mark.oracle
def test_keras3_rejects_batch_input_shape_on_a_layer_but_not_on_input_layer() -> None:
    keras = pytest.importorskip("keras")
    with pytest.raises(ValueError, match="batch_input_shape"):
        keras.layers.Conv2D(8, (3, 3), batch_input_shape=(None, 28, 28, 1))
    keras.layers.InputLayer(batch_input_shape=(None, 28, 28, 1))
