"""Keras front end: Keras model code -> ``ModelGraph``s, by reading (never running) it.

A small abstract interpreter walks the module's statements in order, folding values with
:mod:`convlint.frontend.values` and modelling only what builds a model: layer construction
(anything under a ``keras.layers`` namespace, resolved through the file's own imports),
layer calls on symbolic tensors, ``Input``, ``Sequential`` (list or ``.add``), functional
``Model(inputs, outputs)``, calls of the module's own functions (``build_model(...)``, with the
call's arguments, else the defaults) and ``for`` loops / ``if`` tests over constants.  Anything
else is an unknown value, reported as a note where it matters, never a guess.

Choices worth knowing:

* Functions that build a model but are never called in the file are analysed with their
  defaults, callers first (``ResNet50()`` before the ``ResNet(stack_fn, ...)`` it calls).
* ``if __name__ == "__main__":`` blocks run (``__name__`` is ``"__main__"``), and
  ``keras.backend.image_data_format()`` is ``"channels_last"`` (Keras' default, the layout
  convlint reads Keras code in).
* A model used as a layer of another is inlined there (layers named ``block/conv2d``) and
  not reported on its own.  Node spans are the layer constructor's, except for a second call
  of a shared layer, which points at that call.
* Unfoldable layer arguments become ``Unknown`` plus an ``unresolved`` note, except framework
  objects passed as options (``activation=tf.nn.relu``, ``kernel_regularizer=l2(...)``) and
  ``name=``, which would only be noise.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from ..dims import Expr, subs
from ..graph import ModelGraph, Span, Unknown
from ..shape_refs import dim_at, reads_tensor, tensor_refs
from . import FileNote, FrontendOptions
from .keras_lower import lower_functional, lower_sequential, model_label
from .keras_objects import FunctionalObj, LayerObj, Proto, SequentialObj, ShapeRef, TensorRef
from .values import (
    NOT_HANDLED,
    BreakSignal,
    ContinueSignal,
    ReturnSignal,
    Env,
    FoldAbort,
    ImportTable,
    QualRef,
    SpanIndex,
    bind_target,
    exec_assign,
    fold,
    fold_call,
    function_env,
    qualified_name,
    source_text,
    walk,
)

__all__ = ["extract", "classify", "KERAS_ALIASES"]

KERAS_ALIASES: Dict[str, str] = {
    # Keras 2-era and short spellings of the same classes (in case the catalogue lacks them).
    "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalMaxPool3D": "GlobalMaxPooling3D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D",
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Deconvolution2D": "Conv2DTranspose",
    "Deconvolution3D": "Conv3DTranspose",
    "Convolution2DTranspose": "Conv2DTranspose",
    "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
}

_MERGE_FUNCTIONS = {
    "add": "Add",
    "subtract": "Subtract",
    "multiply": "Multiply",
    "average": "Average",
    "maximum": "Maximum",
    "minimum": "Minimum",
    "concatenate": "Concatenate",
    "dot": "Dot",
}
# Layers whose first argument is a size: a bare parameter without a value there becomes a symbol.
_SIZE_FIRST = ("Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
               "SeparableConv1D", "SeparableConv2D")
_AS_SYMBOL = "has no value here (a parameter without a default); analysed as the symbol "
_MAX_DEPTH = 24
_MAX_ITERATIONS = 1000
_MAX_STEPS = 50_000
_KERAS_ROOTS = ("keras", "tensorflow", "tf_keras")


class _OutOfSteps(FoldAbort):
    """The file takes too many steps to follow (huge unrolled loops); stop, say so."""


class _LocalClass:
    """A class defined in the file; its methods may build models (analysed with defaults)."""

    def __init__(self, node: cst.ClassDef, env: Env) -> None:
        self.node = node
        self.env = env


class _Closure:
    """A function defined in the file, with the scope it was defined in."""

    def __init__(self, func: cst.FunctionDef, env: Env) -> None:
        self.func = func
        self.env = env


def classify(qualified: str) -> Optional[Tuple[str, str]]:
    """What a qualified name is in Keras terms: ``("layer", "Conv2D")``, ``("input", ...)``,
    ``("sequential", ...)``, ``("model", ...)``, ``("merge", "Add")``; ``None`` otherwise."""
    parts = qualified.split(".")
    if not (parts[0] in ("keras", "tf_keras") or (parts[0] == "tensorflow" and "keras" in parts)):
        return None
    last = parts[-1]
    if last == "Input":
        return ("input", last)
    if last == "Sequential":
        return ("sequential", last)
    in_layers = "layers" in parts[:-1]
    if last in ("Model", "Functional") and not in_layers:
        return ("model", last)
    if in_layers and last[:1].isupper():
        if last == "InputLayer":
            return ("layer", last)
        return ("layer", last)
    if in_layers and last in _MERGE_FUNCTIONS:
        return ("merge", _MERGE_FUNCTIONS[last])
    return None


def classify_root(qualified: str) -> bool:
    """True for a name under a Keras namespace (``keras.``, ``tensorflow.keras.``, ``tf_keras.``)."""
    parts = qualified.split(".")
    return parts[0] in ("keras", "tf_keras") or (parts[0] == "tensorflow" and "keras" in parts)


class _Interpreter:
    def __init__(self, module: cst.Module, source: str, path: str, options: FrontendOptions) -> None:
        from ..layers import default_catalogue

        self.module = module
        self.path = path
        self.options = options
        self.catalogue = default_catalogue()
        self.imports = ImportTable.from_module(module)
        self.spans = SpanIndex(module, source)
        self.registry: Dict[str, Proto] = {}
        self.models: List[Any] = []
        self.model_origin: Dict[int, str] = {}
        self.notes: List[FileNote] = []
        self.called: Set[int] = set()
        self.stack: List[str] = []
        self.steps = 0
        self._builds_cache: Dict[int, bool] = {}  # nodes live as long as the module: ids are stable
        self._shapes: Dict[str, Any] = {}  # tensor key -> its shape, once asked for
        self.keras_stars = [s for s in self.imports.star if s.split(".")[0] in _KERAS_ROOTS]

    # -- entry ------------------------------------------------------------------------------
    def uses_keras(self) -> bool:
        roots = {q.split(".")[0] for q in self.imports.names.values()}
        return bool(roots & set(_KERAS_ROOTS)) or bool(self.keras_stars)

    def run(self) -> Tuple[List[ModelGraph], List[FileNote]]:
        env = Env(None, self.imports)
        env.concrete = self._concrete_size
        env.set("__name__", "__main__")
        try:
            self._run_block(self.module.body, env)
            for func in self._uncalled_builders(env):
                if id(func) not in self.called and not self._only_repeats(func, env):
                    closure = env.values.get(func.name.value)
                    if isinstance(closure, _Closure) and closure.func is func:
                        self._call_function(closure, (), {}, func)
            for method, scope in self._methods(env):
                if id(method) not in self.called and self._builds_keras(method):
                    self._call_function(_Closure(method, scope), (), {}, method)
        except _OutOfSteps:
            message = f"stopped following this file after {_MAX_STEPS} steps; models may be incomplete"
            self.notes.append(FileNote("unsupported", message, Span(1)))
        return self._lower()

    # -- sizes read off tensors, where control flow needs their value ---------------------
    def _concrete_size(self, value: Expr) -> Any:
        """``value`` with the dims of the tensors it reads (``x.shape[-1]``) substituted where
        they are known, so ``if x.shape[-1] != filters:`` takes the branch Keras would.

        This is the one place a front end asks the engine for shapes: the engine is a pure
        function of the graph built so far, and the branch decides which layers exist.  A dim
        the engine cannot know stays a symbol (and the condition stays undecided)."""
        bindings = {}
        for name, (key, axis) in tensor_refs(value).items():
            shape = self._tensor_shape(key)
            dim = None if shape is None else dim_at(shape, axis)
            if dim is not None:
                bindings[name] = dim
        return subs(value, bindings) if bindings else value

    def _tensor_shape(self, key: str) -> Any:
        if key not in self._shapes:
            self._shapes[key] = None
            if key in self.registry:
                from ..engine import analyze
                from .keras_lower import ancestors

                inputs = [TensorRef(k) for k in ancestors([key], self.registry) if self.registry[k].layer.type == "Input"]
                sub = FunctionalObj(Span(1), inputs, [TensorRef(key)])
                try:
                    graph, _ = lower_functional(sub, "?", self.path, self.registry, {})
                    shaped = analyze(graph, self.catalogue)
                    self._shapes[key] = shaped.result(graph.outputs[0]).output_shape
                except (KeyError, IndexError):  # an output that did not lower: its shape is unknown
                    pass
        return self._shapes[key]

    def _only_repeats(self, func: cst.FunctionDef, env: Env) -> bool:
        """True for a wrapper such as ``ResNet101()`` that builds nothing itself and only calls
        builders already followed: its model would be one already reported (same creation
        site), so following it again is wasted work."""
        if self._builds_keras(func):
            return False
        names = {n.value for n in walk(func.body) if isinstance(n, cst.Name)}
        builders = [env.values.get(n) for n in names]
        builders = [b for b in builders if isinstance(b, _Closure)]
        return bool(builders) and all(id(b.func) in self.called for b in builders)

    def _methods(self, env: Env) -> List[Tuple[cst.FunctionDef, Env]]:
        """Methods of the file's top-level classes (``self`` and other parameters without a
        default are unknown): models built in a ``build()`` method are still checked."""
        out: List[Tuple[cst.FunctionDef, Env]] = []
        for stmt in self.module.body:
            if isinstance(stmt, cst.ClassDef) and isinstance(stmt.body, cst.IndentedBlock):
                value = env.values.get(stmt.name.value)
                scope = value.env if isinstance(value, _LocalClass) else env
                out.extend((m, scope) for m in stmt.body.body if isinstance(m, cst.FunctionDef))
        return out

    def _uncalled_builders(self, env: Env) -> List[cst.FunctionDef]:
        """Top-level functions that build Keras objects and were not called; the ones no other
        function refers to first (``ResNet50()`` before the ``ResNet(stack_fn, ...)`` it calls,
        so the helper is analysed with real arguments rather than free parameters)."""
        funcs = [s for s in self.module.body if isinstance(s, cst.FunctionDef) and id(s) not in self.called]
        uses = {id(f): {n.value for n in walk(f.body) if isinstance(n, cst.Name)} for f in funcs}
        builders = {f.name.value for f in funcs if self._builds_keras(f)}
        grown = True
        while grown:  # a function calling a builder is a builder (ResNet50 -> ResNet)
            grown = False
            for f in funcs:
                if f.name.value not in builders and uses[id(f)] & builders:
                    builders.add(f.name.value)
                    grown = True
        chosen = [f for f in funcs if f.name.value in builders]
        referenced = set().union(*(uses[id(f)] for f in chosen)) if chosen else set()
        return [f for f in chosen if f.name.value not in referenced] + [f for f in chosen if f.name.value in referenced]

    def _run_block(self, body: Sequence[cst.CSTNode], env: Env) -> None:
        try:
            for stmt in body:
                self._exec(stmt, env)
        except (ReturnSignal, BreakSignal, ContinueSignal):
            pass

    def _lower(self) -> Tuple[List[ModelGraph], List[FileNote]]:
        graphs: List[ModelGraph] = []
        notes = list(self.notes)
        seen_spans: Set[Tuple[int, int]] = set()
        for model in self.models:
            if model.used_as_layer:
                continue
            key = (model.span.line, model.span.column)
            if key in seen_spans:
                continue
            seen_spans.add(key)
            kind = "Sequential" if isinstance(model, SequentialObj) else "Model"
            default = self.model_origin.get(id(model)) or kind
            name = model_label(model, default)
            lower = lower_sequential if isinstance(model, SequentialObj) else lower_functional
            graph, model_notes = lower(model, name, self.path, self.registry, self.options.input_shapes)
            graphs.append(graph)
            notes.extend(model_notes)
        unique: Dict[Tuple[str, str, Span, Optional[str]], FileNote] = {}
        for note in notes:  # a helper called several times says the same thing once
            unique.setdefault((note.kind, note.message, note.span, note.model), note)
        return graphs, list(unique.values())

    # -- statements -------------------------------------------------------------------------
    def eval(self, expr: cst.BaseExpression, env: Env) -> Any:
        return fold(expr, env, self._hook)

    def _exec(self, stmt: cst.CSTNode, env: Env) -> None:
        self.steps += 1
        if self.steps > _MAX_STEPS:
            raise _OutOfSteps()
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self._exec_small(small, env)
        elif isinstance(stmt, cst.FunctionDef):
            env.set(stmt.name.value, _Closure(stmt, env))
        elif isinstance(stmt, cst.ClassDef):
            env.set(stmt.name.value, _LocalClass(stmt, env))
            self._check_subclass(stmt, env)
        elif isinstance(stmt, cst.If):
            self._exec_if(stmt, env)
        elif isinstance(stmt, cst.For):
            self._exec_for(stmt, env)
        elif isinstance(stmt, cst.With):
            self._run_body(stmt.body, env)
        elif isinstance(stmt, cst.Try):
            self._run_body(stmt.body, env)
            if stmt.finalbody is not None:
                self._run_body(stmt.finalbody.body, env)
        elif isinstance(stmt, cst.While):
            self._give_up(stmt, env, "a while loop")

    def _run_body(self, body: cst.BaseSuite, env: Env) -> None:
        if isinstance(body, cst.IndentedBlock):
            for stmt in body.body:
                self._exec(stmt, env)
        elif isinstance(body, cst.SimpleStatementSuite):
            for small in body.body:
                self._exec_small(small, env)

    def _exec_small(self, small: cst.CSTNode, env: Env) -> None:
        if isinstance(small, cst.Assign):
            value = self.eval(small.value, env)
            for target in small.targets:
                self._bind(target.target, value, env, small.value)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self._bind(small.target, self.eval(small.value, env), env, small.value)
        elif isinstance(small, cst.AugAssign):
            exec_assign(small, env, self._hook)
        elif isinstance(small, cst.Expr):
            self.eval(small.value, env)
        elif isinstance(small, cst.Return):
            raise ReturnSignal(None if small.value is None else self.eval(small.value, env))
        elif isinstance(small, cst.Break):
            raise BreakSignal()
        elif isinstance(small, cst.Continue):
            raise ContinueSignal()

    def _bind(self, target: cst.BaseExpression, value: Any, env: Env, source: cst.CSTNode) -> None:
        is_model = isinstance(value, (SequentialObj, FunctionalObj))
        if isinstance(target, cst.Name) and is_model and value.var_name is None:
            value.var_name = target.value
        bind_target(target, value, env, source)

    def _exec_if(self, stmt: cst.If, env: Env) -> None:
        test = self.eval(stmt.test, env)
        if _is_plain(test):
            if test:
                self._run_body(stmt.body, env)
            elif isinstance(stmt.orelse, cst.If):
                self._exec_if(stmt.orelse, env)
            elif isinstance(stmt.orelse, cst.Else):
                self._run_body(stmt.orelse.body, env)
            return
        self._give_up(stmt, env, f"the condition `{source_text(stmt.test)}`")

    def _exec_for(self, stmt: cst.For, env: Env) -> None:
        items = self.eval(stmt.iter, env)
        if isinstance(items, dict):
            items = list(items)
        if not isinstance(items, (tuple, list, str)) or len(items) > _MAX_ITERATIONS:
            self._give_up(stmt, env, f"the loop over `{source_text(stmt.iter)}`")
            return
        for item in items:
            self._bind(stmt.target, item, env, stmt.iter)
            try:
                self._run_body(stmt.body, env)
            except ContinueSignal:
                continue
            except BreakSignal:
                return
        if stmt.orelse is not None:
            self._run_body(stmt.orelse.body, env)

    def _give_up(self, stmt: cst.CSTNode, env: Env, what: str) -> None:
        """A block we cannot follow: names it assigns become unknown; say so if it builds layers."""
        for node in walk(stmt):
            targets: List[cst.BaseExpression] = []
            if isinstance(node, cst.Assign):
                targets = [t.target for t in node.targets]
            elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
                targets = [node.target]
            elif isinstance(node, cst.For):
                targets = [node.target]
            for t in targets:
                for name in _target_names(t):
                    env.set(name, Unknown(f"{name} depends on {what}"))
        if self._builds_keras(stmt):
            self.notes.append(
                FileNote(
                    "unsupported",
                    f"cannot follow {what} statically; models built under it may be incomplete",
                    self.spans.span(stmt),
                )
            )
            self._mark_models_unknown(stmt, env)

    def _mark_models_unknown(self, stmt: cst.CSTNode, env: Env) -> None:
        """``model.add(...)`` inside a block we cannot follow: the Sequential's layers from
        there on are unknown."""
        for node in walk(stmt):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "add":
                base = self.eval(node.func.value, env)
                if isinstance(base, SequentialObj):
                    line = self.spans.span(node).line
                    base.items.append(Unknown(f"layers added under a block convlint cannot follow (line {line})"))

    def _builds_keras(self, node: cst.CSTNode) -> bool:
        """Does ``node`` call anything under a Keras namespace directly?  (Cached per node.)"""
        known = self._builds_cache.get(id(node))
        if known is None:
            known = False
            for inner in walk(node):
                if isinstance(inner, cst.Call):
                    q = qualified_name(inner.func, self.imports)
                    if q is not None and classify(q) is not None:
                        known = True
                        break
            self._builds_cache[id(node)] = known
        return known

    def _check_subclass(self, stmt: cst.ClassDef, env: Env) -> None:
        """A class statement was run; subclassed models and layers are followed by
        :class:`~convlint.frontend.keras_subclass.SubclassInterpreter`, which overrides this."""

    # -- calls ------------------------------------------------------------------------------
    def _resolve(self, func: cst.BaseExpression, env: Env) -> Optional[str]:
        q = qualified_name(func, self.imports, env)
        bare = isinstance(func, cst.Name) and not env.is_local(func.value) and func.value not in self.imports.names
        if q is None and bare:
            for star in self.keras_stars:
                if classify(f"{star}.{func.value}") is not None:
                    return f"{star}.{func.value}"
        return q

    def _hook(self, call: cst.Call, env: Env) -> Any:
        func = call.func
        q = self._resolve(func, env)
        if q is not None and q.endswith(".backend.image_data_format") and classify_root(q):
            return "channels_last"  # Keras' default, the layout convlint reads Keras code in
        if q is not None and _is_shape_function(q) and call.args:
            return self._shape_of(call.args[0].value, env)
        if q is not None:
            kind = classify(q)
            return self._keras_call(kind, call, env) if kind else NOT_HANDLED
        if isinstance(func, cst.Attribute):
            base = self.eval(func.value, env)
            if isinstance(base, (SequentialObj, FunctionalObj)):
                return self._model_method(base, func.attr.value, call, env)
            if isinstance(base, QualRef):
                kind = classify(f"{base.name}.{func.attr.value}")
                return self._keras_call(kind, call, env) if kind else NOT_HANDLED
            return NOT_HANDLED
        return self._call_value(self.eval(func, env), call, env)

    def _shape_of(self, expr: cst.BaseExpression, env: Env) -> Any:
        """``keras.ops.shape(x)`` / ``keras.backend.int_shape(x)``: as ``x.shape``."""
        tensor = self.eval(expr, env)
        if isinstance(tensor, TensorRef):
            return ShapeRef(tensor)
        return tensor if isinstance(tensor, Unknown) else Unknown(f"{source_text(expr)} is not a Keras tensor")

    def _call_value(self, callee: Any, call: cst.Call, env: Env) -> Any:
        """A call whose callee has been evaluated: a layer, a model, a function of this file, a
        Keras name, or a local class (not followed here)."""
        if isinstance(callee, LayerObj):
            return self._apply_layer(callee, call, env)
        if isinstance(callee, (SequentialObj, FunctionalObj)):
            return self._apply_model(callee, call, env)
        if isinstance(callee, _Closure):
            folded = fold_call(call, env, self._hook)
            return self._call_function(callee, folded.args, folded.kwargs, call)
        if isinstance(callee, QualRef):
            kind = classify(callee.name)
            return self._keras_call(kind, call, env) if kind else NOT_HANDLED
        if isinstance(callee, _LocalClass):
            name = callee.node.name.value
            return Unknown(f"{source_text(call)} is an instance of {name}, a class defined in this file (not analysed)")
        return NOT_HANDLED

    def _call_function(self, closure: _Closure, args: Sequence[Any], kwargs: Dict[str, Any], call: cst.CSTNode) -> Any:
        func = closure.func
        if len(self.stack) >= _MAX_DEPTH:
            return Unknown(f"{func.name.value}(...) calls nest too deeply to follow")
        self.called.add(id(func))
        fenv = function_env(func, closure.env, args, kwargs, self._hook)
        self.stack.append(func.name.value)
        try:
            self._run_body(func.body, fenv)
        except ReturnSignal as ret:
            return ret.value
        except (BreakSignal, ContinueSignal):
            pass
        finally:
            self.stack.pop()
        return None

    def _keras_call(self, kind: Optional[Tuple[str, str]], call: cst.Call, env: Env) -> Any:
        if kind is None:
            return NOT_HANDLED
        what, name = kind
        if what == "layer":
            return self._make_layer(name, call, env)
        if what == "input":
            return self._make_input(call, env)
        if what == "sequential":
            return self._make_sequential(call, env)
        if what == "model":
            return self._make_functional(call, env)
        if what == "merge":
            return self._merge_function(name, call, env)
        return NOT_HANDLED

    def _canonical(self, name: str) -> str:
        canonical = self.catalogue.canonical("keras", name)
        return KERAS_ALIASES.get(canonical, canonical)

    def _make_layer(self, class_name: str, call: cst.Call, env: Env, skip_first: bool = False) -> LayerObj:
        type_name = self._canonical(class_name)
        sizes = (0,) if type_name in _SIZE_FIRST else ()
        stripped = call.with_changes(args=call.args[1:]) if skip_first else call
        folded = fold_call(stripped, env, self._hook, size_positions=sizes, size_keywords=("units", "filters"))
        kwargs = dict(folded.kwargs)
        name = kwargs.pop("name", None)
        input_shape: Any = None
        if "input_shape" in kwargs:
            input_shape = _as_shape(kwargs.pop("input_shape"))
        if "batch_input_shape" in kwargs:
            batch = _as_shape(kwargs.pop("batch_input_shape"))
            input_shape = batch[1:] if isinstance(batch, tuple) else batch
        if "input_dim" in kwargs:
            dim = kwargs.pop("input_dim")
            input_shape = input_shape if input_shape is not None else (dim,)
        args = tuple(_plain(a) for a in folded.args)
        kwargs = {k: _plain(v) for k, v in kwargs.items()}
        if folded.star_unknown is not None:
            # Unexpanded *args/**kwargs: every argument not written out is unknown, so the
            # engine reports "cannot resolve" instead of a missing argument that is not missing.
            for pname in self._parameter_names(type_name)[len(args):]:
                kwargs.setdefault(pname, folded.star_unknown)
        layer = LayerObj(type_name, args, kwargs, self.spans.span(call), name=name if isinstance(name, str) else None)
        layer.input_shape = input_shape
        name_expr = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "name"), None)
        for expr, unknown in folded.unresolved:
            if expr is not name_expr and not self._framework_value(expr, env):
                layer.notes.append(("unresolved", f"{type_name}: {unknown.reason}"))
        for value in list(folded.args[:1]) + [kwargs.get("units"), kwargs.get("filters")]:
            if sizes and isinstance(value, Expr) and value.is_single_symbol() and not reads_tensor(value):
                layer.notes.append(
                    ("unresolved", f"{type_name}: {value} {_AS_SYMBOL}{value}")
                )
        return layer

    def _parameter_names(self, type_name: str) -> List[str]:
        spec = self.catalogue.get("keras", type_name)
        if spec is None:
            return []
        signature = spec.signatures.get(("keras", self.catalogue.canonical("keras", type_name)), ())
        return [pname for pname, _ in signature]

    def _framework_value(self, expr: cst.BaseExpression, env: Env) -> bool:
        """``tf.nn.relu``, ``keras.regularizers.l2(1e-4)``, ``lambda x: ...``: functions and
        framework objects passed as options, not sizes; reporting each would only be noise."""
        if isinstance(expr, cst.Lambda):
            return True  # a function passed to a layer (Lambda, activation=lambda x: ...)
        target = expr.func if isinstance(expr, cst.Call) else expr
        q = self._resolve(target, env)
        return q is not None and q.split(".")[0] in _KERAS_ROOTS + ("torch", "numpy")

    def _make_input(self, call: cst.Call, env: Env) -> TensorRef:
        shape_expr: Optional[cst.BaseExpression] = None
        batch = False
        name: Any = None
        for i, arg in enumerate(call.args):
            key = arg.keyword.value if arg.keyword is not None else None
            if (key is None and i == 0 and not arg.star) or key == "shape":
                shape_expr = arg.value
            elif key in ("batch_shape", "batch_input_shape") and shape_expr is None:
                shape_expr, batch = arg.value, True
            elif key == "name":
                name = self.eval(arg.value, env)
        shape: Any = None
        notes: List[Tuple[str, str]] = []
        if shape_expr is not None:
            shape = _fold_shape(shape_expr, env, self._hook)
            if batch and isinstance(shape, tuple):
                shape = shape[1:]
            dims = shape if isinstance(shape, tuple) else (shape,)
            bad = next((d for d in dims if isinstance(d, Unknown)), None)
            if bad is not None:
                notes.append(("unresolved", f"Input: {bad.reason}"))
            for d in shape if isinstance(shape, tuple) else ():
                if isinstance(d, Expr) and d.is_single_symbol() and not reads_tensor(d):
                    notes.append(("unresolved", f"Input: {d} {_AS_SYMBOL}{d}"))
        name = name if isinstance(name, str) else None
        layer = LayerObj("Input", (), {"shape": shape}, self.spans.span(call), name=name)
        layer.notes.extend(notes)
        return self._register(Proto(layer, []))

    def _register(self, proto: Proto) -> TensorRef:
        self.registry[proto.key] = proto
        return TensorRef(proto.key)

    def _make_sequential(self, call: cst.Call, env: Env) -> SequentialObj:
        seq = SequentialObj(self.spans.span(call))
        self._adopt(seq)
        layers_expr: Optional[cst.BaseExpression] = None
        for i, arg in enumerate(call.args):
            key = arg.keyword.value if arg.keyword is not None else None
            if (key is None and i == 0 and not arg.star) or key == "layers":
                layers_expr = arg.value
            elif key == "name":
                name = self.eval(arg.value, env)
                seq.name_kwarg = name if isinstance(name, str) else None
        if layers_expr is not None:
            items = self._layer_list(layers_expr, env)
            if isinstance(items, (list, tuple)):
                for item in items:
                    self._add(seq, item)
            elif items is not None:
                if isinstance(items, Unknown):
                    reason = items.reason
                else:
                    reason = f"{source_text(layers_expr)} is not a list of layers"
                message = f"the layers of this Sequential could not be resolved ({reason})"
                seq.notes.append(("unresolved", message, seq.span))
                seq.items.append(Unknown(reason))
        return seq

    def _adopt(self, model: Any) -> None:
        self.models.append(model)
        if self.stack:
            self.model_origin[id(model)] = self.stack[-1]

    def _layer_list(self, expr: cst.BaseExpression, env: Env) -> Any:
        """A literal layer list element by element, so one unresolvable ``*blocks()`` makes
        only the layers from there on unknown, not the whole model."""
        if not isinstance(expr, (cst.List, cst.Tuple)):
            return self.eval(expr, env)
        items: List[Any] = []
        for el in expr.elements:
            value = self.eval(el.value, env)
            if isinstance(el, cst.StarredElement):
                if isinstance(value, (list, tuple)):
                    items.extend(value)
                else:
                    reason = value.reason if isinstance(value, Unknown) else f"*{source_text(el.value)} is not a list of layers"
                    items.append(Unknown(reason))
            else:
                items.append(value)
        return items

    def _add(self, seq: SequentialObj, item: Any) -> None:
        if isinstance(item, (SequentialObj, FunctionalObj)):
            item.used_as_layer = True
        seq.items.append(item)

    def _model_method(self, model: Any, method: str, call: cst.Call, env: Env) -> Any:
        folded = fold_call(call, env, self._hook)
        if isinstance(model, SequentialObj):
            if method == "add" and folded.args:
                self._add(model, folded.args[0])
            elif method == "add" and "layer" in folded.kwargs:
                self._add(model, folded.kwargs["layer"])
            elif method == "pop" and model.items:
                model.items.pop()
            elif method == "build":
                shape = folded.args[0] if folded.args else folded.kwargs.get("input_shape")
                shape = _as_shape(shape)
                if isinstance(shape, tuple) and shape:
                    model.build_shape = shape[1:]
                elif isinstance(shape, Unknown):
                    model.build_shape = shape
        return None

    def _make_functional(self, call: cst.Call, env: Env) -> Any:
        folded = fold_call(call, env, self._hook)
        inputs = folded.args[0] if folded.args else folded.kwargs.get("inputs", folded.kwargs.get("input"))
        outputs = folded.args[1] if len(folded.args) > 1 else folded.kwargs.get("outputs", folded.kwargs.get("output"))
        span = self.spans.span(call)
        if inputs is None and outputs is None:
            message = "a Keras Model without inputs/outputs (subclassing style) is not analysed"
            self.notes.append(FileNote("unsupported", message, span))
            return Unknown("a Model without inputs/outputs")
        model = FunctionalObj(span, _tensors(inputs), _tensors(outputs))
        name = folded.kwargs.get("name")
        model.name_kwarg = name if isinstance(name, str) else None
        for label, value in (("inputs", inputs), ("outputs", outputs)):
            bad = _non_tensor(value)
            if bad is not None:
                model.notes.append(("unresolved", f"the {label} of this Model could not be resolved ({bad})", span))
        self._adopt(model)
        return model

    def _tensor_inputs(self, call: cst.Call, env: Env, owner: str) -> Tuple[List[str], Optional[str]]:
        """The proto keys a layer call consumes, plus a note text if some are unknown."""
        expr: Optional[cst.BaseExpression] = None
        for i, arg in enumerate(call.args):
            key = arg.keyword.value if arg.keyword is not None else None
            if (key is None and i == 0 and not arg.star) or key == "inputs":
                expr = arg.value
                break
        if expr is None:
            return ["?no input tensor"], f"{owner} is called without an input tensor"
        value = self.eval(expr, env)
        items = value if isinstance(value, (list, tuple)) else [value]
        keys: List[str] = []
        problem: Optional[str] = None
        for item in items:
            if isinstance(item, TensorRef):
                keys.append(item.key)
            else:
                reason = item.reason if isinstance(item, Unknown) else f"{source_text(expr)} is not a Keras tensor"
                keys.append("?" + reason)
                problem = problem or f"{owner}: its input is unknown ({reason}); shapes from here on are unknown"
        if not keys:
            keys.append("?empty input list")
        return keys, problem

    def _apply_layer(self, layer: LayerObj, call: cst.Call, env: Env) -> TensorRef:
        keys, problem = self._tensor_inputs(call, env, layer.type)
        if problem and not any(problem == n for _, n in layer.notes):
            layer.notes.append(("unresolved", problem))
        return self._register(Proto(layer, keys, call_span=self.spans.span(call)))

    def _merge_function(self, class_name: str, call: cst.Call, env: Env) -> TensorRef:
        layer = self._make_layer(class_name, call, env, skip_first=True)
        return self._apply_layer(layer, call, env)

    def _apply_model(self, model: Any, call: cst.Call, env: Env) -> Any:
        model.used_as_layer = True
        keys, problem = self._tensor_inputs(call, env, model_label(model, "model"))
        kind = "sequential" if isinstance(model, SequentialObj) else "functional"
        prefix = f"{model.name_kwarg or model.var_name or kind}/"
        if problem:
            self.notes.append(FileNote("unresolved", problem, self.spans.span(call)))
        if isinstance(model, SequentialObj):
            current = keys[0]
            return TensorRef(self._inline_sequential(model, current, prefix))
        mapping = {t.key: k for t, k in zip(model.inputs, keys)}
        from .keras_lower import ancestors

        keys = ancestors([t.key for t in model.outputs], self.registry)
        for proto in sorted((self.registry[k] for k in keys), key=lambda p: p.uid):
            if proto.layer.type == "Input":
                continue
            new = Proto(proto.layer, [mapping.get(k, k) for k in proto.inputs], prefix + proto.prefix)
            self.registry[new.key] = new
            mapping[proto.key] = new.key
        outs = [TensorRef(mapping.get(t.key, t.key)) for t in model.outputs]
        return outs[0] if len(outs) == 1 else outs

    def _inline_sequential(self, seq: SequentialObj, current: str, prefix: str) -> str:
        for item in seq.items:
            if isinstance(item, LayerObj):
                if item.type == "InputLayer":
                    continue
                proto = Proto(item, [current], prefix)
                self.registry[proto.key] = proto
                current = proto.key
            elif isinstance(item, SequentialObj):
                sub = f"{item.name_kwarg or item.var_name or 'sequential'}/"
                current = self._inline_sequential(item, current, prefix + sub)
            elif isinstance(item, TensorRef):
                continue
            else:
                reason = item.reason if isinstance(item, Unknown) else "a layer of the sub-model is not resolved"
                current = "?" + reason
        return current


def _is_shape_function(qualified: str) -> bool:
    """``keras.ops.shape``, ``keras.backend.int_shape`` (and their tf.keras spellings)."""
    head, _, last = qualified.rpartition(".")
    return classify_root(qualified) and (
        (last == "shape" and head.endswith(".ops")) or (last == "int_shape" and head.endswith(".backend"))
    )


def _is_plain(v: Any) -> bool:
    if isinstance(v, (tuple, list)):
        return all(_is_plain(x) for x in v)
    return v is None or isinstance(v, (bool, int, float, str, dict))


def _target_names(target: cst.BaseExpression) -> List[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for el in target.elements for n in _target_names(el.value)]
    return []


def _plain(value: Any) -> Any:
    """Layer arguments are data: a layer object or tensor passed as an argument (a wrapper such
    as ``TimeDistributed(Conv2D(...))``) is kept as an ``Unknown`` naming it."""
    if isinstance(value, (list, tuple)):
        items = [_plain(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, LayerObj):
        return Unknown(f"a {value.type} layer object")
    if isinstance(value, (TensorRef, SequentialObj, FunctionalObj, _Closure, QualRef, cst.CSTNode)):
        return Unknown(f"a {type(value).__name__} object")
    return value


def _as_shape(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    return value


def _fold_shape(expr: cst.BaseExpression, env: Env, hook: Any) -> Any:
    """A shape tuple; a bare parameter without a value inside a literal becomes a symbol."""
    from .values import fold_size

    if isinstance(expr, (cst.Tuple, cst.List)) and not any(isinstance(el, cst.StarredElement) for el in expr.elements):
        return tuple(fold_size(el.value, env, hook) for el in expr.elements)
    return _as_shape(fold(expr, env, hook))


def _tensors(value: Any) -> List[TensorRef]:
    if isinstance(value, TensorRef):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, TensorRef)]
    return []


def _non_tensor(value: Any) -> Optional[str]:
    items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if not isinstance(item, TensorRef):
            return item.reason if isinstance(item, Unknown) else f"{type(item).__name__} is not a Keras tensor"
    return None


def extract(
    module: cst.Module, source: str, path: str, options: FrontendOptions
) -> Tuple[List[ModelGraph], List[FileNote]]:
    """Every Keras ``Sequential`` / functional model built in ``module``, and notes."""
    from .keras_subclass import SubclassInterpreter  # subclassed models; imports this module

    interp = SubclassInterpreter(module, source, path, options or FrontendOptions())
    if not interp.uses_keras():
        return [], []
    return interp.run()
