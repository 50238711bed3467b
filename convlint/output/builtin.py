"""The built-in output formats as a plugin.

Loaded through the ``convlint`` entry-point group (``builtin-formats`` in ``pyproject.toml``)
exactly as a third-party plugin's formats are, so ``--format`` knows no name the plugin
manager did not give it.
"""

from __future__ import annotations

from typing import Dict

from ..hookspecs import hookimpl
from . import FORMATS, Renderer


@hookimpl
def convlint_add_formats() -> Dict[str, Renderer]:
    return dict(FORMATS)
