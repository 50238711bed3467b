"""CL304 uncalled-layer: a PyTorch submodule with parameters that ``forward`` never calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..diagnostics import Diagnostic
from ..dims import is_known
from . import Rule

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..engine import ShapedModel


class UncalledLayer(Rule):
    """## What it does
    Reports a layer with parameters that a ``nn.Module`` registers in ``__init__`` but its
    ``forward`` never calls (read in the mode the module is in: a new module trains).

    ## Why is this bad?
    It is usually a forgotten line: ``self.bn2`` built but not applied, so the network is not
    the one the author meant and nothing fails.  Even when it is deliberate, its weights still
    count in ``model.parameters()``, in the optimizer, in the checkpoint and in memory, while
    never being trained.

    ## Use instead
    Call it where it belongs, or delete it (or build it only when a flag asks for it).
    """

    code = "CL304"
    name = "uncalled-layer"
    severity = "warning"
    VALID = (
        """\
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))
""",
    )
    INVALID = (
        """\
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)

    def forward(self, x):
        return torch.relu(self.conv(x))
""",
    )

    def check(self, model: "ShapedModel", config: "Config") -> Iterator[Diagnostic]:
        m = model.model
        for r in model.layers:
            if r.node.called is not False or r.params == 0 or r.node.type == "Parameter":
                continue  # an nn.Parameter is read, not called: forward may well use it; a module
                # forward did not reach (``called is None``) may be called past where it stopped
            holds = f"its {r.params:,} parameters" if is_known(r.params) else "its parameters"
            yield self.at(
                m.path,
                r.node.span,
                f"{r.node.display_type} '{r.node.name or r.node.id}' is registered but forward never calls it; "
                f"{holds} still count in model.parameters() and are never trained",
                m.name,
                m.cell,
            )
