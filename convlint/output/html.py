"""``--format html``: one self-contained page for every model checked.

Per model: the diagram (the ``--format mermaid`` flowchart, drawn in the browser by the Mermaid
library embedded in the page, so nothing is fetched when it is viewed), the layer table with a
bar per layer for each cost column, the ``--why`` formulas when computed, and the diagnostics
with their source lines.  Everything is escaped; the page runs no script but Mermaid's.

A bar column is one entry of :data:`BARS`: a title and a function giving a layer's figure (an
int, or anything else for "not known"); a column whose figures are all unknown is left out, so
another per-layer figure needs one line here.
"""

from __future__ import annotations

import base64
import html
import linecache
import os
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..diagnostics import Diagnostic, Report
from ..dims import is_known
from ..graph import fmt_shape
from . import RenderContext
from .mermaid import flowchart, severity_by_node
from .text import location, summary_line
from .why import step_text

__all__ = ["BARS", "render", "mermaid_script"]

def _params(shaped: Any, result: Any) -> Any:
    return result.params if result.first_use else 0  # a shared layer's weights are counted once


def _macs(shaped: Any, result: Any) -> Any:
    cost = getattr(shaped, "cost", None)  # convlint.cost.ModelCost, attached by the runner
    mine = cost.layers.get(result.node.id) if cost is not None else None
    return mine.macs if mine is not None else None


BARS: Sequence[Tuple[str, Callable[[Any, Any], Any]]] = (("Parameters", _params), ("MACs", _macs))
"""Bar columns of the layer table: (title, the figure of a layer of a model)."""

VENDOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor", "mermaid.tiny.js")
"""Mermaid (``@mermaid-js/tiny`` 12.0.0 from npm, MIT; see ``vendor/README.md``)."""

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header,main{max-width:1200px;margin:0 auto;padding:16px 24px}
header h1{margin:0 0 4px;font-size:22px}
section.model{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:0 0 24px;padding:16px 20px}
section.model h2{margin:0 0 2px;font-size:18px}
.where,.totals{color:#57606a;margin:0 0 8px}
.diagram{overflow:auto;border:1px solid #eaeef2;border-radius:6px;padding:8px;margin:8px 0 16px;text-align:center}
.diagram pre.mermaid{text-align:left}
table.layers{border-collapse:collapse;width:100%;font-size:13px}
table.layers th,table.layers td{border-bottom:1px solid #eaeef2;padding:4px 8px;text-align:left;vertical-align:top}
table.layers td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.layers td.shape{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;white-space:nowrap}
tr.error td{background:#fdecea}
tr.warning td{background:#fff4e0}
.bar{position:relative;min-width:160px}
.bar span{display:block;height:12px;margin-top:3px;background:#4c8eda;border-radius:2px}
.bar em{font-style:normal;font-size:11px;color:#57606a}
.why{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;white-space:pre;color:#24292f}
.why .err{color:#c62828;font-weight:600}
ul.diagnostics{list-style:none;padding:0;margin:12px 0 0}
ul.diagnostics li{border-left:4px solid #8c959f;padding:4px 10px;margin:0 0 8px;background:#f6f8fa}
ul.diagnostics li.error{border-color:#c62828}
ul.diagnostics li.warning{border-color:#ef8f00}
ul.diagnostics li.info{border-color:#0969da}
.code{font-weight:600}
pre.source{margin:4px 0 0;padding:4px 8px;background:#fff;border:1px solid #eaeef2;overflow:auto}
"""

_SCRIPT = """
(async function () {
  const charts = document.querySelectorAll("pre.mermaid");
  mermaid.initialize({startOnLoad: false, securityLevel: "strict", maxTextSize: 10000000, maxEdges: 100000,
                      flowchart: {useMaxWidth: false}});
  let i = 0;
  for (const el of charts) {
    try {
      const {svg} = await mermaid.render("convlint-diagram-" + (i++), el.textContent);
      el.parentElement.dataset.rendered = "true";
      el.outerHTML = svg;
    } catch (err) {
      el.parentElement.dataset.error = String(err && err.message || err);
    }
  }
  document.body.dataset.diagrams = "done";
})();
"""


@lru_cache(maxsize=1)
def mermaid_script() -> str:
    """The embedded Mermaid library as a ``<script>`` element (inline when its text cannot end
    the element early, else as a ``data:`` URL)."""
    with open(VENDOR, encoding="utf-8") as f:
        js = f.read()
    lowered = js.lower()
    if "</script" in lowered or "<script" in lowered:
        data = base64.b64encode(js.encode("utf-8")).decode("ascii")
        return f'<script src="data:text/javascript;base64,{data}"></script>'
    return f"<script>{js}</script>"


def _count(value: Any) -> str:
    if value is None:
        return "?"
    return f"{value:,}" if is_known(value) else str(value)


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


# -- source lines ---------------------------------------------------------------------------
def source_line(path: str, line: int, cell: Optional[int] = None) -> Optional[str]:
    """The text of a diagnostic's line (a notebook's: within its code cell), if readable."""
    if cell is None:
        text = linecache.getline(path, line)
        return text.rstrip("\n") if text else None
    cells = _notebook_cells(path)
    if cell - 1 < len(cells):
        lines = cells[cell - 1].splitlines()
        if 0 < line <= len(lines):
            return lines[line - 1]
    return None


@lru_cache(maxsize=16)
def _notebook_cells(path: str) -> Tuple[str, ...]:
    import json

    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        cells = [c for c in doc.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]
        return tuple("".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", "")) for c in cells)
    except Exception:  # unreadable now: the report shows the message without the line
        return ()


# -- one model --------------------------------------------------------------------------------
def _bar_values(shaped: Any, results: List[Any], figure: Callable[[Any, Any], Any]) -> Optional[List[Optional[int]]]:
    values = []
    for r in results:
        v = figure(shaped, r)
        values.append(v if is_known(v) else None)
    return values if any(v is not None for v in values) else None


def _bar(value: Optional[int], top: int) -> str:
    if value == 0:
        return '<td class="bar"></td>'
    if value is None:
        return '<td class="bar"><em>?</em></td>'
    width = 0.0 if top <= 0 else 100.0 * value / top
    return f'<td class="bar" data-value="{value}"><span style="width:{width:.1f}%"></span><em>{value:,}</em></td>'


def _why_cell(result: Any) -> str:
    why = getattr(result, "why", None)
    if why is None or not why.steps:
        return '<td class="why"></td>'
    lines = []
    for s in why.steps:
        text = f"{_e(s.what)}: {_e(step_text(s))}"
        lines.append(f'<span class="err">{text}</span>' if s.error else text)
    return f'<td class="why" title="{_e(why.title)}">' + "\n".join(lines) + "</td>"


def _table(shaped: Any, marks: Dict[str, str], why: bool) -> str:
    results = [r for r in shaped.layers if r.listed]
    bars = [(title, values) for title, figure in BARS for values in [_bar_values(shaped, results, figure)] if values is not None]
    head = ["Layer", "Type", "Line", "Output shape", "Param #"] + [t for t, _ in bars] + (["Why"] if why else [])
    rows = []
    for i, r in enumerate(results):
        node = r.node
        shape = "not called" if not node.called else "?" if r.output_shape is None else fmt_shape(r.output_shape)
        params = "(shared)" if not r.first_use and r.params != 0 else _count(r.params)
        cls = marks.get(node.id, "")
        cells = [
            f"<td>{_e(node.name or node.id)}</td>",
            f"<td>{_e(node.display_type)}</td>",
            f'<td class="num">{node.span.line}</td>',
            f'<td class="shape">{_e(shape)}</td>',
            f'<td class="num">{_e(params)}</td>',
        ]
        for _, values in bars:
            top = max(v for v in values if v is not None)
            cells.append(_bar(values[i], top))
        if why:
            cells.append(_why_cell(r))
        rows.append(f'<tr class="{cls}" data-node="{_e(node.id)}">' + "".join(cells) + "</tr>")
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    return f'<table class="layers"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _diagnostic(d: Diagnostic) -> str:
    src = source_line(d.path, d.line, d.cell)
    code = f'<pre class="source"><span>{d.line:>5} | </span>{_e(src)}</pre>' if src is not None else ""
    return (
        f'<li class="{_e(d.severity)}"><span class="code">{_e(d.code)}</span> {_e(d.severity)} at '
        f"<code>{_e(location(d))}</code>: {_e(d.message)}{code}</li>"
    )


def _model(shaped: Any, diagnostics: List[Diagnostic], index: int, why: bool) -> str:
    m = shaped.model
    marks = severity_by_node(shaped, diagnostics)
    mine = [d for d in diagnostics if d.path == m.path and d.model == m.name]
    where = f"{m.path}:{'cell %d:' % m.cell if m.cell else ''}{m.span.line}"
    totals = (
        f"Total params: {_count(shaped.total_params)} · trainable: {_count(shaped.trainable_params)}"
        f" · non-trainable: {_count(shaped.non_trainable_params)}"
    )
    diag = f'<h3>Diagnostics</h3><ul class="diagnostics">{"".join(_diagnostic(d) for d in mine)}</ul>' if mine else ""
    return (
        f'<section class="model" id="model-{index}" data-model="{_e(m.name)}">'
        f"<h2>{_e(m.name)}</h2>"
        f'<p class="where">{_e(m.framework)} · <code>{_e(where)}</code></p>'
        f'<p class="totals">{_e(totals)}</p>'
        f'<div class="diagram"><pre class="mermaid">{_e(flowchart(shaped, mine))}</pre></div>'
        f"{_table(shaped, marks, why)}{diag}</section>"
    )


def render(report: Report, context: RenderContext) -> str:
    modelled = {(s.model.path, s.model.name) for s in report.models}
    loose = [d for d in report.diagnostics if (d.path, d.model) not in modelled]
    models = "".join(_model(s, report.diagnostics, i, context.why) for i, s in enumerate(report.models))
    other = (
        f'<section class="model"><h2>Other diagnostics</h2><ul class="diagnostics">{"".join(_diagnostic(d) for d in loose)}</ul></section>'
        if loose
        else ""
    )
    version = f"convlint {context.version}" if context.version else "convlint"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>convlint report</title><style>{_CSS}</style></head>"
        f'<body><header><h1>convlint report</h1><p class="where">{_e(summary_line(report))} · {_e(version)}</p></header>'
        f"<main>{models}{other}</main>"
        f"{mermaid_script()}<script>{_SCRIPT}</script></body></html>\n"
    )
