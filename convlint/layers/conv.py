"""Convolutions: Keras Conv*/Conv*Transpose/SeparableConv*/DepthwiseConv*, torch Conv*d/ConvTranspose*d.

Output sizes come from two pure functions, :func:`conv_output_size` and
:func:`conv_transpose_output_size`, written once over ``Dim`` so ints and symbols share a code
path.  Weight shapes follow each framework's storage layout exactly (Keras kernels are
``kernel_size + (in // groups, filters)``, torch weights ``(out, in // groups, *kernel_size)``),
so parameter counts are derived, never hand-counted.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

from ..dims import Dim, ceil_div, is_known
from ..formula import const
from ..graph import Shape, fmt_shape
from .core import keras_activation_name
from .base import (
    FORWARD_TEMPORARIES,
    REQUIRED,
    LayerError,
    LayerSpec,
    Requirement,
    Weight,
    choice,
    data_format,
    ensure_rank,
    ensure_torch_rank,
    flag,
    int_tuple,
    non_negative,
    positive,
    positive_int,
)

__all__ = ["conv_output_size", "conv_transpose_output_size", "window_span", "SPECS"]

ODim = Optional[Dim]


# -- pure size rules ----------------------------------------------------------------------
def conv_output_size(n: ODim, k: Dim, s: Dim, d: Dim, pad: Any) -> ODim:
    """Output length of a convolution/pooling window along one axis.

    ``pad`` is ``"valid"``, ``"same"``/``"causal"`` (Keras: ``ceil(n / s)``) or an explicit
    total padding (torch: ``2 * padding``).
    """
    if n is None:
        return None
    if pad == "same" or pad == "causal":
        return ceil_div(n, s) if is_known(s) else None
    total = 2 * const(0, n) if pad == "valid" else pad  # ``2·0`` in a ``--why`` formula
    return (n + total - window_span(k, d)) // s + 1 if is_known(s) else None


def window_span(k: Dim, d: Dim) -> Dim:
    """How many input cells a window of ``k`` taps with dilation ``d`` covers: ``d·(k − 1) + 1``
    (just ``k`` undilated, which is how a ``--why`` formula then reads)."""
    return k if is_known(d) and d == 1 else d * (k - 1) + 1


def per_group(channels: Dim, groups: Dim) -> Dim:
    """Channels one filter sees: ``channels // groups`` (all of them, plainly, for one group)."""
    return channels if is_known(groups) and groups == 1 else channels // groups


def conv_transpose_output_size(
    n: ODim, k: Dim, s: Dim, d: Dim, padding: Any, output_padding: Optional[Dim], framework: str
) -> ODim:
    """Output length of a transposed convolution along one axis, per framework."""
    if n is None:
        return None
    k_eff = d * (k - 1) + 1
    if framework == "torch":
        op = output_padding or 0
        return (n - 1) * s - 2 * padding + k_eff + op
    if padding == "valid":
        if output_padding is None:
            if not (is_known(k_eff) and is_known(s)):
                return None
            output_padding = max(k_eff, s) - k_eff  # type: ignore[type-var]
        return (n - 1) * s + k_eff + output_padding
    if output_padding is None:
        return n * s
    if not is_known(k_eff):
        return None
    return (n - 1) * s + k_eff % 2 + output_padding  # type: ignore[operator]


def _keras_spatial(shape: Shape, fmt: str) -> Tuple[Tuple[ODim, ...], ODim]:
    if fmt == "channels_first":
        return tuple(shape[2:]), shape[1]
    return tuple(shape[1:-1]), shape[-1]


def _keras_shape(batch: ODim, spatial: Tuple[ODim, ...], channels: ODim, fmt: str) -> Shape:
    if fmt == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def _check_window(
    type_name: str, shape: Shape, axes: Tuple[ODim, ...], k: Tuple[Dim, ...], s: Tuple[Dim, ...], d: Tuple[Dim, ...], pad: Any
) -> None:
    """A window larger than the (padded) input is a non-positive-dim finding with the deficit
    (and the output size it would give, whose ``--why`` formula shows the arithmetic)."""
    for i, (n, kk, ss, dd) in enumerate(zip(axes, k, s, d)):
        total = 0 if pad in ("valid",) else (pad[i] if isinstance(pad, tuple) else None)
        if total is None or not (is_known(n) and is_known(kk) and is_known(dd) and is_known(total)):
            continue
        span = dd * (kk - 1) + 1
        if span > n + total:
            padded = f" (padded {n + total})" if total else ""
            raise LayerError(
                "non-positive-dim",
                f"{type_name}: the kernel spans {span} along spatial axis {i + 1} but the input has only "
                f"{n}{padded}; it is {span - n - total} too small. Received: input shape {fmt_shape(shape)}",
                received=n,
                size=conv_output_size(n, kk, ss, dd, "valid" if pad == "valid" else total),
            )


