"""The same number everywhere (issue 13, item 4): for the same filters, the dashboard's tables,
their CSV downloads, the API's area aggregates, the rows linked behind each figure, every
dataset's by-area download, the LAO benchmark and the dataset and organisation pages agree
to the baht, or the page shows the difference and its reason.

Every pair is computed, none assumed: where two figures differ, the test asserts that the
page says by how much (to the satang) and why, in Thai and in English. Two catalogs:

* the bundled samples published as `khlang demo` publishes them (synthetic, Chai Nat
  province), on SQLite and on PostgreSQL;
* the three real sources published by three agencies into one catalog (tests/published.py:
  govspending's FY2559-2562 Ministry of Interior extract, the FY2565 budget bill, WeVis's
  PAO budgets), on SQLite as `khlang catalog add` builds it, and on PostgreSQL.
"""

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
from tests.published import CATALOGS, SOURCES, catalog_home, published, shared_root

pytestmark = pytest.mark.slow
CENT = Decimal("0.01")
BY_AREA_STAGES = ("requested", "allocated", "transferred")
"""The stages an allocation-by-area table sums."""
Figures = dict[str, Decimal | None]
LANGUAGES = (("th", ""), ("en", "/en"))
PROVINCE_PAGES = 12
"""Province pages of the LAO benchmark checked per year, at most (about)."""


@pytest.fixture(
    scope="module",
    params=[("samples", "sqlite"), ("samples", "postgresql"), ("real", "sqlite"),
            ("real", "postgresql")],
    ids=lambda param: "-".join(param),
)  # fmt: skip
def client(request, tmp_path_factory, worker_id, shared_dir) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    catalog, database = request.param
    root = shared_root(tmp_path_factory, worker_id)
    if database == "sqlite":
        # the catalog a user builds with `khlang catalog init` and `catalog add`
        with TestClient(make_app(catalog_home(root, shared_dir, catalog))) as test_client:
            yield test_client
        return
    folders = [
        folder
        for source in CATALOGS[catalog]
        for folder in SOURCES[source].folders(published(root, shared_dir, source))
    ]
    home = tmp_path_factory.mktemp(f"same-{catalog}-{database}") / "home"
    with schema_url(reachable_server()) as url:
        with Catalog.open(home, url, create=True) as opened:
            for folder in folders:
                opened.publish(
                    folder, actor=Principal.operator("cli:tester"), create_organization=True
                )
        with TestClient(make_app(home, database_url=url)) as test_client:
            yield test_client


# --- reading pages and downloads -----------------------------------------------------------


def _baht(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value)).quantize(CENT)


def _table(html: str, panel: str) -> dict[str, Figures]:
    """Row code -> field -> exact value, of a table marked `data-panel`."""
    table = html.split(f'<table class="amounts" data-panel="{panel}">', 1)[1]
    table = table.split("</table>", 1)[0]
    return {
        code: {field: _baht(value) for field, value in re.findall(
            r'data-field="(\w+)" data-value="([^"]*)"', cells)}
        for code, cells in re.findall(r'<tr data-code="([^"]+)"[^>]*>(.*?)</tr>', table, re.S)
    }  # fmt: skip


def _benchmark(html: str) -> dict[str, Figures]:
    table = html.split('<table class="benchmark">', 1)[1].split("</table>", 1)[0]
    return {
        code: {field: None if value == "" else Decimal(value) for field, value in re.findall(
            r'data-field="(\w+)" data-value="([^"]*)"', cells)}
        for code, cells in re.findall(r'<tr[^>]* data-code="([^"]+)"[^>]*>(.*?)</tr>', table, re.S)
    }  # fmt: skip


def _notes(html: str) -> dict[str, str]:
    """Row code -> the page's note on it (differences and reasons)."""
    notes = "".join(
        part.split("</ul>", 1)[0] for part in html.split('<ul class="share-notes">')[1:]
    )
    return dict(re.findall(r'<li data-code="([^"]+)">(.*?)</li>', notes, re.S))


def _note_value(note: str, field: str) -> Decimal | None:
    found = re.search(rf'data-field="{field}" data-value="([^"]*)"', note)
    assert found, (field, note)
    return _baht(found.group(1))


