"""``[tool.convlint]``: discovery, validation, selection and severity overrides."""

from __future__ import annotations

import pytest

from convlint.cli import main
from convlint.config import Config, ConfigError, find_config, load_config, parse_codes, parse_config
from convlint.dims import sym


def test_defaults():
    c = Config()
    assert c.fail_on == "error" and c.dominant_layer_share == 0.5
    assert c.max_params is None and c.enabled("CL101") and c.enabled("XY999")


def test_full_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        """
[project]
name = "x"

[tool.convlint]
select = ["CL1", "CL2"]
ignore = ["CL104"]
extend-select = ["CL302"]
exclude = ["legacy/*"]
per-rule-severity = { "CL203" = "error", "CL3" = "info" }
max-params = 1_000_000
max-layer-params = 500000
dominant-layer-share = 0.75
fail-on = "warning"
input-shapes = { "models/net.py::Net" = [3, 32, 32], "Other" = [1, "H", "W"] }
"""
    )
    c = load_config(start=str(tmp_path))
    assert c.select == ("CL1", "CL2") and c.ignore == ("CL104",) and c.extend_select == ("CL302",)
    assert c.exclude == ("legacy/*",)
    assert (c.max_params, c.max_layer_params, c.dominant_layer_share, c.fail_on) == (1_000_000, 500_000, 0.75, "warning")
    assert c.input_shapes == {"models/net.py::Net": (3, 32, 32), "Other": (1, sym("H"), sym("W"))}
    assert c.root == str(tmp_path)
    assert c.severity_of("CL203", "warning") == "error"
    assert c.severity_of("CL301", "warning") == "info"
    assert c.severity_of("CL101", "error") == "error"


def test_found_upward_skipping_pyprojects_without_the_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.convlint]\nfail-on = "info"\n')
    inner = tmp_path / "pkg" / "sub"
    inner.mkdir(parents=True)
    (tmp_path / "pkg" / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    assert find_config(str(inner)) == str(tmp_path / "pyproject.toml")
    assert load_config(start=str(inner / "file.py")).fail_on == "info"


def test_no_config_gives_defaults(tmp_path):
    assert load_config(start=str(tmp_path)).select == ()


def test_explicit_config_file(tmp_path):
    f = tmp_path / "convlint.toml"
    f.write_text("max-params = 10\n")
    assert load_config(str(f)).max_params == 10


@pytest.mark.parametrize(
    "table, message",
    [
        ({"max-parms": 10}, "unknown key 'max-parms'"),
        ({"max_params": 10}, "did you mean 'max-params'"),
        ({"max-params": "lots"}, "'max-params' must be a non-negative integer, or e.g. \"300M\", \"1.5G\", \"250k\". Received: 'lots'"),
        ({"max-macs": "300MB"}, "'max-macs' must be a non-negative integer, or e.g."),
        ({"max-model-bytes": "1.5"}, "'max-model-bytes' '1.5' is not a whole number of bytes"),
        ({"dtype": "float128"}, "'dtype' must be one of float64, float32, float16, bfloat16, int8, uint8"),
        ({"max-params": True}, "'max-params' must be a non-negative integer"),
        ({"select": "CL1"}, "'select' must be a list of rule codes"),
        ({"fail-on": "fatal"}, "'fail-on' must be one of info, warning, error"),
        ({"dominant-layer-share": 50}, "'dominant-layer-share' must be a number in (0, 1]"),
        ({"per-rule-severity": {"CL101": "high"}}, "'per-rule-severity.CL101' must be one of"),
        ({"input-shapes": {"a.py::Net": [3, 0, 32]}}, "must be a list of positive integers or symbol names"),
        ({"input-shapes": [3, 32, 32]}, "'input-shapes' must be a table"),
        ({"exclude": [1]}, "'exclude' must be a list of glob patterns"),
    ],
)
def test_invalid_tables(table, message):
    with pytest.raises(ConfigError) as err:
        parse_config(table, source="pyproject.toml")
    assert message in str(err.value)
    assert "pyproject.toml [tool.convlint]" in str(err.value)


def test_invalid_toml(tmp_path):
    f = tmp_path / "pyproject.toml"
    f.write_text("[tool.convlint\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(str(f))


@pytest.mark.parametrize(
    "select, ignore, code, enabled",
    [
        ((), (), "CL101", True),
        (("CL1",), (), "CL101", True),
        (("CL1",), (), "CL301", False),
        (("CL1",), ("CL103",), "CL103", False),
        (("CL1",), ("CL103",), "CL101", True),
        (("CL103",), ("CL1",), "CL103", True),  # the more specific selection wins
        (("CL103",), ("CL1",), "CL101", False),
        ((), ("CL",), "XY101", True),
        (("ALL",), ("CL9",), "CL901", False),
    ],
)
def test_selection(select, ignore, code, enabled):
    assert Config(select=select, ignore=ignore).enabled(code) is enabled


def test_extend_select_adds_to_select():
    c = Config(select=("CL1",), extend_select=("CL302",))
    assert c.enabled("CL302") and c.enabled("CL101") and not c.enabled("CL301")


def test_parse_codes():
    assert parse_codes("--select", "CL1, CL302,") == ("CL1", "CL302")
    with pytest.raises(ConfigError):
        parse_codes("--select", "cl1")


def test_cli_reports_config_errors_with_exit_2(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.convlint]\nmax-parms = 1\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convlint: error: ") and "unknown key 'max-parms'" in err
    assert main([str(tmp_path / "a.py"), "--config", str(tmp_path / "missing.toml")]) == 2
    assert "cannot read the configuration file" in capsys.readouterr().err
    assert main([str(tmp_path / "a.py"), "--config", str(tmp_path / "pyproject.toml"), "--select", "bad code"]) == 2
