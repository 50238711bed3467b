"""What a qualified name means in Keras terms (``keras.layers.Conv2D`` is a layer class).

Names come from the file's own imports (``L.Conv2D``, ``from tensorflow.keras import layers``),
so every spelling of Keras 3, ``tf.keras`` and Keras 2-era paths reaches the same answer.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

__all__ = ["classify", "classify_root", "is_shape_function", "KERAS_ALIASES", "KERAS_ROOTS", "MERGE_FUNCTIONS"]

KERAS_ROOTS = ("keras", "tensorflow", "tf_keras", "keras_core")

KERAS_ALIASES: Dict[str, str] = {
    # Keras 2-era and short spellings of the same classes (in case the catalogue lacks them).
    "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalMaxPool3D": "GlobalMaxPooling3D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D",
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Deconvolution2D": "Conv2DTranspose",
    "Deconvolution3D": "Conv3DTranspose",
    "Convolution2DTranspose": "Conv2DTranspose",
    "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
}

MERGE_FUNCTIONS = {
    "add": "Add",
    "subtract": "Subtract",
    "multiply": "Multiply",
    "average": "Average",
    "maximum": "Maximum",
    "minimum": "Minimum",
    "concatenate": "Concatenate",
    "dot": "Dot",
}


def classify_root(qualified: str) -> bool:
    """True for a name under a Keras namespace (``keras.``, ``tensorflow.keras.``, ``tf_keras.``)."""
    parts = qualified.split(".")
    return parts[0] in ("keras", "tf_keras", "keras_core") or (parts[0] == "tensorflow" and "keras" in parts)


def classify(qualified: str) -> Optional[Tuple[str, str]]:
    """What a qualified name is in Keras terms: ``("layer", "Conv2D")``, ``("input", ...)``,
    ``("sequential", ...)``, ``("model", ...)``, ``("merge", "Add")``; ``None`` otherwise."""
    if not classify_root(qualified):
        return None
    parts = qualified.split(".")
    last = parts[-1]
    if last == "Input":
        return ("input", last)
    if last == "Sequential":
        return ("sequential", last)
    in_layers = "layers" in parts[:-1]
    if last in ("Model", "Functional") and not in_layers:
        return ("model", last)
    if in_layers and last[:1].isupper():
        return ("layer", last)
    if in_layers and last in MERGE_FUNCTIONS:
        return ("merge", MERGE_FUNCTIONS[last])
    if in_layers and last == "merge":  # Keras 1 ``merge(inputs, mode=...)``
        return ("legacy-merge", last)
    return None


def is_shape_function(qualified: str) -> bool:
    """``keras.ops.shape``, ``keras.backend.shape`` / ``int_shape`` (and their tf.keras
    spellings), ``tf.shape``: a tensor's shape, whose items are its axes' sizes."""
    if qualified == "tensorflow.shape":
        return True
    head, _, last = qualified.rpartition(".")
    return classify_root(qualified) and (
        (last == "shape" and head.endswith((".ops", ".backend"))) or (last == "int_shape" and head.endswith(".backend"))
    )
