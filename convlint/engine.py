"""Symbolic shape propagation: ``ModelGraph`` -> :class:`ShapedModel` with findings.

Pure: the same graph and catalogue give the same result, nothing is mutated.  A layer that
cannot work produces a :class:`Finding` and an unknown output; everything downstream of an
unknown shape stays unknown (``None``) instead of being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .dims import Dim, Expr, fmt, is_known, prod, sym
from .graph import (
    Cause,
    ModelGraph,
    Node,
    Shape,
    SizeOf,
    Span,
    Unknown,
    fmt_shape,
    input_shape_cause,
    is_unknown,
    unresolved_cause,
)
from .layers import Catalogue, default_catalogue
from .layers.base import LayerError, LayerSpec, Requirement, UnknownAttr, Weight, bind, check_keywords, count_params
from .shape_refs import Unreached, substitute

__all__ = ["Finding", "Constraint", "LayerResult", "ShapedModel", "analyze", "symbolic_input_shape"]


@dataclass(frozen=True)
class Finding:
    """Something the engine found about one node.

    ``span`` is where the framework raises: for a problem with the layer's input, where the
    layer is applied (``defined`` then points at its constructor); for one with its own
    arguments, where they are written.  ``kind`` is a :class:`~convlint.layers.base.LayerError`
    kind, or one of ``unknown-layer``, ``unknown-value``, ``internal`` (a catalogue bug,
    reported instead of raised).  ``cause``
    is set where a front-end note may be about the same thing (see :class:`~convlint.graph.Cause`).
    """

    kind: str
    node_id: str
    message: str
    span: Span
    expected: Any = None
    attr: Optional[str] = None
    cause: Optional[Cause] = None
    defined: Optional[Span] = None
    """The layer's constructor, when ``span`` is its application on another line."""


@dataclass(frozen=True)
class Constraint:
    """A layer argument that must equal a symbolic input-dependent size: ``actual == value``.

    E.g. ``Linear(9216)`` after a flatten of ``64 * ((H - 4) // 2) * ((W - 4) // 2)``.
    Solving it tells which input sizes fit (or that none does).
    """

    node_id: str
    attr: str
    value: Dim
    actual: Dim
    span: Span


@dataclass
class LayerResult:
    """The engine's answer for one node.  ``output_shape`` is ``None`` when unknown."""

    node: Node
    spec: Optional[LayerSpec]
    attrs: Optional[Dict[str, Any]]
    input_shapes: List[Optional[Shape]]
    output_shape: Optional[Shape]
    weights: List[Weight] = field(default_factory=list)
    params: Optional[Dim] = 0
    trainable_params: Optional[Dim] = 0
    first_use: bool = True
    dim_notes: Dict[int, str] = field(default_factory=dict)
    why: Any = None
    """The formulas behind its sizes and counts (a :class:`~convlint.why.Why`), with ``--why``."""

    @property
    def listed(self) -> bool:
        """Whether reports show it: an uncalled module only when it holds parameters (an
        unused ``self.relu`` beside ``F.relu`` is noise; an unused ``Linear`` is not)."""
        return self.node.type != "Input" and (self.node.called or self.params != 0)

    @property
    def weight_count(self) -> Optional[Dim]:
        return _sum_role(self.weights, "weight")

    @property
    def bias_count(self) -> Optional[Dim]:
        return _sum_role(self.weights, "bias")


def _sum_role(weights: List[Weight], role: str) -> Optional[Dim]:
    total: Dim = 0
    for w in weights:
        if w.role == role:
            if w.size is None:
                return None
            total = total + w.size
    return total


