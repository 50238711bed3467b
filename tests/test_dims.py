"""The Dim algebra: canonical forms, printing as valid Python, exact evaluation."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from convlint.dims import Expr, ceil_div, exact_div, fmt, free_symbols, prod, subs, sym

H, W = sym("H"), sym("W")


def test_ints_stay_ints():
    assert (H - H) == 0 and isinstance(H - H, int)
    assert 3 * H - H * 3 == 0
    assert subs((H - 3) // 2 + 1, {"H": 28}) == 13


@pytest.mark.parametrize(
    "expr, text",
    [
        ((H - 2) // 2 + 1, "H // 2"),
        ((H - 3) // 2 + 1, "(H + 1) // 2 - 1"),
        (16 * H * W, "16 * H * W"),
        ((H // 2) * W, "W * (H // 2)"),
        (ceil_div(H, 2), "(H + 1) // 2"),
        (((H - 4) // 2) // 2, "H // 4 - 1"),
        (H - 5, "H - 5"),
        (-H + 3, "-H + 3"),
    ],
)
def test_canonical_printing(expr, text):
    assert str(expr) == text
    assert fmt(expr) == text


def test_equal_values_compare_equal():
    assert (H + 2 - 3) // 1 + 1 == H
    assert ((H - 2) // 2 + 1) == H // 2
    assert hash((H - 2) // 2 + 1) == hash(H // 2)
    assert (H + 1) != H


def test_exact_div():
    assert exact_div(16 * H * W, H) == 16 * W
    assert exact_div(400, 16) == 25
    assert exact_div(401, 16) is None
    assert exact_div(H + 1, H) is None
    assert exact_div(6 * H, 4) is None


def test_free_symbols_and_prod():
    assert free_symbols((H * W) // 3 + 1) == {"H", "W"}
    assert prod([2, H, None]) is None
    assert prod([2, 3, 4]) == 24


def test_floordiv_by_symbol_is_an_error_not_a_guess():
    with pytest.raises(TypeError):
        _ = 5 // H
    with pytest.raises(ZeroDivisionError):
        _ = H // 0


def test_floor_division_adds_to_an_existing_floor_term():
    """Regression: the floor of the remainder was stored under its monomial, overwriting a
    term the quotient already had (``((H // 3) * 3 + H) // 3`` became ``H // 3``)."""
    cases = [
        (((H // 3) * 3 + H) // 3, lambda h, w: ((h // 3) * 3 + h) // 3, "2 * (H // 3)"),
        (((H // 2) * 2 + H) // 2, lambda h, w: ((h // 2) * 2 + h) // 2, "2 * (H // 2)"),
        ((H - (H // 3) * 3) // 3, lambda h, w: (h - (h // 3) * 3) // 3, "0"),
        ((((H * W) // 2) * 2 + H * W) // 2, lambda h, w: (((h * w) // 2) * 2 + h * w) // 2, "2 * ((H * W) // 2)"),
    ]
    for expr, direct, text in cases:
        assert str(expr) == text
        for h in range(-7, 13):
            for w in (-3, 1, 4):
                assert subs(expr, {"H": h, "W": w}) == direct(h, w), (text, h, w)
    assert subs(((H // 3) * 3 + H) // 3, {"H": 4}) == 2


def test_nested_floor_collapses_after_splitting():
    """``(n // a + c) // b == (n + c * a) // (a * b)`` also for the remainder left after the
    exact part is taken out, so both spellings of one value are one canonical form."""
    assert (3 * H + H // 2 + 1) // 3 == H + (H + 2) // 6
    assert (3 * H + H // 2 + 1) // 3 == H + (H // 2 + 1) // 3
    for h in range(-13, 25):
        assert subs((3 * H + H // 2 + 1) // 3, {"H": h}) == (3 * h + h // 2 + 1) // 3


@given(
    st.sampled_from(["H", "H + 5", "2 * H - 1", "H * W", "H + W"]),
    st.integers(2, 4),
    st.integers(2, 4),
    st.integers(-6, 6),
    st.integers(-6, 6),
    st.integers(-6, 6),
)
def test_floor_of_a_sum_holding_floor_terms(base, d, e, a, b, c):
    """``(a * (x // d) + b * x + c) // e``: the remainder left under the new floor can equal a
    floor term the quotient already holds.  Checked at every residue of a range of inputs, so
    an off-by-one on some sizes cannot hide; random steps rarely build this shape."""
    def size(h, w):
        x = eval(base, {"H": h, "W": w})
        return (a * (x // d) + b * x + c) // e

    expr = size(H, W)
    for h in range(-7, 13):
        for w in (-2, 1, 5):
            assert subs(expr, {"H": h, "W": w}) == size(h, w)
            if isinstance(expr, Expr):
                assert eval(str(expr), {"H": h, "W": w}) == size(h, w)


# One step of a size computation: an operator and its operand.  ``+``/``-`` may also take an
# earlier intermediate value (``v<i>``), so a step can meet a floor term the expression already
# holds, as layer arithmetic does (``x // 3 * 3 + x``); ``*`` takes leaves only, to keep the
# degree small.
_leaf = st.one_of(st.integers(-9, 9), st.sampled_from("HW"))
_step = st.one_of(
    st.tuples(st.sampled_from("+-"), st.one_of(_leaf, st.integers(0, 8).map(lambda i: f"v{i}"))),
    st.tuples(st.just("*"), _leaf),
    st.tuples(st.just("/"), st.integers(-9, 9)),
)


def _run(steps, h, w):
    """Apply ``steps`` starting from ``h``; ``h``/``w`` may be ints or symbols."""
    value, seen = h, [h]
    for op, operand in steps:
        if operand in ("H", "W"):
            operand = h if operand == "H" else w
        elif isinstance(operand, str):
            operand = seen[int(operand[1:]) % len(seen)]
        if op == "+":
            value = value + operand
        elif op == "-":
            value = value - operand
        elif op == "*":
            value = value * operand
        else:
            value = value // (abs(operand) or 3)
        seen.append(value)
    return value


@given(st.lists(_step, max_size=8), st.integers(-50, 200), st.integers(-50, 200))
@example([("/", 3), ("*", 3), ("+", "H"), ("/", 3)], 4, 0)  # ((H // 3) * 3 + H) // 3
@example([("/", 3), ("*", -3), ("+", "v0"), ("/", 3)], 4, 0)  # (H - (H // 3) * 3) // 3
def test_symbolic_arithmetic_agrees_with_integers(steps, h, w):
    """Run the same steps over symbols and over ints: values must agree, and the printed form
    must evaluate in Python to the same value."""
    sym_val, int_val = _run(steps, H, W), _run(steps, h, w)
    assert subs(sym_val, {"H": h, "W": w}) == int_val
    if isinstance(sym_val, Expr):
        assert eval(str(sym_val), {"H": h, "W": w}) == int_val
