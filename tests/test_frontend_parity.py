"""One interpreter for both frameworks: every Python pattern resolves in Keras and PyTorch code.

Each case is a piece of ordinary Python that computes a layer's width; it is written once into
a Keras model and once into a PyTorch model, and both must give the conv layer that width.  A
pattern that works for one framework only is a bug in the shared interpreter.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Tuple

import pytest

from convlint.engine import analyze
from convlint.frontend import FrontendOptions, analyze_source

PATTERNS = [
    pytest.param("def width(k):\n    return 4 * k\n", "width(4)", 16, id="helper-function"),
    pytest.param("def outer(k):\n    def inner(x):\n        return x * k\n    return inner\n", "outer(2)(5)", 10, id="closure"),
    pytest.param("sizes = []\nfor i in range(3):\n    sizes.append(2 ** i)\n", "sum(sizes) * 2", 14, id="loop-and-list"),
    pytest.param("class C:\n    expansion = 4\n", "C.expansion * 4", 16, id="class-attribute"),
    pytest.param("class B:\n    def __init__(self):\n        self.w = self.__f()\n    def __f(self):\n        return 9\n",
                 "B().w", 9, id="name-mangled-method"),
    pytest.param("class P:\n    def __init__(self, w):\n        self._w = w\n    @property\n    def w(self):\n        return self._w * 2\n",
                 "P(3).w", 6, id="property"),
    pytest.param("class A:\n    def __init__(self, w):\n        self.w = w\nclass D(A):\n    def __init__(self):\n        super().__init__(11)\n",
                 "D().w", 11, id="super-init"),
    pytest.param("cfg = {'w': 12, 'k': 3}\n", "cfg['w']", 12, id="dict-config"),
    pytest.param("cfg = dict(w=12)\ncfg.update(w=13)\n", "cfg.get('w', 1)", 13, id="dict-methods"),
    pytest.param("from dataclasses import dataclass\n@dataclass\nclass Cfg:\n    w: int = 10\n", "Cfg().w", 10, id="dataclass"),
    pytest.param("from typing import NamedTuple\nclass Cfg(NamedTuple):\n    w: int\n    k: int = 3\n", "Cfg(7).w", 7, id="namedtuple"),
    pytest.param("from types import SimpleNamespace\ncfg = SimpleNamespace(w=5)\n", "cfg.w", 5, id="simple-namespace"),
    pytest.param("import argparse\np = argparse.ArgumentParser()\np.add_argument('--nf', type=int, default=24)\nopt = p.parse_args()\n",
                 "opt.nf", 24, id="argparse-default"),
    pytest.param("import argparse\np = argparse.ArgumentParser()\np.add_argument('--nf', type=int, default=24)\nargs = vars(p.parse_args())\n",
                 "args['nf']", 24, id="argparse-vars"),
    pytest.param("import functools\ndef f(a, b):\n    return a * b\ng = functools.partial(f, b=3)\n", "g(5)", 15, id="partial"),
    pytest.param("class H:\n    pass\nh = H()\nfor i in range(2):\n    setattr(h, f'w{i}', 7 + i)\n", "getattr(h, 'w1')", 8, id="setattr-fstring"),
    pytest.param("k = 3\n", "k * 2 if isinstance(k, int) else 0", 6, id="isinstance"),
    pytest.param("k = (3, 3)\n", "2 if isinstance(k, tuple) else 1", 2, id="isinstance-tuple"),
    pytest.param("class C:\n    pass\nc = C()\n", "4 if c.__class__ == C else 1", 4, id="class-identity"),
    pytest.param("import math\n", "math.ceil(10 / 4) * 2", 6, id="math"),
    pytest.param("", "int(32 * 0.25)", 8, id="int-of-float"),
    pytest.param("def make_divisible(v, d=8):\n    new = max(d, int(v + d / 2) // d * d)\n    if new < 0.9 * v:\n        new += d\n    return new\n",
                 "make_divisible(30)", 32, id="make-divisible"),
    pytest.param("from typing import cast\n", "cast(int, 5)", 5, id="typing-cast"),
    pytest.param("", "1 << 3", 8, id="shift"),
    pytest.param("names = {f'stage{i}': 4 * (i + 1) for i in range(3)}\n", "names['stage2']", 12, id="dict-comprehension"),
    pytest.param("w = None\nw = w or 6\n", "w", 6, id="or-default"),
    pytest.param("w = None\nif w is None:\n    w = 9\n", "w", 9, id="is-none-default"),
    pytest.param("widths = [4, 8, 16]\n", "list(map(lambda x: x * 2, widths))[1]", 16, id="map-lambda"),
]


def keras_source(prelude: str, expr: str) -> str:
    return f"import keras\n{prelude}model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D({expr}, 3)])\n"


def torch_source(prelude: str, expr: str) -> str:
    return f"import torch\nimport torch.nn as nn\n{prelude}model = nn.Sequential(nn.Conv2d(3, {expr}, 3))\nmodel(torch.randn(1, 3, 8, 8))\n"


def conv_channels(source: str, path: str = "m.py") -> Tuple[Any, Any]:
    result = analyze_source(source, path, FrontendOptions())
    assert result.models, [n.message for n in result.notes]
    shaped = analyze(result.models[0])
    conv = next(r for r in shaped.layers if r.node.type.startswith("Conv"))
    shape = conv.output_shape
    return (shape[-1] if shape and result.models[0].framework == "keras" else shape[1] if shape else None), result.notes


@pytest.mark.parametrize("prelude, expr, expected", PATTERNS)
@pytest.mark.parametrize("framework", ["keras", "torch"])
def test_pattern_resolves_in_both_frameworks(framework: str, prelude: str, expr: str, expected: int) -> None:
    make = keras_source if framework == "keras" else torch_source
    channels, notes = conv_channels(make(prelude, expr))
    assert channels == expected, [n.message for n in notes]
    assert not [n for n in notes if n.kind in ("unresolved", "unsupported")], [n.message for n in notes]


BLOCKS = {
    "pkg/__init__.py": "",
    "pkg/config.py": "WIDTH = 12\n",
    "pkg/blocks.py": "from .config import WIDTH\n\ndef double(x):\n    return 2 * x\n\nclass Spec:\n    expansion = 2\n",
    "pkg/net.py": "{imports}\nfrom .blocks import double, Spec\nfrom . import config\n{model}\n",
}


@pytest.mark.parametrize("framework", ["keras", "torch"])
def test_project_modules_are_read_not_imported(tmp_path: Path, framework: str) -> None:
    """``from .blocks import double`` and ``from . import config``: read from disk."""
    for name, text in BLOCKS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    expr = "double(config.WIDTH) * Spec.expansion"
    source = (keras_source if framework == "keras" else torch_source)("from .blocks import double, Spec\nfrom . import config\n", expr)
    path = tmp_path / "pkg" / "net.py"
    path.write_text(source)
    channels, notes = conv_channels(source, str(path))
    assert channels == 48, [n.message for n in notes]


@pytest.mark.parametrize("framework", ["keras", "torch"])
def test_a_missing_project_module_stays_unknown_with_a_note(tmp_path: Path, framework: str) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    source = (keras_source if framework == "keras" else torch_source)("from .nowhere import WIDTH\n", "WIDTH")
    path = tmp_path / "pkg" / "net.py"
    path.write_text(source)
    channels, notes = conv_channels(source, str(path))
    assert channels is None
    result = analyze_source(source, str(path), FrontendOptions())
    messages = [n.message for n in notes] + [f.message for f in analyze(result.models[0]).findings]
    assert any("nowhere" in m for m in messages), messages  # the engine's CL906 quotes the reason


@pytest.mark.parametrize("framework", ["keras", "torch"])
def test_argparse_default_is_said(framework: str) -> None:
    prelude = "import argparse\np = argparse.ArgumentParser()\np.add_argument('--nf', type=int, default=24)\nopt = p.parse_args()\n"
    _, notes = conv_channels((keras_source if framework == "keras" else torch_source)(prelude, "opt.nf"))
    assumed = [n for n in notes if n.kind == "assumed"]
    assert len(assumed) == 1 and "nf=24" in assumed[0].message


def test_layer_classes_as_values_in_both_frameworks() -> None:
    """``norm_layer = norm_layer or nn.BatchNorm2d`` and layer classes held in dicts."""
    keras_src = textwrap.dedent(
        """\
        import functools
        import keras
        def block(x, norm=None, act=None):
            norm = norm or keras.layers.BatchNormalization
            acts = {"relu": keras.layers.ReLU}
            x = keras.layers.Conv2D(4, 3)(x)
            x = norm(epsilon=1e-3)(x)
            return acts[act or "relu"]()(x)
        inp = keras.Input((8, 8, 3))
        model = keras.Model(inp, block(inp, norm=functools.partial(keras.layers.BatchNormalization, momentum=0.9)))
        """
    )
    torch_src = textwrap.dedent(
        """\
        import functools
        import torch
        import torch.nn as nn
        class Block(nn.Module):
            def __init__(self, norm_layer=None, act="relu"):
                super().__init__()
                if norm_layer is None:
                    norm_layer = nn.BatchNorm2d
                acts = {"relu": nn.ReLU}
                self.conv = nn.Conv2d(3, 4, 3)
                self.bn = norm_layer(4)
                self.act = acts[act]()
            def forward(self, x):
                return self.act(self.bn(self.conv(x)))
        Block(norm_layer=functools.partial(nn.BatchNorm2d, eps=1e-3))(torch.randn(1, 3, 8, 8))
        """
    )
    for source, norm in ((keras_src, "BatchNormalization"), (torch_src, "BatchNorm2d")):
        result = analyze_source(source, "m.py", FrontendOptions())
        shaped = analyze(result.models[0])
        types = [r.node.type for r in shaped.layers]
        assert norm in types and ("ReLU" in types), types
        assert all(r.output_shape is not None for r in shaped.layers), [(r.node.id, r.output_shape) for r in shaped.layers]
        assert not [n for n in result.notes if n.kind in ("unresolved", "unsupported")], [n.message for n in result.notes]


def test_an_import_cycle_between_project_modules_ends(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from .b import W\n")
    (tmp_path / "pkg" / "b.py").write_text("from .a import W\n")
    source = torch_source("from .a import W\n", "W")
    path = tmp_path / "pkg" / "net.py"
    path.write_text(source)
    channels, _ = conv_channels(source, str(path))
    assert channels is None  # unknown, and the run ends
