"""``--format mermaid``: one Mermaid flowchart per model, in a fenced ```` ```mermaid ```` block
that GitHub and GitLab render in any Markdown file, issue or pull-request comment.

A node per layer (name, type, output shape, parameters), an edge per input, so a merge is a
join: a node with several incoming edges (drawn as a hexagon).  Inputs are stadiums; a
PyTorch submodule ``forward`` never calls stands apart, dashed.  A layer with an error is
filled red, one with a warning amber.

Labels are quoted and escaped with Mermaid's entity codes (``#quot;``, ``#lt;``, ``#35;``...),
so names and shapes can hold any character.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from ..diagnostics import Diagnostic, Report, severity_rank
from ..dims import is_known
from ..graph import fmt_shape
from . import RenderContext

__all__ = ["escape", "flowchart", "severity_by_node", "render"]

_ENTITIES = {'"': "#quot;", "#": "#35;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;", "%": "#37;"}

CLASSES = {
    "error": "fill:#fdecea,stroke:#c62828,stroke-width:3px,color:#000",
    "warning": "fill:#fff4e0,stroke:#ef8f00,stroke-width:2px,color:#000",
    "uncalled": "stroke-dasharray:4 3,color:#555",
}


def escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label: the characters Mermaid gives a meaning to become
    entity codes, control characters (line breaks included) become spaces."""
    out = []
    for ch in text:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch < " " or ch == "\x7f":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def severity_by_node(shaped: Any, diagnostics: Iterable[Diagnostic]) -> Dict[str, str]:
    """The worst severity reported on each node of a model (diagnostics sit at a node's span)."""
    m = shaped.model
    at: Dict[Tuple[Optional[int], int, int], List[str]] = {}
    lines: Dict[Tuple[Optional[int], int], List[str]] = {}
    for node in m.nodes:
        at.setdefault((node.cell, node.span.line, node.span.column), []).append(node.id)
        lines.setdefault((node.cell, node.span.line), []).append(node.id)
    out: Dict[str, str] = {}
    for d in diagnostics:
        if d.path != m.path or d.model != m.name:
            continue
        ids = at.get((d.cell, d.line, d.column)) or lines.get((d.cell, d.line), [])
        for node_id in ids:
            if node_id not in out or severity_rank(d.severity) > severity_rank(out[node_id]):
                out[node_id] = d.severity
    return out


def _params(result: Any) -> Optional[str]:
    if result.node.type == "Input":
        return None
    if not result.first_use and result.params != 0:
        return "shared weights"
    if result.params is None:
        return "? params"
    if is_known(result.params):
        return f"{result.params:,} params" if result.params else None
    return f"{result.params} params"


def _shape(result: Any) -> str:
    if result.node.type == "Parameter":
        return "nn.Parameter"
    if not result.node.called:
        return "not called"
    return "?" if result.output_shape is None else fmt_shape(result.output_shape)


def label(result: Any) -> str:
    """``conv2d: Conv2D``, the output shape and the parameters, one line each."""
    node = result.node
    if node.type == "Input":
        head = f"{node.name}: Input" if node.name else "input"
    else:
        head = f"{node.name or node.id}: {node.display_type}"
    parts = [head, _shape(result), _params(result)]
    return "<br/>".join(escape(p) for p in parts if p)


def flowchart(shaped: Any, diagnostics: Iterable[Diagnostic] = (), direction: str = "TD") -> str:
    """The flowchart of one :class:`~convlint.engine.ShapedModel` (without a Markdown fence)."""
    shown = [r for r in shaped.layers if r.node.type == "Input" or r.listed]
    ids = {r.node.id: f"n{i}" for i, r in enumerate(shown)}
    marks = severity_by_node(shaped, diagnostics)
    lines = [f"flowchart {direction}"]
    edges: List[str] = []
    classes: Dict[str, List[str]] = {}
    for r in shown:
        node, key = r.node, ids[r.node.id]
        inputs = [ids[i] for i in node.inputs if i in ids]
        if node.type == "Input":
            lines.append(f'  {key}(["{label(r)}"])')
        elif len(inputs) > 1:
            lines.append(f'  {key}{{{{"{label(r)}"}}}}')
        else:
            lines.append(f'  {key}["{label(r)}"]')
        edges.extend(f"  {src} --> {key}" for src in inputs)
        mark = marks.get(node.id)
        if mark in ("error", "warning"):
            classes.setdefault(mark, []).append(key)
        elif not node.called:
            classes.setdefault("uncalled", []).append(key)
    lines.extend(edges)
    for name, keys in classes.items():
        lines.append(f"  classDef {name} {CLASSES[name]}")
        lines.append(f"  class {','.join(keys)} {name}")
    return "\n".join(lines) + "\n"


def _title(shaped: Any) -> str:
    m = shaped.model
    where = f"{m.path}:{'cell %d:' % m.cell if m.cell else ''}{m.span.line}"
    return f"{m.name} ({m.framework}, {where})"


def render(report: Report, context: RenderContext) -> str:
    """Markdown: a heading and a ```` ```mermaid ```` block per model."""
    out: List[str] = []
    for shaped in report.models:
        out.append(f"### {_title(shaped)}\n\n```mermaid\n{flowchart(shaped, report.diagnostics)}```\n")
    if not out:
        out.append("No models found.\n")
    return "\n".join(out)
