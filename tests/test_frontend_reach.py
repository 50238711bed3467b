"""Real programs: models held by wrappers, snippets without imports, input shapes from data,
tensor code outside modules (issue 8).  Values are checked against the frameworks in the
fixture oracles (``fixtures/*/gan_wrapper.py``, ``snippet_no_imports.py``,
``data_input_shape.py``, ``script_ops_bad.py``); here: what is reported, and where."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

from convlint.engine import analyze
from convlint.frontend import analyze_source
from convlint.frontend.implied import implied_imports, unbound_names
from convlint.layers import default_catalogue

ROOT = Path(__file__).resolve().parent.parent


def _models(source: str) -> Dict[str, object]:
    result = analyze_source(textwrap.dedent(source), "snippet.py")
    return {m.name: analyze(m) for m in result.models}


def _notes(source: str, kind: str) -> List[str]:
    return [n.message for n in analyze_source(textwrap.dedent(source), "snippet.py").notes if n.kind == kind]


def _implied(source: str) -> Dict[str, str]:
    cat = default_catalogue()
    return implied_imports(textwrap.dedent(source), cat.names("keras"), cat.names("torch")).names


# -- wrappers -------------------------------------------------------------------------------
def test_keras_wrapper_without_call_keeps_its_models() -> None:
    source = (ROOT / "fixtures/keras/gan_wrapper.py").read_text()
    result = analyze_source(source, "gan_wrapper.py")
    assert sorted(m.name for m in result.models) == ["discriminator", "generator"]
    assert [n.message for n in result.notes if n.kind == "unsupported"] == [
        "subclassed Keras model 'GAN' has no call method; it is not analysed"
    ]


def test_keras_model_applied_in_call_is_still_inlined() -> None:
    models = _models(
        """
        import keras
        from keras import layers

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.body = keras.Sequential([layers.Dense(4)])

            def call(self, x):
                return self.body(x)

        Net().build((None, 8))
        """
    )
    assert list(models) == ["Net"]
    assert models["Net"].total_params == 36


def test_torch_wrapper_without_forward_keeps_its_networks() -> None:
    source = (ROOT / "fixtures/torch/gan_wrapper.py").read_text()
    result = analyze_source(source, "gan_wrapper.py")
    assert sorted(m.name for m in result.models) == ["Discriminator", "Generator"]
    totals = {m.name: analyze(m).total_params for m in result.models}
    assert totals == {"Generator": 16 * 64 + 64 + 64 * 784 + 784, "Discriminator": 8 * 16 + 8 + 1568 + 1}
    assert any("GAN has no forward" in n.message for n in result.notes)


def test_a_plain_trainer_class_does_not_hide_the_networks() -> None:
    models = _models(
        """
        import torch.nn as nn

        class Encoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(10, 4)
            def forward(self, x):
                return self.fc(x)

        class Trainer:
            def __init__(self, net):
                self.net = net

        trainer = Trainer(Encoder())
        """
    )
    assert list(models) == ["Encoder"]


# -- snippets without imports ---------------------------------------------------------------
def test_unbound_names_skip_everything_bound_anywhere() -> None:
    source = textwrap.dedent(
            """
            import numpy as np
            def f(Dense, *a, **k):
                for Flatten in a:
                    pass
            class Conv2D: pass
            try:
                pass
            except ValueError as MaxPooling2D:
                pass
            y = [Dropout for Dropout in range(3)]
            model = Sequential([Dense, Flatten, Conv2D, MaxPooling2D, Dropout, len, np, Input])
            """
    )
    assert sorted(unbound_names(source)) == ["Input", "Sequential"]


def test_keras_snippet_names_resolve_to_keras() -> None:
    assert _implied(
        """
        model = Sequential()
        model.add(Conv2D(8, 3, input_shape=(28, 28, 1)))
        model.add(Flatten())
        model.add(Dense(10))
        """
    ) == {
        "Sequential": "keras.Sequential",
        "Conv2D": "keras.layers.Conv2D",
        "Flatten": "keras.layers.Flatten",
        "Dense": "keras.layers.Dense",
    }


def test_sequential_with_add_alone_is_keras() -> None:
    """``Sequential`` and ``Flatten`` exist in both frameworks; ``.add`` is Keras' idiom."""
    assert _implied("model = Sequential()\nmodel.add(x)\n") == {"Sequential": "keras.Sequential"}


