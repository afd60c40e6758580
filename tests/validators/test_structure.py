"""Header and row structure: blank and duplicate labels, schema/header mismatches, blank
rows, extra and missing cells, quoting, line endings and delimiters."""

from __future__ import annotations

import pytest

from khlang.validators import validate
from tests.validators.conftest import errors_of

SCHEMA = {"fields": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}


def _write(tmp_path, text: str, name: str = "t.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_blank_first_line_is_an_empty_header(tmp_path) -> None:
    """As in frictionless-py: the header is the first row near the sample's width, here the
    blank line; the table has no labels, its columns are field1 and field2, and it is valid.
    A file of one blank line is empty; with no fields, a second blank line is a blank row."""
    report = validate(_write(tmp_path, "\n1,2\n"))
    assert report.valid
    assert report.tasks[0].labels == []
    assert set(validate(_write(tmp_path, "\n", "e.csv")).error_counts) == {"source-error"}
    assert errors_of(validate(_write(tmp_path, "\n\n", "b.csv"))) == {(2, None, "blank-row")}


def test_blank_and_duplicate_labels(tmp_path) -> None:
    report = validate(_write(tmp_path, "a,,a\n1,2,3\n"))
    assert errors_of(report) == {(None, 2, "blank-label"), (None, 3, "duplicate-label")}
    duplicate = next(f for f in report.tasks[0].tally.findings() if f.type == "duplicate-label")
    assert duplicate.note.en == 'at position "1"'


def test_labels_against_schema(tmp_path) -> None:
    path = _write(tmp_path, "a,x,c,d\n1,2,3,4\n")
    assert errors_of(validate(path, SCHEMA)) == {
        (None, 2, "incorrect-label"),
        (None, 4, "extra-label"),
    }
    short = _write(tmp_path, "a,b\n1,2\n", "short.csv")
    assert errors_of(validate(short, SCHEMA)) == {(None, 3, "missing-label")}


def test_rows_blank_missing_and_extra(tmp_path) -> None:
    text = 'a,b,c\n1,2,3\n\n4,"x\ny",6\n7,8\n9,10,11,12\n,,\n13,14,15\n'
    report = validate(_write(tmp_path, text), SCHEMA)
    assert errors_of(report) == {
        (3, None, "blank-row"),
        (5, 3, "missing-cell"),
        (6, 4, "extra-cell"),
        (7, None, "blank-row"),
    }
    assert report.tasks[0].rows == 7
    extra = next(f for f in report.tasks[0].tally.findings() if f.type == "extra-cell")
    assert extra.cell == "12"
    assert extra.cells == ("9", "10", "11", "12")


def test_blank_row_hides_required_errors(tmp_path) -> None:
    schema = {"fields": [{"name": "a", "constraints": {"required": True}}, {"name": "b"}]}
    report = validate(_write(tmp_path, "a,b\n,\n1,2\n"), schema)
    assert errors_of(report) == {(2, None, "blank-row")}


@pytest.mark.parametrize(
    ("delimiter", "newline"), [(",", "\r\n"), ("\t", "\n"), (";", "\n"), ("|", "\r\n")]
)
def test_delimiters_and_line_endings(tmp_path, delimiter, newline) -> None:
    lines = ["a", "b", "c"], ["1", '"x' + delimiter + 'y"', "3"], ["4", "5"]
    text = newline.join(delimiter.join(line) for line in lines) + newline
    report = validate(_write(tmp_path, text), SCHEMA)
    assert report.tasks[0].format.delimiter == delimiter
    assert errors_of(report) == {(3, 3, "missing-cell")}


def test_many_malformed_rows_keep_their_numbers(tmp_path) -> None:
    """Malformed rows are re-split apart from Arrow's batches; their numbers and those of
    the rows around them must stay right across batch boundaries."""
    lines = ["a,b,c"]
    expected = set()
    for number in range(2, 200_002):
        if number % 997 == 0:
            lines.append("1,2")
            expected.add((number, 3, "missing-cell"))
        elif number % 1009 == 0:
            lines.append("1,2,3,4")
            expected.add((number, 4, "extra-cell"))
        else:
            lines.append(f"{number},x,{number % 7}")
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b"}, {"name": "c"}]}
    report = validate(_write(tmp_path, "\n".join(lines) + "\n"), schema, examples=10_000)
    assert errors_of(report) == expected
    assert report.tasks[0].rows == 200_000


def test_a_file_of_only_malformed_rows(tmp_path) -> None:
    """Every row short of a cell: Arrow hands all of them over apart, block after block."""
    lines = ["a,b,c"] + [f"{n},x" for n in range(60_000)]
    report = validate(_write(tmp_path, "\n".join(lines) + "\n"), SCHEMA, examples=3)
    assert report.error_counts == {"missing-cell": 60_000}
    assert report.tasks[0].rows == 60_000
    kept = report.tasks[0].tally.examples["missing-cell"]
    assert [(f.row_number, f.cell) for f in kept] == [(2, ""), (3, ""), (4, "")]
