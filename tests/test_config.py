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
        (("ALL",), ("CL",), "CL101", False),  # ALL is the least specific selection
        (("ALL", "CL1"), ("CL",), "CL101", True),
    ],
)
def test_selection(select, ignore, code, enabled):
    assert Config(select=select, ignore=ignore).enabled(code) is enabled


def test_extend_select_adds_to_select():
    c = Config(select=("CL1",), extend_select=("CL302",))
    assert c.enabled("CL302") and c.enabled("CL101") and not c.enabled("CL301")


def test_parse_codes():
    assert parse_codes("--select", "CL1, CL302,") == ("CL1", "CL302")
    assert parse_codes("--select", "cl1,Cl302,all") == ("CL1", "CL302", "ALL")  # case-insensitive
    with pytest.raises(ConfigError, match="'CL-1' is not a rule code"):
        parse_codes("--select", "CL-1")


def test_cli_reports_config_errors_with_exit_2(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.convlint]\nmax-parms = 1\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("convlint: error: ") and "unknown key 'max-parms'" in err
    assert main([str(tmp_path / "a.py"), "--config", str(tmp_path / "missing.toml")]) == 2
    assert "cannot read the configuration file" in capsys.readouterr().err
    assert main([str(tmp_path / "a.py"), "--config", str(tmp_path / "pyproject.toml"), "--select", "bad code"]) == 2


# -- rule codes: known, case-insensitive -----------------------------------------------------
BAD_MODEL = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, strides=0),
])
"""  # CL107 (stride 0) on line 6


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "net.py").write_text(BAD_MODEL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_sample_model_reports_cl107(project, capsys):
    assert main(["net.py"]) == 1
    assert "net.py:6:5: CL107 " in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, table, message",
    [
        (["--select", "CL777"], "", "convlint: error: --select: unknown rule code CL777"),
        (["--ignore", "CL107,XY1"], "", "--ignore: unknown rule code XY1"),
        (["--extend-select", "cl9999"], "", "--extend-select: unknown rule code CL9999"),
        ([], 'select = ["CL1O7"]', "[tool.convlint] 'select': unknown rule code CL1O7 (did you mean CL107?)"),
        ([], 'ignore = ["cl1o7"]', "'ignore': unknown rule code CL1O7"),
        ([], 'extend-select = ["CL8"]', "'extend-select': unknown rule code CL8"),
        ([], 'per-rule-severity = { "CL777" = "error" }', "'per-rule-severity': unknown rule code CL777"),
    ],
)
def test_unknown_codes_are_configuration_errors(project, capsys, args, table, message):
    (project / "pyproject.toml").write_text(f"[tool.convlint]\n{table}\n")
    assert main(["net.py", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
    if table:
        assert str(project / "pyproject.toml") in captured.err


@pytest.mark.parametrize(
    "args, table",
    [
        (["--ignore", "cl107"], ""),
        (["--ignore", "Cl1"], ""),
        (["--select", "cl3"], ""),
        ([], 'ignore = ["cl107"]'),
        ([], 'select = ["cl2", "cl3"]'),
        ([], 'per-rule-severity = { "cl107" = "info" }'),
        (["--select", "all", "--ignore", "cl"], ""),
    ],
)
def test_codes_are_case_insensitive_everywhere(project, capsys, args, table):
    """Each spelling turns the CL107 error off (ignored, not selected, or made info)."""
    (project / "pyproject.toml").write_text(f"[tool.convlint]\n{table}\n")
    assert main(["net.py", *args]) == 0
    out = capsys.readouterr().out
    if "per-rule-severity" in table:
        assert "Found 1 info in 1 model" in out
    else:
        assert "CL107" not in out


def test_known_prefixes_are_accepted():
    from convlint.config import check_codes

    known = ("CL101", "CL107", "XY101")
    check_codes(("CL", "CL1", "CL10", "CL107", "XY", "ALL"), known, "--select")
    with pytest.raises(ConfigError, match="--select: unknown rule code CL2"):
        check_codes(("CL2",), known, "--select")


def test_non_utf8_pyproject_is_a_configuration_error(project, capsys):
    config = project / "pyproject.toml"
    config.write_bytes(b'[tool.convlint]\n# caf\xe9\nfail-on = "info"\n')
    for args in (["net.py"], ["net.py", "--config", str(config)]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"convlint: error: {config} is not valid UTF-8 (byte 0xe9 at offset 21)")
        assert "Traceback" not in err


def test_unreadable_pyproject_is_a_configuration_error(project, capsys, monkeypatch):
    """A pyproject.toml that cannot be read stops the run with its path (it may hold the
    configuration).  The read fails for real when not root; root reads anything, so the same
    error is injected at the one place the file is opened."""
    import os

    import convlint.config as config_module

    config = project / "pyproject.toml"
    config.write_text('[tool.convlint]\nfail-on = "info"\n')
    if os.geteuid() != 0:
        config.chmod(0)
    else:
        real_read = config_module.read_regular

        def denied(path):
            if str(path) == str(config):
                raise PermissionError(13, "Permission denied", str(path))
            return real_read(path)

        monkeypatch.setattr(config_module, "read_regular", denied)
    try:
        assert main(["net.py"]) == 2
        err = capsys.readouterr().err
        assert err == f"convlint: error: cannot read the configuration file {config}: Permission denied\n"
    finally:
        config.chmod(0o644)


def test_a_config_that_is_not_a_regular_file_is_refused_not_read(project, capsys):
    assert main(["net.py", "--config", "/dev/zero"]) == 2  # would never end
    assert capsys.readouterr().err == (
        "convlint: error: cannot read the configuration file /dev/zero: a character device, not a regular file\n"
    )
