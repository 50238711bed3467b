"""Source lines as Python's parser counts them.

``str.splitlines()`` also breaks at form feeds, vertical tabs, ``\\x1c``-``\\x1e``, ``\\x85``,
``\\u2028`` and ``\\u2029``; Python (and libcst, and ``ast``) end a line only at ``\\n``,
``\\r\\n`` or ``\\r``.  A form feed is ordinary whitespace in a Python file (PEP 8 even suggests
it between sections), so ``splitlines()`` would shift every later line number by one: a
``# noqa`` or a ``# convlint: input-shape=`` comment would then be read off the wrong line.
Everything that maps a line number to text uses :func:`split_lines`.
"""

from __future__ import annotations

import re
from typing import List

__all__ = ["split_lines"]

_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_PYTHON_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str, keepends: bool = False) -> List[str]:
    """``text.splitlines(keepends)``, but breaking only where Python does (``\\n``, ``\\r\\n``,
    ``\\r``); like ``splitlines()``, a final line break does not start another (empty) line."""
    if _OTHER_BREAKS.search(text) is None:
        return text.splitlines(keepends)  # the common case, at C speed
    lines = _PYTHON_LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]
