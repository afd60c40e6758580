"""The web pages over HTTP: every page in both languages, the figures they show against the
data and the API, and search, preview, chart, versions and error pages."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest

from khlang.metadata.fields import MANDATORY_FIELDS
from tests.web.conftest import make_app
from tests.web.fixture import ORGANIZATION, budget_rows, needs_rows

DATASET = "chiang-mai-budget-allocation"
PAGES = [
    "/",
    "/search",
    "/search?q=งบประมาณ",
    "/organization",
    f"/organization/{ORGANIZATION}",
    f"/organization/{ORGANIZATION}/officer",
    f"/dataset/{DATASET}",
    "/dashboard",
    "/dashboard?province=50",
    "/dashboard?province=50&district=5001",
]


class Page(HTMLParser):
    """What a test reads of a page: its language, links, table cells and JSON-LD."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = None
        self.links: list[tuple[str, str]] = []
        self.cells: list[dict[str, str]] = []
        self.jsonld: list[str] = []
        self._href: str | None = None
        self._text: list[str] = []
        self._script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "a" and "href" in values:
            self._href, self._text = values["href"], []
        elif tag == "td" and "data-field" in values:
            self.cells.append(values)
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._script = True

    def handle_endtag(self, tag) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None
        elif tag == "script":
            self._script = False

    def handle_data(self, data) -> None:
        if self._href is not None:
            self._text.append(data)
        if self._script:
            self.jsonld.append(data)

    def link(self, text: str) -> str:
        return next(href for href, label in self.links if label == text)