@dataclass
class ShapedModel:
    """A model with every node's shape and parameters, plus the engine's findings."""

    model: ModelGraph
    layers: List[LayerResult]
    findings: List[Finding]
    constraints: List[Constraint] = field(default_factory=list)
    cost: Any = None
    """What running it costs (a :class:`convlint.cost.ModelCost`), attached by the runner after
    the engine, since it depends on the configured dtype; ``None`` until then."""

    def result(self, node_id: str) -> LayerResult:
        for r in self.layers:
            if r.node.id == node_id:
                return r
        raise KeyError(node_id)

    def _total(self, attr: str) -> Optional[Dim]:
        """The exact sum of a count over every layer (once per weight set), or ``None`` when
        the model is not :attr:`complete`."""
        if not self.complete:
            return None
        total: Dim = 0
        for r in self.layers:
            if r.first_use:
                total = total + getattr(r, attr)
        return total

    def _known(self, attr: str) -> int:
        """The sum of the counts that are known numbers: a lower bound of the real total."""
        return sum(v for r in self.layers if r.first_use for v in [getattr(r, attr)] if isinstance(v, int))

    @property
    def complete(self) -> bool:
        """True when the parameter totals are exact: the front end followed the whole model
        (no :class:`~convlint.graph.Stop`) and every layer's count is known, as a number or a
        formula over symbolic sizes.  The one answer to "is this total exact?": every report
        and rule asks it, and shows a lower bound (:attr:`params_lower_bound`) otherwise."""
        if self.model.stop is not None:
            return False
        return all(r.params is not None and r.trainable_params is not None for r in self.layers if r.first_use)

    @property
    def total_params(self) -> Optional[Dim]:
        return self._total("params")

    @property
    def trainable_params(self) -> Optional[Dim]:
        return self._total("trainable_params")

    @property
    def non_trainable_params(self) -> Optional[Dim]:
        total, trainable = self.total_params, self.trainable_params
        if total is None or trainable is None:
            return None
        return total - trainable

    @property
    def params_lower_bound(self) -> int:
        """The parameters convlint could count: the real total is at least this (it equals
        it when the model is complete and its counts are numbers)."""
        return self._known("params")

    @property
    def trainable_lower_bound(self) -> int:
        return self._known("trainable_params")

    @property
    def non_trainable_lower_bound(self) -> int:
        return sum(
            r.params - r.trainable_params
            for r in self.layers
            if r.first_use and isinstance(r.params, int) and isinstance(r.trainable_params, int)
        )

    @property
    def incomplete_reason(self) -> Optional[str]:
        """Why the totals are only lower bounds (``None`` when they are exact)."""
        if self.complete:
            return None
        if self.model.stop is not None:  # the first cause: what follows it is its consequence
            return str(self.model.stop)
        unknown = [r for r in self.layers if r.first_use and (r.params is None or r.trainable_params is None)]
        first = unknown[0].node.name or unknown[0].node.id
        more = f" and {len(unknown) - 1} more layer{'s' if len(unknown) > 2 else ''}" if len(unknown) > 1 else ""
        return f"the parameters of {first}{more} are unknown"

    @property
    def shapes_known(self) -> bool:
        """True when every called node's shape is known (possibly symbolic)."""
        return all(r.output_shape is not None for r in self.layers if r.node.called)

    @property
    def shapes_complete(self) -> bool:
        """True when the whole model was followed (no stop, no module ``forward`` did not reach)
        and every layer call's shape is known: what MACs and activation figures need to be exact."""
        return self.shapes_known and self.model.stop is None and all(r.node.called is not None for r in self.layers)


_SPATIAL_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def symbolic_input_shape(rank: int, layout: str, index: int = 0) -> Shape:
    """A fully symbolic input shape of ``rank`` axes (batch included): ``(None, H, W, C)``."""
    n_spatial = rank - 2
    names = list(_SPATIAL_NAMES.get(n_spatial, tuple(f"S{i + 1}" for i in range(max(n_spatial, 0)))))
    suffix = f"_{index}" if index else ""
    spatial = [sym(n + suffix) for n in names]
    channels = sym("C" + suffix)
    if rank < 2:
        return (None,)
    if layout == "channels_first":
        return (None, channels, *spatial)
    return (None, *spatial, channels)


