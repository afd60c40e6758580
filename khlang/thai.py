"""Facts about Thai text and the Thai calendar that every layer needs, kept once.

Thai government data writes years in the Buddhist era (พุทธศักราช, พ.ศ. = ค.ศ. + 543), fiscal
years from 1 October, digits as Thai numerals (๐–๙) as often as Arabic ones, and carries
zero-width characters pasted from word processors and web forms. Each layer read these rules
from its own copy until the copies disagreed (one zero-width set lacked U+2060); now they read
them here. Segmentation and spelling normalisation stay with pythainlp.
"""

from __future__ import annotations

import datetime as dt
import re

BUDDHIST_ERA_OFFSET = 543
"""พ.ศ. = ค.ศ. + 543."""
BUDDHIST_ERA_FROM = 2400
"""A four-digit year from 2400 (CE 1857) on is read as Buddhist era; budget data has
nothing older, and no Christian-era year reaches it."""
FIRST_FISCAL_MONTH = 10
"""The Thai government's fiscal year runs from 1 October to 30 September."""

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
TO_ARABIC_DIGITS = str.maketrans(THAI_DIGITS, "0123456789")
"""`text.translate(TO_ARABIC_DIGITS)` reads ๒๕๖๘ as 2568."""

ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
"""Zero-width space, non-joiner, joiner, word joiner and the byte order mark: invisible
characters that make two equal-looking values differ."""
INVISIBLE_FORMAT = r"\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
"""A regex character class's body: the zero-width characters above, the direction marks,
embeddings, overrides and isolates. Free text people post (feedback) is cleaned of them, so
a title cannot look filled in while empty or read backwards."""


def christian_year(year: int) -> int:
    """The Christian-era year of a year given in either era."""
    return year - BUDDHIST_ERA_OFFSET if year >= BUDDHIST_ERA_FROM else year


def buddhist_year(year: int) -> int:
    """The Buddhist-era year of a year given in either era."""
    return year if year >= BUDDHIST_ERA_FROM else year + BUDDHIST_ERA_OFFSET


def written_year(value: str | None) -> int | None:
    """The number a metadata year item holds (digits alone, Arabic or Thai, in whichever era
    it is written), or None when it holds no year: what every reader of those items parses
    before converting to the era it needs."""
    text = (value or "").strip()
    return int(text) if text.isdecimal() else None  # not isdigit: "²" is a digit, no number


def fiscal_year_of(day: dt.date) -> int:
    """The Buddhist-era fiscal year a day falls in (1 October 2024 is in FY2568)."""
    return buddhist_year(day.year) + (1 if day.month >= FIRST_FISCAL_MONTH else 0)
