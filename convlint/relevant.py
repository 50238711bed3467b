"""Which top-level statements of a big file can matter, and the text they make.

:mod:`convlint.reduce` decides when a file is too big to parse whole; this module picks its
statements (see there for the rules) from the chunks :mod:`convlint.frontend.python.split`
cuts it into, and assembles the kept ones into one text whose lines map back to the file's.
It is imported only for such a file.
"""

from __future__ import annotations

import bisect
import keyword
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from .discover import PREFILTER
from .frontend.python.split import Chunk

__all__ = ["Reduced", "relevant", "assemble"]

_PREFILTER = re.compile(PREFILTER.pattern.decode("ascii"))
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEADER = re.compile(r"(?:@[^\n]*\n|#[^\n]*\n|[ \t]*\n)*(?:(import|from)\b|(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*))")
"""A chunk's own first line: an import, or a (decorated) definition and its name."""
_BINDING = (
    ("def", re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.M)),
    ("import", re.compile(r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+([^#\n]+)", re.M)),
    ("=", re.compile(r"^[ \t]*([\w.\[\], \t*()]+?)[ \t]*(?::[^=\n]+)?(?:[-+*/%&|^@]|//|\*\*|>>|<<)?=(?!=)", re.M)),
    ("for", re.compile(r"\bfor[ \t]+([\w, \t()]+?)[ \t]+in\b")),
    ("as", re.compile(r"\bas[ \t]+(\w+)")),
)
"""Where a statement binds names: definitions, imports, assignment targets, loop targets,
``as`` (each pattern tried only on a statement containing its keyword).  Generous on purpose
(a keyword argument on its own line reads as an assignment): a name bound too often keeps a
statement too many, never one too few."""


@dataclass
class Reduced:
    """The kept statements of a file, as one text, and how to find their lines in the file."""

    text: str
    total: int
    """Top-level statements in the file."""
    kept: int
    budget: int
    """The most characters of statements read (:data:`~convlint.reduce.READ_CHARS`)."""
    starts: List[Tuple[int, int]] = field(default_factory=list)
    """(first line in ``text``, first line in the file) of each run of kept statements."""
    unread_from: Optional[int] = None
    """The first line (in the file) of the statements left out for the budget, if any."""
    unread: int = 0

    def original(self, line: int) -> int:
        """The file's line number for line ``line`` of ``text``."""
        if not self.starts:
            return line
        i = bisect.bisect_right(self.starts, (line, float("inf"))) - 1
        here, there = self.starts[max(i, 0)]
        return there + (line - here)

    def note(self, size: int) -> str:
        """What was read, for the file's CL909 note."""
        read = (f"this file is {size / 1e6:.1f} MB: convlint read only the {self.kept:,} of its {self.total:,} "
                "top-level statements that can build or use a model")
        if self.unread_from is None:
            return read
        return (f"{read}, up to its budget of {self.budget // 1000} kB: {self.unread:,} more from line "
                f"{self.unread_from} on were not read, so the models before them may be incomplete")


def relevant(text: str, chunks: List[Chunk], budget: int) -> Set[int]:
    """Indices of the chunks that can matter (see :mod:`convlint.reduce`); a chunk larger than
    ``budget`` characters is never read, so what it binds does not matter."""
    offsets = [c.start for c in chunks]
    seeds = {bisect.bisect_right(offsets, m.start()) - 1 for m in _PREFILTER.finditer(text)}
    kinds: List[str] = []
    defined: Dict[int, Tuple[str, ...]] = {}  # definition -> its name
    bound: Dict[int, Set[str]] = {}  # top-level statement -> the names it binds
    binds: Dict[str, List[int]] = {}  # name -> chunks binding it
    for i, chunk in enumerate(chunks):
        header = _HEADER.match(text, chunk.start, chunk.end)
        if chunk.end - chunk.start > budget:  # never read: what it binds does not matter
            kinds.append("too big")
            continue
        if header is not None and header.group(1):
            kinds.append("import")
            seeds.add(i)
            names: Iterable[str] = _names_bound(text, chunk)
        elif header is not None:
            kinds.append("def")
            names = defined[i] = (header.group(2),)
        else:
            kinds.append("statement")
            names = bound[i] = _names_bound(text, chunk)
        for name in names:
            binds.setdefault(name, []).append(i)
    uses: Dict[int, Set[str]] = {}

    def used(i: int) -> Set[str]:
        if i not in uses:
            chunk = chunks[i]
            uses[i] = _names(text, chunk.start, chunk.end) if kinds[i] != "too big" else set()
        return uses[i]

    users: Optional[Dict[str, List[int]]] = None  # name -> top-level statements using it
    keep = set(seeds)
    forward = [i for i in seeds if kinds[i] in ("def", "statement")]  # chunks whose names pull their users
    forwarded = set(forward)
    backward = list(keep)
    pulled: Set[str] = set()  # names whose binders are kept: each name is looked up once
    pushed: Set[str] = set()  # names whose users are kept
    while backward or forward:
        while backward:
            for name in used(backward.pop()) - pulled:
                pulled.add(name)
                for j in binds.get(name, ()):
                    if j not in keep:
                        keep.add(j)
                        backward.append(j)
                        if kinds[j] == "def":
                            forwarded.add(j)
                            forward.append(j)
        if forward:
            if users is None:
                users = {}
                for j, kind in enumerate(kinds):
                    if kind == "statement":
                        for name in used(j):
                            users.setdefault(name, []).append(j)
            i = forward.pop()
            for name in set(defined[i] if kinds[i] == "def" else bound[i]) - pushed:
                pushed.add(name)
                for j in users.get(name, ()):
                    if j not in forwarded:  # a user of a model's name: so are the users of its names
                        forwarded.add(j)
                        forward.append(j)
                    if j not in keep:
                        keep.add(j)
                        backward.append(j)
    return keep


_NOT_NAMES = frozenset(keyword.kwlist) | {"_", "self", "cls"}
"""Words that bind or name nothing a model could need (``for``, ``in``: every loop has them)."""


def _names(text: str, start: int, end: int) -> Set[str]:
    return set(_NAME.findall(text, start, end)) - _NOT_NAMES


def _names_bound(text: str, chunk: Chunk) -> Set[str]:
    body = text[chunk.start:chunk.end]
    one_line = body.count("\n") <= 1
    out: Set[str] = set()
    for word, pattern in _BINDING:
        if word in body:
            if one_line and word == "=":  # the common case: one assignment
                first = pattern.match(body)
                matches: Iterable[Any] = (first,) if first else ()
            else:
                matches = pattern.finditer(body)
            for match in matches:
                out.update(_NAME.findall(match.group(1)))
    return out - _NOT_NAMES


def assemble(text: str, chunks: List[Chunk], keep: Set[int], budget: int) -> Reduced:
    """The kept chunks in order, within ``budget`` characters; the rest is left out."""
    parts: List[str] = []
    starts: List[Tuple[int, int]] = []
    size = 0
    line = 1  # the next line of the kept text
    previous = -2
    unread_from: Optional[int] = None
    unread = 0
    for i in sorted(keep):
        chunk = chunks[i]
        length = chunk.end - chunk.start
        if size + length > budget:
            unread += 1
            if unread_from is None:
                unread_from = chunk.line
            continue
        piece = text[chunk.start:chunk.end]
        if not piece.endswith(("\n", "\r")):
            piece += "\n"
        if i != previous + 1 or not starts:
            starts.append((line, chunk.line))
        parts.append(piece)
        size += length
        line += _line_count(piece)
        previous = i
    kept = len(keep) - unread
    return Reduced("".join(parts), len(chunks), kept, budget, starts, unread_from, unread)


_LINE_BREAK = re.compile(r"\r\n?|\n")


def _line_count(piece: str) -> int:
    return len(_LINE_BREAK.findall(piece))
