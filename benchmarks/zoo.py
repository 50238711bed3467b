"""Model-zoo benchmark: convlint on the frameworks' own model files, against the real models.

Each target is a model builder of Keras (``keras/src/applications/``) or torchvision
(``torchvision/models/``).  Its model folder is copied, unchanged and at the same path, into a
fresh directory, as a repository that vendors it would hold it, together with the package
modules the folder itself imports (torchvision's ``ops``, ``utils``, ``transforms``: all of
torchvision's ``.py`` files; Keras' applications import nothing of their package beyond the
folder but Keras' own API, which stays a framework name).  One call that builds the model is
added in one of two layouts:

* ``in-file``: the call is appended to the builder's own file
  (``model = VGG16(weights=None)`` at the end of ``keras/src/applications/vgg16.py``;
  ``resnet18()(torch.randn(1, 3, 224, 224))`` at the end of ``torchvision/models/resnet.py``);
* ``import``: the call is in ``main.py`` at the repository root and imports the builder as a
  user writes it (``from keras.src.applications.vgg16 import VGG16``,
  ``from torchvision.models.resnet import resnet18``); Python resolves the import from the
  script's own directory, and so does convlint (it reads those files, never imports them).

convlint then runs as a user runs it: ``convlint --no-cache --format json FILE`` on the file
holding the call, in a fresh process whose working directory is that repository (no
``pyproject.toml`` there or above it, so no configuration and no input shape are supplied).

Measured per target and layout: was the model found (a model of the report whose layer names
cover at least half of the real model's layers), is its total parameter count exact, and how
many of the real model's layers get their real output shape (batch dim dropped).  Layer names:
Keras layer names (explicit ``name=`` or Keras' per-session auto names, ``conv2d_3``) for Keras;
``named_modules()`` paths of leaf modules for PyTorch, each call of a module compared in order.
A Keras ``InputLayer`` is compared with the report's model ``input_shape``.

The real facts (parameter counts, every layer's output shape, build times) come from the
frameworks and are cached in ``zoo_facts.json`` beside this file, so the benchmark runs without
them; ``--refresh`` recomputes the cache (needs keras, torch and torchvision installed).

Run: ``python benchmarks/zoo.py [--refresh] [--repeat N] [--only NAME ...]``
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FACTS = HERE / "zoo_facts.json"
LAYOUTS = ("in-file", "import")
FOUND_SHARE = 0.5
"""A report model is the target's when its layer names cover at least this share of the real
model's layers (only the target's own layers carry those names)."""
TIMEOUT = 300


# -- the targets ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One model builder and the file that defines it, relative to the framework's model folder."""

    framework: str  # "keras" | "torch"
    name: str
    module: str
    size: int = 224
    """PyTorch: the example input's side; Keras: the side the application's defaults fix (not passed)."""
    real_batch: int = 1
    """Batch of the real forward that records the shapes (compared without the batch dim).
    inception_v3 needs 2: in training mode, as its example call runs, BatchNorm on the aux
    head's 1x1 map refuses a single sample (PyTorch raises for the batch-1 example call)."""

    @property
    def key(self) -> str:
        return f"{self.framework}:{self.name}"

    @property
    def package(self) -> str:
        """The model folder's dotted name, as in the framework (``torchvision.models``)."""
        return ".".join(FOLDER[self.framework])

    @property
    def call(self) -> str:
        """The statement a user writes to build (and, for PyTorch, run) the model."""
        if self.framework == "keras":  # no input shape: the applications' defaults fix one
            return f"model = {self.name}(weights=None)"
        return f"{self.name}()(torch.randn(1, 3, {self.size}, {self.size}))"

    def main_py(self) -> str:
        """The ``import`` layout's script."""
        head = "" if self.framework == "keras" else "import torch\n"
        return f"{head}from {self.package}.{self.module} import {self.name}\n\n{self.call}\n"


