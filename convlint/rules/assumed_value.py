"""CL907 assumed-value: a value convlint took from a declaration, not from the run."""

from __future__ import annotations

from . import NoteRule


class AssumedValue(NoteRule):
    """## What it does
    Says where convlint used a value the code declares but a run may change: the defaults of
    command-line options (``parser.add_argument("--nz", type=int, default=100)`` then
    ``opt.nz``).  The model is checked as a plain ``python train.py`` would build it.

    ## Why is this bad?
    It is not a bug in your code; the shapes and counts reported hold for those defaults, and
    a run with other options builds another model.
    """

    code = "CL907"
    name = "assumed-value"
    severity = "info"
    kind = "assumed"

    VALID = (
        """\
import torch
import torch.nn as nn

NZ = 100
net = nn.Sequential(nn.Linear(NZ, 64))
""",
    )
    INVALID = (
        """\
import argparse

import torch
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--nz", type=int, default=100)
opt = parser.parse_args()
net = nn.Sequential(nn.Linear(opt.nz, 64))
""",
    )
