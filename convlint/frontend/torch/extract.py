"""PyTorch front end: ``nn.Module`` subclasses, ``nn.Sequential`` variables and straight-line
tensor code -> ``ModelGraph``s.

The module's code (and the project modules it imports) is run by the framework-neutral
:class:`~convlint.frontend.python.interp.Interpreter` with the PyTorch semantics, which builds
module objects instead of executing anything.  Then, for each model found, ``forward`` is
interpreted once with placeholder input tensors; every layer or functional op it applies
becomes a node.  Input shapes come, in order, from an example call in the file, a
``# convlint: input-shape=(...)`` comment, the configuration, or else are symbolic
(``C, H, W``) so the engine can still say which sizes would fit.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import libcst as cst

from ...dims import sym
from ...graph import ModelGraph, Node, Span, Stop, Unknown
from ...source_lines import split_lines
from .. import FileNote, FrontendOptions
from ..input_shapes import configured_shape, declared_shape
from ..python.interp import Interpreter, OutOfSteps, steps_note
from ..python.modules import ModuleInfo, Resolver, package_of
from ..python.syntax import walk
from ..python.values import ClassVal, FuncVal, Instance
from .builder import Builder, Example
from .registration import construction_stop
from .semantics import TorchSemantics
from .values import ContainerObj, ModuleObj, ParamVal, TensorVal, is_module

__all__ = ["extract"]

_PREFILTER = re.compile(r"\btorch\b")


def extract(
    module: cst.Module, source: str, path: str, options: FrontendOptions
) -> Tuple[List[ModelGraph], List[FileNote]]:
    """Every PyTorch model in the module, and what could not be followed."""
    if not _PREFILTER.search(source) and not any(q.startswith("torch") for q in options.implied.values()):
        return [], []
    info = ModuleInfo.parse(
        "__main__", path, source, module, package_of(path)[0], options.implied, options.positions(module, source)
    )
    sem = TorchSemantics(options.catalogue)
    interp = Interpreter(info, sem, Resolver(read=options.read) if options.follow_imports else None)
    interp.quiet = True
    extra_notes: List[FileNote] = []
    try:
        interp.run_module()
    except OutOfSteps:
        extra_notes.append(steps_note(interp.stopped or Span(1)))
    if options.unread:
        interp.unread(options.unread)
    made = _run_factories(interp, sem)
    lines = split_lines(source)
    models: List[ModelGraph] = []

    classes = _model_classes(interp, sem)
    own = [c for c in classes if c.module is info]
    wrappers = {c.name for c in own if c.method("forward") is None}
    components = _component_names(info.positions.statement_facts(_name_uses), {c.name for c in own}, wrappers)
    for cls in classes:
        examples = [e for e in sem.examples if isinstance(e.target, Instance) and e.target.cls is cls]
        # the object an example ran on (``Net(16)(x)`` has no variable), else a module-level one,
        # else the one a factory of the file makes (``def resnet18(): return ResNet(...)``)
        instance = examples[0].target if examples else _instance_of(interp.globals.vars, cls)
        factories = made.get(id(cls), []) if instance is None else []
        if len(factories) == 1:
            instance = factories[0][1]
        local = cls.module is info
        if not local and instance is None and not factories:
            continue  # a model class imported from the project: reported where it is defined
        line = info.positions.span(cls.node).line if local else 0
        declared = (declared_shape(lines, line) if local else None) or configured_shape(options.input_shapes, path, cls.name)
        if cls.name in components and instance is None and not examples and declared is None:
            continue
        if len(factories) > 1:  # ``vgg11()``, ``vgg16()``: one class, a model per factory
            for func, made_one in factories:
                interp.steps = 0
                site = made_one.ext.get("site") or func.node
                model = _class_model(interp, sem, cls, made_one, [], declared, path, extra_notes, name=func.name, site=site)
                if model is not None:
                    models.append(model)
            continue
        interp.steps = 0  # each model has the whole budget
        model = _class_model(interp, sem, cls, instance, examples, declared, path, extra_notes)
        if model is not None:
            models.append(model)

    seen: set = set()
    for name, value in list(interp.globals.vars.items()):
        if isinstance(value, ContainerObj) and value.kind == "Sequential" and name in sem.sites and id(value) not in seen:
            seen.add(id(value))
            interp.steps = 0
            model = _sequential_model(interp, sem, name, value, options, lines, path, extra_notes)
            if model is not None:
                models.append(model)

    if sem.script_builder is not None and any(n.type != "Input" for n in sem.script_builder.nodes):
        models.append(_script_model(sem, path))

    notes = _dedupe([FileNote(k, m, span, model, cause) for k, m, span, model, cause in interp.notes] + extra_notes)
    return models, notes


def _run_factories(interp: Interpreter, sem: TorchSemantics) -> Dict[int, List[Tuple[FuncVal, Instance]]]:
    """Top-level functions of the file that nothing calls and that return a model
    (``def PNASNetA(): return PNASNet(CellA, 6, 44)``), run with their defaults: the instance
    each returns gives its class real constructor arguments.  By class, in the file's order: a
    class several factories build (``vgg11``, ``vgg16_bn``) is a model per factory, since no
    one of them is *the* class' total."""
    made: Dict[int, List[Tuple[FuncVal, Instance]]] = {}
    classes = {v.name for v in interp.globals.vars.values() if isinstance(v, ClassVal) and v.kind == "torch.module"}
    if not classes:
        return made
    for func in [v for v in interp.globals.vars.values() if isinstance(v, FuncVal) and v.module is interp.info]:
        if id(func.node) in interp.called or func.owner is not None:
            continue
        names = {n.value for n in walk(func.node.body) if isinstance(n, cst.Name)}
        if not names & classes:
            continue
        params = func.node.params
        if any(p.default is None for p in list(params.params) + list(params.kwonly_params)):
            continue  # a factory that needs arguments: its defaults do not make a model
        interp.steps = 0
        try:
            result = interp.invoke(func, [], {}, func.node)
        except OutOfSteps:
            continue
        if isinstance(result, Instance) and result.cls.kind == "torch.module":
            made.setdefault(id(result.cls), []).append((func, result))
    return made


