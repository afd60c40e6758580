"""Public feedback: anyone asks about a dataset, a budget line or an area figure, reports an
error or missing data, or asks an agency to publish a dataset; the organisation's editors
answer in public.

    feedback = catalog.feedback
    thread = feedback.ask(Subject(dataset="allocation"), kind="question", title=..., body=...)
    feedback.answer(thread.id, "...", actor=editor, fixed_in_version=3)

Who may do what is decided here, for the API, the web pages and the CLI alike: asking needs
no account, but only public, active datasets take questions; only editors (or admins) of the
answering organisation answer, close, or moderate; a request's state is changed by editors of
its organisation (for a request to any agency, by the editors of the organisation that takes
it up). Every write by an officer has its audit entry.
"""

from __future__ import annotations

import datetime as dt
import statistics

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from khlang.catalog import audit, errors
from khlang.catalog import feedback_text as text
from khlang.catalog.context import CatalogContext
from khlang.catalog.feedback_records import (
    MessageRecord,
    RequestRecord,
    ResponseTimes,
    Subject,
    ThreadRecord,
)
from khlang.catalog.feedback_tables import (
    REQUEST_STATES,
    THREAD_KINDS,
    DatasetRequest,
    FeedbackMessage,
    FeedbackThread,
)
from khlang.catalog.principals import ANONYMOUS, Principal
from khlang.catalog.tables import (
    Dataset,
    DatasetVersion,
    Organization,
    User,
    VersionResource,
    utcnow,
)
from khlang.errors import KhlangError
from khlang.i18n import Text

THREAD = Text(th="คำถาม", en="question")
MESSAGE = Text(th="ข้อความ", en="message")
REQUEST = Text(th="คำขอชุดข้อมูล", en="dataset request")
ROW_KEY_LIMIT = 200
FIGURE_LIMIT = 300


