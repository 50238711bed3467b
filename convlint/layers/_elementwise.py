"""Shape-preserving layers of both frameworks, table-driven: activations, dropouts, identities.

Each layer kind is one :class:`Act` row: its constructor signature, the float arguments the
frameworks validate, the input ranks it accepts, an optional shape rule (``GLU`` halves an axis)
and its NumPy forward.  The argument helpers here are shared with ``core.py``.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..dims import Dim, is_known
from ..graph import Shape, Unknown, fmt_shape
from .base import REQUIRED, LayerError, LayerSpec, UnknownAttr, choice, data_format, ensure_rank

__all__ = [
    "KERAS_ACTIVATION_NAMES", "keras_activation_name", "apply_keras_activation", "Act", "Elementwise",
    "KERAS_ACTS", "TORCH_ACTS", "bad_arg", "number_arg", "halved",
]

# ``keras.activations.get`` accepts these names (Keras 3).  ``threshold`` is deliberately
# absent: Keras resolves it, then fails at call time because it needs two more arguments.
KERAS_ACTIVATION_NAMES = frozenset(
    """celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh
    leaky_relu linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu soft_shrink
    softmax softplus softsign sparse_plus sparse_sigmoid sparsemax squareplus swish tanh
    tanh_shrink""".split()
)


def _np_acts() -> Any:
    from . import _activations

    return _activations


# -- argument helpers ---------------------------------------------------------------------
def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_arg(value: Any, attr: str, type_name: str, optional: bool = False) -> Any:
    """A float argument.  Unresolved values are kept (the shape never depends on them; only
    the NumPy forward needs them, and it refuses to run on an :class:`Unknown`)."""
    if isinstance(value, Unknown) or _is_number(value) or (optional and value is None):
        return value
    raise LayerError(
        "invalid-argument",
        f"{type_name}: '{attr}' must be a number. Received: {attr}={value!r}",
        attr=attr,
    )


def bad_arg(type_name: str, attr: str, rule: str, value: Any) -> LayerError:
    return LayerError(
        "invalid-argument", f"{type_name}: '{attr}' {rule}. Received: {attr}={value!r}", attr=attr, received=value
    )


def _known_numbers(attrs: Dict[str, Any], *names: str) -> bool:
    return all(_is_number(attrs[n]) for n in names)


def _rank_in(shape: Shape, ranks: Sequence[int], type_name: str) -> None:
    """Raise ``rank-mismatch`` unless the input (batch included) has one of ``ranks`` axes."""
    if len(ranks) == 1:
        ensure_rank(shape, ranks[0], type_name)
        return
    if len(shape) not in ranks:
        listed = " or ".join(f"{r}D" for r in ranks)
        raise LayerError(
            "rank-mismatch",
            f"{type_name} expects a {listed} input. Received: a {len(shape)}D input of shape {fmt_shape(shape)}",
            expected=ranks[0],
            received=len(shape),
        )


def _axis(axis: Any, rank: int, type_name: str, attr: str) -> int:
    """A framework axis (batch counted, negative from the end) as an index into the shape."""
    if isinstance(axis, Unknown):
        raise UnknownAttr(attr, axis.reason)
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise bad_arg(type_name, attr, "must be an integer axis", axis)
    if not -rank <= axis < rank:
        raise LayerError(
            "invalid-argument",
            f"{type_name}: {attr}={axis} is out of range for a {rank}D input (expected {-rank} to {rank - 1}). "
            f"Received: {attr}={axis}",
            attr=attr,
            received=axis,
        )
    return axis % rank


def keras_activation_name(value: Any, type_name: str) -> Any:
    """Normalise a Keras ``activation`` argument: a known name, ``None`` (linear), or the
    :class:`Unknown` as given (the shape does not depend on it, except for ``glu``)."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        name = value.rsplit(".", 1)[-1]  # "keras.activations.relu" resolved to a dotted name
        if name in KERAS_ACTIVATION_NAMES:
            return name
    from difflib import get_close_matches  # only on the error path

    close = get_close_matches(str(value).lower(), sorted(KERAS_ACTIVATION_NAMES), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "see keras.activations for the names it knows"
    raise LayerError(
        "invalid-argument",
        f"{type_name}: Keras cannot interpret the activation {value!r}; {hint} Received: activation={value!r}",
        attr="activation",
        expected=close[0] if close else None,
    )


def apply_keras_activation(name: Any, y: Any) -> Any:
    if isinstance(name, Unknown):
        raise NotImplementedError(f"activation unresolved ({name.reason})")
    return _np_acts().keras_activation(name, y)


# -- shape-preserving layers, table-driven ----------------------------------------------------
Check = Callable[[Dict[str, Any], str], None]
ShapeRule = Callable[[Dict[str, Any], Shape], Shape]
Forward = Callable[[Dict[str, Any], Any], Any]


class Act:
    """One shape-preserving layer kind: name, constructor signature, float arguments (checked
    to be numbers), an argument check, the input ranks it accepts, an optional shape rule for
    the few that change it, and its NumPy forward (``None``: identity at inference).  (A plain
    class: a table row never compared, and a dataclass costs its generated methods at start-up.)"""

    __slots__ = ("name", "signature", "floats", "check", "ranks", "shape", "fn", "aliases")

    def __init__(
        self, name: str, signature: Tuple[Tuple[str, Any], ...] = (), floats: Tuple[str, ...] = (),
        check: Optional[Check] = None, ranks: Optional[Tuple[int, ...]] = None, shape: Optional[ShapeRule] = None,
        fn: Optional[Forward] = None, aliases: Tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.signature = signature
        self.floats = floats
        self.check = check
        self.ranks = ranks
        self.shape = shape
        self.fn = fn
        self.aliases = aliases


class Elementwise(LayerSpec):
    """Every :class:`Act` of one framework: activations, dropouts, identities."""

    def __init__(self, framework: str, acts: Sequence[Act]) -> None:
        self.framework = framework
        self.acts = {a.name: a for a in acts}
        self.types = tuple((framework, a.name) for a in acts)
        self.aliases = {(framework, alias): a.name for a in acts for alias in a.aliases}
        self.signatures = {(framework, a.name): list(a.signature) for a in acts if a.signature}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        act = self.acts[type_name]
        attrs = dict(params)
        attrs["type"] = type_name
        attrs["layout"] = layout
        for key in act.floats:
            attrs[key] = number_arg(attrs.get(key), key, type_name, optional=True)
        if act.check is not None:
            act.check(attrs, type_name)
        return attrs

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        act = self.acts[attrs["type"]]
        shape = inputs[0]
        if act.ranks is not None:
            _rank_in(shape, act.ranks, attrs["type"])
        return act.shape(attrs, shape) if act.shape is not None else shape

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        act = self.acts[attrs["type"]]
        if any(isinstance(attrs.get(k), Unknown) for k in act.floats):
            raise NotImplementedError(f"{attrs['type']}: an argument is unresolved")
        if act.fn is None:
            return xs[0]
        return act.fn(attrs, xs[0]).astype("float32")


# checks -------------------------------------------------------------------------------------
def _all(*checks: Check) -> Check:
    def check(attrs: Dict[str, Any], type_name: str) -> None:
        for c in checks:
            c(attrs, type_name)

    return check


def _rate(attr: str) -> Check:
    def check(attrs: Dict[str, Any], type_name: str) -> None:
        value = attrs[attr]
        if _is_number(value) and not 0 <= value <= 1:
            raise bad_arg(type_name, attr, "must be a probability between 0 and 1", value)

    return check


def _at_least_zero(*names: str) -> Check:
    def check(attrs: Dict[str, Any], type_name: str) -> None:
        for name in names:
            value = attrs[name]
            if _is_number(value) and value < 0:
                raise bad_arg(type_name, name, "cannot be negative", value)

    return check


def _keras_activation_check(attrs: Dict[str, Any], type_name: str) -> None:
    attrs["activation"] = keras_activation_name(attrs["activation"], type_name)


def _keras_leaky_check(attrs: Dict[str, Any], type_name: str) -> None:
    if "alpha" in attrs:  # Keras 3 still accepts the Keras 2 name (with a deprecation warning)
        attrs["negative_slope"] = number_arg(attrs.pop("alpha"), "alpha", type_name)
    _at_least_zero("negative_slope")(attrs, type_name)


def _data_format_check(attrs: Dict[str, Any], type_name: str) -> None:
    attrs["data_format"] = data_format(attrs.get("data_format"), attrs["layout"], type_name)


def _hardtanh_check(attrs: Dict[str, Any], type_name: str) -> None:
    for old, new in (("min_value", "min_val"), ("max_value", "max_val")):  # deprecated spellings win
        if attrs.get(old) is not None:
            attrs[new] = number_arg(attrs[old], old, type_name)
    if _known_numbers(attrs, "min_val", "max_val") and attrs["max_val"] <= attrs["min_val"]:
        raise LayerError(
            "invalid-argument",
            f"{type_name}: max_val must be greater than min_val. "
            f"Received: min_val={attrs['min_val']}, max_val={attrs['max_val']}",
            attr="max_val",
        )


def _gelu_check(attrs: Dict[str, Any], type_name: str) -> None:
    attrs["approximate"] = choice(attrs["approximate"], ("none", "tanh"), "approximate", type_name)


def _celu_check(attrs: Dict[str, Any], type_name: str) -> None:
    if _is_number(attrs["alpha"]) and attrs["alpha"] == 0:
        raise bad_arg(type_name, "alpha", "cannot be 0 for CELU", attrs["alpha"])


def _rrelu_check(attrs: Dict[str, Any], type_name: str) -> None:
    if _known_numbers(attrs, "lower", "upper") and attrs["lower"] > attrs["upper"]:
        raise LayerError(
            "invalid-argument",
            f"{type_name}: lower must not exceed upper. Received: lower={attrs['lower']}, upper={attrs['upper']}",
            attr="lower",
        )


def _keras_softmax_check(attrs: Dict[str, Any], type_name: str) -> None:
    axis = attrs["axis"]
    if isinstance(axis, Unknown):
        raise UnknownAttr("axis", axis.reason)
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, int):
            raise bad_arg(type_name, "axis", "must be an integer or a tuple of integers", axis)
    attrs["axis"] = axes


# shape rules ----------------------------------------------------------------------------------
def halved(size: Optional[Dim], axis: int, shape: Shape, type_name: str, attr: str) -> Optional[Dim]:
    """GLU splits an axis in two halves; an odd size cannot be split."""
    if size is None:
        return None
    if is_known(size):
        if size % 2:  # type: ignore[operator]
            raise LayerError(
                "invalid-argument",
                f"{type_name} halves axis {axis}, so its size must be even, but it is {size}. "
                f"Received: input shape {fmt_shape(shape)}",
                attr=attr,
                received=size,
            )
        return size // 2  # type: ignore[operator]
    return size // 2


def _torch_softmax_dim(attrs: Dict[str, Any], rank: int) -> int:
    """torch's implicit softmax dim when ``dim=None`` (deprecated, still the behaviour)."""
    if attrs.get("dim") is None:
        return 0 if rank in (0, 1, 3) else 1
    return _axis(attrs["dim"], max(rank, 1), attrs["type"], "dim")  # a 0D tensor takes dim 0 or -1, as PyTorch wraps it


def _torch_dim_shape(attrs: Dict[str, Any], shape: Shape) -> Shape:
    _torch_softmax_dim(attrs, len(shape))  # validates dim against the rank
    return shape


def _torch_glu_shape(attrs: Dict[str, Any], shape: Shape) -> Shape:
    axis = _axis(attrs["dim"], len(shape), attrs["type"], "dim")
    out = list(shape)
    out[axis] = halved(shape[axis], axis, shape, attrs["type"], "dim")
    return tuple(out)


def _keras_softmax_axes(attrs: Dict[str, Any], rank: int) -> Tuple[int, ...]:
    return tuple(_axis(a, rank, attrs["type"], "axis") for a in attrs["axis"])


def _keras_softmax_shape(attrs: Dict[str, Any], shape: Shape) -> Shape:
    _keras_softmax_axes(attrs, len(shape))  # validates the axes against the rank
    return shape


def _keras_activation_shape(attrs: Dict[str, Any], shape: Shape) -> Shape:
    if attrs["activation"] != "glu":
        return shape
    return (*shape[:-1], halved(shape[-1], len(shape) - 1, shape, attrs["type"], "activation"))


# forwards -------------------------------------------------------------------------------------
def _f(name: str, *args: str, **fixed: Any) -> Forward:
    """Forward calling ``_activations.<name>(x, *attrs[args], **fixed)``."""

    def forward(attrs: Dict[str, Any], x: Any) -> Any:
        return getattr(_np_acts(), name)(x, *(attrs[a] for a in args), **fixed)

    return forward


def _np(expr: Callable[[Any, Any, Dict[str, Any]], Any]) -> Forward:
    """Forward from an expression over (numpy, x, attrs)."""

    def forward(attrs: Dict[str, Any], x: Any) -> Any:
        import numpy as np

        return expr(np, x, attrs)

    return forward


def _keras_activation_forward(attrs: Dict[str, Any], x: Any) -> Any:
    return apply_keras_activation(attrs["activation"], x)


def _keras_relu_forward(attrs: Dict[str, Any], x: Any) -> Any:
    return _np_acts().keras_relu(x, attrs["negative_slope"], attrs["max_value"], attrs["threshold"])


def _keras_rescaling_forward(attrs: Dict[str, Any], x: Any) -> Any:
    import numpy as np

    if isinstance(attrs["scale"], Unknown) or isinstance(attrs["offset"], Unknown):
        raise NotImplementedError("Rescaling: scale or offset unresolved")
    return x * np.asarray(attrs["scale"], dtype=np.float32) + np.asarray(attrs["offset"], dtype=np.float32)


def _keras_masking_forward(attrs: Dict[str, Any], x: Any) -> Any:
    import numpy as np

    keep = np.any(x != attrs["mask_value"], axis=-1, keepdims=True)
    return x * keep


def _rescaling_check(attrs: Dict[str, Any], type_name: str) -> None:
    for key in ("scale", "offset"):
        value = attrs[key]
        ok = isinstance(value, Unknown) or _is_number(value) or (
            isinstance(value, (list, tuple)) and all(_is_number(v) for v in value)
        )
        if not ok:
            raise bad_arg(type_name, key, "must be a number or a list of numbers", value)


_LEAKY = _np(lambda np, x, a: np.where(x >= 0, x, a["negative_slope"] * x))

_DROPOUT = (("rate", REQUIRED), ("noise_shape", None), ("seed", None))

KERAS_ACTS: List[Act] = [
    Act("Identity"),
    Act("Activation", (("activation", REQUIRED),), check=_keras_activation_check, shape=_keras_activation_shape,
        fn=_keras_activation_forward),
    Act("ReLU", (("max_value", None), ("negative_slope", 0.0), ("threshold", 0.0)),
        floats=("max_value", "negative_slope", "threshold"),
        check=_at_least_zero("max_value", "negative_slope", "threshold"), fn=_keras_relu_forward),
    Act("LeakyReLU", (("negative_slope", 0.3),), floats=("negative_slope",), check=_keras_leaky_check, fn=_LEAKY),
    Act("ELU", (("alpha", 1.0),), floats=("alpha",), fn=_f("elu", "alpha")),
    Act("Softmax", (("axis", -1),), check=_keras_softmax_check, shape=_keras_softmax_shape,
        fn=_np(lambda np, x, a: _np_acts().softmax(x, _keras_softmax_axes(a, x.ndim)))),
    Act("Rescaling", (("scale", REQUIRED), ("offset", 0.0)), check=_rescaling_check, fn=_keras_rescaling_forward),
    Act("Dropout", _DROPOUT, floats=("rate",), check=_rate("rate")),
    Act("AlphaDropout", _DROPOUT, floats=("rate",), check=_rate("rate")),
    Act("GaussianDropout", (("rate", REQUIRED), ("seed", None)), floats=("rate",), check=_rate("rate")),
    Act("GaussianNoise", (("stddev", REQUIRED), ("seed", None)), floats=("stddev",),
        check=_rate("stddev")),  # Keras 3 only takes a standard deviation in [0, 1]
    Act("ActivityRegularization", (("l1", 0.0), ("l2", 0.0)), floats=("l1", "l2")),
    Act("Masking", (("mask_value", 0.0),), floats=("mask_value",), fn=_keras_masking_forward),
    Act("SpatialDropout1D", (("rate", REQUIRED), ("seed", None)), floats=("rate",), check=_rate("rate"), ranks=(3,)),
    Act("SpatialDropout2D", (("rate", REQUIRED), ("data_format", None), ("seed", None)), floats=("rate",),
        check=_all(_rate("rate"), _data_format_check), ranks=(4,)),
    Act("SpatialDropout3D", (("rate", REQUIRED), ("data_format", None), ("seed", None)), floats=("rate",),
        check=_all(_rate("rate"), _data_format_check), ranks=(5,)),
]

_P = (("p", 0.5), ("inplace", False))
_INPLACE = (("inplace", False),)

TORCH_ACTS: List[Act] = [
    Act("Identity"),
    Act("Dropout", _P, floats=("p",), check=_rate("p"), aliases=("dropout",)),
    Act("Dropout1d", _P, floats=("p",), check=_rate("p"), ranks=(2, 3), aliases=("dropout1d",)),
    Act("Dropout2d", _P, floats=("p",), check=_rate("p"), aliases=("dropout2d",)),
    Act("Dropout3d", _P, floats=("p",), check=_rate("p"), aliases=("dropout3d",)),
    Act("AlphaDropout", _P, floats=("p",), check=_rate("p"), aliases=("alpha_dropout",)),
    Act("FeatureAlphaDropout", _P, floats=("p",), check=_rate("p"), aliases=("feature_alpha_dropout",)),
    Act("ReLU", _INPLACE, fn=_np(lambda np, x, a: np.maximum(x, 0.0)), aliases=("relu",)),
    Act("ReLU6", _INPLACE, fn=_f("relu6"), aliases=("relu6",)),
    Act("LeakyReLU", (("negative_slope", 0.01), ("inplace", False)), floats=("negative_slope",), fn=_LEAKY,
        aliases=("leaky_relu",)),
    Act("ELU", (("alpha", 1.0), ("inplace", False)), floats=("alpha",), fn=_f("elu", "alpha"), aliases=("elu",)),
    Act("CELU", (("alpha", 1.0), ("inplace", False)), floats=("alpha",), check=_celu_check, fn=_f("celu", "alpha"),
        aliases=("celu",)),
    Act("SELU", _INPLACE, fn=_f("selu"), aliases=("selu",)),
    Act("GELU", (("approximate", "none"),), check=_gelu_check,
        fn=_np(lambda np, x, a: _np_acts().gelu(x, a["approximate"] == "tanh")), aliases=("gelu",)),
    Act("SiLU", _INPLACE, fn=_np(lambda np, x, a: x * _np_acts().sigmoid(x)), aliases=("silu",)),
    Act("Mish", _INPLACE, fn=_np(lambda np, x, a: x * np.tanh(_np_acts().softplus(x))), aliases=("mish",)),
    Act("Sigmoid", fn=_f("sigmoid"), aliases=("sigmoid",)),
    Act("Tanh", fn=_np(lambda np, x, a: np.tanh(x)), aliases=("tanh",)),
    Act("Hardswish", _INPLACE, fn=_np(lambda np, x, a: x * _np_acts().hard_sigmoid(x)), aliases=("hardswish",)),
    Act("Hardsigmoid", _INPLACE, fn=_f("hard_sigmoid"), aliases=("hardsigmoid",)),
    Act("Hardtanh", (("min_val", -1.0), ("max_val", 1.0), ("inplace", False), ("min_value", None), ("max_value", None)),
        floats=("min_val", "max_val", "min_value", "max_value"), check=_hardtanh_check,
        fn=_f("hardtanh", "min_val", "max_val"), aliases=("hardtanh",)),
    Act("Softplus", (("beta", 1.0), ("threshold", 20.0)), floats=("beta", "threshold"),
        fn=_f("softplus", "beta", "threshold"), aliases=("softplus",)),
    Act("Softsign", fn=_np(lambda np, x, a: x / (1.0 + np.abs(x))), aliases=("softsign",)),
    Act("Tanhshrink", fn=_np(lambda np, x, a: x - np.tanh(x)), aliases=("tanhshrink",)),
    Act("LogSigmoid", fn=_np(lambda np, x, a: -_np_acts().softplus(-x)), aliases=("logsigmoid",)),
    Act("Threshold", (("threshold", REQUIRED), ("value", REQUIRED), ("inplace", False)), floats=("threshold", "value"),
        fn=_np(lambda np, x, a: np.where(x > a["threshold"], x, a["value"])), aliases=("threshold",)),
    Act("Hardshrink", (("lambd", 0.5),), floats=("lambd",), fn=_f("hardshrink", "lambd"), aliases=("hardshrink",)),
    Act("Softshrink", (("lambd", 0.5),), floats=("lambd",), check=_at_least_zero("lambd"), fn=_f("softshrink", "lambd"),
        aliases=("softshrink",)),
    Act("RReLU", (("lower", 1.0 / 8), ("upper", 1.0 / 3), ("inplace", False)), floats=("lower", "upper"),
        check=_rrelu_check,  # inference: a leaky ReLU with the mean slope
        fn=_np(lambda np, x, a: np.where(x >= 0, x, x * (a["lower"] + a["upper"]) / 2)), aliases=("rrelu",)),
    Act("Softmax", (("dim", None),), shape=_torch_dim_shape,
        fn=_np(lambda np, x, a: _np_acts().softmax(x, _torch_softmax_dim(a, x.ndim))), aliases=("softmax",)),
    Act("Softmin", (("dim", None),), shape=_torch_dim_shape,
        fn=_np(lambda np, x, a: _np_acts().softmax(-x, _torch_softmax_dim(a, x.ndim))), aliases=("softmin",)),
    Act("LogSoftmax", (("dim", None),), shape=_torch_dim_shape,
        fn=_np(lambda np, x, a: _np_acts().log_softmax(x, _torch_softmax_dim(a, x.ndim))), aliases=("log_softmax",)),
    Act("Softmax2d", ranks=(3, 4), fn=_np(lambda np, x, a: _np_acts().softmax(x, -3))),
    Act("GLU", (("dim", -1),), shape=_torch_glu_shape, fn=_np(lambda np, x, a: _np_acts().glu(x, a["dim"])), aliases=("glu",)),
]