def test_torch_spellings_decide_the_shared_ones() -> None:
    assert _implied("net = nn.Sequential(Flatten(), Linear(4, 2))\n") == {
        "nn": "torch.nn",
        "Flatten": "torch.nn.Flatten",
        "Linear": "torch.nn.Linear",
    }


def test_ambiguous_names_are_not_guessed() -> None:
    """Keras (Dense) and PyTorch (Linear) spellings together: the shared ``Flatten`` stays
    unbound; with no evidence at all, ``Sequential([...])`` is not guessed either."""
    assert _implied("a = Sequential([Flatten(), Dense(3), Linear(2, 2)])\n") == {
        "Dense": "keras.layers.Dense",
        "Linear": "torch.nn.Linear",
    }
    assert _implied("model = Sequential([Flatten(), Dropout(0.5)])\n") == {}


def test_imports_and_star_imports_bind_names() -> None:
    assert _implied("from keras.layers import Dense\nm = Dense(3)\n") == {}
    assert _implied("from keras.layers import *\nm = Dense(3)\n") == {}
    assert _implied("from mylib import *\nm = Dense(3)\n") == {}


def test_one_note_per_file_and_the_model_is_analysed() -> None:
    source = (ROOT / "fixtures/keras/snippet_no_imports.py").read_text()
    result = analyze_source(source, "snippet_no_imports.py")
    notes = [n for n in result.notes if n.kind == "implied"]
    assert len(notes) == 1 and notes[0].span.line == 4
    assert "Keras (Conv2D, Dense, GlobalAveragePooling2D, MaxPooling2D, Sequential)" in notes[0].message
    (model,) = result.models
    shaped = analyze(model)
    assert shaped.total_params == 160 + 4640 + 330


def test_star_import_of_a_framework_binds_its_names() -> None:
    models = _models(
        """
        from keras.layers import *
        from keras.models import Sequential
        model = Sequential()
        model.add(Dense(4, input_shape=(3,)))
        """
    )
    assert models["model"].total_params == 16
    star = "from keras.layers import *\nfrom keras.models import Sequential\nm = Sequential([Dense(2)])\n"
    assert _notes(star, "implied") == []


# -- input shapes from data -------------------------------------------------------------------
def test_input_shape_from_a_known_dataset() -> None:
    source = (ROOT / "fixtures/keras/data_input_shape.py").read_text()
    result = analyze_source(source, "data_input_shape.py")
    models = {m.name: analyze(m) for m in result.models}
    assert tuple(models["model"].layers[0].output_shape) == (None, 28, 28, 1)
    assert models["model"].total_params == 80 + 13530
    assert models["functional"].total_params == 104 + 50
    assert not [n for n in result.notes if n.kind == "no-input-shape"]


def test_input_shape_from_a_table_keeps_the_rank() -> None:
    source = """
        import pandas as pd
        from keras.models import Sequential
        from keras.layers import Dense
        X = pd.read_csv("train.csv").drop("y", axis=1).values
        model = Sequential([Dense(8, input_shape=(X.shape[1],)), Dense(1)])
        """
    models = _models(source)
    assert str(models["model"].total_params) == "8 * C + 17"
    (note,) = _notes(source, "no-input-shape")
    assert "depends on the data" in note and "symbolic input (C,)" in note


