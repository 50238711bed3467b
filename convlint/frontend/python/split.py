"""A source split at its top-level statements, far cheaper than parsing it.

A top-level statement starts on a line at column 0 that is outside every bracket, string,
comment and backslash continuation.  The scan works in two passes, each driven by a regular
expression so that the text between the places it looks at is skipped at C speed: first the
strings, comments and backslash-newlines (the only things that can hide a bracket or a line
start), then the candidate lines, with the bracket depth before each counted by ``str.count``
over the stretches outside strings and comments.  Python's ``tokenize`` is ten times slower
(10.6 s for 10 MB) and a parse slower still.

Splitting wrongly would cut a statement in two; joining two statements never is wrong, only
less selective.  So a line starts a new chunk only when it is sure to: it begins with an ASCII
letter, ``_`` or ``@`` (not ``else``/``elif``/``except``/``finally``, which continue a
compound statement, nor a ``def``/``class`` under decorators); anything else joins the chunk
before.  The comment lines right above a statement belong to it (``# convlint:
input-shape=``).  When the scan cannot be sure where strings or brackets end (an unterminated
string, an unbalanced bracket), there is no split: :func:`split` returns ``None``.
"""

from __future__ import annotations

import bisect
import re
from typing import List, NamedTuple, Optional, Set, Tuple

__all__ = ["Chunk", "split"]


class Chunk(NamedTuple):
    """One top-level statement (with the comment lines above it): ``text[start:end]``,
    beginning on 1-based ``line``.  (A tuple: a 10 MB file has 200,000 of them.)"""

    start: int
    end: int
    line: int


_HIDING = re.compile(r"['\"#\\]")
_STRING_END = {
    "'": re.compile(r"(?:[^'\\\r\n]|\\(?:\r\n?|.|\n))*'"),
    '"': re.compile(r'(?:[^"\\\r\n]|\\(?:\r\n?|.|\n))*"'),
    "'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*'''", re.S),
    '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.S),
}
_LINE_END = re.compile(r"[\r\n]")
_NEWLINE = re.compile(r"\r\n?|\n")
_CANDIDATE = re.compile(r"^[A-Za-z_@]", re.M)
_CONTINUES = re.compile(r"(?:else|elif|except|finally)\b")


def split(text: str) -> Optional[List[Chunk]]:
    """The chunks of ``text``, in order and covering all of it; ``None`` when unsure."""
    hidden = _hidden(text)
    if hidden is None:
        return None
    zones, continued = hidden
    starts = [0]
    depth = 0
    counted = 0  # brackets are counted up to here
    z = 0
    decorated = text[:1] == "@"  # the chunk so far is decorators only: the def/class below joins it
    for match in _CANDIDATE.finditer(text):
        at = match.start()
        while z < len(zones) and zones[z][0] < at:
            begin, end = zones[z]
            depth += _net(text, counted, begin)
            counted = max(counted, end)
            if end > at:
                break  # the candidate is inside this string
            z += 1
        if counted > at:
            continue
        depth += _net(text, counted, at)
        counted = at
        if depth < 0:
            return None
        if depth or at in continued:
            continue
        first = text[at]
        if decorated or _CONTINUES.match(text, at):
            decorated = decorated and first == "@"
            continue
        starts.append(_comments_above(text, at, starts[-1], zones))
        decorated = first == "@"
    for begin, end in zones[z:]:
        depth += _net(text, counted, begin)
        counted = max(counted, end)
    if depth + _net(text, counted, len(text)) != 0:
        return None
    return _chunks(text, starts)


def _hidden(text: str) -> Optional[Tuple[List[Tuple[int, int]], Set[int]]]:
    """(strings and comments as sorted (start, end) spans, the starts of lines that continue
    a backslash line), or ``None`` for an unterminated string."""
    zones: List[Tuple[int, int]] = []
    continued: Set[int] = set()
    pos = 0
    search = _HIDING.search
    while True:
        match = search(text, pos)
        if match is None:
            return zones, continued
        at = match.start()
        ch = text[at]
        if ch == "#":
            end = _LINE_END.search(text, at)
            pos = end.start() if end is not None else len(text)
            zones.append((at, pos))
        elif ch == "\\":
            newline = _NEWLINE.match(text, at + 1)
            pos = newline.end() if newline is not None else at + 1
            if newline is not None:
                continued.add(pos)
        else:
            quote = ch * 3 if text.startswith(ch * 3, at) else ch
            end = _STRING_END[quote].match(text, at + len(quote))
            if end is None:
                return None  # unterminated: where it ends is a guess
            pos = end.end()
            zones.append((at, pos))


def _net(text: str, begin: int, end: int) -> int:
    """Brackets opened minus brackets closed in ``text[begin:end]``."""
    if begin >= end:
        return 0
    count = text.count
    return (count("(", begin, end) + count("[", begin, end) + count("{", begin, end)
            - count(")", begin, end) - count("]", begin, end) - count("}", begin, end))


def _comments_above(text: str, at: int, floor: int, zones: List[Tuple[int, int]]) -> int:
    """Where the statement at ``at`` starts with the comment lines right above it (no blank
    line between), not above ``floor``."""
    start = at
    while start > floor:
        line = text.rfind("\n", floor, start - 1) + 1
        if line <= floor or text[line] != "#":
            break
        i = bisect.bisect_right(zones, (line, len(text))) - 1
        if i < 0 or zones[i][0] != line:  # a '#' inside a string, not a comment line
            break
        start = line
    return start


def _chunks(text: str, starts: List[int]) -> List[Chunk]:
    ends = starts[1:] + [len(text)]
    out: List[Chunk] = []
    line = 1
    previous = 0
    lone_cr = "\r" in text
    for start, end in zip(starts, ends):
        line += len(_NEWLINE.findall(text, previous, start)) if lone_cr else text.count("\n", previous, start)
        previous = start
        if end > start:
            out.append(Chunk(start, end, line))
    return out
