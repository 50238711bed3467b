"""The NumPy reference executor: an independent witness for the shape engine.

It runs a graph on real float32 arrays with random weights shaped as the catalogue says, and
returns the shapes it *measured*.  A wrong shape formula in the engine then disagrees with a
real computation, and the forward functions themselves are checked numerically against
``torch.nn.functional`` and Keras in the oracle tests.  numpy is imported here and in the
catalogue's forward functions only.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from .dims import is_known, prod
from .engine import ShapedModel, analyze
from .graph import ModelGraph
from .layers import Catalogue, default_catalogue
from .layers.base import FORWARD_TEMPORARIES

__all__ = ["ExecutorError", "Execution", "execute", "memory_estimate", "DEFAULT_MEMORY_CAP"]

DEFAULT_MEMORY_CAP = 1 << 30
"""Bytes the executor agrees to allocate at its peak: every activation (all are kept and
returned), every weight, and the temporaries of the layer that needs the most."""

OVERHEAD = 4 << 20
"""Python objects and small arrays besides the activations (the analysis, the weight dicts)."""


class ExecutorError(Exception):
    """The executor refuses to run a graph (too large, shape errors, unknown sizes)."""


@dataclass
class Execution:
    """What a run produced: every node's output array and measured shape, and the weights."""

    outputs: Dict[str, Any]
    shapes: Dict[str, Tuple[int, ...]]
    weights: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    shaped: Optional[ShapedModel] = None


InputSpec = Union[Sequence[int], Any]


def _concrete(model: ModelGraph, inputs: Mapping[str, Tuple[int, ...]]) -> ModelGraph:
    """A copy of ``model`` whose Input nodes have the given concrete shapes (batch included):
    an exact input (``batch_shape``, a tensor a factory made) takes the whole shape, any other
    the shape after its batch axis."""
    out = copy.copy(model)
    out.nodes = []
    for node in model.nodes:
        if node.id in inputs:
            node = copy.copy(node)
            given = tuple(inputs[node.id])
            node.kwargs = {"batch_shape": given} if "batch_shape" in node.kwargs else dict(node.kwargs, shape=given[1:])
        out.nodes.append(node)
    return out


def execute(
    model: ModelGraph,
    inputs: Union[InputSpec, Mapping[str, InputSpec]],
    *,
    catalogue: Optional[Catalogue] = None,
    memory_cap: int = DEFAULT_MEMORY_CAP,
    seed: int = 0,
    weights: Optional[Mapping[str, Mapping[str, Any]]] = None,
) -> Execution:
    """Run ``model`` in NumPy.

    ``inputs``: for a single-input model, a full shape *with* the batch dim (``(1, 28, 28, 1)``)
    or an array; for several inputs, a mapping from Input node id to either.  ``weights``
    optionally fixes some layers' weights (``{layer key: {weight name: array}}``), as the
    numerical oracle tests do; the rest are random (seeded).
    Raises :class:`ExecutorError` when the graph has shape errors or unknown sizes, or when
    :func:`memory_estimate` exceeds ``memory_cap`` bytes (checked before anything is allocated).
    """
    import numpy as np

    catalogue = catalogue or default_catalogue()
    if not isinstance(inputs, Mapping):
        if len(model.inputs) != 1:
            raise ExecutorError(f"model '{model.name}' has {len(model.inputs)} inputs; pass a mapping of input id to shape")
        inputs = {model.inputs[0]: inputs}
    arrays: Dict[str, Any] = {}
    batch_shapes: Dict[str, Tuple[int, ...]] = {}
    for node_id, spec in inputs.items():
        if hasattr(spec, "shape") and hasattr(spec, "dtype"):
            arrays[node_id] = np.asarray(spec, dtype=np.float32)
            batch_shapes[node_id] = tuple(arrays[node_id].shape)
        else:
            batch_shapes[node_id] = tuple(int(v) for v in spec)
    batch = {s[0] for s in batch_shapes.values()}
    if len(batch) != 1:
        raise ExecutorError(f"inputs disagree on the batch size: {sorted(batch)}")
    n_batch = batch.pop()

    concrete = _concrete(model, batch_shapes)
    shaped = analyze(concrete, catalogue)
    if shaped.findings:
        first = shaped.findings[0]
        raise ExecutorError(f"cannot execute '{model.name}': {first.message}")
    _check_memory(shaped, n_batch, memory_cap)

    rng = np.random.default_rng(seed)
    outputs: Dict[str, Any] = {}
    store: Dict[str, Dict[str, Any]] = {k: dict(v) for k, v in (weights or {}).items()}
    for result in shaped.layers:
        node = result.node
        if not node.inputs and result.spec is not None and result.spec.min_inputs() == 0:
            x = arrays.get(node.id)
            if x is None:
                x = rng.standard_normal(batch_shapes[node.id], dtype=np.float32)
            outputs[node.id] = x
            continue
        key = node.weight_key
        layer_weights = store.setdefault(key, {})
        for w in result.weights:
            if w.name not in layer_weights:
                layer_weights[w.name] = _random_weight(rng, w.name, tuple(int(v) for v in w.shape))
        assert result.spec is not None and result.attrs is not None
        xs = [outputs[i] for i in node.inputs]
        try:
            outputs[node.id] = np.asarray(result.spec.forward(result.attrs, xs, layer_weights))
        except NotImplementedError as err:
            raise ExecutorError(f"cannot execute {node.display_type} ({node.id}): {err}") from err
    shapes = {k: tuple(v.shape) for k, v in outputs.items()}
    return Execution(outputs, shapes, store, shaped)


