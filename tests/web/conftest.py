"""Fixtures of the web tests: the small real catalog of `fixture.py`, an in-process client of
the whole application (API and pages), a live server and Chromium for the browser tests, and
a running `khlang demo`."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("KHLANG_CHROMIUM", "/usr/bin/chromium"))
DEMO_YEARS = "2567-2568"


@pytest.fixture(scope="session")
def web_template(tmp_path_factory, worker_id: str) -> Path:
    """The web tests' catalog (fixture.py), built once a session whatever the number of
    xdist workers; tests take a copy (fixture.copy_of), never this."""
    from tests.published import built_once, shared_root
    from tests.web.fixture import build

    return built_once(shared_root(tmp_path_factory, worker_id) / "web-catalog", build)


@pytest.fixture(scope="session")
def web_home(tmp_path_factory, web_template: Path) -> Path:
    """This test process's copy of the web tests' catalog: its servers build their query
    tables in it."""
    from tests.web.fixture import copy_of

    return copy_of(web_template, tmp_path_factory.mktemp("web-catalog"))


def make_app(home: Path, **settings):
    from khlang.api.app import create_app
    from khlang.api.settings import ApiSettings, RateLimits

    # The test client's requests come to the host `testserver`.
    options = {"rate_limits": RateLimits(enabled=False), "prepare_tables": False,
               "host_names": ["testserver"], **settings}  # fmt: skip
    return create_app(ApiSettings(home=home, **options))


@pytest.fixture(scope="session")
def client(web_home):
    from fastapi.testclient import TestClient

    with TestClient(make_app(web_home), base_url="http://testserver") as test_client:
        yield test_client


class LiveServer:
    """uvicorn serving the application on a free loopback port, in a thread."""

    def __init__(self, home: Path) -> None:
        import uvicorn

        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        self.socket = listener
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        app = make_app(home, base_url=self.url, prepare_tables=True)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [listener]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture(scope="session")
def live_server(web_home):
    with LiveServer(web_home) as server:
        yield server


@pytest.fixture(scope="package")
def browser():
    """One Chromium for tests/web, closed when the run leaves it: Playwright's sync API
    holds an event loop on the thread while it runs, and a later test's `asyncio.run()`
    would find it running."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e '.[dev]')")
    # Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """A running `khlang demo` (fiscal years DEMO_YEARS) on a free port: (address, home,
    seconds to serving). One per test process: tests/web/test_demo.py checks the command,
    tests/web/test_layout.py lays its pages out in a browser."""
    home = tmp_path_factory.mktemp("demo") / "home"
    # stderr goes to a file: the server runs all session, and a pipe nobody reads fills up
    errors = (home.parent / "demo-stderr.log").open("w+", encoding="utf-8")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "khlang", "demo", "--port", "0", "--home", str(home),
         "--years", DEMO_YEARS],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )  # fmt: skip
    try:
        address = None
        assert process.stdout is not None
        for line in process.stdout:
            found = re.search(r"ready in [\d.]+ s: (http://127\.0\.0\.1:\d+)", line)
            if found:
                address = found.group(1)
                break
        if address is None:
            process.wait(timeout=10)
            errors.seek(0)
            pytest.fail(f"khlang demo stopped before serving:\n{errors.read()}")
        yield address, home, time.perf_counter() - started
    finally:
        process.terminate()
        errors.close()
        process.wait(timeout=30)
