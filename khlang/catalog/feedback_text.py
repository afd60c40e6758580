"""What the public may write: plain text of bounded size, and whether it carries a link.

Text is stored as written (minus control characters) and always rendered escaped; a message
with a link waits in the moderation queue, because links are what spam is for. The limits
apply to every way in (web form, JSON API, CLI), so each says which field is at fault.
"""

from __future__ import annotations

import re
import unicodedata

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.thai import INVISIBLE_FORMAT

TITLE_LIMIT = 200
BODY_LIMIT = 5_000
REASON_LIMIT = 2_000
EMAIL_LIMIT = 254
_CONTROL = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{INVISIBLE_FORMAT}]")
_LINK = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|\[url|<\s*a\s|href\s*=|\b[a-z0-9-]+\.(?:com|net|org|info|"
    r"xyz|top|io|co|ru|cn|th|me|ly|gl|link|click|site|online|shop)\b(?:/|$))",
    re.IGNORECASE,
)
EMAIL_PATTERN = r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$"
_EMAIL = re.compile(EMAIL_PATTERN)


def clean(value: str | None, field: str, limit: int, *, required: bool = True) -> str | None:
    """The text without control or direction-override characters, NFC-normalised and
    trimmed; an error naming `field` when it is empty (and required) or longer than
    `limit` characters."""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", value or "")).strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        if not required:
            return None
        raise KhlangError(
            Text(th="กรุณากรอกข้อความ", en="this field is required"),
            where=field,
        )
    if len(text) > limit:
        raise KhlangError(
            Text(
                th=f"ข้อความยาวเกิน {limit:,} ตัวอักษร ({len(text):,})",
                en=f"longer than {limit:,} characters ({len(text):,})",
            ),
            where=field,
        )
    return text


def email(value: str | None) -> str | None:
    """An optional email address: None when blank, an error when it cannot be one."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_LIMIT or not _EMAIL.match(text):
        raise KhlangError(
            Text(th="อีเมลไม่ถูกต้อง", en="not an email address"),
            where="email",
        )
    return text


def has_link(*texts: str | None) -> bool:
    return any(text and _LINK.search(text) for text in texts)


def language(value: str | None) -> str:
    """`th` or `en`; Thai by default, as the site is."""
    text = (value or "th").strip().lower()
    if text not in ("th", "en"):
        raise KhlangError(
            Text(th="ภาษาต้องเป็น th หรือ en", en="the language must be th or en"),
            where="language",
        )
    return text


def one_of(value: str, allowed: tuple[str, ...], field: str, label: Text) -> None:
    """Refuse a value outside its vocabulary, naming the field and every allowed value."""
    if value not in allowed:
        names = ", ".join(allowed)
        raise KhlangError(
            Text(th=f"{label.th}ต้องเป็นหนึ่งใน {names}", en=f"the {label.en} must be one of {names}"),
            where=field,
        )
