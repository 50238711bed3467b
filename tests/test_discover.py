"""File discovery and the text prefilter."""

from __future__ import annotations

from pathlib import Path

import pytest

from convlint.discover import discover, is_excluded, maybe_model

ROOT = Path(__file__).resolve().parent.parent


def _tree(tmp_path: Path) -> None:
    for rel in ["a.py", "b.txt", "nb.ipynb", "pkg/c.py", "pkg/__pycache__/c.py", ".git/d.py", ".venv/lib/e.py",
                "venv/f.py", "build/g.py", "dist/h.py", "node_modules/i.py", ".tox/j.py", "lib/site-packages/k.py",
                "legacy/old.py", "pkg/gen_pb2.py", "x.egg-info/l.py"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x = 1\n")


def test_walk_skips_tool_directories(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert discover(["."]) == ["a.py", "legacy/old.py", "nb.ipynb", "pkg/c.py", "pkg/gen_pb2.py"]


def test_paths_keep_their_spelling(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert discover(["pkg"]) == ["pkg/c.py", "pkg/gen_pb2.py"]
    assert discover([str(tmp_path / "pkg")]) == [str(tmp_path / "pkg" / "c.py"), str(tmp_path / "pkg" / "gen_pb2.py")]
    assert discover(["pkg", "pkg/c.py"]) == ["pkg/c.py", "pkg/gen_pb2.py"]  # each file once


def test_exclude_globs(tmp_path, monkeypatch):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    root = str(tmp_path)
    assert discover(["."], ["legacy", "*_pb2.py"], root) == ["a.py", "nb.ipynb", "pkg/c.py"]
    assert discover(["."], ["pkg/*"], root) == ["a.py", "legacy/old.py", "nb.ipynb"]
    # named explicitly: checked, unless --force-exclude
    assert discover(["legacy/old.py"], ["legacy"], root) == ["legacy/old.py"]
    assert discover(["legacy/old.py"], ["legacy"], root, force_exclude=True) == []


def test_exclude_is_relative_to_the_config_root(tmp_path):
    assert is_excluded(str(tmp_path / "legacy" / "old.py"), ["legacy/*"], str(tmp_path))
    assert not is_excluded(str(tmp_path / "src" / "old.py"), ["legacy/*"], str(tmp_path))


def test_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError):
        discover([str(tmp_path / "nope.py")])


@pytest.mark.parametrize(
    "text, keep",
    [
        (b"model = keras.Sequential([layers.Conv2D(3, 3)])", True),
        (b"class Net(nn.Module):\n    pass", True),
        (b"self.fc = Linear(10, 2)", True),
        (b"x = MaxPool2d(2)", True),
        (b"m = Model(inputs, layers.Convolution2D(8, 3)(inputs))", True),
        (b"class Net(Module):\n    def __init__(self):\n        self.c = Conv1d(1, 2, 3)", True),
        (b"x = layers.GlobalAveragePooling2D()(x)", True),
        (b"import os\nprint(os.getcwd())\n", False),
        (b"def conv(x): return x\n", False),
    ],
)
def test_prefilter(text, keep):
    assert maybe_model(text) is keep


def test_prefilter_keeps_every_fixture():
    fixtures = [p for p in (ROOT / "fixtures").rglob("*") if p.suffix in (".py", ".ipynb")]
    if not fixtures:
        pytest.skip("no fixtures yet")
    dropped = [str(p) for p in fixtures if not maybe_model(p.read_bytes())]
    assert dropped == []
