"""The ``Dim`` algebra: one type for known, symbolic and computed axis sizes.

A dim is a plain ``int`` or an :class:`Expr`, an integer polynomial over named symbols and
floor-division atoms.  Every shape rule in the catalogue is written once with ``+ - * //`` and
works unchanged on ints and symbols, because ``Expr`` implements those operators and collapses
back to ``int`` as soon as no symbol is left.  Unknown (as opposed to symbolic) axis sizes are
``None``; they live in shapes, not here.

Expressions are kept in one canonical form (sorted monomials, constants folded into floor
divisions modulo the divisor) so that equal values compare equal, and they print as valid Python
(``(H + 1) // 2 - 1``) so a printed dim can be read, and re-evaluated, by a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, Mapping, Optional, Tuple, Union

__all__ = [
    "Dim",
    "Expr",
    "FloorDiv",
    "sym",
    "ceil_div",
    "exact_div",
    "is_known",
    "free_symbols",
    "subs",
    "fmt",
    "prod",
]

Atom = Union[str, "FloorDiv"]
Monomial = Tuple[Atom, ...]  # sorted atoms with multiplicity; () is the constant monomial


def _atom_key(a: Atom) -> Tuple[int, str]:
    return (0, a) if isinstance(a, str) else (1, str(a))


def _mono_key(m: Monomial) -> Tuple[int, Tuple[Tuple[int, str], ...]]:
    return (-len(m), tuple(_atom_key(a) for a in m))


@dataclass(frozen=True)
class FloorDiv:
    """``num // den`` for a non-constant ``num`` and a divisor ``den >= 2``; an opaque atom."""

    num: "Expr"
    den: int

    def __str__(self) -> str:
        inner = str(self.num)
        if not self.num.is_single_symbol():
            inner = f"({inner})"
        return f"{inner} // {self.den}"


class Expr:
    """An integer polynomial over atoms, in canonical form.  Immutable and hashable."""

    __slots__ = ("terms", "const", "_hash")

    def __init__(self, terms: Tuple[Tuple[Monomial, int], ...], const: int) -> None:
        self.terms = terms
        self.const = const
        self._hash = hash((terms, const))

    # -- construction -------------------------------------------------------------------
    @staticmethod
    def build(coeffs: Mapping[Monomial, int], const: int) -> "Dim":
        terms = tuple(sorted(((m, c) for m, c in coeffs.items() if c), key=lambda t: _mono_key(t[0])))
        if not terms:
            return const
        return Expr(terms, const)

    def _coeffs(self) -> Dict[Monomial, int]:
        return dict(self.terms)

    def is_single_symbol(self) -> bool:
        return self.const == 0 and len(self.terms) == 1 and self.terms[0][1] == 1 and len(self.terms[0][0]) == 1

    # -- arithmetic ---------------------------------------------------------------------
    def __add__(self, other: "Dim") -> "Dim":
        if isinstance(other, int):
            return Expr.build(self._coeffs(), self.const + other)
        if not isinstance(other, Expr):
            return NotImplemented
        c = self._coeffs()
        for m, k in other.terms:
            c[m] = c.get(m, 0) + k
        return Expr.build(c, self.const + other.const)

    __radd__ = __add__

    def __neg__(self) -> "Dim":
        return Expr.build({m: -k for m, k in self.terms}, -self.const)

    def __sub__(self, other: "Dim") -> "Dim":
        if not isinstance(other, (int, Expr)):
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other: "Dim") -> "Dim":
        if not isinstance(other, int):
            return NotImplemented
        return (-self) + other

    def __mul__(self, other: "Dim") -> "Dim":
        if isinstance(other, int):
            return Expr.build({m: k * other for m, k in self.terms}, self.const * other)
        if not isinstance(other, Expr):
            return NotImplemented
        left = list(self.terms) + [((), self.const)]
        right = list(other.terms) + [((), other.const)]
        c: Dict[Monomial, int] = {}
        for m1, k1 in left:
            for m2, k2 in right:
                if not k1 or not k2:
                    continue
                m = tuple(sorted(m1 + m2, key=_atom_key))
                c[m] = c.get(m, 0) + k1 * k2
        const = c.pop((), 0)
        return Expr.build(c, const)

    __rmul__ = __mul__

    def __floordiv__(self, other: "Dim") -> "Dim":
        if not isinstance(other, int):
            if isinstance(other, Expr):
                q = exact_div(self, other)
                if q is not None:
                    return q
                raise TypeError(f"cannot floor-divide {self} by the symbolic {other}")
            return NotImplemented
        if other <= 0:
            raise ZeroDivisionError(f"floor division of {self} by {other}")
        if other == 1:
            return self
        # Split every coefficient as k == q * other + r (0 <= r < other): the q parts divide
        # exactly, and only the remainder polynomial is left under the floor.
        whole: Dict[Monomial, int] = {}
        rest: Dict[Monomial, int] = {}
        for m, k in self.terms:
            whole[m], rest[m] = divmod(k, other)
        q_const, r_const = divmod(self.const, other)
        quotient = Expr.build(whole, q_const)
        remainder = Expr.build(rest, r_const)
        if isinstance(remainder, int):  # every coefficient was a multiple of ``other``
            return quotient
        # Added, never stored under its monomial: the quotient may already hold this very
        # atom (``(3 * (H // 3) + H) // 3 == 2 * (H // 3)``).
        return quotient + _floor_atom(remainder, other)

    def __rfloordiv__(self, other: "Dim") -> "Dim":
        if isinstance(other, int) and other == 0:
            return 0
        raise TypeError(f"cannot floor-divide {other} by the symbolic {self}")

    # -- comparison ---------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and self.terms == other.terms and self.const == other.const

    def __hash__(self) -> int:
        return self._hash

    # -- printing -----------------------------------------------------------------------
    def __str__(self) -> str:
        parts = []
        for m, k in self.terms:
            factors = [_atom_str(a, len(m) > 1 or k != 1) for a in m]
            body = " * ".join(factors)
            if abs(k) != 1:
                body = f"{abs(k)} * {body}"
            parts.append(("-" if k < 0 else "+", body))
        if self.const:
            parts.append(("-" if self.const < 0 else "+", str(abs(self.const))))
        sign, first = parts[0]
        out = ("-" if sign == "-" else "") + first
        for sign, body in parts[1:]:
            out += f" {sign} {body}"
        return out

    def __repr__(self) -> str:
        return f"Expr({str(self)!r})"


