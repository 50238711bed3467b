"""Run one real-world model file under the real framework and print what it builds (JSON).

The child process of ``realworld_facts.py``: never imported by convlint or its tests.  It runs a
file of the real-world corpus as a user would, with three differences that keep it safe and
short: the network is off (``socket.connect`` raises), datasets are zero-filled stand-ins of
the real shapes (``keras.datasets.mnist.load_data``, ``torchvision.datasets.CIFAR10``), plotting
libraries do nothing, and training is cut short: Keras ``fit``/``evaluate``/``predict`` see the
first 64 samples for one epoch, a top-level ``for`` loop that trains runs one iteration of each
of its loops (a ``while`` loop that trains is skipped).  Keras 1 spellings are mapped to Keras 3
(``Convolution2D(32, 3, 3, border_mode=...)``, ``merge``, ``Model(input=, output=)``), and each
mapping used is recorded.  The file's ``if __name__ == "__main__":`` block does not run.

Top-level statements run one at a time, so a statement that fails (a missing data file, an API
that Keras 3 removed) is recorded and the rest of the file still runs; a shape error the
framework raises is recorded with the line of the file where it raises (the innermost frame in
the file).  Every model the file builds is recorded when it is constructed (Keras: a
``keras.Model``; PyTorch: an ``nn.Module`` that is no other module's submodule), with the lines of
the file on its construction stack, its real parameter count, and the output shape of each
layer on a forward pass at the file's own input (the first call the file makes, or the input
the manifest records).

Usage: python realworld_probe.py FRAMEWORK TIMEOUT_S < spec paths (one JSON line per spec on stdout)
"""

from __future__ import annotations

import ast
import builtins
import importlib
import importlib.abc
import importlib.util
import io
import json
import os
import re
import socket
import sys
import traceback
import types
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

TRAINING_CALLS = re.compile(r"\.(backward|step|fit|fit_generator|train_on_batch|train)\s*\(")  # a loop of these runs once
DATA_SIZES = {  # image shape, classes, train and test sizes of the real datasets (the stand-ins have them)
    "mnist": ((28, 28), 10, 60000, 10000), "fashion_mnist": ((28, 28), 10, 60000, 10000),
    "cifar10": ((32, 32, 3), 10, 50000, 10000), "cifar100": ((32, 32, 3), 100, 50000, 10000),
}
N_STANDIN = 32
FIT_SAMPLES = 64
VIEW_ONLY = ("matplotlib", "matplotlib.pyplot", "matplotlib.cm", "matplotlib.image", "seaborn", "IPython",
             "IPython.display", "ipywidgets", "imageio", "pylab", "visdom", "tensorboardX", "wandb", "cv2")
TOP_LEVEL_FRAMES = ("<module>", "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>")  # [Net(bn) for bn in ...]
INTERNAL_BUILDERS = (os.path.join("keras", "src", "models", "sequential.py"),)
TRAINING_LINE = re.compile(r"\.(fit|fit_generator|evaluate|evaluate_generator|predict|predict_generator|train_on_batch"
                           r"|test_on_batch|predict_on_batch|backward|step)\s*\(")
MESSAGE_CHARS = 400


