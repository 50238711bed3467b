"""Merging layers: Keras Concatenate/Add/Subtract/Multiply/Average/Maximum/Minimum/Dot and the
torch tensor ops the front end records as pseudo-types (``cat``, ``add``, ``sub``, ``mul``).

Two pure rules carry the family: :func:`concat_shapes` (every axis but one must agree) and
:func:`broadcast_shapes` (right-aligned NumPy broadcasting; Keras leaves the batch axis out).
Both compare axis sizes with :func:`same_dim`, which answers *provably equal*, *provably
different* or *cannot tell*: ``H`` and ``H - 1`` are different for every ``H`` (a finding),
``H`` and ``W`` might be equal (no finding; the left one is kept), and a concrete size is
preferred over a symbol or an unknown when the two must be equal anyway.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..dims import Dim, exact_div, is_known
from ..graph import Shape, Unknown, fmt_shape
from .base import REQUIRED, LayerError, LayerSpec, UnknownAttr, flag

__all__ = ["same_dim", "join_dim", "concat_shapes", "concat_note", "broadcast_shapes", "matmul_shape", "SPECS"]

ODim = Optional[Dim]


# -- pure size rules ----------------------------------------------------------------------
def same_dim(a: ODim, b: ODim) -> Optional[bool]:
    """True if ``a == b`` for every value of the symbols, False if never, None if unknown.

    Symbolic sizes are treated as sizes >= 1: ``H`` vs ``H - 1`` (a constant difference) and
    ``2 * H`` vs ``H`` (a constant ratio other than 1) can never be equal.
    """
    if a is None or b is None:
        return None
    if a == b:
        return True
    if is_known(a) and is_known(b):
        return False
    if is_known(a - b):  # type: ignore[operator]  # a nonzero constant difference
        return False
    for x, y in ((a, b), (b, a)):
        if not is_known(y):
            q = exact_div(x, y)
            if q is not None and is_known(q) and q != 1:
                return False
    return None


def join_dim(a: ODim, b: ODim) -> ODim:
    """The size two axes that must be equal share: a known size wins, else the left one."""
    if a is None:
        return b
    if b is None or same_dim(a, b):
        return a
    if is_known(b) and not is_known(a):
        return b
    return a


def _shapes_str(shapes: Sequence[Shape]) -> str:
    return ", ".join(fmt_shape(s) for s in shapes)


def _mismatch(type_name: str, rule: str, axis: int, a: ODim, src: int, b: ODim, i: int, shapes: Sequence[Shape]) -> LayerError:
    return LayerError(
        "merge-mismatch",
        f"{type_name}: {rule}, but axis {axis} has size {a} in input {src} and {b} in input {i}. "
        f"Received: input shapes {_shapes_str(shapes)}",
        expected=a,
        received=b,
    )


def concat_shapes(shapes: Sequence[Shape], axis: int, type_name: str) -> Shape:
    """Concatenate along ``axis`` (an index into the shape, batch = 0): all ranks equal, every
    other axis equal, the sizes along ``axis`` added up."""
    rank = len(shapes[0])
    for i, s in enumerate(shapes):
        if len(s) != rank:
            raise LayerError(
                "merge-mismatch",
                f"{type_name}: all inputs must have the same rank, but input 0 has {rank} axes and input {i} has "
                f"{len(s)}. Received: input shapes {_shapes_str(shapes)}",
                expected=rank,
                received=len(s),
            )
    out: List[ODim] = list(shapes[0])
    source = [0] * rank
    for i, s in enumerate(shapes[1:], start=1):
        for ax in range(rank):
            if ax == axis:
                out[ax] = None if out[ax] is None or s[ax] is None else out[ax] + s[ax]  # type: ignore[operator]
                continue
            if same_dim(out[ax], s[ax]) is False:
                rule = f"inputs must match on every axis except the concatenation axis {axis}"
                raise _mismatch(type_name, rule, ax, out[ax], source[ax], s[ax], i, shapes)
            joined = join_dim(out[ax], s[ax])
            if joined != out[ax]:
                source[ax] = i
            out[ax] = joined
    return tuple(out)


def broadcast_dim(a: ODim, b: ODim) -> Tuple[bool, ODim]:
    """(compatible, size) of two axes under broadcasting (a size-1 axis stretches)."""
    if is_known(a) and a == 1:
        return True, b
    if is_known(b) and b == 1:
        return True, a
    if same_dim(a, b) is False:
        return False, None
    return True, join_dim(a, b)


def broadcast_shapes(shapes: Sequence[Shape], type_name: str, batch_apart: bool) -> Shape:
    """Right-aligned broadcasting of all ``shapes``.  ``batch_apart`` (Keras): the batch axes
    are left out and the others aligned, as Keras' ``Merge`` does."""
    body = [tuple(s[1:]) if batch_apart else tuple(s) for s in shapes]
    rank = max(len(s) for s in body)
    padded = [(1,) * (rank - len(s)) + s for s in body]
    out: List[ODim] = list(padded[0])
    source = [0] * rank
    for i, s in enumerate(padded[1:], start=1):
        for ax in range(rank):
            ok, value = broadcast_dim(out[ax], s[ax])
            if not ok:
                shown = ax + 1 if batch_apart else ax
                rule = "inputs have incompatible shapes (sizes must be equal, or 1 to broadcast)"
                raise _mismatch(type_name, rule, shown, out[ax], source[ax], s[ax], i, shapes)
            if value != out[ax]:
                source[ax] = i
            out[ax] = value
    return (None, *out) if batch_apart else tuple(out)


