"""PyTorch's own values: what the interpreter hands the PyTorch semantics.

Module objects (what ``nn.Conv2d(...)`` or ``nn.Sequential(...)`` construct; an instance of an
``nn.Module`` subclass of the code is the core's :class:`~convlint.frontend.python.values.Instance`
with ``kind == "torch.module"``), tensors (a graph node, or a factory call such as
``torch.randn(1, 3, 32, 32)`` whose shape is known), sizes read off them, and parameters.
Module objects are mutable on purpose: ``__init__`` code assigns attributes and appends to
lists, as Python would.  All are plain classes compared by identity, as the core's objects are
(a dataclass would add only its start-up cost; see :mod:`convlint.frontend.python.values`).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import libcst as cst

from ...graph import Unknown
from ..python.values import ClassVal, Instance

__all__ = [
    "TensorVal",
    "SizeVal",
    "ShapeVal",
    "ParamVal",
    "ModuleObj",
    "ContainerObj",
    "is_module",
    "torch_base",
    "UNKNOWN_TENSOR",
]


class TensorVal:
    """A tensor flowing through the model.

    ``node`` is the graph node producing it, or an id starting with ``?`` when its shape is
    unknown (the engine treats an input id it has no result for as unknown).  ``shape`` is set
    for tensors made by a factory call (``torch.rand(10, 1024)``), batch included.
    """

    def __init__(
        self, node: Optional[str] = None, shape: Optional[Tuple[Any, ...]] = None, reason: str = "", derived: bool = False,
    ) -> None:
        self.node = node
        self.shape = shape
        self.reason = reason
        self.derived = derived
        """True when every tensor it was computed from had an unknown shape: its node exists, but
        its shape is unknown too, and the construct to blame has already been reported."""

    @property
    def known(self) -> bool:
        return self.node is not None and not self.node.startswith("?")

    @property
    def informative(self) -> bool:
        """A tensor whose shape the engine may know (worth a note when it is lost)."""
        return (self.known and not self.derived) or (self.node is None and self.shape is not None)


def UNKNOWN_TENSOR(reason: str) -> TensorVal:
    """A tensor whose shape cannot be followed from here on."""
    return TensorVal("?" + reason, None, reason)


class SizeVal:
    """``x.size(i)`` / ``x.shape[i]``: meaningful inside ``x.view(...)`` as ``SizeOf(i)``."""

    def __init__(self, tensor: TensorVal, axis: int) -> None:
        self.tensor = tensor
        self.axis = axis


class ShapeVal:
    """``x.size()`` / ``x.shape``: only indexing it is followed."""

    def __init__(self, tensor: TensorVal) -> None:
        self.tensor = tensor


class ParamVal:
    """``nn.Parameter(torch.randn(*shape))``; used by ``F.conv2d(x, self.weight)``."""

    def __init__(self, shape: Optional[Tuple[Any, ...]], path: Optional[str] = None, span: Any = None) -> None:
        self.shape = shape
        self.path = path
        self.span = span


class ModuleObj:
    """A ``torch.nn`` layer instance: its class name and folded constructor arguments."""

    def __init__(
        self, type: str, args: Tuple[Any, ...], kwargs: Dict[str, Any], call: cst.Call, path: Optional[str] = None,
        span: Any = None,
    ) -> None:
        self.type = type
        self.args = args
        self.kwargs = kwargs
        self.call = call
        self.path = path
        self.span = span
        """Where it was constructed, as reported (taken when it is built: the constructor may be
        in a project module called from this file)."""


class ContainerObj:
    """``nn.Sequential`` (``kind="Sequential"``), ``nn.ModuleList`` or ``nn.ModuleDict``."""

    def __init__(
        self, kind: str, items: Optional[List[Tuple[str, Any]]] = None, call: Optional[cst.Call] = None,
        path: Optional[str] = None,
    ) -> None:
        self.kind = kind
        self.items: List[Tuple[str, Any]] = [] if items is None else items
        self.call = call
        self.path = path

    def values(self) -> List[Any]:
        return [v for _, v in self.items]

    def get(self, key: Any) -> Any:
        if self.kind == "ModuleDict":
            for k, v in self.items:
                if k == key:
                    return v
            return Unknown(f"ModuleDict has no key {key!r}")
        if isinstance(key, int) and not isinstance(key, bool) and -len(self.items) <= key < len(self.items):
            return self.items[key][1]
        return Unknown(f"{self.kind} index {key!r}")


def torch_base(cls: ClassVal) -> Optional[str]:
    """The ``torch.nn`` class a class of the code derives from (through its own bases)."""
    for name in cls.qual_bases():
        if name.startswith("torch.nn."):
            return name.rsplit(".", 1)[-1]
        if name.endswith(".LightningModule"):
            return "Module"
    return None


def is_module(value: Any) -> bool:
    """True for anything PyTorch registers as a submodule."""
    return isinstance(value, (ModuleObj, ContainerObj)) or (isinstance(value, Instance) and value.cls.kind == "torch.module")
