"""CL904 no-input-shape: a model whose input shape is neither declared nor configured."""

from __future__ import annotations

from . import NoteRule


class NoInputShape(NoteRule):
    """## What it does
    Reports a model that declares no input shape (no ``Input``/``input_shape`` in Keras) and
    has none in ``[tool.convlint] input-shapes``, so its sizes were analysed symbolically or
    not at all.

    ## Why is this bad?
    Without an input size, spatial errors (a window larger than the feature map, a
    ``Linear`` that does not fit) can only be found for some inputs.  Declare the input, or add
    ``input-shapes = {"path/to/file.py::Net" = [3, 32, 32]}`` to ``[tool.convlint]``.
    """

    code = "CL904"
    name = "no-input-shape"
    severity = "info"
    kind = "no-input-shape"

    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    layers.Conv2D(32, 3),
])
""",
    )