def _axis_index(axis: Any, rank: int, type_name: str, attr: str) -> int:
    if isinstance(axis, Unknown):
        raise UnknownAttr(attr, axis.reason)
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise LayerError(
            "invalid-argument", f"{type_name}: '{attr}' must be an integer. Received: {attr}={axis!r}", attr=attr
        )
    if not -rank <= axis < rank:
        raise LayerError(
            "invalid-argument",
            f"{type_name}: {attr}={axis} is out of range for {rank}D inputs (expected {-rank} to {rank - 1}). "
            f"Received: {attr}={axis}",
            attr=attr,
            received=axis,
        )
    return axis % rank


def _count_inputs(type_name: str, shapes: Sequence[Shape], exactly: Optional[int] = None, at_least: int = 1) -> None:
    n = len(shapes)
    if (exactly is not None and n != exactly) or n < at_least:
        want = f"exactly {exactly}" if exactly is not None else f"at least {at_least}"
        raise LayerError(
            "merge-mismatch",
            f"{type_name} must be called on {want} inputs. Received: {n} input{'s' if n != 1 else ''}",
            expected=exactly or at_least,
            received=n,
        )


def concat_note(shapes: Sequence[Shape], axis: int) -> Dict[int, str]:
    """How the concatenated axis came about (``"32 + 16"``), for messages that name its size."""
    sizes = [s[axis] for s in shapes]
    if len(sizes) < 2 or any(d is None for d in sizes):
        return {}
    return {axis: " + ".join(f"({d})" if not is_known(d) and " " in str(d) else str(d) for d in sizes)}


# -- Keras ---------------------------------------------------------------------------------
def _keras_align(xs: List[Any]) -> List[Any]:
    """Keras' Merge inserts axes after the batch axis until the ranks agree."""
    import numpy as np

    rank = max(x.ndim for x in xs)
    out = []
    for x in xs:
        while x.ndim < rank:
            x = np.expand_dims(x, 1)
        out.append(x)
    return out


def _reduce(op: str) -> Callable[[List[Any]], Any]:
    def forward(xs: List[Any]) -> Any:
        import numpy as np

        if op == "add":
            return sum(xs[1:], xs[0])
        if op == "subtract":
            return xs[0] - xs[1]
        if op == "multiply":
            out = xs[0]
            for x in xs[1:]:
                out = out * x
            return out
        if op == "average":
            return sum(xs[1:], xs[0]) / len(xs)
        ufunc = np.maximum if op == "maximum" else np.minimum
        out = xs[0]
        for x in xs[1:]:
            out = ufunc(out, x)
        return out

    return forward


