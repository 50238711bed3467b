"""The pipeline: files -> prefilter -> front end -> engine -> rules -> one sorted :class:`Report`.

Files are independent, so kept files are checked in worker processes when there is enough
work to pay for starting them (``PARALLEL_MIN_BYTES``, measured), and always for a file over
``ISOLATE_BYTES``; the report is sorted by path and position, so the output never depends on
scheduling.  A worker that dies (a parser crash, memory past the cap) fails only its own file,
as a CL909 diagnostic naming the cause; the other files' results stand (:mod:`convlint.pool`).
In-process checks (small runs, where starting workers would cost more than the work) are
protected by the parse guard, which keeps what would crash away from the native parser.
A big file is reduced to the statements that can matter before it is parsed
(:mod:`convlint.reduce`).  Nothing escapes as a traceback: an unreadable file is a CL901
diagnostic, a crash while checking a file a CL999 diagnostic that also makes the run exit 2.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Hashable, Iterable, List, Mapping, Optional, Sequence, Tuple, Type

from .config import Config
from .diagnostics import Diagnostic, Report, sort_key
from .discover import find_files, maybe_model
from .files import read_regular
from .graph import Span
from .noqa import apply_noqa

if TYPE_CHECKING:  # pragma: no cover
    from .pool import Died  # imported when workers start: a small run checks in-process

__all__ = ["Checker", "FileOutcome", "drop_subsumed", "effective_jobs", "run", "ISOLATE_BYTES", "PARALLEL_MIN_BYTES"]

INTERNAL = "CL999"
MEMO_MODELS = 512
"""Models an editor session keeps checked (:attr:`Checker.memo`): a few files' worth."""
ISOLATE_BYTES = 100_000
"""A file this big (as big as :data:`~convlint.reduce.READ_CHARS`, past which files are
reduced) is checked in a worker process, with its memory cap, even when alone."""
PARALLEL_MIN_BYTES = 40_000
"""Below this much kept source, one process is faster than forking workers.  Measured on 2
cores (keras sources, medians of 5): 30 kB serial 23 ms / 2 workers 28 ms; 60 kB 53 / 44 ms;
120 kB 131 / 85 ms; 250 kB 261 / 152 ms.  Starting the pool costs ~10-15 ms."""


@dataclass
class FileOutcome:
    """What checking one file produced."""

    path: str
    models: List[Any] = field(default_factory=list)
    diagnostics: List[Diagnostic] = field(default_factory=list)
    internal_error: bool = False
    transient: bool = False
    """The outcome depends on this machine and moment (a worker out of memory): not cached."""
    dependencies: List[Tuple[str, str]] = field(default_factory=list)
    """(path, SHA-256) of every project module read for this file: a cached outcome is used
    only while they are unchanged (``from .blocks import conv_block``)."""


def fingerprint(path: str) -> str:
    """SHA-256 of a file's bytes ("" if it cannot be read: then it no longer matches)."""
    import hashlib

    try:
        return hashlib.sha256(read_regular(path)).hexdigest()
    except OSError:
        return ""


def still_valid(outcome: "FileOutcome") -> bool:
    """A cached outcome whose project modules are all as they were."""
    return all(fingerprint(path) == digest for path, digest in getattr(outcome, "dependencies", []))


