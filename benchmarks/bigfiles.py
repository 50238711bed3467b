"""Hostile and huge inputs (issue 9): wall time, CPU time and peak memory of whole ``convlint``
processes, and whether the answer is the right one.

Each case is generated in a temporary directory and checked with ``convlint --no-cache
--format json`` as a fresh process; peak memory is the largest resident set of the process and
the workers it waited for (``os.wait4``).  Cases:

* ``big10``: 10 MB of small functions with a broken PyTorch model (LeNet, wrong ``fc1``) in the
  middle.  Expected: the CL103 reported, at its line.  (Before: 145 s, 9.1 GB, "0 models".)
* ``chain5``: a 5 MB ``model.add(...)`` chain with a CL102 near the top.  Expected: the CL102,
  the model reported incomplete, a CL909 note where reading stopped.  (Before: 116 s, 7.2 GB.)
* ``seq5``: one 5 MB ``keras.Sequential([...])`` statement.  Expected: a CL909 note.
* ``steps``: a PyTorch model after 20,000 top-level loops (0.66 MB).  Expected: the loops
  left out, the model and its CL103 found.  (Before: "No problems found in 0 models".)
* ``budget``: the same after 2,500 loops of 30 turns (85 kB, parsed whole): the step budget
  runs out.  Expected: the model found, the step-budget note at the line where it stopped.
* ``deep``: 20 good files beside ``x = ----...1`` (10,000), ``a+a+...`` (10,000 terms) and
  ``not`` x 20,000.  Expected: 20 models, three CL901.  (Before: exit 139, no output.)
* ``conditional``: ``1 if a else`` x 20,000.  Expected: a CL901.  (Before: 24 GB, killed.)
* ``jobs200`` / ``jobs2``: 200 small model files with ``-j 200`` and ``-j 2``.
  (Before: 34 s against 0.95 s.)

Run: ``python benchmarks/bigfiles.py [--only big10 chain5] [--repeat N]``.  Byte code is
compiled first and ``PYTHONDONTWRITEBYTECODE`` dropped for the timed processes, as in
``benchmarks/cli.py``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
LENET = (ROOT / "fixtures" / "torch" / "lenet_bad_fc.py").read_text()
LINEAR = "import torch.nn as nn\nlayer = nn.Linear(3, 3)\n"


def _functions(size: int, start: int = 0) -> str:
    out, i = [], start
    while size > 0:
        out.append(f"def f{i}(x):\n    return x * {i} + {i}\n\n\n")
        size -= len(out[-1])
        i += 1
    return "".join(out)


def make_big10(d: Path) -> List[str]:
    (d / "big10.py").write_text(_functions(5_000_000) + LENET + "\n\n" + _functions(5_000_000, 10**6))
    return ["big10.py"]


def make_chain5(d: Path) -> List[str]:
    head = ("import keras\nfrom keras import layers\n\nmodel = keras.Sequential([keras.Input((28, 28, 1))])\n"
            "model.add(layers.Flatten())\nmodel.add(layers.Conv2D(8, 3))\n")
    line = "model.add(layers.Dense(16))\n"
    (d / "chain5.py").write_text(head + line * ((5_000_000 - len(head)) // len(line)))
    return ["chain5.py"]


def make_seq5(d: Path) -> List[str]:
    items = "    layers.Dense(16),\n" * (5_000_000 // 22)
    (d / "seq5.py").write_text("import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n"
                               "    keras.Input((28, 28, 1)),\n" + items + "])\n")
    return ["seq5.py"]


def _after(statements: int, iterations: int) -> str:
    imports, rest = LENET.split("\n", 4)[:4], LENET.split("\n", 4)[4]
    filler = "".join(f"for _ in range({iterations}): v{i} = {i}\n" for i in range(statements))
    return "\n".join(imports) + "\n" + filler + rest


def make_steps(d: Path) -> List[str]:
    (d / "steps.py").write_text(_after(20_000, 3))
    return ["steps.py"]


def make_budget(d: Path) -> List[str]:
    (d / "budget.py").write_text(_after(2_500, 30))  # 77,500 steps in 85 kB: parsed whole
    return ["budget.py"]


def make_deep(d: Path) -> List[str]:
    for i in range(20):
        (d / f"good{i}.py").write_text(LENET)
    (d / "minus.py").write_text(LINEAR + "x = " + "-" * 10_000 + "1\n")
    (d / "sum.py").write_text(LINEAR + "x = " + "+".join(["a"] * 10_000) + "\n")
    (d / "nots.py").write_text(LINEAR + "x = " + "not " * 20_000 + "a\n")
    return ["."]


def make_conditional(d: Path) -> List[str]:
    (d / "conditional.py").write_text(LINEAR + "x = " + "1 if a else " * 20_000 + "1\n")
    return ["conditional.py"]


def make_many(jobs: int) -> Callable[[Path], List[str]]:
    def make(d: Path) -> List[str]:
        for i in range(200):
            (d / f"m{i}.py").write_text(LENET)
        return [".", "-j", str(jobs)]

    return make


def check_big10(report: Dict) -> str:
    return "ok" if [d["code"] for d in report["diagnostics"]] == ["CL909", "CL103"] else "WRONG"


def check_chain5(report: Dict) -> str:
    codes = sorted(d["code"] for d in report["diagnostics"])
    return "ok" if codes == ["CL102", "CL902", "CL909"] and len(report["models"]) == 1 else "WRONG"


def check_seq5(report: Dict) -> str:
    return "ok" if [d["code"] for d in report["diagnostics"]] == ["CL909"] else "WRONG"


def check_steps(report: Dict) -> str:
    found = [m["name"] for m in report["models"]] == ["LeNet"]
    return "ok" if found and sorted(d["code"] for d in report["diagnostics"]) == ["CL103", "CL909"] else "WRONG"


def check_budget(report: Dict) -> str:
    found = [m["name"] for m in report["models"]] == ["LeNet"]
    noted = any("stopped after" in d["message"] for d in report["diagnostics"])
    return "ok" if found and noted else "WRONG"


def check_deep(report: Dict) -> str:
    deep = sorted(d["path"] for d in report["diagnostics"] if d["code"] == "CL901")
    return "ok" if len(report["models"]) == 20 and deep == ["minus.py", "nots.py", "sum.py"] else "WRONG"


def check_conditional(report: Dict) -> str:
    """240 kB: reduced, and the statement, which builds nothing, is left out (CL909)."""
    return "ok" if [d["code"] for d in report["diagnostics"]] in (["CL901"], ["CL909"]) else "WRONG"


def check_many(report: Dict) -> str:
    return "ok" if len(report["models"]) == 200 else "WRONG"


CASES: Dict[str, Tuple[Callable[[Path], List[str]], Callable[[Dict], str]]] = {
    "big10": (make_big10, check_big10),
    "chain5": (make_chain5, check_chain5),
    "seq5": (make_seq5, check_seq5),
    "steps": (make_steps, check_steps),
    "budget": (make_budget, check_budget),
    "deep": (make_deep, check_deep),
    "conditional": (make_conditional, check_conditional),
    "jobs200": (make_many(200), check_many),
    "jobs2": (make_many(2), check_many),
}


def run_once(args: List[str], cwd: Path, env: Dict[str, str]) -> Tuple[float, float, float, int, str]:
    """(wall s, CPU s, peak MB, exit status, stdout) of one fresh ``convlint`` process; CPU and
    peak memory include the worker processes it started and waited for."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "convlint", "--no-cache", "--format", "json", *args],
                                cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code not in (0, 1):
            raise SystemExit(f"convlint {' '.join(args)} exited {code}: {err.read().decode()[-800:]}")
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code, out.read().decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), default=list(CASES))
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "convlint"), quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("KERAS_BACKEND", "torch")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    print(f"{'case':12} {'input':>9} {'wall s':>8} {'CPU s':>7} {'peak MB':>8}  result")
    for name in args.only:
        make, check = CASES[name]
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            cli_args = make(d)
            size = sum(p.stat().st_size for p in d.rglob("*.py"))
            runs = [run_once(cli_args, d, env) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs)
            verdict = check(json.loads(runs[-1][4]))
        print(f"{name:12} {size / 1e6:7.2f}MB {wall:8.2f} {cpu:7.2f} {peak:8.0f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
