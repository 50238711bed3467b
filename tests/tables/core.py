"""Core rows: Keras Dense/dropouts/activations/PReLU/Rescaling/Identity, torch Linear/Bilinear/
dropouts/activations/PReLU/Softmax/GLU/Identity.

``Input`` has no rows here: every row is fed by ``Input`` nodes already (see tests/layer_models.py),
and Keras' ``Input`` is a function, not a layer the oracle could build; ``tests/test_core_merging.py``
covers it.
"""

from ._case import case, error

# torch functional forms (``F.relu(x)``, ``torch.sigmoid(x)``) the front end may record under the
# function's own name: the catalogue resolves them to the module classes (same semantics, same
# argument order after the tensor); the oracle runs the real function with the row's args.
TORCH_FUNCTIONS = {
    name: f"torch.nn.functional.{name}"
    for name in (
        "relu relu6 leaky_relu elu selu celu gelu silu mish hardswish hardsigmoid hardtanh softplus softsign "
        "tanhshrink logsigmoid hardshrink softshrink rrelu softmax log_softmax softmin glu dropout dropout1d "
        "dropout2d dropout3d alpha_dropout feature_alpha_dropout threshold"
    ).split()
}
TORCH_FUNCTIONS.update({"sigmoid": "torch.sigmoid", "tanh": "torch.tanh"})

_TORCH_FUNCTIONAL = [
    ("relu", (), {}),
    ("leaky_relu", (0.2,), {}),
    ("softmax", (), {"dim": 1}),
    ("log_softmax", (-1,), {}),
    ("gelu", (), {"approximate": "tanh"}),
    ("dropout", (0.3,), {"training": False}),
    ("dropout2d", (), {"p": 0.3, "training": False}),
    ("hardtanh", (-2.0, 2.0), {}),
    ("sigmoid", (), {}),
    ("tanh", (), {}),
    ("elu", (), {"alpha": 0.5}),
    ("silu", (), {}),
    ("softplus", (), {"beta": 2.0}),
    ("threshold", (0.1, 20.0), {}),
    ("dropout3d", (0.1,), {"training": False}),
    ("alpha_dropout", (0.2,), {}),
    ("feature_alpha_dropout", (), {"p": 0.2}),
    ("relu6", (), {}),
    ("celu", (), {"alpha": 2.0}),
    ("selu", (), {}),
    ("mish", (), {}),
    ("hardswish", (), {}),
    ("hardsigmoid", (), {}),
    ("softsign", (), {}),
    ("tanhshrink", (), {}),
    ("logsigmoid", (), {}),
    ("hardshrink", (0.3,), {}),
    ("softshrink", (), {"lambd": 0.2}),
    ("rrelu", (0.1, 0.3), {}),
    ("softmin", (), {"dim": 2}),
]

_KERAS_ACTIVATIONS = (
    "linear relu relu6 sigmoid tanh softmax log_softmax elu celu selu gelu silu swish hard_sigmoid hard_silu "
    "hard_swish softplus softsign mish exponential leaky_relu log_sigmoid hard_tanh hard_shrink soft_shrink "
    "tanh_shrink sparse_plus sparse_sigmoid squareplus"
).split()

_TORCH_SHAPE_KEEPING = [
    # (type, args, kwargs)
    ("ReLU", (), {}),
    ("ReLU", (), {"inplace": True}),
    ("ReLU6", (), {}),
    ("LeakyReLU", (), {}),
    ("LeakyReLU", (0.2,), {}),
    ("ELU", (), {"alpha": 0.5}),
    ("CELU", (2.0,), {}),
    ("SELU", (), {}),
    ("GELU", (), {}),
    ("GELU", (), {"approximate": "tanh"}),
    ("SiLU", (), {}),
    ("Mish", (), {}),
    ("Sigmoid", (), {}),
    ("Tanh", (), {}),
    ("Hardswish", (), {}),
    ("Hardsigmoid", (), {}),
    ("Hardtanh", (), {}),
    ("Hardtanh", (-0.5, 2.0), {}),
    ("Softplus", (), {"beta": 2.0, "threshold": 1.0}),
    ("Softsign", (), {}),
    ("Tanhshrink", (), {}),
    ("LogSigmoid", (), {}),
    ("Threshold", (0.1, 20.0), {}),
    ("Hardshrink", (0.3,), {}),
    ("Softshrink", (), {"lambd": 0.3}),
    ("RReLU", (), {}),
    ("Softmax", (), {"dim": 1}),
    ("Softmax", (-1,), {}),
    ("Softmax", (), {}),  # dim=None on a 4D input: torch picks dim 1
    ("LogSoftmax", (), {"dim": 2}),
    ("Softmin", (1,), {}),
    ("Softmax2d", (), {}),
    ("Identity", (), {}),
    ("Identity", (54,), {"unused_argument": "ignored"}),
    ("Dropout", (), {}),
    ("Dropout", (0.2,), {}),
    ("Dropout2d", (), {"p": 0.3}),
    ("Dropout3d", (0.1,), {}),
    ("AlphaDropout", (0.2,), {}),
    ("FeatureAlphaDropout", (), {}),
]