def _decode(data: bytes) -> str:
    """Source bytes -> text the way Python reads a file (BOM, PEP 263 coding cookie)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        import tokenize

        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)


class Checker:
    """Checks one file at a time with a fixed configuration, rule set and catalogue."""

    def __init__(self, config: Config, rules: Dict[str, Type[Any]], catalogue: Any, fixes: bool = True, why: bool = False) -> None:
        """``catalogue`` is a :class:`~convlint.layers.Catalogue`, or a function making one
        (called on first use, so a run served from the cache never builds it).  ``fixes``:
        resolve and check the fixes rules propose (each costs a re-analysis of the file); an
        editor may do it only when asked for code actions.  ``why`` attaches the formulas
        behind every size and count (``--why``)."""
        self.config = config
        self.fixes = fixes
        self.why = why
        self.parse: Optional[Any] = None
        """The front end's parser (``None``: libcst's); an editor passes a caching one."""
        self.memo: Optional["OrderedDict[str, Tuple[Any, List[Diagnostic], bool]]"] = None
        """Set by an editor session: each model's engine result and diagnostics, by the model
        graph's ``repr`` (all plain data, spans included), so that an edit re-checks only the
        models it changed.  ``None``: every model is checked (the command line)."""
        self.rules = [cls() for code, cls in sorted(rules.items()) if config.enabled(code)]
        self._precedence = {rule.code: rule.precedence for rule in self.rules}
        self._catalogue = catalogue

    @property
    def catalogue(self) -> Any:
        if callable(self._catalogue):
            self._catalogue = self._catalogue()
        return self._catalogue

    # -- one file ---------------------------------------------------------------------------
    def check_bytes(self, path: str, data: bytes) -> FileOutcome:
        """Never raises: running out of memory is a CL909 diagnostic on the file, a crash a
        CL999 one."""
        try:
            return self._check(path, data)
        except MemoryError:
            return self.out_of_memory(path)
        except Exception as err:  # a convlint bug: report it and go on with the other files
            return self._internal(path, f"internal error while checking this file ({type(err).__name__}: {err}); please report it")

    def check_source(self, path: str, source: str) -> FileOutcome:
        return self.check_bytes(path, source.encode("utf-8"))

    def unreadable(self, path: str, err: BaseException) -> FileOutcome:
        reason = getattr(err, "strerror", None) or str(err)
        return self._notes_only(path, "syntax-error", f"cannot read this file: {reason}")

    def skipped(self, path: str, reason: str) -> FileOutcome:
        """A path the run could not look at (a directory it cannot list, a FIFO or device)."""
        return self._notes_only(path, "syntax-error", reason)

    def limited(self, path: str, message: str, line: int = 1) -> FileOutcome:
        """A CL909 outcome: the file is past one of convlint's limits."""
        return self._notes_only(path, "resource-limit", message, Span(line))

    def out_of_memory(self, path: str) -> FileOutcome:
        outcome = self.limited(path, "ran out of memory while checking this file; nothing in it was checked")
        outcome.transient = True
        return outcome

    def died(self, path: str, death: Died) -> FileOutcome:
        """The outcome of a file whose worker process died while checking it."""
        if death.memory:
            outcome = self.limited(path, f"the worker checking this file was {death.cause}, most likely for using "
                                         "too much memory; nothing in it was checked")
            outcome.transient = True
            return outcome
        outcome = self.limited(path, f"the worker checking this file was {death.cause} (a crash in convlint or "
                                     "its parser; please report it); nothing in it was checked")
        outcome.internal_error = True
        return outcome

    def _internal(self, path: str, message: str) -> FileOutcome:
        from .rules.internal_error import InternalError

        # Built directly, not through the rules: a crash is reported even if CL999 is ignored.
        return FileOutcome(path, diagnostics=[InternalError.at(path, Span(1, 1), message)], internal_error=True)

    def _notes_only(self, path: str, kind: str, message: str, span: Span = Span(1, 1)) -> FileOutcome:
        from .frontend import FileNote, FileResult

        result = FileResult(path, notes=[FileNote(kind, message, span)])
        return FileOutcome(path, diagnostics=self._file_diagnostics(result))

    def _check(self, path: str, data: bytes) -> FileOutcome:
        try:
            text = _decode(data)
        except (UnicodeDecodeError, LookupError, SyntaxError) as err:
            return self.unreadable(path, err)
        notebook = None
        if path.endswith(".ipynb"):
            from .notebook import notebook_source

            try:
                notebook = notebook_source(text)
            except ValueError as err:
                return self.unreadable(path, err)
            text = notebook.source
        outcome = self.check_text(path, text)
        if self.fixes and any(d.fix is not None for d in outcome.diagnostics):
            outcome.diagnostics = self.resolve_fixes(path, text, outcome.diagnostics)
        if notebook is not None:
            _relocate(outcome, notebook)
        return outcome

    def check_text(self, path: str, text: str) -> FileOutcome:
        """Python source (a notebook's joined cells) -> outcome, fixes still as proposed.  A big
        file is first reduced to the statements that can matter (:mod:`convlint.reduce`); it
        gets no fixes (placing one needs the whole file parsed, what the reduction avoids)."""
        from .frontend import FileNote, FileResult, FrontendOptions, analyze_source
        from .reduce import reduce

        reduced = reduce(text)
        if reduced is not None and not reduced.total:
            return self.limited(path, f"this file is {len(text) / 1e6:.1f} MB and convlint cannot split it at its "
                                      "top-level statements (an unterminated string or bracket?) nor parse it whole; "
                                      "nothing in it was checked")
        unread = None if reduced is None or reduced.unread_from is None else "it depends on statements past convlint's reading budget"
        options = FrontendOptions(input_shapes=self._input_shapes(path), catalogue=self.catalogue, parse=self.parse, unread=unread)
        result = analyze_source(text if reduced is None else reduced.text, path, options)
        outcome = self.check_result(result)
        outcome.dependencies = [(dep, fingerprint(dep)) for dep in result.dependencies]
        if reduced is not None:
            _shift(outcome, reduced.original)
            outcome.diagnostics = [dataclasses.replace(d, fix=None) if d.fix is not None else d for d in outcome.diagnostics]
            note = FileNote("resource-limit", reduced.note(len(text)), Span(reduced.unread_from or 1))
            outcome.diagnostics.extend(self._file_diagnostics(FileResult(path, notes=[note])))
        outcome.diagnostics = apply_noqa(outcome.diagnostics, text)
        return outcome

    def resolve_fixes(self, path: str, text: str, diagnostics: List[Diagnostic]) -> List[Diagnostic]:
        """The proposed fixes made into edits and kept where the edited file checks better
        (see :mod:`convlint.fix`)."""
        from .fix import resolve_fixes

        catalogue = self.catalogue

        def same(written: str, callee: str) -> bool:
            return written == callee or any(catalogue.canonical(fw, written) == callee for fw in ("keras", "torch"))

        return resolve_fixes(text, diagnostics, lambda fixed: self.check_text(path, fixed).diagnostics, same)

    def check_result(self, result: Any) -> FileOutcome:
        """Engine and rules over a front end's :class:`~convlint.frontend.FileResult`."""
        outcome = FileOutcome(result.path)
        outcome.diagnostics.extend(self._file_diagnostics(result))
        for model in result.models:
            shaped, diagnostics, internal = self._model_outcome(model, result.path)
            outcome.internal_error = outcome.internal_error or internal
            outcome.diagnostics.extend(diagnostics)
            outcome.models.append(shaped)
        outcome.diagnostics = drop_repeats(drop_subsumed(outcome.diagnostics, self._precedence))
        outcome.internal_error = outcome.internal_error or any(d.code == INTERNAL for d in outcome.diagnostics)
        return outcome

    def _model_outcome(self, model: Any, path: str) -> Tuple[Any, List[Diagnostic], bool]:
        """(shaped model, its diagnostics, whether the engine failed), from :attr:`memo` when
        the same graph was checked before."""
        memo = self.memo
        key = repr(model) if memo is not None else ""
        if memo is not None and key in memo:
            memo.move_to_end(key)
            return memo[key]
        from .engine import analyze

        shaped = analyze(model, self.catalogue)
        if self.why:
            from .why import explain_model

            explain_model(shaped)
        internal = any(f.kind == "internal" for f in shaped.findings)
        diagnostics = self._attach_cost(shaped, path)
        for rule in self.rules:
            diagnostics.extend(self._run(rule, "check", shaped, path, model.span, model.name))
        if memo is not None:
            memo[key] = (shaped, diagnostics, internal)
            if len(memo) > MEMO_MODELS:
                memo.popitem(last=False)
        return shaped, diagnostics, internal

    def _attach_cost(self, shaped: Any, path: str) -> List[Diagnostic]:
        """Cost after the engine, before the rules (budget rules read it)."""
        from .cost import model_cost

        try:
            shaped.cost = model_cost(shaped, self.config.dtype, self.config.dtype_bytes)
        except Exception as err:  # a bug in the cost arithmetic: say so, keep the shapes
            from .rules.internal_error import InternalError

            m = shaped.model
            return [InternalError.at(path, m.span, f"cannot compute the cost of model '{m.name}': {type(err).__name__}: {err}", m.name)]
        return []

    def _file_diagnostics(self, result: Any) -> List[Diagnostic]:
        out: List[Diagnostic] = []
        for rule in self.rules:
            out.extend(self._run(rule, "check_file", result, result.path, Span(1, 1), None))
        return out

    def _run(self, rule: Any, method: str, subject: Any, path: str, span: Span, model: Optional[str]) -> List[Diagnostic]:
        try:
            found = list(getattr(rule, method)(subject, self.config))
        except Exception as err:  # a rule bug (ours or a plugin's) must not hide the others
            from .rules.internal_error import InternalError

            return [InternalError.at(path, span, f"rule {rule.code} ({rule.name}) failed: {type(err).__name__}: {err}", model)]
        return [self._severity(d) for d in found]

    def _severity(self, d: Diagnostic) -> Diagnostic:
        severity = self.config.severity_of(d.code, d.severity)
        return d if severity == d.severity else dataclasses.replace(d, severity=severity)

    def _input_shapes(self, path: str) -> Dict[str, Tuple[Any, ...]]:
        """``input-shapes`` entries that apply to ``path``, keyed both ``path::Model`` (as the
        path is spelled in this run) and ``Model``."""
        shapes = self.config.input_shapes
        if not shapes:
            return {}
        here = os.path.abspath(path)
        out: Dict[str, Tuple[Any, ...]] = {}
        for key, shape in shapes.items():
            if "::" not in key:
                out.setdefault(key, shape)
                continue
            where, model = key.rsplit("::", 1)
            if os.path.abspath(os.path.join(self.config.root, where)) == here:
                out[f"{path}::{model}"] = shape
                out[model] = shape
        return out


