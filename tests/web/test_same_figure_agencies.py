"""The same figure on every surface when several agencies publish the same province's budget
(the seams a user crosses): the Budget Bureau its allocation (e-Budgeting), the Comptroller
General its disbursement (GFMIS), a procurement office its contracts (e-GP), an LAO its
requests (BBL), and the provincial office all of them again, each with `khlang publish` into
one `published` folder and `khlang catalog add`, as the README says. Over HTTP:

* the dashboard's province, district and LAO pages = the API's totals, with and without
  `scope`, every panel, every fiscal year;
* each ledger table's query-API aggregate = its CSV download = the amounts the store holds of
  that dataset (counted and left uncounted), and its counted part = the API's totals of it;
* a dataset whose every amount another agency's dataset counts (GFMIS and BBL here) still has
  its part of the picture on its page: each of its stages "counted from another source", in
  Thai and English, linked to those amounts, never "no data"; and the API lists it with
  `uncounted=true`;
* every publish into the folder keeps its own report, and the CLI names that one.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ruamel.yaml import YAML

from tests.api.conftest import make_app
from tests.conftest import run_khlang_here
from tests.published import SAMPLES
from tests.web.test_same_number import _api_totals, _baht, _stage, _table

pytestmark = pytest.mark.slow
AGENCIES = {
    "bureau-of-the-budget": "ebudget",
    "comptroller-general": "gfmis",
    "procurement-office": "egp",
    "tambon-lao": "bbl",
}
"""Agency -> the one system's exports it publishes (with the LAO register beside them)."""
PANELS = {
    "by-province": "province",
    "by-district": "district",
    "by-subdistrict": "subdistrict",
    "by-lao": "lao",
    "by-budget-type": "budget_type",
    "by-source-system": "source_system",
    "by-ministry": "ministry",
    "by-fiscal-year": "fiscal_year",
}
"""A dashboard panel -> the API dimension its rows are."""


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Iterator[tuple[TestClient, dict[str, str]]]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("agencies")
    out, home = root / "published", root / "home"
    printed: dict[str, str] = {}
    for agency, system in AGENCIES.items():
        sources = root / agency
        shutil.copytree(SAMPLES / system, sources / system)
        shutil.copytree(SAMPLES / "reference", sources / "reference")
        result = run_khlang_here("publish", str(sources), "--agency", agency, "--email",
                                 f"opendata@{agency}.example.go.th", "--out", str(out))  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        printed[agency] = result.stdout
    # the provincial office publishes every system again (agency from samples/agency.yaml)
    result = run_khlang_here("publish", str(SAMPLES), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    printed["chai-nat-provincial-office"] = result.stdout
    for command in (("catalog", "init"), ("catalog", "add", str(out))):
        result = run_khlang_here(*command, "--home", str(home))
        assert result.returncode == 0, result.stdout + result.stderr
    with TestClient(make_app(home)) as client:
        yield client, printed | {"out": str(out), "home": str(home)}


def test_every_publish_keeps_its_report_and_the_cli_names_it(catalog) -> None:
    """Each run's own report, named by the command; its totals per year and stage are what
    the store holds of that agency's ledger (counted or not)."""
    client, printed = catalog
    out = Path(printed["out"])
    reports = {
        json.loads(path.read_text(encoding="utf-8"))["agency"]: path
        for path in (out / "publish-reports").iterdir()
    }
    assert set(reports) == {*AGENCIES, "chai-nat-provincial-office"}
    for agency, path in reports.items():
        # the CLI points at the run's own report (rich may fold the line)
        assert path.name in re.sub(r"\s+", "", printed[agency]), agency
    latest = json.loads((out / "publish-report.json").read_text(encoding="utf-8"))
    assert latest["agency"] == "chai-nat-provincial-office"
    for agency, path in reports.items():
        totals = json.loads(path.read_text(encoding="utf-8"))["reconciliation"].get("totals")
        if not totals:
            continue  # contracts only
        reported = {
            (int(year), stage): Decimal(figures["published"])
            for year, stages in totals.items()
            for stage, figures in stages.items()
        }
        assert reported == _amounts(client, f"{agency}-budget-allocation"), agency


def test_dashboard_pages_at_every_level_are_the_api(catalog) -> None:
    """Province, district and LAO pages, every panel, both scopes, every year: each row's
    every stage is the API's total for the same filters."""
    client, _ = catalog
    compared = 0
    for scope, year in _api_totals(client, "scope,fiscal_year"):
        params = {"year": year} | ({"scope": scope} if scope != "state" else {})
        places: list[tuple[str, str]] = [("province", "18")]
        for level, child in (("province", "district"), ("district", "lao")):
            for code in [code for level_, code in places if level_ == level]:
                found = _api_totals(client, child, scope=scope, fiscal_year=year, **{level: code})
                places += [(child, key) for key in sorted(k for k in found if k)][:3]
        assert {level for level, _ in places} == {"province", "district", "lao"}, places
        for level, code in places:
            html = client.get("/dashboard", params={**params, level: code}).text
            panels = set(re.findall(r'data-panel="([^"]+)"', html))
            assert panels, (level, code)
            for panel in panels:
                by = PANELS[panel]
                filters = {"scope": scope, level: code}
                if by != "fiscal_year":
                    filters["fiscal_year"] = year
                api = _api_totals(client, by, **filters)
                for row_code, figures in _table(html, panel).items():
                    key: object = int(row_code) if by == "fiscal_year" else row_code
                    for stage, shown in figures.items():
                        if stage != "rate":
                            expected = _stage(api.get(key), stage)
                            assert shown == expected, (scope, year, level, code, panel, row_code)
                            compared += 1
    assert compared > 100


def _amounts(
    client: TestClient, dataset: str, counted: str = "all"
) -> dict[tuple[int, str], Decimal]:
    """What the store holds of a dataset (counted, left uncounted or all), by year and stage."""
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    answer = client.get(
        "/api/v1/area-budget/amounts",
        params={"dataset": dataset, "counted": counted, "limit": 1000},
    ).json()
    assert answer["count"] == len(answer["amounts"]), "more than a page"
    for amount in answer["amounts"]:
        sums[amount["fiscal_year"], amount["stage"]] += Decimal(amount["amount"])
    return sums


def test_ledger_aggregate_download_and_store_agree(catalog) -> None:
    """Every agency's ledger table: the query API's sums (exact to the satang, not a float's
    drift) = its CSV download = what the store holds of it; its counted part is the API's
    totals of the dataset, and with `uncounted=true` a dataset of duplicates only is listed."""
    client, _ = catalog
    listing = client.get("/api/v1/datasets", params={"size": 100}).json()["results"]
    checked = set()
    for item in listing:
        dataset = client.get(f"/api/v1/datasets/{item['name']}").json()
        ledger = next((r for r in dataset["resources"] if r.get("filename") == "amounts.csv"), None)
        if ledger is None:
            continue
        aggregate = client.get(
            ledger["links"]["aggregate"],
            params={"_group": "fiscal_year,phase", "_agg": "sum:amount"},
        ).json()["rows"]
        summed = {(row["fiscal_year"], row["phase"]): row["sum_amount"] for row in aggregate}
        # the shortest form of each float sum has at most two decimals: no drift
        assert all(Decimal(str(value)).as_tuple().exponent >= -2 for value in summed.values())
        text = client.get(ledger["links"]["download_csv"]).content.decode("utf-8-sig")
        downloaded: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for row in csv.DictReader(io.StringIO(text)):
            downloaded[int(row["fiscal_year"]), row["phase"]] += Decimal(row["amount"])
        assert {key: _baht(value) for key, value in summed.items()} == downloaded, item["name"]
        assert _amounts(client, item["name"]) == downloaded, item["name"]
        counted = _api_totals(client, "scope,fiscal_year", dataset=item["name"])
        listed = _api_totals(client, "scope,fiscal_year", dataset=item["name"], uncounted="true")
        assert listed, item["name"]  # every dataset of amounts is listed, counted or not
        assert {key: listed[key] for key in counted} == counted, item["name"]
        own = _amounts(client, item["name"], "true")
        for (_, year), row in listed.items():
            for stage in ("requested", "allocated", "transferred", "committed", "disbursed"):
                assert _stage(row, stage) == own.get((year, stage)), (item["name"], year, stage)
        checked.add(item["organization"])
    assert checked >= {"bureau-of-the-budget", "comptroller-general", "tambon-lao"}


def test_a_dataset_counted_elsewhere_says_so_on_its_page(catalog) -> None:
    """Every ledger dataset's page, each year and stage: the figure counted from it is what
    the store counts of its amounts; where it has amounts of the stage but another source's
    are counted for every one (GFMIS disbursements counted from the provincial office's
    copy, BBL requests from the Budget Bureau's e-Budgeting), the cell says "counted from
    another source" in Thai and English, linked to those amounts, never "no data"."""
    client, _ = catalog
    elsewhere = set()
    for agency in AGENCIES:
        name = f"{agency}-budget-allocation"
        if client.get(f"/api/v1/datasets/{name}").status_code == 404:
            continue  # the procurement office publishes contracts only
        counted, left = _amounts(client, name, "true"), _amounts(client, name, "false")
        for prefix, words in (("", "นับจากแหล่งอื่น"), ("/en", "counted from another source")):
            html = client.get(f"{prefix}/dataset/{name}").text
            assert 'data-panel="area-share"' in html, name
            shown = _table(html, "area-share")
            for year, stage in {*counted, *left}:
                value = shown[f"state-{year}"].get(f"own_{stage}")
                assert value == counted.get((year, stage)), (name, year, stage)
                if (year, stage) in counted:
                    continue
                cell = re.search(
                    rf'data-code="state-{year}".*?data-field="own_{stage}"[^>]*>(.*?)</td>',
                    html, re.S,
                )  # fmt: skip
                assert cell, (name, year, stage)
                assert 'data-reason="counted-elsewhere"' in cell.group(1), (name, year, stage)
                assert words in cell.group(1)
                assert "counted=false" in cell.group(1)
                elsewhere.add((agency, stage))
    assert {agency for agency, _ in elsewhere} >= {"comptroller-general", "tambon-lao"}


def test_the_chart_never_sums_a_level_repeated_on_every_month(catalog) -> None:
    """The disbursement table repeats the annual allocation (and the figures to date) on each
    month: its schema says so, and the dataset page's chart sums a flow by default, never
    those (summed over months, the allocation came to twelve times the dashboard's)."""
    client, _ = catalog
    name = "chai-nat-provincial-office-disbursement-progress"
    dataset = client.get(f"/api/v1/datasets/{name}").json()
    resource = next(r for r in dataset["resources"] if r.get("filename", "").endswith(".csv"))
    schema = client.get(resource["links"]["self"]).json()["schema"]
    levels = {field["name"] for field in schema["fields"] if field.get("additive") is False}
    assert levels == {"allocated", "committed_cumulative", "disbursed_cumulative",
                      "disbursement_rate"}  # fmt: skip
    for prefix in ("", "/en"):
        html = client.get(f"{prefix}/dataset/{name}").text
        chosen = re.search(r'<select id="measure" name="measure">.*?<option value="(\w+)" selected',
                           html, re.S)  # fmt: skip
        assert chosen, prefix
        assert chosen.group(1) not in levels


def test_a_new_version_keeps_its_count_from_a_copy_published_since(catalog, tmp_path) -> None:
    """The provincial office's dataset was counted before the Comptroller General's and the
    LAO's copies of the same lines came (catalog add publishes in name order); its second
    version (a corrected description) must not hand the count to those copies: every
    dataset's counted figures stay as they were."""
    client, printed = catalog
    name = "chai-nat-provincial-office-budget-allocation"

    def counted() -> dict:
        rows = client.get(
            "/api/v1/area-budget/totals",
            params={"by": "dataset,scope,fiscal_year", "uncounted": "true"},
        ).json()
        return {tuple(row["key"].values()): {stage: row[stage] for stage in (
            "requested", "allocated", "transferred", "committed", "disbursed")} | {
            "amounts": row["amounts"], "duplicates": row["duplicates"]}
            for row in rows["rows"]}  # fmt: skip

    before = counted()
    assert any(key[0] == name and figures["amounts"] for key, figures in before.items())
    folder = tmp_path / name
    shutil.copytree(Path(printed["out"]) / name, folder)
    metadata = folder / "dataset.yaml"
    yaml = YAML()
    document = yaml.load(metadata.read_text(encoding="utf-8"))
    document["notes_en"] = "Revised. " + document["notes_en"]
    with metadata.open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)
    result = run_khlang_here("catalog", "add", str(folder), "--home", printed["home"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "version 2" in result.stdout
    assert counted() == before