def _api_totals(client: TestClient, by: str, **filters: object) -> dict[object, dict]:
    rows = client.get("/api/v1/area-budget/totals", params={"by": by, **filters}).json()["rows"]
    keys = by.split(",")
    return {
        (row["key"][keys[0]] if len(keys) == 1 else tuple(row["key"][k] for k in keys)): row
        for row in rows
    }


def _datasets(client: TestClient) -> list[dict]:
    listing = client.get("/api/v1/datasets", params={"size": 100}).json()["results"]
    return [client.get(f"/api/v1/datasets/{item['name']}").json() for item in listing]


def _resource(dataset: dict, filename: str) -> dict | None:
    return next((r for r in dataset["resources"] if r.get("filename") == filename), None)


def _csv_rows(client: TestClient, resource: dict) -> list[dict[str, str]]:
    text = client.get(resource["links"]["download_csv"]).content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _by_area(client: TestClient, resource: dict) -> dict[tuple[int, str | None], Figures]:
    """A dataset's own allocation-by-area table summed by year and province (None: rows
    placed in no province); an empty cell is no data, as in the store."""
    sums: dict[tuple[int, str | None], Figures] = defaultdict(dict)
    for row in _csv_rows(client, resource):
        figures = sums[int(row["fiscal_year"]), row["province_code"] or None]
        for stage in BY_AREA_STAGES:
            figures.setdefault(stage, None)
            if row[stage] != "":
                figures[stage] = (figures[stage] or Decimal(0)) + Decimal(row[stage])
    return sums


def _stage(row: dict | None, stage: str) -> Decimal | None:
    return _baht(row[stage]) if row else None


# --- the pairs -----------------------------------------------------------------------------


def test_dashboard_csv_api_and_evidence_agree_to_the_baht(client) -> None:
    """Every province table of the dashboard, both scopes, every year: page = CSV = API,
    and the rows linked behind the largest figure sum to it."""
    years = _api_totals(client, "scope,fiscal_year")
    assert years
    for scope, year in years:
        params = {"year": year} | ({"scope": scope} if scope != "state" else {})
        page = _table(client.get("/dashboard", params=params).text, "by-province")
        api = _api_totals(client, "province", scope=scope, fiscal_year=year)
        from_api = {code: row for code, row in api.items() if code}
        assert page.keys() == from_api.keys(), (scope, year)
        text = client.get("/dashboard/table.csv", params={"panel": "by-province", **params})
        from_csv = {
            row["code"]: row
            for row in csv.DictReader(io.StringIO(text.content.decode("utf-8-sig")))
            if row["code"]
        }
        assert from_csv.keys() == page.keys()
        for code, figures in page.items():
            for stage, shown in figures.items():
                assert shown == _stage(from_api[code], stage), (scope, year, code, stage, "api")
                assert shown == _baht(from_csv[code][stage]), (scope, year, code, stage, "csv")
        if not page:
            continue
        # the rows linked behind a figure sum to it (a year may have obligations only)
        code, figures = max(page.items(), key=lambda item: item[1]["allocated"] or 0)
        stage, value = next((s, v) for s, v in figures.items() if v is not None)
        evidence = client.get(
            "/api/v1/area-budget/amounts",
            params={"scope": scope, "fiscal_year": year, "province": code,
                    "stage": stage, "limit": 1000},
        ).json()  # fmt: skip
        assert evidence["count"] == len(evidence["amounts"]), "more than a page: pick another"
        summed = sum(Decimal(row["amount"]) for row in evidence["amounts"])
        assert summed == value, (scope, year, code, stage)


