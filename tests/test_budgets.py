"""Budgets: amounts with SI suffixes, the configuration keys, per-model pragmas, and the
budget rules (CL201, CL202, CL204-CL206) through the whole pipeline and the CLI."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from convlint.budgets import BudgetError, parse_amount
from convlint.cli import main
from convlint.config import ConfigError, parse_config
from convlint.frontend.pragmas import declared_budgets
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker

PM = make_plugin_manager()
RULES = collect_rules(PM)
CATALOGUE = make_catalogue(PM)


@pytest.mark.parametrize(
    "value, kind, expected",
    [
        (2_000_000, "count", 2_000_000),
        ("2_000_000", "count", 2_000_000),
        ("300M", "count", 300_000_000),
        ("1.5G", "count", 1_500_000_000),
        ("250k", "count", 250_000),
        ("250K", "count", 250_000),
        ("0.5k", "count", 500),
        ("2T", "count", 2 * 10**12),
        ("300MB", "bytes", 300_000_000),
        ("300M", "bytes", 300_000_000),
        ("256MiB", "bytes", 256 * 2**20),
        ("64KiB", "bytes", 65_536),
        ("1.5GiB", "bytes", 3 * 2**29),
        ("512B", "bytes", 512),
        (" 8 MiB ", "bytes", 8 * 2**20),
    ],
)
def test_amounts(value, kind, expected):
    assert parse_amount(value, kind) == expected


@pytest.mark.parametrize(
    "value, kind",
    [
        ("300MB", "count"),  # a byte unit on a count
        ("256MiB", "count"),
        ("2Mi", "bytes"),  # a binary prefix without B
        ("300m", "count"),  # milli is not a budget
        ("1.5", "count"),  # not a whole number
        ("1.0001k", "bytes"),
        ("-3", "count"),
        (-3, "count"),
        (True, "count"),
        (2.5, "count"),
        ("lots", "count"),
        ("", "bytes"),
    ],
)
def test_bad_amounts(value, kind):
    with pytest.raises(BudgetError):
        parse_amount(value, kind)


def test_config_keys():
    c = parse_config({"max-params": "2M", "max-layer-params": 1_000, "max-macs": "300M",
                      "max-activation-bytes": "8MiB", "max-model-bytes": 4_000_000, "dtype": "int8"})
    assert (c.max_params, c.max_layer_params, c.max_macs) == (2_000_000, 1_000, 300_000_000)
    assert (c.max_activation_bytes, c.max_model_bytes) == (8 * 2**20, 4_000_000)
    assert (c.dtype, c.dtype_bytes, c.budget("max-macs")) == ("int8", 1, 300_000_000)
    assert parse_config({}).budget("max-macs") is None and parse_config({}).dtype_bytes == 4
    with pytest.raises(ConfigError, match="'max-activation-bytes' must be an integer number of bytes"):
        parse_config({"max-activation-bytes": "8Mb"})


# -- pragmas ------------------------------------------------------------------------------------
def _lines(text: str) -> List[str]:
    return text.splitlines()


def test_pragma_above_a_class_with_decorators_and_an_input_shape():
    lines = _lines(
        "# convlint: input-shape=(3, 32, 32)\n"
        "# convlint: max-params=2_000_000, max-macs=300M\n"
        "# convlint: max-activation-bytes=8MiB max-model-bytes=4MB\n"
        "@register\n"
        "class Net(nn.Module):\n"
    )
    budgets, problems = declared_budgets(lines, 5, "Net")
    assert budgets == {"max-params": 2_000_000, "max-macs": 300_000_000, "max-activation-bytes": 8 * 2**20,
                       "max-model-bytes": 4_000_000}
    assert problems == []


def test_pragma_of_a_model_built_by_a_function():
    """A functional model is named after its function and found at its ``return``: the
    comment above the ``def`` applies."""
    lines = _lines("# convlint: max-macs=1G\ndef build():\n    inp = keras.Input((8,))\n    return keras.Model(inp, inp)\n")
    assert declared_budgets(lines, 4, "build") == ({"max-macs": 10**9}, [])


def test_pragma_problems_and_scope():
    lines = _lines("x = 1\n# a comment\n# convlint: max-macs=lots, max-flops=3, max-params=10\nmodel = f()\n")
    budgets, problems = declared_budgets(lines, 4, "model")
    assert budgets == {"max-params": 10}
    assert "'max-macs' in a convlint comment above model 'model' must be" in problems[0]
    assert "'max-flops' in a convlint comment above model 'model' is not a budget" in problems[1]
    # a blank line or code ends the comment block
    assert declared_budgets(_lines("# convlint: max-macs=1M\n\nmodel = f()\n"), 3, "model") == ({}, [])
    # the nearest pragma wins
    lines = _lines("# convlint: max-macs=2M\n# convlint: max-macs=1M\nmodel = f()\n")
    assert declared_budgets(lines, 3, "model")[0] == {"max-macs": 1_000_000}


# -- the rules, end to end -------------------------------------------------------------------------
KERAS = """\
import keras
from keras import layers

