"""Reshaping properties: engine == NumPy executor == PyTorch on random paddings and views."""

from __future__ import annotations

import pytest

from convlint.engine import analyze
from convlint.graph import SizeOf

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies


@st.composite
def _pads(draw):
    rank = draw(st.integers(3, 5))
    shape = tuple(draw(st.integers(1, 6)) for _ in range(rank - 1))
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    n = draw(st.integers(1, min(3, rank - 1))) if mode == "constant" else rank - 2  # never the batch axis
    pad = tuple(draw(st.integers(-2 if mode == "constant" else 0, 4)) for _ in range(2 * n))
    return shape, pad, mode


@pytest.mark.oracle
@hypothesis.given(_pads())
def test_pad_agrees_with_torch(case):
    torch = pytest.importorskip("torch")
    import numpy as np

    from convlint.execute import execute
    from layer_models import layer_model

    shape, pad, mode = case
    x = np.random.default_rng(0).standard_normal((2,) + shape).astype(np.float32)
    try:
        expected = torch.nn.functional.pad(torch.from_numpy(x), pad, mode=mode).numpy()
    except Exception:
        expected = None
    if expected is not None and 0 in expected.shape:
        expected = None  # torch returns an empty tensor; convlint reports the empty axis
    model = layer_model("torch", "pad", (pad, mode), {}, [(None,) + shape])
    shaped = analyze(model)
    if expected is None:
        assert shaped.findings, (shape, pad, mode)
        return
    assert shaped.findings == []
    assert shaped.result("layer").output_shape == (None,) + expected.shape[1:]
    run = execute(model, x)
    np.testing.assert_allclose(run.outputs["layer"], expected, atol=1e-6)


@st.composite
def _views(draw):
    dims = [draw(st.integers(1, 4)) for _ in range(draw(st.integers(1, 3)))]
    n = 1
    for d in dims:
        n *= d
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    first = draw(st.sampled_from(divisors))
    batch = draw(st.sampled_from([-1, SizeOf(0)]))
    rest = [first, -1] if batch == SizeOf(0) and draw(st.booleans()) else [first, n // first]
    return tuple(dims), tuple([batch] + rest)


@pytest.mark.oracle
@hypothesis.given(_views())
def test_view_agrees_with_torch(case):
    torch = pytest.importorskip("torch")
    import numpy as np

    from convlint.execute import execute
    from layer_models import layer_model

    dims, target = case
    x = np.random.default_rng(0).standard_normal((2,) + dims).astype(np.float32)
    sizes = [x.shape[0] if isinstance(t, SizeOf) else t for t in target]
    expected = torch.from_numpy(x).view(*sizes).numpy()
    model = layer_model("torch", "view", target, {}, [(None,) + dims])
    shaped = analyze(model)
    assert shaped.findings == []
    assert shaped.result("layer").output_shape == (None,) + expected.shape[1:]
    np.testing.assert_array_equal(execute(model, x).outputs["layer"], expected)


_MODES = ["nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact"]


@st.composite
def _upsamples(draw):
    rank = draw(st.integers(3, 5))
    shape = tuple(draw(st.integers(1, 8)) for _ in range(rank - 1))
    mode = draw(st.sampled_from(_MODES))
    kwargs = {"mode": mode}
    if draw(st.booleans()):
        kwargs["scale_factor"] = draw(st.sampled_from([0.5, 0.75, 1.0, 1.3, 1.5, 1.7, 2.0, 2.3, 2.5, 3.0, 1 / 3]))
        if draw(st.booleans()):
            kwargs["recompute_scale_factor"] = True
    else:
        kwargs["size"] = tuple(draw(st.integers(1, 11)) for _ in range(rank - 2))
    if mode in ("linear", "bilinear", "bicubic", "trilinear") and draw(st.booleans()):
        kwargs["align_corners"] = draw(st.booleans())
    return shape, kwargs


@pytest.mark.oracle
@hypothesis.given(_upsamples())
def test_upsample_agrees_with_torch(case):
    """Shapes, findings and numbers, including PyTorch's same-size and doubling shortcuts."""
    torch = pytest.importorskip("torch")
    import numpy as np

    from convlint.execute import execute
    from layer_models import layer_model

    shape, kwargs = case
    x = np.random.default_rng(0).standard_normal((2,) + shape).astype(np.float32)
    try:
        expected = torch.nn.Upsample(**kwargs)(torch.from_numpy(x)).numpy()
    except Exception:
        expected = None
    if expected is not None and 0 in expected.shape:
        expected = None  # torch returns an empty tensor; convlint reports the empty axis
    model = layer_model("torch", "Upsample", (), kwargs, [(None,) + shape])
    shaped = analyze(model)
    if expected is None:
        assert shaped.findings, (shape, kwargs)
        return
    assert shaped.findings == []
    assert shaped.result("layer").output_shape == (None,) + expected.shape[1:]
    np.testing.assert_allclose(execute(model, x).outputs["layer"], expected, atol=1e-4)
