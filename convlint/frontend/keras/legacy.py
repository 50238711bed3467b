"""Keras 1 and Keras 2 spellings, as data, and their Keras 3 equivalents.

Old code (``Dense(output_dim=10)``, ``Convolution2D(32, 3, 3, border_mode="same")``,
``merge([a, b], mode="sum")``) is analysed with the values it meant, and each call that used an
old spelling gets one CL401 note naming the Keras 3 call.  Everything here is a table or a pure
function of folded argument values, so the oracle test can apply the same mapping to real
values and build the result in real Keras 3.

Reading ``Conv2D(32, 3, 3)``: Keras 1 took ``(nb_filter, nb_row, nb_col)``; Keras 2 and 3 take
``(filters, kernel_size, strides)``, so the same call means a 3x3 kernel in Keras 1 (and in
Keras 2.0-2.2, whose legacy interface converted it) and a stride of 3 in ``tf.keras`` and
Keras 3.  convlint reads it as Keras 1 when the class is a Keras 1 name (``Convolution2D``), when
the call uses another Keras 1 keyword (``border_mode=``, ``subsample=``...), or when the file
does (:func:`looks_keras1`); otherwise as Keras 3, with a note that says which reading it took.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

__all__ = [
    "Translation",
    "translate",
    "translate_merge",
    "looks_keras1",
    "implied_data_format",
    "KERAS3_CLASS",
    "KEYWORDS",
    "DIM_ORDERING",
    "KERAS3_MODULES",
    "keras1_order",
    "keras3_type",
    "dropped",
]

KERAS3_CLASS: Mapping[str, str] = {
    "AtrousConvolution1D": "Conv1D",
    "AtrousConvolution2D": "Conv2D",
    "Deconvolution2D": "Conv2DTranspose",
    "Deconvolution3D": "Conv3DTranspose",
}
"""Old class names Keras 3 no longer has (``Convolution2D`` and friends it still has)."""

KERAS3_MODULES = ("keras.layers", "tensorflow.keras.layers")
"""Where Keras 3 has its layer classes and merge functions: a name renamed for Keras 3 is
only fixed where it is reached through one of these (``keras.layers.convolutional`` is gone)."""

KEYWORDS: Mapping[str, str] = {
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "border_mode": "padding",
    "subsample": "strides",
    "subsample_length": "strides",
    "atrous_rate": "dilation_rate",
    "dim_ordering": "data_format",
    "pool_length": "pool_size",
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
    "beta_init": "beta_initializer",
    "gamma_init": "gamma_initializer",
}
"""Keras 1 keyword -> Keras 3 keyword, for every layer (no Keras 3 layer takes these names)."""

CLASS_KEYWORDS: Mapping[str, Mapping[str, str]] = {
    "Dense": {"output_dim": "units"},  # (Embedding's output_dim is its own, in Keras 3 too)
    "Dropout": {"p": "rate"},
    "SpatialDropout1D": {"p": "rate"},
    "SpatialDropout2D": {"p": "rate"},
    "SpatialDropout3D": {"p": "rate"},
    "GaussianDropout": {"p": "rate"},
    "GaussianNoise": {"sigma": "stddev"},
    "MaxPooling1D": {"stride": "strides"},
    "AveragePooling1D": {"stride": "strides"},
    "UpSampling1D": {"length": "size"},
    "PReLU": {"init": "alpha_initializer"},
}
"""Renames that hold for one class only (``init`` of ``PReLU`` is its slopes' initialiser)."""

KERAS2_KEYWORDS: Mapping[str, Mapping[str, str]] = {"LeakyReLU": {"alpha": "negative_slope"}}
"""Keras 2 keywords Keras 3 renamed (it still accepts them, with a deprecation warning)."""

KERAS2_DEFAULTS: Mapping[str, Tuple[str, Any]] = {
    "AveragePooling1D": ("pool_size", 2),
    "AveragePooling2D": ("pool_size", (2, 2)),
    "AveragePooling3D": ("pool_size", (2, 2, 2)),
}
"""Defaults Keras 2 had and Keras 3 dropped (``AveragePooling2D()`` raises in Keras 3)."""

_K1_WEIGHTED = ("Dense", "Conv1D", "Conv2D", "Conv3D", "SeparableConv2D", "Conv2DTranspose", "BatchNormalization", "PReLU")
DROPPED: Mapping[str, Tuple[Tuple[str, ...], str]] = {
    "weights": (_K1_WEIGHTED, "set initial weights with layer.set_weights() after building"),
    "mode": (("BatchNormalization",), "Keras 3 has one BatchNormalization mode"),
    "output_shape": (("Conv2DTranspose", "Conv3DTranspose"), "Keras 3 infers the output shape"),
}
"""Keras 1 arguments Keras 3 rejects in these classes (by their Keras 3 name), none of which
changes the shape (``RandomFlip(mode=...)`` and ``Lambda(output_shape=...)`` are Keras 3's own)."""

DIM_ORDERING: Mapping[str, Optional[str]] = {"th": "channels_first", "tf": "channels_last", "default": None}

_K1_CONV = ("init", "activation", "weights", "border_mode", "subsample")
POSITIONAL: Mapping[str, Tuple[str, ...]] = {
    "Dense": ("output_dim", "init", "activation", "weights", "W_regularizer", "b_regularizer",
              "activity_regularizer", "W_constraint", "b_constraint", "bias", "input_dim"),
    "Convolution1D": ("nb_filter", "filter_length", "init", "activation", "weights", "border_mode", "subsample_length"),
    "AtrousConvolution1D": ("nb_filter", "filter_length", "init", "activation", "weights", "border_mode",
                            "subsample_length", "atrous_rate"),
    "Convolution2D": ("nb_filter", "nb_row", "nb_col", *_K1_CONV, "dim_ordering"),
    "AtrousConvolution2D": ("nb_filter", "nb_row", "nb_col", *_K1_CONV, "atrous_rate", "dim_ordering"),
    "SeparableConvolution2D": ("nb_filter", "nb_row", "nb_col", *_K1_CONV, "depth_multiplier", "dim_ordering"),
    "Deconvolution2D": ("nb_filter", "nb_row", "nb_col", "output_shape", *_K1_CONV, "dim_ordering"),
    "Convolution3D": ("nb_filter", "kernel_dim1", "kernel_dim2", "kernel_dim3", *_K1_CONV, "dim_ordering"),
    "BatchNormalization": ("epsilon", "mode", "axis", "momentum", "weights", "beta_init", "gamma_init"),
}
"""Keras 1 constructors' positional order, where it differs from Keras 3's."""

KERNEL_AXES: Mapping[str, Tuple[str, ...]] = {
    "Convolution2D": ("nb_row", "nb_col"),
    "AtrousConvolution2D": ("nb_row", "nb_col"),
    "SeparableConvolution2D": ("nb_row", "nb_col"),
    "Deconvolution2D": ("nb_row", "nb_col"),
    "Convolution3D": ("kernel_dim1", "kernel_dim2", "kernel_dim3"),
}
"""Keras 1's kernel size, one argument per axis; Keras 3 takes ``kernel_size`` as a tuple."""

AGREE: Mapping[str, int] = {"Dense": 1, "Convolution1D": 2, "AtrousConvolution1D": 2, "BatchNormalization": 0}
"""How many leading positional arguments Keras 1 and Keras 3 read alike (for classes without a
per-axis kernel): a Keras 1 call binds positionally by its own order only past them."""

KERAS1_NAME: Mapping[str, str] = {
    "Conv1D": "Convolution1D",
    "Conv2D": "Convolution2D",
    "Conv3D": "Convolution3D",
    "SeparableConv2D": "SeparableConvolution2D",
    "Conv2DTranspose": "Deconvolution2D",
}
"""Keras 2 names read with their Keras 1 class's positional order in a Keras 1 file."""

KERAS3_NAME: Mapping[str, str] = {old: new for new, old in KERAS1_NAME.items() if not old.startswith("Deconv")}
"""The Keras 3 name a translated call is shown with (``Convolution2D`` is ``Conv2D``)."""

MERGE_MODES: Mapping[str, str] = {
    "sum": "Add",
    "mul": "Multiply",
    "ave": "Average",
    "max": "Maximum",
    "concat": "Concatenate",
    "dot": "Dot",
    "cos": "Dot",
}
"""Keras 1 ``merge(inputs, mode=...)`` -> the Keras 3 merge layer."""

_KERAS1_TEXT = re.compile(
    r"\b(?:border_mode|subsample|subsample_length|nb_filter|nb_row|nb_col|filter_length|dim_ordering|"
    r"W_regularizer|b_regularizer|atrous_rate|pool_length)\s*=|\bmerge\(|\bset_image_dim_ordering\("
)


def looks_keras1(source: str) -> bool:
    """Whether a file is written for Keras 1: a Keras 1 keyword or ``merge(...)`` anywhere in it."""
    return _KERAS1_TEXT.search(source) is not None


def implied_data_format(type_name: str, fmt: Optional[str], keras1: bool) -> Optional[str]:
    """The ``data_format`` a layer without one takes after ``set_image_data_format(fmt)``
    (every layer that has the argument), or after Keras 1's ``set_image_dim_ordering`` (only
    the 2D and 3D image layers: Keras 1's 1D layers had no ordering, they were steps first)."""
    if fmt is None or (keras1 and not type_name.endswith(("2D", "3D"))):
        return None
    return fmt


class Translation:
    """A call rewritten in Keras 3 terms, and what the CL401 note says about it.  (A plain
    class: it is never compared, and a dataclass costs its generated methods at start-up.)"""

    __slots__ = ("type", "args", "kwargs", "changes")

    def __init__(self, type: str, args: List[Any], kwargs: Dict[str, Any], changes: Optional[List[Tuple[str, str]]] = None) -> None:
        self.type = type
        self.args = args
        self.kwargs = kwargs
        self.changes: List[Tuple[str, str]] = [] if changes is None else changes
        """(era, what changed): ``("Keras 1", "border_mode -> padding")``."""

    def change(self, era: str, what: str) -> None:
        self.changes.append((era, what))

    @property
    def message(self) -> str:
        eras = sorted({era for era, _ in self.changes})
        era = eras[0] if len(eras) == 1 else "Keras 1/2"
        shown = ", ".join([_show(a) for a in self.args] + [f"{k}={_show(v)}" for k, v in self.kwargs.items()])
        what = "; ".join(text for _, text in self.changes)
        if era == "ambiguous":
            return what
        return f"{era} spelling ({what}): use {self.type}({shown})"


def _show(value: Any) -> str:
    if isinstance(value, (bool, int, float, str)) or value is None:
        return repr(value)
    if isinstance(value, (tuple, list)):
        inner = ", ".join(_show(v) for v in value) + ("," if isinstance(value, tuple) and len(value) == 1 else "")
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if type(value).__name__ == "Expr":  # a size symbol (a parameter with no value here)
        return str(value)
    return "..."


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def keras1_order(name: str, args: Sequence[Any], kwargs: Mapping[str, Any], keras1_file: bool) -> Optional[str]:
    """The Keras 1 class whose positional order ``name(*args, **kwargs)`` follows, if any."""
    old = name if name in POSITIONAL else KERAS1_NAME.get(name)
    if old is None or not args:
        return None
    axes = KERNEL_AXES.get(old, ())
    keras3 = keras3_type(name)
    k1_keywords = any(k in KEYWORDS or k in CLASS_KEYWORDS.get(keras3, {}) or dropped(k, keras3) for k in kwargs)
    if not axes:
        return old if len(args) > AGREE.get(old, 0) and (k1_keywords or name in KERAS3_CLASS) else None
    kernel_ints = len(args) > len(axes) and all(_is_int(a) for a in args[1:1 + len(axes)])
    return old if kernel_ints and (name in POSITIONAL or k1_keywords or keras1_file) else None


def translate(name: str, args: Sequence[Any], kwargs: Mapping[str, Any], keras1_file: bool = False) -> Optional[Translation]:
    """``name(*args, **kwargs)`` in Keras 3 terms, or ``None`` when it is Keras 3 already.

    ``keras1_file``: the file uses Keras 1 spellings elsewhere (:func:`looks_keras1`), which
    decides ``Conv2D(32, 3, 3)`` (see the module docstring)."""
    out = Translation(KERAS3_CLASS.get(name, name), list(args), dict(kwargs))
    if out.type != name:
        out.change("Keras 2" if name.startswith("Deconvolution") else "Keras 1", f"{name} is {out.type}")
    old = keras1_order(name, args, kwargs, keras1_file)
    if old is not None:  # every argument by its Keras 1 name, then renamed
        out.kwargs = {**dict(zip(POSITIONAL[old], args)), **out.kwargs}
        out.args = []
        axes = KERNEL_AXES.get(old, ())
        if axes and all(a in out.kwargs for a in axes):
            out.kwargs = _replace(out.kwargs, axes, "kernel_size", tuple(out.kwargs[a] for a in axes))
            out.change("Keras 1", f"{', '.join(axes)} -> kernel_size")
    _rename(out)
    _values(out)
    _keras2(out)
    if not out.changes and name in KERAS1_NAME and KERNEL_AXES.get(KERAS1_NAME[name]):
        n = len(KERNEL_AXES[KERAS1_NAME[name]])
        if len(args) > n and all(_is_int(a) for a in args[1:1 + n]):
            kernel = ", ".join(repr(a) for a in args[1:1 + n])
            keras3 = ", ".join(f"{k}={a!r}" for k, a in zip(("kernel_size", "strides", "padding"), args[1:1 + n]))
            out.change(
                "ambiguous",
                f"{name}({', '.join(_show(a) for a in args)}): Keras 2 and 3 read {keras3}, Keras 1 read a "
                f"({kernel}) kernel; analysed as Keras 3 reads it (write strides= or kernel_size=({kernel}) to say which)",
            )
    elif out.changes and out.type in KERAS3_NAME:
        out.type = KERAS3_NAME[out.type]
    return out if out.changes else None


def _replace(kwargs: Dict[str, Any], olds: Sequence[str], new: str, value: Any) -> Dict[str, Any]:
    """``kwargs`` with the keys ``olds`` replaced by ``new=value`` where the first of them was."""
    out: Dict[str, Any] = {}
    for key, v in kwargs.items():
        if key == olds[0]:
            out[new] = value
        elif key not in olds:
            out[key] = v
    return out


def keras3_type(name: str) -> str:
    return KERAS3_CLASS.get(name, KERAS3_NAME.get(name, name))


def dropped(key: str, name: str) -> bool:
    return key in DROPPED and keras3_type(name) in DROPPED[key][0]


def _rename(out: Translation) -> None:
    table = {**KEYWORDS, **CLASS_KEYWORDS.get(keras3_type(out.type), {})}
    renamed: List[str] = []
    for key in list(out.kwargs):
        if dropped(key, out.type):
            value = out.kwargs.pop(key)
            if key == "mode" and value == 0:
                out.change("Keras 1", "mode=0 dropped")
            elif value is not None:
                out.change("Keras 1", f"{key} dropped: {DROPPED[key][1]}")
            continue
        if key in table and table[key] not in out.kwargs:
            value = out.kwargs[key]
            out.kwargs = _replace(out.kwargs, [key], table[key], value)
            if not (key == "dim_ordering" and value in DIM_ORDERING):  # said with its value (see _values)
                renamed.append(f"{key} -> {table[key]}")
    if renamed:
        out.change("Keras 1", ", ".join(renamed))


def _values(out: Translation) -> None:
    fmt = out.kwargs.get("data_format")
    if isinstance(fmt, str) and fmt in DIM_ORDERING:
        mapped = DIM_ORDERING[fmt]
        if mapped is None:
            del out.kwargs["data_format"]
        else:
            out.kwargs["data_format"] = mapped
        out.change("Keras 1", f"dim_ordering={fmt!r} is data_format={mapped!r}")
    for key in ("kernel_initializer", "beta_initializer", "gamma_initializer", "alpha_initializer"):
        if out.kwargs.get(key) in ("zero", "one"):
            out.kwargs[key] += "s"
    if "input_length" in out.kwargs and keras3_type(out.type) == "Conv1D":  # Keras 1 Conv1D(input_dim=, input_length=)
        out.kwargs["input_shape"] = (out.kwargs.pop("input_length"), out.kwargs.pop("input_dim", None))
        out.change("Keras 1", "input_length, input_dim -> input_shape")


def _keras2(out: Translation) -> None:
    for old, new in KERAS2_KEYWORDS.get(out.type, {}).items():
        if old in out.kwargs:
            out.kwargs = _replace(out.kwargs, [old], new, out.kwargs[old])
            out.change("Keras 2", f"{old} -> {new}")
    default = KERAS2_DEFAULTS.get(out.type)
    if default is not None and not out.args and default[0] not in out.kwargs and "**" not in out.kwargs:
        out.kwargs = {default[0]: default[1], **out.kwargs}
        out.change("Keras 2", f"Keras 3 requires {default[0]}, whose Keras 2 default was {_show(default[1])}")


def translate_merge(args: Sequence[Any], kwargs: Mapping[str, Any]) -> Optional[Translation]:
    """Keras 1 ``merge(inputs, mode="sum", concat_axis=-1, dot_axes=-1)``: the Keras 3 merge
    layer and its arguments (the inputs, ``args[0]``, stay with the caller)."""
    mode = kwargs.get("mode", args[1] if len(args) > 1 else "sum")
    if not isinstance(mode, str) or mode not in MERGE_MODES:
        return None
    out = Translation(MERGE_MODES[mode], [], {})
    if out.type == "Concatenate":
        out.kwargs["axis"] = kwargs.get("concat_axis", args[2] if len(args) > 2 else -1)
    if out.type == "Dot":
        out.kwargs["axes"] = kwargs.get("dot_axes", args[3] if len(args) > 3 else -1)
        if mode == "cos":
            out.kwargs["normalize"] = True
    out.change("Keras 1", f"merge(mode={mode!r}) is the {out.type} layer")
    return out
