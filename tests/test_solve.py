"""Which input sizes fit: convlint/solve.py on hand-made constraints and on real models."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any


from convlint.dims import sym
from convlint.engine import analyze
from convlint.frontend import analyze_source
from convlint.solve import Fit, compile_dim, describe_bindings, smallest_valid, solve, solve_model, spatial_dims

H, W, L, C = sym("H"), sym("W"), sym("L"), sym("C")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "torch"


def c(value: Any, actual: Any) -> Any:
    return SimpleNamespace(value=value, actual=actual)


def mnist_dims() -> tuple:
    """MNIST example: two valid 3x3 convs, then a 2x2 max-pool."""
    h, w = (H - 4) // 2, (W - 4) // 2
    return h, w, [H - 2, W - 2, H - 4, W - 4, h, w]


def test_compile_dim_matches_the_algebra() -> None:
    e = 64 * ((H - 4) // 2) * ((W - 3) // 3 + 1)
    f = compile_dim(e, ("H", "W"))
    for h in (1, 5, 28, 29, 100):
        for w in (3, 7, 30):
            assert f(h, w) == 64 * ((h - 4) // 2) * ((w - 3) // 3 + 1)


def test_square_solution_for_the_mnist_linear() -> None:
    h, w, pos = mnist_dims()
    fit = solve([c(9216, 64 * h * w)], pos)
    assert fit.status == "square" and fit.fits
    assert fit.solutions == ({"H": 28, "W": 28}, {"H": 29, "W": 29})  # floor division: 29 fits too
    assert fit.describe() == "fits: H = W = 28 or 29"
    assert fit.smallest == {"H": 6, "W": 6}


def test_negative_sizes_do_not_count_as_a_fit() -> None:
    # (H-4)//2 == -2 at H = 1: 64 * (-2) * (-2) = 256, a "fit" only if positivity is ignored
    h, w, pos = mnist_dims()
    assert solve([c(256, 64 * h * w)], []).solutions[0] == {"H": 1, "W": 1}
    fit = solve([c(256, 64 * h * w)], pos)
    assert fit.solutions[0] == {"H": 8, "W": 8}


def test_rectangular_only() -> None:
    h, w, pos = mnist_dims()
    fit = solve([c(64 * 12 * 14, 64 * h * w)], pos)
    assert fit.status == "rectangular"
    assert fit.solutions[0] == {"H": 28, "W": 32}
    assert fit.describe().startswith("fits only H = 28, W = 32")


def test_no_input_size_fits() -> None:
    h, w, pos = mnist_dims()
    fit = solve([c(9217, 64 * h * w)], pos)  # 9217 is odd: never 64 * a * b
    assert fit.status == "none" and not fit.fits
    assert fit.describe().startswith("no input size fits (tried square inputs 1..2048")


def test_several_constraints_must_hold_together() -> None:
    fit = solve([c(16, (H - 2) // 2), c(10, W // 3)], [H - 2, W])
    assert fit.status == "rectangular"
    assert {"H": 34, "W": 30} in fit.solutions


def test_one_dimensional_and_unconstrained() -> None:
    fit = solve([c(128, 32 * ((L - 2) // 4))], [L - 2])
    assert fit.status == "square" and fit.solutions[0] == {"L": 18}
    assert solve([], [H - 4]).status == "unconstrained"
    assert solve([c(3, 3)], []).status == "unconstrained"


def test_non_spatial_symbols_are_searched_independently() -> None:
    fit = solve([c(96, C * 4 * 4)], [])
    assert fit.solutions[0] == {"C": 6}


def test_smallest_valid_input() -> None:
    assert smallest_valid([H - 4, (H - 4) // 2 - 2, W - 6]) == {"H": 10, "W": 10}
    assert smallest_valid([]) is None


def test_descriptions() -> None:
    assert describe_bindings([{"H": 28, "W": 28}]) == "H = W = 28"
    assert describe_bindings([{"H": n, "W": n} for n in (32, 33, 34, 35)]) == "H = W = 32..35"
    assert describe_bindings([{"L": 5}]) == "L = 5"
    assert spatial_dims(["W", "C", "H", "D"]) == ["D", "H", "W"]
    assert Fit("unknown").describe() == "cannot tell which input sizes fit"


def test_it_is_fast() -> None:
    h, w, pos = mnist_dims()
    solve([c(9216, 64 * h * w)], pos)
    start = time.perf_counter()
    for _ in range(10):
        solve([c(9216, 64 * h * w)], pos)
    assert (time.perf_counter() - start) / 10 < 0.02
    start = time.perf_counter()
    solve([c(9217, 64 * h * w)], pos)  # the worst case: nothing fits, full searches
    assert time.perf_counter() - start < 0.1


def _model_without_shape(name: str, *replace: str) -> Any:
    source = (FIXTURES / name).read_text()
    if replace:
        source = source.replace(*replace)
    source = "\n".join(line for line in source.splitlines() if "input-shape" not in line and "torch.randn" not in line and "torch.zeros" not in line)
    result = analyze_source(source, name)
    (model,) = result.models
    assert any(n.kind == "no-input-shape" for n in result.notes)
    return model


def test_mnist_net_without_input_shape_fits_28() -> None:
    model = _model_without_shape("mnist_net.py")
    shaped = analyze(model)
    assert [(k.node_id, k.attr, k.value) for k in shaped.constraints] == [("fc1", "in_features", 9216)]
    fit = solve_model(shaped)
    assert fit.status == "square" and fit.solutions[0] == {"H": 28, "W": 28}


def test_lenet_without_input_shape_fits_32() -> None:
    # view(-1, 400) would let the batch dim absorb any size; flatten keeps the batch and constrains
    model = _model_without_shape("lenet.py", "x.view(-1, 16 * 5 * 5)", "torch.flatten(x, 1)")
    fit = solve_model(analyze(model))
    assert fit.solutions[0] == {"H": 32, "W": 32}
    assert fit.describe() == "fits: H = W = 32..35"


# -- the CL108 rule built on it ---------------------------------------------------------------
def _input_fit(source: str) -> list:
    from convlint.rules.input_fit import InputFit

    out = []
    for model in analyze_source(source, "snippet.py").models:
        out.extend(InputFit().check(analyze(model), None))  # type: ignore[arg-type]
    return [(d.severity, d.line, d.message) for d in out]


def test_input_fit_rule_reports_a_fit_as_info() -> None:
    from convlint.rules.input_fit import InputFit

    source = InputFit.INVALID[0].replace("9000", "9216")
    assert _input_fit(source) == [("info", 11, "Linear(9216) fits a 1x28x28 input: H = W = 28 or 29")]


def test_input_fit_rule_reports_no_fit_as_error_with_the_derivation() -> None:
    from convlint.rules.input_fit import InputFit

    ((severity, line, message),) = _input_fit(InputFit.INVALID[0])
    assert (severity, line) == ("error", 11)
    assert message.startswith("Linear(9000) fits no input size: its input has in_features = 64 * (H // 2 - 2) * (W // 2 - 2)")


def test_input_fit_rule_is_silent_with_a_known_input() -> None:
    from convlint.rules.input_fit import InputFit

    assert _input_fit(InputFit.VALID[0]) == []


def test_input_fit_rule_on_a_view_constraint() -> None:
    source = (FIXTURES / "lenet.py").read_text().replace("out = net(torch.randn(1, 3, 32, 32))", "pass")
    assert _input_fit(source) == [("info", 20, "view(-1, 400) fits a 3x32x32 input: H = W = 32..35")]
    broken = source.replace("x.view(-1, 16 * 5 * 5)", "x.view(-1, 401)")
    ((severity, line, message),) = _input_fit(broken)
    assert (severity, line) == ("error", 20)
    assert message.startswith("view(-1, 401) fits no input size: a sample has 16 * (H // 4 - 3) * (W // 4 - 3) elements")


def test_one_dimensional_none() -> None:
    fit = solve([c(129, 32 * ((L - 2) // 4))], [L - 2])
    assert fit.status == "none" and fit.describe() == "no input size fits (tried L in 1..2048)"
