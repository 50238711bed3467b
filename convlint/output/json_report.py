"""``--format json``: the report contract (``convlint/report.schema.json``; the field meanings
are in the README, "JSON report").

Version 2 added the cost fields: per layer ``macs`` and ``activation_bytes``; per model
``dtype``, ``total_macs``, ``activation_bytes``, ``input_bytes``, ``peak_activation_bytes``,
``param_bytes``, each exact (an int, or a string expression when symbolic) or ``null``, and
beside each a ``*_lower_bound`` int when only a lower bound is known.  It also made the
parameter totals honest: ``complete`` says whether they count every parameter; when not, they
are ``null`` and ``params_lower_bound`` / ``incomplete_reason`` say what was counted and why.
Diagnostics gained ``related`` locations (where a layer applied elsewhere is defined)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ..diagnostics import Diagnostic, Related, Report
from ..dims import fmt, is_known
from . import RenderContext

VERSION = 2


def _shape(shape: Any) -> Optional[List[Any]]:
    return None if shape is None else [fmt(d) for d in shape]


def _count(value: Any) -> Optional[int]:
    """Parameter counts are ints or ``null`` (unknown or still symbolic)."""
    return value if is_known(value) else None


_AMOUNTS = (
    ("total_macs", "macs", "macs_lower_bound"),
    ("activation_bytes", "activation_bytes", "activation_bytes_lower_bound"),
    ("input_bytes", "input_bytes", None),  # the input's size is known or not, never in part
    ("peak_activation_bytes", "peak_activation_bytes", "peak_activation_bytes_lower_bound"),
    ("param_bytes", "param_bytes", "param_bytes_lower_bound"),
)
"""(JSON field, :class:`convlint.cost.ModelCost` attribute, JSON field of its lower bound)."""


def _layer_cost(result: Any, cost: Any) -> Dict[str, Any]:
    mine = cost.layers.get(result.node.id) if cost is not None else None
    if mine is None:
        return {"macs": None, "activation_bytes": None}
    return {"macs": fmt(mine.macs), "activation_bytes": fmt(mine.activation_bytes)}


def cost_dict(shaped: Any) -> Dict[str, Any]:
    """The model's cost fields (version 2): each figure exact (an int, or a string when
    symbolic) or ``null``, and its lower bound (an int) when only that is known."""
    cost = getattr(shaped, "cost", None)
    out: Dict[str, Any] = {"dtype": cost.dtype if cost is not None else None}
    for key, attr, lower in _AMOUNTS:
        total = getattr(cost, attr, None)
        exact = total is not None and total.exact
        out[key] = fmt(total.value) if exact else None
        if lower is not None:
            out[lower] = total.value if total is not None and not exact and is_known(total.value) else None
    return out


def layer_dict(result: Any, cost: Any = None) -> Dict[str, Any]:
    node = result.node
    out: Dict[str, Any] = {
        "name": node.name or node.id,
        "type": node.display_type,
        "line": node.span.line,
        "output_shape": _shape(result.output_shape),
        "params": _count(result.params) if result.first_use else 0,
        "trainable_params": _count(result.trainable_params) if result.first_use else 0,
        "shared": not result.first_use,
    }
    out.update(_layer_cost(result, cost))

    if not node.called:  # false: forward never calls it; null: forward was not followed as far as it
        out["called"] = node.called
    if result.why is not None:
        out["why"] = why_dict(result.why)
    cell = getattr(node, "cell", None)
    if cell is not None:
        out["cell"] = cell
    return out


def why_dict(why: Any) -> Dict[str, Any]:
    """``--why``: the layer's title and its steps (``formula`` is ``null`` for a plain number)."""
    steps = []
    for s in why.steps:
        step: Dict[str, Any] = {"what": s.what, "formula": s.formula, "value": s.value}
        if s.error:
            step["error"] = True
        steps.append(step)
    return {"title": why.title, "steps": steps}


def model_dict(shaped: Any) -> Dict[str, Any]:
    m = shaped.model
    inputs = [r for r in shaped.layers if r.node.type == "Input"]
    out: Dict[str, Any] = {
        "name": m.name,
        "path": m.path,
        "line": m.span.line,
        "framework": m.framework,
        "input_shape": _shape(inputs[0].output_shape) if inputs else None,
        "layers": [layer_dict(r, getattr(shaped, "cost", None)) for r in shaped.layers if r.listed],
        "total_params": _count(shaped.total_params),
        "trainable_params": _count(shaped.trainable_params),
        "non_trainable_params": _count(shaped.non_trainable_params),
        "complete": shaped.complete,
    }
    # when the totals above are null for want of a part of the model: how many were counted, and why
    out["params_lower_bound"] = None if shaped.complete else shaped.params_lower_bound
    out["incomplete_reason"] = shaped.incomplete_reason
    out.update(cost_dict(shaped))
    if m.cell is not None:
        out["cell"] = m.cell
    return out


def diagnostic_dict(d: Diagnostic) -> Dict[str, Any]:
    out: Dict[str, Any] = {
        "code": d.code,
        "name": d.name,
        "severity": d.severity,
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "message": d.message,
        "model": d.model,
    }
    if d.cell is not None:
        out["cell"] = d.cell
    if d.fix is not None and d.fix.edits:
        out["fix"] = fix_dict(d.fix)
    out["related"] = [_related(r) for r in d.related]
    return out


def _related(r: Related) -> Dict[str, Any]:
    out: Dict[str, Any] = {"path": r.path, "line": r.line, "column": r.column, "message": r.message}
    if r.cell is not None:
        out["cell"] = r.cell
    return out


def fix_dict(fix: Any) -> Dict[str, Any]:
    """A resolved :class:`~convlint.edits.Fix`: what it does, whether ``--fix`` applies it
    without ``--unsafe-fixes``, and its edits (1-based, end exclusive; ``cell`` in notebooks)."""
    edits = []
    for e in fix.edits:
        edit: Dict[str, Any] = {"line": e.line, "column": e.column, "end_line": e.end_line, "end_column": e.end_column, "content": e.content}
        if e.cell is not None:
            edit["cell"] = e.cell
        edits.append(edit)
    return {"message": fix.message, "applicability": fix.applicability, "edits": edits}


def report_dict(report: Report) -> Dict[str, Any]:
    return {
        "version": VERSION,
        "files_checked": report.files_checked,
        "models": [model_dict(m) for m in report.models],
        "diagnostics": [diagnostic_dict(d) for d in report.diagnostics],
    }


def render(report: Report, context: RenderContext) -> str:
    return json.dumps(report_dict(report), indent=2) + "\n"
