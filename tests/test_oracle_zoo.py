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

# -- what convlint does not reach yet (the baseline before the front-end rewrite) -------------
# (model, layout): (checks that fail today, why).  Checks: found, params, shapes.
SHAPE = "the input shape comes from imagenet_utils.obtain_input_shape (another module): shapes stay symbolic (H, W, C), the first conv's weights unknown"
PAD = "imagenet_utils.correct_pad (another module) gives ZeroPadding2D's padding: shapes after it unknown"
IMPORT = "the builder is imported from the copied package: convlint reads only the file it is given"
IMPORT_KERAS = IMPORT + " (and main.py never names keras, so the prefilter skips it)"
OPS = "layers from torchvision.ops (Conv2dNormActivation, Permute, ...) lie outside the copied models/ folder"
NOT_YET: Dict[Tuple[str, str], Tuple[str, str]] = {
    ("VGG16", "in-file"): ("params shapes", SHAPE),
    ("VGG19", "in-file"): ("params shapes", SHAPE),
    ("ResNet50", "in-file"): ("params shapes", SHAPE),
    ("MobileNet", "in-file"): ("params shapes", SHAPE),
    ("MobileNetV2", "in-file"): ("params shapes", f"{SHAPE}; {PAD}"),
    ("InceptionV3", "in-file"): ("params shapes", SHAPE),
    ("Xception", "in-file"): ("params shapes", SHAPE),
    ("DenseNet121", "in-file"): ("params shapes", f"{SHAPE}; Conv2D filters int(x.shape[bn_axis] * reduction) unresolved"),
    ("EfficientNetB0", "in-file"): ("found params shapes", f"{SHAPE}; no Normalization layer; {PAD}; "
                                    "name=f'block{i + 1}{chr(j + 97)}_' + ... unresolved, listed under auto names"),
    ("ConvNeXtTiny", "in-file"): ("found params shapes", f"{SHAPE}; stages built in loops of nested Sequential models not followed"),
    ("NASNetMobile", "in-file"): ("params shapes", f"{SHAPE}; {PAD}; branch on p.shape[img_dim] != ip.shape[img_dim] undecided"),
    ("vgg11", "in-file"): ("params shapes", "Conv2d channels read through typing.cast(int, v) are not evaluated"),
    ("densenet121", "in-file"): ("found params shapes", "_DenseBlock subclasses nn.ModuleDict, not followed"),
    ("mobilenet_v2", "in-file"): ("found params shapes", f"{OPS}; _utils._make_divisible (another module) not evaluated"),
    ("mobilenet_v3_small", "in-file"): ("found params shapes", f"{OPS}; conditions on config objects, functools.partial"),
    ("efficientnet_b0", "in-file"): ("found params shapes", f"{OPS}; the loop over the block configs is not followed"),
    ("shufflenet_v2_x1_0", "in-file"): ("found params shapes", "the stages' __init__ condition on stride and channels is not followed"),
    ("regnet_y_400mf", "in-file"): ("found params shapes", f"{OPS}; the loop over block_params._get_expanded_params() is not followed"),
    ("convnext_tiny", "in-file"): ("found params shapes", f"{OPS}; functools.partial norm layers"),
    ("VGG16", "import"): ("found params shapes", IMPORT_KERAS),
    ("VGG19", "import"): ("found params shapes", IMPORT_KERAS),
    ("ResNet50", "import"): ("found params shapes", IMPORT_KERAS),
    ("MobileNet", "import"): ("found params shapes", IMPORT_KERAS),
    ("MobileNetV2", "import"): ("found params shapes", IMPORT_KERAS),
    ("InceptionV3", "import"): ("found params shapes", IMPORT_KERAS),
    ("Xception", "import"): ("found params shapes", IMPORT_KERAS),
    ("DenseNet121", "import"): ("found params shapes", IMPORT_KERAS),
    ("EfficientNetB0", "import"): ("found params shapes", IMPORT_KERAS),
    ("ConvNeXtTiny", "import"): ("found params shapes", IMPORT_KERAS),
    ("NASNetMobile", "import"): ("found params shapes", IMPORT_KERAS),
    ("alexnet", "import"): ("found params shapes", IMPORT),
    ("vgg11", "import"): ("found params shapes", IMPORT),
    ("resnet18", "import"): ("found params shapes", IMPORT),
    ("resnet50", "import"): ("found params shapes", IMPORT),
    ("squeezenet1_0", "import"): ("found params shapes", IMPORT),
    ("densenet121", "import"): ("found params shapes", IMPORT),
    ("mobilenet_v2", "import"): ("found params shapes", IMPORT),
    ("mobilenet_v3_small", "import"): ("found params shapes", IMPORT),
    ("googlenet", "import"): ("found params shapes", IMPORT),
    ("inception_v3", "import"): ("found params shapes", IMPORT),
    ("efficientnet_b0", "import"): ("found params shapes", IMPORT),
    ("shufflenet_v2_x1_0", "import"): ("found params shapes", IMPORT),
    ("mnasnet0_5", "import"): ("found params shapes", IMPORT),
    ("regnet_y_400mf", "import"): ("found params shapes", IMPORT),
    ("convnext_tiny", "import"): ("found params shapes", IMPORT),
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
