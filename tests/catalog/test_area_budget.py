"""The area-budget store (khlang.catalog.area_budget) on both back ends: agencies publishing
into one catalog add to the national picture, the same line is counted once, withdrawing a
dataset removes exactly its contribution, unknown stages stay unknown, and `catalog check`
finds a store that drifted from the files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from khlang.catalog import Catalog, Principal
from khlang.catalog.area_budget import AreaQuery, amounts, cells, conflicts, sources, totals
from khlang.catalog.tables import AreaAmount, AreaCell
from tests.catalog.area_kit import (
    agency_copy,
    assert_cells_agree,
    read_rows,
    stage_sums,
    widened,
)
from tests.published import published, shared_root

pytestmark = pytest.mark.slow
PROVINCIAL_OFFICE = "chai-nat-provincial-office"


@pytest.fixture(scope="session")
def sample(tmp_path_factory, worker_id, shared_dir) -> Path:  # type: ignore[no-untyped-def]
    """The sample budget-allocation package, as `khlang publish` writes it."""
    out = published(shared_root(tmp_path_factory, worker_id), shared_dir, "samples")
    return out / f"{PROVINCIAL_OFFICE}-budget-allocation"


def national(catalog: Catalog, **filters: list) -> dict[tuple[int, str], Decimal]:
    """(fiscal year, stage) -> counted baht of the state budget, stages with data only."""
    found = {}
    for row in totals(catalog, AreaQuery(scope=["state"], **filters), by=["fiscal_year"]):
        for stage, value in row.figures.model_dump().items():
            if value is not None:
                found[(row.key["fiscal_year"], stage)] = value
    return found


def only(system: str):  # type: ignore[no-untyped-def]
    return lambda row: row if row["source_system"] == system else None


def renamed(prefix: str, year: str | None = None, names: bool = False):  # type: ignore[no-untyped-def]
    """Rows under new line ids (and new item names, so no name matches them either)."""

    def change(row):  # type: ignore[no-untyped-def]
        if year is not None and row["fiscal_year"] != year:
            return None
        row["line_id"] = prefix + row["line_id"]
        if names and "item_name" in row:
            row["item_name"] += f" ({prefix})"
        return row

    return change


def plus(sums: dict, more: dict) -> dict:
    return {key: sums.get(key, Decimal(0)) + more.get(key, Decimal(0)) for key in sums | more}


def test_agencies_add_up_and_withdrawing_one_removes_exactly_its_share(
    catalog: Catalog, publish, operator: Principal, sample: Path, tmp_path: Path
) -> None:
    own = read_rows(sample, "amounts")
    publish(sample)
    assert national(catalog) == stage_sums(own)

    # The Budget Bureau's dataset carries the same lines' e-Budgeting amounts: counted once.
    bureau = agency_copy(sample, tmp_path, "budget-bureau-watch", amounts=only("e-Budgeting"))
    publish(bureau)
    assert national(catalog) == stage_sums(own)
    bureau_rows = read_rows(bureau, "amounts")
    (grand,) = totals(catalog, AreaQuery(scope=["state"]))
    assert grand.duplicates == len(bureau_rows)
    assert grand.datasets == [f"{PROVINCIAL_OFFICE}-budget-allocation"]
    assert conflicts(catalog) == []
    assert_cells_agree(catalog)

    # A district office publishes lines of its own (FY2567): they add to the picture.
    district = agency_copy(
        sample,
        tmp_path,
        "district-office-watch",
        amounts=renamed("D-", "2567"),
        lines=renamed("D-", names=True),
    )
    publish(district)
    district_rows = read_rows(district, "amounts")
    assert national(catalog) == plus(stage_sums(own), stage_sums(district_rows))
    by_agency = totals(catalog, AreaQuery(scope=["state"]), by=["organization"])
    counted = {row.key["organization"]: row.amounts for row in by_agency}
    assert counted == {PROVINCIAL_OFFICE: len(own), "district-office-watch": len(district_rows)}
    assert_cells_agree(catalog)

    catalog.withdraw("district-office-watch-budget-allocation", actor=operator)
    assert national(catalog) == stage_sums(own)
    # Without the provincial office, the Budget Bureau's amounts are the ones counted.
    catalog.withdraw(f"{PROVINCIAL_OFFICE}-budget-allocation", actor=operator)
    assert national(catalog) == stage_sums(bureau_rows)
    assert_cells_agree(catalog)
    catalog.reinstate(f"{PROVINCIAL_OFFICE}-budget-allocation", actor=operator)
    assert national(catalog) == stage_sums(own)
    assert {source.dataset for source in sources(catalog)} == {
        f"{PROVINCIAL_OFFICE}-budget-allocation",
        "budget-bureau-watch-budget-allocation",
    }
    assert catalog.check(actor=operator).ok


def test_a_line_under_another_id_is_matched_by_name_and_area(
    catalog: Catalog, publish, sample: Path, tmp_path: Path
) -> None:
    lines = read_rows(sample, "budget-lines")
    seen: dict[tuple[str, str, str], int] = {}
    for line in lines:
        key = (
            line["fiscal_year"],
            "".join(line["item_name"].split()).lower(),
            line["province_code"],
        )
        seen[key] = seen.get(key, 0) + 1
    unique = {
        line["line_id"]
        for line in lines
        if seen[(line["fiscal_year"], "".join(line["item_name"].split()).lower(),
                 line["province_code"])] == 1
    }  # fmt: skip
    publish(sample)
    other = agency_copy(
        sample,
        tmp_path,
        "other-system-watch",
        amounts=lambda row: renamed("X-")(row) if row["line_id"] in unique else None,
        lines=lambda row: renamed("X-")(row) if row["line_id"] in unique else None,
    )
    publish(other)
    assert national(catalog) == stage_sums(read_rows(sample, "amounts"))
    page, count = amounts(catalog, AreaQuery(organization=["other-system-watch"]), limit=1000)
    assert count == len(read_rows(other, "amounts")) > 0
    assert all(not item.counted and item.line_key == item.line_id[2:] for item in page)


def test_conflicting_amounts_are_reported_and_never_summed(
    catalog: Catalog, publish, sample: Path, tmp_path: Path
) -> None:
    def raised(row):  # type: ignore[no-untyped-def]
        if row["source_system"] != "e-Budgeting" or row["phase"] != "allocated":
            return None
        return {**row, "amount": f"{Decimal(row['amount']) + 1000:.2f}"}

    publish(sample)
    before = national(catalog)
    other = agency_copy(sample, tmp_path, "ministry-watch", amounts=raised)
    publish(other)
    assert national(catalog) == before
    changed: dict[tuple[str, int], int] = {}
    for row in read_rows(other, "amounts"):
        key = (row["line_id"], int(row["fiscal_year"]))
        changed[key] = changed.get(key, 0) + 1
    found = conflicts(catalog, limit=1000)
    assert len(found) == len(changed)
    for conflict in found:
        assert conflict.counted.dataset == f"{PROVINCIAL_OFFICE}-budget-allocation"
        (theirs,) = conflict.others
        assert theirs.dataset == "ministry-watch-budget-allocation"
        rows = changed[(conflict.line_key, conflict.fiscal_year)]
        assert theirs.total - conflict.counted.total == conflict.difference == 1000 * rows
    assert_cells_agree(catalog)


def test_a_new_version_replaces_the_old_and_unknown_stages_stay_unknown(
    catalog: Catalog, publish, operator: Principal, sample: Path, tmp_path: Path
) -> None:
    allocated_only = lambda row: row if row["phase"] == "allocated" else None  # noqa: E731
    first = agency_copy(sample, tmp_path, "bureau-watch", amounts=allocated_only)
    publish(first)
    (grand,) = totals(catalog)
    assert grand.figures.allocated is not None
    assert grand.figures.disbursed is None
    assert grand.figures.committed is None
    assert grand.disbursement_rate is None
    assert_cells_agree(catalog)

    def fewer(row):
        return row if row["phase"] == "allocated" and row["fiscal_year"] != "2568" else None

    second = agency_copy(sample, tmp_path, "bureau-watch", amounts=fewer, version="2")
    assert publish(second).version == 2
    assert national(catalog) == stage_sums(read_rows(second, "amounts"))
    assert [(source.dataset, source.version) for source in sources(catalog)] == [
        ("bureau-watch-budget-allocation", 2)
    ]
    assert catalog.check(actor=operator).ok


def test_every_amount_leads_back_to_its_table_row(catalog: Catalog, publish, sample) -> None:
    publish(sample)
    (row,) = totals(catalog, AreaQuery(fiscal_year=[2567], province=["18"]), by=["district"])[:1]
    page, count = amounts(catalog, row.evidence, counted=True, limit=10_000)
    assert count == row.amounts
    assert all(item.district == row.key["district"] for item in page)
    ledger = read_rows(sample, "amounts")
    for item in page:
        source = ledger[item.row - 1]
        assert Decimal(source["amount"]) == item.amount
        assert (source["line_id"], source["phase"]) == (item.line_id, item.stage)
    record = catalog.version(item.dataset, item.version)
    assert item.resource_id in {resource.id for resource in record.resources}


def test_check_finds_a_drifted_store_and_repair_rebuilds_it(
    catalog: Catalog, publish, operator: Principal, sample: Path
) -> None:
    publish(sample)
    expected = national(catalog)
    with catalog.write() as session:
        victim = session.scalar(select(AreaAmount.id).where(AreaAmount.counted.is_(True)))
        session.execute(delete(AreaAmount).where(AreaAmount.id == victim))
    report = catalog.check(actor=operator)
    assert {finding.code for finding in report.findings} >= {"area-store-amounts"}
    assert not report.ok
    assert catalog.check(actor=operator, repair=True).findings
    assert catalog.check(actor=operator).ok
    assert national(catalog) == expected


def test_an_lao_budget_feeds_the_local_scope_never_added_to_the_state(
    catalog: Catalog, publish, sample: Path
) -> None:
    finance = sample.with_name(f"{PROVINCIAL_OFFICE}-lao-revenue-expenditure")
    publish(finance)
    publish(sample)
    rows = read_rows(finance, "lao-finance")
    spent = [row for row in rows if row["kind"] == "expenditure"]
    assert len(spent) < len(rows)  # revenue rows are no expenditure
    local = {
        row.key["fiscal_year"]: row.figures
        for row in totals(catalog, AreaQuery(scope=["local"]), by=["fiscal_year"])
    }
    for year in {int(row["fiscal_year"]) for row in spent}:
        of_year = [row for row in spent if int(row["fiscal_year"]) == year]
        assert local[year].allocated == sum(Decimal(row["estimate"]) for row in of_year)
        assert local[year].disbursed == sum(Decimal(row["actual"]) for row in of_year)
    assert national(catalog) == stage_sums(read_rows(sample, "amounts"))
    by_scope = {row.key["scope"]: row.figures for row in totals(catalog, by=["scope"])}
    assert set(by_scope) == {"state", "local"}
    # Asked without a scope, a total is still split by it: never the two budgets added up.
    for asked in (AreaQuery(), AreaQuery(scope=["state", "local"])):
        unsplit = totals(catalog, asked, by=["fiscal_year"])
        assert {row.key["scope"] for row in unsplit} == {"state", "local"}
        assert {tuple(row.key) for row in unsplit} == {("scope", "fiscal_year")}
        assert {row.key["scope"]: row.figures for row in totals(catalog, asked)} == by_scope
    assert_cells_agree(catalog)


def test_check_finds_drifted_cells_and_repair_recomputes_them(
    catalog: Catalog, publish, operator: Principal, sample: Path
) -> None:
    """The pre-summed cells are derived data: a cell that no longer equals the sum of its
    amounts (here one of each grain, changed by a satang) is a finding, and --repair
    recomputes them."""
    publish(sample)
    expected = national(catalog)
    with catalog.write() as session:
        for grain in ("country", "province", "district", "lao"):
            victim = session.scalar(
                select(AreaCell.id).where(AreaCell.grain == grain, AreaCell.amount.is_not(None))
            )
            session.execute(
                update(AreaCell).where(AreaCell.id == victim).values(amount=AreaCell.amount + 1)
            )
    report = catalog.check(actor=operator)
    assert {finding.code for finding in report.findings} == {"area-store-cells"}
    assert catalog.check(actor=operator, repair=True).findings
    assert catalog.check(actor=operator).ok
    assert national(catalog) == expected
    assert_cells_agree(catalog)


def unplaced(row):  # type: ignore[no-untyped-def]
    """The row as a central agency reports it: no province, district, sub-district or LAO."""
    row.update(area_level="central", area_code="", province_code="", district_code="")
    row.update(subdistrict_code="", lao_key="")
    return row


def assert_cells_exact(catalog: Catalog) -> None:
    """Every cell equals a fresh sum (`catalog check`'s comparison), and every breakdown
    summed from the cells equals the amounts' own."""
    with catalog.read() as session:
        assert cells.differences(session) == 0
    assert_cells_agree(catalog)


def test_cells_follow_the_count_moving_to_another_agency_with_no_area(
    catalog: Catalog, publish, operator: Principal, sample: Path, tmp_path: Path
) -> None:
    """A write moves only the cells of the amounts it adds, removes or moves (deltas.py):
    here a central agency reports the provincial office's lines with NULL area columns, and
    withdrawing the office moves the count of those lines to it (NULL-safe cell keys), while
    a district office's lines of their own stay as they were."""
    publish(sample)
    central = agency_copy(sample, tmp_path, "central-watch", amounts=unplaced)
    publish(central)
    assert_cells_exact(catalog)
    district = agency_copy(
        sample, tmp_path, "district-office-watch",
        amounts=renamed("D-", "2567"), lines=renamed("D-", names=True),
    )  # fmt: skip
    publish(district)
    assert_cells_exact(catalog)
    district_rows = read_rows(district, "amounts")
    with catalog.read() as session:
        placed = session.scalars(
            select(AreaCell.province_code).where(AreaCell.grain == "lao", AreaCell.amount > 0)
        ).all()
    assert None in placed
    assert "18" in placed

    catalog.withdraw(f"{PROVINCIAL_OFFICE}-budget-allocation", actor=operator)
    assert_cells_exact(catalog)
    assert national(catalog) == plus(stage_sums(read_rows(central, "amounts")),
                                     stage_sums(district_rows))  # fmt: skip
    central_of_district = [row for row in district_rows if not row["province_code"]]
    assert national(catalog, province=[None]) == plus(
        stage_sums(read_rows(central, "amounts")), stage_sums(central_of_district)
    )
    catalog.reinstate(f"{PROVINCIAL_OFFICE}-budget-allocation", actor=operator)
    assert_cells_exact(catalog)
    catalog.withdraw("central-watch-budget-allocation", actor=operator)
    assert_cells_exact(catalog)
    assert national(catalog) == plus(stage_sums(read_rows(sample, "amounts")),
                                     stage_sums(district_rows))  # fmt: skip
    assert catalog.check(actor=operator).ok


NATIONAL_COPIES = 38
"""The sample's 54 lines 38 times: 2,052 lines, past the 2,000 beyond which a change used
to re-sum its fiscal years whole instead of its lines' cells."""


def test_cells_follow_a_national_source_withdrawn_and_reinstated(
    catalog: Catalog, publish, operator: Principal, sample: Path, tmp_path: Path
) -> None:
    """The deltas of a national source's change (thousands of lines): a national office
    reports every stage of 2,052 lines with their areas; a central agency reports the
    requested and allocated amounts of the same lines with NULL area columns, uncounted
    while the office's count (it published first). Withdrawing the office moves the count
    of those groups to the central agency, drops the disbursement of every line (their
    rate base empties: NULL, not 0) and empties the office's cells; reinstating it moves
    everything back; withdrawing and reinstating the central agency changes no other
    cell. After every write each cell equals a fresh sum, on both back ends."""
    office = widened(agency_copy(sample, tmp_path, "national-office"), NATIONAL_COPIES)
    publish(office)
    planned = {"requested", "allocated"}
    central = widened(
        agency_copy(
            sample, tmp_path, "central-watch",
            amounts=lambda row: unplaced(row) if row["phase"] in planned else None,
        ),
        NATIONAL_COPIES,
    )  # fmt: skip
    publish(central)
    assert_cells_exact(catalog)
    office_rows = read_rows(office, "amounts")
    assert len({row["line_id"] for row in office_rows}) > 2_000
    assert national(catalog) == stage_sums(office_rows)
    with catalog.read() as session:
        rated = session.scalar(
            select(func.count()).where(AreaCell.grain == "country", AreaCell.rated_amounts > 0)
        )
    assert rated

    office_name = "national-office-budget-allocation"
    catalog.withdraw(office_name, actor=operator)
    assert_cells_exact(catalog)
    assert national(catalog) == stage_sums(read_rows(central, "amounts"))
    assert national(catalog, province=[None]) == national(catalog)
    (row,) = totals(catalog, AreaQuery(scope=["state"]))
    assert row.rate_allocated is None
    assert row.disbursement_rate is None
    assert row.duplicates == 0

    catalog.reinstate(office_name, actor=operator)
    assert_cells_exact(catalog)
    assert national(catalog) == stage_sums(office_rows)
    catalog.withdraw("central-watch-budget-allocation", actor=operator)
    assert_cells_exact(catalog)
    assert national(catalog) == stage_sums(office_rows)
    catalog.reinstate("central-watch-budget-allocation", actor=operator)
    assert_cells_exact(catalog)
    assert catalog.check(actor=operator).ok


def test_cells_follow_the_only_disbursement_source_withdrawn_and_reinstated(
    catalog: Catalog, publish, operator: Principal, sample: Path, tmp_path: Path
) -> None:
    """The bench's worst case for deltas (`bench/integrate.py --withdraw-all`), on the
    sample: the Budget Bureau, the Department of Local Administration and the Comptroller
    General publish their own systems' amounts of the same lines, and the Comptroller's are
    the only disbursements. Withdrawing it takes every line out of the rate base (the other
    agencies' counted amounts all move, none of their groups is shared with it); reinstating
    it puts them back. After each write every cell equals a fresh sum, on both back ends."""
    agencies = {
        "budget-bureau-watch": "e-Budgeting",
        "local-administration-watch": "BBL",
        "comptroller-watch": "GFMIS",
    }
    rows = {}
    for organization, system in agencies.items():
        folder = agency_copy(sample, tmp_path, organization, amounts=only(system))
        publish(folder)
        rows[organization] = read_rows(folder, "amounts")
    assert_cells_exact(catalog)
    everything = national(catalog)
    (before,) = totals(catalog, AreaQuery(scope=["state"]))
    assert before.disbursement_rate is not None

    catalog.withdraw("comptroller-watch-budget-allocation", actor=operator)
    assert_cells_exact(catalog)
    planned = plus(stage_sums(rows["budget-bureau-watch"]),
                   stage_sums(rows["local-administration-watch"]))  # fmt: skip
    assert national(catalog) == planned
    (row,) = totals(catalog, AreaQuery(scope=["state"]))
    assert (row.rate_allocated, row.rate_disbursed, row.disbursement_rate) == (None, None, None)

    catalog.reinstate("comptroller-watch-budget-allocation", actor=operator)
    assert_cells_exact(catalog)
    assert national(catalog) == everything
    (after,) = totals(catalog, AreaQuery(scope=["state"]))
    assert (after.rate_allocated, after.disbursement_rate) == (
        before.rate_allocated,
        before.disbursement_rate,
    )
