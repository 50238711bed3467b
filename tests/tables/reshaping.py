"""Reshaping rows: Keras Flatten/Reshape/Permute/ZeroPadding*/Cropping*/UpSampling*/RepeatVector,
torch Flatten/Unflatten/Upsample*/*Pad*d and the tensor-method pseudo-types view/reshape/pad/
permute/transpose."""

from typing import Any, List

from convlint.graph import SizeOf

from ._case import case, error


def _sizes(x: Any, args: tuple) -> List[Any]:
    """``SizeOf(i)`` -> ``x.size(i)``, as the front end folds ``x.size(0)`` / ``x.shape[0]``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return [x.size(a.axis) if isinstance(a, SizeOf) else a for a in args]


def _view(xs: list, *args: Any) -> Any:
    return xs[0].view(*_sizes(xs[0], args))


def _reshape(xs: list, *args: Any) -> Any:
    return xs[0].reshape(*_sizes(xs[0], args))


def _chunk(xs: list, chunks: int, dim: int = 0, index: int = 0) -> Any:
    return xs[0].chunk(chunks, dim)[index]


# How the oracle harness runs each pseudo-type (a dotted path, "Tensor.<method>", or a callable
# taking the list of input tensors followed by the row's args and kwargs).
TORCH_FUNCTIONS = {
    "view": _view,
    "reshape": _reshape,
    "pad": "torch.nn.functional.pad",
    "permute": "Tensor.permute",
    "transpose": "Tensor.transpose",
    "chunk": _chunk,
}

B = SizeOf(0)

CASES = [
    # -- Keras Flatten / Reshape / Permute / RepeatVector --------------------------------------
    case("keras", "Flatten", inp=(None, 5, 5, 16), out=(None, 400), id="flatten"),
    case("keras", "Flatten", inp=(None, 10, 64), out=(None, 640), id="flatten-seq"),
    case("keras", "Flatten", inp=(None, 7), out=(None, 7), id="flatten-2d"),
    case("keras", "Flatten", inp=(None, 3, 4, 5, 6), out=(None, 360), id="flatten-5d"),
    case("keras", "Flatten", (), {"data_format": "channels_first"}, inp=(None, 16, 5, 5), out=(None, 400), id="flatten-cf"),
    case("keras", "Flatten", ("channels_first",), inp=(None, 3, 4, 5, 2), out=(None, 120), id="flatten-cf-5d"),
    case("keras", "Reshape", ((3, 4),), inp=(None, 12), out=(None, 3, 4), id="reshape"),
    case("keras", "Reshape", ((-1, 2, 2),), inp=(None, 12), out=(None, 3, 2, 2), id="reshape-infer"),
    case("keras", "Reshape", ((28, 28),), inp=(None, 28, 28, 1), out=(None, 28, 28), id="reshape-squeeze"),
    case("keras", "Reshape", ((-1,),), inp=(None, 4, 4, 8), out=(None, 128), id="reshape-flat"),
    case("keras", "Reshape", ((2, -1, 4),), inp=(None, 6, 4), out=(None, 2, 3, 4), id="reshape-mid"),
    case("keras", "Reshape", (), {"target_shape": [7, 1, 1]}, inp=(None, 7), out=(None, 7, 1, 1), id="reshape-list-kw"),
    case("keras", "Permute", ((2, 1),), inp=(None, 10, 64), out=(None, 64, 10), id="permute"),
    case("keras", "Permute", ((3, 1, 2),), inp=(None, 4, 5, 6), out=(None, 6, 4, 5), id="permute-3"),
    case("keras", "RepeatVector", (3,), inp=(None, 7), out=(None, 3, 7), id="repeat-vector"),
    # -- Keras ZeroPadding ----------------------------------------------------------------------
    case("keras", "ZeroPadding1D", inp=(None, 10, 3), out=(None, 12, 3), id="zeropad1d"),
    case("keras", "ZeroPadding1D", ((2, 3),), inp=(None, 10, 3), out=(None, 15, 3), id="zeropad1d-pair"),
    case("keras", "ZeroPadding1D", (2,), {"data_format": "channels_first"}, inp=(None, 3, 10), out=(None, 3, 14), id="zeropad1d-cf"),
    case("keras", "ZeroPadding2D", inp=(None, 5, 6, 3), out=(None, 7, 8, 3), id="zeropad2d"),
    case("keras", "ZeroPadding2D", ((1, 2),), inp=(None, 5, 6, 3), out=(None, 7, 10, 3), id="zeropad2d-sym"),
    case("keras", "ZeroPadding2D", (((1, 2), (3, 4)),), inp=(None, 5, 6, 3), out=(None, 8, 13, 3), id="zeropad2d-pairs"),
    case("keras", "ZeroPadding2D", (((0, 1), 2),), inp=(None, 5, 6, 3), out=(None, 6, 10, 3), id="zeropad2d-mixed"),
    case("keras", "ZeroPadding2D", (2, "channels_first"), inp=(None, 3, 5, 6), out=(None, 3, 9, 10), id="zeropad2d-cf"),
    case("keras", "ZeroPadding3D", inp=(None, 4, 5, 6, 2), out=(None, 6, 7, 8, 2), id="zeropad3d"),
    case("keras", "ZeroPadding3D", ((1, 2, 3),), inp=(None, 4, 5, 6, 2), out=(None, 6, 9, 12, 2), id="zeropad3d-sym"),
    case("keras", "ZeroPadding3D", (((0, 1), (2, 0), 1),), {"data_format": "channels_first"}, inp=(None, 2, 4, 5, 6), out=(None, 2, 5, 7, 8), id="zeropad3d-cf"),
    # -- Keras Cropping -------------------------------------------------------------------------
    case("keras", "Cropping1D", inp=(None, 10, 3), out=(None, 8, 3), id="crop1d"),
    case("keras", "Cropping1D", ((2, 0),), inp=(None, 10, 3), out=(None, 8, 3), id="crop1d-left"),
    case("keras", "Cropping1D", (3,), inp=(None, 10, 3), out=(None, 4, 3), id="crop1d-int"),
    case("keras", "Cropping2D", inp=(None, 5, 6, 3), out=(None, 5, 6, 3), id="crop2d-default"),
    case("keras", "Cropping2D", (((2, 2), (4, 4)),), inp=(None, 28, 28, 3), out=(None, 24, 20, 3), id="crop2d"),
    case("keras", "Cropping2D", ((1, 2),), {"data_format": "channels_first"}, inp=(None, 3, 10, 12), out=(None, 3, 8, 8), id="crop2d-cf"),
    case("keras", "Cropping2D", (((0, 1), (2, 0)),), inp=(None, 5, 6, 3), out=(None, 4, 4, 3), id="crop2d-onesided"),
    case("keras", "Cropping3D", inp=(None, 4, 5, 6, 2), out=(None, 2, 3, 4, 2), id="crop3d"),
    case("keras", "Cropping3D", (((0, 1), (1, 0), 2),), {"data_format": "channels_first"}, inp=(None, 2, 4, 5, 6), out=(None, 2, 3, 4, 2), id="crop3d-cf"),
    # -- Keras UpSampling -----------------------------------------------------------------------
    case("keras", "UpSampling1D", inp=(None, 5, 3), out=(None, 10, 3), id="up1d"),
    case("keras", "UpSampling1D", (3,), inp=(None, 5, 3), out=(None, 15, 3), id="up1d-3"),
    case("keras", "UpSampling2D", inp=(None, 4, 5, 3), out=(None, 8, 10, 3), id="up2d"),
    case("keras", "UpSampling2D", ((2, 3), "channels_first"), inp=(None, 3, 4, 5), out=(None, 3, 8, 15), id="up2d-cf"),
    case("keras", "UpSampling2D", (2,), {"interpolation": "bilinear"}, inp=(None, 4, 5, 3), out=(None, 8, 10, 3), id="up2d-bilinear"),
    case("keras", "UpSampling2D", ((3, 2),), {"interpolation": "bicubic"}, inp=(None, 4, 5, 3), out=(None, 12, 10, 3), id="up2d-bicubic"),
    case("keras", "UpSampling3D", inp=(None, 2, 3, 4, 2), out=(None, 4, 6, 8, 2), id="up3d"),
    case("keras", "UpSampling3D", ((1, 2, 3),), {"data_format": "channels_first"}, inp=(None, 2, 2, 3, 4), out=(None, 2, 2, 6, 12), id="up3d-cf"),
    # -- torch Flatten / Unflatten --------------------------------------------------------------
    case("torch", "Flatten", inp=(None, 16, 5, 5), out=(None, 400), id="flatten"),
    case("torch", "Flatten", (2,), inp=(None, 3, 4, 5), out=(None, 3, 20), id="flatten-start2"),
    case("torch", "Flatten", (1, 2), inp=(None, 3, 4, 5), out=(None, 12, 5), id="flatten-1-2"),
    case("torch", "Flatten", (), {"start_dim": -3, "end_dim": -2}, inp=(None, 2, 3, 4, 5), out=(None, 2, 12, 5), id="flatten-negative"),
    case("torch", "Flatten", (1, 1), inp=(None, 3, 4), out=(None, 3, 4), id="flatten-noop"),
    case("torch", "Unflatten", (1, (2, 3)), inp=(None, 6, 5), out=(None, 2, 3, 5), id="unflatten"),
    case("torch", "Unflatten", (-1, (4, -1)), inp=(None, 3, 12), out=(None, 3, 4, 3), id="unflatten-infer"),
    case("torch", "Unflatten", (1, (16, 5, 5)), inp=(None, 400), out=(None, 16, 5, 5), id="unflatten-image"),
    # -- torch PixelShuffle / PixelUnshuffle ---------------------------------------------------
    case("torch", "PixelShuffle", (2,), inp=(None, 8, 3, 5), out=(None, 2, 6, 10), id="pixel-shuffle"),
    case("torch", "PixelShuffle", (3,), inp=(None, 9, 4, 4), out=(None, 1, 12, 12), id="pixel-shuffle-3"),
    case("torch", "PixelUnshuffle", (2,), inp=(None, 3, 6, 4), out=(None, 12, 3, 2), id="pixel-unshuffle"),
    # -- torch Upsample -------------------------------------------------------------------------
    case("torch", "Upsample", (), {"scale_factor": 2}, inp=(None, 3, 7, 9), out=(None, 3, 14, 18), id="up-nearest"),
    case("torch", "Upsample", (), {"scale_factor": 1.5}, inp=(None, 3, 7, 9), out=(None, 3, 10, 13), id="up-1.5"),
    case("torch", "Upsample", (), {"scale_factor": 0.5}, inp=(None, 3, 7, 9), out=(None, 3, 3, 4), id="up-down"),
    case("torch", "Upsample", (), {"scale_factor": (2, 3)}, inp=(None, 3, 7, 9), out=(None, 3, 14, 27), id="up-tuple"),
    case("torch", "Upsample", (10,), inp=(None, 3, 7, 9), out=(None, 3, 10, 10), id="up-size"),
    case("torch", "Upsample", ((10, 11),), inp=(None, 3, 7, 9), out=(None, 3, 10, 11), id="up-size-tuple"),
    case("torch", "Upsample", (), {"size": (5, 20), "mode": "nearest"}, inp=(None, 2, 7, 9), out=(None, 2, 5, 20), id="up-size-nearest-odd"),
    case("torch", "Upsample", (), {"scale_factor": 2, "mode": "bilinear"}, inp=(None, 3, 7, 9), out=(None, 3, 14, 18), id="up-bilinear"),
    case("torch", "Upsample", (), {"scale_factor": 1.7, "mode": "bilinear", "align_corners": True}, inp=(None, 3, 7, 9), out=(None, 3, 11, 15), id="up-bilinear-ac"),
    case("torch", "Upsample", (), {"size": (11, 4), "mode": "bilinear"}, inp=(None, 2, 7, 9), out=(None, 2, 11, 4), id="up-bilinear-size"),
    case("torch", "Upsample", (), {"scale_factor": 2, "mode": "bicubic"}, inp=(None, 3, 7, 9), out=(None, 3, 14, 18), id="up-bicubic"),
    case("torch", "Upsample", (), {"size": (9, 5), "mode": "bicubic", "align_corners": True}, inp=(None, 2, 6, 8), out=(None, 2, 9, 5), id="up-bicubic-ac"),
    case("torch", "Upsample", (), {"scale_factor": 3, "mode": "linear"}, inp=(None, 3, 5), out=(None, 3, 15), id="up-linear"),
    case("torch", "Upsample", (), {"scale_factor": 2, "mode": "trilinear"}, inp=(None, 2, 3, 4, 5), out=(None, 2, 6, 8, 10), id="up-trilinear"),
    case("torch", "Upsample", (), {"scale_factor": 2.5, "mode": "nearest-exact"}, inp=(None, 3, 7, 9), out=(None, 3, 17, 22), id="up-nearest-exact"),
    case("torch", "Upsample", (), {"size": (10, 13), "mode": "area"}, inp=(None, 3, 7, 9), out=(None, 3, 10, 13), id="up-area"),
    case("torch", "Upsample", (), {"scale_factor": 1.7, "recompute_scale_factor": True}, inp=(None, 3, 7, 9), out=(None, 3, 11, 15), id="up-recompute"),
    case("torch", "Upsample", (), {"scale_factor": 2}, inp=(None, 3, 5), out=(None, 3, 10), id="up-nearest-1d"),
    case("torch", "Upsample", (), {"scale_factor": 2}, inp=(None, 2, 3, 4, 5), out=(None, 2, 6, 8, 10), id="up-nearest-3d"),
    # PyTorch kernels' shortcuts: an unchanged axis is copied (linear modes; 2D nearest), and the
    # 2D nearest kernel halves the indices of an exactly doubled axis whatever the scale says
    case("torch", "Upsample", (), {"scale_factor": 1.3}, inp=(None, 2, 6, 2), out=(None, 2, 7, 2), id="up-nearest2d-same-axis"),
    case("torch", "Upsample", (), {"scale_factor": 2.3}, inp=(None, 2, 3, 3), out=(None, 2, 6, 6), id="up-nearest2d-doubled"),
    case("torch", "Upsample", (), {"scale_factor": 1.3}, inp=(None, 2, 2), out=(None, 2, 2), id="up-nearest1d-same-axis"),
    case("torch", "Upsample", (), {"scale_factor": 1.3, "mode": "trilinear"}, inp=(None, 1, 3, 5, 5), out=(None, 1, 3, 6, 6), id="up-trilinear-same-axis"),
    case("torch", "UpsamplingNearest2d", (), {"scale_factor": 2}, inp=(None, 3, 7, 9), out=(None, 3, 14, 18), id="upsampling-nearest2d"),
    case("torch", "UpsamplingBilinear2d", ((4, 5),), inp=(None, 3, 7, 9), out=(None, 3, 4, 5), id="upsampling-bilinear2d"),
    case("torch", "UpsamplingBilinear2d", (None, 2), inp=(None, 3, 7, 9), out=(None, 3, 14, 18), id="upsampling-bilinear2d-scale"),
    # -- torch padding modules ------------------------------------------------------------------
    case("torch", "ZeroPad1d", (2,), inp=(None, 3, 5), out=(None, 3, 9), id="zeropad1d"),
    case("torch", "ZeroPad1d", ((2, -1),), inp=(None, 3, 5), out=(None, 3, 6), id="zeropad1d-crop"),
    case("torch", "ZeroPad2d", (2,), inp=(None, 3, 5, 6), out=(None, 3, 9, 10), id="zeropad2d"),
    case("torch", "ZeroPad2d", ((1, 2, 3, 4),), inp=(None, 3, 5, 6), out=(None, 3, 12, 9), id="zeropad2d-ltrb"),
    case("torch", "ZeroPad2d", (1,), inp=(None, 5, 6), out=(None, 7, 8), id="zeropad2d-unbatched"),
    case("torch", "ZeroPad3d", (1,), inp=(None, 2, 3, 4, 5), out=(None, 2, 5, 6, 7), id="zeropad3d"),
    case("torch", "ConstantPad1d", (2, 3.5), inp=(None, 3, 5), out=(None, 3, 9), id="constpad1d"),
    case("torch", "ConstantPad2d", ((1, 0, 0, 2), -1.0), inp=(None, 3, 5, 6), out=(None, 3, 7, 7), id="constpad2d"),
    case("torch", "ConstantPad2d", (), {"padding": (-1, -1, 1, 1), "value": 0.5}, inp=(None, 3, 5, 6), out=(None, 3, 7, 4), id="constpad2d-crop"),
    case("torch", "ConstantPad3d", ((1, 1, 2, 2, 0, 1), 0.5), inp=(None, 2, 3, 4, 5), out=(None, 2, 4, 8, 7), id="constpad3d"),
    case("torch", "ConstantPad2d", (1, 2.0), inp=(None, 2, 3, 4, 5), out=(None, 2, 3, 6, 7), id="constpad2d-5d"),
    case("torch", "ReflectionPad1d", (2,), inp=(None, 3, 5), out=(None, 3, 9), id="reflect1d"),
    case("torch", "ReflectionPad1d", ((-1, 2),), inp=(None, 3, 5), out=(None, 3, 6), id="reflect1d-negative"),
    case("torch", "ReflectionPad2d", ((1, 2, 3, 0),), inp=(None, 3, 5, 6), out=(None, 3, 8, 9), id="reflect2d"),
    case("torch", "ReflectionPad2d", (1,), inp=(None, 5, 6), out=(None, 7, 8), id="reflect2d-unbatched"),
    case("torch", "ReflectionPad3d", (1,), inp=(None, 2, 3, 4, 5), out=(None, 2, 5, 6, 7), id="reflect3d"),
    case("torch", "ReplicationPad1d", ((3, 1),), inp=(None, 3, 2), out=(None, 3, 6), id="replicate1d"),
    case("torch", "ReplicationPad2d", (2,), inp=(None, 3, 5, 6), out=(None, 3, 9, 10), id="replicate2d"),
    case("torch", "ReplicationPad3d", ((0, 1, 2, 0, 1, 1),), inp=(None, 2, 3, 4, 5), out=(None, 2, 5, 6, 6), id="replicate3d"),
    case("torch", "CircularPad1d", ((2, 5),), inp=(None, 3, 5), out=(None, 3, 12), id="circular1d"),
    case("torch", "CircularPad3d", (1,), inp=(None, 2, 3, 4, 5), out=(None, 2, 5, 6, 7), id="circular3d"),
    case("torch", "CircularPad2d", ((1, 2, 5, 0),), inp=(None, 3, 5, 6), out=(None, 3, 10, 9), id="circular2d"),
    # -- torch pseudo-types: view / reshape / pad / permute / transpose -------------------------
    case("torch", "view", (-1, 16 * 5 * 5), inp=(None, 16, 5, 5), out=(None, 400), id="view-lenet"),
    case("torch", "view", (B, -1), inp=(None, 16, 5, 5), out=(None, 400), id="view-size0"),
    case("torch", "view", (B, 16, -1), inp=(None, 16, 5, 5), out=(None, 16, 25), id="view-size0-mid"),
    case("torch", "view", (B, SizeOf(1), -1), inp=(None, 16, 5, 5), out=(None, 16, 25), id="view-sizeof-1"),
    case("torch", "view", ((-1, 400),), inp=(None, 16, 5, 5), out=(None, 400), id="view-tuple"),
    case("torch", "view", (-1, 4, 5, 20), inp=(None, 16, 5, 5), out=(None, 4, 5, 20), id="view-split"),
    case("torch", "view", (B, 400), inp=(None, 16, 5, 5), out=(None, 400), id="view-exact"),
    case("torch", "reshape", (B, -1, 8), inp=(None, 4, 6), out=(None, 3, 8), id="reshape"),
    case("torch", "pad", ((1, 2),), inp=(None, 3, 5), out=(None, 3, 8), id="pad"),
    case("torch", "pad", (), {"pad": (1, 1, 2, 2), "mode": "reflect"}, inp=(None, 3, 5, 6), out=(None, 3, 9, 8), id="pad-reflect"),
    case("torch", "pad", (), {"pad": (1, 1, 1, 1, 1, 1), "value": 2.0}, inp=(None, 3, 5, 6), out=(None, 5, 7, 8), id="pad-channels"),
    case("torch", "pad", ((0, 3), "replicate"), inp=(None, 3, 5), out=(None, 3, 8), id="pad-replicate"),
    case("torch", "pad", ((2, 2, 2, 2), "circular"), inp=(None, 3, 5, 6), out=(None, 3, 9, 10), id="pad-circular"),
    case("torch", "pad", ((-1, 1, 0, -2),), inp=(None, 3, 5, 6), out=(None, 3, 3, 6), id="pad-crop"),
    case("torch", "permute", (0, 2, 3, 1), inp=(None, 3, 5, 6), out=(None, 5, 6, 3), id="permute"),
    case("torch", "permute", ((0, 2, 1),), inp=(None, 3, 5), out=(None, 5, 3), id="permute-tuple"),
    case("torch", "permute", (0, -1, 1, 2), inp=(None, 3, 5, 6), out=(None, 6, 3, 5), id="permute-negative"),
    case("torch", "transpose", (1, 2), inp=(None, 3, 5, 6), out=(None, 5, 3, 6), id="transpose"),
    case("torch", "transpose", (-1, -2), inp=(None, 3, 5, 6), out=(None, 3, 6, 5), id="transpose-negative"),
    case("torch", "chunk", (2, 1, 0), inp=(None, 116, 7, 7), out=(None, 58, 7, 7), id="chunk-half"),
    case("torch", "chunk", (2, 1, 1), inp=(None, 116, 7, 7), out=(None, 58, 7, 7), id="chunk-second"),
    case("torch", "chunk", (3, 1, 2), inp=(None, 7, 4), out=(None, 1, 4), id="chunk-uneven-last"),
    case("torch", "chunk", (3, -1, 0), inp=(None, 2, 8), out=(None, 2, 3), id="chunk-last-axis"),
]

ERRORS = [
    error("torch", "PixelShuffle", (2,), inp=(None, 6, 3, 3), kind="reshape-size", id="pixel-shuffle-channels"),
    error("torch", "PixelUnshuffle", (2,), inp=(None, 4, 3, 4), kind="reshape-size", id="pixel-unshuffle-height"),
    error("torch", "PixelShuffle", (2,), inp=(None, 8), kind="rank-mismatch", id="pixel-shuffle-rank"),
    # -- Keras ------------------------------------------------------------------------------------
    error("keras", "Reshape", ((3, 5),), inp=(None, 12), kind="reshape-size", id="reshape-size"),
    error("keras", "Reshape", ((-1, 5),), inp=(None, 12), kind="reshape-size", id="reshape-infer-size"),
    error("keras", "Reshape", ((10, 10),), inp=(None, 28, 28, 1), kind="reshape-size", id="reshape-rule-example"),
    error("keras", "Reshape", ((-1, -1),), inp=(None, 12), kind="invalid-argument", id="reshape-two-free"),
    error("keras", "Reshape", ((-2, 6),), inp=(None, 12), kind="invalid-argument", id="reshape-negative"),
    error("keras", "Permute", ((1, 3),), inp=(None, 4, 5), kind="invalid-argument", id="permute-not-permutation"),
    error("keras", "Permute", ((0, 1),), inp=(None, 4, 5), kind="invalid-argument", id="permute-zero-based"),
    error("keras", "Permute", ((2, 1),), inp=(None, 4, 5, 6), kind="rank-mismatch", id="permute-rank"),
    error("keras", "Cropping1D", ((5, 5),), inp=(None, 10, 3), kind="non-positive-dim", id="crop1d-too-much"),
    error("keras", "Cropping2D", (((10, 10), (0, 0)),), inp=(None, 20, 20, 3), kind="non-positive-dim", id="crop2d-too-much"),
    error("keras", "Cropping3D", (3,), inp=(None, 6, 7, 8, 2), kind="non-positive-dim", id="crop3d-too-much"),
    error("keras", "Cropping2D", (-1,), inp=(None, 20, 20, 3), kind="invalid-argument", id="crop2d-negative"),
    error("keras", "ZeroPadding2D", (1,), inp=(None, 20, 3), kind="rank-mismatch", id="zeropad2d-rank"),
    error("keras", "ZeroPadding2D", ((1, 2, 3),), inp=(None, 5, 5, 3), kind="invalid-argument", id="zeropad2d-three"),
    error("keras", "UpSampling2D", (0,), inp=(None, 4, 4, 3), kind="invalid-argument", id="up2d-zero"),
    error("keras", "UpSampling1D", ((2,),), inp=(None, 4, 3), kind="invalid-argument", id="up1d-tuple"),
    error("keras", "UpSampling3D", (), inp=(None, 4, 4, 3), kind="rank-mismatch", id="up3d-rank"),
    error("keras", "RepeatVector", (3,), inp=(None, 4, 5), kind="rank-mismatch", id="repeat-vector-rank"),
    error("keras", "Flatten", ("channels_middle",), inp=(None, 4, 5), kind="invalid-argument", id="flatten-format"),
    # -- torch ------------------------------------------------------------------------------------
    error("torch", "view", (-1, 400), inp=(None, 16, 4, 4), kind="reshape-size", id="view-lenet-wrong"),
    error("torch", "view", (B, 300), inp=(None, 16, 5, 5), kind="reshape-size", id="view-size0-wrong"),
    error("torch", "view", (B, -1, 7), inp=(None, 16, 5, 5), kind="reshape-size", id="view-infer-wrong"),
    error("torch", "view", (-1, -1), inp=(None, 16, 5, 5), kind="invalid-argument", id="view-two-free"),
    error("torch", "reshape", (B, -3), inp=(None, 16, 5, 5), kind="invalid-argument", id="reshape-negative"),
    error("torch", "view", (B, SizeOf(4), -1), inp=(None, 16, 5, 5), kind="rank-mismatch", id="view-sizeof-range"),
    error("torch", "Unflatten", (1, (4, 2)), inp=(None, 6, 5), kind="reshape-size", id="unflatten-size"),
    error("torch", "Unflatten", (1, (4, -1)), inp=(None, 6, 5), kind="reshape-size", id="unflatten-infer"),
    error("torch", "Flatten", (2, 1), inp=(None, 3, 4, 5), kind="invalid-argument", id="flatten-order"),
    error("torch", "Flatten", (1, 5), inp=(None, 3, 4, 5), kind="rank-mismatch", id="flatten-range"),
    error("torch", "Upsample", (), {"scale_factor": 2, "mode": "linear"}, inp=(None, 3, 4, 5), kind="rank-mismatch", id="up-linear-4d"),
    error("torch", "Upsample", (), {"scale_factor": 2, "mode": "bilinear"}, inp=(None, 3, 5), kind="rank-mismatch", id="up-bilinear-3d"),
    error("torch", "Upsample", (), {"scale_factor": 2}, inp=(None, 3), kind="rank-mismatch", id="up-2d-input"),
    error("torch", "Upsample", ((10, 11, 12),), inp=(None, 3, 7, 9), kind="rank-mismatch", id="up-size-length"),
    error("torch", "Upsample", (10, 2), inp=(None, 3, 7, 9), kind="invalid-argument", id="up-both"),
    error("torch", "Upsample", (), inp=(None, 3, 7, 9), kind="invalid-argument", id="up-neither"),
    error("torch", "Upsample", (), {"scale_factor": 2, "align_corners": True}, inp=(None, 3, 7, 9), kind="invalid-argument", id="up-align-nearest"),
    error("torch", "Upsample", (), {"scale_factor": 2, "mode": "foo"}, inp=(None, 3, 7, 9), kind="invalid-argument", id="up-mode"),
    error("torch", "Upsample", (), {"scale_factor": 0.1}, inp=(None, 3, 7, 9), kind="non-positive-dim", id="up-to-zero"),
    error("torch", "UpsamplingBilinear2d", (None, 2), inp=(None, 3, 5), kind="rank-mismatch", id="upsampling-bilinear-3d"),
    error("torch", "ReflectionPad1d", (5,), inp=(None, 6, 5), kind="non-positive-dim", id="reflect-too-wide"),
    error("torch", "ReflectionPad2d", ((1, 1, 4, 4),), inp=(None, 2, 4, 9), kind="non-positive-dim", id="reflect2d-too-tall"),
    error("torch", "CircularPad1d", (6,), inp=(None, 6, 5), kind="non-positive-dim", id="circular-wraps"),
    error("torch", "ReflectionPad2d", (1,), inp=(None, 2, 3, 4, 5), kind="rank-mismatch", id="reflect2d-5d"),
    error("torch", "ZeroPad1d", ((-3, -3),), inp=(None, 6, 5), kind="non-positive-dim", id="zeropad-crop-too-much"),
    error("torch", "ZeroPad1d", ((-5, 0),), inp=(None, 6, 5), kind="non-positive-dim", id="zeropad-crop-to-empty", framework_raises=False),
    error("torch", "ZeroPad2d", ((1, 2, 3),), inp=(None, 3, 5, 5), kind="invalid-argument", id="zeropad2d-three"),
    error("torch", "pad", ((1, 1, 1),), inp=(None, 3, 5), kind="invalid-argument", id="pad-odd"),
    error("torch", "pad", ((2, -6),), inp=(None, 3, 5), kind="non-positive-dim", id="pad-crop-before-pad"),
    error("torch", "pad", ((1, 1), "reflect", 1.0), inp=(None, 3, 5), kind="invalid-argument", id="pad-reflect-value"),
    error("torch", "pad", ((1, 1), "reflect"), inp=(None, 3, 5, 6), kind="rank-mismatch", id="pad-reflect-rank"),
    error("torch", "pad", ((1, 1), "wrap"), inp=(None, 3, 5), kind="invalid-argument", id="pad-mode"),
    error("torch", "pad", ((1,) * 10,), inp=(None, 3, 5, 6), kind="rank-mismatch", id="pad-too-long"),
    error("torch", "permute", (0, 2), inp=(None, 3, 5), kind="rank-mismatch", id="permute-length"),
    error("torch", "permute", (0, 2, 2), inp=(None, 3, 5), kind="invalid-argument", id="permute-duplicate"),
    error("torch", "transpose", (1, 3), inp=(None, 3, 5), kind="rank-mismatch", id="transpose-range"),
]
