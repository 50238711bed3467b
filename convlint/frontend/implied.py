"""Imports a snippet leaves out: unbound names that spell a framework's API.

Code pasted from a tutorial, or a notebook cell whose imports live in another cell, uses
``Sequential``, ``Conv2D`` or ``nn.Conv2d`` without importing them.  Python would raise
``NameError``; the person reading it knows exactly what is meant.  A name is *implied* only
when it is bound nowhere in the file (not imported, assigned, defined or a parameter) and
spells a class or module of one framework, in a file that imports no framework at all (one
that does is taken to import what it uses: checking every file of a large tree would cost a
symbol-table build each).  A spelling both frameworks have (``Sequential``,
``Flatten``, ``Dropout``) goes to the framework the rest of the file points to; when the file
points to both or neither, it is not guessed (``Sequential`` followed by ``.add(`` is Keras).
A star import may bind anything (``from keras.layers import *`` binds Keras' names as Python
would), so it stops all guessing.
"""

from __future__ import annotations

import builtins
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Set, Tuple

if TYPE_CHECKING:  # pragma: no cover
    import symtable

__all__ = ["Implied", "implied_imports", "unbound_names"]

_KERAS_MODULES = {"keras": "keras", "layers": "keras.layers", "tf": "tensorflow", "K": "keras.backend"}
_TORCH_MODULES = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional"}
_KERAS_TOP = {"Sequential": "keras.Sequential", "Model": "keras.Model", "Input": "keras.Input"}
_TORCH_TOP = ("Sequential", "Module", "ModuleList", "ModuleDict", "Parameter")
_LABEL = {"keras": "Keras", "torch": "PyTorch"}
_STAR = re.compile(r"^\s*from\s+\S+\s+import\s+\*", re.M)
_WORD = re.compile(r"[A-Za-z_][\w.]*")
_FRAMEWORK_IMPORT = re.compile(r"^[ \t]*(?:from|import)[ \t]+(?:keras|tensorflow|tf_keras|keras_core|torch)\b", re.M)


class Implied:
    """What the file's unbound names are taken to mean.

    ``names`` maps a local name to its qualified name (``Conv2D`` -> ``keras.layers.Conv2D``),
    as an import would; ``line`` is the first use of any of them, where the note goes.  (A plain
    class: every file asks, and a dataclass costs its generated methods at start-up.)"""

    __slots__ = ("names", "line")

    def __init__(self, names: Optional[Dict[str, str]] = None, line: int = 1) -> None:
        self.names: Dict[str, str] = {} if names is None else names
        self.line = line

    def frameworks(self) -> List[str]:
        return sorted({"torch" if q.startswith("torch") else "keras" for q in self.names.values()})

    def message(self) -> str:
        parts = []
        for fw in self.frameworks():
            names = sorted(n for n, q in self.names.items() if q.startswith("torch") == (fw == "torch"))
            parts.append(f"{_LABEL[fw]} ({', '.join(names)})")
        return (
            "names used without an import are taken as " + " and ".join(parts)
            + "; add the imports to make it explicit"
        )


def _symbols(table: "symtable.SymbolTable", bound: Set[str], read: Set[str]) -> None:
    for sym in table.get_symbols():
        name = sym.get_name()
        if sym.is_assigned() or sym.is_imported() or sym.is_parameter() or sym.is_namespace():
            bound.add(name)
        if sym.is_referenced():
            read.add(name)
    for child in table.get_children():
        bound.add(child.get_name())  # a def or class name (also bound as a symbol; kept for lambdas)
        _symbols(child, bound, read)


def unbound_names(source: str) -> Set[str]:
    """Names read but bound nowhere in the file (nor builtins); empty when a star import could
    bind them or the file does not compile.  Uses the compiler's own symbol tables, which
    know every binding form (parameters, comprehension and ``except`` targets, ``match``
    captures) and cost less than walking an ``ast``."""
    if _STAR.search(source):
        return set()
    import symtable  # only a file that imports no framework gets here

    try:
        table = symtable.symtable(source, "<convlint>", "exec")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return set()
    bound: Set[str] = set()
    read: Set[str] = set()
    _symbols(table, bound, read)
    return {n for n in read - bound if not hasattr(builtins, n)}


def _adds_to_sequential(source: str) -> bool:
    """``model = Sequential()`` then ``model.add(...)``: the Keras idiom (PyTorch's
    ``nn.Sequential`` has ``add_module``, not ``add``)."""
    made = set(re.findall(r"^\s*(\w+)\s*=\s*Sequential\(", source, re.M))
    return any(re.search(rf"\b{re.escape(v)}\.add\(", source) for v in made)


def _first_line(source: str, names: Iterable[str]) -> int:
    """The line of the first bare use of any of ``names`` (where the note goes)."""
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    match = pattern.search(source)
    return source.count("\n", 0, match.start()) + 1 if match else 1


def _maybe_unbound(source: str, spellings: Dict[str, Dict[str, str]]) -> bool:
    """A cheap text test before the exact one: some framework spelling is the first part of a
    name in the file."""
    return any(word.split(".", 1)[0] in spellings for word in set(_WORD.findall(source)))


@lru_cache(maxsize=4)
def _spellings(keras_classes: Tuple[str, ...], torch_classes: Tuple[str, ...]) -> Dict[str, Dict[str, str]]:
    """Local name -> {framework: qualified name} for every spelling of either framework."""
    table: Dict[str, Dict[str, str]] = {}
    for name, qual in _KERAS_MODULES.items():
        table.setdefault(name, {})["keras"] = qual
    for name, qual in _TORCH_MODULES.items():
        table.setdefault(name, {})["torch"] = qual
    for name in keras_classes:
        if name[:1].isupper():
            table.setdefault(name, {})["keras"] = _KERAS_TOP.get(name, f"keras.layers.{name}")
    for name, qual in _KERAS_TOP.items():
        table.setdefault(name, {})["keras"] = qual
    for name in list(torch_classes) + list(_TORCH_TOP):
        if name[:1].isupper():
            table.setdefault(name, {})["torch"] = f"torch.nn.{name}"
    return table


def implied_imports(source: str, keras_classes: Iterable[str], torch_classes: Iterable[str]) -> Implied:
    """The imports the file leaves out, decided as the module docstring says.  A program that
    imports its framework is taken to bind what it uses (most files do): a run on a large tree
    pays one regex search per file, never a symbol-table build."""
    if _FRAMEWORK_IMPORT.search(source):
        return Implied()
    table = _spellings(tuple(keras_classes), tuple(torch_classes))
    if not _maybe_unbound(source, table):
        return Implied()
    unbound = unbound_names(source)
    candidates = {n: table[n] for n in unbound if n in table}
    only = {fw: any(set(c) == {fw} for c in candidates.values()) for fw in ("keras", "torch")}
    names: Dict[str, str] = {}
    for name, options in candidates.items():
        if len(options) == 1:
            names[name] = next(iter(options.values()))
            continue
        if only["keras"] != only["torch"]:
            names[name] = options["keras" if only["keras"] else "torch"]
        elif name == "Sequential" and not any(only.values()) and _adds_to_sequential(source):
            names[name] = options["keras"]
    if not names:
        return Implied()
    return Implied(names, _first_line(source, names))
