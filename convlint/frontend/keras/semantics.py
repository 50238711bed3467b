"""What Keras names and objects mean to the framework-neutral interpreter.

The interpreter runs the code; this semantics models only what builds a model: layer
construction (anything under a ``keras.layers`` namespace, resolved through the file's own
imports), layer calls on symbolic tensors, ``Input``, ``Sequential`` (list or ``.add``),
functional ``Model(inputs, outputs)``, models used as layers, and subclassed models and layers
(``keras.Model`` / ``keras.layers.Layer`` subclasses of the code: ``__init__`` records their
layers, ``call`` applied to a placeholder input builds their graph, ``build(input_shape)``
runs first).  Every layer application becomes a :class:`~convlint.frontend.keras.objects.Proto`
in one registry; the front end lowers finished models to graphs.

Choices worth knowing:

* ``keras.backend.image_data_format()`` is ``"channels_last"`` (Keras' default, the layout
  convlint reads Keras code in); ``training`` in ``call`` is ``None`` (a direct ``model(x)``
  call, as ``summary()`` and ``predict()`` run it).
* A number combined with a tensor (``x + 3.0``, ``x * (1.0 / 6.0)``) keeps the tensor's shape.
* Unfoldable layer arguments become ``Unknown`` plus an ``unresolved`` note, except framework
  objects passed as options (``activation=tf.nn.relu``, ``kernel_regularizer=l2(...)``) and
  ``name=``, which would only be noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst

from ...dims import Expr, subs, sym
from ...graph import Span, Unknown, UnknownRest
from ...shape_refs import dim_at, reads_tensor, tensor_refs
from ..python.arrays import DataArray
from ..python.semantics import Semantics
from ..python.syntax import walk
from ..python.values import NOT_HANDLED, BoundMethod, ClassVal, FreeParam, FuncVal, Instance, Partial, QualName, SuperVal
from . import legacy
from .lower import ancestors, lower_functional
from .names import KERAS_ALIASES, KERAS_ROOTS, classify, classify_root, is_shape_function
from .objects import FunctionalObj, LayerObj, Proto, SequentialObj, ShapeRef, TensorRef, snake_case
from ...shape_refs import tensor_dim

__all__ = ["KerasSemantics", "ArrayVal", "FrameworkVal"]

# Layers whose first argument is a size: a bare parameter without a value there becomes a symbol.
_SIZE_FIRST = ("Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
               "SeparableConv1D", "SeparableConv2D")
_SIZE_KEYWORDS = ("units", "filters")
_AS_SYMBOL = "has no value here (a parameter without a default); analysed as the symbol "
# keras.ops / tf.nn / keras.activations functions that are a Keras layer of the same shape rule.
_ACTIVATIONS = {
    "relu", "relu6", "sigmoid", "tanh", "softmax", "gelu", "silu", "swish", "elu", "selu",
    "softplus", "softsign", "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "mish", "log_softmax",
}
_MERGES = {"add": "Add", "subtract": "Subtract", "multiply": "Multiply", "maximum": "Maximum", "minimum": "Minimum"}
# Element-wise math of one tensor (the other arguments numbers or a dtype): the shape stays.
_ELEMENTWISE = {
    "exp", "log", "sqrt", "rsqrt", "abs", "square", "negative", "sign", "floor", "ceil", "round", "sin", "cos", "tan",
    "reciprocal", "log1p", "expm1", "erf", "stop_gradient", "identity", "cast", "clip", "clip_by_value", "pow",
    "power", "add", "subtract", "multiply", "divide", "true_divide", "truediv", "maximum", "minimum",
}
_BINOP_MERGES = {"+": "Add", "-": "Subtract", "*": "Multiply"}
# Layers made from ops that keep their inputs' shape (a Lambda of only these keeps its input's).
_SHAPE_KEEPING = {"Activation", "Add", "Subtract", "Multiply", "Maximum", "Minimum", "Average"}
# Array factories whose shape an example call reveals.
_FACTORIES = {"zeros", "ones", "empty", "full", "normal", "uniform", "standard_normal", "truncated_normal", "random",
              "rand", "randn", "random_normal", "random_uniform"}
# Framework functions passed to a Lambda as they are (``Lambda(tf.nn.local_response_normalization)``)
# that keep their input's shape.
_SHAPE_KEEPING_FUNCTIONS = _ACTIVATIONS | {
    "local_response_normalization", "lrn", "l2_normalize", "per_image_standardization", "exp", "log", "sqrt", "abs",
    "square", "negative", "sign", "stop_gradient", "identity", "relu", "softmax",
}
_ARRAY_ROOTS = ("numpy", "keras", "tensorflow", "tf_keras", "jax", "torch")
_FRAMEWORK_ROOTS = KERAS_ROOTS + ("torch", "numpy", "jax")
_LAYER_METHODS = frozenset((
    "build", "call", "add_weight", "summary", "predict", "compile", "fit", "evaluate", "get_config", "save",
    "count_params", "get_layer", "add_loss", "add_metric", "__call__", "compute_output_shape", "save_weights",
    "load_weights",
))
"""Methods a Keras base class gives every subclass (``self.build``, ``model.summary()``)."""


ArrayVal = DataArray
"""An array built by ``np.zeros(shape)`` and the like: unknown as a value (it is data), but
its shape can give a model its input shape when passed to it."""


@dataclass(frozen=True)
class NoiseArray(DataArray):
    """An array made in the shape of a tensor (``tf.random.normal(shape=(batch, dim))`` with
    ``batch, dim = tf.shape(z)[0], tf.shape(z)[1]``): ``like`` is that tensor's key."""

    like: Optional[str] = None


@dataclass(frozen=True)
class LaterLambda(Unknown):
    """The function of a ``Lambda`` that changes the shape: run on the input of each functional
    call; where the layer is never called so (a ``Sequential``), the engine reports it."""


@dataclass(frozen=True)
class FrameworkVal(Unknown):
    """A framework object passed as an option (``kernel_regularizer=l2(1e-4)``): not a size,
    and not worth a note when it reaches a layer argument."""


