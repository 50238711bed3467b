"""CL906 unresolved-argument: a layer argument the shape depends on is not a static value."""

from __future__ import annotations

from . import FindingRule
from .unresolved import Unresolved


class UnresolvedArgument(FindingRule):
    """## What it does
    Reports a layer argument the output shape depends on (``kernel_size``, ``strides``, a
    target shape) that is computed at run time, so shapes after the layer are unknown.

    ## Why is this bad?
    It is not a bug in your code; it shows where checking stopped.
    """

    code = "CL906"
    name = "unresolved-argument"
    severity = "info"
    kind = "unknown-value"

    # The same source shows both: the front end notes the value (CL902), the engine the argument.
    VALID = Unresolved.VALID
    INVALID = Unresolved.INVALID