@pytest.mark.parametrize(
    "expr, shape",
    [
        ("x.reshape(-1, 28, 28, 1)", (60000, 28, 28, 1)),
        ("x.reshape(x.shape[0], 784)", (60000, 784)),
        ("x[..., None]", (60000, 28, 28, 1)),
        ("np.expand_dims(x, -1)", (60000, 28, 28, 1)),
        ("x[:100] / 255.0", (100, 28, 28)),
        ("x.astype('float32').reshape((-1, 28 * 28))", (60000, 784)),
    ],
)
def test_data_array_shapes(expr: str, shape: tuple) -> None:
    source = f"""
        import numpy as np
        import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        data = {expr}
        model = keras.Sequential([keras.Input(shape=data.shape[1:]), keras.layers.Flatten()])
        """
    models = _models(source)
    assert tuple(models["model"].layers[-1].output_shape)[1:] == (int(__import__("math").prod(shape[1:])),)


# -- tensor code outside modules ----------------------------------------------------------------
def test_script_functional_ops_are_checked_where_they_raise() -> None:
    source = (ROOT / "fixtures/torch/script_ops_bad.py").read_text()
    (model,) = analyze_source(source, "script_ops_bad.py").models
    found = sorted((f.span.line, f.kind) for f in analyze(model).findings)
    assert found == [(8, "non-positive-dim"), (9, "invalid-argument"), (13, "merge-mismatch"), (14, "merge-mismatch"), (15, "reshape-size"), (16, "merge-mismatch")]


@pytest.mark.oracle
def test_script_errors_are_exactly_the_statements_pytorch_rejects() -> None:
    """Each top-level statement run on its own by real PyTorch: the lines that raise are the
    lines convlint reports, no more, no fewer."""
    pytest.importorskip("torch")
    path = ROOT / "fixtures/torch/script_ops_bad.py"
    source = path.read_text()
    ns: dict = {"__name__": "script"}
    raised = set()
    for stmt in ast.parse(source).body:
        try:
            exec(compile(ast.Module([stmt], []), str(path), "exec"), ns)
        except Exception:
            raised.add(stmt.lineno)
    (model,) = analyze_source(source, str(path)).models
    assert {f.span.line for f in analyze(model).findings} == raised == {8, 9, 13, 14, 15, 16}


def test_an_unresolved_sequential_item_is_named_as_written() -> None:
    notes = _notes(
        """
        import keras
        from keras import layers
        import config

        model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3)])
        model.add(config.head)
        """,
        "unresolved",
    )
    assert notes == ["a layer of this Sequential could not be resolved (`config.head` is not a layer convlint knows); shapes after it are unknown"]


_DEVICE_BRANCH = """
    import torch
    from torch import nn
    import config


    class MLP(nn.Module):
        def __init__(self, in_dim, classes):
            super().__init__()
            self.fc = nn.Linear(in_dim, classes)

        def forward(self, x):
            return self.fc(x)


    model = MLP(784, 10)
    if config.gpu:
        model = model.{call}
"""


@pytest.mark.parametrize("call, total", [("cuda()", 7850), ("to(config.device)", 7850), ("half()", 7850), ("eval()", None), ("rebuild()", None)])
def test_a_model_moved_under_an_undecided_condition_keeps_its_arguments(call: str, total: object) -> None:
    (model,) = _models(_DEVICE_BRANCH.format(call=call)).values()
    assert model.total_params == total  # eval() changes the mode forward may read; an unknown method anything


_FACTORIES = """
    import torch.nn as nn

    CFG = {"A": [16, "M", 32, "M"], "B": [16, 16, "M", 32, 32, "M"]}


    def make_layers(cfg):
        layers, width = [], 3
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(width, v, 3, padding=1), nn.ReLU()]
                width = v
        return nn.Sequential(*layers)


    class VGG(nn.Module):
        def __init__(self, features, classes=10):
            super().__init__()
            self.features = features
            self.head = nn.Linear(32 * 8 * 8, classes)

        def forward(self, x):
            return self.head(self.features(x).flatten(1))


    def vgg_a(**kwargs):
        return VGG(make_layers(CFG["A"]), **kwargs)


    def vgg_b(**kwargs):
        model = VGG(make_layers(CFG["B"]), **kwargs)
        return model
"""


