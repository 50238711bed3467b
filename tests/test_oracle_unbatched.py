"""Every PyTorch layer of the catalogue on exact tensors of every nearby rank, against PyTorch.

A tensor a factory call makes (``torch.rand(16, 64, 64)``) has exactly that shape, and each
PyTorch layer decides from the rank alone whether its first axis is a batch: ``nn.Conv2d``
takes ``(N, C, H, W)`` and the unbatched ``(C, H, W)``, ``nn.Linear`` any rank >= 1,
``nn.BatchNorm2d`` only 4-D.  For every torch row of the layer tables, the row's own layer runs
on its input batched (batch 2) and unbatched (the batch axis dropped), and the first row of each
type on every rank from 0 to 6; convlint must raise exactly where PyTorch raises and otherwise
give PyTorch's exact output shape.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import numpy as np
import pytest

from convlint.dims import fmt
from convlint.engine import analyze
from convlint.layers import default_catalogue
from layer_models import layer_model
from tables import all_cases

pytestmark = pytest.mark.oracle

_ERRORS = {"non-positive-dim", "rank-mismatch", "channel-mismatch", "groups", "reshape-size", "merge-mismatch", "invalid-argument"}

VARIANTS: Dict[str, Any] = {
    "batched": lambda rest: (2, *rest),
    "unbatched": lambda rest: tuple(rest),
}
"""How each variant makes an exact input shape from a row's per-sample shape ``rest``."""

RANKS = range(0, 7)
"""For the first row of each type, every rank from 0 to 6 (leading axes dropped, or of size 2 added)."""


def _of_rank(rest: Tuple[int, ...], rank: int) -> Tuple[int, ...]:
    return tuple(rest[len(rest) - rank:]) if rank <= len(rest) else (2,) * (rank - len(rest)) + tuple(rest)


def _torch_rows() -> List[Any]:
    return [p for p in all_cases() if p.values[0].framework == "torch"]


def _sweeps() -> List[Any]:
    """(row, rank) for the first row of each torch type, at the ranks the two variants miss."""
    out, seen = [], set()
    for p in _torch_rows():
        row = p.values[0]
        if row.type in seen:
            continue
        seen.add(row.type)
        rank = len(row.in_shapes[0])
        out += [pytest.param(row, r, id=f"{row.type}-{r}D") for r in RANKS if r not in (rank, rank - 1)]
    return out


def _real(row: Any, shapes: List[Tuple[int, ...]]) -> Any:
    """PyTorch's output shape, or the exception it raises."""
    import torch

    import oracle_frameworks as fw

    rng = np.random.default_rng(0)
    try:
        forward, _ = fw.torch_callable(row.type, row.args, row.kwargs)
        with torch.no_grad():
            y = forward([torch.from_numpy(rng.standard_normal(s).astype(np.float32)) for s in shapes])
    except Exception as err:  # noqa: BLE001 - any rejection is the framework raising
        return err
    return tuple(y.shape)


def _check(row: Any, shapes: List[Tuple[int, ...]]) -> None:
    pytest.importorskip("torch")
    real = _real(row, shapes)
    shaped = analyze(layer_model("torch", row.type, row.args, row.kwargs, shapes, exact=True))
    errors = [(f.kind, f.message) for f in shaped.findings if f.kind in _ERRORS]
    others = [(f.kind, f.message) for f in shaped.findings if f.kind not in _ERRORS]
    assert not others, others
    if isinstance(real, Exception):
        assert errors, f"PyTorch raises {real!r} on {shapes}; convlint reports nothing"
        return
    assert not errors, f"PyTorch runs {shapes} -> {real}; convlint reports {errors}"
    out = shaped.result("layer").output_shape
    assert out is not None and tuple(fmt(d) for d in out) == real


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("row", _torch_rows())
def test_exact_inputs_batched_and_unbatched_match_pytorch(row: Any, variant: str) -> None:
    _check(row, [VARIANTS[variant](tuple(s[1:])) for s in row.in_shapes])


@pytest.mark.parametrize("row, rank", _sweeps())
def test_exact_inputs_of_every_rank_match_pytorch(row: Any, rank: int) -> None:
    _check(row, [_of_rank(tuple(s[1:]), rank) for s in row.in_shapes])


def test_every_torch_layer_of_the_catalogue_is_covered() -> None:
    """Each torch class the catalogue models has a table row, so the test above runs it."""
    covered = {p.values[0].type for p in _torch_rows()}
    catalogue = default_catalogue()
    modelled = set(catalogue.names("torch")) - {"Input", "Parameter"}
    missing = sorted(n for n in modelled if catalogue.canonical("torch", n) not in covered and n not in covered)
    assert not missing, f"torch layers without a table row: {missing}"
