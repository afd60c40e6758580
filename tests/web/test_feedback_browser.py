"""Public feedback in Chromium, with scripts disabled, in Thai and English: a citizen on a
phone-sized screen asks about an LAO's disbursement from the dashboard, the LAO's editor
answers from the officer view, and the answer shows on the figure's page; a dataset request
to any agency goes from open to published with a link to the dataset."""

from __future__ import annotations

import re

import pytest

from khlang.catalog import Catalog, Principal
from khlang.i18n import Text
from tests.api.feedback_kit import answer_to
from tests.web.conftest import LiveServer
from tests.web.fixture import ORGANIZATION, copy_of
from tests.web.layout import layout_problems

pytestmark = pytest.mark.slow
OPERATOR = Principal.operator("feedback-browser")
LAO = "ThesabanTambon-500100"
LAO_ORG = LAO.lower()
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory, web_template):  # type: ignore[no-untyped-def]
    """A copy of the web tests' catalog, the LAO as an organisation with an editor, and an
    editor of the provincial office; served live."""
    home = copy_of(web_template, tmp_path_factory.mktemp("feedback-browser"))
    keys = {}
    with Catalog.open(home) as catalog:
        accounts = catalog.accounts
        accounts.create_organization(
            LAO_ORG, actor=OPERATOR, catalog_type="local_government",
            title=Text(th="เทศบาลตำบลเมืองเชียงใหม่", en="Mueang Chiang Mai Municipality"),
        )  # fmt: skip
        editors = (("lao-editor", LAO_ORG, "Malee Suksai"),
                   ("province-editor", ORGANIZATION, "Somchai Dee"))  # fmt: skip
        for user, organization, name in editors:
            accounts.create_user(user, actor=OPERATOR, full_name=name)
            accounts.set_member(organization, user, "editor", actor=OPERATOR)
            keys[user] = accounts.create_key(user, actor=OPERATOR)[1]
    with LiveServer(home) as server:
        yield server.url, keys


def _context(browser, phone: bool = True):  # type: ignore[no-untyped-def]
    return browser.new_context(
        java_script_enabled=False,
        viewport=PHONE if phone else {"width": 1280, "height": 900},
        locale="th-TH",
    )


def _answer_challenge(page) -> None:  # type: ignore[no-untyped-def]
    label = page.locator("label[for=challenge_answer]").inner_text()
    question = label.split(":", 1)[1].strip()
    page.fill("#challenge_answer", answer_to(question))


def _sign_in(page, url: str, prefix: str, key: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}{prefix}/publish")
    page.fill("#key", key)
    page.locator("form[action$='/publish/sign-in'] button").click()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_citizen_asks_the_lao_answers_and_the_figure_page_shows_it(
    browser, site, prefix: str
) -> None:
    url, keys = site
    lang = "en" if prefix else "th"
    citizen = _context(browser).new_page()
    citizen.goto(f"{url}{prefix}/dashboard?province=50&district=5001&lao={LAO}")
    citizen.locator("a.ask-figure").click()
    assert "/questions?" in citizen.url
    figure_page = citizen.url
    assert not layout_problems(citizen), layout_problems(citizen)
    title = "Why is disbursement so low?" if lang == "en" else "ทำไมอัตราเบิกจ่ายต่ำ"
    citizen.fill("#title", title)
    citizen.fill("#body", "โครงการถนนหมู่ที่ 2 ยังไม่เริ่ม" if lang == "th" else "Road 2 not started")
    citizen.fill("#email", "citizen@example.com")
    _answer_challenge(citizen)
    citizen.locator("form[action$='/questions'] button[type=submit]").click()
    found = re.search(r"/questions/(\d+)", citizen.url)
    assert found, citizen.url
    thread = found.group(1)
    assert title in citizen.locator("h1").inner_text()

    officer = _context(browser, phone=False).new_page()
    _sign_in(officer, url, prefix, keys["lao-editor"])
    officer.goto(f"{url}{prefix}/organization/{LAO_ORG}/officer")
    officer.locator(f"a[href$='/organization/{LAO_ORG}/feedback']").last.click()
    answer = "เริ่มก่อสร้างเดือนหน้า" if lang == "th" else "Work starts next month"
    officer.fill(f"#answer-{thread}", answer)
    officer.locator(f"#thread-{thread} button[value=answer]").click()
    assert officer.locator(".median-hours").inner_text() != "–"

    citizen.goto(figure_page)
    shown = citizen.locator(f"#thread-{thread}").inner_text()
    assert answer in shown
    assert "Malee Suksai" in shown
    assert "citizen@example.com" not in citizen.content()
    assert not layout_problems(citizen), layout_problems(citizen)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_dataset_request_goes_from_open_to_published_with_a_link(
    browser, site, prefix: str
) -> None:
    url, keys = site
    citizen = _context(browser).new_page()
    citizen.goto(f"{url}{prefix}/requests")
    title = f"ตัวชี้วัด อปท. รายปี {prefix or 'th'}"
    citizen.fill("#title", title)
    citizen.fill("#description", "ใช้เปรียบเทียบ อปท. ในอำเภอ")
    _answer_challenge(citizen)
    citizen.locator("form[action$='/requests'] button[type=submit]").click()
    request_page = citizen.url
    assert re.search(r"/requests/\d+$", request_page), request_page
    request = request_page.rsplit("/", 1)[1]
    assert citizen.locator(".request-state .badge").inner_text() in (
        "รอคำตอบ",
        "Waiting for an answer",
    )

    officer = _context(browser, phone=False).new_page()
    _sign_in(officer, url, prefix, keys["province-editor"])
    officer.goto(f"{url}{prefix}/organization/{ORGANIZATION}/feedback")
    form = officer.locator(f"#request-{request} form")
    form.locator("select[name=state]").select_option("published")
    form.locator("select[name=dataset]").select_option("chiang-mai-lao-benchmark")
    form.locator("button[type=submit]").click()

    citizen.goto(request_page)
    link = citizen.locator("a.published-dataset")
    assert link.get_attribute("href") == f"{prefix}/dataset/chiang-mai-lao-benchmark"
    link.click()
    assert citizen.url.endswith(f"{prefix}/dataset/chiang-mai-lao-benchmark")


def test_pages_without_a_sign_in_show_no_queue(browser, site) -> None:
    url, _ = site
    page = _context(browser).new_page()
    page.goto(f"{url}/organization/{LAO_ORG}/feedback")
    assert page.locator("textarea").count() == 0
    assert page.locator(".notice a[href='/publish']").count() == 1
