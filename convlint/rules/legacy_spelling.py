"""CL401 legacy-keras-spelling: a Keras 1 or Keras 2 spelling, and its Keras 3 equivalent."""

from __future__ import annotations

from . import NoteRule


class LegacyKerasSpelling(NoteRule):
    """## What it does
    Reports a layer call written in Keras 1 or Keras 2 terms (``Dense(output_dim=10)``,
    ``Convolution2D(32, 3, 3, border_mode="same", subsample=(2, 2))``, ``init=``,
    ``dim_ordering="th"``, ``merge([a, b], mode="sum")``, ``Model(input=..., output=...)``,
    ``LeakyReLU(alpha=...)``, ``AveragePooling2D()`` without a size) and names the Keras 3 call
    that means the same.  convlint analyses the model with those values, so shapes and
    parameter counts are the ones the old code meant.

    It also flags ``Conv2D(32, 3, 3)`` in code with no other Keras 1 spelling: Keras 1 read it
    as a 3x3 kernel, Keras 2 and 3 read a 3-wide kernel with stride 3.

    ## Why is this bad?
    Keras 3 rejects the Keras 1 names (``missing 1 required positional argument: 'units'``,
    ``Unrecognized keyword arguments``), requires a ``pool_size`` for ``AveragePooling2D``, and
    reads old positional arguments differently, so the code either fails or silently builds
    another network.

    ## Use instead
    The Keras 3 spelling the message gives: ``units``, ``filters``, ``kernel_size=(rows, cols)``,
    ``padding``, ``strides``, ``kernel_initializer``, ``data_format="channels_first"`` for
    ``"th"``, the ``Add``/``Concatenate``/... layers for ``merge``.  ``convlint --fix`` writes it
    wherever there is one rewrite of the whole call (see ``convlint/frontend/keras/legacy_fix.py``
    for what has none); grouping Keras 1's kernel sizes into a tuple is an unsafe fix where
    Keras 3 runs the old call (as a stride), a safe one elsewhere.
    """

    code = "CL401"
    name = "legacy-keras-spelling"
    severity = "warning"
    kind = "legacy"

    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, (3, 3), padding="same", strides=(2, 2)),
    layers.Flatten(),
    layers.Dense(units=10),
])
""",
    )
    INVALID = (
        """\
from keras.models import Sequential
from keras.layers import Convolution2D, Dense, Flatten

model = Sequential()
model.add(Convolution2D(32, 3, 3, border_mode="same", input_shape=(28, 28, 1)))
model.add(Flatten())
model.add(Dense(output_dim=10))
""",
    )
