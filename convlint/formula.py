"""Numbers that remember their arithmetic, for ``--why``.

The catalogue's shape rules are written once over ``Dim`` with ``+ - * //``.  Called with
*traced* numbers (made by :func:`leaf`), the very same code returns values that also carry the
formula they were computed by, with the numbers filled in: ``(28 + 2·0 − 3) // 1 + 1``.  There is
no second copy of the arithmetic to drift: a rule that changes, changes its formula.

A traced number is an ``int`` (or a symbolic :class:`~convlint.dims.Expr`) in every respect the
rules can observe (comparisons, ``is_known``, indexing, messages), so the rules need not know
about tracing.  Only the operators record text; each one computes its value and its text from
the same two operands, so a formula always evaluates to its value.  The engine never makes a
traced number: with ``--why`` off, nothing here runs.

Formulas print ``·`` for ``*`` and ``−`` for ``-``; otherwise they are Python (``//`` is floor
division), so a reader, or a test, can evaluate them.
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Dict, Optional, Tuple, Union

from .dims import Dim, Expr

__all__ = ["Traced", "leaf", "const", "formula", "plain", "is_traced", "render_dim"]

SUM, PRODUCT, UNARY, ATOM = 1, 2, 3, 4
"""How tightly a formula binds, as Python parses it."""

_OPS: Dict[str, Tuple[Callable[[Any, Any], Any], int]] = {
    "+": (operator.add, SUM),
    "−": (operator.sub, SUM),
    "·": (operator.mul, PRODUCT),
    "//": (operator.floordiv, PRODUCT),
}


class Traced:
    """Mixin of :class:`TracedInt` and :class:`TracedExpr`: ``text`` is the formula, ``prec``
    how tightly it binds, ``top`` its outermost operator (``None`` for an atom), ``computed``
    whether an operator made it (a leaf is a literal)."""

    __slots__ = ()
    text: str
    prec: int
    top: Optional[str]
    computed: bool

    def __add__(self, other: Any) -> Any:
        return _apply("+", self, other)

    def __radd__(self, other: Any) -> Any:
        return _apply("+", other, self)

    def __sub__(self, other: Any) -> Any:
        return _apply("−", self, other)

    def __rsub__(self, other: Any) -> Any:
        return _apply("−", other, self)

    def __mul__(self, other: Any) -> Any:
        return _apply("·", self, other)

    def __rmul__(self, other: Any) -> Any:
        return _apply("·", other, self)

    def __floordiv__(self, other: Any) -> Any:
        return _apply("//", self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return _apply("//", other, self)

    def __neg__(self) -> Any:
        return _wrap(-plain(self), "−" + _operand(self, UNARY, strict=True), UNARY, "neg", True)


class TracedInt(Traced, int):
    """An ``int`` with the formula it was computed by."""

    def __new__(cls, value: int, text: str, prec: int = ATOM, top: Optional[str] = None, computed: bool = False) -> "TracedInt":
        obj = int.__new__(cls, value)
        obj.text, obj.prec, obj.top, obj.computed = text, prec, top, computed
        return obj


class TracedExpr(Traced, Expr):
    """A symbolic dim with the formula it was computed by."""

    __slots__ = ("text", "prec", "top", "computed")

    def __init__(self, value: Expr, text: str, prec: int = ATOM, top: Optional[str] = None, computed: bool = False) -> None:
        Expr.__init__(self, value.terms, value.const)
        self.text, self.prec, self.top, self.computed = text, prec, top, computed


def is_traced(value: object) -> bool:
    return isinstance(value, Traced)


def plain(value: Any) -> Any:
    """The value without its formula (recursively in tuples and lists)."""
    if isinstance(value, TracedInt):
        return int(value)
    if isinstance(value, TracedExpr):
        return Expr(value.terms, value.const)
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def render_dim(value: Dim) -> str:
    """A plain dim the way formulas print it: ``H − 2``, ``2·W``."""
    return str(value).replace(" * ", "·").replace("-", "−")


def _form(value: Dim) -> Tuple[int, Optional[str]]:
    """(binding strength, outermost operator) of a plain dim as :func:`render_dim` prints it."""
    if isinstance(value, int):
        return (UNARY, "neg") if value < 0 else (ATOM, None)
    if value.const or len(value.terms) > 1:
        return SUM, "+"
    (monomial, k), = value.terms
    if k < 0:
        return UNARY, "neg"
    if k != 1 or len(monomial) > 1:
        return PRODUCT, "·"
    return (ATOM, None) if isinstance(monomial[0], str) else (PRODUCT, "//")


def leaf(value: Any) -> Any:
    """``value`` with every int and dim in it traced as a literal (tuples, lists and dict values
    recursively; bools, strings and ``None`` unchanged)."""
    if isinstance(value, Traced) or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return TracedInt(value, render_dim(value), *_form(value))
    if isinstance(value, Expr):
        return TracedExpr(value, render_dim(value), *_form(value))
    if isinstance(value, tuple):
        return tuple(leaf(v) for v in value)
    if isinstance(value, list):
        return [leaf(v) for v in value]
    if isinstance(value, dict):
        return {k: leaf(v) for k, v in value.items()}
    return value


def const(value: int, like: Any) -> Any:
    """A constant of a formula (``0`` padding for ``valid``): shown as written when ``like`` is
    traced, a plain int otherwise (so the engine pays one ``isinstance``)."""
    return TracedInt(value, str(value)) if isinstance(like, Traced) else value


def formula(value: Any) -> Optional[str]:
    """The formula of a computed traced value; ``None`` for literals and untraced values."""
    if isinstance(value, Traced) and value.computed:
        return value.text
    return None


# -- building ---------------------------------------------------------------------------------
def _wrap(value: Dim, text: str, prec: int, top: str, computed: bool) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, Expr)):
        return value
    if isinstance(value, int):
        return TracedInt(value, text, prec, top, computed)
    return TracedExpr(value, text, prec, top, computed)


def _text(value: Any) -> Tuple[str, int, Optional[str]]:
    if isinstance(value, Traced):
        return value.text, value.prec, value.top
    return (render_dim(value), *_form(value))


def _operand(value: Any, prec: int, strict: bool, op: Optional[str] = None) -> str:
    """``value``'s text as an operand of an operator binding with ``prec``; ``strict`` for the
    right side of a binary operator (``a − (b − c)``)."""
    text, inner, top = _text(value)
    need = inner < prec or (strict and inner == prec and not (op in ("+", "·") and top == op))
    if op == "·" and top == "//":  # ``(3 // 1)·5``: valid Python either way, but readable
        need = True
    return f"({text})" if need else text


def _apply(op: str, left: Any, right: Any) -> Any:
    for side in (left, right):
        if isinstance(side, bool) or not isinstance(side, (int, Expr)):
            return NotImplemented
    fn, prec = _OPS[op]
    value = fn(plain(left), plain(right))
    sep = op if op == "·" else f" {op} "
    text = _operand(left, prec, False, op) + sep + _operand(right, prec, True, op)
    return _wrap(value, text, prec, op, True)


TracedValue = Union[TracedInt, TracedExpr]
