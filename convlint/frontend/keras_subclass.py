"""Subclassed Keras models: ``class Net(keras.Model)`` with ``__init__`` + ``call``.

The design follows the PyTorch front end: ``__init__`` runs once on an instance object whose
attribute assignments are recorded (layers, lists of layers, nested ``Layer`` subclasses); then
``call`` runs once on a placeholder ``Input`` tensor and every layer it applies becomes a proto
in the Keras interpreter's registry, exactly as in a functional model, so the graph is lowered
by :func:`~convlint.frontend.keras_lower.lower_functional`.  Names are attribute paths
(``conv1``, ``blocks.0``, ``block.conv``); ``layer_id`` is the layer object.

The input shape comes from, in order: ``model.build(shape)``, an example call in the file
(``Net()(np.zeros((1, 28, 28, 1)))``), a ``# convlint: input-shape=(...)`` comment above the
class, the configuration, else symbols from the first layer's family.  ``training`` is unknown
(Keras decides it at run time), so code branching on it is not followed: shapes from there on are
unknown, with an ``unsupported`` note, never a guess.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from ..graph import ModelGraph, Span, Unknown
from . import FileNote
from .keras import _Closure, _Interpreter, _LocalClass, _OutOfSteps, _tensors, classify
from .keras_lower import ancestors, lower_functional
from .keras_objects import FunctionalObj, LayerObj, Proto, SequentialObj, ShapeRef, TensorRef, snake_case
from .values import (
    _BIN_OPS,
    NOT_HANDLED,
    Env,
    QualRef,
    _binop,
    fold,
    fold_call,
    qualified_name,
    source_text,
    walk,
)

__all__ = ["SubclassInterpreter", "InstanceObj", "ArrayVal"]

# keras.ops / tf.nn / keras.activations functions that are a Keras layer of the same shape rule.
_ACTIVATIONS = {
    "relu", "relu6", "sigmoid", "tanh", "softmax", "gelu", "silu", "swish", "elu", "selu",
    "softplus", "softsign", "leaky_relu", "hard_sigmoid", "hard_silu", "mish", "log_softmax",
}
_MERGES = {"add": "Add", "subtract": "Subtract", "multiply": "Multiply", "maximum": "Maximum", "minimum": "Minimum"}
_BINOP_MERGES = {"+": "Add", "-": "Subtract", "*": "Multiply"}
# Array factories whose shape an example call reveals: the argument holding the shape.
_FACTORIES = {"zeros", "ones", "empty", "full", "normal", "uniform", "standard_normal", "truncated_normal", "random",
              "rand", "randn"}
_ARRAY_ROOTS = ("numpy", "keras", "tensorflow", "tf_keras", "jax", "torch")


@dataclass(frozen=True)
class ArrayVal(Unknown):
    """An array built by ``np.zeros(shape)`` and the like: unknown as a value (it is data), but
    its shape can give a model its input shape when passed to it."""

    shape: Any = None


@dataclass(eq=False)
class KerasClass:
    """A class of the file that subclasses ``keras.Model`` (``kind="model"``) or
    ``keras.layers.Layer`` (``"layer"``), directly or through another such class."""

    local: _LocalClass
    kind: str
    parents: List["KerasClass"] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.local.node.name.value

    def method(self, name: str) -> Optional[Tuple[cst.FunctionDef, "KerasClass"]]:
        body = self.local.node.body
        if isinstance(body, cst.IndentedBlock):
            for stmt in body.body:
                if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
                    return stmt, self
        for parent in self.parents:
            found = parent.method(name)
            if found is not None:
                return found
        return None


@dataclass(eq=False)
class InstanceObj:
    """An instance of a Keras subclass: what ``__init__`` assigned to ``self``."""

    cls: KerasClass
    span: Span
    attrs: Dict[str, Any] = field(default_factory=dict)
    build_shape: Any = None
    example_shape: Any = None
    source: str = ""
    functional: Optional[FunctionalObj] = None  # super().__init__(inputs, outputs)
    built: bool = False  # its own build() has run
    path: Optional[str] = None  # its attribute path prefix, once assigned (``gate.``)

    def fold_attr(self, name: str) -> Any:
        if name in self.attrs:
            return self.attrs[name]
        return Unknown(f"self.{name} is not set in {self.cls.name}.__init__")


def _build_shape(first: Any) -> Any:
    """What Keras passes to ``build``: the shape of the first call's input (a list of shapes
    for a list of inputs), whose items the engine fills in (``Dense(input_shape[-1])``)."""
    if isinstance(first, TensorRef):
        return ShapeRef(first)
    if isinstance(first, (list, tuple)) and first and all(isinstance(t, TensorRef) for t in first):
        return [ShapeRef(t) for t in first]
    return Unknown("the input shape passed to build()")


class SubclassInterpreter(_Interpreter):
    """The Keras interpreter plus subclassed models and layers."""

    def __init__(self, module: cst.Module, source: str, path: str, options: Any) -> None:
        super().__init__(module, source, path, options)
        self.keras_classes: Dict[int, KerasClass] = {}
        self.class_order: List[KerasClass] = []
        self.instances: List[InstanceObj] = []
        self.depth = 0  # > 0 while running a method of a subclass
        self.class_stack: List[KerasClass] = []
        self.current_model: Optional[str] = None
        self._binop_spans: Optional[Dict[int, Span]] = None
        self._source = source

    # -- classes ----------------------------------------------------------------------------
    def _check_subclass(self, stmt: cst.ClassDef, env: Env) -> None:
        kind: Optional[str] = None
        parents: List[KerasClass] = []
        for base in stmt.bases:
            value = self.eval(base.value, env) if isinstance(base.value, (cst.Name, cst.Attribute)) else None
            if isinstance(value, _LocalClass) and id(value.node) in self.keras_classes:
                parent = self.keras_classes[id(value.node)]
                parents.append(parent)
                kind = kind if kind == "model" else parent.kind
                continue
            q = qualified_name(base.value, self.imports, env)
            found = classify(q) if q else None
            if found is not None and found[0] == "model":
                kind = "model"
            elif found == ("layer", "Layer") and kind is None:
                kind = "layer"
        if kind is None:
            return
        local = env.values.get(stmt.name.value)
        if isinstance(local, _LocalClass):
            cls = KerasClass(local, kind, parents)
            self.keras_classes[id(stmt)] = cls
            self.class_order.append(cls)

    def _methods(self, env: Env) -> List[Tuple[cst.FunctionDef, Env]]:
        """Methods of subclasses run on their instances, not as free functions."""
        mine = {id(m) for c in self.class_order for m in _body(c.local.node) if isinstance(m, cst.FunctionDef)}
        return [(m, scope) for m, scope in super()._methods(env) if id(m) not in mine]

    def _keras_class(self, value: Any) -> Optional[KerasClass]:
        if isinstance(value, _LocalClass):
            return self.keras_classes.get(id(value.node))
        return None

    def instantiate(self, cls: KerasClass, args: Sequence[Any], kwargs: Dict[str, Any], call: cst.Call) -> InstanceObj:
        inst = InstanceObj(cls, self.spans.span(call), source=source_text(call, 60))
        found = cls.method("__init__")
        if found is not None:
            self.run_method(inst, found, tuple(args), kwargs, call)
        if self.depth == 0:
            self.instances.append(inst)
        return inst

    def run_method(
        self, inst: InstanceObj, found: Tuple[cst.FunctionDef, KerasClass], args: Tuple[Any, ...],
        kwargs: Dict[str, Any], call: cst.CSTNode,
    ) -> Any:
        func, owner = found
        self.depth += 1
        self.class_stack.append(owner)
        try:
            return self._call_function(_Closure(func, owner.local.env), (inst,) + args, kwargs, call)
        finally:
            self.class_stack.pop()
            self.depth -= 1

    # -- statements ---------------------------------------------------------------------------
    def _bind(self, target: cst.BaseExpression, value: Any, env: Env, source: cst.CSTNode) -> None:
        if isinstance(target, cst.Attribute):
            base = self.eval(target.value, env)
            if isinstance(base, InstanceObj):
                if isinstance(value, (SequentialObj, FunctionalObj)):
                    value.used_as_layer = True
                    value.var_name = value.var_name or target.attr.value
                if isinstance(value, InstanceObj) and value.functional is not None:
                    value.functional.var_name = target.attr.value
                base.attrs[target.attr.value] = value
            return
        super()._bind(target, value, env, source)

    def _give_up(self, stmt: cst.CSTNode, env: Env, what: str) -> None:
        """Besides names, ``self.x`` assigned under the block becomes unknown (not "unset")."""
        super()._give_up(stmt, env, what)
        if self.depth == 0:
            return
        try:
            inst = env.lookup("self")
        except KeyError:
            inst = None
        if isinstance(inst, InstanceObj):
            for node in walk(stmt):
                targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else []
                for t in targets:
                    if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self":
                        inst.attrs[t.attr.value] = Unknown(f"self.{t.attr.value} depends on {what}")
        if not self._builds_keras(stmt):
            message = f"cannot follow {what} statically; shapes from here on are unknown"
            self.notes.append(FileNote("unsupported", message, self.spans.span(stmt), self.current_model))

    def eval(self, expr: cst.BaseExpression, env: Env) -> Any:
        if isinstance(expr, cst.BinaryOperation):
            left, right = self.eval(expr.left, env), self.eval(expr.right, env)
            op = _BIN_OPS.get(type(expr.operator))
            if isinstance(left, TensorRef) or isinstance(right, TensorRef):
                return self._tensor_binop(op, left, right, expr)
            return _binop(op, left, right, expr)
        return fold(expr, env, self._hook)

    def _tensor_binop(self, op: Optional[str], left: Any, right: Any, expr: cst.BinaryOperation) -> Any:
        """``x + y`` on two tensors is Keras' ``Add`` (``-``, ``*``: ``Subtract``, ``Multiply``);
        a tensor with a number or anything else is not followed."""
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return left if isinstance(left, Unknown) else right  # already explained where it arose
        if op in _BINOP_MERGES and isinstance(left, TensorRef) and isinstance(right, TensorRef):
            layer = LayerObj(_BINOP_MERGES[op], (), {}, self._binop_span(expr))
            return self._register(Proto(layer, [left.key, right.key]))
        return self._unfollowed(f"`{source_text(expr)}`", expr)

    def _unfollowed(self, what: str, node: cst.CSTNode) -> Unknown:
        span = self._binop_span(node) if isinstance(node, cst.BinaryOperation) else self.spans.span(node)
        message = f"{what} is not followed; shapes from here on are unknown"
        self.notes.append(FileNote("unsupported", message, span, self.current_model))
        return Unknown(f"{what} is not followed")

    def _binop_span(self, node: cst.BinaryOperation) -> Span:
        """Binary operations are not in :class:`SpanIndex`; match them to ``ast.BinOp`` by
        source order the same way (only for the few reported)."""
        if self._binop_spans is None:
            self._binop_spans = {}
            ours = [n for n in walk(self.module) if isinstance(n, cst.BinaryOperation)]
            try:
                theirs = sorted(
                    (n for n in ast.walk(ast.parse(self._source)) if isinstance(n, ast.BinOp)),
                    key=lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0), -(n.end_col_offset or 0)),
                )
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                theirs = []
            if len(theirs) == len(ours):
                for c, a in zip(ours, theirs):
                    end = a.end_lineno or a.lineno
                    self._binop_spans[id(c)] = Span(a.lineno, a.col_offset + 1, end, (a.end_col_offset or 0) + 1)
        return self._binop_spans.get(id(node)) or self.spans.span(node)

    # -- calls ------------------------------------------------------------------------------
    def _hook(self, call: cst.Call, env: Env) -> Any:
        func = call.func
        q = self._resolve(func, env)
        if q is not None:
            special = self._qualified_call(q, call, env)
            return special if special is not NOT_HANDLED else super()._hook(call, env)
        if isinstance(func, cst.Attribute):
            if _is_super(func.value):
                return self._super_call(func.attr.value, call, env)
            base = self.eval(func.value, env)
            if isinstance(base, InstanceObj):
                return self._instance_method(base, func.attr.value, call, env)
            if isinstance(base, (SequentialObj, FunctionalObj)):
                return self._model_method(base, func.attr.value, call, env)
            if isinstance(base, QualRef):
                kind = classify(f"{base.name}.{func.attr.value}")
                return self._keras_call(kind, call, env) if kind else NOT_HANDLED
            return NOT_HANDLED
        if isinstance(func, cst.Name) and func.value in ("getattr", "setattr") and not env.is_local(func.value):
            return self._attr_builtin(func.value, call, env)
        callee = self.eval(func, env)
        if isinstance(callee, InstanceObj):
            return self._apply_instance(callee, call, env)
        cls = self._keras_class(callee)
        if cls is not None:
            folded = fold_call(call, env, self._hook)
            return self.instantiate(cls, folded.args, folded.kwargs, call)
        return self._call_value(callee, call, env)

    def _attr_builtin(self, name: str, call: cst.Call, env: Env) -> Any:
        """``getattr(self, f"conv{i}")`` / ``setattr(self, name, layer)`` on an instance."""
        folded = fold_call(call, env, self._hook)
        args = folded.args
        if len(args) >= 2 and isinstance(args[0], InstanceObj) and isinstance(args[1], str):
            if name == "setattr" and len(args) == 3:
                args[0].attrs[args[1]] = args[2]
                return None
            if name == "getattr":
                if args[1] in args[0].attrs or len(args) < 3:
                    return args[0].fold_attr(args[1])
                return args[2]
        return Unknown(f"{source_text(call, 60)} is not followed")

    def _qualified_call(self, q: str, call: cst.Call, env: Env) -> Any:
        """Array factories (example inputs) and ``keras.ops``-style functions on tensors."""
        parts = q.split(".")
        last = parts[-1]
        if parts[0] in _ARRAY_ROOTS and last in _FACTORIES and classify(q) is None:
            return self._array(q, call, env)
        if self.depth == 0 or not (parts[0] in ("keras", "tensorflow", "tf_keras")) or classify(q) is not None:
            return NOT_HANDLED
        folded = fold_call(call, env, self._hook)
        tensors = [a for a in folded.args if isinstance(a, TensorRef)]
        first = folded.args[0] if folded.args else None
        if isinstance(first, (list, tuple)) and first and all(isinstance(t, TensorRef) for t in first):
            tensors = list(first)
        if not tensors:  # not on a tensor; but never evaluate layer calls in the arguments twice
            nested = any(isinstance(n, cst.Call) for a in call.args for n in walk(a.value))
            return Unknown(f"{source_text(call, 60)} is not a constant") if nested else NOT_HANDLED
        span = self.spans.span(call)
        if last in _ACTIVATIONS and len(folded.args) == 1 and not folded.kwargs:
            layer = LayerObj("Activation", (), {"activation": last}, span)
            return self._register(Proto(layer, [tensors[0].key]))
        if last in _MERGES and len(tensors) == 2 and not folded.kwargs:
            return self._register(Proto(LayerObj(_MERGES[last], (), {}, span), [t.key for t in tensors]))
        if last in ("concatenate", "concat") and isinstance(first, (list, tuple)) and len(tensors) > 1:
            axis = folded.kwargs.get("axis", folded.args[1] if len(folded.args) > 1 else 0)
            if isinstance(axis, int) and not isinstance(axis, bool) and axis != 0:  # 0 joins batches
                layer = LayerObj("Concatenate", (), {"axis": axis}, span)
                return self._register(Proto(layer, [t.key for t in tensors]))
        if last == "reshape" and isinstance(first, TensorRef):
            shape = folded.args[1] if len(folded.args) > 1 else folded.kwargs.get("shape", folded.kwargs.get("newshape"))
            ints = isinstance(shape, (list, tuple)) and all(type(d) is int for d in shape)
            if ints and len(shape) > 1 and shape[0] == -1 and list(shape[1:]).count(-1) <= 1:  # batch first
                layer = LayerObj("Reshape", (), {"target_shape": tuple(shape[1:])}, span)
                return self._register(Proto(layer, [first.key]))
        return self._unfollowed(f"`{source_text(call, 60)}` ({q})", call)

    def _array(self, q: str, call: cst.Call, env: Env) -> ArrayVal:
        folded = fold_call(call, env, self._hook)
        last = q.split(".")[-1]
        shape: Any = None
        if last in ("rand", "randn"):
            shape = tuple(folded.args)
        elif q.startswith("numpy.random.") and last in ("normal", "uniform"):
            shape = folded.kwargs.get("size", folded.args[2] if len(folded.args) > 2 else None)
        else:
            shape = folded.args[0] if folded.args else folded.kwargs.get("shape", folded.kwargs.get("size"))
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        if isinstance(shape, list):
            shape = tuple(shape)
        if not (isinstance(shape, tuple) and shape and all(isinstance(d, int) and not isinstance(d, bool) for d in shape)):
            shape = None
        return ArrayVal(f"{source_text(call, 60)} is an array, not a constant", shape)

    def _super_call(self, name: str, call: cst.Call, env: Env) -> Any:
        """``super().__init__(**kwargs)``: a local parent's method runs; Keras' own does nothing
        convlint needs."""
        folded = fold_call(call, env, self._hook)
        if not self.class_stack:
            return None
        try:
            inst = env.lookup("self")
        except KeyError:
            return None
        if not isinstance(inst, InstanceObj):
            return None
        for parent in self.class_stack[-1].parents:
            found = parent.method(name)
            if found is not None:
                return self.run_method(inst, found, tuple(folded.args), folded.kwargs, call)
        if name == "__init__" and inst.cls.kind == "model":  # a functional model built in __init__
            args, kwargs = folded.args, folded.kwargs
            inputs = args[0] if args else kwargs.get("inputs")
            outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
            if _tensors(outputs):
                model = FunctionalObj(self.spans.span(call), _tensors(inputs), _tensors(outputs))
                model.var_name = snake_case(inst.cls.name)
                model.used_as_layer = True  # reported under the class name, not on its own
                inst.functional = model
        return None

    def _instance_method(self, inst: InstanceObj, name: str, call: cst.Call, env: Env) -> Any:
        if name in inst.attrs:
            value = inst.attrs[name]
            if isinstance(value, InstanceObj):
                return self._apply_instance(value, call, env)
            if isinstance(value, LayerObj):
                return self._apply_layer(value, call, env)
            if isinstance(value, (SequentialObj, FunctionalObj)):
                return self._apply_model(value, call, env)
            fold_call(call, env, self._hook)  # layers applied in the arguments still count
            return value if isinstance(value, Unknown) else Unknown(f"self.{name} is not a layer")
        folded = fold_call(call, env, self._hook)
        if name == "build":
            shape = folded.args[0] if folded.args else folded.kwargs.get("input_shape")
            if isinstance(shape, (list, tuple)) and shape and all(isinstance(d, (list, tuple)) for d in shape):
                if all(len(d) > 1 for d in shape):  # one shape per input of a multi-input model
                    inst.build_shape = [tuple(d)[1:] for d in shape]
            elif isinstance(shape, (list, tuple)) and len(shape) > 1:
                inst.build_shape = tuple(shape)[1:]
            return None
        if name in ("predict", "__call__") and folded.args:
            self._record_example(inst, folded.args[0])
        found = inst.cls.method(name)
        if found is not None and self.depth > 0:
            return self.run_method(inst, found, tuple(folded.args), folded.kwargs, call)
        return Unknown(f"{source_text(call, 60)} is not followed")

    def _record_example(self, inst: InstanceObj, value: Any) -> None:
        if inst.example_shape is not None:
            return
        if isinstance(value, ArrayVal) and value.shape is not None and len(value.shape) > 1:
            inst.example_shape = value.shape[1:]
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, ArrayVal) for v in value):
            shapes = [v.shape for v in value]
            if all(shape is not None and len(shape) > 1 for shape in shapes):
                inst.example_shape = [shape[1:] for shape in shapes]  # a multi-input model

    def _apply_instance(self, inst: InstanceObj, call: cst.Call, env: Env) -> Any:
        """Calling an instance: inside a model (or on a Keras tensor) its ``call`` is inlined;
        at module level with an array it is an example that gives the input shape."""
        if inst.functional is not None and inst.cls.method("call") is None:
            return self._apply_model(inst.functional, call, env)
        folded = fold_call(call, env, self._hook)
        args = list(folded.args)
        kwargs = dict(folded.kwargs)
        if not args and "inputs" in kwargs:
            args.append(kwargs.pop("inputs"))
        first = args[0] if args else None
        tensor = isinstance(first, TensorRef) or (isinstance(first, (list, tuple)) and any(isinstance(t, TensorRef) for t in first))
        if self.depth == 0 and not tensor:
            self._record_example(inst, first)
            return Unknown(f"the output of {inst.cls.name} (computed at run time)")
        if self.depth == 0:
            assign_paths(inst, snake_case(inst.cls.name) + "/")
        return self.run_call(inst, args, kwargs, call)

    def run_call(self, inst: InstanceObj, args: List[Any], kwargs: Dict[str, Any], call: cst.CSTNode) -> Any:
        found = inst.cls.method("call")
        if found is None:
            return self._unfollowed(f"{inst.cls.name} (it has no call method)", call)
        if len(self.stack) >= 24:
            return Unknown(f"{inst.cls.name} nests too deeply to follow")
        build = inst.cls.method("build")
        if build is not None and not inst.built:  # layers created in build(input_shape)
            inst.built = True
            self.run_method(inst, build, (_build_shape(args[0] if args else None),), {}, call)
            if inst.path is not None:  # name the layers build() created (``gate.squeeze``)
                assign_paths(inst, inst.path)
        params = found[0].params
        training = next((p for p in list(params.params) + list(params.kwonly_params) if p.name.value == "training"), None)
        if training is not None and "training" not in kwargs and training.default is None:
            # not passed and no default: Keras passes the call context's value, and the calls
            # convlint follows (``model(x)``, ``summary()``) run in inference, where it is None
            kwargs["training"] = None
        return self.run_method(inst, found, tuple(args), kwargs, call)

    def _add(self, seq: SequentialObj, item: Any) -> None:
        """A subclassed layer in a ``Sequential``: its ``call`` on a fresh input becomes a
        functional sub-model, inlined where it stands."""
        if isinstance(item, InstanceObj):
            item = self._as_submodel(item)
        super()._add(seq, item)

    def _as_submodel(self, inst: InstanceObj) -> Any:
        name = inst.cls.name
        if inst.cls.method("call") is None:
            return Unknown(f"{inst.source} is an instance of {name}, a class defined in this file (it has no call method)")
        ref = self._register(Proto(LayerObj("Input", (), {"shape": None}, inst.span), []))
        assign_paths(inst, "")
        outputs = [t for t in _tensors(self.run_call(inst, [ref], {}, inst.cls.local.node)) if t.key in self.registry]
        if not outputs:
            return Unknown(f"the output of {inst.source} could not be followed")
        model = FunctionalObj(inst.span, [ref], outputs)
        model.var_name = snake_case(name)
        model.used_as_layer = True
        return model

    # -- models -----------------------------------------------------------------------------
    def _lower(self) -> Tuple[List[ModelGraph], List[FileNote]]:
        graphs: List[Tuple[ModelGraph, List[FileNote]]] = []
        try:
            for cls in self._model_classes():
                if cls.method("call") is None:
                    functional = self._functional_of(cls)
                    if functional is not None:
                        functional.span = self.spans.span(cls.local.node)
                        graphs.append(lower_functional(functional, cls.name, self.path, self.registry, self.options.input_shapes))
                        continue
                    message = f"subclassed Keras model '{cls.name}' has no call method; it is not analysed"
                    self.notes.append(FileNote("unsupported", message, self.spans.span(cls.local.node), cls.name))
                    continue
                graphs.append(self._class_model(cls))
        except _OutOfSteps:
            self.notes.append(FileNote("unsupported", "stopped following this file (too many steps); models may be incomplete", Span(1)))
        models, notes = super()._lower()
        for graph, model_notes in graphs:
            models.append(graph)
            notes.extend(model_notes)
        return models, notes

    def _functional_of(self, cls: KerasClass) -> Optional[FunctionalObj]:
        """The functional model a class without ``call`` builds in ``__init__``, if any."""
        inst = next((i for i in self.instances if i.cls is cls and i.functional is not None), None)
        if inst is None:
            self.depth += 1
            try:
                inst = self.instantiate(cls, (), {}, cls.local.node)  # type: ignore[arg-type]
            finally:
                self.depth -= 1
        return inst.functional

    def _model_classes(self) -> List[KerasClass]:
        """Model subclasses to report: not the ones only used as parts of other classes (unless
        the file gives them an instance or an input shape)."""
        used = set()
        for cls in self.class_order:
            for node in walk(cls.local.node.body):
                if isinstance(node, cst.Name):
                    used.add(node.value)
        used.update(p.name for c in self.class_order for p in c.parents)  # abstract bases too
        lines = self._source.splitlines()
        out = []
        for cls in self.class_order:
            if cls.kind != "model":
                continue
            has_instance = any(i.cls is cls for i in self.instances)
            line = self.spans.span(cls.local.node).line
            if cls.name in used and not has_instance and self._declared(cls, lines, line) is None:
                continue
            out.append(cls)
        return out

    def _declared(self, cls: KerasClass, lines: List[str], line: int) -> Optional[Tuple[Any, ...]]:
        from .torch import declared_shape

        found = declared_shape(lines, line)
        if found is None:
            shapes = self.options.input_shapes or {}
            value = shapes.get(f"{self.path}::{cls.name}", shapes.get(cls.name))
            found = tuple(value) if value is not None else None
        return found

    def _class_model(self, cls: KerasClass) -> Tuple[ModelGraph, List[FileNote]]:
        span = self.spans.span(cls.local.node)
        insts = [i for i in self.instances if i.cls is cls]
        inst = next((i for i in insts if i.build_shape is not None), None)
        inst = inst or next((i for i in insts if i.example_shape is not None), None)
        inst = inst or (insts[0] if insts else None)
        if inst is None:
            self.depth += 1  # not an instance of the file's own
            try:
                inst = self.instantiate(cls, (), {}, cls.local.node)  # type: ignore[arg-type]
            finally:
                self.depth -= 1
        shape = inst.build_shape if inst.build_shape is not None else inst.example_shape
        if shape is None:
            shape = self._declared(cls, self._source.splitlines(), span.line)
        assign_paths(inst, "")
        shapes = shape if isinstance(shape, list) else [shape]
        refs = [self._register(Proto(LayerObj("Input", (), {"shape": s}, span), [])) for s in shapes]
        arg: Any = refs if isinstance(shape, list) else refs[0]
        before = set(self.registry)
        self.current_model = cls.name
        self.depth += 1
        try:
            result = self.run_call(inst, [arg], {}, cls.local.node)
        finally:
            self.depth -= 1
            self.current_model = None
        outputs = [t for t in _tensors(result) if t.key in self.registry]
        reached = ancestors([t.key for t in outputs], self.registry)
        extra = [t for t in self._sinks(set(self.registry) - before) if t.key not in reached]
        model = FunctionalObj(span, refs, outputs + extra)
        graph, notes = lower_functional(model, cls.name, self.path, self.registry, self.options.input_shapes)
        if outputs:  # layers cut off by something unknown are shown, but are not outputs
            graph.outputs = graph.outputs[: len(outputs)]
        return graph, notes

    def _sinks(self, created: set) -> List[TensorRef]:
        """Protos a ``call`` created that nothing consumed (its result was unknown): the layers
        still appear, with whatever shapes could be found."""
        consumed = {k for key in created for k in self.registry[key].inputs}
        return [TensorRef(k) for k in sorted(created, key=lambda k: self.registry[k].uid) if k not in consumed]


def assign_paths(value: Any, prefix: str, seen: Optional[set] = None) -> None:
    """Name every layer reachable from an instance by its attribute path (``blocks.0``,
    ``block.conv``); the first path to reach a layer wins."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, LayerObj):
        value.name = prefix.rstrip(".") or value.name
    elif isinstance(value, InstanceObj):
        value.path = prefix
        for name, attr in value.attrs.items():
            assign_paths(attr, f"{prefix}{name}.", seen)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            assign_paths(item, f"{prefix}{i}.", seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            assign_paths(item, f"{prefix}{key}.", seen)


def _is_super(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "super"


def _body(node: cst.ClassDef) -> Sequence[cst.CSTNode]:
    return node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
