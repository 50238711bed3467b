"""The long fuzz campaign: random programs (hypothesmith) and mutated fixtures, each checked in a
worker process with a time limit and the workers' memory cap, until the time is up.

A finding is a check that crashed (an exception, a CL999, a dead worker), hung (past
``--timeout``) or wrote a report that is not valid JSON under the report schema.  Each finding
is saved under ``--out`` as the source that caused it, with what happened.  The summary line is
what the README records.

    nice python scripts/fuzz.py --minutes 15          # both kinds, all cores
    python scripts/fuzz.py --minutes 1 --kind mutated --jobs 1
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from convlint.pool import Died, Failed, TimedOut, isolated_map  # noqa: E402
from convlint.runner import default_jobs  # noqa: E402


def _generate(kind: str, count: int) -> List[str]:
    """``count`` fresh inputs of ``kind`` (random seeds: each batch is new)."""
    from hypothesis import HealthCheck, Phase, given, settings

    import fuzzing

    strategy = fuzzing.programs() if kind == "programs" else fuzzing.mutated_fixtures()
    out: List[str] = []

    @settings(max_examples=count, database=None, derandomize=False, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(source: str) -> None:
        out.append(source)

    collect()
    return out


def _check(item: Tuple[str, int]) -> Optional[str]:
    """``None`` if convlint handled the source, else what went wrong (in a worker).  The check
    may use ``cpu`` seconds of CPU: past that the kernel stops the worker (SIGXCPU), a hang.
    (Wall time alone would call a niced worker on a busy machine hung.)"""
    import resource

    import fuzzing

    source, cpu = item
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (int(usage.ru_utime + usage.ru_stime) + cpu, hard))
    try:
        fuzzing.check(source)
    except AssertionError as err:
        return f"AssertionError: {err}"[:2000]
    except Exception as err:  # the report is not valid, or the check itself raised
        return f"{type(err).__name__}: {err}"[:2000]
    return None


def _save(out: Path, kind: str, source: str, what: str) -> str:
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    path = out / f"{kind}-{digest}.py"
    path.write_text(f"# {what.splitlines()[0] if what else ''}\n{source}")
    return str(path)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--kind", choices=["both", "programs", "mutated"], default="both")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--cpu", type=int, default=30, help="CPU seconds one check may take before it is a hang")
    parser.add_argument("--timeout", type=float, default=600.0, help="wall seconds, for a check that blocks")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"))
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "torch")
    args.out.mkdir(parents=True, exist_ok=True)
    kinds = ["programs", "mutated"] if args.kind == "both" else [args.kind]
    deadline = time.monotonic() + args.minutes * 60
    ran: Counter = Counter()
    found: List[Tuple[str, str, str]] = []
    started = time.monotonic()
    round_ = 0
    while time.monotonic() < deadline:
        kind = kinds[round_ % len(kinds)]
        round_ += 1
        sources = _generate(kind, args.batch)
        results = isolated_map(_check, [(s, args.cpu) for s in sources], args.jobs, timeout=args.timeout)
        for source, result in zip(sources, results):
            ran[kind] += 1
            what: Optional[str] = None
            if isinstance(result, TimedOut):
                what = f"hang: blocked for over {result.seconds:.0f} s"
            elif isinstance(result, Died) and result.signal_name == "SIGXCPU":
                what = f"hang: over {args.cpu} s of CPU"
            elif isinstance(result, Died):
                what = f"crash: the worker was {result.cause}"
            elif isinstance(result, Failed):
                what = f"crash: {type(result.error).__name__}: {result.error}"
            elif result is not None:
                what = result
            if what is not None:
                found.append((kind, what, _save(args.out, kind, source, what)))
        print(f"{time.monotonic() - started:7.0f} s  {sum(ran.values()):6d} checked  {len(found)} findings", flush=True)
    total = sum(ran.values())
    print(f"fuzz: {total} inputs checked in {(time.monotonic() - started) / 60:.1f} min "
          f"({', '.join(f'{n} {k}' for k, n in sorted(ran.items()))}), {len(found)} findings")
    for kind, what, path in found:
        print(f"  {kind}: {what.splitlines()[0]}  ({path})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
