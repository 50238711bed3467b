"""What running a model costs, for a batch of one: multiply-accumulates and memory.

One sample is what follows the batch axis: ``(None, ...)`` for a batch of any size, axis 0 of
an example call's exact tensor (``torch.randn(4, 3, 32, 32)`` costs a quarter of that call),
and the whole tensor where the model takes PyTorch's unbatched inputs (``(C, H, W)`` into a
``Conv2d``), which the first layer that can tell (by its rank) decides.

A pure function of the engine's answer (:class:`~convlint.engine.ShapedModel`): each layer's
catalogue spec, weight shapes and output shape, all already computed; nothing here repeats a
shape rule.  Values are ``Dim``s, so a symbolic input gives symbolic costs (``1728 * H * W``).

**Multiply-accumulates (MACs)**, the conventions of torchinfo 1.8.0 (``LayerInfo.calculate_macs``
and ``ModelStatistics``, read in its source), for Keras and PyTorch alike:

* a convolution (any spec of the conv family: plain, transposed, separable, depthwise): every
  weight and bias element once per output position, ``(kernel + bias sizes) x output spatial
  positions``.  For a plain convolution that is *output elements x kernel area x in_channels /
  groups*, plus one per output element for the bias.  (For a transposed convolution this is
  torchinfo's figure too, which counts output rather than input positions.)
* ``Dense`` / ``Linear`` / ``Bilinear``: ``(weights + bias) x positions``, where positions are
  the axes between the batch and the last one (1 for a rank-2 input: ``in x out + out``).
  torchinfo multiplies by the batch axis only, so on a rank > 2 input it gives one position's
  count; convlint counts every position, as the work is done for each.
* any other layer with trainable weights (a norm's scale and offset, PReLU's slopes): one MAC
  per trainable weight element, as torchinfo counts ``weight`` / ``bias`` parameters.  Moving
  statistics (Keras' non-trainable weights, torch's buffers) cost nothing, nor do layers without
  weights (pooling, activations, reshapes, merges) and ``nn.Parameter``s held outside layers.
* a layer called twice costs twice (weights are counted once, work once per call); a PyTorch
  submodule ``forward`` never calls costs nothing; ``F.conv2d(x, self.weight)`` costs what the
  convolution does (torchinfo, which hooks modules, misses it).
* a plugin spec may define ``macs(attrs, inputs, output) -> Dim | None`` to give its own count.

**Memory** counts elements times the size of ``dtype`` (``float32``, 4 bytes, unless configured):

* a layer's activation memory is its output tensor; the model's ``activation_bytes`` is the sum
  over every layer call (what a training step keeps for the backward pass), without the input;
* ``peak_activation_bytes``: walking the layers in the graph's (topological) order, the bytes
  of the tensors alive at each step (produced, and still to be read by a later layer or being a
  model output; the input included), at its largest.  Each output counts as its own buffer:
  views and in-place activations are not merged, so it bounds what an inference holds at once;
* ``param_bytes``: the parameter count (as the framework counts it) times the dtype size.

A total is *exact* only when every term is known and the model was followed to the end (no
``Stop``; for MACs and activations, every called layer's shape reached, and for parameters the
engine's ``complete``); otherwise it is the sum of the known terms,
a lower bound (symbolic terms dropped, as they are never negative), which a budget may still
act on when it is already over.  A symbolic peak is given where one step's live sum is at
least every other's for every input size (their difference has no negative coefficient, each
size and floor of sizes being at least 0 where the model is valid); else it is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

from .dims import Dim, is_known, prod
from .engine import LayerResult, ShapedModel
from .graph import Shape
from .layers.conv import KerasConv, TorchConv
from .layers.core import KerasDense, TorchBilinear, TorchLinear

__all__ = ["Amount", "LayerCost", "ModelCost", "model_cost", "cost_of", "top_layers"]


@dataclass(frozen=True)
class Amount:
    """A model total: ``exact`` (an int, or a symbolic ``Dim``), or else ``value`` is a lower
    bound (an int: the known terms) or ``None`` when not even that can be said."""

    value: Optional[Dim]
    exact: bool

    @property
    def known(self) -> Optional[int]:
        """The figure a budget may compare: an int that is exact or a lower bound."""
        return self.value if is_known(self.value) else None


@dataclass(frozen=True)
class LayerCost:
    """One layer call's cost; ``None`` where it is unknown."""

    macs: Optional[Dim]
    activation_bytes: Optional[Dim]
    param_bytes: Optional[Dim]


