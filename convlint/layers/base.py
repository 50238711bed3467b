"""The layer-spec protocol, argument binding, and the errors a spec may raise.

A :class:`LayerSpec` is the single source of truth for a layer kind: the framework class names
it answers to, how constructor arguments normalise to attributes, its output shape, its weight
shapes (parameter counts are derived from them) and its NumPy forward.  Specs are pure: they
never see source code and they import numpy only inside ``forward``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ..dims import Dim, Expr, is_known, prod
from ..graph import Shape, Unknown, UnknownRest, fmt_shape

__all__ = [
    "REQUIRED",
    "KW_ONLY",
    "LayerError",
    "UnknownAttr",
    "Weight",
    "Requirement",
    "LayerSpec",
    "bind",
    "int_tuple",
    "positive",
    "positive_int",
    "non_negative",
    "choice",
    "flag",
    "ensure_rank",
    "ensure_torch_rank",
    "count_params",
    "data_format",
]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()

KW_ONLY = "*"
"""A signature entry ``(KW_ONLY, None)``: the arguments after it are keyword-only, as after a
bare ``*`` in Python (``nn.BatchNorm2d(..., *, bias=True)``)."""


class LayerError(Exception):
    """The layer cannot work as written.  Becomes a finding, never a traceback.

    ``kind`` is one of: ``invalid-argument``, ``rank-mismatch``, ``non-positive-dim``,
    ``channel-mismatch``, ``groups``, ``reshape-size``, ``merge-mismatch``.  ``expected`` is the
    value that would fit, when there is one (e.g. the right ``in_features``), and ``received``
    what the layer got; ``attr`` names the argument at fault.  ``size`` is the output size that
    came out zero or less (a ``non-positive-dim``), so ``--why`` can show its formula.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        expected: Any = None,
        received: Any = None,
        attr: Optional[str] = None,
        size: Any = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.expected = expected
        self.received = received
        self.attr = attr
        self.size = size


class UnknownAttr(Exception):
    """An argument the shape depends on could not be resolved statically; output is unknown."""

    def __init__(self, attr: str, reason: str) -> None:
        super().__init__(f"{attr}: {reason}")
        self.attr = attr
        self.reason = reason


@dataclass(frozen=True)
class Weight:
    """One weight tensor of a layer.

    ``role``: ``"weight"`` (kernels, scales), ``"bias"`` (additive offsets) or ``"buffer"``
    (torch running statistics: state, but not a parameter, so not counted).
    ``trainable``: Keras' and PyTorch's notion (Keras BatchNormalization's moving statistics are
    non-trainable weights and *are* counted by ``count_params``).
    """

    name: str
    shape: Tuple[Dim, ...]
    role: str = "weight"
    trainable: bool = True

    @property
    def counted(self) -> bool:
        return self.role != "buffer"

    @property
    def size(self) -> Optional[Dim]:
        return prod(self.shape)


@dataclass(frozen=True)
class Requirement:
    """The layer needs axis ``axis`` of input ``input`` to equal ``value``.

    How PyTorch layers declare what they expect (``in_channels``, ``in_features``,
    ``num_features``).  The engine checks it: a known mismatch is a ``channel-mismatch`` finding
    naming the value that would fit; a symbolic one becomes a constraint on the input size.
    """

    axis: Optional[int]
    value: Dim
    attr: str
    input: int = 0
    """``axis=None`` means the element count of one sample (all non-batch axes): how
    ``x.view(-1, 400)`` constrains a symbolic input."""


FORWARD_TEMPORARIES = 8
"""What a NumPy forward allocates besides its output, at most, in multiples of its inputs plus
output (bias additions, activations computed in float64, padded copies, layout transposes).
Measured with tracemalloc over every row of the layer tables: at most 6.7 (GELU through ``erf``
in float64).  A spec whose forward makes more (a convolution's unfolded columns) or far fewer
says so in :meth:`LayerSpec.workspace`; ``tests/test_executor.py`` holds the executor's
estimate above the measured peak."""


