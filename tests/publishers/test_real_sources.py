"""The adapters of the real public files, read in place from ../shared/data/real."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from khlang.publishers.adapters import ADAPTERS
from khlang.publishers.adapters.common import Context
from khlang.publishers.agency import Agency
from khlang.publishers.areas import load_areas
from khlang.publishers.issues import IssueLog
from khlang.publishers.publish import publish
from tests.publishers.conftest import TODAY

FY2561 = "govspending_moi/bbgf_project_moi_fy2561.jsonl"


@pytest.fixture(scope="module")
def fy2561(real_dir: Path):
    """The FY2561 Ministry of Interior extract through its adapter: (tables, issues)."""
    ctx = Context(registry=load_areas(real_dir), issues=IssueLog(), sources_dir=real_dir)
    adapter = ADAPTERS["govspending"]
    path = real_dir / FY2561
    assert adapter.detect(path, None)
    return adapter.read(path, ctx, None), ctx.issues


def _records(real_dir: Path) -> list[dict]:
    with (real_dir / FY2561).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_the_fy2561_allocation_total_is_reproduced_to_the_baht(fy2561, real_dir) -> None:
    tables, _ = fy2561
    controls = tables["controls"].set_index("measure")
    assert f"{controls.loc['allocated_as_listed', 'amount']:.2f}" == "386259348900.00"
    listed = sum(Decimal(str(c["bb_amount"])) for r in _records(real_dir) for c in r["compare"]
                 if c.get("bb_amount") is not None)  # fmt: skip
    assert listed == Decimal("386259348900")
    assert f"{controls.loc['disbursed_as_listed', 'amount']:.2f}" == "329550606164.02"


def test_records_repeated_by_the_paging_are_counted_once(fy2561, real_dir) -> None:
    tables, issues = fy2561
    seen, repeated = set(), Decimal(0)
    for record in _records(real_dir):
        key = json.dumps(record, sort_keys=True, ensure_ascii=False)
        if key in seen:
            repeated += Decimal(str(record["amount"]))
        seen.add(key)
    amounts = tables["amounts"]
    allocated = Decimal(f"{amounts.loc[amounts['phase'] == 'allocated', 'amount'].sum():.2f}")
    assert allocated == Decimal("386259348900") - repeated == Decimal("384934267200")
    duplicates = [issue for issue in issues.items if issue.code == "duplicate-record"]
    assert issues.counts[("duplicate-record", "warning", FY2561)] == 127
    assert duplicates[0].file == FY2561
    assert issues.counts[("id-reused", "warning", FY2561)] == 7
    assert tables["budget_lines"]["line_id"].is_unique


def test_areas_come_from_the_provinces_and_the_item_text(fy2561) -> None:
    tables, _ = fy2561
    lines = tables["budget_lines"]
    assert (lines["area_level"] == "subdistrict").mean() > 0.7
    assert lines["lao_key"].notna().mean() > 0.5
    amounts = tables["amounts"]
    allocated = amounts[amounts["phase"] == "allocated"]
    assert allocated["province_code"].notna().all()
    disbursed = amounts[amounts["phase"] == "disbursed"]
    assert set(disbursed["area_level"]) >= {"central", "province"}


@pytest.mark.slow  # 17-24 s: the ten budget-bill files read and summed
def test_the_budget_bill_is_read_through_its_noise(real_dir: Path) -> None:
    ctx = Context(registry=load_areas(real_dir), issues=IssueLog(), sources_dir=real_dir)
    adapter = ADAPTERS["kaogeek"]
    for path in sorted((real_dir / "budget_bill_2565").glob("*.csv")):
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        tables = adapter.read(path, ctx, adapter.mapping(ctx))
        amounts, lines = tables["amounts"], tables["budget_lines"]
        satang = Decimal("0.01")
        listed = sum(Decimal(value.replace(",", "")).quantize(satang) for value in raw["AMOUNT"])
        assert Decimal(f"{amounts['amount'].sum():.2f}") == listed, path.name
        expected = raw["FISCAL_YEAR"].astype(int).add(543).value_counts().sort_index()
        assert lines["fiscal_year"].value_counts().sort_index().to_dict() == expected.to_dict()
        assert (lines["fiscal_year_original"] == raw["FISCAL_YEAR"]).all()
    rounded = [issue for issue in ctx.issues.items if issue.code == "amount-rounded-to-satang"]
    assert rounded[0].value == "3,365,466.6666666665"
    misspelt = [issue for issue in ctx.issues.items if issue.code == "term-misspelt"]
    assert any(issue.value == "งบรายจ่ายอิ่น" for issue in misspelt)
    assert ctx.issues.count("error") == 0


@pytest.mark.slow
def test_the_pao_budgets_publish_and_match_the_national_sums(real_dir, tmp_path) -> None:
    out = tmp_path / "out"
    agency = Agency(name="pao-watch", email="opendata@pao-watch.example.org")
    report = publish(real_dir / "pao_budget_wevis", agency=agency, out=out, source="wevis",
                     reference=real_dir, today=TODAY)  # fmt: skip
    controls = report.reconciliation.controls
    assert {(item.fiscal_year, item.stated) for item in controls} == {
        (2565, "57312949370.00"), (2566, "54197507822.00")
    }  # fmt: skip
    assert all(item.difference == "0.00" for item in controls)
    status = {item.key: item.status for item in report.datasets}
    assert status["lao-revenue-expenditure"] == "published"
    assert status["lao-benchmark"] == "published"
    benchmark = pd.read_csv(out / "pao-watch-lao-benchmark" / "data" / "lao-benchmark.csv")
    assert benchmark["population"].notna().all()
    assert benchmark["rank_in_type"].min() == 1


@pytest.mark.slow
def test_the_govspending_command_publishes_the_moi_extract(khlang_cli, real_dir, tmp_path) -> None:
    out = tmp_path / "out"
    result = khlang_cli(
        "publish", str(real_dir / "govspending_moi"), "--source", "govspending", "--agency",
        "moi-watch", "--email", "opendata@moi-watch.example.org", "--reference", str(real_dir),
        "--out", str(out), "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["reconciliation"]["totals"]["2561"]["allocated"]["published"] == (
        "384934267200.00"
    )
    skipped = {item["file"] for item in report["files"] if item["status"] == "skipped"}
    assert skipped == {"mof_budget_vs_use_by_ministry_2548_2562.json",
                       "mof_moi_monthly_expenditure_2548_2562.csv"}  # fmt: skip
    published = {item["key"] for item in report["datasets"] if item["status"] == "published"}
    assert published == {"budget-allocation", "disbursement-progress", "projects"}
