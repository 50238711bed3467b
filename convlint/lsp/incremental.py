"""Re-read only what an edit changed: a buffer parsed from cached top-level statements.

An edit in a long model file touches one top-level statement, yet every stage before the
interpreter reads the whole text: the guard (Python's ``ast`` parse, which measures nesting),
libcst (the slow stage: about ten times ``ast``), the position index (both trees walked), and
the whole-file facts the front ends gather.  Here the text is cut at its top-level statements
by :mod:`convlint.frontend.python.split` (a scan, about 1 ms for 1,000 lines), and each piece
is parsed alone, by ``ast`` and by libcst, and indexed alone, all kept by the piece's text.
After an edit only the edited piece is new; the others' trees, spans and facts are reused,
their lines shifted when the edit added or removed lines.

The module is assembled from the pieces' statements and prints back to exactly the source:
each piece does (libcst round-trips), only blank lines and comments move between a piece's
edges and the next statement, and the pieces must agree on the newline and indentation they
print by default.  When any of that fails (no safe cut, a piece that does not parse alone,
pieces that disagree), the whole text is read as on the command line, so a syntax error or a
refusal reads exactly as it always does.
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, TypeVar

import libcst as cst

from ..frontend.python.guard import Refusal, depth_refusal, expression_depths
from ..frontend.python.parser import WholeFileParser
from ..frontend.python.positions import Positions, match_spans
from ..frontend.python.split import split
from ..graph import Span
from ..source_lines import split_lines

__all__ = ["ChunkedParser", "ChunkedPositions"]

T = TypeVar("T")


class _Piece:
    """One top-level statement's text (with the comment lines above it) and what is known of
    it alone: its ``ast`` tree and nesting depths, then (when asked) its libcst tree, spans and
    facts.  Lines are the piece's own, from 1."""

    __slots__ = ("text", "tree", "depths", "module", "_index", "_shifted", "_facts")

    def __init__(self, text: str, tree: ast.Module) -> None:
        self.text = text
        self.tree = tree
        self.depths = expression_depths(tree)
        self.module: Optional[cst.Module] = None
        self._index: Optional[Tuple[Dict[int, Span], Set[type]]] = None
        self._shifted: Optional[Tuple[int, Dict[int, Span]]] = None
        self._facts: Dict[Any, Any] = {}

    def parsed(self) -> cst.Module:
        if self.module is None:
            self.module = cst.parse_module(self.text)
        return self.module

    def index(self) -> Tuple[Dict[int, Span], Set[type]]:
        if self._index is None:
            self._index = match_spans(self.parsed(), self.tree, split_lines(self.text))
        return self._index

    def spans_at(self, offset: int) -> Dict[int, Span]:
        """The spans with ``offset`` lines added (kept: the next edit mostly has the same)."""
        if self._shifted is not None and self._shifted[0] == offset:
            return self._shifted[1]
        spans = self.index()[0]
        if offset:
            spans = {k: Span(s.line + offset, s.column, None if s.end_line is None else s.end_line + offset, s.end_column) for k, s in spans.items()}
        self._shifted = (offset, spans)
        return spans

    def fact(self, fact: Callable[[List[ast.stmt]], T]) -> T:
        found = self._facts.get(fact)
        if found is None:
            found = self._facts[fact] = fact(self.tree.body)
        return found


class _Cut:
    """A buffer cut into pieces: each piece with the line it starts on."""

    def __init__(self, source: str, pieces: List[Tuple[int, _Piece]]) -> None:
        self.source = source
        self.pieces = pieces
        self.module: Optional[cst.Module] = None
        self.renamed: Dict[int, int] = {}
        """``id`` of an assembled statement -> ``id`` of the piece's statement it replaces."""