def _model_classes(interp: Interpreter, sem: TorchSemantics) -> List[ClassVal]:
    """``nn.Module`` subclasses bound at the top level (defined here or imported), in order;
    plus the classes of example calls' objects (``resnet18()(x)`` builds one it imports)."""
    out: List[ClassVal] = []
    for value in interp.globals.vars.values():
        if isinstance(value, ClassVal) and value.kind == "torch.module" and value not in out:
            out.append(value)
    for example in sem.examples:
        target = example.target
        if isinstance(target, Instance) and target.cls.kind == "torch.module" and target.cls not in out:
            out.append(target.cls)
    return out


# -- finding models ---------------------------------------------------------------------------
def _instance_of(env: Dict[str, Any], cls: ClassVal) -> Optional[Instance]:
    for value in env.values():
        if isinstance(value, Instance) and value.cls is cls:
            return value
    return None


_NOT_A_USE = frozenset({"super", "isinstance", "issubclass", "type", "print", "repr", "str"})


def _component_names(facts: List["_NameUses"], class_names: set, wrappers: set) -> set:
    """Classes used inside other model classes or passed as arguments (``ResNet(BasicBlock)``):
    parts of a model, not models of their own (unless the file gives them an input).  A class
    without ``forward`` (a GAN holding a generator and a discriminator) is a wrapper, not a
    model: what it holds is reported on its own."""
    used: set = set()
    for fact in facts:
        for owner, names in fact.inside:
            if owner not in wrappers:
                used |= {n for n in names & class_names if n != owner}
        used |= fact.passed & class_names
    return used


class _NameUses(NamedTuple):
    """The names each top-level class mentions, and the names passed as call arguments: the
    facts :func:`_component_names` needs, a union over statements (so an editor's buffer keeps
    them per unchanged statement)."""

    inside: Tuple[Tuple[str, FrozenSet[str]], ...]
    passed: FrozenSet[str]


def _name_uses(body: List[ast.stmt]) -> _NameUses:
    """Python's ``ast`` is walked: far cheaper than walking the libcst tree."""
    inside = []
    passed = set()
    for stmt in body:
        names = set()
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in _NOT_A_USE):
                passed.update(a.id for a in node.args if isinstance(a, ast.Name))
                passed.update(k.value.id for k in node.keywords if isinstance(k.value, ast.Name))
        if isinstance(stmt, ast.ClassDef):
            inside.append((stmt.name, frozenset(names)))
    return _NameUses(tuple(inside), frozenset(passed))


