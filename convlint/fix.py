"""From proposed changes to text edits, located with libcst, and kept only if they work.

A rule proposes changes to the layer call it reports (:mod:`convlint.edits`).  Here the call
is found in the parsed source (by the position the front end gave it and its callee's name),
each change becomes the smallest text edit that makes it (a value token replaced, a keyword
renamed, ``name=value`` added after the last argument with the call's own comma and line
style), and everything else stays byte for byte.  A change that cannot be made without
guessing (the value is computed from names, ``**kwargs`` may already hold the argument, the
layer is built by a helper) drops the fix.  Then the edited file is analysed again: a fix is
kept only if its diagnostic is gone and no more errors are reported than before.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from .diagnostics import Diagnostic
from .source_lines import split_lines
from .edits import (
    Change,
    Edit,
    Fix,
    GroupPositional,
    InsertLayerBefore,
    RemoveArgument,
    RenameArgument,
    RenameCallee,
    SetArgument,
    _Keep,
)

__all__ = ["apply_edits", "resolve_fixes", "locate", "CallSite", "NoFix"]

Recheck = Callable[[str], Sequence[Diagnostic]]
"""Analyse an edited source again: its diagnostics (with the run's configuration)."""


class NoFix(Exception):
    """A change that cannot be made unambiguously: the fix is dropped."""


# -- applying edits to text -----------------------------------------------------------------

_NEWLINE = re.compile(r"\r\n|\r|\n")


def _line_starts(text: str) -> List[int]:
    return [0] + [m.end() for m in _NEWLINE.finditer(text)]


def _offset(starts: List[int], text: str, line: int, column: int) -> int:
    if line < 1:
        raise ValueError(f"line {line} is before the start of the text")
    if line > len(starts):
        if line == len(starts) + 1 and column == 1:
            return len(text)
        raise ValueError(f"line {line} is past the end of the text")
    return starts[line - 1] + column - 1


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied (positions refer to the original ``text``); raises
    ``ValueError`` when two edits overlap."""
    starts = _line_starts(text)
    spans = sorted(
        ((_offset(starts, text, e.line, e.column), _offset(starts, text, e.end_line, e.end_column), e.content) for e in edits),
        key=lambda t: (t[0], t[1]),
    )
    out: List[str] = []
    at = 0
    for start, end, content in spans:
        if start < at:
            raise ValueError("overlapping edits")
        out.append(text[at:start])
        out.append(content)
        at = end
    out.append(text[at:])
    return "".join(out)


def shifted_line(line: int, edits: Iterable[Edit]) -> int:
    """Where original line ``line`` is once ``edits`` are applied (edits wholly before it move it)."""
    delta = 0
    for e in edits:
        if e.end_line < line or (e.end_line == line and e.end_column == 1 and e.line < line):
            delta += len(_NEWLINE.findall(e.content)) - (e.end_line - e.line)
    return line + delta


# -- locating a call ------------------------------------------------------------------------

class _Index(cst.CSTVisitor):
    """Parents of every node, the calls, the names and the ``from ... import`` statements."""

    def __init__(self) -> None:
        self.parents: Dict[int, cst.CSTNode] = {}
        self.calls: List[cst.Call] = []
        self.names: List[cst.Name] = []
        self.imports: List[cst.ImportFrom] = []
        self._stack: List[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parents[id(node)] = self._stack[-1]
        self._stack.append(node)
        if isinstance(node, cst.Call):
            self.calls.append(node)
        elif isinstance(node, cst.Name):
            self.names.append(node)
        elif isinstance(node, cst.ImportFrom):
            self.imports.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()


def _last_name(func: cst.BaseExpression) -> Optional[str]:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


class SourceIndex:
    """One parsed source with positions and parents, shared by the fixes of a file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
        self.module = self.wrapper.module
        self.positions = self.wrapper.resolve(PositionProvider)
        self.index = _Index()
        self.module.visit(self.index)
        self.lines = split_lines(source)

    def range(self, node: cst.CSTNode) -> CodeRange:
        return self.positions[node]

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self.index.parents.get(id(node))

    def text(self, node: cst.CSTNode) -> str:
        r = self.range(node)
        starts = _line_starts(self.source)
        return self.source[_offset(starts, self.source, r.start.line, r.start.column + 1): _offset(starts, self.source, r.end.line, r.end.column + 1)]

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


@dataclasses.dataclass
class CallSite:
    """The layer construction a fix is about, in its source."""

    index: SourceIndex
    call: cst.Call


def locate(index: SourceIndex, line: int, column: int, callee: str, same: Callable[[str, str], bool] = lambda a, b: a == b) -> CallSite:
    """The constructor call whose callee starts at (``line``, ``column``) and is named ``callee``."""
    found = []
    for call in index.index.calls:
        name = _last_name(call.func)
        if name is None:
            continue
        start = index.range(call.func).start
        if (start.line, start.column + 1) == (line, column) and same(name, callee):
            found.append(call)
    if len(found) != 1:
        raise NoFix(f"no single call of {callee} at {line}:{column}")
    return CallSite(index, found[0])


# -- changes -> edits -----------------------------------------------------------------------

def _edit(r_start: Any, r_end: Any, content: str) -> Edit:
    return Edit(r_start.line, r_start.column + 1, r_end.line, r_end.column + 1, content)


def _insert(line: int, column: int, content: str) -> Edit:
    return Edit(line, column, line, column, content)


_LITERALS = (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString)


def _is_literal(node: cst.BaseExpression) -> bool:
    """Written as a constant (``400``, ``16 * 5 * 5``, ``"valid"``, ``(3, 3)``, ``True``): its
    replacement loses no name the author chose."""
    if isinstance(node, _LITERALS):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.UnaryOperation):
        return _is_literal(node.expression)
    if isinstance(node, cst.BinaryOperation):
        return _is_literal(node.left) and _is_literal(node.right)
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(isinstance(e, cst.Element) and _is_literal(e.value) for e in node.elements)
    return False