def _random_weight(rng: Any, name: str, shape: Tuple[int, ...]) -> Any:
    """Drawn in float32 and scaled in place: no float64 temporary twice the weight's size."""
    import numpy as np

    if "var" in name:  # variances must be positive: uniform in [0.5, 1.5)
        w = rng.random(shape, dtype=np.float32)
        w += 0.5
        return w
    if name == "num_batches_tracked":
        return np.zeros(shape, dtype=np.int64)
    w = rng.standard_normal(shape, dtype=np.float32)
    w *= 0.1
    return w


def _concrete_shape(shaped: ShapedModel, node_id: str, shape: Any, n_batch: int) -> Tuple[int, ...]:
    if shape is None:
        raise ExecutorError(f"cannot execute '{shaped.model.name}': the output shape of {node_id} is unknown")
    if not all(is_known(d) for d in shape[1:]):
        raise ExecutorError(f"cannot execute '{shaped.model.name}': {node_id} has a symbolic shape; give a concrete input shape")
    return (n_batch,) + tuple(int(d) for d in shape[1:])  # type: ignore[arg-type]


def memory_estimate(shaped: ShapedModel, n_batch: int) -> int:
    """Bytes a run of ``shaped`` allocates at its peak, at most: every activation (float32, all
    kept), every weight, and the most any one layer's forward holds besides (its general
    allowance, :data:`FORWARD_TEMPORARIES`, plus its spec's ``workspace``, e.g. a
    convolution's unfolded columns)."""
    kept = OVERHEAD
    worst = 0
    shapes: Dict[str, Tuple[int, ...]] = {}
    for result in shaped.layers:
        out = shapes[result.node.id] = _concrete_shape(shaped, result.node.id, result.output_shape, n_batch)
        kept += 4 * prod(out)  # type: ignore[operator]
        for w in result.weights:
            if w.size is not None and is_known(w.size):
                kept += 4 * int(w.size)  # type: ignore[arg-type]
        if not result.node.inputs:
            continue  # an input: drawn in place, no forward
        ins = [shapes[i] for i in result.node.inputs if i in shapes]
        own = result.spec.workspace(result.attrs, ins, out) if result.spec is not None and result.attrs is not None else None
        general = FORWARD_TEMPORARIES * 4 * (prod(out) + sum(prod(i) for i in ins))  # type: ignore[operator]
        worst = max(worst, general if own is None else own)
    return kept + worst


def _check_memory(shaped: ShapedModel, n_batch: int, cap: int) -> None:
    """Refuse before allocating anything when :func:`memory_estimate` exceeds ``cap``."""
    total = memory_estimate(shaped, n_batch)
    if total > cap:
        raise ExecutorError(
            f"refusing to execute '{shaped.model.name}': it needs about {total / 2**20:.1f} MiB at its peak (activations, "
            f"weights and the largest layer's temporaries), over the cap of {cap / 2**20:.1f} MiB (pass memory_cap= to raise it)"
        )
