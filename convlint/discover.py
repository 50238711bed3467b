"""Which files a run checks, and the cheap text test that skips most of them before parsing.

Directories are walked recursively for ``.py`` and ``.ipynb`` files, skipping tool and
environment directories and the configuration's ``exclude`` globs.  A file named explicitly on
the command line is always checked, unless ``force_exclude`` (what pre-commit passes) applies
``exclude`` to it too.  Paths keep the spelling the user gave (``src/net.py``, not absolute).

Nothing is passed over in silence: a directory that cannot be listed, and a FIFO, device or
socket where a source file was expected (never opened: see :mod:`convlint.files`), are
:attr:`Discovery.skipped` with the reason, and the run reports each one.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from typing import Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

from .files import file_kind

__all__ = ["SKIP_DIRS", "SUFFIXES", "Discovery", "discover", "find_files", "is_excluded", "maybe_model", "PREFILTER"]

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "build", "dist", "node_modules", ".tox",
     ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "site-packages", ".ipynb_checkpoints", ".convlint_cache"}
)
SUFFIXES = (".py", ".ipynb")

PREFILTER = re.compile(rb"Conv[123][dD]|Convolution[123]D|Dense|Linear|Sequential|Pool|nn\.|torch\.randn?\(|\(weights=None")
"""Any file that builds a model convlint can analyse names one of these: a convolution, a
fully connected or pooling layer, ``Sequential``, or torch's ``nn.``; or it builds a model a
project module defines and calls it on an example (``resnet18()(torch.randn(...))``,
``VGG16(weights=None)``: ``weights=None`` as the call's first argument, not a NumPy-style
``average(x, weights=None)``).  A file naming none is
never parsed.  Over-inclusive on purpose: a false positive costs one parse, a false negative a
missed model.  ``Model`` is deliberately not a trigger: a ``Model`` without any of these layers
has nothing to check, and the word alone kept 20% more of the keras source tree (measured)."""


def maybe_model(data: bytes) -> bool:
    """The prefilter: could ``data`` (a file's bytes) define a model?"""
    return PREFILTER.search(data) is not None


def is_excluded(path: str, patterns: Sequence[str], root: str) -> bool:
    """Does an ``exclude`` glob match ``path``, its path relative to ``root``, or any of its
    components?  (``tests/*``, ``legacy``, ``*_pb2.py`` all work as users expect.)"""
    if not patterns:
        return False
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, root).replace(os.sep, "/")
    parts = rel.split("/")
    candidates = {path.replace(os.sep, "/"), rel, absolute.replace(os.sep, "/")}
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        for c in candidates:
            if fnmatch.fnmatchcase(c, pattern) or fnmatch.fnmatchcase(c, pattern + "/*"):
                return True
        if "/" not in pattern and any(fnmatch.fnmatchcase(p, pattern) for p in parts):
            return True
    return False


Skip = Tuple[str, str]
"""A path the run could not look at, and why."""


class Discovery(NamedTuple):
    """The files to check, and the paths that could not be looked at, with the reason."""

    files: List[str]
    skipped: List[Skip]


def _special(path: str) -> Optional[str]:
    """Why ``path`` is not read (a FIFO, a device, a socket), or ``None`` for a regular file.
    A path that cannot be stat'ed (a broken symlink) is left to the reader to report."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else f"skipped: {file_kind(mode)}, not a regular file (only regular files are read)"


def _walk(top: str, patterns: Sequence[str], root: str) -> Iterator[Union[str, Skip]]:
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError as err:
        yield (top, f"cannot read this directory: {err.strerror or err}; its files were not checked")
        return
    for entry in entries:
        path = os.path.join(top, entry.name) if top != "." else entry.name
        if entry.is_dir(follow_symlinks=False):
            if entry.name in SKIP_DIRS or entry.name.endswith(".egg-info") or is_excluded(path, patterns, root):
                continue
            yield from _walk(path, patterns, root)
        elif entry.name.endswith(SUFFIXES) and not is_excluded(path, patterns, root):
            reason = None if entry.is_file() else _special(path)
            yield path if reason is None else (path, reason)


def find_files(paths: Iterable[str], exclude: Sequence[str] = (), root: str = ".", force_exclude: bool = False) -> Discovery:
    """Files to check, each once, in a stable order, and what was skipped (see the module).
    Missing paths raise ``FileNotFoundError``."""
    out: List[str] = []
    skipped: List[Skip] = []
    seen = set()
    for given in paths:
        if os.path.isdir(given):
            found: Iterable[Union[str, Skip]] = _walk(os.path.normpath(given), exclude, root)
        elif os.path.exists(given):
            if force_exclude and is_excluded(given, exclude, root):
                continue
            reason = _special(given)
            found = [given if reason is None else (given, reason)]
        else:
            raise FileNotFoundError(given)
        for item in found:
            path = item if isinstance(item, str) else item[0]
            key = os.path.abspath(path)
            if key in seen:
                continue
            seen.add(key)
            if isinstance(item, str):
                out.append(item)
            else:
                skipped.append(item)
    return Discovery(out, skipped)


def discover(paths: Iterable[str], exclude: Sequence[str] = (), root: str = ".", force_exclude: bool = False) -> List[str]:
    """The files :func:`find_files` finds (without what it skipped)."""
    return find_files(paths, exclude, root, force_exclude).files
