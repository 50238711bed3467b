"""How PyTorch's functional ops and tensor methods map to catalogue layer types.

Each entry names the catalogue type and the op's parameter names after the tensor, in
PyTorch's positional order, so ``F.max_pool2d(x, 2, 2)`` binds to ``kernel_size=2, stride=2``
whatever the module class' own argument order is (``nn.MaxPool2d`` puts ``return_indices``
before ``ceil_mode``; the functional form does not).  Arguments that only matter for
training (``training``, ``inplace``) are dropped.
"""

from __future__ import annotations

from typing import Dict, Tuple

__all__ = ["OpSpec", "FUNCTIONAL", "TORCH_FUNCS", "TENSOR_METHODS", "IDENTITY_METHODS", "TENSOR_FACTORIES", "DROP"]


class OpSpec:
    """An op producing one node of catalogue type ``type`` from its first tensor argument.
    (A plain class: a table row never compared; a dataclass would cost its generated methods at
    start-up.)"""

    __slots__ = ("type", "params", "fixed")

    def __init__(self, type: str, params: Tuple[str, ...] = (), fixed: Tuple[Tuple[str, object], ...] = ()) -> None:
        self.type = type
        self.params = params
        self.fixed = fixed


DROP = frozenset({"training", "inplace", "_stacklevel", "dtype", "antialias", "return_indices"})

_ACT = {
    "relu": "ReLU",
    "relu6": "ReLU6",
    "elu": "ELU",
    "selu": "SELU",
    "gelu": "GELU",
    "silu": "SiLU",
    "mish": "Mish",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "hardswish": "Hardswish",
    "hardsigmoid": "Hardsigmoid",
    "softplus": "Softplus",
    "leaky_relu": "LeakyReLU",
}

FUNCTIONAL: Dict[str, OpSpec] = {name: OpSpec(t) for name, t in _ACT.items()}
FUNCTIONAL["leaky_relu"] = OpSpec("LeakyReLU", ("negative_slope",))
FUNCTIONAL["gelu"] = OpSpec("GELU", ("approximate",))
for _n in (1, 2, 3):
    FUNCTIONAL[f"max_pool{_n}d"] = OpSpec(
        f"MaxPool{_n}d", ("kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices")
    )
    FUNCTIONAL[f"avg_pool{_n}d"] = OpSpec(
        f"AvgPool{_n}d", ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override")
    )
    FUNCTIONAL[f"adaptive_avg_pool{_n}d"] = OpSpec(f"AdaptiveAvgPool{_n}d", ("output_size",))
    FUNCTIONAL[f"adaptive_max_pool{_n}d"] = OpSpec(f"AdaptiveMaxPool{_n}d", ("output_size", "return_indices"))
FUNCTIONAL["avg_pool1d"] = OpSpec("AvgPool1d", ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"))
FUNCTIONAL["dropout"] = OpSpec("Dropout", ("p", "training", "inplace"))
FUNCTIONAL["dropout1d"] = OpSpec("Dropout1d", ("p", "training", "inplace"))
FUNCTIONAL["dropout2d"] = OpSpec("Dropout2d", ("p", "training", "inplace"))
FUNCTIONAL["dropout3d"] = OpSpec("Dropout3d", ("p", "training", "inplace"))
FUNCTIONAL["softmax"] = OpSpec("Softmax", ("dim", "_stacklevel", "dtype"))
FUNCTIONAL["log_softmax"] = OpSpec("LogSoftmax", ("dim", "_stacklevel", "dtype"))
FUNCTIONAL["interpolate"] = OpSpec(
    "Upsample", ("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor", "antialias")
)
FUNCTIONAL["upsample"] = OpSpec("Upsample", ("size", "scale_factor", "mode", "align_corners"))
FUNCTIONAL["pad"] = OpSpec("pad", ("pad", "mode", "value"))

TORCH_FUNCS: Dict[str, OpSpec] = {name: OpSpec(t) for name, t in _ACT.items() if name in ("relu", "sigmoid", "tanh")}
TORCH_FUNCS["softmax"] = OpSpec("Softmax", ("dim", "dtype"))
TORCH_FUNCS["log_softmax"] = OpSpec("LogSoftmax", ("dim", "dtype"))
TORCH_FUNCS["dropout"] = OpSpec("Dropout", ("p", "train"))
TORCH_FUNCS["flatten"] = OpSpec("Flatten", ("start_dim", "end_dim"), (("start_dim", 0), ("end_dim", -1)))
TORCH_FUNCS["permute"] = OpSpec("permute", ("dims",))
TORCH_FUNCS["transpose"] = OpSpec("transpose", ("dim0", "dim1"))
TORCH_FUNCS["max_pool2d"] = FUNCTIONAL["max_pool2d"]
TORCH_FUNCS["avg_pool1d"] = FUNCTIONAL["avg_pool1d"]

TENSOR_METHODS: Dict[str, OpSpec] = {name: OpSpec(t) for name, t in _ACT.items() if name in ("relu", "sigmoid", "tanh")}
TENSOR_METHODS["relu_"] = OpSpec("ReLU")
TENSOR_METHODS["softmax"] = OpSpec("Softmax", ("dim",))
TENSOR_METHODS["log_softmax"] = OpSpec("LogSoftmax", ("dim",))
TENSOR_METHODS["flatten"] = OpSpec("Flatten", ("start_dim", "end_dim"), (("start_dim", 0), ("end_dim", -1)))
TENSOR_METHODS["transpose"] = OpSpec("transpose", ("dim0", "dim1"))

for _name in ("mean", "sum", "amax", "amin", "std", "var", "prod", "logsumexp", "nansum", "nanmean"):
    TENSOR_METHODS[_name] = OpSpec(_name, ("dim", "keepdim"))
    TORCH_FUNCS[_name] = OpSpec(_name, ("dim", "keepdim"))
for _name, _params in (("squeeze", ("dim",)), ("unsqueeze", ("dim",))):
    TENSOR_METHODS[_name] = OpSpec(_name, _params)
    TORCH_FUNCS[_name] = OpSpec(_name, _params)

IDENTITY_METHODS = frozenset(
    {"contiguous", "clone", "detach", "float", "double", "half", "to", "cuda", "cpu", "requires_grad_", "type_as",
     "bernoulli_", "bernoulli", "uniform_", "normal_", "fill_", "zero_", "random_", "exponential_"}
)
"""Tensor methods that leave the shape alone."""

TENSOR_FACTORIES = frozenset({"randn", "rand", "zeros", "ones", "empty", "randint", "full", "normal"})
"""``torch.<factory>(*size)`` makes a tensor of a known shape (an example input)."""
