"""What the editor shows about layers: inlay-hint labels and hover text, from shaped models.

Pure text from the engine's results (no editor protocol here), so the command line could show
the same.  The hover explains a layer with what the engine knows today: its input and output
shapes, and its weight shapes multiplied out into the parameter count; :func:`why_text` adds
the ``--why`` formulas.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple

from ..dims import is_known

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import LayerResult, ShapedModel

__all__ = ["Layer", "layers_by_line", "hint_label", "hover_markdown", "shape_text", "why_text"]

Layer = Tuple["ShapedModel", "LayerResult"]


def why_text(shaped: "ShapedModel", result: "LayerResult") -> Optional[str]:
    """The arithmetic behind a layer's output shape and weights, as ``convlint --why`` prints it
    (the catalogue's own formulas, :mod:`convlint.why`), as markdown; ``None`` when the layer
    computes no size and holds no known weights."""
    from ..output.why import step_text
    from ..why import explain

    try:
        why = result.why if getattr(result, "why", None) is not None else explain(result, shaped.model.layout)
    except Exception:  # a plugin spec that cannot run on traced numbers: the summary row stays
        return None
    if not why.steps:
        return None
    width = max(len(s.what) for s in why.steps)
    lines = [f"{s.what.ljust(width)}  {step_text(s)}" for s in why.steps]
    return f"**{why.title}**\n```\n" + "\n".join(lines) + "\n```"


_SPACES = re.compile(r"\s+")


def shape_text(shape: Any, framework: str) -> str:
    """``(None, 26, 26, 32)`` for Keras, ``(N, 16, H-4, W-4)`` for PyTorch: the batch named as
    each framework's users write it, symbolic sizes without spaces."""
    if shape is None:
        return "?"
    parts = []
    for i, d in enumerate(shape):
        if i == 0 and d is None:
            parts.append("N" if framework == "torch" else "None")
        elif d is None:
            parts.append("?")
        else:
            parts.append(_SPACES.sub("", str(d)))
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _dims(shape: Any) -> str:
    """A weight shape, ``(3, 3, 1, 32)``."""
    parts = ["?" if d is None else _SPACES.sub("", str(d)) for d in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _count(n: Any) -> Optional[str]:
    if n is None or not is_known(n):
        return None
    return f"{n:,}"


def layers_by_line(models: Iterable["ShapedModel"]) -> Dict[int, List[Layer]]:
    """Listed layers (not inputs) by the last line of their construction, in source order."""
    out: Dict[int, List[Layer]] = {}
    for shaped in models:
        for r in shaped.layers:
            if not r.listed:
                continue
            span = r.node.span
            out.setdefault(span.end_line or span.line, []).append((shaped, r))
    return out


def hint_label(layers: List[Layer]) -> Optional[str]:
    """One line's hint: ``→ (None, 26, 26, 32) · 320 params``.  A line building several layers
    shows the last output and the line's parameters; a line run several times (a helper called
    in a loop) the first and last shapes and the number of calls."""
    if not layers:
        return None
    framework = layers[-1][0].model.framework
    calls = [r for _, r in layers]
    if not any(r.node.called for r in calls):
        total = _count(sum(r.params for r in calls if r.first_use and r.params is not None) if all(r.params is not None for r in calls) else None)
        return f"never called · {total} params" if total else "never called"
    shapes: List[str] = []
    for r in calls:
        if r.node.called:
            text = shape_text(r.output_shape, framework)
            if not shapes or shapes[-1] != text:
                shapes.append(text)
    starts = {(r.node.span.line, r.node.span.column) for r in calls}
    if len(shapes) > 1 and len(starts) < len(calls):  # one construction, several calls
        shown = f"{shapes[0]} … {shapes[-1]} · {len(calls)} calls"
    else:
        shown = shapes[-1] if shapes else "?"
    if shown == "?":
        return None
    params: Any = 0
    for r in calls:
        if not r.first_use:
            continue
        if r.params is None or not is_known(r.params):
            params = None
            break
        params = params + r.params
    label = f"→ {shown}"
    if params:
        label += f" · {params:,} param{'' if params == 1 else 's'}"
    return label


def hover_markdown(layers: List[Layer]) -> str:
    """The layers at a position (usually one), each with its shapes, weight arithmetic and, when
    available, the ``--why`` formula."""
    return "\n\n---\n\n".join(_one(shaped, r) for shaped, r in layers)


def _one(shaped: "ShapedModel", r: "LayerResult") -> str:
    framework = shaped.model.framework
    node = r.node
    title = f"**{node.display_type}**" + (f" `{node.name}`" if node.name else "") + f" · model `{shaped.model.name}`"
    inputs = ", ".join(shape_text(s, framework) for s in r.input_shapes) or "—"
    output = shape_text(r.output_shape, framework) if node.called else "never called"
    weights, biases = _count(r.weight_count), _count(r.bias_count)
    params = _count(r.params) if r.first_use else "shared (counted at its first call)"
    row = f"| {inputs} | {output} | {weights or '?'} | {biases or '?'} | {params or '?'} |"
    parts = [title, "| input | output | weights | biases | params |\n|---|---|---|---|---|\n" + row]
    arithmetic = [f"`{w.name}` {_dims(w.shape)} = {_count(w.size) or '?'}" for w in r.weights if w.counted]
    if arithmetic:
        parts.append("Weights: " + " + ".join(arithmetic) + (f" = {params}" if len(arithmetic) > 1 and _count(r.params) else ""))
    notes = [f"axis {axis}: {note}" for axis, note in sorted(r.dim_notes.items())]
    if notes:
        parts.append("Output sizes: " + "; ".join(notes))
    why = why_text(shaped, r)
    if why:
        parts.append(why)
    return "\n\n".join(parts)
