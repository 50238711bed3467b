"""CL101 non-positive-dim: a layer's output would have an axis of size zero or less."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..diagnostics import Diagnostic
from . import FindingRule
from .fixes import same_padding_fix

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import ShapedModel


class NonPositiveDim(FindingRule):
    """## What it does
    Reports a layer whose output would have a spatial axis of size zero or less: a kernel or
    pooling window larger than its (padded) input, usually after too many poolings.

    ## Why is this bad?
    The framework raises an error when the model is built or first called, often deep in a
    training script, long after the line at fault.  The message says by how much it is short.
    Where the window reaches past the input only because it is not padded, the (unsafe) fix is
    ``padding="same"``: it changes every size after the layer.
    """

    code = "CL101"
    name = "non-positive-dim"
    severity = "error"
    kind = "non-positive-dim"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3),
    layers.MaxPooling2D(2),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(16, 3),
    layers.Conv2D(16, 7),
])
""",
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        for finding in model.findings:
            if finding.kind == self.kind:
                fix = same_padding_fix(model, finding)
                yield self.reported(model, finding, fix)
