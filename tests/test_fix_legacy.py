"""CL401's fix: a Keras 1/2 spelling rewritten in Keras 3 terms.

The broken / fixed / no-fix cases are ``tests/data/fix/*/keras_legacy_*.py`` (driven by
``tests/test_fix.py``; ``tests/test_oracle_fix.py`` builds them in real Keras 3).  Here: the two
changes only this fix needs (a callee renamed with its import, positional kernel sizes grouped),
what the front end proposes for each kind of spelling, and ``--fix`` / ``--diff`` /
``--unsafe-fixes`` / JSON on a copy of a case.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import List, Optional, Tuple

import pytest

from convlint.cli import main
from convlint.edits import SAFE, UNSAFE, Fix, GroupPositional, RemoveArgument, RenameArgument, RenameCallee, SetArgument
from convlint.fix import NoFix, SourceIndex, apply_edits, edits_for
from convlint.frontend import FrontendOptions, analyze_source

DATA = Path(__file__).resolve().parent / "data" / "fix"


def _edits(source: str, *changes, callee: str, line: int, column: int) -> str:
    fix = Fix("test", SAFE, (), tuple(changes), line, column, callee)
    return apply_edits(source, edits_for(SourceIndex(source), fix))


# -- the changes --------------------------------------------------------------------------------

def test_group_positional_keeps_each_argument_as_written():
    src = "y = Convolution2D(32, nb_row, 3 , border_mode='same')  # k\n"
    assert _edits(src, GroupPositional(1, 2), callee="Convolution2D", line=1, column=5) == "y = Convolution2D(32, (nb_row, 3) , border_mode='same')  # k\n"
    multiline = "y = Convolution3D(\n    8,\n    3,  # depth\n    3,\n    3,\n)\n"
    out = _edits(multiline, GroupPositional(1, 3), callee="Convolution3D", line=1, column=5)
    assert out == "y = Convolution3D(\n    8,\n    (3,  # depth\n    3,\n    3),\n)\n"
    compile(out, "x", "exec")
    with pytest.raises(NoFix):  # not all written out
        _edits("y = Convolution2D(32, *k)\n", GroupPositional(1, 2), callee="Convolution2D", line=1, column=5)
    with pytest.raises(NoFix):
        _edits("y = Convolution2D(32, 3)\n", GroupPositional(1, 2), callee="Convolution2D", line=1, column=5)


def test_rename_through_a_module_is_one_token():
    src = "y = keras.layers.Deconvolution2D(8, (3, 3))\n"
    assert _edits(src, RenameCallee("Conv2DTranspose"), callee="Deconvolution2D", line=1, column=5) == "y = keras.layers.Conv2DTranspose(8, (3, 3))\n"


def test_rename_of_an_imported_name_changes_its_import():
    src = "from keras.layers import Dense, Deconvolution2D\ny = Deconvolution2D(8, 3)\n"
    out = _edits(src, RenameCallee("Conv2DTranspose"), callee="Deconvolution2D", line=2, column=5)
    assert out == "from keras.layers import Dense, Conv2DTranspose\ny = Conv2DTranspose(8, 3)\n"
    # the new name already imported from the same module: the old one is dropped
    src = "from keras.layers import (\n    add,\n    merge,\n)\ny = merge([a, b])\nz = add([a, b])\n"
    out = _edits(src, RenameCallee("add"), callee="merge", line=5, column=5)
    assert out == "from keras.layers import (\n    add,\n)\ny = add([a, b])\nz = add([a, b])\n"


def test_rename_while_other_calls_use_the_old_name_imports_the_new_one_beside_it():
    src = "from keras.layers import merge\ns = merge([a, b], mode='sum')\nc = merge([a, b], mode='concat')\n"
    out = _edits(src, RenameCallee("add"), callee="merge", line=2, column=5)
    assert out == "from keras.layers import merge, add\ns = add([a, b], mode='sum')\nc = merge([a, b], mode='concat')\n"
    one_a_line = "from keras.layers import (\n    merge,  # Keras 1\n)\ns = merge([a, b])\nc = merge([a, b])\n"
    out = _edits(one_a_line, RenameCallee("add"), callee="merge", line=4, column=5)
    assert out == "from keras.layers import (\n    merge,  # Keras 1\n    add,\n)\ns = add([a, b])\nc = merge([a, b])\n"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("from keras.layers import merge as m\ny = m([a, b])\n", id="aliased"),
        pytest.param("import keras\nmerge = keras.layers.merge\ny = merge([a, b])\n", id="assigned"),
        pytest.param("from keras.layers import merge\nf = merge\ny = merge([a, b])\n", id="passed-around"),
        pytest.param("from keras.layers import merge\nadd = 1\ny = merge([a, b])\n", id="new-name-taken"),
        pytest.param("from keras.layers import merge\nfrom mylib import add\ny = merge([a, b])\n", id="new-name-from-elsewhere"),
        pytest.param("from keras.layers import *\ny = merge([a, b])\n", id="star-import"),
        pytest.param("from keras.layers import merge\nfrom keras.layers import add\ny = merge([a, b])\n", id="import-left-empty"),
    ],
)
def test_rename_refuses_what_would_touch_more_than_this_import(source: str) -> None:
    callee = source.splitlines()[-1].split("= ", 1)[1].split("(")[0]
    with pytest.raises(NoFix):
        _edits(source, RenameCallee("add"), callee=callee, line=source.count("\n"), column=5)


# -- what the front end proposes --------------------------------------------------------------------

def _proposed(source: str) -> List[Tuple[str, Optional[Fix]]]:
    result = analyze_source(source, "m.py", FrontendOptions())
    return [(n.message, n.fix) for n in result.notes if n.kind == "legacy"]


def _one(source: str) -> Optional[Fix]:
    (found,) = _proposed(source)
    return found[1]


K1 = "from keras.layers import *\nfrom keras.models import Sequential\n"


def test_keywords_renamed_and_values_mapped():
    fix = _one(K1 + "m = Sequential([Convolution2D(8, (3, 3), border_mode='same', dim_ordering='th', init='one', input_shape=(3, 8, 8))])\n")
    assert fix is not None and fix.applicability == SAFE
    assert fix.changes == (
        RenameArgument("border_mode", "padding"),
        RenameArgument("dim_ordering", "data_format", "channels_first"),
        RenameArgument("init", "kernel_initializer", "ones"),
    )
    fix = _one(K1 + "m = Sequential([Dense(output_dim=4, input_dim=3, weights=None)])\n")
    assert fix is not None and fix.changes == (RenameArgument("output_dim", "units"), RemoveArgument("weights"))
    fix = _one(K1 + "m = Sequential([MaxPooling2D((2, 2), dim_ordering='default', input_shape=(8, 8, 3))])\n")
    assert fix is not None and fix.changes == (RemoveArgument("dim_ordering"),)


def test_kernel_grouping_is_unsafe_only_where_keras3_runs_the_call():
    rejected = _one(K1 + "m = Sequential([Convolution2D(8, 3, 3, subsample=(2, 2), input_shape=(8, 8, 3))])\n")
    assert rejected is not None and rejected.applicability == SAFE
    assert rejected.changes == (GroupPositional(1, 2), RenameArgument("subsample", "strides"))
    runs = _one(K1 + "m = Sequential([Convolution2D(8, 3, 3, activation='relu', input_shape=(8, 8, 3))])\n")
    assert runs is not None and runs.applicability == UNSAFE and runs.changes == (GroupPositional(1, 2),)
    leaky = _one(K1 + "m = Sequential([Dense(4, input_shape=(3,)), LeakyReLU(alpha=0.1)])\n")
    assert leaky is not None and leaky.applicability == SAFE  # Keras 3 takes alpha= too, with one meaning
    pool = _one(K1 + "m = Sequential([AveragePooling2D(input_shape=(8, 8, 3))])\n")
    assert pool is not None and pool.applicability == SAFE and pool.changes == (SetArgument("pool_size", (2, 2)),)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param("Convolution2D(8, 3, 3, 'he_normal', border_mode='same', input_shape=(8, 8, 3))", id="positional-beyond-the-kernel"),
        pytest.param("Dense(4, weights=[w, b], input_shape=(3,))", id="initial-weights"),
        pytest.param("BatchNormalization(mode=2, input_shape=(3,))", id="another-normalisation"),
        pytest.param("Convolution2D(8, (3, 3), dim_ordering='theano', input_shape=(8, 8, 3))", id="unknown-ordering"),
        pytest.param("Convolution2D(8, (3, 3), border_mode='same', padding='valid', init='he_normal', input_shape=(8, 8, 3))", id="both-spellings"),
        pytest.param("Convolution1D(8, 3, input_dim=5, input_length=20)", id="input-length"),
    ],
)
def test_no_fix_without_one_repair(call: str) -> None:
    assert _one(K1 + f"w = b = None\nm = Sequential([{call}])\n") is None


def test_merge_and_model():
    src = "from keras.layers import Dense, Input, merge\nfrom keras.models import Model\nx = Input(shape=(4,))\ny = Dense(4)(x)\n"
    found = dict(_proposed(src + "s = merge([x, y], mode='concat', concat_axis=1, name='j')\nm = Model(input=x, output=s)\n"))
    assert {message.split(" (")[1][:10]: fix.changes for message, fix in found.items() if fix} == {
        "merge(mode": (RenameCallee("concatenate"), RemoveArgument("mode"), RenameArgument("concat_axis", "axis")),
        "input, out": (RenameArgument("input", "inputs"), RenameArgument("output", "outputs")),
    }
    (dot,) = _proposed(src + "s = merge([x, y], mode='dot', dot_axes=1)\nm = Model(x, s)\n")
    assert dot[1] is None  # Keras 1's dot_axes is not Keras 3's Dot(axes) one for one


def test_a_class_from_a_module_keras3_lacks_is_not_renamed():
    src = "import keras\nfrom keras.layers.convolutional import Deconvolution2D\nm = keras.Sequential([keras.Input((8, 8, 3)), Deconvolution2D(4, (3, 3))])\n"
    assert _one(src) is None
    assert _one(src.replace("keras.layers.convolutional", "keras.layers")) is not None


# -- the command line ------------------------------------------------------------------------------

def _copy(tmp_path: Path, name: str) -> Path:
    shutil.copy(DATA / "broken" / name, tmp_path / name)
    return tmp_path / name


def test_fix_applies_the_safe_spelling_and_leaves_the_unsafe_kernel(tmp_path, monkeypatch, capsys):
    pytest.importorskip("keras")
    path = _copy(tmp_path, "keras_legacy_kernel.py")
    monkeypatch.chdir(tmp_path)
    original = path.read_text()
    assert main([path.name, "--diff", "--no-cache"]) == 1
    out = capsys.readouterr()
    assert '-    Convolution2D(32, nb_conv, nb_conv, border_mode="valid"),  # rejected by Keras 3: safe' in out.out
    assert '+    Convolution2D(32, (nb_conv, nb_conv), padding="valid"),  # rejected by Keras 3: safe' in out.out
    assert "(5, 5)" not in out.out and path.read_text() == original
    assert main([path.name, "--fix", "--no-cache"]) == 0  # the unsafe one remains, a warning
    out = capsys.readouterr().out
    assert "Fixed 1 diagnostic (CL401 x1) in 1 file." in out
    assert "keras_legacy_kernel.py:9:5: CL401 [*]" in out
    assert path.read_text() == original.replace('nb_conv, nb_conv, border_mode="valid"', '(nb_conv, nb_conv), padding="valid"')
    assert main([path.name, "--fix", "--unsafe-fixes", "--no-cache"]) == 0
    assert path.read_text() == (DATA / "fixed" / path.name).read_text()
    assert "Fixed 1 diagnostic (CL401 x1) in 1 file." in capsys.readouterr().out


def test_fix_renames_the_merges_and_their_import_in_one_run(tmp_path, monkeypatch, capsys):
    pytest.importorskip("keras")
    path = _copy(tmp_path, "keras_legacy_merge.py")
    monkeypatch.chdir(tmp_path)
    assert main([path.name, "--fix", "--no-cache"]) == 0
    assert path.read_text() == (DATA / "fixed" / path.name).read_text()
    assert "Fixed 3 diagnostics (CL401 x3) in 1 file." in capsys.readouterr().out


def test_json_carries_the_legacy_fix(tmp_path, monkeypatch, capsys):
    pytest.importorskip("keras")
    path = _copy(tmp_path, "keras_legacy_leaky_relu.py")
    monkeypatch.chdir(tmp_path)
    main([path.name, "--format", "json", "--no-cache"])
    (d,) = json.loads(capsys.readouterr().out)["diagnostics"]
    assert d["code"] == "CL401"
    assert d["fix"] == {
        "message": "Use the Keras 3 spelling",
        "applicability": "safe",
        "edits": [{"line": 7, "column": 22, "end_line": 7, "end_column": 27, "content": "negative_slope"}],
    }