@dataclass(frozen=True)
class ModelCost:
    dtype: str
    dtype_bytes: int
    layers: Dict[str, LayerCost]
    """By node id (every node of the model, inputs included)."""
    macs: Amount
    activation_bytes: Amount
    input_bytes: Amount
    peak_activation_bytes: Amount
    param_bytes: Amount
    peak_tensors: Tuple[str, ...] = field(default=())
    """The node ids whose outputs are alive at the peak, largest first."""


def cost_of(shaped: ShapedModel) -> Optional[ModelCost]:
    """The cost the runner attached to ``shaped`` (``None`` for a model analysed elsewhere)."""
    return getattr(shaped, "cost", None)


def model_cost(shaped: ShapedModel, dtype: str = "float32", dtype_bytes: int = 4) -> ModelCost:
    """Every layer's cost and the model's totals (see the module docstring for conventions)."""
    batched = _batched(shaped)
    layers = {r.node.id: _layer_cost(r, dtype_bytes, batched) for r in shaped.layers}
    complete = bool(getattr(shaped, "shapes_complete", True))  # every call reached, with a shape
    calls = [r for r in shaped.layers if r.node.called and r.node.type != "Input"]
    inputs = [r for r in shaped.layers if r.node.type == "Input"]
    macs = _total((layers[r.node.id].macs for r in calls), complete)
    activations = _total((layers[r.node.id].activation_bytes for r in calls), complete)
    input_bytes = _total((layers[r.node.id].activation_bytes for r in inputs), True)
    # parameters do not depend on shapes being reached (torch ``Linear(256, 120)``): exact when the
    # parameter total is (``ShapedModel.complete``: every count known, every module followed)
    params_complete = bool(getattr(shaped, "complete", True))
    params = _total((layers[r.node.id].param_bytes for r in shaped.layers if r.first_use), params_complete)
    peak, live = _peak(shaped, layers, complete)
    return ModelCost(dtype, dtype_bytes, layers, macs, activations, input_bytes, peak, params, live)


def _total(values: Iterable[Optional[Dim]], complete: bool) -> Amount:
    total: Dim = 0
    lower = 0
    exact = complete
    for v in values:
        if v is None:
            exact = False
            continue
        total = total + v
        if is_known(v):
            lower += v  # type: ignore[operator]
    return Amount(total, True) if exact else Amount(lower, False)


# -- one layer --------------------------------------------------------------------------------
def _batched(shaped: ShapedModel) -> bool:
    """Whether the model's tensors have a batch axis: yes for a batch of any size, and for an
    exact input unless the first layer that tells reads it unbatched (a conv, pool or norm of
    ``n`` spatial axes on rank ``n + 1``, a ``Linear`` on rank 1)."""
    first = next((r for r in shaped.layers if r.node.type == "Input"), None)
    if first is None or not first.output_shape or first.output_shape[0] is None:
        return True
    reached = {first.node.id}
    for r in shaped.layers:
        if not r.node.called or not reached & set(r.node.inputs):
            continue
        reached.add(r.node.id)
        shape = r.input_shapes[0] if r.input_shapes else None
        n = (r.attrs or {}).get("n")
        if shape is not None and isinstance(n, int) and not isinstance(n, bool):
            return len(shape) != n + 1
        if shape is not None and isinstance(r.spec, (TorchLinear, TorchBilinear)):
            return len(shape) > 1
    return True


def _layer_cost(r: LayerResult, dtype_bytes: int, batched: bool = True) -> LayerCost:
    params: Optional[Dim] = (r.params if r.first_use else 0)
    param_bytes = None if params is None else params * dtype_bytes
    if not r.node.called:
        return LayerCost(0, 0, param_bytes)
    out = r.output_shape
    elements = None if out is None else prod(out[1:] if batched else out)
    activation = None if elements is None else elements * dtype_bytes
    if r.node.type == "Input":
        return LayerCost(0, activation, 0)
    return LayerCost(layer_macs(r, batched), activation, param_bytes)


