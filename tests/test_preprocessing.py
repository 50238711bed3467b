"""Keras RandomCrop: the engine reports the training shape (as summary() does) and rule CL303
warns that inference returns the input unchanged -- both checked against real Keras."""

from __future__ import annotations

import numpy as np
import pytest

from convlint.config import Config
from convlint.engine import analyze
from convlint.rules.crop_at_inference import CropOnlyInTraining
from layer_models import layer_model, shape_json


def _shaped(height: int, width: int, in_shape=(None, 32, 30, 3)):
    return analyze(layer_model("keras", "RandomCrop", (height, width), {}, [in_shape]))


def test_engine_gives_the_training_shape():
    assert shape_json(_shaped(20, 24).result("layer").output_shape) == (None, 20, 24, 3)


def test_rule_warns_only_when_the_size_changes():
    assert len(list(CropOnlyInTraining().check(_shaped(20, 24), Config()))) == 1
    assert list(CropOnlyInTraining().check(_shaped(32, 30), Config())) == []


@pytest.mark.oracle
def test_keras_crops_in_training_only():
    keras = pytest.importorskip("keras")
    pytest.importorskip("torch")
    layer = keras.layers.RandomCrop(20, 24)
    x = np.random.default_rng(0).random((2, 32, 30, 3)).astype("float32")
    assert tuple(layer.compute_output_shape((None, 32, 30, 3))) == (None, 20, 24, 3)
    assert tuple(layer(x, training=True).shape) == (2, 20, 24, 3)
    assert tuple(layer(x, training=False).shape) == (2, 32, 30, 3)  # what CL303 warns about
