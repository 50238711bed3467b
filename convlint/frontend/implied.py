"""Imports a snippet leaves out: unbound names that spell a framework's API.

Code pasted from a tutorial, or a notebook cell whose imports live in another cell, uses
``Sequential``, ``Conv2D`` or ``nn.Conv2d`` without importing them.  Python would raise
``NameError``; the person reading it knows exactly what is meant.  A name is *implied* only
when it is bound nowhere in the file (not imported, assigned, defined or a parameter) and
spells a class or module of one framework.  A spelling both frameworks have (``Sequential``,
``Flatten``, ``Dropout``) goes to the framework the rest of the file points to; when the file
points to both or neither, it is not guessed (``Sequential`` followed by ``.add(`` is Keras).
A star import may bind anything (``from keras.layers import *`` binds Keras' names as Python
would), so it stops all guessing.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple

__all__ = ["Implied", "implied_imports", "unbound_names"]

_KERAS_MODULES = {"keras": "keras", "layers": "keras.layers", "tf": "tensorflow", "K": "keras.backend"}
_TORCH_MODULES = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional"}
_KERAS_TOP = {"Sequential": "keras.Sequential", "Model": "keras.Model", "Input": "keras.Input"}
_TORCH_TOP = ("Sequential", "Module", "ModuleList", "ModuleDict", "Parameter")
_LABEL = {"keras": "Keras", "torch": "PyTorch"}


@dataclass(frozen=True)
class Implied:
    """What the file's unbound names are taken to mean.

    ``names`` maps a local name to its qualified name (``Conv2D`` -> ``keras.layers.Conv2D``),
    as an import would; ``line`` is the first use of any of them, where the note goes."""

    names: Dict[str, str] = field(default_factory=dict)
    line: int = 1

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


def _bound(tree: ast.AST) -> Tuple[Set[str], bool]:
    """Every name the file binds anywhere, and whether a star import may bind more (one of a
    framework's namespace binds its names as Python would; any other may bind anything)."""
    bound: Set[str] = set()
    foreign_star = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    foreign_star = True
                else:
                    bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    return bound, foreign_star


def unbound_names(tree: ast.AST) -> Dict[str, int]:
    """Names read but bound nowhere in the file (nor builtins), with the line of the first read;
    empty when a star import could bind them."""
    bound, foreign_star = _bound(tree)
    if foreign_star:
        return {}
    out: Dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
            if not hasattr(builtins, node.id) and (node.id not in out or node.lineno < out[node.id]):
                out[node.id] = node.lineno
    return out


def _adds_to_sequential(tree: ast.AST) -> bool:
    """``model = Sequential()`` then ``model.add(...)``: the Keras idiom (PyTorch's
    ``nn.Sequential`` has ``add_module``, not ``add``)."""
    made: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Name) and func.id == "Sequential":
                made.update(t.id for t in node.targets if isinstance(t, ast.Name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add":
            if isinstance(node.func.value, ast.Name) and node.func.value.id in made:
                return True
    return False


def _spellings(keras_classes: Iterable[str], torch_classes: Iterable[str]) -> Dict[str, Dict[str, str]]:
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


def implied_imports(tree: Optional[ast.AST], keras_classes: Iterable[str], torch_classes: Iterable[str]) -> Implied:
    """The imports the file leaves out, decided as the module docstring says."""
    if tree is None:
        return Implied()
    unbound = unbound_names(tree)
    if not unbound:
        return Implied()
    table = _spellings(keras_classes, torch_classes)
    candidates = {n: table[n] for n in unbound if n in table}
    only = {fw: any(set(c) == {fw} for c in candidates.values()) for fw in ("keras", "torch")}
    names: Dict[str, str] = {}
    for name, options in candidates.items():
        if len(options) == 1:
            names[name] = next(iter(options.values()))
            continue
        if only["keras"] != only["torch"]:
            names[name] = options["keras" if only["keras"] else "torch"]
        elif name == "Sequential" and not any(only.values()) and _adds_to_sequential(tree):
            names[name] = options["keras"]
    if not names:
        return Implied()
    return Implied(names, min(unbound[n] for n in names))
