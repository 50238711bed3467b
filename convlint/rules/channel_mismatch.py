"""CL103 channel-mismatch: a layer's declared input size disagrees with what it receives."""

from __future__ import annotations

from . import FindingRule


class ChannelMismatch(FindingRule):
    """## What it does
    Reports a layer whose declared input size (``in_channels``, ``in_features``,
    ``num_features``) does not match the tensor it receives, or a shared layer reused on an
    input its weights cannot fit.  The message names the value that would fit.

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
