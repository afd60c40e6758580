"""Public feedback over HTTP, on both stores: the authorization matrix of every door that
answers, closes, moderates or decides; asking without an account (challenge, honeypot,
posting limits); hostile input (script, markup, huge and nested bodies); the email never
shown; a request from open to published; the feedback dataset through the gate."""

from __future__ import annotations

import json
import re
import time
from types import SimpleNamespace

import pytest

from khlang.api.feedback_settings import FeedbackSettings
from khlang.catalog import Catalog, Principal
from khlang.cli.feedback import publish_feedback
from tests.api.feedback_kit import catalog_client, proof

API = "/api/v1"
PUBLIC = "chiang-mai-allocation"
PRIVATE = "cm-private-plan"
EMAIL = "somying.citizen@example.com"
SCRIPT = "<script>alert('x')</script><img src=x onerror=alert(1)>"
OFF = {"feedback": FeedbackSettings(limits="off")}
WHO = ("anonymous", "cm-member", "cm-editor", "cm-admin", "nn-editor", "sysadmin",
       "both-scoped-nn-member")  # fmt: skip
ALLOWED = {"cm-editor", "cm-admin", "sysadmin"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory, api_catalog_template, migrated_store):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("feedback")
    template = api_catalog_template
    with catalog_client(root, request.param, template, migrated_store, **OFF) as found:
        yield found


