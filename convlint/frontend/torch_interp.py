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

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from ..dims import Expr
from ..graph import Unknown, UnknownRest
from .torch_builder import Builder, Example
from .torch_builtins import BUILTINS, plain
from .torch_positions import Positions
from .torch_semantics import Opaque, TorchSemantics, tensors_in
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
    torch_base,
)
from .values import COMPARE_OPS, BreakSignal, ContinueSignal, ImportTable, ReturnSignal, walk

__all__ = ["Builder", "Interp", "Positions", "Example"]

MAX_DEPTH = 40
MAX_STEPS = 20000
"""Statements followed per model (and for the module's own code) before giving up."""
MAX_UNROLL = 512
_MUTATORS = frozenset({"append", "extend", "insert", "add_module", "register_module", "update", "setdefault", "pop"})


class _Stop(Exception):
    """A ``raise`` was reached: the rest of the function is not followed."""


class Frame:
    def __init__(self, env: Dict[str, Any], owner: Optional[ClassVal] = None, self_obj: Any = None) -> None:
        self.env = env
        self.owner = owner
        self.self_obj = self_obj
        self.assigned: set = set()  # names bound since the last reset (for unknown control flow)


_SIZE_OPS = frozenset({cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide})
"""Operators that keep sizes integers (``/`` and ``%`` would not stay in the Dim algebra)."""
_BIN: Dict[type, Callable[[Any, Any], Any]] = {
    cst.Add: lambda a, b: a + b,
    cst.Subtract: lambda a, b: a - b,
    cst.Multiply: lambda a, b: a * b,
    cst.FloorDivide: lambda a, b: a // b,
    cst.Divide: lambda a, b: a / b,
    cst.Modulo: lambda a, b: a % b,
    cst.Power: lambda a, b: a**b,
}
_MERGE_OPS = {cst.Add: "add", cst.Subtract: "sub", cst.Multiply: "mul"}


