"""``--summary``: a per-model layer table in the spirit of Keras' ``model.summary()``."""

from __future__ import annotations

from typing import Any, List

from ..dims import fmt, is_known
from ..graph import fmt_shape

HEADERS = ("Layer (type)", "Output Shape", "Weights", "Biases", "Param #")


def _count(value: Any) -> str:
    if value is None:
        return "?"
    return f"{value:,}" if is_known(value) else str(fmt(value))


def _layer_label(node: Any) -> str:
    return f"{node.name or node.id} ({node.display_type})"


def model_table(shaped: Any) -> str:
    """The table for one :class:`~convlint.engine.ShapedModel`."""
    m = shaped.model
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
        rows.append((_layer_label(r.node), shape, weights, biases, params))
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
    if shaped.complete:
        out.append(f" Total params: {_count(shaped.total_params)}")
        out.append(f" Trainable params: {_count(shaped.trainable_params)}")
        out.append(f" Non-trainable params: {_count(shaped.non_trainable_params)}")
    else:
        out.append(f" Total params: {_at_least(shaped.params_lower_bound)} ({shaped.incomplete_reason})")
        out.append(f" Trainable params: {_at_least(shaped.trainable_lower_bound)}")
        out.append(f" Non-trainable params: {_at_least(shaped.non_trainable_lower_bound)}")
    if not shaped.shapes_known:
        out.append(" (? = not reached: an earlier layer's shape is unknown or wrong)")
    return "\n".join(out)


def _at_least(count: int) -> str:
    """A lower bound, never shown as an exact number: ``≥ 6,624,904``."""
    return f"≥ {count:,}"
