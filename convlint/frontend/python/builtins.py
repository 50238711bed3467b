"""The Python builtins (and the few standard-library functions) the interpreter folds.

One table for every framework.  Each function gets the interpreter first, for what needs it
(iterating a framework container, giving a symbolic size its value where a comparison needs
one), then the call's evaluated arguments.  A builtin never raises for odd input: what it
cannot compute is an :class:`~convlint.graph.Unknown` (the interpreter also catches errors).
Functions that take a function (``map``) or look at objects (``isinstance``, ``getattr``)
need the interpreter's call machinery and live in ``interp.py``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from ...dims import Expr
from .values import ConstArray, Unknown, is_plain

if TYPE_CHECKING:  # pragma: no cover
    from .interp import Interpreter

__all__ = ["BUILTINS", "STDLIB", "STDLIB_VALUES", "MAX_SEQUENCE", "listed"]

MAX_SEQUENCE = 100_000
"""Longest sequence a builtin builds (``range``, ``[0] * n``): beyond it, unknown."""

Builtin = Callable[..., Any]


def _unknown_in(*values: Any) -> Optional[Unknown]:
    for v in values:
        if isinstance(v, Unknown):
            return v
    return None


def _items(ip: "Interpreter", v: Any, what: str) -> Any:
    items = ip.iterate(v)
    if items is None:
        return v if isinstance(v, Unknown) else Unknown(f"{what}() of a value whose items are unknown")
    return items


def _range(ip: "Interpreter", *args: Any) -> Any:
    args = tuple(ip.concrete(a) for a in args)
    if not args or not all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        return _unknown_in(*args) or Unknown("range() of bounds that are not constants")
    r = range(*args)
    return r if len(r) <= MAX_SEQUENCE else Unknown("range() too long to follow")


def _len(ip: "Interpreter", v: Any) -> Any:
    if isinstance(v, (list, tuple, dict, str, range)):
        return len(v)
    items = ip.iterate(v)
    if items is not None:
        return len(items)
    return v if isinstance(v, Unknown) else Unknown("len() of a value whose length is unknown")


def _seq(kind: type) -> Builtin:
    def make(ip: "Interpreter", v: Any = ()) -> Any:
        if isinstance(v, (list, tuple, range, str)):
            return kind(v)
        if isinstance(v, dict):
            return kind(v.keys())
        items = _items(ip, v, kind.__name__)
        return items if isinstance(items, Unknown) else kind(items)

    return make


def _number(kind: type) -> Builtin:
    def make(ip: "Interpreter", v: Any = 0, *rest: Any) -> Any:
        v = ip.concrete(v)
        if isinstance(v, Expr) and kind is int:
            return v  # ``int(x.shape[-1])``: a size is already an integer
        if isinstance(v, Unknown):
            return v
        if not is_plain(v) or rest and not is_plain(rest[0]):
            return Unknown(f"{kind.__name__}() of a value that is not a constant")
        return kind(v, *rest) if rest else kind(v)

    return make


def _minmax(fn: Builtin) -> Builtin:
    def run(ip: "Interpreter", *args: Any, **kwargs: Any) -> Any:
        items = _items(ip, args[0], fn.__name__) if len(args) == 1 else list(args)
        if isinstance(items, Unknown):
            return items
        items = [ip.concrete(v) for v in items]
        if kwargs or not items:
            return Unknown(f"{fn.__name__}() with a key or of nothing")
        if all(is_plain(v) for v in items):
            return fn(items)
        if all(isinstance(v, (int, Expr)) and not isinstance(v, bool) for v in items) and len(set(items)) == 1:
            return items[0]
        return _unknown_in(*items) or Unknown(f"{fn.__name__}() of sizes that are not known")

    return run


def _sum(ip: "Interpreter", v: Any, start: Any = 0) -> Any:
    items = _items(ip, v, "sum")
    if isinstance(items, Unknown):
        return items
    total = start
    for x in items:
        if isinstance(x, Unknown):
            return x
        if not (is_plain(x) or isinstance(x, Expr)):
            return Unknown("sum() of values that are not numbers")
        total = total + x
    return total


def _abs(ip: "Interpreter", v: Any) -> Any:
    v = ip.concrete(v)
    return abs(v) if isinstance(v, (int, float)) else _unknown_in(v) or Unknown("abs() of a value that is not a number")


def _round(ip: "Interpreter", v: Any, n: Any = None) -> Any:
    v = ip.concrete(v)
    if not isinstance(v, (int, float)) or not (n is None or isinstance(n, int)):
        return _unknown_in(v, n) or Unknown("round() of a value that is not a number")
    return round(v) if n is None else round(v, n)


def _enumerate(ip: "Interpreter", v: Any, start: int = 0) -> Any:
    items = _items(ip, v, "enumerate")
    return items if isinstance(items, Unknown) else [(i + start, x) for i, x in enumerate(items)]


def _zip(ip: "Interpreter", *vs: Any) -> Any:
    lists = [_items(ip, v, "zip") for v in vs]
    bad = _unknown_in(*lists)
    return bad if bad is not None else [tuple(t) for t in zip(*lists)]


def _reversed(ip: "Interpreter", v: Any) -> Any:
    items = _items(ip, v, "reversed")
    return items if isinstance(items, Unknown) else list(reversed(items))


def _sorted(ip: "Interpreter", v: Any, reverse: Any = False) -> Any:
    items = _items(ip, v, "sorted")
    if isinstance(items, Unknown):
        return items
    if not all(is_plain(x) for x in items) or not isinstance(reverse, bool):
        return Unknown("sorted() of values that are not constants")
    return sorted(items, reverse=reverse)


def _str(ip: "Interpreter", v: Any = "") -> Any:
    if isinstance(v, str):
        return v
    return str(v) if is_plain(v) else _unknown_in(v) or Unknown("str() of a value that is not a constant")


def _dict(ip: "Interpreter", *args: Any, **kwargs: Any) -> Any:
    out: Dict[Any, Any] = {}
    for a in args:
        if isinstance(a, dict):
            out.update(a)
            continue
        items = _items(ip, a, "dict")
        if isinstance(items, Unknown):
            return items
        for pair in items:
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and is_plain(pair[0])):
                return Unknown("dict() of items that are not key-value pairs")
            out[pair[0]] = pair[1]
    out.update(kwargs)
    return out


def _set(ip: "Interpreter", v: Any = ()) -> Any:
    items = _items(ip, v, "set")
    if isinstance(items, Unknown):
        return items
    if all(is_plain(x) and not isinstance(x, (list, dict)) for x in items):
        return set(items)
    return Unknown("set() of values that are not constants")


def _anyall(fn: Builtin) -> Builtin:
    def run(ip: "Interpreter", v: Any) -> Any:
        items = _items(ip, v, fn.__name__)
        if isinstance(items, Unknown):
            return items
        truths = [ip.truth(x) for x in items]
        if fn is any and True in truths or fn is all and False in truths:
            return fn is any
        if None in truths:
            return Unknown(f"{fn.__name__}() of values whose truth is unknown")
        return fn(truths)

    return run


def _divmod(ip: "Interpreter", a: Any, b: Any) -> Any:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
        return divmod(a, b)
    return Unknown("divmod() of values that are not numbers")


def _bool(ip: "Interpreter", v: Any = False) -> Any:
    t = ip.truth(v)
    return Unknown("bool() of a value whose truth is unknown") if t is None else t


def _repr(ip: "Interpreter", v: Any) -> Any:
    return repr(v) if is_plain(v) else Unknown("repr() of an object")


def _chr(ip: "Interpreter", v: Any) -> Any:
    return chr(v) if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 0x110000 else Unknown("chr() of a value that is not a code point")


def _ord(ip: "Interpreter", v: Any) -> Any:
    return ord(v) if isinstance(v, str) and len(v) == 1 else Unknown("ord() of a value that is not one character")


def _ignore(ip: "Interpreter", *args: Any, **kwargs: Any) -> None:
    return None


BUILTINS: Dict[str, Builtin] = {
    "range": _range,
    "len": _len,
    "list": _seq(list),
    "tuple": _seq(tuple),
    "int": _number(int),
    "float": _number(float),
    "bool": _bool,
    "abs": _abs,
    "round": _round,
    "min": _minmax(min),
    "max": _minmax(max),
    "sum": _sum,
    "enumerate": _enumerate,
    "zip": _zip,
    "reversed": _reversed,
    "sorted": _sorted,
    "str": _str,
    "dict": _dict,
    "set": _set,
    "frozenset": _set,
    "any": _anyall(any),
    "all": _anyall(all),
    "divmod": _divmod,
    "chr": _chr,
    "ord": _ord,
    "print": _ignore,
    "repr": _repr,
}
"""Builtins by name; used when the name is not bound by the code itself."""


def _math(fn: Callable[..., Any]) -> Builtin:
    def run(ip: "Interpreter", *args: Any) -> Any:
        args = tuple(ip.concrete(a) for a in args)
        if not all(is_plain(a) for a in args):
            if fn in (math.floor, math.ceil, math.trunc) and len(args) == 1 and isinstance(args[0], Expr):
                return args[0]  # an integer size already
            return _unknown_in(*args) or Unknown(f"math.{fn.__name__}() of values that are not numbers")
        return fn(*args)

    return run


def _prod(ip: "Interpreter", v: Any, *rest: Any) -> Any:
    items = _items(ip, v, "prod")
    if isinstance(items, Unknown):
        return items
    out: Any = 1
    for x in items:
        if not (isinstance(x, (int, float, Expr)) and not isinstance(x, bool)):
            return _unknown_in(x) or Unknown("prod() of values that are not sizes")
        out = out * x
    return out


def _linspace(ip: "Interpreter", start: Any, stop: Any, num: Any = 50, endpoint: Any = True, **kwargs: Any) -> Any:
    """``np.linspace`` / ``torch.linspace`` of constants: a drop-path schedule, as a list."""
    values = [ip.concrete(v) for v in (start, stop, num)]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values) or not isinstance(values[2], int):
        return Unknown("linspace() of values that are not constants")
    a, b, n = values
    if n > MAX_SEQUENCE or n < 0:
        return Unknown("linspace() too long to follow")
    if n == 1:
        return ConstArray((float(a),))
    step = (b - a) / ((n - 1) if endpoint else n)
    return ConstArray(tuple(a + i * step for i in range(n)))


def _arange(ip: "Interpreter", *args: Any, **kwargs: Any) -> Any:
    values = [ip.concrete(v) for v in args]
    if not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return Unknown("arange() of values that are not constants")
    if all(isinstance(v, int) for v in values):
        r = range(*values)
        return ConstArray(tuple(r)) if len(r) <= MAX_SEQUENCE else Unknown("arange() too long to follow")
    start, stop, step = (0.0, values[0], 1.0) if len(values) == 1 else (values[0], values[1], values[2] if len(values) > 2 else 1.0)
    count = int(math.ceil((stop - start) / step)) if step else -1
    return ConstArray(tuple(start + i * step for i in range(count))) if 0 <= count <= MAX_SEQUENCE else Unknown("arange() too long to follow")


def _copy(ip: "Interpreter", v: Any) -> Any:
    import copy

    return copy.copy(v) if isinstance(v, (list, dict, set)) else v


def _deepcopy(ip: "Interpreter", v: Any) -> Any:
    import copy

    return copy.deepcopy(v) if is_plain(v) else v


def _identity(ip: "Interpreter", *args: Any, **kwargs: Any) -> Any:
    return args[-1] if args else None


STDLIB: Dict[str, Builtin] = {
    **{f"math.{n}": _math(getattr(math, n)) for n in (
        "floor", "ceil", "sqrt", "log", "log2", "log10", "exp", "pow", "trunc", "gcd", "isqrt", "fabs")},
    "math.prod": _prod,
    "numpy.linspace": _linspace,
    "numpy.arange": _arange,
    "torch.linspace": _linspace,
    "torch.arange": _arange,
    "collections.OrderedDict": _dict,
    "builtins.dict": _dict,
    "numpy.prod": _prod,
    "copy.copy": _copy,
    "copy.deepcopy": _deepcopy,
    "typing.cast": _identity,  # ``cast(int, x)`` is ``x``
    "warnings.warn": _ignore,
    "logging.info": _ignore,
    "logging.warning": _ignore,
}
"""Standard-library functions by qualified name."""
STDLIB_VALUES: Dict[str, Any] = {
    "math.pi": math.pi,
    "math.e": math.e,
    "math.inf": math.inf,
    "sys.maxsize": 2**63 - 1,
}


def listed(v: Any) -> Optional[List[Any]]:
    """The items of a built-in iterable, else ``None``."""
    if isinstance(v, (list, tuple, range, str)):
        return list(v)
    if isinstance(v, ConstArray):
        return list(v.values)
    if isinstance(v, dict):
        return list(v.keys())
    if isinstance(v, (set, frozenset)):
        try:
            return sorted(v)
        except TypeError:
            return None
    return None
