"""The framework-neutral layer graph that front ends produce and the engine consumes.

A front end records *what the source says*: which framework class was constructed (``type``,
the canonical class name such as ``Conv2D`` or ``Conv2d``), with which folded arguments, where,
and which nodes feed it.  It does not interpret arguments; the layer catalogue does that, so
the semantics of a layer live in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Union

from .dims import Dim

__all__ = [
    "Unknown",
    "UnknownRest",
    "SizeOf",
    "DimRef",
    "Span",
    "Cause",
    "unresolved_cause",
    "input_shape_cause",
    "Node",
    "Stop",
    "ModelGraph",
    "Shape",
    "fmt_shape",
    "is_unknown",
]

Shape = Tuple[Optional[Dim], ...]
"""A tensor shape: batch first (always ``None``), then ``Dim`` or ``None`` (unknown) per axis."""


def fmt_shape(shape: Shape) -> str:
    """A shape the way Keras prints it, for messages and reports: ``(None, 26, 26, 32)``."""
    parts = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


@dataclass(frozen=True, repr=False)  # its own __repr__, below
class Unknown:
    """A value the front end could not resolve statically, and why (shown to the user)."""

    reason: str

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


@dataclass(frozen=True)
class UnknownRest(Unknown):
    """An unexpandable ``*args`` (in ``args``) or ``**kwargs`` (``kwargs["**"]``) of a call: it
    may supply any of the arguments not written out, so none of them is "missing"."""


@dataclass(frozen=True)
class SizeOf:
    """The size of axis ``axis`` of the node's first input, as in ``x.view(x.size(0), -1)``.

    Front ends emit it for ``x.size(i)`` / ``x.shape[i]`` of the tensor being reshaped; the
    catalogue resolves it against the real input shape (``SizeOf(0)`` is the batch dim).
    """

    axis: int


@dataclass(frozen=True)
class DimRef:
    """What a size symbol in a node's arguments stands for: axis ``axis`` of the output of
    node ``node`` (Keras ``filters = x.shape[-1]``).  The engine substitutes the real dim once
    that node's shape is known, so the front end never has to compute a shape itself."""

    node: str
    axis: int


def is_unknown(value: object, kind: type = Unknown) -> bool:
    """True if ``value`` is, or contains (in tuples, lists, dict values), an :class:`Unknown`
    (or the given subclass of it)."""
    if isinstance(value, kind):
        return True
    if isinstance(value, (tuple, list)):
        return any(is_unknown(v, kind) for v in value)
    if isinstance(value, dict):
        return any(is_unknown(v, kind) for v in value.values())
    return False


@dataclass(frozen=True)
class Span:
    """1-based source position of a construct."""

    line: int
    column: int = 1
    end_line: Optional[int] = None
    end_column: Optional[int] = None


@dataclass(frozen=True)
class Cause:
    """What a could-not-analyse message is about, as data.

    Several stages can meet one cause (the front end notes a value it cannot resolve, then the
    engine cannot use it as a layer argument); each stage tags what it reports with the cause,
    and the runner reports each cause once by comparing these values, never message text.
    Build them with :func:`unresolved_cause` and :func:`input_shape_cause`.
    """

    kind: str
    where: Union[Tuple[int, int], str, None]
    reason: str = ""


def unresolved_cause(span: Span, reason: str) -> Cause:
    """The :class:`Unknown` with ``reason`` met at ``span``: one cause wherever it is reported."""
    return Cause("unresolved", (span.line, span.column), reason)


def input_shape_cause(model: Optional[str]) -> Cause:
    """The input shape of the model named ``model``, which neither the file nor the
    configuration gives (one cause for the model, however many of its inputs it leaves unknown)."""
    return Cause("input-shape", model)


