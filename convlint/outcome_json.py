"""A file's outcome as plain JSON, for the results cache: data in, data out, never code.

Unpickling runs whatever the file says, so a planted cache entry could run code; this codec
only ever builds the closed set of convlint data types below, from their fields.  JSON has
lists, objects, strings, numbers, booleans and null; everything else is an object tagged with
``"$"``: ``tuple``, ``dict`` (any hashable keys, as pairs), ``float`` (infinities and NaN,
which JSON lacks), ``Expr`` (a symbolic dim), or a registered dataclass by its class name, its
init fields in order under ``"f"``.
Anything outside that set cannot be encoded (:class:`TypeError`: the outcome is simply not
cached); anything malformed or foreign fails to decode (:class:`ValueError`: a cache miss).
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any, Dict, List, Optional, Tuple

__all__ = ["FORMAT", "dumps", "loads", "encode", "decode"]

FORMAT = "convlint-outcome/1"
"""Written into every entry; an entry without it (another version, another tool) is foreign."""

_TAG = "$"
_ID = "#"
"""A registered object seen again (a node is both in its model and in its layer result) is
written once and then referred to as ``{"$": "ref", "#": n}``, so the decoded outcome shares
objects as the fresh one did, at half the size."""


class _Types:
    """The data types an outcome is made of (imported on first use, as unpickling did)."""

    def __init__(self) -> None:
        from . import edits
        from .cost import Amount, LayerCost, ModelCost
        from .diagnostics import Diagnostic, Related
        from .dims import Expr, FloorDiv
        from .engine import Constraint, Finding, LayerResult, ShapedModel
        from .graph import Cause, DimRef, ModelGraph, Node, SizeOf, Span, Stop, Unknown, UnknownRest
        from .layers.base import Weight
        from .runner import FileOutcome
        from .why import Step, Why

        classes = (Diagnostic, FloorDiv, Constraint, Finding, LayerResult, ShapedModel, Cause, DimRef, ModelGraph,
                   Node, SizeOf, Span, Unknown, UnknownRest, Weight, FileOutcome, Amount, LayerCost, ModelCost,
                   edits.Edit, edits.Fix, edits.SetArgument, edits.RenameArgument, edits.RemoveArgument,
                   edits.RenameCallee, edits.InsertLayerBefore, Related, Stop, Step, Why)
        self.by_name: Dict[str, type] = {cls.__name__: cls for cls in classes}
        assert len(self.by_name) == len(classes), "registered names must be unique"
        self.fields: Dict[type, Tuple[str, ...]] = {
            cls: tuple(f.name for f in dataclasses.fields(cls) if f.init) for cls in classes
        }
        self.expr = Expr
        self.unknown = Unknown
        self.file_outcome = FileOutcome
        self.keep = edits.KEEP
        """A rename's "keep the value" marker: a singleton, written as ``{"$": "keep"}``."""


_TYPES: Optional[_Types] = None


def _types() -> _Types:
    global _TYPES
    if _TYPES is None:
        _TYPES = _Types()
    return _TYPES


# -- encoding -----------------------------------------------------------------------------------

