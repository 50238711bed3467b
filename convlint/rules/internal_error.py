"""CL999 internal-error: convlint itself failed on part of a file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..diagnostics import Diagnostic
from . import FindingRule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..frontend import FileResult


class InternalError(FindingRule):
    """## What it does
    Reports a failure inside convlint (a bug) while checking a file or a layer.  The run goes
    on with the other files and exits with status 2 at the end.

    ## Why is this bad?
    It is a bug in convlint, not in your code: please report it with the message.
    """

    code = "CL999"
    name = "internal-error"
    severity = "info"
    kind = "internal"

    def check_file(self, result: "FileResult", config: "Config") -> Iterator[Diagnostic]:
        for note in result.notes:
            if note.kind == "internal":
                yield self.at(result.path, note.span, note.message, note.model)
