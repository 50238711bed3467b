"""One abstract interpreter for the Python that model code is written in.

Reading model code is running a small, safe Python: names, functions and closures, classes
with methods, class attributes, ``super()`` and properties, instances whose attributes
``__init__`` sets, containers, comprehensions, f-strings, loops and ``if`` tests over what is
known, project modules read from disk.  This module does that once for every framework; what a
framework's names and objects mean is its :class:`~convlint.frontend.python.semantics.Semantics`.
Nothing is imported or executed: every value is computed from the source, and what cannot be
computed is an :class:`~convlint.graph.Unknown` that says why.

Limits (one budget for everything): calls nest at most ``MAX_DEPTH`` deep, a loop unrolls at
most ``MAX_UNROLL`` times, and a run follows at most ``MAX_STEPS`` statements before it stops
with :class:`OutOfSteps` (the caller reports it).
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from ...dims import Expr
from ...graph import Span, UnknownRest
from ...source_lines import split_lines
from .arrays import DataArray, array_attribute, array_binop, array_function, array_method, array_subscript, load_dataset
from .builtins import BUILTINS, MAX_SEQUENCE, STDLIB, STDLIB_VALUES, listed
from .imports import dotted_name, import_base
from .modules import ModuleInfo, Resolver
from .scope import MISSING, Scope
from .semantics import Semantics
from .syntax import source_text, walk
from .values import (
    NOT_HANDLED,
    BoundMethod,
    ClassVal,
    FreeParam,
    FuncVal,
    Instance,
    ModuleVal,
    Partial,
    ArgParser,
    ConstArray,
    LazyImport,
    QualName,
    Record,
    SuperVal,
    Undecided,
    Unknown,
    is_plain,
)

__all__ = [
    "Interpreter",
    "OutOfSteps",
    "ReturnSignal",
    "BreakSignal",
    "ContinueSignal",
    "RaiseSignal",
    "LambdaVal",
    "MAX_DEPTH",
    "MAX_UNROLL",
    "MAX_STEPS",
    "steps_note",
]

MAX_DEPTH = 40
MAX_UNROLL = 1000
MAX_STEPS = 50_000


_DATA_ROOTS = frozenset({"numpy", "pandas", "keras", "tensorflow", "tf_keras", "keras_core", "jax"})
"""Roots of the data-array functions and dataset loaders (:mod:`.arrays`); PyTorch tensors are
the torch semantics' own values."""

class ReturnSignal(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class BreakSignal(Exception):
    pass


class ContinueSignal(Exception):
    pass


class RaiseSignal(Exception):
    """A ``raise`` was reached: the rest of the function is not followed.  ``node``: the
    ``raise`` statement."""

    def __init__(self, node: Optional[cst.CSTNode] = None) -> None:
        super().__init__()
        self.node = node


class OutOfSteps(Exception):
    """The step budget is spent; the run stops and says so."""


def steps_note(span: Any, model: Optional[str] = None) -> Any:
    """The note for a run that spent its step budget (huge unrolled loops, generated code),
    at the statement where it stopped."""
    from .. import FileNote

    message = (f"stopped after {MAX_STEPS:,} steps (more statements to follow than convlint follows); "
               "models may be incomplete")
    if model is None and span.line > 1:
        message += "; the top-level code after this line was not run (definitions were read)"
    return FileNote("unsupported", message, span, model)


class LambdaVal:
    """``lambda x: ...`` with the scope it closes over."""

    def __init__(self, node: cst.Lambda, scope: Scope) -> None:
        self.node = node
        self.scope = scope


_BIN_OPS: Dict[type, str] = {
    cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*", cst.FloorDivide: "//", cst.Divide: "/",
    cst.Modulo: "%", cst.Power: "**", cst.LeftShift: "<<", cst.RightShift: ">>", cst.BitAnd: "&",
    cst.BitOr: "|", cst.BitXor: "^", cst.MatrixMultiply: "@",
}
_AUG_OPS: Dict[type, str] = {
    cst.AddAssign: "+", cst.SubtractAssign: "-", cst.MultiplyAssign: "*", cst.FloorDivideAssign: "//",
    cst.DivideAssign: "/", cst.ModuloAssign: "%", cst.PowerAssign: "**", cst.LeftShiftAssign: "<<",
    cst.RightShiftAssign: ">>", cst.BitAndAssign: "&", cst.BitOrAssign: "|", cst.BitXorAssign: "^",
}
_NUM_OPS: Dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "//": lambda a, b: a // b,
    "/": lambda a, b: a / b, "%": lambda a, b: a % b, "**": lambda a, b: a**b, "<<": lambda a, b: a << b,
    ">>": lambda a, b: a >> b, "&": lambda a, b: a & b, "|": lambda a, b: a | b, "^": lambda a, b: a ^ b,
}
_COMPARE: Dict[type, Callable[[Any, Any], bool]] = {
    cst.Equal: lambda a, b: a == b, cst.NotEqual: lambda a, b: a != b, cst.LessThan: lambda a, b: a < b,
    cst.LessThanEqual: lambda a, b: a <= b, cst.GreaterThan: lambda a, b: a > b,
    cst.GreaterThanEqual: lambda a, b: a >= b, cst.In: lambda a, b: a in b, cst.NotIn: lambda a, b: a not in b,
}
MUTATORS = frozenset(
    ("append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear", "update", "setdefault", "popitem",
     "add", "discard", "add_module", "register_module")
)
"""Methods that change the object they are called on (skipped code poisons that object)."""
_PURE_METHODS = frozenset(
    ("get", "copy", "keys", "values", "items", "index", "count", "upper", "lower", "join", "split", "strip",
     "rstrip", "lstrip", "startswith", "endswith", "replace", "title", "capitalize", "isdigit", "zfill",
     "rsplit", "partition", "rpartition", "find", "casefold")
)
_METHOD_DECORATORS = ("staticmethod", "classmethod", "property", "cached_property")
_FRAMEWORK_FALSE = frozenset((
    "torch.jit.is_scripting", "torch.jit.is_tracing", "torch.jit._internal.is_scripting",
    "torch.onnx.is_in_onnx_export", "torch._C._get_tracing_state", "torch.compiler.is_compiling",
    "torch._dynamo.is_compiling",
))
"""Framework predicates that are False when a model is built and called in plain Python."""
_NO_OPS = frozenset(("torch._assert", "torch._C._log_api_usage_once"))


def _size(v: Any) -> bool:
    return isinstance(v, Expr) or isinstance(v, int) and not isinstance(v, bool)


