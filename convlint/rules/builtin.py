"""The built-in plugin: convlint's own rules and output formats.

Loaded through the ``convlint`` entry-point group (see ``pyproject.toml``) exactly as a
third-party plugin is; nothing in the runner knows these rules by name.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Type

from ..hookspecs import hookimpl
from . import Rule
from .channel_mismatch import ChannelMismatch
from .crop_at_inference import CropOnlyInTraining
from .dense_on_feature_map import DenseOnFeatureMap
from .dominant_layer import DominantLayer
from .dropped_border import DroppedBorder
from .groups import Groups
from .internal_error import InternalError
from .invalid_argument import InvalidArgument
from .max_layer_params import MaxLayerParams
from .max_params import MaxParams
from .merge_mismatch import MergeMismatch
from .no_input_shape import NoInputShape
from .non_positive_dim import NonPositiveDim
from .rank_mismatch import RankMismatch
from .reshape_size import ReshapeSize
from .syntax_error import SyntaxError_
from .unknown_layer import UnknownLayer
from .unresolved import Unresolved
from .unresolved_argument import UnresolvedArgument
from .unsupported import Unsupported

RULES: List[Type[Rule]] = [
    NonPositiveDim,
    RankMismatch,
    ChannelMismatch,
    Groups,
    ReshapeSize,
    MergeMismatch,
    InvalidArgument,
    MaxParams,
    MaxLayerParams,
    DominantLayer,
    DenseOnFeatureMap,
    CropOnlyInTraining,
    DroppedBorder,
    SyntaxError_,
    Unresolved,
    Unsupported,
    NoInputShape,
    UnknownLayer,
    UnresolvedArgument,
    InternalError,
]

try:  # CL108 (PyTorch input fit) is written separately; pick it up once it exists.
    from .input_fit import InputFit  # type: ignore[import-not-found]

    RULES.insert(7, InputFit)
except ModuleNotFoundError as err:  # pragma: no cover - only until rules/input_fit.py lands
    if err.name != f"{__package__}.input_fit":
        raise


@hookimpl
def convlint_rules() -> List[Type[Rule]]:
    return list(RULES)


@hookimpl
def convlint_add_formats() -> Dict[str, Callable]:
    from ..output import FORMATS

    return dict(FORMATS)