{pragma}
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3),
    layers.MaxPooling2D(2),
    layers.Conv2D(64, 3),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(10),
])
"""
# MACs: conv2d 216,320, conv2d_1 2,238,016, dense 16,010 = 2,470,346
# params: 320 + 18,496 + 16,010 = 34,826 (139,304 bytes); peak: conv2d + max_pooling2d = 86,528 + 21,632


def _diagnostics(source: str, **config: Any) -> Dict[str, str]:
    checker = Checker(parse_config(config), RULES, CATALOGUE)
    outcome = checker.check_source("model.py", source)
    return {d.code: d.message for d in outcome.diagnostics if d.code.startswith("CL2") or d.code == "CL903"}


def test_each_budget_names_total_budget_and_the_three_largest():
    budgets = {"max-macs": "2M", "max-params": "30k", "max-activation-bytes": "64KiB", "max-model-bytes": "100kB"}
    found = _diagnostics(KERAS.format(pragma=""), **budgets)
    assert found["CL204"] == (
        "model 'model' needs 2,470,346 MACs for one sample, over the budget of 2,000,000 (max-macs, from the "
        "configuration) by 470,346; the largest: conv2d_1 (Conv2D) 2,238,016 (91%), conv2d (Conv2D) 216,320 (9%), "
        "dense (Dense) 16,010 (1%)"
    )
    assert found["CL201"].startswith(
        "model 'model' has 34,826 parameters, over the budget of 30,000 (max-params, from the configuration) by 4,826; ")
    assert found["CL201"].endswith("the largest: conv2d_1 (Conv2D) 18,496 (53%), dense (Dense) 16,010 (46%), conv2d (Conv2D) 320 (1%)")
    assert found["CL205"] == (
        "model 'model' holds 108,160 bytes (105.6 KiB, float32) of activations at its peak, over the budget of "
        "65,536 bytes (64.0 KiB) (max-activation-bytes, from the configuration) by 42,624; the largest tensors alive "
        "then: conv2d (Conv2D) 86,528 (80%), max_pooling2d (MaxPooling2D) 21,632 (20%)"
    )
    assert found["CL206"].startswith("model 'model' has 139,304 bytes (136.0 KiB, float32) of parameters, over the budget of 100,000 bytes")
    assert not _diagnostics(KERAS.format(pragma=""), **{"max-macs": "2.5M", "max-params": 34_826})


def test_dtype_changes_the_byte_budgets():
    source = KERAS.format(pragma="")
    assert "CL206" in _diagnostics(source, **{"max-model-bytes": "100kB"})
    assert "CL206" not in _diagnostics(source, **{"max-model-bytes": "100kB", "dtype": "float16"})  # 69,652 bytes


def test_a_pragma_overrides_the_configuration():
    tight = KERAS.format(pragma="# convlint: max-macs=1M, max-params=10k, max-layer-params=10k")
    found = _diagnostics(tight)
    assert "(max-macs, from the comment above the model)" in found["CL204"]
    assert "over the budget of 10,000 (max-params, from the comment above the model)" in found["CL201"]
    assert "over the per-layer budget of 10,000" in found["CL202"]
    loose = KERAS.format(pragma="# convlint: max-macs=3M")
    assert "CL204" not in _diagnostics(loose, **{"max-macs": "1M"})
    assert "CL903" in _diagnostics(KERAS.format(pragma="# convlint: max-macs=3 MB"))


TORCH_BROKEN = """\
import torch.nn as nn

# convlint: input-shape=(3, 32, 32)
{pragma}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 64, 3)
        self.fc = nn.Linear(100, 10)

    def forward(self, x):
        return self.fc(self.conv(x).flatten(1))
"""
# conv: 30*30*64*(27+1) = 1,612,800 MACs; fc does not fit (57,600 != 100): the rest is unknown


def test_no_firing_on_an_incomplete_total_unless_its_known_part_is_over():
    found = _diagnostics(TORCH_BROKEN.format(pragma="# convlint: max-macs=2M"))
    assert "CL204" not in found and "CL103" not in found  # CL103 is reported, but not kept by _diagnostics
    found = _diagnostics(TORCH_BROKEN.format(pragma="# convlint: max-macs=1M"))
    assert found["CL204"].startswith(
        "model 'Net' needs at least 1,612,800 MACs for one sample (the rest is unknown), over the budget of 1,000,000")
    # the peak is a lower bound too: conv's output and its flattened copy (a view counts as its
    # own buffer), 64*30*30*4 bytes each; fc's output is unknown
    found = _diagnostics(TORCH_BROKEN.format(pragma="# convlint: max-activation-bytes=100kB"))
    assert "holds at least 460,800 bytes (450.0 KiB, float32) of activations at its peak (the rest is unknown)" in found["CL205"]


def test_symbolic_totals_never_fire():
    source = "import torch.nn as nn\n\n# convlint: max-macs=1, max-activation-bytes=1\nstem = nn.Sequential(nn.Conv2d(3, 64, 3))\n"
    found = _diagnostics(source)
    assert "CL204" not in found and "CL205" not in found
    assert "CL206" in _diagnostics(source, **{"max-model-bytes": 100})  # the parameters are known: 1,792 * 4 bytes


def test_budgets_from_pyproject_through_the_cli(tmp_path, capsys, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.convlint]\nmax-macs = "2M"\nmax-model-bytes = "1MiB"\n')
    (tmp_path / "model.py").write_text(KERAS.format(pragma=""))
    monkeypatch.chdir(tmp_path)
    assert main(["model.py", "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert "model.py:5:9: CL204 model 'model' needs 2,470,346 MACs" in out and "CL206" not in out
    assert main(["model.py", "--no-cache", "--ignore", "CL204"]) == 0
    (tmp_path / "pyproject.toml").write_text('[tool.convlint]\nmax-macs = "2 MiB"\n')
    assert main(["model.py", "--no-cache"]) == 2
    assert "'max-macs' must be a non-negative integer" in capsys.readouterr().err
