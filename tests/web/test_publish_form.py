"""The data officer's publishing form: sign in with an API key, upload a table of the
agency's own, review the proposed columns and metadata, check, fix what the check finds,
publish; then the dataset is on the site. Over HTTP as a browser sends the forms (every
refusal: wrong key, no right to publish, no form token, a file that is no table, too large,
someone else's draft), and in Chromium with scripts disabled at desktop and phone widths."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from khlang.catalog import Catalog, Principal
from khlang.metadata.compliance import check_dataset
from khlang.publishers.readers import read_table
from tests.publishers import own_table
from tests.web.conftest import LiveServer, make_app
from tests.web.layout import WIDTHS, layout_problems
from tests.web.test_browser import shot

OPERATOR = Principal.operator("publish-form-tests")
OFFICE = "tambon-office"
FILE = "โครงการพัฒนาท้องถิ่น.csv"
EMAIL = "opendata@tambon-office.example.go.th"


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A catalog with an organisation without an e-mail, an editor and a member of it, and
    an editor of another organisation."""
    from khlang.i18n import Text

    root = tmp_path_factory.mktemp("publish-form")
    keys = {}
    with Catalog.open(root / "home", None, create=True) as catalog:
        accounts = catalog.accounts
        title = Text(th="เทศบาลตำบลริมใต้", en="Rim Tai Municipality")
        accounts.create_organization(
            OFFICE, actor=OPERATOR, catalog_type="local_government", title=title
        )
        accounts.create_organization("other-office", actor=OPERATOR)
        for user, organization, role in (("somchai", OFFICE, "editor"), ("mali", OFFICE, "member"),
                                         ("other", "other-office", "editor")):  # fmt: skip
            accounts.create_user(user, actor=OPERATOR)
            accounts.set_member(organization, user, role, actor=OPERATOR)
            keys[user] = accounts.create_key(user, actor=OPERATOR)[1]
    own_table.write(root / FILE)
    return root, keys