def analyze(model: ModelGraph, catalogue: Optional[Catalogue] = None) -> ShapedModel:
    """Propagate shapes through ``model``; returns every node's result and all findings."""
    catalogue = catalogue or default_catalogue()
    results: Dict[str, LayerResult] = {}
    ordered: List[LayerResult] = []
    findings: List[Finding] = []
    constraints: List[Constraint] = []
    seen_layers: Dict[str, LayerResult] = {}

    for node in model.nodes:
        in_shapes = [results[i].output_shape if i in results else None for i in node.inputs]
        result = _analyze_node(model, node, in_shapes, catalogue, findings, constraints, results)
        first = seen_layers.get(node.weight_key)
        if first is not None:
            result.first_use = False
            clash = _weights_clash(first.weights, result.weights)
            if clash == "error":
                findings.append(
                    Finding(
                        "channel-mismatch",
                        node.id,
                        f"{node.type} is reused on an input it cannot share weights with: its weights "
                        f"were built as {_weights_str(first.weights)} but this call needs "
                        f"{_weights_str(result.weights)}. Received: input shape {_shape_str(in_shapes)}",
                        node.site,
                        defined=node.defined_elsewhere,
                    )
                )
                result.output_shape = None
            elif clash is not None:
                built, needed = clash
                constraints.append(Constraint(node.id, "reused weights", built, needed, node.span))
        else:
            seen_layers[node.weight_key] = result
        results[node.id] = result
        ordered.append(result)
    return ShapedModel(model, ordered, findings, constraints)


def _weights_clash(first: List[Weight], again: List[Weight]) -> Any:
    """Compare a reused layer's weight shapes: ``"error"`` when two known sizes differ, a
    ``(built, needed)`` pair when they differ only symbolically (a constraint on the input,
    e.g. ``C == 16``, not an error), ``None`` when they agree."""
    if not first or not again:
        return None
    symbolic = None
    for a, b in zip(first, again):
        if len(a.shape) != len(b.shape):
            return "error"
        for x, y in zip(a.shape, b.shape):
            if x == y or x is None or y is None:
                continue
            if is_known(x) and is_known(y):
                return "error"
            symbolic = symbolic or (x, y)
    return symbolic


def _weights_str(weights: List[Weight]) -> str:
    return ", ".join(f"{w.name}{fmt_shape(w.shape)}" for w in weights)


def _shape_str(shapes: List[Optional[Shape]]) -> str:
    return ", ".join("unknown" if s is None else fmt_shape(s) for s in shapes)


