"""The values the abstract interpreter computes with, for every framework alike.

Plain Python constants (ints, floats, strings, tuples, lists, dicts) stand for themselves; a
symbolic size is a :class:`~convlint.dims.Expr`; what cannot be known is an
:class:`~convlint.graph.Unknown` carrying the reason.  Everything else the code defines or
imports gets a value of its own here: functions with the scope they close over, classes with
their namespace, instances with their attributes, imported names not read from disk.  A
framework's own objects (layers, tensors, models) are its semantics' business; the core only
passes them around.

The interpreter's own objects (functions, classes, instances...) are plain classes: they are
compared by identity and never printed, so a dataclass would only add its cost at start-up
(Python 3.11 compiles each generated method: about 2M instructions a class, where a plain
class costs 0.1M).  The value types compared by value (:class:`QualName`, the unknowns)
stay frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Tuple

import libcst as cst

from ...graph import Unknown

if TYPE_CHECKING:  # pragma: no cover
    from .modules import ModuleInfo
    from .scope import Scope

__all__ = [
    "Unknown",
    "FreeParam",
    "Undecided",
    "QualName",
    "FuncVal",
    "ClassVal",
    "Instance",
    "BoundMethod",
    "SuperVal",
    "Partial",
    "ModuleVal",
    "Record",
    "ArgParser",
    "ConstArray",
    "LazyImport",
    "NOT_HANDLED",
    "is_plain",
]


class _NotHandled:
    def __repr__(self) -> str:
        return "NOT_HANDLED"


NOT_HANDLED: Any = _NotHandled()
"""What a semantics hook returns for something it does not model (the core then goes on)."""


@dataclass(frozen=True)
class FreeParam(Unknown):
    """A function parameter with neither an argument nor a default: unknown as a value, but
    where the code clearly passes a size (``Dense(units)``) a front end may use the symbol
    ``name`` instead."""

    name: str = ""


@dataclass(frozen=True)
class Undecided(Unknown):
    """A value that control flow convlint could not decide may have changed; that flow was
    reported where it stands, so what follows from this value needs no second note."""


@dataclass(frozen=True)
class QualName:
    """An imported name (or an attribute of one) that is not read from disk:
    ``torch.nn.Conv2d``, ``keras.layers.Dense``, ``numpy.zeros``."""

    name: str

    def attr(self, attr: str) -> "QualName":
        return QualName(f"{self.name}.{attr}")


class FuncVal:
    """A function or method defined in the code: its ``def``, the scope it closes over, the
    class it was defined in (for ``super()``) and the module it lives in."""

    def __init__(
        self, node: cst.FunctionDef, scope: "Scope", owner: Optional["ClassVal"] = None,
        module: Optional["ModuleInfo"] = None, kind: str = "function",
    ) -> None:
        self.node = node
        self.scope = scope
        self.owner = owner
        self.module = module
        self.kind = kind
        """``function``, ``staticmethod``, ``classmethod`` or ``property``."""

    @property
    def name(self) -> str:
        return self.node.name.value


class ClassVal:
    """A class defined in the code: its namespace (methods, class attributes), its bases
    (local classes or imported names) and ``kind``, the framework's word for it (``None`` for
    a plain class; ``"torch.module"``, ``"keras.model"``...)."""

    def __init__(
        self, name: str, node: cst.ClassDef, bases: List[Any], namespace: Optional[Dict[str, Any]] = None,
        kind: Optional[str] = None, module: Optional["ModuleInfo"] = None, decorators: Tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.node = node
        self.bases = bases
        self.namespace: Dict[str, Any] = {} if namespace is None else namespace
        self.kind = kind
        self.module = module
        self.decorators = decorators

    def mro(self) -> Iterator["ClassVal"]:
        """This class, then its local bases depth-first (enough for model code)."""
        seen: set = set()
        stack: List[ClassVal] = [self]
        while stack:
            cls = stack.pop(0)
            if id(cls) in seen:
                continue
            seen.add(id(cls))
            yield cls
            stack[0:0] = [b for b in cls.bases if isinstance(b, ClassVal)]

    def find(self, attr: str) -> Optional[Tuple[Any, "ClassVal"]]:
        """The value of ``attr`` in the class namespace (searching the bases) and its owner."""
        for cls in self.mro():
            if attr in cls.namespace:
                return cls.namespace[attr], cls
        return None

    def method(self, name: str) -> Optional[FuncVal]:
        found = self.find(name)
        return found[0] if found is not None and isinstance(found[0], FuncVal) else None

    def qual_bases(self) -> Iterator[str]:
        """Every imported base class name, through the local bases."""
        for cls in self.mro():
            for b in cls.bases:
                if isinstance(b, QualName):
                    yield b.name

    def subclass_of(self, other: "ClassVal") -> bool:
        return any(c is other for c in self.mro())


class Instance:
    """An instance of a class defined in the code: the attributes its methods set.
    ``ext`` holds what a framework's semantics records about it (its input shape, its
    attribute path, the layers of an ``nn.Sequential`` subclass...)."""

    def __init__(self, cls: ClassVal, attrs: Optional[Dict[str, Any]] = None, ext: Optional[Dict[str, Any]] = None) -> None:
        self.cls = cls
        self.attrs: Dict[str, Any] = {} if attrs is None else attrs
        self.ext: Dict[str, Any] = {} if ext is None else ext


class BoundMethod:
    """``obj.method``: a method of the code (``func`` a :class:`FuncVal`), or a method of a
    built-in or framework value (``func`` its name)."""

    def __init__(self, self_obj: Any, func: Any) -> None:
        self.self_obj = self_obj
        self.func = func


class SuperVal:
    """``super()`` inside a method of ``cls``, on ``self_obj``."""

    def __init__(self, cls: ClassVal, self_obj: Any) -> None:
        self.cls = cls
        self.self_obj = self_obj


class Partial:
    """``functools.partial(func, *args, **kwargs)``: calling it calls ``func`` with these
    arguments first."""

    def __init__(self, func: Any, args: Tuple[Any, ...] = (), kwargs: Optional[Dict[str, Any]] = None) -> None:
        self.func = func
        self.args = args
        self.kwargs: Dict[str, Any] = {} if kwargs is None else kwargs


class ModuleVal:
    """A module of the project read from disk (never imported): its top-level names."""

    def __init__(self, name: str, info: "ModuleInfo") -> None:
        self.name = name
        self.info = info


class Record:
    """An object that is only its attributes: ``types.SimpleNamespace(...)``, the namespace
    ``argparse`` returns, an ``EasyDict``-style config."""

    def __init__(self, kind: str, attrs: Optional[Dict[str, Any]] = None, assumed: bool = False) -> None:
        self.kind = kind
        self.attrs: Dict[str, Any] = {} if attrs is None else attrs
        self.assumed = assumed
        """True when the values are declared defaults (a command line may change them)."""


@dataclass(frozen=True)
class ConstArray:
    """A 1-D array of constants (``np.linspace(0, rate, n)``, ``torch.arange(4)``): items and
    elementwise arithmetic, as NumPy and PyTorch compute them, never list concatenation."""

    values: Tuple[Any, ...]


class ArgParser:
    """``argparse.ArgumentParser()``: the options declared so far and their defaults."""

    def __init__(self, defaults: Optional[Dict[str, Any]] = None) -> None:
        self.defaults: Dict[str, Any] = {} if defaults is None else defaults


class LazyImport:
    """A name imported from a project module, read only when it is first used: model files
    import far more than a model needs (torchvision's weight enums pull in its transforms), and
    parsing is the expensive part.  The interpreter forces it wherever a value is used."""

    def __init__(
        self, path: str, module: str, name: Optional[str], relative: bool, written: str,
        value: Any = None, forced: bool = False,
    ) -> None:
        self.path = path
        self.module = module
        self.name = name
        """The imported attribute, or ``None`` for the module itself (``import pkg.blocks as b``)."""
        self.relative = relative
        self.written = written
        self.value = value
        self.forced = forced


_PLAIN = (int, float, str, bool, type(None), range, bytes)


def is_plain(v: Any) -> bool:
    """A Python constant (or a container of constants) whose operators and truth value can be
    used as Python would: not an Unknown, not a symbol, not an object."""
    if isinstance(v, (tuple, list)):
        return all(is_plain(x) for x in v)
    if isinstance(v, dict):
        return all(is_plain(k) and is_plain(x) for k, x in v.items())
    return isinstance(v, _PLAIN)
