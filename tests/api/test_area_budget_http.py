"""The area-budget store over HTTP: the same figures as the store, every figure's evidence
URL giving exactly the amounts it sums, every amount leading to its table row, unknown
stages as null, and bad parameters refused by name."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from khlang.catalog import Catalog, Principal
from khlang.catalog.area_budget import AreaQuery, totals
from tests.api.conftest import make_app
from tests.catalog.area_kit import agency_copy
from tests.published import published, shared_root

pytestmark = pytest.mark.slow
TOTALS = "/api/v1/area-budget/totals"


@pytest.fixture(scope="module")
def home(tmp_path_factory, worker_id, shared_dir) -> Path:  # type: ignore[no-untyped-def]
    """The sample budget allocation, and a second agency with allocations only."""
    out = published(shared_root(tmp_path_factory, worker_id), shared_dir, "samples")
    sample = out / "chai-nat-provincial-office-budget-allocation"
    home = tmp_path_factory.mktemp("area-http") / "home"
    allocated = agency_copy(
        sample,
        home.parent,
        "allocation-only-watch",
        amounts=lambda row: (
            {**row, "line_id": "A-" + row["line_id"]} if row["phase"] == "allocated" else None
        ),
        lines=lambda row: {**row, "line_id": "A-" + row["line_id"], "item_name": "A"},
    )
    operator = Principal.operator("cli:tester")
    with Catalog.open(home, create=True) as catalog:
        for folder in (sample, allocated):
            catalog.publish(folder, actor=operator, create_organization=True)
    return home


@pytest.fixture(scope="module")
def client(home: Path):  # type: ignore[no-untyped-def]
    with TestClient(make_app(home)) as test_client:
        yield test_client


def test_totals_are_the_stores_and_their_evidence_sums_to_them(client, home) -> None:
    answer = client.get(TOTALS, params=[("by", "fiscal_year,district"), ("province", "18")])
    assert answer.status_code == 200, answer.text
    assert answer.json()["by"] == ["scope", "fiscal_year", "district"]  # no scope asked for
    rows = answer.json()["rows"]
    with Catalog.open(home) as catalog:
        expected = totals(catalog, AreaQuery(province=["18"]), ["fiscal_year", "district"])
    assert len(rows) == len(expected) > 1
    for row, total in zip(rows, expected, strict=True):
        assert row["key"] == total.key
        assert row["allocated"] == (
            f"{total.figures.allocated:.2f}" if total.figures.allocated else None
        )
    row = next(item for item in rows if item["committed"] is not None)
    evidence = client.get(row["evidence"] + "&limit=1000").json()
    assert evidence["count"] == row["amounts"] == len(evidence["amounts"])
    for stage in ("allocated", "committed"):
        summed = sum(Decimal(a["amount"]) for a in evidence["amounts"] if a["stage"] == stage)
        assert summed == Decimal(row[stage])
    item = evidence["amounts"][0]
    table = client.get(item["table_rows"]).json()["rows"]
    assert any(
        Decimal(str(line["amount"])) == Decimal(item["amount"])
        and line["source_row"] == item["source_row"]
        for line in table
    )


def test_a_stage_no_source_reports_is_null_not_zero(client) -> None:
    answer = client.get(TOTALS, params={"organization": "allocation-only-watch"}).json()
    (row,) = answer["rows"]
    assert row["allocated"] is not None
    assert row["disbursed"] is None
    assert row["committed"] is None
    assert row["disbursement_rate"] is None


def test_duplicates_and_conflicts_have_their_own_urls(client) -> None:
    (row,) = client.get(TOTALS).json()["rows"]
    duplicates = client.get(row["duplicates_url"]).json()
    assert duplicates["count"] == row["duplicates"]
    assert client.get("/api/v1/area-budget/conflicts").json()["conflicts"] == []
    sources = client.get("/api/v1/area-budget/sources").json()["sources"]
    assert {item["organization"] for item in sources} == {
        "chai-nat-provincial-office",
        "allocation-only-watch",
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("provnce=18", "provnce"),
        ("province=1", "province"),
        ("district=18x1", "district"),
        ("fiscal_year=next", "fiscal_year"),
        ("fiscal_year=%C2%B2", "fiscal_year"),  # "²": a digit to str.isdigit, no number to int
        ("by=planet", "by"),
        ("by=province,province", "by"),
        ("stage=spent", "stage"),
        ("scope=city", "scope"),
    ],
)
def test_bad_parameters_are_refused_by_name(client, query: str, parameter: str) -> None:
    answer = client.get(f"{TOTALS}?{query}")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["parameter"] == parameter
    assert error["message"]["th"]
    assert error["message"]["en"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("counted=maybe", "counted"), ("limit=0", "limit"), ("limit=5000", "limit"),
     ("offset=-1", "offset"), ("offset=%C2%B2", "offset"), ("by=province", "by")],
)  # fmt: skip
def test_bad_paging_is_refused_by_name(client, query: str, parameter: str) -> None:
    answer = client.get(f"/api/v1/area-budget/amounts?{query}")
    assert answer.status_code == 400
    assert answer.json()["error"]["parameter"] == parameter
