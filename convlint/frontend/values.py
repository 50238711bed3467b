"""Name resolution and constant folding shared by the front ends (no framework knowledge here).

Front ends never import or run the code they read, so every name and value is worked out from
the file itself: its import statements say what ``L.Conv2D`` is, its assignments say what
``IMG`` is.  One cheap pass collects imports (libcst's ``QualifiedNameProvider`` costs several
times the parse, see PERFORMANCE.md); values are folded on demand in a lexical environment.

Stable API (the Keras and PyTorch front ends both use it):

``ImportTable.from_module(module)``
    One pass over every ``import``/``from ... import`` statement in the file (at any depth:
    imports inside functions count) plus module-level aliases such as ``L = keras.layers``.
    ``table.names`` maps a local name to a dotted qualified name; relative imports are ignored;
    ``table.star`` lists the modules of ``from m import *``.  ``table.resolve("L.Conv2D")``.
``qualified_name(expr, imports, env=None) -> Optional[str]``
    ``L.Conv2D`` -> ``"keras.layers.Conv2D"`` for a ``Name``/``Attribute`` chain whose root is an
    imported (or aliased) name; ``None`` otherwise (a local variable, a call, ...).  With ``env``,
    a root shadowed by a local assignment is not resolved through the imports.
``dotted_name(expr) -> Optional[str]``
    The chain as written (``"self.conv1"``), no resolution.
``Env(parent=None, imports=None)``
    A mutable scope: ``env.set(name, value)``, ``env.lookup(name)`` (walks outwards, raises
    ``KeyError``), ``env.rebind(name, value)`` (in the scope that defines it), ``env.child()``.
    ``module_env(module, imports)`` folds the module's top-level statements in order
    (``exec_statement``: names assigned under ``if``/``for``/``try``/``with`` become ``Unknown``);
    ``function_env(funcdef, parent, args, kwargs, hook)`` binds a function's parameters to the
    call's arguments, else their folded defaults, else a :class:`FreeParam` (a parameter with no
    value: ``fold`` gives ``Unknown``, ``fold_size`` a symbol).  ``exec_assign(stmt, env, hook)``
    folds one ``Assign``/``AnnAssign``/``AugAssign``; ``bind_target(target, value, env)`` binds
    names, tuple targets and items of folded dicts/lists.  Env values may be anything, including
    a front end's own objects.
``QualRef(name)``
    What ``fold`` gives for an imported name or an attribute of one (``nn.Conv2d`` ->
    ``QualRef("torch.nn.Conv2d")``), so a front end can tell what is being called.  ``fold_call``
    turns a ``QualRef`` used as an argument into ``Unknown`` (an imported constant is unknown).
``fold(expr, env, hook=None) -> value``
    int, float, str, bool, None, tuple, list, dict, a ``Dim`` expression, whatever a front end
    stored in the env, or :class:`~convlint.graph.Unknown` ("``<source> is not a constant``").
    Never raises.  Handles literals, names, ``+ - * / // % **`` (``%`` also formats strings),
    unary ``- + not``, tuple/list/dict displays (with ``*`` unpacking), comprehensions over
    constants, subscripts and slices, ``a if c else b``, comparisons and ``and``/``or`` on
    constants (``x is None`` on any known value), f-strings with constant parts, methods of
    folded containers (``cfg.get(...)``; mutations such as ``sizes.append(64)`` are applied, an
    unknown one makes the container ``Unknown``), the builtins ``int float len tuple list dict
    min max abs round sum str bool range enumerate zip reversed sorted`` when not shadowed, and
    ``math.floor/ceil/sqrt/prod``, ``copy.copy/deepcopy``; ``obj.attr`` on a front end's object with a
    ``fold_attr(name)`` method is its answer (``obj[i]``: ``fold_item(i)``; unpacking: ``fold_unpack(n)``).  ``hook(call, env)`` is asked first for
    every ``Call``; it returns a value or ``NOT_HANDLED``; it may raise ``FoldAbort`` to stop
    everything (any other error inside ``fold`` just makes the value unknown).
``fold_size(expr, env, hook=None)``
    Like ``fold``, but a bare name bound to a :class:`FreeParam` becomes ``sym(name)``: for a
    place where the code clearly passes a size (``Dense(num_classes)``).
``fold_call(call, env, hook=None, size_positions=(), size_keywords=()) -> FoldedCall``
    A call's folded positional ``args`` (tuple) and ``kwargs`` (dict); ``unresolved``: a list of
    ``(expression, Unknown)`` for each argument that did not fold (to report); ``star_unknown``
    when a ``*args``/``**kwargs`` could not be expanded (the arguments are then incomplete).
``source_text(node)``: the code of a node on one line, for messages.
``walk(node)``: every node in source order (3x faster than libcst's ``children``);
``statements(body)``: every statement, nested blocks included, without entering expressions.
``SpanIndex(module, source)``: ``index.span(node) -> Span`` of a call or of a ``class``/``def``/
    ``if``/``for``/``while`` statement, from Python's ``ast`` (see its docstring).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from ..dims import Expr, sym
from ..graph import Unknown
from .imports import ImportTable, QualRef, dotted_name, qualified_name
from .syntax import SpanIndex, source_text, statements, walk

__all__ = [
    "ImportTable",
    "qualified_name",
    "dotted_name",
    "Env",
    "FreeParam",
    "QualRef",
    "NOT_HANDLED",
    "FoldAbort",
    "module_env",
    "function_env",
    "exec_assign",
    "exec_statement",
    "bind_target",
    "fold",
    "fold_size",
    "fold_call",
    "FoldedCall",
    "source_text",
    "SpanIndex",
    "walk",
    "statements",
]

Hook = Callable[[cst.Call, "Env"], Any]


class FoldAbort(Exception):
    """Raised by a hook to stop folding altogether: ``fold`` lets it through (it swallows
    every other error as "not a constant")."""


class _NotHandled:
    def __repr__(self) -> str:
        return "NOT_HANDLED"


NOT_HANDLED: Any = _NotHandled()
"""What a call hook returns for a call it does not model (``fold`` then tries the builtins)."""


# -- environments -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FreeParam:
    """A function parameter with neither an argument nor a default."""

    name: str


class Env:
    """A lexical scope of folded values (module -> function); lookups walk outwards."""

    def __init__(self, parent: Optional["Env"] = None, imports: Optional[ImportTable] = None) -> None:
        self.parent = parent
        self.values: Dict[str, Any] = {}
        self.imports: ImportTable = imports if imports is not None else (parent.imports if parent else ImportTable())
        self.concrete: Optional[Callable[[Expr], Any]] = parent.concrete if parent else None
        """A front end's way to give a symbolic size its value where one is needed now (a
        comparison, ``max``): ``x.shape[-1] != filters`` decides which layers get built."""

    def child(self) -> "Env":
        return Env(self, self.imports)

    def set(self, name: str, value: Any) -> None:
        self.values[name] = value

    def lookup(self, name: str) -> Any:
        env: Optional[Env] = self
        while env is not None:
            if name in env.values:
                return env.values[name]
            env = env.parent
        raise KeyError(name)

    def rebind(self, name: str, value: Any) -> None:
        """Set ``name`` in the scope that defines it (the current one if none does)."""
        env: Optional[Env] = self
        while env is not None:
            if name in env.values:
                env.values[name] = value
                return
            env = env.parent
        self.values[name] = value

    def is_local(self, name: str) -> bool:
        """True if ``name`` is bound by an assignment in some scope (so it shadows an import)."""
        try:
            self.lookup(name)
        except KeyError:
            return False
        return True


def module_env(module: cst.Module, imports: Optional[ImportTable] = None, hook: Optional[Hook] = None) -> Env:
    """The module's top-level assignments folded in order (names set under ``if``/``for``/
    ``try``/``with`` blocks become ``Unknown``: which branch runs is not known statically)."""
    env = Env(None, imports if imports is not None else ImportTable.from_module(module))
    for stmt in module.body:
        exec_statement(stmt, env, hook)
    return env


def exec_statement(stmt: cst.CSTNode, env: Env, hook: Optional[Hook] = None) -> None:
    """Fold the assignments of one statement into ``env``; compound statements poison the
    names they assign (``Unknown``) rather than guess a branch."""
    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if isinstance(small, cst.Expr):
                fold(small.value, env, hook)  # for its effects: ``sizes.append(64)``
            else:
                exec_assign(small, env, hook)
    elif isinstance(stmt, (cst.If, cst.For, cst.While, cst.Try, cst.With)):
        for node in walk(stmt):
            if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                targets = node.targets if isinstance(node, cst.Assign) else [node]
                for t in targets:
                    _poison(t.target, env, "it is assigned inside a block (if/for/try/with)")
    elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        env.set(stmt.name.value, stmt)


def _poison(target: cst.BaseExpression, env: Env, why: str) -> None:
    if isinstance(target, cst.Name):
        env.set(target.value, Unknown(f"{target.value} is not a constant ({why})"))
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            _poison(el.value, env, why)


def exec_assign(small: cst.CSTNode, env: Env, hook: Optional[Hook] = None) -> None:
    """Fold one ``Assign``/``AnnAssign``/``AugAssign`` into ``env`` (other statements: no-op)."""
    if isinstance(small, cst.Assign):
        value = fold(small.value, env, hook)
        for t in small.targets:
            bind_target(t.target, value, env, small.value)
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        bind_target(small.target, fold(small.value, env, hook), env, small.value)
    elif isinstance(small, cst.AugAssign):
        op = _AUG_OPS.get(type(small.operator))
        left = fold(small.target, env, hook)
        right = fold(small.value, env, hook)
        value = _binop(op, left, right, small) if op else Unknown(f"{source_text(small)} is not a constant")
        bind_target(small.target, value, env, small)


def bind_target(target: cst.BaseExpression, value: Any, env: Env, source: Optional[cst.CSTNode] = None) -> None:
    """Assign ``value`` to a Name, a (nested) tuple/list target, or an item of a folded dict or
    list (``cfg["filters"] = 64``); attribute targets are ignored.  Unpacking an unknown or
    wrongly sized value, or an item assignment that cannot be followed, makes the names
    involved ``Unknown`` rather than leave a stale value."""
    if isinstance(target, cst.Name):
        env.set(target.value, value)
        return
    if isinstance(target, cst.Subscript):
        _assign_item(target, value, env)
        return
    if isinstance(target, (cst.Tuple, cst.List)):
        elements = [el for el in target.elements]
        starred = any(isinstance(el, cst.StarredElement) for el in elements)
        fold_unpack = getattr(value, "fold_unpack", None)  # ``_, h, w, c = x.shape``
        if fold_unpack is not None and not starred:
            value = fold_unpack(len(elements))
        if starred or not isinstance(value, (tuple, list)) or len(value) != len(elements):
            reason = source_text(source) if source is not None else source_text(target)
            for el in elements:
                _poison(el.value, env, f"cannot unpack {reason}")
            return
        for el, v in zip(elements, value):
            bind_target(el.value, v, env, source)


def _assign_item(target: cst.Subscript, value: Any, env: Env) -> None:
    root: cst.BaseExpression = target
    while isinstance(root, (cst.Subscript, cst.Attribute)):
        root = root.value
    if not isinstance(root, cst.Name):
        return
    base = fold(target.value, env)
    index = target.slice[0].slice if len(target.slice) == 1 else None
    key = fold(index.value, env) if isinstance(index, cst.Index) else Unknown("a slice")
    if isinstance(base, dict) and not isinstance(key, Unknown) and _hashable(key):
        base[key] = value
        return
    if isinstance(base, list) and isinstance(key, int) and not isinstance(key, bool) and -len(base) <= key < len(base):
        base[key] = value
        return
    if isinstance(base, (dict, list, Unknown)) or env.is_local(root.value):
        env.rebind(root.value, Unknown(f"{root.value} is changed by `{source_text(target)} = ...`"))


def function_env(
    func: cst.FunctionDef,
    parent: Env,
    args: Sequence[Any] = (),
    kwargs: Optional[Dict[str, Any]] = None,
    hook: Optional[Hook] = None,
) -> Env:
    """A child scope for a call of ``func``: parameters bound to the call's folded arguments,
    else to their folded defaults (evaluated in ``parent``), else :class:`FreeParam`."""
    kwargs = dict(kwargs or {})
    env = parent.child()
    params = func.params
    positional = list(params.posonly_params) + list(params.params)
    rest = list(args)
    for p in positional:
        name = p.name.value
        if rest:
            env.set(name, rest.pop(0))
        elif name in kwargs:
            env.set(name, kwargs.pop(name))
        elif p.default is not None:
            env.set(name, fold(p.default, parent, hook))
        else:
            env.set(name, FreeParam(name))
    if isinstance(params.star_arg, cst.Param):
        env.set(params.star_arg.name.value, tuple(rest))
    for p in params.kwonly_params:
        name = p.name.value
        if name in kwargs:
            env.set(name, kwargs.pop(name))
        elif p.default is not None:
            env.set(name, fold(p.default, parent, hook))
        else:
            env.set(name, FreeParam(name))
    if params.star_kwarg is not None:
        env.set(params.star_kwarg.name.value, dict(kwargs))
    return env


# -- folding ----------------------------------------------------------------------------------
def _unknown(node: cst.CSTNode) -> Unknown:
    return Unknown(f"{source_text(node)} is not a constant")


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float, Expr))


def _fold_name(node: cst.Name, env: Env) -> Any:
    name = node.value
    if name in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[name]
    try:
        value = env.lookup(name)
    except KeyError:
        q = env.imports.resolve(name)
        if q is not None:
            return QualRef(q)
        return Unknown(f"{name} is not a constant")
    if isinstance(value, FreeParam):
        return Unknown(f"{name} is not a constant (a parameter without a default)")
    return value


def fold(expr: cst.BaseExpression, env: Env, hook: Optional[Hook] = None) -> Any:
    """The value of ``expr`` if it is a constant (or something a front end stored), else
    ``Unknown``.  Never raises."""
    try:
        return _fold(expr, env, hook)
    except FoldAbort:
        raise
    except RecursionError:
        return Unknown(f"{source_text(expr)} is too deeply nested to fold")
    except Exception:  # arithmetic on odd values (overflow, type mix): not a constant
        return _unknown(expr)


def fold_size(expr: cst.BaseExpression, env: Env, hook: Optional[Hook] = None) -> Any:
    """``fold``, except a bare parameter name without a value becomes the symbol of that name."""
    if isinstance(expr, cst.Name):
        try:
            value = env.lookup(expr.value)
        except KeyError:
            value = None
        if isinstance(value, FreeParam):
            return sym(value.name)
    return fold(expr, env, hook)


def _fold(expr: cst.BaseExpression, env: Env, hook: Optional[Hook]) -> Any:
    if isinstance(expr, cst.Integer):
        return _number(expr.value)
    if isinstance(expr, cst.Float):
        return _number(expr.value)
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        return value.decode("latin-1") if isinstance(value, bytes) else value
    if isinstance(expr, cst.ConcatenatedString):
        left, right = _fold(expr.left, env, hook), _fold(expr.right, env, hook)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        return _unknown(expr)
    if isinstance(expr, cst.Name):
        return _fold_name(expr, env)
    if isinstance(expr, cst.FormattedString):
        return _fstring(expr, env, hook)
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        items: List[Any] = []
        for el in expr.elements:
            if isinstance(el, cst.StarredElement):
                inner = _fold(el.value, env, hook)
                if isinstance(inner, (tuple, list)):
                    items.extend(inner)
                else:
                    return _unknown(expr)
            else:
                items.append(_fold(el.value, env, hook))
        if isinstance(expr, cst.List):
            return items
        return tuple(items)
    if isinstance(expr, cst.Dict):
        out: Dict[Any, Any] = {}
        for el in expr.elements:
            if isinstance(el, cst.DictElement):
                key = _fold(el.key, env, hook)
                if isinstance(key, Unknown) or not _hashable(key):
                    return _unknown(expr)
                out[key] = _fold(el.value, env, hook)
            else:
                inner = _fold(el.value, env, hook)
                if not isinstance(inner, dict):
                    return _unknown(expr)
                out.update(inner)
        return out
    if isinstance(expr, cst.UnaryOperation):
        value = _fold(expr.expression, env, hook)
        if isinstance(value, Unknown):
            return value
        if isinstance(expr.operator, cst.Minus) and _is_num(value):
            return -value
        if isinstance(expr.operator, cst.Plus) and _is_num(value):
            return value
        if isinstance(expr.operator, cst.Not) and _is_plain(value):
            return not value
        return _unknown(expr)
    if isinstance(expr, cst.BinaryOperation):
        op = _BIN_OPS.get(type(expr.operator))
        left = _fold(expr.left, env, hook)
        right = _fold(expr.right, env, hook)
        return _binop(op, left, right, expr)
    if isinstance(expr, cst.BooleanOperation):
        left = _fold(expr.left, env, hook)
        if not _is_plain(left):
            return _unknown(expr)
        if isinstance(expr.operator, cst.And):
            return _fold(expr.right, env, hook) if left else left
        return left if left else _fold(expr.right, env, hook)
    if isinstance(expr, cst.Comparison):
        return _compare(expr, env, hook)
    if isinstance(expr, cst.IfExp):
        test = _fold(expr.test, env, hook)
        if not _is_plain(test):
            return _unknown(expr)
        return _fold(expr.body if test else expr.orelse, env, hook)
    if isinstance(expr, cst.Subscript):
        return _subscript(expr, env, hook)
    if isinstance(expr, cst.Attribute):
        base = _fold(expr.value, env, hook)
        if isinstance(base, QualRef):
            return QualRef(f"{base.name}.{expr.attr.value}")
        fold_attr = getattr(base, "fold_attr", None)  # a front end's own object (``self.units``)
        if fold_attr is not None and not isinstance(base, Unknown):
            return fold_attr(expr.attr.value)
        return _unknown(expr)
    if isinstance(expr, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        items = _comprehension(expr, expr.for_in, env, hook)
        if isinstance(items, Unknown):
            return items
        return items if isinstance(expr, cst.ListComp) else tuple(items)
    if isinstance(expr, cst.Call):
        if hook is not None:
            value = hook(expr, env)
            if value is not NOT_HANDLED:
                return value
        return _builtin_call(expr, env, hook)
    return _unknown(expr)


def _comprehension(
    expr: Any, comp: cst.CompFor, env: Env, hook: Optional[Hook], out: Optional[List[Any]] = None
) -> Any:
    """``[elt for target in iter if cond ...]`` over a folded iterable, in a child scope."""
    out = [] if out is None else out
    if comp.asynchronous is not None:
        return _unknown(expr)
    items = _fold(comp.iter, env, hook)
    if isinstance(items, dict):
        items = list(items)
    if not isinstance(items, (tuple, list, str)) or len(items) > 10_000:
        return _unknown(expr)
    for item in items:
        scope = env.child()
        bind_target(comp.target, item, scope, comp.iter)
        keep = True
        for cond in comp.ifs:
            test = _fold(cond.test, scope, hook)
            if not _is_plain(test):
                return _unknown(expr)
            keep = keep and bool(test)
        if not keep:
            continue
        if comp.inner_for_in is not None:
            inner = _comprehension(expr, comp.inner_for_in, scope, hook, out)
            if isinstance(inner, Unknown):
                return inner
        else:
            out.append(_fold(expr.elt, scope, hook))
    return out


def _fstring(expr: cst.FormattedString, env: Env, hook: Optional[Hook]) -> Any:
    """``f"conv_{i}"`` with constant parts (``!r``/``!s`` and format specs are not folded)."""
    out = []
    for part in expr.parts:
        if isinstance(part, cst.FormattedStringText):
            out.append(part.value)
            continue
        if not isinstance(part, cst.FormattedStringExpression) or part.conversion is not None or part.format_spec:
            return _unknown(expr)
        value = _fold(part.expression, env, hook)
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            return _unknown(expr)
        out.append(str(value))
    if "{{" in "".join(p.value for p in expr.parts if isinstance(p, cst.FormattedStringText)):
        return _unknown(expr)  # escaped braces: keep it simple and honest
    return "".join(out)


def _number(text: str) -> Any:
    """An int/float literal; ``int``/``float`` first (``ast.literal_eval`` compiles code)."""
    plain = text.replace("_", "")
    try:
        return int(plain, 0)
    except ValueError:
        pass
    try:
        return float(plain)
    except ValueError:
        return ast.literal_eval(text)


def _hashable(v: Any) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def _is_plain(v: Any) -> bool:
    """A Python constant whose truth value is meaningful (not an Unknown, not a symbol)."""
    if isinstance(v, (tuple, list)):
        return all(_is_plain(x) for x in v)
    return v is None or isinstance(v, (bool, int, float, str, dict))


_BIN_OPS: Dict[type, str] = {
    cst.Add: "+",
    cst.Subtract: "-",
    cst.Multiply: "*",
    cst.FloorDivide: "//",
    cst.Divide: "/",
    cst.Modulo: "%",
    cst.Power: "**",
}
_AUG_OPS: Dict[type, str] = {
    cst.AddAssign: "+",
    cst.SubtractAssign: "-",
    cst.MultiplyAssign: "*",
    cst.FloorDivideAssign: "//",
    cst.DivideAssign: "/",
    cst.ModuloAssign: "%",
    cst.PowerAssign: "**",
}


def _binop(op: Optional[str], left: Any, right: Any, node: cst.CSTNode) -> Any:
    if op is None:
        return _unknown(node)
    if isinstance(left, Unknown):
        return left
    if isinstance(right, Unknown):
        return right
    num = (int, float)
    if isinstance(left, Expr) or isinstance(right, Expr):
        if not all(isinstance(v, (int, Expr)) and not isinstance(v, bool) for v in (left, right)):
            return _unknown(node)
        if op in ("+", "-", "*"):
            return {"+": left + right, "-": left - right, "*": left * right}[op]
        if op == "//" and isinstance(right, int) and right > 0:
            return left // right
        if op == "**" and isinstance(right, int) and 0 <= right <= 8:
            out: Any = 1
            for _ in range(right):
                out = out * left
            return out
        return _unknown(node)
    if isinstance(left, num) and isinstance(right, num):
        if op in ("//", "/", "%") and right == 0:
            return _unknown(node)
        if op == "**" and isinstance(right, int) and abs(right) > 64:
            return _unknown(node)
        return {
            "+": lambda: left + right,
            "-": lambda: left - right,
            "*": lambda: left * right,
            "//": lambda: left // right,
            "/": lambda: left / right,
            "%": lambda: left % right,
            "**": lambda: left**right,
        }[op]()
    if op == "%" and isinstance(left, str) and _is_plain(right):  # "conv_%d" % i
        return left % right
    if op == "+" and type(left) is type(right) and isinstance(left, (tuple, list, str)):
        return left + right
    if op == "*" and isinstance(left, (tuple, list, str)) and isinstance(right, int) and 0 <= right <= 10_000:
        return left * right
    if op == "*" and isinstance(right, (tuple, list, str)) and isinstance(left, int) and 0 <= left <= 10_000:
        return right * left
    return _unknown(node)


class ReturnSignal(Exception):
    """``return`` in code a front end interprets; carries the value to the caller."""

    def __init__(self, value: Any) -> None:
        self.value = value


class BreakSignal(Exception):
    """``break`` in an interpreted loop."""


class ContinueSignal(Exception):
    """``continue`` in an interpreted loop."""


COMPARE_OPS: Dict[type, Callable[[Any, Any], bool]] = {
    cst.Equal: lambda a, b: a == b,
    cst.NotEqual: lambda a, b: a != b,
    cst.LessThan: lambda a, b: a < b,
    cst.LessThanEqual: lambda a, b: a <= b,
    cst.GreaterThan: lambda a, b: a > b,
    cst.GreaterThanEqual: lambda a, b: a >= b,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
    cst.Is: lambda a, b: a is b,
    cst.IsNot: lambda a, b: a is not b,
}


def _concrete(value: Any, env: Env) -> Any:
    """``value`` with a symbolic size replaced by its value when the front end knows it."""
    if isinstance(value, Expr) and env.concrete is not None:
        return env.concrete(value)
    if isinstance(value, (tuple, list)) and env.concrete is not None and any(isinstance(v, Expr) for v in value):
        items = [_concrete(v, env) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def _compare(expr: cst.Comparison, env: Env, hook: Optional[Hook]) -> Any:
    left = _concrete(_fold(expr.left, env, hook), env)
    if len(expr.comparisons) == 1 and isinstance(expr.comparisons[0].operator, (cst.Is, cst.IsNot)):
        right = _fold(expr.comparisons[0].comparator, env, hook)
        if right is None and not isinstance(left, Unknown):  # any known object, even opaque
            return (left is None) == isinstance(expr.comparisons[0].operator, cst.Is)
    for target in expr.comparisons:
        right = _concrete(_fold(target.comparator, env, hook), env)
        fn = COMPARE_OPS.get(type(target.operator))
        if fn is None:
            return _unknown(expr)
        if _is_plain(left) and _is_plain(right):
            holds = fn(left, right)
        elif isinstance(target.operator, (cst.Equal, cst.NotEqual)) and _is_dim(left) and _is_dim(right) and left == right:
            holds = isinstance(target.operator, cst.Equal)  # the same size expression: equal for every input
        else:
            return _unknown(expr)
        if not holds:
            return False
        left = right
    return True


def _is_dim(v: Any) -> bool:
    return isinstance(v, Expr) or (isinstance(v, int) and not isinstance(v, bool))


def _subscript(expr: cst.Subscript, env: Env, hook: Optional[Hook]) -> Any:
    base = _fold(expr.value, env, hook)
    if isinstance(base, Unknown) or len(expr.slice) != 1:
        return base if isinstance(base, Unknown) else _unknown(expr)
    index = expr.slice[0].slice
    if isinstance(index, cst.Index):
        key = _fold(index.value, env, hook)
        if isinstance(key, Unknown):
            return key
        if isinstance(base, dict) and _hashable(key) and key in base:
            return base[key]
        if isinstance(base, (tuple, list, str)) and isinstance(key, int) and not isinstance(key, bool):
            if -len(base) <= key < len(base):
                return base[key]
        fold_item = getattr(base, "fold_item", None)  # a front end's object (``x.shape[-1]``)
        if fold_item is not None:
            return fold_item(key)
        return _unknown(expr)
    if isinstance(index, cst.Slice) and isinstance(base, (tuple, list, str)):
        bounds = []
        for part in (index.lower, index.upper, index.step):
            v = None if part is None else _fold(part, env, hook)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                return _unknown(expr)
            bounds.append(v)
        if bounds[2] == 0:
            return _unknown(expr)
        return base[slice(*bounds)]
    return _unknown(expr)


_PURE_METHODS = frozenset(
    ("get", "copy", "keys", "values", "items", "index", "count", "upper", "lower", "join", "split", "strip",
     "startswith", "endswith", "replace", "format")
)
_MUTATORS = frozenset(
    ("append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear", "update", "setdefault", "popitem",
     "add", "discard")
)


def _container_method(call: cst.Call, base: Any, env: Env, hook: Optional[Hook]) -> Any:
    """``cfg.get("k", 3)``, ``sizes.append(64)``: methods of folded containers.  A mutation
    is applied in place (as Python would); one that cannot be followed makes the container
    ``Unknown`` so no stale value is used later."""
    assert isinstance(call.func, cst.Attribute)
    method = call.func.attr.value
    root: cst.BaseExpression = call.func.value
    while isinstance(root, (cst.Subscript, cst.Attribute)):
        root = root.value
    args = [_fold(a.value, env, hook) for a in call.args]
    simple = not any(a.keyword is not None or a.star for a in call.args) and not any(
        isinstance(a, Unknown) for a in args
    )
    mutating = method in _MUTATORS and isinstance(base, (list, dict))
    if simple and (method in _PURE_METHODS or mutating) and hasattr(base, method):
        try:
            out = getattr(base, method)(*args)
        except Exception:
            out = _unknown(call)
        else:
            if method in ("keys", "values", "items"):
                out = tuple(out)
            return out
        if not mutating:
            return out
    if isinstance(base, (list, dict)) and isinstance(root, cst.Name) and method not in _PURE_METHODS:
        env.rebind(root.value, Unknown(f"{root.value} is changed by {source_text(call)}"))
    return _unknown(call)


def _builtin_call(call: cst.Call, env: Env, hook: Optional[Hook]) -> Any:
    if isinstance(call.func, cst.Attribute) and not isinstance(call.func.value, cst.Call):
        base = _fold(call.func.value, env, hook)
        if isinstance(base, (list, dict, tuple, str)):
            return _container_method(call, base, env, hook)
    name = dotted_name(call.func)
    if name is None:
        return _unknown(call)
    if "." in name:
        q = qualified_name(call.func, env.imports, env)
        fn = _MATH.get(q or "")
    else:
        fn = None if env.is_local(name) or name in env.imports.names else _BUILTINS.get(name)
    if name == "dict" and fn is not None and all(a.keyword is not None for a in call.args):
        out = {a.keyword.value: _fold(a.value, env, hook) for a in call.args if a.keyword is not None}
        return out  # dict(units=16)
    if fn is None or any(a.keyword is not None or a.star for a in call.args):
        return _unknown(call)
    args = [_concrete(_fold(a.value, env, hook), env) for a in call.args]
    if fn is int and len(args) == 1 and isinstance(args[0], Expr):
        return args[0]  # ``int(x.shape[-1])``: a size is already an integer
    if any(isinstance(a, Unknown) for a in args) or not all(_is_plain(a) for a in args):
        return _unknown(call)
    try:
        out = fn(*args)
    except Exception:
        return _unknown(call)
    return _unknown(call) if out is None else out


_BUILTINS: Dict[str, Callable[..., Any]] = {
    "int": int,
    "float": float,
    "len": len,
    "tuple": tuple,
    "list": list,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "sum": sum,
    "str": str,
    "bool": bool,
    "dict": dict,
    "range": lambda *a: tuple(range(*a)) if len(range(*a)) <= 10_000 else None,
    "enumerate": lambda xs, start=0: tuple(enumerate(xs, start)),
    "zip": lambda *xs: tuple(zip(*xs)),
    "reversed": lambda xs: tuple(reversed(xs)),
    "sorted": sorted,
}
_MATH: Dict[str, Callable[..., Any]] = {
    "math.floor": math.floor,
    "math.ceil": math.ceil,
    "math.sqrt": math.sqrt,
    "math.prod": math.prod,
    "numpy.prod": lambda xs: math.prod(xs),
    "copy.copy": lambda x: __import__("copy").copy(x),
    "copy.deepcopy": lambda x: __import__("copy").deepcopy(x),
}


# -- call arguments ---------------------------------------------------------------------------
@dataclass
class FoldedCall:
    """A call's arguments, folded.  ``unresolved`` pairs each unfolded argument expression with
    its ``Unknown`` (nested unknowns inside a tuple count), so a front end can report them.
    ``star_unknown`` is set when a ``*args``/``**kwargs`` could not be expanded: then ``args``/
    ``kwargs`` are incomplete, and a missing argument must not be reported as missing."""

    args: Tuple[Any, ...]
    kwargs: Dict[str, Any]
    unresolved: List[Tuple[cst.BaseExpression, Unknown]] = field(default_factory=list)
    star_unknown: Optional[Unknown] = None


def _no_refs(value: Any, expr: cst.BaseExpression) -> Any:
    """An imported name is not a value we know: ``KERNEL`` from ``config`` becomes Unknown."""
    if isinstance(value, QualRef):
        origin = value.name.rpartition(".")[0] or value.name
        return Unknown(f"{source_text(expr)} is not a constant (it is imported from {origin})")
    if isinstance(value, (tuple, list)) and any(isinstance(v, QualRef) for v in value):
        items = [_no_refs(v, expr) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def _first_unknown(value: Any) -> Optional[Unknown]:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, (tuple, list)):
        for v in value:
            u = _first_unknown(v)
            if u is not None:
                return u
    if isinstance(value, dict):
        for v in value.values():
            u = _first_unknown(v)
            if u is not None:
                return u
    return None


def fold_call(
    call: cst.Call,
    env: Env,
    hook: Optional[Hook] = None,
    size_positions: Sequence[int] = (),
    size_keywords: Sequence[str] = (),
) -> FoldedCall:
    """Fold every argument of ``call``.  Arguments at ``size_positions`` / named in
    ``size_keywords`` use :func:`fold_size` (a bare free parameter becomes a symbol).
    ``*args``/``**kwargs`` are expanded when they fold to a tuple/dict."""
    args: List[Any] = []
    kwargs: Dict[str, Any] = {}
    unresolved: List[Tuple[cst.BaseExpression, Unknown]] = []
    star_unknown: Optional[Unknown] = None
    for arg in call.args:
        if arg.star == "*":
            value = fold(arg.value, env, hook)
            if isinstance(value, (tuple, list)):
                args.extend(value)
            else:
                u = Unknown(f"*{source_text(arg.value)} is not a constant")
                unresolved.append((arg.value, u))
                star_unknown = star_unknown or u
            continue
        if arg.star == "**":
            value = fold(arg.value, env, hook)
            if isinstance(value, dict) and all(isinstance(k, str) for k in value):
                kwargs.update(value)
            else:
                u = Unknown(f"**{source_text(arg.value)} is not a constant")
                unresolved.append((arg.value, u))
                star_unknown = star_unknown or u
            continue
        if arg.keyword is not None:
            key = arg.keyword.value
            folder = fold_size if key in size_keywords else fold
            value = _no_refs(folder(arg.value, env, hook), arg.value)
            kwargs[key] = value
        else:
            folder = fold_size if len(args) in size_positions else fold
            value = _no_refs(folder(arg.value, env, hook), arg.value)
            args.append(value)
        u = _first_unknown(value)
        if u is not None:
            unresolved.append((arg.value, u))
    return FoldedCall(tuple(args), kwargs, unresolved, star_unknown)


