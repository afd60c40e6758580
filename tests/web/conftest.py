"""Fixtures of the web tests: the small real catalog of `fixture.py`, an in-process client of
the whole application (API and pages), and a live server for the browser tests."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def web_home(tmp_path_factory) -> Path:
    from tests.web.fixture import build

    return build(tmp_path_factory.mktemp("web-catalog"))


def make_app(home: Path, **settings):
    from khlang.api.app import create_app
    from khlang.api.settings import ApiSettings, RateLimits

    options = {"rate_limits": RateLimits(enabled=False), "prepare_tables": False, **settings}
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
