"""Traced numbers (convlint/formula.py): each operator's value and printed formula agree, the
formula parses as Python with the values a rule observes unchanged."""

from __future__ import annotations

import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convlint.dims import Expr, ceil_div, is_known, prod, subs, sym
from convlint.formula import const, formula, is_traced, leaf, plain, render_dim
from formula_eval import evaluate

OPS = [operator.add, operator.sub, operator.mul, operator.floordiv]


def test_a_leaf_is_an_int_to_the_rules():
    n = leaf(28)
    assert n == 28 and is_known(n) and isinstance(n, int) and not isinstance(n, bool)
    assert str(n) == "28" and f"{n:,}" == "28" and hash(n) == hash(28) and [0] * 2 == [0] * leaf(2)
    assert formula(n) is None  # a literal: nothing computed
    assert leaf(True) is True and leaf("valid") == "valid" and leaf(None) is None
    assert leaf({"k": (3, 3), "b": True}) == {"k": (3, 3), "b": True}
    assert all(is_traced(v) for v in leaf({"k": (3, 3)})["k"])


@pytest.mark.parametrize(
    "build, text, value",
    [
        (lambda n, k, s, p: (n + 2 * p - k) // s + 1, "(28 + 2·0 − 3) // 1 + 1", 26),
        (lambda n, k, s, p: n - (k - s), "28 − (3 − 1)", 26),
        (lambda n, k, s, p: n * (k // s), "28·(3 // 1)", 84),
        (lambda n, k, s, p: n // s * k, "(28 // 1)·3", 84),
        (lambda n, k, s, p: n // (s * k), "28 // (1·3)", 9),
        (lambda n, k, s, p: -(n - k), "−(28 − 3)", -25),
        (lambda n, k, s, p: n + (k + s), "28 + 3 + 1", 32),
    ],
)
def test_formulas_print_with_the_parentheses_python_needs(build, text, value):
    out = build(leaf(28), leaf(3), leaf(1), leaf(0))
    assert (formula(out), plain(out)) == (text, value)
    assert evaluate(text) == value


def test_untraced_operands_print_as_numbers_and_constants_only_when_traced():
    assert formula(leaf(5) * 5 + 1) == "5·5 + 1"
    assert formula(2 * leaf(16)) == "2·16"
    assert const(0, 28) == 0 and not is_traced(const(0, 28))
    assert formula(2 * const(0, leaf(28))) == "2·0"


def test_symbolic_dims_trace_too():
    h = leaf(sym("H"))
    out = (h + 2 * leaf(1) - leaf(3)) // leaf(2) + 1
    assert isinstance(out, Expr) and plain(out) == (sym("H") + 1) // 2
    assert formula(out) == "(H + 2·1 − 3) // 2 + 1"
    assert render_dim(plain(out)) == "(H + 1) // 2"
    floor = leaf((sym("H") + 1) // 4)
    assert formula(leaf(8) * floor * leaf(sym("W"))) == "8·((H + 1) // 4)·W"
    assert formula(floor + leaf(2)) == "(H + 1) // 4 + 2"


def test_the_dims_helpers_read_as_courses_write_them():
    assert formula(ceil_div(leaf(28), leaf(2))) == "(28 − 1) // 2 + 1"
    assert formula(prod([leaf(5), leaf(5), leaf(16)])) == "5·5·16"
    assert prod([]) == 1 and prod([7]) == 7 and prod([2, None]) is None


trees = st.recursive(
    st.one_of(st.integers(-50, 200), st.sampled_from(["H", "W"])),
    lambda inner: st.tuples(st.sampled_from(range(len(OPS))), inner, inner),
    max_leaves=12,
)


def _build(tree, value_of):
    if isinstance(tree, tuple):
        op, a, b = tree
        left, right = _build(a, value_of), _build(b, value_of)
        if OPS[op] is operator.floordiv:
            if not isinstance(plain(right), int) or plain(right) <= 0:
                return left
        return OPS[op](left, right)
    return value_of(tree)


@given(trees, st.integers(1, 500), st.integers(1, 500))
def test_every_formula_evaluates_to_its_value(tree, h, w):
    """Random arithmetic on traced leaves: the printed formula, read back as Python with the
    symbols bound, equals the value the operators computed (and the plain computation)."""
    traced = _build(tree, lambda v: leaf(sym(v) if isinstance(v, str) else v))
    untraced = _build(tree, lambda v: sym(v) if isinstance(v, str) else v)
    assert plain(traced) == untraced
    text = formula(traced) or render_dim(plain(traced))
    bindings = {"H": h, "W": w}
    assert evaluate(text, bindings) == subs(untraced, bindings)
