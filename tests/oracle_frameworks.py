"""Build and run table rows in the real frameworks (Keras 3 on torch, PyTorch 2.13)."""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from tables import FAMILIES

BATCH = 2


def torch_functions() -> Dict[str, Any]:
    """Pseudo-types (tensor ops the front end maps to catalogue types) -> how torch runs them."""
    out: Dict[str, Any] = {}
    for family in FAMILIES:
        try:
            module = importlib.import_module(f"tables.{family}")
        except ModuleNotFoundError:
            continue
        out.update(getattr(module, "TORCH_FUNCTIONS", {}))
    return out


def _resolve(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def torch_callable(type_: str, args: Tuple, kwargs: dict) -> Tuple[Callable[[List[Any]], Any], Any]:
    """(forward function over a list of input tensors, module or None)."""
    import torch

    if hasattr(torch.nn, type_) and type_[0].isupper():
        module = getattr(torch.nn, type_)(*args, **kwargs)
        module.eval()
        return (lambda xs: module(*xs)), module
    spec = torch_functions().get(type_)
    if spec is None:
        raise LookupError(f"no torch equivalent known for pseudo-type {type_!r}")
    if callable(spec):
        return (lambda xs: spec(xs, *args, **kwargs)), None
    if spec.startswith("Tensor."):
        method = spec.split(".", 1)[1]
        return (lambda xs: getattr(xs[0], method)(*args, **kwargs)), None
    fn = _resolve(spec)
    if spec.endswith(("cat", "stack", "concat", "concatenate")):
        return (lambda xs: fn(list(xs), *args, **kwargs)), None
    return (lambda xs: fn(*xs, *args, **kwargs)), None


def run_torch(row: Any, arrays: List[np.ndarray]) -> Tuple[Any, Any]:
    """(output array, module) for a row on concrete inputs."""
    import torch

    forward, module = torch_callable(row.type, row.args, row.kwargs)
    with torch.no_grad():
        y = forward([torch.from_numpy(a) for a in arrays])
    return y.detach().numpy(), module


def torch_params(module: Any) -> Tuple[int, int]:
    if module is None:
        return 0, 0
    params = list(module.parameters())
    return sum(p.numel() for p in params), sum(p.numel() for p in params if p.requires_grad)


def torch_weights(module: Any) -> Dict[str, np.ndarray]:
    if module is None:
        return {}
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


def keras_layer(row: Any) -> Any:
    import keras

    return getattr(keras.layers, row.type)(*row.args, **row.kwargs)


def run_keras(row: Any, arrays: List[np.ndarray]) -> Tuple[np.ndarray, Any, Any]:
    """(output array, compute_output_shape result, layer) for a row on concrete inputs."""
    import keras

    layer = keras_layer(row)
    shapes = [tuple(s) for s in row.in_shapes]
    declared = layer.compute_output_shape(shapes if len(shapes) > 1 else shapes[0])
    x = arrays if len(arrays) > 1 else arrays[0]
    y = layer(x, training=False) if _takes_training(layer) else layer(x)
    return keras.ops.convert_to_numpy(y), declared, layer


def _takes_training(layer: Any) -> bool:
    import inspect

    try:
        return "training" in inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return False


def keras_params(layer: Any) -> Tuple[int, int]:
    trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    return layer.count_params(), trainable


def keras_weights(layer: Any) -> Dict[str, np.ndarray]:
    import keras

    return {w.name: keras.ops.convert_to_numpy(w.value) for w in layer.weights}


def random_inputs(row: Any, seed: int = 0) -> List[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((BATCH,) + tuple(s[1:])).astype(np.float32) for s in row.in_shapes]


def implied_namespace(source: str) -> Dict[str, Any]:
    """The real objects for the names a snippet uses without importing them, as convlint reads
    them (CL908): the oracle then checks the model those imports build."""
    from convlint.frontend.implied import implied_imports
    from convlint.layers import default_catalogue

    cat = default_catalogue()
    out: Dict[str, Any] = {}
    for local, qualified in implied_imports(source, cat.names("keras"), cat.names("torch")).names.items():
        module, _, attr = qualified.rpartition(".")
        try:
            out[local] = importlib.import_module(qualified)
        except ImportError:
            out[local] = getattr(importlib.import_module(module), attr)
    return out


def raising_line(error: BaseException, path: Any) -> Optional[int]:
    """The line of ``path`` (a fixture run from its source) where ``error`` was raised: the
    innermost frame of the traceback in that file, the line a user's traceback points at."""
    import traceback

    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
    return frames[-1].lineno if frames else None
