"""Installed plugins are found through the ``convlint`` entry-point group without
``importlib.metadata``: the same answer, and installing or removing one is seen at once."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from convlint.entry_points import EntryPoint, find_entry_points, section

PLUGIN = '''\
from convlint.hookspecs import hookimpl
from convlint.rules import Rule


class Shout(Rule):
    """## What it does
    Reports every model (a sample third-party rule).

    ## Why is this bad?
    It is not; it proves the plugin loaded.
    """

    code = "XY101"
    name = "shout"
    severity = "warning"

    def check(self, model, config):
        yield self.at(model.model.path, model.model.span, "a model", model.model.name)


@hookimpl
def convlint_rules():
    return [Shout]
'''

MODEL = "import torch.nn as nn\n\nnet = nn.Sequential(nn.Linear(4, 2))\n"


def install(site: Path, dist: str = "convlint_fake", version: str = "1.2", entry: str = "fake = fake_plugin") -> Path:
    """A distribution as pip lays it out: the module and its ``.dist-info`` folder."""
    (site / "fake_plugin.py").write_text(PLUGIN)
    info = site / f"{dist}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist.replace('_', '-')}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[console_scripts]\nfake = fake_plugin:main\n\n[convlint]\n{entry}\n")
    return info


def test_same_answer_as_importlib_metadata():
    for group in ("convlint", "console_scripts", "pytest11"):
        ours = sorted((ep.name, ep.value) for ep in find_entry_points(group))
        theirs = sorted({(ep.name, ep.value) for ep in importlib.metadata.entry_points(group=group)})
        assert ours == theirs, group
    assert ("builtin", "convlint.rules.builtin") in {(ep.name, ep.value) for ep in find_entry_points()}


def test_a_plugin_on_a_path_entry(tmp_path):
    install(tmp_path)
    (tmp_path / "other-0.1.dist-info").mkdir()  # no entry points at all
    (tmp_path / "other-0.1.dist-info" / "entry_points.txt").write_text("[console_scripts]\nx = y:z\n")
    eps = find_entry_points("convlint", [str(tmp_path)])
    assert eps == [EntryPoint("fake", "fake_plugin", "convlint_fake", "1.2")]
    theirs = [(ep.name, ep.value) for ep in importlib.metadata.distributions(path=[str(tmp_path)]) for ep in ep.entry_points if ep.group == "convlint"]
    assert theirs == [("fake", "fake_plugin")]


def test_egg_info_takes_its_version_from_pkg_info(tmp_path):
    info = tmp_path / "legacy_plugin.egg-info"
    info.mkdir()
    (info / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: legacy-plugin\nVersion: 0.3.1\n\nlong description\n")
    (info / "entry_points.txt").write_text("[convlint]\nlegacy = legacy_mod:plugin [extra]\n")
    (ep,) = find_entry_points("convlint", [str(tmp_path)])
    assert (ep.name, ep.value, ep.dist, ep.version) == ("legacy", "legacy_mod:plugin [extra]", "legacy-plugin", "0.3.1")


def test_the_first_distribution_and_name_on_the_path_win(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    install(first, version="2.0")
    install(second, version="1.0")
    (second / "another-1.0.dist-info").mkdir()
    (second / "another-1.0.dist-info" / "entry_points.txt").write_text("[convlint]\nfake = another_mod\nown = another_mod\n")
    eps = find_entry_points("convlint", [str(first), str(second)])
    assert [(ep.name, ep.dist, ep.version) for ep in eps] == [("fake", "convlint_fake", "2.0"), ("own", "another", "1.0")]


def test_load_follows_module_and_attribute(tmp_path, monkeypatch):
    (tmp_path / "pkg_x").mkdir()
    (tmp_path / "pkg_x" / "__init__.py").write_text("class A:\n    class B:\n        value = 7\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert EntryPoint("x", "pkg_x:A.B", "d", "1").load().value == 7
    assert EntryPoint("x", "pkg_x", "d", "1").load().__name__ == "pkg_x"
    with pytest.raises(ValueError, match="malformed"):
        EntryPoint("x", "not a reference!", "d", "1").load()


def test_section_parser():
    text = textwrap.dedent(
        """
        [console_scripts]
        a = b:c
        # a comment
        [convlint]
        ; another comment
        one = mod.one
          two=mod:two [extra]
        [other]
        three = x
        """
    )
    assert list(section(text, "convlint")) == [("one", "mod.one"), ("two", "mod:two [extra]")]


def _run(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["NO_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "convlint", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_installing_and_removing_a_plugin_is_seen_by_the_next_run(tmp_path):
    site, project = tmp_path / "site", tmp_path / "project"
    site.mkdir(), project.mkdir()
    (project / "net.py").write_text(MODEL)
    before = _run(site, "net.py", cwd=project)
    assert before.returncode == 0 and "XY101" not in before.stdout, before.stderr
    assert _run(site, "--select", "XY1", "net.py", cwd=project).returncode == 2

    info = install(site)
    version = _run(site, "--version", cwd=project)
    assert version.stdout.strip().endswith("(plugins: convlint_fake 1.2)"), version.stdout + version.stderr
    after = _run(site, "net.py", cwd=project)  # the results cache of the first run must not answer
    assert "net.py:3:7: XY101 a model" in after.stdout, after.stdout + after.stderr
    assert _run(site, "--select", "XY1", "net.py", cwd=project).returncode == 0

    shutil.rmtree(info)
    gone = _run(site, "net.py", cwd=project)
    assert gone.returncode == 0 and "XY101" not in gone.stdout
    assert "plugins:" not in _run(site, "--version", cwd=project).stdout


def test_a_broken_plugin_is_named_not_a_traceback(tmp_path):
    site, project = tmp_path / "site", tmp_path / "project"
    site.mkdir(), project.mkdir()
    install(site, entry="fake = missing_module_xyz")
    proc = _run(site, ".", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.startswith("convlint: error: cannot load plugins: ModuleNotFoundError") and "Traceback" not in proc.stderr


def test_a_run_does_not_import_importlib_metadata(tmp_path):
    (tmp_path / "net.py").write_text(MODEL)
    code = (
        "import sys\n"
        "from convlint.cli import main\n"
        "rc = main(['--no-cache', 'net.py'])\n"
        "sys.stderr.write('LOADED=%s RC=%s' % (sorted(m for m in ('importlib.metadata', 'email', 'numpy') if m in sys.modules), rc))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "LOADED=[] RC=0" in proc.stderr, proc.stderr
