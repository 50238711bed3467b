"""Name resolution and constant folding (convlint.frontend.values)."""

from __future__ import annotations

from typing import Any

import libcst as cst
import pytest

from convlint.dims import sym
from convlint.frontend.values import (
    Env,
    NOT_HANDLED,
    FreeParam,
    ImportTable,
    SpanIndex,
    fold,
    fold_call,
    fold_size,
    function_env,
    module_env,
    qualified_name,
    source_text,
    statements,
    walk,
)
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
        ("sibling.Net", None),  # relative imports are ignored
        ("thing", None),
        ("model.add", None),  # a local variable
        ("foo().bar", None),
    ],
)
def test_qualified_name(table: ImportTable, expr: str, expected: Any) -> None:
    assert qualified_name(cst.parse_expression(expr), table) == expected


def test_star_imports_are_listed(table: ImportTable) -> None:
    assert table.star == ["numpy"]


def test_local_assignment_shadows_import(table: ImportTable) -> None:
    env = Env(None, table)
    env.set("L", 3)
    assert qualified_name(cst.parse_expression("L.Conv2D"), table, env) is None
    assert qualified_name(cst.parse_expression("keras.Input"), table, env) == "keras.Input"


def test_rebinding_an_alias_drops_it() -> None:
    table = ImportTable.from_module(cst.parse_module("import keras\nlayers = keras.layers\nlayers = make()\n"))
    assert "layers" not in table.names


MODULE = """
IMG = 28
CHANNELS = 3
SHAPE = (IMG, IMG, CHANNELS)
HALF = IMG // 2
AREA = IMG * IMG
NEG = -IMG + 1
POW = 2 ** 5
MOD = 29 % 8
RATIO = IMG / 4
PAIR = [16, 32] + [64]
WIDE = SHAPE[:2] + (CHANNELS * 2,)
CFG = {"filters": 64, "sizes": (3, 5)}
F = CFG["filters"]
K = CFG["sizes"][-1]
a, (b, c) = 1, (2, 3)
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
if IMG:
    BRANCHED = 5
UNK = some_function(3)
DERIVED = UNK * 2
"""


@pytest.fixture(scope="module")
def env() -> Env:
    return module_env(cst.parse_module(MODULE))


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
        ("PAIR", [16, 32, 64]),
        ("WIDE", (28, 28, 6)),
        ("F", 64),
        ("K", 5),
        ("a", 1),
        ("c", 3),
        ("acc", 7),
        ("ann", 7),
        ("BIG", 64),
        ("N", 3),
        ("COND", 1),
        ("S", "same"),
        ("STR", "conv_1"),
        ("PCT", "block_28_bn"),
        ("FSTR", "conv28_conv_1"),
    ],
)
def test_module_constants(env: Env, name: str, expected: Any) -> None:
    value = env.lookup(name)
    assert value == expected and type(value) is type(expected)


def test_unfoldable_values_say_why(env: Env) -> None:
    assert env.lookup("UNK") == Unknown("some_function(3) is not a constant")
    assert env.lookup("DERIVED") == Unknown("some_function(3) is not a constant")
    branched = env.lookup("BRANCHED")
    assert isinstance(branched, Unknown) and "inside a block" in branched.reason
    assert fold(cst.parse_expression("missing + 1"), env) == Unknown("missing is not a constant")


@pytest.mark.parametrize(
    "expr", ["IMG / 0", "IMG // 0", "SHAPE[7]", "CFG['nope']", "IMG.shape", "2 ** 1000", "x.size(0)", "UNK < 3"]
)
def test_errors_fold_to_unknown(env: Env, expr: str) -> None:
    assert isinstance(fold(cst.parse_expression(expr), env), Unknown)


def test_builtins_are_not_used_when_shadowed() -> None:
    env = module_env(cst.parse_module("def max(a, b):\n    return 0\nX = max(3, 4)\n"))
    assert isinstance(env.lookup("X"), Unknown)


def test_symbolic_arithmetic() -> None:
    env = Env()
    env.set("h", sym("H"))
    assert fold(cst.parse_expression("(h - 2) // 2 + 1"), env) == (sym("H") - 2) // 2 + 1
    assert fold(cst.parse_expression("h * h"), env) == sym("H") * sym("H")
    assert isinstance(fold(cst.parse_expression("h / 2"), env), Unknown)
    assert isinstance(fold(cst.parse_expression("h % 2"), env), Unknown)


FUNC = """
BASE = 16
def build(input_shape=(BASE, BASE, 3), num_classes=10, *extra, dropout, width=BASE * 2, **options):
    pass
"""


def test_function_env_binds_defaults_arguments_and_free_params() -> None:
    module = cst.parse_module(FUNC)
    env = module_env(module)
    func = module.body[-1]
    assert isinstance(func, cst.FunctionDef)
    fenv = function_env(func, env)
    assert fenv.lookup("input_shape") == (16, 16, 3)
    assert fenv.lookup("width") == 32
    assert fenv.lookup("dropout") == FreeParam("dropout")
    assert fenv.lookup("BASE") == 16  # the enclosing scope is visible
    fenv = function_env(func, env, args=((32, 32, 1), 5, "x"), kwargs={"dropout": 0.5, "width": 8, "extra_kw": 1})
    assert (fenv.lookup("input_shape"), fenv.lookup("num_classes"), fenv.lookup("extra")) == ((32, 32, 1), 5, ("x",))
    assert (fenv.lookup("dropout"), fenv.lookup("width"), fenv.lookup("options")) == (0.5, 8, {"extra_kw": 1})


