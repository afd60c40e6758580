"""The area-budget store over the three real sources published by three agencies into one
catalog (tests/published.py: govspending's Ministry of Interior extract, KaoGeek's FY2565
budget bill, WeVis's PAO budgets): its totals are the source files' totals, less exactly the
duplicates the publish report lists."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from khlang.catalog import Catalog, Principal
from khlang.catalog.area_budget import AreaQuery, conflicts, totals
from tests.published import catalog_home, published, shared_root

pytestmark = pytest.mark.slow
SATANG = Decimal("0.01")


@pytest.fixture(scope="module")
def root(tmp_path_factory, worker_id) -> Path:  # type: ignore[no-untyped-def]
    return shared_root(tmp_path_factory, worker_id)


@pytest.fixture(scope="module")
def catalog(root: Path, shared_dir: Path):  # type: ignore[no-untyped-def]
    with Catalog.open(catalog_home(root, shared_dir, "real")) as opened:
        yield opened


def _figures(catalog: Catalog, **filters: list) -> dict[str, Decimal]:
    (row,) = totals(catalog, AreaQuery(**filters))
    return {stage: value for stage, value in row.figures.model_dump().items() if value is not None}


def test_fy2561_interior_totals_are_the_files_less_the_listed_repeats(
    catalog: Catalog, root: Path, shared_dir: Path
) -> None:
    path = shared_dir / "data/real/govspending_moi/bbgf_project_moi_fy2561.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    seen: set[str] = set()
    kept, repeated = [], []
    for record in records:
        key = json.dumps(record, sort_keys=True, ensure_ascii=False)
        (repeated if key in seen else kept).append(record)
        seen.add(key)

    def total(items: list[dict], field: str) -> Decimal:
        return sum(
            (
                Decimal(str(c[field]))
                for r in items
                for c in r["compare"]
                if c.get(field) is not None
            ),
            Decimal(0),
        )

    report = json.loads(
        (published(root, shared_dir, "govspending") / "publish-report.json").read_text()
    )
    listed = {
        item["file"]: item["count"]
        for item in report["issues"]["summary"]
        if item["code"] == "duplicate-record"
    }
    assert listed[path.name] == len(repeated) == 127
    figures = _figures(catalog, organization=["moi-watch"], fiscal_year=[2561])
    assert figures == {
        "allocated": total(records, "bb_amount") - total(repeated, "bb_amount"),
        "disbursed": total(records, "gf_amount") - total(repeated, "gf_amount"),
    }
    assert figures["allocated"] == Decimal("384934267200.00")


def test_the_fy2565_bill_is_allocated_in_its_year_and_obligated_in_the_others(
    catalog: Catalog, shared_dir: Path
) -> None:
    frames = [
        pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        for path in sorted((shared_dir / "data/real/budget_bill_2565").glob("*.csv"))
    ]
    bill = pd.concat(frames, ignore_index=True)
    bill["baht"] = bill["AMOUNT"].map(lambda text: Decimal(text.replace(",", "")).quantize(SATANG))
    bill["year"] = bill["FISCAL_YEAR"].astype(int) + 543
    by_year = totals(catalog, AreaQuery(organization=["budget-bill-watch"]), by=["fiscal_year"])
    stored = {row.key["fiscal_year"]: row.figures for row in by_year}
    for year, rows in bill.groupby("year"):
        expected = sum(rows["baht"], Decimal(0))
        if year == 2565:
            assert stored[year].allocated == expected == Decimal("1087069531036.00")
            assert stored[year].obligated is None
        else:
            assert stored[year].obligated == expected, year
            assert stored[year].allocated is None, year


def test_three_agencies_add_up_without_conflicts(catalog: Catalog) -> None:
    grand = {row.key["scope"]: row.figures for row in totals(catalog, by=["scope"])}
    agencies = totals(catalog, by=["scope", "organization"])
    assert {row.key["organization"] for row in agencies} == {
        "moi-watch",
        "budget-bill-watch",
        "pao-watch",
    }
    for scope, figures in grand.items():
        for stage, value in figures.model_dump().items():
            parts = [
                getattr(row.figures, stage)
                for row in agencies
                if row.key["scope"] == scope and getattr(row.figures, stage) is not None
            ]
            assert value == (sum(parts, Decimal(0)) if parts else None), (scope, stage)
    # WeVis's PAO budgets: the ordinances' national sums, in the local scope.
    local = totals(catalog, AreaQuery(scope=["local"]), by=["fiscal_year"])
    assert {row.key["fiscal_year"]: row.figures.allocated for row in local} == {
        2565: Decimal("57312949370.00"),
        2566: Decimal("54197507822.00"),
    }
    assert conflicts(catalog) == []


def test_the_real_catalog_store_matches_its_files(catalog: Catalog) -> None:
    report = catalog.check(actor=Principal.operator("cli:tester"))
    assert not [finding for finding in report.findings if finding.code.startswith("area-store")]
