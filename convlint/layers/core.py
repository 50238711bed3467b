"""Core layers: model inputs, dense/linear layers, PReLU, and (from ``_elementwise``) the
shape-preserving activations, dropouts and identities.

What this family contributes beyond "same shape out": ``Input`` starts a graph,
``Dense``/``Linear`` replace the last axis (``Linear`` declares ``in_features`` as a requirement
on it), ``Bilinear`` joins two inputs, and PReLU's slopes are weights whose shape depends on the
input (Keras) or must match its channels (torch).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ..dims import Dim, Expr, is_known
from ..graph import Shape, Unknown, fmt_shape
from .base import (
    REQUIRED,
    LayerError,
    LayerSpec,
    Requirement,
    UnknownAttr,
    Weight,
    ensure_torch_rank,
    flag,
)
from ._elementwise import (
    KERAS_ACTIVATION_NAMES,
    KERAS_ACTS,
    TORCH_ACTS,
    Elementwise,
    apply_keras_activation,
    bad_arg,
    halved,
    keras_activation_name,
    number_arg,
)

__all__ = ["KERAS_ACTIVATION_NAMES", "keras_activation_name", "SPECS"]


# -- argument helpers ---------------------------------------------------------------------
def _count(value: Any, attr: str, type_name: str, minimum: int = 1) -> Dim:
    """An integer size argument (``units``, ``out_features``): int or symbol, >= ``minimum``."""
    if isinstance(value, Unknown):
        raise UnknownAttr(attr, value.reason)
    if isinstance(value, bool) or not isinstance(value, (int, Expr)):
        raise LayerError(
            "invalid-argument",
            f"{type_name}: '{attr}' must be an integer. Received: {attr}={value!r}",
            attr=attr,
        )
    if is_known(value) and value < minimum:
        what = "positive" if minimum == 1 else "non-negative"
        raise LayerError(
            "invalid-argument",
            f"{type_name}: '{attr}' must be a {what} integer. Received: {attr}={value}",
            attr=attr,
            received=value,
        )
    return value


def _min_rank(shape: Shape, rank: int, type_name: str) -> None:
    if len(shape) < rank:
        raise LayerError(
            "rank-mismatch",
            f"{type_name} expects an input of at least {rank} axes (batch included). "
            f"Received: a {len(shape)}D input of shape {fmt_shape(shape)}",
            expected=rank,
            received=len(shape),
        )


# -- Input ----------------------------------------------------------------------------------
_KERAS_INPUT_SIGNATURE = [
    ("shape", None), ("batch_size", None), ("dtype", None), ("sparse", None), ("ragged", None),
    ("batch_shape", None),
]


def _input_dims(shape: Any, attr: str, type_name: str) -> Tuple[Optional[Dim], ...]:
    """The axis sizes of an ``Input``'s shape argument, checked."""
    if isinstance(shape, Unknown):
        raise UnknownAttr(attr, shape.reason)
    if not isinstance(shape, (list, tuple)):
        raise bad_arg(type_name, attr, "must be a tuple of axis sizes (without the batch axis)", shape)
    dims: List[Optional[Dim]] = []
    for d in shape:
        if isinstance(d, Unknown):
            raise UnknownAttr(attr, d.reason)
        if d is not None and (isinstance(d, bool) or not isinstance(d, (int, Expr))):
            raise bad_arg(type_name, attr, "must contain integers or None", tuple(shape))
        if is_known(d) and d < 0:  # type: ignore[operator]
            raise bad_arg(type_name, attr, "cannot contain negative sizes", tuple(shape))
        dims.append(d)
    return tuple(dims)


