"""The catalogue's constructor signatures against the real classes' ``inspect.signature``.

Every default the catalogue assumes (``LayerSpec.signatures``) must be the real class' own
default (Keras 3 and PyTorch 2.13), every required argument required there too, and every
argument at the position Python binds it to: ``Conv3DTranspose(8, 3, 1, "same", "channels_first")``
passes ``data_format`` fifth, where ``Conv2DTranspose`` takes ``output_padding``.  Keras 2's own
defaults where Keras 3 has none (``AveragePooling2D()``) are the legacy table's business
(``convlint/frontend/keras/legacy.py``), not the catalogue's.
"""

from __future__ import annotations

import inspect
from typing import Any, List, Optional

import pytest

from convlint.layers import builtin_specs
from convlint.layers.base import KW_ONLY, REQUIRED

pytestmark = pytest.mark.oracle

NOT_A_CLASS = {("torch", "Input"), ("torch", "Parameter")}
"""Graph nodes the front ends make, no framework class (the torch tensor-op pseudo-types have
lower-case names and are skipped the same way)."""

SPELLINGS = {("keras", "InputLayer", "input_shape")}
"""Arguments the catalogue takes that the class accepts through ``**kwargs`` (Keras 2's
``InputLayer(input_shape=...)`` spelling, still passed on by Keras 3)."""


def _real_class(framework: str, name: str) -> Optional[Any]:
    if framework == "keras":
        import keras

        return getattr(keras.layers, name, None)
    import torch

    return getattr(torch.nn, name, None) if name[:1].isupper() else None


def _rows() -> List[Any]:
    rows = []
    for spec in builtin_specs():
        for (framework, name), signature in spec.signatures.items():
            if (framework, name) not in NOT_A_CLASS and name[:1].isupper():
                rows.append(pytest.param(framework, name, list(signature), id=f"{framework}-{name}"))
    return rows


def _same(catalogue: Any, real: Any) -> bool:
    """Equal as the layer reads them: ``1`` is ``(1, 1)`` for a 2-D size, a list is a tuple."""
    if catalogue is REQUIRED or real is REQUIRED:
        return catalogue is real
    if isinstance(real, (tuple, list)) and not isinstance(catalogue, (tuple, list)):
        return all(_same(catalogue, r) for r in real)
    if isinstance(catalogue, (tuple, list)) and not isinstance(real, (tuple, list)):
        return all(_same(c, real) for c in catalogue)
    if isinstance(catalogue, (tuple, list)):
        return len(catalogue) == len(real) and all(_same(c, r) for c, r in zip(catalogue, real))
    return catalogue == real and isinstance(catalogue, bool) == isinstance(real, bool)  # 1e-5 == 1e-05, True != 1


@pytest.mark.parametrize("framework, name, signature", _rows())
def test_catalogue_signature_is_the_real_one(framework: str, name: str, signature: List[Any]) -> None:
    if framework == "keras":
        pytest.importorskip("keras")
    else:
        pytest.importorskip("torch")
    cls = _real_class(framework, name)
    assert cls is not None, f"{framework} has no class {name}"
    params = inspect.signature(cls).parameters
    positional = [p.name for p in params.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keyword_only = False
    problems = []
    for index, (arg, default) in enumerate(signature):
        if arg == KW_ONLY:
            keyword_only = True
            continue
        if arg not in params:
            if (framework, name, arg) not in SPELLINGS:
                problems.append(f"{arg!r} is not an argument of the real class")
            continue
        real = params[arg]
        real_default = REQUIRED if real.default is inspect.Parameter.empty else real.default
        if not _same(default, real_default):
            problems.append(f"{arg}: catalogue default {default!r}, real {real_default!r}")
        if keyword_only != (real.kind == real.KEYWORD_ONLY):
            problems.append(f"{arg}: keyword-only in {'the catalogue' if keyword_only else 'the real class'} only")
        elif not keyword_only and (index >= len(positional) or positional[index] != arg):
            real_index = positional.index(arg) if arg in positional else None
            problems.append(f"{arg}: positional argument {index} in the catalogue, {real_index} in the real class")
    assert not problems, f"{framework}.{name}: " + "; ".join(problems)
