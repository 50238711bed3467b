"""CL101 non-positive-dim: a layer's output would have an axis of size zero or less."""

from __future__ import annotations

from . import FindingRule


class NonPositiveDim(FindingRule):
    """## What it does
    Reports a layer whose output would have a spatial axis of size zero or less: a kernel or
    pooling window larger than its (padded) input, usually after too many poolings.

    ## Why is this bad?
    The framework raises an error when the model is built or first called, often deep in a
    training script, long after the line at fault.  The message says by how much it is short.
    """

    code = "CL101"
    name = "non-positive-dim"
    severity = "error"
    kind = "non-positive-dim"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3),
    layers.MaxPooling2D(2),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3),
    layers.Conv2D(16, 7),
])
""",
    )
