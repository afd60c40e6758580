"""Bilingual text. Every label and message a user sees exists in Thai and English, so
both travel together in one value instead of being looked up later by key."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

LANGUAGES = ("th", "en")


class Text(BaseModel):
    """A piece of user-facing text in Thai and English."""

    model_config = ConfigDict(frozen=True)

    th: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.th

    def format(self, **values: object) -> Text:
        return Text(th=self.th.format(**values), en=self.en.format(**values))

    def __str__(self) -> str:
        if self.th == self.en:
            return self.th
        separator = "\n" if "\n" in self.th or "\n" in self.en else " / "
        return f"{self.th}{separator}{self.en}"


def t(th: str, en: str) -> Text:
    return Text(th=th, en=en)