def test_every_by_area_download_is_the_dashboard_or_its_page_says_why(client) -> None:
    """A dataset's allocation by area, year and province, against the store's count of that
    dataset and against the dashboard's province table (every agency): equal, or the dataset
    page gives that year the difference and its reason."""
    compared = 0
    for dataset in _datasets(client):
        resource = _resource(dataset, "allocation-by-area.csv")
        if resource is None:
            continue
        name = dataset["name"]
        download = _by_area(client, resource)
        share = {lang: client.get(f"{prefix}/dataset/{name}").text for lang, prefix in LANGUAGES}
        own_rows = _table(share["th"], "area-share")
        notes = {lang: _notes(html) for lang, html in share.items()}
        for year in sorted({year for year, _ in download}):
            own = _api_totals(client, "province", dataset=name, fiscal_year=year)
            everyone = _api_totals(client, "province", scope="state", fiscal_year=year)
            page = _table(client.get("/dashboard", params={"year": year}).text, "by-province")
            for (y, province), figures in download.items():
                if y != year:
                    continue
                for stage, value in figures.items():
                    # the dataset's own rows are what the store counts of it
                    assert value == _stage(own.get(province), stage), (name, y, province, stage)
                    if province is not None:
                        assert page[province].get(stage) == _stage(everyone[province], stage)
                        compared += 1
                        if value != _stage(everyone[province], stage):
                            # the dashboard adds other agencies' amounts: the page says so
                            note = notes["th"][f"state-{year}"]
                            assert 'data-reason="other-sources"' in note, (name, year)
                            assert 'data-reason="other-sources"' in notes["en"][f"state-{year}"]
                assert not own.get(province, {}).get("duplicates") or (
                    'data-reason="duplicates"' in notes["th"][f"state-{year}"]
                ), (name, year, province)
            # the page's own figure of the year is the download's sum, every province and none
            for stage in BY_AREA_STAGES:
                values = [f[stage] for (y, _), f in download.items() if y == year]
                summed = sum((v for v in values if v is not None), Decimal(0))
                expected = summed if any(v is not None for v in values) else None
                assert own_rows[f"state-{year}"].get(f"own_{stage}") == expected, (name, stage)
    assert compared


def test_dataset_and_organisation_pages_agree_with_the_api_and_the_dashboard(client) -> None:
    """Each page's own figures are the API's totals of that dataset or organisation; its
    dashboard figures are the dashboard's year table; where they differ the page shows the
    difference to the satang and its reason, in Thai and in English; an organisation's
    figures are the sum of its datasets'."""
    dashboards: dict[str, dict[str, Figures]] = {}
    for scope in ("state", "local"):
        params = {"scope": scope} if scope != "state" else {}
        html = client.get("/dashboard", params=params).text
        if 'data-panel="by-fiscal-year"' in html:
            dashboards[scope] = _table(html, "by-fiscal-year")
    organisations: dict[str, list[str]] = defaultdict(list)
    for dataset in _datasets(client):
        organisations[dataset["organization"]].append(dataset["name"])
    checked = 0
    subjects = [("dataset", name) for names in organisations.values() for name in names]
    for subject, name in [*subjects, *(("organization", org) for org in organisations)]:
        path = f"/{subject}/{name}"
        pages = {
            lang: client.get(prefix + path).text for lang, prefix in (("th", ""), ("en", "/en"))
        }
        # the page's rows: every year the subject has amounts, counted or all counted from
        # another source (`uncounted`: their figures no data, the page says where they went)
        api = _api_totals(client, "scope,fiscal_year", uncounted="true", **{subject: name})
        if not api:
            assert 'data-panel="area-share"' not in pages["th"], path
            continue
        shown = _table(pages["th"], "area-share")
        assert shown == _table(pages["en"], "area-share"), path
        assert set(shown) == {f"{scope}-{year}" for scope, year in api}, path
        notes = {lang: _notes(html) for lang, html in pages.items()}
        for (scope, year), row in api.items():
            code = f"{scope}-{year}"
            whole = dashboards[scope][str(year)]
            for field, value in shown[code].items():
                side, stage = field.split("_", 1)
                if side == "own":
                    assert value == _stage(row, stage), (path, code, stage)
                    continue
                assert value == whole.get(stage), (path, code, stage, "dashboard")
                own = shown[code][f"own_{stage}"]
                for lang in ("th", "en"):
                    note = notes[lang][code]
                    if value == own:
                        assert f'data-field="difference_{stage}"' not in note
                        continue
                    assert _note_value(note, f"difference_{stage}") == (value or 0) - (own or 0)
                    assert 'data-reason="other-sources"' in note, (path, code, lang)
                checked += 1
            if row["duplicates"]:
                assert 'data-reason="duplicates"' in notes["th"][code], (path, code)
        if subject == "organization":
            # an organisation's figure is its datasets' figures added up
            for (scope, year), row in api.items():
                parts = [
                    _api_totals(client, "scope,fiscal_year", dataset=d).get((scope, year))
                    for d in organisations[name]
                ]
                for stage in ("allocated", "disbursed"):
                    values = [_stage(part, stage) for part in parts if part]
                    present = [v for v in values if v is not None]
                    assert _stage(row, stage) == (sum(present) if present else None)
    assert checked


