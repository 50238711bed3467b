"""Oracle: the Keras fixtures, read by convlint and built by real Keras 3, must agree.

Each fixture is our own code, so the test executes it (with small import shims for the
``tensorflow.keras`` and Keras 2 module paths, since only standalone Keras 3 is installed) and
compares every layer's output shape and parameter count, and the model totals, with
``convlint.engine.analyze`` of the front end's graphs.  Lines marked ``# expect: <kind>`` must
make real Keras raise and convlint report a finding of that kind on that line; where the layer
is applied on another line than it is built, Keras raises on that very line.
"""

from __future__ import annotations

import ast
import os
import re
import sys
import types
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")

from convlint.dims import is_known  # noqa: E402
from convlint.engine import analyze  # noqa: E402
from convlint.frontend import analyze_source  # noqa: E402
from convlint.graph import ModelGraph  # noqa: E402
from oracle_frameworks import raising_line  # noqa: E402

import oracle_frameworks  # noqa: E402

pytestmark = pytest.mark.oracle

PARTIAL = {"builder_stops.py"}
"""Builders convlint cannot follow to the end on purpose: their totals are checked against Keras
in ``test_oracle_totals.py`` (a lower bound), not layer by layer here."""
FIXTURES = sorted(p for p in (Path(__file__).resolve().parent.parent / "fixtures" / "keras").glob("*.py") if p.name not in PARTIAL)
EXPECT = re.compile(r"#\s*expect:\s*([a-z-]+)")


def _shim_modules() -> Dict[str, types.ModuleType]:
    """``tensorflow.keras`` and Keras 2 sub-module paths, all pointing at Keras 3."""
    tf = types.ModuleType("tensorflow")
    tf.keras = keras  # type: ignore[attr-defined]
    # the TensorFlow ops the fixtures use, as Keras 3 spells them
    tf.shape, tf.exp = keras.ops.shape, keras.ops.exp  # type: ignore[attr-defined]
    tf.random = types.SimpleNamespace(normal=keras.random.normal)  # type: ignore[attr-defined]
    out = {
        "tensorflow": tf,
        "tensorflow.keras": keras,
        "tensorflow.keras.layers": keras.layers,
        "tensorflow.keras.models": keras.models,
    }
    for legacy in ("convolutional", "core", "pooling", "merge", "normalization"):
        out[f"keras.layers.{legacy}"] = keras.layers
    return out


_DATASETS = {"mnist": ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))}
"""Keras' documented ``load_data()`` shapes: the fixtures run offline, on zeros of these."""