def test_a_class_several_factories_build_is_a_model_per_factory() -> None:
    source = textwrap.dedent(_FACTORIES)
    result = analyze_source(source, "snippet.py")
    calls = [i for i, line in enumerate(source.splitlines(), 1) if "VGG(make_layers" in line]  # where each is made
    assert [(m.name, m.span.line) for m in result.models] == [("vgg_a", calls[0]), ("vgg_b", calls[1])]


@pytest.mark.oracle
def test_each_factory_model_has_the_frameworks_total() -> None:
    torch = pytest.importorskip("torch")
    namespace: Dict[str, object] = {}
    exec(compile(textwrap.dedent(_FACTORIES), "snippet.py", "exec"), namespace)
    models = _models(_FACTORIES)
    for name in ("vgg_a", "vgg_b"):
        real = namespace[name]()  # type: ignore[operator]
        assert models[name].total_params == sum(p.numel() for p in real.parameters())  # type: ignore[attr-defined]
        assert isinstance(real, torch.nn.Module)


_KERAS_ROOTS = """
    import keras
    from keras import layers


    def small_encoder(size):
        inputs = keras.Input(shape=(size, size, 3))
        return inputs, layers.Conv2D(8, 3)(inputs)


    def wide_encoder(size):
        inputs = keras.Input(shape=(size, size, 3))
        x = layers.Conv2D(16, 3)(inputs)
        return inputs, layers.Conv2D(32, 3)(x)


    def _segnet(classes, encoder, size=32):
        inputs, features = encoder(size)
        outputs = layers.Conv2D(classes, 1)(features)
        return keras.Model(inputs, outputs)


    def small_segnet(classes):
        return _segnet(classes, small_encoder)


    def wide_segnet(classes):
        return _segnet(classes, wide_encoder)


    if __name__ == "__main__":
        a = wide_segnet(5)
        b = small_segnet(5)
"""


def test_one_place_reached_by_different_calls_is_a_model_per_call() -> None:
    models = _models(_KERAS_ROOTS)
    assert sorted(models) == ["small_segnet", "wide_segnet"]


@pytest.mark.oracle
def test_each_call_model_has_the_frameworks_total() -> None:
    pytest.importorskip("keras")
    namespace: Dict[str, object] = {"__name__": "oracle"}
    exec(compile(textwrap.dedent(_KERAS_ROOTS), "snippet.py", "exec"), namespace)
    models = _models(_KERAS_ROOTS)
    for name in ("small_segnet", "wide_segnet"):
        real = namespace[name](5)  # type: ignore[operator]
        assert models[name].total_params == real.count_params()  # type: ignore[attr-defined]


_AUTOENCODER = """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(16, 3, strides=2, padding="same")(inputs)
    x = layers.Flatten()(x)
    latent = layers.Dense(16)(x)
    encoder = keras.Model(inputs, latent, name="encoder")

    latent_inputs = keras.Input(shape=(16,))
    y = layers.Dense(14 * 14 * 16)(latent_inputs)
    y = layers.Reshape((14, 14, {channels}))(y)
    y = layers.Conv2DTranspose(1, 3, strides=2, padding="same")(y)
    decoder = keras.Model(latent_inputs, y, name="decoder")

    head = keras.Sequential([layers.Dense(8)], name="head")
    autoencoder = keras.Model(inputs, [decoder(encoder(inputs)), head(latent)], name="autoencoder")
"""


def test_named_parts_with_their_own_input_are_models_too() -> None:
    models = _models(_AUTOENCODER.format(channels=16))
    assert sorted(models) == ["autoencoder", "decoder", "encoder"]  # head has no input of its own


@pytest.mark.oracle
def test_named_parts_have_the_frameworks_totals() -> None:
    pytest.importorskip("keras")
    namespace: Dict[str, object] = {}
    exec(compile(textwrap.dedent(_AUTOENCODER.format(channels=16)), "snippet.py", "exec"), namespace)
    for name, shaped in _models(_AUTOENCODER.format(channels=16)).items():
        assert shaped.total_params == namespace[name].count_params(), name  # type: ignore[attr-defined]


