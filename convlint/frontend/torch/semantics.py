"""What PyTorch's names and objects mean: layer constructors, containers, functional ops,
tensor methods, example calls.

The PyTorch :class:`~convlint.frontend.python.semantics.Semantics`: the framework-neutral
interpreter evaluates Python and sends here every call of a ``torch`` name, of a module object
or of a tensor.  Each such call either builds a module object (``nn.Conv2d(...)``), appends
nodes to the current graph (``self.conv1(x)``, ``F.relu(x)``, ``x.view(...)``), records an
example input (``model(torch.randn(...))``), or yields an unknown value with a note.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from ...dims import Expr
from ...graph import SizeOf, Unknown
from ..python.semantics import Semantics
from ..python.values import NOT_HANDLED, ClassVal, Instance, QualName, is_plain
from .builder import Builder, Example
from .ops import DROP, FUNCTIONAL, IDENTITY_METHODS, TENSOR_FACTORIES, TENSOR_METHODS, TORCH_FUNCS, OpSpec
from .values import (
    UNKNOWN_TENSOR,
    ContainerObj,
    ModuleObj,
    ParamVal,
    ShapeVal,
    SizeVal,
    TensorVal,
    is_module,
    torch_base,
)

__all__ = ["TorchSemantics", "Opaque", "tensors_in", "set_training"]

_MODULE_SELF_METHODS = frozenset({"to", "eval", "train", "cuda", "cpu", "double", "float", "half", "requires_grad_"})
"""Module methods returning the module itself (``Net().to(device)``)."""
_DEVICE_METHODS = frozenset({"to", "cuda", "cpu", "double", "float", "half", "bfloat16", "requires_grad_"})
"""Of those, the ones that change neither which layers exist nor their mode (``eval``/``train``
do: ``if self.training:`` in ``forward`` reads it)."""
_OPAQUE_METHODS = frozenset({"parameters", "named_parameters", "buffers", "named_buffers", "state_dict"})
"""Iterating these reads or initialises weights; it never changes which layers exist."""
_MODULE_ITERATORS = frozenset({"modules", "children", "named_modules", "named_children"})


def set_training(obj: Any, mode: Any, seen: Optional[set] = None) -> None:
    """``model.eval()`` / ``model.train(mode)``: ``self.training`` of the module and of every
    submodule of this file's classes (what ``forward`` reads in ``if self.training:``)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Instance):
        obj.attrs["training"] = mode
        seq = obj.ext.get("seq")
        children = list(obj.attrs.values()) + ([v for _, v in seq.items] if seq is not None else [])
    elif isinstance(obj, ContainerObj):
        children = obj.values()
    elif isinstance(obj, (list, tuple)):
        children = list(obj)
    else:
        return
    for child in children:
        set_training(child, mode, seen)


class Opaque:
    """``self.modules()`` and friends: iterating them initialises weights, it builds nothing."""

    def __init__(self, what: str) -> None:
        self.what = what


def _layer_attributes(layer: ModuleObj) -> Dict[str, Any]:
    """What a layer's ``__init__`` sets that a subclass's ``forward`` reads (``self.weight``,
    ``self.normalized_shape``, ``self.eps``): for ``nn.LayerNorm``, the one PyTorch's model zoo
    subclasses."""
    if layer.type != "LayerNorm":
        return {}
    names = ("normalized_shape", "eps", "elementwise_affine", "bias")
    given = dict(zip(names, layer.args))
    given.update(layer.kwargs)
    shape = given.get("normalized_shape")
    shape = (shape,) if isinstance(shape, int) else tuple(shape) if isinstance(shape, (list, tuple)) else shape
    affine = given.get("elementwise_affine", True) is not False
    out: Dict[str, Any] = {"normalized_shape": shape, "eps": given.get("eps", 1e-5)}
    known = isinstance(shape, tuple) and all(isinstance(d, int) for d in shape)
    out["weight"] = ParamVal(shape if known else None, span=layer.span) if affine else None
    out["bias"] = ParamVal(shape if known else None, span=layer.span) if affine and given.get("bias", True) is not False else None
    return out


_BIAS_AT = {"Linear": 2, "Bilinear": 3, **{f"{c}{n}d": 7 for c in ("Conv", "ConvTranspose") for n in (1, 2, 3)}}
"""Where ``bias`` stands among a layer's positional arguments."""


def _parameter(module: ModuleObj, attr: str) -> Any:
    """``m.weight`` / ``m.bias`` of a layer: a parameter, or ``None`` where the layer has none
    (``bias=False``, ``affine=False``), as ``if m.bias is not None:`` asks."""
    flag = "bias" if attr == "bias" and module.type in _BIAS_AT else "affine" if "Norm" in module.type else None
    if flag == "bias":
        value = module.kwargs.get("bias", module.args[_BIAS_AT[module.type]] if len(module.args) > _BIAS_AT[module.type] else True)
    elif flag == "affine":
        value = module.kwargs.get("affine", module.kwargs.get("elementwise_affine", True))
    else:
        value = True
    if value is False:
        return None
    if value is True:
        return ParamVal(None)
    return Unknown(f"whether {module.type} has a {attr}")


