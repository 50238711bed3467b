"""An analysis as LSP data: diagnostics, inlay hints, hovers and code actions.

Positions cross here: the analysis speaks 1-based lines and character columns of the joined
source, the editor 0-based lines and code units (UTF-16 unless negotiated) of one document or
notebook cell.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from lsprotocol import types as lsp

from ..diagnostics import Diagnostic
from ..edits import SAFE, Edit
from ..fix import apply_edits
from .analysis import Analysis, Part
from .content import hint_label, hover_markdown, layers_by_line

__all__ = ["diagnostics", "inlay_hints", "hover", "code_actions", "SOURCE"]

SOURCE = "convlint"
_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}


def _position(part: Part, line: int, column: int, codec: Any) -> lsp.Position:
    """(1-based line within the part, 1-based character column) -> LSP position."""
    if line > len(part.lines):
        return lsp.Position(line=max(len(part.lines) - 1, 0), character=codec.client_num_units(part.lines[-1]) if part.lines else 0)
    text = part.lines[line - 1]
    return lsp.Position(line=line - 1, character=codec.client_num_units(text[: max(column - 1, 0)]))


def _column(part: Part, position: lsp.Position, codec: Any) -> Tuple[int, int]:
    """LSP position -> (1-based line within the part, 1-based character column)."""
    line = min(position.line, max(len(part.lines) - 1, 0))
    text = part.lines[line] if part.lines else ""
    units = 0
    for i, ch in enumerate(text):
        if units >= position.character:
            return line + 1, i + 1
        units += codec.client_num_units(ch)
    return line + 1, len(text) + 1


def _range(a: Analysis, line: int, column: int, end_line: Optional[int], end_column: Optional[int], codec: Any) -> Tuple[int, lsp.Range]:
    index, within = a.layout.locate(line)
    part = a.layout.parts[index]
    start = _position(part, within, column, codec)
    if end_line is None or end_column is None:
        end = lsp.Position(line=start.line, character=codec.client_num_units(part.lines[within - 1]) if within <= len(part.lines) else start.character)
    else:
        end_index, end_within = a.layout.locate(end_line)
        end = _position(part, end_within, end_column, codec) if end_index == index else lsp.Position(line=start.line, character=start.character)
    return index, lsp.Range(start=start, end=end)


def lsp_diagnostic(a: Analysis, d: Diagnostic, codec: Any) -> Tuple[str, lsp.Diagnostic]:
    index, rng = _range(a, d.line, d.column, d.end_line, d.end_column, codec)
    out = lsp.Diagnostic(
        range=rng,
        message=d.message,
        severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Information),
        code=d.code,
        source=SOURCE,
        data={"name": d.name, "model": d.model, "fixable": d.fix is not None},
    )
    if d.related:  # where the layer whose application fails is defined
        out.related_information = []
        for r in d.related:
            at, where = _range(a, r.line, r.column, None, None, codec)
            location = lsp.Location(uri=a.layout.parts[at].uri, range=where)
            out.related_information.append(lsp.DiagnosticRelatedInformation(location=location, message=r.message))
    return a.layout.parts[index].uri, out


def diagnostics(a: Analysis, codec: Any) -> Dict[str, List[lsp.Diagnostic]]:
    """Every part's diagnostics (an empty list clears a part's old ones)."""
    out: Dict[str, List[lsp.Diagnostic]] = {p.uri: [] for p in a.layout.parts}
    for d in a.diagnostics:
        uri, diag = lsp_diagnostic(a, d, codec)
        out[uri].append(diag)
    if a.config_error:
        first = a.layout.parts[0]
        out[first.uri].insert(
            0,
            lsp.Diagnostic(
                range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)),
                message=f"convlint configuration not used (defaults instead): {a.config_error}",
                severity=lsp.DiagnosticSeverity.Warning,
                source=SOURCE,
            ),
        )
    return out


def inlay_hints(a: Analysis, uri: str, rng: Optional[lsp.Range], codec: Any) -> List[lsp.InlayHint]:
    """At the end of each layer's line: its output shape and parameter count."""
    index = a.layout.part_of(uri)
    if index is None:
        return []
    part = a.layout.parts[index]
    out: List[lsp.InlayHint] = []
    for joined, layers in sorted(layers_by_line(a.models).items()):
        at, within = a.layout.locate(joined)
        if at != index or within > len(part.lines):
            continue
        if rng is not None and not rng.start.line <= within - 1 <= rng.end.line:
            continue
        label = hint_label(layers)
        if label is None:
            continue
        text = part.lines[within - 1]
        out.append(
            lsp.InlayHint(
                position=lsp.Position(line=within - 1, character=codec.client_num_units(text)),
                label=label,
                kind=lsp.InlayHintKind.Type,
                padding_left=True,
            )
        )
    return out