# -- the sandbox ------------------------------------------------------------------------------
def no_network() -> None:
    def refuse(*_a: Any, **_k: Any) -> None:
        raise ConnectionRefusedError("network disabled for the real-world facts")

    socket.socket.connect = refuse  # type: ignore[assignment]
    socket.create_connection = refuse  # type: ignore[assignment]


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``prefix.X`` as the module ``target.X`` (``tensorflow.keras.layers`` -> ``keras.layers``,
    ``keras.layers.convolutional`` -> ``keras.layers``): old import paths of the same API."""

    def __init__(self, table: Dict[str, str]) -> None:
        self.table = table

    def _target(self, name: str) -> Optional[str]:
        if name in self.table:
            return self.table[name]
        for prefix, target in self.table.items():
            if name.startswith(prefix + "."):
                return target + name[len(prefix):]
        return None

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        real = self._target(name)
        if real is None:
            return None
        return importlib.util.spec_from_loader(name, self, is_package=True)

    def create_module(self, spec: Any) -> Any:
        real = self._target(spec.name)
        assert real is not None
        return importlib.import_module(real)

    def exec_module(self, module: Any) -> None:
        return None


def keras_shims() -> None:
    """Keras 3 under the names older code imports it by (the API is the same; removed names still
    fail, and that failure is recorded as the statement's error)."""
    import keras  # noqa: F401

    legacy = {f"keras.layers.{m}": "keras.layers" for m in (
        "convolutional", "core", "pooling", "normalization", "advanced_activations", "merge",
        "recurrent", "embeddings", "noise", "wrappers", "local", "convolutional_recurrent",
        "normalization_v2", "experimental", "experimental.preprocessing")}
    legacy.update({"keras.engine": "keras.models", "keras.engine.topology": "keras.layers",
                   "keras.engine.training": "keras.models", "keras.legacy": "keras.layers",
                   "keras_core": "keras", "tensorflow.keras": "keras",
                   "tensorflow.python.keras": "keras", "tf_keras": "keras"})
    sys.meta_path.insert(0, _Alias(legacy))
    if "tensorflow" not in sys.modules:
        tf = types.ModuleType("tensorflow")
        tf.__path__ = []  # type: ignore[attr-defined]
        tf.keras = keras  # type: ignore[attr-defined]
        tf.__version__ = "2.99-shim"  # type: ignore[attr-defined]
        tf.__convlint_shim__ = True  # type: ignore[attr-defined]
        sys.modules["tensorflow"] = tf
    stand_in_keras_datasets()
    keras_legacy_shims()


LEGACY_KWARGS = {  # Keras 1 argument -> Keras 3 argument (None: dropped, it changes no shape or weight count)
    "nb_filter": "filters", "border_mode": "padding", "subsample": "strides", "subsample_length": "strides",
    "filter_length": "kernel_size", "output_dim": "units", "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer", "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint", "bias": "use_bias", "pool_length": "pool_size", "stride": "strides",
    "p": "rate", "dropout_W": "dropout", "dropout_U": "recurrent_dropout", "atrous_rate": "dilation_rate",
    "mode": None, "dim_ordering": "data_format", "output_shape": None, "weights": None,
}
LEGACY_USED: List[str] = []


def _legacy_kwargs(cls_name: str, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
    """Keras 1 spellings of a layer call, in Keras 3 names (for the facts of Keras 1 programs)."""
    kw = dict(kwargs)
    if "batch_input_shape" in kw and "input_shape" not in kw:
        LEGACY_USED.append(f"{cls_name}(batch_input_shape=)")
        kw["input_shape"] = tuple(kw.pop("batch_input_shape"))[1:]
    for old, new in LEGACY_KWARGS.items():
        if old not in kw or (old == "p" and cls_name != "Dropout") or (old == "mode" and cls_name != "BatchNormalization"):
            continue
        value = kw.pop(old)
        LEGACY_USED.append(f"{cls_name}({old}=)")
        if new == "data_format":
            value = {"th": "channels_first", "tf": "channels_last"}.get(value)
        if new is not None and value is not None:
            kw[new] = value
    return args, kw


def keras_legacy_shims() -> None:
    """Keras 1 names and arguments mapped onto Keras 3, as Keras 2 itself did for a while
    (``Convolution2D(32, 3, 3, border_mode="same")``, ``Dense(output_dim=10)``, ``merge(mode="sum")``,
    ``Model(input=, output=)``); every mapping used is recorded in the facts."""
    import keras
    from keras import layers
    import keras.src.models.model as model_mod
    import keras.src.models.functional as functional_mod

    def wrap(cls: Any) -> None:
        orig = cls.__init__

        def init(self: Any, *a: Any, _orig: Any = orig, _name: str = cls.__name__, **k: Any) -> None:
            a, k = _legacy_kwargs(_name, a, k)
            _orig(self, *a, **k)

        cls.__init__ = init

    for name in ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Dense", "MaxPooling1D", "MaxPooling2D",
                 "AveragePooling1D", "AveragePooling2D", "UpSampling2D", "ZeroPadding2D", "Cropping2D",
                 "BatchNormalization", "Dropout", "Embedding", "LSTM", "GRU", "SimpleRNN", "SeparableConv2D",
                 "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten", "LocallyConnected2D", "ConvLSTM2D"):
        if hasattr(layers, name):
            wrap(getattr(layers, name))

    def keras1_conv(cls: Any, rank: int) -> Any:
        """Keras 1's ``Convolution2D(nb_filter, nb_row, nb_col, ...)``: the sizes after the filters are
        the kernel (in Keras 2 and 3, ``Conv2D(32, 3, 3)`` means strides 3: only the old name maps)."""
        def make(*a: Any, **k: Any) -> Any:
            if rank > 1 and len(a) >= 1 + rank and all(isinstance(x, int) for x in a[1:1 + rank]):
                LEGACY_USED.append(f"{cls.__name__}(nb_filter, nb_row, nb_col)")
                a = (a[0], tuple(a[1:1 + rank])) + tuple(a[1 + rank:])
            return cls(*a, **k)
        return make

    for old, new, rank in (("Convolution1D", "Conv1D", 1), ("Convolution2D", "Conv2D", 2),
                           ("Convolution3D", "Conv3D", 3), ("AtrousConvolution2D", "Conv2D", 2)):
        setattr(layers, old, keras1_conv(getattr(layers, new), rank))

    def deconvolution2d(nb_filter: int, nb_row: int, nb_col: int, output_shape: Any = None, **k: Any) -> Any:
        LEGACY_USED.append("Deconvolution2D(nb_filter, nb_row, nb_col, output_shape)")
        return layers.Conv2DTranspose(nb_filter, (nb_row, nb_col), **k)

    layers.Deconvolution2D = deconvolution2d
    from keras.src.applications import imagenet_utils as app_utils

    def _obtain_input_shape(input_shape: Any, default_size: int, min_size: int, data_format: str,
                            include_top: bool = True, require_flatten: Optional[bool] = None, weights: Any = None) -> Any:
        flat = include_top if require_flatten is None else require_flatten
        return app_utils.obtain_input_shape(input_shape, default_size, min_size, data_format, flat, weights=weights)

    keras.applications.imagenet_utils._obtain_input_shape = _obtain_input_shape  # type: ignore[attr-defined]
    keras.layers.get_source_inputs = keras.utils.get_source_inputs  # type: ignore[attr-defined]
    keras.models.InputSpec = keras.layers.InputSpec  # type: ignore[attr-defined]
    utils = {"layer_utils": {"convert_all_kernels_in_model": lambda *_a, **_k: None,
                             "get_source_inputs": keras.utils.get_source_inputs},
             "data_utils": {"get_file": keras.utils.get_file},
             "generic_utils": {"Progbar": keras.utils.Progbar},
             "conv_utils": {}}
    for mod_name, names in utils.items():
        mod = types.ModuleType(f"keras.utils.{mod_name}")
        mod.__dict__.update(names)
        sys.modules[f"keras.utils.{mod_name}"] = mod
        setattr(keras.utils, mod_name, mod)

    def merge(inputs: Any, mode: str = "sum", concat_axis: int = -1, dot_axes: Any = -1, name: Any = None, **_k: Any) -> Any:
        LEGACY_USED.append(f"merge(mode={mode!r})")
        make = {"sum": lambda: layers.Add(name=name), "mul": lambda: layers.Multiply(name=name),
                "ave": lambda: layers.Average(name=name), "max": lambda: layers.Maximum(name=name),
                "concat": lambda: layers.Concatenate(axis=concat_axis, name=name),
                "dot": lambda: layers.Dot(axes=dot_axes, name=name),
                "cos": lambda: layers.Dot(axes=dot_axes, normalize=True, name=name)}[mode]
        return make()(inputs)

    layers.merge = merge
    orig_args = model_mod.functional_init_arguments

    def functional_init_arguments(args: Any, kwargs: Any) -> bool:
        return orig_args(args, kwargs) or ("input" in kwargs and "output" in kwargs)

    model_mod.functional_init_arguments = functional_init_arguments
    orig_func_init = functional_mod.Functional.__init__

    def func_init(self: Any, *a: Any, **k: Any) -> None:
        if "input" in k:
            LEGACY_USED.append("Model(input=, output=)")
            k["inputs"] = k.pop("input")
            k["outputs"] = k.pop("output")
        orig_func_init(self, *a, **k)

    functional_mod.Functional.__init__ = func_init
    np_utils = types.ModuleType("keras.utils.np_utils")
    np_utils.to_categorical = keras.utils.to_categorical  # type: ignore[attr-defined]
    sys.modules["keras.utils.np_utils"] = np_utils
    keras.utils.np_utils = np_utils  # type: ignore[attr-defined]
    keras.backend.int_shape = lambda x: tuple(x.shape)  # type: ignore[attr-defined]  # Keras 2's backend
    keras.losses.mse = keras.losses.mean_squared_error  # type: ignore[attr-defined]
    keras.utils.plot_model = lambda *_a, **_k: None  # type: ignore[attr-defined]  # a picture (needs pydot)
    keras.backend.image_dim_ordering = (  # type: ignore[attr-defined]  # Keras 1: "tf" (the default) or "th"
        lambda: "th" if keras.config.image_data_format() == "channels_first" else "tf")
    keras.backend.set_image_dim_ordering = (  # type: ignore[attr-defined]
        lambda v: keras.config.set_image_data_format("channels_first" if v == "th" else "channels_last"))


def stand_in_keras_datasets() -> None:
    import numpy as np
    import keras

    for name, (shape, classes, n_train, n_test) in DATA_SIZES.items():
        mod = getattr(keras.datasets, name, None)
        if mod is None:
            continue

        def load_data(*_a: Any, _shape: Tuple[int, ...] = shape, _classes: int = classes, _n: Tuple[int, int] = (n_train, n_test),
                      **_k: Any) -> Any:
            out = []
            for n in _n:  # np.zeros: pages nobody touches cost nothing
                y = (np.arange(n) % _classes).astype("uint8")
                out.append((np.zeros((n,) + _shape, dtype="uint8"), y.reshape(-1, 1) if len(_shape) == 3 else y))
            return tuple(out)

        mod.load_data = load_data


def short_training() -> None:
    """Keras ``fit`` runs one epoch on the first samples, ``evaluate``/``predict`` on the first samples
    (the first batches are where shape errors raise)."""
    import keras

    orig_fit = keras.Model.fit

    def head(v: Any) -> Any:
        if hasattr(v, "shape") and hasattr(v, "__getitem__") and len(getattr(v, "shape", ())) and v.shape[0] > FIT_SAMPLES:
            return v[:FIT_SAMPLES]
        if isinstance(v, (list, tuple)) and v and all(hasattr(x, "shape") for x in v):
            return type(v)(head(x) for x in v)
        return v

    def fit(self: Any, *a: Any, **k: Any) -> Any:
        k.pop("nb_epoch", None)
        k["epochs"] = 1
        k["verbose"] = 0
        a = tuple(head(x) for x in a[:3])
        for key in ("x", "y"):
            if key in k:
                k[key] = head(k[key])
        if isinstance(k.get("validation_data"), tuple):
            k["validation_data"] = tuple(head(x) for x in k["validation_data"])
        return orig_fit(self, *a, **k)

    keras.Model.fit = fit  # type: ignore[assignment]
    for name in ("evaluate", "predict"):
        orig = getattr(keras.Model, name)

        def on_head(self: Any, *a: Any, _orig: Any = orig, **k: Any) -> Any:
            k["verbose"] = 0
            for key in ("x", "y"):
                if key in k:
                    k[key] = head(k[key])
            return _orig(self, *(head(x) for x in a[:2]), **k)

        setattr(keras.Model, name, on_head)


def view_only_shims() -> None:
    """Plotting and display libraries do nothing here (they change no model); ``tqdm`` is its iterable."""
    from unittest import mock

    for name in VIEW_ONLY:
        if name not in sys.modules:
            sys.modules[name] = mock.MagicMock(name=name)
    import importlib.machinery

    if importlib.util.find_spec("tqdm") is None:
        tqdm = types.ModuleType("tqdm")
        tqdm.__spec__ = importlib.machinery.ModuleSpec("tqdm", None)
        tqdm.tqdm = lambda it=None, *_a, **_k: it if it is not None else mock.MagicMock()  # type: ignore[attr-defined]
        tqdm.trange = lambda *a, **_k: range(*a)  # type: ignore[attr-defined]
        sys.modules["tqdm"] = tqdm
    if importlib.util.find_spec("six") is not None:
        return
    six = types.ModuleType("six")
    six.__spec__ = importlib.machinery.ModuleSpec("six", None)
    moves = types.ModuleType("six.moves")
    moves.__spec__ = importlib.machinery.ModuleSpec("six.moves", None)
    moves.range = range  # type: ignore[attr-defined]
    moves.cPickle = __import__("pickle")  # type: ignore[attr-defined]
    six.moves = moves  # type: ignore[attr-defined]
    six.PY3 = True  # type: ignore[attr-defined]
    six.iteritems = lambda d: iter(d.items())  # type: ignore[attr-defined]
    sys.modules.setdefault("six", six)
    sys.modules.setdefault("six.moves", moves)


def no_cuda() -> None:
    """``.cuda()`` is a no-op on this CPU-only machine, as ``.to("cpu")`` is."""
    import torch

    torch.Tensor.cuda = lambda self, *_a, **_k: self  # type: ignore[assignment]
    torch.nn.Module.cuda = lambda self, *_a, **_k: self  # type: ignore[assignment]
    orig = torch.utils.data.DataLoader.__init__

    def loader_init(self: Any, *a: Any, **k: Any) -> None:
        k["num_workers"] = 0  # no worker processes: a fork per file is enough
        k.pop("prefetch_factor", None)
        k.pop("persistent_workers", None)
        orig(self, *a, **k)

    torch.utils.data.DataLoader.__init__ = loader_init  # type: ignore[assignment]


def torchvision_shim() -> None:
    """``torchvision`` without its ``__init__`` (its compiled ops do not load beside the local CPU
    torch wheel; see zoo.py), and its datasets as small zero-filled stand-ins of the real sizes."""
    if importlib.util.find_spec("torchvision") is None:
        return
    if "torchvision" not in sys.modules:
        spec = importlib.util.find_spec("torchvision")
        sys.modules["torchvision"] = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    import torch
    import torchvision.datasets as tvd
    import torchvision.transforms  # noqa: F401
    from PIL import Image

    sizes = {"MNIST": (28, 28, 1), "FashionMNIST": (28, 28, 1), "EMNIST": (28, 28, 1), "KMNIST": (28, 28, 1),
             "CIFAR10": (32, 32, 3), "CIFAR100": (32, 32, 3), "SVHN": (32, 32, 3), "STL10": (96, 96, 3),
             "CelebA": (218, 178, 3)}

    def make(h: int, w: int, c: int) -> type:
        class StandIn(torch.utils.data.Dataset):
            def __init__(self, *_a: Any, transform: Any = None, target_transform: Any = None, **_k: Any) -> None:
                self.transform, self.target_transform = transform, target_transform
                self.data = torch.zeros(N_STANDIN, h, w, dtype=torch.uint8) if c == 1 else \
                    torch.zeros(N_STANDIN, h, w, c, dtype=torch.uint8)
                self.targets = torch.arange(N_STANDIN) % 10
                self.train_data, self.train_labels = self.data, self.targets
                self.test_data, self.test_labels = self.data, self.targets

            def __len__(self) -> int:
                return N_STANDIN

            def __getitem__(self, i: int) -> Any:
                img = Image.new("L" if c == 1 else "RGB", (w, h))
                if self.transform is not None:
                    img = self.transform(img)
                target = int(self.targets[i])
                if self.target_transform is not None:
                    target = self.target_transform(target)
                return img, target

        return StandIn

    for name, (h, w, c) in sizes.items():
        setattr(tvd, name, make(h, w, c))


# -- running the file -------------------------------------------------------------------------
def frames_in(tb_or_stack: Sequence[traceback.FrameSummary], path: str) -> List[int]:
    return [f.lineno for f in tb_or_stack if os.path.realpath(f.filename) == path and f.lineno]


FRAMEWORK_DIRS = (f"{os.sep}keras{os.sep}", f"{os.sep}torch{os.sep}", f"{os.sep}torchvision{os.sep}")


def where_raised(exc: BaseException, path: str) -> Tuple[Optional[int], List[str], bool]:
    """The innermost line of the file in the traceback, the functions below it, and whether one of
    them is the framework's (else the error is the file's own code or NumPy's)."""
    tb = traceback.extract_tb(exc.__traceback__)
    line = None
    below: List[str] = []
    framework = False
    for f in tb:
        if os.path.realpath(f.filename) == path:
            line = f.lineno
            below = []
            framework = False
        else:
            below.append(f"{os.path.basename(f.filename)}:{f.name}")
            framework = framework or any(d in f.filename for d in FRAMEWORK_DIRS)
    return line, below[-6:], framework


def classify(exc: BaseException, below: Sequence[str]) -> str:
    """shape: the framework rejected a tensor's shape or a layer's size in model code; fit: raised
    inside training (data vs. model); api: an import, a name or an argument the installed version
    does not have; data: files, network, datasets; other."""
    msg = str(exc)
    trail = " ".join(below)
    if isinstance(exc, (ImportError, ModuleNotFoundError)):
        return "api"
    if isinstance(exc, (OSError, ConnectionError)) and not isinstance(exc, ValueError):
        return "data"
    if "dataloader" in trail or "DataLoader worker" in msg or "transforms" in trail:
        return "data"  # the input pipeline (transforms of the stand-in images), not the model
    if "trainer.py" in trail or "fit" in trail.split(":")[-1:] or "data_adapter" in trail or "loss" in trail:
        return "fit"
    if isinstance(exc, AttributeError) or ("unexpected keyword" in msg) or "not recognized" in msg \
            or "Unrecognized keyword" in msg or isinstance(exc, NameError):
        return "api"
    if re.search(r"shape|size|dimension|rank|ndim|mat1 and mat2|channels|expected input|negative|"
                 r"Output size is too small|Kernel size can't be greater|Incompatible|match", msg, re.I):
        return "shape"
    return "other"


def error_record(exc: BaseException, path: str, stmt_line: int, phase: str) -> Dict[str, Any]:
    line, below, in_framework = where_raised(exc, path)
    kind = classify(exc, below)
    if kind == "shape" and not in_framework:
        kind = "data"  # NumPy or the file's own code on its data (x_train.reshape(60000, 784)), not a layer
    if kind in ("shape", "other") and line and TRAINING_LINE.search(source_line(path, line)):
        kind = "fit"  # raised by training on the file's data (labels, batch shapes), not by building
    if isinstance(exc, SystemExit):
        kind = "exit"
    return {"type": type(exc).__name__, "message": str(exc)[:MESSAGE_CHARS], "line": line or stmt_line,
            "statement_line": stmt_line, "phase": phase, "kind": kind, "trail": below}


def source_line(path: str, line: int) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""


def is_main_guard(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.If) and "__name__" in ast.unparse(stmt.test) and "__main__" in ast.unparse(stmt.test)


def written(stmt: ast.stmt, namespace: Dict[str, Any]) -> Set[str]:
    """Names a statement binds or may change: its targets, and the objects whose methods it calls
    (``model.add(...)``), modules excepted."""
    out: Set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            if not isinstance(namespace.get(node.func.value.id), types.ModuleType):
                out.add(node.func.value.id)
    return out


def read(stmt: ast.stmt) -> Set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


class OneIteration(ast.NodeTransformer):
    """``for x in it:`` -> ``for x in itertools.islice(it, 1):``: a training loop runs one step, so
    the file's own first batch reaches the model (and its shape error raises where it would)."""

    def visit_For(self, node: ast.For) -> ast.For:
        self.generic_visit(node)
        islice = ast.Attribute(ast.Call(ast.Name("__import__", ast.Load()), [ast.Constant("itertools")], []),
                               "islice", ast.Load())
        node.iter = ast.copy_location(ast.Call(islice, [node.iter, ast.Constant(1)], []), node.iter)
        return node


def _relocated(stmt: ast.stmt) -> ast.stmt:
    """The statement with its loops cut to one iteration, keeping the file's line numbers."""
    import copy

    new = OneIteration().visit(copy.deepcopy(stmt))
    return ast.fix_missing_locations(new)


def run_file(path: str, spec: Dict[str, Any], namespace: Dict[str, Any], events: List[Dict[str, Any]]) -> None:
    """Run the top-level statements one by one.  A failed statement leaves the names it would have
    written *stale*; a later error in a statement that reads a stale name is a consequence of the
    first failure, not an error of the program (kind ``cascade``)."""
    source = open(path, encoding="utf-8", errors="replace").read()
    tree = ast.parse(source, path)
    stop = spec.get("stop_line")
    skip = set(spec.get("skip_lines", []))
    stale: Set[str] = set()
    body: List[ast.stmt] = []
    for stmt in tree.body:  # the example block runs only when the manifest says it is an example
        if is_main_guard(stmt):
            body.extend(stmt.body if spec.get("run_main") else [])
        else:
            body.append(stmt)
    for stmt in body:
        if stop is not None and stmt.lineno >= stop:
            break
        if stmt.lineno in skip:
            events.append({"skipped": stmt.lineno, "why": "manifest"})
            stale |= written(stmt, namespace)
            continue
        text = ast.get_source_segment(source, stmt) or ""
        run = stmt
        if TRAINING_CALLS.search(text) and any(isinstance(n, (ast.For, ast.While)) for n in ast.walk(stmt)):
            if any(isinstance(n, ast.While) for n in ast.walk(stmt)) and not spec.get("run_loops"):
                events.append({"skipped": stmt.lineno, "why": "training loop (while)"})
                continue
            run = _relocated(stmt)
            events.append({"one_iteration": stmt.lineno})
        code = compile(ast.Module(body=[run], type_ignores=[]), path, "exec")
        reads_stale = bool(read(stmt) & stale)
        try:
            exec(code, namespace)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - every failure is a fact to record
            err = error_record(exc, path, stmt.lineno, "run")
            if reads_stale:
                err["kind"] = "cascade"
            events.append({"error": err})
            stale |= written(stmt, namespace)
        else:
            if reads_stale:
                stale |= written(stmt, namespace)


# -- models -----------------------------------------------------------------------------------
class Recorder:
    """Every model-like object built while the file runs, with the file's lines on its stack."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: List[Tuple[Any, List[int]]] = []
        self.calls: Dict[int, List[Tuple[int, ...]]] = {}
        self.top_level: Dict[int, bool] = {}
        self.in_build = False
        self.from_build: Set[int] = set()

    def record(self, obj: Any) -> None:
        stack = traceback.extract_stack()[:-2]
        if any(f.filename.endswith(INTERNAL_BUILDERS) and f.name != "__init__" for f in stack):
            return  # the Functional a keras.Sequential rebuilds after each add()
        lines = frames_in(stack, self.path)
        if lines and all(o is not obj for o, _ in self.items):
            self.items.append((obj, lines))
            own = [f.name for f in stack if os.path.realpath(f.filename) == self.path]
            while own and own[-1] == "__init__":  # the model's own constructor (and its bases')
                own.pop()
            self.top_level[id(obj)] = bool(own) and all(name in TOP_LEVEL_FRAMES for name in own)
            if self.in_build:
                self.from_build.add(id(obj))


def hook_keras(rec: Recorder) -> None:
    import keras

    orig = keras.Model.__init__

    def init(self: Any, *a: Any, **k: Any) -> None:
        rec.record(self)
        orig(self, *a, **k)

    keras.Model.__init__ = init  # type: ignore[assignment]


def hook_torch(rec: Recorder) -> None:
    import torch

    orig_init = torch.nn.Module.__init__
    orig_call = torch.nn.Module.__call__

    def init(self: Any, *a: Any, **k: Any) -> None:
        orig_init(self, *a, **k)
        rec.record(self)

    def call(self: Any, *a: Any, **k: Any) -> Any:
        if a and isinstance(a[0], torch.Tensor) and id(self) not in rec.calls:
            rec.calls[id(self)] = [tuple(a[0].shape)]
        return orig_call(self, *a, **k)

    torch.nn.Module.__init__ = init  # type: ignore[assignment]
    torch.nn.Module.__call__ = call  # type: ignore[assignment]


def names_bound(namespace: Dict[str, Any], obj: Any) -> List[str]:
    return sorted(k for k, v in namespace.items() if v is obj and not k.startswith("__"))


def is_bound(namespace: Dict[str, Any], obj: Any) -> bool:
    """Does the file's top level (or a manifest build) hold it under a name?"""
    return any(v is obj for v in namespace.values())


def class_line(cls: type, path: str) -> Optional[int]:
    import inspect

    try:
        if os.path.realpath(inspect.getsourcefile(cls) or "") != path:
            return None
        return inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return None


def keras_models(rec: Recorder, namespace: Dict[str, Any], spec: Dict[str, Any]) -> List[Dict[str, Any]]:
    import keras

    objs = [o for o, _ in rec.items]
    internal = {id(getattr(o, "_functional", None)) for o in objs}
    nested = set()
    for o in objs:
        try:
            nested.update(id(m) for m in o._flatten_layers(include_self=False, recursive=True))
        except Exception:  # noqa: BLE001
            pass
    out = []
    for obj, lines in rec.items:
        if id(obj) in internal:
            continue
        cls = type(obj)
        entry: Dict[str, Any] = {"class": cls.__name__, "names": names_bound(namespace, obj),
                                 "model_name": getattr(obj, "name", None), "lines": sorted(set(lines)),
                                 "class_line": class_line(cls, rec.path), "bound": is_bound(namespace, obj),
                                 "nested": id(obj) in nested, "top_level": rec.top_level.get(id(obj), False),
                                 "from_build": id(obj) in rec.from_build}
        inputs = spec.get("inputs", {})
        want = next((inputs[n] for n in [cls.__name__] + entry["names"] if n in inputs), None)
        if not obj.built and want is not None:
            try:
                import numpy as np
                obj(np.zeros(want, dtype="float32"))
                entry["input_shape"] = list(want)
            except Exception as exc:  # noqa: BLE001
                entry["error"] = error_record(exc, rec.path, lines[0], "forward")
        try:
            entry["params"] = int(obj.count_params())
        except Exception as exc:  # noqa: BLE001 - an unbuilt model has no count
            entry["params"] = None
            entry["params_why"] = f"{type(exc).__name__}: {str(exc)[:120]}"
        layers = []
        try:
            for layer in obj.layers:
                shape = None
                try:
                    out_t = layer.output
                    if not isinstance(out_t, (list, tuple)):
                        shape = [None if d is None else int(d) for d in out_t.shape][1:]
                except Exception:  # noqa: BLE001 - a layer used twice or never called has no single output
                    shape = None
                layers.append({"type": type(layer).__name__, "name": layer.name, "shape": shape,
                               "params": int(layer.count_params()) if layer.built else None})
        except Exception:  # noqa: BLE001
            pass
        entry["layers"] = layers
        try:
            inp = obj.inputs
            if inp and len(inp) == 1:
                entry["input_shape"] = [None if d is None else int(d) for d in inp[0].shape]
        except Exception:  # noqa: BLE001
            pass
        out.append(entry)
    del keras
    return out


def torch_models(rec: Recorder, namespace: Dict[str, Any], spec: Dict[str, Any]) -> List[Dict[str, Any]]:
    import torch

    objs = [o for o, _ in rec.items if isinstance(o, torch.nn.Module)]
    children = set()
    for o in objs:
        for m in o.modules():
            if m is not o:
                children.add(id(m))
    out = []
    inputs = spec.get("inputs", {})
    for obj, lines in rec.items:
        if not isinstance(obj, torch.nn.Module) or (id(obj) in children and not is_bound(namespace, obj)):
            continue
        params = sum(p.numel() for p in obj.parameters())
        if params == 0:
            continue  # a loss, an activation, a shortcut module replaced before use: not a model
        cls = type(obj)
        entry: Dict[str, Any] = {"class": cls.__name__, "names": names_bound(namespace, obj),
                                 "lines": sorted(set(lines)), "class_line": class_line(cls, rec.path),
                                 "params": int(params), "training": bool(obj.training),
                                 "bound": is_bound(namespace, obj), "nested": id(obj) in children,
                                 "top_level": rec.top_level.get(id(obj), False), "from_build": id(obj) in rec.from_build}
        want = next((inputs[n] for n in [cls.__name__] + entry["names"] if n in inputs), None)
        if want is None and id(obj) in rec.calls:
            want = list(rec.calls[id(obj)][0])
            entry["input_from"] = "the file's own call"
        elif want is not None:
            entry["input_from"] = "manifest"
        if want is not None:
            entry["input_shape"] = list(want)
            shapes: List[Dict[str, Any]] = []
            hooks = []
            for name, m in obj.named_modules():
                if name and not list(m.children()):
                    def hook(mod: Any, _i: Any, o: Any, _name: str = name) -> None:
                        if isinstance(o, torch.Tensor):
                            shapes.append({"name": _name, "type": type(mod).__name__, "shape": list(o.shape)[1:]})
                    hooks.append(m.register_forward_hook(hook))
            try:
                with torch.no_grad():
                    obj(torch.zeros(*want))
            except Exception as exc:  # noqa: BLE001 - the framework's error is the fact
                entry["error"] = error_record(exc, rec.path, lines[0], "forward")
            for h in hooks:
                h.remove()
            entry["layers"] = shapes
        out.append(entry)
    return out


def auto_build_torch(path: str, namespace: Dict[str, Any], rec: Recorder, events: List[Dict[str, Any]]) -> None:
    """Instantiate the file's own ``nn.Module`` classes that need no argument and that the file
    did not build itself (a model defined for another script to use)."""
    import torch

    built = {type(o) for o, _ in rec.items}
    for name, obj in list(namespace.items()):
        if not (isinstance(obj, type) and issubclass(obj, torch.nn.Module)) or obj in built:
            continue
        if class_line(obj, path) is None:
            continue
        try:
            namespace[f"__auto_{name}"] = obj()
        except Exception as exc:  # noqa: BLE001
            events.append({"auto": name, "why": f"{type(exc).__name__}: {str(exc)[:120]}"})


def serve(framework: str, timeout: float) -> int:
    """Import the framework once, then run each file (one spec path per stdin line) in a forked
    child with a fresh copy of it: the import costs seconds, a file a fraction of that.  One JSON
    line per spec on stdout: the child's result, or ``{"failed": ...}``."""
    import time

    if framework == "keras":
        import keras  # noqa: F401
        import keras.src.models.functional  # noqa: F401
    import torch  # noqa: F401
    out = sys.stdout
    for line in sys.stdin:
        spec_path = line.strip()
        if not spec_path:
            continue
        result_path = spec_path + ".out"
        pid = os.fork()
        if pid == 0:  # the child: run the file, write its JSON, leave without cleanup handlers
            code = 1
            try:
                with open(result_path, "w") as fh:
                    sys.stdout = fh
                    code = run_spec(json.loads(open(spec_path).read()), fh)
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
            finally:
                os._exit(code)
        start = time.monotonic()
        status = None
        while time.monotonic() - start < timeout:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            out.write(json.dumps({"failed": f"timeout after {timeout:.0f} s"}) + "\n")
            out.flush()
            continue
        text = open(result_path).read() if os.path.exists(result_path) else ""
        got = [ln for ln in text.splitlines() if ln.startswith("{")]
        out.write((got[-1] if got and status == 0 else json.dumps({"failed": f"exit status {status}"})) + "\n")
        out.flush()
    return 0


def run_spec(spec: Dict[str, Any], result: Any) -> int:
    path = os.path.realpath(spec["file"])
    framework = spec["framework"]
    os.chdir(os.path.dirname(path))
    sys.path.insert(0, os.path.dirname(path))
    sys.argv = [path] + list(spec.get("argv", []))
    builtins.input = lambda *_a: (_ for _ in ()).throw(EOFError("no input"))  # type: ignore[assignment]
    os.environ["MPLBACKEND"] = "Agg"
    no_network()
    sys.stdout = io.StringIO()  # the file's prints are not the report
    events: List[Dict[str, Any]] = []
    rec = Recorder(path)
    view_only_shims()
    if framework == "keras":
        keras_shims()
        short_training()
        hook_keras(rec)
    else:
        torchvision_shim()
        no_cuda()
        hook_torch(rec)
    package = spec.get("package")
    if spec.get("tree_root"):
        sys.path.insert(1, spec["tree_root"])
    name = f"{package}.{os.path.splitext(os.path.basename(path))[0]}" if package else "__convlint_realworld__"
    module = types.ModuleType(name)
    module.__file__ = path
    if package:
        module.__package__ = package
    namespace: Dict[str, Any] = module.__dict__
    for stmt in spec.get("prelude", []):
        exec(stmt, namespace)  # noqa: S102 - a notebook's import cell the snippet relies on
    run_file(path, spec, namespace, events)
    rec.in_build = True  # what a manifest build makes is the file's model by definition
    for build in spec.get("builds", []):
        before = set(rec.from_build)
        try:
            built = eval(build, namespace)  # noqa: S307 - a manifest call on the file's names
        except Exception as exc:  # noqa: BLE001
            events.append({"error": error_record(exc, path, 0, f"build {build}")})
            continue
        namespace[f"__build_{len(events)}_{len(rec.from_build)}"] = built
        if any(o is built for o, _ in rec.items):  # a builder: its result is the model, not its helpers' models
            rec.from_build = before | {id(built)}
    rec.in_build = False
    sys.modules[name] = module  # after the run (a package __init__ may import the file itself): inspect reads it
    if framework == "torch" and spec.get("auto", True):
        auto_build_torch(path, namespace, rec, events)
    models = keras_models(rec, namespace, spec) if framework == "keras" else torch_models(rec, namespace, spec)
    import importlib.metadata as md
    versions = {d: md.version(d) for d in (("keras",) if framework == "keras" else ("torch",))}
    if LEGACY_USED:
        events.append({"legacy": sorted(set(LEGACY_USED))})
    result.write(json.dumps({"models": models, "events": events, "versions": versions}) + "\n")
    result.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1], float(sys.argv[2])))