def _analyze_node(
    model: ModelGraph,
    node: Node,
    in_shapes: List[Optional[Shape]],
    catalogue: Catalogue,
    findings: List[Finding],
    constraints: List[Constraint],
    results: Dict[str, LayerResult],
) -> LayerResult:
    spec = catalogue.get(model.framework, node.type)
    result = LayerResult(node, spec, None, in_shapes, None)
    if spec is None:
        findings.append(
            Finding(
                "unknown-layer",
                node.id,
                f"convlint does not know the {model.framework} layer '{node.type}'; "
                + ("shapes after it are unknown" if node.called else _uncalled_params(node)),
                node.span,
            )
        )
        result.params = result.trainable_params = None
        return result
    key = (model.framework, catalogue.canonical(model.framework, node.type))
    try:
        signature = spec.signatures.get(key, ())
        args = tuple(_as_data(v) for v in node.args)
        kwargs = {k: _as_data(v) for k, v in node.kwargs.items()}
        if model.dim_refs:  # ``Dense(x.shape[-1] // 4)``: sizes read off earlier nodes' shapes
            shape_of = lambda node_id: results[node_id].output_shape if node_id in results else None  # noqa: E731
            args = substitute(args, model.dim_refs, shape_of)
            kwargs = substitute(kwargs, model.dim_refs, shape_of)
            if is_unknown((args, kwargs), Unreached):  # not reached: reported where it arose
                result.params = result.trainable_params = _weightless(spec)
                return result
        check_keywords(model.framework, key[1], kwargs, node.type)
        params = bind(signature, args, kwargs, node.type) if signature else kwargs
        params.update({k: _as_data(v) for k, v in node.call_kwargs.items()})
        attrs = spec.normalize(model.framework, key[1], params, model.layout)
        result.attrs = attrs  # from here on, errors are about the input: raised where it is applied
        if any(s is None for s in in_shapes) or len(in_shapes) < spec.min_inputs():
            # Unknown input: the output is unknown, but the arguments were still checked.
            _set_input_free_weights(result, spec, attrs)
            return result
        shapes: List[Shape] = [s for s in in_shapes if s is not None]
        output = spec.output_shape(attrs, shapes)
        _check_requirements(node, spec.requires(attrs, shapes), shapes, constraints)
        result.output_shape = output
        result.weights = spec.weights(attrs, shapes)
        result.params, result.trainable_params = count_params(result.weights)
        result.dim_notes = _dim_notes(spec, attrs, shapes)
        _check_output(node, result.output_shape, shapes)
    except LayerError as err:
        on_input = result.attrs is not None
        findings.append(_finding_from_error(node, err, in_shapes, results, on_input))
        result.output_shape = None
        result.weights = []
        result.params = result.trainable_params = None
        if result.attrs is not None:
            _set_input_free_weights(result, spec, result.attrs)
    except UnknownAttr as err:
        findings.append(
            Finding(
                "unknown-value",
                node.id,
                f"{node.type}: cannot resolve '{err.attr}' statically ({err.reason}); shapes after it are unknown",
                node.span,
                attr=err.attr,
                cause=_unknown_cause(model, node, err.reason),
            )
        )
        result.output_shape = None
        result.params = result.trainable_params = _weightless(spec)
    except Exception as err:  # a catalogue bug must never become a traceback for the user
        findings.append(
            Finding(
                "internal",
                node.id,
                f"{node.type}: internal error while computing its shape ({type(err).__name__}: {err}); "
                "please report it. Shapes after it are unknown",
                node.span,
            )
        )
        result.output_shape = None
        result.params = result.trainable_params = None
    return result


def _uncalled_params(node: Node) -> str:
    how = "forward never calls it" if node.called is False else "forward was not followed as far as it"
    return f"its parameters (counted although {how}) are unknown"


def _unknown_cause(model: ModelGraph, node: Node, reason: str) -> Cause:
    """An unknown ``Input`` shape is the model's missing input shape (the front end says so for
    the whole model); any other unknown argument is the value the front end met at the node."""
    if node.type == "Input":
        return input_shape_cause(model.name)
    return unresolved_cause(node.span, reason)


_DATA = (int, float, str, bool, type(None), Expr, Unknown, SizeOf)


