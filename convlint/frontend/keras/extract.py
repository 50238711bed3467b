"""Keras front end: Keras model code -> ``ModelGraph``s, by reading (never running) it.

The file (and the project modules it imports) runs on the framework-neutral interpreter with
the Keras semantics; every model built on the way is kept.  Then:

* Functions that build a model but are never called in the file run with their defaults,
  callers first (``ResNet50()`` before the ``ResNet(stack_fn, ...)`` it calls), and so do the
  methods of the file's plain classes (a model built in a ``build()`` method is still checked).
* Each subclassed ``keras.Model`` of the file is instantiated (or its instance in the file
  used) and its ``call`` applied to a placeholder input: the input shape comes from
  ``model.build(shape)``, an example call (``Net()(np.zeros((1, 28, 28, 1)))``), a
  ``# convlint: input-shape=(...)`` comment above the class, the configuration, else symbols.
* A model used as a layer of another is inlined there (layers named ``block/conv2d``) and not
  reported on its own.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Set, Tuple

import libcst as cst

from ...graph import ModelGraph, Span
from ...source_lines import split_lines
from .. import FileNote, FrontendOptions
from ..input_shapes import configured_shape, declared_shape
from ..python.interp import Interpreter, OutOfSteps, steps_note
from ..python.modules import ModuleInfo, Resolver, package_of
from ..python.syntax import walk
from ..python.values import ClassVal, FuncVal, Instance
from .lower import ancestors, has_own_input, lower_functional, lower_sequential, model_label, stop_of
from .names import KERAS_ROOTS
from .objects import FunctionalObj, LayerObj, Proto, SequentialObj, TensorRef
from .semantics import KerasSemantics, _tensors, assign_paths

__all__ = ["extract"]


def uses_keras(info: ModuleInfo) -> bool:
    roots = {q.split(".")[0] for q in info.imports.names.values()}
    return bool(roots & set(KERAS_ROOTS)) or any(s.split(".")[0] in KERAS_ROOTS for s in info.imports.star)


def extract(
    module: cst.Module, source: str, path: str, options: FrontendOptions
) -> Tuple[List[ModelGraph], List[FileNote]]:
    """Every Keras model built in ``module``, and notes."""
    info = ModuleInfo.parse(
        "__main__", path, source, module, package_of(path)[0], options.implied, options.positions(module, source)
    )
    if not uses_keras(info):
        return [], []
    sem = KerasSemantics(path, source, options)
    ip = Interpreter(info, sem, Resolver(read=options.read) if options.follow_imports else None)
    notes: List[FileNote] = []
    try:
        ip.run_module()
    except OutOfSteps:
        notes.append(steps_note(ip.stopped or Span(1)))
    if options.unread:
        ip.unread(options.unread)
    try:
        ip.steps = 0
        for func in _uncalled_builders(ip, sem):
            if id(func.node) not in ip.called and not _only_repeats(ip, sem, func):
                ip.invoke(func, [], {}, func.node)
        for method in _plain_methods(ip):
            if id(method.node) not in ip.called and sem.builds_keras(method.node):
                ip.invoke(method, [], {}, method.node)
    except OutOfSteps:
        notes.append(steps_note(Span(1)))
    graphs: List[Tuple[ModelGraph, List[FileNote]]] = []
    try:
        for cls in _model_classes(ip, sem):
            ip.steps = 0
            graphs.append(_class_model(ip, sem, cls, options, path))
    except OutOfSteps:
        notes.append(steps_note(Span(1)))
    models, model_notes = _lower(ip, sem, options)
    for graph, more in graphs:
        if graph is not None:
            models.append(graph)
        model_notes.extend(more)
    for graph in models:
        graph.stop = stop_of(graph, sem.cuts)
    notes.extend(FileNote(k, m, span, model, cause) for k, m, span, model, cause in ip.notes)
    notes.extend(model_notes)
    unique: Dict[Tuple[str, str, Span, Optional[str]], FileNote] = {}
    for note in notes:  # a helper called several times says the same thing once
        unique.setdefault((note.kind, note.message, note.span, note.model), note)
    return models, list(unique.values())


def _top_functions(ip: Interpreter) -> List[FuncVal]:
    return [v for v in ip.globals.vars.values() if isinstance(v, FuncVal) and v.module is ip.info and v.owner is None]


def _uncalled_builders(ip: Interpreter, sem: KerasSemantics) -> List[FuncVal]:
    """Top-level functions that build Keras objects and were not called; the ones no other
    function refers to first (``ResNet50()`` before the ``ResNet(stack_fn, ...)`` it calls,
    so the helper is analysed with real arguments rather than free parameters)."""
    funcs = [f for f in _top_functions(ip) if id(f.node) not in ip.called]
    uses = {id(f): {n.value for n in walk(f.node.body) if isinstance(n, cst.Name)} for f in funcs}
    builders = {f.name for f in funcs if sem.builds_keras(f.node)}
    grown = True
    while grown:  # a function calling a builder is a builder (ResNet50 -> ResNet)
        grown = False
        for f in funcs:
            if f.name not in builders and uses[id(f)] & builders:
                builders.add(f.name)
                grown = True
    chosen = [f for f in funcs if f.name in builders]
    referenced = set().union(*(uses[id(f)] for f in chosen)) if chosen else set()
    return [f for f in chosen if f.name not in referenced] + [f for f in chosen if f.name in referenced]


def _only_repeats(ip: Interpreter, sem: KerasSemantics, func: FuncVal) -> bool:
    """True for a wrapper such as ``ResNet101()`` that builds nothing itself and only calls
    builders already followed: its model would be one already reported (same creation
    site), so following it again is wasted work."""
    if sem.builds_keras(func.node):
        return False
    names = {n.value for n in walk(func.node.body) if isinstance(n, cst.Name)}
    builders = [ip.globals.vars.get(n) for n in names]
    builders = [b for b in builders if isinstance(b, FuncVal)]
    return bool(builders) and all(id(b.node) in ip.called for b in builders)


def _plain_methods(ip: Interpreter) -> List[FuncVal]:
    """Methods of the file's top-level classes that are not Keras subclasses (``self`` and
    parameters without a default are unknown): models built in a ``build()`` are checked."""
    out: List[FuncVal] = []
    for value in list(ip.globals.vars.values()):
        if isinstance(value, ClassVal) and value.module is ip.info and value.kind is None:
            out.extend(v for v in value.namespace.values() if isinstance(v, FuncVal) and v.owner is value)
    return out


def _lower(ip: Interpreter, sem: KerasSemantics, options: FrontendOptions) -> Tuple[List[ModelGraph], List[FileNote]]:
    """Each model built, once per place it is built at.  A place that different outer calls
    reach (``vgg_segnet(101)`` and ``segnet(101)`` both call the ``_segnet`` that makes the
    model) makes a model per outer call, named after it: which encoder the place's model has
    depends on the call, and no one of them is *the* model of that line."""
    graphs: List[ModelGraph] = []
    notes: List[FileNote] = []
    built = [m for m in sem.models if not m.used_as_layer or _named_part(m, sem)]
    roots: Dict[Tuple[int, int], Set[Optional[str]]] = {}
    for model in built:
        roots.setdefault((model.span.line, model.span.column), set()).add(sem.model_root.get(id(model)))
    seen: Set[Tuple[int, int, Optional[str]]] = set()
    for model in built:
        site = (model.span.line, model.span.column)
        root = sem.model_root.get(id(model)) if len(roots[site]) > 1 else None
        if (*site, root) in seen:
            continue
        seen.add((*site, root))
        kind = "Sequential" if isinstance(model, SequentialObj) else "Model"
        name = root or model_label(model, sem.model_origin.get(id(model)) or kind)
        if isinstance(model, SequentialObj):
            graph, model_notes = lower_sequential(model, name, sem.path, sem.registry, options.input_shapes)
        else:
            graph, model_notes = lower_functional(model, name, sem.path, sem.registry, options.input_shapes, sem.cut_sources)
        graphs.append(graph)
        notes.extend(model_notes)
    return graphs, notes


def _named_part(model: Any, sem: KerasSemantics) -> bool:
    """A model the code names and calls on a tensor inside another (``encoder``, ``decoder`` of an
    autoencoder), with an input of its own: Keras builds it, and its summary, on its own, so it
    is reported on its own too (besides inside the model that calls it).  One without an input
    (``head = Sequential([Dense(32), Dense(5)])``) takes its sizes from where it is called, and
    is reported only there."""
    return model.applied and bool(model.var_name or model.name_kwarg) and has_own_input(model, sem.registry)


def _model_classes(ip: Interpreter, sem: KerasSemantics) -> List[ClassVal]:
    """Model subclasses to report: the file's own, not the ones only used as parts of other
    classes (unless the file gives them an instance or an input shape), and imported ones the
    file makes an instance of."""
    classes: List[ClassVal] = []
    for value in ip.globals.vars.values():
        if isinstance(value, ClassVal) and value.kind in ("keras.model", "keras.layer") and value not in classes:
            classes.append(value)
    for inst in sem.instances:
        if inst.cls not in classes and inst.cls.kind == "keras.model":
            classes.append(inst.cls)
    local = [c for c in classes if c.module is ip.info]
    used: Set[str] = set()
    for cls in local:
        for node in walk(cls.node.body):
            if isinstance(node, cst.Name):
                used.add(node.value)
    used.update(b.name for c in local for b in c.bases if isinstance(b, ClassVal))  # abstract bases too
    lines = split_lines(sem.source)
    out = []
    for cls in classes:
        if cls.kind != "keras.model":
            continue
        has_instance = any(i.cls is cls for i in sem.instances)
        if cls.module is not ip.info:
            if has_instance:
                out.append(cls)
            continue
        line = ip.positions.span(cls.node).line
        if cls.name in used and not has_instance and _declared(sem, cls, lines, line) is None:
            continue
        out.append(cls)
    return out


def _declared(sem: KerasSemantics, cls: ClassVal, lines: List[str], line: int) -> Optional[Tuple[Any, ...]]:
    return declared_shape(lines, line) or configured_shape(sem.options.input_shapes, sem.path, cls.name)


def _class_model(ip: Interpreter, sem: KerasSemantics, cls: ClassVal, options: FrontendOptions, path: str) -> Tuple[Any, List[FileNote]]:
    local = cls.module is ip.info
    insts = [i for i in sem.instances if i.cls is cls]
    span = ip.positions.span(cls.node) if local else (insts[0].ext.get("span") if insts else Span(1))
    if cls.method("call") is None:
        functional = _functional_of(ip, sem, cls, insts)
        if functional is not None:
            functional.span = span
            return lower_functional(functional, cls.name, path, sem.registry, options.input_shapes)
        message = f"subclassed Keras model '{cls.name}' has no call method; it is not analysed"
        return None, [FileNote("unsupported", message, span, cls.name)]
    inst = next((i for i in insts if i.ext.get("build_shape") is not None), None)
    inst = inst or next((i for i in insts if i.ext.get("example_shape") is not None), None)
    inst = inst or (insts[0] if insts else None)
    ip.model = cls.name
    try:
        if inst is None:
            sem.depth += 1  # not an instance of the file's own
            try:
                inst = ip.instantiate(cls, [], {}, cls.node)
            finally:
                sem.depth -= 1
        shape = inst.ext.get("build_shape")
        if shape is None:
            shape = inst.ext.get("example_shape")
        if shape is None and local:
            shape = _declared(sem, cls, split_lines(sem.source), span.line)
        if shape is None and not local:
            shape = configured_shape(options.input_shapes, path, cls.name)
        assign_paths(inst, "")
        shapes = shape if isinstance(shape, list) else [shape]
        refs = [sem.register(Proto(LayerObj("Input", (), {"shape": s}, span), [])) for s in shapes]
        arg: Any = refs if isinstance(shape, list) else refs[0]
        before = set(sem.registry)
        sem.depth += 1
        try:
            result = sem.run_call(inst, [arg], {}, cls.node, site=None if local else span)
        finally:
            sem.depth -= 1
    finally:
        ip.model = None
    outputs = [t for t in _tensors(result) if t.key in sem.registry]
    reached = ancestors([t.key for t in outputs], sem.registry)
    extra = [t for t in _sinks(sem, set(sem.registry) - before) if t.key not in reached]
    model = FunctionalObj(span, refs, outputs + extra)
    graph, notes = lower_functional(model, cls.name, path, sem.registry, options.input_shapes)
    if outputs:  # layers cut off by something unknown are shown, but are not outputs
        graph.outputs = graph.outputs[: len(outputs)]
    return graph, notes


def _functional_of(ip: Interpreter, sem: KerasSemantics, cls: ClassVal, insts: List[Instance]) -> Optional[FunctionalObj]:
    """The functional model a class without ``call`` builds in ``__init__``, if any."""
    inst = next((i for i in insts if i.ext.get("functional") is not None), None)
    if inst is None:
        sem.depth += 1
        try:
            inst = ip.instantiate(cls, [], {}, cls.node)
        finally:
            sem.depth -= 1
    return inst.ext.get("functional") if isinstance(inst, Instance) else None


def _sinks(sem: KerasSemantics, created: set) -> List[TensorRef]:
    """Protos a ``call`` created that nothing consumed (its result was unknown): the layers
    still appear, with whatever shapes could be found."""
    consumed = {k for key in created for k in sem.registry[key].inputs}
    return [TensorRef(k) for k in sorted(created, key=lambda k: sem.registry[k].uid) if k not in consumed]


