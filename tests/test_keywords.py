"""The unknown-keyword check of the engine (``convlint.layers.base.check_keywords``)."""

from __future__ import annotations

import pytest

from convlint.layers.base import LayerError, check_keywords
from convlint.layers.keywords import ACCEPTED


def test_a_misspelt_keyword_is_an_invalid_argument_with_its_likely_spelling() -> None:
    with pytest.raises(LayerError) as err:
        check_keywords("keras", "Conv2D", {"filters": 8, "stride": 2}, "Conv2D")
    assert err.value.kind == "invalid-argument"
    assert err.value.message == "Unrecognized keyword argument passed to Conv2D: 'stride' (did you mean 'strides'?)"
    assert (err.value.attr, err.value.expected) == ("stride", "strides")


def test_pytorch_wording_and_no_guess_when_nothing_is_close() -> None:
    with pytest.raises(LayerError) as err:
        check_keywords("torch", "Linear", {"use_bias": False}, "Linear")
    assert err.value.message == "Linear.__init__() got an unexpected keyword argument 'use_bias'"
    assert err.value.expected is None


@pytest.mark.parametrize(
    "framework, name, kwargs",
    [
        ("keras", "Conv2D", {"strides": 2, "name": "c", "dtype": "float32", "input_shape": (8, 8, 1)}),  # Layer's own
        ("keras", "Conv2D", {"**": object()}),  # ``**options``: what it holds is unknown
        ("keras", "InputLayer", {"anything": 1}),  # swallows unknown keywords: not in the table
        ("torch", "Identity", {"anything": 1}),  # takes and ignores ``**kwargs``
        ("plugin", "MyLayer", {"anything": 1}),  # a plugin's layer: not in the table
    ],
)
def test_accepted_or_unchecked(framework: str, name: str, kwargs: dict) -> None:
    check_keywords(framework, name, kwargs, name)


def test_the_table_covers_the_common_layers() -> None:
    for key in [("keras", "Conv2D"), ("keras", "Dense"), ("torch", "Conv2d"), ("torch", "Linear"), ("torch", "BatchNorm2d")]:
        assert key in ACCEPTED
    assert ("keras", "InputLayer") not in ACCEPTED and ("torch", "Identity") not in ACCEPTED


def test_a_function_read_as_its_class_is_not_checked() -> None:
    check_keywords("torch", "Dropout", {"training": False}, "dropout")  # F.dropout(x, 0.3, training=False)
