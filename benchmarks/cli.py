"""Whole-process benchmarks of the ``convlint`` command (wall time, medians of fresh processes).

(a) one Keras fixture: ``convlint FILE`` against building the same model with Keras
    (``KERAS_BACKEND=torch``) and printing ``model.summary()``, and against the floor of any
    run, ``python -c "import libcst"``.
    Targets: >= 10x faster than Keras, and at most 0.1 s above the floor.
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
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

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


def timed(cmds: Dict[str, Sequence[str]], repeat: int, env: Optional[Dict[str, str]] = None,
          ok: Sequence[int] = (0, 1)) -> Dict[str, Tuple[float, float]]:
    """Median (wall, CPU) seconds of ``repeat`` fresh runs of each command, taken in turn (so a
    change in the machine's load hits all of them alike); one untimed warm-up round fills the OS
    cache.  CPU is user + system time of the process and its children: on a shared machine it
    moves far less with the load than wall time."""
    times: Dict[str, List[Tuple[float, float]]] = {name: [] for name in cmds}
    for i in range(repeat + 1):
        for name, cmd in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode not in ok:
                raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
            if i:
                cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                times[name].append((elapsed, cpu))
    return {
        name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for name, t in times.items()
    }


def wall(cmd: Sequence[str], repeat: int, env: Optional[Dict[str, str]] = None, ok: Sequence[int] = (0, 1)) -> float:
    """Median wall time of ``repeat`` fresh runs (one untimed warm-up run fills the OS cache)."""
    return timed({"cmd": cmd}, repeat, env, ok)["cmd"][0]


def load() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "load average unknown"


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
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {load()}")
    print(f"(a) one file: {rel}")
    cache = ["--cache-dir", tempfile.mkdtemp(prefix="convlint-bench-")]
    one = timed(
        {
            "floor": [sys.executable, "-c", "import libcst"],
            "cold": [*convlint_cmd(), "--no-cache", str(fixture)],
            "warm": [*convlint_cmd(), *cache, str(fixture)],
        },
        args.repeat,
        env,
    )
    (floor, floor_cpu), (ours, ours_cpu), (warm, warm_cpu) = one["floor"], one["cold"], one["warm"]
    theirs = wall([sys.executable, "-c", KERAS_SUMMARY, str(fixture)], args.repeat, env, ok=(0,))
    above, above_cpu = ours - floor, ours_cpu - floor_cpu

    def verdict(x: float) -> str:
        return "ok" if x <= 0.1 else "MISSED"

    print("                                     wall      CPU")
    print(f"    python -c 'import libcst'    {floor:8.3f} s {floor_cpu:8.3f} s   (the floor of any run)")
    print(f"    convlint, cold (--no-cache)  {ours:8.3f} s {ours_cpu:8.3f} s")
    print(f"    convlint, warm cache         {warm:8.3f} s {warm_cpu:8.3f} s")
    print(f"    cold over the floor          {above:+8.3f} s {above_cpu:+8.3f} s   (target <= +0.100 s: wall {verdict(above)}, CPU {verdict(above_cpu)})")
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
    print(f"done, {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
