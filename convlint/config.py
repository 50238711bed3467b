"""``[tool.convlint]`` in ``pyproject.toml``: one table, read once, validated strictly.

The nearest ``pyproject.toml`` with a ``[tool.convlint]`` table, upward from the first path on
the command line, is the configuration (as ruff does it); ``--config FILE`` names one
explicitly.  There is no cascading: one file, one :class:`Config`.  Unknown keys, wrong
types, a file that cannot be read or decoded, and rule codes no installed rule has are a
:class:`ConfigError` (exit status 2), because a misspelt ``max-parms`` or ``select = ["CL1O7"]``
silently ignored turns every check off while CI stays green.  Rule codes are case-insensitive
everywhere (``cl107`` is ``CL107``), in the file as on the command line.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Collection, Dict, Iterable, Mapping, Optional, Sequence, Tuple

from .budgets import BUDGETS, BudgetError, parse_amount
from .diagnostics import SEVERITIES
from .files import read_regular

__all__ = [
    "Config",
    "ConfigError",
    "DTYPES",
    "find_config",
    "load_config",
    "parse_config",
    "code_matches",
    "parse_codes",
    "check_codes",
    "check_config_codes",
]

DTYPES: Dict[str, int] = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int8": 1, "uint8": 1}
"""The element types ``dtype`` / ``--dtype`` accept, and their size in bytes (for the memory
figures: activations and parameters are counted as this type)."""


class ConfigError(Exception):
    """A configuration file or option that cannot be used; the CLI prints it and exits 2."""


@dataclass(frozen=True)
class Config:
    """Everything a run is configured with.  Keys mirror ``[tool.convlint]`` (kebab -> snake).

    ``root`` is the directory of the configuration file (or the current directory): ``exclude``
    globs and ``input-shapes`` paths are relative to it.
    """

    select: Tuple[str, ...] = ()
    """Codes or prefixes to enable; empty means every rule."""
    ignore: Tuple[str, ...] = ()
    extend_select: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()
    per_rule_severity: Mapping[str, str] = field(default_factory=dict)
    max_params: Optional[int] = None
    max_layer_params: Optional[int] = None
    max_macs: Optional[int] = None
    max_activation_bytes: Optional[int] = None
    """A budget on the peak activation memory (see :mod:`convlint.cost`)."""
    max_model_bytes: Optional[int] = None
    """A budget on the parameter memory: parameters times the ``dtype`` size."""
    dtype: str = "float32"
    """The element type memory figures assume (a key of :data:`DTYPES`)."""
    dominant_layer_share: float = 0.5
    fail_on: str = "error"
    input_shapes: Mapping[str, Tuple[Any, ...]] = field(default_factory=dict)
    root: str = "."
    source: Optional[str] = None
    """The file the configuration came from, for messages."""

    def enabled(self, code: str) -> bool:
        """Is ``code`` selected?  The most specific matching prefix wins (``--select CL1
        --ignore CL103`` keeps CL101 and drops CL103; ``--ignore CL1 --select CL103`` keeps CL103)."""
        selected = max((_specificity(p) for p in self.select + self.extend_select if code_matches(code, p)), default=-1)
        if not self.select:
            selected = max(selected, 0)
        ignored = max((_specificity(p) for p in self.ignore if code_matches(code, p)), default=-1)
        return selected >= 0 and selected > ignored

    def severity_of(self, code: str, default: str) -> str:
        """The severity ``per-rule-severity`` gives ``code`` (longest matching prefix), else ``default``."""
        best = -1
        out = default
        for prefix, severity in self.per_rule_severity.items():
            if code_matches(code, prefix) and _specificity(prefix) > best:
                best, out = _specificity(prefix), severity
        return out

    @property
    def dtype_bytes(self) -> int:
        return DTYPES[self.dtype]

    def budget(self, key: str) -> Optional[int]:
        """The configured budget ``key`` (``"max-macs"``), or ``None`` when unset."""
        return getattr(self, key.replace("-", "_"))

    def with_options(self, **changes: Any) -> "Config":
        return replace(self, **changes)


def _specificity(prefix: str) -> int:
    """How specific a selection is: the prefix length; ``ALL`` is the least specific of all
    (``--select ALL --ignore CL3`` drops CL3, as in ruff)."""
    return 0 if prefix == "ALL" else len(prefix)


def code_matches(code: str, prefix: str) -> bool:
    """``CL1`` matches ``CL101``; ``ALL`` matches everything."""
    return prefix == "ALL" or code.startswith(prefix)


# -- reading --------------------------------------------------------------------------------

def _toml_loads(text: str) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.9/3.10 only
        import tomli as tomllib
    return tomllib.loads(text)


def _read_bytes(path: str) -> bytes:
    """A configuration file's bytes; a :class:`ConfigError` naming it when it cannot be read."""
    try:
        return read_regular(path)  # `--config /dev/zero` or a FIFO must not hang the run
    except OSError as err:
        raise ConfigError(f"cannot read the configuration file {path}: {err.strerror or err}") from None