def get(client, path: str, status: int = 200) -> Page:
    response = client.get(path)
    assert response.status_code == status, (path, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_both_languages_with_a_switch(client, path) -> None:
    thai = get(client, path)
    english = get(client, "/en" + path)
    assert thai.lang == "th"
    assert english.lang == "en"
    english_path = "/en/" if path == "/" else "/en" + path
    assert unquote(thai.link("English")) == english_path
    assert unquote(english.link("ภาษาไทย")) == path


def test_pages_load_nothing_from_other_hosts(client) -> None:
    for path in PAGES:
        html = client.get(path).text
        assert "<script src" not in html
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
            assert url.startswith("http://testserver"), (path, url)


def test_search_thai_words_with_or_without_spaces(client) -> None:
    spaced = get(client, "/search?q=งบประมาณ เชียงใหม่")
    joined = get(client, "/search?q=งบประมาณเชียงใหม่")
    datasets = [href for href, _ in spaced.links if href.startswith("/dataset/")]
    assert datasets[0] == f"/dataset/{DATASET}"
    assert datasets == [href for href, _ in joined.links if href.startswith("/dataset/")]
    english = get(client, "/en/search?q=budget allocation Chiang Mai")
    assert english.links[[h for h, _ in english.links].index(f"/en/dataset/{DATASET}")]


def test_a_district_name_points_to_its_provinces_datasets(client) -> None:
    """Datasets name the provinces they cover: a reader who searches for a district of
    Chiang Mai finds none, and is sent to Chiang Mai's datasets, in Thai and English."""
    html = client.get("/search?q=อำเภอแม่ริม").text
    assert "ไม่พบชุดข้อมูลที่ตรงกับคำค้น" in html
    link = next(href for href, text in Page(html).links if text == "ชุดข้อมูลของจังหวัดเชียงใหม่")
    assert f"/dataset/{DATASET}" in client.get(link).text
    english = client.get("/en/search?q=Mae Rim").text
    link = next(href for href, text in Page(english).links if text == "datasets of Chiang Mai")
    assert link.startswith("/en/search")
    assert "Mae Rim district (Chiang Mai)" in english
    assert "place-hint" not in client.get("/search?q=ไม่มีคำนี้แน่นอน").text


def test_search_facets_are_links_that_filter(client) -> None:
    page = get(client, "/search")
    statistical = next(href for href, text in page.links if text == "ข้อมูลสถิติ")
    filtered = client.get(statistical).text
    assert "ข้อมูลสถิติ ✕" not in filtered  # the selected value is shown with its remove link
    assert 'aria-current="true">ข้อมูลสถิติ' in filtered
    english = get(client, "/en/search")
    assert any(text == "Statistical data" for _, text in english.links)


def test_dataset_page_shows_the_14_items_with_official_labels(client) -> None:
    html = client.get(f"/dataset/{DATASET}").text
    for spec in MANDATORY_FIELDS:
        if spec.key != "update_frequency_interval":
            assert spec.label.th in html
            assert spec.label.en in html
    for link in ("datapackage.json", "metadata.ttl", "metadata.jsonld", "metadata.rdf"):
        assert link in html


def test_dataset_links_resolve(client) -> None:
    page = get(client, f"/dataset/{DATASET}")
    wanted = ("datapackage.json", "DCAT-AP (Turtle)", "ดาวน์โหลด CSV", "CKAN package_show")
    for text in wanted:
        href = next(h for h, label in page.links if label.startswith(text))
        response = client.get(href)
        assert response.status_code == 200, (text, href)


def test_dataset_jsonld_is_a_schema_org_dataset(client) -> None:
    page = get(client, f"/dataset/{DATASET}")
    document = json.loads("".join(page.jsonld))
    assert document["@type"] == "Dataset"
    assert document["name"].startswith("งบประมาณรายจ่าย")
    assert document["url"].endswith(f"/dataset/{DATASET}")
    assert {item["encodingFormat"] for item in document["distribution"]} >= {"text/csv"}
    assert document["license"].startswith("https://")


def _preview_column(html: str, position: int) -> list[str]:
    table = html.split('<table class="preview">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[position] for row in rows]


def test_preview_sorts_pages_and_filters(client) -> None:
    allocated = sorted((row["allocated"] for row in budget_rows()), reverse=True)
    html = client.get(f"/dataset/{DATASET}?sort=-allocated").text
    shown = [float(cell.replace(",", "")) for cell in _preview_column(html, 9)]
    assert shown == allocated[:20]
    second = client.get(f"/dataset/{DATASET}?sort=-allocated&page=2").text
    assert [float(c.replace(",", "")) for c in _preview_column(second, 9)] == allocated[20:40]
    nakhon = [row for row in budget_rows() if row["province_code"] == "26"]
    filtered = client.get(f"/dataset/{DATASET}", params={"filter": "province_code=26"}).text
    assert f"{len(nakhon):,} แถว" in filtered
    form = {"filter": "province_code=50", "fcol": "allocated", "fop": "gte", "fval": "4000000"}
    added = client.get(f"/dataset/{DATASET}", params=form, follow_redirects=False)
    assert added.status_code == 303  # to the page's own address for these filters
    target = added.headers["location"]
    assert "fcol" not in target
    assert "allocated__gte%3D4000000" in target
    html = client.get(target).text
    expected = sum(r["allocated"] >= 4e6 and r["province_code"] == "50" for r in budget_rows())
    assert f"{expected:,} แถว" in html
    assert "filter=allocated__gte%3D4000000" in html  # kept in the sort and page links


def test_a_bad_filter_is_a_clear_400_not_a_server_error(client) -> None:
    response = client.get(f"/dataset/{DATASET}", params={"filter": "allocated__gte=many"})
    assert response.status_code == 400
    assert "allocated__gte" in response.text
    unknown = client.get(f"/en/dataset/{DATASET}", params={"filter": "provinse=50"})
    assert unknown.status_code == 400
    assert "did you mean province" in unknown.text


def test_chart_of_a_measure_by_a_dimension(client) -> None:
    html = client.get(
        f"/en/dataset/{DATASET}", params={"measure": "disbursed", "by": "budget_type"}
    ).text
    totals: dict[str, float] = defaultdict(float)
    for row in budget_rows():
        totals[row["budget_type"]] += row["disbursed"]
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Sum Disbursed (million baht)" in svg  # the axis in millions says so
    for budget_type, total in totals.items():
        shown = f"{total / 1e6:,.2f}".rstrip("0").rstrip(".")
        # each bar's label too: its figure is in millions, not baht
        assert f'aria-label="{budget_type}, Sum Disbursed (million baht): {shown}"' in svg
    assert "(baht): " not in svg
    assert "_group=budget_type" in html
    assert "_agg=sum%3Adisbursed" in html


def _chart_bars(html: str) -> dict[str, float]:
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    found = re.findall(r'aria-label="([^",]+), [^:"]+: ([\d,.]+)"', svg)
    return {category: float(value.replace(",", "")) for category, value in found}


def test_the_default_chart_is_money_by_area_spread_over_several_bars(client) -> None:
    html = client.get(f"/en/dataset/{DATASET}").text
    bars = _chart_bars(html)
    assert "Sum Allocated (million baht)" in html  # the amount with the largest total
    assert len(bars) > 1
    assert max(bars.values()) < 0.9 * sum(bars.values())
    # one province's rows by province would be one bar: the chart goes down to districts
    one = client.get(f"/en/dataset/{DATASET}", params={"filter": "province_code=50"}).text
    districts = {row["district_name"] for row in budget_rows() if row["province_code"] == "50"}
    assert set(_chart_bars(one)) == districts
    assert "_group=district_name" in one


def test_each_table_is_one_card_with_every_format(client) -> None:
    page = get(client, f"/en/dataset/{DATASET}")
    html = client.get(f"/en/dataset/{DATASET}").text
    files = html.split('id="resources"', 1)[1].split('id="preview"', 1)[0]
    assert files.count('class="card table-card"') == 1  # one table, published as CSV
    labels = [label for _, label in page.links if label.startswith("Download ")]
    assert [label.split(" ")[1] for label in labels] == ["CSV", "JSON", "Parquet"]
    excel = next(href for href, label in page.links if label.startswith("CSV for Excel"))
    assert excel.endswith("download.csv?bom=1&headers=th")
    answer = client.get(excel)
    header = answer.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("รหัสรายการงบประมาณ,ปีงบประมาณ (พ.ศ.),รหัสจังหวัด")
    disposition = answer.headers["content-disposition"]
    assert f"{DATASET}-budget-lines-v2.csv" in disposition


def test_version_history_links_older_versions(client) -> None:
    page = get(client, f"/dataset/{DATASET}")
    assert (f"/dataset/{DATASET}?version=1", "1") in page.links
    old = client.get(f"/en/dataset/{DATASET}?version=1").text
    assert "You are looking at an older version." in old


def _sums(rows, key) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        for amount in ("allocated", "committed", "disbursed"):
            totals[row[key] or ""][amount] += row[amount]
    return totals


def assert_amounts(shown: dict, expected: dict) -> None:
    assert shown.keys() == expected.keys()
    for code, amounts in expected.items():
        assert shown[code] == pytest.approx(dict(amounts)), code


def _table(html: str, panel: str) -> dict[str, dict[str, float]]:
    """Rows of the dashboard table of a panel (`by-province`): code -> field -> value."""
    table = html.split(f'<table class="amounts" data-panel="{panel}">', 1)[1]
    table = table.split("</table>", 1)[0]
    found: dict[str, dict[str, float]] = {}
    for code, cells in re.findall(r'<tr data-code="([^"]+)"[^>]*>(.*?)</tr>', table, re.S):
        found[code] = {
            field: float(value)
            for field, value in re.findall(r'data-field="(\w+)" data-value="([^"]*)"', cells)
            if field in ("allocated", "committed", "disbursed")
        }
    return found


def test_dashboard_drills_from_province_to_lao_with_the_right_figures(client) -> None:
    rows = [row for row in budget_rows() if row["fiscal_year"] == 2568]
    html = client.get("/dashboard?year=2568").text
    provinces = _table(html, "by-province")
    assert_amounts(provinces, _sums([r for r in rows if r["province_code"]], "province_code"))
    districts = _table(client.get("/dashboard?year=2568&province=50").text, "by-district")
    assert_amounts(
        districts, _sums([r for r in rows if r["province_code"] == "50"], "district_code")
    )
    laos = client.get("/dashboard?year=2568&province=50&district=5002").text
    assert "เทศบาลตำบลจอมทอง" in laos  # LAO names come from the benchmark table
    by_lao = _table(laos, "by-lao")
    assert_amounts(by_lao, _sums([r for r in rows if r["district_code"] == "5002"], "lao_key"))


def test_dashboard_figures_are_the_sums_of_the_rows_linked_behind_them(client) -> None:
    html = client.get("/dashboard?year=2567&province=26&budget_type=subsidy").text
    shown = _table(html, "by-district")
    assert shown
    for code, figures in shown.items():
        link = re.search(
            rf'<tr data-code="{code}".*?<a href="([^"]+)&amp;stage=allocated"', html, re.S
        )
        assert link is not None
        url = link.group(1).replace("&amp;", "&") + "&stage=allocated"
        assert "budget_type=subsidy" in url
        assert f"district={code}" in url
        page = client.get(url).text
        table = page.split('<table class="evidence">', 1)[1].split("</table>", 1)[0]
        amounts = [
            float(v.replace(",", "")) for v in re.findall(r'<td class="num">([\d,.]+)</td>', table)
        ]
        assert sum(amounts) == pytest.approx(figures["allocated"])
        assert "chiang-mai-budget-allocation" in table
    # and the API query linked beside the table gives the same figures
    section = html.split('data-panel="by-district"', 1)[1]
    api = re.search(r'<a href="(http://testserver/api/v1/area-budget/totals\?[^"]+)"', section)
    assert api is not None
    rows = client.get(api.group(1).replace("&amp;", "&")).json()["rows"]
    from_api = {
        row["key"]["district"]: {s: float(row[s]) for s in ("allocated", "committed", "disbursed")}
        for row in rows
        if row["key"]["district"]
    }
    assert_amounts(shown, from_api)


def test_no_data_is_shown_as_such_never_as_zero(client) -> None:
    """The fixture's lines have no transferred amounts: the stage has no column, and a
    figure no source reports reads "no data"."""
    html = client.get("/en/dashboard?year=2568&scope=local").text
    assert "no area-budget datasets" in html or "no data" in html
    html = client.get("/en/dashboard?year=2568").text
    assert 'data-field="transferred"' not in html


def test_a_panel_downloads_as_csv_with_a_bom(client) -> None:
    answer = client.get("/dashboard/table.csv?panel=by-district&year=2568&province=50")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    html = client.get("/dashboard?year=2568&province=50").text
    shown = _table(html, "by-district")
    from_csv = {r["code"]: float(r["allocated"]) for r in rows if r["code"]}
    assert from_csv == pytest.approx({code: f["allocated"] for code, f in shown.items()})
    assert all(r["rows_url"].startswith("http://testserver/dashboard/amounts?") for r in rows)
    assert client.get("/dashboard/table.csv?panel=nope").status_code == 404


def test_a_citizen_finds_their_tambon_by_its_name(client) -> None:
    html = client.get("/dashboard", params={"place": "ข่วงเปา"}).text
    found = html.split('class="found"', 1)[1].split("</section>", 1)[0]
    link = re.search(r'href="([^"]*subdistrict=500204[^"]*)"', found)
    assert link is not None
    tambon = client.get(link.group(1).replace("&amp;", "&")).text
    assert '<strong aria-current="location">ข่วงเปา</strong>' in tambon
    english = client.get("/en/dashboard", params={"place": "khuang pao"}).text
    assert "subdistrict=500204" in english.split('class="found"', 1)[1]


def test_every_measure_label_links_to_the_glossary(client) -> None:
    html = client.get("/dashboard?year=2568").text
    for key in ("allocated", "committed", "disbursed", "disbursement-rate"):
        assert f'/dashboard/glossary#{key}"' in html
    glossary = client.get("/dashboard/glossary").text
    for word in ("จัดสรร", "โอนจัดสรร", "ก่อหนี้ผูกพัน", "เบิกจ่าย", "งบลงทุน"):
        assert word in glossary


def test_dashboard_needs_by_strategic_area(client) -> None:
    html = client.get("/en/dashboard?year=2566&province=50").text
    needs = [r for r in needs_rows() if r["fiscal_year"] == 2566 and r["province_code"] == "50"]
    table = html.split('<table class="needs">', 1)[1].split("</table>", 1)[0]
    economy = re.search(r"Economy</th><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)", table)
    assert economy is not None
    in_economy = [r for r in needs if r["strategic_area"] == "economy"]
    assert int(economy.group(1)) == len(in_economy)
    assert int(economy.group(2)) == sum(1 for r in in_economy if r["answered_by"])


def test_dashboard_benchmark_ranks_laos_of_the_province(client) -> None:
    html = client.get("/en/dashboard?year=2568&province=26&lao_type=TAO").text
    table = html.split('<table class="benchmark">', 1)[1].split("</table>", 1)[0]
    keys = re.findall(r'data-code="([^"]+)"', table)
    assert keys
    assert all(key.startswith("TAO-26") for key in keys)
    lao = client.get(f"/en/dashboard?year=2568&province=26&district=2601&lao={keys[0]}").text
    assert "rank in province" in lao


def test_officer_view_shows_the_three_steps_and_what_to_fix(client) -> None:
    html = client.get(f"/en/organization/{ORGANIZATION}/officer").text
    for level in ("50", "75", "100"):
        assert f'<span class="points">{level}</span>' in html
    assert "What to fix first" in html
    assert "Publish 2 more dataset(s)" in html  # three public datasets, five needed
    for name in ("chiang-mai-budget-allocation", "chiang-mai-citizens-needs"):
        assert f"/en/dataset/{name}" in html
    # the catalog serves every file at a download URL: no advice to add one
    assert "Download URL" not in html
    compliance = client.get(f"/api/v1/datasets/{DATASET}/compliance").json()
    indicator = next(i for i in compliance["mqa"]["indicators"] if i["key"] == "download_url")
    assert indicator["status"] == "met"


@pytest.mark.parametrize(
    "path",
    [
        "/dataset/no-such-dataset",
        "/en/dataset/no-such-dataset",
        "/organization/no-such-office",
        "/organization/no-such-office/officer",
        "/no/such/page",
        "/en/no/such/page",
    ],
)
def test_unknown_things_get_a_helpful_404_in_the_page_language(client, path) -> None:
    page = get(client, path, status=404)
    assert page.lang == ("en" if path.startswith("/en/") else "th")
    assert any(href.endswith("/search") for href, _ in page.links)


def test_the_api_keeps_its_json_errors(client) -> None:
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_sitemap_lists_every_dataset_in_both_languages(client) -> None:
    response = client.get("/sitemap.xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own sitemap)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = {element.text for element in root.iter(f"{namespace}loc")}
    assert f"http://testserver/dataset/{DATASET}" in locations
    assert f"http://testserver/en/dataset/{DATASET}" in locations
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").text


def test_downloads_are_counted_for_the_home_page(client) -> None:
    page = get(client, f"/dataset/{DATASET}")
    csv_link = next(h for h, label in page.links if label.startswith("ดาวน์โหลด CSV"))
    assert client.get(csv_link).status_code == 200
    home = client.get("/").text
    popular = home.split('id="popular"', 1)[1]
    assert f"/dataset/{DATASET}" in popular


def test_static_files_are_cached_for_a_year(client) -> None:
    css = re.search(r'href="(/static/web/site\.css\?v=\w+)"', client.get("/").text)
    assert css is not None
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


def test_the_site_without_the_dashboard_serves_every_generic_page(web_home) -> None:
    """The budget dashboard is a mounted part: without it every other page is served in both
    languages, none links to it, and the sitemap leaves it out."""
    from fastapi.testclient import TestClient

    with TestClient(make_app(web_home, dashboard=False), base_url="http://testserver") as bare:
        for path in (path for path in PAGES if not path.startswith("/dashboard")):
            for page in (get(bare, path), get(bare, "/en" + path)):
                assert not [href for href, _ in page.links if "/dashboard" in href], path
        assert bare.get("/dashboard").status_code == 404
        assert bare.get("/en/dashboard/glossary").status_code == 404
        sitemap = bare.get("/sitemap.xml").text
        assert "/organization" in sitemap
        assert "/dashboard" not in sitemap
