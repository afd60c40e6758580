"""Public feedback in the catalog, on both back ends: who may answer, close, moderate and
decide (the authorization matrix), what the public sees, hostile and oversized text, dataset
requests from open to published, and response times."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from khlang.catalog import Catalog, ConflictError, NotFoundError, PermissionDeniedError, Principal
from khlang.catalog.feedback_records import Subject
from khlang.catalog.feedback_tables import FeedbackThread
from khlang.errors import KhlangError
from tests.catalog import test_cli_catalog
from tests.catalog.folders import write_folder
from tests.migrated import MigratedStore

OPERATOR = Principal.operator("cli:tester")
command_line = test_cli_catalog.cli
"""`command_line("catalog", ...)`: the command-line tests' fixture, on this catalog."""
ORG = "test-org"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


USERS = {  # who -> (user name, organisation, role); "admin" is a reserved user name
    "member": ("member", ORG, "member"),
    "editor": ("editor", ORG, "editor"),
    "admin": ("org-admin", ORG, "admin"),
    "outsider": ("outsider", "other-org", "editor"),
    "lao-editor": ("lao-editor", "thesabantambon-500100", "editor"),
}


def fill_with_two_datasets_and_users(catalog: Catalog) -> None:
    """Two datasets of `test-org` (one private), an LAO organisation, and one user per role:
    what every test here starts from, published once a session (tests/migrated.py)."""
    with tempfile.TemporaryDirectory(prefix="khlang-feedback-") as parent:
        folders = Path(parent)
        catalog.publish(write_folder(folders, "allocation"), actor=OPERATOR,
                        create_organization=True)  # fmt: skip
        catalog.publish(write_folder(folders, "secret", changes={"private": True}),
                        actor=OPERATOR, create_organization=True)  # fmt: skip
    accounts = catalog.accounts
    accounts.create_organization("other-org", actor=OPERATOR)
    accounts.create_organization(
        "thesabantambon-500100", actor=OPERATOR, catalog_type="local_government"
    )
    for user, org, role in USERS.values():
        accounts.create_user(user, actor=OPERATOR, full_name=f"{user.title()} Person")
        accounts.set_member(org, user, role, actor=OPERATOR)


@pytest.fixture
def catalog(home: Path, database_url: str, migrated_store: MigratedStore) -> Iterator[Catalog]:
    """The test's new catalog holding fill_with_two_datasets_and_users's datasets and users:
    a copy of one filled once a session."""
    migrated_store.seed(home, database_url, fill=fill_with_two_datasets_and_users)
    with Catalog.open(home, database_url) as opened:
        yield opened


@pytest.fixture
def setup(catalog: Catalog) -> dict[str, Principal]:
    """Who -> the principal of that role's user in the test's catalog."""
    return {who: catalog.accounts.principal(user) for who, (user, _, _) in USERS.items()}


def _ask(catalog: Catalog, **changes):  # type: ignore[no-untyped-def]
    options = {
        "kind": "question",
        "title": "ทำไมเบิกจ่ายต่ำ",
        "body": "งบประมาณเบิกจ่ายเพียง 40% เพราะอะไร",
        "email": "citizen@example.com",
    }
    subject = changes.pop("subject", Subject(dataset="allocation"))
    return catalog.feedback.ask(subject, **{**options, **changes})


ALLOWED = {"anonymous": False, "member": False, "outsider": False, "lao-editor": False,
           "editor": True, "admin": True, "sysadmin": True}  # fmt: skip


def test_only_the_organisations_editors_answer_close_and_moderate(catalog: Catalog, setup) -> None:
    anyone = {"anonymous": Principal(name="anonymous"), "sysadmin": OPERATOR}
    observed = {who: _rights(catalog, anyone.get(who) or setup[who]) for who in ALLOWED}
    assert observed == {who: dict.fromkeys(("answer", "close", "moderate", "queue"), allowed)
                        for who, allowed in ALLOWED.items()}  # fmt: skip


def _rights(catalog: Catalog, principal: Principal) -> dict[str, bool]:
    """What `principal` may do to a new question and a held one."""
    feedback = catalog.feedback
    thread, held = _ask(catalog), _ask(catalog, body="see http://spam.example/win")
    actions = {
        "answer": lambda: feedback.answer(thread.id, "เพราะโครงการยังไม่เสร็จ", actor=principal),
        "close": lambda: feedback.close(thread.id, "ซ้ำกับคำถามที่ 1", actor=principal),
        "moderate": lambda: feedback.moderate(held.messages[0].id, approve=True, actor=principal),
        "queue": lambda: feedback.queue(ORG, actor=principal),
    }
    found = {}
    for action, run in actions.items():
        try:
            run()
        except PermissionDeniedError:
            found[action] = False
        else:
            found[action] = True
    return found


