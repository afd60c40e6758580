"""A small run of bench/query.py: both servers start, answer every question, and the table
prints (the 10M-row run is not part of CI)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_query_bench_smoke_run(tmp_path, shared_dir) -> None:
    """The bench builds its rows from the real LAO list in ../shared (skipped without it)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "KHLANG_SHARED": str(shared_dir)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "query.py"), "--rows", "3000", "--pages", "5",
         "--repeat", "2", "--out", str(tmp_path)],
        env=environment, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    table = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert len(table) == 7  # header and six questions
    assert all(line.count("|") == 9 for line in table)
