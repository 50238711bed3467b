"""The Keras 3 repair of a Keras 1/2 spelling (CL401), as changes to the call that has it.

The front end reads the call, so it proposes the repair beside the note (:mod:`convlint.edits`
changes); :mod:`convlint.fix` turns them into text edits and keeps the fix only where the
edited file, analysed again, has no such note left.  A fix is offered only when the whole call
can be written in Keras 3 terms without choosing: each old keyword renamed from the tables of
:mod:`.legacy` (its value mapped where Keras 3 spells it differently: ``dim_ordering="th"`` is
``data_format="channels_first"``), a class Keras 3 no longer has renamed, Keras 1's per-axis
kernel sizes made one tuple, ``merge(..., mode="sum")`` made ``add(...)``.  No fix where:

* the class is reached through a module Keras 3 does not have (``keras.layers.convolutional``):
  renaming the class would not make the import work, and which import to write is a choice;
* a value cannot be mapped (``dim_ordering=`` a name, an unknown ordering);
* an argument Keras 3 dropped changes what is computed (``weights=...`` are initial weights,
  ``BatchNormalization(mode=1)`` another normalisation, a ``Deconvolution2D``'s ``output_shape``
  may ask for another size than Keras 3 infers);
* Keras 1 positional arguments beyond the kernel (``Dense(10, "he_normal")``) would each have to
  become a keyword, and Keras 1 ``Conv1D(input_dim=, input_length=)`` one ``input_shape`` tuple
  of the two: both write values whose names the author chose;
* ``merge`` modes ``dot`` / ``cos`` (Keras 1's ``dot_axes`` and cosine are not Keras 3's
  ``Dot(axes, normalize)`` one for one) or a mode passed positionally;
* the call is ambiguous (``Conv2D(32, 3, 3)`` in a file with no other Keras 1 spelling).

Safe or unsafe, as ruff means it (does the fix change what the program computes?), judged for
the call as Keras 3 runs it:

* Keras 3 rejects the call (an old keyword, a class it does not have, ``AveragePooling2D()``
  without a size, ``Model(input=...)``): it computes nothing, and the fix makes it compute what
  it was written to -- safe;
* ``LeakyReLU(alpha=)`` -> ``negative_slope=``: Keras 3 accepts both with one meaning -- safe;
* Keras 1's kernel ``Convolution2D(32, 3, 3)`` where nothing else in the call is rejected:
  Keras 3 runs it as a 3-wide kernel with stride 3, the fix makes it a 3x3 kernel with stride 1.
  That is what the model meant (convlint reads it so only in Keras 1 code), but it changes the
  output shape of a call Keras 3 runs -- unsafe, applied only with ``--unsafe-fixes``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

import libcst as cst

from ...edits import KEEP, Change, Fix, GroupPositional, RemoveArgument, RenameArgument, RenameCallee, SetArgument
from ...graph import Span
from . import legacy

__all__ = ["layer_fix", "merge_fix", "model_fix", "written_callee"]

MERGE_FUNCTIONS: Mapping[str, str] = {"sum": "add", "mul": "multiply", "ave": "average", "max": "maximum", "concat": "concatenate"}
"""Keras 1 ``merge`` modes whose Keras 3 merge function takes the same inputs one for one."""

_INITIALIZERS = ("init", "beta_init", "gamma_init")


def written_callee(node: cst.Call) -> Optional[str]:
    """The called name as written (``Convolution2D`` of ``layers.Convolution2D``)."""
    func = node.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _module(qualified: Optional[str]) -> Optional[str]:
    return qualified.rpartition(".")[0] if qualified else None


def layer_fix(
    name: str, qualified: Optional[str], args: Sequence[Any], kwargs: Mapping[str, Any], keras1_file: bool, node: cst.Call, span: Span
) -> Optional[Fix]:
    """The repair of layer call ``name(*args, **kwargs)`` (folded values; ``qualified``: its
    full name by the file's imports), or ``None`` when there is no single one."""
    callee = written_callee(node)
    if callee is None or "**" in kwargs:
        return None
    changes: List[Change] = []
    rejected = False  # Keras 3 raises on the call as written
    if name in legacy.KERAS3_CLASS:
        if _module(qualified) not in legacy.KERAS3_MODULES:
            return None
        changes.append(RenameCallee(legacy.KERAS3_CLASS[name]))
        rejected = True
    grouped = _kernel(name, args, kwargs, keras1_file)
    if grouped is None:
        return None
    changes.extend(grouped)
    keywords = _keywords(name, kwargs)
    if keywords is None:
        return None
    changes.extend(keywords)
    rejected = rejected or any(not _accepted(name, c) for c in keywords)
    default = legacy.KERAS2_DEFAULTS.get(legacy.keras3_type(name))
    if default is not None and not args and default[0] not in kwargs:
        changes.append(SetArgument(default[0], default[1]))
        rejected = True
    if not changes:
        return None
    message = "Use the Keras 3 spelling" + (", the kernel size as one tuple" if grouped else "")
    return Fix.of(message, span, callee, *changes, safe=rejected or not grouped)


def _kernel(name: str, args: Sequence[Any], kwargs: Mapping[str, Any], keras1_file: bool) -> Optional[List[Change]]:
    """Keras 1's positional order made Keras 3's: the per-axis kernel sizes grouped; ``None``
    where more than the kernel was passed by position (see the module docstring)."""
    old = legacy.keras1_order(name, args, kwargs, keras1_file)
    if old is None:
        return []
    axes = legacy.KERNEL_AXES.get(old, ())
    if not axes or len(args) != 1 + len(axes):
        return None
    return [GroupPositional(1, len(axes))]


def _keywords(name: str, kwargs: Mapping[str, Any]) -> Optional[List[Change]]:
    """Each old keyword renamed, mapped or dropped; ``None`` where one has no single repair."""
    keras3 = legacy.keras3_type(name)
    table: Dict[str, str] = {**legacy.KEYWORDS, **legacy.CLASS_KEYWORDS.get(keras3, {}), **legacy.KERAS2_KEYWORDS.get(keras3, {})}
    out: List[Change] = []
    for key, value in kwargs.items():
        if legacy.dropped(key, name):
            if value is None or (key == "mode" and value == 0):  # ``weights=None``, ``mode=0``: Keras 3's own behaviour
                out.append(RemoveArgument(key))
                continue
            return None
        if key == "input_length" and keras3 == "Conv1D":
            return None
        new = table.get(key)
        if new is None:
            continue
        if new in kwargs:  # both spellings given: which one is meant is a choice
            return None
        if key == "dim_ordering":
            if not isinstance(value, str) or value not in legacy.DIM_ORDERING:
                return None
            mapped = legacy.DIM_ORDERING[value]
            out.append(RemoveArgument(key) if mapped is None else RenameArgument(key, new, mapped))
        elif key in _INITIALIZERS and value in ("zero", "one"):
            out.append(RenameArgument(key, new, value + "s"))
        else:
            out.append(RenameArgument(key, new, KEEP))
    return out


def _accepted(name: str, change: Change) -> bool:
    """Keras 3 still takes the old spelling this change replaces, with the same meaning."""
    keras2 = legacy.KERAS2_KEYWORDS.get(legacy.keras3_type(name), {})
    return isinstance(change, RenameArgument) and change.old in keras2


def merge_fix(qualified: Optional[str], args: Sequence[Any], kwargs: Mapping[str, Any], node: cst.Call, span: Span) -> Optional[Fix]:
    """Keras 1 ``merge(inputs, mode=..., concat_axis=...)`` -> Keras 3 ``add(inputs)``,
    ``concatenate(inputs, axis=...)``...: safe, Keras 3 has no ``merge``."""
    callee = written_callee(node)
    if callee is None or _module(qualified) not in legacy.KERAS3_MODULES or len(args) != 1:
        return None
    mode = kwargs.get("mode", "sum")
    function = MERGE_FUNCTIONS.get(mode) if isinstance(mode, str) else None
    if function is None or set(kwargs) - {"mode", "concat_axis", "name"}:
        return None
    changes: List[Change] = [RenameCallee(function)]
    if "mode" in kwargs:
        changes.append(RemoveArgument("mode"))
    if "concat_axis" in kwargs:
        if function != "concatenate":
            return None
        changes.append(RenameArgument("concat_axis", "axis"))
    return Fix.of(f"Use {function}()", span, callee, *changes)


def model_fix(kwargs: Mapping[str, Any], node: cst.Call, span: Span) -> Optional[Fix]:
    """``Model(input=..., output=...)`` -> ``Model(inputs=..., outputs=...)``: safe, Keras 3
    rejects the old keywords."""
    callee = written_callee(node)
    if callee is None:
        return None
    changes = [RenameArgument(old, old + "s") for old in ("input", "output") if old in kwargs]
    return Fix.of("Use inputs= / outputs=", span, callee, *changes) if changes else None
