"""CL906 unresolved-argument: a layer argument the shape depends on is not a static value."""

from __future__ import annotations

from . import FindingRule
from .unresolved import Unresolved


class UnresolvedArgument(FindingRule):
    """## What it does
    Reports a layer argument the output shape depends on (``kernel_size``, ``strides``, a
    target shape) that is computed at run time, so shapes after the layer are unknown.

    ## Why is this bad?
    It is not a bug in your code; it shows where checking stopped.
    """

    code = "CL906"
    name = "unresolved-argument"
    severity = "info"
    kind = "unknown-value"
    precedence = 1  # names the argument and quotes the front end's reason: CL902 says less

    VALID = Unresolved.VALID
    INVALID = (
        """\
import sys

import keras
from keras import layers

kernel = int(sys.argv[1])
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, kernel_size=kernel),
])
""",
    )
