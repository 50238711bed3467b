"""Plugins: a sample plugin, registered without installing anything, adds a rule and a custom
layer, and both work end to end."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List

import pytest

from convlint.cli import main
from convlint.config import Config
from convlint.diagnostics import Diagnostic
from convlint.frontend import FileResult
from convlint.graph import ModelGraph, Node, Span
from convlint.hookspecs import hookimpl
from convlint.layers.base import LayerSpec, Weight, ensure_rank
from convlint.plugins import collect_formats, collect_rules, make_catalogue, make_plugin_manager
from convlint.rules import Rule
from convlint.runner import Checker


class Blur2D(LayerSpec):
    """A custom Keras layer: a fixed 3x3 blur with a learned per-channel gain, ``valid`` padding."""

    types = (("keras", "Blur2D"),)
    signatures = {("keras", "Blur2D"): (("name", None),)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Any]) -> Any:
        (shape,) = inputs
        ensure_rank(shape, 4, "Blur2D")
        b, h, w, c = shape
        return (b, None if h is None else h - 2, None if w is None else w - 2, c)

    def weights(self, attrs: Dict[str, Any], inputs: List[Any]) -> List[Weight]:
        return [Weight("gain", (inputs[0][-1],))] if inputs else []


class NoBlur(Rule):
    """## What it does
    Reports every Blur2D layer (a sample plugin rule).

    ## Why is this bad?
    It is not; this rule exists to test plugins.
    """

    code = "XY101"
    name = "no-blur"
    severity = "warning"

    def check(self, model: Any, config: Config) -> Iterator[Diagnostic]:
        for r in model.layers:
            if r.node.type == "Blur2D":
                yield self.at(model.model.path, r.node.span, f"Blur2D output {r.output_shape}", model.model.name)


class SamplePlugin:
    @hookimpl
    def convlint_rules(self) -> list:
        return [NoBlur]

    @hookimpl
    def convlint_layer_specs(self) -> list:
        return [Blur2D()]

    @hookimpl
    def convlint_add_formats(self) -> dict:
        return {"count": lambda report, context: f"{len(report.diagnostics)}\n"}


def _graph() -> FileResult:
    model = ModelGraph("model", "keras", "net.py", Span(4, 1))
    model.add(Node("input", "Input", kwargs={"shape": (32, 32, 3)}, span=Span(5, 5)))
    model.add(Node("blur", "Blur2D", inputs=["input"], span=Span(6, 5), name="blur"))
    model.inputs, model.outputs = ["input"], ["blur"]
    return FileResult("net.py", models=[model])


def test_registered_plugin_adds_rule_layer_and_format():
    pm = make_plugin_manager([SamplePlugin()])
    rules = collect_rules(pm)
    assert "XY101" in rules and "CL101" in rules
    assert "count" in collect_formats(pm) and "json" in collect_formats(pm)
    checker = Checker(Config(), rules, make_catalogue(pm))
    outcome = checker.check_result(_graph())
    (shaped,) = outcome.models
    blur = shaped.result("blur")
    assert blur.output_shape == (None, 30, 30, 3)
    assert blur.params == 3
    assert [(d.code, d.line, d.severity) for d in outcome.diagnostics] == [("XY101", 6, "warning")]
    assert outcome.diagnostics[0].message == "Blur2D output (None, 30, 30, 3)"


def test_without_the_plugin_the_layer_is_unknown():
    pm = make_plugin_manager()
    rules = collect_rules(pm)
    outcome = Checker(Config(), rules, make_catalogue(pm)).check_result(_graph())
    assert [d.code for d in outcome.diagnostics] == ["CL905"]
    assert outcome.models[0].result("blur").output_shape is None


def test_plugin_rule_is_selectable_by_its_own_prefix():
    pm = make_plugin_manager([SamplePlugin()])
    rules = collect_rules(pm)
    checker = Checker(Config(select=("CL",)), rules, make_catalogue(pm))
    assert checker.check_result(_graph()).diagnostics == []


def test_builtins_come_from_the_entry_point_group():
    pm = make_plugin_manager(entry_points=False)
    assert collect_rules(pm) == {}
    assert collect_formats(pm) == {}


def test_builtin_formats_register_from_the_output_package():
    plugins = dict(make_plugin_manager().list_name_plugin())
    assert plugins["builtin-formats"].__name__ == "convlint.output.builtin"
    assert not hasattr(plugins["builtin"], "convlint_add_formats")  # the rules' plugin: rules only
    assert set(collect_formats(make_plugin_manager())) == {"text", "json", "sarif", "github", "markdown", "mermaid", "html"}


def test_a_broken_plugin_is_a_clean_error(capsys):
    class Broken:
        @hookimpl
        def convlint_rules(self) -> list:
            return [NoBlur, type("Clash", (NoBlur,), {"name": "other-name"})]

    assert main(["--version"], plugins=[Broken()]) == 2
    assert "XY101" in capsys.readouterr().err


def test_plugin_end_to_end_through_the_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "net.py"
    src.write_text(
        "import keras\n"
        "from keras import layers\n"
        "\n"
        "model = keras.Sequential([\n"
        "    keras.Input(shape=(32, 32, 3)),\n"
        "    layers.Blur2D(),\n"
        "])\n"
    )
    code = main([str(src), "--format", "json"], plugins=[SamplePlugin()])
    report = json.loads(capsys.readouterr().out)
    if not report["models"]:
        pytest.skip("the Keras front end does not extract this model yet")
    (model,) = report["models"]
    assert model["layers"] == [
        {"name": model["layers"][0]["name"], "type": "Blur2D", "line": 6, "output_shape": [None, 30, 30, 3],
         "params": 3, "trainable_params": 3, "shared": False,
         # a spec without its own ``macs``: one per trainable weight, as for norms (convlint/cost.py)
         "macs": 3, "activation_bytes": 30 * 30 * 3 * 4}
    ]
    assert [d["code"] for d in report["diagnostics"]] == ["XY101"]
    assert code == 0  # a warning does not fail the run at the default fail-on
    assert main([str(src), "--format", "count"], plugins=[SamplePlugin()]) == 0
    assert capsys.readouterr().out == "1\n"


def test_a_plugin_whose_layer_specs_fail_is_a_clean_error(tmp_path, capsys, monkeypatch):
    class BadSpecs:
        @hookimpl
        def convlint_layer_specs(self) -> list:
            raise RuntimeError("no specs today")

    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.py").write_text("import keras\nmodel = keras.Sequential([keras.layers.Dense(2)])\n" * 400)
    assert main(["net.py", "--no-cache"], plugins=[BadSpecs()]) == 2
    captured = capsys.readouterr()
    assert "no specs today" in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err