def test_the_lao_benchmark_agrees_with_the_store_or_says_why(client) -> None:
    """Every LAO of the benchmark card, every year, for the country and the provinces: its
    expenditure budget is the benchmark download's, and the store's LAO own-budget figure
    (local scope) unless the card gives the difference and its reason; its disbursement
    rate is the store's (the dashboard's LAO table and the API), and where the benchmark
    table's own rate differs the card says so."""
    benchmark = next((d for d in _datasets(client) if d["name"].endswith("lao-benchmark")), None)
    assert benchmark is not None
    resource = next(r for r in benchmark["resources"] if r["tabular"])
    downloaded = {
        (int(row["fiscal_year"]), row["lao_key"]): row for row in _csv_rows(client, resource)
    }
    # the card of the whole country (the top LAOs) and of every province with LAOs that
    # year; a catalog of many provinces (WeVis: 76) has a spread of PROVINCE_PAGES of them
    places: list[tuple[int, str | None]] = []
    for year in sorted({year for year, _ in downloaded}):
        provinces = sorted(
            {row["province_code"] for (y, _), row in downloaded.items() if y == year}
        )
        spread = provinces[:: max(1, len(provinces) // PROVINCE_PAGES)]
        places += [(year, None), *((year, province) for province in spread)]
    checked = 0
    for year, province in places:
        params = {"year": year} | ({"province": province} if province else {})
        html = client.get("/dashboard", params=params).text
        card, notes = _benchmark(html), _notes(html)
        area = {"province": province} if province else {}
        local = _api_totals(client, "lao", scope="local", fiscal_year=year, **area)
        state = _api_totals(client, "lao", scope="state", fiscal_year=year, **area)
        assert card, (year, province)
        for lao, shown in card.items():
            row = downloaded[year, lao]
            assert _baht(shown["expenditure_budget"]) == _baht(row["expenditure_budget"])
            counted = _stage(local.get(lao), "allocated")
            if counted != _baht(row["expenditure_budget"]):
                assert _note_value(notes[lao], "budget_difference") == (counted or 0) - (
                    _baht(row["expenditure_budget"]) or 0
                )
                assert 'data-reason="benchmark-source"' in notes[lao]
            rate = state[lao]["disbursement_rate"] if lao in state else None
            assert (shown["rate"] is None) == (rate is None), (year, lao)
            if rate is not None:
                assert abs(float(shown["rate"]) - rate) < 1e-9, (year, lao)
            table_rate = None if row["disbursement_rate"] == "" else float(row["disbursement_rate"])
            same = (table_rate is None) == (rate is None) and (
                rate is None or abs(rate - table_rate) < 0.005
            )
            if not same:
                assert 'data-field="table_rate"' in notes[lao], (year, lao)
                assert 'data-reason="benchmark-source"' in notes[lao], (year, lao)
            checked += 1
    assert checked


@pytest.mark.parametrize(
    "client", [("real", "sqlite"), ("real", "postgresql")], indirect=True, ids=["sqlite", "pg"]
)
def test_the_real_totals_on_the_dashboard_are_the_files(client) -> None:
    """The FY2561 Ministry of Interior and FY2565 budget bill figures the dashboard shows
    are the source files' totals (tests/catalog/test_area_budget_real.py derives them: the
    govspending file less the 127 repeated records its publish report lists, and the bill's
    files as they are), and each is one agency's, as its organisation page says."""
    by_year = _table(client.get("/dashboard").text, "by-fiscal-year")
    assert by_year["2561"]["allocated"] == Decimal("384934267200.00")
    assert by_year["2561"]["disbursed"] == Decimal("328851699436.85")
    assert by_year["2565"]["allocated"] == Decimal("1087069531036.00")
    for organisation, year in (("moi-watch", 2561), ("budget-bill-watch", 2565)):
        own = _table(client.get(f"/organization/{organisation}").text, "area-share")
        assert own[f"state-{year}"]["own_allocated"] == by_year[str(year)]["allocated"]
