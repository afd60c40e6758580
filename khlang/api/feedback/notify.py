"""Optional notifications of public feedback: an email to the organisation's contact address
when a question arrives and to the asker (if they left an address) when it is answered, and
a JSON POST to each configured webhook on both events.

They run after the answer has been sent (a background task), and a relay or endpoint that is
down is logged, never shown to the person who asked: a question is stored whether or not
anyone could be told of it. Nothing sent carries the asker's email address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
from email.message import EmailMessage
from typing import Any

import httpx

from khlang.api.feedback_settings import FeedbackSettings
from khlang.catalog import Catalog, NotFoundError
from khlang.catalog.feedback_records import ThreadRecord

log = logging.getLogger("khlang.api.feedback")
QUESTION = "question.created"
ANSWER = "answer.created"
HELD = "question.held"


class Notifier:
    def __init__(self, settings: FeedbackSettings, catalog: Catalog) -> None:
        self.settings = settings
        self.catalog = catalog

    @property
    def configured(self) -> bool:
        return self.settings.smtp is not None or bool(self.settings.webhooks)

    def question(self, thread: ThreadRecord, link: str) -> None:
        """A new question (or one now waiting for moderation): tell the organisation."""
        event = QUESTION if thread.moderation == "visible" else HELD
        if self.settings.smtp is not None:
            address = self._organization_email(thread.organization)
            if address:
                subject = f"[khlang] คำถามใหม่ / New question #{thread.id}: {thread.title}"
                body = (
                    f"มีคำถามใหม่ถึง {thread.organization} เกี่ยวกับชุดข้อมูล {thread.dataset}\n"
                    f"A new question to {thread.organization} about {thread.dataset}\n\n"
                    f"{thread.title}\n\n{_first_body(thread)}\n\n{link}\n"
                )
                self._mail(address, subject, body)
        self._hooks(event, thread, link)

    def answer(self, thread: ThreadRecord, link: str) -> None:
        """A new answer: tell the asker, if they left an address, and the webhooks."""
        if self.settings.smtp is not None and thread.has_email:
            address = self.catalog.feedback.contact(thread_id=thread.id)
            answer = thread.answers[-1] if thread.answers else None
            if address and answer is not None:
                subject = f"[khlang] คำตอบ / Answer #{thread.id}: {thread.title}"
                body = (
                    f"{thread.organization} ตอบคำถามของท่านแล้ว / has answered your question\n\n"
                    f"{answer.body}\n\n— {answer.author}\n\n{link}\n"
                )
                self._mail(address, subject, body)
        self._hooks(ANSWER, thread, link)

    # --- delivery -------------------------------------------------------------------------

    def _organization_email(self, organization: str) -> str | None:
        try:
            return self.catalog.organization(organization).email
        except NotFoundError:
            return None

    def _mail(self, to: str, subject: str, body: str) -> None:
        smtp = self.settings.smtp
        assert smtp is not None
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = smtp.sender, to, subject
        message.set_content(body)
        try:
            with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
                if smtp.starttls:
                    client.starttls()
                if smtp.username:
                    client.login(smtp.username, smtp.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("feedback email to the relay %s failed: %s", smtp.host, error)

    def _hooks(self, event: str, thread: ThreadRecord, link: str) -> None:
        hooks = [
            hook
            for hook in self.settings.webhooks
            if hook.organization in (None, thread.organization)
        ]
        if not hooks:
            return
        body = json.dumps(_payload(event, thread, link), ensure_ascii=False).encode()
        for hook in hooks:
            headers = {"Content-Type": "application/json", "X-Khlang-Event": event}
            if hook.secret:
                digest = hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
                headers["X-Khlang-Signature"] = f"sha256={digest}"
            try:
                response = httpx.post(hook.url, content=body, headers=headers, timeout=hook.timeout)
                response.raise_for_status()
            except httpx.HTTPError as error:
                log.warning("feedback webhook %s failed: %s", hook.url, error)


def _first_body(thread: ThreadRecord) -> str:
    return thread.messages[0].body if thread.messages else ""


def _payload(event: str, thread: ThreadRecord, link: str) -> dict[str, Any]:
    """The thread as the public API shows it (held messages and the email left out)."""
    shown = thread.model_copy(
        update={"messages": tuple(m for m in thread.messages if m.state == "visible")}
    )
    return {"event": event, "url": link, "thread": shown.model_dump(mode="json")}
