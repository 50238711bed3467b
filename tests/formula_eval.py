"""Evaluate a ``--why`` formula as Python arithmetic, independently of convlint.

Only integer literals, names (bound by the caller), unary minus and ``+ - * //`` are accepted,
after the two printed symbols are mapped back (``·`` -> ``*``, ``−`` -> ``-``): anything else in
a formula is a test failure, not something to evaluate.
"""

from __future__ import annotations

import ast
import operator
from typing import Callable, Dict, Mapping

_OPS: Dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
}


def evaluate(text: str, bindings: Mapping[str, int] = {}) -> int:
    tree = ast.parse(text.replace("·", "*").replace("−", "-").replace(",", ""), mode="eval")

    def ev(node: ast.AST) -> int:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.Name):
            return bindings[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        raise ValueError(f"not integer arithmetic: {ast.dump(node)} in {text!r}")

    return ev(tree)
