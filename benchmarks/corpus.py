"""convlint's reach on a real-world corpus: model code nobody on this project wrote.

Fixtures and tests show what convlint gets right on code written *for* it; this shows how much
of other people's code (tutorials, example repos, research repos) it can analyse, and what stops
it.  The numbers are meant to be compared before and after a front-end change.

The corpus is ``benchmarks/corpus_manifest.json``: repository, pinned commit and paths.  The code
lives only in local git mirrors (``/work/.mirror/<owner>+<name>/repo``, brought there by the
session tool ``fetch github:<owner>/<name>``); this script lays the files out in a temporary
directory with each repository's own directory structure (so sibling modules sit where they do
upstream), runs ``python -m convlint DIR --format json --no-cache`` from a directory without a
``pyproject.toml`` (no configuration leaks in) and derives numbers from the JSON report.

Run:
  python benchmarks/corpus.py                       # the installed convlint (the working tree)
  python benchmarks/corpus.py --rev 4514417         # that commit of this repository (git archive)
  python benchmarks/corpus.py --repeat 5 --json OUT.json --compare benchmarks/corpus_baseline.json
  python benchmarks/corpus.py resolve               # re-resolve the manifest's include globs
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "benchmarks" / "corpus_manifest.json"
SUFFIXES = (".py", ".ipynb")
METRICS_VERSION = 1

# A model whose parameter total convlint reports may still miss modules it could not build; these
# note patterns say so (the count is then a lower bound, whatever the JSON total says).
MISSING_MODULES = re.compile(r"modules it would create are unknown|holds a module convlint cannot resolve")

# The denominator of "files with a model": files that construct at least one weighted layer, read as
# text.  A file here with no model in the report is a silent miss (no model, often no note either).
LAYER_CODE = re.compile(
    r"\b(Conv[123]d|ConvTranspose[123]d|Linear|LazyLinear|Conv[123]D|Conv[123]DTranspose|Conv2DTranspose"
    r"|Dense|SeparableConv[12]D|DepthwiseConv[12]D)\s*\("
)


# ---------------------------------------------------------------------------------------------
# manifest and mirrors


@dataclass
class RepoEntry:
    repo: str
    commit: str
    include: List[str]
    exclude: List[str]
    paths: List[str]
    raw: Dict[str, Any]

    @property
    def slug(self) -> str:
        """Directory name of the repository in the laid-out corpus and in the mirror root."""
        return self.repo.replace("/", "+")


def load_manifest(path: Path) -> Tuple[Dict[str, Any], List[RepoEntry]]:
    data = json.loads(path.read_text())
    entries = [
        RepoEntry(r["repo"], r["commit"], list(r.get("include", [])), list(r.get("exclude", [])),
                  list(r.get("paths", [])), r)
        for r in data["repos"]
    ]
    return data, entries


def mirror_dir(root: Path, entry: RepoEntry) -> Path:
    """The git directory of a fetched snapshot (bare ``repo`` or a clone's ``repo/.git``)."""
    base = root / entry.slug / "repo"
    git_dir = base / ".git" if (base / ".git").is_dir() else base
    if not (git_dir / "objects").is_dir():
        raise SystemExit(f"no mirror of {entry.repo} at {base}: fetch it again (`fetch github:{entry.repo}`)")
    ok = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{entry.commit}^{{commit}}"],
                        capture_output=True)
    if ok.returncode != 0:
        raise SystemExit(f"{entry.repo}: commit {entry.commit} is not in {git_dir} (a newer snapshot?); "
                         "re-fetch it or re-pin and re-resolve the manifest")
    return git_dir


def list_tree(git_dir: Path, commit: str) -> List[str]:
    out = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", "--name-only", commit],
                         capture_output=True, check=True).stdout.decode()
    return [p for p in out.split("\0") if p]


def resolve_paths(tree: Iterable[str], include: Sequence[str], exclude: Sequence[str]) -> List[str]:
    """Source files matched by an include glob and no exclude glob (fnmatch: ``*`` crosses ``/``)."""
    return sorted(
        p for p in tree
        if p.endswith(SUFFIXES)
        and any(fnmatch.fnmatchcase(p, g) for g in include)
        and not any(fnmatch.fnmatchcase(p, g) for g in exclude)
    )


def cmd_resolve(manifest_path: Path, mirror_root: Optional[Path]) -> int:
    data, entries = load_manifest(manifest_path)
    root = mirror_root or Path(data.get("mirror_root", "/work/.mirror"))
    for entry, raw in zip(entries, data["repos"]):
        paths = resolve_paths(list_tree(mirror_dir(root, entry), entry.commit), entry.include, entry.exclude)
        raw["paths"] = paths
        print(f"{entry.repo:45s} {len(paths):4d} files")
    manifest_path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"total {sum(len(r['paths']) for r in data['repos'])} files -> {manifest_path}")
    return 0


