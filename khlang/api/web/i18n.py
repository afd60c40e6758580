"""The language of a page and how numbers, money and dates read in it.

Thai is the default: every page lives at its path (`/dataset/x`), and its English twin at
the same path under `/en` (`/en/dataset/x`). A language in the path, rather than in a cookie
or the Accept-Language header, makes every page a plain link that can be shared, cached and
indexed in either language, and keeps pages working without cookies or scripts.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from urllib.parse import urlencode

from khlang.i18n import Text
from khlang.thai import BUDDHIST_ERA_OFFSET

Lang = Literal["th", "en"]
ENGLISH_PREFIX = "/en"
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def language_of(path: str) -> Lang:
    return "en" if path == ENGLISH_PREFIX or path.startswith(ENGLISH_PREFIX + "/") else "th"


def site_path(path: str) -> str:
    """A path without its language prefix: `/en/dataset/x` -> `/dataset/x`."""
    if language_of(path) == "en":
        return path[len(ENGLISH_PREFIX) :] or "/"
    return path


def localized(path: str, lang: Lang) -> str:
    """The path of a page in a language: `/dataset/x` -> `/en/dataset/x` in English."""
    return ENGLISH_PREFIX + path if lang == "en" else path


def with_query(path: str, params: list[tuple[str, str]] | dict[str, str] | None = None) -> str:
    items = list(params.items()) if isinstance(params, dict) else list(params or [])
    items = [(key, value) for key, value in items if value not in (None, "")]
    return f"{path}?{urlencode(items)}" if items else path


class Formatter:
    """Numbers and dates as a reader of the page's language expects them: Thai pages give
    years in the Buddhist era and Thai month names."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def text(self, value: Text | dict[str, str] | None) -> str:
        """Bilingual text (a `Text`, or its JSON form from an API document) in this language."""
        if value is None:
            return ""
        if isinstance(value, dict):
            return value.get(self.lang) or value.get("th") or ""
        return value.get(self.lang)

    def pick(self, th: str | None, en: str | None) -> str:
        """The text in the page's language, or the other one when it is missing."""
        first, second = (en, th) if self.lang == "en" else (th, en)
        return first or second or ""

    def integer(self, value: float | int | None) -> str:
        return "–" if value is None else f"{round(value):,}"

    def number(self, value: float | int | None, digits: int = 2) -> str:
        if value is None:
            return "–"
        text = f"{value:,.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def baht(self, value: float | int | None) -> str:
        return "–" if value is None else f"{value:,.2f}"

    def millions(self, value: float | int | None) -> str:
        """Baht in millions, the unit budget tables are read in (ล้านบาท)."""
        return "–" if value is None else f"{value / 1e6:,.2f}"

    def percent(self, value: float | None) -> str:
        return "–" if value is None else f"{value:,.1f}%"

    def bytes(self, value: int | None) -> str:
        if value is None:
            return "–"
        size = float(value)
        for unit in ("B", "KB", "MB", "GB"):
            if size < 1024 or unit == "GB":
                return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
            size /= 1024
        return f"{value} B"

    def date(self, value: dt.date | dt.datetime | str | None, *, time: bool = False) -> str:
        if value is None or value == "":
            return "–"
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
        if self.lang == "th":
            from pythainlp.util import thai_strftime  # lazy: pythainlp, +29 ms

            moment = (
                value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            )
            return thai_strftime(moment, "%-d %b %Y %H:%M" if time else "%-d %b %Y")
        text = f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"
        if time and isinstance(value, dt.datetime):
            text += f" {value:%H:%M}"
        return text

    def fiscal_year(self, year: int | str | None) -> str:
        """A fiscal year, stored in the Buddhist era: `2567` in Thai, `2567 (FY2024)` in
        English, since an English reader counts fiscal years in the common era."""
        if year in (None, ""):
            return "–"
        try:
            value = int(year)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return str(year)
        if self.lang == "th":
            return f"ปีงบประมาณ {value}"
        return f"FY{value - BUDDHIST_ERA_OFFSET} ({value} BE)"

    def fiscal_year_short(self, year: int) -> str:
        """For chart labels: `2567`, or `FY2024`."""
        return str(year) if self.lang == "th" else f"FY{year - BUDDHIST_ERA_OFFSET}"