def layer_macs(r: LayerResult, batched: bool = True) -> Optional[Dim]:
    """The MACs of one layer call, batch 1; ``None`` when its output or weights are unknown.
    ``batched=False``: the tensors are PyTorch's unbatched ones, each one sample whole."""
    out = r.output_shape
    if out is None or r.spec is None:
        return None
    own = getattr(r.spec, "macs", None)
    if callable(own):
        try:
            return own(r.attrs, list(r.input_shapes), out)
        except Exception:  # a plugin's count must not break the report: unknown instead
            return None
    counted = [w for w in r.weights if w.counted]
    if isinstance(r.spec, (KerasConv, TorchConv)):
        return _times(_sizes(counted), _spatial(r.spec, r.attrs or {}, out))
    if isinstance(r.spec, (KerasDense, TorchLinear, TorchBilinear)):
        return _times(_sizes(counted), prod(out[1:-1] if batched else out[:-1]))
    return _sizes([w for w in counted if w.trainable])


def _sizes(weights: List[Any]) -> Optional[Dim]:
    total: Dim = 0
    for w in weights:
        size = w.size
        if size is None:
            return None
        total = total + size
    return total


def _times(a: Optional[Dim], b: Optional[Dim]) -> Optional[Dim]:
    return None if a is None or b is None else a * b


def _spatial(spec: Any, attrs: Dict[str, Any], out: Shape) -> Optional[Dim]:
    """The number of output positions of a convolution (its spatial axes' product)."""
    if isinstance(spec, TorchConv):
        return prod(out[-attrs["n"]:])  # batched (N, C, *spatial) or unbatched (C, *spatial)
    if attrs.get("data_format") == "channels_first":
        return prod(out[2:])
    return prod(out[1:-1])


# -- the peak ---------------------------------------------------------------------------------
def _peak(shaped: ShapedModel, layers: Dict[str, LayerCost], complete: bool) -> Tuple[Amount, Tuple[str, ...]]:
    """The largest sum of live tensors' bytes over the layer calls in graph order."""
    order = [r for r in shaped.layers if r.node.called]
    position = {r.node.id: i for i, r in enumerate(order)}
    last = {r.node.id: i for i, r in enumerate(order)}  # unread outputs live during their own step
    for i, r in enumerate(order):
        for source in r.node.inputs:
            if source in last:
                last[source] = max(last[source], i)
    for output in shaped.model.outputs:
        if output in last:
            last[output] = len(order)
    exact = complete
    live: Dict[str, Dim] = {}
    best: Optional[Dim] = None
    best_live: Tuple[str, ...] = ()
    for i, r in enumerate(order):
        size = layers[r.node.id].activation_bytes
        if size is None:
            exact = False
            size = 0
        live[r.node.id] = size
        now: Dim = sum(live.values())  # type: ignore[assignment]
        if best is None or _at_least(now, best) and now != best:
            best, best_live = now, tuple(sorted(live, key=lambda k: (-_order(live[k]), position[k])))
        elif not _at_least(best, now):
            return Amount(None, False), ()  # two symbolic sums no single one dominates
        for node_id in [k for k in live if last[k] <= i]:
            del live[node_id]
    if best is None:
        return Amount(0, exact), ()
    if not exact and not is_known(best):
        return Amount(None, False), ()  # a symbolic sum with unknown parts: no int lower bound
    return Amount(best, exact), best_live


def _at_least(a: Dim, b: Dim) -> bool:
    """``a >= b`` for every input size: their difference has no negative coefficient (every
    atom, a size or a floor of sizes, is at least 0 where the model is valid)."""
    d = a - b
    if is_known(d):
        return d >= 0  # type: ignore[operator]
    return d.const >= 0 and all(k >= 0 for _, k in d.terms)  # type: ignore[union-attr]


def _order(size: Dim) -> int:
    """A sort key for the tensors at the peak: their int size, or (symbolic) their leading
    coefficient, enough to list the large ones first."""
    return size if is_known(size) else max(k for _, k in size.terms)  # type: ignore[union-attr, return-value]


# -- who contributes most ------------------------------------------------------------------------
def top_layers(shaped: ShapedModel, values: Dict[str, Optional[Dim]], n: int = 3) -> List[Tuple[LayerResult, int]]:
    """The ``n`` layer calls with the largest known value (``values`` by node id), largest
    first, ties in graph order."""
    ranked = [(r, values.get(r.node.id)) for r in shaped.layers]
    known = [(r, v) for r, v in ranked if is_known(v) and v > 0]  # type: ignore[operator]
    known.sort(key=lambda rv: -rv[1])  # stable: graph order among equals
    return known[:n]  # type: ignore[return-value]
