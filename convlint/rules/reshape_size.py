"""CL105 reshape-size: a reshape whose target does not hold the same number of elements."""

from __future__ import annotations

from . import FindingRule


class ReshapeSize(FindingRule):
    """## What it does
    Reports a ``Reshape`` / ``view`` / ``reshape`` whose target shape does not have as many
    elements as its input.

    ## Why is this bad?
    The reshape fails at run time ("total size of new array must be unchanged",
    "shape '[...]' is invalid for input of size ...").
    """

    code = "CL105"
    name = "reshape-size"
    severity = "error"
    kind = "reshape-size"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Reshape((28, 28)),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Reshape((10, 10)),
])
""",
    )
