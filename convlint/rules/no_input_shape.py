"""CL904 no-input-shape: a model whose input shape is neither declared nor configured."""

from __future__ import annotations

from typing import TYPE_CHECKING, Hashable, Optional

from ..graph import input_shape_cause
from . import NoteRule

if TYPE_CHECKING:  # pragma: no cover
    from ..frontend import FileNote


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
    precedence = 2  # says what to declare or configure: the engine's CL906 on the Input says less

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

    @classmethod
    def cause_of(cls, note: "FileNote") -> Optional[Hashable]:
        """The model's input shape: the note's kind and model name say which."""
        return note.cause if note.cause is not None else input_shape_cause(note.model)