# -- building graphs --------------------------------------------------------------------------
def assign_paths(value: Any, prefix: str, seen: Optional[set] = None) -> None:
    """Give every submodule its ``named_modules()`` name (``features.0``); first name wins."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, (ModuleObj, ParamVal)):
        value.path = prefix or None
        return
    if isinstance(value, ContainerObj):
        value.path = prefix or None
        for key, child in value.items:
            if is_module(child):
                assign_paths(child, f"{prefix}.{key}" if prefix else str(key), seen)
        return
    if isinstance(value, Instance):
        value.ext["path"] = prefix or None
        seq = value.ext.get("seq")
        if seq is not None:
            for key, child in seq.items:
                if is_module(child):
                    assign_paths(child, f"{prefix}.{key}" if prefix else str(key), seen)
        for key, child in value.attrs.items():
            if is_module(child) or isinstance(child, ParamVal):
                assign_paths(child, f"{prefix}.{key}" if prefix else key, seen)


def _start(interp: Interpreter, sem: TorchSemantics, name: str) -> Builder:
    builder = Builder()
    interp.steps = 0
    sem.builder = builder
    sem.script = False
    interp.quiet = False
    interp.model = name
    return builder


def _stop(interp: Interpreter, sem: TorchSemantics) -> None:
    sem.builder = None
    sem.script = True
    interp.quiet = True
    interp.model = None


def _class_model(
    interp: Interpreter,
    sem: TorchSemantics,
    cls: ClassVal,
    instance: Optional[Instance],
    examples: List[Example],
    declared: Optional[Tuple[Any, ...]],
    path: str,
    notes: List[FileNote],
    name: Optional[str] = None,
    site: Optional[cst.CSTNode] = None,
) -> Optional[ModelGraph]:
    """The model of ``cls``; ``name`` and ``site``: a factory's model, named after the factory
    and placed where it constructs the class."""
    local = cls.module is interp.info
    if site is not None and interp.positions.has(site):
        span = interp.positions.span(site)
    else:
        span = interp.positions.span(cls.node) if local else (examples[0].span if examples and examples[0].span else Span(1))
    name = name or cls.name
    builder = _start(interp, sem, name)
    try:
        obj: Any = instance
        if obj is None:
            obj = interp.instantiate(cls, [], {}, cls.node)
        if not isinstance(obj, Instance):
            return None
        assign_paths(obj, "")
        builder.layer_ids.update(m.path for m in _leaf_modules(obj, set()) if m.path is not None)
        forward = cls.method("forward")
        if forward is None:
            notes.append(FileNote("unsupported", f"{cls.name} has no forward method convlint can find", span, cls.name))
            return None
        forward_span = interp.positions.span(forward.node) if forward.module is interp.info else span
        inputs = _forward_inputs(interp, builder, forward.node, forward_span)
        _known_input_shapes(builder, examples, declared)  # before forward: branches may ask for sizes
        result = interp.invoke(forward, [obj, *inputs], {}, forward.node, site=span)
        _add_uncalled(interp, builder, obj)
        _add_parameters(builder, obj, span)
        stop = construction_stop(obj)
    except OutOfSteps:
        notes.append(steps_note(span, cls.name))
        result = None
        stop = Stop("the model", None, "the step budget ran out")
    finally:
        _stop(interp, sem)
    model = ModelGraph(name, "torch", path, span, builder.nodes, list(builder.inputs), _outputs(result), "channels_first",
                       dim_refs=builder.dim_refs, stop=stop)
    _set_input_shapes(model, examples, declared, notes)
    return model


def _registered(value: Any, seen: set) -> Iterator[Any]:
    """Every ``torch.nn`` layer and ``nn.Parameter`` registered under ``value``, once each, in
    registration order (what ``model.modules()`` / ``model.parameters()`` walk)."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, (ModuleObj, ParamVal)):
        yield value
    elif isinstance(value, ContainerObj):
        for _, child in value.items:
            yield from _registered(child, seen)
    elif isinstance(value, Instance):
        seq = value.ext.get("seq")
        for child in ([v for _, v in seq.items] if seq is not None else []) + list(value.attrs.values()):
            if is_module(child) or isinstance(child, ParamVal):
                yield from _registered(child, seen)


def _leaf_modules(value: Any, seen: set) -> Iterator[ModuleObj]:
    """Every ``torch.nn`` layer registered under ``value``, once each, in registration order."""
    return (v for v in _registered(value, seen) if isinstance(v, ModuleObj))


def _no_parameters(type_name: str) -> bool:
    """Modules that never hold parameters and that convlint does not list when uncalled:
    ``nn.Identity`` (applied as a pass-through) and losses (``self.criterion``), save one."""
    return type_name == "Identity" or (type_name.endswith("Loss") and type_name != "AdaptiveLogSoftmaxWithLoss")


