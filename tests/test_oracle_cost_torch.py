"""Oracle: convlint's multiply-accumulates against torchinfo's ``mult_adds`` on every PyTorch
fixture that runs, layer call by layer call and in total.

Each fixture model is built as ``tests/test_oracle_fixtures_torch.py`` builds it (the file is
executed with ``__name__`` set so its example calls do not run; the class convlint found is
instantiated, or the instance the file made is taken) and summarised by torchinfo on the input
shape convlint inferred, in the mode the file leaves it in: an example call's exact tensor as
it is, a declared shape with a batch of 2 (a BatchNorm1d in training mode refuses one sample).
torchinfo's figures are linear in the batch, so convlint's one-sample figures are compared with
torchinfo's divided by the batch.  Models of unbatched tensors
are not compared: torchinfo reads axis 0 as the batch (``test_cost.py`` checks them against the
batched model).

Where convlint's convention differs from torchinfo's, on purpose (``convlint/cost.py``): a
``Linear`` on a rank > 2 input is counted at every position (torchinfo: once); a functional
``F.conv2d`` / ``F.linear`` with a module's weight costs its work (torchinfo hooks modules only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

torch = pytest.importorskip("torch")
torchinfo = pytest.importorskip("torchinfo")

from convlint.config import Config  # noqa: E402
from convlint.dims import prod  # noqa: E402
from convlint.frontend import FrontendOptions, analyze_source  # noqa: E402
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager  # noqa: E402
from convlint.runner import Checker  # noqa: E402
from test_oracle_fixtures_torch import PARTIAL  # noqa: E402  (fixtures not followed to the end on purpose)

pytestmark = pytest.mark.oracle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "torch"
OPTIONS = {"dcgan_discriminator.py": {"Discriminator": (3, 64, 64)}}
BATCH = 2
UNBATCHED = {"unbatched_inputs"}
"""Fixtures whose models take unbatched tensors, which torchinfo cannot summarise."""
PM = make_plugin_manager()
CHECKER = Checker(Config(), collect_rules(PM), make_catalogue(PM))


def _model(path: Path, name: str) -> Optional[Any]:
    """The fixture's model object named ``name`` (a class is instantiated), or ``None`` for
    straight-line code that has no model object."""
    ns: Dict[str, Any] = {"__name__": "convlint_oracle_fixture", "__file__": str(path)}
    torch.manual_seed(0)
    try:
        exec(compile(path.read_text(), str(path), "exec"), ns)
    except Exception:
        return None
    target = ns.get(name)
    if isinstance(target, type):
        instance = next((v for v in ns.values() if isinstance(v, target)), None)
        return instance if instance is not None else target()
    return target if isinstance(target, torch.nn.Sequential) else None


def _torchinfo_calls(model: Any, shapes: List[Tuple[int, ...]]) -> Tuple[List[Tuple[str, int, Tuple[int, ...]]], int]:
    """([(module name, mult-adds, output size)] per leaf-module call in order, total mult-adds)."""
    names = {id(m): n for n, m in model.named_modules()}
    mode = "train" if model.training else "eval"
    stats = torchinfo.summary(model, input_size=shapes, verbose=0, mode=mode, depth=100)
    calls = [(names.get(id(info.module), "?"), info.macs, tuple(info.output_size))
             for info in stats.summary_list if info.is_leaf_layer and info.executed]
    return calls, stats.total_mult_adds


def _cases() -> List[Any]:
    out = []
    for path in sorted(FIXTURES.glob("*.py")):
        if "# expect:" in path.read_text() or path.stem in UNBATCHED:
            continue  # a broken model: PyTorch raises, there is nothing to measure
        out.append(pytest.param(path, id=path.stem))
    return out


@pytest.mark.parametrize("path", _cases())
def test_macs_match_torchinfo(path: Path) -> None:
    source = path.read_text()
    options = FrontendOptions(input_shapes=OPTIONS.get(path.name, {}))
    graphs = analyze_source(source, str(path), options).models
    outcome = CHECKER.check_result(analyze_source(source, str(path), options))
    compared = 0
    for graph, shaped in zip(graphs, outcome.models):
        model = _model(path, graph.name)
        if model is None:
            continue  # straight-line tensor code: no module to summarise
        cost = shaped.cost
        given = [graph.node(i).kwargs for i in graph.inputs]
        exact = all("batch_shape" in kw for kw in given)
        batch = given[0]["batch_shape"][0] if exact else BATCH
        shapes = [tuple(kw["batch_shape"]) if exact else (BATCH, *kw["shape"]) for kw in given]
        calls, total = _torchinfo_calls(model, shapes)
        if path.name in PARTIAL:  # not followed to the end on purpose: a lower bound, never more
            assert not cost.macs.exact and cost.macs.value <= total // batch, graph.name
            compared += 1
            continue
        assert cost.macs.exact, f"{graph.name}: convlint's MAC total is not exact"
        leaves = {n for n, m in model.named_modules() if not list(m.children())}
        ours: Dict[str, List[Any]] = {}
        for r in shaped.layers:
            if r.node.called and r.node.layer_id in leaves:
                ours.setdefault(r.node.layer_id, []).append(r)
        seen: Dict[str, int] = {}
        expected_total = 0
        for name, macs, size in calls:
            module = model.get_submodule(name)
            if isinstance(module, (torch.nn.Identity, torch.nn.Sequential)):
                continue  # nn.Identity() or an empty nn.Sequential(): no layer in convlint's table
            k = seen.get(name, 0)
            seen[name] = k + 1
            assert name in ours and k < len(ours[name]), f"{graph.name}: torchinfo has a call of {name!r} convlint lacks"
            r = ours[name][k]
            mine = cost.layers[r.node.id].macs
            expected = macs // batch
            assert macs % batch == 0
            if type(module).__name__ in ("Linear", "LazyLinear", "Bilinear") and len(size) > 2:
                expected *= prod(size[1:-1])  # every position, not once (the documented difference)
            assert mine == expected, f"{graph.name}.{name} call {k}: convlint {mine} MACs, torchinfo {expected}"
            expected_total += expected
            compared += 1
        # what torchinfo cannot see (functional ops with a module's own weight) is the only extra
        extra = sum(cost.layers[r.node.id].macs for r in shaped.layers if r.node.called and r.node.layer_id not in leaves
                    and r.node.type != "Input")
        assert cost.macs.value == expected_total + extra
        assert total % batch == 0 and expected_total >= total // batch
    if compared == 0:
        pytest.skip(f"{path.name}: no module model to compare")


def _torch_module_rows() -> List[Any]:
    """The layer tables' PyTorch rows that are ``torch.nn`` modules (torchinfo hooks modules)."""
    from tables import all_cases

    return [p for p in all_cases() if p.values[0].framework == "torch" and hasattr(torch.nn, p.values[0].type)]


@pytest.mark.parametrize("row", _torch_module_rows())
def test_layer_table_macs_match_torchinfo(row: Any) -> None:
    """Every PyTorch layer of the catalogue tables, alone: convlint's MACs = torchinfo's."""
    from layer_models import analyze_row
    from oracle_frameworks import BATCH as ROW_BATCH, random_inputs, torch_callable

    from convlint.cost import model_cost

    shaped = analyze_row(row)
    mine = model_cost(shaped).layers["layer"].macs
    _, module = torch_callable(row.type, row.args, row.kwargs)
    xs = [torch.from_numpy(a) for a in random_inputs(row)]
    stats = torchinfo.summary(module, input_data=xs, verbose=0, mode="eval")
    (info,) = [i for i in stats.summary_list if i.is_leaf_layer]
    expected, rest = divmod(info.macs, ROW_BATCH)
    assert rest == 0
    if row.type in ("Linear", "LazyLinear", "Bilinear") and len(row.out_shape) > 2:
        expected *= prod(row.out_shape[1:-1])  # every position (the documented difference)
    assert mine == expected, f"convlint {mine} MACs, torchinfo {expected} (batch 1)"
