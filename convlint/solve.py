"""Which input sizes make a model fit: solving the engine's symbolic constraints.

When a model declares no input shape, its spatial axes are symbols (``H``, ``W``) and a layer
whose argument fixes an input size (``Linear(9216)``, ``in_channels``) becomes a
:class:`~convlint.engine.Constraint` ``actual == value``.  Such equations mix ``*`` and ``//``,
so instead of algebra this module checks candidate integers, which is exact: square inputs
first (every spatial symbol equal, 1..2048), then each symbol independently over a small grid.

A candidate only counts if every intermediate spatial size stays >= 1 (``positive`` dims), or a
product of two negative sizes could "fit".  Dims print as valid Python, so each is compiled
once to a lambda and evaluated natively, which keeps a full scan to a few milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from .dims import Dim, Expr, free_symbols, subs

__all__ = [
    "Fit",
    "compile_dim",
    "solve",
    "solve_model",
    "smallest_valid",
    "spatial_dims",
    "describe_bindings",
]

SQUARE_LIMIT = 2048
"""Largest square side tried."""

GRID_LIMITS = {1: 2048, 2: 160, 3: 32}
"""Per-symbol range of the independent search, by number of symbols (keeps it under ~30k checks)."""

_SPATIAL = re.compile(r"^(L|D|H|W|S\d+)(_\d+)?$")


@dataclass(frozen=True)
class Fit:
    """The answer for one model.

    ``status``: ``"unconstrained"`` (no symbolic constraint), ``"square"`` (some input with all
    spatial sizes equal fits), ``"rectangular"`` (only inputs with different sizes fit),
    ``"none"`` (no input size in the searched range fits) or ``"unknown"`` (the constraints
    could not be evaluated).  ``solutions`` are the fitting bindings found, smallest first (at
    most a handful); ``smallest`` the smallest square input keeping every spatial size >= 1.
    """

    status: str
    symbols: Tuple[str, ...] = ()
    solutions: Tuple[Dict[str, int], ...] = ()
    smallest: Optional[Dict[str, int]] = None
    searched: str = ""
    constraints: Tuple[Any, ...] = field(default=(), compare=False)

    @property
    def fits(self) -> bool:
        return self.status in ("square", "rectangular", "unconstrained")

    def describe(self) -> str:
        """``fits: H = W = 28`` / ``fits only H = 28, W = 32`` / ``no input size fits``."""
        if self.status == "unconstrained":
            return "fits any input size"
        if self.status == "unknown":
            return "cannot tell which input sizes fit"
        if self.status == "none":
            return f"no input size fits ({self.searched})" if self.searched else "no input size fits"
        if self.status == "square":
            return "fits: " + describe_bindings(self.solutions)
        return "fits only " + describe_bindings(self.solutions)


def spatial_dims(symbols: Iterable[str]) -> List[str]:
    """The spatial symbols among ``symbols`` (``H``, ``W``, ``D``, ``L``, ``H_1``...), sorted D, H, W."""
    order = {"D": 0, "H": 1, "W": 2, "L": 3}
    names = [s for s in symbols if _SPATIAL.match(s)]
    return sorted(names, key=lambda s: (s.split("_")[1:] or [""], order.get(s.split("_")[0], 9), s))


def compile_dim(d: Dim, symbols: Sequence[str]) -> Callable[..., int]:
    """``d`` as a function of ``symbols`` (positional), evaluated with Python integers."""
    if isinstance(d, int):
        value = d
        return lambda *_: value
    text = str(d)
    if all(s.isidentifier() for s in symbols) and re.fullmatch(r"[\w\s+\-*/()]*", text):
        try:
            code = compile(f"lambda {', '.join(symbols) or '*_'}: {text}", "<convlint.solve>", "eval")
            return eval(code, {"__builtins__": {}}, {})  # noqa: S307 - our own printed Dim, not user text
        except SyntaxError:
            pass
    names = tuple(symbols)

    def slow(*values: int) -> int:
        out = subs(d, dict(zip(names, values)))
        if not isinstance(out, int):
            raise ValueError(f"{d} has symbols other than {names}")
        return out

    return slow


def _prepare(constraints: Sequence[Any], positive: Sequence[Dim]) -> Tuple[Tuple[str, ...], Callable[..., bool]]:
    """The symbols, in scan order, and one compiled check ``ok(*values)`` for all conditions."""
    exprs = [c.actual - c.value for c in constraints if _is_dim(c.value) and _is_dim(c.actual)]
    symbols: set = set()
    for e in exprs:
        symbols |= free_symbols(e)
    ordered = tuple(spatial_dims(symbols)) + tuple(sorted(s for s in symbols if not _SPATIAL.match(s)))
    # positivity dims that mention other symbols cannot be judged by these bindings: skip them
    pos = [p for p in positive if isinstance(p, Expr) and free_symbols(p) <= set(ordered)]
    return ordered, _checker(exprs, pos, ordered)


def _checker(zero: Sequence[Dim], positive: Sequence[Dim], symbols: Sequence[str]) -> Callable[..., bool]:
    """``lambda *symbols: all(p >= 1 for p in positive) and all(z == 0 for z in zero)``, compiled."""
    texts = [f"({p}) >= 1" for p in positive] + [f"({z}) == 0" for z in zero]
    body = " and ".join(texts) or "True"
    safe = all(s.isidentifier() for s in symbols) and re.fullmatch(r"[\w\s+\-*/()>=]*", body)
    fn: Optional[Callable[..., bool]] = None
    if safe:
        try:
            code = compile(f"lambda {', '.join(symbols) or '*_'}: {body}", "<convlint.solve>", "eval")
            fn = eval(code, {"__builtins__": {}}, {})  # noqa: S307 - our own printed Dims, not user text
        except SyntaxError:
            fn = None
    if fn is None:
        pos_fns = [compile_dim(p, symbols) for p in positive]
        zero_fns = [compile_dim(z, symbols) for z in zero]

        def fn(*values: int) -> bool:
            return all(f(*values) >= 1 for f in pos_fns) and all(f(*values) == 0 for f in zero_fns)

    checked = fn

    def ok(*values: int) -> bool:
        try:
            return bool(checked(*values))
        except (ZeroDivisionError, ValueError, TypeError):
            return False

    return ok


def _is_dim(v: Any) -> bool:
    return isinstance(v, (int, Expr)) and not isinstance(v, bool)


def solve(constraints: Sequence[Any], positive: Sequence[Dim] = (), max_solutions: int = 8) -> Fit:
    """Input sizes satisfying every constraint (objects with ``value`` and ``actual`` dims).

    ``positive`` are dims that must stay >= 1 (every symbolic spatial size of the model);
    a candidate making one of them < 1 is not a solution.
    """
    symbolic = [c for c in constraints if isinstance(c.actual, Expr) or isinstance(c.value, Expr)]
    smallest = smallest_valid(positive)
    if not symbolic:
        return Fit("unconstrained", smallest=smallest)
    try:
        symbols, ok = _prepare(symbolic, positive)
    except Exception:
        return Fit("unknown", constraints=tuple(symbolic))
    if not symbols:
        return Fit("unknown", constraints=tuple(symbolic))
    spatial = spatial_dims(symbols)
    found: List[Dict[str, int]] = []
    if len(spatial) == len(symbols):
        for n in range(1, SQUARE_LIMIT + 1):
            if ok(*((n,) * len(symbols))):
                found.append({s: n for s in symbols})
                if len(found) >= max_solutions:
                    break
        if found:
            return Fit("square", symbols, tuple(found), smallest, constraints=tuple(symbolic))
        if len(symbols) == 1:  # the square scan was already the whole search
            return Fit("none", symbols, (), smallest, f"tried {symbols[0]} in 1..{SQUARE_LIMIT}", tuple(symbolic))
    limit = GRID_LIMITS.get(len(symbols))
    if limit is None:
        return Fit("unknown", symbols, constraints=tuple(symbolic))
    hits: List[Tuple[int, ...]] = []
    for values in _grid(len(symbols), limit):
        if ok(*values):
            hits.append(values)
            if len(hits) >= 64:
                break
    hits.sort(key=lambda v: (max(v), v))
    found = [dict(zip(symbols, v)) for v in hits[:max_solutions]]
    square_note = f"square inputs 1..{SQUARE_LIMIT}, " if len(spatial) == len(symbols) and len(symbols) > 1 else ""
    searched = f"tried {square_note}{', '.join(symbols)} in 1..{limit}"
    if not found:
        return Fit("none", symbols, (), smallest, searched, tuple(symbolic))
    status = "square" if len(symbols) == 1 else "rectangular"
    return Fit(status, symbols, tuple(found), smallest, searched, tuple(symbolic))


def _grid(n: int, limit: int) -> Iterable[Tuple[int, ...]]:
    """All n-tuples in 1..limit (lexicographic; callers sort what they find)."""
    import itertools

    return itertools.product(range(1, limit + 1), repeat=n)


def smallest_valid(positive: Sequence[Dim]) -> Optional[Dict[str, int]]:
    """The smallest square input (all spatial symbols equal) keeping every dim in ``positive`` >= 1."""
    exprs = [p for p in positive if isinstance(p, Expr)]
    symbols: set = set()
    for p in exprs:
        symbols |= free_symbols(p)
    if not exprs or not symbols:
        return None
    names = tuple(spatial_dims(symbols))
    if len(names) != len(symbols):
        return None
    try:
        ok = _checker((), exprs, names)
    except Exception:
        return None
    for n in range(1, SQUARE_LIMIT + 1):
        if ok(*((n,) * len(names))):
            return {s: n for s in names}
    return None


def solve_model(shaped: Any, max_solutions: int = 8) -> Fit:
    """:func:`solve` for an engine ``ShapedModel``: its constraints, with every symbolic spatial
    size of every layer output required to be >= 1."""
    return solve(shaped.constraints, list(_positive_dims(shaped)), max_solutions)


def _positive_dims(shaped: Any) -> Iterable[Dim]:
    channels_first = getattr(shaped.model, "layout", "channels_first") == "channels_first"
    seen: set = set()
    for result in shaped.layers:
        shape = result.output_shape
        if not shape:
            continue
        axes = shape[2:] if channels_first else shape[1:-1]
        for d in axes:
            if isinstance(d, Expr) and d not in seen:
                seen.add(d)
                yield d


def describe_bindings(solutions: Sequence[Dict[str, int]]) -> str:
    """``H = W = 28`` (``or 29``...) for square solutions, ``H = 28, W = 32`` otherwise."""
    if not solutions:
        return ""
    parts = [_one(s) for s in solutions]
    square = all(len(set(s.values())) == 1 for s in solutions) and len({tuple(s) for s in solutions}) == 1
    if square and len(solutions) > 1:
        names = " = ".join(solutions[0])
        return f"{names} = " + _runs([next(iter(s.values())) for s in solutions])
    if len(parts) > 2:
        return "; ".join(parts[:2]) + f"; ... ({len(parts)}{'+' if len(parts) >= 8 else ''} sizes found)"
    return " or ".join(parts) if square else "; ".join(parts)


def _one(binding: Dict[str, int]) -> str:
    values = set(binding.values())
    if len(values) == 1 and len(binding) > 1:
        return " = ".join(binding) + f" = {values.pop()}"
    return ", ".join(f"{k} = {v}" for k, v in binding.items())


def _runs(values: List[int]) -> str:
    """``28 or 29`` / ``28..31`` / ``28, 30``."""
    values = sorted(values)
    if len(values) == 2:
        return f"{values[0]} or {values[1]}"
    if values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}..{values[-1]}"
    return ", ".join(str(v) for v in values)