TARGETS: Tuple[Target, ...] = (
    Target("keras", "VGG16", "vgg16"),
    Target("keras", "VGG19", "vgg19"),
    Target("keras", "ResNet50", "resnet"),
    Target("keras", "MobileNet", "mobilenet"),
    Target("keras", "MobileNetV2", "mobilenet_v2"),
    Target("keras", "InceptionV3", "inception_v3", 299),
    Target("keras", "Xception", "xception", 299),
    Target("keras", "DenseNet121", "densenet"),
    Target("keras", "EfficientNetB0", "efficientnet"),
    Target("keras", "ConvNeXtTiny", "convnext"),
    Target("keras", "NASNetMobile", "nasnet"),
    Target("torch", "alexnet", "alexnet"),
    Target("torch", "vgg11", "vgg"),
    Target("torch", "resnet18", "resnet"),
    Target("torch", "resnet50", "resnet"),
    Target("torch", "squeezenet1_0", "squeezenet"),
    Target("torch", "densenet121", "densenet"),
    Target("torch", "mobilenet_v2", "mobilenetv2"),
    Target("torch", "mobilenet_v3_small", "mobilenetv3"),
    Target("torch", "googlenet", "googlenet"),
    Target("torch", "inception_v3", "inception", 299, real_batch=2),
    Target("torch", "efficientnet_b0", "efficientnet"),
    Target("torch", "shufflenet_v2_x1_0", "shufflenetv2"),
    Target("torch", "mnasnet0_5", "mnasnet"),
    Target("torch", "regnet_y_400mf", "regnet"),
    Target("torch", "convnext_tiny", "convnext"),
)
BY_NAME = {t.name: t for t in TARGETS}

DIST = {"keras": "keras", "torch": "torchvision"}
"""The distribution that ships each framework's model folder."""
FOLDER = {"keras": ("keras", "src", "applications"), "torch": ("torchvision", "models")}
COPIED = {"keras": ("keras", "src", "applications"), "torch": ("torchvision",)}
"""What a repository vendoring the models holds, at the same path: the model folder and the
package modules it imports (torchvision's models import ``..ops``, ``..utils``, ``..transforms``;
Keras' applications import only Keras' own API beyond their folder, which stays a framework
name).  Only ``.py`` files are copied."""


# -- the model folders ------------------------------------------------------------------------
def installed_version(dist: str) -> Optional[str]:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _installed_folder(framework: str) -> Optional[Path]:
    """The installed model folder, found without importing the package (torchvision's
    ``__init__`` fails beside the local torch; convlint never needs to import it either)."""
    top, *rest = COPIED[framework]
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]).joinpath(*rest)
    return folder if folder.is_dir() else None


def _wheel_folder(framework: str, version: str) -> Path:
    """The model folder from the framework's wheel of ``version``, downloaded with pip and
    unpacked (never installed) under the user cache: lets the benchmark run where the
    framework is not installed."""
    dist = DIST[framework]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "convlint-zoo" / f"{dist}-{version}"
    folder = cache.joinpath(*COPIED[framework])
    if folder.is_dir():
        return folder
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "-d", tmp, f"{dist}=={version}"], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        prefix = "/".join(COPIED[framework]) + "/"
        with zipfile.ZipFile(wheel) as z:
            z.extractall(cache, [n for n in z.namelist() if n.startswith(prefix)])
    return folder


def model_folder(framework: str, version: Optional[str] = None) -> Path:
    """The installed folder, or the wheel's of ``version`` (the facts' version) if not installed."""
    folder = _installed_folder(framework)
    if folder is not None:
        return folder
    if version is None:
        raise SystemExit(f"{DIST[framework]} is not installed and no version is known to download")
    return _wheel_folder(framework, version)


def source_sha256(folder: Path, target: Target) -> str:
    inner = folder.joinpath(*FOLDER[target.framework][len(COPIED[target.framework]):])
    return hashlib.sha256((inner / f"{target.module}.py").read_bytes()).hexdigest()


def _copy_ignore(directory: str, names: List[str]) -> List[str]:
    return [n for n in names if n == "__pycache__" or (not n.endswith(".py") and not os.path.isdir(os.path.join(directory, n)))]