class LayerSpec:
    """Base class: subclasses set ``types`` and ``signatures`` and override the methods.

    ``types`` maps ``(framework, class_name)`` it answers to; ``aliases`` maps alternative
    spellings (``MaxPool2D``) to the canonical class name (``MaxPooling2D``).
    ``signatures[(framework, class_name)]`` is the constructor signature, in positional order,
    as ``(name, default)`` pairs (``REQUIRED`` for required arguments; entries after
    ``(KW_ONLY, None)`` are keyword-only).  The defaults are the real class' own, which
    ``tests/test_oracle_defaults.py`` checks against ``inspect.signature`` of each class.
    """

    types: Tuple[Tuple[str, str], ...] = ()
    aliases: Mapping[Tuple[str, str], str] = {}
    signatures: Mapping[Tuple[str, str], Sequence[Tuple[str, Any]]] = {}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        """Bound constructor arguments -> attributes the other methods read.  May raise
        :class:`LayerError` (invalid argument) or :class:`UnknownAttr`."""
        return dict(params)

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        """Output shape for the given input shapes (batch dim first, ``None`` = unknown)."""
        raise NotImplementedError

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        """Weight tensors; their sizes are the parameter counts."""
        return []

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        """Input sizes the layer's own arguments fix (checked by the engine)."""
        return []

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        """NumPy reference forward (float32), used by the executor."""
        raise NotImplementedError(f"{type(self).__name__} has no NumPy forward")

    def workspace(self, attrs: Dict[str, Any], inputs: List[Tuple[int, ...]], output: Tuple[int, ...]) -> Optional[int]:
        """Bytes of the temporaries :meth:`forward` allocates on inputs of these concrete shapes,
        its output excluded, for specs whose forward makes more than a few copies of its inputs
        and output (a convolution's unfolded columns), or far fewer.  ``None``: the executor's
        general allowance (a multiple of inputs plus output, measured) applies."""
        return None

    def min_inputs(self) -> int:
        return 1


def check_keywords(framework: str, class_name: str, kwargs: Mapping[str, Any], type_name: str) -> None:
    """Raise ``invalid-argument`` for a keyword the real class rejects (``Conv2D(stride=2)``:
    Keras spells it ``strides``), as the framework does when the layer is constructed.  Only
    classes in the generated table (:mod:`convlint.layers.keywords`) are checked, and only when
    the class itself is called (``type_name`` as written): a function the catalogue reads as the
    class (``F.dropout(x, training=False)``, ``layers.add([a, b])``) takes other keywords.  A
    keyword that is not a plain name (``**options``) is not checked."""
    if not kwargs or not type_name[:1].isupper():
        return
    from .keywords import ACCEPTED

    accepted = ACCEPTED.get((framework, class_name))
    if accepted is None:
        return
    wrong = [k for k in kwargs if k not in accepted and k.isidentifier()]
    if not wrong:
        return
    import difflib

    key = wrong[0]
    close = difflib.get_close_matches(key, sorted(accepted - set(kwargs)), n=1, cutoff=0.75)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    if framework == "keras":
        message = f"Unrecognized keyword argument passed to {type_name}: '{key}'{hint}"
    else:
        message = f"{type_name}.__init__() got an unexpected keyword argument '{key}'{hint}"
    raise LayerError("invalid-argument", message, attr=key, expected=close[0] if close else None)


def bind(signature: Sequence[Tuple[str, Any]], args: Sequence[Any], kwargs: Mapping[str, Any], type_name: str) -> Dict[str, Any]:
    """Bind call arguments to a constructor signature the way Python would.

    Extra keyword arguments the catalogue does not model (``activation``, ``name``,
    initialisers...) are kept and ignored by the spec.  Too many positional arguments, a
    duplicate or a missing required argument raise ``invalid-argument``.
    """
    rest: Optional[Unknown] = kwargs.get("**") if isinstance(kwargs.get("**"), UnknownRest) else None
    for i, value in enumerate(args):
        if isinstance(value, UnknownRest):
            rest, args = value, args[:i]
            break
    kwargs = {k: v for k, v in kwargs.items() if k != "**"}
    names = [n for n, _ in signature]
    if KW_ONLY in names:
        signature = [(n, d) for n, d in signature if n != KW_ONLY]
        names = names[: names.index(KW_ONLY)]
    if len(args) > len(names):
        raise LayerError(
            "invalid-argument",
            f"{type_name} takes at most {len(names)} positional arguments. Received: {len(args)}",
        )
    out: Dict[str, Any] = {}
    for name, value in zip(names, args):
        out[name] = value
    for key, value in kwargs.items():
        if key in out:
            raise LayerError("invalid-argument", f"{type_name} got multiple values for argument '{key}'")
        out[key] = value
    for name, default in signature:
        if name not in out:
            if rest is not None:  # it may be in the *args / **kwargs we could not expand
                out[name] = Unknown(rest.reason)
                continue
            if default is REQUIRED:
                raise LayerError("invalid-argument", f"{type_name} is missing the required argument '{name}'")
            out[name] = default
    return out


def _check_known(value: Any, attr: str) -> Any:
    if isinstance(value, Unknown):
        raise UnknownAttr(attr, value.reason)
    return value


def int_tuple(value: Any, n: int, attr: str, type_name: str) -> Tuple[Dim, ...]:
    """An int or an n-sequence of ints (or symbolic dims) as an n-tuple."""
    value = _check_known(value, attr)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise LayerError(
                "invalid-argument",
                f"{type_name}: '{attr}' must be an int or a tuple of {n} ints. Received: {attr}={tuple(value)!r}",
                attr=attr,
            )
        items = tuple(_check_known(v, attr) for v in value)
    else:
        items = (value,) * n
    for v in items:
        if isinstance(v, bool) or not isinstance(v, (int, Expr)):
            raise LayerError(
                "invalid-argument",
                f"{type_name}: '{attr}' must be an integer or a tuple of integers. Received: {attr}={value!r}",
                attr=attr,
            )
    return items


