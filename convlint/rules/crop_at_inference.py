"""CL303 crop-only-in-training: a Keras RandomCrop whose size change disappears at inference."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..diagnostics import Diagnostic
from ..dims import is_known
from . import Rule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import ShapedModel


class CropOnlyInTraining(Rule):
    """## What it does
    Reports a Keras ``RandomCrop`` whose ``(height, width)`` differs from the size of its
    input.

    ## Why is this bad?
    ``RandomCrop`` crops only when called in training.  At inference (``model.predict``,
    ``model(x, training=False)``, a served model) Keras 3 returns its input unchanged, so every
    layer after it sees a different spatial size than in training and than ``summary()``
    shows: a ``Flatten`` + ``Dense`` head then fails, or a fully convolutional model silently
    changes its output size.

    ## Use instead
    Resize or crop deterministically for both phases (``Resizing`` / ``CenterCrop`` in the
    model, or crop in the input pipeline), or end the feature extractor with a global pooling
    layer so the head does not depend on the spatial size.
    """

    code = "CL303"
    name = "crop-only-in-training"
    severity = "warning"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.CenterCrop(28, 28),
    layers.Conv2D(8, 3),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.RandomCrop(28, 28),
    layers.Conv2D(8, 3),
    layers.Flatten(),
    layers.Dense(10),
])
""",
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        m = model.model
        if m.framework != "keras":
            return
        for r in model.layers:
            if r.node.type != "RandomCrop" or r.attrs is None or not r.input_shapes or r.input_shapes[0] is None:
                continue
            shape = r.input_shapes[0]
            if len(shape) != 4:
                continue
            first = r.attrs.get("data_format") == "channels_first"
            size = (shape[2], shape[3]) if first else (shape[1], shape[2])
            target = (r.attrs["height"], r.attrs["width"])
            if not all(is_known(v) for v in size + target) or size == target:
                continue
            yield self.at(
                m.path,
                r.node.span,
                f"RandomCrop '{r.node.name or r.node.id}' crops {size[0]}x{size[1]} to {target[0]}x{target[1]} only in "
                f"training; at inference Keras returns the {size[0]}x{size[1]} input unchanged, so the layers after it "
                "see another size than in training and in summary(); use CenterCrop or Resizing, or crop in the input pipeline",
                m.name,
                m.cell,
            )