def make_tree(target: Target, layout: str, folder: Path, base: Path) -> Tuple[Path, str]:
    """A fresh repository under ``base`` for one target and layout: (its root, the file to check,
    relative to the root)."""
    root = base / f"{target.framework}-{target.name}-{layout}"
    shutil.copytree(folder, root.joinpath(*COPIED[target.framework]), ignore=_copy_ignore)
    if layout == "in-file":
        checked = "/".join(FOLDER[target.framework]) + f"/{target.module}.py"
        with open(root / checked, "a", encoding="utf-8") as f:
            f.write(f"\n\n{target.call}\n")
    elif layout == "import":
        checked = "main.py"
        (root / checked).write_text(target.main_py(), encoding="utf-8")
    else:
        raise ValueError(f"unknown layout {layout!r}")
    return root, checked


def config_free(directory: Path) -> None:
    """Refuse to run where a ``pyproject.toml`` at or above ``directory`` could configure convlint."""
    for parent in [directory, *directory.parents]:
        if (parent / "pyproject.toml").exists():
            raise RuntimeError(f"{parent / 'pyproject.toml'} could configure convlint; "
                               "set TMPDIR to a directory outside any project")


# -- running convlint ---------------------------------------------------------------------------
@dataclass
class Run:
    """One convlint process: its JSON report (None if it printed none), exit status, wall time."""

    report: Optional[Dict[str, Any]]
    returncode: int
    seconds: float
    stderr: str = ""


def convlint_cmd() -> List[str]:
    script = Path(sys.executable).parent / "convlint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "convlint"]


def timing_env() -> Dict[str, str]:
    """The environment of a user's install: byte code kept (see benchmarks/cli.py), no colour."""
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_convlint(root: Path, checked: str, env: Optional[Dict[str, str]] = None) -> Run:
    start = time.perf_counter()
    try:
        proc = subprocess.run([*convlint_cmd(), "--no-cache", "--format", "json", checked], cwd=root,
                              capture_output=True, text=True, env=env, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return Run(None, -1, time.perf_counter() - start, f"timed out after {TIMEOUT} s")
    seconds = time.perf_counter() - start
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = None
    return Run(report, proc.returncode, seconds, proc.stderr[-2000:])


# -- the real frameworks ----------------------------------------------------------------------
def torchvision_models() -> ModuleType:
    """``torchvision.models``, without running ``torchvision/__init__.py``.

    PyPI's torchvision wheel loads its compiled ops on import and registers fake kernels for
    them (``torchvision::nms``); beside the local CPU torch wheel the library does not load and
    the registration raises.  The model builders need none of those ops, so the ``torchvision``
    package object is made from its import spec without executing its ``__init__``, and only
    ``torchvision.models`` (with the pure-Python ``torchvision.ops`` layers it uses) is imported.
    """
    if "torchvision.models" in sys.modules:
        return sys.modules["torchvision.models"]
    if "torchvision" not in sys.modules:
        spec = importlib.util.find_spec("torchvision")
        if spec is None:
            raise ModuleNotFoundError("torchvision is not installed")
        sys.modules["torchvision"] = importlib.util.module_from_spec(spec)
    return importlib.import_module("torchvision.models")


class _BackendNamed:
    """A view of ``keras.src.backend`` that names another backend and is otherwise the same."""

    def __init__(self, real: ModuleType, name: str) -> None:
        self._real, self._name = real, name

    def backend(self) -> str:
        return self._name

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._real, attr)


def keras_build(name: str) -> Any:
    """``keras.applications.<name>(weights=None)``, with fresh auto names (``conv2d``, ...).

    ``NASNetMobile`` refuses the torch backend outright ("an outstanding bug"); it builds and
    runs on it all the same, so its own module is shown a backend name other than ``torch``
    while the builder runs (every layer still runs on the real torch backend)."""
    import keras
    from keras.src.applications import nasnet

    keras.backend.clear_session()
    builder = getattr(keras.applications, name)
    if name != "NASNetMobile" or keras.backend.backend() != "torch":
        return builder(weights=None)
    real = nasnet.backend
    nasnet.backend = _BackendNamed(real, "tensorflow")
    try:
        return builder(weights=None)
    finally:
        nasnet.backend = real