class KerasSemantics(Semantics):
    """Keras meaning of calls and values, and the objects built so far."""

    def __init__(self, path: str, source: str, options: Any) -> None:
        from ...layers import default_catalogue

        self.path = path
        self.source = source
        self.options = options
        self.catalogue = options.catalogue or default_catalogue()
        self.registry: Dict[str, Proto] = {}
        self.models: List[Any] = []
        self.model_origin: Dict[int, str] = {}
        self.model_root: Dict[int, str] = {}
        """The outermost function each model was built under (``vgg_segnet`` for the model
        ``_segnet`` builds when ``vgg_segnet(101)`` calls it)."""
        self.instances: List[Instance] = []
        self.depth = 0  # > 0 while a method of a Keras subclass runs
        self.in_call = 0  # > 0 while a ``call`` builds a graph
        self._shapes: Dict[str, Any] = {}
        self._builds_cache: Dict[int, bool] = {}  # node id -> builds Keras (nodes live as long as the run)
        self.keras1 = legacy.looks_keras1(source)  # decides ``Conv2D(32, 3, 3)`` (see ``legacy``)
        self.data_format: Optional[str] = None  # set by ``keras.backend.set_image_data_format(...)``
        self.data_format_keras1 = False  # ... or by Keras 1's ``set_image_dim_ordering``

        self.cuts: Dict[str, Span] = {}
        """Where an unknown tensor or layer (by its ``?reason`` key) arose: a model whose graph
        meets one was not followed past that line (see ``lower.stop_of``)."""
        self.cut_sources: Dict[str, Set[str]] = {}
        """The known tensors (proto keys) each unknown tensor was computed from: the layers that
        made them belong to the model the unknown flows into (``lower_functional``)."""

    # -- what the interpreter asks ----------------------------------------------------------
    @property
    def building(self) -> bool:
        return self.in_call > 0

    def owns(self, value: Any) -> bool:
        return isinstance(value, (LayerObj, TensorRef, ShapeRef, SequentialObj, FunctionalObj))

    def knows(self, qualified: str) -> bool:
        return classify(qualified) is not None

    def reads_module(self, dotted: str) -> bool:
        """Keras' own applications are model code (``keras.src.applications.vgg16``), not API."""
        return super().reads_module(dotted) or ".applications" in f".{dotted}"

    def classify(self, cls: ClassVal) -> Optional[str]:
        kind: Optional[str] = None
        for base in cls.bases:
            if isinstance(base, ClassVal) and base.kind in ("keras.model", "keras.layer"):
                kind = "keras.model" if "keras.model" in (kind, base.kind) else base.kind
            elif isinstance(base, QualName):
                found = classify(base.name)
                if found is not None and found[0] == "model":
                    kind = "keras.model"
                elif found == ("layer", "Layer") and kind is None:
                    kind = "keras.layer"
        return kind

    def on_bind(self, name: str, value: Any, module_level: bool, stmt: cst.CSTNode) -> None:
        if isinstance(value, (SequentialObj, FunctionalObj)) and value.var_name is None:
            value.var_name = name

    def on_setattr(self, obj: Any, name: str, value: Any) -> bool:
        if isinstance(obj, Instance) and _is_keras(obj):
            if isinstance(value, (SequentialObj, FunctionalObj)):
                # held, not yet used: only applying it in ``call`` makes it part of the class's
                # model (a GAN or VAE wrapper that only overrides ``train_step`` must not hide it)
                value.var_name = value.var_name or name
            if isinstance(value, Instance) and value.ext.get("functional") is not None:
                value.ext["functional"].var_name = name
        return False

    def flow_note(self, stmt: cst.CSTNode, construct: str) -> Optional[str]:
        # what ``forget`` and ``poison`` will call the tensors and layers this flow makes unknown
        span = self.ip.span(stmt)
        self.cuts.setdefault(f"?it depends on {construct}", span)
        self.cuts.setdefault(f"?{_UNFOLLOWED_LAYERS}(it depends on {construct})", span)
        if self.builds_keras(stmt):
            return f"cannot follow {construct} statically; models built under it may be incomplete"
        if self.depth > 0:
            return f"cannot follow {construct} statically; shapes from here on are unknown"
        return None

    def forget(self, value: Any, why: str) -> Any:
        if isinstance(value, TensorRef):
            return self.cut("?" + why, [value])
        return NOT_HANDLED

    def cut(self, key: str, sources: Sequence[Any]) -> TensorRef:
        """The unknown tensor ``key``, computed from the tensors ``sources``."""
        known = {t.key for t in sources if isinstance(t, TensorRef) and t.known}
        if known:
            self.cut_sources.setdefault(key, set()).update(known)
        return TensorRef(key)

    def poison(self, value: Any, why: str) -> None:
        if isinstance(value, SequentialObj):  # ``model.add(...)`` under a block convlint cannot follow
            value.items.append(Unknown(f"{_UNFOLLOWED_LAYERS}({why})"))

    def truth(self, value: Any) -> Optional[bool]:
        if isinstance(value, (LayerObj, SequentialObj, FunctionalObj)):
            return True
        return None

    def unpack(self, value: Any, count: int) -> Optional[List[Any]]:
        if isinstance(value, ShapeRef):
            return list(value.fold_unpack(count))
        return None

    def iterate(self, value: Any) -> Optional[List[Any]]:
        if isinstance(value, ShapeRef):  # ``len(x.shape)``, ``for d in x.shape``
            shape = self.whole_shape(value)
            return list(shape) if shape is not None else None
        return None

    def whole_shape(self, ref: ShapeRef) -> Optional[Tuple[Any, ...]]:
        """``x.shape`` as a tuple (batch axis ``None``), where the rank is known: each axis the
        engine cannot give is the symbol for that axis."""
        if not ref.tensor.known:
            return None
        shape = self._tensor_shape(ref.tensor.key)
        if shape is None:
            return None
        return (None,) + tuple(d if d is not None else ref.fold_item(i) for i, d in enumerate(shape) if i > 0)

    def subscript(self, obj: Any, key: Any, node: cst.CSTNode) -> Any:
        if isinstance(obj, ShapeRef):
            if isinstance(key, slice):  # ``backend.int_shape(x)[1:3]``: needs the rank, so the shape
                shape = self.whole_shape(obj)
                return tuple(shape[key]) if shape is not None else Unknown("a slice of a tensor's shape that is not known")
            return obj.fold_item(key)
        if isinstance(obj, TensorRef):
            return self.unfollowed(f"indexing `{self.ip.code(node)}`", node)
        return NOT_HANDLED

    def attribute(self, obj: Any, name: str, node: cst.CSTNode) -> Any:
        if isinstance(obj, TensorRef):
            return obj.fold_attr(name)
        if isinstance(obj, Instance) and _is_keras(obj) and name not in _LAYER_METHODS:
            return Unknown(f"self.{name} is not set in {obj.cls.name}.__init__")
        return NOT_HANDLED

    def isinstance_of(self, value: Any, cls: Any) -> Optional[bool]:
        name = cls.name if isinstance(cls, QualName) else ""
        if not classify_root(name):
            return None
        last = name.rsplit(".", 1)[-1]
        if isinstance(value, LayerObj):
            return last in ("Layer", "Operation", value.type)
        if isinstance(value, TensorRef):
            return last in ("KerasTensor", "Tensor")
        if isinstance(value, (SequentialObj, FunctionalObj)):
            return last in ("Model", "Layer", "Functional", "Sequential" if isinstance(value, SequentialObj) else "")
        return False

    # -- sizes read off tensors, where control flow needs their value ---------------------
    def concrete(self, value: Any) -> Any:
        """``value`` with the dims of the tensors it reads (``x.shape[-1]``) substituted where
        they are known, so ``if x.shape[-1] != filters:`` takes the branch Keras would.

        This is the one place a front end asks the engine for shapes: the engine is a pure
        function of the graph built so far, and the branch decides which layers exist.  A dim
        the engine cannot know stays a symbol (and the condition stays undecided)."""
        if not isinstance(value, Expr):
            return value
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
                from ...engine import analyze

                inputs = [TensorRef(k) for k in ancestors([key], self.registry) if self.registry[k].layer.type == "Input"]
                sub = FunctionalObj(Span(1), inputs, [TensorRef(key)])
                try:
                    shapes = self.options.input_shapes if self.ip.model else {}
                    graph, _ = lower_functional(sub, self.ip.model or "?", self.path, self.registry, shapes)
                    shaped = analyze(graph, self.catalogue)
                    self._shapes[key] = shaped.result(graph.outputs[0]).output_shape
                except (KeyError, IndexError):  # an output that did not lower: its shape is unknown
                    pass
        return self._shapes[key]

    # -- calls of Keras names ---------------------------------------------------------------
    def call_qual(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        parts = name.split(".")
        last = parts[-1]
        if parts[0] in _ARRAY_ROOTS and last in _FACTORIES and classify(name) is None:
            return self.array(name, args, kwargs, node)
        if is_shape_function(name) and args:
            return self.shape_of(args[0])
        if not classify_root(name):
            if parts[0] in KERAS_ROOTS and _tensor_args(args):  # ``tf.nn.relu(x)``, ``tf.concat([x, y], -1)``
                return self.op_on_tensors(name, args, kwargs, node)
            return FrameworkVal(f"{name}(...) is not a constant") if parts[0] in _FRAMEWORK_ROOTS else NOT_HANDLED
        if name.endswith(".backend.image_data_format"):
            return self.data_format or "channels_last"  # Keras' default, the layout convlint reads Keras code in
        if name.endswith((".backend.set_image_data_format", ".backend.set_image_dim_ordering")) and args:
            return self.set_data_format(last, args[0], node)
        if name.endswith(".backend.image_dim_ordering"):
            return "th" if self.data_format == "channels_first" else "tf"
        if last == "is_keras_tensor" and args:
            return isinstance(args[0], TensorRef) or (False if not isinstance(args[0], Unknown) else args[0])
        kind = classify(name)
        if kind is not None:
            return self.keras_call(kind, args, kwargs, node, name)
        if _tensor_args(args):
            return self.op_on_tensors(name, args, kwargs, node)
        return FrameworkVal(f"{name}(...) is not a constant")

    def shape_of(self, tensor: Any) -> Any:
        """``keras.ops.shape(x)`` / ``keras.backend.int_shape(x)``: as ``x.shape``."""
        if isinstance(tensor, TensorRef):
            return ShapeRef(tensor)
        return tensor if isinstance(tensor, Unknown) else Unknown("the argument is not a Keras tensor")

    def keras_call(self, kind: Tuple[str, str], args: List[Any], kwargs: Dict[str, Any], node: cst.Call, qualified: Optional[str] = None) -> Any:
        """``qualified``: the called name by the file's imports (``keras.layers.Conv2D``)."""
        what, name = kind
        if what == "layer":
            return self.make_layer(name, args, kwargs, node, qualified)
        if what == "input":
            return self.make_input(args, kwargs, node)
        if what == "sequential":
            return self.make_sequential(args, kwargs, node)
        if what == "model":
            return self.make_functional(args, kwargs, node)
        if what == "legacy-merge":  # Keras 1 ``merge([a, b], mode="sum")``
            translation = legacy.translate_merge(args, kwargs)
            if translation is None or not args:
                return self.unfollowed(f"`{self.ip.code(node)}` (a Keras 1 merge mode convlint does not know)", node)
            from .legacy_fix import merge_fix  # with the edits it proposes: only for legacy code

            layer = self.make_layer(translation.type, translation.args, translation.kwargs, node)
            layer.notes.append(("legacy", translation.message, None, merge_fix(qualified, args, kwargs, node, layer.span)))
            return self.apply_layer(layer, args[:1], {}, node)
        layer = self.make_layer(name, args[1:], kwargs, node)  # ``layers.add([a, b])``
        return self.apply_layer(layer, args[:1], kwargs, node)

    def op_on_tensors(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        """``keras.ops``-style functions on tensors that are a layer of the same shape rule."""
        last = name.rsplit(".", 1)[-1]
        first = args[0] if args else None
        tensors = _tensor_args(args)
        span = self.ip.span(node)
        op = self.ip.code(node.func)
        if last in _ACTIVATIONS and len(args) == 1 and not kwargs and isinstance(first, TensorRef):
            layer = LayerObj("Activation", (), {"activation": last}, span, op=op)
            return self.register(Proto(layer, [first.key]))
        if last in _MERGES and len(tensors) == 2 and not kwargs:
            tensors = [self.noise_as(t, tensors) for t in tensors]
            return self.register(Proto(LayerObj(_MERGES[last], (), {}, span, op=op), [t.key for t in tensors]))
        others = [a for a in list(args[1:]) + list(kwargs.values()) if not isinstance(a, TensorRef)]
        if last in _ELEMENTWISE and isinstance(first, TensorRef) and len(tensors) == 1 and all(
            _scalar(a) or isinstance(a, str) or a is None for a in others
        ):  # ``ops.exp(x)``, ``ops.multiply(x, 2.0)``, ``tf.cast(x, "float32")``: x's shape
            return first
        if last in ("concatenate", "concat") and isinstance(first, (list, tuple)) and len(tensors) > 1:
            axis = kwargs.get("axis", args[1] if len(args) > 1 else 0)
            if isinstance(axis, int) and not isinstance(axis, bool) and axis != 0:  # 0 joins batches
                return self.register(Proto(LayerObj("Concatenate", (), {"axis": axis}, span), [t.key for t in tensors]))
        if last == "expand_dims" and isinstance(first, TensorRef) and first.known:
            expanded = self.expand_dims(first, kwargs.get("axis", args[1] if len(args) > 1 else None), span, op)
            if expanded is not None:
                return expanded
        if last == "reshape" and isinstance(first, TensorRef):
            shape = args[1] if len(args) > 1 else kwargs.get("shape", kwargs.get("newshape"))
            ints = isinstance(shape, (list, tuple)) and all(type(d) is int for d in shape)
            if ints and len(shape) > 1 and shape[0] == -1 and list(shape[1:]).count(-1) <= 1:  # batch first
                layer = LayerObj("Reshape", (), {"target_shape": tuple(shape[1:])}, span)
                return self.register(Proto(layer, [first.key]))
        if any(not t.known for t in tensors):
            return TensorRef(next(t.key for t in tensors if not t.known))  # already explained where it arose
        return self.unfollowed(f"`{self.ip.code(node)}` ({name})", node, tensors)

    def noise_as(self, value: Any, partners: Sequence[Any]) -> Any:
        """A random or constant array made in the shape of a tensor (``tf.random.normal(shape=
        (batch, dim))`` with ``batch, dim = tf.shape(z)[0], tf.shape(z)[1]``), combined with a
        tensor: it takes the place of that tensor, whose shape it has, so the engine checks the
        broadcast as the framework does (the VAE's ``z_mean + tf.exp(...) * epsilon``)."""
        if isinstance(value, NoiseArray) and value.like is not None and any(isinstance(p, TensorRef) for p in partners):
            return TensorRef(value.like)
        return value

    def expand_dims(self, x: TensorRef, axis: Any, span: Span, op: str) -> Optional[TensorRef]:
        """``ops.expand_dims(x, axis)`` as a ``Reshape`` of x's own sizes with a 1 inserted; the
        rank comes from the one size query.  Not the batch axis (axis 0)."""
        shape = self._tensor_shape(x.key)
        if shape is None or isinstance(axis, bool) or not isinstance(axis, int):
            return None
        rank = len(shape)
        position = axis if axis >= 0 else rank + 1 + axis
        if not 1 <= position <= rank:
            return None
        sizes: List[Any] = [tensor_dim(x.key, i) for i in range(1, rank)]
        sizes.insert(position - 1, 1)
        layer = LayerObj("Reshape", (), {"target_shape": tuple(sizes)}, span, op=op)
        return self.register(Proto(layer, [x.key]))

    def array(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> ArrayVal:
        last = name.rsplit(".", 1)[-1]
        shape: Any = None
        if last in ("rand", "randn"):
            shape = tuple(args)
        elif name.startswith("numpy.random.") and last in ("normal", "uniform"):
            shape = kwargs.get("size", args[2] if len(args) > 2 else None)
        else:
            shape = args[0] if args else kwargs.get("shape", kwargs.get("size"))
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        if isinstance(shape, list):
            shape = tuple(shape)
        like = _shaped_like(shape)
        if not (isinstance(shape, tuple) and shape and all(isinstance(d, int) and not isinstance(d, bool) for d in shape)):
            shape = None
        what = f"{self.ip.code(node)} is an array, not a constant"
        return NoiseArray(what, shape, like) if like is not None else ArrayVal(what, shape)

    # -- layers and models ------------------------------------------------------------------
    def canonical(self, name: str) -> str:
        canonical = self.catalogue.canonical("keras", name)
        return KERAS_ALIASES.get(canonical, canonical)

    def set_data_format(self, function: str, value: Any, node: cst.Call) -> None:
        """``keras.backend.set_image_data_format("channels_first")`` (Keras 1:
        ``set_image_dim_ordering("th")``): the layers built after it take that format."""
        mapped = legacy.DIM_ORDERING.get(value) if function == "set_image_dim_ordering" and isinstance(value, str) else value
        if mapped not in ("channels_first", "channels_last"):
            self.ip.note("unresolved", f"{function}({self.ip.code(node.args[0].value)}): unknown image data format", node)
            return None
        self.data_format = mapped
        self.data_format_keras1 = function == "set_image_dim_ordering"
        if self.data_format_keras1:
            self.ip.note(
                "legacy",
                f"Keras 1 spelling: use data_format={mapped!r} on each 2D/3D layer (or keras.backend."
                f"set_image_data_format({mapped!r}), which in Keras 3 applies to 1D layers too)",
                node,
                force=True,
            )
        return None

    def make_layer(self, class_name: str, args: Sequence[Any], kwargs: Dict[str, Any], node: cst.Call, qualified: Optional[str] = None) -> LayerObj:
        function = None
        if self.canonical(class_name) == "Lambda":
            args, kwargs, function = self.lambda_function(list(args), dict(kwargs), node)
        translation = None
        if not any(isinstance(a, UnknownRest) for a in args):
            translation = legacy.translate(class_name, args, kwargs, self.keras1)
        fix = None
        if translation is not None:  # a Keras 1/2 spelling: analysed with the values it meant
            from .legacy_fix import layer_fix  # with the edits it proposes: only for legacy code

            fix = layer_fix(class_name, qualified, args, kwargs, self.keras1, node, self.ip.span(node))
            class_name, args, kwargs = translation.type, translation.args, translation.kwargs
        type_name = self.canonical(class_name)
        sizes = type_name in _SIZE_FIRST
        args = list(args)
        kwargs = dict(kwargs)
        rest = next((a for a in args if isinstance(a, UnknownRest)), None) or kwargs.pop("**", None)
        args = [a for a in args if not isinstance(a, UnknownRest)]
        if sizes and args and isinstance(args[0], FreeParam):
            args[0] = sym(args[0].name)
        for key in _SIZE_KEYWORDS:
            if sizes and isinstance(kwargs.get(key), FreeParam):
                kwargs[key] = sym(kwargs[key].name)
        name = kwargs.pop("name", None)
        input_shape: Any = None
        if "input_shape" in kwargs:
            input_shape = _as_shape(kwargs.pop("input_shape"))
        keras2_batch = False
        if "batch_input_shape" in kwargs:
            batch = _as_shape(kwargs.pop("batch_input_shape"))
            input_shape = batch[1:] if isinstance(batch, tuple) else batch
            keras2_batch = type_name != "InputLayer"  # Keras 3's InputLayer still reads it
        if "input_dim" in kwargs:
            dim = kwargs.pop("input_dim")
            input_shape = input_shape if input_shape is not None else (dim,)
        layer = LayerObj(type_name, (), {}, self.ip.span(node), name=name if isinstance(name, str) else None)
        layer.input_shape = input_shape
        for value in list(args) + list(kwargs.values()):
            bad = _first_unknown(value)
            if isinstance(bad, LaterLambda):
                continue  # a Lambda run on its input when called: said by the engine if it never is
            if bad is not None and not isinstance(bad, FrameworkVal):
                layer.notes.append(("unresolved", f"{type_name}: {bad.reason}", bad.reason))
        layer.args = tuple(_plain(a) for a in args)
        layer.kwargs = {k: _plain(v) for k, v in kwargs.items()}
        if translation is not None:
            layer.notes.append(("legacy", translation.message, None, fix))
        if keras2_batch:  # read as the input it declares, as Keras 2 did; Keras 3 raises
            layer.notes.append(("legacy", f"Keras 2: {type_name}(batch_input_shape=...) is rejected by Keras 3 (unrecognized "
                                          "keyword argument); declare the input with keras.Input(batch_shape=...) before it"))
        layer.function = function
        implied = legacy.implied_data_format(type_name, self.data_format, self.data_format_keras1)
        if implied is not None and "data_format" not in layer.kwargs:
            names = self.parameter_names(type_name)
            if "data_format" in names and names.index("data_format") >= len(layer.args):
                layer.kwargs["data_format"] = implied
        if rest is not None:
            # Unexpanded *args/**kwargs: every argument not written out is unknown, so the
            # engine reports "cannot resolve" instead of a missing argument that is not missing.
            for pname in self.parameter_names(type_name)[len(args):]:
                layer.kwargs.setdefault(pname, Unknown(rest.reason))
            layer.notes.append(("unresolved", f"{type_name}: {rest.reason}", rest.reason))
        for value in list(layer.args[:1]) + [layer.kwargs.get(k) for k in _SIZE_KEYWORDS]:
            if sizes and isinstance(value, Expr) and value.is_single_symbol() and not reads_tensor(value):
                layer.notes.append(("unresolved", f"{type_name}: {value} {_AS_SYMBOL}{value}"))
        return layer

    def lambda_function(self, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Tuple[List[Any], Dict[str, Any], Any]:
        """A ``Lambda``'s function, tried on a placeholder tensor: one that keeps its input's
        shape (``lambda x: x / 255.0``, ``ops.exp``, activations) is passed on as its source
        text, so the layer works anywhere; any other is kept to be run on the real input of a
        functional call (in a ``Sequential`` its output stays unknown)."""
        fn = args[0] if args else kwargs.get("function")
        at = node.args[0].value if node.args and not node.args[0].keyword else next(
            (a.value for a in node.args if a.keyword is not None and a.keyword.value == "function"), node
        )
        text = self.ip.code(at)
        kept: Any = None
        framework = isinstance(fn, QualName) and fn.name.split(".")[0] in KERAS_ROOTS
        if framework and fn.name.rsplit(".", 1)[-1] in _SHAPE_KEEPING_FUNCTIONS:
            described: Any = text  # ``Lambda(tf.nn.local_response_normalization)``: keeps the shape
        elif not isinstance(fn, (FuncVal, BoundMethod, Partial)) and type(fn).__name__ != "LambdaVal":
            described = Unknown(f"the function {text} cannot be followed")
        else:
            probe = self.register(Proto(LayerObj("Input", (), {"shape": None}, self.ip.span(node)), []))
            quiet, self.ip.quiet = self.ip.quiet, True
            try:
                result = self.ip.call(fn, [probe], {}, node)
            finally:
                self.ip.quiet = quiet
            if isinstance(result, TensorRef) and self._keeps_shape(result.key, probe.key):
                described = text
            else:
                described = LaterLambda(f"{text} changes its input's shape; convlint follows that only in a functional call")
                kept = (fn, text)
        if args:
            args[0] = described
        else:
            kwargs["function"] = described
        return args, kwargs, kept

    def _keeps_shape(self, key: str, source: str) -> bool:
        """Whether tensor ``key`` is ``source`` through shape-keeping ops only."""
        if key == source:
            return True
        proto = self.registry.get(key)
        return (
            proto is not None
            and proto.layer.type in _SHAPE_KEEPING
            and all(self._keeps_shape(k, source) for k in proto.inputs)
        )

    def parameter_names(self, type_name: str) -> List[str]:
        spec = self.catalogue.get("keras", type_name)
        if spec is None:
            return []
        signature = spec.signatures.get(("keras", self.catalogue.canonical("keras", type_name)), ())
        return [pname for pname, _ in signature]

    def make_input(self, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> TensorRef:
        shape: Any = args[0] if args and not isinstance(args[0], UnknownRest) else kwargs.get("shape")
        batch = False
        if shape is None and ("batch_shape" in kwargs or "batch_input_shape" in kwargs):
            shape, batch = kwargs.get("batch_shape", kwargs.get("batch_input_shape")), True
        name = kwargs.get("name")
        notes: List[Tuple[str, ...]] = []
        if shape is not None:
            shape = _as_shape(shape)
            if isinstance(shape, tuple):
                shape = tuple(sym(d.name) if isinstance(d, FreeParam) else d for d in shape)
            if batch and isinstance(shape, tuple):
                shape = shape[1:]
            dims = shape if isinstance(shape, tuple) else (shape,)
            bad = next((d for d in dims if isinstance(d, Unknown)), None)
            if bad is not None:
                notes.append(("unresolved", f"Input: {bad.reason}", bad.reason))
            for d in shape if isinstance(shape, tuple) else ():
                if isinstance(d, Expr) and d.is_single_symbol() and not reads_tensor(d):
                    notes.append(("unresolved", f"Input: {d} {_AS_SYMBOL}{d}"))
        layer = LayerObj("Input", (), {"shape": shape}, self.ip.span(node), name=name if isinstance(name, str) else None)
        layer.notes.extend(notes)
        return self.register(Proto(layer, []))

    def register(self, proto: Proto) -> TensorRef:
        self.registry[proto.key] = proto
        return TensorRef(proto.key)

    def make_sequential(self, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> SequentialObj:
        seq = SequentialObj(self.ip.span(node))
        self.adopt(seq)
        layers = args[0] if args else kwargs.get("layers")
        name = kwargs.get("name")
        seq.name_kwarg = name if isinstance(name, str) else None
        if layers is None:
            return seq
        if isinstance(layers, (list, tuple)):
            for item in layers:
                self.add(seq, Unknown(item.reason) if isinstance(item, UnknownRest) else item)
            return seq
        reason = layers.reason if isinstance(layers, Unknown) else f"{self.ip.code(node.args[0].value)} is not a list of layers"
        seq.notes.append(("unresolved", f"the layers of this Sequential could not be resolved ({reason})", seq.span))
        seq.items.append(Unknown(reason))
        return seq

    def adopt(self, model: Any) -> None:
        if self.ip.current is not self.ip.info and self.ip._call_site is None:
            return  # built by a project module's own top level: that module's model, not this file's
        self.models.append(model)
        if self.ip.frames:
            self.model_origin[id(model)] = self.ip.frames[-1]  # the builder function it came from
            self.model_root[id(model)] = self.ip.frames[0]

    def add(self, seq: SequentialObj, item: Any) -> None:
        if isinstance(item, Instance) and _is_keras(item):
            item = self.as_submodel(item)
        if isinstance(item, (SequentialObj, FunctionalObj)):
            item.used_as_layer = True
        seq.items.append(item)

    def make_functional(self, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        inputs = args[0] if args else kwargs.get("inputs", kwargs.get("input"))
        outputs = args[1] if len(args) > 1 else kwargs.get("outputs", kwargs.get("output"))
        span = self.ip.span(node)
        if inputs is None and outputs is None:
            self.ip.note("unsupported", "a Keras Model without inputs/outputs (subclassing style) is not analysed", node)
            return Unknown("a Model without inputs/outputs")
        model = FunctionalObj(span, _tensors(inputs), _tensors(outputs))
        if not args and ("input" in kwargs or "output" in kwargs):
            from .legacy_fix import model_fix

            message = "Keras 1 spelling (input, output -> inputs, outputs): use Model(inputs=..., outputs=...)"
            model.notes.append(("legacy", message, span, None, model_fix(kwargs, node, span)))
        name = kwargs.get("name")
        model.name_kwarg = name if isinstance(name, str) else None
        for label, value in (("inputs", inputs), ("outputs", outputs)):
            bad = _non_tensor(value)
            if bad is not None:
                model.notes.append(("unresolved", f"the {label} of this Model could not be resolved ({bad})", span))
        self.adopt(model)
        return model

    def tensor_inputs(self, value: Any, owner: str) -> Tuple[List[str], Optional[str]]:
        """The proto keys a layer call consumes, plus a note text if some are unknown."""
        if value is None:
            return ["?no input tensor"], f"{owner} is called without an input tensor"
        items = value if isinstance(value, (list, tuple)) else [value]
        keys: List[str] = []
        problem: Optional[str] = None
        for item in items:
            if isinstance(item, TensorRef):
                keys.append(item.key)
            else:
                reason = item.reason if isinstance(item, Unknown) else "the input is not a Keras tensor"
                keys.append("?" + reason)
                problem = problem or f"{owner}: its input is unknown ({reason}); shapes from here on are unknown"
        if not keys:
            keys.append("?empty input list")
        return keys, problem

    def apply_layer(self, layer: LayerObj, args: Sequence[Any], kwargs: Dict[str, Any], node: cst.Call) -> TensorRef:
        value = args[0] if args else kwargs.get("inputs")
        tensors = value if isinstance(value, (list, tuple)) else [value]
        if layer.function is not None and tensors and all(isinstance(t, TensorRef) and t.known for t in tensors):
            # a Lambda whose function changes the shape: run it on this input, feed the layer its result
            fn, text = layer.function
            arguments = layer.kwargs.get("arguments")
            result = self.ip.call(fn, [value], dict(arguments) if isinstance(arguments, dict) else {}, node)
            followed = isinstance(result, TensorRef) and result.known
            described = text if followed else Unknown(f"{text} is not followed on this input")
            if layer.args:
                layer.args = (described, *layer.args[1:])
            else:
                layer.kwargs["function"] = described
            value = result if followed else value
        keys, problem = self.tensor_inputs(value, layer.type)
        if problem and not any(problem == n[1] for n in layer.notes):
            layer.notes.append(("unresolved", problem))
        span = self.ip.span(node)
        for key in keys:  # an unknown not placed where it arose is placed where a layer meets it
            if key.startswith("?"):
                self.cuts.setdefault(key, self.cut_at(key) or span)
        return self.register(Proto(layer, keys, call_span=span))

    def cut_at(self, key: str) -> Optional[Span]:
        """Where the undecided flow that made ``key`` unknown stands, for a name it made
        unknown (``x depends on a while loop``), else ``None``."""
        _, sep, construct = key.partition(" depends on ")
        return self.cuts.get(f"?it depends on {construct}") if sep else None

    def apply_model(self, model: Any, args: Sequence[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        model.used_as_layer = True
        model.applied = True
        value = args[0] if args else kwargs.get("inputs")
        keys, problem = self.tensor_inputs(value, model.var_name or model.name_kwarg or "model")
        kind = "sequential" if isinstance(model, SequentialObj) else "functional"
        prefix = f"{model.name_kwarg or model.var_name or kind}/"
        if problem:
            self.ip.note("unresolved", problem, node)
        if isinstance(model, SequentialObj):
            return TensorRef(self.inline_sequential(model, keys[0], prefix))
        mapping = {t.key: k for t, k in zip(model.inputs, keys)}
        for proto in sorted((self.registry[k] for k in ancestors([t.key for t in model.outputs], self.registry)), key=lambda p: p.uid):
            if proto.layer.type == "Input":
                continue
            new = Proto(proto.layer, [mapping.get(k, k) for k in proto.inputs], prefix + proto.prefix)
            self.registry[new.key] = new
            mapping[proto.key] = new.key
        outs = [TensorRef(mapping.get(t.key, t.key)) for t in model.outputs]
        return outs[0] if len(outs) == 1 else outs

    def inline_sequential(self, seq: SequentialObj, current: str, prefix: str) -> str:
        for item in seq.items:
            if isinstance(item, LayerObj):
                if item.type == "InputLayer":
                    continue
                proto = Proto(item, [current], prefix)
                self.registry[proto.key] = proto
                current = proto.key
            elif isinstance(item, SequentialObj):
                sub = f"{item.name_kwarg or item.var_name or 'sequential'}/"
                current = self.inline_sequential(item, current, prefix + sub)
            elif isinstance(item, TensorRef):
                continue
            else:
                reason = item.reason if isinstance(item, Unknown) else "a layer of the sub-model is not resolved"
                current = "?" + reason
        return current

    def unfollowed(self, what: str, node: cst.CSTNode, sources: Sequence[Any] = ()) -> TensorRef:
        """An unknown tensor made by ``what`` at ``node`` from the tensors ``sources``."""
        self.ip.note("unsupported", f"{what} is not followed; shapes from here on are unknown", node)
        key = f"?{what} is not followed"
        self.cuts.setdefault(key, self.ip.span(node))
        return self.cut(key, sources)

    # -- calls of objects -------------------------------------------------------------------
    def call_object(self, callee: Any, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        if isinstance(callee, LayerObj):
            return self.apply_layer(callee, args, kwargs, node)
        if isinstance(callee, (SequentialObj, FunctionalObj)):
            return self.apply_model(callee, args, kwargs, node)
        if isinstance(callee, Instance) and _is_keras(callee):
            return self.apply_instance(callee, args, kwargs, node)
        return NOT_HANDLED

    def call_method(self, obj: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        if isinstance(obj, SequentialObj):
            if name == "add" and (args or "layer" in kwargs):
                self.add(obj, args[0] if args else kwargs["layer"])
            elif name == "pop" and obj.items:
                obj.items.pop()
            elif name == "build":
                shape = _as_shape(args[0] if args else kwargs.get("input_shape"))
                if isinstance(shape, tuple) and shape:
                    obj.build_shape = shape[1:]
                elif isinstance(shape, Unknown):
                    obj.build_shape = shape
            return None
        if isinstance(obj, FunctionalObj):
            return None
        if isinstance(obj, Instance) and _is_keras(obj):
            return self.instance_method(obj, name, args, kwargs, node)
        if isinstance(obj, TensorRef):
            return self.unfollowed(f"`{self.ip.code(node)}`", node)
        return NOT_HANDLED

    def binop(self, op: str, left: Any, right: Any, node: cst.CSTNode) -> Any:
        """``x + y`` on two tensors is Keras' ``Add`` (``-``, ``*``: ``Subtract``,
        ``Multiply``); a tensor with a number keeps its shape (``x * (1.0 / 6.0)``)."""
        if isinstance(left, TensorRef) and not left.known:
            return left
        if isinstance(right, TensorRef) and not right.known:
            return right
        if isinstance(left, TensorRef) or isinstance(right, TensorRef):  # noise shaped like a tensor
            left, right = self.noise_as(left, [right]), self.noise_as(right, [left])
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return self.cut("?" + (left.reason if isinstance(left, Unknown) else right.reason), [left, right])
        if op in _BINOP_MERGES and isinstance(left, TensorRef) and isinstance(right, TensorRef):
            layer = LayerObj(_BINOP_MERGES[op], (), {}, self.ip.span(node), op=op)
            return self.register(Proto(layer, [left.key, right.key]))
        if isinstance(left, TensorRef) and _scalar(right) and op in ("+", "-", "*", "/", "**", "//"):
            return left
        if isinstance(right, TensorRef) and _scalar(left) and op in ("+", "-", "*", "/"):
            return right
        if isinstance(left, TensorRef) or isinstance(right, TensorRef):
            return self.unfollowed(f"`{self.ip.code(node)}`", node)
        return NOT_HANDLED

    def unary(self, op: str, value: Any, node: cst.CSTNode) -> Any:
        return value if isinstance(value, TensorRef) and op in ("Minus", "Plus") else NOT_HANDLED

    def unknown_call(self, what: str, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        tensors = _tensor_args(list(args) + list(kwargs.values()))
        if not tensors:
            return None
        unknown = next((t for t in tensors if not t.known), None)
        if unknown is not None:
            return unknown  # already explained where it arose
        return self.unfollowed(what, node, tensors)

    # -- subclassed models and layers -------------------------------------------------------
    def instantiate(self, cls: ClassVal, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        if cls.kind not in ("keras.model", "keras.layer"):
            return NOT_HANDLED
        inst = Instance(cls)
        inst.ext.update(span=self.ip.span(node), source=self.ip.code(node, 60), path=None, built=False)
        init = cls.method("__init__")
        if init is not None:
            self.run_method(inst, init, list(args), kwargs, node)
        if self.depth == 0 and (self.ip.current is self.ip.info or self.ip._call_site is not None):
            self.instances.append(inst)
        return inst

    def run_method(
        self, inst: Instance, func: Any, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode, site: Any = None
    ) -> Any:
        self.depth += 1
        try:
            return self.ip.invoke(func, [inst] + list(args), kwargs, node, site)
        finally:
            self.depth -= 1

    def super_call(self, sup: SuperVal, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        """``super().__init__(inputs, outputs)`` of a ``keras.Model`` subclass builds a
        functional model; Keras' own other base methods do nothing convlint needs."""
        inst = sup.self_obj
        if name == "__init__" and isinstance(inst, Instance) and inst.cls.kind == "keras.model":
            inputs = args[0] if args else kwargs.get("inputs")
            outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
            if _tensors(outputs):
                model = FunctionalObj(self.ip.span(node), _tensors(inputs), _tensors(outputs))
                model.var_name = snake_case(inst.cls.name)
                model.used_as_layer = True  # reported under the class name, not on its own
                inst.ext["functional"] = model
        return None

    def instance_method(self, inst: Instance, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        if name == "build":
            shape = args[0] if args else kwargs.get("input_shape")
            if isinstance(shape, (list, tuple)) and shape and all(isinstance(d, (list, tuple)) for d in shape):
                if all(len(d) > 1 for d in shape):  # one shape per input of a multi-input model
                    inst.ext["build_shape"] = [tuple(d)[1:] for d in shape]
            elif isinstance(shape, (list, tuple)) and len(shape) > 1:
                inst.ext["build_shape"] = tuple(shape)[1:]
            return None
        if name in ("predict", "__call__") and args:
            self.record_example(inst, args[0])
        return Unknown(f"{self.ip.code(node, 60)} is not followed")

    def record_example(self, inst: Instance, value: Any) -> None:
        if inst.ext.get("example_shape") is not None:
            return
        if isinstance(value, ArrayVal) and value.shape is not None and len(value.shape) > 1:
            inst.ext["example_shape"] = value.shape[1:]
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, ArrayVal) for v in value):
            shapes = [v.shape for v in value]
            if all(shape is not None and len(shape) > 1 for shape in shapes):
                inst.ext["example_shape"] = [shape[1:] for shape in shapes]  # a multi-input model

    def apply_instance(self, inst: Instance, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        """Calling an instance: inside a model (or on a Keras tensor) its ``call`` is inlined;
        at module level with an array it is an example that gives the input shape."""
        functional = inst.ext.get("functional")
        if functional is not None and inst.cls.method("call") is None:
            return self.apply_model(functional, args, kwargs, node)
        args = list(args)
        kwargs = dict(kwargs)
        if not args and "inputs" in kwargs:
            args.append(kwargs.pop("inputs"))
        first = args[0] if args else None
        tensor = isinstance(first, TensorRef) or (isinstance(first, (list, tuple)) and any(isinstance(t, TensorRef) for t in first))
        if self.depth == 0 and not tensor:
            self.record_example(inst, first)
            return Unknown(f"the output of {inst.cls.name} (computed at run time)")
        if self.depth == 0:
            assign_paths(inst, snake_case(inst.cls.name) + "/")
        return self.run_call(inst, args, kwargs, node)

    def run_call(self, inst: Instance, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode, site: Any = None) -> Any:
        call = inst.cls.method("call")
        if call is None:
            return self.unfollowed(f"{inst.cls.name} (it has no call method)", node, _tensor_args(list(args)))
        build = inst.cls.method("build")
        if build is not None and not inst.ext.get("built"):  # layers created in build(input_shape)
            inst.ext["built"] = True
            self.run_method(inst, build, [_build_shape(args[0] if args else None)], {}, node, site)
            if inst.ext.get("path") is not None:  # name the layers build() created (``gate.squeeze``)
                assign_paths(inst, inst.ext["path"])
        params = call.node.params
        training = next((p for p in list(params.params) + list(params.kwonly_params) if p.name.value == "training"), None)
        if training is not None and "training" not in kwargs and training.default is None:
            # not passed and no default: Keras passes the call context's value, and the calls
            # convlint follows (``model(x)``, ``summary()``) run in inference, where it is None
            kwargs["training"] = None
        self.in_call += 1
        try:
            return self.run_method(inst, call, args, kwargs, node, site)
        finally:
            self.in_call -= 1

    def as_submodel(self, inst: Instance) -> Any:
        """A subclassed layer in a ``Sequential``: its ``call`` on a fresh input becomes a
        functional sub-model, inlined where it stands."""
        name = inst.cls.name
        source = inst.ext.get("source", name)
        if inst.cls.method("call") is None:
            return Unknown(f"{source} is an instance of {name}, a class defined in this file (it has no call method)")
        ref = self.register(Proto(LayerObj("Input", (), {"shape": None}, inst.ext.get("span", Span(1))), []))
        assign_paths(inst, "")
        self.depth += 1
        try:
            result = self.run_call(inst, [ref], {}, inst.cls.node)
        finally:
            self.depth -= 1
        outputs = [t for t in _tensors(result) if t.key in self.registry]
        if not outputs:
            return Unknown(f"the output of {source} could not be followed")
        model = FunctionalObj(inst.ext.get("span", Span(1)), [ref], outputs)
        model.var_name = snake_case(name)
        model.used_as_layer = True
        return model

    # -- static questions -------------------------------------------------------------------
    def builds_keras(self, node: cst.CSTNode) -> bool:
        """Does ``node`` call anything under a Keras namespace directly?  (Cached per node.)"""
        from ..python.imports import qualified_name

        known = self._builds_cache.get(id(node))
        if known is None:
            known = False
            imports = self.ip.current.imports
            for inner in walk(node):
                if isinstance(inner, cst.Call):
                    q = qualified_name(inner.func, imports)
                    if q is not None and classify(q) is not None:
                        known = True
                        break
            self._builds_cache[id(node)] = known
        return known


_UNFOLLOWED_LAYERS = "layers added under a block convlint cannot follow "


def _is_keras(inst: Instance) -> bool:
    return inst.cls.kind in ("keras.model", "keras.layer")


def assign_paths(value: Any, prefix: str, seen: Optional[set] = None) -> None:
    """Name every layer reachable from an instance by its attribute path (``blocks.0``,
    ``block.conv``); the first path to reach a layer wins."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, LayerObj):
        value.name = prefix.rstrip(".") or value.name
    elif isinstance(value, Instance):
        value.ext["path"] = prefix
        for name, attr in value.attrs.items():
            assign_paths(attr, f"{prefix}{name}.", seen)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            assign_paths(item, f"{prefix}{i}.", seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            assign_paths(item, f"{prefix}{key}.", seen)


def _build_shape(first: Any) -> Any:
    """What Keras passes to ``build``: the shape of the first call's input (a list of shapes
    for a list of inputs), whose items the engine fills in (``Dense(input_shape[-1])``)."""
    if isinstance(first, TensorRef):
        return ShapeRef(first)
    if isinstance(first, (list, tuple)) and first and all(isinstance(t, TensorRef) for t in first):
        return [ShapeRef(t) for t in first]
    return Unknown("the input shape passed to build()")


def _shaped_like(shape: Any) -> Optional[str]:
    """The tensor key when ``shape`` is ``(x.shape[0], x.shape[1], ...)`` of one tensor ``x``,
    axes in order from 0 (the sizes ``tf.shape(x)`` gives)."""
    if not isinstance(shape, tuple) or not shape:
        return None
    keys = set()
    for axis, d in enumerate(shape):
        refs = tensor_refs(d) if isinstance(d, Expr) and d.is_single_symbol() else {}
        if len(refs) != 1:
            return None
        ((key, ref_axis),) = refs.values()
        if ref_axis != axis:
            return None
        keys.add(key)
    return keys.pop() if len(keys) == 1 else None


def _scalar(v: Any) -> bool:
    return isinstance(v, (int, float, Expr)) and not isinstance(v, bool)


def _first_unknown(value: Any) -> Optional[Unknown]:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, QualName) and value.name.split(".")[0] not in _FRAMEWORK_ROOTS:
        origin = value.name.rpartition(".")[0] or value.name
        return Unknown(f"{value.name.rpartition('.')[2]} is not a constant (it is imported from {origin})")
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


def _plain(value: Any) -> Any:
    """Layer arguments are data: a layer object, a tensor or a function passed as an argument
    (a wrapper such as ``TimeDistributed(Conv2D(...))``) becomes an ``Unknown`` naming it."""
    if isinstance(value, (list, tuple)):
        items = [_plain(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, FreeParam):
        return Unknown(value.reason)
    if isinstance(value, LayerObj):
        return Unknown(f"a {value.type} layer object")
    if isinstance(value, QualName):
        unknown = _first_unknown(value)
        return unknown if unknown is not None else Unknown(f"{value.name} is imported, not a constant")
    if value is None or isinstance(value, (bool, int, float, str, Expr, Unknown)):
        return value
    return Unknown(f"a {type(value).__name__} object")


def _as_shape(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    return value


def _tensors(value: Any) -> List[TensorRef]:
    if isinstance(value, TensorRef):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, TensorRef)]
    return []


def _tensor_args(args: Sequence[Any]) -> List[TensorRef]:
    out: List[TensorRef] = []
    for a in args:
        if isinstance(a, TensorRef):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            out.extend(t for t in a if isinstance(t, TensorRef))
    return out


def _non_tensor(value: Any) -> Optional[str]:
    items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if not isinstance(item, TensorRef):
            return item.reason if isinstance(item, Unknown) else f"{type(item).__name__} is not a Keras tensor"
    return None