class Interp(TorchSemantics):
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
        self.sites: Dict[str, cst.CSTNode] = {}  # module-level name -> the statement binding it
        self.steps = 0
        self.constructing = 0  # > 0 while an ``__init__`` runs: control flow there decides modules

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
        if tensors and not any(t.informative for t in tensors):
            return UNKNOWN_TENSOR(construct)
        self.note("unsupported", f"convlint does not follow {construct}; shapes after it are unknown", node)
        return UNKNOWN_TENSOR(construct)

    # -- module level -------------------------------------------------------------------
    def run_module(self) -> None:
        frame = Frame(self.globals)
        for stmt in self.module.body:
            try:
                self.exec_stmt(stmt, frame)
            except (ReturnSignal, BreakSignal, ContinueSignal, _Stop):
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
        except (ReturnSignal, BreakSignal, ContinueSignal, _Stop):
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
            raise ReturnSignal(self.eval(small.value, frame) if small.value is not None else None)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            self.do_import(small, frame)
        elif isinstance(small, cst.Raise):
            raise _Stop()
        elif isinstance(small, cst.Break):
            raise BreakSignal()
        elif isinstance(small, cst.Continue):
            raise ContinueSignal()
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
            frame.assigned.add(target.value)
            if frame.env is self.globals:
                self.sites[target.value] = stmt
            if self.script and frame.env is self.globals and isinstance(value, (ModuleObj, ParamVal)) and value.path is None:
                value.path = target.value
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, frame)
            if isinstance(obj, UserObj):
                obj.attrs[target.attr.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [e.value for e in target.elements]
            if isinstance(value, ShapeVal):  # ``b, c, h, w = x.size()``
                value = tuple(SizeVal(value.tensor, i) for i in range(len(elements)))
            items = self.iterate(value)
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
                    if isinstance(container, (list, dict)) and plain(key):
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
            blocks: List[Any] = [stmt.body]
            orelse = stmt.orelse
            while isinstance(orelse, cst.If):
                blocks.append(orelse.body)
                orelse = orelse.orelse
            if isinstance(orelse, cst.Else):
                blocks.append(orelse.body)
            self.unknown_flow(stmt, f"`if {self.code(stmt.test)}` (a condition it cannot evaluate)", frame, blocks)

    def unknown_flow(self, stmt: cst.CSTNode, construct: str, frame: Frame, blocks: List[Any]) -> None:
        """Control flow convlint cannot decide.  In ``forward``, each branch runs once with every
        tensor unknown, so its layers appear (with unknown shapes) and none can raise a false
        error; afterwards, whatever a branch assigned is unknown, the rest is as before.  While
        building modules, the branches are skipped: which layers exist is then unknown."""
        if self.builder is None or self.script or self.constructing:
            self.note("unsupported", f"convlint does not follow {construct}; the modules it would create are unknown", stmt)
            self._poison(blocks, frame, construct)
            return
        self.note("unsupported", f"convlint does not follow {construct}; shapes after it are unknown", stmt)
        before = dict(frame.env)
        self._forget_tensors(frame)
        start = dict(frame.env)
        outer_assigned = frame.assigned
        frame.assigned = set()
        changed: Dict[str, bool] = {}
        for block in blocks:
            frame.env.clear()
            frame.env.update(start)
            try:
                self.exec_block(self._body(block), frame)
            except (BreakSignal, ContinueSignal):
                pass
            for k in frame.assigned | {k for k, v in frame.env.items() if k not in start or start[k] is not v}:
                v = frame.env.get(k)
                changed[k] = changed.get(k, False) or isinstance(v, TensorVal) or isinstance(before.get(k), TensorVal)
            frame.assigned = set()
        frame.env.clear()
        frame.env.update(before)
        frame.assigned = outer_assigned | set(changed)
        for k, is_tensor in changed.items():
            frame.env[k] = UNKNOWN_TENSOR("control flow") if is_tensor else Unknown(f"'{k}' is set under {construct}")

    def _poison(self, blocks: List[Any], frame: Frame, construct: str) -> None:
        """Skipped code may have bound names, appended to lists or set ``self.x``: all of those
        become unknown, so nothing built before it passes for the complete result."""
        why = Unknown(f"it is built under {construct}")
        for block in blocks:
            for node in walk(block):
                targets: List[cst.CSTNode] = []
                if isinstance(node, cst.AssignTarget):
                    targets.append(node.target)
                elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
                    targets.append(node.target)
                elif isinstance(node, cst.For):
                    targets.append(node.target)
                elif (
                    isinstance(node, cst.Call)
                    and isinstance(node.func, cst.Attribute)
                    and node.func.attr.value in _MUTATORS
                ):
                    targets.append(node.func.value)  # ``layers.append(...)`` mutates ``layers``
                for target in targets:
                    for name in walk(target) if isinstance(target, (cst.Tuple, cst.List)) else [target]:
                        if isinstance(name, cst.Name) and name.value != "self":
                            if not isinstance(frame.env.get(name.value), (QualName, ClassVal, FuncVal)):
                                frame.env[name.value] = why
                        elif (
                            isinstance(name, cst.Attribute)
                            and isinstance(name.value, cst.Name)
                            and name.value.value == "self"
                            and isinstance(frame.self_obj, UserObj)
                        ):
                            frame.self_obj.attrs[name.attr.value] = why

    def _forget_tensors(self, frame: Frame) -> None:
        for k, v in list(frame.env.items()):
            if isinstance(v, TensorVal):
                frame.env[k] = UNKNOWN_TENSOR("control flow")

    def exec_for(self, stmt: cst.For, frame: Frame) -> None:
        iterable = self.eval(stmt.iter, frame)
        if isinstance(iterable, Opaque):
            return  # ``for m in self.modules(): nn.init...``: weight initialisation, no layers
        items = self.iterate(iterable)
        if items is None or len(items) > MAX_UNROLL:
            if self.builder is not None and not self.script and not self.constructing:
                self.assign(stmt.target, Unknown("loop variable"), frame, stmt)
            self.unknown_flow(stmt, f"the loop `for {self.code(stmt.target)} in {self.code(stmt.iter)}`", frame, [stmt.body])
            return
        for item in items:
            self.assign(stmt.target, item, frame, stmt)
            try:
                self.exec_block(self._body(stmt.body), frame)
            except BreakSignal:
                return
            except ContinueSignal:
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
                self.constructing += 1
                try:
                    self.invoke(FuncVal(init, owner), [obj] + list(args), kwargs, call)
                finally:
                    self.quiet, self.model = saved
                    self.constructing -= 1
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
        except ReturnSignal as ret:
            return ret.value
        except _Stop:
            return Unknown(f"{func.node.name.value}() raises")
        except (BreakSignal, ContinueSignal):
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
                why = str(err) if isinstance(err, ValueError) and str(err) else type(err).__name__
                return Unknown(f"`{self.code(node)}`: {why}")
        if any(isinstance(a, TensorVal) for a in list(args) + list(kwargs.values())):
            return self.unknown_tensor(f"the call `{self.code(node.func)}(...)`", node, *tensors_in(args, kwargs))
        if isinstance(callee, Unknown):
            return Unknown(callee.reason)
        return Unknown(f"`{self.code(node.func)}(...)` is not evaluated statically")

    def eval(self, node: cst.CSTNode, frame: Frame) -> Any:
        try:
            return self._eval(node, frame)
        except (ReturnSignal, BreakSignal, ContinueSignal, _Stop):
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
            if t is None:  # three-valued: ``unknown and False`` is False, ``unknown or True`` True
                right = self.eval(node.right, frame)
                r = self.truth(right)
                if (isinstance(node.operator, cst.And) and r is False) or (isinstance(node.operator, cst.Or) and r is True):
                    return right
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
                    if not plain(k) or isinstance(k, (list, dict)):
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
        if name in BUILTINS:
            return BUILTINS[name]
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
                    decorators = {self.code(d.decorator) for d in value.decorators}
                    if "staticmethod" in decorators:
                        return FuncVal(value, None)
                    if "property" in decorators:
                        return self.invoke(FuncVal(value, owner), [obj], {}, node)
                    return BoundMethod(obj, FuncVal(value, owner))
                return self.eval(value, Frame({}, owner))
            if attr == "training":
                return True  # a module starts in training mode (and an example ``Net()(x)`` runs in it)
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
                    reason = value.reason if isinstance(value, Unknown) else f"*{self.code(a.value)} cannot be expanded"
                    args.append(UnknownRest(reason))
                else:
                    args.extend(items)
            elif a.star == "**":
                if isinstance(value, dict):
                    kwargs.update({str(k): v for k, v in value.items()})
                else:
                    kwargs["**"] = UnknownRest(f"**{self.code(a.value)} cannot be expanded")
            elif a.keyword is not None:
                kwargs[a.keyword.value] = value
            else:
                args.append(value)
        return self.call(callee, args, kwargs, node)

    def binop(self, op: Any, a: Any, b: Any, node: cst.CSTNode) -> Any:
        if isinstance(a, TensorVal) or isinstance(b, TensorVal):
            if op in _MERGE_OPS:
                return self.merge(_MERGE_OPS[op], a, b, node, _MERGE_OPS[op])
            scalar = plain(b) and not isinstance(b, (tuple, list))
            if op in (cst.Divide, cst.Power, cst.FloorDivide) and isinstance(a, TensorVal) and scalar:
                return a
            return self.unknown_tensor(f"`{self.code(node)}`", node, a, b)
        if isinstance(a, Unknown):
            return a
        if isinstance(b, Unknown):
            return b
        if (isinstance(a, (SizeVal, Expr)) or isinstance(b, (SizeVal, Expr))) and op in _SIZE_OPS:
            return self.size_arithmetic(op, a, b, node)
        if op is cst.Add and type(a) is type(b) and isinstance(a, (list, tuple)):
            return a + b  # layer lists: ``layers += [conv, nn.ReLU(True)]``
        if op is cst.Multiply and isinstance(a, (list, tuple)) and isinstance(b, int) and not isinstance(b, bool):
            return a * b if len(a) * b <= 10000 else Unknown("large sequence")
        if not (plain(a) and plain(b)) or op not in _BIN:
            return Unknown(f"`{self.code(node)}`")
        if op is cst.Power and isinstance(b, int) and b > 64:
            return Unknown("large power")
        if op is cst.Multiply and isinstance(a, (tuple, list, str)) and isinstance(b, int) and b > 10000:
            return Unknown("large sequence")
        return _BIN[op](a, b)

    def size_arithmetic(self, op: Any, a: Any, b: Any, node: cst.CSTNode) -> Any:
        """``x.size(1) * x.size(2)``, ``x.size(2) // 2``: exact integer arithmetic on symbols
        that stand for the sizes (the engine fills them in)."""
        if self.builder is None:
            return Unknown(f"`{self.code(node)}`")
        values = [self.builder.size_symbol(v) if isinstance(v, SizeVal) else v for v in (a, b)]
        if not all(isinstance(v, Expr) or (isinstance(v, int) and not isinstance(v, bool)) for v in values):
            return Unknown(f"`{self.code(node)}`")
        return _BIN[op](*values)

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
                if not (plain(left) and plain(right)) or type(op) not in COMPARE_OPS:
                    return Unknown(f"`{self.code(node)}`")
                ok = COMPARE_OPS[type(op)](left, right)
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
        if isinstance(value, dict) and plain(key):
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
