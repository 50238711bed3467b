"""Reductions and squeeze/unsqueeze (torch tensor methods the front end maps to catalogue types)."""

from ._case import case, error

TORCH_FUNCTIONS = {
    name: f"Tensor.{name}"
    for name in ("mean", "sum", "amax", "amin", "std", "var", "prod", "logsumexp", "nansum", "nanmean", "squeeze", "unsqueeze")
}

CASES = [
    case("torch", "mean", ([2, 3],), inp=(None, 16, 7, 7), out=(None, 16), id="global-mean"),
    case("torch", "mean", (), {"dim": (2, 3), "keepdim": True}, inp=(None, 16, 7, 7), out=(None, 16, 1, 1), id="mean-keepdim"),
    case("torch", "sum", (1,), inp=(None, 4, 5), out=(None, 5), id="sum"),
    case("torch", "amax", (), {"dim": -1}, inp=(None, 4, 5), out=(None, 4), id="amax-negative"),
    case("torch", "amin", ((1, 2),), inp=(None, 3, 4, 5), out=(None, 5), id="amin"),
    case("torch", "std", (2,), inp=(None, 3, 6), out=(None, 3), id="std"),
    case("torch", "var", (2,), {"keepdim": True}, inp=(None, 3, 6), out=(None, 3, 1), id="var"),
    case("torch", "prod", (1,), inp=(None, 3, 2), out=(None, 2), id="prod"),
    case("torch", "logsumexp", (1,), inp=(None, 3, 2), out=(None, 2), id="logsumexp"),
    case("torch", "nansum", (), {"dim": (1, 2)}, inp=(None, 3, 4, 2), out=(None, 2), id="nansum"),
    case("torch", "nanmean", (-1,), {"keepdim": True}, inp=(None, 3, 4), out=(None, 3, 1), id="nanmean"),
    case("torch", "squeeze", (2,), inp=(None, 8, 1, 5), out=(None, 8, 5), id="squeeze-1"),
    case("torch", "squeeze", (1,), inp=(None, 8, 1, 5), out=(None, 8, 1, 5), id="squeeze-noop"),
    case("torch", "squeeze", (), inp=(None, 8, 1, 1), out=(None, 8), id="squeeze-all"),
    case("torch", "squeeze", ((2, 3),), inp=(None, 8, 1, 1), out=(None, 8), id="squeeze-tuple"),
    case("torch", "unsqueeze", (1,), inp=(None, 28, 28), out=(None, 1, 28, 28), id="unsqueeze"),
    case("torch", "unsqueeze", (-1,), inp=(None, 5), out=(None, 5, 1), id="unsqueeze-last"),
]

ERRORS = [
    error("torch", "mean", ([2, 3],), inp=(None, 16), kind="rank-mismatch", id="mean-dim-out-of-range"),
    error("torch", "unsqueeze", (4,), inp=(None, 5, 5), kind="rank-mismatch", id="unsqueeze-out-of-range"),
    error("torch", "sum", ((1, 1),), inp=(None, 5, 5), kind="invalid-argument", id="repeated-dim"),
]