# -- Keras -------------------------------------------------------------------------------
def _keras_conv_signature(kind: str, n: int) -> List[Tuple[str, Any]]:
    if kind == "conv":
        return [
            ("filters", REQUIRED), ("kernel_size", REQUIRED), ("strides", 1), ("padding", "valid"),
            ("data_format", None), ("dilation_rate", 1), ("groups", 1), ("activation", None), ("use_bias", True),
        ]
    if kind == "transpose":
        # Keras' own order: Conv3DTranspose takes data_format before output_padding, 1D/2D after
        middle = [("data_format", None), ("output_padding", None)] if n == 3 else [("output_padding", None), ("data_format", None)]
        return [
            ("filters", REQUIRED), ("kernel_size", REQUIRED), ("strides", 1), ("padding", "valid"),
            *middle, ("dilation_rate", 1), ("activation", None), ("use_bias", True),
        ]
    if kind == "separable":
        return [
            ("filters", REQUIRED), ("kernel_size", REQUIRED), ("strides", 1), ("padding", "valid"),
            ("data_format", None), ("dilation_rate", 1), ("depth_multiplier", 1), ("activation", None),
            ("use_bias", True),
        ]
    return [  # depthwise
        ("kernel_size", REQUIRED), ("strides", 1), ("padding", "valid"), ("depth_multiplier", 1),
        ("data_format", None), ("dilation_rate", 1), ("activation", None), ("use_bias", True),
    ]