def _offline_datasets(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    for name, (xs, ys, xt, yt) in _DATASETS.items():
        arrays = ((np.zeros(xs, "uint8"), np.zeros(ys, "uint8")), (np.zeros(xt, "uint8"), np.zeros(yt, "uint8")))
        monkeypatch.setattr(getattr(keras.datasets, name), "load_data", lambda arrays=arrays: arrays)


def _execute(path: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, Any]:
    """Run a fixture in real Keras 3; one written in Keras 1 runs as the Keras 3 code convlint's
    legacy table maps it to (``keras_legacy_shim``)."""
    from convlint.frontend.keras.legacy import looks_keras1
    from keras_legacy_shim import legacy_modules

    shims = _shim_modules()
    if looks_keras1(path.read_text()):
        shims.update(legacy_modules(keras))
    for name, module in shims.items():
        monkeypatch.setitem(sys.modules, name, module)
    _offline_datasets(monkeypatch)
    source = path.read_text()
    ns: Dict[str, Any] = {"__name__": "convlint_fixture", "__file__": str(path), **oracle_frameworks.implied_namespace(source)}
    exec(compile(source, str(path), "exec"), ns)
    return ns


def _expectations(source: str) -> Dict[int, str]:
    return {i: m.group(1) for i, line in enumerate(source.splitlines(), 1) for m in [EXPECT.search(line)] if m}


def _enclosing_function(tree: ast.Module, line: int) -> Optional[str]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.lineno <= line <= (node.end_lineno or node.lineno):
            return node.name
    return None


def _real_model(graph: ModelGraph, ns: Dict[str, Any], tree: ast.Module) -> Any:
    """The Keras model a graph describes: the global of the same name, else what the function
    around its creation returns (called without arguments)."""
    value = ns.get(graph.name)
    if isinstance(value, keras.Model):
        return value
    if isinstance(value, type) and issubclass(value, keras.Model):
        return _subclassed_model(graph, value, ns)
    func = _enclosing_function(tree, graph.span.line)
    assert func is not None, f"cannot find the real model for {graph.name}"
    return ns[func]()


def _leaf_layers(model: Any, out: List[Any]) -> List[Any]:
    """Keras' own layers, nested models' and custom layers' included (convlint inlines a custom
    layer's ``call``: its own layers are its nodes; its tensor ops are ops, not layers)."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.Model):
            _leaf_layers(layer, out)
        elif not type(layer).__module__.startswith("keras."):
            for sub in layer._flatten_layers(include_self=False, recursive=True):
                if type(sub).__module__.startswith("keras.") and not any(sub is seen for seen in out):
                    out.append(sub)
        elif not any(layer is seen for seen in out):
            out.append(layer)
    return out


def _real_shapes(layer: Any) -> List[str]:
    """Distinct output shapes over the layer's calls (``Sequential.add`` rebuilds the graph,
    so Keras records one inbound node per rebuild)."""
    return sorted({str(tuple(t.shape)) for node in layer._inbound_nodes for t in node.output_tensors})


def _graphs(path: Path) -> Tuple[str, List[ModelGraph]]:
    source = path.read_text()
    result = analyze_source(source, str(path))
    assert not [n for n in result.notes if n.kind == "syntax-error"]
    return source, result.models


def _subclassed_model(graph: ModelGraph, cls: type, ns: Dict[str, Any]) -> Any:
    """A subclassed model: the file's own instance (built by its example call), else a new one
    called on zeros of the graph's input shape (which raises for a broken model)."""
    import numpy as np

    model = next((v for v in ns.values() if isinstance(v, cls) and v.built), None)
    if model is None:
        model = cls()
        model(np.zeros((1,) + tuple(graph.node(graph.inputs[0]).kwargs["shape"]), dtype="float32"))
    return model


