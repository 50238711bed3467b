"""An abstract interpreter for PyTorch model code: ``__init__`` builds modules, ``forward`` builds a graph.

Model code is ordinary Python: layers are built in loops and helper methods, stored in lists
and Sequentials, and applied in ``forward`` through nested calls.  Rather than pattern-match
spellings, this runs a small, safe subset of Python over :mod:`torch_values` values: constants
fold, ``torch.nn`` constructors make module objects, and applying a module (or a functional op)
to a tensor appends a node to the current :class:`Builder`.  Nothing is imported or executed.

Anything outside the subset evaluates to :class:`~convlint.graph.Unknown` (or an unknown
tensor) with a note naming the construct, so shapes become unknown from there instead of
being guessed.
"""

from __future__ import annotations

import ast
import math
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..graph import Node, SizeOf, Span, Unknown
from .values import ImportTable, SpanIndex, walk
from .torch_ops import DROP, FUNCTIONAL, IDENTITY_METHODS, TENSOR_FACTORIES, TENSOR_METHODS, TORCH_FUNCS, OpSpec
from .torch_values import (
    UNKNOWN_TENSOR,
    BoundMethod,
    ClassVal,
    ContainerObj,
    FuncVal,
    ModuleObj,
    ParamVal,
    QualName,
    ShapeVal,
    SizeVal,
    SuperVal,
    TensorVal,
    UserObj,
    is_module,
    torch_base,
)

__all__ = ["Builder", "Interp", "Positions", "Example"]

MAX_DEPTH = 40
MAX_STEPS = 20000
"""Statements followed per model (and for the module's own code) before giving up."""
_OPAQUE_METHODS = frozenset(
    {"modules", "children", "parameters", "named_modules", "named_children", "named_parameters", "buffers", "state_dict"}
)
MAX_UNROLL = 512


class _Opaque:
    """``self.modules()`` and friends: iterating them initialises weights, it builds nothing."""

    def __init__(self, what: str) -> None:
        self.what = what


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Stop(Exception):
    """A ``raise`` was reached: the rest of the function is not followed."""


class Positions:
    """Source positions, computed only when first asked for.

    Calls (layer constructors, functional ops) go through the shared
    :class:`~convlint.frontend.values.SpanIndex` (Python's ``ast`` is far cheaper than libcst
    metadata); class and function definitions are matched to ``ast`` in source order the same
    way.  Only other nodes without a call inside fall back to libcst's ``PositionProvider``.
    """

    def __init__(self, module: cst.Module, source: str) -> None:
        self._module = module
        self._source = source
        self._calls = SpanIndex(module, source)
        self._defs: Optional[Dict[int, Span]] = None
        self._map: Optional[Any] = None
        self._tree: Any = None

    def span(self, node: cst.CSTNode) -> Span:
        if isinstance(node, (cst.ClassDef, cst.FunctionDef)):
            found = self._def_spans().get(id(node))
            if found is not None:
                return found
        elif isinstance(node, cst.Call) or any(isinstance(n, cst.Call) for n in walk(node)):
            return self._calls.span(node)
        if self._map is None:
            self._map = MetadataWrapper(self._module, unsafe_skip_copy=True).resolve(PositionProvider)
        rng = self._map.get(node)
        if rng is None:
            return Span(1, 1)
        return Span(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)

    def tree(self) -> Optional[ast.Module]:
        """The module parsed by Python's ``ast`` (cheap; shared by the position lookups)."""
        if self._tree is None:
            try:
                self._tree = ast.parse(self._source)
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                self._tree = False
        return self._tree or None

    def _def_spans(self) -> Dict[int, Span]:
        """The ``class``/``def`` keyword line of each definition (decorators excluded)."""
        if self._defs is None:
            self._defs = {}
            defs = list(_definitions(self._module.body))
            tree = self.tree()
            located = sorted(
                (n for n in ast.walk(tree) if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))),
                key=lambda n: (n.lineno, n.col_offset),
            ) if tree is not None else []
            if len(located) == len(defs) and all(d.name.value == a.name for d, a in zip(defs, located)):
                self._defs = {id(d): Span(a.lineno, a.col_offset + 1) for d, a in zip(defs, located)}
        return self._defs