class InputSpec(LayerSpec):
    """``keras.Input`` / ``InputLayer`` and the torch front end's ``Input``: a graph source.

    ``shape`` excludes the batch axis, which stays ``None`` (any batch size) unless
    ``batch_size`` fixes it.  ``batch_shape`` is the exact shape of the tensor, every axis
    included: Keras' own spelling, and how the torch front end passes a tensor a factory made
    (``torch.rand(16, 64, 64)`` is exactly ``(16, 64, 64)``; whether its first axis is a batch
    is for each layer to say from the rank, as PyTorch does, so an unbatched ``(C, H, W)`` needs
    no flag).  An axis may be an int, a symbol, or ``None`` (Keras' "any size").
    """

    types = (("keras", "Input"), ("keras", "InputLayer"), ("torch", "Input"))
    signatures = {
        ("keras", "Input"): _KERAS_INPUT_SIGNATURE,
        ("keras", "InputLayer"): _KERAS_INPUT_SIGNATURE,
        ("torch", "Input"): [("shape", None), ("batch_shape", None)],
    }

    def min_inputs(self) -> int:
        return 0

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        shape = params.get("shape")
        attr = "shape"
        batch: Any = params.get("batch_size")
        exact = False
        if shape is None and params.get("batch_shape") is not None:
            shape, attr, exact = params["batch_shape"], "batch_shape", True
        if shape is None and params.get("input_shape") is not None:  # Keras 2 InputLayer spelling
            shape, attr = params["input_shape"], "input_shape"
        if shape is None:
            raise LayerError(
                "invalid-argument",
                f"{type_name} needs a shape (without the batch axis), e.g. shape=(28, 28, 1). Received: shape=None",
                attr="shape",
            )
        dims = _input_dims(shape, attr, type_name)
        if exact:
            return {"type": type_name, "shape": dims}
        if isinstance(batch, Unknown) or isinstance(batch, bool) or not isinstance(batch, (int, type(None))):
            batch = None  # an unresolved batch size only hides the batch axis' size
        return {"type": type_name, "shape": (batch, *dims)}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        return attrs["shape"]

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        if not xs:
            raise NotImplementedError("an Input node is fed by the executor, not computed")
        return xs[0]


