"""Layer tables: one module per catalogue family, each exporting ``CASES`` and ``ERRORS``.

The same rows drive the engine tests, the executor tests and the Keras / PyTorch oracle tests.
"""

from __future__ import annotations

import importlib
from typing import List

from ._case import Case, ErrorCase, case, error

FAMILIES = ("conv", "pooling", "normalization", "core", "reshaping", "merging", "reducing", "preprocessing")


def _collect(attr: str) -> list:
    rows: list = []
    for family in FAMILIES:
        try:
            module = importlib.import_module(f"{__name__}.{family}")
        except ModuleNotFoundError:
            continue
        rows.extend(getattr(module, attr, []))
    return rows


def all_cases() -> List[Case]:
    return _collect("CASES")


def all_errors() -> List[ErrorCase]:
    return _collect("ERRORS")


__all__ = ["Case", "ErrorCase", "case", "error", "all_cases", "all_errors"]
