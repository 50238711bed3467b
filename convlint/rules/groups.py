"""CL104 groups: channels not divisible by a grouped convolution's ``groups``."""

from __future__ import annotations

from . import FindingRule


class Groups(FindingRule):
    """## What it does
    Reports a grouped convolution whose input or output channel count is not divisible by
    ``groups``.

    ## Why is this bad?
    Each group must get the same number of channels; the framework rejects the layer.
    """

    code = "CL104"
    name = "groups"
    severity = "error"
    kind = "groups"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 32, 8)),
    layers.Conv2D(16, 3, groups=4),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 32, 8)),
    layers.Conv2D(10, 3, groups=4),
])
""",
    )