def _at_least(values: Sequence[Dim], minimum: int, adjective: str, attr: str, type_name: str) -> None:
    for v in values:
        if is_known(v) and v < minimum:
            shown = values[0] if len(set(values)) == 1 else tuple(values)
            raise LayerError(
                "invalid-argument",
                f"{type_name}: '{attr}' must be {adjective}. Received: {attr}={shown}",
                attr=attr,
                received=shown,
            )


def positive_int(value: Any, attr: str, type_name: str) -> Dim:
    """A size argument (``filters``, ``in_channels``, ``height``): a positive int or a symbol;
    unresolved -> :class:`UnknownAttr`, anything else -> ``invalid-argument``."""
    if isinstance(value, Unknown):
        raise UnknownAttr(attr, value.reason)
    if isinstance(value, bool) or not isinstance(value, (int, Expr)):
        raise LayerError(
            "invalid-argument", f"{type_name}: '{attr}' must be a positive integer. Received: {attr}={value!r}", attr=attr
        )
    positive([value], attr, type_name)
    return value


def positive(values: Sequence[Dim], attr: str, type_name: str) -> None:
    """Raise ``invalid-argument`` if a known value is < 1 (symbols cannot be judged)."""
    _at_least(values, 1, "positive", attr, type_name)


def non_negative(values: Sequence[Dim], attr: str, type_name: str) -> None:
    """Raise ``invalid-argument`` if a known value is < 0."""
    _at_least(values, 0, "non-negative", attr, type_name)


def choice(value: Any, options: Sequence[str], attr: str, type_name: str) -> str:
    """A string option, compared case-insensitively as Keras does."""
    value = _check_known(value, attr)
    if not isinstance(value, str) or value.lower() not in options:
        raise LayerError(
            "invalid-argument",
            f"{type_name}: '{attr}' must be one of {', '.join(repr(o) for o in options)}. Received: {attr}={value!r}",
            attr=attr,
        )
    return value.lower()


def flag(value: Any, attr: str) -> bool:
    """A boolean argument; an unresolved one is unknown."""
    value = _check_known(value, attr)
    return bool(value)


def data_format(value: Any, layout: str, type_name: str) -> str:
    """Keras ``data_format``: ``None`` means the model's layout."""
    if value is None:
        return layout
    return choice(value, ("channels_last", "channels_first"), "data_format", type_name)


def ensure_rank(shape: Shape, rank: int, type_name: str, what: str = "") -> None:
    """Raise ``rank-mismatch`` unless ``shape`` (with batch) has exactly ``rank`` axes."""
    if len(shape) != rank:
        expected = f"{rank}D input" + (f" ({what})" if what else "")
        raise LayerError(
            "rank-mismatch",
            f"{type_name} expects a {expected}. Received: a {len(shape)}D input of shape {fmt_shape(shape)}",
            expected=rank,
            received=len(shape),
        )


def ensure_torch_rank(shape: Shape, low: int, high: Optional[int], type_name: str) -> bool:
    """Raise ``rank-mismatch`` unless ``low <= rank <= high`` (``high=None``: no upper bound).

    PyTorch layers decide from the rank alone whether a tensor has a batch axis: ``nn.Conv2d``
    takes ``(N, C, H, W)`` or the unbatched ``(C, H, W)`` (``low=3, high=4``), ``nn.Linear``
    any rank >= 1.  Returns whether the tensor is batched (its rank is ``high``, or above
    ``low`` when there is no upper bound).
    """
    rank = len(shape)
    if rank < low or (high is not None and rank > high):
        if high is None:
            expected = f"an input of at least {low} dimensions"
        elif high == low:
            expected = f"a {low}D input"
        elif high == low + 1:
            expected = f"a {low}D (unbatched) or {high}D (batched) input"
        else:
            expected = f"a {low}D to {high}D input"
        raise LayerError(
            "rank-mismatch",
            f"{type_name} expects {expected}. Received: a {rank}D input of shape {fmt_shape(shape)}",
            expected=low if rank < low else high,
            received=rank,
        )
    return rank > low


def count_params(weights: Sequence[Weight]) -> Tuple[Optional[Dim], Optional[Dim]]:
    """(total counted parameters, trainable parameters); ``None`` if a size is unknown."""
    total: Optional[Dim] = 0
    trainable: Optional[Dim] = 0
    for w in weights:
        if not w.counted:
            continue
        size = w.size
        if size is None:
            return None, None
        total = total + size  # type: ignore[operator]
        if w.trainable:
            trainable = trainable + size  # type: ignore[operator]
    return total, trainable