def layout(entries: Sequence[RepoEntry], root: Path, dest: Path) -> Dict[str, str]:
    """Write every manifest file to ``dest/<owner>+<name>/<path>``; return {relative path: repo}."""
    owner: Dict[str, str] = {}
    for entry in entries:
        git_dir = mirror_dir(root, entry)
        specs = "".join(f"{entry.commit}:{p}\n" for p in entry.paths).encode()
        # One `git cat-file --batch` per repository: a process per file would dominate the set-up.
        out = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "--batch"], input=specs,
                             capture_output=True, check=True).stdout
        pos = 0
        for path in entry.paths:
            header_end = out.index(b"\n", pos)
            header = out[pos:header_end].decode()
            if header.endswith("missing"):
                raise SystemExit(f"{entry.repo}@{entry.commit}: {path} is missing; re-resolve the manifest")
            size = int(header.split()[2])
            body = out[header_end + 1: header_end + 1 + size]
            pos = header_end + 1 + size + 1
            target = dest / entry.slug / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            owner[f"{entry.slug}/{path}"] = entry.repo
    return owner


# ---------------------------------------------------------------------------------------------
# running convlint


@dataclass
class Run:
    report: Dict[str, Any]
    returncode: int
    stderr: str
    walls: List[float]
    cpus: List[float]
    load: Tuple[float, float, float]
    stable: bool
    convlint_file: str


def convlint_source(rev: Optional[str], src: Optional[Path], scratch: Path) -> Optional[Path]:
    """Directory to put first on PYTHONPATH: ``--src`` as given, or ``--rev`` exported by git archive."""
    if src is not None:
        return src.resolve()
    if rev is None:
        return None
    out = scratch / "convlint_src"
    out.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "convlint"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return out


