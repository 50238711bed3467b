"""Keywords a layer class does not take (``Conv2D(stride=2)``), against the real frameworks.

The table convlint checks with (``convlint/layers/keywords.py``) is generated from the installed
Keras and PyTorch by ``scripts/keywords.py``; here it is generated again and must be the same,
and each misspelling below must raise in the framework and be a CL107 error in convlint, with
the suggestion the message gives.
"""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import pytest

from convlint.config import Config
from convlint.plugins import collect_rules, make_catalogue, make_plugin_manager
from convlint.runner import Checker

pytestmark = pytest.mark.oracle
ROOT = Path(__file__).resolve().parent.parent


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("keywords_script", ROOT / "scripts" / "keywords.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_is_what_the_frameworks_say() -> None:
    pytest.importorskip("keras")
    pytest.importorskip("torch")
    script = _script()
    assert (ROOT / "convlint" / "layers" / "keywords.py").read_text() == script.render(script.table())


MISTAKES = [
    # (framework, class, args, kwargs, suggestion)
    ("keras", "Conv2D", (8, 3), {"stride": 2}, "strides"),
    ("keras", "Conv2D", (8, 3), {"kernal_initializer": "zeros"}, "kernel_initializer"),
    ("keras", "Dense", (8,), {"use_bais": False}, "use_bias"),
    ("keras", "MaxPooling2D", (), {"pool": 2}, None),
    ("keras", "BatchNormalization", (), {"eps": 1e-3}, None),
    ("torch", "Conv2d", (3, 8, 3), {"strides": 2}, "stride"),
    ("torch", "Conv2d", (3, 8, 3), {"padding_mode": "zeros", "dilations": 2}, "dilation"),
    ("torch", "Linear", (4, 2), {"use_bias": False}, None),
    ("torch", "MaxPool2d", (2,), {"pool_size": 2}, None),
    ("torch", "BatchNorm2d", (8,), {"epsilon": 1e-3}, None),
]


def _real(framework: str, name: str, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Optional[Exception]:
    if framework == "keras":
        import keras

        factory = getattr(keras.layers, name)
    else:
        import torch

        factory = getattr(torch.nn, name)
    try:
        factory(*args, **kwargs)
    except (TypeError, ValueError) as err:
        return err
    return None


def _source(framework: str, name: str, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> str:
    call = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
    if framework == "keras":
        return textwrap.dedent(f"""\
            import keras
            from keras import layers

            model = keras.Sequential([keras.Input(shape=(16, 16, 4)), layers.{name}({call})])
            """)
    return textwrap.dedent(f"""\
        import torch.nn as nn

        model = nn.Sequential(nn.{name}({call}))
        """)


@pytest.mark.parametrize("framework, name, args, kwargs, suggestion", MISTAKES, ids=[f"{m[0]}-{m[1]}-{next(iter(m[3]))}" for m in MISTAKES])
def test_a_keyword_the_class_does_not_take(framework: str, name: str, args: tuple, kwargs: dict, suggestion: Optional[str]) -> None:
    pytest.importorskip(framework)
    error = _real(framework, name, args, kwargs)
    assert error is not None, f"{framework} {name}(**{kwargs}) does not raise"
    wrong = [k for k in kwargs if k in str(error)]
    pm = make_plugin_manager(())
    checker = Checker(Config(root=str(ROOT)), collect_rules(pm), make_catalogue(pm), fixes=False)
    found = [d for d in checker.check_source("m.py", _source(framework, name, args, kwargs)).diagnostics if d.code == "CL107"]
    assert len(found) == 1, found
    assert f"'{wrong[0]}'" in found[0].message  # the keyword the framework names
    assert (f"did you mean '{suggestion}'" in found[0].message) if suggestion else ("did you mean" not in found[0].message)
