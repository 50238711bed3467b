"""NumPy references of the element-wise activations Keras and PyTorch share.

Both frameworks' activation layers (and Keras' ``activation=`` argument of Dense/Conv) reduce
to these functions, so each formula is written once.  Imported only by forward functions: the
catalogue itself must import without numpy.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, Optional

import numpy as np

__all__ = ["KERAS_ACTIVATIONS", "keras_activation", "erf", "softmax", "log_softmax"]

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


def erf(x: Any) -> Any:
    """Vectorised error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7); numpy has none."""
    sign = np.sign(x)
    a = np.abs(x).astype(np.float64)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def sigmoid(x: Any) -> Any:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free form of 1 / (1 + exp(-x))


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    """torch's softplus: linear above ``threshold`` (in units of ``beta * x``)."""
    bx = beta * x
    return np.where(bx > threshold, x, np.logaddexp(0.0, bx) / beta)


def relu6(x: Any) -> Any:
    return np.clip(x, 0.0, 6.0)


def elu(x: Any, alpha: float = 1.0) -> Any:
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def celu(x: Any, alpha: float = 1.0) -> Any:
    return np.maximum(x, 0.0) + np.minimum(0.0, alpha * np.expm1(np.minimum(x, 0.0) / alpha))


def selu(x: Any) -> Any:
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def gelu(x: Any, approximate: bool = False) -> Any:
    if approximate:
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def hard_sigmoid(x: Any) -> Any:
    return relu6(x + 3.0) / 6.0


def leaky_relu(x: Any, negative_slope: float) -> Any:
    return np.where(x >= 0, x, negative_slope * x)


def hardtanh(x: Any, min_val: float = -1.0, max_val: float = 1.0) -> Any:
    return np.clip(x, min_val, max_val)


def hardshrink(x: Any, lambd: float = 0.5) -> Any:
    return np.where(np.abs(x) > lambd, x, 0.0)


def softshrink(x: Any, lambd: float = 0.5) -> Any:
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))


def softmax(x: Any, axis: Any) -> Any:
    """``axis`` an int or a tuple of ints (Keras' Softmax accepts several)."""
    z = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: Any) -> Any:
    z = x - np.max(x, axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))


def glu(x: Any, axis: int) -> Any:
    a, b = np.split(x, 2, axis=axis)
    return a * sigmoid(b)


def keras_relu(x: Any, negative_slope: float = 0.0, max_value: Optional[float] = None, threshold: float = 0.0) -> Any:
    """``keras.activations.relu`` exactly as Keras 3 composes it (the slope applies below the threshold)."""
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return leaky_relu(x, negative_slope)
    negative_part = np.maximum(threshold - x, 0.0) if negative_slope != 0.0 else 0.0
    y = np.where(x > threshold, x, 0.0) if threshold != 0 else np.maximum(x, 0.0)
    if max_value is not None:
        y = np.clip(y, 0.0, max_value)
    return y - negative_slope * negative_part


# Keras activation names (``keras.activations.get``) -> NumPy function of one array.
KERAS_ACTIVATIONS: Dict[str, Callable[[Any], Any]] = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "relu6": relu6,
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "softmax": lambda x: softmax(x, -1),
    "log_softmax": lambda x: log_softmax(x, -1),
    "elu": elu,
    "celu": celu,
    "selu": selu,
    "gelu": gelu,
    "silu": lambda x: x * sigmoid(x),
    "swish": lambda x: x * sigmoid(x),
    "hard_sigmoid": hard_sigmoid,
    "hard_silu": lambda x: x * hard_sigmoid(x),
    "hard_swish": lambda x: x * hard_sigmoid(x),
    "softplus": softplus,
    "softsign": lambda x: x / (1.0 + np.abs(x)),
    "mish": lambda x: x * np.tanh(softplus(x)),
    "exponential": np.exp,
    "leaky_relu": lambda x: leaky_relu(x, 0.2),
    "log_sigmoid": lambda x: -softplus(-x),
    "hard_tanh": hardtanh,
    "hard_shrink": hardshrink,
    "soft_shrink": softshrink,
    "tanh_shrink": lambda x: x - np.tanh(x),
    "sparse_plus": lambda x: np.where(x <= -1, 0.0, np.where(x < 1, 0.25 * (x + 1) ** 2, x)),
    "sparse_sigmoid": lambda x: np.clip(0.5 * (x + 1), 0.0, 1.0),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4.0)) / 2.0,
    "glu": lambda x: glu(x, -1),
}


def keras_activation(name: Optional[str], x: Any) -> Any:
    """Apply a Keras activation given by name (``None`` is linear), in float32."""
    if name is None:
        return x
    fn = KERAS_ACTIVATIONS.get(name)
    if fn is None:
        raise NotImplementedError(f"no NumPy reference for the Keras activation {name!r}")
    return np.asarray(fn(x), dtype=np.float32)