def _headers(built, who: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {} if who == "anonymous" else {"Authorization": f"Bearer {built.keys[who]}"}


def _ask(client, **changes) -> dict:  # type: ignore[no-untyped-def]
    body = {"dataset": PUBLIC, "kind": "error", "title": "ยอดเบิกจ่ายผิด", "row": "2568-1",
            "body": "ยอดเบิกจ่ายของตำบลแม่ริมสูงกว่าที่จัดสรร", "email": EMAIL,
            **proof(client), **changes}  # fmt: skip
    response = client.post(f"{API}/feedback/threads", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_only_the_organisations_editors_answer_close_moderate_and_decide(world) -> None:
    client, built = world
    observed, expected = {}, {}
    for who in WHO:
        headers = _headers(built, who)
        thread = _ask(client)
        held = _ask(client, body="โปรดดู https://spam.example/win")
        request = client.post(
            f"{API}/requests",
            json={"title": "ขอข้อมูลรายตำบล", "description": "รายละเอียด",
                  "organization": "cm-office", **proof(client)},
        ).json()  # fmt: skip
        doors = {
            "answer": client.post(f"{API}/feedback/threads/{thread['id']}/answers",
                                  json={"body": "ตอบ", "fixed_in_version": 1}, headers=headers),
            "close": client.post(f"{API}/feedback/threads/{thread['id']}/close",
                                 json={"reason": "ซ้ำ"}, headers=headers),
            "moderate": client.post(f"{API}/feedback/messages/{held['messages'][0]['id']}/"
                                    "moderation", json={"approve": True}, headers=headers),
            "queue": client.get(f"{API}/organizations/cm-office/feedback", headers=headers),
            "decide": client.post(f"{API}/requests/{request['id']}/decision",
                                  json={"state": "accepted"}, headers=headers),
        }  # fmt: skip
        observed[who] = {door: answer.status_code for door, answer in doors.items()}
        refused = 401 if who == "anonymous" else 403
        expected[who] = dict.fromkeys(doors, 200 if who in ALLOWED else refused)
        expected[who]["answer"] = 201 if who in ALLOWED else refused
    assert observed == expected


def test_private_datasets_take_no_public_questions(world) -> None:
    client, built = world
    for who in ("anonymous", "cm-editor", "sysadmin"):
        body = {"dataset": PRIVATE, "title": "x", "body": "y", **proof(client)}
        response = client.post(f"{API}/feedback/threads", json=body, headers=_headers(built, who))
        assert response.status_code == 404, (who, response.text)


def test_the_email_is_never_shown(world) -> None:
    client, built = world
    thread = _ask(client)
    client.post(
        f"{API}/feedback/threads/{thread['id']}/answers",
        json={"body": "แก้ไขแล้ว", "fixed_in_version": 1},
        headers=_headers(built, "cm-editor"),
    )
    pages = [
        client.get(f"{API}/feedback/threads/{thread['id']}"),
        client.get(f"{API}/feedback/threads", params={"dataset": PUBLIC}),
        client.get(f"{API}/organizations/cm-office/feedback", headers=_headers(built, "cm-editor")),
        client.get(f"/questions/{thread['id']}"),
        client.get("/questions", params={"dataset": PUBLIC}),
        client.get("/en/organization/cm-office/feedback"),
    ]
    for page in pages:
        assert page.status_code == 200, page.url
        assert EMAIL not in page.text, page.url
    assert "has_email" not in thread
    fixed = f'class="badge ok" href="/dataset/{PUBLIC}?version=1"'
    dataset_page = client.get(f"/dataset/{PUBLIC}").text
    report = re.search(r'class="report-line" href="([^"]+)"', dataset_page)
    form = client.get(report.group(1).replace("&amp;", "&")).text
    assert re.search(r'<option value="error" selected>', form)
    assert re.search(r'<option value="[0-9a-f-]{36}" selected>allocation.csv', form)
    assert fixed in client.get(f"/questions/{thread['id']}").text


def test_a_request_goes_from_open_to_published_with_a_link(world) -> None:
    client, built = world
    editor = _headers(built, "cm-editor")
    made = client.post(
        f"{API}/requests",
        json={"title": "งบลงทุนรายโครงการ", "description": "ต้องการใช้ติดตามโครงการ",
              **proof(client)},
    ).json()  # fmt: skip
    assert (made["state"], made["organization"], made["supporters"]) == ("open", None, 1)
    supported = client.post(f"{API}/requests/{made['id']}/support", json=proof(client)).json()
    assert supported["supporters"] == 2
    url = f"{API}/requests/{made['id']}/decision"
    assert client.post(url, json={"state": "accepted"}, headers=editor).status_code == 409
    accepted = client.post(
        url, json={"state": "accepted", "organization": "cm-office"}, headers=editor
    )
    assert accepted.json()["state"] == "accepted"
    assert client.post(url, json={"state": "declined"}, headers=editor).status_code == 400
    published = client.post(url, json={"state": "published", "dataset": PUBLIC}, headers=editor)
    body = published.json()
    assert (body["state"], body["dataset"], body["decided_by"]) == (
        "published",
        PUBLIC,
        "cm-editor",
    )
    assert body["links"]["dataset"].endswith(f"/dataset/{PUBLIC}")
    page = client.get(f"/en/requests/{made['id']}").text
    assert f'class="published-dataset" href="/en/dataset/{PUBLIC}"' in page


def test_the_feedback_dataset_passes_the_gate_and_holds_no_email(world) -> None:
    client, built = world
    _ask(client)
    with Catalog.open(built.home, client.app.state.khlang.settings.database_url) as catalog:
        result = publish_feedback(
            catalog, "cm-office", actor=Principal.operator("tests"), base_url="http://testserver"
        )
        assert result.status == "published"
        assert result.checks["compliance"]["errors"] == 0
        assert all(item["valid"] for item in result.checks["validation"])
        version = catalog.version(result.dataset)
        texts = [
            catalog.resource_file(result.dataset, r.id).path.read_text() for r in version.resources
        ]
    assert [r.filename for r in version.resources] == [
        "questions.csv",
        "answers.csv",
        "requests.csv",
    ]
    assert "ยอดเบิกจ่ายผิด" in texts[0]
    assert not any(EMAIL in text for text in texts)
    compliance = client.get(f"{API}/datasets/{result.dataset}/compliance").json()
    assert (compliance["compliance"]["errors"], compliance["compliance"]["warnings"]) == (0, 0)


# --- asking without an account: hostile and careless input (SQLite) --------------------------


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory, api_catalog_template):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("hostile")
    with catalog_client(root, "sqlite", api_catalog_template, **OFF) as found:
        yield found


def _post(client, **body):  # type: ignore[no-untyped-def]
    return client.post(f"{API}/feedback/threads", json={"dataset": PUBLIC, **body})


@pytest.mark.parametrize(
    ("body", "status", "parameter"),
    [
        ({"title": "t", "body": "b"}, 403, "challenge"),
        ({"title": "t", "body": "b", "challenge": "1.2.3", "challenge_answer": "4"}, 403,
         "challenge"),
        ({"title": "t", "body": "b", "website": "http://bot.example"}, 403, "website"),
        ({"title": {"nested": [[[1]]]}, "body": "b"}, 400, "title"),
        ({"title": "t", "body": "b", "extra": 1}, 400, "extra"),
        ({"title": "t", "body": "ก" * 5001}, 400, "body"),
        ({"title": " \u200b\x00 ", "body": "b"}, 400, "title"),
        ({"title": "\u2060\ufeff", "body": "b"}, 400, "title"),
        ({"title": "t", "body": "b", "kind": "praise"}, 400, "kind"),
        ({"title": "t", "body": "b", "email": "not-an-email"}, 400, "email"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_naming_what(sqlite_world, body, status, parameter) -> None:
    client, _ = sqlite_world
    if "challenge" not in body:
        body = {**proof(client), **body} if status != 403 else body
    response = _post(client, **body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["parameter"] == parameter


def test_a_wrong_answer_to_the_challenge_is_refused(sqlite_world) -> None:
    client, _ = sqlite_world
    found = proof(client)
    wrong = str(int(found["challenge_answer"]) + 1)
    response = _post(client, title="t", body="b", challenge=found["challenge"],
                     challenge_answer=wrong)  # fmt: skip
    assert (response.status_code, response.json()["error"]["parameter"]) == (
        403,
        "challenge_answer",
    )
    thai_digits = found["challenge_answer"].translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    accepted = _post(client, title="t", body="b", challenge=found["challenge"],
                     challenge_answer=thai_digits)  # fmt: skip
    assert accepted.status_code == 201


def _refused_as_stale(response, why: str = "answered already") -> None:  # type: ignore[no-untyped-def]
    """Refused for the token itself, whatever the answer: the page must be opened again."""
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert (error["code"], error["parameter"]) == ("bad_challenge", "challenge")
    assert why in error["message"]["en"]
    assert error["message"]["en"].endswith("; open the page again")


def test_an_answered_challenge_lets_one_post_through(sqlite_world) -> None:
    """A person's answered challenge replayed by a script posts nothing more."""
    client, _ = sqlite_world
    answered = proof(client)
    assert _post(client, title="t", body="b", **answered).status_code == 201
    _refused_as_stale(_post(client, title="t2", body="b2", **answered))


def test_a_challenge_expires(sqlite_world, monkeypatch) -> None:
    """A right answer to a challenge issued longer ago than `challenge_seconds` (4 hours)."""
    from khlang.api.feedback import guard

    client, _ = sqlite_world
    answered = proof(client)
    later = time.time() + 4 * 3600 + 1
    monkeypatch.setattr(guard, "time", SimpleNamespace(time=lambda: later))
    _refused_as_stale(_post(client, title="t", body="b", **answered), why="expired")


def test_workers_sharing_redis_spend_a_challenge_once(
    api_catalog_template, tmp_path, redis_url
) -> None:
    """Two workers (apps over one home, the limits' storage in Redis, as `khlang serve`
    behind a load balancer): a token spent on one is refused by the other."""
    from fastapi.testclient import TestClient

    from khlang.api.settings import RateLimits
    from tests.api.catalog_fixture import copy_of
    from tests.api.conftest import make_app

    home = copy_of(api_catalog_template, tmp_path).home
    shared = {**OFF, "rate_limits": RateLimits(enabled=False, storage=redis_url)}
    with (
        TestClient(make_app(home, **shared)) as first,
        TestClient(make_app(home, **shared)) as second,
    ):
        answered = proof(first)
        assert _post(second, title="t", body="b", **answered).status_code == 201
        _refused_as_stale(_post(first, title="t2", body="b2", **answered))


def test_huge_and_deeply_nested_bodies_are_refused_unread(sqlite_world) -> None:
    client, _ = sqlite_world
    huge = json.dumps({"title": "t", "body": "x" * 200_000})
    response = client.post(
        f"{API}/feedback/threads", content=huge, headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (413, "too_large")
    nested = "[" * 30_000 + "]" * 30_000
    response = client.post(
        f"{API}/feedback/threads", content=nested, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    page = client.post("/questions", content="body=" + "x" * 200_000,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert page.status_code == 413


def test_script_and_markup_stay_text_and_links_wait_for_an_editor(sqlite_world) -> None:
    client, built = sqlite_world
    plain = _ask(client, title=SCRIPT, body=SCRIPT + "\nบรรทัดที่สอง")
    assert plain["title"] == SCRIPT
    page = client.get(f"/questions/{plain['id']}").text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "บรรทัดที่สอง" in page
    linked = _ask(client, body="ดูที่ https://example.org/evidence และ javascript:alert(1)")
    assert linked["moderation"] == "held"
    assert client.get(f"{API}/feedback/threads/{linked['id']}").status_code == 404
    assert client.get(f"/questions/{linked['id']}").status_code == 404
    queue = client.get("/organization/cm-office/feedback").text
    assert "https://example.org/evidence" not in queue  # not signed in: no content
    editor = {"Authorization": f"Bearer {built.keys['cm-editor']}"}
    message = linked["messages"][0]["id"]
    client.post(f"{API}/feedback/messages/{message}/moderation", json={"approve": True},
                headers=editor)  # fmt: skip
    shown = client.get(f"/questions/{linked['id']}").text
    assert '<a href="https://example.org/evidence" rel="nofollow ugc noopener">' in shown
    assert 'href="javascript' not in shown


def test_posting_limits_per_address(tmp_path, api_catalog_template) -> None:
    limited = {"feedback": FeedbackSettings(limits="2/minute")}
    with catalog_client(tmp_path, "sqlite", api_catalog_template, **limited) as (client, _):
        statuses = [
            _post(client, title="t", body="b", **proof(client)).status_code for _ in range(3)
        ]
        assert statuses == [201, 201, 429]
        refused = _post(client, title="t", body="b", **proof(client))
        assert int(refused.headers["Retry-After"]) > 0
        assert refused.json()["error"]["code"] == "rate_limited"
