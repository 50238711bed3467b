"""The modules of a project, read (never imported) on demand.

``from .blocks import conv_block`` or ``from models.resnet import ResNet`` names code of the
project itself.  The resolver finds that file on disk (next to the importing file, in its
package, or above it), parses it once per run within a budget of files and bytes, and the
interpreter runs its top-level statements like any module's.  A name it cannot find stays a
:class:`~convlint.frontend.python.values.QualName`, so a framework name (``torch.nn``) is never
looked for in the project unless a file of that name is really there.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

import libcst as cst

from .guard import refusal
from .imports import ImportTable
from .positions import Positions
from .scope import Scope

__all__ = ["ModuleInfo", "Resolver", "MAX_MODULE_BYTES", "MAX_MODULES"]

MAX_MODULES = 64
"""Project modules read for one file (each parsed at most once per run)."""
MAX_MODULE_BYTES = 1_000_000
"""A project module larger than this is not read (its names stay unknown)."""
_PARSED: "Dict[Tuple[str, int, int], Tuple[str, cst.Module, Positions, ImportTable]]" = {}
"""Parsed project modules by (path, mtime, size), for the whole process: the files of one
package import the same few modules, and parsing is the expensive part.  Each run still gets
fresh globals (``ModuleInfo``), so nothing one file's analysis computes leaks into another's."""
_PARSED_MAX = 256


class ModuleInfo:
    """One parsed module: its source, tree, positions, import table and (once run) globals.
    (A plain class, compared by identity: see :mod:`convlint.frontend.python.values`.)"""

    def __init__(
        self, name: str, path: str, source: str, module: cst.Module, positions: Positions, imports: ImportTable,
        package: str = "", globals: Optional[Scope] = None,
    ) -> None:
        self.name = name
        self.path = path
        self.source = source
        self.module = module
        self.positions = positions
        self.imports = imports
        self.package = package
        """The dotted package this module lives in (for relative imports)."""
        self.globals = globals

    @classmethod
    def parse(
        cls, name: str, path: str, source: str, module: cst.Module, package: str = "",
        implied: Optional[Dict[str, str]] = None, positions: Optional[Positions] = None,
    ) -> "ModuleInfo":
        """``implied``: names the file uses without importing them, read as imports (an
        import written in the file wins); ``positions``: the module's index, if made already."""
        imports = ImportTable.from_module(module)
        for local, qualified in (implied or {}).items():
            imports.names.setdefault(local, qualified)
        return cls(name, path, source, module, positions or Positions(module, source), imports, package)


def package_of(path: str) -> Tuple[str, str]:
    """(dotted package, the directory its top package sits in) of a file on disk, from the
    ``__init__.py`` files around it; a file outside any package is in package ``""``."""
    directory = os.path.dirname(os.path.abspath(path))
    parts: List[str] = []
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        parts.append(os.path.basename(directory))
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return ".".join(reversed(parts)), directory


class Resolver:
    """Finds and parses the project modules a file imports.

    Search roots for an absolute name, in order: the directory above the importing file's top
    package (how a repository is laid out: ``models/resnet.py`` imported as
    ``models.resnet``), the importing file's own directory (a script next to its helpers), and
    up to ``max_up`` directories above it (a script in ``tools/`` importing ``models.x``).
    A relative import is looked for in the importing file's package only.
    """

    def __init__(self, max_modules: int = MAX_MODULES, max_up: int = 3, read: Optional[List[str]] = None) -> None:
        self.max_modules = max_modules
        self.max_up = max_up
        self.cache: Dict[str, Optional[ModuleInfo]] = {}
        self.parsed = 0
        self.read: List[str] = read if read is not None else []
        """Every project file read, for the results cache (a change there re-checks this file)."""

    def roots(self, path: str) -> List[str]:
        _, top = package_of(path)
        here = os.path.dirname(os.path.abspath(path))
        out = [top, here]
        up = here
        for _ in range(self.max_up):
            parent = os.path.dirname(up)
            if parent == up:
                break
            up = parent
            out.append(up)
        seen: set = set()
        return [r for r in out if not (r in seen or seen.add(r))]  # type: ignore[func-returns-value]

    @staticmethod
    def absolute(package: str, base: str) -> str:
        """``..blocks`` in package ``a.b`` -> ``a.blocks``; absolute names unchanged."""
        if not base.startswith("."):
            return base
        dots = len(base) - len(base.lstrip("."))
        rest = base[dots:]
        parts = package.split(".") if package else []
        if dots - 1 > len(parts):
            return ""
        parts = parts[: len(parts) - (dots - 1)]
        return ".".join(p for p in parts + ([rest] if rest else []) if p)

    def find(self, importer_path: str, dotted: str, relative: bool = False) -> Optional[str]:
        """The file of module ``dotted`` (absolute), or ``None``."""
        if not dotted:
            return None
        rel = dotted.replace(".", os.sep)
        if relative:
            roots = [package_of(importer_path)[1]]
        else:
            roots = self.roots(importer_path)
        for root in roots:
            for candidate in (os.path.join(root, rel + ".py"), os.path.join(root, rel, "__init__.py")):
                if os.path.isfile(candidate):
                    return os.path.normpath(candidate)
        return None

    def load(self, path: str, name: str) -> Optional[ModuleInfo]:
        """The parsed module at ``path`` (once per run), or ``None`` when over the budget or
        unreadable: its names then stay unknown."""
        key = os.path.abspath(path)
        if key in self.cache:
            return self.cache[key]
        self.cache[key] = None
        if self.parsed >= self.max_modules:
            return None
        try:
            stat = os.stat(key)
            if not os.path.isfile(key) or stat.st_size > MAX_MODULE_BYTES:
                return None
            cache_key = (key, stat.st_mtime_ns, stat.st_size)
            parsed = _PARSED.get(cache_key)
            if parsed is None:
                with open(key, "rb") as fh:
                    source = fh.read().decode("utf-8")
                if refusal(source) is not None:  # what would crash or stall the parser
                    return None
                module = cst.parse_module(source)
                parsed = (source, module, Positions(module, source), ImportTable.from_module(module))
                if len(_PARSED) >= _PARSED_MAX:
                    _PARSED.clear()
                _PARSED[cache_key] = parsed
        except Exception:  # unreadable, not UTF-8, a syntax error: its names stay unknown
            return None
        self.parsed += 1
        if key not in self.read:
            self.read.append(key)
        package, _ = package_of(key)
        is_package = os.path.basename(key) == "__init__.py"
        source, module, positions, imports = parsed
        info = ModuleInfo(name, key, source, module, positions, imports, name if is_package else package)
        self.cache[key] = info
        return info
