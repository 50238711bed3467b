"""Oracle: every PyTorch fixture, built by real PyTorch, against convlint's static analysis.

Each fixture file is executed (it is our own code) with ``__name__`` set so its example calls
do not run; the model convlint found is rebuilt from the namespace and run on the input shape
convlint inferred, with a global forward hook on every leaf module.  Each leaf's output shape
(call by call) and parameter count, the total parameter count and the model output shape must
equal the engine's.  A fixture line marked ``# expect: <kind>`` must make PyTorch raise and
convlint report a finding of that kind on that line; for a module built in one place and
applied in another, PyTorch raises on the line of the application, where convlint reports it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

torch = pytest.importorskip("torch")

from convlint.dims import is_known  # noqa: E402
from convlint.engine import ShapedModel, analyze  # noqa: E402
from convlint.frontend import FrontendOptions, analyze_source  # noqa: E402
from convlint.graph import ModelGraph  # noqa: E402
from oracle_frameworks import raising_line  # noqa: E402

import oracle_frameworks  # noqa: E402

pytestmark = pytest.mark.oracle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "torch"
_EXPECT = re.compile(r"#\s*expect:\s*([a-z-]+)")
OPTIONS = {"dcgan_discriminator.py": {"Discriminator": (3, 64, 64)}}
"""Fixtures whose input shape comes from the configuration, as ``[tool.convlint] input-shapes``."""
_ERRORS = {"non-positive-dim", "rank-mismatch", "channel-mismatch", "groups", "reshape-size", "merge-mismatch", "invalid-argument"}


PARTIAL = {"forward_stops.py"}
"""Fixtures convlint cannot follow to the end on purpose: their totals are checked against
PyTorch in ``test_oracle_totals.py`` (exact, or a lower bound), not layer by layer here."""


def _fixtures() -> List[Path]:
    return sorted(p for p in FIXTURES.glob("*.py") if p.name not in PARTIAL)


def _expectations(source: str) -> Dict[int, str]:
    out = {}
    for i, line in enumerate(source.splitlines(), 1):
        m = _EXPECT.search(line)
        if m:
            out[i] = m.group(1)
    return out


class _Recorder:
    """Output shapes of every leaf-module call, in call order, while active."""

    def __init__(self) -> None:
        self.calls: List[Tuple[Any, Tuple[int, ...]]] = []

    def __enter__(self) -> "_Recorder":
        def hook(module: Any, inputs: Any, output: Any) -> None:
            if not list(module.children()) and isinstance(output, torch.Tensor):
                self.calls.append((module, tuple(output.shape)))

        self._handle = torch.nn.modules.module.register_module_forward_hook(hook)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._handle.remove()


def _run_fixture(path: Path, graph: ModelGraph) -> Tuple[Dict[str, Any], List[Tuple[str, Tuple[int, ...]]], Optional[Exception], Any, int]:
    """(leaf modules by name, [(name, output shape)] in call order, the error raised, output,
    total parameter count with each parameter counted once)."""
    source = path.read_text()
    ns: Dict[str, Any] = {"__name__": "convlint_oracle_fixture", "__file__": str(path), **oracle_frameworks.implied_namespace(source)}
    torch.manual_seed(0)
    with _Recorder() as rec:
        try:
            exec(compile(source, str(path), "exec"), ns)
            script_error: Optional[Exception] = None
        except Exception as err:  # straight-line fixtures fail at module level
            script_error = err
    target = ns.get(graph.name)
    is_model = isinstance(target, type) or isinstance(target, torch.nn.Sequential)
    if not is_model:
        # straight-line code: the layers are module-level variables, already run by exec
        names = {id(v): k for k, v in ns.items() if isinstance(v, torch.nn.Module)}
        leaves = {k: v for k, v in ns.items() if isinstance(v, torch.nn.Module)}
        calls = [(names.get(id(m), "?"), s) for m, s in rec.calls]
        return leaves, calls, script_error, None, _count(leaves.values())
    if isinstance(target, type):
        instance = next((v for v in ns.values() if isinstance(v, target)), None)
        try:
            model = instance if instance is not None else target()
        except Exception as err:  # PyTorch rejects some arguments at construction
            return {}, [], err, None, 0
    else:
        model = target
    # the mode the file leaves it in (a new module trains): as convlint reads `self.training`
    names = {id(m): n for n, m in model.named_modules()}
    leaves = {n: m for n, m in model.named_modules() if not list(m.children())}
    inputs = [torch.randn(*_input_size(graph.node(i).kwargs)) for i in graph.inputs]
    error: Optional[Exception] = None
    output = None
    with _Recorder() as rec, torch.no_grad():
        try:
            output = model(*inputs)
        except Exception as err:
            error = err
    calls = [(names.get(id(m), "?"), s) for m, s in rec.calls]
    return leaves, calls, error, output, _count([model])


def _count(modules: Any) -> int:
    unique = {id(p): p for m in modules for p in m.parameters()}
    return sum(p.numel() for p in unique.values())


def _ours(shaped: ShapedModel, called: bool = True) -> Dict[str, List[Any]]:
    """convlint's layer calls (or, ``called=False``, the modules it says forward never calls)
    by module name."""
    out: Dict[str, List[Any]] = {}
    for r in shaped.layers:
        if r.node.layer_id is not None and r.node.type != "Input" and r.node.called == called:
            out.setdefault(r.node.layer_id, []).append(r)
    return out


def _is_identity(module: Any) -> bool:
    return isinstance(module, torch.nn.Identity) or (isinstance(module, torch.nn.Sequential) and len(module) == 0)


def _input_size(kwargs: Dict[str, Any]) -> Tuple[int, ...]:
    """The tensor to feed: an example's exact shape, or a batch of 2 of a declared shape."""
    return tuple(kwargs["batch_shape"]) if "batch_shape" in kwargs else (2, *kwargs["shape"])


