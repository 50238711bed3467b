"""The repairs built-in rules propose (as :mod:`convlint.edits` changes), kept beside the rules.

Each function answers "is there one unambiguous repair for this finding, and what is it?",
from the shaped graph alone; ``None`` when there is none or more than one.  Whether the
repair really works is not decided here: :mod:`convlint.fix` keeps a fix only when the edited
file, analysed again, no longer has the problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ..dims import is_known, prod

if TYPE_CHECKING:  # pragma: no cover
    from ..edits import Fix
    from ..engine import Finding, LayerResult, ShapedModel

__all__ = ["argument_position", "channel_fix", "flatten_fix", "keyword_fix", "same_padding_fix"]

CHANNEL_ARGUMENTS = frozenset({"in_channels", "in_features", "num_features", "num_channels"})
"""Arguments that only say what the input has: setting them to what it has is the repair."""


def argument_position(result: "LayerResult", name: str, framework: str) -> Optional[int]:
    """0-based position of argument ``name`` in the layer class's constructor signature."""
    spec = result.spec
    if spec is None:
        return None
    signature = spec.signatures.get((framework, result.node.type))
    if signature is None:
        return None
    names = [n for n, _ in signature]
    return names.index(name) if name in names else None


def _result_of(model: "ShapedModel", finding: "Finding") -> Optional["LayerResult"]:
    """The layer a finding is about (``None`` for a finding not on one layer)."""
    try:
        return model.result(finding.node_id)
    except KeyError:
        return None


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def channel_fix(model: "ShapedModel", finding: "Finding") -> Optional[Fix]:
    """CL103: ``in_channels`` / ``in_features`` / ``num_features`` set to the size the input
    has; a ``Linear`` on a feature map whose ``in_features`` is the map's whole size wants a
    flatten before it instead."""
    if finding.attr not in CHANNEL_ARGUMENTS or not _int(finding.expected) or finding.expected < 1:
        return None
    result = _result_of(model, finding)
    if result is None:
        return None
    node = result.node
    framework = model.model.framework
    shape = result.input_shapes[0] if result.input_shapes else None
    if shape is None:
        return None
    if finding.attr == "in_features" and len(shape) > 2:
        declared = (result.attrs or {}).get("in_features")
        if _int(declared) and declared == prod(shape[1:]):
            return flatten_fix(model, result)
        return None  # flatten and resize, or resize for the last axis: not one repair
    from ..edits import Fix, SetArgument  # here, not at import: most runs propose no fix

    position = argument_position(result, finding.attr, framework)
    change = SetArgument(finding.attr, finding.expected, position, _formula(model, result, shape, finding.expected))
    return Fix.of(f"Set {finding.attr}={finding.expected}", node.span, node.type, change)


def _formula(model: "ShapedModel", result: "LayerResult", shape: Any, value: int) -> str:
    """How the producer of the input makes ``value`` (``16 * 5 * 5`` for a flatten), if it says."""
    inputs = result.node.inputs
    if not inputs:
        return ""
    try:
        producer = model.result(inputs[0])
    except KeyError:
        return ""
    for axis, note in producer.dim_notes.items():
        if axis < len(shape) and shape[axis] == value:
            return note
    return ""


def flatten_fix(model: "ShapedModel", result: "LayerResult") -> Optional[Fix]:
    """A ``Flatten`` before a fully connected layer that meets a feature map; in PyTorch its
    ``in_features`` also becomes the flattened size (Keras infers it), where it was written
    for the map's last axis or its whole size (anything else is no one repair)."""
    shape = result.input_shapes[0] if result.input_shapes else None
    if shape is None or len(shape) <= 2:
        return None
    from ..edits import Fix, InsertLayerBefore, SetArgument

    node = result.node
    framework = model.model.framework
    if framework == "keras":
        return Fix.of("Insert Flatten() before it", node.span, node.type, InsertLayerBefore("Flatten", framework), safe=False)
    size = prod(shape[1:])
    declared = (result.attrs or {}).get("in_features")
    if not (is_known(size) and _int(size)) or declared not in (size, shape[-1]):
        return None  # fits neither the map's last axis nor its whole size: no one repair
    changes: list = [InsertLayerBefore("Flatten", framework)]
    if declared != size:
        changes.append(SetArgument("in_features", size, argument_position(result, "in_features", framework)))
        message = f"Flatten its input and set in_features={size}"
    else:
        message = "Flatten its input"
    return Fix.of(message, node.span, node.type, *changes, safe=False)


_SHRINKING = ("Conv", "Pool")


def same_padding_fix(model: "ShapedModel", finding: "Finding") -> Optional[Fix]:
    """CL101: ``padding="same"`` where a window larger than its input is applied with valid
    padding (same padding keeps every size at least 1).  PyTorch accepts ``"same"`` only for
    convolutions of stride 1."""
    result = _result_of(model, finding)
    if result is None:
        return None
    node = result.node
    attrs = result.attrs or {}
    framework = model.model.framework
    if not any(k in node.type for k in _SHRINKING) or "Transpose" in node.type or "Global" in node.type or "Adaptive" in node.type:
        return None
    if framework == "keras":
        if attrs.get("padding") != "valid":
            return None
    else:
        padding, stride = attrs.get("padding"), attrs.get("stride")
        if "Conv" not in node.type or not isinstance(padding, tuple) or any(p != 0 for p in padding):
            return None
        if not isinstance(stride, tuple) or any(s != 1 for s in stride):
            return None
    position = argument_position(result, "padding", framework)
    if position is None:
        return None
    from ..edits import Fix, SetArgument

    return Fix.of('Use padding="same"', node.span, node.type, SetArgument("padding", "same", position), safe=False)


def keyword_fix(model: "ShapedModel", finding: "Finding") -> Optional[Fix]:
    """CL107 for a keyword the class does not take: renamed to the one accepted name it is a
    misspelling of (``stride`` -> ``strides``), unless that argument is given already.  Unsafe:
    the name is a guess from the spelling, and the repaired call does compute something."""
    if not isinstance(finding.attr, str) or not isinstance(finding.expected, str):
        return None
    result = _result_of(model, finding)
    if result is None:
        return None
    node = result.node
    if finding.attr not in node.kwargs or finding.expected in node.kwargs:
        return None
    position = argument_position(result, finding.expected, model.model.framework)
    if position is not None and position < len(node.args):
        return None  # given by position already: renaming would pass it twice
    from ..edits import Fix, RenameArgument

    change = RenameArgument(finding.attr, finding.expected)
    return Fix.of(f"Rename {finding.attr}= to {finding.expected}=", node.span, node.type, change, safe=False)
