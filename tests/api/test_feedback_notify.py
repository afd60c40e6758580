"""Notifications of public feedback against real servers in the test process: an SMTP server
(aiosmtpd) and an HTTP server for the webhooks. The organisation hears of a new question,
the asker of the answer, each webhook of both (signed, without the email), a webhook for
another organisation of neither; a relay that is down loses no question."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from khlang.api.feedback_settings import FeedbackSettings, Smtp, Webhook
from khlang.catalog import Catalog, Principal
from khlang.i18n import Text
from tests.api.catalog_fixture import dataset_folder
from tests.api.conftest import make_app
from tests.api.feedback_kit import proof

OPERATOR = Principal.operator("tests")
OFFICE, OFFICE_EMAIL = "notify-office", "opendata@notify-office.example.go.th"
ASKER = "asker@example.com"
SECRET = "webhook-secret"


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def servers():  # type: ignore[no-untyped-def]
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    received: list[tuple[str, dict, bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    hooks = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    yield mailbox, controller.port, received, f"http://127.0.0.1:{hooks.server_address[1]}"
    hooks.shutdown()
    controller.stop()


@pytest.fixture(scope="module")
def home(tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("notify")
    with Catalog.open(root / "home", None, create=True) as catalog:
        catalog.accounts.create_organization(
            OFFICE, actor=OPERATOR, email=OFFICE_EMAIL, title=Text(th="สำนักงาน", en="Office")
        )
        title = "งบประมาณทดสอบการแจ้งเตือน"
        folder = dataset_folder(root / "folders", "notify-allocation", organization=OFFICE,
                                title=title, title_en="Notification test")  # fmt: skip
        catalog.publish(folder, actor=OPERATOR)
        catalog.accounts.create_user("officer", actor=OPERATOR, full_name="Officer Malee")
        catalog.accounts.set_member(OFFICE, "officer", "editor", actor=OPERATOR)
        key = catalog.accounts.create_key("officer", actor=OPERATOR)[1]
    return root / "home", key


def _client(home, settings: FeedbackSettings) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(make_app(home, feedback=settings))


def test_the_organisation_the_asker_and_the_webhooks_are_told(servers, home) -> None:
    mailbox, port, received, hooks = servers
    settings = FeedbackSettings(
        limits="off",
        smtp=Smtp(host="127.0.0.1", port=port, sender="khlang@example.go.th"),
        webhooks=[
            Webhook(url=f"{hooks}/all", secret=SECRET),
            Webhook(url=f"{hooks}/other", organization="someone-else"),
        ],
    )
    with _client(home[0], settings) as client:
        asked = client.post(
            "/api/v1/feedback/threads",
            json={"dataset": "notify-allocation", "title": "ทำไมยอดนี้ต่ำ", "body": "ขอคำอธิบาย",
                  "email": ASKER, **proof(client)},
        ).json()  # fmt: skip
        assert [m["To"] for m in mailbox.messages] == [OFFICE_EMAIL]
        assert "ทำไมยอดนี้ต่ำ" in mailbox.messages[0].get_content()
        client.post(
            f"/api/v1/feedback/threads/{asked['id']}/answers",
            json={"body": "เพราะโครงการยังก่อสร้างไม่เสร็จ"},
            headers={"Authorization": f"Bearer {home[1]}"},
        )
    assert [m["To"] for m in mailbox.messages] == [OFFICE_EMAIL, ASKER]
    assert "เพราะโครงการยังก่อสร้างไม่เสร็จ" in mailbox.messages[1].get_content()
    assert "Officer Malee" in mailbox.messages[1].get_content()
    assert [path for path, _, _ in received] == ["/all", "/all"]
    events = []
    for _, headers, body in received:
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Khlang-Signature"] == f"sha256={expected}"
        assert ASKER.encode() not in body
        events.append(json.loads(body)["event"])
    assert events == ["question.created", "answer.created"]
    assert json.loads(received[1][2])["thread"]["state"] == "answered"


def test_a_relay_that_is_down_loses_no_question(home) -> None:
    settings = FeedbackSettings(
        limits="off",
        smtp=Smtp(host="127.0.0.1", port=_free_port(), sender="khlang@example.go.th", timeout=2),
        webhooks=[Webhook(url=f"http://127.0.0.1:{_free_port()}/gone", timeout=2)],
    )
    with _client(home[0], settings) as client:
        asked = client.post(
            "/api/v1/feedback/threads",
            json={"dataset": "notify-allocation", "title": "คำถาม", "body": "รายละเอียด",
                  **proof(client)},
        )  # fmt: skip
        assert asked.status_code == 201
        shown = client.get(f"/api/v1/feedback/threads/{asked.json()['id']}")
        assert shown.status_code == 200
