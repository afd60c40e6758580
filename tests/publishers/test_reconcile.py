"""Reconciliation across systems: one line seen by several systems is counted once; lines are
matched by identifier, then by name and area; duplicates and conflicts are reported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from khlang.publishers.agency import Agency
from khlang.publishers.mapping import default_mapping
from khlang.publishers.publish import publish
from tests.publishers.conftest import TODAY

AGENCY = Agency(name="recon-office", email="opendata@recon-office.example.go.th")
PLACE = {"province_code": "18", "district_code": "1801", "subdistrict_code": "180104"}
ITEM = "ก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ 2 ตำบลชัยนาท อำเภอเมืองชัยนาท จังหวัดชัยนาท"


def _write(folder: Path, adapter: str, name: str, rows: list[dict]) -> None:
    headers = {field: names[0] for field, names in default_mapping(adapter).columns.items()}
    frame = pd.DataFrame(rows).rename(columns=headers)
    path = folder / adapter / name
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def _ebudget(line_id: str, item: str, allocated: str, **extra) -> dict:
    return {"fiscal_year": "2567", "line_id": line_id, "budget_unit_name": "เทศบาลเมืองชัยนาท",
            "item_name": item, "budget_type": "งบเงินอุดหนุน", "requested": allocated,
            "allocated": allocated, **PLACE, **extra}  # fmt: skip


def _bbl(line_id: str | None, project: str, allocated: str) -> dict:
    return {"fiscal_year": "2567", "line_id": line_id, "lao_name": "เทศบาลเมืองชัยนาท",
            "district_name": "เมืองชัยนาท", "province_name": "ชัยนาท", "project_name": project,
            "requested": allocated, "allocated": allocated, "transferred": allocated}  # fmt: skip


def _gfmis(line_id: str, month: str, disbursed: str) -> dict:
    return {"fiscal_year": "2567", "month": month, "line_id": line_id, "item_name": ITEM,
            "province_code": "18", "district_code": "1801", "committed": "0",
            "disbursed": disbursed}  # fmt: skip


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory: pytest.TempPathFactory):
    sources = tmp_path_factory.mktemp("recon") / "sources"
    _write(sources, "ebudget", "ebudget_2567.csv", [
        _ebudget("1500867001600001", ITEM, "1,000,000"),
        _ebudget("1500867001600002", "ขุดลอกหนองบัว หมู่ที่ 5 ตำบลชัยนาท อำเภอเมืองชัยนาท", "500,000"),
        _ebudget("1500867001600003", "ติดตั้งไฟฟ้าแสงสว่าง ตำบลชัยนาท อำเภอเมืองชัยนาท", "300,000"),
    ])  # fmt: skip
    # The same export again, with one line changed: a second file of the same system.
    _write(sources, "ebudget", "ebudget_2567_revised.csv", [
        _ebudget("1500867001600003", "ติดตั้งไฟฟ้าแสงสว่าง ตำบลชัยนาท อำเภอเมืองชัยนาท", "350,000"),
    ])  # fmt: skip
    _write(sources, "bbl", "bbl_2567.csv", [
        _bbl("1500867001600001", ITEM, "1,000,000"),  # same id, same amount: corroborates
        _bbl(None, ITEM.replace(" ", ""), "1,000,000"),  # no id, no spaces: matched by name
        _bbl("1500867001600002", "ขุดลอกหนองบัว หมู่ที่ 5 ตำบลชัยนาท อำเภอเมืองชัยนาท", "450,000"),
    ])  # fmt: skip
    _write(sources, "gfmis", "gfmis_2567.csv", [
        _gfmis("1500867001600001", "2566-12", "400,000"),
        _gfmis("150086700160000X", "2567-03", "100,000"),  # mistyped code: matched by name
    ])  # fmt: skip
    out = sources.parent / "out"
    report = publish(sources, agency=AGENCY, out=out, today=TODAY)
    return report, out


def _totals(report) -> dict[str, str]:
    return {phase: value.published
            for phase, value in report.reconciliation.totals["2567"].items()}  # fmt: skip


def test_each_baht_is_counted_once(reconciled) -> None:
    report, out = reconciled
    totals = _totals(report)
    assert totals["allocated"] == "1800000.00"  # 1,000,000 + 500,000 + 300,000, e-Budgeting's
    # BBL lists line 1 twice (with its code, and without it): transferred once, plus line 2.
    assert totals["transferred"] == "1450000.00"
    assert totals["disbursed"] == "500000.00"
    lines = pd.read_csv(out / "recon-office-budget-allocation" / "data" / "budget-lines.csv",
                        dtype={"line_id": str})  # fmt: skip
    assert len(lines) == 3
    first = lines.set_index("line_id").loc["1500867001600001"]
    assert first["disbursed"] == 500000
    assert first["systems"] == "BBL;GFMIS;e-Budgeting"


def test_lines_without_a_known_code_are_matched_by_name_and_area(reconciled) -> None:
    report, _ = reconciled
    lines = report.reconciliation.lines
    matched = {(item["source_system"], item["to_id"]) for item in
               lines.examples_matched_by_name}  # fmt: skip
    assert ("GFMIS", "1500867001600001") in matched
    assert lines.unmatched == {}


def test_conflicts_and_second_files_are_reported_not_added(reconciled) -> None:
    report, _ = reconciled
    amounts = report.reconciliation.amounts
    conflicts = {(item["line_id"], item["phase"], item["other_system"], item["other_total"])
                 for item in amounts.conflict_examples}  # fmt: skip
    assert ("1500867001600002", "allocated", "BBL", "450000.00") in conflicts
    revised = ("1500867001600003", "allocated", "e-Budgeting", "350000.00")
    assert revised in conflicts
    assert amounts.same_system_other_file >= 1
    assert amounts.superseded_agreeing >= 1
    assert amounts.listed_twice_in_one_system == 3  # BBL's requested/allocated/transferred
