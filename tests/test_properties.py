"""Property tests over random layer stacks.

- engine vs executor (always): for every stack the engine accepts, the NumPy executor's
  measured shapes equal the engine's at every layer;
- engine vs PyTorch / Keras (oracle): the framework raises exactly when the engine reports a
  finding, and agrees on every layer's shape otherwise.
"""

from __future__ import annotations

from typing import List, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convlint.engine import analyze
from convlint.graph import ModelGraph, Node, Span

Layer = Tuple[str, tuple, dict]


@st.composite
def torch_stacks(draw) -> Tuple[Tuple[int, int, int], List[Layer]]:
    c, h, w = draw(st.integers(1, 4)), draw(st.integers(1, 24)), draw(st.integers(1, 24))
    layers: List[Layer] = []
    channels = c
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["Conv2d", "MaxPool2d", "AvgPool2d", "ConvTranspose2d"]))
        k = draw(st.integers(1, 5))
        s = draw(st.integers(1, 3))
        if kind == "Conv2d":
            out = draw(st.integers(1, 6))
            # in_channels is usually right, sometimes wrong: the engine must notice
            in_c = channels if draw(st.integers(0, 9)) else channels + 1
            kw = {"stride": s, "padding": draw(st.integers(0, 2)), "dilation": draw(st.integers(1, 2))}
            layers.append((kind, (in_c, out, k), kw))
            channels = out
        elif kind == "ConvTranspose2d":
            out = draw(st.integers(1, 4))
            kw = {"stride": s, "padding": draw(st.integers(0, 1))}
            layers.append((kind, (channels, out, k), kw))
            channels = out
        else:
            kw = {"stride": s, "padding": draw(st.integers(0, k // 2)), "ceil_mode": draw(st.booleans())}
            layers.append((kind, (k,), kw))
    return (c, h, w), layers


@st.composite
def keras_stacks(draw) -> Tuple[Tuple[int, int, int], List[Layer]]:
    h, w, c = draw(st.integers(1, 24)), draw(st.integers(1, 24)), draw(st.integers(1, 4))
    layers: List[Layer] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["Conv2D", "MaxPooling2D", "AveragePooling2D", "Conv2DTranspose"]))
        k = draw(st.integers(1, 5))
        s = draw(st.integers(1, 3))
        padding = draw(st.sampled_from(["valid", "same"]))
        if kind in ("Conv2D", "Conv2DTranspose"):
            layers.append((kind, (draw(st.integers(1, 6)), k), {"strides": s, "padding": padding}))
        else:
            layers.append((kind, (k,), {"strides": s, "padding": padding}))
    return (h, w, c), layers


def build(framework: str, shape: tuple, layers: List[Layer]) -> ModelGraph:
    layout = "channels_last" if framework == "keras" else "channels_first"
    model = ModelGraph("stack", framework, "stack.py", Span(1), layout=layout)
    model.add(Node("in", "Input", kwargs={"shape": shape}))
    model.inputs = ["in"]
    prev = "in"
    for i, (kind, args, kwargs) in enumerate(layers):
        model.add(Node(f"l{i}", kind, args, kwargs, inputs=[prev], span=Span(i + 2)))
        prev = f"l{i}"
    model.outputs = [prev]
    return model


@given(st.one_of(torch_stacks().map(lambda s: ("torch", s)), keras_stacks().map(lambda s: ("keras", s))))
def test_executor_agrees_with_engine(case):
    from convlint.execute import execute

    framework, (shape, layers) = case
    model = build(framework, shape, layers)
    shaped = analyze(model)
    if shaped.findings:
        return
    run = execute(model, (2,) + shape)
    for result in shaped.layers:
        assert run.shapes[result.node.id] == (2,) + tuple(result.output_shape[1:])


@pytest.mark.oracle
@given(torch_stacks())
def test_torch_raises_exactly_when_engine_finds(stack):
    torch = pytest.importorskip("torch")
    shape, layers = stack
    shaped = analyze(build("torch", shape, layers))
    x = torch.zeros((2,) + shape)
    shapes = []
    try:
        with torch.no_grad():
            for kind, args, kwargs in layers:
                x = getattr(torch.nn, kind)(*args, **kwargs)(x)
                if 0 in x.shape:
                    raise RuntimeError("empty output")
                shapes.append(tuple(x.shape[1:]))
    except Exception as err:  # torch's own rejection
        assert shaped.findings, f"torch raised {err!r} but convlint found nothing"
        return
    assert not shaped.findings, [f.message for f in shaped.findings]
    assert [tuple(r.output_shape[1:]) for r in shaped.layers[1:]] == shapes


@pytest.mark.oracle
@given(keras_stacks())
def test_keras_raises_exactly_when_engine_finds(stack):
    keras = pytest.importorskip("keras")
    shape, layers = stack
    shaped = analyze(build("keras", shape, layers))
    current = (None,) + shape
    shapes = []
    try:
        for kind, args, kwargs in layers:
            current = getattr(keras.layers, kind)(*args, **kwargs).compute_output_shape(current)
            if any(d is not None and d <= 0 for d in current):
                raise ValueError("non-positive output")
            shapes.append(tuple(current[1:]))
    except Exception as err:
        assert shaped.findings, f"keras raised {err!r} but convlint found nothing"
        return
    assert not shaped.findings, [f.message for f in shaped.findings]
    assert [tuple(r.output_shape[1:]) for r in shaped.layers[1:]] == shapes
