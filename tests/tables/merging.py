"""Merging rows: Keras Concatenate/Add/Subtract/Multiply/Average/Maximum/Minimum/Dot and the
torch pseudo-types ``cat``/``add``/``sub``/``mul`` the front end emits for tensor ops.

How the oracle runs the pseudo-types: ``TORCH_FUNCTIONS`` maps each to the torch function; the
row's ``args``/``kwargs`` are what follows the tensors in the user's call, so
``torch.cat([a, b], 1)`` is ``case("torch", "cat", (1,), inp=[a, b], ...)`` and runs as
``torch.cat([a, b], 1)``, and ``torch.add(a, b, alpha=2)`` runs as ``torch.add(a, b, alpha=2)``.
Rows never concatenate along the batch axis (dim 0): the oracle's concrete batch would double.
"""

from ._case import case, error

TORCH_FUNCTIONS = {
    "cat": "torch.cat",
    "concat": "torch.concat",
    "concatenate": "torch.concatenate",
    "add": "torch.add",
    "sub": "torch.sub",
    "subtract": "torch.subtract",
    "mul": "torch.mul",
    "multiply": "torch.multiply",
    "stack": "torch.stack",
    "matmul": "torch.matmul",
    "mm": "torch.mm",
    "bmm": "torch.bmm",
}

_ELEMENTWISE = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")

CASES = [
    # -- Keras Concatenate ---------------------------------------------------------------------
    case("keras", "Concatenate", inp=[(None, 4, 4, 3), (None, 4, 4, 5)], out=(None, 4, 4, 8), id="channels"),
    case("keras", "Concatenate", (1,), inp=[(None, 3, 4), (None, 5, 4)], out=(None, 8, 4), id="axis1"),
    case("keras", "Concatenate", (), {"axis": -2}, inp=[(None, 3, 4), (None, 5, 4), (None, 1, 4)], out=(None, 9, 4), id="three-axis-2"),
    case("keras", "Concatenate", (), {"axis": 2}, inp=[(None, 6, 2, 3), (None, 6, 7, 3)], out=(None, 6, 9, 3), id="axis2"),
    case("keras", "Concatenate", inp=[(None, 10), (None, 20), (None, 1)], out=(None, 31), id="flat"),
    # -- Keras element-wise merges -----------------------------------------------------------
    *[
        case("keras", t, inp=[(None, 4, 4, 3), (None, 4, 4, 3)], out=(None, 4, 4, 3), id=f"{t.lower()}")
        for t in _ELEMENTWISE
    ],
    *[
        case("keras", t, inp=[(None, 3, 1), (None, 1, 4)], out=(None, 3, 4), id=f"{t.lower()}-broadcast")
        for t in _ELEMENTWISE
    ],
    *[
        case("keras", t, inp=[(None, 5, 2), (None, 5, 2), (None, 5, 2)], out=(None, 5, 2), id=f"{t.lower()}-three")
        for t in _ELEMENTWISE
        if t != "Subtract"
    ],
    case("keras", "Add", inp=[(None, 3, 4), (None, 4)], out=(None, 3, 4), id="add-rank-pad"),
    case("keras", "Multiply", inp=[(None, 2, 1, 4), (None, 3, 1)], out=(None, 2, 3, 4), id="multiply-rank-pad"),
    # -- Keras Dot ----------------------------------------------------------------------------
    case("keras", "Dot", (1,), inp=[(None, 5), (None, 5)], out=(None, 1), id="dot-vectors"),
    case("keras", "Dot", ((2, 1),), inp=[(None, 3, 4), (None, 4, 6)], out=(None, 3, 6), id="dot-matmul"),
    case("keras", "Dot", (), {"axes": -1, "normalize": True}, inp=[(None, 3, 4), (None, 5, 4)], out=(None, 3, 5), id="dot-cosine"),
    case("keras", "Dot", (), {"axes": [1, 1]}, inp=[(None, 3, 4), (None, 3, 2)], out=(None, 4, 2), id="dot-axes1"),
    case("keras", "Dot", ((3, 1),), inp=[(None, 3, 4, 5), (None, 5, 6)], out=(None, 3, 4, 6), id="dot-rank4"),
    case("keras", "Dot", (2,), inp=[(None, 3, 4, 5), (None, 3, 4, 6)], out=(None, 3, 5, 3, 6), id="dot-outer-rest"),
    # -- torch cat -----------------------------------------------------------------------------
    case("torch", "cat", (1,), inp=[(None, 3, 8, 8), (None, 5, 8, 8)], out=(None, 8, 8, 8), id="cat-channels"),
    case("torch", "cat", (), {"dim": 1}, inp=[(None, 3, 8), (None, 5, 8), (None, 2, 8)], out=(None, 10, 8), id="cat-three"),
    case("torch", "cat", (-1,), inp=[(None, 2, 4), (None, 2, 6)], out=(None, 2, 10), id="cat-last"),
    case("torch", "cat", (), {"dim": 2}, inp=[(None, 3, 1, 5), (None, 3, 4, 5)], out=(None, 3, 5, 5), id="cat-dim2"),
    case("torch", "cat", (1,), inp=[(None, 7)], out=(None, 7), id="cat-single"),
    case("torch", "stack", (1,), inp=[(None, 3, 4), (None, 3, 4)], out=(None, 2, 3, 4), id="stack-dim1"),
    case("torch", "stack", (), {"dim": -1}, inp=[(None, 5), (None, 5), (None, 5)], out=(None, 5, 3), id="stack-last"),
    case("torch", "matmul", inp=[(None, 3, 4), (None, 4, 6)], out=(None, 3, 6), id="matmul-batched"),
    case("torch", "matmul", inp=[(None, 2, 3, 4), (None, 2, 4, 5)], out=(None, 2, 3, 5), id="matmul-attention"),
    case("torch", "concat", (), {"dim": 1}, inp=[(None, 3), (None, 4)], out=(None, 7), id="concat-alias"),
    case("torch", "concatenate", (), {"axis": 1}, inp=[(None, 3), (None, 4)], out=(None, 7), id="concatenate-axis"),
    # -- torch arithmetic ------------------------------------------------------------------------
    case("torch", "add", inp=[(None, 3, 4, 4), (None, 3, 4, 4)], out=(None, 3, 4, 4), id="add"),
    case("torch", "add", (), {"alpha": 2}, inp=[(None, 3, 4), (None, 3, 4)], out=(None, 3, 4), id="add-alpha"),
    case("torch", "add", inp=[(None, 3, 1, 4), (None, 1, 5, 1)], out=(None, 3, 5, 4), id="add-broadcast"),
    case("torch", "sub", inp=[(None, 6, 2), (None, 6, 2)], out=(None, 6, 2), id="sub"),
    case("torch", "sub", (), {"alpha": 0.5}, inp=[(None, 6, 2), (None, 1, 2)], out=(None, 6, 2), id="sub-alpha-broadcast"),
    case("torch", "mul", inp=[(None, 3, 4, 4), (None, 3, 1, 1)], out=(None, 3, 4, 4), id="mul-gate"),
    case("torch", "add", (2.0,), inp=[(None, 3, 4)], out=(None, 3, 4), id="add-scalar"),
    case("torch", "sub", (1,), {"alpha": 3}, inp=[(None, 5)], out=(None, 5), id="sub-scalar-alpha"),
    case("torch", "mul", (0.5,), inp=[(None, 2, 2)], out=(None, 2, 2), id="mul-scalar"),
    case("torch", "subtract", inp=[(None, 2), (None, 2)], out=(None, 2), id="subtract-alias"),
    case("torch", "multiply", inp=[(None, 2, 3), (None, 2, 1)], out=(None, 2, 3), id="multiply-alias"),
]