def drop_repeats(diagnostics: List[Diagnostic]) -> List[Diagnostic]:
    """One copy of a message said twice at one place: a layer inside a named sub-model (an
    autoencoder's ``decoder``) is checked in that model and in the model that calls it, and its
    error is one error."""
    seen: set = set()
    out: List[Diagnostic] = []
    for d in diagnostics:
        key = (d.code, d.line, d.column, d.end_line, d.end_column, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def drop_subsumed(diagnostics: List[Diagnostic], precedence: Mapping[str, int]) -> List[Diagnostic]:
    """One message per cause: of the diagnostics of one file that share a ``cause``, keep those
    whose rule (by code) has the highest ``precedence``; diagnostics without a cause all stay.

    E.g. a value the front end could not resolve (CL902) that was a layer argument is said once,
    by the engine's CL906 naming the argument; a model without an input shape once, by CL904.
    """

    def rank(d: Diagnostic) -> int:
        return precedence.get(d.code, 0)

    best: Dict[Hashable, int] = {}
    for d in diagnostics:
        if d.cause is not None:
            best[d.cause] = max(best.get(d.cause, rank(d)), rank(d))
    return [d for d in diagnostics if d.cause is None or rank(d) >= best[d.cause]]


def _shift(outcome: FileOutcome, original: Any) -> None:
    """Lines of a reduced big file -> the file's own lines, for diagnostics and models."""

    def span(s: Span) -> Span:
        return Span(original(s.line), s.column, None if s.end_line is None else original(s.end_line), s.end_column)

    outcome.diagnostics = [
        dataclasses.replace(d, line=original(d.line), end_line=None if d.end_line is None else original(d.end_line),
                            related=tuple(dataclasses.replace(r, line=original(r.line)) for r in d.related))
        for d in outcome.diagnostics
    ]
    for shaped in outcome.models:
        model = shaped.model
        model.span = span(model.span)
        if model.stop is not None and model.stop.span is not None:
            model.stop = dataclasses.replace(model.stop, span=span(model.stop.span))
        for node in model.nodes:
            node.span = span(node.span)
            if node.applied is not None:
                node.applied = span(node.applied)


def _relocate(outcome: FileOutcome, nb: Any) -> None:
    """Joined-notebook lines -> (cell, line within cell), for diagnostics and models."""

    def span(s: Span) -> Tuple[int, Span]:
        cell, line = nb.locate(s.line)
        end = None if s.end_line is None else s.end_line - (s.line - line)
        return cell, Span(line, s.column, end, s.end_column)

    def diagnostic(d: Diagnostic) -> Diagnostic:
        cell, s = span(Span(d.line, d.column, d.end_line, d.end_column))
        fix = d.fix
        if fix is not None and fix.edits:
            edits = []
            for e in fix.edits:
                at, es = span(Span(e.line, e.column, e.end_line, e.end_column))
                edits.append(dataclasses.replace(e, line=es.line, end_line=es.end_line, cell=at))
            fix = fix.with_edits(tuple(edits))
        related = tuple(dataclasses.replace(r, cell=c, line=rs.line) for r in d.related for c, rs in [span(Span(r.line, r.column))])
        return dataclasses.replace(d, cell=cell, line=s.line, end_line=s.end_line, fix=fix, related=related)

    outcome.diagnostics = [diagnostic(d) for d in outcome.diagnostics]
    for shaped in outcome.models:
        model = shaped.model
        model.cell, model.span = span(model.span)
        if model.stop is not None and model.stop.span is not None:
            cell, at = span(model.stop.span)
            model.stop = dataclasses.replace(model.stop, span=at, cell=cell)
        for node in model.nodes:  # (``node.applied`` is read by the engine and rules only, before this)
            cell, node.span = span(node.span)
            node.cell = cell


# -- many files ---------------------------------------------------------------------------------
_WORKER: Optional[Checker] = None


def _init_worker(checker: Checker) -> None:
    global _WORKER
    _WORKER = checker


def _work(item: Tuple[str, bytes]) -> FileOutcome:
    assert _WORKER is not None
    return _portable(_WORKER.check_bytes(*item))


def _portable(outcome: FileOutcome) -> FileOutcome:
    """The outcome without what renderers never read and may not pickle (layer specs and their
    normalised attributes can hold a plugin's local functions)."""
    for shaped in outcome.models:
        shaped.layers = [dataclasses.replace(r, spec=None, attrs=None) for r in shaped.layers]
    return outcome


def _isolated(checker: Checker, items: List[Tuple[str, bytes]], jobs: int) -> List[FileOutcome]:
    """Each file checked in a worker process; a worker that dies fails its own file only."""
    from .pool import Died, Failed, isolated_map

    # fork shares the loaded checker (plugins, catalogue) with the workers for free; where fork
    # is unavailable the checker is pickled to each worker instead.
    items = sorted(items, key=lambda it: -len(it[1]))  # big files first: better balance
    out: List[FileOutcome] = []
    for item, result in zip(items, isolated_map(_work, items, jobs, _init_worker, (checker,))):
        if isinstance(result, Died):
            out.append(checker.died(item[0], result))
        elif isinstance(result, Failed) and isinstance(result.error, MemoryError):
            out.append(checker.out_of_memory(item[0]))
        elif isinstance(result, Failed):  # the result could not cross the process boundary: redo it here
            out.append(checker.check_bytes(*item))
        else:
            out.append(result)
    return out


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def effective_jobs(requested: Optional[int], files: int) -> int:
    """Worker processes for ``files`` files: as asked (default: one per core), but never more
    than the cores or the files (``-j 200`` on 2 cores made 200 processes fight: 34 s instead
    of 0.95 s)."""
    cores = default_jobs()
    jobs = cores if requested is None or requested < 1 else min(requested, cores)
    return max(1, min(jobs, files))


def run(
    paths: Sequence[str],
    config: Config,
    checker: Checker,
    jobs: Optional[int] = None,
    force_exclude: bool = False,
    cache: Optional[Any] = None,
) -> Report:
    """Check ``paths`` and return the sorted report.  Raises ``FileNotFoundError`` for a path
    that does not exist (a usage error).  ``cache`` is a :class:`~convlint.cache.Cache`."""
    files, skipped = find_files(paths, config.exclude, config.root, force_exclude)
    outcomes: List[FileOutcome] = [checker.skipped(path, reason) for path, reason in skipped]
    items: List[Tuple[str, bytes]] = []
    keys: Dict[str, str] = {}
    for path in files:
        try:
            data = read_regular(path)  # never blocks on a FIFO swapped in since discovery
        except OSError as err:
            outcomes.append(checker.unreadable(path, err))
            continue
        if not maybe_model(data):
            continue
        if cache is not None:
            keys[path] = key = cache.key(path, data)
            hit = cache.get(key)
            if isinstance(hit, FileOutcome) and still_valid(hit):
                outcomes.append(hit)
                continue
        items.append((path, data))
    jobs = effective_jobs(jobs, len(items))
    parallel = jobs > 1 and sum(len(d) for _, d in items) >= PARALLEL_MIN_BYTES
    if items and (parallel or any(len(d) > ISOLATE_BYTES for _, d in items)):
        checker.catalogue  # build it once, before forking
        try:
            fresh = _isolated(checker, items, jobs)
        except Exception:  # workers cannot start here: do it in-process
            fresh = [checker.check_bytes(path, data) for path, data in items]
    else:
        fresh = [checker.check_bytes(path, data) for path, data in items]
    for outcome in fresh:
        if cache is not None and not outcome.internal_error and not outcome.transient:
            cache.put(keys[outcome.path], _portable(outcome))
    outcomes.extend(fresh)
    return build_report(len(files), outcomes)


def build_report(files_checked: int, outcomes: Iterable[FileOutcome]) -> Report:
    report = Report(files_checked=files_checked)
    for outcome in outcomes:
        report.models.extend(outcome.models)
        report.diagnostics.extend(outcome.diagnostics)
        report.internal_error = report.internal_error or outcome.internal_error
    report.models.sort(key=lambda m: (m.model.path, m.model.cell or 0, m.model.span.line, m.model.span.column))
    # A layer built by a helper called in a loop yields the same diagnostic once per call; say it once.
    report.diagnostics = sorted(dict.fromkeys(report.diagnostics), key=sort_key)
    return report
