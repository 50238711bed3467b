"""The built-in rules as a plugin.

Loaded through the ``convlint`` entry-point group (``builtin`` in ``pyproject.toml``) exactly
as a third-party plugin is; nothing in the runner knows these rules by name.  The built-in
output formats register the same way, from :mod:`convlint.output.builtin`.
"""

from __future__ import annotations

from typing import List, Type

from ..hookspecs import hookimpl
from . import Rule
from .assumed_value import AssumedValue
from .channel_mismatch import ChannelMismatch
from .crop_at_inference import CropOnlyInTraining
from .dense_on_feature_map import DenseOnFeatureMap
from .dominant_layer import DominantLayer
from .dropped_border import DroppedBorder
from .groups import Groups
from .implied_import import ImpliedImport
from .input_fit import InputFit
from .internal_error import InternalError
from .invalid_argument import InvalidArgument
from .legacy_spelling import LegacyKerasSpelling
from .max_activation_bytes import MaxActivationBytes
from .max_layer_params import MaxLayerParams
from .max_macs import MaxMacs
from .max_model_bytes import MaxModelBytes
from .max_params import MaxParams
from .merge_mismatch import MergeMismatch
from .no_input_shape import NoInputShape
from .non_positive_dim import NonPositiveDim
from .rank_mismatch import RankMismatch
from .reshape_size import ReshapeSize
from .resource_limit import ResourceLimit
from .uncalled_layer import UncalledLayer
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
    InputFit,
    MaxParams,
    MaxLayerParams,
    MaxMacs,
    MaxActivationBytes,
    MaxModelBytes,
    DominantLayer,
    DenseOnFeatureMap,
    CropOnlyInTraining,
    UncalledLayer,
    DroppedBorder,
    LegacyKerasSpelling,
    SyntaxError_,
    Unresolved,
    Unsupported,
    NoInputShape,
    UnknownLayer,
    UnresolvedArgument,
    AssumedValue,
    ImpliedImport,
    ResourceLimit,
    InternalError,
]


@hookimpl
def convlint_rules() -> List[Type[Rule]]:
    return list(RULES)
