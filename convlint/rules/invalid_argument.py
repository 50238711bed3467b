"""CL107 invalid-argument: a layer constructed with an argument it rejects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..diagnostics import Diagnostic
from . import FindingRule
from .fixes import keyword_fix

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import ShapedModel


class InvalidArgument(FindingRule):
    """## What it does
    Reports a layer constructor argument the framework rejects: a misspelt ``padding`` mode, a
    zero or negative size, a tuple of the wrong length, a missing required argument, a keyword
    the class does not take (``Conv2D(stride=2)``: Keras spells it ``strides``; the unsafe fix
    renames it to the accepted name it is a misspelling of).

    ## Why is this bad?
    The layer raises when it is constructed; nothing after it can be built.
    """

    code = "CL107"
    name = "invalid-argument"
    severity = "error"
    kind = "invalid-argument"

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        for finding in model.findings:
            if finding.kind == self.kind:
                yield self.reported(model, finding, keyword_fix(model, finding))
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
