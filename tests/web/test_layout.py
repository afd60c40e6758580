"""Every kind of page fits a phone (390 px) and a desktop (1280 px), in Thai and English, on
the catalog `khlang demo` builds (seven datasets of a whole province, three copies of each
table, long Thai names): no horizontal overflow of the page, no chart label or title cut
off at the chart's edge, no running text squeezed into a column narrower than 200 px
(tests/web/layout.py says how each is measured).

The dashboard's pages are among them: the country, a province, a district, an LAO (with its
benchmark card and long LAO names), the rows behind a figure (the evidence table) and the
glossary.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.web.layout import WIDTHS, layout_problems

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


def page_kinds(address: str) -> dict[str, str]:
    """One address of every kind of page, with this demo's names."""
    datasets = httpx.get(f"{address}/api/v1/datasets", params={"size": 100}, timeout=60).json()
    names = sorted(result["name"] for result in datasets["results"])
    organization = datasets["results"][0]["organization"]
    budget = next(name for name in names if name.endswith("budget-allocation"))
    resources = httpx.get(f"{address}/api/v1/datasets/{budget}", timeout=60).json()["resources"]
    last_table = next(r for r in reversed(resources) if r["tabular"])
    pages = {
        "home": "/",
        "search": f"/search?q={quote('งบประมาณ เชียงใหม่')}",
        "search-filtered": f"/search?data_type={quote('ข้อมูลสถิติ')}&fiscal_year=2568",
        "organizations": "/organization",
        "organization": f"/organization/{organization}",
        "officer": f"/organization/{organization}/officer",
        "docs": "/docs",
        "not-found": "/dataset/no-such-dataset",
        f"dataset-{budget}-other-table": f"/dataset/{budget}?resource={last_table['id']}"
        "&measure=amount&by=source_system&agg=sum",
    }
    pages |= {f"dataset-{name}": f"/dataset/{name}" for name in names}
    return pages | dashboard_pages(address)


def dashboard_pages(address: str) -> dict[str, str]:
    """The dashboard at every level, down to the LAO with the largest allocation."""
    rows = httpx.get(
        f"{address}/api/v1/area-budget/totals",
        params={"by": "province,district,lao", "scope": "state"},
        timeout=60,
    ).json()["rows"]
    placed = [row for row in rows if row["key"]["lao"] and row["key"]["district"]]
    lao = max(placed, key=lambda row: float(row["allocated"] or 0))["key"]
    province, district = lao["province"], lao["district"]
    return {
        "dashboard": "/dashboard",
        "dashboard-province": f"/dashboard?province={province}",
        "dashboard-district": f"/dashboard?province={province}&district={district}",
        "dashboard-lao": f"/dashboard?province={province}&district={district}&lao={lao['lao']}",
        "dashboard-local": f"/dashboard?scope=local&province={province}",
        "dashboard-amounts": f"/dashboard/amounts?province={province}&stage=allocated",
        "dashboard-glossary": "/dashboard/glossary",
    }


@pytest.mark.slow
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_fits_the_screen(browser, demo, width) -> None:
    address = demo[0]
    viewport_width, height = WIDTHS[width]
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": viewport_width, "height": height},
        device_scale_factor=1,
    )
    page = context.new_page()
    found: list[str] = []
    try:
        for kind, path in page_kinds(address).items():
            for lang, prefix in (("th", ""), ("en", "/en")):
                response = page.goto(address + prefix + path)
                assert response is not None
                assert response.status == (404 if kind == "not-found" else 200), path
                problems = layout_problems(page)
                if problems:
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    shot = ARTIFACTS / f"layout-{kind}-{lang}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    found += [f"{prefix}{path} ({width}): {problem}" for problem in problems]
    finally:
        context.close()
    assert not found, "\n".join(found)


def test_the_checks_see_what_they_are_for(browser) -> None:
    """The measures themselves: a page made to fail each check is caught by it."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    long_text = "งบประมาณรายจ่ายที่ได้รับจัดสรรรายพื้นที่ จังหวัดเชียงใหม่ ปีงบประมาณ 2568"
    page.set_content(
        f"""<html><body style="margin:0">
        <div style="width:600px">wide</div>
        <div style="display:grid;grid-template-columns:100px 1fr"><p>{long_text}</p><p>x</p></div>
        <div style="overflow-x:auto"><table style="width:900px"><tr><td>fine</td></tr></table></div>
        <svg width="100" height="40" viewBox="0 0 100 40">
          <text x="-30" y="20" font-size="13">Budget type</text>
          <text x="10" y="35" font-size="13">ok</text></svg>
        </body></html>"""
    )
    try:
        problems = layout_problems(page)
    finally:
        context.close()
    assert len(problems) == 3, problems
    assert problems[0].startswith("page is 210px wider than the screen: <div")
    assert problems[1].startswith("chart text clipped by ")
    assert '"Budget type"' in problems[1]
    assert problems[2].startswith("text in a 100px column: <p>")


def test_facets_fold_on_a_phone_and_stand_open_on_a_desktop(browser, live_server) -> None:
    """On a phone the first result comes right after the search box (the facets are one
    tap away, with no script); on a desktop the facets stand beside the results."""
    for width, folded in (("phone", True), ("desktop", False)):
        viewport_width, height = WIDTHS[width]
        context = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=False,
            viewport={"width": viewport_width, "height": height},
        )
        page = context.new_page()
        try:
            page.goto("/search")
            facet = page.get_by_role("link", name="ข้อมูลสถิติ")
            first_result = page.locator("ul.cards > li").first.bounding_box()
            assert facet.is_visible() is not folded, width
            assert first_result is not None
            if folded:
                assert first_result["y"] < height / 2  # no screenful of facets first
                page.get_by_text("ตัวกรอง", exact=True).click()
                assert facet.is_visible()
        finally:
            context.close()
