"""The framework-neutral interpreter (convlint.frontend.python): names, values, positions."""

from __future__ import annotations

import textwrap
from typing import Any

import libcst as cst
import pytest

from convlint.dims import sym
from convlint.frontend.python.imports import ImportTable, qualified_name
from convlint.frontend.python.interp import Interpreter
from convlint.frontend.python.modules import ModuleInfo
from convlint.frontend.python.positions import Positions
from convlint.frontend.python.semantics import Semantics
from convlint.frontend.python.syntax import source_text, statements, walk
from convlint.frontend.python.values import FreeParam, FuncVal, Undecided
from convlint.graph import Span, Unknown

IMPORTS = """
import keras
import tensorflow as tf
import keras.layers as L
import torch.nn.functional
from tensorflow import keras as tfk
from keras.layers import Conv2D as C, Dense
from keras.layers.convolutional import Convolution2D
from . import sibling
from .pkg import thing
from numpy import *
def f():
    from torch import nn
try:
    import tf_keras
except ImportError:
    pass
Lay = tf.keras.layers
Conv = L.Conv2D
"""


@pytest.fixture(scope="module")
def table() -> ImportTable:
    return ImportTable.from_module(cst.parse_module(IMPORTS))


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("keras.layers.Conv2D", "keras.layers.Conv2D"),
        ("tf.keras.layers.Dense", "tensorflow.keras.layers.Dense"),
        ("L.MaxPool2D", "keras.layers.MaxPool2D"),
        ("torch.nn.functional.relu", "torch.nn.functional.relu"),
        ("tfk.Sequential", "tensorflow.keras.Sequential"),
        ("C", "keras.layers.Conv2D"),
        ("Dense", "keras.layers.Dense"),
        ("Convolution2D", "keras.layers.convolutional.Convolution2D"),
        ("nn.Conv2d", "torch.nn.Conv2d"),  # import inside a function counts
        ("tf_keras.layers.Conv2D", "tf_keras.layers.Conv2D"),  # import inside try
        ("Lay.Conv2D", "tensorflow.keras.layers.Conv2D"),  # module-level alias
        ("Conv", "keras.layers.Conv2D"),
        ("sibling.Net", None),  # relative imports are the project's own modules
        ("thing", None),
        ("model.add", None),  # a local variable
        ("foo().bar", None),
    ],
)
def test_qualified_name(table: ImportTable, expr: str, expected: Any) -> None:
    assert qualified_name(cst.parse_expression(expr), table) == expected


def test_star_imports_are_listed(table: ImportTable) -> None:
    assert table.star == ["numpy"]


def run(source: str, path: str = "m.py") -> Interpreter:
    source = textwrap.dedent(source)
    info = ModuleInfo.parse("__main__", path, source, cst.parse_module(source))
    ip = Interpreter(info, Semantics())
    ip.run_module()
    return ip


def value(ip: Interpreter, name: str) -> Any:
    return ip.globals.vars[name]


MODULE = """
import math
IMG = 28
CHANNELS = 3
SHAPE = (IMG, IMG, CHANNELS)
HALF = IMG // 2
AREA = IMG * IMG
NEG = -IMG + 1
POW = 2 ** 5
MOD = 29 % 8
RATIO = IMG / 4
SHIFT = 1 << 4
PAIR = [16, 32] + [64]
WIDE = SHAPE[:2] + (CHANNELS * 2,)
CFG = {"filters": 64, "sizes": (3, 5)}
F = CFG["filters"]
K = CFG["sizes"][-1]
a, (b, c) = 1, (2, 3)
first, *rest = [1, 2, 3]
acc = 10
acc += 5
acc //= 2
ann: int = 7
BIG = max(IMG, 64)
N = len(PAIR)
COND = 1 if IMG > 20 else 2
S = "same" if True else "valid"
STR = "conv" + "_1"
PCT = "block_%d_%s" % (IMG, "bn")
FSTR = f"conv{IMG}_{STR}"
FMT = f"{CHANNELS:03d}"
FORMAT = "stage{}".format(2)
CEIL = math.ceil(IMG / 3)
INT = int(CHANNELS * 0.5)
DIVISIBLE = max(8, int(IMG + 8 / 2) // 8 * 8)
SQUARES = {k: k * k for k in range(3)}
if IMG:
    BRANCHED = 5
if undecidable():
    MAYBE = 1
UNK = some_function(3)
DERIVED = UNK * 2
"""