def module_list(root: Any, how: str) -> List[Any]:
    """``modules()`` (``root`` first, then every submodule depth-first, each once),
    ``children()`` (the direct submodules) and their ``named_`` forms, as PyTorch orders them."""
    def kids(obj: Any) -> List[Tuple[str, Any]]:
        if isinstance(obj, ContainerObj):
            return [(str(k), v) for k, v in obj.items if is_module(v)]
        if isinstance(obj, Instance):
            seq = obj.ext.get("seq")
            items = [(str(k), v) for k, v in seq.items] if seq is not None else []
            held = {id(v) for _, v in items}
            return items + [(k, v) for k, v in obj.attrs.items() if is_module(v) and id(v) not in held]
        return []

    if how in ("children", "named_children"):
        pairs = kids(root)
    else:
        pairs = []
        seen: set = set()

        def walk(prefix: str, obj: Any) -> None:
            if id(obj) in seen:
                return
            seen.add(id(obj))
            pairs.append((prefix, obj))
            for key, child in kids(obj):
                walk(f"{prefix}.{key}" if prefix else key, child)

        walk("", root)
    return [(k, v) for k, v in pairs] if how.startswith("named_") else [v for _, v in pairs]


def tensors_in(args: Sequence[Any], kwargs: Dict[str, Any]) -> List[TensorVal]:
    return [a for a in list(args) + list(kwargs.values()) if isinstance(a, TensorVal)]


def literal_shape(value: Any) -> Optional[Tuple[int, ...]]:
    """The shape of nested lists/tuples of numbers (``[[1.0, 2.0], [3.0, 4.0]]`` -> ``(2, 2)``),
    or ``None`` when it is ragged or holds anything else."""
    if isinstance(value, (int, float)):
        return ()
    if not isinstance(value, (list, tuple)):
        return None
    inner = [literal_shape(v) for v in value]
    if any(s is None for s in inner) or len(set(inner)) > 1:
        return None
    return (len(value), *(inner[0] if inner else ()))  # type: ignore[misc]


