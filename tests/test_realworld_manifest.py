"""The real-world corpus: its manifest and facts are well-formed, and the benchmark measures what it says.

No framework and no mirror are needed: the manifest and the cached facts are checked as data, and
``benchmarks/realworld.py`` runs end to end on a synthetic mirror (a one-commit git repository made
here) with facts written for it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))
import realworld  # noqa: E402
import realworld_corpus as rc  # noqa: E402


def test_manifest_is_well_formed() -> None:
    pins = rc.load()
    files = list(rc.all_files(pins))
    assert len(files) >= 100
    keys = [f.key for f in files]
    assert len(keys) == len(set(keys)), "a file is listed twice"
    by_fw = {fw: sum(1 for f in files if f.framework == fw) for fw in rc.FRAMEWORKS}
    assert min(by_fw.values()) >= 0.4 * len(files), f"Keras and PyTorch about evenly: {by_fw}"
    for pin in pins:
        assert len(pin.commit) == 40 and all(c in "0123456789abcdef" for c in pin.commit), pin.repo
        assert pin.repo.count("/") == 1 and pin.files
    for f in files:
        assert f.framework in rc.FRAMEWORKS and f.kind in rc.KINDS, f.key
        assert f.path.endswith(".py") and not f.path.startswith("/"), f.key
        assert set(f.recipe) <= rc.RECIPE_KEYS, f"{f.key}: unknown recipe keys {set(f.recipe) - rc.RECIPE_KEYS}"
        if f.manual is not None:
            assert f.manual.get("reason"), f"{f.key}: a hand-written fact says why it is by hand"


def test_every_fact_has_a_source() -> None:
    facts = json.loads(rc.FACTS.read_text())
    keys = {f.key for f in rc.all_files(rc.load())}
    assert set(facts["files"]) <= keys, "facts of files no longer in the manifest"
    for key, ff in facts["files"].items():
        assert ff["source"] in ("framework", "manual"), key
        for item in ff.get("models", []) + ff.get("errors", []):
            assert item.get("source") in ("framework", "manual"), key
        for m in ff.get("models", []):
            assert m["name"] and m["lines"], key
            assert m["params"] is None or isinstance(m["params"], int), key
        for e in ff.get("errors", []):
            assert isinstance(e["line"], int) and e["kind"], key


@pytest.fixture()
def synthetic_mirror(tmp_path: Path) -> Dict[str, Any]:
    """A mirror holding one PyTorch file: a model whose forward raises at line 10, and a
    Sequential that runs (the facts say so, as realworld_facts.py would)."""
    repo = tmp_path / "mirror" / "someone+tiny" / "repo"
    repo.mkdir(parents=True)
    (repo / "net.py").write_text(
        "import torch\n"
        "import torch.nn as nn\n"
        "\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(256, 10)\n"
        "\n"
        "    def forward(self, x):\n"
        "        return self.fc(x)\n"
        "\n"
        "Net()(torch.randn(1, 100))\n"
        "head = nn.Sequential(nn.Linear(4, 2))\n"
        "head(torch.randn(1, 4))\n"
    )
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "net.py"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "one"], check=True)
    commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    manifest = {"mirror_root": str(tmp_path / "mirror"), "repos": [
        {"repo": "someone/tiny", "commit": commit, "kind": "snippet",
         "files": [{"path": "net.py", "framework": "torch", "kind": "snippet"}]}]}
    key = f"someone/tiny@{commit[:8]}:net.py"
    facts = {"files": {key: {"source": "framework", "models": [
        {"name": "Net", "names": [], "class": "Net", "lines": [4, 12], "params": 2570, "source": "framework",
         "layers": [{"type": "Linear", "shape": None}]},
        {"name": "head", "names": ["head"], "class": "Sequential", "lines": [13], "params": 10, "source": "framework",
         "layers": [{"type": "Linear", "shape": [2]}]}],
        "errors": [{"line": 10, "type": "RuntimeError", "message": "mat1 and mat2 shapes cannot be multiplied",
                    "kind": "shape", "phase": "run", "source": "framework"}]}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "facts.json").write_text(json.dumps(facts))
    return {"dir": tmp_path, "key": key}


def test_benchmark_runs_on_a_synthetic_mirror(synthetic_mirror: Dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    d: Path = synthetic_mirror["dir"]
    out = d / "metrics.json"
    assert realworld.main(["--manifest", str(d / "manifest.json"), "--facts", str(d / "facts.json"),
                           "--json", str(out), "--jobs", "1"]) == 0
    metrics = json.loads(out.read_text())
    counts = metrics["files"][synthetic_mirror["key"]]["counts"]
    assert counts["crash"] == 0
    assert counts["models_present"] == 2
    assert counts["totals_real"] == 2
    assert counts["errors_expected"] == 1
    # Whatever convlint's analysis does, the counts stay consistent with one another.
    assert counts.get("models_found", 0) <= 2
    assert counts.get("totals_agree", 0) + counts.get("totals_wrong", 0) + counts.get("totals_unknown", 0) \
        <= counts.get("models_found", 0)
    assert counts.get("errors_at_line", 0) + counts.get("errors_elsewhere", 0) + counts.get("errors_missed", 0) == 1
    assert "models found / present" in capsys.readouterr().out


def test_matching_and_counting() -> None:
    """The benchmark's own rules on a hand-made report: name first, then line; a wrong total is
    counted as wrong, an error at the raising line as caught there, an error elsewhere as a false
    alarm only where the framework raises none."""
    ff = {"models": [{"name": "Net", "class": "Net", "lines": [3], "params": 100, "source": "framework",
                      "layers": [{"type": "Conv2d", "shape": [8, 30, 30]}, {"type": "Linear", "shape": [10]}]},
                     {"name": "other", "class": "Sequential", "lines": [20], "params": 5, "source": "framework"}],
          "errors": [{"line": 9, "kind": "shape", "type": "RuntimeError", "message": "m", "source": "framework"}]}
    models = [{"name": "Whatever", "line": 3, "total_params": 90, "layers": [
        {"type": "Conv2d", "output_shape": [None, 8, 30, 30]}, {"type": "Linear", "output_shape": [None, 11]}]}]
    diags = [{"code": "CL103", "severity": "error", "line": 9, "message": "m"}]
    seen = json.loads(json.dumps(realworld.observe(models, diags, crashed=False)))  # as saved in a baseline
    c = realworld.measure_file(ff, seen)["counts"]
    assert (c["models_present"], c["models_found"]) == (2, 1)
    assert (c["layers_real"], c["layers_agree"], c["layers_known"]) == (2, 1, 2)
    assert (c.get("totals_agree", 0), c["totals_wrong"]) == (0, 1)
    assert (c["errors_expected"], c["errors_at_line"], c.get("false_alarms", 0)) == (1, 1, 0)
    c = realworld.measure_file(dict(ff, errors=[]), seen)["counts"]
    assert c["false_alarms"] == 1
