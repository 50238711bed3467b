"""One editor document (a file's buffer, or a notebook's code cells) analysed as the CLI would.

The editor's text is analysed, never the file on disk, with the configuration of the file's
project (the nearest ``pyproject.toml`` with ``[tool.convlint]``, as on the command line).  A
notebook's cells are joined as :mod:`convlint.notebook` joins a ``.ipynb``, and every position
is mapped back to its cell.  :class:`Layout` converts positions between the analysis (1-based
lines and character columns of the joined source) and the editor (a document and an LSP
position in the client's code units).
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..config import Config, ConfigError, find_config, load_config
from ..diagnostics import Diagnostic
from ..discover import maybe_model
from ..notebook import NotebookSource, join_cells, notebook_source
from ..runner import Checker, FileOutcome
from .incremental import ChunkedParser

__all__ = ["Part", "Layout", "Analysis", "Project", "analyse"]

_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> List[str]:
    """Lines as Python numbers them (only ``\\r\\n``, ``\\r``, ``\\n`` end a line)."""
    return _NEWLINE.split(text)


@dataclass
class Part:
    """One editor document of an analysed unit: a file, or one notebook cell."""

    uri: str
    text: str
    start: int = 1
    """The joined source's line where this part begins (1-based)."""
    lines: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = split_lines(self.text)


class Layout:
    """Where each line of the analysed source is in the editor."""

    def __init__(self, parts: Sequence[Part], notebook: Optional[NotebookSource] = None) -> None:
        self.parts = list(parts)
        self.notebook = notebook

    def locate(self, line: int) -> Tuple[int, int]:
        """(part index, 1-based line within the part) of a joined-source line."""
        if self.notebook is None:
            return 0, line
        cell, within = self.notebook.locate(line)
        return cell - 1, within

    def part_of(self, uri: str) -> Optional[int]:
        for i, p in enumerate(self.parts):
            if p.uri == uri:
                return i
        return None

    def joined_line(self, index: int, line: int) -> int:
        return self.parts[index].start + line - 1


@dataclass
class Analysis:
    """An analysed snapshot of a document: what every feature answers from."""

    key: Tuple[str, ...]
    """The texts analysed: a newer buffer has another key."""
    path: str
    layout: Layout
    source: str
    outcome: FileOutcome
    checker: Optional[Checker] = None
    config_error: Optional[str] = None
    _resolved: Optional[List[Diagnostic]] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def diagnostics(self) -> List[Diagnostic]:
        return self.outcome.diagnostics

    @property
    def models(self) -> List[Any]:
        return self.outcome.models

    def with_fixes(self) -> List[Diagnostic]:
        """The diagnostics with their fixes resolved and checked (one or more re-analyses, so
        only when the editor asks for code actions; then kept)."""
        with self._lock:
            if self._resolved is None:
                if self.checker is None or not any(d.fix is not None for d in self.diagnostics):
                    self._resolved = [dataclasses.replace(d, fix=None) if d.fix is not None else d for d in self.diagnostics]
                else:
                    self._resolved = self.checker.resolve_fixes(self.path, self.source, list(self.diagnostics))
            return self._resolved


class Project:
    """Configuration and checkers for the documents of one editor session.

    Plugins load once; a configuration is read once per ``pyproject.toml`` (again when it
    changes on disk); each configuration has its own checker and parse cache."""

    def __init__(self, plugins: Sequence[object] = ()) -> None:
        from ..plugins import collect_rules, make_catalogue, make_plugin_manager

        self._pm = make_plugin_manager(plugins)
        self.rules = collect_rules(self._pm)
        self._catalogue = make_catalogue(self._pm)
        self._checkers: Dict[Tuple[Optional[str], float], Checker] = {}
        self.parser = ChunkedParser()

    def checker_for(self, path: str) -> Tuple[Checker, Optional[str]]:
        """The checker for a file's project, and the configuration error if its
        configuration cannot be used (the defaults are used then)."""
        error = None
        try:
            found = find_config(path)
        except ConfigError as err:
            found, error = None, str(err)
        mtime = _mtime(found)
        key = (found, mtime)
        checker = self._checkers.get(key)
        if checker is None:
            try:
                config = load_config(found, start=path) if found else Config(root=os.path.dirname(os.path.abspath(path)))
            except ConfigError as err:
                config, error = Config(root=os.path.dirname(os.path.abspath(path))), str(err)
            checker = Checker(config, self.rules, self._catalogue, fixes=False)
            checker.parse = self.parser
            checker.memo = OrderedDict()  # an edit re-checks only the models it changed
            self._checkers[key] = checker
        return checker, error


def _mtime(path: Optional[str]) -> float:
    try:
        return os.path.getmtime(path) if path else 0.0
    except OSError:
        return 0.0


def _check(checker: Checker, path: str, text: str) -> FileOutcome:
    """The checker's outcome for Python text, never an exception (a convlint bug becomes CL999)."""
    try:
        if not maybe_model(text.encode("utf-8", "surrogatepass")):
            return FileOutcome(path)
        return checker.check_text(path, text)
    except Exception as err:
        return checker._internal(path, f"internal error while checking this file ({type(err).__name__}: {err}); please report it")


def analyse(project: Project, path: str, parts: Sequence[Tuple[str, str]], notebook: bool) -> Analysis:
    """Analyse a document: one ``(uri, text)`` part for a file, one per code cell (in order)
    for a notebook."""
    checker, error = project.checker_for(path)
    key = tuple(text for _, text in parts)
    if notebook:
        joined = join_cells([text for _, text in parts])
        layout = Layout([Part(uri, text, start) for (uri, text), start in zip(parts, joined.starts)], joined)
        source = joined.source
    else:
        (uri, source), = parts
        layout = Layout([Part(uri, source)])
    outcome = _check(checker, path, source)
    return Analysis(key, path, layout, source, outcome, checker, error)


def notebook_json_cells(text: str) -> Optional[NotebookSource]:
    """An ``.ipynb`` opened as a text document: its code cells, or ``None`` if not a notebook."""
    try:
        return notebook_source(text)
    except (ValueError, TypeError):
        return None
