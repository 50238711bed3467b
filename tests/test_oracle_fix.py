"""Oracle: every fix, applied, gives a model the real framework builds and runs.

For each case of ``tests/data/fix`` (and each shipped fixture convlint offers a fix for), the
broken file and its fixed form are executed (our own code) and the model convlint found is
called on the input shape it inferred.  The fixed model must run, with the output shape and
parameter count convlint computes for the fixed source.  The broken model must raise, or else
the fixes must be classified as ruff does: a safe fix leaves a model that runs computing the
same (``LeakyReLU(alpha=)`` -> ``negative_slope=``), an unsafe one changes it (a ``Dense`` on a
feature map keeps its spatial axes, Keras 1's ``Convolution2D(16, 5, 5)`` is read by Keras 3 as
strides 5).  A fix that leaves the model raising fails here: convlint must not offer it; and
where the obvious rewrite of a legacy spelling would still raise, convlint offers none.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")

from convlint import autofix  # noqa: E402
from convlint.config import Config  # noqa: E402
from convlint.dims import is_known  # noqa: E402
from convlint.edits import SAFE  # noqa: E402
from convlint.engine import analyze  # noqa: E402
from convlint.frontend import FrontendOptions, analyze_source  # noqa: E402
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager  # noqa: E402
from convlint.runner import Checker  # noqa: E402

pytestmark = pytest.mark.oracle

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "data" / "fix" / "broken").glob("*.py"))
NOFIX = ROOT / "tests" / "data" / "fix" / "nofix"
FIXTURES = sorted((ROOT / "fixtures").glob("*/*.py"))
OPTIONS = {"dcgan_discriminator.py": {"Discriminator": (3, 64, 64)}}


@pytest.fixture(scope="module")
def checker() -> Checker:
    pm = make_plugin_manager()
    return Checker(Config(), collect_rules(pm), lambda: make_catalogue(pm))


def _framework(source: str) -> str:
    return "torch" if "torch" in source else "keras"


def _keras_shims(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    import keras

    tf = types.ModuleType("tensorflow")
    tf.keras = keras  # type: ignore[attr-defined]
    for name, module in {"tensorflow": tf, "tensorflow.keras": keras, "tensorflow.keras.layers": keras.layers, "tensorflow.keras.models": keras.models}.items():
        monkeypatch.setitem(sys.modules, name, module)


Run = Dict[str, Tuple[Tuple[Any, ...], int]]


def _run(source: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> Tuple[Optional[Exception], Run]:
    """Execute ``source`` and call every model convlint finds in it on its inferred input:
    (the first error raised, model name -> (real output shape without the batch dim, params))."""
    framework = _framework(source)
    torch = pytest.importorskip("torch")
    if framework == "keras":
        pytest.importorskip("keras")
        _keras_shims(monkeypatch)
    import numpy as np

    result = analyze_source(source, str(path), FrontendOptions(input_shapes=OPTIONS.get(path.name, {})))
    ns: Dict[str, Any] = {"__name__": "convlint_fix_oracle", "__file__": str(path)}
    torch.manual_seed(0)
    try:
        exec(compile(source, str(path), "exec"), ns)
    except Exception as err:  # straight-line code runs (and fails) at module level
        return err, {}
    shapes: Run = {}
    for graph in result.models:
        target = ns.get(graph.name)
        if target is None:
            continue  # straight-line code: it ran above
        # an example call's exact tensor as it is, else a batch of 2 of the declared shape
        given = [graph.node(i).kwargs for i in graph.inputs]
        inputs = [tuple(kw["batch_shape"]) if "batch_shape" in kw else (2, *kw["shape"]) for kw in given]
        try:
            if framework == "torch":
                model = target() if isinstance(target, type) else target
                with torch.no_grad():
                    out = model(*[torch.randn(*s) for s in inputs])
                params = sum(p.numel() for p in model.parameters())
            else:
                out = target(np.zeros(inputs[0], dtype="float32"))
                params = target.count_params()
        except Exception as err:
            return err, shapes
        shapes[graph.name] = (tuple(out.shape[1:]), params)
    return None, shapes


def _ours(source: str, path: Path) -> Run:
    out = {}
    for graph in analyze_source(source, str(path), FrontendOptions(input_shapes=OPTIONS.get(path.name, {}))).models:
        shaped = analyze(graph)
        (result,) = [shaped.result(o) for o in graph.outputs]
        shape = result.output_shape
        if shape is not None and all(is_known(d) for d in shape[1:]):
            out[graph.name] = (tuple(shape[1:]), shaped.total_params)
    return out


def _check_fixed(path: Path, checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    source = path.read_text()
    outcome = checker.check_bytes(str(path), source.encode())
    fixes = autofix.fix_report(outcome.diagnostics, checker, unsafe=True, read=lambda p: source)
    assert fixes, "no fix offered"
    (fixed,) = fixes
    broken_error, before = _run(source, path, monkeypatch)
    codes = {d.code for d in fixed.applied}
    if codes <= {"CL301"}:  # legal but not meant: the map keeps its spatial axes
        assert broken_error is None and any(len(shape) > 1 for shape, _ in before.values()), before
    error, after = _run(fixed.fixed, path, monkeypatch)
    assert error is None, f"the fixed model still raises: {error!r}"
    assert after, "no model was built"
    if broken_error is None:  # it ran: safe fixes keep what it computes, an unsafe one changes it
        if all(d.fix is not None and d.fix.applicability == SAFE for d in fixed.applied):
            assert after == before, "a safe fix changed what a running model computes"
        else:
            assert after != before, "an unsafe fix left the model computing the same"
    ours = _ours(fixed.fixed, path)
    for name, real in after.items():
        assert ours.get(name) == real, name


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixed_case_runs(path: Path, checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    _check_fixed(path, checker, monkeypatch)


def _fixable_fixtures() -> list:
    pm = make_plugin_manager()
    checker = Checker(Config(), collect_rules(pm), lambda: make_catalogue(pm))
    out = []
    for path in FIXTURES:
        outcome = checker.check_bytes(str(path), path.read_bytes())
        if any(d.fix is not None for d in outcome.diagnostics):
            out.append(path)
    return out


def test_shipped_fixtures_with_fixes_are_covered() -> None:
    assert {p.name for p in _fixable_fixtures()} >= {"lenet_bad_fc.py", "bad_in_channels.py", "dense_on_feature_map.py"}


@pytest.mark.parametrize("path", _fixable_fixtures(), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_fixed_fixture_runs(path: Path, checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a shipped fixture has more than one broken model (``bad_models.py``), only the
    models whose every error was fixed must run."""
    source = path.read_text()
    outcome = checker.check_bytes(str(path), source.encode())
    unfixable = [d for d in outcome.diagnostics if (d.severity == "error" or d.code == "CL401") and d.fix is None]
    if unfixable:  # (a Keras 1 spelling left unfixed: Keras 3 cannot run the file either way)
        pytest.skip(f"{path.name} keeps findings no fix is offered for: {sorted({d.code for d in unfixable})}")
    _check_fixed(path, checker, monkeypatch)