class TorchSemantics(Semantics):
    """PyTorch meaning of calls and values.  ``builder`` is set while a graph is being built
    (``forward`` of a model); ``script`` while module-level code runs, where layers applied to
    example tensors build a straight-line graph of their own."""

    def __init__(self, catalogue: Any = None) -> None:
        self.catalogue = catalogue  # the run's (plugin layers included); None: the built-in one
        self.builder: Optional[Builder] = None
        self.script = True
        self.constructing = 0  # > 0 while an ``__init__`` runs: control flow there decides modules
        self.examples: List[Example] = []
        self.script_builder: Optional[Builder] = None
        self.script_first_layer: Optional[str] = None
        self.anon = 0
        self.sites: Dict[str, cst.CSTNode] = {}  # module-level name -> the statement binding it
        self._shapes: Dict[Tuple[int, str], Any] = {}

    # -- what the interpreter asks ----------------------------------------------------------
    @property
    def building(self) -> bool:
        return self.builder is not None and not self.script and not self.constructing

    def owns(self, value: Any) -> bool:
        return isinstance(value, _OWNED)

    def knows(self, qualified: str) -> bool:
        parts = qualified.split(".")
        return parts[0] == "torch" and (parts[-1][:1].isupper() or "functional" in parts)

    def classify(self, cls: ClassVal) -> Optional[str]:
        for base in cls.bases:
            if isinstance(base, ClassVal) and base.kind == "torch.module":
                return "torch.module"
            if isinstance(base, QualName) and base.name.startswith("torch.nn.") and base.name.rsplit(".", 1)[-1][:1].isupper():
                return "torch.module"
            if isinstance(base, QualName) and base.name in _LIGHTNING:
                return "torch.module"
        return None

    def on_setattr(self, obj: Any, name: str, value: Any) -> bool:
        """``self.norm = nn.BatchNorm2d(...)`` in an ``nn.Sequential`` subclass registers the
        module in order, as PyTorch does: calling the Sequential runs it there."""
        seq = obj.ext.get("seq") if isinstance(obj, Instance) else None
        if seq is not None and is_module(value):
            for i, (key, _) in enumerate(seq.items):
                if key == name:
                    seq.items[i] = (name, value)
                    break
            else:
                seq.items.append((name, value))
        return False

    def on_bind(self, name: str, value: Any, module_level: bool, stmt: cst.CSTNode) -> None:
        if not module_level:
            return
        self.sites[name] = stmt
        if self.script and isinstance(value, (ModuleObj, ParamVal)) and value.path is None:
            value.path = name

    def flow_note(self, stmt: cst.CSTNode, construct: str) -> Optional[str]:
        if self.building:
            return f"convlint does not follow {construct}; shapes after it are unknown"
        return f"convlint does not follow {construct}; the modules it would create are unknown"

    # -- the one size query ------------------------------------------------------------------
    def node_shape(self, node_id: Optional[str]) -> Any:
        """The shape (batch first) of a node of the graph being built, where control flow needs
        it (``input.ndim``, ``if x.size(1) != c``): the engine run on the graph so far.  It is a
        pure function of that graph, so asking cannot change the result; ``None`` if unknown."""
        builder = self.builder
        if builder is None or self.script or node_id is None or node_id.startswith("?"):
            return None
        key = (id(builder), node_id)
        if key not in self._shapes:
            self._shapes[key] = None
            from ...engine import analyze
            from ...graph import ModelGraph, Span
            from ...layers import default_catalogue

            graph = ModelGraph("?", "torch", self.ip.info.path, Span(1), list(builder.nodes), list(builder.inputs),
                               [node_id], "channels_first", dim_refs=dict(builder.dim_refs))
            try:
                result = analyze(graph, self.catalogue or default_catalogue()).result(node_id)
                self._shapes[key] = result.output_shape if result is not None else None
            except (KeyError, IndexError):
                pass
        return self._shapes[key]

    def concrete(self, value: Any) -> Any:
        if isinstance(value, SizeVal):
            shape = self.node_shape(value.tensor.node)
            if shape is not None and isinstance(value.axis, int) and -len(shape) <= value.axis < len(shape):
                dim = shape[value.axis]
                return dim if dim is not None else value
            return value
        if isinstance(value, Expr) and self.builder is not None:
            from ...dims import free_symbols, subs

            bindings = {}
            for name in free_symbols(value):
                ref = self.builder.dim_refs.get(name)
                shape = self.node_shape(ref.node) if ref is not None else None
                if shape is not None and -len(shape) <= ref.axis < len(shape) and shape[ref.axis] is not None:
                    bindings[name] = shape[ref.axis]
            return subs(value, bindings) if bindings else value
        return value

    def broadcasts(self, param: ParamVal, x: TensorVal) -> bool:
        """Does ``param`` broadcast onto ``x`` without changing ``x``'s shape?  Asked of the
        engine through the size query; ``False`` whenever a size is not known."""
        shape = self.node_shape(x.node)
        if param.shape is None or shape is None or len(param.shape) > len(shape) - 1:
            return False
        for p, d in zip(reversed(param.shape), reversed(shape)):
            if p != 1 and p != d:
                return False
        return True

    def rank(self, t: TensorVal) -> Any:
        shape = self.node_shape(t.node)
        return len(shape) if shape is not None else Unknown("the rank of a tensor whose shape is not known")

    def forget(self, value: Any, why: str) -> Any:
        if isinstance(value, (TensorVal, SizeVal, ShapeVal)):
            return UNKNOWN_TENSOR("control flow") if isinstance(value, TensorVal) else Unknown(why)
        return NOT_HANDLED

    def poison(self, value: Any, why: str) -> None:
        """A container that skipped code may have added modules to (``layers.add_module`` under a
        loop convlint cannot follow) holds an unknown module from here: never a stale, complete
        looking list."""
        if isinstance(value, ContainerObj):
            value.items.append((str(len(value.items)), Unknown(f"modules added {why}")))

    def truth(self, value: Any) -> Optional[bool]:
        if isinstance(value, ContainerObj):
            return bool(value.items)
        if isinstance(value, (ModuleObj, ParamVal, Opaque)):
            return True
        return None

    def iterate(self, value: Any) -> Optional[List[Any]]:
        if isinstance(value, ShapeVal):  # ``len(x.shape)``, ``x.shape[2:]``: the rank is known
            rank = self.rank(value.tensor)
            return [SizeVal(value.tensor, i) for i in range(rank)] if isinstance(rank, int) else None
        if isinstance(value, Opaque):
            return []  # ``for m in self.modules(): nn.init...``: weight initialisation, no layers
        if isinstance(value, ContainerObj):
            if value.kind == "ModuleDict":
                return [k for k, _ in value.items]
            return value.values()
        if isinstance(value, Instance) and value.ext.get("seq") is not None:
            return value.ext["seq"].values()
        return None

    def unpack(self, value: Any, count: int) -> Optional[List[Any]]:
        if isinstance(value, ShapeVal):  # ``b, c, h, w = x.size()``
            return [SizeVal(value.tensor, i) for i in range(count)]
        return None

    def subscript(self, obj: Any, key: Any, node: cst.CSTNode) -> Any:
        if isinstance(obj, ShapeVal):
            if isinstance(key, int) and not isinstance(key, bool):
                return SizeVal(obj.tensor, key)
            items = self.iterate(obj)
            if isinstance(key, slice) and items is not None:
                return tuple(items[key])
            return Unknown("a slice of a tensor's shape (its rank is not known here)")
        if isinstance(obj, ContainerObj):
            if isinstance(key, slice):
                if obj.kind == "ModuleDict":
                    return Unknown("a slice of an nn.ModuleDict")
                return ContainerObj(obj.kind, obj.items[key], obj.call)
            return obj.get(key)
        if isinstance(obj, TensorVal):
            return self.unknown_tensor(f"indexing `{self.ip.code(node)}`", node, obj)
        return NOT_HANDLED

    def setitem(self, obj: Any, key: Any, value: Any) -> bool:
        if isinstance(obj, ContainerObj) and obj.kind == "ModuleDict" and is_plain(key):
            obj.items = [(k, v) for k, v in obj.items if k != str(key)] + [(str(key), value)]
            return True
        return False

    def isinstance_of(self, value: Any, cls: Any) -> Optional[bool]:
        name = cls.name if isinstance(cls, QualName) else ""
        if not name.startswith("torch."):
            return None
        last = name.rsplit(".", 1)[-1]
        if isinstance(value, TensorVal):
            return last == "Tensor"
        if isinstance(value, ModuleObj):
            return last in ("Module", value.type)
        if isinstance(value, ContainerObj):
            return last in ("Module", value.kind)
        if isinstance(value, Instance):
            return last == "Module" and value.cls.kind == "torch.module" or last in (torch_base(value.cls) or "",)
        return False

    def attribute(self, obj: Any, attr: str, node: cst.CSTNode) -> Any:
        if isinstance(obj, TensorVal):
            if attr == "shape":
                return ShapeVal(obj)
            if attr == "data":
                return obj
            if attr in ("T", "mT", "real"):
                return self.unknown_tensor(f"`.{attr}`", node, obj)
            if attr == "is_cuda":
                return False  # an example input convlint reads is a CPU tensor
            if attr == "ndim":
                return self.rank(obj)
            if attr in ("device", "dtype", "requires_grad", "ndim"):
                return Unknown(f"the tensor attribute .{attr}")
            return NOT_HANDLED
        if isinstance(obj, ModuleObj):
            if attr in ("weight", "bias"):
                return _parameter(obj, attr)
            if attr in obj.kwargs:
                return obj.kwargs[attr]
            return NOT_HANDLED
        if isinstance(obj, Instance) and obj.cls.kind == "torch.module" and attr == "training":
            return True  # a module starts in training mode (and an example ``Net()(x)`` runs in it)
        return NOT_HANDLED

    def binop(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        if isinstance(a, TensorVal) or isinstance(b, TensorVal):
            if op == "@" and isinstance(a, TensorVal) and isinstance(b, TensorVal):
                return self.emit_merge("matmul", [a, b], {}, node, "@")  # type: ignore[arg-type]
            if op in _MERGE_OPS:
                return self.merge(_MERGE_OPS[op], a, b, node, _MERGE_OPS[op])
            scalar = lambda v: isinstance(v, (int, float, Expr, SizeVal)) and not isinstance(v, bool)  # noqa: E731
            if op in ("/", "**", "//") and isinstance(a, TensorVal) and scalar(b):
                return a
            if op == "/" and isinstance(b, TensorVal) and scalar(a):
                return b
            return self.unknown_tensor(f"`{self.ip.code(node)}`", node, a, b)
        if isinstance(a, (SizeVal, Expr)) or isinstance(b, (SizeVal, Expr)):
            return self.size_arithmetic(op, a, b, node)
        return NOT_HANDLED

    def unary(self, op: str, value: Any, node: cst.CSTNode) -> Any:
        if isinstance(value, TensorVal):
            return value
        return NOT_HANDLED

    def size_arithmetic(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        """``x.size(1) * x.size(2)``, ``x.size(2) // 2``: exact integer arithmetic on symbols
        that stand for the sizes (the engine fills them in)."""
        if self.builder is None or op not in ("+", "-", "*", "//"):
            return Unknown(f"`{self.ip.code(node)}` is not followed")
        values = [self.builder.size_symbol(v) if isinstance(v, SizeVal) else v for v in (a, b)]
        if not all(isinstance(v, Expr) or (isinstance(v, int) and not isinstance(v, bool)) for v in values):
            return Unknown(f"`{self.ip.code(node)}` is not followed")
        x, y = values
        if op == "//":
            return x // y if isinstance(y, int) and y > 0 else Unknown(f"`{self.ip.code(node)}` is not followed")
        return x + y if op == "+" else x - y if op == "-" else x * y

    def unknown_call(self, what: str, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        tensors = tensors_in(args, kwargs)
        if tensors:
            return self.unknown_tensor(f"the call {what}" if what.startswith("`") and "(" in what else what, node, *tensors)
        return None

    def unknown_tensor(self, construct: str, node: cst.CSTNode, *inputs: Any) -> TensorVal:
        """An unknown result, with a note unless every tensor it was computed from was already
        unknown (the construct that made them unknown has been reported)."""
        tensors = [t for t in inputs if isinstance(t, TensorVal)]
        if tensors and not any(t.informative for t in tensors):
            return UNKNOWN_TENSOR(construct)
        self.ip.note("unsupported", f"convlint does not follow {construct}; shapes after it are unknown", node)
        return UNKNOWN_TENSOR(construct)

    # -- objects ----------------------------------------------------------------------------
    def instantiate(self, cls: ClassVal, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        if cls.kind != "torch.module":
            return NOT_HANDLED
        base = torch_base(cls)
        obj = self.new_instance(cls, node)
        if base not in (None, "Module", "Sequential", "ModuleDict", "ModuleList"):
            obj.ext["base"] = base  # a subclass of a layer (``class LayerNorm2d(nn.LayerNorm)``)
        if base in ("Sequential", "ModuleDict", "ModuleList"):  # the instance is a container too
            obj.ext["seq"] = ContainerObj(base, [], node if isinstance(node, cst.Call) else None)
        init = cls.method("__init__")
        if init is None and obj.ext.get("base"):  # no ``__init__`` of its own: the layer's runs
            layer = ModuleObj(obj.ext["base"], tuple(args), dict(kwargs), node, span=self.ip.foreign_span(node))
            obj.ext["layer"] = layer
            obj.attrs.update(_layer_attributes(layer))
        if init is not None:
            ip = self.ip
            saved = (ip.quiet, ip.model)
            ip.quiet = False
            ip.model = ip.model or cls.name
            self.constructing += 1
            first_note = len(ip.notes)
            try:
                ip.invoke(init, [obj] + list(args), kwargs, node)
            finally:
                ip.quiet, ip.model = saved
                self.constructing -= 1
                # what could not be followed while it was built: where its registration may lack modules
                obj.ext["construction_notes"] = ip.notes[first_note:]
        return obj

    def call_object(self, callee: Any, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        if isinstance(callee, (ModuleObj, ContainerObj)) or isinstance(callee, Instance) and callee.cls.kind == "torch.module":
            return self.apply_module(callee, args, kwargs, node)
        return NOT_HANDLED

    def super_call(self, sup: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        target = sup.self_obj
        if name == "__init__" and isinstance(target, Instance) and target.ext.get("base"):
            layer = ModuleObj(target.ext["base"], tuple(args), dict(kwargs), node, span=self.ip.foreign_span(node))
            target.ext["layer"] = layer
            target.attrs.update(_layer_attributes(layer))
            return None
        if name == "__init__" and isinstance(target, Instance) and target.ext.get("seq") is not None:
            seq = target.ext["seq"]
            built = self.container(seq.kind, args, kwargs, node)
            if isinstance(built, ContainerObj):
                seq.items = built.items
        elif isinstance(target, Instance) and target.ext.get("seq") is not None:
            return self.call_method(target.ext["seq"], name, args, kwargs, node)
        return None

    def call_qual(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        parts = name.split(".")
        last = parts[-1]
        if name in ("torchinfo.summary", "torchsummary.summary", "torchsummary.torchsummary.summary"):
            return self.record_summary(name, args, kwargs, node)
        if not parts[0] == "torch" and name not in _SUMMARIES:
            return NOT_HANDLED
        if name in ("torch.nn.parallel.data_parallel", "torch.nn.parallel.data_parallel.data_parallel") and len(args) >= 2:
            return self.ip.call(args[0], [args[1]], {}, node)  # runs the module on the input
        if name in ("torch.nn.DataParallel", "torch.nn.parallel.DistributedDataParallel") and args:
            return args[0]  # a wrapper: same layers, same shapes
        if name.startswith("torch.nn.functional."):
            return self.functional(last, args, kwargs, node)
        if name.startswith("torch.nn.init."):
            return None
        if name in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
            t = args[0] if args else kwargs.get("data")
            shape = t.shape if isinstance(t, TensorVal) and t.shape and all(isinstance(d, int) for d in t.shape) else None
            return ParamVal(shape, span=self.ip.foreign_span(node))
        if name.startswith("torch.nn.") and last[:1].isupper():
            if last in ("Sequential", "ModuleList", "ModuleDict"):
                return self.container(last, args, kwargs, node)
            self._check_args(last, args, kwargs, node)
            return ModuleObj(last, tuple(args), dict(kwargs), node, span=self.ip.foreign_span(node))
        if len(parts) == 2 and parts[0] == "torch":
            return self.torch_func(last, args, kwargs, node)
        return NOT_HANDLED

    def _check_args(self, type_: str, args: Sequence[Any], kwargs: Dict[str, Any], node: cst.Call) -> None:
        for value in list(args) + list(kwargs.values()):
            if isinstance(value, Unknown) or (isinstance(value, (tuple, list)) and any(isinstance(v, Unknown) for v in value)):
                reason = value.reason if isinstance(value, Unknown) else "an element is unknown"
                self.ip.note("unresolved", f"cannot resolve an argument of {type_}(...) statically: {reason}", node, reason=reason)
                return

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
                items = self.ip.iterate(source)
                if items is None:
                    self.ip.note("unresolved", f"cannot tell which modules this nn.{kind} holds", node)
                    return Unknown(f"nn.{kind} of unknown modules")
                obj.items = [(str(i), v) for i, v in enumerate(items)]
        for _, v in obj.items:
            if isinstance(v, Unknown):
                self.ip.note("unresolved", f"nn.{kind} holds a module convlint cannot resolve: {v.reason}", node)
        return obj

    def record_summary(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> None:
        if not args:
            return None
        target = args[0]
        batched = name.startswith("torchinfo")
        size = kwargs.get("input_size", args[1] if len(args) > 1 else None)
        if size is None:
            data = kwargs.get("input_data")
            if isinstance(data, TensorVal) and data.shape is not None:
                self.examples.append(Example(target, [data.shape], span=self.ip.span(node)))
            return None
        if isinstance(size, (tuple, list)) and size and all(isinstance(s, (tuple, list)) for s in size):
            shapes = [tuple(s) for s in size]
        elif isinstance(size, (tuple, list)):
            shapes = [tuple(size)]
        else:
            return None
        self.examples.append(Example(target, shapes, batched, self.ip.span(node)))
        return None

    # -- applying modules ---------------------------------------------------------------
    def apply_module(self, obj: Any, args: List[Any], kwargs: Dict[str, Any], node: cst.Call, item: bool = False) -> Any:
        """Apply ``obj`` at the call ``node``; ``item``: as an item of an ``nn.Sequential``, whose
        place in the list is where it is applied (the call of the container runs it)."""
        tensors = [a for a in args if isinstance(a, TensorVal)]
        if self.builder is None or self.script:
            if isinstance(obj, ModuleObj) and self.script and tensors:
                return self.script_apply(obj, tensors, node)
            if tensors and all(t.shape is not None for t in tensors):
                self.examples.append(Example(obj, [t.shape for t in tensors], span=self.ip.span(node)))
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
            applied = None if item else self.ip.span(node)
            return self.builder.emit(obj.type, obj.args, obj.kwargs, inputs, (obj.span or self.ip.span(obj.call)), path, layer_id,
                                     applied=applied)
        if isinstance(obj, ContainerObj):
            if obj.kind != "Sequential":
                return self.unknown_tensor(f"calling an nn.{obj.kind}", node)
            x: Any = args[0] if args else UNKNOWN_TENSOR("no input")
            for _, child in obj.items:
                if not is_module(child):
                    return UNKNOWN_TENSOR("a Sequential item convlint cannot resolve")  # noted where it was built
                x = self.apply_module(child, [x], {}, node, item=True)
            return x
        forward = obj.cls.method("forward")
        if forward is None and obj.ext.get("seq") is not None:
            return self.apply_module(obj.ext["seq"], args, kwargs, node, item)
        if forward is None and obj.ext.get("layer") is not None:  # a layer subclass keeping its forward
            layer = obj.ext["layer"]
            layer.path = layer.path or obj.ext.get("path")
            return self.apply_module(layer, args, kwargs, node, item)
        if forward is None:
            return self.unknown_tensor(f"{obj.cls.name} (no forward method found)", node)
        return self.ip.invoke(forward, [obj] + list(args), kwargs, node)

    def script_apply(self, obj: ModuleObj, tensors: List[TensorVal], node: cst.Call) -> TensorVal:
        """A layer applied to a tensor in straight-line module code.  Only tensors whose shape
        is known start a graph: ``criterion(model(data), target)`` in a training script says
        nothing about shapes."""
        if not tensors[0].informative or obj.type.endswith("Loss") or self.ip.current is not self.ip.info:
            return UNKNOWN_TENSOR("script code on unknown tensors")
        if self.script_builder is None:
            self.script_builder = Builder()
            self.script_first_layer = obj.path
        builder = self._graph(*tensors, node=node)
        assert builder is not None
        inputs = list(tensors)
        if obj.type == "Identity":
            return inputs[0]
        path = obj.path or obj.type.lower()
        layer_id = obj.path or f"{path}@{id(obj)}"
        return builder.emit(obj.type, obj.args, obj.kwargs, inputs, (obj.span or self.ip.span(obj.call)), path, layer_id,
                            applied=self.ip.span(node))

    # -- functional ops -----------------------------------------------------------------
    def _graph(self, *tensors: Any, node: Optional[cst.CSTNode] = None) -> Optional[Builder]:
        """The graph being built.  In the file's straight-line code, a tensor made by a factory
        call (``t = torch.rand(4, 12, 12)``) that reaches a layer or an op becomes an input of
        the script graph there (once, however often it is used), so ``F.avg_pool2d(t, 13)`` is
        checked as it would be in ``forward``."""
        if self.builder is not None and not self.script:
            return self.builder
        if not self.script:
            return None
        if node is not None and self.ip.current is self.ip.info:
            for t in tensors:
                if isinstance(t, TensorVal) and t.node is None and t.shape is not None:
                    if self.script_builder is None:
                        self.script_builder = Builder()
                    # exactly the shape the factory gave it, batch axis included (see InputSpec)
                    t.node = self.script_builder.add_input("input", tuple(t.shape), self.ip.span(node), exact=True).node
        return self.script_builder

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
        builder = self._graph(x, *extra_inputs, node=node)
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
        return builder.emit(spec.type, (), bound, [x, *extra_inputs], self.ip.span(node), base, None, op)

    def functional(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        op = self.ip.code(node.func)
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
        if name == "layer_norm":
            return self.functional_layer_norm(x, rest, kwargs, node, op)
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
        builder = self._graph(x, node=node)
        if builder is None or not isinstance(x, TensorVal):
            return UNKNOWN_TENSOR(op)
        shape = weight.shape
        layer_id = weight.path
        builder.params_used.update(p.path for p in (weight, bias) if isinstance(p, ParamVal) and p.path)
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
        return builder.emit(type_, args, kw, [x], self.ip.span(node), base, layer_id, op)

    def functional_layer_norm(self, x: Any, rest: List[Any], kwargs: Dict[str, Any], node: cst.Call, op: str) -> Any:
        """``F.layer_norm(x, normalized_shape, weight, bias, eps)``: a ``LayerNorm`` node; with
        a module's own parameters (``LayerNorm2d``) it carries them, named by the module."""
        bound = dict(zip(("normalized_shape", "weight", "bias", "eps"), rest))
        bound.update(kwargs)
        builder = self._graph(x, node=node)
        if builder is None or not isinstance(x, TensorVal):
            return UNKNOWN_TENSOR(op)
        weight, bias = bound.get("weight"), bound.get("bias")
        shape = bound.get("normalized_shape")
        kw = {"eps": bound.get("eps", 1e-5), "elementwise_affine": isinstance(weight, ParamVal), "bias": isinstance(bias, ParamVal)}
        path = weight.path if isinstance(weight, ParamVal) else None
        builder.params_used.update(p.path for p in (weight, bias) if isinstance(p, ParamVal) and p.path)
        module = path.rsplit(".", 1)[0] if path and "." in path else None  # the module owning the weights
        return builder.emit("LayerNorm", (shape,), kw, [x], self.ip.span(node), module or "layer_norm", module, op)

    def torch_func(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        op = self.ip.code(node.func)
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
            if isinstance(sizes, (tuple, list)) and self.builder is not None and all(
                isinstance(s, SizeVal) or isinstance(s, int) and not isinstance(s, bool) for s in sizes
            ):  # ``torch.empty([x.shape[0]] + [1] * (x.ndim - 1))``: a mask shaped after x
                return TensorVal(None, tuple(sizes), "a tensor made in forward")
            return TensorVal(None, None, "factory of unknown size")
        if name == "chunk" and args and isinstance(args[0], TensorVal):
            return self.chunk(args[0], list(args[1:]), kwargs, node, op)
        if name in ("cat", "concat", "concatenate"):
            seq = args[0] if args else kwargs.get("tensors")
            items = self.ip.iterate(seq) if seq is not None else None
            dim = args[1] if len(args) > 1 else kwargs.get("dim", kwargs.get("axis", 0))
            if not items or not all(isinstance(t, TensorVal) for t in items):
                return self.unknown_tensor(f"`{op}` of tensors it cannot list", node)
            return self.emit_merge("cat", items, {"dim": dim}, node, op)
        if name == "stack":
            seq = args[0] if args else kwargs.get("tensors")
            items = self.ip.iterate(seq) if seq is not None else None
            dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
            if not items or not all(isinstance(t, TensorVal) for t in items):
                return self.unknown_tensor(f"`{op}` of tensors it cannot list", node)
            return self.emit_merge("stack", items, {"dim": dim}, node, op)
        if name in ("matmul", "mm", "bmm") and len(args) >= 2:
            if isinstance(args[0], TensorVal) and isinstance(args[1], TensorVal):
                return self.emit_merge("matmul", [args[0], args[1]], {}, node, op)
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
        if name in ("tensor", "as_tensor") and args:
            shape = literal_shape(args[0])  # ``torch.tensor([[1.0, 2.0]])``: the nesting is the shape
            if shape is not None:
                return TensorVal(None, shape)
        if name in ("tensor", "as_tensor", "from_numpy", "Tensor", "arange", "linspace"):
            return TensorVal(None, None, "tensor from data")
        if name in ("no_grad", "device", "manual_seed", "set_grad_enabled", "inference_mode"):
            return None
        if any(isinstance(a, TensorVal) for a in list(args) + list(kwargs.values())):
            return self.unknown_tensor(f"`{op}(...)`", node, *tensors_in(args, kwargs))
        return Unknown(f"{op}(...)")

    def chunk(self, t: TensorVal, args: List[Any], kwargs: Dict[str, Any], node: cst.Call, op: str) -> Any:
        """``x.chunk(n, dim)`` / ``torch.chunk(x, n, dim)``: a tuple of ``n`` pieces, one node
        each (PyTorch may make fewer pieces when the axis is short; the engine says so)."""
        chunks = args[0] if args else kwargs.get("chunks")
        dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
        builder = self._graph(t, node=node)
        if not isinstance(chunks, int) or isinstance(chunks, bool) or not 0 < chunks <= 64 or builder is None:
            return self.unknown_tensor(f"`{op}(...)`", node, t)
        if self.script and t.node is None:
            return UNKNOWN_TENSOR(op)
        span = self.ip.span(node)
        return tuple(builder.emit("chunk", (chunks, dim, i), {}, [t], span, "chunk", None, op) for i in range(chunks))

    def _emit_args(self, type_: str, x: Any, args: Tuple[Any, ...], node: cst.Call, op: str) -> Any:
        builder = self._graph(x, node=node)
        if builder is None or not isinstance(x, TensorVal) or (self.script and x.node is None):
            return UNKNOWN_TENSOR(op)
        return builder.emit(type_, args, {}, [x], self.ip.span(node), op.split(".")[-1], None, op)

    def emit_merge(self, type_: str, items: List[TensorVal], kwargs: Dict[str, Any], node: cst.Call, op: str) -> Any:
        builder = self._graph(*items, node=node)
        if builder is None or any(self.script and t.node is None for t in items):
            return UNKNOWN_TENSOR(op)
        return builder.emit(type_, (), kwargs, items, self.ip.span(node), type_, None, op)

    def merge(self, type_: str, a: Any, b: Any, node: cst.CSTNode, op: str) -> Any:
        if isinstance(a, ParamVal) and isinstance(b, TensorVal) and self.broadcasts(a, b):
            return b  # ``self.layer_scale * x``: a (C, 1, 1) parameter scales x, x's shape stays
        if isinstance(b, ParamVal) and isinstance(a, TensorVal) and self.broadcasts(b, a):
            return a
        if isinstance(a, TensorVal) and isinstance(b, TensorVal):
            if _mask_of(b, a):
                return a  # ``x * noise`` with a (B, 1, 1, 1) mask made from x's sizes: x's shape
            if _mask_of(a, b):
                return b
            return self.emit_merge(type_, [a, b], {}, node, op)  # type: ignore[arg-type]
        if isinstance(a, TensorVal) and _scalar(b):
            return a
        if isinstance(b, TensorVal) and _scalar(a):
            return b
        if isinstance(a, TensorVal) or isinstance(b, TensorVal):
            return self.unknown_tensor(f"`{self.ip.code(node)}`", node, a, b)
        return Unknown(op)

    def view(self, x: Any, sizes: List[Any], node: cst.Call, op: str) -> Any:
        if not isinstance(x, TensorVal):
            return Unknown(op)
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = list(sizes[0])
        out: List[Any] = []
        for s in sizes:
            if isinstance(s, SizeVal):
                if s.tensor is x or s.axis == 0:
                    # axis 0 of an earlier tensor is the batch size, which layers carry through
                    out.append(SizeOf(s.axis))
                elif self.builder is not None and s.tensor.known:
                    out.append(self.builder.size_symbol(s))  # filled in by the engine (shape_refs)
                else:
                    out.append(Unknown(f"axis {s.axis} of a tensor whose shape convlint does not follow"))
            elif isinstance(s, int) and not isinstance(s, bool):
                out.append(s)
            elif isinstance(s, Expr):  # ``x.size(1) * x.size(2)``: filled in by the engine
                out.append(s)
            elif isinstance(s, Unknown):
                out.append(s)
            else:
                out.append(Unknown(f"a view size convlint cannot fold ({type(s).__name__})"))
        if any(isinstance(s, Unknown) for s in out):
            reasons = "; ".join(sorted({s.reason for s in out if isinstance(s, Unknown)}))
            self.ip.note("unresolved", f"cannot resolve the sizes of `{self.ip.code(node)}`: {reasons}", node)
        return self._emit_args("view", x, tuple(out), node, op)

    # -- methods of values --------------------------------------------------------------
    def call_method(self, obj: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        if isinstance(obj, TensorVal):
            return self.tensor_method(obj, name, args, kwargs, node)
        if isinstance(obj, ContainerObj):
            if name == "append" and args:
                obj.items.append((str(len(obj.items)), args[0]))
                return None
            if name == "update" and args and isinstance(args[0], dict):
                obj.items.extend((str(k), v) for k, v in args[0].items())
                return None
            if name == "extend" and args:
                for v in self.ip.iterate(args[0]) or []:
                    obj.items.append((str(len(obj.items)), v))
                return None
            if name == "add_module" and len(args) == 2:
                obj.items.append((str(args[0]), args[1]))
                return None
            if name in ("items", "keys", "values") and obj.kind == "ModuleDict":
                pairs = list(obj.items)
                return pairs if name == "items" else [k for k, _ in pairs] if name == "keys" else [v for _, v in pairs]
        if name == "forward" and isinstance(obj, (ContainerObj, ModuleObj)):
            return self.call_object(obj, args, kwargs, node)  # ``self.model.forward(x)`` is ``self.model(x)``
        torch_instance = isinstance(obj, Instance) and obj.cls.kind == "torch.module"
        if (torch_instance or isinstance(obj, ContainerObj)) and name in _OPAQUE_METHODS:
            return Opaque(name)
        if (torch_instance or isinstance(obj, (ContainerObj, ModuleObj))) and name in _MODULE_ITERATORS:
            return module_list(obj, name)
        if torch_instance:
            seq = obj.ext.get("seq")
            if name in ("add_module", "register_module") and len(args) == 2 and isinstance(args[0], str):
                if seq is not None:
                    seq.items.append((args[0], args[1]))
                else:
                    obj.attrs[args[0]] = args[1]
                return None
            if seq is not None and name in ("append", "extend", "items", "keys", "values", "update"):
                return self.call_method(seq, name, args, kwargs, node)
            if name in ("eval", "train"):
                mode = args[0] if args else kwargs.get("mode", name == "train")
                set_training(obj, mode if isinstance(mode, bool) else Unknown(f"the mode given to {self.ip.code(node)}"))
                return obj
            if name in _MODULE_SELF_METHODS:
                return obj
            if name in ("register_buffer", "register_parameter", "apply"):
                return None
        if isinstance(obj, (ModuleObj, ContainerObj)) and name in _MODULE_SELF_METHODS:
            return obj
        return NOT_HANDLED

    def returns_self(self, value: Any, method: str) -> bool:
        if method not in _DEVICE_METHODS:
            return False
        return (isinstance(value, Instance) and value.cls.kind == "torch.module") or isinstance(value, (ModuleObj, ContainerObj))

    def tensor_method(self, t: TensorVal, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        func = node.func
        op = self.ip.code(func) if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) else f".{name}"
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
        if name in ("div", "div_", "true_divide") and args and _scalar(args[0]):
            return t
        if name == "chunk":
            return self.chunk(t, args, kwargs, node, op)
        if name in ("add", "sub", "mul", "add_", "sub_", "mul_") and args:
            return self.merge(name.rstrip("_"), t, args[0], node, op)
        if name in ("matmul", "mm", "bmm") and args and isinstance(args[0], TensorVal):
            return self.emit_merge("matmul", [t, args[0]], {}, node, op)
        if name in ("dim", "ndimension"):
            return self.rank(t)
        if name in ("numel", "item", "tolist"):
            return Unknown(f"{op}()")
        return self.unknown_tensor(f"the tensor method `{op}(...)`", node, t)

    # -- expressions --------------------------------------------------------------------


def _mask_of(mask: TensorVal, x: TensorVal) -> bool:
    """``mask`` was made in ``forward`` with each axis 1 or a size of ``x`` at that axis (or the
    batch size): multiplying ``x`` by it broadcasts to ``x``'s own shape."""
    if mask.node is not None or not mask.shape or not x.known:
        return False
    for i, d in enumerate(mask.shape):
        if isinstance(d, SizeVal):
            if not (d.axis == 0 and i == 0) and not (d.tensor is x and d.axis == i):
                return False
        elif d != 1:
            return False
    return True


def _scalar(v: Any) -> bool:
    """A number (or a size) broadcast over a tensor: ``x * 0.5``, ``x + 3.0`` keep its shape."""
    return isinstance(v, (int, float, Expr, SizeVal)) and not isinstance(v, bool)


_LIGHTNING = ("pytorch_lightning.LightningModule", "lightning.LightningModule", "lightning.pytorch.LightningModule",
              "pytorch_lightning.core.LightningModule", "pytorch_lightning.core.module.LightningModule")
"""``LightningModule`` is an ``nn.Module``: its layers and ``forward`` are read the same way."""
_OWNED = (TensorVal, SizeVal, ShapeVal, ParamVal, ModuleObj, ContainerObj, Opaque)
_MERGE_OPS = {"+": "add", "-": "sub", "*": "mul"}
_SUMMARIES = ("torchinfo.summary", "torchsummary.summary", "torchsummary.torchsummary.summary")