def test_an_answer_is_public_with_who_and_when_and_the_fixing_version(
    catalog: Catalog, setup, publish, tmp_path: Path
) -> None:
    thread = _ask(catalog, kind="error", subject=Subject(dataset="allocation", row_key="5001"))
    assert (thread.subject, thread.row_key, thread.state) == ("line", "5001", "open")
    publish(write_folder(tmp_path / "v2", "allocation", csv="fiscal_year,district_code,amount\n"
                         "2568,5001,9.5\n"))  # fmt: skip
    answered = catalog.feedback.answer(
        thread.id, "แก้ไขแล้ว", actor=setup["editor"], fixed_in_version=2
    )
    assert answered.state == "answered"
    assert answered.answered_at is not None
    public = catalog.feedback.thread(thread.id)
    answer = public.answers[0]
    assert (answer.author, answer.fixed_in_version) == ("Editor Person", 2)
    assert answer.created_at <= dt.datetime.now(dt.UTC)
    assert not public.has_email or "citizen@example.com" not in public.model_dump_json()
    with pytest.raises(NotFoundError):
        catalog.feedback.answer(thread.id, "x", actor=setup["editor"], fixed_in_version=9)


def test_private_datasets_take_no_public_questions(catalog: Catalog, setup) -> None:
    with pytest.raises(NotFoundError):
        _ask(catalog, subject=Subject(dataset="secret"))
    with pytest.raises(NotFoundError):
        _ask(catalog, subject=Subject(dataset="nothing-here"))
    with pytest.raises(NotFoundError):
        _ask(catalog, subject=Subject(dataset="allocation", resource_id="not-a-resource"))


def test_a_figure_about_an_lao_goes_to_the_lao(catalog: Catalog, setup) -> None:
    subject = Subject(
        dataset="allocation", figure="disbursed:2568:lao=ThesabanTambon-500100",
        area="ThesabanTambon-500100",
    )  # fmt: skip
    thread = _ask(catalog, subject=subject)
    assert (thread.organization, thread.subject) == ("thesabantambon-500100", "figure")
    catalog.feedback.answer(thread.id, "ตอบโดย อปท.", actor=setup["lao-editor"])
    with pytest.raises(PermissionDeniedError):
        catalog.feedback.answer(thread.id, "ไม่ใช่ของเรา", actor=setup["editor"])
    listed = catalog.feedback.threads(figure=subject.figure)
    assert [item.id for item in listed] == [thread.id]
    unknown = Subject(dataset="allocation", figure="disbursed:2568:lao=TAO-1", area="TAO-1")
    assert _ask(catalog, subject=unknown).organization == ORG


def test_links_wait_for_moderation_and_hostile_text_is_kept_as_text(
    catalog: Catalog, setup
) -> None:
    plain = _ask(catalog, title=HOSTILE, body=HOSTILE + "\x00\u202e\u2060\ufeff")
    assert plain.moderation == "visible"
    assert plain.title == HOSTILE
    assert plain.messages[0].body == HOSTILE
    linked = _ask(catalog, body="ดูที่ www.spam.example")
    assert linked.moderation == "held"
    with pytest.raises(NotFoundError):
        catalog.feedback.thread(linked.id)
    assert [t.id for t in catalog.feedback.threads(dataset="allocation")] == [plain.id]
    queue = catalog.feedback.queue(ORG, actor=setup["editor"])
    assert {t.id for t in queue} == {plain.id, linked.id}
    approved = catalog.feedback.moderate(linked.messages[0].id, approve=True, actor=setup["editor"])
    assert approved.approved
    assert catalog.feedback.thread(linked.id).messages[0].approved


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("title", {"title": "x" * 201}),
        ("body", {"body": "ก" * 5001}),
        ("body", {"body": "   \x00 "}),
        ("email", {"email": "not an email"}),
        ("kind", {"kind": "praise"}),
        ("language", {"language": "fr"}),
    ],
)
def test_bad_input_names_its_field(catalog: Catalog, setup, field: str, changes: dict) -> None:
    with pytest.raises(KhlangError) as raised:
        _ask(catalog, **changes)
    assert raised.value.where == field


