"""Errors a user can act on. The CLI turns a KhlangError into a message and exit code 2;
the API into a 4xx. Each names where the problem is (file, line, field, parameter)."""

from __future__ import annotations

from khlang.i18n import Text


class KhlangError(Exception):
    """Bad input or an impossible request: the message says what and where, in Thai and English."""

    def __init__(self, message: Text, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        text = str(self.message) if lang is None else self.message.get(lang)
        return f"{self.where}: {text}" if self.where else text