def _is_formula(text: str, value: Any) -> bool:
    """``text`` is integer arithmetic (``16 * 5 * 5``) that equals ``value``."""
    import ast

    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    ops = {ast.Mult: lambda a, b: a * b, ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b}

    def value_of(node: ast.AST) -> Optional[int]:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            left, right = value_of(node.left), value_of(node.right)
            return None if left is None or right is None else ops[type(node.op)](left, right)
        return None

    return value_of(tree.body) == value


def _quote_of(call: cst.Call) -> str:
    for arg in call.args:
        if isinstance(arg.value, cst.SimpleString):
            prefix_free = arg.value.value.lstrip("rRbBuUfF")
            return prefix_free[0]
    return '"'


def render(value: Any, quote: str = '"') -> str:
    """A Python value as source text, strings in ``quote``."""
    if isinstance(value, str):
        if quote not in value and "\\" not in value and "\n" not in value:
            return f"{quote}{value}{quote}"
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(render(v, quote) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)
    raise NoFix(f"cannot write {value!r} as source")


def _positional(call: cst.Call) -> List[cst.Arg]:
    out = []
    for arg in call.args:
        if arg.keyword is not None or arg.star:
            break
        out.append(arg)
    return out


def _keyword(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def _has_star(call: cst.Call, star: str) -> bool:
    return any(arg.star == star for arg in call.args)


def _comma_after(index: SourceIndex, arg: cst.Arg) -> Optional[Tuple[int, int]]:
    """(line, 1-based column) just after ``arg``'s comma, or ``None`` without one."""
    if not isinstance(arg.comma, cst.Comma):
        return None
    end = index.range(arg).end
    starts = _line_starts(index.source)
    at = _offset(starts, index.source, end.line, end.column + 1)
    text = index.source
    while at < len(text):
        ch = text[at]
        if ch == ",":
            at += 1
            break
        if ch == "#":
            while at < len(text) and text[at] not in "\r\n":
                at += 1
            continue
        at += 1
    line = max(i for i, s in enumerate(starts) if s <= at) + 1
    return line, at - starts[line - 1] + 1


def _append_argument(site: CallSite, text: str) -> Edit:
    """``text`` (``name=value``) added as the call's last argument, in its comma style."""
    index, call = site.index, site.call
    if not call.args:
        end = index.range(call.func).end
        starts = _line_starts(index.source)
        at = index.source.index("(", _offset(starts, index.source, end.line, end.column + 1)) + 1
        line = max(i for i, s in enumerate(starts) if s <= at) + 1
        return _insert(line, at - starts[line - 1] + 1, text)
    last = call.args[-1]
    comma = _comma_after(index, last)
    if comma is None:
        end = index.range(last).end
        return _insert(end.line, end.column + 1, f", {text}")
    line, column = comma
    after = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else None
    multiline = isinstance(after, cst.ParenthesizedWhitespace)
    if multiline:
        start_line = index.range(last).start.line
        indent = re.match(r"[ \t]*", index.line_text(start_line)).group(0)  # type: ignore[union-attr]
        # after the comment that may follow the comma, at the end of its line
        return _insert(line, len(index.line_text(line)) + 1, f"\n{indent}{text},")
    return _insert(line, column, f" {text},")


def _set_argument(site: CallSite, change: SetArgument) -> List[Edit]:
    call, index = site.call, site.index
    quote = _quote_of(call)
    arg = _keyword(call, change.name)
    if arg is None and change.position is not None:
        positional = _positional(call)
        if change.position < len(positional):
            arg = positional[change.position]
        elif len(positional) < len([a for a in call.args if a.keyword is None]):
            raise NoFix("a *args may hold the argument")
    if arg is not None:
        if not _is_literal(arg.value):
            raise NoFix(f"{change.name} is computed from names; the repair belongs where they are set")
        if isinstance(arg.value, cst.SimpleString):
            quote = arg.value.value.lstrip("rRbBuUfF")[0]
        r = index.range(arg.value)
        text = render(change.value, quote)
        if isinstance(arg.value, cst.BinaryOperation) and _is_formula(change.formula, change.value):
            text = change.formula
        return [_edit(r.start, r.end, text)]
    if _has_star(call, "**") or _has_star(call, "*"):
        raise NoFix("*args / **kwargs may already hold the argument")
    return [_append_argument(site, f"{change.name}={render(change.value, quote)}")]


def _rename_argument(site: CallSite, change: RenameArgument) -> List[Edit]:
    call, index = site.call, site.index
    arg = _keyword(call, change.old)
    if arg is None or arg.keyword is None or _keyword(call, change.new) is not None:
        raise NoFix(f"no keyword {change.old} to rename, or {change.new} already given")
    r = index.range(arg.keyword)
    edits = [_edit(r.start, r.end, change.new)]
    if not isinstance(change.value, _Keep):
        if not _is_literal(arg.value):
            raise NoFix(f"{change.old} is computed; its new value cannot be written for it")
        quote = arg.value.value.lstrip("rRbBuUfF")[0] if isinstance(arg.value, cst.SimpleString) else _quote_of(call)
        v = index.range(arg.value)
        edits.append(_edit(v.start, v.end, render(change.value, quote)))
    return edits


def _remove_argument(site: CallSite, change: RemoveArgument) -> List[Edit]:
    arg = _keyword(site.call, change.name)
    if arg is None:
        raise NoFix(f"no keyword {change.name} to remove")
    return remove_item(site.index, list(site.call.args), list(site.call.args).index(arg))


def remove_item(index: SourceIndex, items: Sequence[Any], i: int) -> List[Edit]:
    """The edit that drops ``items[i]`` (an argument, an imported name) with its comma,
    keeping the list's trailing-comma style."""
    item = items[i]
    r = index.range(item)
    comma = _comma_after(index, item)
    if i + 1 < len(items):
        nxt = index.range(items[i + 1]).start
        return [_edit(r.start, nxt, "")]
    if i > 0:
        prev = items[i - 1]
        prev_comma = _comma_after(index, prev)
        if comma is not None and prev_comma is not None:  # keep the trailing-comma style
            return [Edit(prev_comma[0], prev_comma[1], comma[0], comma[1], "")]
        pr = index.range(prev).end
        end = comma or (r.end.line, r.end.column + 1)
        return [Edit(pr.line, pr.column + 1, end[0], end[1], "")]
    end = comma or (r.end.line, r.end.column + 1)
    return [Edit(r.start.line, r.start.column + 1, end[0], end[1], "")]


def _group_positional(site: CallSite, change: GroupPositional) -> List[Edit]:
    """Brackets around the grouped arguments: their own text, comments and spacing stay."""
    call, index = site.call, site.index
    positional = _positional(call)
    if change.count < 2 or any(a.star for a in call.args) or len(positional) < change.first + change.count:
        raise NoFix("the positional arguments to group are not all written out")
    group = positional[change.first: change.first + change.count]
    start, end = index.range(group[0].value).start, index.range(group[-1].value).end
    return [_insert(start.line, start.column + 1, "("), _insert(end.line, end.column + 1, ")")]


def _prefix(index: SourceIndex, call: cst.Call, layer: str) -> str:
    """How this file spells layer ``layer``: beside the reported layer's own spelling
    (``nn.Linear`` -> ``nn.Flatten``), or a name the file imports."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return index.module.code_for_node(func.value) + "." + layer
    for node in index.module.body:
        for stmt in getattr(node, "body", ()):
            if isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
                for alias in stmt.names:
                    if isinstance(alias.name, cst.Name) and alias.name.value == layer and alias.asname is None:
                        return layer
    raise NoFix(f"{layer} is not imported in this file")


def _indent(index: SourceIndex, line: int) -> str:
    return re.match(r"[ \t]*", index.line_text(line)).group(0)  # type: ignore[union-attr]


def _insert_layer(site: CallSite, change: InsertLayerBefore) -> List[Edit]:
    index, call = site.index, site.call
    layer = _prefix(index, call, change.layer)
    parent = index.parent(call)
    grand = index.parent(parent) if parent is not None else None
    # an element of a Sequential: a new element before it
    container = None
    if isinstance(parent, cst.Arg) and parent.keyword is None and not parent.star and isinstance(grand, cst.Call):
        container = grand
    elif isinstance(parent, cst.Element) and isinstance(grand, (cst.List, cst.Tuple)):
        holder = index.parent(index.parent(grand) or grand)
        container = holder if isinstance(holder, cst.Call) else None
    if container is not None and _last_name(container.func) == "Sequential":
        element = parent
        r = index.range(element).start
        before = index.line_text(r.line)[: r.column]
        sep = "\n" + before if not before.strip() else " "
        return [_insert(r.line, r.column + 1, f"{layer}(),{sep}")]
    # ``Dense(10)(x)``: the input wrapped
    if isinstance(parent, cst.Call) and parent.func is call:
        return _wrap_input(index, parent, lambda text: f"{layer}()({text})")
    # ``model.add(Dense(10))``: an ``add`` of the layer before it
    if isinstance(parent, cst.Arg) and isinstance(grand, cst.Call) and _last_name(grand.func) == "add":
        stmt = index.parent(index.parent(grand) or grand)
        if isinstance(index.parent(grand), cst.Expr) and isinstance(stmt, cst.SimpleStatementLine) and isinstance(grand.func, cst.Attribute):
            receiver = index.module.code_for_node(grand.func.value)
            line = index.range(stmt).start.line
            return [_insert(line, 1, f"{_indent(index, line)}{receiver}.add({layer}())\n")]
    # ``self.fc = nn.Linear(...)`` applied once as ``self.fc(x)``: the input flattened there
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
        target = parent.targets[0].target
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            uses = _self_calls(index, parent, target.attr.value)
            if len(uses) != 1:
                raise NoFix(f"self.{target.attr.value} is applied {len(uses)} times")
            if change.framework == "torch" and change.layer == "Flatten":
                return _wrap_input(index, uses[0], _flatten_method)
            return _wrap_input(index, uses[0], lambda text: f"{layer}()({text})")
    raise NoFix("no place to insert the layer before this one")


_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript)


def _flatten_method(text: str) -> str:
    return f"{text}.flatten(1)"


def _wrap_input(index: SourceIndex, call: cst.Call, wrap: Callable[[str], str]) -> List[Edit]:
    positional = _positional(call)
    if len(positional) != 1 or len(call.args) != 1:
        raise NoFix("the layer is not applied to exactly one input")
    value = positional[0].value
    r = index.range(value)
    text = index.text(value)
    if wrap is _flatten_method and not (isinstance(value, _ATOMS) and not value.lpar):
        text = f"({text})"
    return [_edit(r.start, r.end, wrap(text))]


def _self_calls(index: SourceIndex, assign: cst.CSTNode, attr: str) -> List[cst.Call]:
    """Calls ``self.<attr>(...)`` in the class whose method holds ``assign``."""
    cls: Optional[cst.CSTNode] = assign
    while cls is not None and not isinstance(cls, cst.ClassDef):
        cls = index.parent(cls)
    if cls is None:
        return []
    out = []
    for call in index.index.calls:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == attr and isinstance(func.value, cst.Name) and func.value.value == "self":
            owner: Optional[cst.CSTNode] = call
            while owner is not None and owner is not cls:
                owner = index.parent(owner)
            if owner is cls:
                out.append(call)
    return out


def edits_for(index: SourceIndex, fix: Fix, same: Callable[[str, str], bool] = lambda a, b: a == b) -> Tuple[Edit, ...]:
    """The text edits that make ``fix``'s changes; raises :class:`NoFix`."""
    site = locate(index, fix.line, fix.column, fix.callee, same)
    edits: List[Edit] = []
    for change in fix.changes:
        edits.extend(_change_edits(site, change))
    return tuple(edits)


def _change_edits(site: CallSite, change: Change) -> List[Edit]:
    if isinstance(change, SetArgument):
        return _set_argument(site, change)
    if isinstance(change, RenameArgument):
        return _rename_argument(site, change)
    if isinstance(change, RemoveArgument):
        return _remove_argument(site, change)
    if isinstance(change, InsertLayerBefore):
        return _insert_layer(site, change)
    if isinstance(change, GroupPositional):
        return _group_positional(site, change)
    if isinstance(change, RenameCallee):
        from .fix_rename import rename_callee

        return rename_callee(site, change)
    raise NoFix(f"unknown change {change!r}")


# -- resolving and checking a file's fixes --------------------------------------------------

def _errors(diagnostics: Iterable[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.severity == "error")


def _gone(target: Diagnostic, edits: Sequence[Edit], after: Sequence[Diagnostic]) -> bool:
    line = shifted_line(target.line, edits)
    return not any(d.code == target.code and d.line == line for d in after)


def resolve_fixes(
    source: str,
    diagnostics: List[Diagnostic],
    recheck: Recheck,
    same: Callable[[str, str], bool] = lambda a, b: a == b,
) -> List[Diagnostic]:
    """``diagnostics`` with each proposed fix resolved into edits and checked, or dropped.

    All fixes are first checked together (one re-analysis); if that leaves a problem, each is
    checked alone.  ``same(written, callee)`` says whether a callee spelling names the class
    a fix is about (aliases such as ``MaxPool2D`` for ``MaxPooling2D``)."""
    proposed = [i for i, d in enumerate(diagnostics) if d.fix is not None and d.fix.changes]
    if not proposed:
        return [dataclasses.replace(d, fix=None) if d.fix is not None and not d.fix.edits else d for d in diagnostics]
    try:
        index = SourceIndex(source)
    except Exception:
        return [dataclasses.replace(d, fix=None) if d.fix is not None else d for d in diagnostics]
    candidates: Dict[int, Tuple[Edit, ...]] = {}
    for i in proposed:
        fix = diagnostics[i].fix
        assert fix is not None
        try:
            edits = edits_for(index, fix, same)
            apply_edits(source, edits)
        except (NoFix, ValueError):
            continue
        if edits:
            candidates[i] = edits
    errors_before = _errors(diagnostics)
    accepted: Dict[int, Tuple[Edit, ...]] = {}

    def works(chosen: Dict[int, Tuple[Edit, ...]]) -> bool:
        edits = [e for es in chosen.values() for e in es]
        try:
            fixed = apply_edits(source, edits)
        except ValueError:
            return False
        after = recheck(fixed)
        if any(d.code == "CL901" for d in after):
            return False
        return _errors(after) <= errors_before and all(_gone(diagnostics[i], edits, after) for i in chosen)

    if len(candidates) > 1 and works(candidates):
        accepted = dict(candidates)
    else:
        for i, edits in candidates.items():
            if works({i: edits}):
                accepted[i] = edits
    out = []
    for i, d in enumerate(diagnostics):
        if d.fix is None:
            out.append(d)
        elif i in accepted:
            out.append(dataclasses.replace(d, fix=dataclasses.replace(d.fix, edits=accepted[i], changes=())))
        else:
            out.append(dataclasses.replace(d, fix=None))
    return out