def test_closed_threads_take_no_replies(catalog: Catalog, setup) -> None:
    thread = _ask(catalog)
    catalog.feedback.reply(thread.id, "เพิ่มเติม: ตำบลแม่ริม")
    catalog.feedback.close(thread.id, "ตอบในคำถามอื่นแล้ว", actor=setup["admin"])
    closed = catalog.feedback.thread(thread.id)
    assert (closed.state, closed.close_reason) == ("closed", "ตอบในคำถามอื่นแล้ว")
    assert len(closed.messages) == 2
    with pytest.raises(ConflictError):
        catalog.feedback.reply(thread.id, "ยัง")


def test_a_request_goes_from_open_to_published(catalog: Catalog, setup) -> None:
    feedback = catalog.feedback
    request = feedback.request(
        title="ข้อมูลโครงการรายตำบล", description="ขอให้เผยแพร่โครงการรายตำบล", email="a@b.co"
    )
    assert (request.organization, request.state, request.supporters) == (None, "open", 1)
    assert feedback.support(request.id).supporters == 2
    with pytest.raises(KhlangError, match="any agency"):
        feedback.decide(request.id, "accepted", actor=setup["editor"])
    with pytest.raises(PermissionDeniedError):
        feedback.decide(request.id, "accepted", actor=setup["outsider"], organization=ORG)
    accepted = feedback.decide(request.id, "accepted", actor=setup["editor"], organization=ORG)
    assert (accepted.organization, accepted.state) == (ORG, "accepted")
    with pytest.raises(KhlangError, match="published dataset"):
        feedback.decide(request.id, "published", actor=setup["editor"])
    with pytest.raises(NotFoundError):
        feedback.decide(request.id, "published", actor=setup["editor"], dataset="secret")
    published = feedback.decide(
        request.id, "published", actor=setup["editor"], dataset="allocation"
    )
    assert (published.state, published.dataset, published.decided_by) == (
        "published",
        "allocation",
        "editor",
    )
    with pytest.raises(ConflictError):
        feedback.support(request.id)
    assert [r.id for r in feedback.requests(organization=ORG)] == [request.id]


def test_a_decline_needs_a_reason(catalog: Catalog, setup) -> None:
    request = catalog.feedback.request(
        title="ข้อมูลส่วนบุคคล", description="รายชื่อผู้รับเงิน", organization=ORG
    )
    with pytest.raises(KhlangError) as raised:
        catalog.feedback.decide(request.id, "declined", actor=setup["editor"])
    assert raised.value.where == "reason"
    declined = catalog.feedback.decide(
        request.id, "declined", actor=setup["editor"], reason="เป็นข้อมูลส่วนบุคคล"
    )
    assert (declined.state, declined.reason) == ("declined", "เป็นข้อมูลส่วนบุคคล")


def test_response_times_count_the_first_answer(catalog: Catalog, setup) -> None:
    first, second, _ = _ask(catalog), _ask(catalog), _ask(catalog)
    with catalog.write() as session:  # asked two days ago
        row = session.get(FeedbackThread, first.id)
        row.created_at = row.created_at - dt.timedelta(hours=48)
    catalog.feedback.answer(first.id, "ตอบ", actor=setup["editor"])
    catalog.feedback.answer(first.id, "ตอบเพิ่ม", actor=setup["editor"])
    catalog.feedback.answer(second.id, "ตอบ", actor=setup["editor"])
    times = catalog.feedback.response_times(ORG)
    assert (times.threads, times.answered, times.open) == (3, 2, 1)
    assert times.median_hours == pytest.approx(24, abs=0.1)
    assert times.within_week == 100.0


def test_the_feedback_dataset_from_the_command_line(catalog: Catalog, setup, command_line) -> None:
    cli = command_line
    thread = _ask(catalog)
    catalog.feedback.answer(thread.id, "ตอบแล้ว", actor=setup["editor"])
    first = cli("catalog", "feedback-dataset", ORG, "--base-url", "https://data.example.go.th")
    assert (first.returncode, first.stdout.strip()) == (
        0,
        f"published {ORG}-public-feedback version 1",
    )
    again = cli("catalog", "feedback-dataset", ORG, "--base-url", "https://data.example.go.th")
    assert again.stdout.strip() == f"unchanged {ORG}-public-feedback version 1"
    answers = catalog.version(f"{ORG}-public-feedback").resources[1]
    text = catalog.resource_file(f"{ORG}-public-feedback", answers.id).path.read_text()
    assert "Editor Person" in text
    assert "citizen@example.com" not in text
    unknown = cli("catalog", "feedback-dataset", "no-such-org")
    assert unknown.returncode != 0