def _concrete(shape: Any, real: Tuple[int, ...]) -> Optional[Tuple[int, ...]]:
    """convlint's shape in the real one's terms: exact where its first axis is known (an
    example's batch, or an unbatched tensor), else with the real batch size."""
    if shape is None or not all(is_known(d) for d in shape[1:]):
        return None
    return tuple(shape) if is_known(shape[0]) else (real[0], *shape[1:]) if real else tuple(shape)


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.stem)
def test_fixture_matches_pytorch(path: Path) -> None:
    source = path.read_text()
    result = analyze_source(source, str(path), FrontendOptions(input_shapes=OPTIONS.get(path.name, {})))
    assert result.models, f"convlint found no model in {path.name}"
    for graph in result.models:
        lines = {n.site.line for n in graph.nodes}  # a file may hold several models: this one's markers
        expectations = {line: kind for line, kind in _expectations(source).items() if line in lines}
        for i in graph.inputs:
            given = graph.node(i).kwargs.get("batch_shape", graph.node(i).kwargs.get("shape"))
            assert isinstance(given, tuple) and all(isinstance(d, int) for d in given), f"{graph.name}: no concrete input shape"
        shaped = analyze(graph)
        leaves, calls, error, output, total_torch = _run_fixture(path, graph)
        ours = _ours(shaped)
        errors = [f for f in shaped.findings if f.kind in _ERRORS]
        other = [f for f in shaped.findings if f.kind not in _ERRORS]
        assert not other, f"{graph.name}: {[(f.kind, f.message) for f in other]}"

        if expectations:
            assert error is not None, f"{graph.name}: PyTorch accepted a model marked as broken"
            found = {(f.span.line, f.kind) for f in errors}
            for line, kind in expectations.items():
                assert (line, kind) in found, f"{graph.name}: expected {kind} on line {line}; got {sorted(found)}"
            for f in errors:
                if f.defined is not None:  # built on one line, applied on another: torch raises at the application
                    assert raising_line(error, path) == f.span.line, f"{graph.name}: {f.message}"
        else:
            assert error is None, f"{graph.name}: PyTorch raised {error!r}"
            assert not errors, f"{graph.name}: false findings {[(f.kind, f.message) for f in errors]}"

        # every leaf call torch made, in order, has the same output shape in our table
        seen: Dict[str, int] = {}
        compared = 0
        for name, shape in calls:
            if _is_identity(leaves.get(name)):
                continue  # an empty nn.Sequential() or nn.Identity(): no layer in convlint's table
            k = seen.get(name, 0)
            seen[name] = k + 1
            results = ours.get(name)
            assert results is not None and k < len(results), f"{graph.name}: torch called {name!r}, convlint has no such layer call"
            mine = _concrete(results[k].output_shape, shape)
            if error is not None and mine is None:
                continue
            assert mine == shape, f"{graph.name}.{name} call {k}: convlint {results[k].output_shape}, torch {shape}"
            compared += 1
        if error is None:
            # (functional ops with a weight, such as ``F.conv2d(x, self.w)``, are no modules: not hooked)
            module_calls = sum(len(v) for k, v in ours.items() if k in leaves)
            assert compared == module_calls, f"{graph.name}: convlint has layer calls torch did not make"
            assert compared > 0

        # modules convlint says forward never calls: torch made no call to them either
        uncalled = _ours(shaped, called=False)
        assert not set(uncalled) & {name for name, _ in calls}, f"{graph.name}: torch called {set(uncalled) & {n for n, _ in calls}}"

        # parameters, layer by layer and in total (torch counts each module once, called or not)
        for name, module in leaves.items():
            if name not in ours and name not in uncalled:
                continue
            expected = sum(p.numel() for p in module.parameters(recurse=False))
            first = (ours.get(name) or uncalled[name])[0]
            if first.params is not None:
                assert first.params == expected, f"{graph.name}.{name}: params {first.params} != torch {expected}"
            elif error is None:
                pytest.fail(f"{graph.name}.{name}: convlint could not count its parameters")
        if error is None:
            assert shaped.total_params == total_torch
            if output is not None:
                out_nodes = [shaped.result(o) for o in graph.outputs]
                outs = output if isinstance(output, (tuple, list)) else [output]
                assert [_concrete(r.output_shape, tuple(o.shape)) for r, o in zip(out_nodes, outs)] == [tuple(o.shape) for o in outs]
                assert len(out_nodes) == len(outs)
