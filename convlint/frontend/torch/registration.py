"""Is every module a PyTorch model registers known?  The answer decides whether its parameter
total is exact.

``model.parameters()`` counts every module and ``nn.Parameter`` registered under the model,
called by ``forward`` or not; so a torch total is exact exactly when the registration is known,
whatever ``forward`` does.  Construction code convlint could not follow leaves a trace in the
objects it built: a container holding an unknown module (filled by a loop it could not unroll,
or by ``*layers`` of an unknown list), an attribute whose value is unknown (set under an
undecided ``if``, or the result of a call it does not follow), an instance whose attributes
skipped code may have set.  Any such trace means modules may be missing: the total is then a
lower bound, and the :class:`~convlint.graph.Stop` says where construction was lost.  An
unknown attribute counts only when the class uses it as a module (calls it, iterates it,
indexes it): ``self.lr = lr`` of an unknown ``lr`` hides no parameters.  (The one miss: an
unknown module the class stores and never uses, which CL304 would call dead weight anyway.)
"""

from __future__ import annotations

from typing import Any, FrozenSet, Iterator, Optional, Tuple

import libcst as cst

from ...graph import Stop, Unknown
from ..python.syntax import walk
from ..python.values import ClassVal, Instance
from .values import ContainerObj, ModuleObj, ParamVal, is_module

__all__ = ["construction_stop", "unknown_parts"]

_PLAIN = (int, float, str, bool, type(None))


def unknown_parts(root: Any) -> Iterator[Tuple[str, str]]:
    """``(attribute path, reason)`` of every place under ``root`` where a registered module may
    be missing, in registration order."""
    seen: set = set()

    def walk(value: Any, path: str) -> Iterator[Tuple[str, str]]:
        if id(value) in seen or isinstance(value, (ModuleObj, ParamVal)):
            return
        seen.add(id(value))
        if isinstance(value, ContainerObj):
            for key, child in value.items:
                where = f"{path}.{key}" if path else str(key)
                if isinstance(child, Unknown):
                    yield where, child.reason
                else:
                    yield from walk(child, where)
        elif isinstance(value, Instance):
            if "poisoned" in value.ext:
                yield path or "self", f"its attributes may be set by code convlint skipped (it {value.ext['poisoned']})"
            seq = value.ext.get("seq")
            if seq is not None:
                yield from walk(seq, path)
            unknown = [k for k, v in value.attrs.items() if isinstance(v, Unknown)]
            used = module_uses(value.cls) if unknown else frozenset()
            for key, child in value.attrs.items():
                where = f"{path}.{key}" if path else key
                if isinstance(child, Unknown):
                    if key in used:  # ``self.lr``, ``self.rewards``: values, not modules
                        yield where, child.reason
                elif is_module(child):
                    yield from walk(child, where)

    yield from walk(root, "")


def module_uses(cls: ClassVal) -> FrozenSet[str]:
    """Attributes the class's code (its bases' included) uses as a module would be used:
    ``self.name(...)``, ``for m in self.name``, ``self.name[i]``.  An attribute whose value is
    unknown may hide modules only then; one read as a number or a list of rewards does not."""
    return frozenset(name for klass in cls.mro() for node in walk(klass.node) for name in [_self_attr(node)] if name)


def _self_attr(node: Any) -> Optional[str]:
    """``name`` when ``node`` uses ``self.name`` as a callee, an iterable or a container."""
    target = (node.func if isinstance(node, cst.Call) else node.iter if isinstance(node, cst.For)
              else node.value if isinstance(node, cst.Subscript) else None)
    if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
        return target.attr.value
    return None


_STRUCTURAL = ("unsupported", "unresolved")


def construction_stop(root: Any) -> Optional[Stop]:
    """The :class:`Stop` for a model whose registered modules are not all known, else ``None``:
    placed at the first construct its construction could not follow (the semantics keeps the
    notes made while an instance was built), else named by the unknown attribute's reason."""
    for where, reason in unknown_parts(root):
        if not isinstance(root, Instance):  # a module-level nn.Sequential
            return Stop("the nn.Sequential", None, f"its item {where} is unknown ({reason})")
        notes = root.ext.get("construction_notes", [])
        span = next((note[2] for note in notes if note[0] in _STRUCTURAL), None)
        detail = f"self.{where} is unknown" + ("" if span is not None else f" ({reason})")
        return Stop("__init__", span, detail)
    return None
