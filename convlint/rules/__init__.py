"""Rules: small classes that turn an analysed model into diagnostics.

Conventions (follow them for a new rule, built-in or third-party):

* **One rule a file**, a class deriving from :class:`Rule` with
  ``code`` (``CL`` + 3 digits for built-ins: ``CL1xx`` shape errors, ``CL2xx`` weights and
  budgets, ``CL3xx`` design warnings, ``CL9xx`` could-not-analyse; a plugin brings its own
  prefix matching ``^[A-Z]{1,3}[0-9]{0,3}$`` plus digits), ``name`` (kebab-case, unique) and a
  default ``severity`` (``error`` | ``warning`` | ``info``; users may override it with
  ``per-rule-severity``).
* **The docstring** has the sections ``What it does`` and ``Why is this bad?`` (markdown
  headings ``## ...``).  The ``Example`` and ``Use instead`` sections are generated from the
  ``INVALID`` and ``VALID`` snippets, so the documentation can never drift from the tests:
  ``convlint --explain CODE`` and SARIF ``fullDescription`` both come from :meth:`Rule.documentation`.
* **``VALID`` / ``INVALID``**: tuples of complete source files.  The test suite runs every
  snippet through the whole pipeline: each ``INVALID`` one must produce the rule's code, no
  ``VALID`` one may.  ``CONFIG`` holds ``[tool.convlint]`` keys the snippets need (budgets).
* **``check(model, config)``** is pure: it reads a :class:`~convlint.engine.ShapedModel` and the
  :class:`~convlint.config.Config`, yields :class:`~convlint.diagnostics.Diagnostic` values
  built with :meth:`Rule.at`, and never mutates or raises.  Rules about the file rather than a
  model (front-end notes) override ``check_file(result, config)`` instead.
* A rule about an engine finding kind derives from :class:`FindingRule` and only sets ``kind``.
* **One message per cause**: diagnostics made from a finding or a note carry its
  :class:`~convlint.graph.Cause`; when several share one, the runner keeps those of the rules
  with the highest ``precedence`` (the one that explains the cause best).
* Register rules through the ``convlint_rules`` hook (see :mod:`convlint.rules.builtin`); the
  runner applies ``select`` / ``ignore`` / ``per-rule-severity``, so a rule never checks them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Dict, Hashable, Iterator, Mapping, Optional, Sequence, Tuple

from ..diagnostics import Diagnostic, Related
from ..graph import Span

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..edits import Fix
    from ..engine import ShapedModel
    from ..frontend import FileNote, FileResult
    from ..graph import ModelGraph, Node

__all__ = ["Rule", "FindingRule", "NoteRule", "CODE_RE", "NAME_RE", "validate_rules"]

CODE_RE = re.compile(r"^[A-Z]{1,3}[0-9]{3,4}$")
"""A full rule code: a plugin prefix ``^[A-Z]{1,3}`` and digits (``CL101``)."""
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class Rule:
    """Base class of every rule.  Subclasses set the class attributes and override ``check``."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[str] = "error"
    VALID: ClassVar[Tuple[str, ...]] = ()
    INVALID: ClassVar[Tuple[str, ...]] = ()
    CONFIG: ClassVar[Mapping[str, Any]] = {}
    precedence: ClassVar[int] = 0
    """Of diagnostics sharing a cause, only those of the rules with the highest precedence are
    reported: the one that explains the cause best speaks for it."""

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        """Diagnostics about one analysed model."""
        return iter(())

    def check_file(self, result: "FileResult", config: "Config") -> Iterator[Diagnostic]:
        """Diagnostics about a file as a whole (front-end notes), once per file."""
        return iter(())

    # -- helpers --------------------------------------------------------------------------
    @classmethod
    def at(
        cls,
        path: str,
        span: Span,
        message: str,
        model: Optional[str] = None,
        cell: Optional[int] = None,
        cause: Optional[Hashable] = None,
        fix: Optional[Fix] = None,
        related: Sequence[Related] = (),
    ) -> Diagnostic:
        """A diagnostic of this rule at ``span`` (the runner adjusts severity and cell); ``fix``
        is its repair, proposed as changes to a layer call (see :mod:`convlint.edits`)."""
        return Diagnostic(
            code=cls.code,
            severity=cls.severity,
            path=path,
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            message=message,
            model=model,
            cell=cell,
            name=cls.name,
            fix=fix,
            cause=cause,
            related=tuple(related),
        )

    @classmethod
    def at_application(
        cls,
        model: "ModelGraph",
        node: "Node",
        message: str,
        span: Optional[Span] = None,
        cause: Optional[Hashable] = None,
        fix: Optional[Fix] = None,
    ) -> Diagnostic:
        """A diagnostic about how ``node`` is applied: at ``span`` (default: where it is
        applied, :attr:`~convlint.graph.Node.site`), with its constructor as a related location
        when that is another line."""
        span = span or node.site
        related = ()
        if span.line != node.span.line:
            label = f"{node.display_type} '{node.name or node.id}'"
            related = (Related(model.path, node.span.line, node.span.column, f"{label} is defined here"),)
        return cls.at(model.path, span, message, model.name, model.cell, cause, fix, related)

    @classmethod
    def summary(cls) -> str:
        """The first sentence of ``What it does``, for short listings and SARIF shortDescription."""
        body = _section(cls.__doc__ or "", "What it does") or (cls.__doc__ or "").strip()
        first = body.split("\n\n")[0].replace("\n", " ").strip()
        return first.split(". ")[0].rstrip(".") + "." if first else cls.name

    @classmethod
    def documentation(cls) -> str:
        """Markdown documentation: the docstring plus the snippets as Example / Use instead."""
        import inspect
        import textwrap

        doc = inspect.cleandoc(cls.__doc__ or "")
        parts = [f"# {cls.name} ({cls.code})", f"Default severity: {cls.severity}.", doc]
        if cls.CONFIG:
            settings = "\n".join(f"{k} = {_toml(v)}" for k, v in cls.CONFIG.items())
            parts.append(f"## Configuration used in the examples\n```toml\n[tool.convlint]\n{settings}\n```")
        if cls.INVALID and "## Example" not in doc:
            parts.append("## Example\n```python\n" + textwrap.dedent(cls.INVALID[0]).strip() + "\n```")
        if cls.VALID and "## Use instead" not in doc:
            parts.append("## Use instead\n```python\n" + textwrap.dedent(cls.VALID[0]).strip() + "\n```")
        return "\n\n".join(p for p in parts if p) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _section(doc: str, title: str) -> str:
    import inspect

    doc = inspect.cleandoc(doc)
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc, re.M | re.S)
    return match.group(1).strip() if match else ""


