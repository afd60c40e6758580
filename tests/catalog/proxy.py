"""A reverse proxy in front of the real CKAN kit that can break the network on command.

The CKAN kit is shared by every test session on the machine, so the fault tests do not stop
it: they put this proxy between khlang and CKAN and cut, slow down or garble the traffic
there. From khlang's side that is indistinguishable from CKAN stopping, hanging or a
gateway answering with an error page, while CKAN itself keeps running and keeps whatever
it already received (a create that reached it before the cut is really there). When the
kit behind it is really stopped (a private kit, see private_kit.py), the proxy passes the
refusal on: it drops khlang's connection without an answer.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
)


class FaultyProxy:
    """`mode`: `pass` (forward), `drop` (close the connection without answering), `html`
    (answer 200 with an HTML page), `status` (answer `status` with an HTML page), `slow`
    (wait `delay` seconds, then forward), `late` (forward at once, answer after `delay`
    seconds: CKAN did the work, khlang may have stopped waiting), `gateway` (forward, then
    answer `status` instead of CKAN's reply). `before(action)` and `after(action)` run
    around each forwarded call and may change the mode (e.g. cut the line after the 3rd
    create). `upstream_log` keeps (action, mode, CKAN's status) of every forwarded call;
    `refused` counts calls CKAN did not take (it was stopped)."""

    def __init__(self, upstream: str) -> None:
        parsed = urlparse(upstream)
        self.upstream_host = parsed.hostname or "127.0.0.1"
        self.upstream_port = parsed.port or 80
        self.mode = "pass"
        self.status = 503
        self.delay = 0.0
        self.actions: list[str] = []
        self.upstream_log: list[tuple[str, str, int]] = []
        self.refused = 0
        self.before: Callable[[str], None] | None = None
        self.after: Callable[[str], None] | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # shutdown() waits for serve_forever to look at its flag, which it does every
        # poll_interval (0.5 s by default): each test's proxy would hold it that long.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def count(self, action: str) -> int:
        with self._lock:
            return self.actions.count(action)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:  # keep test output clean
                return

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _serve(self) -> None:
                action = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    proxy.actions.append(action)
                if proxy.before:
                    proxy.before(action)
                mode = proxy.mode
                if mode == "drop":
                    self._drop()
                    return
                if mode in ("html", "status"):
                    self._answer(200 if mode == "html" else proxy.status, "text/html", HTML_PAGE)
                    return
                if mode == "slow":
                    time.sleep(proxy.delay)
                try:
                    status, content_type, payload = self._forward(body)
                except ConnectionRefusedError:  # CKAN is stopped: khlang gets no answer
                    with proxy._lock:
                        proxy.refused += 1
                    self._drop()
                    return
                with proxy._lock:
                    proxy.upstream_log.append((action, mode, status))
                if proxy.after:
                    proxy.after(action)
                if proxy.mode == "drop":  # cut after CKAN did the work, before khlang hears
                    self._drop()
                    return
                if mode == "late":
                    time.sleep(proxy.delay)
                if mode == "gateway":
                    status, content_type, payload = proxy.status, "text/html", HTML_PAGE
                self._answer(status, content_type, payload)

            def _drop(self) -> None:
                self.close_connection = True
                self.connection.shutdown(2)

            def _forward(self, body: bytes) -> tuple[int, str, bytes]:
                connection = http.client.HTTPConnection(
                    proxy.upstream_host, proxy.upstream_port, timeout=60
                )
                headers = {
                    key: value
                    for key, value in self.headers.items()
                    if key.lower() not in ("host", "connection", "content-length")
                }
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                content_type = response.getheader("Content-Type", "application/json")
                connection.close()
                return response.status, content_type, payload

            def _answer(self, status: int, content_type: str, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

        return Handler