def run_convlint(corpus: Path, cwd: Path, pythonpath: Optional[Path], repeat: int, jobs: Optional[int]) -> Run:
    """Median wall time of ``repeat`` fresh processes after one untimed warm-up (byte code, OS cache).

    CPU time (user + sys of convlint and its workers) is kept too: on a shared machine it moves far
    less with the load than wall time does."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # else every start recompiles the package (see cli.py)
    env.setdefault("KERAS_BACKEND", "torch")
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath)] + [p for p in [env.get("PYTHONPATH")] if p])
    where = subprocess.run([sys.executable, "-c", "import convlint; print(convlint.__file__)"],
                           env=env, cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()
    cmd = [sys.executable, "-m", "convlint", str(corpus), "--format", "json", "--no-cache"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    walls: List[float] = []
    cpus: List[float] = []
    outputs: List[str] = []
    first: Optional[subprocess.CompletedProcess] = None
    for i in range(repeat + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if first is None:
            first = proc
        if i:
            walls.append(elapsed)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        outputs.append(proc.stdout)
    assert first is not None
    try:
        report = json.loads(first.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"convlint wrote no JSON (exit {first.returncode}):\n{first.stderr[-2000:]}")
    stable = all(_fingerprint(o) == _fingerprint(outputs[0]) for o in outputs)
    return Run(report, first.returncode, first.stderr, walls, cpus, os.getloadavg(), stable, where)


def _fingerprint(stdout: str) -> str:
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError:
        return stdout
    return json.dumps(data, sort_keys=True)


# ---------------------------------------------------------------------------------------------
# metrics


def shape_kind(shape: Optional[List[Any]]) -> str:
    """known: every axis an int; symbolic: rank known, some axis an expression; partial: some axis
    null (unknown); unreached: no shape at all."""
    if shape is None:
        return "unreached"
    dims = shape[1:]
    if any(d is None for d in dims):
        return "partial"
    if all(isinstance(d, int) for d in dims):
        return "known"
    return "symbolic"


def normalise(message: str) -> str:
    """A message with code, names and numbers taken out, so that notes of one cause group together
    (and no text of the corpus ends up in the saved metrics)."""
    s = re.sub(r"`[^`]*`", "`<expr>`", message)
    s = re.sub(r"'[^']*'", "'<name>'", s)
    s = re.sub(r"\"[^\"]*\"", "'<name>'", s)
    s = re.sub(r"\(cannot unpack [^;]*?\)(?=\)|$|;)", "(cannot unpack <expr>)", s)
    s = re.sub(r"[\w.]+(\([^()]*(\([^()]*\))*[^()]*\))?(\[[^\]]*\])*(\.\w+)* is not a constant", "<expr> is not a constant", s)
    s = re.sub(r"\b[\w.]+ (depends on|has no value)", r"<name> \1", s)
    s = re.sub(r"\bsymbol \w+", "symbol <name>", s)
    s = re.sub(r"^[A-Za-z_][\w.]*(?=: )", "<Layer>", s)
    s = re.sub(r"\b[A-Z][A-Za-z0-9_]*(?=[:(])", "<Layer>", s)
    s = re.sub(r"(subclasses of [\w.]+) \(\w+\)", r"\1 (<name>)", s)
    s = re.sub(r"^\w+ has no forward", "<Layer> has no forward", s)
    s = re.sub(r"\(\s*[A-Za-z_]?[A-Za-z0-9_]*\s*,[^)]*\)", "(<shape>)", s)
    s = re.sub(r"\b\d[\d_,.]*\b", "N", s)
    return s


def rel(path: str, corpus: Path) -> str:
    """Report paths relative to the corpus root (``owner+name/path``)."""
    try:
        return str(Path(path).resolve().relative_to(corpus.resolve()))
    except ValueError:
        return path


def repo_of(relpath: str, owner: Dict[str, str]) -> str:
    return owner.get(relpath) or relpath.split("/", 1)[0].replace("+", "/")


def compute(report: Dict[str, Any], corpus: Path, owner: Dict[str, str], families: "FamilyClassifier") -> Dict[str, Any]:
    """Every number of the summary, per repository and in total (JSON-serialisable, no code text)."""
    per: Dict[str, Counter] = defaultdict(Counter)
    layer_files: Dict[str, Set[str]] = defaultdict(set)
    for relpath, repo in owner.items():
        per[repo]["files"] += 1
        if LAYER_CODE.search((corpus / relpath).read_text(errors="replace")):
            per[repo]["files_layer_code"] += 1
            layer_files[repo].add(relpath)
    model_diags: Dict[Tuple[str, str], List[Dict[str, Any]]] = defaultdict(list)
    for d in report["diagnostics"]:
        model_diags[(rel(d["path"], corpus), d.get("model") or "")].append(d)

    files_with_model: Dict[str, Set[str]] = defaultdict(set)
    for m in report["models"]:
        path = rel(m["path"], corpus)
        repo = repo_of(path, owner)
        c = per[repo]
        files_with_model[repo].add(path)
        c["models"] += 1
        c[f"models_{m['framework']}"] += 1
        for layer in m["layers"]:
            if layer["type"] == "Input":
                continue
            c["layers"] += 1
            if layer.get("called") is False:
                c["layers_uncalled"] += 1
                continue
            c[f"layers_{shape_kind(layer['output_shape'])}"] += 1
        notes = model_diags.get((path, m["name"]), [])
        missing = any(d["code"].startswith("CL9") and MISSING_MODULES.search(d["message"]) for d in notes)
        if m["total_params"] is not None and not missing:
            c["params_exact"] += 1
        elif m["total_params"] is not None:
            c["params_total_with_missing_modules"] += 1
        elif any(isinstance(layer["params"], int) and layer["params"] > 0 for layer in m["layers"]):
            c["params_lower_bound"] += 1
        else:
            c["params_unknown"] += 1
    missed: Dict[str, List[str]] = {}
    for repo in per:
        per[repo]["files_with_model"] = len(files_with_model[repo])
        missed[repo] = sorted(layer_files[repo] - files_with_model[repo])
        per[repo]["files_layer_code_no_model"] = len(missed[repo])
    missed_causes: Counter = Counter()
    missed_example: Dict[str, str] = {}
    for repo, paths in missed.items():
        for path in paths:
            cause = families.missed(path)
            missed_causes[cause] += 1
            missed_example.setdefault(cause, path)

    errors: List[Dict[str, Any]] = []
    cl9_codes: Dict[str, Counter] = defaultdict(Counter)
    patterns: Counter = Counter()
    family_counts: Counter = Counter()
    family_example: Dict[str, str] = {}
    crashes: List[Dict[str, Any]] = []
    for d in report["diagnostics"]:
        path = rel(d["path"], corpus)
        repo = repo_of(path, owner)
        code = d["code"]
        per[repo][f"sev_{d['severity']}"] += 1
        if code.startswith("CL1"):
            per[repo]["cl1_errors"] += 1 if d["severity"] == "error" else 0
            per[repo]["cl1_info"] += 0 if d["severity"] == "error" else 1
            errors.append({"where": f"{path}:{d['line']}", "code": code, "severity": d["severity"],
                           "pattern": normalise(d["message"])})
        elif code == "CL999":
            per[repo]["crashes"] += 1
            crashes.append({"where": f"{path}:{d['line']}", "pattern": normalise(d["message"])})
        elif code.startswith("CL9"):
            per[repo]["cl9_notes"] += 1
            cl9_codes[repo][code] += 1
            patterns[f"{code} {normalise(d['message'])}"] += 1
            fam = families.classify(d)
            family_counts[fam] += 1
            family_example.setdefault(fam, f"{path}:{d['line']}")
        elif code.startswith("CL2"):
            per[repo]["cl2"] += 1
        elif code.startswith("CL3"):
            per[repo]["cl3"] += 1

    total: Counter = Counter()
    for c in per.values():
        total.update(c)
    all_cl9: Counter = Counter()
    for c in cl9_codes.values():
        all_cl9.update(c)
    return {
        "repos": {repo: dict(sorted(c.items())) for repo, c in sorted(per.items())},
        "total": dict(sorted(total.items())),
        "cl9_by_code": {repo: dict(sorted(c.items())) for repo, c in sorted(cl9_codes.items())},
        "cl9_by_code_total": dict(sorted(all_cl9.items())),
        "cl9_patterns": [{"count": n, "pattern": p} for p, n in patterns.most_common()],
        "cl9_families": [{"family": f, "count": n, "example": family_example[f]} for f, n in family_counts.most_common()],
        "cl1": sorted(errors, key=lambda e: (e["where"], e["code"])),
        "crashes": crashes,
        "layer_code_no_model": missed,
        "missed_causes": [{"cause": c, "count": n, "example": missed_example[c]} for c, n in missed_causes.most_common()],
    }


# ---------------------------------------------------------------------------------------------
# CL9xx families: what the unresolved construct *is*, so the front end's work can be ranked


class FamilyClassifier:
    """Sorts each CL9xx note into a family of Python constructs: first by the reason convlint gives,
    then by the expression it quotes and the file's own imports (read as text; nothing is imported).

    Heuristic by design: a triage aid that ranks what the front end should learn next.  Its rules
    stay fixed across a front-end change, so the before/after counts compare; a note the rules do
    not place falls into "other", which should stay small.
    """

    def __init__(self, corpus: Path, owner: Dict[str, str]) -> None:
        self.corpus = corpus.resolve()
        self.owner = owner
        self._sources: Dict[str, str] = {}
        self._siblings: Dict[str, Dict[str, str]] = {}

    # -- file text ------------------------------------------------------------------------------

    def text(self, path: str) -> str:
        """The file's Python text (a notebook's code cells joined)."""
        if path not in self._sources:
            try:
                raw = Path(path).read_text(errors="replace")
            except OSError:
                raw = ""
            if path.endswith(".ipynb"):
                try:
                    cells = json.loads(raw).get("cells", [])
                    raw = "\n".join("".join(c.get("source", [])) for c in cells if c.get("cell_type") == "code")
                except (ValueError, AttributeError):
                    raw = ""
            self._sources[path] = raw
        return self._sources[path]

    def line(self, path: str, lineno: int) -> str:
        lines = self.text(path).splitlines()
        return lines[lineno - 1] if 1 <= lineno <= len(lines) else ""

    def repo_files(self, path: str) -> List[Path]:
        """The other corpus files of the same repository."""
        try:
            top = Path(path).resolve().relative_to(self.corpus).parts[0]
        except (ValueError, IndexError):
            return []
        return [self.corpus / p for p in self.owner if p.split("/", 1)[0] == top and self.corpus / p != Path(path).resolve()]

    def siblings(self, path: str) -> Dict[str, str]:
        """Names the file imports from a module of its own repository ({name: module}); a star
        import from a sibling module is recorded as ``*``."""
        if path in self._siblings:
            return self._siblings[path]
        names: Dict[str, str] = {}
        here = Path(path).resolve()
        text = re.sub(r"\\\n", " ", self.text(path))
        text = re.sub(r"\(([^()]*)\)", lambda m: m.group(0).replace("\n", " "), text)
        for m in re.finditer(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([^\n#]+)", text, re.M):
            dots, module, what = m.groups()
            if dots or self._is_local(module, here):
                for part in what.replace(")", "").split(","):
                    bits = part.split()
                    if bits:
                        names[bits[-1]] = (dots + module) or "."
        for m in re.finditer(r"^[ \t]*import[ \t]+([^\n#]+)", text, re.M):
            for part in m.group(1).split(","):
                bits = part.split()
                if bits and self._is_local(bits[0], here):
                    names[bits[-1].split(".")[0]] = bits[0]
        self._siblings[path] = names
        return names

    def _is_local(self, module: str, here: Path) -> bool:
        if not module:
            return False
        parts = module.split(".")
        for base in [here.parent] + list(here.parents):
            if base == self.corpus or self.corpus not in base.parents:
                break
            target = base.joinpath(*parts)
            if target.with_suffix(".py").exists() or (target / "__init__.py").exists():
                return True
        return False

    # -- CL9xx notes ----------------------------------------------------------------------------

    def classify(self, d: Dict[str, Any]) -> str:
        msg: str = d["message"]
        code: str = d["code"]
        path: str = d["path"]
        quoted = " ".join(re.findall(r"`([^`]*)`", msg))
        reason = " ".join(re.findall(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)", msg))
        expr = quoted or reason
        if code == "CL901":
            return "syntax error (file does not parse)"
        if code == "CL904":
            if "symbolic spatial dims" in msg:
                return "no input shape: spatial dims left symbolic (no example call / comment / config)"
            return "no input shape: input unknown (no example call / comment / config)"
        if code == "CL905":
            return f"layer type not in the catalogue ({'keras' if 'keras layer' in msg else 'torch'})"
        if "argparse." in msg or re.search(r"\b(args|opt|opts|FLAGS|hparams)\.\w+", quoted):
            return "argparse / CLI option (opt.latent_dim, args.x)"
        if re.search(r"\b(cfg|config|conf|settings)\.\w+", expr):
            return "config module / object attribute (config.X)"
        sib = self.siblings(path)
        idents = set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)", expr)) | set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)\(", msg))
        if idents & set(sib):
            return "name imported from a sibling module (IMAGE_ORDERING, config.X)"
        if re.search(r"name '\w+' is not defined in this file", msg):
            return "name from an enclosing function (closure) or elsewhere"
        if re.search(r"argument '\w+' of \S+ is not given|a parameter without a default|has no value here|no example input", msg):
            return self._unbound(d)
        block = re.search(r"block convlint cannot follow \(line (\d+)\)", msg)
        if block:
            head = self.line(path, int(block.group(1))).strip()
            if not head.startswith(("for ", "while ")):
                for back in range(int(block.group(1)) - 1, 0, -1):
                    prev = self.line(path, back).strip()
                    if prev.startswith(("for ", "while ", "if ", "elif ", "else", "with ", "try", "def ")):
                        head = prev
                        break
            if head.startswith(("for ", "while ")):
                return "loop that builds modules / layers (for ... in ...)"
            if head.startswith(("if ", "elif ", "else")):
                return "branch on an undecided condition (if stride != 1 ..., if steps == 0)"
            return "other"
        if "unpack" in msg:
            return "tuple unpacking of an unknown value (c, h, w = img_shape; a, b = f(x))"
        if "isinstance" in expr or re.search(r"\btype\(", expr):
            return "isinstance() / type() test"
        if "loop" in msg:
            return "loop that builds modules / layers (for ... in ...)"
        if "condition" in msg:
            return "branch on an undecided condition (if stride != 1 ..., if steps == 0)"
        if re.search(r"\bchildren\(\)|\.layers\[|get_layer|\bmodel\.(input|output)\b|torchvision\.models\.", msg):
            return "another model's internals (children()[:k], model.layers[i].output, torchvision.models.x())"
        if re.search(r"\blen\(|\.shape is not a constant|np\.max\(|max\(map\(|min\(|len of unknown", msg):
            return "value computed from data (len(vocab), x_train.shape, np.max(y))"
        if re.search(r"numpy\.|math\.|\bnp\.", msg):
            return "numpy / math call on constants (np.prod(img_shape), math.floor)"
        if re.search(r"read from the shape|another tensor|batch size|over every axis|cannot be expanded|\.dim\(\)", msg):
            return "size read off a tensor outside the model / the batch axis"
        if re.search(r"subclasses of|no forward method|the output of \w+\(\) could not be followed", msg):
            return "custom layer class it does not follow (subclass of nn.Linear, keras Layer subclass, no forward())"
        if re.search(r"does not follow the call|\b\w+\([^`]*\) is not a constant", msg) and not re.search(
                r"(torch|F|tf|keras|K|np)\.", quoted or reason):
            return "call of a helper / submodule it does not follow (self.shortcut(x), block(x))"
        if code == "CL903" or re.search(r"(torch|F|tf|keras|K)\.[\w.]+\(", expr):
            return "tensor op / arithmetic outside the catalogue (torch.sqrt, F.batch_norm, tf.image.resize)"
        if re.search(r"\w\[[^\]]*\]|indexing", expr + msg):
            return "subscript of a list / dict (cfg[key][0], out_planes[3])"
        if re.search(r"\bself\.\w+", expr):
            return "attribute of self (self.x)"
        return "other"

    def _unbound(self, d: Dict[str, Any]) -> str:
        """An unbound constructor parameter: is the class built anywhere convlint could have seen?"""
        model = d.get("model") or ""
        # Any mention outside its own class line counts: ``ResNet(...)`` in ``def ResNet18()``, or the
        # class passed along as ``SENet(BasicBlock, [2, 2, 2, 2])`` and built as ``block(...)``.
        use = re.compile(rf"(?<![\w.]){re.escape(model)}\b") if model else None
        if use is not None:
            own = [ln for ln in self.text(d["path"]).splitlines()
                   if use.search(ln) and not ln.lstrip().startswith("class ") and not re.search(r"super\(\s*\w+\s*,", ln)]
            if own:
                return "unbound constructor argument: the class is built only in a helper/factory of the same file (def ResNet18(): return ResNet(...))"
            for other in self.repo_files(d["path"]):
                if use.search(self.text(str(other))):
                    return "unbound constructor argument: the class is built (or looked up) in another module of the repo"
        return "unbound constructor argument: the class is never built in the repo"

    # -- files that construct layers but gave no model -----------------------------------------

    def missed(self, relpath: str) -> str:
        path = str(self.corpus / relpath)
        text = self.text(path)
        sib = self.siblings(path)
        bases = re.findall(r"^class\s+\w+\s*\(([^)]*)\)", text, re.M)
        if "keras_core" in text:
            return "Keras imported as keras_core (the Keras 3 preview package name)"
        if re.search(r"^\s*from\s+\S*(keras|tensorflow|torch)\S*\s+import\s+\*", text, re.M):
            return "star import (from keras.layers import *)"
        if "LightningModule" in text:
            return "pl.LightningModule base class"
        if any(b.split(".")[0].strip() in sib for bl in bases for b in bl.split(",")):
            return "model class derives from a base class imported from a sibling module"
        if any(re.search(r"\bLayer\b", bl) for bl in bases):
            return "Keras Layer subclass (the model is assembled in another file)"
        if re.search(r"=\s*(torch\.)?nn\.Linear\(", text) and not re.search(r"class\s+\w+\s*\([^)]*Module", text):
            return "a bare layer used as the model (model = nn.Linear(...))"
        if re.search(r"^def\s+\w+\(", text, re.M):
            return "model built in a function this file never calls"
        return "other"


# ---------------------------------------------------------------------------------------------
# output


COLUMNS = [
    ("files", "files"), ("files_layer_code", "w/layer"), ("files_with_model", "w/model"),
    ("files_layer_code_no_model", "missed"), ("models", "models"), ("layers", "layers"),
    ("layers_known", "known"), ("layers_symbolic", "symb"), ("layers_partial", "part"), ("layers_unreached", "unreach"),
    ("layers_uncalled", "uncall"), ("params_exact", "p.exact"), ("params_total_with_missing_modules", "p.gaps"),
    ("params_lower_bound", "p.lower"), ("params_unknown", "p.unk"), ("cl1_errors", "CL1err"), ("cl9_notes", "CL9"),
    ("crashes", "crash"),
]


def table(metrics: Dict[str, Any]) -> str:
    head = f"{'repository':40s}" + "".join(f"{h:>8s}" for _, h in COLUMNS)
    rows = [head, "-" * len(head)]
    for repo, c in metrics["repos"].items():
        rows.append(f"{repo:40s}" + "".join(f"{c.get(k, 0):8d}" for k, _ in COLUMNS))
    rows.append("-" * len(head))
    rows.append(f"{'TOTAL':40s}" + "".join(f"{metrics['total'].get(k, 0):8d}" for k, _ in COLUMNS))
    return "\n".join(rows)


def pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}%" if b else "   - "


def print_report(metrics: Dict[str, Any], raw_cl1: List[Tuple[str, str, str]], top: int, list_missed: bool) -> None:
    t = metrics["total"]
    print(table(metrics))
    print()
    print("columns: w/layer = files constructing a weighted layer (text search); w/model = files where convlint"
          " found a model; missed = w/layer files without a model;"
          " known/symb/part/unreach = layer output shapes fully known / symbolic with known rank / some axis"
          " unknown / not reached; uncall = submodules forward never calls; p.exact = parameter total reported and no"
          " module left unbuilt; p.gaps = total reported although a CL9xx note says modules were not built (a lower"
          " bound); p.lower = total unknown, some layers counted; p.unk = nothing counted")
    print()
    print(f"layers with a fully known shape: {pct(t.get('layers_known', 0), t.get('layers', 0))}; known or symbolic:"
          f" {pct(t.get('layers_known', 0) + t.get('layers_symbolic', 0), t.get('layers', 0))}; files constructing"
          f" layers that gave a model: {pct(t.get('files_layer_code', 0) - t.get('files_layer_code_no_model', 0), t.get('files_layer_code', 0))};"
          f" models with a complete total: {pct(t.get('params_exact', 0), t.get('models', 0))}")
    r = metrics["run"]
    print(f"run: {r['wall_median_s']:.2f} s median wall of {r['repeat']} (min {r['wall_min_s']:.2f}), CPU"
          f" {r['cpu_median_s']:.2f} s, load average {r['load_avg_1_5_15']}, exit status"
          f" {r['returncode']}, stable across runs: {r['stable']}, traceback in stderr: {r['stderr_traceback']},"
          f" CL999: {t.get('crashes', 0)}")
    print()
    severity = {(e["where"], e["code"]): e["severity"] for e in metrics["cl1"]}
    for level, title in (("error", "CL1xx errors: each is a real bug in that code or a convlint false alarm"),
                         ("info", "CL1xx info (CL108: the input sizes a hand-computed size fits; check against the data)")):
        rows = [(w, c, m) for w, c, m in raw_cl1 if severity.get((w, c), "error") == level]
        print(f"{title} ({len(rows)}):")
        for where, code, message in rows:
            print(f"  {where}: {code} {message}")
    print()
    print("CL9xx notes by code:", ", ".join(f"{k} {v}" for k, v in metrics["cl9_by_code_total"].items()))
    print(f"top {top} CL9xx message patterns:")
    for p in metrics["cl9_patterns"][:top]:
        print(f"  {p['count']:5d}  {p['pattern']}")
    print("CL9xx families (heuristic, from the construct each note names):")
    for f in metrics["cl9_families"]:
        print(f"  {f['count']:5d}  {f['family']}  (e.g. {f['example']})")
    print("files that construct layers but gave no model, by cause (heuristic):")
    for m in metrics["missed_causes"]:
        print(f"  {m['count']:5d}  {m['cause']}  (e.g. {m['example']})")
    if list_missed:
        print("files that construct layers but gave no model:")
        for repo, paths in metrics["layer_code_no_model"].items():
            for path in paths:
                print(f"  {path}")
    if metrics["crashes"]:
        print("crashes:")
        for c in metrics["crashes"]:
            print(f"  {c['where']}: {c['pattern']}")


def compare(new: Dict[str, Any], old: Dict[str, Any]) -> None:
    """Per-repository and total deltas, and which CL1xx findings appeared or went away."""
    print(f"compare with {old.get('label', 'old')} (convlint {old.get('convlint', {}).get('source', '?')})")
    old_corpus, new_corpus = old.get("corpus", {}).get("repos", {}), new.get("corpus", {}).get("repos", {})
    if old_corpus != new_corpus:
        print("WARNING: the two runs saw different corpora (repositories, commits or file lists differ);"
              " the TOTAL row and the CL9xx counts below do not compare like for like")
    keys = [k for k, _ in COLUMNS]
    head = f"{'repository':40s}" + "".join(f"{h:>8s}" for _, h in COLUMNS)
    print(head)
    for repo in sorted(set(new["repos"]) | set(old["repos"])) + ["TOTAL"]:
        a = old["total"] if repo == "TOTAL" else old["repos"].get(repo, {})
        b = new["total"] if repo == "TOTAL" else new["repos"].get(repo, {})
        cells = []
        for k in keys:
            delta = b.get(k, 0) - a.get(k, 0)
            cells.append(f"{delta:+8d}" if delta else f"{'.':>8s}")
        print(f"{repo:40s}" + "".join(cells))
    for key, label in (("wall_median_s", "wall"), ("cpu_median_s", "CPU")):
        ow, nw = old["run"].get(key, 0.0), new["run"].get(key, 0.0)
        if ow and nw:
            print(f"{label}: {ow:.2f} s -> {nw:.2f} s ({nw / ow:.2f}x)")
    old_cl1 = {(e["where"], e["code"]) for e in old["cl1"]}
    new_cl1 = {(e["where"], e["code"]) for e in new["cl1"]}
    for label, items in (("new CL1xx", new_cl1 - old_cl1), ("gone CL1xx", old_cl1 - new_cl1)):
        for where, code in sorted(items):
            print(f"  {label}: {where} {code}")
    codes = sorted(set(old["cl9_by_code_total"]) | set(new["cl9_by_code_total"]))
    print("CL9xx by code: " + ", ".join(
        f"{c} {old['cl9_by_code_total'].get(c, 0)}->{new['cl9_by_code_total'].get(c, 0)}" for c in codes))
    of = {f["family"]: f["count"] for f in old["cl9_families"]}
    nf = {f["family"]: f["count"] for f in new["cl9_families"]}
    for fam in sorted(set(of) | set(nf), key=lambda f: -of.get(f, 0)):
        if of.get(fam, 0) != nf.get(fam, 0):
            print(f"  family {fam}: {of.get(fam, 0)} -> {nf.get(fam, 0)}")


# ---------------------------------------------------------------------------------------------


def recompute(args: argparse.Namespace, entries: Sequence[RepoEntry], corpus: Path) -> int:
    """Metrics of a saved report over a kept corpus: the classifiers change, convlint's output does not."""
    owner = {f"{e.slug}/{p}": e.repo for e in entries for p in e.paths}
    report = json.loads(args.from_raw.read_text())
    metrics = compute(report, corpus, owner, FamilyClassifier(corpus, owner))
    metrics["run"] = {"repeat": 0, "wall_median_s": 0.0, "wall_min_s": 0.0, "cpu_median_s": 0.0,
                      "load_avg_1_5_15": None, "returncode": None, "stable": None,
                      "stderr_traceback": None, "jobs": None, "cpus": os.cpu_count()}
    raw_cl1 = sorted((f"{rel(d['path'], corpus)}:{d['line']}", d["code"], d["message"])
                     for d in report["diagnostics"] if d["code"].startswith("CL1"))
    print_report(metrics, raw_cl1, args.top, args.list_missed)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("command", nargs="?", default="run", choices=["run", "resolve"])
    p.add_argument("--manifest", type=Path, default=MANIFEST)
    p.add_argument("--mirror-root", type=Path, help="default: the manifest's mirror_root")
    p.add_argument("--repeat", type=int, default=1, help="timed runs after one warm-up (median wall)")
    p.add_argument("--jobs", type=int, help="passed to convlint --jobs (default: convlint's own)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--rev", help="run convlint as of this commit of this repository (git archive)")
    src.add_argument("--src", type=Path, help="run the convlint package found in this directory")
    p.add_argument("--repo", action="append", help="only this repository (owner/name; repeatable)")
    p.add_argument("--json", type=Path, dest="json_out", help="save the metrics (numbers, no code) here")
    p.add_argument("--compare", type=Path, help="metrics JSON of an earlier run to diff against")
    p.add_argument("--label", default="", help="a name for this run in the saved metrics")
    p.add_argument("--keep", type=Path, help="lay the corpus out here and keep it (for reading the findings)")
    p.add_argument("--raw", type=Path, help="also save convlint's own JSON report here (contains code; do not commit)")
    p.add_argument("--from-raw", type=Path, help="recompute the metrics from a report saved with --raw, over the"
                   " corpus kept with --keep (no convlint run; for refining the classifiers)")
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--list-missed", action="store_true", help="list files that construct layers but gave no model")
    args = p.parse_args(argv)

    if args.command == "resolve":
        return cmd_resolve(args.manifest, args.mirror_root)

    data, entries = load_manifest(args.manifest)
    if args.repo:
        entries = [e for e in entries if e.repo in args.repo]
    mirror_root = args.mirror_root or Path(data.get("mirror_root", "/work/.mirror"))
    with tempfile.TemporaryDirectory(prefix="convlint-corpus-") as tmp:
        scratch = Path(tmp)
        corpus = (args.keep.resolve() if args.keep else scratch / "corpus")
        if args.from_raw:
            if not args.keep:
                raise SystemExit("--from-raw needs --keep DIR (the corpus the report was made on)")
            return recompute(args, entries, corpus)
        if args.keep and corpus.exists() and any(corpus.iterdir()):
            raise SystemExit(f"--keep {corpus} exists and is not empty")
        corpus.mkdir(parents=True, exist_ok=True)
        for parent in [corpus] + list(corpus.parents):
            if (parent / "pyproject.toml").exists():
                raise SystemExit(f"{parent / 'pyproject.toml'} would configure the run; lay the corpus out elsewhere")
        owner = layout(entries, mirror_root, corpus)
        cwd = scratch / "cwd"
        cwd.mkdir()
        pythonpath = convlint_source(args.rev, args.src, scratch)
        run = run_convlint(corpus, cwd, pythonpath, max(1, args.repeat), args.jobs)
        metrics = compute(run.report, corpus, owner, FamilyClassifier(corpus, owner))
        if args.raw:
            args.raw.write_text(json.dumps(run.report, indent=1))
        raw_cl1 = sorted((f"{rel(d['path'], corpus)}:{d['line']}", d["code"], d["message"])
                         for d in run.report["diagnostics"] if d["code"].startswith("CL1"))
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    metrics["label"] = args.label
    metrics["version"] = METRICS_VERSION
    metrics["convlint"] = {"source": f"rev {args.rev}" if args.rev else (str(args.src) if args.src else f"installed (HEAD {head} + working tree)"),
                           "module": run.convlint_file.replace(tmp, "<tmp>")}
    manifest = args.manifest.resolve()
    metrics["corpus"] = {"manifest": str(manifest.relative_to(ROOT)) if manifest.is_relative_to(ROOT) else str(manifest),
                         "repos": {e.repo: {"commit": e.commit, "files": len(e.paths)} for e in entries},
                         "files_checked": run.report["files_checked"]}
    metrics["run"] = {"repeat": len(run.walls), "wall_median_s": round(statistics.median(run.walls), 3),
                      "wall_min_s": round(min(run.walls), 3), "cpu_median_s": round(statistics.median(run.cpus), 3),
                      "load_avg_1_5_15": [round(x, 2) for x in run.load], "returncode": run.returncode, "stable": run.stable,
                      "stderr_traceback": "Traceback" in run.stderr, "jobs": args.jobs, "cpus": os.cpu_count()}
    print_report(metrics, raw_cl1, args.top, args.list_missed)
    if run.stderr.strip():
        print("\nconvlint stderr (tail):\n" + run.stderr[-1500:])
    if args.json_out:
        args.json_out.write_text(json.dumps(metrics, indent=1) + "\n")
        print(f"\nmetrics -> {args.json_out}")
    if args.compare:
        print()
        compare(metrics, json.loads(args.compare.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