class Feedback:
    def __init__(self, catalog: CatalogContext) -> None:
        self.catalog = catalog

    # --- asking ---------------------------------------------------------------------------

    def ask(
        self,
        subject: Subject,
        *,
        kind: str,
        title: str,
        body: str,
        language: str = "th",
        email: str | None = None,
        hold: bool = False,
    ) -> ThreadRecord:
        """A new thread from a member of the public. It waits in the moderation queue when
        it carries a link or `hold` says so (the caller's spam checks); otherwise it is
        public at once."""
        text.one_of(kind, THREAD_KINDS, "kind", Text(th="ประเภท", en="kind"))
        clean_title = text.clean(title, "title", text.TITLE_LIMIT)
        clean_body = text.clean(body, "body", text.BODY_LIMIT)
        lang, address = text.language(language), text.email(email)
        row_key = text.clean(subject.row_key, "row", ROW_KEY_LIMIT, required=False)
        figure = text.clean(subject.figure, "figure", FIGURE_LIMIT, required=False)
        moderation = "held" if hold or text.has_link(clean_title, clean_body) else "visible"
        with self.catalog.write() as session:
            dataset, organization = _askable_dataset(session, subject.dataset)
            if subject.resource_id is not None:
                _check_resource(session, dataset, subject.resource_id)
            if figure and subject.area:
                organization = _area_organization(session, subject.area) or organization
            now = utcnow()
            thread = FeedbackThread(
                organization_id=organization.id,
                dataset_id=dataset.id,
                kind=kind,
                subject=Subject(dataset=dataset.name, row_key=row_key, figure=figure).kind,
                resource_id=subject.resource_id,
                row_key=row_key,
                figure=figure,
                title=clean_title,
                language=lang,
                email=address,
                state="open",
                moderation=moderation,
                created_at=now,
                updated_at=now,
            )
            session.add(thread)
            session.flush()
            session.add(
                FeedbackMessage(
                    thread_id=thread.id,
                    author_kind="public",
                    body=clean_body,
                    language=lang,
                    state=moderation,
                    created_at=now,
                )
            )
            session.flush()
            return _thread_record(session, thread, officer=True)

    def reply(
        self, thread_id: int, body: str, *, language: str = "th", hold: bool = False
    ) -> MessageRecord:
        """A follow-up from the public on a thread that is not closed."""
        clean_body = text.clean(body, "body", text.BODY_LIMIT)
        lang = text.language(language)
        state = "held" if hold or text.has_link(clean_body) else "visible"
        with self.catalog.write() as session:
            thread = _thread(session, thread_id, ANONYMOUS)
            if thread.state == "closed":
                raise errors.ConflictError(
                    Text(th="คำถามนี้ปิดแล้ว", en="this question is closed"), where=str(thread_id)
                )
            message = FeedbackMessage(
                thread_id=thread.id, author_kind="public", body=clean_body, language=lang,
                state=state, created_at=utcnow(),
            )  # fmt: skip
            session.add(message)
            thread.updated_at = utcnow()
            session.flush()
            return _message_record(message, None)

    # --- answering ------------------------------------------------------------------------

    def answer(
        self,
        thread_id: int,
        body: str,
        *,
        actor: Principal,
        language: str = "th",
        fixed_in_version: int | None = None,
    ) -> ThreadRecord:
        """An answer in public by an editor of the thread's organisation, optionally saying
        which published version of the dataset fixes what was reported."""
        clean_body = text.clean(body, "body", text.BODY_LIMIT)
        lang = text.language(language)
        with self.catalog.write() as session:
            thread = _thread(session, thread_id, actor)
            organization = _require_editor(session, thread.organization_id, actor)
            if fixed_in_version is not None:
                _check_version(session, thread.dataset_id, fixed_in_version)
            now = utcnow()
            session.add(
                FeedbackMessage(
                    thread_id=thread.id,
                    author_kind="officer",
                    author=actor.name,
                    body=clean_body,
                    language=lang,
                    state="visible",
                    fixed_in_version=fixed_in_version,
                    created_at=now,
                    moderated_by=actor.name,
                    moderated_at=now,
                )
            )
            thread.state = "answered"
            thread.answered_at = thread.answered_at or now
            thread.updated_at = now
            if thread.moderation == "held":
                _approve_thread(session, thread, actor, now)
            audit.record(
                session, actor.name, "feedback.answer", "feedback_thread",
                object_id=str(thread.id), object_name=organization,
                detail={"fixed_in_version": fixed_in_version},
            )  # fmt: skip
            session.flush()
            return _thread_record(session, thread, officer=True)

    def close(self, thread_id: int, reason: str, *, actor: Principal) -> ThreadRecord:
        """Close a thread with a public reason (a duplicate, out of scope, abuse...)."""
        clean_reason = text.clean(reason, "reason", text.REASON_LIMIT)
        with self.catalog.write() as session:
            thread = _thread(session, thread_id, actor)
            organization = _require_editor(session, thread.organization_id, actor)
            thread.state = "closed"
            thread.close_reason = clean_reason
            thread.updated_at = utcnow()
            audit.record(
                session, actor.name, "feedback.close", "feedback_thread",
                object_id=str(thread.id), object_name=organization,
                detail={"reason": clean_reason},
            )  # fmt: skip
            return _thread_record(session, thread, officer=True)

    def moderate(self, message_id: int, *, approve: bool, actor: Principal) -> MessageRecord:
        """Approve a held message (it is shown, its links rendered as links) or reject it
        (it stays stored, never shown). Rejecting a thread's first message hides the
        thread."""
        with self.catalog.write() as session:
            message = session.get(FeedbackMessage, message_id)
            if message is None:
                raise errors.not_found(MESSAGE, str(message_id))
            thread = session.get(FeedbackThread, message.thread_id)
            assert thread is not None
            organization = _require_editor(session, thread.organization_id, actor)
            now = utcnow()
            message.state = "visible" if approve else "rejected"
            message.moderated_by, message.moderated_at = actor.name, now
            if _first_message_id(session, thread.id) == message.id:
                thread.moderation = message.state
            audit.record(
                session, actor.name, "feedback.approve" if approve else "feedback.reject",
                "feedback_message", object_id=str(message.id), object_name=organization,
            )  # fmt: skip
            return _message_record(message, _display_name(session, message.author))

    # --- reading --------------------------------------------------------------------------

    def thread(self, thread_id: int, *, viewer: Principal = ANONYMOUS) -> ThreadRecord:
        """A thread with its messages: the public sees what moderation let through; the
        organisation's editors see everything, held and rejected messages included."""
        with self.catalog.read() as session:
            thread = _thread(session, thread_id, viewer)
            return _thread_record(session, thread, officer=_is_editor(session, thread, viewer))

    def threads(
        self,
        *,
        dataset: str | None = None,
        figure: str | None = None,
        organization: str | None = None,
        state: str | None = None,
        viewer: Principal = ANONYMOUS,
        limit: int = 100,
        offset: int = 0,
    ) -> list[ThreadRecord]:
        """Threads, newest first, with their messages. Only moderated-in threads of public
        datasets, unless `viewer` is an editor of `organization`."""
        query = (
            select(FeedbackThread)
            .join(Dataset, Dataset.id == FeedbackThread.dataset_id)
            .join(Organization, Organization.id == FeedbackThread.organization_id)
            .order_by(FeedbackThread.id.desc())
            .limit(min(limit, 1000))
            .offset(offset)
        )
        officer = organization is not None and viewer.can_publish(organization)
        if not officer:
            query = query.where(FeedbackThread.moderation == "visible", Dataset.private.is_(False))
        if dataset is not None:
            query = query.where((Dataset.name == dataset) | (Dataset.id == dataset))
        if figure is not None:
            query = query.where(FeedbackThread.figure == figure)
        if organization is not None:
            query = query.where(Organization.name == organization)
        if state is not None:
            query = query.where(FeedbackThread.state == state)
        with self.catalog.read() as session:
            return _thread_records(session, list(session.scalars(query)), officer=officer)

    def queue(self, organization: str, *, actor: Principal) -> list[ThreadRecord]:
        """What waits for the organisation's editors: open threads and threads with a
        held message, oldest first."""
        with self.catalog.read() as session:
            org = _organization(session, organization)
            _require_editor(session, org.id, actor)
            held = select(FeedbackMessage.thread_id).where(FeedbackMessage.state == "held")
            rows = session.scalars(
                select(FeedbackThread)
                .where(
                    FeedbackThread.organization_id == org.id,
                    (FeedbackThread.state == "open") | FeedbackThread.id.in_(held),
                )
                .order_by(FeedbackThread.id)
            )
            return _thread_records(session, list(rows), officer=True)

    def response_times(self, organization: str) -> ResponseTimes:
        """Public figures of how the organisation answers (no content, so no rights)."""
        with self.catalog.read() as session:
            org = _organization(session, organization)
            rows = session.execute(
                select(
                    FeedbackThread.state, FeedbackThread.created_at, FeedbackThread.answered_at
                ).where(
                    FeedbackThread.organization_id == org.id,
                    FeedbackThread.moderation != "rejected",
                )
            ).all()
            held = session.scalar(
                select(func.count(FeedbackMessage.id))
                .join(FeedbackThread, FeedbackThread.id == FeedbackMessage.thread_id)
                .where(FeedbackThread.organization_id == org.id, FeedbackMessage.state == "held")
            )
        hours = [
            (answered - created).total_seconds() / 3600
            for _, created, answered in rows
            if answered is not None
        ]
        return ResponseTimes(
            organization=org.name,
            threads=len(rows),
            answered=len(hours),
            open=sum(1 for state, _, _ in rows if state == "open"),
            held=held or 0,
            median_hours=round(statistics.median(hours), 2) if hours else None,
            within_week=round(sum(h <= 168 for h in hours) / len(hours) * 100, 1)
            if hours
            else None,
        )

    # --- dataset requests -----------------------------------------------------------------

    def request(
        self,
        *,
        title: str,
        description: str,
        organization: str | None = None,
        language: str = "th",
        email: str | None = None,
        hold: bool = False,
    ) -> RequestRecord:
        """Ask an organisation (or, with None, any agency) to publish a dataset."""
        clean_title = text.clean(title, "title", text.TITLE_LIMIT)
        clean_description = text.clean(description, "description", text.BODY_LIMIT)
        lang, address = text.language(language), text.email(email)
        moderation = "held" if hold or text.has_link(clean_title, clean_description) else "visible"
        with self.catalog.write() as session:
            org = _organization(session, organization) if organization else None
            now = utcnow()
            row = DatasetRequest(
                organization_id=org.id if org else None, title=clean_title,
                description=clean_description, language=lang, email=address, state="open",
                moderation=moderation, supporters=1, created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _request_record(session, row)

    def support(self, request_id: int) -> RequestRecord:
        """One more person wants this dataset (the caller limits how often one visitor
        may say so)."""
        with self.catalog.write() as session:
            row = _request(session, request_id, ANONYMOUS)
            if row.state in ("published", "declined"):
                raise errors.ConflictError(
                    Text(th="คำขอนี้สิ้นสุดแล้ว", en="this request is settled"), where=str(request_id)
                )
            row.supporters += 1
            row.updated_at = utcnow()
            return _request_record(session, row)

    def decide(
        self,
        request_id: int,
        state: str,
        *,
        actor: Principal,
        reason: str | None = None,
        dataset: str | None = None,
        organization: str | None = None,
    ) -> RequestRecord:
        """Move a request to `accepted`, `published` (naming the published dataset) or
        `declined` (with a reason), or approve a held one (`open`). A request to any agency
        is taken up by naming `organization`, which the actor must edit for."""
        text.one_of(state, REQUEST_STATES, "state", Text(th="สถานะ", en="state"))
        note = text.clean(reason, "reason", text.REASON_LIMIT, required=state == "declined")
        with self.catalog.write() as session:
            row = _request(session, request_id, actor)
            if organization is not None and row.organization_id is None:
                row.organization_id = _organization(session, organization).id
            if row.organization_id is None:
                raise errors.ConflictError(
                    Text(
                        th="คำขอนี้ถึงทุกหน่วยงาน ระบุหน่วยงานที่รับเรื่อง",
                        en="this request is to any agency: name the organisation taking it up",
                    ),
                    where="organization",
                )
            org_name = _require_editor(session, row.organization_id, actor)
            if state == "published":
                row.dataset_id = _published_dataset(session, dataset, row.organization_id).id
            now = utcnow()
            row.state, row.reason = state, note
            row.moderation = "visible"
            row.decided_by, row.decided_at, row.updated_at = actor.name, now, now
            audit.record(
                session, actor.name, f"request.{state}", "dataset_request",
                object_id=str(row.id), object_name=org_name,
                detail={"reason": note, "dataset": dataset},
            )  # fmt: skip
            return _request_record(session, row)

    def requests(
        self,
        *,
        organization: str | None = None,
        state: str | None = None,
        viewer: Principal = ANONYMOUS,
        limit: int = 100,
        offset: int = 0,
    ) -> list[RequestRecord]:
        """Requests, the most supported first; held ones only for the organisation's
        editors. `organization="*"` lists the requests to any agency."""
        query = (
            select(DatasetRequest)
            .order_by(DatasetRequest.supporters.desc(), DatasetRequest.id.desc())
            .limit(min(limit, 1000))
            .offset(offset)
        )
        officer = organization not in (None, "*") and viewer.can_publish(organization)
        if not officer:
            query = query.where(DatasetRequest.moderation == "visible")
        if organization == "*":
            query = query.where(DatasetRequest.organization_id.is_(None))
        elif organization is not None:
            query = query.join(
                Organization, Organization.id == DatasetRequest.organization_id
            ).where(Organization.name == organization)
        if state is not None:
            query = query.where(DatasetRequest.state == state)
        with self.catalog.read() as session:
            return [_request_record(session, row) for row in session.scalars(query)]

    def request_record(self, request_id: int, *, viewer: Principal = ANONYMOUS) -> RequestRecord:
        with self.catalog.read() as session:
            return _request_record(session, _request(session, request_id, viewer))

    def contact(self, *, thread_id: int | None = None, request_id: int | None = None) -> str | None:
        """The asker's email, for a notifier only: never part of a record."""
        with self.catalog.read() as session:
            row = (
                session.get(FeedbackThread, thread_id)
                if thread_id is not None
                else session.get(DatasetRequest, request_id)
            )
            return row.email if row is not None else None


# --- helpers -------------------------------------------------------------------------------


def _askable_dataset(session: Session, name: str) -> tuple[Dataset, Organization]:
    """A public, active dataset; a private one takes no public questions and looks like no
    dataset at all (as everywhere in the catalog)."""
    found = session.execute(
        select(Dataset, Organization)
        .join(Organization, Organization.id == Dataset.organization_id)
        .where((Dataset.name == name) | (Dataset.id == name))
    ).first()
    if found is None or found[0].current_version_id is None or found[0].private:
        raise errors.not_found(errors.DATASET, name)
    if found[0].state != "active":
        raise errors.ConflictError(
            Text(th=f"ชุดข้อมูล {name} ถูกถอนแล้ว", en=f"the dataset {name!r} is withdrawn"),
            where=name,
        )
    return found[0], found[1]


def _check_resource(session: Session, dataset: Dataset, resource_id: str) -> None:
    found = session.get(VersionResource, (dataset.current_version_id, resource_id))
    if found is None:
        raise errors.not_found(errors.RESOURCE, resource_id)


def _check_version(session: Session, dataset_id: str, number: int) -> None:
    found = session.scalar(
        select(DatasetVersion.id).where(
            DatasetVersion.dataset_id == dataset_id,
            DatasetVersion.number == number,
            DatasetVersion.status == "published",
        )
    )
    if found is None:
        raise errors.not_found(errors.VERSION, str(number))


def _area_organization(session: Session, area: str) -> Organization | None:
    """The organisation that answers for an area: a local government organisation named
    after the area's key in lower case (an LAO key `ThesabanTambon-500100` is the
    organisation `thesabantambon-500100`)."""
    return session.scalar(
        select(Organization).where(
            Organization.name == area.strip().lower(),
            Organization.catalog_type == "local_government",
        )
    )


def _organization(session: Session, name: str) -> Organization:
    row = session.scalar(
        select(Organization).where((Organization.name == name) | (Organization.id == name))
    )
    if row is None:
        raise errors.not_found(errors.ORGANIZATION, name)
    return row


def _published_dataset(session: Session, name: str | None, organization_id: str) -> Dataset:
    if not name:
        raise KhlangError(
            Text(th="ระบุชุดข้อมูลที่เผยแพร่แล้ว", en="name the published dataset"), where="dataset"
        )
    row = session.scalar(select(Dataset).where((Dataset.name == name) | (Dataset.id == name)))
    if row is None or row.current_version_id is None or row.private:
        raise errors.not_found(errors.DATASET, name)
    if row.organization_id != organization_id:
        raise errors.ConflictError(
            Text(
                th=f"ชุดข้อมูล {name} ไม่ได้เผยแพร่โดยหน่วยงานที่รับคำขอ",
                en=f"the dataset {name!r} is not published by the organisation of the request",
            ),
            where="dataset",
        )
    return row


def _require_editor(session: Session, organization_id: str, actor: Principal) -> str:
    """The organisation's name, when `actor` edits for it."""
    org = session.get(Organization, organization_id)
    assert org is not None
    if not actor.can_publish(org.name):
        raise errors.PermissionDeniedError(
            Text(
                th=f"{actor.name} ไม่มีสิทธิ์ตอบในนามของ {org.name} (ต้องเป็น editor ขึ้นไป)",
                en=f"{actor.name} may not answer for {org.name} (editor or above)",
            ),
            where=org.name,
        )
    return org.name


def _is_editor(session: Session, thread: FeedbackThread, viewer: Principal) -> bool:
    org = session.get(Organization, thread.organization_id)
    return org is not None and viewer.can_publish(org.name)


def _thread(session: Session, thread_id: int, viewer: Principal) -> FeedbackThread:
    """A thread the viewer may see: a held or rejected one, or one about a dataset that has
    since become private, only for the organisation's editors."""
    row = session.get(FeedbackThread, thread_id)
    if row is None:
        raise errors.not_found(THREAD, str(thread_id))
    dataset = session.get(Dataset, row.dataset_id)
    hidden = row.moderation != "visible" or (dataset is not None and dataset.private)
    if hidden and not _is_editor(session, row, viewer):
        raise errors.not_found(THREAD, str(thread_id))
    return row


def _request(session: Session, request_id: int, viewer: Principal) -> DatasetRequest:
    row = session.get(DatasetRequest, request_id)
    if row is None:
        raise errors.not_found(REQUEST, str(request_id))
    if row.moderation != "visible":
        org = session.get(Organization, row.organization_id) if row.organization_id else None
        allowed = viewer.sysadmin or (org is not None and viewer.can_publish(org.name))
        if not allowed:
            raise errors.not_found(REQUEST, str(request_id))
    return row


def _first_message_id(session: Session, thread_id: int) -> int | None:
    return session.scalar(
        select(func.min(FeedbackMessage.id)).where(FeedbackMessage.thread_id == thread_id)
    )


def _approve_thread(
    session: Session, thread: FeedbackThread, actor: Principal, now: dt.datetime
) -> None:
    """Answering a held question approves it: the editor has read it."""
    thread.moderation = "visible"
    first = session.get(FeedbackMessage, _first_message_id(session, thread.id))
    if first is not None and first.state == "held":
        first.state, first.moderated_by, first.moderated_at = "visible", actor.name, now


def _display_name(session: Session, user: str | None) -> str | None:
    if user is None:
        return None
    full_name = session.scalar(select(User.full_name).where(User.name == user))
    return full_name or user


def _message_record(row: FeedbackMessage, author: str | None) -> MessageRecord:
    return MessageRecord(
        id=row.id,
        author_kind=row.author_kind,
        author=author,
        body=row.body,
        language=row.language,
        state=row.state,
        approved=row.state == "visible" and row.moderated_by is not None,
        fixed_in_version=row.fixed_in_version,
        created_at=row.created_at,
    )


def _thread_record(session: Session, row: FeedbackThread, *, officer: bool) -> ThreadRecord:
    return _thread_records(session, [row], officer=officer)[0]


def _thread_records(
    session: Session, rows: list[FeedbackThread], *, officer: bool
) -> list[ThreadRecord]:
    """Records of many threads in four queries, whatever their number (datasets and
    organisations, messages, authors' names): a dataset's page lists a hundred."""
    if not rows:
        return []
    datasets = {
        found.id: found
        for found in session.execute(
            select(Dataset.id, Dataset.name, Dataset.title).where(
                Dataset.id.in_({row.dataset_id for row in rows})
            )
        )
    }
    organizations = dict(
        session.execute(
            select(Organization.id, Organization.name).where(
                Organization.id.in_({row.organization_id for row in rows})
            )
        ).all()
    )
    messages: dict[int, list[FeedbackMessage]] = {row.id: [] for row in rows}
    for message in session.scalars(
        select(FeedbackMessage)
        .where(FeedbackMessage.thread_id.in_(list(messages)))
        .order_by(FeedbackMessage.id)
    ):
        if message.state == "visible" or officer:
            messages[message.thread_id].append(message)
    authors = {m.author for found in messages.values() for m in found if m.author}
    names = dict(
        session.execute(select(User.name, User.full_name).where(User.name.in_(authors))).all()
    )
    return [
        ThreadRecord(
            id=row.id,
            organization=organizations[row.organization_id],
            dataset=datasets[row.dataset_id].name,
            dataset_title=datasets[row.dataset_id].title,
            kind=row.kind,
            subject=row.subject,
            resource_id=row.resource_id,
            row_key=row.row_key,
            figure=row.figure,
            title=row.title,
            language=row.language,
            state=row.state,
            moderation=row.moderation,
            close_reason=row.close_reason,
            created_at=row.created_at,
            updated_at=row.updated_at,
            answered_at=row.answered_at,
            has_email=row.email is not None,
            messages=tuple(
                _message_record(m, (names.get(m.author) or m.author) if m.author else None)
                for m in messages[row.id]
            ),
        )
        for row in rows
    ]


def _request_record(session: Session, row: DatasetRequest) -> RequestRecord:
    org = session.get(Organization, row.organization_id) if row.organization_id else None
    dataset = session.get(Dataset, row.dataset_id) if row.dataset_id else None
    return RequestRecord(
        id=row.id,
        organization=org.name if org else None,
        title=row.title,
        description=row.description,
        language=row.language,
        state=row.state,
        moderation=row.moderation,
        supporters=row.supporters,
        dataset=dataset.name if dataset else None,
        reason=row.reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        has_email=row.email is not None,
    )