@pytest.fixture(scope="module")
def module() -> Interpreter:
    return run(MODULE)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("SHAPE", (28, 28, 3)),
        ("HALF", 14),
        ("AREA", 784),
        ("NEG", -27),
        ("POW", 32),
        ("MOD", 5),
        ("RATIO", 7.0),
        ("SHIFT", 16),
        ("PAIR", [16, 32, 64]),
        ("WIDE", (28, 28, 6)),
        ("F", 64),
        ("K", 5),
        ("a", 1),
        ("c", 3),
        ("rest", [2, 3]),
        ("acc", 7),
        ("ann", 7),
        ("BIG", 64),
        ("N", 3),
        ("COND", 1),
        ("S", "same"),
        ("STR", "conv_1"),
        ("PCT", "block_28_bn"),
        ("FSTR", "conv28_conv_1"),
        ("FMT", "003"),
        ("FORMAT", "stage2"),
        ("CEIL", 10),
        ("INT", 1),
        ("DIVISIBLE", 32),
        ("SQUARES", {0: 0, 1: 1, 2: 4}),
        ("BRANCHED", 5),  # the condition is known, so the branch is taken
    ],
)
def test_module_constants(module: Interpreter, name: str, expected: Any) -> None:
    got = value(module, name)
    assert got == expected and type(got) is type(expected)


def test_unfoldable_values_say_why(module: Interpreter) -> None:
    assert value(module, "UNK") == Unknown("some_function(3) is not a constant")
    assert value(module, "DERIVED") == Unknown("some_function(3) is not a constant")
    maybe = value(module, "MAYBE")
    assert isinstance(maybe, Undecided) and "undecidable()" in maybe.reason


@pytest.mark.parametrize(
    "expr", ["IMG / 0", "IMG // 0", "SHAPE[7]", "CFG['nope']", "IMG.shape", "2 ** 1000", "x.size(0)", "UNK < 3"]
)
def test_errors_fold_to_unknown(module: Interpreter, expr: str) -> None:
    assert isinstance(module.eval(cst.parse_expression(expr), module.globals), Unknown)


def test_builtins_are_not_used_when_shadowed() -> None:
    ip = run("def max(a, b):\n    return 0\nX = max(3, 4)\n")
    assert value(ip, "X") == 0


def test_symbolic_arithmetic() -> None:
    ip = run("")
    ip.globals.vars["h"] = sym("H")
    ev = lambda text: ip.eval(cst.parse_expression(text), ip.globals)  # noqa: E731
    assert ev("(h - 2) // 2 + 1") == (sym("H") - 2) // 2 + 1
    assert ev("h * h") == sym("H") * sym("H")
    assert ev("h << 1") == sym("H") * 2
    assert ev("int(h)") == sym("H")
    assert isinstance(ev("h / 2"), Unknown)
    assert isinstance(ev("h % 2"), Unknown)


FUNC = """
BASE = 16
def build(input_shape=(BASE, BASE, 3), num_classes=10, *extra, dropout, width=BASE * 2, **options):
    return input_shape, num_classes, extra, dropout, width, options
DEFAULTS = build(dropout=0.1)
GIVEN = build((32, 32, 1), 5, "x", dropout=0.5, width=8, extra_kw=1)
FREE = build()
"""


def test_one_binder_for_arguments_defaults_and_free_params() -> None:
    ip = run(FUNC)
    assert value(ip, "DEFAULTS") == ((16, 16, 3), 10, (), 0.1, 32, {})
    assert value(ip, "GIVEN") == ((32, 32, 1), 5, ("x",), 0.5, 8, {"extra_kw": 1})
    free = value(ip, "FREE")[3]
    assert isinstance(free, FreeParam) and free.name == "dropout"


def test_unexpandable_star_arguments_make_parameters_unknown_not_missing() -> None:
    ip = run("def f(a, b=2, *, c):\n    return a, b, c\nX = f(*rest)\n")
    a, b, c = value(ip, "X")
    assert all(isinstance(v, Unknown) and not isinstance(v, FreeParam) for v in (a, b, c))
    assert a.reason == "*rest is not a constant"


