"""A results cache: one file's outcome, keyed by everything that can change it.

The key hashes the file's path and bytes with a *salt* made of the convlint version, the
size and mtime of every convlint source file (so a development checkout never serves results
of older code), the installed plugins, and the whole configuration.  Entries are pickled
:class:`~convlint.runner.FileOutcome` values, written atomically (``os.replace``), so parallel
runs can share a directory.  A hit skips parsing and, when every file hits, even importing
libcst, the front ends and the layer catalogue.  Any cache failure is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from typing import Any, Iterable, Optional

__all__ = ["CACHE_DIR", "Cache", "make_salt"]

CACHE_DIR = ".convlint_cache"


def _source_fingerprint() -> str:
    root = os.path.dirname(os.path.abspath(__file__))
    parts = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                st = os.stat(os.path.join(directory, name))
                parts.append(f"{os.path.relpath(os.path.join(directory, name), root)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def make_salt(version: str, config: Any, plugins: Iterable[str], options: Iterable[str] = ()) -> str:
    """Everything besides the file that decides a file's outcome (``options``: command-line
    switches that change it, such as ``--why``)."""
    return "\n".join([version, _source_fingerprint(), repr(sorted(plugins)), repr(config), repr(sorted(options))])


class Cache:
    """Pickled outcomes under ``directory``; ``get`` / ``put`` by :meth:`key`."""

    def __init__(self, directory: str, salt: str) -> None:
        self.directory = directory
        self._salt = hashlib.sha256(salt.encode()).digest()

    def key(self, path: str, data: bytes) -> str:
        h = hashlib.sha256(self._salt)
        h.update(path.encode("utf-8", "surrogateescape") + b"\0")
        h.update(data)
        return h.hexdigest()

    def _file(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key[2:])

    def get(self, key: str) -> Optional[Any]:
        try:
            with open(self._file(key), "rb") as f:
                return pickle.load(f)
        except Exception:  # missing, truncated, or written by an incompatible version: a miss
            return None

    def put(self, key: str, value: Any) -> None:
        target = self._file(key)
        try:
            if not os.path.isdir(self.directory):
                os.makedirs(self.directory, exist_ok=True)
                # Like ruff's cache: never committed by accident.
                with open(os.path.join(self.directory, ".gitignore"), "w") as f:
                    f.write("# created by convlint\n*\n")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target))
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except Exception:  # read-only tree, full disk, unpicklable plugin data: just do not cache
            try:
                os.unlink(tmp)  # type: ignore[possibly-undefined]
            except Exception:
                pass
