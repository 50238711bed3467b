"""What a one-file run imports: only what that file needs (issue 9's start-up cost).

Every module a run imports costs start-up time (on Python 3.11 a dataclass alone costs about
0.5 ms: its generated methods are compiled at import), so the front end of the other framework,
fixes, worker pools, the big-file reducer and the renderers of options not given stay
unimported.  These tests hold the import structure, not a timing: each runs ``convlint`` in a
fresh interpreter and reads ``sys.modules`` after it, with a control showing that the same
probe sees a module when the run does need it.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Sequence

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

NEVER_FOR_ONE_FILE = (
    "numpy",  # the executor's, never a check's
    "importlib.metadata",  # plugins are found without it (convlint.entry_points)
    "convlint.pool",  # one small file is checked in-process
    "convlint.relevant",  # only a file past reduce.READ_CHARS is reduced
    "convlint.frontend.python.split",
    "convlint.solve",  # only a model with a symbolic size constraint
    "convlint.cache",  # --no-cache
    "decimal",  # only a budget written as an amount ("300M")
    "fractions",  # only a fractional scale on a symbolic size
    "symtable",  # only a file that imports no framework
)


def loaded(tmp_path: Path, fixture: str, *args: str, probe: Sequence[str]) -> List[str]:
    """The modules of ``probe`` imported by ``convlint --no-cache FILE *args`` (a copy of the
    fixture, alone in a directory), in a fresh interpreter."""
    shutil.copy(FIXTURES / fixture, tmp_path / "model.py")
    code = (
        "import sys\n"
        "from convlint.cli import main\n"
        f"rc = main(['--no-cache', 'model.py', *{list(args)!r}])\n"
        f"sys.stderr.write('LOADED=%r RC=%s' % (sorted(m for m in {list(probe)!r} if m in sys.modules), rc))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    marker = proc.stderr.rfind("LOADED=")
    assert marker >= 0, proc.stderr
    found, rc = proc.stderr[marker + len("LOADED="):].rsplit(" RC=", 1)
    assert rc in ("0", "1"), proc.stderr
    return ast.literal_eval(found)


def test_a_keras_file_imports_neither_the_pytorch_front_end_nor_what_it_does_not_use(tmp_path):
    probe = ("convlint.frontend.torch", "convlint.edits", "convlint.output.summary", "convlint.output.why",
             *NEVER_FOR_ONE_FILE)
    assert loaded(tmp_path, "keras/mnist_convnet.py", probe=probe) == []


def test_a_pytorch_file_imports_no_keras_front_end(tmp_path):
    probe = ("convlint.frontend.keras", "convlint.edits", *NEVER_FOR_ONE_FILE)
    assert loaded(tmp_path, "torch/lenet.py", probe=probe) == []


def test_the_probe_sees_what_a_run_needs(tmp_path):
    """The control: a fix proposed, --summary and --why do import their modules."""
    probe = ("convlint.frontend.keras", "convlint.frontend.torch", "convlint.edits", "convlint.output.summary",
             "convlint.output.why")
    assert loaded(tmp_path, "torch/bad_in_channels.py", "--summary", "--why", probe=probe) == [
        "convlint.edits", "convlint.frontend.torch", "convlint.output.summary", "convlint.output.why"]


@pytest.mark.parametrize("freeze", [True, False])
def test_the_heap_is_frozen_at_exit(tmp_path, freeze):
    """The interpreter's final collections skip the run's objects (``gc.freeze`` at exit); an
    exit handler registered before ``main`` runs after its own, and sees the heap frozen."""
    shutil.copy(FIXTURES / "keras/mnist_convnet.py", tmp_path / "model.py")
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: sys.stderr.write('FROZEN=%s' % (gc.get_freeze_count() > 0)))\n"
        "from convlint.cli import main\n"
        + ("main(['--no-cache', 'model.py']); main(['--no-cache', 'model.py'])\n" if freeze else "")
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.stderr.endswith(f"FROZEN={freeze}"), proc.stderr
