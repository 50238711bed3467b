"""The frameworks' facts about the real-world corpus: which models each file builds, their real
parameter totals and layer shapes, and the shape errors the framework raises (with the line).

Each file runs in its own niced subprocess (``realworld_probe.py``) with a timeout, the network
off and no real training (see the probe's docstring).  The results are cached in
``realworld_facts.json`` so that ``realworld.py`` runs without the frameworks.  A fact the probe
cannot derive is written in the manifest by hand (``"manual"`` on the file, with a reason) and
is labelled ``"source": "manual"`` here; every other fact is ``"source": "framework"``.

Run: ``python benchmarks/realworld_facts.py [--only SUBSTRING ...] [--jobs 2]`` (needs torch,
keras with ``KERAS_BACKEND=torch``, torchvision).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

import realworld_corpus as rc

PROBE = rc.HERE / "realworld_probe.py"
TIMEOUT = 240
FACTS_VERSION = 1


class Prober:
    """One niced probe server for a framework: imports it once, then forks a child per file."""

    def __init__(self, framework: str, tree: Path, scratch: Path) -> None:
        env = dict(os.environ, KERAS_BACKEND="torch", MPLBACKEND="Agg", CUDA_VISIBLE_DEVICES="",
                   PYTHONWARNINGS="ignore", TF_CPP_MIN_LOG_LEVEL="3")
        env.pop("PYTHONPATH", None)  # the files import their own siblings, never this repository
        self.tree, self.scratch = tree, scratch
        self.proc = subprocess.Popen(["nice", "-n", "10", sys.executable, str(PROBE), framework, str(TIMEOUT)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, env=env, cwd=str(tree))

    def probe(self, f: rc.CorpusFile) -> Dict[str, Any]:
        spec = dict(f.recipe)
        spec.update({"file": str(self.tree / f.relpath), "framework": f.framework,
                     "tree_root": str(self.tree / f.tree)})
        spec_path = self.scratch / f"{abs(hash(f.key))}.json"
        spec_path.write_text(json.dumps(spec))
        start = time.perf_counter()
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{spec_path}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        out = json.loads(line) if line.strip() else {"failed": "the probe server stopped"}
        out["seconds"] = round(time.perf_counter() - start, 1)
        return out

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def model_name(m: Dict[str, Any], framework: str) -> str:
    """The name convlint's report uses: a PyTorch model class (or Keras subclass) defined in the file
    by its class name; otherwise the variable it is bound to."""
    if m.get("class_line"):
        return m["class"]
    if m.get("names"):
        return m["names"][0]
    return m.get("class") if framework == "torch" else (m.get("model_name") or m["class"])


def present(m: Dict[str, Any]) -> bool:
    """The models a reader of the file sees: those its top level holds under a name (``model =
    ...``, ``encoder``/``decoder`` beside the ``vae`` that wraps them, a manifest build), and those
    a top-level statement or a manifest build (``test()``) builds and no other model contains
    (``Net()(torch.randn(...))``).  Not:
    models that other models build inside themselves (a ``keras.Sequential`` in a custom layer), or
    that a helper builds and drops.  PyTorch models without parameters (a loss) are not models."""
    if m.get("params") == 0:
        return False
    if m.get("from_build") and not m.get("nested"):
        return True
    return bool(m.get("bound")) or (bool(m.get("top_level")) and not m.get("nested"))


def derive(f: rc.CorpusFile, raw: Dict[str, Any]) -> Dict[str, Any]:
    """The file's facts from the probe's output (every fact labelled with its source)."""
    if "failed" in raw:
        return {"source": "framework", "failed": raw["failed"], "models": [], "errors": []}
    models = []
    errors = []
    for m in raw["models"]:
        if not present(m):
            continue
        lines = sorted(set(m["lines"]) | ({m["class_line"]} if m.get("class_line") else set()))
        entry = {"name": model_name(m, f.framework), "names": m.get("names", []), "class": m["class"],
                 "lines": lines, "class_line": m.get("class_line"), "params": m.get("params"),
                 "input_shape": m.get("input_shape"), "layers": [
                     {"type": la["type"], "shape": la.get("shape")} for la in m.get("layers", [])],
                 "source": "framework"}
        if m.get("input_from"):
            entry["input_from"] = m["input_from"]
        models.append(entry)
        if m.get("error"):
            errors.append(dict(error_fact(m["error"]), model=entry["name"]))
    for ev in raw["events"]:
        if "error" in ev:
            errors.append(error_fact(ev["error"]))
    skipped = [ev["skipped"] for ev in raw["events"] if "skipped" in ev]
    auto = {ev["auto"]: ev["why"] for ev in raw["events"] if "auto" in ev}
    out: Dict[str, Any] = {"source": "framework", "versions": raw.get("versions", {}), "seconds": raw.get("seconds"),
                           "models": models, "errors": errors}
    if skipped:
        out["skipped_statements"] = skipped
    if auto:
        out["not_built"] = auto
    return out


def error_fact(e: Dict[str, Any]) -> Dict[str, Any]:
    return {"line": e["line"], "statement_line": e.get("statement_line"), "type": e["type"],
            "message": e["message"][:300], "kind": e["kind"], "phase": e["phase"], "trail": e.get("trail", []),
            "source": "framework"}


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", nargs="*", help="files whose key contains one of these substrings")
    p.add_argument("--jobs", type=int, default=2, help="framework servers at once (each niced): 1 or 2")
    p.add_argument("--framework", choices=rc.FRAMEWORKS, help="only this framework's files")
    p.add_argument("--print", action="store_true", help="print each file's facts")
    args = p.parse_args(argv)
    pins = rc.load()
    files = [f for f in rc.all_files(pins) if (not args.only or any(s in f.key for s in args.only))
             and (args.framework is None or f.framework == args.framework)]
    facts: Dict[str, Any] = json.loads(rc.FACTS.read_text()) if rc.FACTS.exists() else {}
    facts.setdefault("files", {})
    with tempfile.TemporaryDirectory(prefix="convlint-realworld-facts-") as tmp:
        tree = Path(tmp) / "tree"
        scratch = Path(tmp) / "specs"
        scratch.mkdir()
        rc.lay_out([pin for pin in pins if any(f in pin.files for f in files)], tree)

        def run(framework: str) -> None:
            prober = Prober(framework, tree, scratch)
            try:
                for f in (f for f in files if f.framework == framework):
                    raw = prober.probe(f)
                    got = facts["files"][f.key] = derive(f, raw)
                    print(f"{f.key}: {len(got['models'])} models, {len(got['errors'])} errors"
                          f"{' FAILED ' + got['failed'][-200:] if 'failed' in got else ''} ({raw.get('seconds', '?')} s)",
                          flush=True)
                    if args.print:
                        print(json.dumps(got, indent=1))
            finally:
                prober.close()

        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            list(pool.map(run, rc.FRAMEWORKS))
    known = {f.key for f in rc.all_files(pins)}
    facts["files"] = {k: v for k, v in sorted(facts["files"].items()) if k in known}
    facts["version"] = FACTS_VERSION
    rc.FACTS.write_text(json.dumps(facts, indent=1, sort_keys=False) + "\n")
    print(f"{len(files)} files probed -> {rc.FACTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
