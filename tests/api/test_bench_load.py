"""A short run of bench/load.py: the server starts with two workers, a few clients send every
kind of request for two seconds, none fails, and the figures print (the 200-client, 60 s run
is not part of CI)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

KINDS = {"search", "dataset", "rows", "aggregate", "download (file)", "download (query)"}


@pytest.mark.slow
def test_load_bench_smoke_run(api_catalog, tmp_path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--home", str(api_catalog.home),
         "--clients", "6", "--duration", "2", "--workers", "2", "--out", str(tmp_path)],
        env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "errors: 0" in result.stdout.splitlines()
    table = [line.split("|")[1:-1] for line in result.stdout.splitlines() if line.startswith("| ")]
    figures = {cells[0].strip(): cells[1:] for cells in table[1:]}
    assert set(figures) >= KINDS, output
    requests, per_second, errors, *percentiles = (cell.strip() for cell in figures["all"])
    assert int(requests.replace(",", "")) > 0
    assert float(per_second.replace(",", "")) > 0
    assert errors == "0"
    assert len(percentiles) == 3