def _add_uncalled(interp: Interpreter, builder: Builder, root: Instance) -> None:
    """Submodules ``forward`` did not call: no shape, but ``model.parameters()`` counts them
    whether or not ``forward`` reaches them, so they join the graph as uncalled nodes (the
    totals then match PyTorch's).  "Never called" (``called=False``) only when ``forward`` was
    followed to the end without a note; otherwise it is not known (``called=None``)."""
    followed = not any(note[3] == interp.model for note in interp.notes)
    called = {n.layer_id for n in builder.nodes}
    for module in _leaf_modules(root, set()):
        if module.path is not None and module.path not in called and not _no_parameters(module.type):
            span = module.span or interp.span(module.call)
            builder.emit(module.type, module.args, module.kwargs, [], span, module.path, module.path,
                         called=False if followed else None)


def _add_parameters(builder: Builder, root: Instance, span: Span) -> None:
    """The ``nn.Parameter`` attributes of the model's modules that no functional op used as a
    weight: ``model.parameters()`` counts them, so they join the graph (with their shapes)."""
    used = {n.layer_id for n in builder.nodes} | builder.params_used
    for param in _registered(root, set()):
        if isinstance(param, ParamVal) and param.path is not None and param.path not in used:
            shape = tuple(param.shape) if param.shape is not None else Unknown("the shape of an nn.Parameter")
            # not on the data path: listed like a module forward does not call (counted, no shape)
            builder.emit("Parameter", (shape,), {}, [], param.span or span, param.path, param.path, called=False)


def _forward_inputs(interp: Interpreter, builder: Builder, forward: cst.FunctionDef, span: Span) -> List[Any]:
    """One placeholder tensor per required ``forward`` parameter; defaults stay defaults."""
    params = list(forward.params.posonly_params) + list(forward.params.params)
    out: List[Any] = []
    for p in params[1:]:
        if p.default is not None:
            break
        out.append(builder.add_input(p.name.value, None, span))
    return out


def _outputs(result: Any) -> List[str]:
    items = result if isinstance(result, (tuple, list)) else list(result.values()) if isinstance(result, dict) else [result]
    return [t.node for t in items if isinstance(t, TensorVal) and t.known]


def _sequential_model(
    interp: Interpreter,
    sem: TorchSemantics,
    name: str,
    seq: ContainerObj,
    options: FrontendOptions,
    lines: Sequence[str],
    path: str,
    notes: List[FileNote],
) -> Optional[ModelGraph]:
    site = sem.sites[name]
    span = interp.positions.span(site)
    examples = [e for e in sem.examples if e.target is seq]
    declared = declared_shape(lines, span.line) or configured_shape(options.input_shapes, path, name)
    builder = _start(interp, sem, name)
    try:
        assign_paths(seq, "")
        builder.layer_ids.update(m.path for m in _leaf_modules(seq, set()) if m.path is not None)
        x = builder.add_input("input", None, span)
        _known_input_shapes(builder, examples, declared)
        result = sem.apply_module(seq, [x], {}, seq.call or site)
        stop = construction_stop(seq)
    except OutOfSteps:
        notes.append(steps_note(span, name))
        result = None
        stop = Stop("the model", None, "the step budget ran out")
    finally:
        _stop(interp, sem)
    model = ModelGraph(name, "torch", path, span, builder.nodes, list(builder.inputs), _outputs(result), "channels_first",
                       dim_refs=builder.dim_refs, stop=stop)
    _set_input_shapes(model, examples, declared, notes)
    return model


def _script_model(sem: TorchSemantics, path: str) -> ModelGraph:
    builder = sem.script_builder
    assert builder is not None
    nodes = builder.nodes
    used = {i for n in nodes for i in n.inputs}
    outputs = [n.id for n in nodes if n.id not in used and n.type != "Input"]
    name = sem.script_first_layer or "<module>"
    first = next((n for n in nodes if n.type != "Input"), nodes[0])
    return ModelGraph(name, "torch", path, first.span, nodes, list(builder.inputs), outputs, "channels_first", dim_refs=builder.dim_refs)


