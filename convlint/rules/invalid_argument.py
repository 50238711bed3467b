"""CL107 invalid-argument: a layer constructed with an argument it rejects."""

from __future__ import annotations

from . import FindingRule


class InvalidArgument(FindingRule):
    """## What it does
    Reports a layer constructor argument the framework rejects: a misspelt ``padding`` mode, a
    zero or negative size, a tuple of the wrong length, a missing required argument.

    ## Why is this bad?
    The layer raises when it is constructed; nothing after it can be built.
    """

    code = "CL107"
    name = "invalid-argument"
    severity = "error"
    kind = "invalid-argument"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, padding="same"),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, padding="full"),
])
""",
    )
