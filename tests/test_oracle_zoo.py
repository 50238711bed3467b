"""Oracle: convlint on the frameworks' own model files, against the models they really build.

``benchmarks/zoo.py`` defines the 26 targets (11 Keras applications, 15 torchvision models),
the two layouts (the building call appended to the model's own file, or in a ``main.py`` that
imports the builder from the copied package) and how a report is compared with a real model.
Here each real model is built once (Keras 3 on torch; torchvision's builders) and convlint runs
as a user runs it, one process per target and layout, two at a time while the models build.

Per target and layout: convlint must not crash, must find the model, get its total parameter
count exactly, and give every real layer its real output shape.  What convlint does not reach
yet is listed in ``NOT_YET``, the one table below: those checks are strict xfails, so a
front-end fix that makes one pass fails the run until its row is updated.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

# -- what convlint does not reach yet --------------------------------------------------------
# (model, layout): (checks that fail today, why).  Checks: found, params, shapes.
LAYER_SCALE = ("LayerScale, a keras.layers.Layer subclass of the file whose call multiplies by a weight it "
               "makes with self.add_weight, is not followed; past it the layers are unknown, so the total "
               "is a lower bound and most shapes are unknown")
REGNET = ("BlockParams.from_init_params computes the stage widths with torch tensor arithmetic on constants "
          "(torch.arange, torch.round, torch.log, .int().tolist()), which convlint does not evaluate")
LAYERNORM2D = ("LayerNorm2d's weights sit on the F.layer_norm node of its forward, whose output is the permuted "
               "(N, H, W, C) tensor; PyTorch reports the module's output after the permute back")
NOT_YET: Dict[Tuple[str, str], Tuple[str, str]] = {
    ("ConvNeXtTiny", "in-file"): ("params shapes", LAYER_SCALE),
    ("ConvNeXtTiny", "import"): ("params shapes", LAYER_SCALE),
    ("regnet_y_400mf", "in-file"): ("found params shapes", REGNET),
    ("regnet_y_400mf", "import"): ("found params shapes", REGNET),
    ("convnext_tiny", "in-file"): ("shapes", LAYERNORM2D),
    ("convnext_tiny", "import"): ("shapes", LAYERNORM2D),
}

CHECKS = ("found", "params", "shapes")
SHOWN = 12
"""Layer mismatches quoted in a failure message."""


def _load_zoo() -> Any:
    """``benchmarks/zoo.py`` (not a package), the one definition of targets, layouts and comparison."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "zoo.py"
    spec = importlib.util.spec_from_file_location("convlint_zoo", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


zoo = _load_zoo()
pytestmark = [
    pytest.mark.oracle,
    # torchvision's notice that a default weight initialisation will change: not ours to act on
    pytest.mark.filterwarnings("ignore::FutureWarning:torchvision.*"),
]


def _cases(check: str) -> List[Any]:
    """Every target and layout; a strict xfail where ``NOT_YET`` lists ``check``."""
    out = []
    for target in zoo.TARGETS:
        for layout in zoo.LAYOUTS:
            row = NOT_YET.get((target.name, layout))
            marks = [pytest.mark.xfail(strict=True, reason=row[1])] if row and check in row[0].split() else []
            out.append(pytest.param(target, layout, id=f"{target.name}-{layout}", marks=marks))
    return out


def _require(module: str) -> None:
    """Skip without the framework, unless CI demands the oracle (CONVLINT_REQUIRE_ORACLE)."""
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CONVLINT_REQUIRE_ORACLE"):
            pytest.fail(f"{module} is not installed but CONVLINT_REQUIRE_ORACLE is set")
        pytest.skip(f"{module} is not installed")


# -- fixtures: convlint runs in the background while the real models build ---------------------
@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[Tuple[str, str], "Future[Any]"]]:
    """Every target and layout's convlint process, started at once, two at a time."""
    base = tmp_path_factory.mktemp("zoo")
    zoo.config_free(base)
    folders: Dict[str, Path] = {}
    for framework, top in (("keras", "keras"), ("torch", "torchvision")):
        if importlib.util.find_spec(top) is not None:
            folders[framework] = zoo.model_folder(framework)
    pool = ThreadPoolExecutor(max_workers=2)
    futures: Dict[Tuple[str, str], "Future[Any]"] = {}
    for target in zoo.TARGETS:
        if target.framework in folders:
            for layout in zoo.LAYOUTS:
                root, checked = zoo.make_tree(target, layout, folders[target.framework], base)
                futures[target.key, layout] = pool.submit(zoo.run_convlint, root, checked)
    yield futures
    pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="module")
def real() -> Callable[[Any], Dict[str, Any]]:
    """The real model's facts, built once per target on first use."""
    built: Dict[str, Dict[str, Any]] = {}

    def facts(target: Any) -> Dict[str, Any]:
        _require("keras" if target.framework == "keras" else "torchvision")
        if target.key not in built:
            built[target.key] = zoo.real_facts(target)
        return built[target.key]

    return facts