class Interpreter:
    """Runs one file (and the project modules it imports) with a framework's semantics.

    ``notes`` collects ``(kind, message, span, model)``: what could not be followed where it
    matters, for the front end to report.  ``quiet`` silences them for code that is not model
    construction (a training loop); ``model`` names the model being built.
    """

    def __init__(self, info: ModuleInfo, semantics: Semantics, resolver: Optional[Resolver] = None) -> None:
        self.info = info
        self.sem = semantics
        self.resolver = resolver
        self.notes: List[Tuple[str, str, Any, Optional[str], Any]] = []
        self.quiet = False
        self.model: Optional[str] = None
        self.depth = 0
        self.steps = 0
        self.max_steps = MAX_STEPS
        self.stopped: Optional[Span] = None
        """The top-level statement where the step budget ran out, if it did."""
        self.current: ModuleInfo = info
        self.star_modules: List[str] = []
        self._call_site: Any = None
        """The node (or span) in this file through which code of a project module runs."""
        self._class_scope: Optional[Scope] = None
        self._code: Dict[int, str] = {}  # node id -> its source text (nodes live as long as the run)
        self._targets: Dict[int, Tuple[List[cst.CSTNode], List[cst.CSTNode], bool, Dict[int, str]]] = {}
        self.class_stack: List[ClassVal] = []
        self.undecided_loops = 0
        self.frames: List[str] = []
        """Names of the functions being run, innermost last."""
        self.called: set = set()
        """``id`` of every ``def`` that has run (functions never called are run alone later)."""
        self.globals = Scope(None, {"__name__": "__main__"})
        info.globals = self.globals
        for local, qualified in info.imports.names.items():  # imports at any depth, for functions run alone
            self.globals.vars[local] = QualName(qualified)
        self.star_modules.extend(info.imports.star)
        semantics.attach(self)

    # -- notes and source ------------------------------------------------------------------
    @property
    def positions(self) -> Any:
        return self.info.positions

    def foreign_span(self, node: cst.CSTNode) -> Any:
        """The span to keep for something built now, if it is built by a project module's code
        (the call site in this file); ``None`` in this file's own code, where ``span(node)``
        can be asked later, only if a report needs it."""
        return self.span(node) if self.current is not self.info else None

    def span(self, node: cst.CSTNode) -> Any:
        """Where ``node`` is, as the user sees it: in a project module called from this file,
        the call in this file that led there (the line to look at and to ``# noqa``)."""
        site = self._call_site
        if self.current is not self.info:
            if self.info.positions.has(node):  # this file's node, met while a project module runs
                return self.info.positions.span(node)
            if site is not None:
                return site if isinstance(site, Span) else self.info.positions.span(site)
        return self.current.positions.span(node)

    def note(self, kind: str, message: str, node: cst.CSTNode, force: bool = False, reason: Optional[str] = None) -> None:
        """Record what could not be followed; ``reason``, for an unresolved value, is the
        ``Unknown``'s own reason (its cause: the engine meets the same one at the same place)."""
        if self.quiet and not force:
            return
        if self.current is not self.info:
            if self._call_site is None:
                return  # the top level of a project module: not this file's model code
            message = f"{message} (in {self.current.name})"
        span = self.span(node)
        from ...graph import unresolved_cause

        cause = unresolved_cause(span, reason) if reason is not None else None
        self.notes.append((kind, message, span, self.model, cause))

    def code(self, node: cst.CSTNode, limit: int = 60) -> str:
        """The source of ``node`` for a message (generated once per node: loops repeat them)."""
        key = id(node) * 256 + limit
        text = self._code.get(key)
        if text is None:
            text = self._code[key] = source_text(node, limit)
        return text

    # -- running ---------------------------------------------------------------------------
    def run_module(self) -> None:
        """The file's top-level statements, in order (``__name__`` is ``"__main__"``); a
        statement nested too deeply for Python's own recursion is skipped, not fatal.

        When the step budget runs out, the statements from there on are skimmed (see
        :meth:`skim`) and :class:`OutOfSteps` is raised for the caller's note: a model defined
        after 50,000 statements of other code is still found, with what it lacks unknown."""
        body = self.info.module.body
        for index, stmt in enumerate(body):
            try:
                self.exec_stmt(stmt, self.globals)
            except RaiseSignal as signal:
                # ``if opt.dataroot is None: raise ValueError(...)`` with the options' defaults: a
                # script stops here, but the models it defines below are what a linter is for
                at = signal.node if signal.node is not None else stmt
                self.note("assumed", "the file raises here when run with the values convlint assumes (the options' "
                                     "defaults, or values it cannot know); the code after it is read as if it did not", at, force=True)
                continue
            except (ReturnSignal, BreakSignal, ContinueSignal):
                break
            except RecursionError:
                continue
            except OutOfSteps:
                self.stopped = Span(self.info.positions.top_level_line(index))
                self.skim(body[index:])
                raise

    def skim(self, rest: Sequence[cst.CSTNode]) -> None:
        """What the top-level statements ``rest`` would do, without running them: definitions
        and classes are bound (a class body with a budget of its own), everything else is
        skipped code, so whatever it could bind or change is unknown."""
        self.max_steps = self.steps + MAX_STEPS
        skipped: List[cst.CSTNode] = []
        try:
            for stmt in rest:
                if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and stmt is not rest[0]:
                    try:
                        self.exec_stmt(stmt, self.globals)
                    except OutOfSteps:
                        skipped.append(stmt)
                        self.max_steps = self.steps  # spent: later classes stay unbound
                else:
                    skipped.append(stmt)
            self.poison(skipped, self.globals, "code after the step budget ran out")
        finally:
            self.max_steps = MAX_STEPS

    def unread(self, why: str) -> None:
        """The module's source was cut short (a big file past its reading budget): every model
        object the unread code could change may lack parts."""
        for value in list(self.globals.vars.values()):
            if self.sem.owns(value):
                self.sem.poison(value, why)

    def run_body(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        try:
            self.exec_block(body, scope)
        except (ReturnSignal, BreakSignal, ContinueSignal, RaiseSignal):
            pass

    def exec_block(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        for stmt in body:
            self.exec_stmt(stmt, scope)

    @staticmethod
    def body_of(block: Any) -> Sequence[cst.CSTNode]:
        return block.body if isinstance(block, (cst.IndentedBlock, cst.SimpleStatementSuite)) else [block]

    def exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise OutOfSteps()
        try:
            self._exec_stmt(stmt, scope)
        except (ReturnSignal, BreakSignal, ContinueSignal, RaiseSignal, OutOfSteps, RecursionError):
            raise
        except Exception as err:  # a construct mishandled: unknown from here, never a crash
            self.note("unsupported", f"convlint could not follow this statement ({type(err).__name__}: {err})", stmt)
            self.forget_owned(scope, "a statement convlint could not follow")

    def _exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, scope)
        elif isinstance(stmt, cst.BaseSmallStatement):  # the body of ``for x in xs: a = x``
            self.exec_small(stmt, scope)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, scope)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt, scope)
        elif isinstance(stmt, cst.FunctionDef):
            self.bind(stmt.name.value, self.make_function(stmt, scope), scope, stmt)
        elif isinstance(stmt, cst.ClassDef):
            self.bind(stmt.name.value, self.make_class(stmt, scope), scope, stmt)
        elif isinstance(stmt, cst.With):
            self.exec_block(self.body_of(stmt.body), scope)
        elif isinstance(stmt, cst.Try):
            self.exec_block(self.body_of(stmt.body), scope)
            if stmt.orelse is not None:
                self.exec_block(self.body_of(stmt.orelse.body), scope)
            if stmt.finalbody is not None:
                self.exec_block(self.body_of(stmt.finalbody.body), scope)
        elif isinstance(stmt, cst.While):
            if self.truth(self.eval(stmt.test, scope)) is False:
                if stmt.orelse is not None:
                    self.exec_block(self.body_of(stmt.orelse.body), scope)
                return
            self.undecided(stmt, "a while loop", scope, [stmt.body])
        elif isinstance(stmt, cst.Match):
            self.undecided(stmt, "a match statement", scope, [case.body for case in stmt.cases])
        else:
            self.note("unsupported", f"convlint does not follow `{split_lines(self.code(stmt))[0]}`", stmt)

    def exec_small(self, small: cst.CSTNode, scope: Scope) -> None:
        if isinstance(small, cst.Assign):
            value = self.eval(small.value, scope)
            for target in small.targets:
                self.assign(target.target, value, scope, small)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.assign(small.target, self.eval(small.value, scope), scope, small)
        elif isinstance(small, cst.AugAssign):
            left = self.eval(small.target, scope)
            right = self.eval(small.value, scope)
            op = _AUG_OPS.get(type(small.operator))
            value = self.binop(op, left, right, small) if op else Unknown(f"`{self.code(small)}` is not followed")
            if isinstance(left, list) and op == "+" and isinstance(value, list):
                left[:] = value  # ``layers += [...]`` extends the same list, as Python does
                value = left
            self.assign(small.target, value, scope, small)
        elif isinstance(small, cst.Expr):
            if not isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):  # not a docstring
                self.eval(small.value, scope)
        elif isinstance(small, cst.Return):
            raise ReturnSignal(self.eval(small.value, scope) if small.value is not None else None)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            self.exec_import(small, scope)
        elif isinstance(small, cst.Raise):
            raise RaiseSignal(small)
        elif isinstance(small, cst.Break):
            raise BreakSignal()
        elif isinstance(small, cst.Continue):
            raise ContinueSignal()
        # pass, assert, del, global, nonlocal: nothing a shape depends on

    # -- imports and project modules -------------------------------------------------------
    def exec_import(self, stmt: Any, scope: Scope) -> None:
        """Bind imported names: a project module's names lazily (read on first use), anything
        else as the :class:`QualName` it spells."""
        if isinstance(stmt, cst.Import):
            for alias in stmt.names:
                full = dotted_name(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    scope.set(alias.asname.name.value, self.lazy_module(full, False, full))
                else:
                    top = full.split(".")[0]
                    scope.set(top, self.lazy_module(top, False, top))
            return
        base = import_base(stmt)
        relative = base.startswith(".")
        absolute = Resolver.absolute(self.current.package, base) if relative else base
        if isinstance(stmt.names, cst.ImportStar):
            module = self.import_module(absolute, relative, base)
            if isinstance(module, ModuleVal) and module.info.globals is not None:
                for k, v in module.info.globals.vars.items():
                    if not k.startswith("_"):
                        scope.set(k, v)
            elif not relative and absolute not in self.star_modules:
                self.star_modules.append(absolute)
            return
        path = self.project_path(absolute, relative)
        for alias in stmt.names:
            name = dotted_name(alias.name) or ""
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            if path is not None:
                scope.set(local, LazyImport(path, absolute, name, relative, base))
            elif relative:
                sub = self.project_path(f"{absolute}.{name}" if absolute else name, True)  # ``from . import blocks``
                value = LazyImport(sub, f"{absolute}.{name}" if absolute else name, None, True, f"{base}.{name}") if sub else None
                scope.set(local, value or Unknown(f"{name} from {base} could not be read (a module of this project)"))
            else:
                scope.set(local, QualName(f"{absolute}.{name}"))

    def project_path(self, absolute: str, relative: bool) -> Optional[str]:
        """The file of a project module this run may read, or ``None``."""
        if self.resolver is None or not absolute or not (relative or self.sem.reads_module(absolute)):
            return None
        path = self.resolver.find(self.current.path, absolute, relative)
        return path if path is not None and path != self.info.path else None

    def lazy_module(self, absolute: str, relative: bool, written: str) -> Any:
        path = self.project_path(absolute, relative)
        return LazyImport(path, absolute, None, relative, written) if path is not None else QualName(absolute)

    def force(self, value: Any) -> Any:
        """The value of a lazily imported name (reading its module now), else ``value``."""
        seen: set = set()
        while isinstance(value, LazyImport):
            if id(value) in seen:  # ``from .a import X`` in b and ``from .b import X`` in a
                return Unknown(f"{value.name or value.module} is imported in a cycle of project modules")
            seen.add(id(value))
            if not value.forced:
                value.forced = True
                value.value = Unknown(f"{value.name or value.module} is imported in a cycle of project modules")
                module = self.load_module(value.path, value.module, value.written)
                value.value = module if value.name is None else self.module_attr(
                    module, value.name, value.module, value.relative, value.written
                )
            value = value.value
        return value

    def force_all(self, values: Any) -> Any:
        """Arguments handed to a framework: their lazily imported names (in lists too)."""
        if isinstance(values, LazyImport):
            return self.force(values)
        if isinstance(values, list) and any(isinstance(v, (LazyImport, list, tuple, dict)) for v in values):
            return [self.force_all(v) for v in values]
        if isinstance(values, tuple) and any(isinstance(v, (LazyImport, list, tuple, dict)) for v in values):
            return tuple(self.force_all(v) for v in values)
        if isinstance(values, dict) and any(isinstance(v, (LazyImport, list, tuple, dict)) for v in values.values()):
            return {k: self.force_all(v) for k, v in values.items()}
        return values

    def load_module(self, path: Optional[str], absolute: str, written: str) -> Any:
        if path is not None and self.resolver is not None:
            info = self.resolver.load(path, absolute)
            if info is not None:
                self.run_project_module(info)
                return ModuleVal(absolute, info)
        return Unknown(f"module {written} of this project could not be read")

    def import_module(self, absolute: str, relative: bool, written: str) -> Any:
        """A project module read from disk now, else the imported name as a :class:`QualName`."""
        path = self.project_path(absolute, relative)
        if path is not None:
            return self.load_module(path, absolute, written)
        if relative:
            return Unknown(f"module {written} of this project could not be read")
        return QualName(absolute)

    def module_attr(self, module: Any, name: str, absolute: str, relative: bool, written: str) -> Any:
        if isinstance(module, ModuleVal):
            globals_ = module.info.globals
            if globals_ is not None:
                value = globals_.lookup(name)
                if value is not MISSING:
                    return value
            sub = self.import_module(f"{absolute}.{name}", relative, f"{written}.{name}")
            if isinstance(sub, ModuleVal):
                return sub
            return Unknown(f"{name} is not defined at the top level of {module.info.name}")
        if isinstance(module, Unknown):
            if relative:  # ``from . import blocks``: a module of its own
                sub = self.import_module(f"{absolute}.{name}" if absolute else name, True, f"{written}.{name}")
                if isinstance(sub, ModuleVal):
                    return sub
            return Unknown(f"{name} from {written} could not be read (a module of this project)")
        return QualName(f"{absolute}.{name}")

    def run_project_module(self, info: ModuleInfo) -> None:
        """Run a project module's top level once (its functions and classes then close over
        its own globals); an import cycle sees the names bound so far, as Python's would."""
        if info.globals is not None:
            return
        info.globals = Scope(None, {"__name__": info.name})
        for local, qualified in info.imports.names.items():
            info.globals.vars[local] = QualName(qualified)
        saved = (self.current, self.quiet, self.depth, self._call_site)
        self.current, self.quiet, self._call_site = info, True, None
        try:
            self.run_body(info.module.body, info.globals)
        except RecursionError:
            pass
        finally:
            self.current, self.quiet, self.depth, self._call_site = saved

    # -- definitions -----------------------------------------------------------------------
    def make_function(self, node: cst.FunctionDef, scope: Scope) -> Any:
        owner = self.class_stack[-1] if self.class_stack and scope is self._class_scope else None
        func = FuncVal(node, scope, owner, self.current)
        for d in node.decorators:
            last = self.decorator_name(d.decorator).rsplit(".", 1)[-1]
            if last in _METHOD_DECORATORS:
                func.kind = "property" if last == "cached_property" else last
            elif last in ("setter", "deleter", "getter"):
                return MISSING  # ``@x.setter``: the property stays as it was
        # any other decorator (``@register_model()``, ``@keras_export(...)``) only registers it
        return func

    def decorator_name(self, expr: cst.BaseExpression) -> str:
        target = expr.func if isinstance(expr, cst.Call) else expr
        return dotted_name(target) or ""

    def make_class(self, node: cst.ClassDef, scope: Scope) -> ClassVal:
        bases = [self.force(self.eval(b.value, scope)) for b in node.bases if b.keyword is None and not b.star]
        decorators = tuple(self.decorator_name(d.decorator) for d in node.decorators)
        cls = ClassVal(node.name.value, node, bases, module=self.current, decorators=decorators)
        body_scope = Scope(scope)
        self.class_stack.append(cls)
        saved = self._class_scope
        self._class_scope = body_scope
        try:
            self.run_body(self.body_of(node.body), body_scope)
        finally:
            self._class_scope = saved
            self.class_stack.pop()
        cls.namespace = {k: v for k, v in body_scope.vars.items() if v is not MISSING}
        cls.kind = self.sem.classify(cls)
        return cls

    # -- binding ---------------------------------------------------------------------------
    def bind(self, name: str, value: Any, scope: Scope, stmt: cst.CSTNode) -> None:
        if value is MISSING:
            return
        scope.set(name, value)
        self.sem.on_bind(name, value, scope is self.globals, stmt)

    def assign(self, target: cst.BaseExpression, value: Any, scope: Scope, stmt: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, value, scope, stmt)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, scope)
            self.setattr(obj, target.attr.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = list(target.elements)
            starred = [i for i, e in enumerate(elements) if isinstance(e, cst.StarredElement)]
            items = self.sem.unpack(value, len(elements)) if self.sem.owns(value) and not starred else None
            if items is None:
                items = self.iterate(value)
            if items is not None and len(starred) == 1 and len(items) >= len(elements) - 1:
                k = starred[0]
                tail = len(elements) - k - 1
                items = list(items[:k]) + [list(items[k: len(items) - tail])] + list(items[len(items) - tail:])
            if items is None or len(items) != len(elements):
                why = value.reason if isinstance(value, Unknown) else f"cannot unpack `{self.code(stmt)}`"
                for e in elements:
                    self.assign(e.value, self.unknown_like(value, why), scope, stmt)
                return
            for e, v in zip(elements, items):
                self.assign(e.value, v, scope, stmt)
        elif isinstance(target, cst.Subscript):
            container = self.eval(target.value, scope)
            key = self.index_value(target, scope)
            if isinstance(container, dict) and is_plain(key) and not isinstance(key, (list, dict)):
                container[key] = value
            elif isinstance(container, list) and isinstance(key, int) and -len(container) <= key < len(container):
                container[key] = value
            elif self.sem.owns(container) and self.sem.setitem(container, key, value):
                pass
            elif isinstance(container, (list, dict)):
                root = _root_name(target)
                if root is not None:
                    scope.rebind(root, Unknown(f"{root} is changed by `{self.code(target)} = ...`"))

    def setattr(self, obj: Any, name: str, value: Any) -> None:
        obj = self.force(obj)
        if self.sem.on_setattr(obj, name, value):
            return
        if isinstance(obj, (Instance, Record)):
            obj.attrs[name] = value
        elif isinstance(obj, ClassVal):
            obj.namespace[name] = value

    def unknown_like(self, value: Any, why: str) -> Any:
        forgotten = self.sem.forget(value, why) if self.sem.owns(value) else NOT_HANDLED
        return Unknown(why) if forgotten is NOT_HANDLED else forgotten

    def index_value(self, target: cst.Subscript, scope: Scope) -> Any:
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            return Unknown("a slice")
        return self.eval(target.slice[0].slice.value, scope)

    # -- control flow ----------------------------------------------------------------------
    def truth(self, value: Any) -> Optional[bool]:
        """Python's truth value where it is known; ``None`` where it is not."""
        value = self.force(value)
        if isinstance(value, Unknown):
            return None
        if isinstance(value, Expr):
            value = self.sem.concrete(value)
            return None if isinstance(value, Expr) else bool(value)
        if self.sem.owns(value):
            return self.sem.truth(value)
        if isinstance(value, (tuple, list, dict, set)):
            return bool(value)
        if is_plain(value):
            return bool(value)
        if isinstance(value, (FuncVal, ClassVal, Instance, BoundMethod, Partial, ModuleVal, LambdaVal, _Builtin, Record, ArgParser)):
            return True
        return None  # an imported name (``USE_BN`` from a config convlint cannot read) is not known

    def exec_if(self, stmt: cst.If, scope: Scope) -> None:
        cond = self.truth(self.eval(stmt.test, scope))
        if cond is True:
            self.exec_block(self.body_of(stmt.body), scope)
        elif cond is False:
            if isinstance(stmt.orelse, cst.If):
                self.exec_if(stmt.orelse, scope)
            elif isinstance(stmt.orelse, cst.Else):
                self.exec_block(self.body_of(stmt.orelse.body), scope)
        else:
            blocks: List[Any] = [stmt.body]
            orelse = stmt.orelse
            while isinstance(orelse, cst.If):
                blocks.append(orelse.body)
                orelse = orelse.orelse
            if isinstance(orelse, cst.Else):
                blocks.append(orelse.body)
            self.undecided(stmt, f"the condition `{self.code(stmt.test)}`", scope, blocks)

    def exec_for(self, stmt: cst.For, scope: Scope) -> None:
        iterable = self.eval(stmt.iter, scope)
        items = self.iterate(iterable)
        if items is None or len(items) > MAX_UNROLL:
            construct = f"the loop `for {self.code(stmt.target)} in {self.code(stmt.iter)}`"
            self.undecided(stmt, construct, scope, [stmt.body], stmt.target)
            return
        for n, item in enumerate(items):
            undecided_loops = self.undecided_loops
            self.assign(stmt.target, item, scope, stmt)
            try:
                self.exec_block(self.body_of(stmt.body), scope)
            except BreakSignal:
                return
            except ContinueSignal:
                continue
            if self.undecided_loops != undecided_loops and n + 1 < len(items):
                # ``for epoch in range(200): for batch in loader: ...``: a loop over data inside;
                # the next iterations know no more than this one did, so what the body changes
                # is unknown from here (no note: the inner loop was the thing not followed)
                self.poison([stmt.body], scope, f"the loop `for {self.code(stmt.target)} in {self.code(stmt.iter)}`")
                return
        if isinstance(stmt.orelse, cst.Else):
            self.exec_block(self.body_of(stmt.orelse.body), scope)

    def undecided(
        self, stmt: cst.CSTNode, construct: str, scope: Scope, blocks: List[Any], loop_target: Optional[cst.CSTNode] = None
    ) -> None:
        """Control flow that cannot be decided: one treatment for every framework.

        While a graph is being built (``forward``, ``call``), each branch runs once with every
        tensor unknown: its layers appear (with unknown shapes) and none can raise a false
        error; whatever a branch changed is unknown afterwards.  Elsewhere (building modules,
        module-level code) the branches are skipped and everything they may bind or mutate
        becomes unknown, so nothing built before passes for complete."""
        if loop_target is not None:
            self.undecided_loops += 1
        message = self.sem.flow_note(stmt, construct)
        if message is not None:
            self.note("unsupported", message, stmt)
        if not self.sem.building:
            self.poison(blocks, scope, construct, loop_target)
            return
        why = f"it depends on {construct}"
        if loop_target is not None:
            self.assign(loop_target, Unknown(f"the loop variable of {construct}"), scope, stmt)
        before = dict(scope.vars)
        self.forget_owned(scope, why)
        start = dict(scope.vars)
        outer = scope.assigned
        changed: Dict[str, Any] = {}  # name -> an owned value it held (or None)
        for block in blocks:
            scope.vars.clear()
            scope.vars.update(start)
            scope.assigned = set()
            try:
                self.exec_block(self.body_of(block), scope)
            except (BreakSignal, ContinueSignal, RaiseSignal):
                pass
            for k in scope.assigned | {k for k, v in scope.vars.items() if start.get(k, MISSING) is not v}:
                sample = next((v for v in (scope.vars.get(k), before.get(k)) if self.sem.owns(v)), None)
                changed[k] = changed.get(k) or sample
        scope.vars.clear()
        scope.vars.update(before)
        scope.assigned = outer | set(changed)
        for k, sample in changed.items():
            forgotten = self.sem.forget(sample, why) if sample is not None else NOT_HANDLED
            scope.vars[k] = Undecided(f"'{k}' is set under {construct}") if forgotten is NOT_HANDLED else forgotten

    def forget_owned(self, scope: Scope, why: str) -> None:
        for k, v in list(scope.vars.items()):
            if self.sem.owns(v):
                forgotten = self.sem.forget(v, why)
                if forgotten is not NOT_HANDLED:
                    scope.vars[k] = forgotten

    def poison(self, blocks: List[Any], scope: Scope, construct: str, loop_target: Optional[cst.CSTNode] = None) -> None:
        """Skipped code may bind names, append to lists, set ``self.x`` or add layers to a
        model: each of those becomes unknown (except ``model = model.cuda()`` and the like,
        which the semantics say leave the object as it was)."""
        why = f"depends on {construct}"
        self_obj = scope.lookup("self")
        targets: List[cst.CSTNode] = [loop_target] if loop_target is not None else []
        for block in blocks:
            assigned, mutated, sets_attrs, rebinds = self.block_targets(block)
            targets.extend(t for t in assigned if not self._keeps_object(t, rebinds, scope))
            for expr in mutated:
                obj = self.peek(expr, scope)
                if self.sem.owns(obj):
                    self.sem.poison(obj, f"it {why}")  # the object records what it may lack
                else:
                    targets.append(expr)
            if sets_attrs and isinstance(self_obj, Instance):
                self_obj.ext["poisoned"] = why
        for target in targets:
            for name in walk(target) if isinstance(target, (cst.Tuple, cst.List)) else [target]:
                self.poison_target(name, scope, self_obj, why)

    def _keeps_object(self, target: cst.CSTNode, rebinds: Dict[int, str], scope: Scope) -> bool:
        """``x = x.method(...)`` where the method returns ``x`` itself (see
        :meth:`Semantics.returns_self`)."""
        method = rebinds.get(id(target))
        if method is None or not isinstance(target, cst.Name):
            return False
        old = scope.lookup(target.value)
        return old is not MISSING and self.sem.returns_self(old, method)

    def block_targets(self, block: Any) -> Tuple[List[cst.CSTNode], List[cst.CSTNode], bool, Dict[int, str]]:
        """What a block assigns, what it mutates through a method call, whether it calls
        ``setattr``, and which of its assignments rebind a name to a method call on that same
        name (``model = model.cuda()``: by ``id`` of the target, the method): read once per block
        (a skipped loop inside an unrolled one repeats)."""
        found = self._targets.get(id(block))
        if found is None:
            assigned: List[cst.CSTNode] = []
            mutated: List[cst.CSTNode] = []
            rebinds: Dict[int, str] = {}
            sets_attrs = False
            for node in walk(block):
                if isinstance(node, cst.Assign) and len(node.targets) == 1:
                    target, value = node.targets[0].target, node.value
                    if (
                        isinstance(target, cst.Name) and isinstance(value, cst.Call)
                        and isinstance(value.func, cst.Attribute) and isinstance(value.func.value, cst.Name)
                        and value.func.value.value == target.value
                    ):
                        rebinds[id(target)] = value.func.attr.value
                elif isinstance(node, cst.AssignTarget):
                    assigned.append(node.target)
                elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
                    assigned.append(node.target)
                elif isinstance(node, cst.Call):
                    func = node.func
                    if isinstance(func, cst.Attribute) and func.attr.value in MUTATORS:
                        mutated.append(func.value)
                    elif isinstance(func, cst.Name) and func.value == "setattr":
                        sets_attrs = True
            found = self._targets[id(block)] = (assigned, mutated, sets_attrs, rebinds)
        return found

    def poison_target(self, name: cst.CSTNode, scope: Scope, self_obj: Any, why: str) -> None:
        if isinstance(name, cst.Name):
            if name.value == "self":
                return
            old = scope.lookup(name.value)
            if isinstance(old, (QualName, ClassVal, FuncVal, ModuleVal)):
                return
            value = self.unknown_like(old, f"{name.value} {why}") if self.sem.owns(old) else Undecided(f"{name.value} {why}")
            scope.set(name.value, value)
        elif isinstance(name, cst.Attribute) and isinstance(name.value, cst.Name) and name.value.value == "self":
            if isinstance(self_obj, Instance):
                self.setattr(self_obj, name.attr.value, Undecided(f"self.{name.attr.value} {why}"))
        elif isinstance(name, (cst.Subscript, cst.Attribute)):
            root = _root_name(name)  # ``labels[name] = i`` in a skipped loop changes ``labels``
            old = scope.lookup(root) if root not in (None, "self") else MISSING
            if isinstance(old, (Instance, Record)) and isinstance(name, cst.Attribute):
                old.attrs[name.attr.value] = Undecided(f"{self.code(name)} {why}")
            elif isinstance(old, (list, dict, set)):
                scope.rebind(root, Undecided(f"{root} {why}"))  # type: ignore[arg-type]

    def peek(self, expr: cst.BaseExpression, scope: Scope) -> Any:
        """A name or attribute chain's value without running anything (no calls)."""
        if isinstance(expr, cst.Name):
            value = scope.lookup(expr.value)
            return None if value is MISSING else value
        if isinstance(expr, cst.Attribute):
            base = self.peek(expr.value, scope)
            if isinstance(base, Instance):
                return base.attrs.get(expr.attr.value)
        return None

    def iterate(self, value: Any) -> Optional[List[Any]]:
        """The items of an iterable value, or ``None`` if they are not known."""
        value = self.force(value)
        items = listed(value)
        if items is not None:
            return items
        if self.sem.owns(value) or isinstance(value, Instance):
            return self.sem.iterate(value)
        return None

    def concrete(self, value: Any) -> Any:
        """A size with what the engine knows filled in (the one size query; see Semantics)."""
        return self.sem.concrete(value) if isinstance(value, Expr) or self.sem.owns(value) else value

    # -- calls -----------------------------------------------------------------------------
    def invoke(
        self, func: FuncVal, args: Sequence[Any], kwargs: Dict[str, Any], node: cst.CSTNode, site: Optional[Span] = None
    ) -> Any:
        """Run ``func``.  ``site`` is where a report about code of another module should point
        when ``node`` is not in this file (a model class imported from the project)."""
        if self.depth >= MAX_DEPTH:
            self.note("unsupported", f"calls nested deeper than {MAX_DEPTH} levels are not followed", node)
            return Unknown(f"{func.name}() calls nest too deeply to follow")
        scope = self.bind_params(func, list(args), dict(kwargs))
        saved, site = self.current, self._call_site
        if func.module is not None and func.module is not self.current:
            if self.current is self.info:
                self._call_site = site if site is not None else node
            self.current = func.module
        self.depth += 1
        self.frames.append(func.name)
        self.called.add(id(func.node))
        try:
            self.exec_block(self.body_of(func.node.body), scope)
        except ReturnSignal as ret:
            return ret.value
        except RaiseSignal:
            return Unknown(f"{func.name}() raises")
        except (BreakSignal, ContinueSignal):
            return None
        finally:
            self.depth -= 1
            self.frames.pop()
            self.current, self._call_site = saved, site
        return None

    def bind_params(self, func: FuncVal, args: List[Any], kwargs: Dict[str, Any]) -> Scope:
        """One argument binder: the call's arguments, else the defaults (evaluated in the
        defining scope), else :class:`FreeParam`.  An unexpandable ``*args``/``**kwargs``
        makes the parameters it may fill unknown, not missing."""
        p = func.node.params
        scope = Scope(func.scope)
        if func.owner is not None:
            scope.vars["__class__"] = func.owner  # what ``super()`` needs
        rest = next((a for a in args if isinstance(a, UnknownRest)), None) or kwargs.pop("**", None)
        args = [a for a in args if not isinstance(a, UnknownRest)]
        positional = list(p.posonly_params) + list(p.params)
        for i, param in enumerate(positional):
            name = param.name.value
            if i < len(args):
                scope.vars[name] = args[i]
            elif name in kwargs:
                scope.vars[name] = kwargs.pop(name)
            else:
                scope.vars[name] = self._missing_arg(func, param, rest)
        if isinstance(p.star_arg, cst.Param):
            extra = tuple(args[len(positional):])
            scope.vars[p.star_arg.name.value] = extra if rest is None else Unknown(rest.reason)
        for param in p.kwonly_params:
            name = param.name.value
            scope.vars[name] = kwargs.pop(name) if name in kwargs else self._missing_arg(func, param, rest)
        if p.star_kwarg is not None:
            scope.vars[p.star_kwarg.name.value] = kwargs if rest is None else Unknown(rest.reason)
        return scope

    def _missing_arg(self, func: FuncVal, param: cst.Param, rest: Any) -> Any:
        name = param.name.value
        if rest is not None:
            return Unknown(rest.reason)
        if param.default is not None:
            saved = self.current
            if func.module is not None:
                self.current = func.module
            try:
                return self.eval(param.default, func.scope)
            finally:
                self.current = saved
        return FreeParam(f"{name} is not a constant (a parameter of {func.name}() without a value)", name)

    def instantiate(self, cls: ClassVal, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        special = self.sem.instantiate(cls, args, kwargs, node)
        if special is not NOT_HANDLED:
            return special
        if cls.kind is None and cls.method("__init__") is None and _record_class(cls):
            return self.make_record(cls, args, kwargs)
        obj = self.sem.new_instance(cls, node)
        init = cls.method("__init__")
        if init is not None:
            self.invoke(init, [obj] + list(args), kwargs, node)
        return obj

    def make_record(self, cls: ClassVal, args: List[Any], kwargs: Dict[str, Any]) -> Instance:
        """A ``@dataclass`` or ``NamedTuple`` class: fields in order, with their defaults."""
        obj = self.sem.new_instance(cls, cls.node)
        self.fill_record(obj, cls, args, kwargs)
        return obj

    def fill_record(self, obj: Instance, cls: ClassVal, args: List[Any], kwargs: Dict[str, Any]) -> None:
        """What a dataclass's generated ``__init__`` does: each field from the arguments, else
        its default; then ``__post_init__``."""
        fields: List[Tuple[str, Any]] = []
        for klass in reversed(list(cls.mro())):
            for stmt in self.body_of(klass.node.body):
                if not isinstance(stmt, cst.SimpleStatementLine):
                    continue
                for small in stmt.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        name = small.target.value
                        fields = [f for f in fields if f[0] != name] + [(name, klass.namespace.get(name, MISSING))]
        rest = list(args)
        for name, default in fields:
            if rest:
                obj.attrs[name] = rest.pop(0)
            elif name in kwargs:
                obj.attrs[name] = kwargs[name]
            elif default is not MISSING:
                obj.attrs[name] = list(default) if isinstance(default, list) else default
            else:
                obj.attrs[name] = Unknown(f"field {name} of {cls.name} is not given")
        obj.ext["record"] = [name for name, _ in fields]
        post = cls.method("__post_init__")
        if post is not None:
            self.invoke(post, [obj], {}, cls.node)

    def call(self, callee: Any, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        """Call an evaluated callee with evaluated arguments."""
        callee = self.force(callee)
        keeps = isinstance(callee, (FuncVal, ClassVal, Partial, LambdaVal)) or (
            isinstance(callee, BoundMethod) and isinstance(callee.func, FuncVal)
        ) or (isinstance(callee, QualName) and callee.name in ("functools.partial", "functools.partialmethod"))
        if not keeps:  # a framework or builtin receives values, never lazily imported names
            args, kwargs = self.force_all(list(args)), self.force_all(dict(kwargs))
        if isinstance(callee, FuncVal):
            return self.invoke(callee, args, kwargs, node)
        if isinstance(callee, BoundMethod):
            if isinstance(callee.func, FuncVal):
                return self.invoke(callee.func, [callee.self_obj] + list(args), kwargs, node)
            return self.call_method(callee.self_obj, callee.func, args, kwargs, node)
        if isinstance(callee, ClassVal):
            return self.instantiate(callee, args, kwargs, node)
        if isinstance(callee, Partial):
            merged = dict(callee.kwargs)
            merged.update(kwargs)
            return self.call(callee.func, list(callee.args) + list(args), merged, node)
        if isinstance(callee, LambdaVal):
            return self.call_lambda(callee, args, kwargs)
        if isinstance(callee, QualName):
            return self.call_qual(callee.name, args, kwargs, node)
        if isinstance(callee, _Builtin):
            special = _INTERP_BUILTINS.get(callee.name)
            if special is not None:
                return special(self, args, kwargs, node)
            return callee.fn(self, *args, **kwargs)
        if isinstance(callee, Instance) or self.sem.owns(callee):
            out = self.sem.call_object(callee, args, kwargs, node)
            if out is not NOT_HANDLED:
                return out
            if isinstance(callee, Instance):
                method = callee.cls.method("__call__")
                if method is not None:
                    return self.invoke(method, [callee] + list(args), kwargs, node)
        if isinstance(callee, SuperVal):
            return callee
        if isinstance(callee, Undecided):  # reported where the flow was; no second note
            owned = next((a for a in list(args) + list(kwargs.values()) if self.sem.owns(a)), None)
            forgotten = self.sem.forget(owned, callee.reason) if owned is not None else NOT_HANDLED
            return Undecided(callee.reason) if forgotten is NOT_HANDLED else forgotten
        what = f"`{self.code(node.func)}(...)`" if isinstance(node, cst.Call) else "a call"
        unknown = self.sem.unknown_call(what, args, kwargs, node)
        if unknown is not None:
            return unknown
        return Unknown(f"{self.code(node)} is not a constant")

    def call_lambda(self, fn: LambdaVal, args: List[Any], kwargs: Dict[str, Any]) -> Any:
        scope = Scope(fn.scope)
        params = list(fn.node.params.posonly_params) + list(fn.node.params.params)
        for i, p in enumerate(params):
            name = p.name.value
            if i < len(args):
                scope.vars[name] = args[i]
            elif name in kwargs:
                scope.vars[name] = kwargs[name]
            elif p.default is not None:
                scope.vars[name] = self.eval(p.default, fn.scope)
            else:
                scope.vars[name] = Unknown(f"argument {name} of a lambda is not given")
        return self.eval(fn.node.body, scope)

    def call_qual(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        fn = STDLIB.get(name)
        if fn is not None:
            return fn(self, *args, **kwargs)
        if name in ("functools.partial", "functools.partialmethod") and args:
            return Partial(args[0], tuple(args[1:]), dict(kwargs))
        if name in ("types.SimpleNamespace", "argparse.Namespace", "easydict.EasyDict", "addict.Dict"):
            attrs = dict(args[0]) if args and isinstance(args[0], dict) else {}
            attrs.update(kwargs)
            return Record(name.rsplit(".", 1)[-1], attrs)
        if name == "argparse.ArgumentParser":
            return ArgParser()
        if name in _FRAMEWORK_FALSE:
            return False
        if name in _NO_OPS:
            return None
        if name.split(".")[0] in _DATA_ROOTS:
            data = load_dataset(name) if name.endswith(".load_data") else array_function(name, args, kwargs)
            if data is not None:
                return data
        out = self.sem.call_qual(name, args, kwargs, node)  # type: ignore[arg-type]
        if out is not NOT_HANDLED:
            return out
        if name.startswith(("typing.", "typing_extensions.")):
            return args[-1] if args else None  # ``TypeVar(...)``, ``cast(...)``: transparent
        unknown = self.sem.unknown_call(f"`{name}(...)`", args, kwargs, node)
        return unknown if unknown is not None else Unknown(f"{self.code(node)} is not a constant")

    def call_method(self, obj: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        """A method without a definition in the code: of a built-in value, or the framework's."""
        if isinstance(obj, SuperVal):
            if name == "__init__" and isinstance(obj.self_obj, Instance):
                base = next((b for b in list(obj.cls.mro())[1:] if _record_class(b)), None)
                if base is not None and base.method("__init__") is None:
                    self.fill_record(obj.self_obj, base, args, kwargs)  # a dataclass parent's __init__
                    return None
            return self.sem.super_call(obj, name, args, kwargs, node)  # type: ignore[arg-type]
        if isinstance(obj, (list, dict, str, tuple, set)) and not self.sem.owns(obj):
            return self.builtin_method(obj, name, args, kwargs, node)
        if isinstance(obj, DataArray):
            data = array_method(obj, name, args, kwargs)
            return data if data is not None else Unknown(obj.reason)
        if isinstance(obj, ConstArray):
            if name == "tolist":
                return list(obj.values)
            if name == "sum" and not args:
                return sum(obj.values)
            return Unknown(f"`{self.code(node)}` is not followed")
        if isinstance(obj, ArgParser):
            return self.argparse_method(obj, name, args, kwargs, node)
        if isinstance(obj, (Instance, Record)) and name in ("__setattr__", "__getattribute__", "__getattr__") and args:
            if name == "__setattr__" and len(args) == 2 and isinstance(args[0], str):
                self.setattr(obj, args[0], args[1])  # ``self.__setattr__("level_%d" % i, block)``
                return None
            if isinstance(args[0], str):
                return self.attribute(obj, args[0], node)
        out = self.sem.call_method(obj, name, args, kwargs, node)  # type: ignore[arg-type]
        if out is not NOT_HANDLED:
            return out
        if isinstance(obj, Instance) and name == "__init__":
            return None
        what = f"`{self.code(node.func)}(...)`" if isinstance(node, cst.Call) else f".{name}()"
        unknown = self.sem.unknown_call(what, args, kwargs, node)
        if unknown is not None:
            return unknown
        return Unknown(f"{what} is not followed")

    def argparse_method(self, parser: ArgParser, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        """``add_argument("--nz", type=int, default=100)`` declares ``nz = 100``; the parsed
        namespace holds the declared defaults (the values a plain ``python train.py`` uses),
        and reading one says so in a note."""
        if name == "add_argument":
            flags = [a for a in args if isinstance(a, str)]
            dest = kwargs.get("dest")
            if not isinstance(dest, str):
                long = next((f for f in flags if f.startswith("--")), None)
                dest = (long or (flags[0] if flags else "")).lstrip("-").replace("-", "_")
            if dest:
                action = kwargs.get("action")
                default = kwargs.get("default", False if action == "store_true" else True if action == "store_false" else None)
                kind = kwargs.get("type")
                if isinstance(default, str) and isinstance(kind, _Builtin) and kind.name in ("int", "float"):
                    try:
                        default = int(default) if kind.name == "int" else float(default)
                    except ValueError:
                        pass
                parser.defaults[dest] = default
            return None
        if name in ("parse_args", "parse_known_args"):
            shown = ", ".join(f"{k}={v!r}" for k, v in list(parser.defaults.items())[:8])
            more = ", ..." if len(parser.defaults) > 8 else ""
            message = f"command-line options are read with their declared defaults ({shown}{more})"
            self.note("assumed", message, node, force=True)
            ns = Record("Namespace", dict(parser.defaults), assumed=True)
            return (ns, []) if name == "parse_known_args" else ns
        if name in ("add_argument_group", "add_mutually_exclusive_group"):
            return parser
        return None

    def builtin_method(self, obj: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        """``cfg.get("k", 3)``, ``layers.append(conv)``: methods of Python containers and
        strings.  A mutation is applied in place, as Python would."""
        if isinstance(obj, list):
            if name == "append" and len(args) == 1:
                obj.append(args[0])
                return None
            if name == "extend" and len(args) == 1:
                items = self.iterate(args[0])
                obj.extend(items if items is not None else [Unknown(f"items added by `{self.code(node)}`")])
                return None
            if name == "insert" and len(args) == 2 and isinstance(args[0], int):
                obj.insert(args[0], args[1])
                return None
            if name == "pop" and obj and all(isinstance(a, int) for a in args):
                return obj.pop(*args[:1])
            if name in ("reverse", "clear") and not args and not kwargs:
                getattr(obj, name)()
                return None
            if name == "copy" and not args and not kwargs:
                return list(obj)
            if name == "remove" and len(args) == 1 and is_plain(args[0]) and all(is_plain(v) for v in obj) and args[0] in obj:
                obj.remove(args[0])
                return None
            if name == "sort" and not args and set(kwargs) <= {"reverse"} and isinstance(kwargs.get("reverse", False), bool):
                if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in obj) or all(isinstance(v, str) for v in obj):
                    obj.sort(reverse=kwargs.get("reverse", False))
                    return None
        if isinstance(obj, dict):
            if name in ("items", "keys", "values"):
                return list(getattr(obj, name)())
            hashable = bool(args) and is_plain(args[0]) and not isinstance(args[0], (list, dict))
            if name in ("get", "pop", "setdefault") and hashable:
                default = args[1] if len(args) > 1 else None
                return getattr(obj, name)(args[0], default)
            if name == "update":
                for a in args:
                    if isinstance(a, dict):
                        obj.update(a)
                obj.update(kwargs)
                return None
            if name == "copy":
                return dict(obj)
        if name == "tolist" and isinstance(obj, (list, tuple)):
            return list(obj)  # a constant array (``np.linspace(...).tolist()``)
        if name == "format" and isinstance(obj, str):
            if all(is_plain(a) for a in args) and all(is_plain(v) for v in kwargs.values()):
                return obj.format(*args, **kwargs)
            return Unknown(f"`{self.code(node)}` is not a constant")
        if name in _PURE_METHODS and all(is_plain(a) for a in args) and not kwargs and hasattr(obj, name):
            try:
                out = getattr(obj, name)(*args)
            except Exception:
                return Unknown(f"`{self.code(node)}` is not a constant")
            return list(out) if name in ("keys", "values", "items") else out
        return Unknown(f"`{self.code(node)}` is not a constant")

    # -- expressions -----------------------------------------------------------------------
    def eval(self, node: cst.CSTNode, scope: Scope) -> Any:
        try:
            return self._eval(node, scope)
        except (ReturnSignal, BreakSignal, ContinueSignal, RaiseSignal, OutOfSteps):
            raise
        except RecursionError:
            return Unknown(f"`{self.code(node)}` is nested too deeply to follow")
        except Exception as err:  # an odd value combination: unknown, never a crash
            return Unknown(f"{type(err).__name__} while folding `{self.code(node)}`")

    def _eval(self, node: cst.CSTNode, scope: Scope) -> Any:
        if isinstance(node, cst.Name):
            return self.lookup(node.value, scope)
        if isinstance(node, cst.Attribute):
            return self.attribute(self.eval(node.value, scope), node.attr.value, node)
        if isinstance(node, cst.Call):
            return self.eval_call(node, scope)
        if isinstance(node, (cst.Integer, cst.Float)):
            return _number(node.value)
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return value.decode("latin-1") if isinstance(value, bytes) else value
        if isinstance(node, cst.ConcatenatedString):
            left, right = self.eval(node.left, scope), self.eval(node.right, scope)
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            return Unknown(f"`{self.code(node)}` is not a constant")
        if isinstance(node, cst.FormattedString):
            return self.fstring(node, scope)
        if isinstance(node, cst.BinaryOperation):
            op = _BIN_OPS.get(type(node.operator))
            return self.binop(op, self.eval(node.left, scope), self.eval(node.right, scope), node)
        if isinstance(node, cst.UnaryOperation):
            return self.unary(node, self.eval(node.expression, scope))
        if isinstance(node, cst.BooleanOperation):
            return self.boolean(node, scope)
        if isinstance(node, cst.Comparison):
            return self.compare(node, scope)
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            return self.display(node, scope)
        if isinstance(node, cst.Dict):
            out: Dict[Any, Any] = {}
            for e in node.elements:
                if isinstance(e, cst.DictElement):
                    k = self.eval(e.key, scope)
                    if not is_plain(k) or isinstance(k, (list, dict)):
                        return Unknown(f"`{self.code(node)}` has a key that is not a constant")
                    out[k] = self.eval(e.value, scope)
                else:
                    v = self.eval(e.value, scope)
                    if not isinstance(v, dict):
                        return Unknown(f"`{self.code(node)}` is not a constant")
                    out.update(v)
            return out
        if isinstance(node, cst.Subscript):
            return self.subscript(node, scope)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            return self.comprehension(node, scope)
        if isinstance(node, cst.IfExp):
            t = self.truth(self.eval(node.test, scope))
            if t is None:
                return Unknown(f"`{self.code(node)}` is not a constant")
            return self.eval(node.body if t else node.orelse, scope)
        if isinstance(node, cst.Ellipsis):
            return Ellipsis
        if isinstance(node, cst.Lambda):
            return LambdaVal(node, scope)
        if isinstance(node, cst.NamedExpr):
            value = self.eval(node.value, scope)
            if isinstance(node.target, cst.Name):
                scope.set(node.target.value, value)
            return value
        if isinstance(node, cst.Await):
            return self.eval(node.expression, scope)
        return Unknown(f"`{self.code(node)}` is not a constant")

    def display(self, node: Any, scope: Scope) -> Any:
        items: List[Any] = []
        for e in node.elements:
            if isinstance(e, cst.StarredElement):
                value = self.eval(e.value, scope)
                inner = self.iterate(value)
                if inner is None:
                    reason = value.reason if isinstance(value, Unknown) else f"*{self.code(e.value)} cannot be expanded"
                    items.append(UnknownRest(reason))
                else:
                    items.extend(inner)
            else:
                items.append(self.eval(e.value, scope))
        if isinstance(node, cst.Tuple):
            return tuple(items)
        if isinstance(node, cst.Set):
            return set(items) if all(is_plain(i) and not isinstance(i, (list, dict)) for i in items) else items
        return items

    def boolean(self, node: cst.BooleanOperation, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        t = self.truth(left)
        if t is None:  # three-valued: ``unknown and False`` is False, ``unknown or True`` True
            right = self.eval(node.right, scope)
            r = self.truth(right)
            if (isinstance(node.operator, cst.And) and r is False) or (isinstance(node.operator, cst.Or) and r is True):
                return right
            return left if isinstance(left, Unknown) else Unknown(f"`{self.code(node)}` is not a constant")
        if isinstance(node.operator, cst.And):
            return self.eval(node.right, scope) if t else left
        return left if t else self.eval(node.right, scope)

    def lookup(self, name: str, scope: Scope) -> Any:
        value = scope.lookup(name)
        if value is not MISSING:
            return value
        if name in ("None", "True", "False"):
            return {"None": None, "True": True, "False": False}[name]
        fn = BUILTINS.get(name)
        if fn is not None or name in _INTERP_BUILTINS:
            return _Builtin(name, fn or _no_builtin)
        if name in _BUILTIN_NAMES:
            return QualName(f"builtins.{name}")
        if name == "NotImplemented":
            return Unknown("NotImplemented")
        for star in self.star_modules:  # ``from keras.layers import *``
            if self.sem.knows(f"{star}.{name}"):
                return QualName(f"{star}.{name}")
        if len(self.star_modules) == 1:
            return QualName(f"{self.star_modules[0]}.{name}")
        return Unknown(f"{name} is not a constant (it is not defined in this file)")

    def attribute(self, obj: Any, attr: str, node: cst.CSTNode) -> Any:
        obj = self.force(obj)
        if isinstance(obj, QualName):
            qual = f"{obj.name}.{attr}"
            return STDLIB_VALUES[qual] if qual in STDLIB_VALUES else obj.attr(attr)
        if isinstance(obj, ModuleVal):
            return self.module_attr(obj, attr, obj.name, False, obj.name)
        if self.sem.owns(obj):
            out = self.sem.attribute(obj, attr, node)
            return out if out is not NOT_HANDLED else BoundMethod(obj, attr)  # a method, if it is called
        if isinstance(obj, Instance):
            if attr in obj.attrs:
                return obj.attrs[attr]
            if attr == "__class__":
                return obj.cls
            if attr == "__module__":
                return obj.cls.module.name if obj.cls.module is not None else Unknown("the module of a class")
            found = obj.cls.find(attr)
            if found is not None:
                return self.bound(found[0], obj, node)
            out = self.sem.attribute(obj, attr, node)
            return out if out is not NOT_HANDLED else BoundMethod(obj, attr)
        if isinstance(obj, ClassVal):
            if attr == "__name__":
                return obj.name
            if attr == "__module__" and obj.module is not None:
                return obj.module.name
            found = obj.find(attr)
            if found is not None:
                value = found[0]
                if isinstance(value, FuncVal) and value.kind == "classmethod":
                    return BoundMethod(obj, value)
                return value
            out = self.sem.attribute(obj, attr, node)
            return out if out is not NOT_HANDLED else Unknown(f"{obj.name}.{attr} is not defined in the code")
        if isinstance(obj, SuperVal):
            for base in list(obj.cls.mro())[1:]:
                if attr in base.namespace:
                    return self.bound(base.namespace[attr], obj.self_obj, node)
            return BoundMethod(obj, attr)
        if isinstance(obj, Record):
            if attr in obj.attrs:
                value = obj.attrs[attr]
                return value
            return Unknown(f"{attr} is not set on the {obj.kind}")
        if isinstance(obj, ArgParser):
            return BoundMethod(obj, attr)
        if isinstance(obj, Partial):
            return {"func": obj.func, "args": obj.args, "keywords": obj.kwargs}.get(attr, Unknown(f"partial.{attr}"))
        if isinstance(obj, FuncVal) and attr in ("__name__", "__qualname__"):
            return obj.name
        if isinstance(obj, FuncVal) and attr == "__module__" and obj.module is not None:
            return obj.module.name
        if isinstance(obj, (list, dict, str, tuple, set, ConstArray)):
            return BoundMethod(obj, attr)
        if isinstance(obj, DataArray):
            data = array_attribute(obj, attr)
            return data if data is not None else BoundMethod(obj, attr)
        if isinstance(obj, Unknown):
            return obj
        return Unknown(f"the attribute .{attr} of a {type(obj).__name__} is not known")

    def bound(self, value: Any, obj: Any, node: cst.CSTNode) -> Any:
        """A class attribute read through an instance: methods bind, properties run."""
        if isinstance(value, FuncVal):
            if value.kind == "staticmethod":
                return value
            if value.kind == "classmethod":
                return BoundMethod(obj.cls if isinstance(obj, Instance) else obj, value)
            if value.kind == "property":
                return self.invoke(value, [obj], {}, node)
            return BoundMethod(obj, value)
        return value

    def eval_call(self, node: cst.Call, scope: Scope) -> Any:
        func = node.func
        if isinstance(func, cst.Name) and func.value == "super" and scope.lookup("super") is MISSING:
            owner = scope.lookup("__class__")
            if not isinstance(owner, ClassVal):
                return Unknown("super() outside a method")
            self_obj = scope.lookup("self")
            return SuperVal(owner, None if self_obj is MISSING else self_obj)
        callee = self.eval(func, scope)
        args: List[Any] = []
        kwargs: Dict[str, Any] = {}
        for a in node.args:
            value = self.eval(a.value, scope)
            if a.star == "*":
                items = self.iterate(value)
                if items is None:
                    args.append(UnknownRest(f"*{self.code(a.value)} is not a constant"))
                else:
                    args.extend(items)
            elif a.star == "**":
                value = self.force(value)
                if isinstance(value, dict) and all(isinstance(k, str) for k in value):
                    kwargs.update(value)
                elif isinstance(value, Instance) and "record" in value.ext:
                    kwargs.update({k: value.attrs.get(k) for k in value.ext["record"]})
                else:
                    kwargs["**"] = UnknownRest(f"**{self.code(a.value)} is not a constant")
            elif a.keyword is not None:
                kwargs[a.keyword.value] = value
            else:
                args.append(value)
        out = self.call(callee, args, kwargs, node)
        if (
            isinstance(out, Unknown)
            and isinstance(callee, BoundMethod)
            and isinstance(callee.self_obj, (list, dict, set))
            and callee.func not in _PURE_METHODS
            and isinstance(func, cst.Attribute)
        ):
            root = _root_name(func.value)
            if root is not None:  # an unknown change: no stale value afterwards
                scope.rebind(root, Unknown(f"{root} is changed by `{self.code(node)}`"))
        return out

    def unary(self, node: cst.UnaryOperation, v: Any) -> Any:
        v = self.force(v)
        if isinstance(node.operator, cst.Not):
            t = self.truth(v)
            return Unknown(f"`{self.code(node)}` is not a constant") if t is None else (not t)
        if self.sem.owns(v):
            out = self.sem.unary(type(node.operator).__name__, v, node)
            return out if out is not NOT_HANDLED else Unknown(f"`{self.code(node)}` is not followed")
        if isinstance(v, Unknown):
            return v
        if isinstance(node.operator, cst.Minus) and isinstance(v, (int, float, Expr)):
            return -v
        if isinstance(node.operator, cst.Plus) and isinstance(v, (int, float, Expr)):
            return v
        if isinstance(node.operator, cst.BitInvert) and isinstance(v, int):
            return ~v
        return Unknown(f"`{self.code(node)}` is not a constant")

    def binop(self, op: Optional[str], a: Any, b: Any, node: cst.CSTNode) -> Any:
        a, b = self.force(a), self.force(b)
        if op is None:
            return Unknown(f"`{self.code(node)}` is not a constant")
        if self.sem.owns(a) or self.sem.owns(b):
            out = self.sem.binop(op, a, b, node)
            if out is not NOT_HANDLED:
                return out
            unknown = self.sem.unknown_call(f"`{self.code(node)}`", [a, b], {}, node)
            return unknown if unknown is not None else Unknown(f"`{self.code(node)}` is not a constant")
        if isinstance(a, DataArray) or isinstance(b, DataArray):
            data = array_binop(a, b)
            if data is not None:
                return data
        if isinstance(a, Unknown):
            return a
        if isinstance(b, Unknown):
            return b
        if isinstance(a, ConstArray) or isinstance(b, ConstArray):
            return _elementwise(op, a, b) or Unknown(f"`{self.code(node)}` is not a constant")
        if isinstance(a, Expr) or isinstance(b, Expr):
            out = _size_op(op, a, b)
            if out is None:  # ``c * 0.25``, ``c / 2``: leaves the integers, so it needs the value
                a, b = self.concrete(a), self.concrete(b)
                if not isinstance(a, Expr) and not isinstance(b, Expr):
                    return self.binop(op, a, b, node)
            return out if out is not None else Unknown(f"`{self.code(node)}` is not a constant")
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            if op in ("//", "/", "%") and b == 0:
                return Unknown(f"`{self.code(node)}` divides by zero")
            if op == "**" and (abs(b) > 64 or abs(a) > 2**16 and b > 4):
                return Unknown(f"`{self.code(node)}` is too large")
            if op in ("<<", ">>", "&", "|", "^") and not (isinstance(a, int) and isinstance(b, int) and 0 <= b <= 64):
                return Unknown(f"`{self.code(node)}` is not a constant")
            fn = _NUM_OPS.get(op)
            return fn(a, b) if fn else Unknown(f"`{self.code(node)}` is not a constant")
        if op == "%" and isinstance(a, str) and is_plain(b):  # "conv_%d" % i
            return a % b
        if op == "+" and type(a) is type(b) and isinstance(a, (tuple, list, str)):
            return a + b
        if op == "*" and isinstance(a, (tuple, list, str)) and isinstance(b, int) and not isinstance(b, bool):
            return a * b if 0 <= len(a) * b <= MAX_SEQUENCE else Unknown(f"`{self.code(node)}` is too long")
        if op == "*" and isinstance(b, (tuple, list, str)) and isinstance(a, int) and not isinstance(a, bool):
            return b * a if 0 <= len(b) * a <= MAX_SEQUENCE else Unknown(f"`{self.code(node)}` is too long")
        if op == "|" and isinstance(a, dict) and isinstance(b, dict):
            return {**a, **b}
        if op in ("|", "&", "-") and isinstance(a, set) and isinstance(b, set):
            return _NUM_OPS[op](a, b)
        return Unknown(f"`{self.code(node)}` is not a constant")

    def compare(self, node: cst.Comparison, scope: Scope) -> Any:
        left = self.concrete(self.force(self.eval(node.left, scope)))
        for target in node.comparisons:
            right = self.concrete(self.force(self.eval(target.comparator, scope)))
            holds = self._compare_one(target.operator, left, right)
            if holds is None:
                return Unknown(f"`{self.code(node)}` is not a constant")
            if not holds:
                return False
            left = right
        return True

    def _compare_one(self, op: Any, left: Any, right: Any) -> Optional[bool]:
        if isinstance(op, (cst.Is, cst.IsNot)) or isinstance(op, (cst.Equal, cst.NotEqual)) and _object_like(left, right):
            same = _identical(left, right, self)
            if same is None:
                return None
            return same if isinstance(op, (cst.Is, cst.Equal)) else not same
        fn = _COMPARE.get(type(op))
        if fn is None:
            return None
        if is_plain(left) and is_plain(right) or isinstance(left, set) or isinstance(right, set):
            try:
                return fn(left, right)
            except TypeError:
                return None
        if isinstance(op, (cst.In, cst.NotIn)) and isinstance(right, (dict, list, tuple)) and is_plain(left):
            return fn(left, right)
        if isinstance(op, (cst.Equal, cst.NotEqual)) and _size(left) and _size(right) and left == right:
            return isinstance(op, cst.Equal)  # the same size expression: equal for every input
        return None

    def subscript(self, node: cst.Subscript, scope: Scope) -> Any:
        value = self.force(self.eval(node.value, scope))
        if isinstance(value, QualName):
            return value  # ``Optional[int]``, ``List[nn.Module]``: a type annotation
        if len(node.slice) != 1:
            key: Any = tuple(self._slice(el.slice, scope) for el in node.slice)
        else:
            key = self.force(self._slice(node.slice[0].slice, scope))
        if self.sem.owns(value):
            out = self.sem.subscript(value, key, node)
            if out is not NOT_HANDLED:
                return out
            unknown = self.sem.unknown_call(f"indexing `{self.code(node)}`", [value], {}, node)
            return unknown if unknown is not None else Unknown(f"`{self.code(node)}` is not a constant")
        if isinstance(value, DataArray):
            data = array_subscript(value, key)
            return data if data is not None else Unknown(value.reason)
        if isinstance(value, Unknown):
            return value
        if isinstance(key, Unknown):
            return key
        if isinstance(value, ConstArray):
            value = list(value.values) if isinstance(key, int) else value
            if isinstance(key, slice):
                return ConstArray(tuple(list(value.values)[key]))
        if isinstance(key, slice):
            if isinstance(value, (list, tuple, str, range)):
                return value[key]
            return Unknown(f"`{self.code(node)}` is not a constant")
        key = self.concrete(key)
        if isinstance(value, dict):
            if is_plain(key) and not isinstance(key, (list, dict)) and key in value:
                return value[key]
            return Unknown(f"`{self.code(node)}`: no such key")
        if isinstance(value, (list, tuple, str, range)) and isinstance(key, int):
            return value[key] if -len(value) <= key < len(value) else Unknown(f"`{self.code(node)}`: index out of range")
        if isinstance(value, Instance):
            method = value.cls.method("__getitem__")
            if method is not None:
                return self.invoke(method, [value, key], {}, node)
            out = self.sem.subscript(value, key, node)
            if out is not NOT_HANDLED:
                return out
        return Unknown(f"`{self.code(node)}` is not a constant")

    def _slice(self, sl: cst.BaseSlice, scope: Scope) -> Any:
        if isinstance(sl, cst.Slice):
            parts = [self.concrete(self.eval(p, scope)) if p is not None else None for p in (sl.lower, sl.upper, sl.step)]
            if all(p is None or isinstance(p, int) and not isinstance(p, bool) for p in parts) and parts[2] != 0:
                return slice(*parts)
            return Unknown("a slice with bounds that are not constants")
        return self.eval(sl.value, scope)

    def comprehension(self, node: Any, scope: Scope) -> Any:
        out: List[Any] = []
        inner = Scope(scope)

        def loop(clause: cst.CompFor) -> bool:
            items = self.iterate(self.eval(clause.iter, inner))
            if items is None or len(items) > MAX_UNROLL:
                return False
            for item in items:
                self.assign(clause.target, item, inner, node)
                keep = True
                for cond in clause.ifs:
                    t = self.truth(self.eval(cond.test, inner))
                    if t is None:
                        return False
                    keep = keep and t
                if not keep:
                    continue
                if clause.inner_for_in is not None:
                    if not loop(clause.inner_for_in):
                        return False
                elif isinstance(node, cst.DictComp):
                    out.append((self.eval(node.key, inner), self.eval(node.value, inner)))
                else:
                    out.append(self.eval(node.elt, inner))
            return True

        if not loop(node.for_in):
            return Unknown(f"the comprehension `{self.code(node)}` is not followed")
        if isinstance(node, cst.DictComp):
            if not all(is_plain(k) and not isinstance(k, (list, dict)) for k, _ in out):
                return Unknown(f"`{self.code(node)}` has keys that are not constants")
            return dict(out)
        if isinstance(node, cst.SetComp):
            return set(out) if all(is_plain(i) and not isinstance(i, (list, dict)) for i in out) else out
        return out if isinstance(node, cst.ListComp) else tuple(out)

    def fstring(self, node: cst.FormattedString, scope: Scope) -> Any:
        """``f"conv{i}"``, ``f"{c:03d}"`` with constant parts."""
        out: List[str] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value.replace("{{", "{").replace("}}", "}"))
                continue
            if not isinstance(part, cst.FormattedStringExpression):
                return Unknown(f"`{self.code(node)}` is not a constant")
            value = self.concrete(self.force(self.eval(part.expression, scope)))
            if not is_plain(value):
                return value if isinstance(value, Unknown) else Unknown(f"`{self.code(node)}` is not a constant")
            if part.conversion == "r":
                value = repr(value)
            elif part.conversion in ("s", "a"):
                value = str(value)
            spec = ""
            for sp in part.format_spec or ():
                if isinstance(sp, cst.FormattedStringText):
                    spec += sp.value
                else:
                    inner = self.eval(sp.expression, scope)
                    if not is_plain(inner):
                        return Unknown(f"`{self.code(node)}` is not a constant")
                    spec += str(inner)
            try:
                out.append(format(value, spec))
            except (ValueError, TypeError):
                return Unknown(f"`{self.code(node)}` is not a constant")
        return "".join(out)


class _Builtin:
    """A builtin function, by name (``len``), as a value."""

    __slots__ = ("name", "fn")

    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        self.name = name
        self.fn = fn


def _no_builtin(ip: Interpreter, *args: Any, **kwargs: Any) -> Any:
    return Unknown("a builtin convlint does not evaluate")


_BUILTIN_NAMES = frozenset(
    ("object", "Exception", "ValueError", "TypeError", "NotImplementedError", "RuntimeError", "KeyError",
     "AttributeError", "bytes", "complex", "slice", "property", "staticmethod", "classmethod")
)
_PY_TYPES: Dict[str, Tuple[type, ...]] = {
    "builtins.int": (int,), "builtins.float": (float,), "builtins.str": (str,), "builtins.bool": (bool,),
    "builtins.tuple": (tuple,), "builtins.list": (list,), "builtins.dict": (dict,), "builtins.set": (set,),
    "collections.abc.Sequence": (list, tuple, str, range), "collections.abc.Iterable": (list, tuple, str, range, dict, set),
    "collections.abc.Mapping": (dict,), "typing.Sequence": (list, tuple, str, range),
    "typing.Iterable": (list, tuple, dict, set), "numbers.Number": (int, float), "numbers.Integral": (int,),
    "numbers.Real": (int, float),
}


def _isinstance(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    if len(args) != 2:
        return Unknown("isinstance() with odd arguments")
    value, classes = args
    unknown = False
    for cls in list(classes) if isinstance(classes, (tuple, list)) else [classes]:
        verdict = _is_instance(ip, value, cls)
        if verdict is True:
            return True
        unknown = unknown or verdict is None
    return Unknown(f"`{ip.code(node)}` is not known") if unknown else False


def _is_instance(ip: Interpreter, value: Any, cls: Any) -> Optional[bool]:
    value, cls = ip.force(value), ip.force(cls)
    if isinstance(value, Unknown):
        return None
    if isinstance(cls, _Builtin):
        cls = QualName(f"builtins.{cls.name}")
    plain = is_plain(value) or isinstance(value, (list, tuple, dict, set, Expr))
    if isinstance(cls, QualName):
        types = _PY_TYPES.get(cls.name)
        if types is not None:
            if isinstance(value, Expr):
                return int in types
            if plain:
                return isinstance(value, types)
            if ip.sem.owns(value) or isinstance(value, (Instance, FuncVal, ClassVal, Partial, QualName)):
                return False
            return None
        if cls.name == "builtins.object":
            return True
        if cls.name in ("types.FunctionType", "types.MethodType", "types.LambdaType"):
            return isinstance(value, (FuncVal, BoundMethod, LambdaVal))
        verdict = ip.sem.isinstance_of(value, cls)
        if verdict is not None:
            return verdict
        return False if plain else None  # a constant is never an instance of a framework class
    if isinstance(cls, ClassVal):
        if isinstance(value, Instance):
            return value.cls.subclass_of(cls)
        return False if plain or ip.sem.owns(value) else None
    return None


def _callable(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    v = args[0] if args else None
    if isinstance(v, (FuncVal, ClassVal, BoundMethod, Partial, LambdaVal, _Builtin, QualName)):
        return True
    if isinstance(v, Instance):
        return v.cls.find("__call__") is not None or v.cls.kind is not None
    if is_plain(v) or isinstance(v, (list, tuple, dict)):
        return False
    return Unknown("callable() of a value that is not known")


def _getattr(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    if len(args) < 2 or not isinstance(args[1], str):
        return Unknown(f"`{ip.code(node)}` is not followed")
    obj, name = args[0], args[1]
    if len(args) == 3:
        if isinstance(obj, Instance) and name not in obj.attrs and obj.cls.find(name) is None and "poisoned" not in obj.ext:
            return args[2]
        if isinstance(obj, ClassVal) and obj.find(name) is None:
            return args[2]
    return ip.attribute(obj, name, node)


def _hasattr(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    if len(args) != 2 or not isinstance(args[1], str):
        return Unknown("hasattr() with odd arguments")
    obj, name = args
    if isinstance(obj, Instance):
        if name in obj.attrs or obj.cls.find(name) is not None:
            return True
        return Unknown(f"hasattr(..., {name!r}) is not known") if "poisoned" in obj.ext else False
    if isinstance(obj, ClassVal):
        return obj.find(name) is not None
    return Unknown("hasattr() of a value that is not known")


def _setattr(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    if len(args) == 3 and isinstance(args[1], str):
        ip.setattr(args[0], args[1], args[2])
    elif args and isinstance(args[0], Instance):
        args[0].ext["poisoned"] = f"`{ip.code(node)}`"
    return None


def _type(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    if len(args) != 1:
        return Unknown("type() with several arguments")
    v = args[0]
    if isinstance(v, Instance):
        return v.cls
    for t in (bool, int, float, str, tuple, list, dict, set):
        if isinstance(v, t):
            return QualName(f"builtins.{t.__name__}")
    return Unknown("type() of a value that is not known")


def _map(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    lists = [ip.iterate(a) for a in args[1:]]
    if len(args) < 2 or any(items is None for items in lists):
        return Unknown("map() over values whose items are unknown")
    return [ip.call(args[0], list(items), {}, node) for items in zip(*lists)]  # type: ignore[arg-type]


def _filter(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    items = ip.iterate(args[1]) if len(args) == 2 else None
    if items is None:
        return Unknown("filter() over values whose items are unknown")
    out = []
    for item in items:
        t = ip.truth(item if args[0] is None else ip.call(args[0], [item], {}, node))
        if t is None:
            return Unknown("filter() with a test that is not known")
        if t:
            out.append(item)
    return out


def _iter(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    items = ip.iterate(args[0]) if args else None
    return list(items) if items is not None else Unknown("iter() of a value whose items are unknown")


def _next(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    if args and isinstance(args[0], list) and args[0]:
        return args[0].pop(0)
    return args[1] if len(args) > 1 else Unknown("next() of an iterator that is not known")


def _vars(ip: Interpreter, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
    if args and isinstance(args[0], (Instance, Record)):
        return dict(args[0].attrs)
    if args:
        out = ip.sem.call_qual("builtins.vars", args, kwargs, node)  # type: ignore[arg-type]
        if out is not NOT_HANDLED:
            return out
    return Unknown("vars() of a value that is not known")


_INTERP_BUILTINS: Dict[str, Callable[[Interpreter, List[Any], Dict[str, Any], cst.CSTNode], Any]] = {
    "isinstance": _isinstance,
    "issubclass": lambda ip, a, k, n: (
        a[0].subclass_of(a[1]) if len(a) == 2 and isinstance(a[0], ClassVal) and isinstance(a[1], ClassVal)
        else Unknown("issubclass() of classes that are not known")
    ),
    "callable": _callable,
    "getattr": _getattr,
    "hasattr": _hasattr,
    "setattr": _setattr,
    "type": _type,
    "map": _map,
    "filter": _filter,
    "iter": _iter,
    "next": _next,
    "vars": _vars,
}


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


def _elementwise(op: str, a: Any, b: Any) -> Any:
    """Arithmetic on constant arrays as NumPy does it: elementwise, scalars broadcast."""
    fn = _NUM_OPS.get(op)
    xs = a.values if isinstance(a, ConstArray) else None
    ys = b.values if isinstance(b, ConstArray) else None
    number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    if fn is None or (xs is None and not number(a)) or (ys is None and not number(b)):
        return None
    if xs is not None and ys is not None and len(xs) != len(ys):
        return None
    n = len(xs if xs is not None else ys)  # type: ignore[arg-type]
    left = xs if xs is not None else (a,) * n
    right = ys if ys is not None else (b,) * n
    try:
        return ConstArray(tuple(fn(x, y) for x, y in zip(left, right)))
    except (ZeroDivisionError, OverflowError, TypeError):
        return None


def _size_op(op: str, a: Any, b: Any) -> Any:
    """Exact integer arithmetic on symbolic sizes (the ``Dim`` algebra: ``+ - * //``)."""
    if not (_size(a) and _size(b)):
        return None
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "//" and isinstance(b, int) and b > 0:
        return a // b
    if op == "**" and isinstance(b, int) and 0 <= b <= 8:
        out: Any = 1
        for _ in range(b):
            out = out * a
        return out
    if op == "<<" and isinstance(b, int) and 0 <= b <= 16:
        return a * (1 << b)
    return None


def _identical(a: Any, b: Any, ip: Interpreter) -> Optional[bool]:
    """``a is b`` where it is known: constants by value, objects by identity."""
    a, b = ip.force(a), ip.force(b)
    a, b = (QualName(f"builtins.{v.name}") if isinstance(v, _Builtin) else v for v in (a, b))
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return None
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, QualName) and isinstance(b, QualName):
        return a.name == b.name
    if is_plain(a) and is_plain(b):
        return a == b
    if isinstance(a, Expr) or isinstance(b, Expr):
        return None
    return a is b


def _object_like(a: Any, b: Any) -> bool:
    """Comparisons of objects (``self.__class__ == C``, ``block == BasicBlock``)."""
    return any(isinstance(v, (ClassVal, FuncVal, Instance, QualName, _Builtin, LazyImport)) for v in (a, b))


def _root_name(target: cst.BaseExpression) -> Optional[str]:
    while isinstance(target, (cst.Subscript, cst.Attribute)):
        target = target.value
    return target.value if isinstance(target, cst.Name) else None


def _record_class(cls: ClassVal) -> bool:
    """A ``@dataclass`` or a ``typing.NamedTuple`` subclass: its fields are its arguments."""
    if any(d.rsplit(".", 1)[-1] == "dataclass" for d in cls.decorators):
        return True
    return any(name in ("typing.NamedTuple", "typing_extensions.NamedTuple") for name in cls.qual_bases())
