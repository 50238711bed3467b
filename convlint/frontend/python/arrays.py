"""Data arrays: values that are data, not constants, but whose *shape* the code fixes.

``(x_train, y_train), _ = keras.datasets.mnist.load_data()`` then
``x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255`` and
``input_shape=x_train.shape[1:]``: the values are unknowable without the data, the shape is
not.  A :class:`DataArray` is an :class:`~convlint.graph.Unknown` (so every path that does not
know it treats it as one) carrying the shape NumPy would give it; an axis whose size depends
on the data (rows of a CSV file) is ``None`` and reads as an honest unknown.

The known datasets' shapes are facts of the frameworks' documented loaders (Keras'
``load_data`` returns channels-last images).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from ...graph import Unknown

__all__ = ["DataArray", "load_dataset", "array_attribute", "array_method", "array_subscript", "array_binop",
           "array_function"]

Axes = Tuple[Optional[int], ...]


@dataclass(frozen=True)
class DataArray(Unknown):
    """Data of a known rank; ``shape`` axes are ints, or ``None`` where the data decides."""

    shape: Optional[Axes] = None


# (train x, train y), (test x, test y) of Keras' built-in datasets (``keras.datasets.X.load_data()``).
_DATASETS: Dict[str, Tuple[Tuple[Axes, Axes], Tuple[Axes, Axes]]] = {
    "mnist": (((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,))),
    "fashion_mnist": (((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,))),
    "cifar10": (((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1))),
    "cifar100": (((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1))),
    "boston_housing": (((404, 13), (404,)), ((102, 13), (102,))),
}


def _data(shape: Optional[Axes], what: str) -> DataArray:
    return DataArray(f"{what} is data, not a constant", shape)


def load_dataset(qualified: str) -> Optional[Any]:
    """The arrays ``keras.datasets.<name>.load_data()`` returns, or ``None`` for another call."""
    parts = qualified.split(".")
    if len(parts) < 3 or parts[-1] != "load_data" or parts[-3] != "datasets" or parts[-2] not in _DATASETS:
        return None
    (xs, ys), (xt, yt) = _DATASETS[parts[-2]]
    name = parts[-2]
    return ((_data(xs, f"{name} training images"), _data(ys, f"{name} training labels")),
            (_data(xt, f"{name} test images"), _data(yt, f"{name} test labels")))


def _size(shape: Axes) -> Optional[int]:
    total = 1
    for d in shape:
        if d is None:
            return None
        total *= d
    return total


def _as_int(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def reshaped(arr: DataArray, target: Any) -> Optional[DataArray]:
    """``arr.reshape(target)`` with at most one ``-1``, as NumPy resolves it; ``None`` if the
    target is not a tuple of ints (or sizes of this very array)."""
    if arr.shape is None or not isinstance(target, (tuple, list)) or not target:
        return None
    dims: List[Optional[int]] = []
    for d in target:
        if isinstance(d, DataArray) or _as_int(d) is None:
            return None
        dims.append(d)
    if dims.count(-1) > 1 or any(d < -1 for d in dims):  # type: ignore[operator]
        return None
    if -1 in dims:
        rest = _size(tuple(d for d in dims if d != -1))
        total = _size(arr.shape)
        dims[dims.index(-1)] = total // rest if total is not None and rest and total % rest == 0 else None
    return DataArray(arr.reason, tuple(dims))


def _axis(axis: Any, rank: int) -> Optional[int]:
    axis = _as_int(axis)
    if axis is None or not -rank <= axis < rank:
        return None
    return axis % rank


def expanded(arr: DataArray, axis: Any) -> Optional[DataArray]:
    """``np.expand_dims(arr, axis)``."""
    if arr.shape is None:
        return None
    at = _axis(axis, len(arr.shape) + 1)
    if at is None:
        return None
    return DataArray(arr.reason, arr.shape[:at] + (1,) + arr.shape[at:])


def array_attribute(arr: DataArray, name: str) -> Any:
    """``arr.shape`` (unknown axes read as unknown sizes), ``arr.ndim``; else ``None``."""
    if arr.shape is None:
        return None
    if name == "shape":
        return tuple(d if d is not None else Unknown(f"a size of {arr.reason.split(' is ')[0]} depends on the data")
                     for d in arr.shape)
    if name == "ndim":
        return len(arr.shape)
    if name in ("values", "iloc", "loc"):  # pandas: the table's array; indexers keep the rank
        return arr if name == "values" else DataArray(arr.reason, tuple(None for _ in arr.shape))
    if name == "T":
        return DataArray(arr.reason, tuple(reversed(arr.shape)))
    return None


_SAME_SHAPE = frozenset({"astype", "copy", "clip", "round", "__abs__", "numpy", "float", "double", "cpu", "to", "to_numpy",
                         "fillna"})
_SAME_RANK = frozenset({"drop", "dropna", "head", "tail", "sample", "iloc", "loc"})


def array_method(arr: DataArray, name: str, args: List[Any], kwargs: Dict[str, Any]) -> Any:
    """What a method of a data array returns, as far as its shape goes; ``None`` if unknown."""
    if name in _SAME_SHAPE:
        return arr
    if name in _SAME_RANK and arr.shape is not None:
        return DataArray(arr.reason, tuple(None for _ in arr.shape))
    if name in ("reshape", "view"):
        target = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else tuple(args)
        if "newshape" in kwargs or "shape" in kwargs:
            target = kwargs.get("newshape", kwargs.get("shape"))
        return reshaped(arr, target)
    if name in ("flatten", "ravel") and arr.shape is not None:
        return DataArray(arr.reason, (_size(arr.shape),))
    if name == "squeeze" and arr.shape is not None and not args and not kwargs:
        return DataArray(arr.reason, tuple(d for d in arr.shape if d != 1))
    if name == "unsqueeze" and args:
        return expanded(arr, args[0])
    return None


def array_subscript(arr: DataArray, key: Any) -> Any:
    """``arr[..., None]``, ``arr[:, :, :, np.newaxis]``, ``arr[:1000]``, ``arr[0]``; ``None``
    when the key is not one of those."""
    if arr.shape is None:
        return None
    keys = list(key) if isinstance(key, tuple) else [key]
    if sum(1 for k in keys if k is Ellipsis) > 1:
        return None
    used = sum(1 for k in keys if k is not None and k is not Ellipsis)
    if used > len(arr.shape):
        return None
    if Ellipsis in keys:
        at = keys.index(Ellipsis)
        keys = keys[:at] + [slice(None)] * (len(arr.shape) - used) + keys[at + 1:]
    keys += [slice(None)] * (len(arr.shape) - sum(1 for k in keys if k is not None))
    out: List[Optional[int]] = []
    axis = 0
    for k in keys:
        if k is None:
            out.append(1)
            continue
        size = arr.shape[axis]
        axis += 1
        if isinstance(k, slice):
            if k == slice(None):
                out.append(size)
            elif size is not None and all(_as_int(v) is not None or v is None for v in (k.start, k.stop, k.step)):
                out.append(len(range(size)[k]))
            else:
                out.append(None)
        elif _as_int(k) is None:
            return None
    return DataArray(arr.reason, tuple(out))


def array_binop(a: Any, b: Any) -> Any:
    """Elementwise arithmetic with a scalar or an array of the same shape (``x / 255.0``)."""
    arrays = [v for v in (a, b) if isinstance(v, DataArray)]
    if not arrays:
        return None
    other = b if arrays[0] is a else a
    if isinstance(other, (int, float)) and not isinstance(other, bool):
        return arrays[0]
    if len(arrays) == 2 and a.shape is not None and a.shape == b.shape:
        return a
    return None


def array_function(qualified: str, args: List[Any], kwargs: Dict[str, Any]) -> Any:
    """NumPy-style functions of one data array that keep or set its shape: ``np.expand_dims``,
    ``np.array``/``asarray``, ``np.float32``, ``np.reshape``, ``to_categorical``; ``None`` else."""
    last = qualified.rsplit(".", 1)[-1]
    if qualified.startswith("pandas.read_"):  # a table: rows and columns depend on the file
        return DataArray(f"the table read by {qualified}() is data, not a constant", (None, None))
    first = args[0] if args else None
    if not isinstance(first, DataArray):
        return None
    if last in ("array", "asarray", "float32", "float64", "ascontiguousarray", "from_numpy", "as_tensor", "tensor",
                "convert_to_tensor", "cast"):
        return first
    if last == "expand_dims":
        return expanded(first, args[1] if len(args) > 1 else kwargs.get("axis"))
    if last == "reshape":
        return reshaped(first, args[1] if len(args) > 1 else kwargs.get("newshape", kwargs.get("shape")))
    if last == "to_categorical" and first.shape is not None:
        classes = _as_int(args[1] if len(args) > 1 else kwargs.get("num_classes"))
        rows = first.shape if first.shape[-1:] != (1,) else first.shape[:-1]
        return DataArray(first.reason, tuple(rows) + (classes,)) if classes is not None else None
    return None
