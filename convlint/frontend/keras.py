"""Keras front end (placeholder until the Keras front end lands)."""

from __future__ import annotations

from typing import Any, List, Tuple


def extract(module: Any, source: str, path: str, options: Any) -> Tuple[List[Any], List[Any]]:
    return [], []
