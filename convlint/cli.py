"""The ``convlint`` command: argv -> configuration -> run -> rendered report -> exit status.

Exit status: 0 clean, 1 when a diagnostic at or above ``fail-on`` (default ``error``) was
reported, 2 for usage and configuration errors and for internal failures.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any, Collection, Dict, Optional, Sequence, Tuple

from . import __version__
from .config import DTYPES, Config, ConfigError, check_codes, check_config_codes, load_config, split_option_list
from .diagnostics import SEVERITIES, Report, severity_rank

if TYPE_CHECKING:  # pragma: no cover
    from .cache import Cache
    from .output import Renderer
    from .plugins import PluginManager

__all__ = ["main", "build_parser", "exit_status"]

USAGE_ERROR = 2


def build_parser(formats: Sequence[str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="convlint",
        description="Static architecture linter for convolutional networks (Keras and PyTorch): "
        "layer shapes, parameter counts and shape errors, without importing the code.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to check (default: .)")
    p.add_argument("--format", default="text", choices=sorted(formats), help="output format (default: text)")
    p.add_argument("--select", action="append", metavar="CODES", help="comma-separated codes or prefixes to enable (replaces the config's select)")
    p.add_argument("--extend-select", action="append", metavar="CODES", help="codes or prefixes to enable in addition")
    p.add_argument("--ignore", action="append", metavar="CODES", help="codes or prefixes to disable (added to the config's ignore)")
    p.add_argument("--fail-on", choices=SEVERITIES, help="lowest severity that makes the exit status 1 (default: error)")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when diagnostics are reported")
    p.add_argument("--summary", action="store_true", help="print a per-model layer table with MACs and memory (text format)")
    p.add_argument("--dtype", choices=list(DTYPES), help="element type memory figures assume (default: the config's, float32)")
    p.add_argument("--why", action="store_true", help="show every output size and parameter count as its formula, numbers filled in")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    p.add_argument("--statistics", action="store_true", help="print the number of diagnostics per code (text format)")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: the nearest pyproject.toml with [tool.convlint])")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: all cores; 1 = serial)")
    p.add_argument("--force-exclude", action="store_true", help="apply exclude also to files named explicitly (for pre-commit)")
    p.add_argument("--no-color", action="store_true", help="never colour the output")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the results cache")
    p.add_argument("--cache-dir", metavar="DIR", help="results cache directory (default: .convlint_cache beside the configuration)")
    p.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what remains")
    p.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, also apply fixes that change what a model computes")
    p.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them (exit 1 if there is one)")
    p.add_argument("--explain", metavar="CODE", help="print a rule's documentation and exit")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    return p


def _error(message: str) -> int:
    print(f"convlint: error: {message}", file=sys.stderr)
    return USAGE_ERROR


def exit_status(report: Report, fail_on: str, exit_zero: bool = False) -> int:
    if report.internal_error:
        return USAGE_ERROR
    if exit_zero:
        return 0
    threshold = severity_rank(fail_on)
    return 1 if any(severity_rank(d.severity) >= threshold for d in report.diagnostics) else 0


def _configure(args: argparse.Namespace, known: Collection[str]) -> Config:
    """The configuration file with the command line's options on top; every rule code named
    in either must be one of ``known`` (a :class:`ConfigError` otherwise)."""
    first = args.paths[0] if args.paths else "."
    config = load_config(args.config, start=first)
    check_config_codes(config, known)

    def codes(values: Sequence[str], option: str) -> Tuple[str, ...]:
        out = split_option_list(values, option)
        check_codes(out, known, option)
        return out

    changes: Dict[str, object] = {}
    if args.select:
        changes["select"] = codes(args.select, "--select")
    if args.extend_select:
        changes["extend_select"] = config.extend_select + codes(args.extend_select, "--extend-select")
    if args.ignore:
        changes["ignore"] = config.ignore + codes(args.ignore, "--ignore")
    if args.fail_on:
        changes["fail_on"] = args.fail_on
    if args.dtype:
        changes["dtype"] = args.dtype
    return config.with_options(**changes) if changes else config


def _explain(code: str, rules: Dict[str, type]) -> int:
    wanted = code.strip()
    for cls in rules.values():
        if wanted.upper() == cls.code or wanted == cls.name:
            sys.stdout.write(cls.documentation())
            return 0
    return _error(f"unknown rule '{code}'. Known rules: {', '.join(rules)}")


def _statistics(report: Report, rules: Dict[str, type]) -> str:
    counts = Counter(d.code for d in report.diagnostics)
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        name = getattr(rules.get(code), "name", "")
        lines.append(f"{n:>{width}}\t{code}\t{name}")
    return "\n".join(lines) + ("\n" if lines else "")


def _cache(args: argparse.Namespace, config: Config, pm: "PluginManager") -> "Cache":
    from .cache import CACHE_DIR, Cache, make_salt

    plugins = [f"{name}={plugin!r}" for name, plugin in pm.list_name_plugin()]
    plugins += [f"{name}=={version}" for name, version in pm.distributions]
    directory = args.cache_dir or os.path.join(config.root, CACHE_DIR)
    options = ["why"] if args.why else []  # outcomes with formulas are not those without
    return Cache(directory, make_salt(__version__, config, plugins, options))


def _skip_final_collections() -> None:
    """Once the interpreter exits, its last garbage collections walk every object still alive
    (libcst's node classes, the catalogue, the report): 48M of a one-file run's 1,377M
    instructions (callgrind).  Freezing the heap at exit (``atexit`` handlers run before those
    collections) skips that walk; the process is ending, so nothing is lost.  Registered once
    however often ``main`` runs."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def main(argv: Optional[Sequence[str]] = None, *, plugins: Sequence[object] = ()) -> int:
    """Run convlint; ``plugins`` are registered in addition to the installed ones (tests).
    ``convlint server`` starts the language server instead (see :mod:`convlint.lsp`)."""
    _skip_final_collections()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["server"]:
        from .lsp import main as serve

        return serve(args_list[1:])
    from .plugins import collect_formats, collect_rules, make_catalogue, make_plugin_manager

    try:
        pm = make_plugin_manager(plugins)
        rules = collect_rules(pm)
        formats = collect_formats(pm)
    except Exception as err:  # a broken plugin: say which, never a traceback
        return _error(f"cannot load plugins: {type(err).__name__}: {err}")
    parser = build_parser(list(formats))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2, message already printed)
        return int(exit_.code or 0)
    if args.version:
        others = sorted({f"{name} {version}" for name, version in pm.distributions if name != "convlint"})
        print(f"convlint {__version__}" + (f" (plugins: {', '.join(others)})" if others else ""))
        return 0
    if args.explain:
        return _explain(args.explain, rules)
    if args.jobs is not None and args.jobs < 1:
        return _error("--jobs must be at least 1")
    try:
        config = _configure(args, rules)
    except ConfigError as err:
        return _error(str(err))

    from .runner import Checker, run

    try:
        checker = Checker(config, rules, lambda: make_catalogue(pm), why=args.why)
        cache = None if args.no_cache else _cache(args, config, pm)
        report = run(args.paths or ["."], config, checker, jobs=args.jobs, force_exclude=args.force_exclude, cache=cache)
    except FileNotFoundError as err:
        return _error(f"no such file or directory: {err.args[0] if err.args else err}")
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # e.g. a plugin's layer specs failing to load: never a traceback
        return _error(f"internal error: {type(err).__name__}: {err}")
    if args.fix or args.diff:
        try:
            return _fix(args, config, checker, cache, report, formats, rules)
        except Exception as err:  # never a traceback
            return _error(f"internal error while fixing: {type(err).__name__}: {err}")
    return _render(args, config, report, formats, rules)


