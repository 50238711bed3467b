"""Front ends: Python source -> ``ModelGraph``s, without importing or running it.

The file is parsed once with libcst (after Python's own parser has checked that libcst's native
parser can take it: ``python/guard.py``); each framework's extractor walks the same module.
A syntax error, a source past the guard's limits, or a construct an extractor does not
understand becomes a :class:`FileNote` (shown as a CL9xx diagnostic), never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..graph import ModelGraph, Span
from ..source_lines import split_lines

__all__ = ["FileNote", "FileResult", "FrontendOptions", "analyze_source"]


@dataclass(frozen=True)
class FileNote:
    """Could-not-analyse information about a file or a model.

    ``kind``: ``syntax-error`` (file did not parse), ``unresolved`` (a value could not be
    folded), ``unsupported`` (a construct the front end does not follow), ``no-input-shape``,
    ``resource-limit`` (past a limit of convlint's: too deep, too big, out of memory),
    ``internal`` (a front-end bug, reported instead of raised).
    """

    kind: str
    message: str
    span: Span
    model: Optional[str] = None
    cause: Any = None
    """A :class:`~convlint.graph.Cause`, so the runner reports it once with the engine's
    findings about the same cause (``unresolved_cause`` / ``input_shape_cause``)."""
    fix: Any = None
    """A :class:`~convlint.edits.Fix` proposed where the front end, which reads the call, knows
    the one repair (a ``legacy`` note's Keras 3 spelling); its rule reports it with the note."""


@dataclass
class FileResult:
    path: str
    models: List[ModelGraph] = field(default_factory=list)
    notes: List[FileNote] = field(default_factory=list)
    dependencies: List[str] = field(default_factory=list)
    """The project modules read to analyse this file (a change there changes the result)."""


@dataclass(frozen=True)
class FrontendOptions:
    """What the front ends may use besides the source.

    ``input_shapes`` maps ``"path::Model"`` or ``"Model"`` to a shape *without* the batch dim,
    for models that declare none (from ``[tool.convlint] input-shapes``).
    """

    input_shapes: Dict[str, Tuple[Any, ...]] = field(default_factory=dict)
    follow_imports: bool = True
    """Read the project modules a file imports (``from .blocks import conv_block``)."""
    catalogue: Any = None
    """The run's layer catalogue (with plugin layers), for the size query; ``None``: the
    built-in one."""
    read: Optional[List[str]] = None
    """Where the front ends list the project modules they read (``analyze_source`` sets it)."""
    unread: Optional[str] = None
    """Why the end of the source was not given (a big file past its reading budget): the models
    built before it may lack what the rest would add."""
    parse: Optional[Any] = None
    """How the file is parsed, a :class:`~convlint.frontend.python.parser.SourceParser` (default:
    the whole text at once): an editor re-parsing one buffer on every keystroke passes one that
    reuses the unchanged statements' trees and positions."""
    implied: Dict[str, str] = field(default_factory=dict)
    """Framework names the file uses without importing them (``Conv2D`` ->
    ``keras.layers.Conv2D``), as :mod:`convlint.frontend.implied` decides; ``analyze_source``
    sets it, and the file is read as if it imported them."""

    def positions(self, module: Any, source: str) -> Any:
        """The position index of the file's module, from its parser (shared by the front ends)."""
        from .python.parser import WholeFileParser

        return (self.parse or WholeFileParser()).positions(module, source)


def analyze_source(source: str, path: str, options: Optional[FrontendOptions] = None) -> FileResult:
    """Every model in ``source``; never raises for bad input."""
    import dataclasses

    from .python.guard import forget
    from .python.parser import WholeFileParser

    result = FileResult(path)
    options = options or FrontendOptions()
    options = dataclasses.replace(options, read=result.dependencies, parse=options.parse or WholeFileParser())
    refused = options.parse.refusal(source)
    if refused is not None:
        forget()
        result.notes.append(FileNote(refused.kind, refused.message, Span(refused.line, refused.column)))
        return result
    try:
        return _analyze(source, path, options, result)
    finally:
        forget()


def _analyze(source: str, path: str, options: FrontendOptions, result: FileResult) -> FileResult:
    import dataclasses

    import libcst as cst

    try:
        module = options.parse(source)
    except cst.ParserSyntaxError as err:
        result.notes.append(_syntax_note(source, path, err))
        return result
    except Exception as err:  # libcst can raise other errors on odd input (e.g. bad encodings)
        result.notes.append(FileNote("syntax-error", f"cannot parse this file: {err}", Span(1, 1)))
        return result

    implied = _implied(source, options.catalogue)
    if implied.names:
        options = dataclasses.replace(options, implied=implied.names)
        result.notes.append(FileNote("implied", implied.message(), Span(implied.line, 1)))
    for name, extractor in _extractors(source, implied.frameworks()):
        try:
            models, notes = extractor(module, source, path, options)
        except Exception as err:  # an extractor bug must not stop the run, nor pass silently
            result.notes.append(
                FileNote("internal", f"internal error in the {name} front end ({type(err).__name__}: {err}); please report it", Span(1, 1))
            )
            continue
        result.models.extend(models)
        result.notes.extend(notes)
    result.models.sort(key=lambda m: (m.span.line, m.span.column))
    _read_budgets(source, result)
    return result


def _read_budgets(source: str, result: FileResult) -> None:
    """Each model's ``# convlint: max-...=`` comment; a malformed one is a note, not applied."""
    if "convlint:" not in source:
        return
    from .pragmas import declared_budgets

    lines = split_lines(source)
    for model in result.models:
        model.budgets, problems = declared_budgets(lines, model.span.line, model.name)
        result.notes.extend(FileNote("unsupported", p, model.span, model.name) for p in problems)


def _syntax_note(source: str, path: str, err: Any) -> FileNote:
    """Python's own wording and position for a syntax error (libcst reports the token after it).

    ``compile(..., PyCF_ONLY_AST)`` only parses; nothing is executed.
    """
    import ast

    try:
        compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as py_err:
        if py_err.lineno:
            return FileNote(
                "syntax-error", f"cannot parse this file: {py_err.msg}", Span(py_err.lineno, max(py_err.offset or 1, 1))
            )
    except (ValueError, RecursionError, MemoryError):
        pass
    return FileNote("syntax-error", f"cannot parse this file: {err.message}", Span(err.raw_line, err.raw_column + 1))


def _implied(source: str, catalogue: Any) -> Any:
    """The framework names the file uses without importing them (see :mod:`.implied`)."""
    from ..layers import default_catalogue
    from .implied import implied_imports

    cat = catalogue if catalogue is not None else default_catalogue()
    return implied_imports(source, cat.names("keras"), cat.names("torch"))


def _extractors(source: str, implied: Sequence[str] = ()) -> List[Tuple[str, Callable[..., Any]]]:
    """The front ends this source can concern, imported only when needed.

    A file that never mentions ``torch`` cannot build a PyTorch model (every name resolves
    through its own imports or the names it leaves unimported), so the PyTorch front end is not
    even imported for it; likewise for Keras.  This keeps a one-file run near the interpreter +
    libcst floor.
    """
    out: List[Tuple[str, Callable[..., Any]]] = []
    if "keras" in source or "keras" in implied:
        from .keras import extract as keras_extract

        out.append(("Keras", keras_extract))
    if "torch" in source or "torch" in implied:
        from .torch import extract as torch_extract

        out.append(("PyTorch", torch_extract))
    return out
