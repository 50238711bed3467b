"""The values the PyTorch front end's abstract interpreter computes with.

Besides plain Python constants (ints, strings, tuples, lists, dicts) and
:class:`~convlint.graph.Unknown`, evaluating model code yields module objects (what
``nn.Conv2d(...)``, ``nn.Sequential(...)`` or a local ``nn.Module`` subclass construct),
tensors (a graph node, or a factory call such as ``torch.randn(1, 3, 32, 32)`` whose shape is
known) and references to names the interpreter can call.  Module objects are mutable on
purpose: ``__init__`` code assigns attributes and appends to lists, as Python would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import libcst as cst

from ..graph import Unknown

__all__ = [
    "QualName",
    "TensorVal",
    "SizeVal",
    "ShapeVal",
    "ParamVal",
    "ModuleObj",
    "ContainerObj",
    "UserObj",
    "ClassVal",
    "FuncVal",
    "BoundMethod",
    "SuperVal",
    "is_module",
    "UNKNOWN_TENSOR",
]


@dataclass(frozen=True)
class QualName:
    """An imported name (or an attribute of one), e.g. ``torch.nn.Conv2d``, not called yet."""

    name: str

    def attr(self, attr: str) -> "QualName":
        return QualName(f"{self.name}.{attr}")


@dataclass(eq=False)
class TensorVal:
    """A tensor flowing through the model.

    ``node`` is the graph node producing it, or an id starting with ``?`` when its shape is
    unknown (the engine treats an input id it has no result for as unknown).  ``shape`` is set
    for tensors made by a factory call (``torch.rand(10, 1024)``), batch included.
    """

    node: Optional[str] = None
    shape: Optional[Tuple[Any, ...]] = None
    reason: str = ""
    derived: bool = False
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


@dataclass(eq=False)
class SizeVal:
    """``x.size(i)`` / ``x.shape[i]``: meaningful inside ``x.view(...)`` as ``SizeOf(i)``."""

    tensor: TensorVal
    axis: int


@dataclass(eq=False)
class ShapeVal:
    """``x.size()`` / ``x.shape``: only indexing it is followed."""

    tensor: TensorVal


@dataclass(eq=False)
class ParamVal:
    """``nn.Parameter(torch.randn(*shape))``; used by ``F.conv2d(x, self.weight)``."""

    shape: Optional[Tuple[Any, ...]]
    path: Optional[str] = None


@dataclass(eq=False)
class ModuleObj:
    """A ``torch.nn`` layer instance: its class name and folded constructor arguments."""

    type: str
    args: Tuple[Any, ...]
    kwargs: Dict[str, Any]
    call: cst.Call
    path: Optional[str] = None


@dataclass(eq=False)
class ContainerObj:
    """``nn.Sequential`` (``kind="Sequential"``), ``nn.ModuleList`` or ``nn.ModuleDict``."""

    kind: str
    items: List[Tuple[str, Any]] = field(default_factory=list)
    call: Optional[cst.Call] = None
    path: Optional[str] = None

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


def torch_base(cls: "ClassVal") -> Optional[str]:
    """The ``torch.nn`` class a local class derives from (through local bases), if any."""
    for base in cls.bases:
        if isinstance(base, QualName) and base.name.startswith("torch.nn."):
            return base.name.rsplit(".", 1)[-1]
        if isinstance(base, ClassVal):
            found = torch_base(base)
            if found is not None:
                return found
    return None


@dataclass(eq=False)
class ClassVal:
    """A class defined in this file."""

    name: str
    node: cst.ClassDef
    bases: List[Any]
    is_module: bool

    def find_owner(self, attr: str) -> Optional[Tuple[Any, "ClassVal"]]:
        """A method (``cst.FunctionDef``) or a class-body assignment's value node, and the class
        defining it, searching the bases in order (single-inheritance MRO is enough here)."""
        for stmt in self.node.body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == attr:
                return stmt, self
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Assign):
                        for t in small.targets:
                            if isinstance(t.target, cst.Name) and t.target.value == attr:
                                return small.value, self
                    elif isinstance(small, cst.AnnAssign) and small.value is not None:
                        if isinstance(small.target, cst.Name) and small.target.value == attr:
                            return small.value, self
        for base in self.bases:
            if isinstance(base, ClassVal):
                found = base.find_owner(attr)
                if found is not None:
                    return found
        return None


@dataclass(eq=False)
class UserObj:
    """An instance of a local class (usually an ``nn.Module`` subclass)."""

    cls: ClassVal
    attrs: Dict[str, Any] = field(default_factory=dict)
    path: Optional[str] = None
    seq: Optional["ContainerObj"] = None
    """For a subclass of ``nn.Sequential``: the layers ``super().__init__(...)`` was given."""


@dataclass(eq=False)
class FuncVal:
    """A function defined in this file (module level or a method, unbound)."""

    node: cst.FunctionDef
    owner: Optional[ClassVal] = None


@dataclass(eq=False)
class BoundMethod:
    """``obj.method`` for a method defined in the file, or a builtin method of a value."""

    self_obj: Any
    func: Any  # FuncVal, or the method name (str) for built-in values


@dataclass(eq=False)
class SuperVal:
    """``super()`` inside a method of ``cls``."""

    cls: ClassVal
    self_obj: Any


def is_module(value: Any) -> bool:
    """True for anything PyTorch registers as a submodule."""
    return isinstance(value, (ModuleObj, ContainerObj)) or (isinstance(value, UserObj) and value.cls.is_module)
