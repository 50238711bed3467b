"""Whole-process benchmarks of the ``convlint`` command (wall time, medians of fresh processes).

(a) one Keras fixture: ``convlint FILE`` against building the same model with Keras
    (``KERAS_BACKEND=torch``) and printing ``model.summary()``.
    Targets: >= 10x faster than Keras and < 0.25 s.
(b) a large tree of real Keras code (the installed ``keras/src``): ``convlint`` against
    ``flake8`` on the same tree.  Target: no slower than flake8.

Byte code is compiled first, as ``pip install`` does, and ``PYTHONDONTWRITEBYTECODE`` is
dropped for the timed processes (it is set on these machines and would make every start
recompile the package).  convlint is timed cold (``--no-cache``: every file parsed, as on a first run) and warm (the
results cache filled by the untimed warm-up run: a re-run with nothing changed).  flake8 has
no cache, so the cold figure is the like-for-like comparison.

Run: ``.venv/bin/python benchmarks/cli.py [--repeat N] [--fixture FILE] [--tree DIR]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

KERAS_SUMMARY = """\
import runpy, sys
import keras
namespace = runpy.run_path(sys.argv[1], run_name="__convlint_bench__")
models = [v for v in namespace.values() if isinstance(v, keras.Model)]
for m in models:
    m.summary()
if not models:
    raise SystemExit("no keras.Model at module level in " + sys.argv[1])
"""


def wall(cmd: Sequence[str], repeat: int, env: Optional[Dict[str, str]] = None, ok: Sequence[int] = (0, 1)) -> float:
    """Median wall time of ``repeat`` fresh runs (one untimed warm-up run fills the OS cache)."""
    times: List[float] = []
    for i in range(repeat + 1):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        elapsed = time.perf_counter() - start
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
        if i:
            times.append(elapsed)
    return statistics.median(times)


def convlint_cmd() -> List[str]:
    script = BIN / "convlint"
    return [str(script)] if script.exists() else [sys.executable, "-m", "convlint"]


def default_fixture() -> Path:
    found = sorted((ROOT / "fixtures" / "keras").glob("*.py"))
    if not found:
        raise SystemExit("no fixtures/keras/*.py; pass --fixture FILE")
    preferred = [p for p in found if "mnist" in p.name]
    return (preferred or found)[0]


def default_tree() -> Path:
    return Path(sysconfig.get_paths()["purelib"]) / "keras" / "src"


def count_files(tree: Path) -> int:
    return sum(1 for _ in tree.rglob("*.py"))


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=5, help="timed runs per command (default 5; 3 for the tree)")
    p.add_argument("--fixture", type=Path, help="a Keras model file (default: fixtures/keras/*mnist*)")
    p.add_argument("--tree", type=Path, help="a directory of Python code (default: the installed keras/src)")
    p.add_argument("--skip-tree", action="store_true")
    args = p.parse_args(argv)

    env = dict(os.environ, KERAS_BACKEND="torch", NO_COLOR="1")
    # Measure what a user runs: `pip install` byte-compiles the package, an editable checkout
    # under PYTHONDONTWRITEBYTECODE=1 (set on these machines) recompiles every module on every
    # start (~70 ms here).  Compile once, as the installer would, for every contender alike.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "convlint")], check=False, env=env,
                   stdout=subprocess.DEVNULL)
    fixture = (args.fixture or default_fixture()).resolve()
    rel = fixture.relative_to(ROOT) if fixture.is_relative_to(ROOT) else fixture
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"(a) one file: {rel}")
    cache = ["--cache-dir", tempfile.mkdtemp(prefix="convlint-bench-")]
    ours = wall([*convlint_cmd(), "--no-cache", str(fixture)], args.repeat, env)
    warm = wall([*convlint_cmd(), *cache, str(fixture)], args.repeat, env)
    theirs = wall([sys.executable, "-c", KERAS_SUMMARY, str(fixture)], args.repeat, env, ok=(0,))
    print(f"    convlint, cold (--no-cache)  {ours:8.3f} s   (target < 0.25 s: {'ok' if ours < 0.25 else 'MISSED'})")
    print(f"    convlint, warm cache         {warm:8.3f} s   (target < 0.25 s: {'ok' if warm < 0.25 else 'MISSED'})")
    print(f"    keras build + summary()      {theirs:8.3f} s")
    print(f"    ratio keras / convlint cold  {theirs / ours:8.1f} x (target >= 10x: {'ok' if theirs / ours >= 10 else 'MISSED'})")
    print(f"    ratio keras / convlint warm  {theirs / warm:8.1f} x")

    if not args.skip_tree:
        tree = (args.tree or default_tree()).resolve()
        repeat = max(1, min(args.repeat, 3))
        print(f"(b) tree: {tree} ({count_files(tree)} .py files)")
        ours = wall([*convlint_cmd(), "--no-cache", str(tree)], repeat, env)
        warm = wall([*convlint_cmd(), *cache, str(tree)], repeat, env)
        flake8 = wall([str(BIN / "flake8") if (BIN / "flake8").exists() else "flake8", str(tree)], repeat, env)
        print(f"    convlint, cold (all cores)   {ours:8.3f} s")
        print(f"    convlint, warm cache         {warm:8.3f} s")
        print(f"    flake8 (all cores)           {flake8:8.3f} s")
        print(f"    ratio flake8 / convlint cold {flake8 / ours:8.2f} x (target >= 1: {'ok' if flake8 >= ours else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