def _rid(type_: str, args: tuple, kwargs: dict) -> str:
    parts = [type_.lower()] + [str(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()]
    return "-".join(parts)


CASES = [
    # -- Keras Dense ----------------------------------------------------------------------
    case("keras", "Dense", (128,), {"activation": "relu"}, inp=(None, 784), out=(None, 128), params=100480, id="mnist-hidden"),
    case("keras", "Dense", (10, "softmax"), inp=(None, 128), out=(None, 10), params=1290, id="softmax-positional"),
    case("keras", "Dense", (), {"units": 5, "use_bias": False}, inp=(None, 3, 7), out=(None, 3, 5), params=35, id="3d-nobias"),
    case("keras", "Dense", (3,), inp=(None, 4, 5, 6), out=(None, 4, 5, 3), params=21, id="4d"),
    case("keras", "Dense", (1, None, True), inp=(None, 1), out=(None, 1), params=2, id="1-1"),
    case("keras", "Dense", (6,), {"activation": "gelu"}, inp=(None, 9), out=(None, 6), params=60, id="gelu"),
    case("keras", "Dense", (6,), {"activation": "swish", "use_bias": False}, inp=(None, 9), out=(None, 6), params=54, id="swish"),
    # -- Keras dropouts and identities ---------------------------------------------------------
    case("keras", "Dropout", (0.5,), inp=(None, 10), out=(None, 10), id="dropout"),
    case("keras", "Dropout", (0.2,), {"noise_shape": (None, 1, 8), "seed": 3}, inp=(None, 4, 8), out=(None, 4, 8), id="dropout-noise-shape"),
    case("keras", "Dropout", (), {"rate": 0.0}, inp=(None, 2, 3, 4), out=(None, 2, 3, 4), id="dropout-0"),
    case("keras", "SpatialDropout1D", (0.3,), inp=(None, 10, 4), out=(None, 10, 4), id="spatial1d"),
    case("keras", "SpatialDropout2D", (0.3,), inp=(None, 5, 6, 3), out=(None, 5, 6, 3), id="spatial2d"),
    case("keras", "SpatialDropout2D", (0.3, "channels_first"), inp=(None, 3, 5, 6), out=(None, 3, 5, 6), id="spatial2d-cf"),
    case("keras", "SpatialDropout3D", (0.1,), inp=(None, 2, 3, 4, 5), out=(None, 2, 3, 4, 5), id="spatial3d"),
    case("keras", "AlphaDropout", (0.1,), inp=(None, 6), out=(None, 6), id="alpha-dropout"),
    case("keras", "GaussianDropout", (0.2,), inp=(None, 3, 6), out=(None, 3, 6), id="gaussian-dropout"),
    case("keras", "GaussianNoise", (0.1,), inp=(None, 3, 6), out=(None, 3, 6), id="gaussian-noise"),
    case("keras", "ActivityRegularization", (), {"l1": 0.01}, inp=(None, 3, 6), out=(None, 3, 6), id="activity-reg"),
    case("keras", "Masking", (), {"mask_value": 0.0}, inp=(None, 5, 3), out=(None, 5, 3), id="masking"),
    case("keras", "Identity", inp=(None, 4, 4, 2), out=(None, 4, 4, 2), id="identity"),
    # -- Keras activation layers ---------------------------------------------------------------
    *[
        case("keras", "Activation", (name,), inp=(None, 4, 6), out=(None, 4, 6), id=f"activation-{name}")
        for name in _KERAS_ACTIVATIONS
    ],
    case("keras", "Activation", (), {"activation": None}, inp=(None, 3), out=(None, 3), id="activation-none"),
    case("keras", "ReLU", inp=(None, 8, 8, 3), out=(None, 8, 8, 3), id="relu"),
    case("keras", "ReLU", (), {"max_value": 6.0}, inp=(None, 5), out=(None, 5), id="relu-max6"),
    case("keras", "ReLU", (1.5,), inp=(None, 5), out=(None, 5), id="relu-max1.5"),
    case("keras", "ReLU", (), {"negative_slope": 0.1}, inp=(None, 5), out=(None, 5), id="relu-slope"),
    case("keras", "ReLU", (2.0, 0.1, 0.5), inp=(None, 4, 5), out=(None, 4, 5), id="relu-all"),
    case("keras", "ReLU", (), {"threshold": 0.3}, inp=(None, 4, 5), out=(None, 4, 5), id="relu-threshold"),
    case("keras", "LeakyReLU", inp=(None, 7), out=(None, 7), id="leaky"),
    case("keras", "LeakyReLU", (0.1,), inp=(None, 2, 7), out=(None, 2, 7), id="leaky-0.1"),
    case("keras", "LeakyReLU", (), {"alpha": 0.2}, inp=(None, 7), out=(None, 7), id="leaky-keras2-alpha"),
    case("keras", "ELU", inp=(None, 7), out=(None, 7), id="elu"),
    case("keras", "ELU", (0.5,), inp=(None, 3, 7), out=(None, 3, 7), id="elu-0.5"),
    case("keras", "Softmax", inp=(None, 10), out=(None, 10), id="softmax"),
    case("keras", "Softmax", (1,), inp=(None, 4, 5), out=(None, 4, 5), id="softmax-axis1"),
    case("keras", "Softmax", (), {"axis": (1, 2)}, inp=(None, 3, 4, 5), out=(None, 3, 4, 5), id="softmax-axes"),
    case("keras", "PReLU", inp=(None, 4, 5, 3), out=(None, 4, 5, 3), params=60, id="prelu"),
    case("keras", "PReLU", (), {"shared_axes": [1, 2]}, inp=(None, 4, 5, 3), out=(None, 4, 5, 3), params=3, id="prelu-shared"),
    case("keras", "PReLU", (), {"shared_axes": 1}, inp=(None, 6, 2), out=(None, 6, 2), params=2, id="prelu-shared-int"),
    case("keras", "Rescaling", (1.0 / 255,), inp=(None, 8, 8, 3), out=(None, 8, 8, 3), id="rescaling"),
    case("keras", "Rescaling", (2.0,), {"offset": -1.0}, inp=(None, 5), out=(None, 5), id="rescaling-offset"),
    case("keras", "Rescaling", ([1.0, 2.0, 3.0],), {"offset": [0.0, 1.0, 2.0]}, inp=(None, 4, 3), out=(None, 4, 3), id="rescaling-per-channel"),
    # -- torch Linear / Bilinear -----------------------------------------------------------------
    case("torch", "Linear", (784, 128), inp=(None, 784), out=(None, 128), params=100480, id="mnist-hidden"),
    case("torch", "Linear", (9216, 128), inp=(None, 9216), out=(None, 128), params=1179776, id="mnist-fc1", numeric=False),
    case("torch", "Linear", (20, 5), {"bias": False}, inp=(None, 3, 20), out=(None, 3, 5), params=100, id="3d-nobias"),
    case("torch", "Linear", (), {"in_features": 4, "out_features": 6}, inp=(None, 2, 3, 4), out=(None, 2, 3, 6), params=30, id="4d-kwargs"),
    case("torch", "Linear", (1, 1, True), inp=(None, 1), out=(None, 1), params=2, id="1-1"),
    case("torch", "Bilinear", (3, 4, 5), inp=[(None, 3), (None, 4)], out=(None, 5), params=65, id="bilinear"),
    case("torch", "Bilinear", (3, 4, 5), {"bias": False}, inp=[(None, 7, 3), (None, 7, 4)], out=(None, 7, 5), params=60, id="bilinear-3d"),
    # -- torch PReLU, GLU, dropouts and activations -----------------------------------------------
    case("torch", "PReLU", inp=(None, 3, 5, 5), out=(None, 3, 5, 5), params=1, id="prelu"),
    case("torch", "PReLU", (3,), inp=(None, 3, 5, 5), out=(None, 3, 5, 5), params=3, id="prelu-channels"),
    case("torch", "PReLU", (), {"num_parameters": 4, "init": 0.1}, inp=(None, 4), out=(None, 4), params=4, id="prelu-2d"),
    case("torch", "GLU", inp=(None, 3, 8), out=(None, 3, 4), id="glu"),
    case("torch", "GLU", (1,), inp=(None, 6, 5), out=(None, 3, 5), id="glu-dim1"),
    case("torch", "GLU", (), {"dim": -2}, inp=(None, 2, 4, 3), out=(None, 2, 2, 3), id="glu-dim-2"),
    case("torch", "Dropout1d", (0.2,), inp=(None, 4, 10), out=(None, 4, 10), id="dropout1d"),
    case("torch", "Dropout1d", (), inp=(None, 4), out=(None, 4), id="dropout1d-2d"),
    case("torch", "Softmax2d", inp=(None, 3, 4), out=(None, 3, 4), id="softmax2d-3d"),
    case("torch", "Softmax", (0,), inp=(None, 5), out=(None, 5), id="softmax-batch-axis"),
    case("torch", "Softmax", (), inp=(None, 3, 5), out=(None, 3, 5), id="softmax-implicit-3d"),
    *[
        case("torch", t, a, k, inp=(None, 3, 4, 5), out=(None, 3, 4, 5), id=_rid(t, a, k))
        for t, a, k in _TORCH_SHAPE_KEEPING
    ],
    *[
        case("torch", t, a, k, inp=(None, 3, 4, 5), out=(None, 3, 4, 5), id=f"functional-{_rid(t, a, k)}")
        for t, a, k in _TORCH_FUNCTIONAL
    ],
    case("torch", "glu", (1,), inp=(None, 6, 5), out=(None, 3, 5), id="functional-glu"),
    case("torch", "dropout1d", (0.5,), {"training": False}, inp=(None, 6, 5), out=(None, 6, 5), id="functional-dropout1d"),
    case("torch", "LazyLinear", (10,), inp=(None, 8, 26), out=(None, 8, 10), params=270, id="lazy-linear"),
    case("torch", "LazyLinear", (4,), {"bias": False}, inp=(None, 5408), out=(None, 4), params=21632, id="lazy-linear-nobias"),
]

ERRORS = [
    # -- Keras ------------------------------------------------------------------------------------
    error("keras", "Dense", (0,), inp=(None, 5), kind="invalid-argument", id="dense-units-0"),
    error("keras", "Dense", (-3,), inp=(None, 5), kind="invalid-argument", id="dense-units-negative"),
    error("keras", "Dense", (3,), {"activation": "nope"}, inp=(None, 5), kind="invalid-argument", id="dense-bad-activation"),
    error("keras", "Dense", (3,), inp=(None,), kind="rank-mismatch", id="dense-rank1"),
    error("keras", "Dropout", (1.5,), inp=(None, 5), kind="invalid-argument", id="dropout-rate"),
    error("keras", "Dropout", (-0.1,), inp=(None, 5), kind="invalid-argument", id="dropout-negative"),
    error("keras", "SpatialDropout1D", (0.3,), inp=(None, 3, 4, 5), kind="rank-mismatch", id="spatial1d-rank"),
    error("keras", "SpatialDropout2D", (0.3,), inp=(None, 4, 5), kind="rank-mismatch", id="spatial2d-rank"),
    error("keras", "SpatialDropout3D", (0.3,), inp=(None, 2, 3, 4, 5, 6), kind="rank-mismatch", id="spatial3d-rank"),
    error("keras", "SpatialDropout2D", (0.3,), {"data_format": "channels_middle"}, inp=(None, 4, 5, 3), kind="invalid-argument", id="spatial2d-format"),
    error("keras", "SpatialDropout2D", (2.0,), inp=(None, 4, 5, 3), kind="invalid-argument", id="spatial2d-rate"),
    error("keras", "ReLU", (), {"max_value": -1.0}, inp=(None, 5), kind="invalid-argument", id="relu-max-negative"),
    error("keras", "ReLU", (), {"negative_slope": -0.1}, inp=(None, 5), kind="invalid-argument", id="relu-slope-negative"),
    error("keras", "ReLU", (), {"threshold": -1.0}, inp=(None, 5), kind="invalid-argument", id="relu-threshold-negative"),
    error("keras", "LeakyReLU", (-0.1,), inp=(None, 5), kind="invalid-argument", id="leaky-negative"),
    error("keras", "Activation", ("nope",), inp=(None, 5), kind="invalid-argument", id="activation-unknown"),
    error("keras", "GaussianNoise", (1.5,), inp=(None, 5), kind="invalid-argument", id="gaussian-noise-stddev"),
    error("keras", "AlphaDropout", (1.5,), inp=(None, 5), kind="invalid-argument", id="alpha-dropout-rate"),
    error("keras", "Dense", (2.0,), inp=(None, 5), kind="invalid-argument", id="dense-float-units"),
    error("keras", "Softmax", (3,), inp=(None, 5), kind="invalid-argument", id="softmax-axis-range"),
    error("keras", "PReLU", (), {"shared_axes": [4]}, inp=(None, 4, 5, 3), kind="invalid-argument", id="prelu-shared-axis"),
    # -- torch -----------------------------------------------------------------------------------
    error("torch", "Linear", (784, 10), inp=(None, 100), kind="channel-mismatch", id="linear-in-features"),
    error("torch", "Linear", (9216, 128), inp=(None, 64, 12, 11), kind="channel-mismatch", id="linear-unflattened"),
    error("torch", "Linear", (-1, 3), inp=(None, 5), kind="invalid-argument", id="linear-negative"),
    error("torch", "Linear", (5, 3.0), inp=(None, 5), kind="invalid-argument", id="linear-float"),
    error("torch", "Bilinear", (3, 4, 5), inp=[(None, 3), (None, 5)], kind="channel-mismatch", id="bilinear-in2"),
    error("torch", "Bilinear", (3, 4, 5), inp=[(None, 7, 3), (None, 6, 4)], kind="merge-mismatch", id="bilinear-batch"),
    error("torch", "Dropout", (1.5,), inp=(None, 5), kind="invalid-argument", id="dropout-p"),
    error("torch", "Dropout2d", (), {"p": -0.5}, inp=(None, 3, 4, 4), kind="invalid-argument", id="dropout2d-p"),
    error("torch", "Dropout1d", (), inp=(None, 3, 4, 4), kind="rank-mismatch", id="dropout1d-rank"),
    error("torch", "Hardtanh", (1.0, -1.0), inp=(None, 5), kind="invalid-argument", id="hardtanh-range"),
    error("torch", "GELU", (), {"approximate": "erf"}, inp=(None, 5), kind="invalid-argument", id="gelu-approximate"),
    error("torch", "CELU", (0.0,), inp=(None, 5), kind="invalid-argument", id="celu-alpha-0"),
    error("torch", "Softmax", (), {"dim": 2}, inp=(None, 5), kind="invalid-argument", id="softmax-dim-range"),
    error("torch", "Softmax2d", (), inp=(None, 5), kind="rank-mismatch", id="softmax2d-rank"),
    error("torch", "GLU", (), inp=(None, 5), kind="invalid-argument", id="glu-odd"),
    error("torch", "PReLU", (3,), inp=(None, 4, 5), kind="channel-mismatch", id="prelu-channels"),
    error("torch", "Softshrink", (-1.0,), inp=(None, 5), kind="invalid-argument", id="softshrink-negative"),
    error("torch", "RReLU", (0.5, 0.1), inp=(None, 5), kind="invalid-argument", id="rrelu-bounds"),
    error("torch", "softmax", (), {"dim": 3}, inp=(None, 4, 5), kind="invalid-argument", id="functional-softmax-dim"),
    error("torch", "dropout", (1.5,), inp=(None, 4, 5), kind="invalid-argument", id="functional-dropout-p"),
]