def _floor_atom(num: Expr, den: int) -> Dim:
    """``num // den`` for a remainder polynomial ``num`` (coefficients in ``[0, den)``).

    A nested floor collapses, ``(n // a + c) // b == (n + c * a) // (a * b)`` for ``a, b > 0``,
    so equal values keep one printed form; anything else stays an opaque atom.
    """
    if len(num.terms) == 1:
        (monomial, k), = num.terms
        if k == 1 and len(monomial) == 1 and isinstance(monomial[0], FloorDiv):
            inner = monomial[0]
            return (inner.num + num.const * inner.den) // (inner.den * den)
    return Expr.build({(FloorDiv(num, den),): 1}, 0)


def _atom_str(a: Atom, in_product: bool) -> str:
    if isinstance(a, str):
        return a
    return f"({a})" if in_product else str(a)


Dim = Union[int, Expr]


def sym(name: str) -> Expr:
    """A named symbolic dim such as ``H``."""
    e = Expr.build({(name,): 1}, 0)
    assert isinstance(e, Expr)
    return e


def is_known(d: object) -> bool:
    """True for a concrete integer dim (bools excluded)."""
    return isinstance(d, int) and not isinstance(d, bool)


def ceil_div(a: Dim, b: int) -> Dim:
    """``ceil(a / b)`` for a positive integer ``b``, exact on integers and symbols; written
    ``(a - 1) // b + 1``, the form courses teach for ``padding="same"``."""
    return (a - 1) // b + 1


def exact_div(a: Dim, b: Dim) -> Optional[Dim]:
    """``a / b`` when it is exact for every value of the symbols, else ``None``.

    Used where a framework divides sizes (``view(-1, ...)``, ``Reshape((-1, ...))``).
    """
    if isinstance(b, int):
        if b == 0:
            return None
        if isinstance(a, int):
            return a // b if a % b == 0 else None
        if a.const % b or any(k % b for _, k in a.terms):
            return None
        return Expr.build({m: k // b for m, k in a.terms}, a.const // b)
    # b symbolic: only a single monomial times a constant divides cleanly here.
    if len(b.terms) != 1 or b.const != 0:
        return None
    (bm, bk), = b.terms
    if isinstance(a, int):
        return None
    if a.const != 0:
        return None
    out: Dict[Monomial, int] = {}
    for m, k in a.terms:
        rest = list(m)
        for atom in bm:
            if atom not in rest:
                return None
            rest.remove(atom)
        if k % bk:
            return None
        out[tuple(rest)] = out.get(tuple(rest), 0) + k // bk
    const = out.pop((), 0)
    return Expr.build(out, const)


def free_symbols(d: object) -> frozenset:
    """The symbol names a dim depends on (empty for ints and ``None``)."""
    if not isinstance(d, Expr):
        return frozenset()
    names = set()
    for m, _ in d.terms:
        for a in m:
            if isinstance(a, str):
                names.add(a)
            else:
                names |= free_symbols(a.num)
    return frozenset(names)


def subs(d: Optional[Dim], bindings: Mapping[str, Dim]) -> Optional[Dim]:
    """Evaluate ``d`` with some or all of its symbols bound; ``None`` stays ``None``."""
    if d is None or isinstance(d, int):
        return d
    total: Dim = d.const
    for m, k in d.terms:
        value: Dim = k
        for a in m:
            if isinstance(a, str):
                value = value * bindings[a] if a in bindings else value * sym(a)
            else:
                num = subs(a.num, bindings)
                assert num is not None
                value = value * (num // a.den)
        total = total + value
    return total


def fmt(d: Optional[Dim]) -> Union[int, str, None]:
    """A dim as the JSON report shows it: an int, a string expression, or ``None``."""
    if d is None or isinstance(d, int):
        return d
    return str(d)


def prod(dims: Iterable[Optional[Dim]]) -> Optional[Dim]:
    """The product of dims; ``None`` if any is unknown.  Starts from the first factor, not 1,
    so a traced product reads ``5·5·16`` (see :mod:`convlint.formula`)."""
    out: Optional[Dim] = None
    for d in dims:
        if d is None:
            return None
        out = d if out is None else out * d
    return 1 if out is None else out
