"""convlint on real programs, against what the frameworks say about the same files.

The corpus (``realworld_manifest.json``): model files of public repositories (tutorials,
courses, research code, Stack Overflow reproductions, Keras 1 examples), about half Keras and
half PyTorch, each pinned to a commit and laid out from the local mirrors with its repository's
own directory structure (siblings it imports sit where they do upstream).  The facts
(``realworld_facts.json``, made by ``realworld_facts.py`` with the real frameworks): which models
each file builds, their real parameter totals and layer shapes, and the shape errors the
framework raises, with the line where it raises.

convlint runs as a user runs it: ``python -m convlint --no-cache --format json FILE...``, one
process per repository snapshot with its measured files as arguments, from the snapshot's root
(no ``pyproject.toml`` there or above).  Printed per file and in total:

* crash: a traceback, exit status 2 or a CL999 (must be 0);
* models found / present: a real model is found when a report model of the file has its name
  (class or variable) or its line (class statement or constructor call);
* layers: of the found models' real layers, how many convlint gives the real output shape (each
  (type, shape) pair counted once per occurrence), and how many layers convlint reports with a
  fully known shape;
* totals: found models whose total equals the framework's, and totals shown as exact but wrong
  (the worst kind: a confident wrong number);
* errors: the framework's shape errors caught by a CL1xx error at the raising line, caught at
  another line, or missed;
* false alarms: CL1xx errors in a file where the framework raises no shape error.

Run:
  python benchmarks/realworld.py                                     # the working tree's convlint
  PYTHONPATH=/work/main python benchmarks/realworld.py --json benchmarks/realworld_baseline.json
  python benchmarks/realworld.py --compare benchmarks/realworld_baseline.json --repeat 3
  python benchmarks/realworld.py --only tensfa --failures            # every failure, by family
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import realworld_corpus as rc

METRICS_VERSION = 1
COUNTS = ("files", "crash", "models_present", "models_found", "layers_real", "layers_agree", "layers_reported",
          "layers_known", "totals_real", "totals_agree", "totals_wrong", "totals_unknown", "errors_expected",
          "errors_at_line", "errors_elsewhere", "errors_missed", "false_alarms")
INPUT_TYPES = {"Input", "InputLayer"}


# -- facts ------------------------------------------------------------------------------------
def file_facts(f: rc.CorpusFile, facts: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The file's facts: derived ones, with the manifest's hand-written ones taking precedence
    (``"source": "manual"``)."""
    derived = facts.get("files", {}).get(f.key)
    if f.manual:
        merged = dict(derived or {"models": [], "errors": []})
        for key in ("models", "errors"):
            if key in f.manual:
                merged[key] = [dict(item, source="manual") for item in f.manual[key]]
        merged.pop("failed", None) if "models" in f.manual else None
        return merged
    return derived