class FindingRule(Rule):
    """Reports every engine :class:`~convlint.engine.Finding` of one ``kind``, with its message."""

    kind: ClassVar[str] = ""

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        for finding in model.findings:
            if finding.kind == self.kind:
                yield self.reported(model, finding)

    @classmethod
    def reported(cls, model: "ShapedModel", finding: Any, fix: Optional[Fix] = None) -> Diagnostic:
        """The diagnostic for ``finding``: where the engine placed it, with the layer's
        constructor as a related location when the finding is at its application."""
        m = model.model
        if finding.defined is not None:
            return cls.at_application(m, model.result(finding.node_id).node, finding.message, finding.span, finding.cause, fix)
        return cls.at(m.path, finding.span, finding.message, m.name, m.cell, finding.cause, fix=fix)


class NoteRule(Rule):
    """Reports every front-end :class:`~convlint.frontend.FileNote` of one ``kind``."""

    kind: ClassVar[str] = ""

    def check_file(self, result: "FileResult", config: "Config") -> Iterator[Diagnostic]:
        for note in result.notes:
            if note.kind == self.kind:
                yield self.at(result.path, note.span, note.message, note.model, cause=self.cause_of(note), fix=note.fix)

    @classmethod
    def cause_of(cls, note: "FileNote") -> Optional[Hashable]:
        """The note's cause, as the front end set it."""
        return note.cause


def validate_rules(rules: Sequence[type]) -> Dict[str, type]:
    """Rules by code; raises ``ValueError`` for a malformed or duplicate code or name."""
    by_code: Dict[str, type] = {}
    names: Dict[str, str] = {}
    for rule in rules:
        if not (isinstance(rule, type) and issubclass(rule, Rule)):
            raise ValueError(f"{rule!r} is not a convlint Rule subclass")
        if not CODE_RE.match(rule.code):
            raise ValueError(f"{rule.__name__}: rule code {rule.code!r} does not look like PREFIX + digits (e.g. CL101)")
        if not NAME_RE.match(rule.name):
            raise ValueError(f"{rule.__name__}: rule name {rule.name!r} is not kebab-case")
        if rule.severity not in ("error", "warning", "info"):
            raise ValueError(f"{rule.__name__}: severity {rule.severity!r} is not error, warning or info")
        if rule.code in by_code and by_code[rule.code] is not rule:
            raise ValueError(f"rule code {rule.code} is used by both {by_code[rule.code].__name__} and {rule.__name__}")
        if rule.name in names and names[rule.name] != rule.code:
            raise ValueError(f"rule name {rule.name} is used by both {names[rule.name]} and {rule.code}")
        by_code[rule.code] = rule
        names[rule.name] = rule.code
    return dict(sorted(by_code.items()))
