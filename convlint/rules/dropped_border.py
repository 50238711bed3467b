"""CL302 dropped-border: a strided window that silently ignores the last rows / columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Tuple

from ..diagnostics import Diagnostic
from ..dims import is_known
from ..graph import fmt_shape
from . import Rule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import LayerResult, ShapedModel


def _first(attrs: Dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if attrs.get(key) is not None:
            return attrs[key]
    return None


def _per_axis(value: Any, n: int) -> Optional[Tuple[Any, ...]]:
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        return tuple(value) if len(value) == n else None
    return (value,) * n


def dropped_per_axis(result: "LayerResult", framework: str) -> Optional[List[Tuple[int, int, int]]]:
    """``(axis, input size, rows dropped)`` for each spatial axis of a windowed layer, from its
    normalised attributes; ``None`` when the layer is not a plain window or a value is unknown.

    A window of ``k`` with dilation ``d`` and stride ``s`` over ``n + pad`` positions covers
    ``(o - 1) * s + d * (k - 1) + 1`` of them; the rest, ``(n + pad - d*(k-1) - 1) % s``,
    are never read, and those beyond the right padding are real data.  Windows narrower than
    their stride skip positions everywhere by design and are not reported.
    """
    attrs = result.attrs or {}
    if attrs.get("ceil_mode") or "output_padding" in attrs or "Transpose" in result.node.type:
        return None
    kernel = _first(attrs, "kernel_size", "pool_size")
    if kernel is None or not result.input_shapes or result.input_shapes[0] is None:
        return None
    shape = result.input_shapes[0]
    n = len(kernel) if isinstance(kernel, (tuple, list)) else len(shape) - 2
    layout = attrs.get("data_format") or ("channels_first" if framework == "torch" else "channels_last")
    spatial = list(range(2, 2 + n)) if layout == "channels_first" else list(range(1, 1 + n))
    if len(shape) != n + 2:
        return None
    pad = attrs.get("padding", "valid")
    if isinstance(pad, str):
        if pad.lower() != "valid":
            return None
        totals: Optional[Sequence[Any]] = (0,) * n
        rights: Optional[Sequence[Any]] = (0,) * n
    else:
        per_side = _per_axis(pad, n)
        totals = None if per_side is None else tuple(
            sum(p) if isinstance(p, (tuple, list)) else (2 * p if is_known(p) else None) for p in per_side
        )
        rights = None if per_side is None else tuple(p[-1] if isinstance(p, (tuple, list)) else p for p in per_side)
    k = _per_axis(kernel, n)
    s = _per_axis(_first(attrs, "strides", "stride"), n) or k
    d = _per_axis(_first(attrs, "dilation_rate", "dilation"), n) or (1,) * n
    if k is None or s is None or totals is None or rights is None:
        return None
    out = []
    for i, axis in enumerate(spatial):
        size = shape[axis]
        values = (size, k[i], s[i], d[i], totals[i], rights[i])
        if not all(is_known(v) for v in values):
            continue
        span = d[i] * (k[i] - 1) + 1
        if size + totals[i] < span:
            continue  # a non-positive-dim error, reported by CL101
        if span < s[i]:
            continue  # windows skip positions between them anyway (1x1 stride-2 shortcuts): by design
        # unread positions are at the end of the padded input; only those past the padding are data
        dropped = (size + totals[i] - span) % s[i] - rights[i]
        if dropped > 0:
            out.append((i, size, dropped))
    return out


def _spatial_sizes(result: "LayerResult", framework: str) -> List[Any]:
    shape = result.input_shapes[0] or ()
    layout = (result.attrs or {}).get("data_format") or ("channels_first" if framework == "torch" else "channels_last")
    return list(shape[2:]) if layout == "channels_first" else list(shape[1:-1])


_AXIS_NAMES = {1: ("steps",), 2: ("rows", "columns"), 3: ("planes", "rows", "columns")}


class DroppedBorder(Rule):
    """## What it does
    Reports a strided convolution or pooling with ``valid`` (or explicit) padding whose windows
    do not reach the end of its input, so the last rows or columns are never read:
    ``(n + 2p - d*(k - 1) - 1) % s != 0`` on a known size.  It says how many are dropped.

    ## Why is this bad?
    Nothing fails, the information at the bottom and right border is silently discarded, and
    a shortcut branch of the same block may see a different size.  Often a sign that the input
    size and the strides were chosen independently.  Use ``padding="same"``, an input size that
    fits, or a stride that divides it.
    """

    code = "CL302"
    name = "dropped-border"
    severity = "info"
    VALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(16, 3, strides=2, padding="same"),
    layers.MaxPooling2D(2),
])
""",
    )
    INVALID = (
        """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(16, 3, strides=2),
])
""",
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        m = model.model
        for r in model.layers:
            try:
                drops = dropped_per_axis(r, m.framework)
            except Exception:  # attributes of a plugin layer in an unexpected form: not our business
                drops = None
            if not drops:
                continue
            names = _AXIS_NAMES.get(len(r.input_shapes[0]) - 2, ())  # type: ignore[arg-type]
            parts = []
            for i, size, dropped in drops:
                what = names[i] if i < len(names) else f"positions of spatial axis {i + 1}"
                if dropped == 1 and what.endswith("s"):
                    what = what[:-1]
                parts.append(f"the last {dropped} {what}")
            spatial = "x".join(str(size) for size in _spatial_sizes(r, m.framework))
            yield self.at(
                m.path,
                r.node.span,
                f"{r.node.display_type} '{r.node.name or r.node.id}' never reads {' and '.join(parts)} of its "
                f"{spatial} input: its windows stop short of the border. Received: input shape {fmt_shape(r.input_shapes[0])}",  # type: ignore[arg-type]
                m.name,
                m.cell,
            )