def _parse_toml(path: str, data: bytes) -> Dict[str, Any]:
    try:
        text = data.decode("utf-8")  # TOML is UTF-8 by definition, as tomllib.load reads it
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{path} is not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "a TOML file must be UTF-8"
        ) from None
    try:
        return _toml_loads(text)
    except Exception as err:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{path} is not valid TOML: {err}") from None


def _read_toml(path: str) -> Dict[str, Any]:
    return _parse_toml(path, _read_bytes(path))


def _tool_table(data: Mapping[str, Any]) -> Any:
    tool = data.get("tool")
    return tool.get("convlint") if isinstance(tool, dict) else None


def find_config(start: str) -> Optional[str]:
    """The nearest ``pyproject.toml`` with a ``[tool.convlint]`` table at or above ``start``.

    A ``pyproject.toml`` on the way that cannot be read is an error, not a file to pass over:
    it may hold the configuration, and running without it would silently check other rules."""
    found = _find_config(start)
    return None if found is None else found[0]


def _find_config(start: str) -> Optional[Tuple[str, Dict[str, Any]]]:
    """:func:`find_config`'s file and its parsed contents (read and parsed once)."""
    here = os.path.abspath(start)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate):
            data = _read_bytes(candidate)
            # A cheap byte test first: most pyproject.toml files have no convlint table.
            if b"tool.convlint" in data:
                parsed = _parse_toml(candidate, data)
                if _tool_table(parsed) is not None:
                    return candidate, parsed
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def load_config(path: Optional[str] = None, start: str = ".") -> Config:
    """The configuration from ``path`` (``--config``), or found upward from ``start``."""
    if path is None:
        found = _find_config(start)
        if found is None:
            return Config(root=os.path.abspath("."))
        path, data = found
    else:
        data = _read_toml(path)
    if os.path.basename(path) == "pyproject.toml" or "tool" in data:
        table = _tool_table(data)
        table = {} if table is None else table
    else:  # a standalone convlint.toml holds the keys at top level
        table = data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.convlint] must be a table")
    return parse_config(table, root=os.path.dirname(os.path.abspath(path)), source=path)


# -- validation -----------------------------------------------------------------------------

def _code(text: str, where: str) -> str:
    """One rule code or prefix, upper-cased (codes are case-insensitive everywhere)."""
    code = text.strip().upper()
    if not (code == "ALL" or (code[:1].isalpha() and code.isascii() and code.isalnum())):
        raise ConfigError(f"{where}: '{text}' is not a rule code or prefix (e.g. CL1, CL101)")
    return code


def _codes(key: str, value: Any, where: str) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of rule codes or prefixes, e.g. [\"CL1\", \"CL301\"]. Received: {value!r}")
    return tuple(_code(v, f"{where} '{key}'") for v in value)


def _globs(key: str, value: Any, where: str) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of glob patterns. Received: {value!r}")
    return tuple(value)


def _budget(key: str, value: Any, where: str) -> int:
    try:
        return parse_amount(value, BUDGETS[key])
    except BudgetError as err:
        raise ConfigError(f"{where}: '{key}' {err}") from None


def _dtype(key: str, value: Any, where: str) -> str:
    if value not in DTYPES:
        raise ConfigError(f"{where}: '{key}' must be one of {', '.join(DTYPES)}. Received: {value!r}")
    return value


