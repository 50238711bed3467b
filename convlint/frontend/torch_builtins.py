"""The Python builtins the PyTorch interpreter folds (``range``, ``len``, ``int``, ``zip``...).

Each works on constants only; anything else becomes :class:`~convlint.graph.Unknown` rather
than raising, so model code such as ``range(len(widths) - 1)`` folds and odd code does not stop
the analysis.
"""

from __future__ import annotations

from typing import Any, Callable, Dict

from ..graph import Unknown
from .torch_values import ContainerObj

__all__ = ["BUILTINS", "plain"]

_PLAIN = (int, float, str, bool, type(None), tuple, list, dict, range)


def plain(v: Any) -> bool:
    """A constant (or a tuple/list of constants) Python operators may be applied to."""
    if isinstance(v, (tuple, list)):
        return all(plain(x) for x in v)
    return isinstance(v, _PLAIN)


def _builtin(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn._convlint_builtin = True  # type: ignore[attr-defined]
    return fn


def _guard(*values: Any) -> None:
    for v in values:
        if isinstance(v, Unknown):
            raise ValueError(v.reason)


def _range(*args: Any) -> Any:
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        return Unknown("range of unknown bounds")
    r = range(*args)
    return list(r) if len(r) <= 100000 else Unknown("range too long")


def _len(v: Any) -> Any:
    if isinstance(v, ContainerObj):
        return len(v.items)
    if isinstance(v, (list, tuple, dict, str)):
        return len(v)
    return Unknown("len of unknown")


def _seq(kind: type) -> Callable[..., Any]:
    def make(v: Any = ()) -> Any:
        if isinstance(v, ContainerObj):
            return kind(v.values())
        if isinstance(v, (list, tuple, range, str)):
            return kind(v)
        if isinstance(v, dict):
            return kind(v.keys())
        return Unknown(f"{kind.__name__}() of unknown")

    return make


def _num(kind: type) -> Callable[..., Any]:
    def make(v: Any = 0) -> Any:
        _guard(v)
        return kind(v)

    return make


def _minmax(fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        items = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
        _guard(*items)
        return fn(items)

    return run


def _enumerate(v: Any, start: int = 0) -> Any:
    items = _seq(list)(v)
    return items if isinstance(items, Unknown) else [(i + start, x) for i, x in enumerate(items)]


def _zip(*vs: Any) -> Any:
    lists = [_seq(list)(v) for v in vs]
    for v in lists:
        if isinstance(v, Unknown):
            return v
    return [tuple(t) for t in zip(*lists)]


def _isinstance(obj: Any, cls: Any) -> Any:
    return Unknown("isinstance")


def _print(*args: Any, **kwargs: Any) -> None:
    return None


def _sum(v: Any, start: Any = 0) -> Any:
    items = _seq(list)(v)
    if isinstance(items, Unknown):
        return items
    _guard(*items)
    return sum(items, start)


BUILTINS: Dict[str, Any] = {
    name: _builtin(fn)
    for name, fn in {
        "range": _range,
        "len": _len,
        "list": _seq(list),
        "tuple": _seq(tuple),
        "int": _num(int),
        "float": _num(float),
        "bool": _num(bool),
        "abs": _num(abs),
        "round": lambda v, n=None: (_guard(v), round(v) if n is None else round(v, n))[1],
        "min": _minmax(min),
        "max": _minmax(max),
        "sum": _sum,
        "enumerate": _enumerate,
        "zip": _zip,
        "isinstance": _isinstance,
        "print": _print,
        "reversed": lambda v: list(reversed(_seq(list)(v))),
        "sorted": lambda v: sorted(_seq(list)(v)),
        "str": lambda v="": v if isinstance(v, str) else (str(v) if plain(v) else Unknown("str")),
        "dict": lambda *a, **k: dict(*[x for x in a if isinstance(x, (dict, list))], **k),
    }.items()
}
