"""CL901 syntax-error: a file that cannot be read or parsed."""

from __future__ import annotations

from . import NoteRule


class SyntaxError_(NoteRule):
    """## What it does
    Reports a file convlint could not read or parse (a syntax error, an undecodable file).
    The rest of the run goes on.

    ## Why is this bad?
    Nothing in the file was checked.  Python itself would reject it too.
    """

    code = "CL901"
    name = "syntax-error"
    severity = "info"
    kind = "syntax-error"
    VALID = ("import keras\n\nmodel = keras.Sequential([])\n",)
    INVALID = ("import keras\n\nmodel = keras.Sequential([\n",)