@dataclass
class Node:
    """One layer application (or model input) in the graph.

    ``args`` / ``kwargs`` are the constructor arguments as folded by the front end: ints,
    floats, strings, bools, ``None``, tuples/lists of those, symbolic ``Dim`` expressions, or
    :class:`Unknown`.  ``call_args`` holds extra arguments of the *call* (e.g. torch
    ``F.max_pool2d(x, 2)`` puts the 2 in ``args``; keyword call options go in ``call_kwargs``).
    ``layer_id`` identifies the layer object: two nodes applying the same object share weights
    and their parameters are counted once.
    """

    id: str
    type: str
    args: Tuple[Any, ...] = ()
    kwargs: Dict[str, Any] = field(default_factory=dict)
    inputs: List[str] = field(default_factory=list)
    span: Span = field(default_factory=lambda: Span(1))
    name: Optional[str] = None
    layer_id: Optional[str] = None
    call_kwargs: Dict[str, Any] = field(default_factory=dict)
    cell: Optional[int] = None
    """Notebook code-cell number (1-based) the node comes from; ``span`` is then cell-relative."""
    op: Optional[str] = None
    """Source spelling of a functional op (``F.relu``, ``torch.flatten``, ``view``), shown as the
    layer type in reports instead of ``type`` when set."""
    called: Optional[bool] = True
    """False for a PyTorch submodule that ``forward`` never calls: it has no input and no
    shape, but ``model.parameters()`` still counts its weights, so the totals do too.  ``None``
    for one ``forward`` did not reach because it was not followed to the end: counted the
    same way, but whether it is ever called is not known."""
    applied: Optional[Span] = None
    """Where the layer is applied, when that is not where it is constructed (``span``):
    ``conv = nn.Conv2d(...)`` in ``__init__``, ``conv(x)`` in ``forward``.  The framework
    raises a shape error there, so that is where convlint reports one."""

    @property
    def display_type(self) -> str:
        return self.op or self.type

    @property
    def site(self) -> Span:
        """Where the framework raises an error about this node's input: the application when
        it is on another line than the constructor, else the constructor (a ``Sequential``
        item, ``Dense(10)(x)`` on one line: nothing moves)."""
        if self.applied is not None and self.applied.line != self.span.line:
            return self.applied
        return self.span

    @property
    def defined_elsewhere(self) -> Optional[Span]:
        """The constructor's span when :attr:`site` is another line (a related location)."""
        return self.span if self.site is not self.span else None

    @property
    def weight_key(self) -> str:
        """Which weights a node uses: its layer object's, else its own (front ends keep the
        ids of nodes without a layer apart from every layer id)."""
        return self.layer_id or self.id


@dataclass(frozen=True)
class Stop:
    """Where a front end stopped following how a model is built (``forward`` after a call it
    cannot follow, a builder after an unknown tensor, a constructor after a loop it cannot
    unroll): layers past it may exist that the graph lacks, so its parameter total is only a
    lower bound.  ``what`` names what was not followed (``"__init__"``, ``"the model"``);
    ``cell``: the notebook cell of ``span``."""

    what: str
    span: Optional[Span] = None
    detail: str = ""
    cell: Optional[int] = None

    def __str__(self) -> str:
        cell = f"cell {self.cell}, " if self.cell is not None else ""
        where = f" past {cell}line {self.span.line}" if self.span is not None else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.what} not followed{where}{detail}"


@dataclass
class ModelGraph:
    """A model: nodes in topological order, its inputs and outputs.

    ``framework`` is ``"keras"`` or ``"torch"``; ``layout`` the default data format
    (``"channels_last"`` for Keras, ``"channels_first"`` for PyTorch).  Input nodes have type
    ``"Input"`` and ``kwargs["shape"]`` without the batch dim (or an :class:`Unknown`).
    ``notes`` carries front-end messages (could-not-analyse information) as (span, text, node).
    """

    name: str
    framework: str
    path: str
    span: Span
    nodes: List[Node] = field(default_factory=list)
    inputs: List[str] = field(default_factory=list)
    outputs: List[str] = field(default_factory=list)
    layout: str = "channels_last"
    notes: List[Tuple[Span, str, Optional[str]]] = field(default_factory=list)
    cell: Optional[int] = None
    dim_refs: Dict[str, DimRef] = field(default_factory=dict)
    """Size symbols in node arguments that stand for another node's output dim (see DimRef)."""
    stop: Optional[Stop] = None
    """Set when the front end could not follow the whole model: its layers may be incomplete."""
    budgets: Dict[str, int] = field(default_factory=dict)
    """The model's own budgets, from a ``# convlint: max-macs=300M`` comment above it (keys as in
    ``[tool.convlint]``); they override the configuration's for this model."""

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def add(self, node: Node) -> Node:
        self.nodes.append(node)
        return node
