"""``--format sarif``: SARIF 2.1.0 for code-scanning services."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from ..diagnostics import Diagnostic, Related, Report
from . import RenderContext

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _rule(cls: Any) -> Dict[str, Any]:
    docs = cls.documentation()
    return {
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": cls.summary()},
        "fullDescription": {"text": docs, "markdown": docs},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": _LEVELS.get(cls.severity, "note")},
        "properties": {"tags": [cls.code[:3]]},
    }


def _uri(path: str) -> str:
    path = path.replace("\\", "/")
    return path[2:] if path.startswith("./") else path


def _location(path: str, region: Dict[str, Any]) -> Dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(path)}, "region": region}}


def _related(i: int, r: Related) -> Dict[str, Any]:
    out = {"id": i, **_location(r.path, {"startLine": r.line, "startColumn": r.column}), "message": {"text": r.message}}
    if r.cell is not None:
        out["properties"] = {"cell": r.cell}
    return out


def _result(d: Diagnostic, index: Dict[str, int]) -> Dict[str, Any]:
    region: Dict[str, Any] = {"startLine": d.line, "startColumn": d.column}
    if d.end_line is not None:
        region["endLine"] = d.end_line
    if d.end_column is not None:
        region["endColumn"] = d.end_column
    out: Dict[str, Any] = {
        "ruleId": d.code,
        "level": _LEVELS.get(d.severity, "note"),
        "message": {"text": d.message},
        "locations": [_location(d.path, region)],
    }
    if d.related:
        out["relatedLocations"] = [_related(i, r) for i, r in enumerate(d.related)]
    if d.code in index:
        out["ruleIndex"] = index[d.code]
    props: Dict[str, Any] = {}
    if d.model:
        props["model"] = d.model
    if d.cell is not None:
        props["cell"] = d.cell
    if props:
        out["properties"] = props
    if d.fix is not None and d.fix.edits:
        out["fixes"] = [_fix(d)]
    return out


def _fix(d: Diagnostic) -> Dict[str, Any]:
    """SARIF ``fix``: one artifact change of replacements (an insertion deletes an empty
    region); the applicability and a notebook cell ride in property bags."""
    assert d.fix is not None
    replacements = []
    for e in d.fix.edits:
        rep: Dict[str, Any] = {
            "deletedRegion": {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line, "endColumn": e.end_column},
            "insertedContent": {"text": e.content},
        }
        if e.cell is not None:
            rep["properties"] = {"cell": e.cell}
        replacements.append(rep)
    return {
        "description": {"text": d.fix.message},
        "artifactChanges": [{"artifactLocation": {"uri": _uri(d.path)}, "replacements": replacements}],
        "properties": {"applicability": d.fix.applicability},
    }


def sarif_dict(report: Report, context: RenderContext) -> Dict[str, Any]:
    rules: List[Any] = [context.rules[c] for c in sorted(context.rules)]
    index = {cls.code: i for i, cls in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "convlint",
                        "version": context.version or "0",
                        "rules": [_rule(cls) for cls in rules],
                    }
                },
                "results": [_result(d, index) for d in report.diagnostics],
            }
        ],
    }


def render(report: Report, context: RenderContext) -> str:
    return json.dumps(sarif_dict(report, context), indent=2) + "\n"
