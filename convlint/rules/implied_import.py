"""CL908 implied-import: framework names a file uses without importing them."""

from __future__ import annotations

from . import NoteRule


class ImpliedImport(NoteRule):
    """## What it does
    Says which names convlint read as a framework's although the file never imports them: a
    snippet pasted from a tutorial, or a notebook cell whose imports live in another cell
    (``model = Sequential()`` then ``model.add(Conv2D(...))`` with no import).  Each such name
    is read as the class or module it spells; a spelling both frameworks have (``Flatten``,
    ``Sequential``) goes to the framework the rest of the file uses, and is left alone when
    nothing decides.  A star import of a framework namespace (``from keras.layers import *``)
    binds its names without this note.

    ## Why is this bad?
    Run on its own the file raises ``NameError``; the model convlint checks is the one the
    imports it guessed would build.  Add the imports to make it explicit.
    """

    code = "CL908"
    name = "implied-import"
    severity = "info"
    kind = "implied"

    VALID = (
        """\
from keras.layers import *
from keras.models import Sequential

model = Sequential()
model.add(Dense(10, input_shape=(4,)))
""",
    )
    INVALID = (
        """\
model = Sequential()
model.add(Conv2D(8, (3, 3), input_shape=(28, 28, 1)))
model.add(Flatten())
model.add(Dense(10))
""",
    )