@pytest.fixture(scope="module")
def outcome(runs: Dict[Tuple[str, str], "Future[Any]"], real: Callable[[Any], Dict[str, Any]]) -> Callable[[Any, str], Any]:
    """convlint's report on a target and layout, compared with the real model."""
    done: Dict[Tuple[str, str], Any] = {}

    def compare(target: Any, layout: str) -> Any:
        facts = real(target)
        if (target.key, layout) not in done:
            run = runs[target.key, layout].result()
            done[target.key, layout] = (zoo.compare(target, layout, facts, run), run)
        return done[target.key, layout]

    return compare


def _context(result: Any) -> str:
    notes = "\n  ".join(result.diagnostics[:8]) or "(none)"
    return f"convlint's model: {result.model!r}; its diagnostics:\n  {notes}"


# -- the checks -----------------------------------------------------------------------------------
@pytest.mark.parametrize("target, layout", _cases("runs"))
def test_convlint_runs(target: Any, layout: str, outcome: Callable[[Any, str], Any]) -> None:
    """Whatever it reaches, convlint exits 0 or 1 with a JSON report: never a crash (CL999, exit 2)."""
    result, run = outcome(target, layout)
    assert result.crashed is None, f"{target.name} ({layout}): convlint {result.crashed}\n{run.stderr}"


@pytest.mark.parametrize("target, layout", _cases("found"))
def test_model_found(target: Any, layout: str, outcome: Callable[[Any, str], Any]) -> None:
    result, _ = outcome(target, layout)
    assert result.found, (
        f"{target.name} ({layout}): no model in the report names at least half of the real model's "
        f"{result.total} layers\n{_context(result)}"
    )


@pytest.mark.parametrize("target, layout", _cases("params"))
def test_total_params(target: Any, layout: str, outcome: Callable[[Any, str], Any]) -> None:
    result, _ = outcome(target, layout)
    assert result.found and result.params == result.real_params, (
        f"{target.name} ({layout}): convlint counts {result.params} parameters, the real model "
        f"{result.real_params:,}\n{_context(result)}"
    )


@pytest.mark.parametrize("target, layout", _cases("never-wrong"))  # no exceptions: NOT_YET never lists it
def test_total_is_exact_or_a_lower_bound(target: Any, layout: str, outcome: Callable[[Any, str], Any]) -> None:
    """Whatever convlint cannot follow, the number it prints is the real total or at most it."""
    result, _ = outcome(target, layout)
    assert result.total_kind != "wrong", (
        f"{target.name} ({layout}): convlint says {result.params} (lower bound {result.lower_bound}), "
        f"the real model {result.real_params:,}\n{_context(result)}"
    )
    if result.found:
        assert result.params is not None or result.lower_bound is not None


@pytest.mark.parametrize("target, layout", _cases("shapes"))
def test_layer_shapes(target: Any, layout: str, outcome: Callable[[Any, str], Any]) -> None:
    result, _ = outcome(target, layout)
    shown = "\n  ".join(result.mismatches[:SHOWN])
    more = f"\n  ... {len(result.mismatches) - SHOWN} more" if len(result.mismatches) > SHOWN else ""
    assert result.found and result.matched == result.total, (
        f"{target.name} ({layout}): {result.matched}/{result.total} layers have the real output shape; "
        f"first mismatches:\n  {shown}{more}\n{_context(result)}"
    )


@pytest.mark.parametrize("target", [pytest.param(t, id=t.name) for t in zoo.TARGETS])
def test_facts_cache_current(target: Any, real: Callable[[Any], Dict[str, Any]]) -> None:
    """``benchmarks/zoo_facts.json`` (the benchmark's cache) says what the frameworks say."""
    facts = real(target)
    cached = zoo.load_facts()
    dist = zoo.DIST[target.framework]
    versions = {d: zoo.installed_version(d) for d in ("keras", "torch", "torchvision")}
    if versions != cached["versions"]:
        pytest.skip(f"facts cached for {cached['versions']}, installed {versions}")
    want = cached["models"][target.key]
    assert want["source_sha256"] == zoo.source_sha256(zoo.model_folder(target.framework), target), (
        f"{target.module}.py of {dist} changed: python benchmarks/zoo.py --refresh")
    assert (want["params"], want["layers"]) == (facts["params"], facts["layers"]), (
        f"{target.key}: zoo_facts.json is out of date: python benchmarks/zoo.py --refresh")


def test_not_yet_table_names_real_cases() -> None:
    for (name, layout), (checks, reason) in NOT_YET.items():
        assert name in zoo.BY_NAME and layout in zoo.LAYOUTS, (name, layout)
        assert checks.split() and set(checks.split()) <= set(CHECKS), (name, layout, checks)
        assert reason