def keras_facts(target: Target) -> Dict[str, Any]:
    start = time.perf_counter()
    model = keras_build(target.name)
    seconds = time.perf_counter() - start
    layers = []
    for layer in model.layers:
        try:
            shapes = [list(layer.output.shape[1:])]
        except (AttributeError, ValueError):  # a layer called more than once: one shape per call
            shapes = [list(node.outputs[0].shape[1:]) for node in layer._inbound_nodes]
        layers.append([layer.name, type(layer).__name__, shapes])
    return {"params": int(model.count_params()), "build_seconds": round(seconds, 3), "layers": layers}


def torch_facts(target: Target) -> Dict[str, Any]:
    """Leaf modules' output shapes, call by call, from a real forward in the mode the example
    call runs it (training, as a new module is), on ``target.real_batch`` random images."""
    import torch

    models = torchvision_models()
    torch.manual_seed(0)
    start = time.perf_counter()
    net = getattr(models, target.name)()
    build = time.perf_counter() - start
    leaves = [(path, m) for path, m in net.named_modules() if not any(True for _ in m.children())]
    calls: Dict[int, List[List[int]]] = {id(m): [] for _, m in leaves}

    def record(module: Any, inputs: Any, output: Any) -> None:
        if isinstance(output, torch.Tensor):
            calls[id(module)].append(list(output.shape[1:]))

    x = torch.randn(target.real_batch, 3, target.size, target.size)
    handles = [m.register_forward_hook(record) for _, m in leaves]
    try:
        start = time.perf_counter()
        with torch.no_grad():
            net(x)
        forward = time.perf_counter() - start
    finally:
        for h in handles:
            h.remove()
    layers = [[path, type(m).__name__, calls[id(m)]] for path, m in leaves]
    return {"params": int(sum(p.numel() for p in net.parameters())), "build_seconds": round(build + forward, 3),
            "batch": target.real_batch, "layers": layers}


def real_facts(target: Target) -> Dict[str, Any]:
    """The real model's parameter count and layer output shapes (needs the framework)."""
    return keras_facts(target) if target.framework == "keras" else torch_facts(target)


def versions() -> Dict[str, Optional[str]]:
    return {d: installed_version(d) for d in ("keras", "torch", "torchvision")}


