"""How a file's text becomes what the front ends read: a verdict from the guard, a libcst
module, and the module's position index.

The three steps belong together because an editor re-parsing one buffer on every keystroke
does all three from cached pieces of the text (:mod:`convlint.lsp.incremental`), while the
command line does each once over the whole file (:class:`WholeFileParser`).  The front ends
ask the parser for positions instead of building them, so the Keras and PyTorch front ends of
one file share one index.
"""

from __future__ import annotations

from typing import Optional, Protocol

import libcst as cst

from .guard import Refusal, refusal
from .positions import Positions

__all__ = ["SourceParser", "WholeFileParser"]


class SourceParser(Protocol):
    """What :func:`convlint.frontend.analyze_source` needs to read one source."""

    def refusal(self, source: str) -> Optional[Refusal]:
        """``None`` when :meth:`__call__` may be given ``source``, else why not (never raises)."""

    def __call__(self, source: str) -> cst.Module:
        """The module; raises what ``libcst.parse_module`` raises."""

    def positions(self, module: cst.Module, source: str) -> Positions:
        """The position index of a module this parser returned (or any other)."""


class WholeFileParser:
    """The guard, then libcst over the whole text; one position index per module."""

    def __init__(self) -> None:
        self._last: Optional[Positions] = None

    def refusal(self, source: str) -> Optional[Refusal]:
        return refusal(source)

    def __call__(self, source: str) -> cst.Module:
        return cst.parse_module(source)

    def positions(self, module: cst.Module, source: str) -> Positions:
        last = self._last
        if last is None or not last.indexes(module, source):
            last = self._last = Positions(module, source)
        return last