def _run_recording(model: Any, shape: Tuple[int, ...]) -> Tuple[List[Any], Dict[int, List[str]], List[Tuple[Any, ...]]]:
    """Call a subclassed model on zeros, recording every built-in layer's output shapes (eager
    calls leave no inbound nodes to read them from)."""
    import numpy as np

    leaves = [
        layer for layer in model._flatten_layers(include_self=False, recursive=True)
        if type(layer).__module__.startswith("keras.")
    ]
    seen: Dict[int, set] = {id(layer): set() for layer in leaves}
    for layer in leaves:
        def wrapped(*args: Any, _call: Any = layer.call, _id: int = id(layer), **kwargs: Any) -> Any:
            out = _call(*args, **kwargs)
            seen[_id].add(str((None,) + tuple(out.shape)[1:]))
            return out

        object.__setattr__(layer, "call", wrapped)
    try:
        out = model(np.zeros((2,) + shape, dtype="float32"))
    finally:
        for layer in leaves:
            object.__delattr__(layer, "call")
    outs = out if isinstance(out, (list, tuple)) else [out]
    return leaves, {k: sorted(v) for k, v in seen.items()}, [(None,) + tuple(o.shape)[1:] for o in outs]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_matches_keras(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, graphs = _graphs(path)
    assert graphs, "the front end found no model"
    expect = _expectations(source)
    ns = _execute(path, monkeypatch)
    tree = ast.parse(source)
    for graph in graphs:
        shaped = analyze(graph)
        lines = {n.site.line for n in graph.nodes}
        broken = {line: kind for line, kind in expect.items() if line in lines}
        if broken:
            with pytest.raises(Exception) as raised:
                _real_model(graph, ns, tree)
            found = {(f.span.line, f.kind) for f in shaped.findings}
            for line, kind in broken.items():
                assert (line, kind) in found, f"{graph.name}: no {kind} finding at line {line}; got {sorted(found)}"
            for f in shaped.findings:
                if f.defined is not None:  # built on one line, applied on another: Keras raises at the application
                    assert raising_line(raised.value, path) == f.span.line, f"{graph.name}: {f.message}"
            continue
        real = _real_model(graph, ns, tree)
        assert not shaped.findings, [f.message for f in shaped.findings]
        # Keras orders a functional model's layers by graph depth, not creation: compare the
        # multiset of (type, parameters, output shapes) per layer object.
        ours = []
        for result in shaped.layers:
            if result.node.type == "Input" or not result.first_use or result.node.op is not None:
                continue  # (a tensor op, ``x + y`` or ``ops.add``, is an operation in Keras 3, no layer)
            uses = [r for r in shaped.layers if r.node.layer_id == result.node.layer_id]
            shapes = sorted({str(tuple(r.output_shape)) for r in uses})
            ours.append((result.node.type, result.params, shapes))
        outputs = [tuple(shaped.result(o).output_shape) for o in graph.outputs]
        if isinstance(ns.get(graph.name), type):  # a subclassed model: no functional graph to read
            shape = tuple(graph.node(graph.inputs[0]).kwargs["shape"])
            leaves, seen, real_outputs = _run_recording(real, shape)
            # (a layer the call never reached, such as one under ``if training:``, has nothing to compare)
            theirs = [(type(layer).__name__, layer.count_params(), seen[id(layer)]) for layer in leaves if seen[id(layer)]]
            # the attribute path of every layer is its Keras attribute
            for result in shaped.layers:
                if result.node.type != "Input":
                    obj: Any = real
                    for part in (result.node.name or "").split("."):
                        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
                    assert type(obj).__name__ == result.node.type, result.node.name
        else:
            theirs = [(type(layer).__name__, layer.count_params(), _real_shapes(layer)) for layer in _leaf_layers(real, [])]
            real_outputs = [tuple(t.shape) for t in real.outputs]
        assert sorted(ours, key=str) == sorted(theirs, key=str), graph.name
        assert shaped.total_params == real.count_params(), graph.name
        assert outputs == real_outputs, graph.name
        assert all(is_known(d) for shape in outputs for d in shape[1:])


def test_every_expect_line_is_covered() -> None:
    """Each ``# expect:`` marker belongs to a layer of some model convlint found."""
    for path in FIXTURES:
        source, graphs = _graphs(path)
        lines = {n.site.line for g in graphs for n in g.nodes}
        for line in _expectations(source):
            assert line in lines, f"{path.name}:{line} is not a layer of any model found"


def test_seed_example_counts() -> None:
    """The course numbers: 240 weights + 5 biases; stacked 9x9x4 -> 7x7x6 -> 3x3x8."""
    path = next(p for p in FIXTURES if p.stem == "seed_examples")
    _, graphs = _graphs(path)
    by_name = {g.name: analyze(g) for g in graphs}
    conv = [r for r in by_name["single"].layers if r.node.type == "Conv2D"][0]
    assert (conv.weight_count, conv.bias_count, conv.output_shape) == (240, 5, (None, 29, 29, 5))
    shapes = [r.output_shape for r in by_name["stacked"].layers]
    assert shapes == [(None, 9, 9, 4), (None, 7, 7, 6), (None, 3, 3, 8)]
    assert by_name["stacked"].total_params == (3 * 3 * 4 * 6 + 6) + (2 * 2 * 6 * 8 + 8)


@pytest.mark.parametrize(
    "module, builder, size",
    [("mobilenet", "MobileNet", (224, 224, 3)), ("resnet", "ResNet50", (224, 224, 3))],
)
def test_keras_applications_source(module: str, builder: str, size: Tuple[int, int, int]) -> None:
    """Keras' own application code (helpers, loops, f-string names, ``image_data_format()``),
    read statically with a configured input size, against the model Keras builds from it."""
    from convlint.frontend import FrontendOptions

    path = Path(keras.__file__).parent / "src" / "applications" / f"{module}.py"
    result = analyze_source(path.read_text(), str(path), FrontendOptions(input_shapes={"model": size}))
    assert len(result.models) == 1
    shaped = analyze(result.models[0])
    assert not shaped.findings, [f.message for f in shaped.findings[:3]]
    real = getattr(keras.applications, builder)(weights=None, input_shape=size)
    assert shaped.total_params == real.count_params()
    real_layers = {layer.name: layer for layer in real.layers}
    compared = 0
    for r in shaped.layers:
        layer = real_layers.get(r.node.name or "")
        if layer is None or r.node.type == "Input":
            continue
        assert tuple(r.output_shape) == tuple(layer.output.shape), r.node.name
        assert r.params == layer.count_params(), r.node.name
        compared += 1
    assert compared >= len(real.layers) - 2  # every named layer but the input