NAIVE = {
    # no-fix case: the rewrite a fix would make, which real Keras 3 still rejects
    "keras_legacy_module_path.py": [("Deconvolution2D", "Conv2DTranspose")],
    "keras_legacy_unmapped_value.py": [("dim_ordering=", "data_format=")],
    "keras_legacy_extra_positional.py": [("8, 3, 3,", "8, (3, 3),"), ("border_mode=", "padding=")],
    "keras_legacy_deconv_output_shape.py": [("Deconvolution2D(8, 3, 3,", "Conv2DTranspose(8, (3, 3),"), ("border_mode=", "padding=")],
}


@pytest.mark.parametrize("name", sorted(NAIVE))
def test_no_legacy_fix_where_its_rewrite_still_raises(name: str, checker: Checker, monkeypatch: pytest.MonkeyPatch) -> None:
    path = NOFIX / name
    source = path.read_text()
    outcome = checker.check_bytes(str(path), source.encode())
    assert [d.code for d in outcome.diagnostics if d.code == "CL401"] and not [d for d in outcome.diagnostics if d.fix is not None]
    rewritten = source
    for old, new in NAIVE[name]:
        assert old in rewritten
        rewritten = rewritten.replace(old, new)
    error, _ = _run(rewritten, path, monkeypatch)
    assert error is not None, "the rewrite runs: a fix could have been offered"
