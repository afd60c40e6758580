"""The site in a real browser: Debian's Chromium, headless, driven by Playwright, with
scripts disabled (every page and form must work without them).

Each test follows what a person does: search in Thai, switch to English, page and sort a
preview and download its CSV, drill down the dashboard and check the figures against the
API, open the data officer's view. Screenshots of every page, in Thai and English, at
desktop and phone widths, go to test-artifacts/web/.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.web.fixture import ORGANIZATION, budget_rows

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
DATASET = "chiang-mai-budget-allocation"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
        locale="th-TH",
    )
    opened = context.new_page()
    yield opened
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_in_thai_finds_the_dataset(page) -> None:
    page.goto("/")
    page.get_by_role("searchbox", name="ค้นหาชุดข้อมูล").fill("งบประมาณ เชียงใหม่")
    page.get_by_role("button", name="ค้นหา").click()
    page.wait_for_url(re.compile(r"/search\?q="))
    result = page.get_by_role("link", name="งบประมาณรายจ่ายที่ได้รับจัดสรรรายพื้นที่ จังหวัดเชียงใหม่")
    result.click()
    page.wait_for_url(f"**/dataset/{DATASET}")
    assert "งบประมาณรายจ่ายที่ได้รับจัดสรร" in page.locator("h1").inner_text()


def test_switch_to_english_keeps_the_page(page) -> None:
    page.goto(f"/dataset/{DATASET}?sort=-allocated")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"**/en/dataset/{DATASET}?sort=-allocated")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Budget allocation by area, Chiang Mai"
    page.get_by_role("link", name="ภาษาไทย").click()
    page.wait_for_url(re.compile(rf"://[^/]+/dataset/{DATASET}\?sort=-allocated"))
    assert page.locator("html").get_attribute("lang") == "th"


def _allocated_column(page) -> list[float]:
    headers = page.locator("table.preview thead th").all_inner_texts()
    position = next(i for i, text in enumerate(headers) if text.startswith("Allocated"))
    cells = page.locator(f"table.preview tbody tr td:nth-child({position + 1})")
    return [float(text.replace(",", "")) for text in cells.all_inner_texts()]


def test_preview_sort_page_and_download_the_csv(page) -> None:
    expected = sorted((row["allocated"] for row in budget_rows()), reverse=True)
    page.goto(f"/en/dataset/{DATASET}")
    header = page.locator("table.preview thead").get_by_role("link", name=re.compile("^Allocated"))
    header.click()  # ascending
    # each click is a page load (no scripts): read the table once the new page has loaded,
    # not while the old one is still shown
    page.wait_for_url(re.compile(r"[?&]sort=allocated\b"))
    page.locator("table.preview thead").get_by_role("link", name=re.compile("^Allocated")).click()
    page.wait_for_url(re.compile(r"[?&]sort=-allocated\b"))
    assert _allocated_column(page) == expected[:20]
    page.get_by_role("link", name="Next ›").first.click()
    page.wait_for_url(re.compile(r"[?&]page=2\b"))
    assert _allocated_column(page) == expected[20:40]
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download CSV")).first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(budget_rows())
    assert rows[0].keys() >= {"line_id", "allocated", "committed", "disbursed"}
    total = sum(float(row["allocated"]) for row in rows)
    assert total == pytest.approx(sum(row["allocated"] for row in budget_rows()))


@pytest.mark.slow  # 8-11 s: four dashboard pages, from the map down, and a download in Chromium
def test_drill_from_the_map_to_an_lao_and_download_its_table(page) -> None:
    page.goto("/dashboard?year=2568")
    # the coloured square lies over the grey one; both lead to the province
    page.locator('figure.map .layer_1_marks [aria-label^="เชียงใหม่:"]').click()
    page.wait_for_url("**province=50**")
    page.locator('table[data-panel="by-district"]').get_by_role("link", name="จอมทอง").click()
    page.wait_for_url("**district=5002**")
    table = page.locator('table[data-panel="by-lao"]')
    shown = {}
    for row in table.locator("tbody tr[data-code]").all():
        cells = row.locator("td[data-field]").all()
        shown[row.get_attribute("data-code")] = {
            cell.get_attribute("data-field"): float(cell.get_attribute("data-value"))
            for cell in cells
            if cell.get_attribute("data-value")
        }
    lines = [r for r in budget_rows() if r["fiscal_year"] == 2568 and r["district_code"] == "5002"]
    assert shown.keys() == {r["lao_key"] for r in lines}
    lao = table.locator("tbody tr[data-code]").first
    key = lao.get_attribute("data-code")
    lao.locator("th").get_by_role("link").click()
    page.wait_for_url(f"**lao={key}**")
    allocated = sum(r["allocated"] for r in lines if r["lao_key"] == key)
    assert f"{allocated / 1e6:,.2f}" in page.locator("ul.stats").first.inner_text()
    with page.expect_download() as download:
        page.locator("#by-budget-type").locator("..").get_by_role(
            "link", name="ดาวน์โหลดตารางนี้ (CSV)"
        ).click()
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_type = {r["code"]: float(r["allocated"]) for r in rows if r["code"]}
    expected: dict[str, float] = {}
    for r in lines:
        if r["lao_key"] == key:
            expected[r["budget_type"]] = expected.get(r["budget_type"], 0) + r["allocated"]
    assert by_type == pytest.approx(expected)


def test_the_data_officer_view(page) -> None:
    page.goto(f"/en/organization/{ORGANIZATION}")
    page.get_by_role("link", name=re.compile("Data officer view")).click()
    page.wait_for_url(f"**/en/organization/{ORGANIZATION}/officer")
    assert page.get_by_role("heading", name="What to fix first").is_visible()
    steps = page.locator("#steps + ol.steps > li .points").all_inner_texts()
    assert steps == ["50", "75", "100"]


PAGES = {
    "home": "/",
    "search": "/search?q=งบประมาณ",
    "dataset": f"/dataset/{DATASET}",
    "dashboard": "/dashboard?year=2568",
    "dashboard-province": "/dashboard?year=2568&province=50",
    "dashboard-lao": "/dashboard?year=2568&province=50&district=5002&lao=TAO-500201",
    "dashboard-rows": "/dashboard/amounts?scope=state&fiscal_year=2568&province=50",
    "glossary": "/dashboard/glossary",
    "organization": f"/organization/{ORGANIZATION}",
    "officer": f"/organization/{ORGANIZATION}/officer",
    "not-found": "/dataset/no-such-dataset",
}


@pytest.mark.slow
def test_screenshots_of_every_page(browser, live_server) -> None:
    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=False,
            viewport={"width": width, "height": height},
            device_scale_factor=1,
        )
        opened = context.new_page()
        for name, path in PAGES.items():
            for lang, prefix in (("th", ""), ("en", "/en")):
                response = opened.goto(prefix + path)
                assert response is not None
                assert response.status == (404 if name == "not-found" else 200), path
                # nothing wider than the screen, except inside a scrolling table
                overflow = opened.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, (name, lang, width_name, overflow)
                shot(opened, f"{name}-{lang}-{width_name}")
        context.close()