# -- Dense / Linear / Bilinear ------------------------------------------------------------------
class KerasDense(LayerSpec):
    """``keras.layers.Dense``: acts on the last axis of any input of rank >= 2."""

    types = (("keras", "Dense"),)
    signatures = {("keras", "Dense"): [("units", REQUIRED), ("activation", None), ("use_bias", True)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            "units": _count(params["units"], "units", type_name),
            "activation": keras_activation_name(params["activation"], type_name),
            "use_bias": flag(params["use_bias"], "use_bias"),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        _min_rank(shape, 2, attrs["type"])
        last: Optional[Dim] = attrs["units"]
        if attrs["activation"] == "glu":
            last = halved(last, len(shape) - 1, shape, attrs["type"], "activation")
        return (*shape[:-1], last)

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        n_in = inputs[0][-1] if inputs and len(inputs[0]) >= 2 else None
        out = [Weight("kernel", (n_in, attrs["units"]))]  # type: ignore[arg-type]  # None: size unknown
        if attrs["use_bias"]:
            out.append(Weight("bias", (attrs["units"],), role="bias"))
        return out

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        y = xs[0] @ weights["kernel"]
        if attrs["use_bias"]:
            y = y + weights["bias"]
        return apply_keras_activation(attrs["activation"], y.astype("float32"))


class TorchLinear(LayerSpec):
    """``torch.nn.Linear``: its ``in_features`` fixes the input's last axis (a requirement)."""

    types = (("torch", "Linear"),)
    signatures = {("torch", "Linear"): [("in_features", REQUIRED), ("out_features", REQUIRED), ("bias", True)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            "in_features": _count(params["in_features"], "in_features", type_name, minimum=0),
            "out_features": _count(params["out_features"], "out_features", type_name, minimum=0),
            "bias": flag(params["bias"], "bias"),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        ensure_torch_rank(shape, 1, None, attrs["type"])  # any leading axes, or none: (in_features,)
        return (*shape[:-1], attrs["out_features"])

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        return [Requirement(-1, attrs["in_features"], "in_features")]

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        out = [Weight("weight", (attrs["out_features"], attrs["in_features"]))]
        if attrs["bias"]:
            out.append(Weight("bias", (attrs["out_features"],), role="bias"))
        return out

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        y = xs[0] @ weights["weight"].T
        if attrs["bias"]:
            y = y + weights["bias"]
        return y.astype("float32")


class TorchLazyLinear(TorchLinear):
    """``torch.nn.LazyLinear(out_features)``: ``in_features`` is taken from the first input, as
    torch does on the first forward, so it can never mismatch; parameters follow from it."""

    types = (("torch", "LazyLinear"),)
    signatures = {("torch", "LazyLinear"): [("out_features", REQUIRED), ("bias", True)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            "out_features": _count(params["out_features"], "out_features", type_name, minimum=0),
            "bias": flag(params["bias"], "bias"),
        }

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        return []

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        in_features = inputs[0][-1] if inputs else None
        if in_features is None:
            return [Weight("weight", (None,))]  # type: ignore[arg-type]  # unknown until an input is known
        return super().weights(dict(attrs, in_features=in_features), inputs)


class TorchBilinear(LayerSpec):
    """``torch.nn.Bilinear``: ``y = x1^T A x2 + b`` over the last axes of two inputs."""

    types = (("torch", "Bilinear"),)
    signatures = {
        ("torch", "Bilinear"): [
            ("in1_features", REQUIRED), ("in2_features", REQUIRED), ("out_features", REQUIRED), ("bias", True),
        ]
    }

    def min_inputs(self) -> int:
        return 2

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        attrs: Dict[str, Any] = {"type": type_name, "bias": flag(params["bias"], "bias")}
        for key in ("in1_features", "in2_features", "out_features"):
            attrs[key] = _count(params[key], key, type_name, minimum=0)
        return attrs

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        name = attrs["type"]
        if len(inputs) != 2:
            raise LayerError("merge-mismatch", f"{name} takes exactly 2 inputs. Received: {len(inputs)} inputs")
        a, b = inputs
        ensure_torch_rank(a, 1, None, name)
        if len(a) != len(b):
            raise LayerError(
                "merge-mismatch",
                f"{name}: both inputs must have the same rank. Received: input shapes {fmt_shape(a)}, {fmt_shape(b)}",
            )
        from .merging import same_dim  # local: merging imports nothing from here

        lead: List[Optional[Dim]] = []
        for axis, (x, y) in enumerate(zip(a[:-1], b[:-1])):
            verdict = same_dim(x, y)
            if verdict is False:
                raise LayerError(
                    "merge-mismatch",
                    f"{name}: the inputs' leading axes must match, but axis {axis} has size {x} in input 0 and "
                    f"{y} in input 1. Received: input shapes {fmt_shape(a)}, {fmt_shape(b)}",
                )
            lead.append(y if x is None else x)
        return (*lead, attrs["out_features"])

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        return [
            Requirement(-1, attrs["in1_features"], "in1_features", input=0),
            Requirement(-1, attrs["in2_features"], "in2_features", input=1),
        ]

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        out = [Weight("weight", (attrs["out_features"], attrs["in1_features"], attrs["in2_features"]))]
        if attrs["bias"]:
            out.append(Weight("bias", (attrs["out_features"],), role="bias"))
        return out

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        y = np.einsum("...i,oij,...j->...o", xs[0], weights["weight"], xs[1])
        if attrs["bias"]:
            y = y + weights["bias"]
        return y.astype("float32")


# -- PReLU: the one activation with weights ---------------------------------------------------
class KerasPReLU(LayerSpec):
    """``keras.layers.PReLU``: one slope per input element, shared along ``shared_axes``."""

    types = (("keras", "PReLU"),)
    signatures = {
        ("keras", "PReLU"): [
            ("alpha_initializer", "Zeros"), ("alpha_regularizer", None), ("alpha_constraint", None),
            ("shared_axes", None),
        ]
    }

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        shared = params["shared_axes"]
        if isinstance(shared, Unknown):
            raise UnknownAttr("shared_axes", shared.reason)
        axes = () if shared is None else tuple(shared) if isinstance(shared, (list, tuple)) else (shared,)
        for a in axes:
            if isinstance(a, bool) or not isinstance(a, int) or a < 1:
                raise bad_arg(type_name, "shared_axes", "must list non-batch axes (integers >= 1)", shared)
        return {"type": type_name, "shared_axes": axes}

    def _alpha_shape(self, attrs: Dict[str, Any], shape: Shape) -> Tuple[Optional[Dim], ...]:
        out = list(shape[1:])
        for a in attrs["shared_axes"]:
            if a >= len(shape):
                raise LayerError(
                    "invalid-argument",
                    f"{attrs['type']}: shared axis {a} does not exist in a {len(shape)}D input. "
                    f"Received: shared_axes={attrs['shared_axes']}, input shape {fmt_shape(shape)}",
                    attr="shared_axes",
                )
            out[a - 1] = 1
        return tuple(out)

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        _min_rank(inputs[0], 2, attrs["type"])
        self._alpha_shape(attrs, inputs[0])
        return inputs[0]

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        if not inputs:
            return [Weight("alpha", (None,))]  # type: ignore[arg-type]  # size unknown without the input
        return [Weight("alpha", self._alpha_shape(attrs, inputs[0]))]  # type: ignore[arg-type]

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0]
        return (np.maximum(x, 0.0) - weights["alpha"] * np.maximum(-x, 0.0)).astype("float32")


class TorchPReLU(LayerSpec):
    """``torch.nn.PReLU``: ``num_parameters`` slopes, 1 or one per channel (axis 1)."""

    types = (("torch", "PReLU"),)
    signatures = {("torch", "PReLU"): [("num_parameters", 1), ("init", 0.25)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        return {
            "type": type_name,
            "num_parameters": _count(params["num_parameters"], "num_parameters", type_name),
            "init": number_arg(params["init"], "init", type_name),
        }

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        n = attrs["num_parameters"]
        if len(shape) < 2 and is_known(n) and n != 1:  # PyTorch counts one channel in a 1D input
            raise LayerError(
                "channel-mismatch",
                f"{attrs['type']}(num_parameters={n}) needs a channel axis (axis 1), which a 1D input lacks. "
                f"Received: input shape {fmt_shape(shape)}",
                attr="num_parameters",
            )
        return shape

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        n = attrs["num_parameters"]
        if (is_known(n) and n == 1) or not inputs or len(inputs[0]) < 2:
            return []
        return [Requirement(1, n, "num_parameters")]

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        return [Weight("weight", (attrs["num_parameters"],))]

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        import numpy as np

        x = xs[0]
        w = weights["weight"]
        if x.ndim >= 2:
            w = w.reshape((1, -1) + (1,) * (x.ndim - 2))
        return np.where(x >= 0, x, w * x).astype("float32")


class TorchParameter(LayerSpec):
    """An ``nn.Parameter`` a module registers itself (a layer scale, a class token): not a layer
    on the data path, but ``model.parameters()`` counts it, so the totals do too."""

    types = (("torch", "Parameter"),)
    signatures = {("torch", "Parameter"): [("shape", REQUIRED), ("requires_grad", True)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        shape = params["shape"]
        if isinstance(shape, Unknown):
            raise UnknownAttr("shape", shape.reason)
        if not isinstance(shape, (tuple, list)) or not all(isinstance(d, (int, Expr)) and not isinstance(d, bool) for d in shape):
            raise UnknownAttr("shape", "the parameter's shape is not known")
        return {"type": type_name, "shape": tuple(shape), "trainable": flag(params["requires_grad"], "requires_grad")}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        return tuple(inputs[0])  # never on the data path: it has no input, so no output shape

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        return [Weight("weight", tuple(attrs["shape"]), trainable=attrs["trainable"])]

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        return weights["weight"]


# -- Lambda -----------------------------------------------------------------------------------
class KerasLambda(LayerSpec):
    """``keras.layers.Lambda(function)``: the front end runs ``function`` on the layer's input
    (it is Python code, read like the rest of the file) and feeds this node what it returns, so
    the node itself passes its input on.  ``function`` arrives as its source text, or as an
    :class:`Unknown` when the front end could not follow it (the output is then unknown)."""

    types = (("keras", "Lambda"),)
    signatures = {("keras", "Lambda"): [("function", REQUIRED), ("output_shape", None), ("mask", None), ("arguments", None)]}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        if isinstance(params["function"], Unknown):
            raise UnknownAttr("function", params["function"].reason)
        return {"type": type_name}

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        return inputs[0]

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        return xs[0]


SPECS: List[LayerSpec] = [
    InputSpec(),
    KerasLambda(),
    TorchParameter(),
    KerasDense(),
    TorchLinear(),
    TorchLazyLinear(),
    TorchBilinear(),
    KerasPReLU(),
    TorchPReLU(),
    Elementwise("keras", KERAS_ACTS),
    Elementwise("torch", TORCH_ACTS),
]
