"""Keras image preprocessing layers that sit at the front of most Keras CNNs.

The random augmentations (``RandomFlip``, ``RandomRotation``, ...) keep the shape and are the
identity at inference; ``Resizing``, ``CenterCrop`` and ``RandomCrop`` set the spatial size to
``(height, width)`` whatever comes in (Keras resizes a smaller input up), so every layer after
them is checked against the size the model really sees.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from ..graph import Shape
from .base import REQUIRED, LayerSpec, choice, data_format, ensure_rank, positive_int

__all__ = ["SPECS"]

_AUGMENT_SIGNATURES: Dict[str, List[Tuple[str, Any]]] = {
    "RandomFlip": [("mode", "horizontal_and_vertical"), ("seed", None), ("data_format", None)],
    "RandomRotation": [
        ("factor", REQUIRED), ("fill_mode", "reflect"), ("interpolation", "bilinear"), ("seed", None),
        ("fill_value", 0.0), ("data_format", None),
    ],
    "RandomZoom": [
        ("height_factor", REQUIRED), ("width_factor", None), ("fill_mode", "reflect"), ("interpolation", "bilinear"),
        ("seed", None), ("fill_value", 0.0), ("data_format", None),
    ],
    "RandomTranslation": [
        ("height_factor", REQUIRED), ("width_factor", REQUIRED), ("fill_mode", "reflect"),
        ("interpolation", "bilinear"), ("seed", None), ("fill_value", 0.0), ("data_format", None),
    ],
    "RandomContrast": [("factor", REQUIRED), ("value_range", (0, 255)), ("seed", None)],
    "RandomBrightness": [("factor", REQUIRED), ("value_range", (0, 255)), ("seed", None)],
}


class KerasAugmentation(LayerSpec):
    """Random image augmentations: shape-preserving, the identity at inference."""

    types = tuple(("keras", name) for name in _AUGMENT_SIGNATURES)
    signatures = {("keras", name): sig for name, sig in _AUGMENT_SIGNATURES.items()}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        attrs: Dict[str, Any] = {"type": type_name}
        if type_name == "RandomFlip":
            attrs["mode"] = choice(params["mode"], ("horizontal", "vertical", "horizontal_and_vertical"), "mode", type_name)
        return attrs

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        ensure_rank(inputs[0], 4, attrs["type"], "batch, height, width, channels")
        return inputs[0]

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        return xs[0]


_SIZE_SIGNATURES: Dict[str, List[Tuple[str, Any]]] = {
    "Resizing": [
        ("height", REQUIRED), ("width", REQUIRED), ("interpolation", "bilinear"), ("crop_to_aspect_ratio", False),
        ("pad_to_aspect_ratio", False), ("fill_mode", "constant"), ("fill_value", 0.0), ("antialias", False),
        ("data_format", None),
    ],
    "CenterCrop": [("height", REQUIRED), ("width", REQUIRED), ("data_format", None)],
    "RandomCrop": [("height", REQUIRED), ("width", REQUIRED), ("seed", None), ("data_format", None)],
}


class KerasResize(LayerSpec):
    """``Resizing`` / ``CenterCrop`` / ``RandomCrop``: the output is ``(height, width)``."""

    types = tuple(("keras", name) for name in _SIZE_SIGNATURES)
    signatures = {("keras", name): sig for name, sig in _SIZE_SIGNATURES.items()}

    def normalize(self, framework: str, type_name: str, params: Dict[str, Any], layout: str) -> Dict[str, Any]:
        attrs: Dict[str, Any] = {"type": type_name, "data_format": data_format(params.get("data_format"), layout, type_name)}
        for key in ("height", "width"):
            attrs[key] = positive_int(params[key], key, type_name)
        if type_name == "Resizing":
            attrs["interpolation"] = choice(
                params["interpolation"], ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area"), "interpolation", type_name
            )
            attrs["plain"] = not params.get("crop_to_aspect_ratio") and not params.get("pad_to_aspect_ratio")
        return attrs

    def output_shape(self, attrs: Dict[str, Any], inputs: List[Shape]) -> Shape:
        shape = inputs[0]
        ensure_rank(shape, 4, attrs["type"], "batch, height, width, channels")
        if attrs["data_format"] == "channels_first":
            return (shape[0], shape[1], attrs["height"], attrs["width"])
        return (shape[0], attrs["height"], attrs["width"], shape[3])

    def forward(self, attrs: Dict[str, Any], xs: List[Any], weights: Dict[str, Any]) -> Any:
        """Inference behaviour: ``CenterCrop`` crops the centre (a smaller input is resized up);
        ``RandomCrop`` does not crop at inference, it resizes the whole image (bilinear);
        ``Resizing`` optionally crops to the target aspect ratio first."""
        from ._reshape_numpy import resample

        x = xs[0]
        axes = (2, 3) if attrs["data_format"] == "channels_first" else (1, 2)
        h, w = int(attrs["height"]), int(attrs["width"])
        in_h, in_w = x.shape[axes[0]], x.shape[axes[1]]
        crop = attrs["type"] == "CenterCrop" and in_h >= h and in_w >= w
        if attrs["type"] == "Resizing" and not attrs["plain"]:
            # crop_to_aspect_ratio: the largest centred window of the target aspect ratio
            crop_h, crop_w = min(in_h, in_w * h // w), min(in_w, in_h * w // h)
            x = _centre(x, axes, crop_h, crop_w)
        if crop:
            return _centre(x, axes, h, w)
        interpolation = attrs.get("interpolation", "bilinear")
        if interpolation not in ("bilinear", "nearest"):
            raise NotImplementedError(f"Resizing with interpolation={interpolation!r} is not modelled numerically")
        mode = "linear" if interpolation == "bilinear" else "nearest-exact"  # Keras' "nearest" is half-pixel
        return resample(x, axes, (h, w), mode, (None, None), False)


def _centre(x: Any, axes: Tuple[int, int], h: int, w: int) -> Any:
    top = (x.shape[axes[0]] - h) // 2
    left = (x.shape[axes[1]] - w) // 2
    index = [slice(None)] * x.ndim
    index[axes[0]] = slice(top, top + h)
    index[axes[1]] = slice(left, left + w)
    return x[tuple(index)]


SPECS: List[LayerSpec] = [KerasAugmentation(), KerasResize()]