CLASSES = """
import functools
from dataclasses import dataclass
from typing import NamedTuple, Optional

class Base:
    expansion = 1
    def __init__(self, width: Optional[int] = None):
        self.width = width or 8
    @property
    def double(self):
        return self.width * 2
    @staticmethod
    def helper(x):
        return x + 1
    @classmethod
    def make(cls, w):
        return cls(w)

class Bottleneck(Base):
    expansion = 4
    def __init__(self, width):
        super().__init__(width * self.expansion)
        self.__private = self.__scale(2)
    def __scale(self, k):
        return k * 10

@dataclass
class Cfg:
    filters: int = 32
    layers: int = 3

class Block(NamedTuple):
    kernel: int
    stride: int = 1

b = Bottleneck(16)
W = b.width
D = b.double
H = Base.helper(1)
M = Base.make(5).width
P = b._Bottleneck__private if False else 20
E = Bottleneck.expansion
IS = isinstance(b, Base)
NOT = isinstance(b, Cfg)
SAME = b.__class__ == Bottleneck
TYPE = type(4) is int
CFG = Cfg(layers=5)
F = CFG.filters + CFG.layers
BLK = Block(3)
K = BLK.kernel * 10 + BLK.stride
PART = functools.partial(Base, width=3)
PW = PART().width
NAMES = [f"stage{i}" for i in range(2)]
class Holder:
    pass
h = Holder()
for i, n in enumerate(NAMES):
    setattr(h, n, i * 10)
G = getattr(h, "stage1")
MISSING = getattr(h, "stage9", 99)
CALLABLE = callable(Base)
"""


@pytest.mark.parametrize(
    "name, expected",
    [
        ("W", 64), ("D", 128), ("H", 2), ("M", 5), ("P", 20), ("E", 4), ("IS", True), ("NOT", False),
        ("SAME", True), ("TYPE", True), ("F", 37), ("K", 31), ("PW", 3), ("G", 10), ("MISSING", 99),
        ("CALLABLE", True),
    ],
)
def test_classes_records_partials_and_dynamic_attributes(name: str, expected: Any) -> None:
    ip = run(CLASSES)
    assert value(ip, name) == expected


def test_closures_see_their_defining_scope() -> None:
    ip = run(
        """
        def outer(k):
            def inner(x):
                return x * k
            return inner
        X = outer(3)(5)
        """
    )
    assert value(ip, "X") == 15


def test_argparse_defaults_are_used_and_said() -> None:
    ip = run(
        """
        import argparse
        parser = argparse.ArgumentParser()
        parser.add_argument("--nz", type=int, default=100)
        parser.add_argument("--image-size", default="64", type=int)
        parser.add_argument("--cuda", action="store_true")
        opt = parser.parse_args()
        NZ, SIZE, CUDA = opt.nz, opt.image_size, opt.cuda
        ARGS = vars(parser.parse_args())
        """
    )
    assert (value(ip, "NZ"), value(ip, "SIZE"), value(ip, "CUDA")) == (100, 64, False)
    assert value(ip, "ARGS")["nz"] == 100
    kinds = [n[0] for n in ip.notes]
    assert kinds == ["assumed", "assumed"] and "nz=100" in ip.notes[0][1]


def test_simple_namespace_and_dict_configs() -> None:
    ip = run(
        """
        from types import SimpleNamespace
        cfg = SimpleNamespace(width=32, depth=2)
        cfg.depth = 3
        X = cfg.width * cfg.depth
        """
    )
    assert value(ip, "X") == 96


MUTATING = """
import copy
SIZES = [16, 32]
SIZES.append(64)
CFG = {"filters": 8, "kernel": 3}
CFG["filters"] = 12
CFG["kernel"] += 2
CFG.update({"extra": 1})
WIDTH = CFG.get("width", 5)
ITEMS = CFG.items()
BLOCKS = copy.deepcopy([{"f": 1}])
BLOCKS[0]["f"] = 2
LOST = [1]
LOST.frobnicate(2)
HIDDEN = {"a": 1}
HIDDEN[key_we_do_not_know] = 2
POPPED = SIZES.pop()
"""


