"""File discovery and the text prefilter."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from convlint.discover import discover, find_files, is_excluded, maybe_model
from convlint.files import NotRegularFile, read_regular

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


# -- what is not a regular file, what cannot be listed ---------------------------------------
GOOD = "import torch\nfrom torch import nn\n\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(4, 8, 3))\nnet(torch.randn(1, 3, 8, 8))\n"


def _convlint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """In a subprocess with a timeout: a regression here hangs instead of failing."""
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "convlint", "--no-cache", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def _special_files(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD)
    os.mkfifo(tmp_path / "x.py")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock.py"))
    server.close()


def test_fifos_and_sockets_are_skipped_with_a_note_never_opened(tmp_path):
    _special_files(tmp_path)
    found = find_files([str(tmp_path)])
    assert found.files == [str(tmp_path / "good.py")]
    assert found.skipped == [
        (str(tmp_path / "sock.py"), "skipped: a socket, not a regular file (only regular files are read)"),
        (str(tmp_path / "x.py"), "skipped: a FIFO (named pipe), not a regular file (only regular files are read)"),
    ]
    proc = _convlint(tmp_path, ".", "--fail-on", "info")
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("good.py:4:41: CL103 "), proc.stdout + proc.stderr  # the other file's result
    assert lines[1:3] == [
        "sock.py:1:1: CL901 skipped: a socket, not a regular file (only regular files are read)",
        "x.py:1:1: CL901 skipped: a FIFO (named pipe), not a regular file (only regular files are read)",
    ]
    assert lines[3].startswith("Found 1 error, 2 info in 1 model (1 file checked).")
    assert proc.returncode == 1


def test_a_device_or_fifo_named_on_the_command_line(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    for name in ("/dev/zero", "pipe.py"):
        proc = _convlint(tmp_path, name, "--format", "json")
        assert proc.returncode == 0, proc.stderr
        (d,) = json.loads(proc.stdout)["diagnostics"]
        assert (d["path"], d["code"]) == (name, "CL901")
        assert d["message"].startswith(f"skipped: a {'character device' if name == '/dev/zero' else 'FIFO (named pipe)'}")


def test_read_regular_refuses_without_blocking(tmp_path, monkeypatch):
    """Checked before the open, and again on the open file (a FIFO swapped in after the check
    must not block the open: O_NONBLOCK)."""
    fifo = tmp_path / "x.py"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match="a FIFO"):
        read_regular(str(fifo))
    real_stat = os.stat
    regular = real_stat(__file__)
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: regular if str(p) == str(fifo) else real_stat(p, *a, **k))
    with pytest.raises(NotRegularFile, match="a FIFO"):
        read_regular(str(fifo))  # the race: the first check passed; would block without O_NONBLOCK
    assert read_regular(__file__) == Path(__file__).read_bytes()


def test_an_unreadable_directory_is_reported(tmp_path, monkeypatch, capsys):
    """Not skipped in silence.  Root lists any directory, so there the same error is injected
    where the directory is listed."""
    from convlint.cli import main
    import convlint.discover

    (tmp_path / "good.py").write_text(GOOD)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text(GOOD)
    if os.geteuid() != 0:
        locked.chmod(0)
    else:
        real_scandir = os.scandir

        def scandir(path):
            if os.path.abspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(convlint.discover.os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    try:
        assert find_files(["."]).skipped == [("locked", "cannot read this directory: Permission denied; its files were not checked")]
        assert main([".", "--no-cache", "--format", "json"]) == 1
    finally:
        locked.chmod(0o755)
    report = json.loads(capsys.readouterr().out)
    assert [(d["path"], d["code"], d["message"]) for d in report["diagnostics"]] == [
        ("good.py", "CL103", report["diagnostics"][0]["message"]),
        ("locked", "CL901", "cannot read this directory: Permission denied; its files were not checked"),
    ]
