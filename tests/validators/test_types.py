"""Every Table Schema type, format and constraint: good cells pass, bad cells are flagged
on exactly their rows (the cases come from the equivalence corpus's field table)."""

from __future__ import annotations

import json

import pytest

from khlang.errors import KhlangError
from khlang.validators import validate
from tests.validators.conftest import errors_of
from tests.validators.corpus import FIELDS


def _id(case) -> str:
    spec = case[0]
    extras = {k: v for k, v in spec.items() if k not in ("type",)}
    return f"{spec['type']}-{extras}" if extras else spec["type"]


@pytest.mark.parametrize("case", FIELDS, ids=[_id(case) for case in FIELDS])
def test_good_cells_pass_and_bad_cells_fail(case, check) -> None:
    spec, good, bad = case
    cells = [*good, *bad]
    rows = [["f", "row"], *([cell, str(index)] for index, cell in enumerate(cells))]
    report = check(rows, {"fields": [{"name": "f", **spec}, {"name": "row"}]})
    flagged = {row for row, _, _ in errors_of(report)}
    first_bad = 2 + len(good)
    assert flagged == set(range(first_bad, first_bad + len(bad)))
    codes = {code for _, _, code in errors_of(report)}
    assert codes <= {"type-error", "constraint-error"}


V2 = "https://datapackage.org/profiles/2.0/tableschema.json"


def test_exclusive_bounds(check) -> None:
    """Table Schema v2's bounds; a v1 schema (no `$schema`) cannot use them, as in
    frictionless-py."""
    bounds = {"exclusiveMinimum": 0, "exclusiveMaximum": 10}
    schema = {"fields": [{"name": "n", "type": "integer", "constraints": bounds}]}
    with pytest.raises(KhlangError, match="requires datapackage v2"):
        check([["n"], ["1"]], schema)
    report = check([["n"], ["0"], ["1"], ["9"], ["10"]], {"$schema": V2, **schema})
    assert errors_of(report) == {(2, 1, "constraint-error"), (5, 1, "constraint-error")}
    notes = {f.note.en for f in report.tasks[0].tally.findings()}
    assert notes == {
        'constraint "exclusiveMinimum" is "0"',
        'constraint "exclusiveMaximum" is "10"',
    }


def test_type_error_hides_constraint_errors_and_notes_name_the_type(check) -> None:
    schema = {"fields": [{"name": "n", "type": "integer", "constraints": {"minimum": 5}}]}
    report = check([["n"], ["x"], ["3"]], schema)
    findings = report.tasks[0].tally.findings()
    assert [(f.row_number, f.type, f.note.en) for f in findings] == [
        (2, "type-error", 'type is "integer/default"'),
        (3, "constraint-error", 'constraint "minimum" is "5"'),
    ]


def test_missing_value_is_not_a_type_error_but_fails_required(check) -> None:
    schema = {
        "fields": [{"name": "n", "type": "integer", "constraints": {"required": True}}],
        "missingValues": ["-"],
    }
    report = check([["n", "x"], ["-", "a"], ["", "b"], ["5", "c"]], schema)
    # "" is not a missing value here, so it is a type error; "-" is missing, so required fails.
    assert errors_of(report) == {
        (2, 1, "constraint-error"),
        (3, 1, "type-error"),
        (None, 2, "extra-label"),
    }


def test_pattern_is_anchored_like_frictionless(check) -> None:
    schema = {"fields": [{"name": "code", "type": "string", "constraints": {"pattern": "a|b"}}]}
    # Frictionless anchors as ^a|b$: "ax" starts with a, "xb" ends with b, "xx" neither.
    report = check([["code"], ["ax"], ["xb"], ["xx"]], schema)
    assert errors_of(report) == {(4, 1, "constraint-error")}


BACKTRACKING = "a" * 60 + "b"
"""Sixty letters on which `(a|aa)+` tries every split of the run: hours in Python's `re`."""


def _stopped(report) -> list:
    return [
        finding
        for task in report.tasks
        for finding in task.tally.findings()
        if finding.hint is not None and "was stopped" in finding.hint.en
    ]


def test_a_backtracking_pattern_is_stopped_and_says_why(check) -> None:
    """Look-around sends the pattern to Python's syntax (RE2 cannot run it); the value that
    would backtrack for hours fails its constraint within the time limit, with the reason."""
    schema = {"fields": [{"name": "code", "constraints": {"pattern": "(a|aa)+(?!x)"}}]}
    report = check([["code"], ["aaaa"], [BACKTRACKING], ["ab"]], schema)
    assert errors_of(report) == {(3, 1, "constraint-error"), (4, 1, "constraint-error")}
    (stopped,) = _stopped(report)
    assert stopped.row_number == 3
    assert "ไม่ย้อนรอย" in stopped.message("th")


def test_a_json_table_runs_its_pattern_with_the_same_limit(tmp_path) -> None:
    """A JSON column that holds a number beside its text is checked cell by cell in Python's
    syntax, even for a pattern RE2 could run; the same limit applies."""
    rows = [["code"], ["aa"], [5], [BACKTRACKING]]
    (tmp_path / "table.json").write_text(json.dumps(rows), encoding="utf-8")
    schema = {"fields": [{"name": "code", "constraints": {"pattern": "(a|aa)+"}}]}
    report = validate(tmp_path / "table.json", schema)
    assert errors_of(report) == {(3, 1, "type-error"), (4, 1, "constraint-error")}
    assert [finding.row_number for finding in _stopped(report)] == [4]
