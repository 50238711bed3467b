"""The installed ``convlint`` entry points, found without importing :mod:`importlib.metadata`.

Importing ``importlib.metadata`` (it pulls in ``email``, ``zipfile``, ``csv``...) and building a
distribution object for every installed package cost 37 ms of CPU on each run (7 ms this way;
medians of fresh processes, 42 distributions installed), a third of what a one-file run spent
above the ``import libcst`` floor.  The standard path search it performs
is simple, so it is done here directly: every directory on ``sys.path`` is listed, and of each
``*.dist-info`` / ``*.egg-info`` folder only ``entry_points.txt`` is read, and parsed only when
it has a ``[convlint]`` section.  That costs one ``open`` per installed distribution and needs
no cache, so installing or removing a plugin is seen by the very next run.  Where that search
is not the whole story (a zip archive on ``sys.path``, a meta-path finder of its own that lists
distributions) ``importlib.metadata`` answers for those parts, as before.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Iterable, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple

__all__ = ["EntryPoint", "find_entry_points"]

_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")
"""An entry point's object reference, as the packaging specification writes it (``module:attr [extras]``)."""

_METADATA_SUFFIXES = (".dist-info", ".egg-info")


class EntryPoint(NamedTuple):
    """One entry point of a group, and the distribution that declares it (a named tuple:
    cheaper to define than a dataclass, and this module is on every run's start-up path)."""

    name: str
    value: str
    dist: str
    version: str

    def load(self) -> object:
        """Import the module and follow the attribute path, as ``importlib.metadata`` does."""
        import importlib

        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"entry point '{self.name}' of {self.dist} is malformed: {self.value!r}")
        obj: object = importlib.import_module(match.group("module"))
        for attr in filter(None, (match.group("attr") or "").split(".")):
            obj = getattr(obj, attr)
        return obj


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them (``My_Plugin`` and ``my-plugin`` are one)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def section(text: str, group: str) -> Iterator[Tuple[str, str]]:
    """``(name, value)`` pairs of the ``[group]`` section of an ``entry_points.txt``."""
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group and "=" in line:
            name, _, value = line.partition("=")
            yield name.strip(), value.strip()


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def _name_version(folder: str, stem: str) -> Tuple[str, str]:
    """From ``name-version.dist-info`` (the specified form); else from the metadata file."""
    name, _, version = stem.partition("-")
    if version and not folder.endswith(".egg-info"):
        return name, version
    for meta in ("METADATA", "PKG-INFO"):
        text = _read(os.path.join(folder, meta))
        if text is None:
            continue
        fields = {}
        for line in text.splitlines():
            if not line.strip():
                break  # the headers end at the first blank line
            key, sep, value = line.partition(":")
            if sep:
                fields.setdefault(key.strip().lower(), value.strip())
        return fields.get("name", name), fields.get("version", version.split("-")[0])
    return name, version.split("-")[0]


def _from_directory(entry: str, group: str) -> Iterator[Tuple[str, str, List[Tuple[str, str]]]]:
    """(distribution, version, entry points of ``group``) for each distribution in ``entry``."""
    try:
        names = sorted(os.listdir(entry or "."))
    except OSError:
        return
    for child in names:
        if not child.endswith(_METADATA_SUFFIXES):
            continue
        folder = os.path.join(entry or ".", child)
        text = _read(os.path.join(folder, "entry_points.txt"))
        stem = child.rsplit(".", 1)[0]
        if text is None or f"[{group}]" not in text.replace(" ", ""):
            yield stem.partition("-")[0], "", []
            continue
        name, version = _name_version(folder, stem)
        yield name, version, list(section(text, group))


def _from_metadata(group: str, path: Optional[List[str]]) -> Iterator[Tuple[str, str, List[Tuple[str, str]]]]:
    """The slow, general answer: ``importlib.metadata`` (zip archives, custom finders)."""
    import importlib.metadata

    dists = importlib.metadata.distributions(path=path) if path is not None else importlib.metadata.distributions()
    for dist in dists:
        eps = [(ep.name, ep.value) for ep in dist.entry_points if ep.group == group]
        yield dist.metadata["Name"] or "", dist.version if eps else "", eps


def _other_finders() -> bool:
    """Does a meta-path finder besides the standard path finder list distributions?"""
    from importlib.machinery import PathFinder

    return any(f is not PathFinder and hasattr(f, "find_distributions") for f in sys.meta_path)


def _distributions(group: str, path: Sequence[str]) -> Iterator[Tuple[str, str, List[Tuple[str, str]]]]:
    if _other_finders():
        yield from _from_metadata(group, None)
        return
    for entry in path:
        if not isinstance(entry, str):
            continue
        if entry == "" or os.path.isdir(entry):
            yield from _from_directory(entry, group)
        elif os.path.isfile(entry):  # a zip archive (an .egg, python3X.zip)
            yield from _from_metadata(group, [entry])


def find_entry_points(group: str = "convlint", path: Optional[Iterable[str]] = None) -> List[EntryPoint]:
    """The entry points of ``group`` in ``path`` (default ``sys.path``), in path order.

    As ``importlib.metadata`` resolves them: a distribution found twice counts once (the first
    on the path wins, as for imports), and so does an entry-point name.
    """
    seen_dists: Set[str] = set()
    seen_names: Set[str] = set()
    out: List[EntryPoint] = []
    for dist, version, pairs in _distributions(group, list(sys.path if path is None else path)):
        key = normalize(dist)
        if key in seen_dists:
            continue
        seen_dists.add(key)
        for name, value in pairs:
            if name not in seen_names:
                seen_names.add(name)
                out.append(EntryPoint(name, value, dist, version))
    return out