@pytest.fixture(scope="module")
def site(home):
    """One app over the module's catalog: the catalog and its drafts are the module's
    already, and a fresh app a test cost 0.05-0.1 s of CPU."""
    from fastapi.testclient import TestClient

    with TestClient(make_app(home[0] / "home"), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def client(site):
    """The module's client, signed out: each test starts with no cookies, as a new
    browser does."""
    site.cookies.clear()
    return site


class _Form(HTMLParser):
    """The values a browser would send for the form with the given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value", "")
        elif tag == "select":
            self._select = attributes["name"]
        elif tag == "option" and self._select:
            if "selected" in attributes or self._select not in self.values:
                self.values[self._select] = attributes["value"]
        elif tag == "textarea":
            self._textarea = attributes["name"]
            self.values[self._textarea] = ""

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self.inside = False
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str, form_id: str = "review") -> dict[str, str]:
    parser = _Form(form_id)
    parser.feed(html)
    return parser.values


def _sign_in(client, key: str) -> str:
    answer = client.post("/publish/sign-in", data={"key": key}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/publish").text).group(1)


def _upload(client, csrf: str, path: Path, **extra) -> object:
    data = {"csrf": csrf, "organization": OFFICE, **extra}
    files = {"file": (path.name, path.read_bytes(), "text/csv")}
    return client.post("/publish/upload", data=data, files=files, follow_redirects=False)


def _drafts(home) -> list[Path]:
    root = home[0] / "home" / "api" / "publish-drafts"
    return sorted(root.iterdir()) if root.is_dir() else []


def test_signing_in_needs_a_key_that_may_publish(client, home) -> None:
    page = client.get("/publish")
    assert page.status_code == 200
    assert 'type="password"' in page.text
    assert page.headers["cache-control"] == "no-store"
    wrong = client.post("/publish/sign-in", data={"key": "khlang_nonsense"})
    assert wrong.status_code == 403
    assert "API key ไม่ถูกต้อง" in wrong.text
    member = client.post("/publish/sign-in", data={"key": home[1]["mali"]})
    assert member.status_code == 403
    assert "ไม่มีสิทธิ์เผยแพร่" in member.text
    editor = client.post("/publish/sign-in", data={"key": home[1]["somchai"]},
                         follow_redirects=False)  # fmt: skip
    assert editor.status_code == 303
    cookie = editor.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie


@pytest.mark.parametrize(
    "sent_from",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
     {"Origin": "https://attacker.example"}, {"Origin": "null"}],
)  # fmt: skip
def test_another_site_cannot_sign_an_officer_in_or_out(client, home, sent_from) -> None:
    """A page elsewhere posting the sign-in form with its own key would have the officer's
    uploads land in its drafts; posting sign-out would end the officer's session."""
    planted = client.post("/publish/sign-in", data={"key": home[1]["other"]}, headers=sent_from,
                          follow_redirects=False)  # fmt: skip
    assert planted.status_code == 403
    assert "set-cookie" not in planted.headers
    assert "ส่งมาจากเว็บไซต์อื่น" in planted.text
    _sign_in(client, home[1]["somchai"])
    ended = client.post("/publish/sign-out", headers=sent_from, follow_redirects=False)
    assert ended.status_code == 403
    assert "somchai" in client.get("/publish").text
    same = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    assert client.post("/publish/sign-out", headers=same, follow_redirects=False).status_code == 303


def test_nothing_is_received_without_sign_in_or_form_token(client, home) -> None:
    before = _drafts(home)
    path = home[0] / FILE
    anonymous = _upload(client, "x", path)
    assert anonymous.status_code == 401
    assert "text/html" in anonymous.headers["content-type"]
    _sign_in(client, home[1]["somchai"])
    forged = _upload(client, "0" * 32, path)
    assert forged.status_code == 400
    assert "แบบฟอร์มหมดอายุ" in forged.text
    assert _drafts(home) == before


def test_a_file_that_is_no_table_is_refused(client, home, tmp_path) -> None:
    csrf = _sign_in(client, home[1]["somchai"])
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    answer = _upload(client, csrf, pdf)
    assert answer.status_code == 400
    assert "CSV, TSV หรือ XLSX" in answer.text
    broken = tmp_path / "broken.csv"
    # Half UTF-8, half TIS-620: no one encoding reads it (a UTF-16 BOM no longer makes a
    # file unreadable since the publishers read UTF-16 exports).
    broken.write_bytes("ชื่อ,จำนวน\n".encode() + "ทดสอบ,1\n".encode("cp874"))
    answer = _upload(client, csrf, broken)
    assert answer.status_code == 400
    assert "broken.csv" in answer.text


def _workbook_bomb(path: Path, inflated: int) -> Path:
    """A real workbook whose sheet carries `inflated` bytes of blank space between its rows:
    it opens in Excel, and its deflated sheet is a thousandth of what it unpacks to."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["รหัส", "จำนวน"])
    book.active.append(["01", 1])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * inflated + b"</sheetData>")
            out.writestr(item.filename, data)
    return path


def test_a_workbook_bomb_is_refused_before_it_is_read(client, home, tmp_path) -> None:
    """The upload limit counts compressed bytes; a sheet that inflates 1,000 times would be
    read whole into the server's memory (pandas reads the workbook at once)."""
    csrf = _sign_in(client, home[1]["somchai"])
    bomb = _workbook_bomb(tmp_path / "งบประมาณ.xlsx", 40 << 20)
    assert bomb.stat().st_size < 100_000
    before = _drafts(home)
    answer = _upload(client, csrf, bomb)
    assert answer.status_code == 400
    assert "งบประมาณ.xlsx" in answer.text
    assert "เป็นระเบิด zip ไม่ใช่สมุดงาน" in answer.text
    assert _drafts(home) == before


def test_an_upload_over_the_limit_is_refused(home) -> None:
    from fastapi.testclient import TestClient

    app = make_app(home[0] / "home", max_upload_bytes=1_000)
    with TestClient(app, base_url="http://testserver") as small:
        csrf = _sign_in(small, home[1]["somchai"])
        answer = _upload(small, csrf, home[0] / FILE)
    assert answer.status_code == 413
    assert "1,000" in answer.text


def test_review_check_fix_and_publish(client, home) -> None:
    """The check finds what is missing (the organisation has no e-mail, so GD Catalog item
    5 is empty), the officer fixes it in the form, and the dataset is published."""
    csrf = _sign_in(client, home[1]["somchai"])
    answer = _upload(client, csrf, home[0] / FILE)
    assert answer.status_code == 303
    draft = answer.headers["location"]
    review = client.get(draft)
    assert review.status_code == 200
    assert "ผู้รับผิดชอบ" in review.text  # the column no adapter knows, kept
    values = form_values(review.text)
    assert values["use_0"] == "fiscal_year"
    assert values["use_8"] == "column"
    values |= {"title_th": "โครงการพัฒนาท้องถิ่น เทศบาลตำบลริมใต้", "action": "check",
               "title_en": "Local development projects", "key": "local-projects",
               "name_8": "responsible_unit", "title_en_8": "Responsible unit"}  # fmt: skip
    checked = client.post(draft, data=values)
    assert checked.status_code == 200
    assert "ยังไม่ผ่าน" in checked.text
    assert "อีเมล" in checked.text  # what to fix: the contact e-mail
    values = form_values(checked.text) | {"email": EMAIL, "action": "publish"}
    published = client.post(draft, data=values, follow_redirects=False)
    assert published.status_code == 303, published.text
    assert published.headers["location"] == f"/dataset/{OFFICE}-local-projects?published=1"
    page = client.get(published.headers["location"])
    assert page.status_code == 200
    assert "โครงการพัฒนาท้องถิ่น เทศบาลตำบลริมใต้" in page.text
    with Catalog.open(home[0] / "home") as catalog:
        version = catalog.version(f"{OFFICE}-local-projects", viewer=OPERATOR)
        report = check_dataset(version.metadata)
        assert report.mandatory_complete
        assert version.metadata.maintainer_email == EMAIL
        schema = next(r.table_schema for r in version.metadata.resources if r.format == "CSV")
        assert "responsible_unit" in str(schema)


def test_a_form_with_problems_comes_back_naming_them(client, home) -> None:
    csrf = _sign_in(client, home[1]["somchai"])
    draft = _upload(client, csrf, home[0] / FILE).headers["location"]
    values = form_values(client.get(draft).text) | {"action": "check"}
    twice = client.post(draft, data=values | {"name_8": values["name_4"]})
    assert twice.status_code == 400
    assert f"ชื่อ {values['name_4']} ซ้ำกับคอลัมน์อื่น" in twice.text
    untitled = client.post(draft, data=values | {"title_th": " "})
    assert untitled.status_code == 400
    assert "Thai title" in untitled.text
    assert "ยังไม่ได้ตรวจสอบ" in untitled.text  # nothing was saved or run


def test_a_draft_is_its_owners_only(client, home) -> None:
    csrf = _sign_in(client, home[1]["somchai"])
    draft = _upload(client, csrf, home[0] / FILE).headers["location"]
    _sign_in(client, home[1]["other"])
    assert client.get(draft).status_code == 404
    client.post("/publish/sign-out")
    assert client.get(draft, follow_redirects=False).headers["location"] == "/publish"


@pytest.mark.slow
def test_an_export_of_a_known_system_is_reviewed_field_by_field(client, home) -> None:
    samples = Path(__file__).resolve().parents[2] / "khlang" / "publishers" / "samples"
    csrf = _sign_in(client, home[1]["somchai"])
    draft = _upload(client, csrf, samples / "ebudget" / "ebudget_2567.csv").headers["location"]
    review = client.get(draft)
    assert "e-Budgeting / BB EvMIS" in review.text
    values = form_values(review.text)
    assert values["use_0"] == "fiscal_year"
    checked = client.post(draft, data=values | {"email": EMAIL, "action": "check"})
    assert "ผ่านการตรวจสอบ" in checked.text
    assert f"{OFFICE}-budget-allocation" in checked.text


@pytest.mark.browser
@pytest.mark.slow
def test_an_officer_publishes_in_a_browser_without_scripts(browser, home) -> None:
    with LiveServer(home[0] / "home") as server:
        for width_name, (width, height) in WIDTHS.items():
            context = browser.new_context(
                base_url=server.url,
                java_script_enabled=False,
                accept_downloads=True,
                viewport={"width": width, "height": height},
                locale="th-TH",
            )
            page = context.new_page()
            # each check publishes the table: seconds, and more on a busy machine
            page.set_default_timeout(180_000)
            page.goto("/publish")
            page.get_by_label("API key").fill(home[1]["somchai"])
            page.get_by_role("button", name="เข้าสู่ระบบ").click()
            page.get_by_label("อีเมลติดต่อ").fill(EMAIL)
            page.get_by_label(re.compile("ไฟล์ตาราง")).set_input_files(str(home[0] / FILE))
            shot(page, f"publish-upload-{width_name}")
            assert layout_problems(page) == [], width_name
            page.get_by_role("button", name=re.compile("ส่งไฟล์")).click()
            page.wait_for_url(re.compile(r"/publish/draft/"))
            assert layout_problems(page) == [], width_name
            page.get_by_label("ชื่อชุดข้อมูล (ภาษาไทย)").fill(f"โครงการของเทศบาล ({width_name})")
            page.get_by_label("ชื่อชุดข้อมูล (ภาษาอังกฤษ)").fill(f"Projects ({width_name})")
            page.get_by_label(re.compile("ชื่อใน URL")).fill(f"projects-{width_name}")
            page.get_by_label("ชื่อคอลัมน์ของ ผู้รับผิดชอบ").fill("responsible_unit")
            page.get_by_label("ชื่อภาษาอังกฤษของ ผู้รับผิดชอบ").fill("Responsible unit")
            page.get_by_role("button", name="บันทึกและตรวจสอบ").click()
            assert page.get_by_text("ผ่านการตรวจสอบ").is_visible()
            assert layout_problems(page) == [], width_name
            shot(page, f"publish-review-{width_name}")
            page.get_by_role("button", name="เผยแพร่", exact=True).click()
            page.wait_for_url(f"**/dataset/{OFFICE}-projects-{width_name}?published=1")
            assert f"โครงการของเทศบาล ({width_name})" in page.locator("h1").inner_text()
            with page.expect_download() as download:
                page.get_by_role("link", name=re.compile(r"^ดาวน์โหลด CSV")).first.click()
            text = Path(download.value.path()).read_text(encoding="utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(text)))
            assert len(rows) == len(read_table(home[0] / FILE)) == 20
            assert sorted(row["responsible_unit"] for row in rows) == sorted(
                row["unit"] for row in own_table.rows()
            )
            context.close()