def refresh(path: Path = FACTS) -> Dict[str, Any]:
    """Recompute every target's facts from the installed frameworks and write them."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras  # noqa: F401  (import time is not build time)
    import torch  # noqa: F401

    torchvision_models()
    folders = {fw: model_folder(fw) for fw in FOLDER}
    models: Dict[str, Any] = {}
    for target in TARGETS:
        facts = real_facts(target)
        facts["source_sha256"] = source_sha256(folders[target.framework], target)
        models[target.key] = facts
        print(f"  {target.key}: {facts['params']:,} params, {len(facts['layers'])} layers, {facts['build_seconds']:.2f} s",
              file=sys.stderr)
    data = {"versions": versions(), "keras_backend": os.environ["KERAS_BACKEND"], "models": models}
    write_facts(data, path)
    return data


def write_facts(data: Dict[str, Any], path: Path) -> None:
    """One layer a line, so a refresh diffs readably."""
    out = ["{", f'  "versions": {json.dumps(data["versions"])},', f'  "keras_backend": {json.dumps(data["keras_backend"])},',
           '  "models": {']
    keys = list(data["models"])
    for i, key in enumerate(keys):
        facts = data["models"][key]
        out.append(f"    {json.dumps(key)}: {{")
        for k in sorted(k for k in facts if k != "layers"):
            out.append(f"      {json.dumps(k)}: {json.dumps(facts[k])},")
        out.append('      "layers": [')
        rows = [f"        {json.dumps(row)}" for row in facts["layers"]]
        out.append(",\n".join(rows))
        out.append("      ]")
        out.append("    }" + ("," if i < len(keys) - 1 else ""))
    out += ["  }", "}"]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def load_facts(path: Path = FACTS) -> Dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# -- comparing ----------------------------------------------------------------------------------
@dataclass
class Result:
    """convlint's report on one target and layout, against the real model."""

    target: Target
    layout: str
    found: bool = False
    model: Optional[str] = None
    params: Optional[int] = None
    real_params: int = 0
    lower_bound: Optional[int] = None
    """The report's ``params_lower_bound`` when its total is not complete (``params`` is then None)."""
    matched: int = 0
    total: int = 0
    mismatches: List[str] = field(default_factory=list)
    diagnostics: List[str] = field(default_factory=list)
    crashed: Optional[str] = None
    seconds: List[float] = field(default_factory=list)
    build_seconds: Optional[float] = None

    @property
    def exact(self) -> bool:
        return self.found and self.params == self.real_params

    @property
    def all_shapes(self) -> bool:
        return self.found and self.matched == self.total

    @property
    def total_kind(self) -> str:
        """``exact``, ``lower bound`` (at most the real total), ``wrong`` (a total that is not the
        real one, or a bound above it) or ``unknown`` (no model, or neither)."""
        if not self.found and self.params is None and self.lower_bound is None:
            return "unknown"
        if self.params is not None:
            return "exact" if self.params == self.real_params else "wrong"
        if self.lower_bound is not None:
            return "lower bound" if self.lower_bound <= self.real_params else "wrong"
        return "unknown"


def _shape(shape: Optional[Sequence[Any]]) -> Optional[List[Any]]:
    """A report shape without its batch dim (null, or the size an example input fixes)."""
    return None if shape is None else list(shape[1:])


def _fmt(shape: Optional[Sequence[Any]]) -> str:
    return "not reached" if shape is None else "(" + ", ".join(str(d) for d in shape) + ")"


NOT_LAYERS = frozenset({"StochasticDepth", "Permute"})
"""PyTorch leaf modules that are the model code's own classes, not ``torch.nn`` layers:
torchvision's ``StochasticDepth`` and ``Permute`` hold no layer and no weight (they call a
function), so convlint has no node named for them; their outputs are checked through the
layers that consume them."""


def compared_layers(facts: Dict[str, Any]) -> List[Tuple[str, str, List[List[int]]]]:
    """The real layers that have an output shape (a PyTorch leaf module forward never calls has
    none), except the model code's own parameter-free helper modules (``NOT_LAYERS``)."""
    return [(name, kind, shapes) for name, kind, shapes in facts["layers"] if shapes and kind not in NOT_LAYERS]


def pick_model(report: Dict[str, Any], framework: str, names: Iterable[str]) -> Tuple[Optional[Dict[str, Any]], int]:
    """The report model sharing the most layer names with the real model, and how many it shares."""
    wanted = set(names)
    best, best_n = None, 0
    for model in report.get("models", []):
        if model.get("framework") != framework:
            continue
        n = len(wanted & {layer["name"] for layer in model["layers"]})
        if n > best_n:
            best, best_n = model, n
    return best, best_n


