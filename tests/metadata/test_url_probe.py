"""`--check-urls` probing against a real local HTTP server: status of HEAD, GET when HEAD is
refused, 0 when nothing answers; and the statuses feed the MQA's accessibility points."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from khlang.cli.urls import probe
from khlang.metadata.model import Dataset
from khlang.metadata.mqa import mqa_score


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        if self.path == "/no-head.csv":
            self.send_response(405)
        else:
            self.send_response(200 if self.path.endswith("ok.csv") else 404)
        self.end_headers()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_probe(server: str) -> None:
    statuses = probe([f"{server}/ok.csv", f"{server}/gone.csv", f"{server}/no-head.csv",
                      "http://127.0.0.1:9/closed.csv", "ftp://example.org/x"])  # fmt: skip
    assert statuses == {
        f"{server}/ok.csv": 200,
        f"{server}/gone.csv": 404,
        f"{server}/no-head.csv": 200,
        "http://127.0.0.1:9/closed.csv": 0,
        "ftp://example.org/x": 0,
    }


def test_probed_statuses_score_accessibility(server: str, statistical: Dataset) -> None:
    statistical.resources[0].url = f"{server}/ok.csv"
    report = mqa_score(statistical, url_status=probe([f"{server}/ok.csv"]))
    assert report.not_checked == 0
    assert report.total == 315 + 80
