"""Shared test fixtures. Tests that need a service (PostgreSQL, CKAN, Chromium) skip with a
reason when it is absent; under CI (`KHLANG_CI=1`, set by .ci/run) a skip fails the run,
because CI starts every service and a skipped test there proves nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KHLANG_SHARED", ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared`: reference schemas, real data and the CKAN kit, read in place."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared folder is not at {SHARED} (set KHLANG_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def gdc_reference(shared_dir: Path) -> Path:
    return shared_dir / "reference" / "gdc"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("KHLANG_CI") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"KHLANG_CI=1: {len(skipped)} test(s) skipped; CI provides every service, "
            "so a skip is a failure here.",
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def run_khlang(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the `khlang` command as a user would (a separate process, real exit codes),
    importing khlang from this checkout whether or not it is installed."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "khlang", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def khlang_cli():
    """`khlang_cli("metadata", "check", path)` -> CompletedProcess (returncode, stdout, stderr)."""
    return run_khlang