def compare(target: Target, layout: str, facts: Dict[str, Any], run: Run) -> Result:
    result = Result(target, layout, real_params=facts["params"])
    if run.report is None or run.returncode not in (0, 1):
        last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "no JSON report"
        result.crashed = f"exit {run.returncode}: {last}"
    report = run.report or {}
    result.diagnostics = [f"{d['code']} {d['path']}:{d['line']}: {d['message']}" for d in report.get("diagnostics", [])]
    layers = compared_layers(facts)
    result.total = len(layers)
    named = [name for name, kind, _ in layers if kind != "InputLayer"]
    model, shared = pick_model(report, target.framework, named)
    result.found = model is not None and shared >= FOUND_SHARE * max(len(named), 1)
    if model is None:
        result.mismatches = ["no model in the report shares a layer name with the real model"]
        return result
    result.model, result.params = model["name"], model["total_params"]
    result.lower_bound = model.get("params_lower_bound")
    ours: Dict[str, List[Optional[List[Any]]]] = {}
    for layer in model["layers"]:
        if layer.get("called", True):
            ours.setdefault(layer["name"], []).append(_shape(layer["output_shape"]))
    for name, kind, real in layers:
        got = [_shape(model["input_shape"])] if kind == "InputLayer" else ours.get(name)
        if got == real:
            result.matched += 1
        elif got is None:
            result.mismatches.append(f"{name} ({kind}): not in convlint's report; real {_fmt(real[0])}")
        elif len(got) != len(real):
            result.mismatches.append(f"{name} ({kind}): {len(got)} call(s) in convlint's report, {len(real)} real")
        else:
            i = next(i for i, (g, r) in enumerate(zip(got, real)) if g != r)
            call = f" call {i + 1}" if len(real) > 1 else ""
            result.mismatches.append(f"{name} ({kind}){call}: convlint {_fmt(got[i])}, real {_fmt(real[i])}")
    return result


# -- the benchmark ------------------------------------------------------------------------------
def trees(targets: Sequence[Target], base: Path, facts: Dict[str, Any]) -> Iterator[Tuple[Target, str, Path, str]]:
    folders = {fw: model_folder(fw, facts["versions"].get(DIST[fw])) for fw in {t.framework for t in targets}}
    for target in targets:
        for layout in LAYOUTS:
            root, checked = make_tree(target, layout, folders[target.framework], base)
            yield target, layout, root, checked


def measure(targets: Sequence[Target], facts: Dict[str, Any], repeat: int = 1, jobs: int = 1,
            env: Optional[Dict[str, str]] = None) -> List[Result]:
    """convlint on every target and layout (``repeat`` processes each, ``jobs`` at a time)."""
    base = Path(tempfile.mkdtemp(prefix="convlint-zoo-"))
    try:
        config_free(base)
        work = list(trees(targets, base, facts))

        def one(item: Tuple[Target, str, Path, str]) -> Result:
            target, layout, root, checked = item
            runs = [run_convlint(root, checked, env) for _ in range(max(repeat, 1))]
            result = compare(target, layout, facts["models"][target.key], runs[0])
            result.seconds = [r.seconds for r in runs]
            return result

        with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
            return list(pool.map(one, work))
    finally:
        shutil.rmtree(base, ignore_errors=True)


def stale(facts: Dict[str, Any], targets: Sequence[Target]) -> List[str]:
    """Why the cached facts may not describe the model files at hand (empty: they do)."""
    out = []
    for dist in DIST.values():
        have, had = installed_version(dist), facts["versions"].get(dist)
        if have is not None and have != had:
            out.append(f"{dist} {have} installed, facts from {had}")
    for target in targets:
        folder = _installed_folder(target.framework)
        if folder is not None and source_sha256(folder, target) != facts["models"][target.key]["source_sha256"]:
            out.append(f"{target.module}.py of {DIST[target.framework]} differs from the facts' source")
    return sorted(set(out))


def table(results: Sequence[Result]) -> str:
    head = f"{'model':<20} {'layout':<8} {'found':<5} {'convlint params':>16} {'real params':>12} {'exact':<5} " \
           f"{'layers':>9} {'convlint s':>10} {'build s':>8}"
    lines = [head, "-" * len(head)]
    for r in results:
        params = f"{r.params:,}" if r.params is not None else f">= {r.lower_bound:,}" if r.lower_bound is not None else "-"
        found = "CRASH" if r.crashed else ("yes" if r.found else "no")
        secs = f"{statistics.median(r.seconds):.2f}" if r.seconds else "-"
        build = "-" if r.build_seconds is None else f"{r.build_seconds:.2f}"
        lines.append(f"{r.target.name:<20} {r.layout:<8} {found:<5} {params:>16} {r.real_params:>12,} "
                     f"{'yes' if r.exact else 'no':<5} {f'{r.matched}/{r.total}':>9} {secs:>10} "
                     f"{build:>8}")
    return "\n".join(lines)


