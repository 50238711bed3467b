"""``--summary``: a per-model layer table in the spirit of Keras' ``model.summary()``, with
what each layer costs (MACs for one sample, the bytes of its output) and the model's totals."""

from __future__ import annotations

from typing import Any, Callable, List

from ..dims import fmt, is_known
from ..graph import fmt_shape
from .units import amount, number

HEADERS = ("Layer (type)", "Output Shape", "Weights", "Biases", "Param #", "MACs", "Output bytes")


def _count(value: Any) -> str:
    if value is None:
        return "?"
    return f"{value:,}" if is_known(value) else str(fmt(value))


def _layer_label(node: Any) -> str:
    return f"{node.name or node.id} ({node.display_type})"


def layer_rows(shaped: Any) -> List[tuple]:
    """One row of cells per listed layer call, as :data:`HEADERS` names them."""
    cost = getattr(shaped, "cost", None)
    rows: List[tuple] = []
    for r in shaped.layers:
        if not r.listed:
            continue
        if r.node.type == "Parameter":  # an nn.Parameter: counted, read by forward, never called
            shape = "nn.Parameter"
        elif r.node.called is None:
            shape = "not reached"
        else:
            shape = "not called" if not r.node.called else "?" if r.output_shape is None else fmt_shape(r.output_shape)
        if not r.first_use and r.params != 0:
            weights = biases = params = "(shared)"
        elif r.params is None:  # not reached: the weights depend on an unknown input
            weights = biases = params = "?"
        else:
            weights, biases, params = _count(r.weight_count), _count(r.bias_count), _count(r.params)
        mine = cost.layers.get(r.node.id) if cost is not None else None
        macs = number(mine.macs) if mine is not None else "?"
        activations = number(mine.activation_bytes) if mine is not None else "?"
        rows.append((_layer_label(r.node), shape, weights, biases, params, macs, activations))
    return rows


def cost_lines(shaped: Any) -> List[str]:
    """The model's cost totals, one line each (empty when no cost was computed)."""
    cost = getattr(shaped, "cost", None)
    if cost is None:
        return []
    return [
        f"MACs (one sample): {amount(cost.macs)}",
        f"Activations: {amount(cost.activation_bytes, 'bytes')}; input {amount(cost.input_bytes, 'bytes')}",
        f"Peak activations: {amount(cost.peak_activation_bytes, 'bytes')}",
        f"Params size: {amount(cost.param_bytes, 'bytes')} ({cost.dtype})",
    ]


def model_table(shaped: Any) -> str:
    """The table for one :class:`~convlint.engine.ShapedModel`."""
    m = shaped.model
    rows = layer_rows(shaped)
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(HEADERS)]

    def line(cells: tuple) -> str:
        first, second = cells[0].ljust(widths[0]), cells[1].ljust(widths[1])
        nums = "  ".join(c.rjust(w) for c, w in zip(cells[2:], widths[2:]))
        return f" {first}  {second}  {nums}"

    rule = "─" * (sum(widths) + 2 * (len(widths) - 1) + 2)
    where = f"{m.path}:{'cell %d:' % m.cell if m.cell else ''}{m.span.line}"
    out = [f'Model: "{m.name}" ({m.framework}, {where})', rule, line(HEADERS), rule]
    out.extend(line(row) for row in rows)
    out.append(rule)
    out.append(f" Total params: {params_text(shaped, _count)}")
    if shaped.complete:
        out.append(f" Trainable params: {_count(shaped.trainable_params)}")
        out.append(f" Non-trainable params: {_count(shaped.non_trainable_params)}")
    else:
        out.append(f" Trainable params: {_at_least(shaped.trainable_lower_bound)}")
        out.append(f" Non-trainable params: {_at_least(shaped.non_trainable_lower_bound)}")
    out.extend(" " + text for text in cost_lines(shaped))
    if not shaped.shapes_known:
        out.append(" (? = not reached: an earlier layer's shape is unknown or wrong)")
    return "\n".join(out)


def params_text(shaped: Any, exact: Callable[[Any], str] = number) -> str:
    """The parameter total as it may be shown: exact (``exact`` formats it), or a lower bound
    with its reason, ``≥ 314 (__init__ not followed past line 32: ...)``: never a partial sum
    passed off as the total."""
    if shaped.complete:
        return exact(shaped.total_params)
    return f"{_at_least(shaped.params_lower_bound)} ({shaped.incomplete_reason})"


def _at_least(count: int) -> str:
    """A lower bound, never shown as an exact number: ``≥ 6,624,904``."""
    return f"≥ {count:,}"