def shape_errors(ff: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The errors a model linter is expected to catch: shape errors raised while building or running
    the model (not while training on the file's data, nor a missing import or file)."""
    return [e for e in ff.get("errors", []) if e.get("kind") == "shape"]


# -- running convlint -------------------------------------------------------------------------
@dataclass
class Run:
    report: Dict[str, Any]
    returncode: int
    stderr: str
    walls: List[float] = field(default_factory=list)


def run_convlint(cwd: Path, paths: Sequence[str], repeat: int) -> Run:
    env = dict(os.environ, KERAS_BACKEND="torch")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "convlint", "--no-cache", "--format", "json", *paths]
    walls = []
    first: Optional[subprocess.CompletedProcess] = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        first = first or proc
    assert first is not None
    try:
        report = json.loads(first.stdout)
    except json.JSONDecodeError:
        report = {"models": [], "diagnostics": []}
    return Run(report, first.returncode, first.stderr, walls)


# -- comparing --------------------------------------------------------------------------------
def dims(shape: Optional[Sequence[Any]]) -> Optional[Tuple[Any, ...]]:
    return None if shape is None else tuple(shape)


def known(shape: Optional[Sequence[Any]]) -> bool:
    return shape is not None and all(isinstance(d, int) for d in shape[1:])


Pair = Tuple[Dict[str, Any], Optional[Dict[str, Any]]]


def match_models(real: List[Dict[str, Any]], reported: List[Dict[str, Any]]) -> List[Pair]:
    """Pair each real model with at most one report model: by name first, then by line."""
    free = list(reported)
    pairs: List[Pair] = []
    for m in real:
        names = {m["name"], *m.get("names", [])}
        hit = next((r for r in free if r["name"] in names), None)
        if hit is None:
            hit = next((r for r in free if r["line"] in m.get("lines", [])), None)
        if hit is not None:
            free.remove(hit)
        pairs.append((m, hit))
    return pairs


def layer_agreement(real: Dict[str, Any], rep: Dict[str, Any]) -> int:
    """How many real layers convlint gives the real output shape (type and shape, as multisets)."""
    want = Counter((la["type"], dims(la["shape"])) for la in real.get("layers", [])
                   if la["type"] not in INPUT_TYPES and la.get("shape") is not None)
    got = Counter((la["type"], dims(la["output_shape"][1:])) for la in rep.get("layers", [])
                  if la["type"] not in INPUT_TYPES and la.get("output_shape") is not None)
    return sum((want & got).values())


def observe(models: List[Dict[str, Any]], diags: List[Dict[str, Any]], crashed: bool) -> Dict[str, Any]:
    """What convlint said about one file, as numbers and names only (saved with the metrics, so a
    baseline can be measured again against facts refreshed later)."""
    return {
        "crash": bool(crashed or any(d["code"] == "CL999" for d in diags)),
        "models": [{"name": m["name"], "line": m["line"], "total_params": m.get("total_params"),
                    "layers": [[la["type"], la.get("output_shape")] for la in m["layers"]]} for m in models],
        "errors": sorted({(d["code"], d["line"]) for d in diags if d["code"].startswith("CL1") and d["severity"] == "error"}),
    }


def measure_file(ff: Optional[Dict[str, Any]], seen: Dict[str, Any]) -> Dict[str, Any]:
    """Every count of one file, and the failures behind them (for --failures)."""
    c: Counter = Counter(files=1)
    fails: List[Dict[str, Any]] = []
    models = [{"name": m["name"], "line": m["line"], "total_params": m["total_params"],
               "layers": [{"type": t, "output_shape": shape} for t, shape in m["layers"]]} for m in seen["models"]]
    c["crash"] = int(seen["crash"])
    c["layers_reported"] = sum(1 for m in models for la in m["layers"] if la["type"] not in INPUT_TYPES)
    c["layers_known"] = sum(1 for m in models for la in m["layers"]
                            if la["type"] not in INPUT_TYPES and known(la.get("output_shape")))
    errors = [{"code": code, "line": line} for code, line in seen["errors"]]
    if ff is None or ff.get("failed"):
        return {"counts": dict(c), "failures": fails, "facts": False}
    real = ff.get("models", [])
    for m, rep in match_models(real, models):
        c["models_present"] += 1
        layers_real = sum(1 for la in m.get("layers", []) if la["type"] not in INPUT_TYPES and la.get("shape") is not None)
        c["layers_real"] += layers_real
        if m.get("params") is not None:
            c["totals_real"] += 1
        if rep is None:
            fails.append({"family": "missed model", "line": (m.get("lines") or [0])[0],
                          "what": f"{m['name']} ({m['class']}, {m.get('params')} params) not reported"})
            continue
        c["models_found"] += 1
        c["layers_agree"] += layer_agreement(m, rep)
        total = rep.get("total_params")
        if m.get("params") is None:
            continue
        if total == m["params"]:
            c["totals_agree"] += 1
        elif total is None:
            c["totals_unknown"] += 1
            fails.append({"family": "unknown total", "line": rep["line"],
                          "what": f"{m['name']}: no total (real {m['params']:,})"})
        else:
            c["totals_wrong"] += 1
            fails.append({"family": "wrong total", "line": rep["line"],
                          "what": f"{m['name']}: convlint {total:,}, real {m['params']:,}"})
    expected = shape_errors(ff)
    c["errors_expected"] = len(expected)
    lines_hit = {d["line"] for d in errors}
    for e in expected:
        if e["line"] in lines_hit:
            c["errors_at_line"] += 1
        elif errors:
            c["errors_elsewhere"] += 1
            fails.append({"family": "error at another line", "line": e["line"],
                          "what": f"{e['type']}: {e['message'][:160]} (convlint: line {sorted(lines_hit)})"})
        else:
            c["errors_missed"] += 1
            fails.append({"family": "missed error", "line": e["line"], "what": f"{e['type']}: {e['message'][:160]}"})
    if not expected:
        c["false_alarms"] = len(errors)
        for d in errors:
            fails.append({"family": "false alarm", "line": d["line"], "what": d["code"]})
    return {"counts": dict(c), "failures": fails, "facts": True}


def score(observations: Dict[str, Any], files: Sequence[rc.CorpusFile], facts: Dict[str, Any]) -> Dict[str, Any]:
    """Counts per file and in total (all, keras, torch) of convlint's observations against the facts."""
    results: Dict[str, Any] = {}
    totals: Dict[str, Counter] = {"all": Counter(), "keras": Counter(), "torch": Counter()}
    for f in files:
        if f.key not in observations:
            continue
        r = results[f.key] = dict(measure_file(file_facts(f, facts), observations[f.key]), framework=f.framework)
        for label in ("all", f.framework):
            totals[label].update(r["counts"])
            totals[label]["files_with_facts"] += int(r["facts"])
    return {"files": results, "totals": {k: dict(v) for k, v in totals.items()}}


# -- the run ----------------------------------------------------------------------------------
def observe_all(pins: Sequence[rc.RepoPin], tree: Path, repeat: int, jobs: int,
                messages: Dict[str, List[str]]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Run convlint once per repository snapshot; its observations per file, and the run's record."""
    observations: Dict[str, Any] = {}
    walls: List[float] = []
    crashes: List[str] = []

    def one(pin: rc.RepoPin) -> None:
        root = tree / pin.files[0].tree
        run = run_convlint(root, [f.path for f in pin.files], repeat)
        walls.append(statistics.median(run.walls))
        crashed = run.returncode >= 2 or "Traceback" in run.stderr
        if crashed:
            crashes.append(f"{pin.repo}@{pin.commit[:8]}: exit {run.returncode}: {run.stderr.strip()[-400:]}")
        for f in pin.files:
            models = [m for m in run.report.get("models", []) if m["path"] == f.path]
            diags = [d for d in run.report.get("diagnostics", []) if d["path"] == f.path]
            observations[f.key] = observe(models, diags, crashed)
            messages[f.key] = [f"{d['line']}: {d['code']} {d['message']}" for d in diags
                               if d["code"].startswith("CL1") and d["severity"] == "error"]

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        list(pool.map(one, pins))
    run_info = {"processes": len(pins), "repeat": repeat, "wall_sum_median_s": round(sum(walls), 2), "crashes": crashes}
    return dict(sorted(observations.items())), run_info


# -- output -----------------------------------------------------------------------------------
def pct(a: int, b: int) -> str:
    return f"{a}/{b}" + (f" ({100.0 * a / b:.0f}%)" if b else "")


def summary_lines(t: Dict[str, int]) -> List[str]:
    g = lambda k: t.get(k, 0)  # noqa: E731
    return [
        f"files: {g('files')} ({g('files_with_facts')} with framework facts); files that crash: {g('crash')}",
        f"models found / present: {pct(g('models_found'), g('models_present'))}",
        f"layers with the real shape: {pct(g('layers_agree'), g('layers_real'))}; layers reported with a fully known shape:"
        f" {pct(g('layers_known'), g('layers_reported'))}",
        f"totals that agree with the framework: {pct(g('totals_agree'), g('totals_real'))}; shown exact but wrong:"
        f" {g('totals_wrong')}; unknown: {g('totals_unknown')}; model not found: "
        f"{g('totals_real') - g('totals_agree') - g('totals_wrong') - g('totals_unknown')}",
        f"framework shape errors caught at the raising line: {pct(g('errors_at_line'), g('errors_expected'))};"
        f" at another line: {g('errors_elsewhere')}; missed: {g('errors_missed')}",
        f"false alarms (CL1xx errors where the framework raises none): {g('false_alarms')}",
    ]


def print_table(metrics: Dict[str, Any]) -> None:
    head = f"{'file':78s} {'fw':5s} {'models':>7s} {'layers':>9s} {'totals':>9s} {'errors':>7s} {'FA':>3s} {'crash':>5s}"
    print(head)
    print("-" * len(head))
    for key, r in metrics["files"].items():
        c = r["counts"]
        g = lambda k: c.get(k, 0)  # noqa: E731
        name = key if len(key) <= 78 else "..." + key[-75:]
        if not r["facts"]:
            print(f"{name:78s} {r['framework']:5s}   (no facts)")
            continue
        print(f"{name:78s} {r['framework']:5s} {g('models_found'):>3d}/{g('models_present'):<3d} "
              f"{g('layers_agree'):>4d}/{g('layers_real'):<4d} {g('totals_agree'):>2d}/{g('totals_real'):<2d}"
              f"{'!' + str(g('totals_wrong')) if g('totals_wrong') else '':4s}"
              f" {g('errors_at_line'):>2d}/{g('errors_expected'):<2d}  {g('false_alarms'):>3d} {g('crash'):>5d}")
    print()
    for label in ("all", "keras", "torch"):
        print(f"== {label}")
        for line in summary_lines(metrics["totals"].get(label, {})):
            print("  " + line)


def print_failures(metrics: Dict[str, Any], messages: Dict[str, List[str]]) -> None:
    fam: Dict[str, List[str]] = {}
    for key, r in metrics["files"].items():
        for x in r["failures"]:
            what = x["what"]
            if x["family"] == "false alarm":
                what = next((m for m in messages.get(key, []) if m.startswith(f"{x['line']}: ")), what)
            fam.setdefault(x["family"], []).append(f"{key}:{x['line']}: {what}")
    for family, items in sorted(fam.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{family} ({len(items)}):")
        for item in items:
            print("  " + item)


def compare(new: Dict[str, Any], old: Dict[str, Any], files: Sequence[rc.CorpusFile], facts: Dict[str, Any]) -> None:
    """Both runs scored against today's facts (the saved observations are re-scored)."""
    old_scored = score(old["observations"], files, facts)
    print(f"\ncompared with {old.get('label') or 'the baseline'} ({old.get('convlint', '?')}), both against today's facts:")
    for label in ("all", "keras", "torch"):
        a, b = old_scored["totals"].get(label, {}), new["totals"].get(label, {})
        deltas = [f"{k} {a.get(k, 0)}->{b.get(k, 0)}" for k in COUNTS if a.get(k, 0) != b.get(k, 0)]
        print(f"  {label}: " + (", ".join(deltas) if deltas else "no change"))
    for key in sorted(set(new["files"]) | set(old_scored["files"])):
        a = old_scored["files"].get(key, {}).get("counts", {})
        b = new["files"].get(key, {}).get("counts", {})
        deltas = [f"{k} {a.get(k, 0)}->{b.get(k, 0)}" for k in COUNTS[1:] if a.get(k, 0) != b.get(k, 0)]
        if deltas:
            print(f"  {key}: " + ", ".join(deltas))


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", nargs="*", help="files whose key (repo@commit:path) contains one of these")
    p.add_argument("--repeat", type=int, default=1, help="convlint runs per repository (median wall time)")
    p.add_argument("--jobs", type=int, default=2, help="convlint processes at once")
    p.add_argument("--json", type=Path, dest="json_out", help="save the metrics here (numbers, no code)")
    p.add_argument("--label", default="")
    p.add_argument("--compare", type=Path, help="metrics JSON of an earlier run (e.g. realworld_baseline.json)")
    p.add_argument("--failures", action="store_true", help="list every failure, by family")
    p.add_argument("--keep", type=Path, help="lay the corpus out here and keep it")
    p.add_argument("--manifest", type=Path, default=rc.MANIFEST)
    p.add_argument("--facts", type=Path, default=rc.FACTS)
    p.add_argument("--mirror-root", type=Path)
    args = p.parse_args(argv)

    pins = rc.load(args.manifest)
    if args.only:
        pins = [rc.RepoPin(pin.repo, pin.commit, pin.kind, [f for f in pin.files if any(s in f.key for s in args.only)],
                           pin.support) for pin in pins]
        pins = [pin for pin in pins if pin.files]
    facts = json.loads(args.facts.read_text()) if args.facts.exists() else {}
    with tempfile.TemporaryDirectory(prefix="convlint-realworld-") as tmp:
        tree = args.keep.resolve() if args.keep else Path(tmp)
        tree.mkdir(parents=True, exist_ok=True)
        for parent in [tree, *tree.parents]:
            if (parent / "pyproject.toml").exists():
                raise SystemExit(f"{parent / 'pyproject.toml'} would configure the run; lay the corpus out elsewhere")
        root = args.mirror_root or rc.mirror_root(args.manifest)
        rc.lay_out(pins, tree, root)
        start = time.perf_counter()
        messages: Dict[str, List[str]] = {}
        observations, run_info = observe_all(pins, tree, args.repeat, args.jobs, messages)
        run_info["wall_s"] = round(time.perf_counter() - start, 2)
    files = list(rc.all_files(pins))
    metrics = dict(score(observations, files, facts), version=METRICS_VERSION, run=run_info, label=args.label)
    where = subprocess.run([sys.executable, "-c", "import convlint, os; print(os.path.dirname(convlint.__file__))"],
                           capture_output=True, text=True, cwd=tempfile.gettempdir()).stdout.strip()
    metrics["convlint"] = where
    print_table(metrics)
    print(f"\nconvlint: {where}; {run_info['processes']} processes (one per repository snapshot), {run_info['wall_s']} s wall"
          f" ({run_info['wall_sum_median_s']} s summed over processes, median of {run_info['repeat']})")
    for c in run_info["crashes"]:
        print("CRASH " + c)
    if args.failures:
        print_failures(metrics, messages)
    if args.json_out:
        saved = {k: v for k, v in metrics.items() if k != "files"}
        saved["files"] = {k: {"counts": v["counts"], "facts": v["facts"]} for k, v in metrics["files"].items()}
        saved["observations"] = observations
        args.json_out.write_text(json.dumps(saved, indent=1) + "\n")
        print(f"metrics -> {args.json_out}")
    if args.compare:
        compare(metrics, json.loads(args.compare.read_text()), files, facts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