class ChunkedPositions(Positions):
    """The position index of an assembled module: each piece's spans, shifted to its line."""

    def __init__(self, cut: _Cut) -> None:
        assert cut.module is not None
        super().__init__(cut.module, cut.source)
        self._cut = cut

    def _build(self) -> Dict[int, Span]:
        out: Dict[int, Span] = {}
        for line, piece in self._cut.pieces:
            out.update(piece.spans_at(line - 1))
            self._fallback |= piece.index()[1]
        for new, old in self._cut.renamed.items():
            if old in out:
                out[new] = out[old]
        return out

    def statement_facts(self, fact: Callable[[List[ast.stmt]], T]) -> List[T]:
        """One result per piece, each kept with its piece (a fact must not depend on line
        numbers: a piece's lines are its own)."""
        return [piece.fact(fact) for _, piece in self._cut.pieces]


class ChunkedParser:
    """A :class:`~convlint.frontend.python.parser.SourceParser` that remembers top-level
    statements by their text (for one editor session: its memory is bounded by ``capacity``
    pieces)."""

    def __init__(self, capacity: int = 4096) -> None:
        self._pieces: "OrderedDict[str, _Piece]" = OrderedDict()
        self._capacity = capacity
        self._cut: Optional[_Cut] = None
        self._whole = WholeFileParser()
        self.hits = 0
        self.misses = 0

    # -- SourceParser ---------------------------------------------------------------------
    def refusal(self, source: str) -> Optional[Refusal]:
        self._cut = self._cut_of(source)
        if self._cut is None:
            return self._whole.refusal(source)
        depths = [(d, line + start - 1) for start, piece in self._cut.pieces for d, line in piece.depths]
        return depth_refusal(depths)

    def __call__(self, source: str) -> cst.Module:
        cut = self._cut if self._cut is not None and self._cut.source is source else self._cut_of(source)
        if cut is not None:
            try:
                cut.module = _assembled(cut)
            except cst.ParserSyntaxError:
                cut.module = None
        if cut is None or cut.module is None:
            self._cut = None
            return self._whole(source)
        self._cut = cut
        return cut.module

    def positions(self, module: cst.Module, source: str) -> Positions:
        cut = self._cut
        if cut is not None and cut.module is module and cut.source is source:
            return ChunkedPositions(cut)
        return self._whole.positions(module, source)

    # -- pieces -----------------------------------------------------------------------------
    def _cut_of(self, source: str) -> Optional[_Cut]:
        chunks = split(source)
        if chunks is None or len(chunks) < 2:
            return None
        pieces = []
        for chunk in chunks:
            piece = self._piece(source[chunk.start:chunk.end])
            if piece is None:
                return None
            pieces.append((chunk.line, piece))
        return _Cut(source, pieces)

    def _piece(self, text: str) -> Optional[_Piece]:
        found = self._pieces.get(text)
        if found is not None:
            self._pieces.move_to_end(text)
            self.hits += 1
            return found
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
            return None  # the whole text is read instead, and says what is wrong as usual
        self.misses += 1
        piece = self._pieces[text] = _Piece(text, tree)
        if len(self._pieces) > self._capacity:
            self._pieces.popitem(last=False)
        return piece


def _assembled(cut: _Cut) -> Optional[cst.Module]:
    """The module whose statements are the pieces'; ``None`` if the pieces cannot make one."""
    modules = [piece.parsed() for _, piece in cut.pieces]
    body: List[Any] = []
    pending: List[cst.EmptyLine] = []
    for i, chunk in enumerate(modules):
        stmts = list(chunk.body)
        lead = list(chunk.header) if i else []
        if not stmts:
            pending += lead + list(chunk.footer)
            continue
        if pending or lead:
            first = stmts[0]
            stmts[0] = first.with_changes(leading_lines=[*pending, *lead, *first.leading_lines])
            cut.renamed[id(stmts[0])] = id(first)
        body.extend(stmts)
        pending = list(chunk.footer)
    first, last = modules[0], modules[-1]
    if any(c.default_newline != first.default_newline or c.default_indent != first.default_indent for c in modules):
        return None  # nodes print with their piece's defaults: they must be the module's
    return first.with_changes(body=body, footer=pending, has_trailing_newline=last.has_trailing_newline)
