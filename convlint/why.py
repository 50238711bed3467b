"""``--why``: every layer's output sizes and parameter counts as the formulas the catalogue
evaluates, with the numbers filled in: ``(28 + 2·0 − 3) // 1 + 1 = 26``, ``4·4·3·5 = 240``.

After the engine has analysed a model, each layer's own spec runs once more on traced numbers
(:mod:`convlint.formula`): the same ``output_shape`` and ``weights`` code, so the formulas are the
engine's arithmetic, not a description of it.  A step is kept only when its value equals what
the engine computed, so a formula is never shown beside a different number.  Nothing here runs
unless ``--why`` is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple, Union

from .dims import Dim, is_known, prod
from .formula import formula, leaf, plain, render_dim
from .layers.base import LayerError

__all__ = ["Step", "Why", "explain", "explain_model", "title"]

Value = Union[int, str]


@dataclass(frozen=True)
class Step:
    """One computed number: ``what`` (an axis such as ``H``, a weight tensor such as ``kernel``,
    or ``params``), the ``formula`` that gives it (``None`` when it is a plain number, such as
    a bias of ``5``), and its ``value`` (an int, or a symbolic size as text).  ``error`` marks
    the output size that came out zero or less."""

    what: str
    formula: Optional[str]
    value: Value
    error: bool = False


@dataclass(frozen=True)
class Why:
    """The steps of one layer, under a ``title`` that says its configuration
    (``Conv2D 3×3, stride 1, valid``)."""

    title: str
    steps: Tuple[Step, ...] = ()


def explain_model(shaped: Any) -> None:
    """Attach a :class:`Why` to every layer of an analysed model (``LayerResult.why``)."""
    layout = shaped.model.layout
    for result in shaped.layers:
        try:
            result.why = explain(result, layout)
        except Exception:  # a spec (a plugin's) that cannot run on traced numbers: no formulas, no crash
            result.why = Why(result.node.display_type)


def explain(result: Any, layout: str = "channels_last") -> Why:
    """The steps of one :class:`~convlint.engine.LayerResult` (none for a layer without a spec)."""
    node = result.node
    if result.spec is None or result.attrs is None:
        return Why(node.display_type)
    attrs = leaf(result.attrs)
    inputs = [leaf(s) for s in result.input_shapes]
    known = all(s is not None for s in inputs) and len(inputs) >= result.spec.min_inputs()
    steps: List[Step] = []
    if known and node.called:
        steps.extend(_shape_steps(result, attrs, inputs, layout))
    if result.first_use and result.params is not None:
        steps.extend(_weight_steps(result, attrs, inputs if known else []))
    return Why(title(node.display_type, result.attrs), tuple(steps))


# -- output sizes -----------------------------------------------------------------------------
def _shape_steps(result: Any, attrs: Any, inputs: List[Any], layout: str) -> List[Step]:
    try:
        out = result.spec.output_shape(attrs, inputs)
    except LayerError as err:
        size, text = plain(err.size), formula(err.size)
        if text is not None and is_known(size) and size <= 0:
            return [Step("output", text, size, error=True)]
        return []
    except Exception:  # whatever the engine made of it, it is not a formula to show
        return []
    engine = result.output_shape
    if engine is None or len(engine) != len(out):
        return []
    names = axis_names(len(out), _channels_first(result.attrs, layout))
    steps: List[Step] = []
    for name, dim, expected in zip(names, out, engine):
        text = formula(dim)
        if text is None or expected is None or plain(dim) != expected or text == render_dim(expected):
            continue  # no arithmetic to show, or (never expected) not the engine's number
        steps.append(Step(name, text, _value(expected)))
    return _merge_axes(steps)


def _channels_first(attrs: Any, layout: str) -> bool:
    fmt = attrs.get("data_format") if isinstance(attrs, dict) else None
    return (fmt or layout) == "channels_first"


_SPATIAL = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def axis_names(rank: int, channels_first: bool) -> List[str]:
    """Names of a shape's axes (batch first): ``H``, ``W``, ``C``; ``features`` for a flat
    ``(batch, n)``; ``axis i`` where a layout says nothing."""
    if rank == 2:
        return ["batch", "features"]
    spatial = _SPATIAL.get(rank - 2)
    if spatial is None:
        return ["batch"] + [f"axis {i}" for i in range(1, rank)]
    return ["batch"] + (["C", *spatial] if channels_first else [*spatial, "C"])


def _merge_axes(steps: List[Step]) -> List[Step]:
    """``H, W`` once when both come out of the same formula (a square input)."""
    out: List[Step] = []
    for step in steps:
        last = out[-1] if out else None
        if last is not None and (last.formula, last.value) == (step.formula, step.value):
            out[-1] = Step(f"{last.what}, {step.what}", step.formula, step.value)
        else:
            out.append(step)
    return out


# -- parameters -------------------------------------------------------------------------------
def _weight_steps(result: Any, attrs: Any, inputs: List[Any]) -> List[Step]:
    try:
        weights = result.spec.weights(attrs, inputs)
    except Exception:
        return []
    sized: List[Tuple[str, Any]] = []
    for w in weights:
        if not w.counted:
            continue
        size = prod(w.shape)
        if size is None:
            return []
        sized.append((w.name if w.trainable else f"{w.name} (non-trainable)", size))
    if not sized:
        return []
    total: Any = leaf(plain(sized[0][1]))
    for _, size in sized[1:]:
        total = total + leaf(plain(size))
    if plain(total) != result.params:
        return []
    steps = [Step(name, formula(size), _value(plain(size))) for name, size in sized]
    if len(sized) > 1:
        steps.append(Step("params", formula(total), _value(plain(total))))
    return steps


def _value(dim: Dim) -> Value:
    return dim if is_known(dim) else render_dim(dim)


# -- the title --------------------------------------------------------------------------------
def _same(values: Sequence[Any]) -> bool:
    return len(set(values)) == 1


def _dims(values: Any, collapse: bool = True) -> str:
    """``3×3``; with ``collapse``, one number when all axes agree (``stride 2``)."""
    if not isinstance(values, (tuple, list)):
        return str(values)
    if collapse and _same(values):
        return str(values[0])
    return "×".join(str(v) for v in values)


def title(type_name: str, attrs: Any) -> str:
    """``Conv2D 3×3, stride 1, valid``: the arguments a layer's sizes depend on."""
    if not isinstance(attrs, dict):
        return type_name
    parts: List[str] = []
    window = attrs.get("kernel_size", attrs.get("pool_size"))
    head = f"{type_name} {_dims(window, collapse=False)}" if isinstance(window, (tuple, list)) else type_name
    stride = attrs.get("strides", attrs.get("stride"))
    if isinstance(stride, (tuple, list)):
        parts.append(f"stride {_dims(stride)}")
    dilation = attrs.get("dilation_rate", attrs.get("dilation"))
    if isinstance(dilation, (tuple, list)) and any(d != 1 for d in dilation):
        parts.append(f"dilation {_dims(dilation)}")
    padding = attrs.get("padding")
    if isinstance(padding, str):
        parts.append(padding)
    elif isinstance(padding, (tuple, list)) and padding and not isinstance(padding[0], (tuple, list)):
        parts.append(f"padding {_dims(padding)}")
    if attrs.get("ceil_mode") is True:
        parts.append("ceil_mode")
    mode = attrs.get("padding_mode")
    if isinstance(mode, str) and mode != "zeros":
        parts.append(f"padding_mode {mode}")
    groups = attrs.get("groups")
    if is_known(groups) and groups != 1:
        parts.append(f"groups {groups}")
    return head + (", " + ", ".join(parts) if parts else "")