def test_free_params_fold_unknown_but_size_symbol() -> None:
    env = Env()
    env.set("num_classes", FreeParam("num_classes"))
    expr = cst.parse_expression("num_classes")
    assert fold(expr, env) == Unknown("num_classes is not a constant (a parameter without a default)")
    assert fold_size(expr, env) == sym("num_classes")
    assert isinstance(fold_size(cst.parse_expression("num_classes * 2"), env), Unknown)


def test_fold_call_arguments_and_unresolved() -> None:
    env = module_env(cst.parse_module("K = 3\nPAD = {'padding': 'same'}\nDIMS = (1, 1)\nn = FreeP\n"))
    env.set("filters", FreeParam("filters"))
    call = cst.parse_expression("Conv2D(filters, (K, k2), *DIMS, strides=K - 1, **PAD, name=f'c{K}', n2=f'{K!r}')")
    assert isinstance(call, cst.Call)
    folded = fold_call(call, env, size_positions=(0,))
    assert folded.args == (sym("filters"), (3, Unknown("k2 is not a constant")), 1, 1)
    assert folded.kwargs["strides"] == 2 and folded.kwargs["padding"] == "same"
    assert folded.kwargs["name"] == "c3"  # simple f-strings fold
    assert isinstance(folded.kwargs["n2"], Unknown)  # conversions do not
    reasons = [u.reason for _, u in folded.unresolved]
    assert reasons[0] == "k2 is not a constant"
    assert source_text(folded.unresolved[0][0]) == "(K, k2)"


def test_hook_is_asked_for_calls() -> None:
    env = Env()
    seen = []

    def hook(call: cst.Call, env: Env) -> Any:
        seen.append(source_text(call))
        return 42 if source_text(call.func) == "answer" else NOT_HANDLED

    assert fold(cst.parse_expression("answer() + max(1, 2)"), env, hook) == 44
    assert seen == ["answer()", "max(1, 2)"]


SPAN_SOURCE = '''\
import keras
x = "é"; y = keras.layers.Dense(3)(keras.Input((2,)))
z = (a(1) if b(2) else c(3))

@deco(4)
def f(p=g(5)):
    pass
'''


def test_span_index_matches_libcst_positions() -> None:
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(SPAN_SOURCE)
    index = SpanIndex(module, SPAN_SOURCE)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    calls = [n for n in walk(module) if isinstance(n, cst.Call)]
    assert len(calls) == 8
    for call in calls:
        pos = positions[call]
        assert index.span(call) == Span(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1)
    # the non-ASCII character before the call counts as one column
    dense = next(c for c in calls if source_text(c.func) == "keras.layers.Dense(3)")
    assert index.span(dense).column == 14


def test_span_index_does_not_resolve_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cheap path (ast positions) is taken; libcst metadata is only a fallback."""
    import libcst.metadata

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("PositionProvider was resolved")

    monkeypatch.setattr(libcst.metadata.MetadataWrapper, "resolve", refuse)
    source = "import keras\n" + "".join(f"m{i} = keras.layers.Conv2D({i + 1}, 3)\n" for i in range(50))
    module = cst.parse_module(source)
    index = SpanIndex(module, source)
    assert index.span(module.body[-1]) == Span(51, 7, 51, 33)


def test_span_index_falls_back_when_ast_disagrees() -> None:
    # libcst accepts this (Python 2 style backticks are not valid for either), so use a
    # source ast cannot parse but libcst can: a bare ``print`` statement under libcst's
    # newest grammar is invalid too, hence simulate by handing SpanIndex a different text.
    module = cst.parse_module("f(1)\n")
    index = SpanIndex(module, "x = 1\n\nf(1)\ng(2)\n")
    assert index.span(module.body[0]) == Span(1, 1, 1, 5)


def test_statements_finds_nested_statements_only() -> None:
    module = cst.parse_module(
        "if a:\n    import x\nelse:\n    try:\n        import y\n    except E:\n        import z\nf(lambda: 1)\n"
    )
    imports = [n for n in statements(module.body) if isinstance(n, cst.Import)]
    assert [source_text(i.names[0].name) for i in imports] == ["x", "y", "z"]


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
    env = module_env(cst.parse_module(MUTATING))
    assert env.lookup("SIZES") == [16, 32] and env.lookup("POPPED") == 64
    assert env.lookup("CFG") == {"filters": 12, "kernel": 5, "extra": 1}
    assert env.lookup("WIDTH") == 5
    assert env.lookup("ITEMS") == (("filters", 12), ("kernel", 5), ("extra", 1))
    assert env.lookup("BLOCKS") == [{"f": 2}]
    assert isinstance(env.lookup("LOST"), Unknown)  # an unknown method: no stale value
    assert isinstance(env.lookup("HIDDEN"), Unknown)


def test_unexpanded_star_arguments_are_flagged() -> None:
    call = cst.parse_expression("f(1, *rest, k=2, **opts)")
    assert isinstance(call, cst.Call)
    folded = fold_call(call, Env())
    assert folded.args == (1,) and folded.kwargs == {"k": 2}
    assert folded.star_unknown == Unknown("*rest is not a constant")
    assert [u.reason for _, u in folded.unresolved] == ["*rest is not a constant", "**opts is not a constant"]
    assert fold_call(cst.parse_expression("f(*(1, 2))"), Env()).star_unknown is None  # type: ignore[arg-type]
