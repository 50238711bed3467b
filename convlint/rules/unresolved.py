"""CL902 unresolved: a value in a model definition the front end could not work out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Hashable, Iterator, Optional

from ..diagnostics import Diagnostic
from . import NoteRule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import ShapedModel
    from ..frontend import FileNote


class Unresolved(NoteRule):
    """## What it does
    Reports a value in a model definition (a layer list, a size) that the front end could not
    fold to a constant or a symbol, so part of the model was not followed.  Also reports the
    front end's notes attached to a model.

    ## Why is this bad?
    It is not a bug in your code; it tells you where convlint's checking stopped, so a clean
    report is not mistaken for a complete one.
    """

    code = "CL902"
    name = "unresolved"
    severity = "info"
    kind = "unresolved"

    VALID = (
        """\
import keras
from keras import layers

KERNEL = 3
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, kernel_size=KERNEL),
])
""",
    )
    INVALID = (
        """\
import keras
from model_zoo import make_blocks

model = keras.Sequential(make_blocks())
""",
    )

    @classmethod
    def cause_of(cls, note: "FileNote") -> Optional[Hashable]:
        """The value the note is about, as the front end tagged it (``None``: a note of its own)."""
        return note.cause

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        m = model.model
        for span, text, _node in m.notes:
            yield self.at(m.path, span, text, m.name, m.cell)
