"""Big files made cheap: only the top-level statements that can matter are parsed.

A full parse of a 10 MB file costs 140 s and 8.8 GB with libcst (and 12 s, 2.3 GB with
Python's ``ast``), while the model in it is a few kilobytes.  A file above
:data:`READ_CHARS` characters is split at its top-level statements (:mod:`convlint.frontend.python.split`,
about 1 s for 10 MB) and only these are kept, in their order:

* statements that match the prefilter (they name a layer, ``nn.``, an example input...);
* every import;
* backwards, the statements that bind a name a kept statement uses (its helpers, classes,
  constants), found by the names each binds;
* forwards, the top-level statements that use a name a kept model statement or definition binds
  (``model.add(...)``, ``net = Net()``, ``net.eval()``, ``net(x)``).

The kept text is parsed as if it were the file; :meth:`~convlint.relevant.Reduced.original` maps its lines back,
so every diagnostic points into the real file.  Kept statements past :data:`READ_CHARS` are
not read either: the models built so far are reported as incomplete (the front end poisons
what the unread code could change) and a note says where reading stopped; so is a single
statement larger than that.  When the split is
unsure (an unterminated string, unbalanced brackets) the whole file is parsed, unless it is
larger than :data:`MAX_WHOLE`: then it is not checked, and a note says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # pragma: no cover
    from .relevant import Reduced

__all__ = ["READ_CHARS", "MAX_WHOLE", "reduce"]

READ_CHARS = 100_000
"""Files up to this many characters are parsed whole; of a larger one, at most this much is
kept.  Reading 100 kB of dense model code (3,500 ``model.add`` lines) takes about 5 s of CPU:
parse, interpreter, engine; the largest model files of the Keras applications and
torchvision are under 40 kB."""
MAX_WHOLE = 1_000_000
"""A big file that cannot be split is parsed whole only up to this size."""


def reduce(text: str) -> "Optional[Reduced]":
    """The statements of ``text`` worth parsing; ``None`` to parse it whole (it is small, or
    its split is unsure and it is at most :data:`MAX_WHOLE`).  An unsure split of a larger file
    gives a :class:`~convlint.relevant.Reduced` with nothing kept.

    Every file passes here, and almost every one is small: the splitter and the statement
    selection (:mod:`convlint.relevant`) are imported only for a big one."""
    if len(text) <= READ_CHARS:
        return None
    from .frontend.python.split import split
    from .relevant import Reduced, assemble, relevant

    chunks = split(text)
    if chunks is None:
        return None if len(text) <= MAX_WHOLE else Reduced("", 0, 0, READ_CHARS)
    keep = relevant(text, chunks, READ_CHARS)
    return assemble(text, chunks, keep, READ_CHARS)