def _share(key: str, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ConfigError(f"{where}: '{key}' must be a number in (0, 1], e.g. 0.5. Received: {value!r}")
    return float(value)


def _severity(key: str, value: Any, where: str) -> str:
    if value not in SEVERITIES:
        raise ConfigError(f"{where}: '{key}' must be one of {', '.join(SEVERITIES)}. Received: {value!r}")
    return value


def _severities(key: str, value: Any, where: str) -> Dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: '{key}' must be a table of code = severity, e.g. {{\"CL301\" = \"error\"}}. Received: {value!r}")
    return {_code(code, f"{where} '{key}'"): _severity(f"{key}.{code}", sev, where) for code, sev in value.items()}


def _shapes(key: str, value: Any, where: str) -> Dict[str, Tuple[Any, ...]]:
    from .dims import sym

    if not isinstance(value, dict):
        raise ConfigError(f"{where}: '{key}' must be a table of \"path.py::Model\" = [dims], e.g. {{\"net.py::Net\" = [3, 32, 32]}}. Received: {value!r}")
    out: Dict[str, Tuple[Any, ...]] = {}
    for name, dims in value.items():
        ok = isinstance(dims, list) and all(
            (isinstance(d, int) and not isinstance(d, bool) and d > 0) or (isinstance(d, str) and d.isidentifier())
            for d in dims
        )
        if not ok:
            raise ConfigError(
                f"{where}: '{key}.\"{name}\"' must be a list of positive integers or symbol names "
                f"(the shape without the batch dim), e.g. [3, 32, 32] or [3, \"H\", \"W\"]. Received: {dims!r}"
            )
        out[name] = tuple(sym(d) if isinstance(d, str) else d for d in dims)
    return out


_KEYS: Dict[str, Tuple[str, Callable[[str, Any, str], Any]]] = {
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "extend-select": ("extend_select", _codes),
    "exclude": ("exclude", _globs),
    "per-rule-severity": ("per_rule_severity", _severities),
    **{key: (key.replace("-", "_"), _budget) for key in BUDGETS},
    "dtype": ("dtype", _dtype),
    "dominant-layer-share": ("dominant_layer_share", _share),
    "fail-on": ("fail_on", _severity),
    "input-shapes": ("input_shapes", _shapes),
}


def parse_config(table: Mapping[str, Any], root: str = ".", source: Optional[str] = None) -> Config:
    """Validate a ``[tool.convlint]`` table into a :class:`Config`."""
    where = f"{source} [tool.convlint]" if source else "[tool.convlint]"
    values: Dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            hint = ""
            close = [k for k in _KEYS if k.replace("-", "") == key.replace("_", "").replace("-", "")]
            if close:
                hint = f" (did you mean '{close[0]}'?)"
            raise ConfigError(f"{where}: unknown key '{key}'{hint}. Known keys: {', '.join(sorted(_KEYS))}")
        attr, check = _KEYS[key]
        values[attr] = check(key, value, where)
    return Config(root=os.path.abspath(root), source=source, **values)


def parse_codes(option: str, value: str) -> Tuple[str, ...]:
    """A comma-separated ``--select`` / ``--ignore`` value, upper-cased."""
    return tuple(_code(c, option) for c in value.split(",") if c.strip())


def split_option_list(values: Optional[Sequence[str]], option: str) -> Tuple[str, ...]:
    out: Tuple[str, ...] = ()
    for v in values or ():
        out += parse_codes(option, v)
    return out


# -- codes against the installed rules ------------------------------------------------------

def check_codes(codes: Iterable[str], known: Collection[str], where: str) -> None:
    """Raise :class:`ConfigError` for a code or prefix that no rule in ``known`` has.

    A prefix is fine when some rule's code starts with it (``CL1``, ``CL``); ``ALL`` always
    is.  An unknown one would select or ignore nothing, silently (ruff refuses it too)."""
    for code in codes:
        if code == "ALL" or any(k.startswith(code) for k in known):
            continue
        import difflib

        close = difflib.get_close_matches(code, sorted(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(f"{where}: unknown rule code {code}{hint}")


def check_config_codes(config: Config, known: Collection[str]) -> None:
    """Every code the configuration file names must belong to an installed rule."""
    where = f"{config.source} [tool.convlint]" if config.source else "[tool.convlint]"
    for key, codes in (
        ("select", config.select),
        ("ignore", config.ignore),
        ("extend-select", config.extend_select),
        ("per-rule-severity", tuple(config.per_rule_severity)),
    ):
        check_codes(codes, known, f"{where} '{key}'")
