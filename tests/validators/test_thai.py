"""Thai specifics: UTF-8, UTF-8 with BOM and cp874 (TIS-620) files, mixed encodings, Thai
digits, Buddhist-era versus Christian-era years and dates, amounts with commas and บาท."""

from __future__ import annotations

import csv
import shutil

import pytest

from khlang.validators import sniff_format, validate
from tests.validators.conftest import errors_of, write_csv

ROWS = [["province", "budget_type", "amount"],
        ["เชียงใหม่", "งบลงทุน", "1200.50"], ["ขอนแก่น", "งบดำเนินงาน", "99"]]  # fmt: skip
SCHEMA = {"fields": [
    {"name": "province", "type": "string"},
    {"name": "budget_type", "type": "string",
     "constraints": {"enum": ["งบลงทุน", "งบดำเนินงาน"]}},
    {"name": "amount", "type": "number"},
]}  # fmt: skip


@pytest.mark.parametrize(
    ("encoding", "reported"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp874", "cp874"),
                               ("tis-620", "cp874")]
)  # fmt: skip
def test_encodings_are_detected_and_reported(tmp_path, encoding, reported) -> None:
    path = write_csv(tmp_path / "t.csv", ROWS, encoding=encoding)
    report = validate(path, SCHEMA)
    task = report.tasks[0]
    assert report.valid, task.tally.findings()  # the Thai enum matched: the text decoded right
    assert task.encoding == reported
    assert task.labels == ROWS[0]
    assert report.to_frictionless()["tasks"][0]["encoding"] == reported
    warned = any("cp874" in warning.en for warning in task.warnings)
    assert warned == (reported == "cp874")


def test_mixed_encodings_name_the_line(tmp_path) -> None:
    """UTF-8 for longer than the sniffed sample, then a cp874 line."""
    path = tmp_path / "mixed.csv"
    lines = ["province,amount"] + [f"เชียงใหม่,{n}" for n in range(20_000)]
    data = ("\n".join(lines) + "\n").encode("utf-8") + "ขอนแก่น,5\n".encode("cp874")
    path.write_bytes(data)
    report = validate(path)
    findings = report.tasks[0].tally.findings()
    assert [f.type for f in findings] == ["encoding-error"]
    assert "line 20002" in findings[0].note.en
    assert "ขอนแก่น" in findings[0].note.en  # what the bytes say in cp874
    early = tmp_path / "early.csv"
    early.write_bytes("a\nก\n".encode() + "ข\n".encode("cp874"))
    assert "line 3" in validate(early).tasks[0].tally.findings()[0].note.en


def test_thai_digits_read_as_numbers_with_a_warning(check) -> None:
    schema = {"fields": [{"name": "year", "type": "year"}, {"name": "n", "type": "integer"},
                         {"name": "d", "type": "date"}]}  # fmt: skip
    report = check([["year", "n", "d"], ["๒๕๖๕", "๑๒", "2022-01-01"],
                    ["2566", "7", "๒๐๒๒-๐๑-๐๑"]], schema)  # fmt: skip
    assert errors_of(report) == {(3, 3, "type-error")}  # strptime wants 0-9, as in Frictionless
    finding = report.tasks[0].tally.findings()[0]
    assert finding.hint is not None
    assert "2022-01-01" in finding.hint.en
    warnings = " ".join(w.en for w in report.tasks[0].warnings)
    assert 'field "year" has 1 cells' in warnings
    assert 'field "n" has 1 cells' in warnings


@pytest.mark.parametrize(
    ("spec", "cells", "wrong", "fix"),
    [
        ({"type": "year", "calendar": "buddhist"}, ["2565", "2022", "2566"], [3], '"2565"'),
        ({"type": "year", "calendar": "gregorian"}, ["2022", "2565"], [3], '"2022"'),
        ({"type": "date", "calendar": "buddhist"}, ["2565-10-01", "2022-10-01"], [3],
         '"2565-10-01"'),
        ({"type": "date", "format": "%d/%m/%Y", "calendar": "buddhist"},
         ["01/10/2565", "01/10/2022"], [3], '"01/10/2565"'),
        ({"type": "datetime", "calendar": "buddhist"},
         ["2565-10-01T08:00:00", "2022-10-01T08:00:00"], [3], "2565-10-01T08:00:00"),
    ],
)  # fmt: skip
def test_buddhist_and_christian_eras(check, spec, cells, wrong, fix) -> None:
    report = check([["y"], *([cell] for cell in cells)], {"fields": [{"name": "y", **spec}]})
    assert errors_of(report) == {(row, 1, "calendar-error") for row in wrong}
    finding = report.tasks[0].tally.findings()[0]
    assert fix in finding.hint.en
    assert finding.to_frictionless()["hint"] == finding.hint.en
    assert "ศักราช" in finding.message("th")


def test_budget_bill_with_christian_era_years(tmp_path, shared_dir) -> None:
    """KaoGeek's FY2565 budget bill holds CE fiscal years and amounts with commas."""
    source = shared_dir / "data/real/budget_bill_2565/kaogeek_2022-3-13_1.csv"
    path = shutil.copy(source, tmp_path / "bill.csv")
    with open(path, encoding="utf-8") as stream:
        labels = next(csv.reader(stream))
    fields = [{"name": label or "index"} for label in labels]
    fields[labels.index("FISCAL_YEAR")] = {"name": "FISCAL_YEAR", "type": "year",
                                           "calendar": "buddhist"}  # fmt: skip
    fields[labels.index("AMOUNT")] = {"name": "AMOUNT", "type": "number", "groupChar": ","}
    fields[0] = {"name": "index", "type": "integer"}
    report = validate(path, {"fields": fields})
    counts = report.error_counts
    assert counts["blank-label"] == 1  # the file's first column has no name
    assert set(counts) == {"calendar-error", "blank-label"}
    assert counts["calendar-error"] == report.tasks[0].rows  # every year is CE
    example = report.tasks[0].tally.examples["calendar-error"][0]
    assert example.cell == "2022"
    assert '"2565"' in example.hint.en


def test_amounts_with_commas_and_baht(check) -> None:
    rows = [["amount"], ["1,234,567.50"], ["1,000 บาท"], ["฿ 250"], ["99"]]
    plain = check(rows, {"fields": [{"name": "amount", "type": "number"}]})
    hints = {f.row_number: f.hint.en for f in plain.tasks[0].tally.findings()}
    assert set(hints) == {2, 3, 4}
    assert "groupChar" in hints[2]
    assert "บาท" in hints[3]
    assert "bareNumber" in hints[4]
    grouped = {"name": "amount", "type": "number", "groupChar": ",", "bareNumber": False}
    assert check(rows, {"fields": [grouped]}).valid


def test_sniffing_reports_cp874_for_tis620_bytes(tmp_path) -> None:
    path = write_csv(tmp_path / "t.csv", ROWS, encoding="tis-620")
    info = sniff_format(path)
    assert (info.format_name, info.encoding, info.delimiter) == ("CSV", "cp874", ",")