class _Encoder:
    def __init__(self) -> None:
        self.types = _types()
        self.seen: Dict[int, int] = {}
        self.keep: List[Any] = []  # holds the objects whose id() is in ``seen``

    def encode(self, value: Any) -> Any:
        t = type(value)
        if value is None or t is bool or t is int or t is str:
            return value
        if t is float:
            return value if math.isfinite(value) else {_TAG: "float", "v": repr(value)}
        if t is list:
            return [self.encode(v) for v in value]
        if t is tuple:
            return {_TAG: "tuple", "v": [self.encode(v) for v in value]}
        if t is dict:
            return {_TAG: "dict", "v": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if value is self.types.keep:
            return {_TAG: "keep"}
        ref = self.seen.get(id(value))
        if ref is not None:
            return {_TAG: "ref", _ID: ref}
        if t is self.types.expr:
            out: Dict[str, Any] = {_TAG: "Expr", "terms": self.encode(value.terms), "const": value.const}
        elif t in self.types.fields:
            out = {_TAG: t.__name__, "f": [self.encode(getattr(value, name)) for name in self.types.fields[t]]}
        elif isinstance(value, self.types.unknown):
            # A front end's own kind of unknown (an unbound parameter, an undecided branch):
            # after the engine has run, it is what its base says, an unknown with a reason.
            return {_TAG: "Unknown", "f": [value.reason]}
        else:
            raise TypeError(f"cannot cache a {t.__module__}.{t.__qualname__}")
        out[_ID] = self.seen[id(value)] = len(self.seen)
        self.keep.append(value)
        return out


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data; :class:`TypeError` for a type outside the closed set."""
    return _Encoder().encode(value)


def dumps(outcome: Any, key: str) -> str:
    """One cache entry: the format, the key it was written under, and the outcome."""
    return json.dumps({"format": FORMAT, "key": key, "outcome": encode(outcome)}, allow_nan=False, separators=(",", ":"))


# -- decoding -----------------------------------------------------------------------------------

class _Decoder:
    def __init__(self) -> None:
        self.types = _types()
        self.objects: Dict[int, Any] = {}

    def decode(self, data: Any) -> Any:
        t = type(data)
        if data is None or t is bool or t is int or t is str or t is float:
            return data
        if t is list:
            return [self.decode(v) for v in data]
        if t is not dict:
            raise ValueError(f"not JSON data: {t.__name__}")
        tag = data.get(_TAG)
        if tag == "tuple":
            return tuple(self.decode(v) for v in _list(data))
        if tag == "dict":
            return {self.decode(k): self.decode(v) for k, v in (_pair(p) for p in _list(data))}
        if tag == "ref":
            try:
                return self.objects[data[_ID]]
            except (KeyError, TypeError):
                raise ValueError("a reference to nothing") from None
        if tag == "keep" and len(data) == 1:
            return self.types.keep
        if tag == "float":
            text = data.get("v")
            if text not in ("inf", "-inf", "nan"):
                raise ValueError(f"not a special float: {text!r}")
            return float(text)
        if tag == "Expr":
            terms, const = self.decode(data.get("terms")), data.get("const")
            if type(terms) is not tuple or type(const) is not int:
                raise ValueError("malformed Expr")
            return self._remember(data, self.types.expr(terms, const))
        cls = self.types.by_name.get(tag) if isinstance(tag, str) else None
        if cls is None:
            raise ValueError(f"not a convlint data type: {tag!r}")
        values = data.get("f")
        if type(values) is not list or len(values) != len(self.types.fields[cls]) or len(data) != (3 if _ID in data else 2):
            raise ValueError(f"{tag}: not its {len(self.types.fields[cls])} fields")
        return self._remember(data, cls(*[self.decode(v) for v in values]))

    def _remember(self, data: Dict[str, Any], obj: Any) -> Any:
        if _ID in data:
            self.objects[data[_ID]] = obj
        return obj


def decode(data: Any) -> Any:
    """The value :func:`encode` made; :class:`ValueError` for anything it could not have made."""
    return _Decoder().decode(data)


def _list(data: Dict[str, Any]) -> List[Any]:
    v = data.get("v")
    if not isinstance(v, list) or set(data) != {_TAG, "v"}:
        raise ValueError(f"malformed {data[_TAG]}")
    return v


def _pair(p: Any) -> List[Any]:
    if not isinstance(p, list) or len(p) != 2:
        raise ValueError("malformed dict item")
    return p


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str, key: str) -> Any:
    """The outcome stored under ``key``; :class:`ValueError` unless the entry is this format,
    written under this very key, and decodes to a file outcome."""
    entry = json.loads(text, parse_constant=_no_constants)
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
        raise ValueError("a foreign cache entry")
    outcome = decode(entry.get("outcome"))
    if type(outcome) is not _types().file_outcome:
        raise ValueError("not a file outcome")
    return outcome