def _definitions(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Class and function definitions in source order, descending only into statement blocks
    (a definition cannot hide inside an expression), which is much cheaper than a full walk."""
    for stmt in body:
        if isinstance(stmt, (cst.ClassDef, cst.FunctionDef)):
            yield stmt
        for block in _blocks(stmt):
            yield from _definitions(block)


def _blocks(stmt: cst.CSTNode) -> List[Sequence[cst.CSTNode]]:
    out: List[Sequence[cst.CSTNode]] = []
    for attr in ("body", "orelse", "finalbody"):
        part = getattr(stmt, attr, None)
        if isinstance(part, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            out.append(part.body)
        elif isinstance(part, (cst.Else, cst.Finally)):
            out.append(part.body.body)
        elif isinstance(part, cst.If):
            out.append([part])
    for handler in getattr(stmt, "handlers", ()) or ():
        out.append(handler.body.body)
    return out


class Builder:
    """Collects the nodes of one model graph as ``forward`` (or straight-line code) runs."""

    def __init__(self) -> None:
        self.nodes: List[Node] = []
        self._ids: set = set()
        self._counts: Dict[str, int] = {}
        self.inputs: List[str] = []

    def unique(self, base: str) -> str:
        if base not in self._ids:
            self._ids.add(base)
            return base
        n = self._counts.get(base, 1)
        while f"{base}_{n}" in self._ids:
            n += 1
        self._counts[base] = n + 1
        out = f"{base}_{n}"
        self._ids.add(out)
        return out

    def add_input(self, name: str, shape: Any, span: Span) -> TensorVal:
        node = Node(self.unique(name), "Input", kwargs={"shape": shape}, span=span, name=name)
        self.nodes.append(node)
        self.inputs.append(node.id)
        return TensorVal(node.id)

    def emit(
        self,
        type_: str,
        args: Tuple[Any, ...],
        kwargs: Dict[str, Any],
        inputs: Sequence[TensorVal],
        span: Span,
        name: str,
        layer_id: Optional[str] = None,
        op: Optional[str] = None,
    ) -> TensorVal:
        node_id = self.unique(name)
        args = tuple(_sanitize(a) for a in args)
        kwargs = {k: _sanitize(v) for k, v in kwargs.items()}
        node = Node(
            node_id,
            type_,
            tuple(args),
            dict(kwargs),
            [t.node or "?unknown" for t in inputs],
            span,
            name=name if layer_id else node_id,
            layer_id=layer_id,
            op=op,
        )
        self.nodes.append(node)
        return TensorVal(node_id)


def _sanitize(value: Any) -> Any:
    """Values the catalogue cannot take become :class:`Unknown` (``x.size(3)`` outside a view)."""
    if isinstance(value, (SizeVal, ShapeVal)):
        return Unknown("a size of a tensor (its shape is only known to the engine)")
    if isinstance(value, tuple):
        return tuple(_sanitize(v) for v in value)
    if isinstance(value, list):
        return [_sanitize(v) for v in value]
    if isinstance(value, (TensorVal, ModuleObj, ContainerObj, UserObj, ClassVal, FuncVal, BoundMethod, QualName, ParamVal)):
        return Unknown(f"a {type(value).__name__} where a constant is expected")
    return value


class Example:
    """An example input found in the file: ``model(torch.randn(...))`` or ``summary(model, ...)``.

    ``shapes`` are the input shapes *with* the batch dim, or without it when ``batched`` is
    False (``torchsummary.summary(model, (3, 32, 32))``).
    """

    def __init__(self, target: Any, shapes: List[Any], batched: bool = True) -> None:
        self.target = target
        self.shapes = shapes
        self.batched = batched


class Frame:
    def __init__(self, env: Dict[str, Any], owner: Optional[ClassVal] = None, self_obj: Any = None) -> None:
        self.env = env
        self.owner = owner
        self.self_obj = self_obj


_BIN: Dict[type, Callable[[Any, Any], Any]] = {
    cst.Add: lambda a, b: a + b,
    cst.Subtract: lambda a, b: a - b,
    cst.Multiply: lambda a, b: a * b,
    cst.FloorDivide: lambda a, b: a // b,
    cst.Divide: lambda a, b: a / b,
    cst.Modulo: lambda a, b: a % b,
    cst.Power: lambda a, b: a**b,
}
_CMP: Dict[type, Callable[[Any, Any], Any]] = {
    cst.Equal: lambda a, b: a == b,
    cst.NotEqual: lambda a, b: a != b,
    cst.LessThan: lambda a, b: a < b,
    cst.LessThanEqual: lambda a, b: a <= b,
    cst.GreaterThan: lambda a, b: a > b,
    cst.GreaterThanEqual: lambda a, b: a >= b,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
}
_MERGE_OPS = {cst.Add: "add", cst.Subtract: "sub", cst.Multiply: "mul"}
_MODULE_SELF_METHODS = frozenset({"to", "eval", "train", "cuda", "cpu", "double", "float", "half", "requires_grad_"})
"""Module methods returning the module itself (``Net().to(device)``)."""
_PLAIN = (int, float, str, bool, type(None), tuple, list, dict, range)


def _plain(v: Any) -> bool:
    if isinstance(v, (tuple, list)):
        return all(_plain(x) for x in v)
    return isinstance(v, _PLAIN)


class Interp:
    """Evaluates the module's code.  ``builder`` is set while a graph is being built."""

    def __init__(self, module: cst.Module, positions: Positions, path: str) -> None:
        self.module = module
        self.positions = positions
        self.path = path
        self.globals: Dict[str, Any] = {"__name__": "__main__"}
        # every import in the file, at any depth, so names imported inside functions resolve too
        for local, qualified in ImportTable.from_module(module).names.items():
            self.globals[local] = QualName(qualified)
        self.notes: List[Tuple[str, str, cst.CSTNode, Optional[str]]] = []
        self.builder: Optional[Builder] = None
        self.script = True  # module-level code: layer calls build the straight-line graph
        self.quiet = True  # no notes for script code that is not model construction
        self.model: Optional[str] = None
        self.examples: List[Example] = []
        self.script_builder: Optional[Builder] = None
        self.script_first_layer: Optional[str] = None
        self.script_inputs: Dict[int, TensorVal] = {}
        self.depth = 0
        self.anon = 0
        self.sites: Dict[str, cst.CSTNode] = {}
        self.steps = 0  # module-level name -> the statement binding it

    # -- notes --------------------------------------------------------------------------
    def note(self, kind: str, message: str, node: cst.CSTNode) -> None:
        if not self.quiet:
            self.notes.append((kind, message, node, self.model))

    def code(self, node: cst.CSTNode) -> str:
        try:
            text = self.module.code_for_node(node).strip()
        except Exception:
            return "?"
        return text if len(text) <= 60 else text[:57] + "..."

    def unknown_tensor(self, construct: str, node: cst.CSTNode, *inputs: Any) -> TensorVal:
        """An unknown result, with a note unless every tensor it was computed from was already
        unknown (the construct that made them unknown has been reported)."""
        tensors = [t for t in inputs if isinstance(t, TensorVal)]
        if tensors and not any(t.known or t.shape is not None for t in tensors):
            return UNKNOWN_TENSOR(construct)
        self.note("unsupported", f"convlint does not follow {construct}; shapes after it are unknown", node)
        return UNKNOWN_TENSOR(construct)

    # -- module level -------------------------------------------------------------------
    def run_module(self) -> None:
        frame = Frame(self.globals)
        for stmt in self.module.body:
            try:
                self.exec_stmt(stmt, frame)
            except (_Return, _Break, _Continue, _Stop):
                break
            except RecursionError:
                continue

    # -- statements ---------------------------------------------------------------------
    def exec_block(self, body: Sequence[cst.CSTNode], frame: Frame) -> None:
        for stmt in body:
            self.exec_stmt(stmt, frame)

    def _body(self, block: Any) -> Sequence[cst.CSTNode]:
        return block.body if isinstance(block, (cst.IndentedBlock, cst.SimpleStatementSuite)) else [block]

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            if self.steps == MAX_STEPS + 1:
                self.note("unsupported", f"more than {MAX_STEPS} statements to follow; the rest is not analysed", stmt)
            raise _Stop()
        try:
            self._exec_stmt(stmt, frame)
        except (_Return, _Break, _Continue, _Stop):
            raise
        except RecursionError:
            raise
        except Exception as err:  # a construct the subset mishandles: unknown from here, not a crash
            self.note("unsupported", f"convlint could not follow this statement ({type(err).__name__}: {err})", stmt)
            self._forget_tensors(frame)

    def _exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, frame)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, frame)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt, frame)
        elif isinstance(stmt, cst.FunctionDef):
            frame.env[stmt.name.value] = FuncVal(stmt, frame.owner)
        elif isinstance(stmt, cst.ClassDef):
            frame.env[stmt.name.value] = self.make_class(stmt, frame)
        elif isinstance(stmt, (cst.With, cst.Try)):
            self.exec_block(self._body(stmt.body), frame)
        elif isinstance(stmt, cst.While):
            self.unknown_flow(stmt, "a `while` loop", frame, [stmt.body])
        else:
            self.note("unsupported", f"convlint does not follow `{self.code(stmt).splitlines()[0]}`", stmt)

    def exec_small(self, small: cst.CSTNode, frame: Frame) -> None:
        if isinstance(small, cst.Assign):
            value = self.eval(small.value, frame)
            for target in small.targets:
                self.assign(target.target, value, frame, small)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.assign(small.target, self.eval(small.value, frame), frame, small)
        elif isinstance(small, cst.AugAssign):
            left = self.eval(small.target, frame)
            right = self.eval(small.value, frame)
            op = type(small.operator).__name__.replace("Assign", "")
            op_type = getattr(cst, op, None)
            value = self.binop(op_type, left, right, small) if op_type else Unknown("augmented assignment")
            self.assign(small.target, value, frame, small)
        elif isinstance(small, cst.Expr):
            self.eval(small.value, frame)
        elif isinstance(small, cst.Return):
            raise _Return(self.eval(small.value, frame) if small.value is not None else None)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            self.do_import(small, frame)
        elif isinstance(small, cst.Raise):
            raise _Stop()
        elif isinstance(small, cst.Break):
            raise _Break()
        elif isinstance(small, cst.Continue):
            raise _Continue()
        # pass, assert, global, nonlocal, del: nothing to do

    def do_import(self, stmt: Any, frame: Frame) -> None:
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                full = self.code(alias.name)
                if alias.asname is not None:
                    frame.env[self.code(alias.asname.name)] = QualName(full)
                else:
                    top = full.split(".")[0]
                    frame.env[top] = QualName(top)
            return
        if stmt.relative or stmt.module is None:
            base = "." * len(stmt.relative) + (self.code(stmt.module) if stmt.module is not None else "")
        else:
            base = self.code(stmt.module)
        if isinstance(stmt.names, cst.ImportStar):
            return
        for alias in stmt.names:
            name = self.code(alias.name)
            local = self.code(alias.asname.name) if alias.asname is not None else name
            frame.env[local] = QualName(f"{base}.{name}")

    def assign(self, target: cst.CSTNode, value: Any, frame: Frame, stmt: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            frame.env[target.value] = value
            if frame.env is self.globals:
                self.sites[target.value] = stmt
            if self.script and frame.env is self.globals and isinstance(value, (ModuleObj, ParamVal)) and value.path is None:
                value.path = target.value
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, frame)
            if isinstance(obj, UserObj):
                obj.attrs[target.attr.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            items = self.iterate(value)
            elements = [e.value for e in target.elements]
            if items is None or len(items) != len(elements):
                for e in elements:
                    self.assign(e, self._unknown_like(value, "unpacking"), frame, stmt)
                return
            for e, v in zip(elements, items):
                self.assign(e, v, frame, stmt)
        elif isinstance(target, cst.Subscript):
            container = self.eval(target.value, frame)
            if len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
                key = self.eval(target.slice[0].slice.value, frame)
                try:
                    if isinstance(container, (list, dict)) and _plain(key):
                        container[key] = value
                    elif isinstance(container, ContainerObj) and container.kind == "ModuleDict":
                        container.items.append((key, value))
                except (IndexError, TypeError):
                    pass

    def _unknown_like(self, value: Any, why: str) -> Any:
        return UNKNOWN_TENSOR(why) if isinstance(value, TensorVal) else Unknown(why)

    def truth(self, value: Any) -> Optional[bool]:
        if isinstance(value, Unknown) or isinstance(value, (TensorVal, SizeVal, ShapeVal)):
            return None
        if isinstance(value, ContainerObj):
            return bool(value.items)
        if isinstance(value, (tuple, list)) and any(isinstance(v, Unknown) for v in value):
            return bool(value) if not value else True
        try:
            return bool(value)
        except Exception:
            return None

    def exec_if(self, stmt: cst.If, frame: Frame) -> None:
        cond = self.truth(self.eval(stmt.test, frame))
        if cond is True:
            self.exec_block(self._body(stmt.body), frame)
        elif cond is False:
            if isinstance(stmt.orelse, cst.If):
                self.exec_if(stmt.orelse, frame)
            elif isinstance(stmt.orelse, cst.Else):
                self.exec_block(self._body(stmt.orelse.body), frame)
        else:
            branches: List[Any] = [stmt.body]
            if isinstance(stmt.orelse, cst.Else):
                branches.append(stmt.orelse.body)
            elif isinstance(stmt.orelse, cst.If):
                branches.append(stmt.orelse)
            self.unknown_flow(stmt, f"`if {self.code(stmt.test)}` (a condition it cannot evaluate)", frame, branches)

    def unknown_flow(self, stmt: cst.CSTNode, construct: str, frame: Frame, branches: List[Any]) -> None:
        """Control flow convlint cannot decide.  In ``forward``, every tensor becomes unknown and
        the branches still run once, so their layers appear (with unknown shapes).  While
        building modules, the branches are skipped: which layers exist is then unknown."""
        if self.builder is None or self.script:
            self.note("unsupported", f"convlint does not follow {construct}; the modules it would create are unknown", stmt)
            return
        self.note("unsupported", f"convlint does not follow {construct}; shapes after it are unknown", stmt)
        self._forget_tensors(frame)
        for branch in branches:
            try:
                if isinstance(branch, cst.If):
                    self.unknown_flow(branch, construct, frame, [branch.body])
                else:
                    self.exec_block(self._body(branch), frame)
            except (_Break, _Continue):
                pass
            self._forget_tensors(frame)

    def _forget_tensors(self, frame: Frame) -> None:
        for k, v in list(frame.env.items()):
            if isinstance(v, TensorVal):
                frame.env[k] = UNKNOWN_TENSOR("control flow")

    def exec_for(self, stmt: cst.For, frame: Frame) -> None:
        iterable = self.eval(stmt.iter, frame)
        if isinstance(iterable, _Opaque):
            return  # ``for m in self.modules(): nn.init...``: weight initialisation, no layers
        items = self.iterate(iterable)
        if items is None or len(items) > MAX_UNROLL:
            if self.builder is not None and not self.script:
                self.assign(stmt.target, Unknown("loop variable"), frame, stmt)
            self.unknown_flow(stmt, f"the loop `for {self.code(stmt.target)} in {self.code(stmt.iter)}`", frame, [stmt.body])
            return
        for item in items:
            self.assign(stmt.target, item, frame, stmt)
            try:
                self.exec_block(self._body(stmt.body), frame)
            except _Break:
                return
            except _Continue:
                continue
        if isinstance(stmt.orelse, cst.Else):
            self.exec_block(self._body(stmt.orelse.body), frame)

    def iterate(self, value: Any) -> Optional[List[Any]]:
        """The items of an iterable value, or ``None`` if they are not known."""
        if isinstance(value, (list, tuple, range)):
            return list(value)
        if isinstance(value, dict):
            return list(value.keys())
        if isinstance(value, ContainerObj):
            if value.kind == "ModuleDict":
                return [k for k, _ in value.items]
            return value.values()
        if isinstance(value, str):
            return list(value)
        return None

    # -- classes and calls --------------------------------------------------------------
    def make_class(self, node: cst.ClassDef, frame: Frame) -> ClassVal:
        bases = [self.eval(b.value, frame) for b in node.bases]
        is_mod = False
        for b in bases:
            if isinstance(b, ClassVal) and b.is_module:
                is_mod = True
            elif isinstance(b, QualName) and b.name.startswith("torch.nn.") and b.name.rsplit(".", 1)[-1][:1].isupper():
                is_mod = True
        return ClassVal(node.name.value, node, bases, is_mod)

    def instantiate(self, cls: ClassVal, args: List[Any], kwargs: Dict[str, Any], call: cst.CSTNode) -> Any:
        base = torch_base(cls)
        if base not in (None, "Module", "Sequential"):
            self.note("unsupported", f"convlint does not follow subclasses of nn.{base} ({cls.name})", call)
            return Unknown(f"a subclass of nn.{base}")
        obj = UserObj(cls)
        if base == "Sequential":
            obj.seq = ContainerObj("Sequential", [], call if isinstance(call, cst.Call) else None)
        found = cls.find_owner("__init__")
        if found is not None:
            init, owner = found
            if isinstance(init, cst.FunctionDef):
                saved = (self.quiet, self.model)
                if cls.is_module:
                    self.quiet = False
                    self.model = self.model or cls.name
                try:
                    self.invoke(FuncVal(init, owner), [obj] + list(args), kwargs, call)
                finally:
                    self.quiet, self.model = saved
        return obj

    def invoke(self, func: FuncVal, args: List[Any], kwargs: Dict[str, Any], call: cst.CSTNode) -> Any:
        if self.depth >= MAX_DEPTH:
            self.note("unsupported", f"calls nested deeper than {MAX_DEPTH} levels are not followed", call)
            return Unknown("deep recursion")
        env = self.bind_params(func.node, args, kwargs)
        frame = Frame(env, func.owner, args[0] if func.owner is not None and args else None)
        self.depth += 1
        try:
            self.exec_block(self._body(func.node.body), frame)
        except _Return as ret:
            return ret.value
        except _Stop:
            return Unknown(f"{func.node.name.value}() raises")
        except (_Break, _Continue):
            return None
        finally:
            self.depth -= 1
        return None

    def bind_params(self, fdef: cst.FunctionDef, args: List[Any], kwargs: Dict[str, Any]) -> Dict[str, Any]:
        p = fdef.params
        positional = list(p.posonly_params) + list(p.params)
        env: Dict[str, Any] = {}
        kwargs = dict(kwargs)
        frame = Frame(self.globals)
        for i, param in enumerate(positional):
            name = param.name.value
            if i < len(args):
                env[name] = args[i]
            elif name in kwargs:
                env[name] = kwargs.pop(name)
            elif param.default is not None:
                env[name] = self.eval(param.default, frame)
            else:
                env[name] = Unknown(f"argument '{name}' of {fdef.name.value}() is not given")
        extra = args[len(positional):]
        if isinstance(p.star_arg, cst.Param):
            env[p.star_arg.name.value] = tuple(extra)
        for param in p.kwonly_params:
            name = param.name.value
            if name in kwargs:
                env[name] = kwargs.pop(name)
            elif param.default is not None:
                env[name] = self.eval(param.default, frame)
            else:
                env[name] = Unknown(f"argument '{name}' of {fdef.name.value}() is not given")
        if p.star_kwarg is not None:
            env[p.star_kwarg.name.value] = kwargs
        return env

    def call(self, callee: Any, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        if isinstance(callee, QualName):
            return self.call_qual(callee.name, args, kwargs, node)
        if isinstance(callee, ClassVal):
            return self.instantiate(callee, args, kwargs, node)
        if isinstance(callee, FuncVal):
            return self.invoke(callee, args, kwargs, node)
        if isinstance(callee, BoundMethod):
            if isinstance(callee.func, FuncVal):
                return self.invoke(callee.func, [callee.self_obj] + args, kwargs, node)
            return self.call_method(callee.self_obj, callee.func, args, kwargs, node)
        if isinstance(callee, (ModuleObj, ContainerObj, UserObj)):
            return self.apply_module(callee, args, kwargs, node)
        if isinstance(callee, SuperVal):
            return callee
        if callable(callee) and getattr(callee, "_convlint_builtin", False):
            try:
                return callee(*args, **kwargs)
            except Exception as err:
                return Unknown(f"{self.code(node.func)}(...) ({type(err).__name__})")
        if any(isinstance(a, TensorVal) for a in list(args) + list(kwargs.values())):
            return self.unknown_tensor(f"the call `{self.code(node.func)}(...)`", node, *_tensors(args, kwargs))
        if isinstance(callee, Unknown):
            return Unknown(callee.reason)
        return Unknown(f"call to {self.code(node.func)}")

    def call_qual(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        parts = name.split(".")
        last = parts[-1]
        if name in ("torchinfo.summary", "torchsummary.summary", "torchsummary.torchsummary.summary"):
            return self.record_summary(name, args, kwargs)
        if name == "collections.OrderedDict":
            return self._ordered_dict(args)
        if parts[0] == "math" and len(parts) == 2 and hasattr(math, last) and all(_plain(a) for a in args):
            try:
                return getattr(math, last)(*args)
            except Exception:
                return Unknown(f"math.{last}")
        if name.startswith("torch.nn.functional."):
            return self.functional(last, args, kwargs, node)
        if name.startswith("torch.nn.init."):
            return None
        if name in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
            t = args[0] if args else kwargs.get("data")
            return ParamVal(t.shape if isinstance(t, TensorVal) else None)
        if name.startswith("torch.nn.") and last[:1].isupper():
            if last in ("Sequential", "ModuleList", "ModuleDict"):
                return self.container(last, args, kwargs, node)
            self._check_args(last, args, kwargs, node)
            return ModuleObj(last, tuple(args), dict(kwargs), node)
        if len(parts) == 2 and parts[0] == "torch":
            return self.torch_func(last, args, kwargs, node)
        if any(isinstance(a, TensorVal) for a in list(args) + list(kwargs.values())):
            return self.unknown_tensor(f"`{name}(...)`", node, *_tensors(args, kwargs))
        return Unknown(f"{name}(...) is not evaluated")

    def _check_args(self, type_: str, args: Sequence[Any], kwargs: Dict[str, Any], node: cst.Call) -> None:
        for value in list(args) + list(kwargs.values()):
            if isinstance(value, Unknown) or (isinstance(value, (tuple, list)) and any(isinstance(v, Unknown) for v in value)):
                reason = value.reason if isinstance(value, Unknown) else "an element is unknown"
                self.note("unresolved", f"cannot resolve an argument of {type_}(...) statically: {reason}", node)
                return

    def _ordered_dict(self, args: List[Any]) -> Any:
        if not args:
            return {}
        items = self.iterate(args[0]) if not isinstance(args[0], dict) else list(args[0].items())
        out: Dict[Any, Any] = {}
        for item in items or []:
            if isinstance(item, (tuple, list)) and len(item) == 2 and _plain(item[0]):
                out[item[0]] = item[1]
            else:
                return Unknown("OrderedDict of unknown items")
        return out

    def container(self, kind: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        obj = ContainerObj(kind, [], node)
        if kind == "Sequential":
            if len(args) == 1 and isinstance(args[0], dict):
                obj.items = [(str(k), v) for k, v in args[0].items()]
            else:
                obj.items = [(str(i), v) for i, v in enumerate(args)]
        elif args:
            source = args[0]
            if kind == "ModuleDict" and isinstance(source, dict):
                obj.items = [(str(k), v) for k, v in source.items()]
            else:
                items = self.iterate(source)
                if items is None:
                    self.note("unresolved", f"cannot tell which modules this nn.{kind} holds", node)
                    return Unknown(f"nn.{kind} of unknown modules")
                obj.items = [(str(i), v) for i, v in enumerate(items)]
        for _, v in obj.items:
            if isinstance(v, Unknown):
                self.note("unresolved", f"nn.{kind} holds a module convlint cannot resolve: {v.reason}", node)
        return obj

    def record_summary(self, name: str, args: List[Any], kwargs: Dict[str, Any]) -> None:
        if not args:
            return None
        target = args[0]
        batched = name.startswith("torchinfo")
        size = kwargs.get("input_size", args[1] if len(args) > 1 else None)
        if size is None:
            data = kwargs.get("input_data")
            if isinstance(data, TensorVal) and data.shape is not None:
                self.examples.append(Example(target, [data.shape]))
            return None
        if isinstance(size, (tuple, list)) and size and all(isinstance(s, (tuple, list)) for s in size):
            shapes = [tuple(s) for s in size]
        elif isinstance(size, (tuple, list)):
            shapes = [tuple(size)]
        else:
            return None
        self.examples.append(Example(target, shapes, batched))
        return None

    # -- applying modules ---------------------------------------------------------------
    def apply_module(self, obj: Any, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        tensors = [a for a in args if isinstance(a, TensorVal)]
        if self.builder is None or self.script:
            if isinstance(obj, ModuleObj) and self.script and tensors:
                return self.script_apply(obj, tensors, node)
            if tensors and all(t.shape is not None for t in tensors):
                self.examples.append(Example(obj, [t.shape for t in tensors]))
            return UNKNOWN_TENSOR("example call")
        if isinstance(obj, ModuleObj):
            if obj.type == "Identity":
                return args[0] if args else UNKNOWN_TENSOR("Identity()")
            path = obj.path
            layer_id = path
            if path is None:
                self.anon += 1
                path = obj.type.lower()
                layer_id = f"{path}@{id(obj)}"
            inputs = tensors or [UNKNOWN_TENSOR("no tensor argument")]
            return self.builder.emit(obj.type, obj.args, obj.kwargs, inputs, self.positions.span(obj.call), path, layer_id)
        if isinstance(obj, ContainerObj):
            if obj.kind != "Sequential":
                return self.unknown_tensor(f"calling an nn.{obj.kind}", node)
            x: Any = args[0] if args else UNKNOWN_TENSOR("no input")
            for _, child in obj.items:
                if not is_module(child):
                    return self.unknown_tensor(f"a Sequential item convlint cannot resolve ({self.code(node.func)})", node)
                x = self.apply_module(child, [x], {}, node)
            return x
        forward = obj.cls.find_owner("forward")
        if (forward is None or not isinstance(forward[0], cst.FunctionDef)) and obj.seq is not None:
            return self.apply_module(obj.seq, args, kwargs, node)
        if forward is None or not isinstance(forward[0], cst.FunctionDef):
            return self.unknown_tensor(f"{obj.cls.name} (no forward method found)", node)
        return self.invoke(FuncVal(forward[0], forward[1]), [obj] + list(args), kwargs, node)

    def script_apply(self, obj: ModuleObj, tensors: List[TensorVal], node: cst.Call) -> TensorVal:
        """A layer applied to a tensor in straight-line module code."""
        if self.script_builder is None:
            self.script_builder = Builder()
            self.script_first_layer = obj.path
        builder = self.script_builder
        inputs = []
        for t in tensors:
            if t.node is None:
                key = id(t)
                if key not in self.script_inputs:
                    shape = tuple(t.shape[1:]) if t.shape else Unknown("tensor of unknown shape")
                    self.script_inputs[key] = builder.add_input("input", shape, self.positions.span(node))
                t = self.script_inputs[key]
            inputs.append(t)
        if obj.type == "Identity":
            return inputs[0]
        path = obj.path or obj.type.lower()
        layer_id = obj.path or f"{path}@{id(obj)}"
        return builder.emit(obj.type, obj.args, obj.kwargs, inputs, self.positions.span(obj.call), path, layer_id)

    # -- functional ops -----------------------------------------------------------------
    def _graph(self) -> Optional[Builder]:
        if self.builder is not None and not self.script:
            return self.builder
        return self.script_builder if self.script else None

    def emit_op(
        self,
        spec: OpSpec,
        x: Any,
        rest: List[Any],
        kwargs: Dict[str, Any],
        node: cst.Call,
        op: str,
        extra_inputs: Sequence[TensorVal] = (),
    ) -> Any:
        if not isinstance(x, TensorVal):
            return Unknown(f"{op} of a non-tensor")
        builder = self._graph()
        if builder is None or (self.script and x.node is None):
            return UNKNOWN_TENSOR(op)
        bound: Dict[str, Any] = {}
        for name, value in zip(spec.params, rest):
            bound[name] = value
        if len(rest) > len(spec.params):
            return self.unknown_tensor(f"`{op}` with {len(rest)} extra arguments", node)
        bound.update(kwargs)
        for k, v in spec.fixed:
            bound.setdefault(k, v)
        bound = {k: v for k, v in bound.items() if k not in DROP}
        base = op.split(".")[-1]
        return builder.emit(spec.type, (), bound, [x, *extra_inputs], self.positions.span(node), base, None, op)

    def functional(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        op = self.code(node.func)
        x = args[0] if args else kwargs.pop("input", None)
        rest = list(args[1:])
        if name in FUNCTIONAL:
            spec = FUNCTIONAL[name]
            if name == "pad":
                bound = dict(zip(spec.params, rest))
                bound.update(kwargs)
                if isinstance(bound.get("pad"), list):
                    bound["pad"] = tuple(bound["pad"])
                return self.emit_op(OpSpec("pad"), x, [], bound, node, op)
            return self.emit_op(spec, x, rest, kwargs, node, op)
        if name in ("conv1d", "conv2d", "conv3d", "linear"):
            return self.functional_weighted(name, x, rest, kwargs, node, op)
        if name == "flatten":
            return self.emit_op(TORCH_FUNCS["flatten"], x, rest, kwargs, node, op)
        if isinstance(x, TensorVal):
            return self.unknown_tensor(f"`{op}(...)`", node, x)
        return Unknown(f"{op}(...)")

    def functional_weighted(self, name: str, x: Any, rest: List[Any], kwargs: Dict[str, Any], node: cst.Call, op: str) -> Any:
        """``F.conv2d(x, w, b, ...)`` / ``F.linear(x, w, b)`` with a parameter of known shape."""
        names = ("weight", "bias") + (("stride", "padding", "dilation", "groups") if name != "linear" else ())
        bound = dict(zip(names, rest))
        bound.update(kwargs)
        weight = bound.pop("weight", None)
        bias = bound.pop("bias", None)
        if not isinstance(weight, ParamVal) or weight.shape is None or any(not isinstance(d, int) for d in weight.shape[:2]):
            return self.unknown_tensor(f"`{op}` with a weight of unknown shape", node)
        builder = self._graph()
        if builder is None or not isinstance(x, TensorVal):
            return UNKNOWN_TENSOR(op)
        shape = weight.shape
        layer_id = weight.path
        if name == "linear":
            args: Tuple[Any, ...] = (shape[1], shape[0])
            kw: Dict[str, Any] = {"bias": bias is not None}
            type_ = "Linear"
        else:
            groups = bound.get("groups", 1)
            if not isinstance(groups, int):
                return self.unknown_tensor(f"`{op}` with unknown groups", node)
            args = (shape[1] * groups, shape[0], tuple(shape[2:]))
            kw = {k: v for k, v in bound.items()}
            kw["bias"] = bias is not None
            type_ = f"Conv{name[4]}d"
        base = weight.path.rsplit(".", 1)[0] if weight.path and "." in weight.path else name
        return builder.emit(type_, args, kw, [x], self.positions.span(node), base, layer_id, op)

    def torch_func(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        op = self.code(node.func)
        if name in TENSOR_FACTORIES:
            if name == "randint" and len(args) > 2:
                sizes = args[2]
            elif len(args) == 1 and isinstance(args[0], (tuple, list)):
                sizes = args[0]
            else:
                sizes = kwargs.get("size", args)
            if name == "full":
                sizes = args[0] if args else kwargs.get("size")
            if isinstance(sizes, (tuple, list)) and all(isinstance(s, int) and not isinstance(s, bool) for s in sizes):
                return TensorVal(None, tuple(sizes))
            return TensorVal(None, None, "factory of unknown size")
        if name in ("cat", "concat", "concatenate"):
            seq = args[0] if args else kwargs.get("tensors")
            items = self.iterate(seq) if seq is not None else None
            dim = args[1] if len(args) > 1 else kwargs.get("dim", kwargs.get("axis", 0))
            if not items or not all(isinstance(t, TensorVal) for t in items):
                return self.unknown_tensor(f"`{op}` of tensors it cannot list", node)
            return self.emit_merge("cat", items, {"dim": dim}, node, op)
        if name in ("add", "sub", "mul", "subtract", "multiply"):
            canonical = {"subtract": "sub", "multiply": "mul"}.get(name, name)
            if len(args) >= 2:
                return self.merge(canonical, args[0], args[1], node, op)
        if name == "reshape":
            x = args[0] if args else kwargs.get("input")
            shape = args[1] if len(args) > 1 else kwargs.get("shape")
            return self.view(x, list(shape) if isinstance(shape, (tuple, list)) else [shape], node, op)
        if name == "permute" and len(args) >= 2:
            dims = args[1] if isinstance(args[1], (tuple, list)) else args[1:]
            return self._emit_args("permute", args[0], tuple(dims), node, op)
        if name in TORCH_FUNCS:
            if not args:
                return Unknown(op)
            return self.emit_op(TORCH_FUNCS[name], args[0], list(args[1:]), kwargs, node, op)
        if name in ("tensor", "as_tensor", "from_numpy", "Tensor", "arange", "linspace"):
            return TensorVal(None, None, "tensor from data")
        if name in ("no_grad", "device", "manual_seed", "set_grad_enabled", "inference_mode"):
            return None
        if any(isinstance(a, TensorVal) for a in list(args) + list(kwargs.values())):
            return self.unknown_tensor(f"`{op}(...)`", node, *_tensors(args, kwargs))
        return Unknown(f"{op}(...)")

    def _emit_args(self, type_: str, x: Any, args: Tuple[Any, ...], node: cst.Call, op: str) -> Any:
        builder = self._graph()
        if builder is None or not isinstance(x, TensorVal) or (self.script and x.node is None):
            return UNKNOWN_TENSOR(op)
        return builder.emit(type_, args, {}, [x], self.positions.span(node), op.split(".")[-1], None, op)

    def emit_merge(self, type_: str, items: List[TensorVal], kwargs: Dict[str, Any], node: cst.Call, op: str) -> Any:
        builder = self._graph()
        if builder is None or any(self.script and t.node is None for t in items):
            return UNKNOWN_TENSOR(op)
        return builder.emit(type_, (), kwargs, items, self.positions.span(node), type_, None, op)

    def merge(self, type_: str, a: Any, b: Any, node: cst.CSTNode, op: str) -> Any:
        if isinstance(a, TensorVal) and isinstance(b, TensorVal):
            return self.emit_merge(type_, [a, b], {}, node, op)  # type: ignore[arg-type]
        if isinstance(a, TensorVal) and (_plain(b) and not isinstance(b, (tuple, list))):
            return a
        if isinstance(b, TensorVal) and (_plain(a) and not isinstance(a, (tuple, list))):
            return b
        if isinstance(a, TensorVal) or isinstance(b, TensorVal):
            return self.unknown_tensor(f"`{self.code(node)}`", node, a, b)
        return Unknown(op)

    def view(self, x: Any, sizes: List[Any], node: cst.Call, op: str) -> Any:
        if not isinstance(x, TensorVal):
            return Unknown(op)
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = list(sizes[0])
        out: List[Any] = []
        for s in sizes:
            if isinstance(s, SizeVal):
                out.append(SizeOf(s.axis) if s.tensor is x else Unknown("the size of another tensor"))
            elif isinstance(s, int) and not isinstance(s, bool):
                out.append(s)
            elif isinstance(s, Unknown):
                out.append(s)
            else:
                out.append(Unknown(f"a view size convlint cannot fold ({type(s).__name__})"))
        if any(isinstance(s, Unknown) for s in out):
            reasons = "; ".join(sorted({s.reason for s in out if isinstance(s, Unknown)}))
            self.note("unresolved", f"cannot resolve the sizes of `{self.code(node)}`: {reasons}", node)
        return self._emit_args("view", x, tuple(out), node, op)

    # -- methods of values --------------------------------------------------------------
    def call_method(self, obj: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        if isinstance(obj, TensorVal):
            return self.tensor_method(obj, name, args, kwargs, node)
        if isinstance(obj, list):
            if name == "append" and len(args) == 1:
                obj.append(args[0])
                return None
            if name == "extend" and len(args) == 1:
                items = self.iterate(args[0])
                obj.extend(items if items is not None else [Unknown("extend with unknown items")])
                return None
            if name == "insert" and len(args) == 2 and isinstance(args[0], int):
                obj.insert(args[0], args[1])
                return None
            if name == "pop" and obj:
                return obj.pop(*[a for a in args if isinstance(a, int)][:1])
        if isinstance(obj, dict):
            if name in ("items", "keys", "values"):
                return list(getattr(obj, name)())
            if name == "get" and args:
                return obj.get(args[0], args[1] if len(args) > 1 else None) if _plain(args[0]) else Unknown("dict.get")
            if name == "update" and args and isinstance(args[0], dict):
                obj.update(args[0])
                return None
        if isinstance(obj, ContainerObj):
            if name == "append" and args:
                obj.items.append((str(len(obj.items)), args[0]))
                return None
            if name == "extend" and args:
                for v in self.iterate(args[0]) or []:
                    obj.items.append((str(len(obj.items)), v))
                return None
            if name == "add_module" and len(args) == 2:
                obj.items.append((str(args[0]), args[1]))
                return None
            if name in ("items", "keys", "values") and obj.kind == "ModuleDict":
                pairs = list(obj.items)
                return pairs if name == "items" else [k for k, _ in pairs] if name == "keys" else [v for _, v in pairs]
        if isinstance(obj, (UserObj, ContainerObj)) and name in _OPAQUE_METHODS:
            return _Opaque(name)
        if isinstance(obj, UserObj):
            if name in ("add_module", "register_module") and len(args) == 2 and isinstance(args[0], str):
                if obj.seq is not None:
                    obj.seq.items.append((args[0], args[1]))
                else:
                    obj.attrs[args[0]] = args[1]
                return None
            if name in ("append",) and obj.seq is not None and args:
                obj.seq.items.append((str(len(obj.seq.items)), args[0]))
                return None
            if name in _MODULE_SELF_METHODS:
                return obj
            if name in ("register_buffer", "register_parameter", "apply"):
                return None
        if isinstance(obj, (ModuleObj, ContainerObj)) and name in _MODULE_SELF_METHODS:
            return obj
        if isinstance(obj, str) and name == "format":
            return Unknown("str.format")
        if isinstance(obj, SuperVal):
            target = obj.self_obj
            if name == "__init__" and isinstance(target, UserObj) and target.seq is not None:
                built = self.container("Sequential", args, kwargs, node)
                if isinstance(built, ContainerObj):
                    target.seq.items = built.items
            return None
        if any(isinstance(a, TensorVal) for a in args):
            return self.unknown_tensor(f"`{self.code(node.func)}(...)`", node, *_tensors(args, kwargs))
        return Unknown(f".{name}() of {type(obj).__name__}")

    def tensor_method(self, t: TensorVal, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        func = node.func
        op = self.code(func) if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) else f".{name}"
        if name == "size":
            if args and isinstance(args[0], int):
                return SizeVal(t, args[0])
            if "dim" in kwargs and isinstance(kwargs["dim"], int):
                return SizeVal(t, kwargs["dim"])
            return ShapeVal(t)
        if name in IDENTITY_METHODS:
            return t
        if name in ("view", "reshape"):
            return self.view(t, list(args), node, op)
        if name in TENSOR_METHODS:
            return self.emit_op(TENSOR_METHODS[name], t, list(args), kwargs, node, op)
        if name == "permute":
            dims = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            return self._emit_args("permute", t, tuple(dims), node, op)
        if name in ("add", "sub", "mul", "add_", "sub_", "mul_") and args:
            return self.merge(name.rstrip("_"), t, args[0], node, op)
        if name in ("dim", "numel", "item", "tolist"):
            return Unknown(f"{op}()")
        return self.unknown_tensor(f"the tensor method `{op}(...)`", node, t)

    # -- expressions --------------------------------------------------------------------
    def eval(self, node: cst.CSTNode, frame: Frame) -> Any:
        try:
            return self._eval(node, frame)
        except (_Return, _Break, _Continue, _Stop):
            raise
        except RecursionError:
            return Unknown("expression nested too deeply")
        except Exception as err:  # an odd value combination: unknown, never a crash
            return Unknown(f"{type(err).__name__} while folding `{self.code(node)}`")

    def _eval(self, node: cst.CSTNode, frame: Frame) -> Any:
        if isinstance(node, cst.Integer):
            return int(node.value.replace("_", ""), 0)
        if isinstance(node, cst.Float):
            return float(node.value.replace("_", ""))
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            return value if isinstance(value, str) else Unknown("bytes")
        if isinstance(node, cst.FormattedString):
            return Unknown("f-string")
        if isinstance(node, cst.Name):
            return self.lookup(node.value, frame)
        if isinstance(node, cst.Attribute):
            return self.attribute(self.eval(node.value, frame), node.attr.value, frame, node)
        if isinstance(node, cst.Call):
            return self.eval_call(node, frame)
        if isinstance(node, cst.BinaryOperation):
            return self.binop(type(node.operator), self.eval(node.left, frame), self.eval(node.right, frame), node)
        if isinstance(node, cst.UnaryOperation):
            v = self.eval(node.expression, frame)
            if isinstance(node.operator, cst.Not):
                t = self.truth(v)
                return Unknown("not of unknown") if t is None else (not t)
            if isinstance(v, TensorVal):
                return v
            if isinstance(v, Unknown) or not isinstance(v, (int, float)):
                return Unknown("unary op")
            return -v if isinstance(node.operator, cst.Minus) else (+v if isinstance(node.operator, cst.Plus) else ~v)
        if isinstance(node, cst.BooleanOperation):
            left = self.eval(node.left, frame)
            t = self.truth(left)
            if t is None:
                return Unknown(f"`{self.code(node)}`")
            if isinstance(node.operator, cst.And):
                return self.eval(node.right, frame) if t else left
            return left if t else self.eval(node.right, frame)
        if isinstance(node, cst.Comparison):
            return self.compare(node, frame)
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            items: List[Any] = []
            for e in node.elements:
                if isinstance(e, cst.StarredElement):
                    inner = self.iterate(self.eval(e.value, frame))
                    if inner is None:
                        items.append(Unknown("starred element"))
                    else:
                        items.extend(inner)
                else:
                    items.append(self.eval(e.value, frame))
            return tuple(items) if isinstance(node, cst.Tuple) else items
        if isinstance(node, cst.Dict):
            out: Dict[Any, Any] = {}
            for e in node.elements:
                if isinstance(e, cst.DictElement):
                    k = self.eval(e.key, frame)
                    if not _plain(k) or isinstance(k, (list, dict)):
                        return Unknown("dict key")
                    out[k] = self.eval(e.value, frame)
                else:
                    v = self.eval(e.value, frame)
                    if isinstance(v, dict):
                        out.update(v)
            return out
        if isinstance(node, cst.Subscript):
            return self.subscript(node, frame)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            return self.comprehension(node, frame)
        if isinstance(node, cst.DictComp):
            return Unknown("dict comprehension")
        if isinstance(node, cst.IfExp):
            t = self.truth(self.eval(node.test, frame))
            if t is None:
                return Unknown(f"`{self.code(node)}`")
            return self.eval(node.body if t else node.orelse, frame)
        if isinstance(node, cst.Ellipsis):
            return Ellipsis
        if isinstance(node, cst.Lambda):
            return Unknown("lambda")
        return Unknown(f"`{self.code(node)}`")

    def lookup(self, name: str, frame: Frame) -> Any:
        if name in frame.env:
            return frame.env[name]
        if name in self.globals:
            return self.globals[name]
        if name in _BUILTINS:
            return _BUILTINS[name]
        if name == "super":
            return QualName("builtins.super")
        if name in ("None", "True", "False"):
            return {"None": None, "True": True, "False": False}[name]
        return Unknown(f"name '{name}' is not defined in this file")

    def attribute(self, obj: Any, attr: str, frame: Frame, node: cst.CSTNode) -> Any:
        if isinstance(obj, QualName):
            return obj.attr(attr)
        if isinstance(obj, UserObj):
            if attr in obj.attrs:
                return obj.attrs[attr]
            found = obj.cls.find_owner(attr)
            if found is not None:
                value, owner = found
                if isinstance(value, cst.FunctionDef):
                    if any(self.code(d.decorator) in ("staticmethod",) for d in value.decorators):
                        return FuncVal(value, None)
                    return BoundMethod(obj, FuncVal(value, owner))
                return self.eval(value, Frame({}, owner))
            if attr == "training":
                return Unknown("self.training")
            return BoundMethod(obj, attr)
        if isinstance(obj, ClassVal):
            found = obj.find_owner(attr)
            if found is not None:
                value, owner = found
                if isinstance(value, cst.FunctionDef):
                    return FuncVal(value, owner)
                return self.eval(value, Frame({}, owner))
            return Unknown(f"{obj.name}.{attr}")
        if isinstance(obj, SuperVal):
            for base in obj.cls.bases:
                if isinstance(base, ClassVal):
                    found = base.find_owner(attr)
                    if found is not None and isinstance(found[0], cst.FunctionDef):
                        return BoundMethod(obj.self_obj, FuncVal(found[0], found[1]))
            return BoundMethod(obj, attr)
        if isinstance(obj, TensorVal):
            if attr == "shape":
                return ShapeVal(obj)
            if attr in ("T", "mT", "data", "real"):
                return obj if attr == "data" else self.unknown_tensor(f"`.{attr}`", node, obj)
            return BoundMethod(obj, attr)
        if isinstance(obj, ModuleObj):
            if attr in ("weight", "bias"):
                return Unknown(f"{obj.type}.{attr}")
            if attr in obj.kwargs:
                return obj.kwargs[attr]
            return BoundMethod(obj, attr)
        if isinstance(obj, (list, dict, ContainerObj, str)):
            return BoundMethod(obj, attr)
        if isinstance(obj, Unknown):
            return obj
        return Unknown(f"attribute .{attr}")

    def eval_call(self, node: cst.Call, frame: Frame) -> Any:
        func = node.func
        if isinstance(func, cst.Name) and func.value == "super":
            if frame.owner is not None:
                return SuperVal(frame.owner, frame.self_obj)
            return None
        callee = self.eval(func, frame)
        args: List[Any] = []
        kwargs: Dict[str, Any] = {}
        for a in node.args:
            value = self.eval(a.value, frame)
            if a.star == "*":
                items = self.iterate(value)
                if items is None:
                    args.append(Unknown(f"*{self.code(a.value)}"))
                else:
                    args.extend(items)
            elif a.star == "**":
                if isinstance(value, dict):
                    kwargs.update({str(k): v for k, v in value.items()})
            elif a.keyword is not None:
                kwargs[a.keyword.value] = value
            else:
                args.append(value)
        return self.call(callee, args, kwargs, node)

    def binop(self, op: Any, a: Any, b: Any, node: cst.CSTNode) -> Any:
        if isinstance(a, TensorVal) or isinstance(b, TensorVal):
            if op in _MERGE_OPS:
                return self.merge(_MERGE_OPS[op], a, b, node, _MERGE_OPS[op])
            scalar = _plain(b) and not isinstance(b, (tuple, list))
            if op in (cst.Divide, cst.Power, cst.FloorDivide) and isinstance(a, TensorVal) and scalar:
                return a
            return self.unknown_tensor(f"`{self.code(node)}`", node, a, b)
        if isinstance(a, Unknown):
            return a
        if isinstance(b, Unknown):
            return b
        if op is cst.Add and type(a) is type(b) and isinstance(a, (list, tuple)):
            return a + b  # layer lists: ``layers += [conv, nn.ReLU(True)]``
        if op is cst.Multiply and isinstance(a, (list, tuple)) and isinstance(b, int) and not isinstance(b, bool):
            return a * b if len(a) * b <= 10000 else Unknown("large sequence")
        if not (_plain(a) and _plain(b)) or op not in _BIN:
            return Unknown(f"`{self.code(node)}`")
        if op is cst.Power and isinstance(b, int) and b > 64:
            return Unknown("large power")
        if op is cst.Multiply and isinstance(a, (tuple, list, str)) and isinstance(b, int) and b > 10000:
            return Unknown("large sequence")
        return _BIN[op](a, b)

    def compare(self, node: cst.Comparison, frame: Frame) -> Any:
        left = self.eval(node.left, frame)
        result: Any = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            op = target.operator
            if isinstance(op, (cst.Is, cst.IsNot)):
                if isinstance(left, Unknown) or isinstance(right, Unknown):
                    return Unknown(f"`{self.code(node)}`")
                same = left is right or (left is None and right is None)
                ok = same if isinstance(op, cst.Is) else not same
            else:
                if not (_plain(left) and _plain(right)) or type(op) not in _CMP:
                    return Unknown(f"`{self.code(node)}`")
                ok = _CMP[type(op)](left, right)
            if not ok:
                return False
            left = right
        return result

    def subscript(self, node: cst.Subscript, frame: Frame) -> Any:
        value = self.eval(node.value, frame)
        if len(node.slice) != 1:
            if isinstance(value, TensorVal):
                return self.unknown_tensor(f"indexing `{self.code(node)}`", node, value)
            return Unknown("multi-index")
        sl = node.slice[0].slice
        if isinstance(sl, cst.Slice):
            parts = [self.eval(p, frame) if p is not None else None for p in (sl.lower, sl.upper, sl.step)]
            if isinstance(value, (list, tuple, str)) and all(p is None or isinstance(p, int) for p in parts):
                return value[slice(*parts)]
            ints = all(p is None or isinstance(p, int) for p in parts)
            if isinstance(value, ContainerObj) and value.kind != "ModuleDict" and ints:
                return ContainerObj(value.kind, value.items[slice(*parts)], value.call)
            if isinstance(value, TensorVal):
                return self.unknown_tensor(f"slicing `{self.code(node)}`", node, value)
            return Unknown(f"slice `{self.code(node)}`")
        key = self.eval(sl.value, frame)
        if isinstance(value, ShapeVal) and isinstance(key, int):
            return SizeVal(value.tensor, key)
        if isinstance(value, ContainerObj):
            return value.get(key)
        if isinstance(value, TensorVal):
            return self.unknown_tensor(f"indexing `{self.code(node)}`", node, value)
        if isinstance(value, (list, tuple, str)) and isinstance(key, int):
            return value[key] if -len(value) <= key < len(value) else Unknown("index out of range")
        if isinstance(value, dict) and _plain(key):
            return value.get(key, Unknown(f"key {key!r}"))
        return Unknown(f"`{self.code(node)}`")

    def comprehension(self, node: Any, frame: Frame) -> Any:
        out: List[Any] = []
        env = dict(frame.env)
        inner = Frame(env, frame.owner, frame.self_obj)

        def loop(clause: Any) -> bool:
            items = self.iterate(self.eval(clause.iter, inner))
            if items is None or len(items) > MAX_UNROLL:
                return False
            for item in items:
                self.assign(clause.target, item, inner, node)
                if not all(self.truth(self.eval(cond.test, inner)) is True for cond in clause.ifs):
                    continue
                if clause.inner_for_in is not None:
                    if not loop(clause.inner_for_in):
                        return False
                else:
                    out.append(self.eval(node.elt, inner))
            return True

        if not loop(node.for_in):
            return Unknown(f"comprehension `{self.code(node)}`")
        return out


def _tensors(args: Sequence[Any], kwargs: Dict[str, Any]) -> List[TensorVal]:
    return [a for a in list(args) + list(kwargs.values()) if isinstance(a, TensorVal)]


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


_BUILTINS: Dict[str, Any] = {
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
        "str": lambda v="": v if isinstance(v, str) else (str(v) if _plain(v) else Unknown("str")),
        "dict": lambda *a, **k: dict(*[x for x in a if isinstance(x, (dict, list))], **k),
    }.items()
}


def walk_names(node: cst.CSTNode) -> Iterator[str]:
    """Every plain name used inside ``node`` (for finding which classes are components)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cst.Name):
            yield n.value
        stack.extend(n.children)