def test_container_mutations_are_followed_or_poisoned() -> None:
    ip = run(MUTATING)
    assert value(ip, "SIZES") == [16, 32] and value(ip, "POPPED") == 64
    assert value(ip, "CFG") == {"filters": 12, "kernel": 5, "extra": 1}
    assert value(ip, "WIDTH") == 5
    assert value(ip, "ITEMS") == [("filters", 12), ("kernel", 5), ("extra", 1)]
    assert value(ip, "BLOCKS") == [{"f": 2}]
    assert isinstance(value(ip, "LOST"), Unknown)  # an unknown method: no stale value
    assert isinstance(value(ip, "HIDDEN"), Unknown)


def test_functions_are_values_with_their_module() -> None:
    ip = run("def f():\n    return 1\n")
    f = value(ip, "f")
    assert isinstance(f, FuncVal) and f.module is ip.info


def test_runaway_code_stops_with_the_budget() -> None:
    from convlint.frontend.python.interp import OutOfSteps

    source = "total = 0\nfor i in range(1000):\n    for j in range(1000):\n        total += 1\n"
    info = ModuleInfo.parse("__main__", "m.py", source, cst.parse_module(source))
    with pytest.raises(OutOfSteps):
        Interpreter(info, Semantics()).run_module()


SPAN_SOURCE = '''\
import keras
x = "é"; y = keras.layers.Dense(3)(keras.Input((2,)))
z = (a(1) if b(2) else c(3))

@deco(4)
def f(p=g(5)):
    pass
w = 1 + 2 * 3
'''


def test_positions_match_libcst_positions() -> None:
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(SPAN_SOURCE)
    index = Positions(module, SPAN_SOURCE)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = [n for n in walk(module) if isinstance(n, (cst.Call, cst.BinaryOperation))]
    assert len(nodes) == 10
    for node in nodes:
        pos = positions[node]
        assert index.span(node) == Span(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1)
    # the non-ASCII character before the call counts as one column
    dense = next(c for c in nodes if source_text(c) == "keras.layers.Dense(3)(keras.Input((2,)))")
    assert index.span(dense).column == 14


def test_positions_do_not_resolve_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cheap path (ast positions) is taken; libcst metadata is only a fallback."""
    import libcst.metadata

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("PositionProvider was resolved")

    monkeypatch.setattr(libcst.metadata.MetadataWrapper, "resolve", refuse)
    source = "import keras\n" + "".join(f"m{i} = keras.layers.Conv2D({i + 1}, 3)\n" for i in range(50))
    module = cst.parse_module(source)
    assert Positions(module, source).span(module.body[-1]) == Span(51, 7, 51, 33)


def test_positions_fall_back_when_ast_disagrees() -> None:
    module = cst.parse_module("f(1)\n")
    index = Positions(module, "x = 1\n\nf(1)\ng(2)\n")
    assert index.span(module.body[0]) == Span(1, 1, 1, 5)


def test_statements_finds_nested_statements_only() -> None:
    module = cst.parse_module(
        "if a:\n    import x\nelse:\n    try:\n        import y\n    except E:\n        import z\nf(lambda: 1)\n"
    )
    imports = [n for n in statements(module.body) if isinstance(n, cst.Import)]
    assert [source_text(i.names[0].name) for i in imports] == ["x", "y", "z"]


def test_constant_arrays_are_elementwise_not_lists() -> None:
    ip = run(
        """
        import numpy as np
        rates = [float(x) for x in np.linspace(0.0, 0.3, 4)]
        DOUBLED = (np.arange(3) * 2).tolist()
        FIRST = np.linspace(0, 1, 3)[1]
        """
    )
    assert value(ip, "rates") == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert value(ip, "DOUBLED") == [0, 2, 4]  # NumPy arithmetic, never [0, 1, 2, 0, 1, 2]
    assert value(ip, "FIRST") == 0.5


def test_list_methods_change_a_known_list_as_python_does() -> None:
    ip = run(
        """
        dims = [32, 64, 128]
        dims.reverse()
        ordered = dims.copy()
        ordered.sort()
        ordered.remove(64)
        gone = [1, 2]
        gone.clear()
        names = ["b", "a"]
        names.sort(reverse=True)
        mixed = [2, "a"]
        mixed.sort()
        """
    )
    assert value(ip, "dims") == [128, 64, 32]
    assert value(ip, "ordered") == [32, 128]
    assert value(ip, "gone") == [] and value(ip, "names") == ["b", "a"]
    assert isinstance(value(ip, "mixed"), Unknown)  # Python would raise: not guessed