def test_an_error_inside_a_named_part_is_said_once() -> None:
    from convlint.config import Config
    from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
    from convlint.runner import Checker

    pm = make_plugin_manager(())
    checker = Checker(Config(root=str(ROOT)), collect_rules(pm), make_catalogue(pm), fixes=False)
    outcome = checker.check_source("ae.py", textwrap.dedent(_AUTOENCODER.format(channels=8)))
    assert [d.code for d in outcome.diagnostics if d.severity == "error"] == ["CL105"]  # in decoder, and in autoencoder


_POOL_BY_SIZE = """
    import torch.nn as nn
    import torch.nn.functional as F

    import helpers


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 16, 3, stride=2, padding=1)
            self.fc = nn.Linear(16, 10)

        def forward(self, x):
            out = helpers.mystery(F.relu(self.conv(x)))  # a function convlint cannot read
            out = F.avg_pool2d(out, out.size()[3])  # so this kernel size is unknown
            return self.fc(out.view(out.size(0), -1))
"""


def test_a_layer_without_weights_has_none_whatever_its_unknown_arguments() -> None:
    (model,) = _models(_POOL_BY_SIZE).values()
    pool = [r for r in model.layers if r.node.type == "AvgPool2d"][0]  # type: ignore[attr-defined]
    assert pool.output_shape is None and pool.params == 0
    assert model.total_params == 3 * 16 * 9 + 16 + 16 * 10 + 10  # type: ignore[attr-defined]  # exact: no layer's unknown


@pytest.mark.oracle
def test_that_total_is_the_frameworks(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    torch = pytest.importorskip("torch")
    helpers = types.ModuleType("helpers")
    helpers.mystery = lambda t: t  # type: ignore[attr-defined]  # any function of the tensor
    monkeypatch.setitem(sys.modules, "helpers", helpers)
    namespace: Dict[str, object] = {}
    exec(compile(textwrap.dedent(_POOL_BY_SIZE), "snippet.py", "exec"), namespace)
    net = namespace["Net"]()  # type: ignore[operator]
    assert net(torch.zeros(1, 3, 32, 32)).shape == (1, 10)
    (model,) = _models(_POOL_BY_SIZE).values()
    assert model.total_params == sum(p.numel() for p in net.parameters())  # type: ignore[attr-defined]


_EXPLICIT_FORWARD = """
    import torch
    import torch.nn as nn


    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(784, 64), nn.ReLU())
            self.out = nn.Linear(64, 10)

        def forward(self, x):
            x = self.body.forward(x.view(x.size(0), -1))
            return self.out.forward(x)


    y = MLP()(torch.randn(2, 1, 28, 28))
"""


def test_calling_forward_on_a_layer_is_calling_the_layer() -> None:
    (model,) = _models(_EXPLICIT_FORWARD).values()
    assert [r.output_shape for r in model.layers][-1] == (2, 10)  # type: ignore[attr-defined]


@pytest.mark.oracle
def test_explicit_forward_total_is_the_frameworks() -> None:
    torch = pytest.importorskip("torch")
    namespace: Dict[str, object] = {}
    exec(compile(textwrap.dedent(_EXPLICIT_FORWARD), "snippet.py", "exec"), namespace)
    (model,) = _models(_EXPLICIT_FORWARD).values()
    assert tuple(namespace["y"].shape) == (2, 10)  # type: ignore[attr-defined]
    assert model.total_params == sum(p.numel() for p in namespace["MLP"]().parameters())  # type: ignore[attr-defined, operator]
    assert torch is not None


def test_a_top_level_raise_under_assumed_options_does_not_hide_the_models() -> None:
    source = """
        import argparse

        import torch.nn as nn

        parser = argparse.ArgumentParser()
        parser.add_argument("--dataroot", default=None)
        opt = parser.parse_args()
        if opt.dataroot is None:
            raise ValueError("--dataroot is required")


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(784, 10)

            def forward(self, x):
                return self.fc(x)
        """
    assert _models(source)["Net"].total_params == 7850  # type: ignore[attr-defined]
    (note,) = [n for n in _notes(source, "assumed") if "raises" in n]
    assert note.startswith("the file raises here when run with the values convlint assumes")