class KerasConv(LayerSpec):
    """Keras 3 ``ConvND``, ``ConvNDTranspose``, ``SeparableConvND`` and ``DepthwiseConvND``."""

    def __init__(self, kind: str, names: Dict[int, str], aliases: Dict[str, str]) -> None:
        self.kind = kind
        self.rank_of = {name: n for n, name in names.items()}
        self.types = tuple(("keras", name) for name in names.values())
        self.aliases = {("keras", a): c for a, c in aliases.items()}
        self.signatures = {("keras", name): _keras_conv_signature(kind, n) for n, name in names.items()}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        n = self.rank_of[type_name]
        attrs: Dict[str, Any] = {"type": type_name, "n": n}
        if self.kind != "depthwise":
            attrs["filters"] = positive_int(params["filters"], "filters", type_name)
        attrs["kernel_size"] = int_tuple(params["kernel_size"], n, "kernel_size", type_name)
        positive(attrs["kernel_size"], "kernel_size", type_name)
        attrs["strides"] = int_tuple(params["strides"], n, "strides", type_name)
        positive(attrs["strides"], "strides", type_name)
        attrs["dilation_rate"] = int_tuple(params["dilation_rate"], n, "dilation_rate", type_name)
        positive(attrs["dilation_rate"], "dilation_rate", type_name)
        options = ("valid", "same", "causal") if (n == 1 and self.kind == "conv") else ("valid", "same")
        attrs["padding"] = choice(params["padding"], options, "padding", type_name)
        attrs["data_format"] = data_format(params["data_format"], layout, type_name)
        attrs["use_bias"] = flag(params["use_bias"], "use_bias")
        attrs["activation"] = keras_activation_name(params.get("activation"), type_name)
        if self.kind == "conv":
            attrs["groups"] = groups = positive_int(params["groups"], "groups", type_name)
            if is_known(groups) and is_known(attrs["filters"]) and attrs["filters"] % groups:
                raise LayerError(
                    "groups",
                    f"{type_name}: filters must be divisible by groups. Received: filters={attrs['filters']}, groups={groups}",
                    attr="groups",
                )
            if any(is_known(s) and s > 1 for s in attrs["strides"]) and any(
                is_known(d) and d > 1 for d in attrs["dilation_rate"]
            ):
                raise LayerError(
                    "invalid-argument",
                    f"{type_name}: strides > 1 cannot be combined with dilation_rate > 1. "
                    f"Received: strides={attrs['strides']}, dilation_rate={attrs['dilation_rate']}",
                    attr="strides",
                )
        if self.kind in ("separable", "depthwise"):
            attrs["depth_multiplier"] = positive_int(params["depth_multiplier"], "depth_multiplier", type_name)
        if self.kind == "transpose":
            op = params["output_padding"]
            attrs["output_padding"] = None if op is None else int_tuple(op, n, "output_padding", type_name)
            if attrs["output_padding"] is not None:
                non_negative(attrs["output_padding"], "output_padding", type_name)
                for o, s in zip(attrs["output_padding"], attrs["strides"]):
                    if is_known(o) and is_known(s) and o >= s:
                        raise LayerError(
                            "invalid-argument",
                            f"{type_name}: output_padding must be smaller than strides. "
                            f"Received: output_padding={attrs['output_padding']}, strides={attrs['strides']}",
                            attr="output_padding",
                        )
        return attrs

    def _in_channels(self, attrs: Dict[str, Any], shape: Shape) -> ODim:
        ensure_rank(shape, attrs["n"] + 2, attrs["type"], "batch, spatial..., channels")
        return _keras_spatial(shape, attrs["data_format"])[1]

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        c_in = self._in_channels(attrs, shape)
        spatial, _ = _keras_spatial(shape, attrs["data_format"])
        k, s, d, pad = attrs["kernel_size"], attrs["strides"], attrs["dilation_rate"], attrs["padding"]
        name = attrs["type"]
        if self.kind == "conv" and is_known(c_in) and is_known(attrs["groups"]) and c_in % attrs["groups"]:
            raise LayerError(
                "groups",
                f"{name}: the number of input channels must be divisible by groups. Received: groups={attrs['groups']}, "
                f"input has {c_in} channels (input shape {fmt_shape(shape)})",
                attr="groups",
            )
        if self.kind == "transpose":
            ops = attrs["output_padding"] or (None,) * attrs["n"]
            out = tuple(
                conv_transpose_output_size(n, kk, ss, dd, pad, op, "keras") for n, kk, ss, dd, op in zip(spatial, k, s, d, ops)
            )
            return _keras_shape(shape[0], out, attrs["filters"], attrs["data_format"])
        if pad == "valid":
            _check_window(name, shape, spatial, k, s, d, "valid")
        out = tuple(conv_output_size(n, kk, ss, dd, pad) for n, kk, ss, dd in zip(spatial, k, s, d))
        if self.kind == "depthwise":
            channels = None if c_in is None else c_in * attrs["depth_multiplier"]
        else:
            channels = attrs["filters"]
        return _keras_shape(shape[0], out, channels, attrs["data_format"])

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        c_in = self._in_channels(attrs, inputs[0]) if inputs else None
        k = tuple(attrs["kernel_size"])
        if c_in is None:
            return [Weight("kernel", (None,))]  # type: ignore[arg-type]  # size unknown
        if self.kind == "conv":
            out = [Weight("kernel", k + (per_group(c_in, attrs["groups"]), attrs["filters"]))]
            bias_size: Dim = attrs["filters"]
        elif self.kind == "transpose":
            out = [Weight("kernel", k + (attrs["filters"], c_in))]
            bias_size = attrs["filters"]
        elif self.kind == "separable":
            dm = attrs["depth_multiplier"]
            out = [
                Weight("depthwise_kernel", k + (c_in, dm)),
                Weight("pointwise_kernel", (1,) * attrs["n"] + (c_in * dm, attrs["filters"])),
            ]
            bias_size = attrs["filters"]
        else:
            dm = attrs["depth_multiplier"]
            out = [Weight("kernel", k + (c_in, dm))]
            bias_size = c_in * dm
        if attrs["use_bias"]:
            out.append(Weight("bias", (bias_size,), role="bias"))
        return out

    def workspace(self, attrs: Dict[str, Any], inputs: List[Tuple[int, ...]], output: Tuple[int, ...]) -> Optional[int]:
        """The NumPy kernel's temporaries (see ``_conv_numpy``), the channels-first copy of the
        input, and the general allowance on the output for what follows the kernel (the bias,
        the activation, the float32 and layout copies)."""
        from . import _conv_numpy as K

        shape = tuple(inputs[0])
        if attrs["data_format"] == "channels_first":  # forward works channels-last
            shape = (shape[0],) + shape[2:] + (shape[1],)
        n, spatial, c = shape[0], shape[1:-1], shape[-1]
        k, s, d = tuple(attrs["kernel_size"]), tuple(attrs["strides"]), tuple(attrs["dilation_rate"])
        after = FORWARD_TEMPORARIES * 4 * math.prod(output)
        if self.kind == "transpose":
            return after + K.conv_transpose_workspace(shape, k + (c, attrs["filters"]), s, d, K.keras_transpose_crop(attrs))
        pads = K.keras_padding(spatial, k, s, d, attrs["padding"])
        if self.kind == "conv":
            g = attrs["groups"]
            kernel = K.conv_workspace((n, c) + spatial, (attrs["filters"], c // g) + k, s, d, pads, g)
            return after + 4 * math.prod(shape) + kernel
        return after + K.depthwise_workspace(shape, k + (c, attrs["depth_multiplier"]), s, d, pads)

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        from . import _conv_numpy as K

        x = K.to_channels_last(xs[0], attrs["data_format"])
        n = attrs["n"]
        s, d = tuple(attrs["strides"]), tuple(attrs["dilation_rate"])
        if self.kind == "transpose":
            kernel = weights["kernel"]  # k + (filters, in)
            y = K.conv_transpose(x, kernel.swapaxes(-1, -2), s, d, K.keras_transpose_crop(attrs))
        else:
            pads = K.keras_padding(x.shape[1:-1], attrs["kernel_size"], s, d, attrs["padding"])
            if self.kind == "conv":
                n = attrs["n"]
                weight = weights["kernel"].transpose((n + 1, n) + tuple(range(n)))  # -> (F, C/g, *k)
                y = K.to_channels_last(K.conv(K.from_channels_last(x, "channels_first"), weight, s, d, pads, attrs["groups"]), "channels_first")
            elif self.kind == "depthwise":
                y = K.depthwise(x, weights["kernel"], s, d, pads)
            else:
                y = K.depthwise(x, weights["depthwise_kernel"], s, d, pads)
                pw = weights["pointwise_kernel"].reshape(weights["pointwise_kernel"].shape[-2:])
                y = y @ pw
        if attrs["use_bias"]:
            y = y + weights["bias"]
        if attrs["activation"] is not None:
            from . import _activations

            y = _activations.keras_activation(attrs["activation"], y)
        return K.from_channels_last(y.astype("float32"), attrs["data_format"])


# -- PyTorch -----------------------------------------------------------------------------
def _torch_conv_signature(transpose: bool) -> List[Tuple[str, Any]]:
    if transpose:
        return [
            ("in_channels", REQUIRED), ("out_channels", REQUIRED), ("kernel_size", REQUIRED), ("stride", 1),
            ("padding", 0), ("output_padding", 0), ("groups", 1), ("bias", True), ("dilation", 1),
            ("padding_mode", "zeros"),
        ]
    return [
        ("in_channels", REQUIRED), ("out_channels", REQUIRED), ("kernel_size", REQUIRED), ("stride", 1),
        ("padding", 0), ("dilation", 1), ("groups", 1), ("bias", True), ("padding_mode", "zeros"),
    ]


class TorchConv(LayerSpec):
    """``torch.nn.Conv{1,2,3}d`` and ``ConvTranspose{1,2,3}d``."""

    def __init__(self, transpose: bool) -> None:
        self.transpose = transpose
        base = "ConvTranspose" if transpose else "Conv"
        self.rank_of = {f"{base}{n}d": n for n in (1, 2, 3)}
        self.types = tuple(("torch", name) for name in self.rank_of)
        self.signatures = {("torch", name): _torch_conv_signature(transpose) for name in self.rank_of}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        n = self.rank_of[type_name]
        attrs: Dict[str, Any] = {"type": type_name, "n": n}
        for key in ("in_channels", "out_channels", "groups"):
            attrs[key] = positive_int(params[key], key, type_name)
        g = attrs["groups"]
        for key in ("in_channels", "out_channels"):
            if is_known(attrs[key]) and is_known(g) and attrs[key] % g:
                raise LayerError(
                    "groups",
                    f"{type_name}: {key} must be divisible by groups. Received: {key}={attrs[key]}, groups={g}",
                    attr="groups",
                )
        attrs["kernel_size"] = int_tuple(params["kernel_size"], n, "kernel_size", type_name)
        positive(attrs["kernel_size"], "kernel_size", type_name)
        attrs["stride"] = int_tuple(params["stride"], n, "stride", type_name)
        positive(attrs["stride"], "stride", type_name)
        attrs["dilation"] = int_tuple(params["dilation"], n, "dilation", type_name)
        positive(attrs["dilation"], "dilation", type_name)
        padding = params["padding"]
        if isinstance(padding, str) and not self.transpose:
            mode = choice(padding, ("same", "valid"), "padding", type_name)
            if mode == "same" and any(not is_known(v) or v != 1 for v in attrs["stride"]):
                raise LayerError(
                    "invalid-argument",
                    f"{type_name}: padding='same' is not supported for strided convolutions. Received: stride={attrs['stride']}",
                    attr="padding",
                )
            if mode == "same":
                # torch pads d*(k-1) in total (extra on the right for even spans): output == input
                attrs["padding"] = "same"
            else:
                attrs["padding"] = (0,) * n
        else:
            attrs["padding"] = int_tuple(padding, n, "padding", type_name)
            non_negative(attrs["padding"], "padding", type_name)
        attrs["bias"] = flag(params["bias"], "bias")
        if self.transpose:
            attrs["output_padding"] = int_tuple(params["output_padding"], n, "output_padding", type_name)
            non_negative(attrs["output_padding"], "output_padding", type_name)
            for o, s, d in zip(attrs["output_padding"], attrs["stride"], attrs["dilation"]):
                if is_known(o) and is_known(s) and is_known(d) and o >= max(s, d):
                    raise LayerError(
                        "invalid-argument",
                        f"{type_name}: output_padding must be smaller than either stride or dilation. "
                        f"Received: output_padding={attrs['output_padding']}, stride={attrs['stride']}, dilation={attrs['dilation']}",
                        attr="output_padding",
                    )
        else:
            mode = params.get("padding_mode", "zeros")
            attrs["padding_mode"] = choice(mode, ("zeros", "reflect", "replicate", "circular"), "padding_mode", type_name)
        return attrs

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        n, name = attrs["n"], attrs["type"]
        batched = ensure_torch_rank(shape, n + 1, n + 2, name)  # (N, C, *spatial) or unbatched (C, *spatial)
        spatial = tuple(shape[-n:])
        k, s, d = attrs["kernel_size"], attrs["stride"], attrs["dilation"]
        if self.transpose:
            out = tuple(
                conv_transpose_output_size(x, kk, ss, dd, p, op, "torch")
                for x, kk, ss, dd, p, op in zip(spatial, k, s, d, attrs["padding"], attrs["output_padding"])
            )
        elif attrs["padding"] == "same":
            out = spatial
        else:
            totals = tuple(2 * p for p in attrs["padding"])
            _check_window(name, shape, spatial, k, s, d, totals)
            out = tuple(conv_output_size(x, kk, ss, dd, t) for x, kk, ss, dd, t in zip(spatial, k, s, d, totals))
        return (*shape[:1 if batched else 0], attrs["out_channels"], *out)

    def requires(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Requirement]:
        return [Requirement(-(attrs["n"] + 1), attrs["in_channels"], "in_channels")]  # batched or not

    def weights(self, attrs: Dict[str, Any], inputs: List[Shape]) -> List[Weight]:
        g = attrs["groups"]
        k = tuple(attrs["kernel_size"])
        if self.transpose:
            out = [Weight("weight", (attrs["in_channels"], per_group(attrs["out_channels"], g)) + k)]
        else:
            out = [Weight("weight", (attrs["out_channels"], per_group(attrs["in_channels"], g)) + k)]
        if attrs["bias"]:
            out.append(Weight("bias", (attrs["out_channels"],), role="bias"))
        return out

    def workspace(self, attrs: Dict[str, Any], inputs: List[Tuple[int, ...]], output: Tuple[int, ...]) -> Optional[int]:
        """The NumPy kernel's temporaries (see ``_conv_numpy``); a plain convolution writes its
        output, bias included, in place; a transposed one keeps each group's result, then joins,
        adds the bias and converts the layout (the general allowance on the output)."""
        from . import _conv_numpy as K

        shape = tuple(inputs[0])
        k, s, d, g = tuple(attrs["kernel_size"]), tuple(attrs["stride"]), tuple(attrs["dilation"]), attrs["groups"]
        cin, cout = attrs["in_channels"], attrs["out_channels"]
        if self.transpose:
            group = (shape[0],) + shape[2:] + (cin // g,)
            crops = tuple((p, p - o) for p, o in zip(attrs["padding"], attrs["output_padding"]))
            per_group = K.conv_transpose_workspace(group, k + (cin // g, cout // g), s, d, crops)
            return g * per_group + FORWARD_TEMPORARIES * 4 * math.prod(output)
        return K.conv_workspace(shape, (cout, cin // g) + k, s, d, _torch_pads(attrs), g, attrs.get("padding_mode", "zeros"))

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        from . import _conv_numpy as K

        n = attrs["n"]
        if xs[0].ndim == n + 1:  # unbatched (C, *spatial): PyTorch runs it as a batch of one
            return self.forward(attrs, [xs[0][None]], weights)[0]
        s, d = tuple(attrs["stride"]), tuple(attrs["dilation"])
        w = weights["weight"]
        if self.transpose:
            x = K.to_channels_last(xs[0], "channels_first")
            g = attrs["groups"]
            cin = w.shape[0]
            # torch (in, out/g, *k): each group's slice becomes k + (in/g, out/g); groups concatenate
            x_groups = x.reshape(x.shape[:-1] + (g, cin // g))
            outs = []
            for gi in range(g):
                wg = w[gi * (cin // g):(gi + 1) * (cin // g)]  # (in/g, out/g, *k)
                kern = wg.transpose(tuple(range(2, 2 + n)) + (0, 1))  # k + (in/g, out/g)
                crops = tuple((p, p - o) for p, o in zip(attrs["padding"], attrs["output_padding"]))
                outs.append(K.conv_transpose(x_groups[..., gi, :], kern, s, d, crops))
            y = outs[0] if g == 1 else K.concat_channels(outs)
        else:
            mode = attrs.get("padding_mode", "zeros")
            return K.conv(xs[0], w, s, d, _torch_pads(attrs), attrs["groups"], mode=mode, bias=weights["bias"] if attrs["bias"] else None)
        if attrs["bias"]:
            y = y + weights["bias"]
        return K.from_channels_last(y.astype("float32"), "channels_first")


def _torch_pads(attrs: Dict[str, Any]) -> Tuple[Tuple[int, int], ...]:
    """(left, right) per axis: torch pads ``d*(k-1)`` in total for ``"same"`` (the extra on the right)."""
    if attrs["padding"] == "same":
        return tuple(((dd * (kk - 1)) // 2, dd * (kk - 1) - (dd * (kk - 1)) // 2) for kk, dd in zip(attrs["kernel_size"], attrs["dilation"]))
    return tuple((p, p) for p in attrs["padding"])


SPECS: List[LayerSpec] = [
    KerasConv(
        "conv",
        {1: "Conv1D", 2: "Conv2D", 3: "Conv3D"},
        {"Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D"},
    ),
    KerasConv(
        "transpose",
        {1: "Conv1DTranspose", 2: "Conv2DTranspose", 3: "Conv3DTranspose"},
        {
            "Convolution1DTranspose": "Conv1DTranspose",
            "Convolution2DTranspose": "Conv2DTranspose",
            "Convolution3DTranspose": "Conv3DTranspose",
            "Deconvolution2D": "Conv2DTranspose",
            "Deconvolution3D": "Conv3DTranspose",
        },
    ),
    KerasConv(
        "separable",
        {1: "SeparableConv1D", 2: "SeparableConv2D"},
        {"SeparableConvolution1D": "SeparableConv1D", "SeparableConvolution2D": "SeparableConv2D"},
    ),
    KerasConv("depthwise", {1: "DepthwiseConv1D", 2: "DepthwiseConv2D"}, {}),
    TorchConv(transpose=False),
    TorchConv(transpose=True),
]
