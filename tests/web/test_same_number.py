"""The same number everywhere (issue 13, item 4): for the same filters, the dashboard's table,
its CSV download, the API's area aggregates, the rows linked behind each figure and the
dataset's own by-area download agree to the baht, on SQLite and on PostgreSQL.

The catalog is the bundled samples published as `khlang demo` publishes them (synthetic,
Chai Nat province), every fiscal year and every province of the state budget compared."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from khlang.catalog import Catalog, Principal
from tests.api.conftest import make_app
from tests.postgres import reachable_server, schema_url
from tests.published import published, shared_root

pytestmark = pytest.mark.slow
DATASET = "chai-nat-provincial-office-budget-allocation"
CENT = Decimal("0.01")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, tmp_path_factory, worker_id, shared_dir) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    out = published(shared_root(tmp_path_factory, worker_id), shared_dir, "samples")
    home = tmp_path_factory.mktemp(f"same-{request.param}") / "home"

    def serve(url: str | None) -> Iterator[TestClient]:
        with Catalog.open(home, url, create=True) as catalog:
            for folder in sorted(out.glob("chai-nat-provincial-office-*")):
                catalog.publish(
                    folder, actor=Principal.operator("cli:tester"), create_organization=True
                )
        with TestClient(make_app(home, database_url=url)) as test_client:
            yield test_client

    if request.param == "sqlite":
        yield from serve(None)
    else:
        with schema_url(reachable_server()) as url:
            yield from serve(url)


def _baht(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value)).quantize(CENT)


def _page_table(html: str, panel: str) -> dict[str, dict[str, Decimal | None]]:
    table = html.split(f'<table class="amounts" data-panel="{panel}">', 1)[1]
    table = table.split("</table>", 1)[0]
    return {
        code: {field: _baht(value) for field, value in re.findall(
            r'data-field="(\w+)" data-value="([^"]*)"', cells)}
        for code, cells in re.findall(r'<tr data-code="([^"]+)"[^>]*>(.*?)</tr>', table, re.S)
    }  # fmt: skip


def _by_area_download(client: TestClient) -> dict[tuple[int, str], Decimal]:
    """The dataset's own allocation-by-area table, summed by year and province."""
    dataset = client.get(f"/api/v1/datasets/{DATASET}").json()
    resource = next(
        r for r in dataset["resources"] if r.get("filename") == "allocation-by-area.csv"
    )
    text = client.get(resource["links"]["download_csv"]).content.decode("utf-8-sig")
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for row in csv.DictReader(io.StringIO(text)):
        if row["province_code"] and row["allocated"]:
            sums[int(row["fiscal_year"]), row["province_code"]] += Decimal(row["allocated"])
    return sums


def test_dashboard_csv_api_evidence_and_download_agree_to_the_baht(client) -> None:
    by_area = _by_area_download(client)
    years = sorted({year for year, _ in by_area})
    assert years
    for year in years:
        html = client.get(f"/dashboard?year={year}").text
        page = _page_table(html, "by-province")
        api = client.get(
            "/api/v1/area-budget/totals",
            params={"by": "province", "scope": "state", "fiscal_year": year},
        ).json()["rows"]
        from_api = {row["key"]["province"]: row for row in api if row["key"]["province"]}
        assert page.keys() == from_api.keys(), year
        text = client.get(f"/dashboard/table.csv?panel=by-province&year={year}").content
        from_csv = {
            row["code"]: row
            for row in csv.DictReader(io.StringIO(text.decode("utf-8-sig")))
            if row["code"]
        }
        assert from_csv.keys() == page.keys()
        for code, figures in page.items():
            for stage, shown in figures.items():
                assert shown == _baht(from_api[code][stage]), (year, code, stage, "api")
                assert shown == _baht(from_csv[code][stage]), (year, code, stage, "csv")
            assert figures["allocated"] == by_area.get((year, code)), (year, code, "download")
        # the rows linked behind a figure sum to it
        code, figures = max(page.items(), key=lambda item: item[1]["allocated"] or 0)
        evidence = client.get(
            "/api/v1/area-budget/amounts",
            params={"scope": "state", "fiscal_year": year, "province": code,
                    "stage": "allocated", "limit": 1000},
        ).json()  # fmt: skip
        assert sum(Decimal(row["amount"]) for row in evidence["amounts"]) == figures["allocated"]
