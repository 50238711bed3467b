"""CL903 unsupported: a construct the front end does not follow."""

from __future__ import annotations

from . import NoteRule


class Unsupported(NoteRule):
    """## What it does
    Reports a construct in a model definition the front end does not follow (dynamic layer
    lists, control flow that depends on data, unusual containers).

    ## Why is this bad?
    It is not a bug in your code; the model was checked only up to that point.
    """

    code = "CL903"
    name = "unsupported"
    severity = "info"
    kind = "unsupported"

    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(64,))])
model.add(layers.Dense(64))
model.add(layers.Dense(64))
""",
    )
    INVALID = (
        """\
import sys

import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(64,))])
for _ in range(int(sys.argv[1])):
    model.add(layers.Dense(64))
""",
    )
