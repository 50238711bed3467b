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

__all__ = ["ExecutorError", "Execution", "execute", "DEFAULT_MEMORY_CAP"]

DEFAULT_MEMORY_CAP = 1 << 30  # bytes of activations + weights the executor agrees to allocate


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
    Raises :class:`ExecutorError` when the graph has shape errors or unknown sizes, or when its
    activations and weights would exceed ``memory_cap`` bytes.
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
                x = rng.standard_normal(batch_shapes[node.id]).astype(np.float32)
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
    import numpy as np

    if "var" in name:  # variances must be positive
        return rng.uniform(0.5, 1.5, shape).astype(np.float32)
    if name == "num_batches_tracked":
        return np.zeros(shape, dtype=np.int64)
    return (rng.standard_normal(shape) * 0.1).astype(np.float32)


def _check_memory(shaped: ShapedModel, n_batch: int, cap: int) -> None:
    """Refuse before allocating: activations (float32, all kept) plus weights must fit ``cap``."""
    total = 0
    for result in shaped.layers:
        shape = result.output_shape
        if shape is None:
            raise ExecutorError(f"cannot execute '{shaped.model.name}': the output shape of {result.node.id} is unknown")
        size = prod(shape[1:])
        if not is_known(size):
            raise ExecutorError(
                f"cannot execute '{shaped.model.name}': {result.node.id} has a symbolic shape; give a concrete input shape"
            )
        total += 4 * n_batch * int(size)  # type: ignore[arg-type]
        for w in result.weights:
            if w.size is not None and is_known(w.size):
                total += 4 * int(w.size)  # type: ignore[arg-type]
    if total > cap:
        raise ExecutorError(
            f"refusing to execute '{shaped.model.name}': it needs about {total / 2**20:.1f} MiB of activations and "
            f"weights, over the cap of {cap / 2**20:.1f} MiB (pass memory_cap= to raise it)"
        )