def _as_data(value: Any) -> Any:
    """Arguments are data; anything else a front end let through (an object it could not
    resolve) becomes an honest :class:`Unknown` rather than a bogus invalid-argument error."""
    if isinstance(value, _DATA):
        return value
    if isinstance(value, (tuple, list)):
        items = [_as_data(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {k: _as_data(v) for k, v in value.items()}
    return Unknown(f"{getattr(value, 'name', type(value).__name__)} cannot be resolved statically")


def _weightless(spec: LayerSpec) -> Optional[int]:
    """0 for a layer that never has weights (pooling, activations, reshapes: its spec does not
    override :meth:`LayerSpec.weights`), whose count no unknown argument can change; else
    ``None`` (unknown)."""
    return 0 if type(spec).weights is LayerSpec.weights else None


def _set_input_free_weights(result: LayerResult, spec: LayerSpec, attrs: Dict[str, Any]) -> None:
    """Weights of a layer whose input is unknown or wrong: known only when the layer's own
    arguments fix them (torch ``Linear(256, 120)``), else unknown (Keras infers them)."""
    try:
        weights = spec.weights(attrs, [])
    except Exception:
        weights = []
        result.params = result.trainable_params = None
        return
    result.params, result.trainable_params = count_params(weights)
    result.weights = weights if result.params is not None else []


def _dim_notes(spec: LayerSpec, attrs: Dict[str, Any], shapes: List[Shape]) -> Dict[int, str]:
    explain = getattr(spec, "explain_dims", None)
    if explain is None:
        return {}
    try:
        return explain(attrs, shapes)
    except Exception:
        return {}


def _check_requirements(
    node: Node, requirements: List[Requirement], shapes: List[Shape], constraints: List[Constraint]
) -> None:
    """Known mismatches raise ``channel-mismatch``; symbolic ones are recorded as constraints."""
    for req in requirements:
        shape = shapes[req.input]
        if req.axis is None:  # the elements of one sample, e.g. view(-1, 400) on a symbolic input
            actual = prod(shape[1:])
            if actual is not None and not is_known(actual) and actual != req.value:
                constraints.append(Constraint(node.id, req.attr, req.value, actual, node.span))
            continue
        actual = shape[req.axis]
        if actual is None and shape and req.axis % len(shape) == 0:
            raise _batch_as_feature(node, req, shape)
        if actual is None:
            continue
        if is_known(actual) and is_known(req.value):
            if actual != req.value:
                axis = req.axis % len(shape)
                raise LayerError(
                    "channel-mismatch",
                    f"{node.display_type}({req.attr}={req.value}) does not match its input: axis {axis} has size "
                    f"{actual}. Received: input shape {fmt_shape(shape)}",
                    expected=actual,
                    received=req.value,
                    attr=req.attr,
                )
        elif actual != req.value:
            constraints.append(Constraint(node.id, req.attr, req.value, actual, node.span))


def _batch_as_feature(node: Node, req: Requirement, shape: Shape) -> LayerError:
    """A size a layer's argument fixes, read from axis 0 where the batch of any size is: PyTorch
    takes a tensor of that rank as unbatched (``nn.Conv2d`` on ``(N, H, W)`` reads ``N`` as the
    channels), so it fails unless the batch happens to equal the argument."""
    return LayerError(
        "rank-mismatch",
        f"{node.display_type}({req.attr}={req.value}) reads {req.attr} from axis 0 of its {len(shape)}D input, "
        f"which is the batch axis: PyTorch takes a tensor of this rank as unbatched, so this fails unless the "
        f"batch size is {req.value}. Received: input shape {fmt_shape(shape)}",
        expected=req.value,
        attr=req.attr,
    )


def _check_output(node: Node, out: Shape, inputs: List[Shape]) -> None:
    """Every known output axis must be at least 1; say which axis and by how much."""
    for axis, d in enumerate(out):
        if axis == 0 or d is None or not is_known(d):
            continue
        if d < 1:
            received = ", ".join(fmt_shape(s) for s in inputs)
            raise LayerError(
                "non-positive-dim",
                f"{node.type} output axis {axis} would have size {d} (needs at least 1; short by {1 - d}). "
                f"Received: input shape {received}, output would be {fmt_shape(out)}",
                received=d,
            )


def _finding_from_error(
    node: Node, err: LayerError, in_shapes: List[Optional[Shape]], results: Dict[str, LayerResult], on_input: bool
) -> Finding:
    """The finding for ``err``: at the layer's application when it is about the input
    (``on_input``), at its constructor when its own arguments are wrong."""
    message = err.message
    if err.expected is not None and err.attr and err.kind == "channel-mismatch":
        how = ""
        if node.inputs and node.inputs[0] in results:
            producer = results[node.inputs[0]]
            shape = in_shapes[0] if in_shapes else None
            if shape:
                for axis, note in producer.dim_notes.items():
                    if axis < len(shape) and shape[axis] == err.expected:
                        how = note
                        break
        shown = fmt(err.expected) if isinstance(err.expected, (int, Expr)) else err.expected
        message += f". Expected {err.attr}={shown}" + (f" = {how}" if how and how != str(shown) else "")
    if on_input:
        return Finding(err.kind, node.id, message, node.site, expected=err.expected, attr=err.attr, defined=node.defined_elsewhere)
    return Finding(err.kind, node.id, message, node.span, expected=err.expected, attr=err.attr)


def known_int(value: Any) -> bool:
    """True for a concrete int argument (not a symbol, not unknown)."""
    return is_known(value) and not isinstance(value, Unknown)