# -- input shapes -----------------------------------------------------------------------------
def _input_shapes(examples: List[Example], declared: Optional[Tuple[Any, ...]]) -> Optional[List[Dict[str, Any]]]:
    """The ``Input`` arguments of each input: a tensor of the first example call is exactly
    the shape a factory gave it, batch axis included (``batch_shape``), so an unbatched
    ``torch.rand(16, 64, 64)`` stays ``(16, 64, 64)``; a ``torchsummary`` size or a declaration
    excludes the batch axis (``shape``: any batch size)."""
    for example in examples:
        return [_example_input(s, example.batched) for s in example.shapes]
    return [{"shape": tuple(declared)}] if declared is not None else None


def _known_input_shapes(builder: Builder, examples: List[Example], declared: Optional[Tuple[Any, ...]]) -> None:
    shapes = _input_shapes(examples, declared)
    if shapes is None:
        return
    for i, node_id in enumerate(builder.inputs):
        node = next(n for n in builder.nodes if n.id == node_id)
        _set_shape(node, shapes[i] if i < len(shapes) else None)


def _set_shape(node: Node, kwargs: Optional[Dict[str, Any]]) -> None:
    node.kwargs = dict(kwargs if kwargs is not None else {"shape": Unknown("no example input for this argument")})


def _set_input_shapes(
    model: ModelGraph, examples: List[Example], declared: Optional[Tuple[Any, ...]], notes: List[FileNote]
) -> None:
    inputs = [model.node(i) for i in model.inputs]
    if not inputs:
        return
    shapes = _input_shapes(examples, declared)
    if shapes is not None:
        for i, node in enumerate(inputs):
            _set_shape(node, shapes[i] if i < len(shapes) else None)
        return
    for i, node in enumerate(inputs):
        shape, how = _symbolic_shape(model, node.id, i)
        node.kwargs["shape"] = shape
        if i == 0:
            notes.append(
                FileNote(
                    "no-input-shape",
                    f"{model.name}: no input shape in the file (example call, `# convlint: input-shape=(...)` "
                    f"comment) or the configuration; {how}",
                    model.span,
                    model.name,
                )
            )


def _example_input(shape: Any, batched: bool) -> Dict[str, Any]:
    if not isinstance(shape, tuple) or not all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
        return {"shape": Unknown("example input of unknown shape")}
    return {"batch_shape": shape} if batched else {"shape": shape}


_FAMILY = re.compile(r"^(?:Lazy)?(Conv|ConvTranspose|BatchNorm|InstanceNorm|MaxPool|AvgPool)([123])d$")


def _symbolic_shape(model: ModelGraph, input_id: str, index: int = 0) -> Tuple[Any, str]:
    """``(C, H, W)`` with ``C`` from the first conv's ``in_channels`` (rank from the first layer
    family), or ``(in_features,)`` before a first ``Linear``.  The size is the input's only when
    the input reaches that layer alone: after ``torch.cat((img_a, img_b), 1)`` the conv's
    ``in_channels`` is the sum of several inputs', so each input's own size stays a symbol."""
    consumers = _downstream(model, input_id)
    alone = True  # no node with several inputs between the input and the layer
    suffix = f"_{index}" if index else ""
    for node in consumers:
        match = _FAMILY.match(node.type)
        if match:
            rank = int(match.group(2))
            channels: Any = _first_arg(node, "in_channels" if match.group(1).startswith("Conv") else "num_features")
            if not alone or match.group(1) in ("MaxPool", "AvgPool") or not isinstance(channels, int) or isinstance(channels, bool):
                channels = sym("C" + suffix)
            spatial = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}[rank]
            shape = (channels, *(sym(s + suffix) if not alone else sym(s) for s in spatial))
            shown = ", ".join(str(d) for d in shape)
            return shape, f"assuming a ({shown}) input with symbolic spatial dims"
        if node.type == "Linear":
            features = _first_arg(node, "in_features")
            if alone and isinstance(features, int) and not isinstance(features, bool):
                return (features,), f"assuming a ({features},) input from the first Linear"
            break
        if len(node.inputs) > 1:
            alone = False
    return Unknown("no input shape"), "its input shape is unknown"


def _downstream(model: ModelGraph, input_id: str) -> List[Node]:
    reached = {input_id}
    out: List[Node] = []
    for node in model.nodes:
        if any(i in reached for i in node.inputs):
            reached.add(node.id)
            out.append(node)
    return out


def _first_arg(node: Node, name: str) -> Any:
    if name in node.kwargs:
        return node.kwargs[name]
    return node.args[0] if node.args else None


def _dedupe(notes: List[FileNote]) -> List[FileNote]:
    seen: set = set()
    out: List[FileNote] = []
    for n in notes:
        key = (n.kind, n.message, n.span.line, n.span.column)
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out