def summary(results: Sequence[Result]) -> List[str]:
    n = len({r.target.key for r in results})
    out = []
    for layout in LAYOUTS:
        rs = [r for r in results if r.layout == layout]
        matched, total = sum(r.matched for r in rs), sum(r.total for r in rs)
        kinds = {k: sum(r.total_kind == k for r in rs) for k in ("exact", "lower bound", "wrong", "unknown")}
        out.append(f"{layout:<8}: found {sum(r.found for r in rs)}/{n}, exact totals {sum(r.exact for r in rs)}/{n}, "
                   f"all layer shapes {sum(r.all_shapes for r in rs)}/{n}, layers with the real shape "
                   f"{matched}/{total} = {100 * matched / max(total, 1):.1f}%")
        out.append(f"{'':<8}  totals: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    matched, total = sum(r.matched for r in results), sum(r.total for r in results)
    out.append(f"overall : layers with the real shape {matched}/{total} = {100 * matched / max(total, 1):.1f}%")
    crashed = [f"{r.target.name} ({r.layout}): {r.crashed}" for r in results if r.crashed]
    if crashed:
        out.append("convlint crashed: " + "; ".join(crashed))
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--refresh", action="store_true", help="recompute zoo_facts.json from the installed frameworks first")
    p.add_argument("--repeat", type=int, default=3, help="convlint processes per target and layout; the median is shown (default 3)")
    p.add_argument("--jobs", type=int, default=1, help="convlint processes at a time (default 1: undisturbed timings)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="these targets only (builder names)")
    p.add_argument("--mismatches", type=int, default=0, metavar="N", help="also print the first N layer mismatches of each row")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the rows as JSON")
    args = p.parse_args(argv)

    unknown = [n for n in args.only or [] if n not in BY_NAME]
    if unknown:
        p.error(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    targets = [BY_NAME[n] for n in args.only] if args.only else list(TARGETS)
    facts = refresh() if args.refresh else load_facts()
    for why in stale(facts, targets):
        print(f"warning: {why}; run with --refresh", file=sys.stderr)

    env = timing_env()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "convlint")], check=False, env=env,
                   stdout=subprocess.DEVNULL)
    results = measure(targets, facts, args.repeat, args.jobs, env)
    for r in results:
        r.build_seconds = facts["models"][r.target.key]["build_seconds"]
    v = facts["versions"]
    print(f"convlint on the frameworks' own model files (keras {v['keras']}, torchvision {v['torchvision']}, "
          f"torch {v['torch']}); python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.repeat}")
    print(table(results))
    print()
    for line in summary(results):
        print(line)
    for layout in LAYOUTS:
        secs = [statistics.median(r.seconds) for r in results if r.layout == layout]
        print(f"time    : convlint ({layout}), median over models {statistics.median(secs):.2f} s, max {max(secs):.2f} s "
              "(a whole cold process: --no-cache)")
    builds = [facts["models"][t.key]["build_seconds"] for t in targets]
    print(f"time    : framework build, median over models {statistics.median(builds):.2f} s, max {max(builds):.2f} s "
          "(after import; PyTorch: build + the example forward; from the facts file)")
    if args.mismatches:
        for r in results:
            if r.mismatches:
                print(f"\n{r.target.name} ({r.layout}):")
                for m in r.mismatches[: args.mismatches]:
                    print(f"  {m}")
    if args.json:
        rows = [{"model": r.target.name, "framework": r.target.framework, "layout": r.layout, "found": r.found,
                 "params": r.params, "params_lower_bound": r.lower_bound, "total_kind": r.total_kind,
                 "real_params": r.real_params, "exact": r.exact, "matched": r.matched,
                 "total": r.total, "seconds": r.seconds, "crashed": r.crashed, "diagnostics": r.diagnostics,
                 "mismatches": r.mismatches} for r in results]
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