def _render(args: argparse.Namespace, config: Config, report: Report, formats: Dict[str, "Renderer"], rules: Dict[str, type], fixed: str = "") -> int:
    from .output import RenderContext

    color = args.format == "text" and not (args.no_color or args.output) and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    context = RenderContext(rules=rules, color=color, summary=args.summary, why=args.why, version=__version__)
    try:
        text = formats[args.format](report, context)
    except Exception as err:  # a broken (plugin) renderer
        return _error(f"the '{args.format}' format failed: {type(err).__name__}: {err}")
    if fixed and args.format == "text":
        text += fixed
    if args.statistics and args.format == "text":
        text += _statistics(report, rules)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as err:
            return _error(f"cannot write {args.output}: {err.strerror or err}")
    else:
        sys.stdout.write(text)
    if report.internal_error:
        print("convlint: internal errors occurred (see CL999 above); please report them", file=sys.stderr)
    return exit_status(report, config.fail_on, args.exit_zero)


def _fix(args: argparse.Namespace, config: Config, checker: Any, cache: Any, report: Report, formats: Dict[str, "Renderer"], rules: Dict[str, type]) -> int:
    """``--diff``: the patch on stdout, exit 1 when there is one.  ``--fix``: write the fixes,
    then analyse again and report what remains, with what was fixed."""
    from . import autofix
    from .runner import run

    fixes = autofix.fix_report(report.diagnostics, checker, unsafe=args.unsafe_fixes)
    changed = [f for f in fixes if f.changed]
    if args.diff:
        sys.stdout.write("".join(f.diff() for f in changed))
        n = sum(len(f.applied) for f in changed)
        print(f"Would fix {n} diagnostic{'' if n == 1 else 's'} in {len(changed)} file{'' if len(changed) == 1 else 's'}.", file=sys.stderr)
        return 1 if changed else 0
    autofix.write(changed)
    if changed:
        report = run(args.paths or ["."], config, checker, jobs=args.jobs, force_exclude=args.force_exclude, cache=cache)
    counts = autofix.counts(changed)
    total = sum(counts.values())
    detail = ", ".join(f"{code} x{n}" for code, n in sorted(counts.items()))
    line = f"Fixed {total} diagnostic{'' if total == 1 else 's'}" + (f" ({detail}) in {len(changed)} file{'' if len(changed) == 1 else 's'}" if total else "") + ".\n"
    if args.format != "text":
        sys.stderr.write(line)
    return _render(args, config, report, formats, rules, fixed=line)
