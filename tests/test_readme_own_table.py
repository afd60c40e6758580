"""README.md's "Your own table", followed as a newcomer with a table of their own would: the
section's commands run exactly as written (by the README test's own runner, tests/readme.py,
in a folder laid out like a clone) next to a 20-row Thai table that is not README's example
and has a column no adapter knows; then the dataset page the section names is opened, its
CSV downloaded from the page's own link, and the 14 items checked through the API."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
import pytest

from tests.publishers import own_table
from tests.readme import README, Sandbox, failure_line, read, readme_ports, script_for

SECTION = "### Your own table"


def _section_lines() -> tuple[int, int]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(SECTION) + 1
    end = next(n for n, line in enumerate(lines[start:], start + 1) if line.startswith("## "))
    return start, end


@pytest.mark.slow
def test_a_newcomer_publishes_a_table_of_their_own_with_the_readme(tmp_path: Path) -> None:
    readme = read()
    start, end = _section_lines()
    blocks = [block for block in readme.blocks if start < block.line < end]
    urls = [url.path for url in readme.urls if start < url.line < end]
    assert blocks, "README.md's 'Your own table' has no commands"
    sandbox = Sandbox(tmp_path, None, readme_ports(readme))
    table = own_table.write(sandbox.repo / "projects.csv", count=20)
    example = (README.parent / "docs" / "examples" / "projects.csv").read_bytes()
    assert table.read_bytes() != example
    try:
        for block in blocks:
            script = script_for(block, sandbox.ports, shared=False)
            result = sandbox.run(script)
            line = failure_line(script, result.stderr) or block.line
            assert result.returncode == 0, (f"README.md:{line}", result.stdout, result.stderr)
        assert table.read_bytes() != example  # the newcomer's table was published, not ours
        page_url = next(url for url in urls if "/dataset/" in url)
        port = int(re.search(r":(\d+)/", page_url).group(1))
        base = sandbox.server(port)
        path = page_url.split(f":{port}", 1)[1]
        with httpx.Client(base_url=base, timeout=120, follow_redirects=True) as client:
            page = client.get(path)
            assert page.status_code == 200
            assert "โครงการพัฒนาท้องถิ่น" in page.text
            link = re.search(
                r'href="([^"]+)" download[^>]*><span class="visually-hidden">ดาวน์โหลด </span>CSV',
                page.text,
            )
            assert link is not None, "no ดาวน์โหลด CSV on the dataset page"
            download = client.get(link.group(1))
            assert download.status_code == 200
            rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
            expected = own_table.rows(20)
            assert len(rows) == 20
            assert sorted(r["project_name"] for r in rows) == sorted(r["project"] for r in expected)
            units = {row["unit"] for row in expected}
            kept = next(name for name, value in rows[0].items() if value in units)
            assert sorted(r[kept] for r in rows) == sorted(row["unit"] for row in expected)
            name = path.rsplit("/", 1)[1]
            compliance = client.get(f"/api/v1/datasets/{name}/compliance").json()["compliance"]
            assert compliance["mandatory_complete"] is True
            assert compliance["errors"] == 0
            form = next(url for url in urls if url.endswith("/publish"))
            assert client.get(form.split(f":{port}", 1)[1]).status_code == 200
    finally:
        sandbox.stop()
