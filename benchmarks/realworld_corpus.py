"""The real-world corpus of ``realworld.py``: its manifest, and its files laid out from the mirrors.

Shared by ``realworld.py`` (convlint on the files) and ``realworld_facts.py`` (the frameworks on
the same files).  Only the manifest is kept in this repository: repository, pinned commit, path,
and for some files a *recipe* (which of the file's own calls builds its model, which input the
file's data has); the code stays in the local git mirrors that the session tool
``fetch github:<owner>/<name>`` brings to ``/work/.mirror/<owner>+<name>/repo``.  The mirror
and extraction code is ``corpus.py``'s (one implementation of both).
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402  (benchmarks/ is not a package)

MANIFEST = HERE / "realworld_manifest.json"
FACTS = HERE / "realworld_facts.json"
FRAMEWORKS = ("keras", "torch")
KINDS = ("tutorial", "course", "research", "qa", "legacy", "snippet")
RECIPE_KEYS = {"builds", "inputs", "argv", "package", "run_main", "stop_line", "skip_lines", "prelude",
               "auto", "run_loops"}


@dataclass(frozen=True)
class CorpusFile:
    """One measured file: where it lives and how the facts script builds its models."""

    repo: str
    commit: str
    path: str
    framework: str
    kind: str
    recipe: Dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    manual: Optional[Dict[str, Any]] = field(default=None, hash=False, compare=False)

    @property
    def key(self) -> str:
        """Unique across the corpus (one repository can be pinned at two commits)."""
        return f"{self.repo}@{self.commit[:8]}:{self.path}"

    @property
    def tree(self) -> str:
        """Directory of its repository snapshot in a laid-out corpus."""
        return f"{self.repo.replace('/', '+')}@{self.commit[:8]}"

    @property
    def relpath(self) -> str:
        return f"{self.tree}/{self.path}"


@dataclass
class RepoPin:
    repo: str
    commit: str
    kind: str
    files: List[CorpusFile]
    support: List[str]


def load(path: Path = MANIFEST) -> List[RepoPin]:
    data = json.loads(path.read_text())
    pins = []
    for r in data["repos"]:
        files = [CorpusFile(r["repo"], r["commit"], f["path"], f["framework"], f["kind"], dict(f.get("recipe", {})),
                            f.get("manual")) for f in r["files"]]
        pins.append(RepoPin(r["repo"], r["commit"], r.get("kind", ""), files, list(r.get("support", []))))
    return pins


def all_files(pins: Sequence[RepoPin]) -> Iterator[CorpusFile]:
    for pin in pins:
        yield from pin.files


def mirror_root(path: Path = MANIFEST) -> Path:
    return Path(json.loads(path.read_text()).get("mirror_root", "/work/.mirror"))


def tree_paths(tree: Sequence[str], pin: RepoPin) -> List[str]:
    """The files to lay out: the measured ones, every ``.py`` beside them (siblings they import),
    the ``__init__.py`` of their packages, and the pin's ``support`` globs."""
    wanted = {f.path for f in pin.files}
    dirs = {posixpath.dirname(p) for p in wanted}
    ancestors = set()
    for d in dirs:
        while d:
            d = posixpath.dirname(d)
            ancestors.add(d)
    for p in tree:
        if not p.endswith(".py"):
            continue
        d = posixpath.dirname(p)
        if d in dirs or (d in ancestors and posixpath.basename(p) == "__init__.py") \
                or any(fnmatch.fnmatchcase(p, g) for g in pin.support):
            wanted.add(p)
    return sorted(wanted)


def lay_out(pins: Sequence[RepoPin], dest: Path, root: Optional[Path] = None) -> None:
    """Write each pin's files to ``dest/<owner>+<name>@<commit8>/<path>`` from its mirror."""
    root = root or mirror_root()
    for pin in pins:
        entry = corpus.RepoEntry(pin.repo, pin.commit, [], [], [], {})
        git_dir = corpus.mirror_dir(root, entry)
        entry.paths = tree_paths(corpus.list_tree(git_dir, pin.commit), pin)
        staging = dest / pin.files[0].tree if pin.files else dest
        corpus.layout([entry], root, staging.parent / "_staging")
        (staging.parent / "_staging" / entry.slug).rename(staging)
        (staging.parent / "_staging").rmdir()
