"""Is every module a PyTorch model registers known?  The answer decides whether its parameter
total is exact.

``model.parameters()`` counts every module and ``nn.Parameter`` registered under the model,
called by ``forward`` or not; so a torch total is exact exactly when the registration is known,
whatever ``forward`` does.  Construction code convlint could not follow leaves a trace in the
objects it built: a container holding an unknown module (filled by a loop it could not unroll,
or by ``*layers`` of an unknown list), an attribute whose value is unknown (set under an
undecided ``if``, or the result of a call it does not follow), an instance whose attributes
skipped code may have set.  Any such trace means modules may be missing: the total is then a
lower bound, and the :class:`~convlint.graph.Stop` says where construction was lost.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

from ...graph import Stop, Unknown
from ..python.values import Instance
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
            for key, child in value.attrs.items():
                where = f"{path}.{key}" if path else key
                if isinstance(child, Unknown):
                    yield where, child.reason
                elif is_module(child):
                    yield from walk(child, where)

    yield from walk(root, "")


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
