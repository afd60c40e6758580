"""Errors a user can act on, each knowing its outcome: a stable `code` a program can branch
on, the HTTP `status` the API answers with and the `exit_code` the CLI exits with. One handler
per front end reads them (`khlang.api.app`, `khlang.cli.main`, the web pages' in
`khlang.api.web.errors`), so an error means the same on the command line and over HTTP. Each
names where the problem is (file, line, field, parameter).

Exit codes, for every command: 0 done, 1 findings or a refusal (the input was read and
something in it, or the catalog, said no), 2 bad input or usage (nothing could be done)."""

from __future__ import annotations

from typing import Any

from khlang.i18n import Text

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2


class KhlangError(Exception):
    """Bad input or an impossible request: the message says what and where, in Thai and English."""

    code: str = "bad_request"
    status: int = 400
    exit_code: int = EXIT_INPUT_ERROR

    def __init__(self, message: Text, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        text = str(self.message) if lang is None else self.message.get(lang)
        return f"{self.where}: {text}" if self.where else text

    def details(self) -> dict[str, Any]:
        """What a program needs beyond the message (a refused publish's report), as JSON."""
        return {}
