"""README.md's "Your own table", followed as a newcomer would: the commands exactly as the
README writes them, run one after the other in a folder holding a 20-row Thai table of the
agency's own (with a column no adapter knows), then the dataset page the README names,
opened, and its CSV downloaded from the page's own link. No step the README does not give."""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.server import free_port
from tests.conftest import ROOT, run_khlang
from tests.publishers import own_table

SECTION = "### Your own table"
README_PORT = "127.0.0.1:8000"


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in text, "README.md has no 'Your own table' section"
    return text.split(SECTION, 1)[1].split("\n## ", 1)[0]


def _commands(section: str) -> list[list[str]]:
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    lines = block.group(1).replace("\\\n", " ").splitlines()
    return [shlex.split(line, comments=True) for line in lines if line.strip()]


def _serve(args: list[str], cwd: Path) -> tuple[subprocess.Popen, str]:
    """`khlang serve` as the README runs it, on a free port instead of 8000."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "khlang", *args, "--port", str(port), "--no-prepare"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"khlang serve exited: {process.stdout.read()}")
        try:
            if httpx.get(f"{url}/api/3/action/status_show", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise TimeoutError("khlang serve did not answer")
        time.sleep(0.2)


@pytest.mark.slow
def test_a_newcomer_publishes_a_table_of_their_own_with_the_readme(tmp_path: Path) -> None:
    section = _section()
    commands = _commands(section)
    assert [command[:2] for command in commands][-1] == ["khlang", "serve"]
    table = own_table.write(tmp_path / "projects.csv", count=20)
    assert "projects.csv" in section
    server = None
    try:
        for command in commands:
            assert command[0] == "khlang", command
            if command[1] == "serve":
                server, url = _serve(command[1:], tmp_path)
                continue
            result = run_khlang(*command[1:], cwd=tmp_path)
            assert result.returncode == 0, (command, result.stdout, result.stderr)
        links = re.findall(r"<(http://127\.0\.0\.1:8000/[^>]+)>", section)
        page_url = next(link for link in links if "/dataset/" in link)
        page = httpx.get(page_url.replace(README_PORT, url.removeprefix("http://")), timeout=120)
        assert page.status_code == 200
        assert "โครงการพัฒนาท้องถิ่น" in page.text
        download = re.search(r'<a class="button" href="([^"]+)" download>ดาวน์โหลด CSV', page.text)
        assert download is not None, "no ดาวน์โหลด CSV on the dataset page"
        answer = httpx.get(url + download.group(1) if download.group(1).startswith("/") else
                           download.group(1), follow_redirects=True, timeout=60)  # fmt: skip
        assert answer.status_code == 200
        rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
        expected = own_table.rows()
        assert len(rows) == len(expected) == 20
        assert sorted(row["project_name"] for row in rows) == sorted(r["project"] for r in expected)
        kept = next(name for name in rows[0] if rows[0][name] in {r["unit"] for r in expected})
        assert sorted(row[kept] for row in rows) == sorted(r["unit"] for r in expected)
        name = re.search(r"/dataset/([a-z0-9-]+)", page_url).group(1)
        compliance = httpx.get(f"{url}/api/v1/datasets/{name}/compliance").json()
        assert compliance["compliance"]["mandatory_complete"] is True, compliance
        assert compliance["compliance"]["errors"] == 0
        web_form = next(link for link in links if link.endswith("/publish"))
        assert httpx.get(web_form.replace(README_PORT, url.removeprefix("http://"))).is_success
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    assert table.is_file()
