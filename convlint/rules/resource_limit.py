"""CL909 resource-limit: a file, or part of one, past what convlint checks safely."""

from __future__ import annotations

from . import NoteRule


class ResourceLimit(NoteRule):
    """## What it does
    Reports a file convlint did not check, or checked only in part, because it is past one
    of its limits: an expression nested deeper than its parser handles, a file whose
    statements that build models exceed the reading budget, a check that ran out of memory
    or whose worker process died.  The message names the cause; every other file is checked.

    ## Why is this bad?
    What was not read was not checked.  Such code is almost always generated; split it,
    or exclude the file.

    ## Example
    ```python
    import keras

    scale = ---...---1  # 1,001 minus signs: deeper than convlint's parser reads
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])
    ```
    """

    code = "CL909"
    name = "resource-limit"
    severity = "info"
    kind = "resource-limit"
    VALID = ("import keras\n\nscale = -1\nmodel = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])\n",)
    INVALID = ("import keras\n\nscale = " + "-" * 1_001 + "1\nmodel = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])\n",)
