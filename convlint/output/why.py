"""``--why`` in the text format: per model, each layer's formulas, one number a line.

::

    Why: "lenet5" (keras, fixtures/keras/seed_examples.py:20)
      conv2d (Conv2D 5×5, stride 1, valid)
        H, W      (32 + 2·0 − 5) // 1 + 1 = 28
        kernel    5·5·1·6 = 150
        bias      6
        params    150 + 6 = 156

Layers without a formula (an activation, a dropout) are left out.
"""

from __future__ import annotations

from typing import Any, List, Optional

__all__ = ["model_why", "step_text"]


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def step_text(step: Any) -> str:
    """``(28 + 2·0 − 3) // 1 + 1 = 26``; a plain number alone; an error ends ``≤ 0``."""
    if step.formula is None:
        return _number(step.value)
    text = f"{step.formula} = {_number(step.value)}"
    return text + " ≤ 0" if step.error else text


def model_why(shaped: Any) -> Optional[str]:
    """The formulas of one model; ``None`` when ``--why`` was not computed for it."""
    results = [r for r in shaped.layers if r.listed]
    if not any(r.why is not None for r in results):
        return None
    m = shaped.model
    where = f"{m.path}:{'cell %d:' % m.cell if m.cell else ''}{m.span.line}"
    out: List[str] = [f'Why: "{m.name}" ({m.framework}, {where})']
    shown = [r for r in results if r.why is not None and r.why.steps]
    width = max((len(s.what) for r in shown for s in r.why.steps), default=0)
    for r in shown:
        out.append(f"  {r.node.name or r.node.id} ({r.why.title})")
        for step in r.why.steps:
            out.append(f"    {step.what.ljust(width)}  {step_text(step)}")
    if not shown:
        out.append("  (no layer computes a size or holds weights that are known)")
    return "\n".join(out)