def hover(a: Analysis, uri: str, position: lsp.Position, codec: Any) -> Optional[lsp.Hover]:
    """The innermost layer construction (or op) under the cursor, explained."""
    index = a.layout.part_of(uri)
    if index is None:
        return None
    part = a.layout.parts[index]
    line, column = _column(part, position, codec)
    here = (a.layout.joined_line(index, line), column)
    found: Dict[Tuple[int, int, int, int], List[Any]] = {}
    for shaped in a.models:
        for r in shaped.layers:
            if not r.listed:
                continue
            s = r.node.span
            end = (s.end_line or s.line, s.end_column or 10**9)
            if (s.line, s.column) <= here < end:
                found.setdefault((s.line, s.column, *end), []).append((shaped, r))
    if not found:
        return None
    key = max(found, key=lambda k: (k[0], k[1], -k[2], -k[3]))  # the innermost: latest start, earliest end
    layers = found[key]
    text = hover_markdown(layers[:3])
    if len(layers) > 3:
        text += f"\n\n…and {len(layers) - 3} more calls of this line"
    _, rng = _range(a, key[0], key[1], key[2], key[3] if key[3] < 10**9 else None, codec)
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=rng)


def _text_edits(a: Analysis, edits: Any, codec: Any) -> Dict[str, List[lsp.TextEdit]]:
    out: Dict[str, List[lsp.TextEdit]] = {}
    for e in edits:
        index, rng = _range(a, e.line, e.column, e.end_line, e.end_column, codec)
        out.setdefault(a.layout.parts[index].uri, []).append(lsp.TextEdit(range=rng, new_text=e.content))
    return out


def _overlaps(a: Analysis, d: Diagnostic, uri: str, rng: lsp.Range) -> bool:
    index, within = a.layout.locate(d.line)
    if a.layout.parts[index].uri != uri:
        return False
    end = within + ((d.end_line or d.line) - d.line)
    return within - 1 <= rng.end.line and end - 1 >= rng.start.line


def code_actions(a: Analysis, uri: str, rng: lsp.Range, codec: Any) -> List[lsp.CodeAction]:
    """Quick fixes for the diagnostics in ``rng``: their checked fixes, and a declared input
    shape where a model has none (CL904)."""
    out: List[lsp.CodeAction] = []
    for d in a.with_fixes():
        if not _overlaps(a, d, uri, rng):
            continue
        if d.fix is not None and d.fix.edits:
            safe = d.fix.applicability == SAFE
            title = f"{d.fix.message} ({d.code})" + ("" if safe else " — unsafe: changes what the model computes")
            out.append(
                lsp.CodeAction(
                    title=title,
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diagnostic(a, d, codec)[1]],
                    edit=lsp.WorkspaceEdit(changes=_text_edits(a, d.fix.edits, codec)),
                    is_preferred=safe,
                )
            )
        elif d.code == "CL904":
            action = _input_shape_action(a, d, codec)
            if action is not None:
                out.append(action)
    return out


def _input_shape_action(a: Analysis, d: Diagnostic, codec: Any) -> Optional[lsp.CodeAction]:
    """``# convlint: input-shape=(3, H, W)`` above the model, where the front end reads such a
    comment (checked: with sizes filled in, the edited file no longer lacks one)."""
    model = next((m for m in a.models if m.model.name == d.model and m.model.span.line == d.line), None)
    if model is None or a.checker is None:
        return None
    shape = _declared_input(model)
    if shape is None:
        return None
    index, within = a.layout.locate(d.line)
    part = a.layout.parts[index]
    indent = re.match(r"[ \t]*", part.lines[within - 1]).group(0)  # type: ignore[union-attr]
    text = f"{indent}# convlint: input-shape=({', '.join(shape)}{',' if len(shape) == 1 else ''})\n"
    probe = f"{indent}# convlint: input-shape=({', '.join(s if s.isdigit() else '32' for s in shape)},)\n"
    edit = Edit(d.line, 1, d.line, 1, probe)
    try:
        after = a.checker.check_text(a.path, apply_edits(a.source, [edit]))
    except Exception:
        return None
    if any(x.code == "CL904" and x.model == d.model for x in after.diagnostics):
        return None
    insert = Edit(d.line, 1, d.line, 1, text)
    return lsp.CodeAction(
        title=f"Declare the input shape of {d.model}: # convlint: input-shape=({', '.join(shape)}) (CL904)",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[lsp_diagnostic(a, d, codec)[1]],
        edit=lsp.WorkspaceEdit(changes=_text_edits(a, [insert], codec)),
    )


def _declared_input(shaped: Any) -> Optional[List[str]]:
    """The model's input without the batch dim, sizes the analysis could not know as the
    symbols it used (``["3", "H", "W"]``): the user replaces them with numbers."""
    inputs = [r for r in shaped.layers if r.node.type == "Input"]
    if not inputs or inputs[0].output_shape is None:
        return None
    dims = inputs[0].output_shape[1:]
    if not dims:
        return None
    return [re.sub(r"\s+", "", str(x)) if x is not None else "?" for x in dims]