ERRORS = [
    # -- Keras ----------------------------------------------------------------------------------
    error("keras", "Concatenate", inp=[(None, 32, 32, 3), (None, 31, 31, 3)], kind="merge-mismatch", id="concat-spatial"),
    error("keras", "Concatenate", (1,), inp=[(None, 3, 4), (None, 3, 5)], kind="merge-mismatch", id="concat-axis1"),
    error("keras", "Concatenate", inp=[(None, 3, 4), (None, 4)], kind="merge-mismatch", id="concat-rank"),
    error("keras", "Concatenate", (5,), inp=[(None, 3, 4), (None, 3, 4)], kind="invalid-argument", id="concat-axis-range"),
    error("keras", "Add", inp=[(None, 3, 4), (None, 3, 5)], kind="merge-mismatch", id="add-mismatch"),
    error("keras", "Maximum", inp=[(None, 8, 8, 16), (None, 4, 4, 16)], kind="merge-mismatch", id="maximum-mismatch"),
    error("keras", "Multiply", inp=[(None, 4), (None, 4), (None, 3)], kind="merge-mismatch", id="multiply-third"),
    error("keras", "Subtract", inp=[(None, 3), (None, 3), (None, 3)], kind="merge-mismatch", id="subtract-three"),
    error("keras", "Dot", (1,), inp=[(None, 5), (None, 6)], kind="merge-mismatch", id="dot-mismatch"),
    error("keras", "Dot", ((2, 1),), inp=[(None, 3, 4), (None, 5, 6)], kind="merge-mismatch", id="dot-pair-mismatch"),
    error("keras", "Dot", (1,), inp=[(None, 5), (None, 5), (None, 5)], kind="merge-mismatch", id="dot-three"),
    # -- torch ----------------------------------------------------------------------------------
    error("torch", "cat", (1,), inp=[(None, 3, 8, 8), (None, 5, 7, 8)], kind="merge-mismatch", id="cat-spatial"),
    error("torch", "cat", (1,), inp=[(None, 3, 8), (None, 3, 8, 1)], kind="merge-mismatch", id="cat-rank"),
    error("torch", "stack", (1,), inp=[(None, 3, 4), (None, 3, 5)], kind="merge-mismatch", id="stack-unequal"),
    error("torch", "stack", (), {"dim": 4}, inp=[(None, 3, 4), (None, 3, 4)], kind="invalid-argument", id="stack-dim-range"),
    error("torch", "matmul", inp=[(None, 3, 4), (None, 5, 6)], kind="merge-mismatch", id="matmul-inner"),
    error("torch", "cat", (), {"dim": 3}, inp=[(None, 3, 8), (None, 3, 8)], kind="invalid-argument", id="cat-dim-range"),
    error("torch", "add", inp=[(None, 3, 4), (None, 3, 5)], kind="merge-mismatch", id="add-mismatch"),
    error("torch", "mul", inp=[(None, 16, 8, 8), (None, 8, 1, 1)], kind="merge-mismatch", id="mul-channels"),
    error("torch", "sub", inp=[(None, 2, 3), (None, 3, 2)], kind="merge-mismatch", id="sub-transposed"),
]
