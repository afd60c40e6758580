"""Shared test fixtures. Tests that need a service (PostgreSQL, CKAN, Chromium) skip with a
reason when it is absent; under CI (`KHLANG_CI=1`, set by .ci/run) a skip fails the run,
because CI starts every service and a skipped test there proves nothing."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.migrated import MigratedStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KHLANG_SHARED", ROOT.parent / "shared")).resolve()
IN_CI = os.environ.get("KHLANG_CI") == "1"
"""Set by .ci/run: every service is started, a skip fails the run, and property tests run
their full count of cases."""


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared`: reference schemas, real data and the CKAN kit, read in place."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared folder is not at {SHARED} (set KHLANG_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis that workers share their counts through (`KHLANG_TEST_REDIS_URL`, default
    the local one), once it answers a connection."""
    import socket
    from urllib.parse import urlsplit

    url = os.environ.get("KHLANG_TEST_REDIS_URL", "redis://127.0.0.1:6379")
    where = urlsplit(url)
    try:
        socket.create_connection((where.hostname, where.port or 6379), timeout=2).close()
    except OSError as error:
        pytest.skip(f"Redis is not reachable at {url} ({error})")
    return url


@pytest.fixture(scope="session")
def gdc_reference(shared_dir: Path) -> Path:
    return shared_dir / "reference" / "gdc"


@pytest.fixture(scope="session")
def api_catalog_template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The API tests' catalog (tests/api/catalog_fixture.py), built once a session whatever
    the number of xdist workers; tests take a copy (catalog_fixture.copy_of), never this."""
    from tests.api.catalog_fixture import build
    from tests.published import built_once, shared_root

    return built_once(shared_root(tmp_path_factory, worker_id) / "api-catalog", build)


@pytest.fixture(scope="session")
def migrated_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedStore]:
    """`migrated_store.seed(home, database_url)`: a new store at the newest migration, copied
    from one migrated once a session (tests/migrated.py) instead of migrated again."""
    from tests.migrated import MigratedStore
    from tests.postgres import POSTGRES_URL

    store = MigratedStore(tmp_path_factory.mktemp("migrated"), postgres_server=POSTGRES_URL)
    yield store
    store.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    postgres = sys.modules.get("tests.postgres")
    if postgres is not None:  # the schemas of the PostgreSQL tests, dropped on a thread
        postgres.drop_the_rest()
    if not IN_CI:
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


@contextlib.contextmanager
def _as_a_process(
    args: tuple[str, ...], cwd: Path | None, env: dict[str, str] | None
) -> Iterator[tuple[io.BytesIO, io.BytesIO]]:
    """What a new process would have: its own argv, environment, working folder, standard
    streams (an empty stdin; stdout and stderr as bytes), SIGTERM handler and import hooks
    (`khlang validate` keeps pandas out of its process with one); all put back afterwards."""
    saved = (sys.argv, sys.stdin, sys.stdout, sys.stderr, dict(os.environ), Path.cwd())
    hooks = list(sys.meta_path)
    terminate = signal.getsignal(signal.SIGTERM)
    out, err = io.BytesIO(), io.BytesIO()
    streams = (
        io.TextIOWrapper(io.BytesIO(), encoding="utf-8"),
        io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True),
    )
    try:
        sys.argv = ["khlang", *args]
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = streams
        yield out, err
    finally:
        for stream in streams:
            stream.flush()
            stream.detach()  # the bytes stay readable after the wrapper is gone
        sys.argv, sys.stdin, sys.stdout, sys.stderr, environment, folder = saved
        os.environ.clear()
        os.environ.update(environment)
        os.chdir(folder)
        signal.signal(signal.SIGTERM, terminate)
        sys.meta_path[:] = hooks


def _text(data: bytes) -> str:
    """Bytes as `subprocess.run(text=True)` reads them (UTF-8, universal newlines)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()


def run_khlang_here(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `khlang` command in this process, through the entry point a user's shell
    reaches (`khlang.cli.main`: its one error handler and exit codes), with what run_khlang
    gives the command (argv, environment, folder, streams). A real process costs half a
    second or more of start-up (its imports); tests of what a command does use this, and
    the tests of what only a process shows (start-up imports, signals, crashes, warnings
    printed at import, the README as typed) keep run_khlang.
    An exception main() lets through is printed as the interpreter would, exit code 1."""
    from khlang.cli import main

    code: int
    with _as_a_process(args, cwd, env) as (out, err):
        try:
            main()
            code = 0
        except SystemExit as exit_:
            if exit_.code is None or isinstance(exit_.code, int):
                code = exit_.code or 0
            else:
                print(exit_.code, file=sys.stderr)
                code = 1
        except Exception:
            sys.stderr.write(traceback.format_exc())
            code = 1
    return subprocess.CompletedProcess(
        ["khlang", *args], code, _text(out.getvalue()), _text(err.getvalue())
    )


@pytest.fixture
def khlang_here():
    """`khlang_here("metadata", "check", path)` -> CompletedProcess, run in this process."""
    return run_khlang_here
