"""khlang and frictionless-py (the reference implementation) over the same generated corpus
must find the same errors: the same rows, fields and error types, wherever frictionless
does not stop at its own cap of 1,000 errors."""

from __future__ import annotations

import pytest

from khlang.validators import validate
from tests.validators.conftest import errors_of, frictionless_errors
from tests.validators.corpus import corpus

FRICTIONLESS_ERROR_CAP = 1000


@pytest.mark.parametrize("case", corpus(), ids=lambda case: case.name)
def test_same_errors_as_frictionless(case, tmp_path) -> None:
    path = tmp_path / f"{case.name}.csv"
    path.write_text(case.text(), encoding="utf-8", newline="")
    expected, count = frictionless_errors(tmp_path, path.name, case.schema, case.delimiter)
    if count >= FRICTIONLESS_ERROR_CAP:
        pytest.fail(f"{case.name}: frictionless hit its error cap; make the case smaller")
    report = validate(path, case.schema, examples=100_000)
    found = errors_of(report)
    assert found == expected, {
        "only frictionless": sorted(expected - found, key=str)[:20],
        "only khlang": sorted(found - expected, key=str)[:20],
    }
    assert sum(report.error_counts.values()) == count
    assert count > 0 or case.name.startswith("no-schema")