class KerasMerge(LayerSpec):
    """Keras' element-wise merges (the ``Merge`` base class): broadcasting, batch axis apart."""

    _OPS = {
        "Add": "add", "Subtract": "subtract", "Multiply": "multiply", "Average": "average",
        "Maximum": "maximum", "Minimum": "minimum",
    }
    types = tuple(("keras", name) for name in _OPS)
    aliases = {("keras", op): name for name, op in _OPS.items()}  # keras.layers.add(...) etc.
    signatures: Dict[Tuple[str, str], Any] = {}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {"type": type_name, "op": self._OPS[type_name]}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        name = attrs["type"]
        _count_inputs(name, inputs, exactly=2 if attrs["op"] == "subtract" else None)
        return broadcast_shapes(inputs, name, batch_apart=True)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        return _reduce(attrs["op"])(_keras_align(list(xs))).astype("float32")


class KerasConcatenate(LayerSpec):
    """``keras.layers.Concatenate(axis=-1)``; the axis counts the batch axis as 0."""

    types = (("keras", "Concatenate"),)
    aliases = {("keras", "concatenate"): "Concatenate"}
    signatures = {("keras", "Concatenate"): [("axis", -1)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        axis = params["axis"]
        if isinstance(axis, Unknown):
            raise UnknownAttr("axis", axis.reason)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise LayerError("invalid-argument", f"{type_name}: 'axis' must be an integer. Received: axis={axis!r}", attr="axis")
        return {"type": type_name, "axis": axis}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        name = attrs["type"]
        _count_inputs(name, inputs)
        axis = _axis_index(attrs["axis"], len(inputs[0]), name, "axis")
        return concat_shapes(inputs, axis, name)

    def explain_dims(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Dict[int, str]:
        return concat_note(inputs, attrs["axis"] % len(inputs[0]))

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        return np.concatenate(list(xs), axis=attrs["axis"])


class KerasDot(LayerSpec):
    """``keras.layers.Dot(axes, normalize=False)``: a batched dot product of two inputs."""

    types = (("keras", "Dot"),)
    aliases = {("keras", "dot"): "Dot"}
    signatures = {("keras", "Dot"): [("axes", REQUIRED), ("normalize", False)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        axes = params["axes"]
        if isinstance(axes, Unknown):
            raise UnknownAttr("axes", axes.reason)
        pair = tuple(axes) if isinstance(axes, (list, tuple)) else None
        items = pair if pair is not None else (axes,)
        if (pair is not None and len(pair) != 2) or any(isinstance(a, bool) or not isinstance(a, int) for a in items):
            raise LayerError(
                "invalid-argument",
                f"{type_name}: 'axes' must be an integer or a pair of integers. Received: axes={axes!r}",
                attr="axes",
            )
        return {"type": type_name, "axes": axes if pair is None else pair, "normalize": flag(params["normalize"], "normalize")}

    def _axes(self, attrs: Dict[str, Any], r1: int, r2: int) -> Tuple[int, int]:
        axes = attrs["axes"]
        pair = (axes, axes) if isinstance(axes, int) else axes
        a0 = _axis_index(pair[0], r1, attrs["type"], "axes")
        a1 = _axis_index(pair[1], r2, attrs["type"], "axes")
        if a0 == 0 or a1 == 0:
            raise LayerError(
                "invalid-argument",
                f"{attrs['type']}: cannot take the dot product along the batch axis. Received: axes={attrs['axes']!r}",
                attr="axes",
            )
        return a0, a1

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        name = attrs["type"]
        _count_inputs(name, inputs, exactly=2)
        s1, s2 = inputs
        if len(s1) < 2 or len(s2) < 2:
            raise LayerError(
                "rank-mismatch",
                f"{name} needs inputs with at least 2 axes. Received: input shapes {_shapes_str(inputs)}",
            )
        a0, a1 = self._axes(attrs, len(s1), len(s2))
        if same_dim(s1[a0], s2[a1]) is False:
            raise LayerError(
                "merge-mismatch",
                f"{name}: the dot product axes must have the same size, but axis {a0} of input 0 has size {s1[a0]} "
                f"and axis {a1} of input 1 has size {s2[a1]}. Received: input shapes {_shapes_str(inputs)}",
                expected=s1[a0],
                received=s2[a1],
            )
        out = [d for i, d in enumerate(s1) if i != a0] + [d for i, d in enumerate(s2) if i not in (0, a1)]
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x, y = xs
        a0, a1 = self._axes(attrs, x.ndim, y.ndim)
        if attrs["normalize"]:
            x = x / np.maximum(np.linalg.norm(x, axis=a0, keepdims=True), 1e-7)
            y = y / np.maximum(np.linalg.norm(y, axis=a1, keepdims=True), 1e-7)
        letters = "bcdefghijklmnopqrstuvwxyz"
        xi = ["a"] + [letters[i] for i in range(x.ndim - 1)]
        yi = ["a"] + [letters[x.ndim - 1 + i] for i in range(y.ndim - 1)]
        yi[a1] = xi[a0]
        out = [c for i, c in enumerate(xi) if i != a0] + [c for i, c in enumerate(yi) if i not in (0, a1)]
        z = np.einsum(f"{''.join(xi)},{''.join(yi)}->{''.join(out)}", x, y)
        if z.ndim == 1:
            z = z[:, None]
        return z.astype("float32")


# -- PyTorch tensor ops ---------------------------------------------------------------------
class TorchCat(LayerSpec):
    """``torch.cat(tensors, dim=0)`` (also ``torch.concat``/``concatenate``); no broadcasting."""

    types = (("torch", "cat"),)
    aliases = {("torch", "concat"): "cat", ("torch", "concatenate"): "cat"}
    signatures = {("torch", "cat"): [("dim", 0)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        dim = params["axis"] if "axis" in params else params["dim"]  # torch.concatenate spells it axis
        if isinstance(dim, Unknown):
            raise UnknownAttr("dim", dim.reason)
        if isinstance(dim, bool) or not isinstance(dim, int):
            raise LayerError(
                "invalid-argument", f"torch.{type_name}: 'dim' must be an integer. Received: dim={dim!r}", attr="dim"
            )
        return {"type": type_name, "dim": dim}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        name = f"torch.{attrs['type']}"
        _count_inputs(name, inputs)
        axis = _axis_index(attrs["dim"], len(inputs[0]), name, "dim")
        return concat_shapes(inputs, axis, name)

    def explain_dims(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Dict[int, str]:
        return concat_note(inputs, attrs["dim"] % len(inputs[0]))

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        return np.concatenate(list(xs), axis=attrs["dim"])


class TorchArithmetic(LayerSpec):
    """``torch.add``/``sub``/``mul`` (and the ``+ - *`` operators) between tensors: broadcasting
    over every axis.  One tensor input means the other operand is a scalar (kwarg ``other``)."""

    _OPS = {"add": "add", "sub": "sub", "mul": "mul"}
    types = tuple(("torch", name) for name in _OPS)
    aliases = {("torch", "subtract"): "sub", ("torch", "multiply"): "mul"}
    # what follows the tensors in the call: a scalar operand (``torch.add(x, 2)``), then alpha
    signatures = {
        ("torch", "add"): [("other", None), ("alpha", 1)],
        ("torch", "sub"): [("other", None), ("alpha", 1)],
        ("torch", "mul"): [("other", None)],
    }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        alpha = params.get("alpha", 1)
        if isinstance(alpha, bool) or not (isinstance(alpha, (int, float)) or isinstance(alpha, Unknown)):
            raise LayerError(
                "invalid-argument", f"torch.{type_name}: 'alpha' must be a number. Received: alpha={alpha!r}", attr="alpha"
            )
        other = params.get("other")
        scalar = isinstance(other, (int, float)) and not isinstance(other, bool)
        if not (other is None or isinstance(other, Unknown) or scalar):
            raise LayerError(
                "invalid-argument",
                f"torch.{type_name}: the operand must be a tensor or a number. Received: {other!r}",
                attr="other",
            )
        if type_name == "mul" and "alpha" in params:
            raise LayerError("invalid-argument", "torch.mul takes no 'alpha' argument. Received: alpha", attr="alpha")
        return {"type": type_name, "alpha": alpha, "other": other}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        name = f"torch.{attrs['type']}"
        _count_inputs(name, inputs)
        return broadcast_shapes(inputs, name, batch_apart=False)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        operands = list(xs)
        if len(operands) == 1:
            other = attrs["other"]
            if other is None or isinstance(other, Unknown):
                raise NotImplementedError(f"torch.{attrs['type']}: the scalar operand is unresolved")
            operands.append(np.float32(other))
        alpha = attrs["alpha"]
        if isinstance(alpha, Unknown):
            raise NotImplementedError(f"torch.{attrs['type']}: alpha is unresolved")
        out = operands[0]
        for x in operands[1:]:
            if attrs["type"] == "add":
                out = out + alpha * x
            elif attrs["type"] == "sub":
                out = out - alpha * x
            else:
                out = out * x
        return np.asarray(out, dtype=np.float32)


class TorchStack(LayerSpec):
    """``torch.stack(tensors, dim=0)``: equal shapes, joined along a new axis."""

    types = (("torch", "stack"),)
    signatures = {("torch", "stack"): [("dim", 0)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        dim = params["dim"]
        if isinstance(dim, Unknown):
            raise UnknownAttr("dim", dim.reason)
        if isinstance(dim, bool) or not isinstance(dim, int):
            raise LayerError("invalid-argument", f"torch.stack: 'dim' must be an integer. Received: dim={dim!r}", attr="dim")
        return {"dim": dim}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        _count_inputs("torch.stack", inputs)
        first = inputs[0]
        for i, shape in enumerate(inputs[1:], start=1):
            if len(shape) != len(first):
                raise _mismatch("torch.stack", "inputs must have equal shapes", len(first), len(first), 0, len(shape), i, inputs)
            for ax, (a, b) in enumerate(zip(first, shape)):
                if same_dim(a, b) is False:
                    raise _mismatch("torch.stack", "inputs must have equal shapes", ax, a, 0, b, i, inputs)
        at = _axis_index(attrs["dim"], len(first) + 1, "torch.stack", "dim")
        joined = tuple(first[ax] if ax else join_dim(first[ax], inputs[-1][ax]) for ax in range(len(first)))
        return joined[:at] + (len(inputs),) + joined[at:]

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        return np.stack(list(xs), axis=attrs["dim"])


def matmul_shape(a: Shape, b: Shape, type_name: str) -> Shape:
    """``torch.matmul`` / ``@``: a 1-D operand gains (then loses) a unit axis; the last axis of
    the first must equal the second-to-last of the second; the axes before broadcast."""
    if not a or not b:
        raise LayerError("invalid-argument", f"{type_name}: both arguments need to be at least 1D. "
                         f"Received: input shapes {_shapes_str([a, b])}")
    left = (1,) + tuple(a) if len(a) == 1 else tuple(a)
    right = tuple(b) + (1,) if len(b) == 1 else tuple(b)
    if same_dim(left[-1], right[-2]) is False:
        raise LayerError(
            "merge-mismatch",
            f"{type_name}: the shapes cannot be multiplied: the last axis of the first input has size {left[-1]} "
            f"but the second-to-last axis of the second has size {right[-2]}. Received: input shapes {_shapes_str([a, b])}",
            expected=left[-1],
            received=right[-2],
        )
    batch_a, batch_b = left[:-2], right[:-2]
    rank = max(len(batch_a), len(batch_b))
    pa = (1,) * (rank - len(batch_a)) + batch_a
    pb = (1,) * (rank - len(batch_b)) + batch_b
    batch: List[ODim] = []
    for ax, (x, y) in enumerate(zip(pa, pb)):
        ok, value = broadcast_dim(x, y)
        if not ok:
            rule = "batch axes must be equal, or 1 to broadcast"
            raise _mismatch(type_name, rule, ax, x, 0, y, 1, [a, b])
        batch.append(value)
    out = tuple(batch) + ((left[-2],) if len(a) > 1 else ()) + ((right[-1],) if len(b) > 1 else ())
    return out


class TorchMatmul(LayerSpec):
    """``torch.matmul(a, b)`` / ``a @ b`` (also ``torch.mm``/``bmm`` for 2-D / 3-D operands)."""

    types = (("torch", "matmul"),)
    aliases = {("torch", "mm"): "matmul", ("torch", "bmm"): "matmul"}
    signatures = {("torch", "matmul"): []}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        _count_inputs("torch.matmul", inputs, exactly=2)
        return matmul_shape(inputs[0], inputs[1], "torch.matmul")

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        return np.matmul(xs[0], xs[1]).astype("float32")


SPECS: List[LayerSpec] = [KerasMerge(), KerasConcatenate(), KerasDot(), TorchCat(), TorchArithmetic(), TorchStack(), TorchMatmul()]
