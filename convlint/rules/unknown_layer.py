"""CL905 unknown-layer: a layer class convlint has no shape rule for."""

from __future__ import annotations

from . import FindingRule


class UnknownLayer(FindingRule):
    """## What it does
    Reports a layer whose class convlint does not know (a custom layer, a rarely used one);
    shapes after it are unknown.

    ## Why is this bad?
    It is not a bug in your code.  A plugin can teach convlint the layer through the
    ``convlint_layer_specs`` hook.
    """

    code = "CL905"
    name = "unknown-layer"
    severity = "info"
    kind = "unknown-layer"

    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(10, 28, 28, 1)),
    layers.Conv3D(8, 3),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(10, 28, 28, 1)),
    layers.ConvLSTM2D(8, 3),
])
""",
    )
