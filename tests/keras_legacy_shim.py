"""Keras 1 module paths and names for the oracle, made of real Keras 3 through convlint's own
legacy table (``convlint.frontend.keras.legacy``): a fixture written in Keras 1 runs as the
Keras 3 code the table maps it to, so convlint's reading of the old code is checked against
real Keras 3 building the new one."""

from __future__ import annotations

import inspect
import types
from typing import Any, Callable, Dict

from convlint.frontend.keras import legacy


def legacy_modules(keras: Any) -> Dict[str, types.ModuleType]:
    """``keras``, ``keras.layers`` (and its Keras 1 sub-modules), ``keras.models`` and
    ``keras.backend`` as a Keras 1 file imports them."""
    state = {"format": None}

    def layer(name: str) -> Callable[..., Any]:
        def make(*args: Any, **kwargs: Any) -> Any:
            t = legacy.translate(name, args, kwargs, keras1_file=True)
            type_, args, kwargs = (t.type, tuple(t.args), dict(t.kwargs)) if t else (name, args, kwargs)
            cls = getattr(keras.layers, type_)
            implied = legacy.implied_data_format(type_, state["format"], True)
            if implied and "data_format" in inspect.signature(cls).parameters and "data_format" not in kwargs:
                kwargs["data_format"] = implied
            return cls(*args, **kwargs)

        return make

    def merge(inputs: Any, *args: Any, **kwargs: Any) -> Any:
        t = legacy.translate_merge((inputs, *args), kwargs)
        assert t is not None, kwargs
        return getattr(keras.layers, t.type)(*t.args, **t.kwargs)(inputs)

    class Layers(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            if name == "merge":
                return merge
            if name in ("Input", "Layer", "InputLayer"):
                return getattr(keras.layers, name)
            if name in legacy.KERAS3_CLASS or isinstance(getattr(keras.layers, name, None), type):
                return layer(name)
            return getattr(keras.layers, name)

    def model(*args: Any, **kwargs: Any) -> Any:
        if "input" in kwargs or "output" in kwargs:
            kwargs = {"inputs": kwargs.pop("input", None), "outputs": kwargs.pop("output", None), **kwargs}
        return keras.Model(*args, **kwargs)

    def set_image_dim_ordering(value: str) -> None:
        state["format"] = legacy.DIM_ORDERING[value]

    layers = Layers("keras.layers")
    models = types.ModuleType("keras.models")
    models.Sequential = keras.Sequential  # type: ignore[attr-defined]
    models.Model = model  # type: ignore[attr-defined]
    backend = types.ModuleType("keras.backend")
    backend.set_image_dim_ordering = set_image_dim_ordering  # type: ignore[attr-defined]
    backend.image_dim_ordering = lambda: "th" if state["format"] == "channels_first" else "tf"  # type: ignore[attr-defined]

    class Root(types.ModuleType):
        def __getattr__(self, name: str) -> Any:  # Keras' own ``import keras`` at run time
            return getattr(keras, name)

    root = Root("keras")
    root.layers, root.models, root.backend = layers, models, backend  # type: ignore[attr-defined]
    out = {"keras": root, "keras.layers": layers, "keras.models": models, "keras.backend": backend}
    for sub in ("convolutional", "core", "pooling", "merge", "normalization", "advanced_activations"):
        out[f"keras.layers.{sub}"] = layers
    return out
