"""Every table row through the shape engine: output shapes, parameter counts, findings."""

from __future__ import annotations

import pytest

from layer_models import analyze_row, shape_json
from tables import all_cases, all_errors


@pytest.mark.parametrize("row", all_cases())
def test_shape_and_params(row):
    shaped = analyze_row(row)
    assert [f.message for f in shaped.findings] == []
    result = shaped.result("layer")
    assert shape_json(result.output_shape) == row.out_shape
    assert result.params == row.params
    assert result.trainable_params == row.trainable


@pytest.mark.parametrize("row", all_errors())
def test_error_rows_are_findings(row):
    shaped = analyze_row(row)
    kinds = [f.kind for f in shaped.findings]
    assert row.kind in kinds, [f.message for f in shaped.findings]
    assert shaped.result("layer").output_shape is None
    for finding in shaped.findings:
        assert finding.message and finding.span.line == 2
