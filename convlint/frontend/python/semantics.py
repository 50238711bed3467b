"""What a framework plugs into the interpreter: the meaning of its own names and objects.

The interpreter (``interp.py``) runs the Python that model code is written in; it knows
nothing of layers or tensors.  Whenever it meets an imported name it does not model, a value it
does not own, or a class it has just defined, it asks the framework's :class:`Semantics`.
Every hook has a default that says "not mine" (``NOT_HANDLED`` or ``None``), so a semantics
implements only what its framework needs.  The Keras and PyTorch semantics live in
``frontend/keras/`` and ``frontend/torch/``; neither knows the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

import libcst as cst

from .values import NOT_HANDLED, ClassVal, Instance

if TYPE_CHECKING:  # pragma: no cover
    from .interp import Interpreter

__all__ = ["Semantics", "FRAMEWORK_ROOTS"]

FRAMEWORK_ROOTS = frozenset(("torch", "keras", "tensorflow", "tf_keras", "keras_core", "jax", "numpy", "flax"))


class Semantics:
    """The framework-neutral default: nothing is a framework value."""

    ip: "Interpreter"

    def attach(self, ip: "Interpreter") -> None:
        self.ip = ip

    # -- state the interpreter asks about ----------------------------------------------------
    @property
    def building(self) -> bool:
        """True while a model's graph is being built from tensors (``forward``, ``call``): an
        undecided branch then runs with its tensors unknown instead of being skipped."""
        return False

    def owns(self, value: Any) -> bool:
        """Is ``value`` one of this framework's objects (a layer, a tensor, a model)?"""
        return False

    def reads_module(self, dotted: str) -> bool:
        """May the project module ``dotted`` be read from disk?  Never a framework's own API
        (``torch.nn``, ``keras.layers``): even when linting that framework's repository, its
        names mean the framework, not the source that implements it."""
        return dotted.split(".")[0] not in FRAMEWORK_ROOTS

    def knows(self, qualified: str) -> bool:
        """Is ``qualified`` one of this framework's names (for a name a ``from m import *``
        may have bound)?"""
        return False

    # -- calls -------------------------------------------------------------------------------
    def call_qual(self, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        """A call of an imported name the interpreter does not model (``nn.Conv2d(...)``)."""
        return NOT_HANDLED

    def call_object(self, callee: Any, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        """A call of an owned value or of an :class:`Instance` (applying a layer or a model)."""
        return NOT_HANDLED

    def call_method(self, obj: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        """``obj.name(...)`` where the class of ``obj`` defines no such method: a framework
        value's method, or a framework base class' method on an instance (``self.add_module``)."""
        return NOT_HANDLED

    def super_call(self, sup: Any, name: str, args: List[Any], kwargs: Dict[str, Any], node: cst.Call) -> Any:
        """``super().name(...)`` reaching a framework base class (``super().__init__(...)``)."""
        return None

    def instantiate(self, cls: ClassVal, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        """Called before the generic ``__init__`` run; return a value to replace it."""
        return NOT_HANDLED

    def new_instance(self, cls: ClassVal, node: cst.CSTNode) -> Instance:
        """A new object of ``cls``, made by the call ``node`` (kept as ``ext["site"]``: a model
        a factory makes is reported where it is made)."""
        return Instance(cls, ext={"site": node})

    def unknown_call(self, what: str, args: List[Any], kwargs: Dict[str, Any], node: cst.CSTNode) -> Any:
        """The result of a call the interpreter cannot follow: an unknown tensor where tensors
        went in, else ``None`` (the interpreter then makes a plain unknown)."""
        return None

    # -- values ------------------------------------------------------------------------------
    def attribute(self, obj: Any, name: str, node: cst.CSTNode) -> Any:
        """``obj.name`` on an owned value, or on an instance that does not have it."""
        return NOT_HANDLED

    def binop(self, op: str, left: Any, right: Any, node: cst.CSTNode) -> Any:
        """``left op right`` where one side is owned (``x + y`` on tensors)."""
        return NOT_HANDLED

    def unary(self, op: str, value: Any, node: cst.CSTNode) -> Any:
        return NOT_HANDLED

    def subscript(self, obj: Any, key: Any, node: cst.CSTNode) -> Any:
        """``obj[key]`` on an owned value (``key`` may be a ``slice`` or a tuple of keys)."""
        return NOT_HANDLED

    def setitem(self, obj: Any, key: Any, value: Any) -> bool:
        """``obj[key] = value`` on an owned value; True if recorded."""
        return False

    def iterate(self, obj: Any) -> Optional[List[Any]]:
        """The items of an owned iterable (a layer container), else ``None``."""
        return None

    def truth(self, obj: Any) -> Optional[bool]:
        return None

    def unpack(self, value: Any, count: int) -> Optional[List[Any]]:
        """``a, b, c = value`` for an owned value (``_, h, w, c = x.shape``)."""
        return None

    def concrete(self, value: Any) -> Any:
        """The one size query: a symbolic size read off a tensor, with the dims the engine
        knows filled in, where control flow must decide on it (``if x.shape[-1] != filters``)."""
        return value

    def forget(self, value: Any, why: str) -> Any:
        """What an owned ``value`` becomes after a branch that could not be decided changed it
        (an unknown tensor), or ``NOT_HANDLED`` to keep it."""
        return NOT_HANDLED

    def poison(self, value: Any, why: str) -> None:
        """An owned object that code convlint skipped may have changed (``model.add`` under an
        undecided ``if``)."""

    def isinstance_of(self, value: Any, cls: Any) -> Optional[bool]:
        """``isinstance(value, cls)`` for an owned value or a framework class name."""
        return None

    # -- events ------------------------------------------------------------------------------
    def classify(self, cls: ClassVal) -> Optional[str]:
        """The framework's kind of a class just defined (``"torch.module"``), or ``None``."""
        return None

    def on_bind(self, name: str, value: Any, module_level: bool, stmt: cst.CSTNode) -> None:
        """A name was bound (models and layers take their variable's name)."""

    def on_setattr(self, obj: Any, name: str, value: Any) -> bool:
        """``obj.name = value``; True if the semantics recorded it (an owned object)."""
        return False

    def returns_self(self, value: Any, method: str) -> bool:
        """Does ``value.method(...)`` return ``value`` itself, unchanged in anything convlint
        reads (``model.cuda()``)?  Then ``model = model.cuda()`` in code that cannot be decided
        (``if use_gpu:``) leaves ``model`` what it was."""
        return False

    def flow_note(self, stmt: cst.CSTNode, construct: str) -> Optional[str]:
        """The note for control flow that cannot be decided, or ``None`` for no note."""
        return None
