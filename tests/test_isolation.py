"""One file never takes the run down: the parse guard, the worker pool that survives a dead
worker, the memory cap, the cap on ``-j``, and the step budget that stays visible (issue 9)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from convlint import runner
from convlint.config import parse_config
from convlint.frontend.python import interp
from convlint.frontend.python.guard import DEEP, MAX_DEPTH, refusal
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.pool import Died, Failed, isolated_map
from convlint.runner import Checker, effective_jobs

PM = make_plugin_manager()
RULES = collect_rules(PM)
CATALOGUE = make_catalogue(PM)
LENET = (Path(__file__).parent.parent / "fixtures" / "torch" / "lenet_bad_fc.py").read_text()
LINEAR = "import torch.nn as nn\nlayer = nn.Linear(3, 3)\n"
"""A head that passes the prefilter, so the file reaches the parser."""


def checker() -> Checker:
    return Checker(parse_config({}), RULES, CATALOGUE)


# -- the guard: what would crash libcst never reaches it ------------------------------------------
CRASHERS = {
    "minus": "x = " + "-" * 10_000 + "1\n",
    "sum": "x = " + "+".join(["a"] * 10_000) + "\n",
    "not": "x = " + "not " * 20_000 + "a\n",  # (the 50,000 make a file big enough to be reduced)
    "conditional": "x = " + "1 if a else " * 20_000 + "1\n",  # libcst: 24 GB, killed
    "brackets": "x = " + "(" * 5_000 + ")" * 5_000 + "\n",
}


@pytest.mark.parametrize("source", list(CRASHERS.values()), ids=list(CRASHERS))
def test_the_guard_refuses_what_crashes_the_parser_and_says_where(source):
    refused = refusal(LINEAR + source)
    assert refused is not None and refused.kind == "syntax-error"
    assert refused.line == 3  # the statement after the two-line head
    assert "too deeply" in refused.message or "too many nested parentheses" in refused.message


def test_the_guard_refuses_depths_python_accepts_but_libcst_chokes_on():
    deep = "x = " + "+".join(["a"] * (MAX_DEPTH + 100)) + "\n"
    refused = refusal(LINEAR + deep)
    assert refused is not None and refused.kind == "resource-limit" and refused.line == 3
    assert f"nested {MAX_DEPTH + 100:,} levels deep" in refused.message
    assert refusal(LINEAR + "x = " + "+".join(["a"] * (MAX_DEPTH - 100)) + "\n") is None


def test_the_guard_adds_up_many_deep_statements():
    one = "x = " + "+".join(["a"] * 500) + "\n"
    assert refusal(one * 8) is None  # 8 * 500**2 = 2,000,000: the limit
    refused = refusal(one * 9)
    assert refused is not None and refused.kind == "resource-limit" and "9 statements" in refused.message


def test_the_guard_measures_expressions_inside_blocks_and_leaves_real_code_alone():
    nested = "class A:\n    def f(self):\n        if x:\n            pass\n        else:\n            y = " + "-" * 1200 + "1\n"
    refused = refusal(nested)
    assert refused is not None and refused.line == 6
    assert refusal(LENET) is None
    assert refusal("def f(:\n") is None  # a plain syntax error is libcst's to report
    assert refusal("x = (" + "a, " * 20_000 + ")\n") is None  # long but flat
    assert DEEP < MAX_DEPTH


def test_deep_files_beside_good_ones_are_reported_and_the_others_checked(tmp_path):
    """The issue's run: libcst segfaulted on these and the whole run exited 139, silent."""
    for i in range(20):
        (tmp_path / f"good{i}.py").write_text(LENET)
    for name in ("minus", "sum", "not"):
        (tmp_path / f"{name}.py").write_text(LINEAR + CRASHERS[name])
    proc = subprocess.run([sys.executable, "-m", "convlint", "--no-cache", "--format", "json", "."], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr  # the good files' CL103
    report = json.loads(proc.stdout)
    assert len(report["models"]) == 20
    deep = {d["path"]: d for d in report["diagnostics"] if d["code"] == "CL901"}
    assert sorted(deep) == ["minus.py", "not.py", "sum.py"]
    assert all(d["line"] == 3 for d in deep.values())
    assert sum(d["code"] == "CL103" for d in report["diagnostics"]) == 20


# -- the pool: a worker that dies fails its own file only ----------------------------------------
class Dying(Checker):
    """Dies, in the worker, on the files named so (the test hook)."""

    def check_bytes(self, path: str, data: bytes):
        import faulthandler

        faulthandler.disable()  # pytest's, inherited by the worker: no traceback dump on SIGSEGV
        name = os.path.basename(path)
        if name.startswith("segv"):
            os.kill(os.getpid(), signal.SIGSEGV)
        if name.startswith("exit"):
            os._exit(3)
        if name.startswith("kill"):
            os.kill(os.getpid(), signal.SIGKILL)
        if name.startswith("hog"):
            bytearray(8 * 2**30)  # over the cap: MemoryError, not 8 GB
        return super().check_bytes(path, data)


def test_a_dead_worker_fails_its_own_file_and_the_others_are_checked():
    items = [(f"good{i}.py", LENET.encode()) for i in range(6)]
    items += [("segv.py", LENET.encode()), ("exit.py", LENET.encode()), ("kill.py", LENET.encode()), ("hog.py", LENET.encode())]
    outcomes = {o.path: o for o in runner._isolated(Dying(parse_config({}), RULES, CATALOGUE), items, 2)}
    assert sorted(outcomes) == sorted(path for path, _ in items)
    for i in range(6):
        assert [d.code for d in outcomes[f"good{i}.py"].diagnostics] == ["CL103"]
    segv, exited, killed, hog = (outcomes[p] for p in ("segv.py", "exit.py", "kill.py", "hog.py"))
    assert [d.code for d in segv.diagnostics] == ["CL909"] and "killed by SIGSEGV" in segv.diagnostics[0].message
    assert segv.internal_error  # a crash is a bug to report: the run exits 2
    assert "exited with status 3" in exited.diagnostics[0].message and exited.internal_error
    assert "killed by SIGKILL" in killed.diagnostics[0].message and "memory" in killed.diagnostics[0].message
    assert not killed.internal_error
    assert [d.code for d in hog.diagnostics] == ["CL909"] and "ran out of memory" in hog.diagnostics[0].message
    assert hog.transient and killed.transient and not segv.transient  # memory depends on the machine: not cached


def _allocate(size: int) -> int:
    return len(bytearray(size))


def test_workers_have_a_memory_cap():
    small, big = 2**20, 8 * 2**30
    results = isolated_map(_allocate, [small, big, small], 1, allowance=512 * 2**20)
    assert results[0] == results[2] == small
    assert isinstance(results[1], Failed) and isinstance(results[1].error, MemoryError)


def test_died_names_the_signal():
    assert Died(-signal.SIGSEGV).cause == "killed by SIGSEGV" and not Died(-signal.SIGSEGV).memory
    assert Died(-signal.SIGABRT).memory and Died(-signal.SIGKILL).memory
    assert Died(2).cause == "exited with status 2"


# -- -j is capped by the cores and the files -----------------------------------------------------
def test_jobs_are_capped_by_cores_and_files(monkeypatch):
    monkeypatch.setattr(runner, "default_jobs", lambda: 2)
    assert effective_jobs(200, 200) == 2
    assert effective_jobs(None, 200) == 2
    assert effective_jobs(200, 1) == 1
    assert effective_jobs(1, 200) == 1
    assert effective_jobs(0, 0) == 1


def test_run_starts_no_more_workers_than_cores(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(runner, "default_jobs", lambda: 2)
    monkeypatch.setattr(runner, "_isolated", lambda checker, items, jobs: seen.append(jobs) or [])
    for i in range(10):
        (tmp_path / f"m{i}.py").write_text(LENET + "\n# padding\n" * 500)
    runner.run([str(tmp_path)], parse_config({}), checker(), jobs=200)
    assert seen == [2]


# -- a budget that runs out is a visible note, and later models are still found -------------------
def test_a_model_after_the_step_budget_is_found_with_the_note(monkeypatch):
    """The model class after the budget ran out is read; the example call, top-level code
    after the cut, is not run, so the input size is unknown and said to be."""
    monkeypatch.setattr(interp, "MAX_STEPS", 2_000)
    filler = "".join(f"for _ in range(30): v{i} = {i}\n" for i in range(100))
    imports, rest = LENET.split("\n", 4)[:4], LENET.split("\n", 4)[4]
    source = "\n".join(imports) + "\n" + filler + rest
    outcome = checker().check_source("net.py", source)
    lines = source.splitlines()
    stopped = [d for d in outcome.diagnostics if "stopped after 2,000 steps" in d.message]
    assert len(stopped) == 1 and "definitions were read" in stopped[0].message
    assert lines[stopped[0].line - 1].startswith("for _ in range(30): v")
    assert [m.model.name for m in outcome.models] == ["LeNet"]
    fc1 = next(i for i, line in enumerate(lines, 1) if "self.fc1" in line)
    found = {(d.code, d.line) for d in outcome.diagnostics}
    assert ("CL108", fc1) in found and "CL904" in {code for code, _ in found}


def test_keras_models_built_before_the_budget_ran_out_are_incomplete(monkeypatch):
    monkeypatch.setattr(interp, "MAX_STEPS", 2_000)
    filler = "".join(f"for _ in range(30): v{i} = {i}\n" for i in range(100))
    source = ("import keras\nfrom keras import layers\n\nmodel = keras.Sequential([keras.Input((8,)), layers.Dense(4)])\n"
              + filler + "model.add(layers.Dense(2))\n")
    outcome = checker().check_source("m.py", source)
    (model,) = outcome.models
    assert [r.node.type for r in model.layers] == ["Input", "Dense"]
    (lacking,) = [d for d in outcome.diagnostics if d.code == "CL902"]
    assert lacking.line == 4 and "step budget ran out" in lacking.message  # what it may lack is said


def test_one_line_blocks_are_followed():
    source = ("import keras\nfrom keras import layers\n\nn = 0\nfor _ in range(3): n += 2\n"
              "model = keras.Sequential([keras.Input((8,)), layers.Dense(n)])\n")
    outcome = checker().check_source("m.py", source)
    assert not outcome.diagnostics
    assert outcome.models[0].total_params == 8 * 6 + 6
