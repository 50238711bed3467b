"""CL103 channel-mismatch: a layer's declared input size disagrees with what it receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..diagnostics import Diagnostic
from . import FindingRule
from .fixes import channel_fix

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import ShapedModel


class ChannelMismatch(FindingRule):
    """## What it does
    Reports a layer whose declared input size (``in_channels``, ``in_features``,
    ``num_features``) does not match the tensor it receives, or a shared layer reused on an
    input its weights cannot fit.  The message names the value that would fit, and the fix
    sets it (a ``Linear`` whose ``in_features`` is the whole size of the feature map it meets
    gets a flatten before it instead).

    ## Why is this bad?
    PyTorch raises ``RuntimeError: mat1 and mat2 shapes cannot be multiplied`` (or a
    convolution weight error) at the first forward pass.
    """

    code = "CL103"
    name = "channel-mismatch"
    severity = "error"
    kind = "channel-mismatch"
    VALID = (
        """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3)
        self.conv2 = nn.Conv2d(16, 32, 3)

    def forward(self, x):
        return self.conv2(self.conv1(x))
""",
    )
    INVALID = (
        """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3)
        self.conv2 = nn.Conv2d(32, 32, 3)

    def forward(self, x):
        return self.conv2(self.conv1(x))
""",
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        for finding in model.findings:
            if finding.kind == self.kind:
                fix = channel_fix(model, finding)
                yield self.reported(model, finding, fix)
