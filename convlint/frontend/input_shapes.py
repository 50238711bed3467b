"""Where a model's input shape comes from when the code does not build one, for every
framework: a ``# convlint: input-shape=(...)`` comment right above the model's definition, or
``[tool.convlint.input-shapes]`` in the configuration.  (Example calls are each framework's
own: what a call of a model with an array means depends on the framework.)"""

from __future__ import annotations

import ast
import re
from typing import Any, Dict, Optional, Sequence, Tuple

from .pragmas import comment_block

__all__ = ["declared_shape", "configured_shape"]

_SHAPE_COMMENT = re.compile(r"#\s*convlint:\s*input-shape\s*=\s*(\(.*\)|\[.*\])")


def declared_shape(lines: Sequence[str], line: int) -> Optional[Tuple[Any, ...]]:
    """``# convlint: input-shape=(3, 32, 32)`` in the comment block right above ``line``
    (1-based; decorators in between are allowed)."""
    for text in comment_block(lines, line):
        match = _SHAPE_COMMENT.search(text)
        if match:
            try:
                value = ast.literal_eval(match.group(1))
            except (ValueError, SyntaxError):
                return None
            if isinstance(value, (tuple, list)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                return tuple(value)
            return None
    return None


def configured_shape(shapes: Dict[str, Tuple[Any, ...]], path: str, name: str) -> Optional[Tuple[Any, ...]]:
    """The configured input shape of model ``name`` in ``path`` (``"path::Name"`` first)."""
    value = (shapes or {}).get(f"{path}::{name}", (shapes or {}).get(name))
    return tuple(value) if value is not None else None
