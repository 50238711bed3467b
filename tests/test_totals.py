"""Parameter totals of models convlint cannot follow to the end: exact where every parameter is
known, otherwise a lower bound with its reason, and the budget and share rules act on it as
such.  (``test_oracle_totals.py`` checks the same fixtures against the real frameworks.)"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Dict, List, Tuple

from convlint.config import parse_config
from convlint.engine import ShapedModel, analyze
from convlint.frontend import analyze_source
from convlint.output.summary import model_table
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker

PM = make_plugin_manager()
RULES = collect_rules(PM)
CATALOGUE = make_catalogue(PM)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def shaped(source: str) -> Dict[str, ShapedModel]:
    result = analyze_source(textwrap.dedent(source), "net.py")
    return {m.name: analyze(m) for m in result.models}


def fixture(path: str) -> Dict[str, ShapedModel]:
    file = FIXTURES / path
    result = analyze_source(file.read_text(), str(file))
    return {m.name: analyze(m) for m in result.models}


def diagnostics(source: str, **config: Any) -> List[Tuple[str, int, str]]:
    outcome = Checker(parse_config(config), RULES, CATALOGUE).check_source("net.py", textwrap.dedent(source))
    return [(d.code, d.line, d.message) for d in outcome.diagnostics]


# -- PyTorch: forward may stop, the registration decides ------------------------------------
def test_a_forward_that_stops_still_counts_every_registered_module():
    m = fixture("torch/forward_stops.py")["Checkpointed"]
    assert m.complete and m.total_params == 448 + 2320 + 32 + 170
    # the block forward hands to checkpoint(): counted, not reached, and not called "uncalled"
    unreached = [(r.node.name, r.params) for r in m.layers if r.node.called is None]
    assert unreached == [("block.0", 2320), ("block.1", 32), ("block.2", 0)]
    assert "not reached" in model_table(m)


def test_a_constructor_that_stops_gives_a_lower_bound():
    m = fixture("torch/forward_stops.py")["GrownInAWhileLoop"]
    assert not m.complete and m.total_params is None and m.trainable_params is None
    assert m.params_lower_bound == 224 + 90
    assert m.incomplete_reason == "__init__ not followed past line 32: self.blocks.0 is unknown"
    assert " Total params: ≥ 314 (__init__ not followed past line 32: self.blocks.0 is unknown)" in model_table(m).splitlines()


UNKNOWN_ATTRIBUTE = """\
import torch
from torch import nn
from backbones import make_backbone


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3)
        self.backbone = make_backbone()
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(self.backbone(self.stem(x)).mean((2, 3)))


Net()(torch.randn(1, 3, 32, 32))
"""


def test_a_module_attribute_convlint_cannot_resolve_makes_the_total_a_lower_bound():
    m = shaped(UNKNOWN_ATTRIBUTE)["Net"]
    assert not m.complete and m.params_lower_bound == 448 + 170
    assert m.incomplete_reason.startswith("__init__ not followed: self.backbone is unknown (")


def test_an_unknown_value_the_class_never_uses_as_a_module_keeps_the_total_exact():
    # ``self.lr`` is read as a number (pytorch/examples' Policy keeps ``self.rewards`` alike)
    source = (UNKNOWN_ATTRIBUTE.replace("from backbones import make_backbone", "from config import lr")
              .replace("self.backbone = make_backbone()", "self.lr = lr")
              .replace("self.backbone(self.stem(x))", "self.stem(x) * self.lr"))
    m = shaped(source)["Net"]
    assert m.complete and m.total_params == 448 + 170


def test_a_plain_unknown_call_in_forward_keeps_the_total_exact():
    source = UNKNOWN_ATTRIBUTE.replace("from backbones import make_backbone", "from backbones import mix").replace(
        "        self.backbone = make_backbone()\n", "").replace("self.backbone(self.stem(x))", "mix(self.stem(x))")
    m = shaped(source)["Net"]
    assert m.complete and m.total_params == 448 + 170


# -- Keras: past an unknown tensor the layers are unknown -------------------------------------
KERAS_BUILDER = """\
import keras
from keras import layers
from mystery import weird


def build():
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3)(inputs)
    x = weird(x)
    x = layers.Conv2D(32, 3)(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs, outputs)


model = build()
"""


def test_a_keras_builder_that_stops_counts_the_layers_before_the_stop():
    m = shaped(KERAS_BUILDER)["model"]
    assert not m.complete and m.total_params is None
    assert [r.node.name for r in m.layers] == ["input_layer", "conv2d", "conv2d_1", "global_average_pooling2d", "dense"]
    assert m.params_lower_bound == 3 * 3 * 3 * 16 + 16
    assert m.incomplete_reason == "the model not followed past line 9: `mystery.weird(...)` is not followed"


def test_a_keras_sequential_filled_by_a_loop_convlint_cannot_follow():
    source = """\
    import keras
    from keras import layers
    from mystery import n_blocks

    model = keras.Sequential()
    model.add(keras.Input(shape=(32, 32, 3)))
    model.add(layers.Conv2D(16, 3))
    for i in range(n_blocks):
        model.add(layers.Conv2D(16, 3, padding="same"))
    model.add(layers.GlobalAveragePooling2D())
    model.add(layers.Dense(10))
    """
    m = shaped(source)["model"]
    assert not m.complete and m.params_lower_bound == 448
    assert m.incomplete_reason.startswith("the model not followed past line 8: ")


def test_a_symbolic_total_is_complete():
    source = """\
    import keras
    from keras import layers

    def build(num_classes):
        inputs = keras.Input(shape=(16,))
        return keras.Model(inputs, layers.Dense(num_classes)(inputs))
    """
    (m,) = shaped(source).values()
    assert m.complete and m.total_params is not None and str(m.total_params) == "17 * num_classes"


# -- the rules on an incomplete total --------------------------------------------------------
BIG_BUT_INCOMPLETE = """\
import torch
from torch import nn
from mystery import depth


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(*[nn.Conv2d(64, 64, 3, padding=1) for _ in range(depth)])
        self.fc = nn.Linear(64 * 32 * 32, 10)

    def forward(self, x):
        return self.fc(self.blocks(x).flatten(1))


Net()(torch.randn(1, 64, 32, 32))
"""


def test_max_params_fires_on_a_lower_bound_only_when_it_is_already_over():
    over = [d for d in diagnostics(BIG_BUT_INCOMPLETE, **{"max-params": 600_000}) if d[0] == "CL201"]
    assert len(over) == 1
    assert over[0][2].startswith(
        "model 'Net' has at least 655,370 parameters (the rest is unknown: __init__ not followed past line 9: "
        "self.blocks.0 is unknown), over the budget of 600,000 (max-params, from the configuration) by 55,370"
    )
    assert not [d for d in diagnostics(BIG_BUT_INCOMPLETE, **{"max-params": 700_000}) if d[0] == "CL201"]


def test_dominant_layer_never_fires_on_an_incomplete_total():
    # fc holds all 655,370 parameters convlint counted: a share of a lower bound proves nothing
    assert not [d for d in diagnostics(BIG_BUT_INCOMPLETE) if d[0] == "CL203"]
    complete = BIG_BUT_INCOMPLETE.replace("from mystery import depth", "depth = 1")
    assert [d[0] for d in diagnostics(complete) if d[0] == "CL203"] == ["CL203"]


def test_uncalled_layer_is_not_said_of_modules_forward_did_not_reach():
    codes = [d[0] for d in diagnostics((FIXTURES / "torch" / "forward_stops.py").read_text())]
    assert "CL304" not in codes and codes.count("CL903") == 2
