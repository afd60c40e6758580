"""How public feedback is configured on one server: the posting limits, and where new
questions and answers are announced (SMTP, webhooks). Read from a JSON or YAML file named by
KHLANG_FEEDBACK_SETTINGS (`khlang serve`), or given to `ApiSettings` directly.

It sits beside `khlang.api.settings`, not in the feedback package: `ApiSettings` holds it and
the feedback routes read `ApiState`, so inside the package it closed an import cycle."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

SETTINGS_ENV = "KHLANG_FEEDBACK_SETTINGS"


class Smtp(BaseModel):
    """An SMTP relay: the organisation's contact email (its `email` in the catalog) is told
    of each new question; the asker, when they left an email, of each answer."""

    host: str
    port: int = 25
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


class Webhook(BaseModel):
    """An address that gets a JSON POST on each new question and answer, for agencies that
    route them into their own systems. With `secret`, the body is signed:
    `X-Khlang-Signature: sha256=<HMAC-SHA256 of the body>`."""

    url: str
    organization: str | None = None
    """Only this organisation's threads; None: every organisation's."""
    secret: str | None = None
    timeout: float = 10.0


class FeedbackSettings(BaseModel):
    limits: str = "5/minute;30/hour;60/day"
    """What one IP address may post (questions, replies, requests, support), in the `limits`
    library's notation, `;`-separated; `off` for none."""
    challenge_seconds: int = Field(default=4 * 3600, ge=60)
    """How long a challenge stays valid."""
    max_body_bytes: int = 64 * 1024
    """A posted form or JSON body larger than this is refused unread (413)."""
    smtp: Smtp | None = None
    webhooks: list[Webhook] = []

    @classmethod
    def load(cls, path: Path) -> FeedbackSettings:
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".yaml", ".yml"):
            from ruamel.yaml import YAML  # lazy: ruamel.yaml, +9 ms; only for a YAML settings file

            return cls.model_validate(YAML(typ="safe").load(text) or {})
        return cls.model_validate(json.loads(text))
