"""Row types of the layer tables.

A row names a layer as its framework spells it (``type``, positional ``args``, ``kwargs``
exactly as a user writes the constructor), the input shape(s) *with* the batch dim (``None``
in the table; the oracle uses a concrete batch), and the expected output shape and parameter
counts.  The expectations are checked against real Keras 3 / PyTorch by the oracle tests, so a
wrong hand-computed row fails there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

Shape = Tuple[Optional[int], ...]


@dataclass(frozen=True)
class Case:
    framework: str
    type: str
    args: Tuple[Any, ...]
    kwargs: Dict[str, Any]
    in_shapes: List[Shape]
    out_shape: Shape
    params: int
    trainable: int
    id: str
    numeric: bool = True  # executor output compared numerically with the framework


@dataclass(frozen=True)
class ErrorCase:
    framework: str
    type: str
    args: Tuple[Any, ...]
    kwargs: Dict[str, Any]
    in_shapes: List[Shape]
    kind: str  # the engine finding kind
    id: str
    framework_raises: bool = True  # the real framework rejects it too (checked by the oracle)


def case(
    framework: str,
    type_: str,
    args: Sequence[Any] = (),
    kwargs: Optional[Dict[str, Any]] = None,
    *,
    inp: Any,
    out: Shape,
    params: int = 0,
    trainable: Optional[int] = None,
    id: str,
    numeric: bool = True,
) -> Any:
    """One valid row; ``inp`` is a shape or a list of shapes (merge layers)."""
    shapes = inp if isinstance(inp, list) else [inp]
    row = Case(
        framework, type_, tuple(args), dict(kwargs or {}), [tuple(s) for s in shapes], tuple(out),
        params, params if trainable is None else trainable, id, numeric,
    )
    return pytest.param(row, id=f"{framework}-{id}")


def error(
    framework: str,
    type_: str,
    args: Sequence[Any] = (),
    kwargs: Optional[Dict[str, Any]] = None,
    *,
    inp: Any,
    kind: str,
    id: str,
    framework_raises: bool = True,
) -> Any:
    """One row the engine must reject with a finding of ``kind``."""
    shapes = inp if isinstance(inp, list) else [inp]
    row = ErrorCase(framework, type_, tuple(args), dict(kwargs or {}), [tuple(s) for s in shapes], kind, id, framework_raises)
    return pytest.param(row, id=f"{framework}-{id}")
