"""CL102 rank-mismatch: a layer receives a tensor of the wrong number of axes."""

from __future__ import annotations

from . import FindingRule


class RankMismatch(FindingRule):
    """## What it does
    Reports a layer applied to an input with the wrong rank, such as a ``Conv2D`` on the flat
    output of a ``Dense`` layer, or a ``Conv1D`` on images.

    ## Why is this bad?
    The model cannot be built.  Usually a ``Reshape`` is missing, or a 1D layer was used where
    a 2D one was meant.
    """

    code = "CL102"
    name = "rank-mismatch"
    severity = "error"
    kind = "rank-mismatch"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Reshape((28, 28, 1)),
    layers.Conv2D(32, 3),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Conv2D(32, 3),
])
""",
    )
