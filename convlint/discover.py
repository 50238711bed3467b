"""Which files a run checks, and the cheap text test that skips most of them before parsing.

Directories are walked recursively for ``.py`` and ``.ipynb`` files, skipping tool and
environment directories and the configuration's ``exclude`` globs.  A file named explicitly on
the command line is always checked, unless ``force_exclude`` (what pre-commit passes) applies
``exclude`` to it too.  Paths keep the spelling the user gave (``src/net.py``, not absolute).
"""

from __future__ import annotations

import fnmatch
import os
import re
from typing import Iterable, Iterator, List, Sequence

__all__ = ["SKIP_DIRS", "SUFFIXES", "discover", "is_excluded", "maybe_model", "PREFILTER"]

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


def _walk(top: str, patterns: Sequence[str], root: str) -> Iterator[str]:
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = os.path.join(top, entry.name) if top != "." else entry.name
        if entry.is_dir(follow_symlinks=False):
            if entry.name in SKIP_DIRS or entry.name.endswith(".egg-info") or is_excluded(path, patterns, root):
                continue
            yield from _walk(path, patterns, root)
        elif entry.name.endswith(SUFFIXES) and not is_excluded(path, patterns, root):
            yield path


def discover(paths: Iterable[str], exclude: Sequence[str] = (), root: str = ".", force_exclude: bool = False) -> List[str]:
    """Files to check, each once, in a stable order.  Missing paths raise ``FileNotFoundError``."""
    out: List[str] = []
    seen = set()
    for given in paths:
        if os.path.isdir(given):
            found: Iterable[str] = _walk(os.path.normpath(given), exclude, root)
        elif os.path.exists(given):
            if force_exclude and is_excluded(given, exclude, root):
                continue
            found = [given]
        else:
            raise FileNotFoundError(given)
        for path in found:
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                out.append(path)
    return out
