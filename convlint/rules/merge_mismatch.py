"""CL106 merge-mismatch: tensors of incompatible shapes added, multiplied or concatenated."""

from __future__ import annotations

from . import FindingRule


class MergeMismatch(FindingRule):
    """## What it does
    Reports a merge (``Add``, ``Multiply``, ``Concatenate``, ``torch.cat``, ``x + y``) of tensors
    whose shapes do not fit together, typically a residual branch that lost two pixels to
    ``padding="valid"``.

    ## Why is this bad?
    The model cannot be built; the framework's message rarely says which branch changed size.
    """

    code = "CL106"
    name = "merge-mismatch"
    severity = "error"
    kind = "merge-mismatch"
    VALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 16))
branch = layers.Conv2D(16, 3, padding="same")(inputs)
outputs = layers.Add()([inputs, branch])
model = keras.Model(inputs, outputs)
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 16))
branch = layers.Conv2D(16, 3)(inputs)
outputs = layers.Add()([inputs, branch])
model = keras.Model(inputs, outputs)
""",
    )
