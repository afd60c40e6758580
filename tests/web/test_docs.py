"""The API documentation page: at the address every link points to, in Thai and English,
every operation of the OpenAPI description on it, and examples that answer when a reader
clicks them or pastes their curl commands."""

from __future__ import annotations

import html
import shlex
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest

from khlang.api.middleware import PAGE_CSP
from khlang.api.web.docs import SUMMARIES_TH
from tests.web.fixture import ORGANIZATION
from tests.web.test_pages import DATASET, get


def _operations(client) -> list[str]:
    description = client.get("/api/v1/openapi.json").json()
    return [
        f"{method.upper()} {path}"
        for path, operations in description["paths"].items()
        for method in operations
    ]


def test_docs_in_both_languages_run_no_script(client) -> None:
    thai, english = client.get("/docs"), client.get("/en/docs")
    for response, lang in ((thai, "th"), (english, "en")):
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in response.text
        assert response.headers["content-security-policy"] == PAGE_CSP
        assert "<script" not in response.text.split("</head>", 1)[1]
    assert "ตัวอย่างที่ใช้ได้กับบัญชีข้อมูลนี้" in thai.text
    assert "Examples that work on this catalog" in english.text


def test_every_operation_is_documented_with_a_thai_summary(client) -> None:
    operations = _operations(client)
    missing = [key for key in operations if key not in SUMMARIES_TH]
    assert not missing, f"add Thai summaries to khlang/api/web/docs.py SUMMARIES_TH: {missing}"
    thai = client.get("/docs").text
    english = client.get("/en/docs").text
    for key in operations:
        path = key.split(" ", 1)[1]
        assert f"<code>{path}</code>" in english
        assert SUMMARIES_TH[key] in thai
    # descriptions are markdown, drawn as HTML
    assert "<code>_group=province_code,fiscal_year&amp;_agg=sum:allocated,count</code>" in english


def test_old_and_usual_addresses_lead_to_the_docs(client) -> None:
    response = client.get("/api/v1/docs", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/docs"
    for path, docs in (("/", "/docs"), ("/en/", "/en/docs"), (f"/dataset/{DATASET}", "/docs")):
        page = get(client, path)
        links = [href for href, _ in page.links if href.endswith("/docs")]
        assert links.count(docs) >= 2, (path, links)  # the top bar and the footer (and more)
    dataset = get(client, f"/dataset/{DATASET}")
    assert ("/docs", "เอกสาร API") in dataset.links


def test_examples_name_this_catalog_and_answer(client) -> None:
    page = get(client, "/en/docs")
    examples = [
        href
        for href, _ in page.links
        if href.startswith(("http://testserver/api/", "http://testserver/dataset/"))
    ]
    assert any(f"/datasets/{DATASET}/resources/" in href for href in examples)
    assert any("/aggregate?" in href for href in examples)
    assert any("q=%E0%B8" in href for href in examples)  # a Thai word, URL-encoded
    for href in examples:
        parts = urlsplit(href)
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200, (href, response.text[:300])
        assert response.content, href
    tried = "".join(examples)
    assert f"/api/v1/organizations/{ORGANIZATION}" in tried
    assert f"/dataset/{DATASET}/resource/" in tried  # a published file, by its real name


@pytest.mark.slow
def test_the_curl_commands_work_as_pasted(live_server, tmp_path) -> None:
    """Each example's curl command, run as a reader pastes it into a shell, against a real
    server: Thai words go through --data-urlencode, so none of them is a 400."""
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    import httpx

    page = httpx.get(f"{live_server.url}/en/docs", timeout=60).text
    blocks = [html.unescape(block.split("</code>", 1)[0]) for block in page.split(CODE)[1:]]
    commands = [block for block in blocks if block.startswith("curl ")]
    assert len(commands) >= 6
    for command in commands:
        words = shlex.split(command)
        result = subprocess.run(
            ["curl", "--fail-with-body", "-sS", *words[1:]],
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, (command, result.stdout[:300], result.stderr)
        saved = tmp_path / words[words.index("-o") + 1] if "-o" in words else None
        assert saved.stat().st_size if saved else result.stdout, command


CODE = '<code class="language-bash">'
