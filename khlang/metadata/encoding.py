"""Which text encoding a file's bytes are in, told by the text and not by a default.

Thai government systems export UTF-8 or Windows-874 (cp874, the superset of TIS-620); files
from elsewhere come in cp1252, Latin-1 and the other single-byte code pages. Any byte from
0xA1 up decodes in cp874, so "it decodes" says nothing: a Latin-1 `©` reads as `ฉ`. cp874 is
chosen only on Thai evidence, the way Thai is written: a vowel or tone mark above or below
the line follows a consonant, a leading vowel precedes one, and letters come in words rather
than one at a time between Latin text. Other bytes go to charset-normalizer, which scores
each candidate code page by how much its decoding looks like text of some language.

`detect_encoding` is the one function other layers call (a sample of bytes in, Python's
codec name out).
"""

from __future__ import annotations

import codecs
import re

THAI_ENCODING = "cp874"
"""Windows-874, the superset of TIS-620 that Thai government systems still export in."""

# Thai letters by their role in writing (Unicode block U+0E00-U+0E7F).
_CONSONANT = "\u0e01-\u0e2e"
_ABOVE_BELOW = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
"""Vowels and tone marks written above or below the consonant they follow."""
_LEADING = "\u0e40-\u0e44"
"""Vowels written before the consonant they are pronounced after: เ แ โ ใ ไ."""
_THAI_RUN = re.compile("[\u0e00-\u0e7f]+")
_MISPLACED = re.compile(
    f"(?<![{_CONSONANT}{_ABOVE_BELOW}\u0e30\u0e32\u0e33\u0e45])[{_ABOVE_BELOW}]"
    f"|[{_LEADING}](?![{_CONSONANT}])"
)
"""A mark with no consonant (or mark) before it, or a leading vowel with no consonant after
it: what a Latin `é` (0xE9, a tone mark in cp874) or `à` (0xE0, a leading vowel) become."""

PREFERRED = (
    "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "cp1253",
    "iso8859_7", "cp1254", "iso8859_9", "cp1257", "cp1255", "cp1256", "cp1258", "mac_roman",
    "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
)  # fmt: skip
"""The code pages charset-normalizer chooses among, most used first: on a short sample
several decode equally cleanly (cp1250 and cp1252 agree on most Latin letters), and the
more common one is then the better guess."""


def thai_evidence(text: str) -> bool:
    """Whether text (bytes read as cp874) is written Thai: its Thai letters come in runs of
    words, and its marks and leading vowels sit where Thai writing puts them."""
    runs = _THAI_RUN.findall(text)
    letters = sum(len(run) for run in runs)
    if not letters:
        return False
    lone = sum(1 for run in runs if len(run) == 1)
    misplaced = len(_MISPLACED.findall(text))
    return misplaced <= letters * 0.02 and lone <= len(runs) * 0.3


def detect_encoding(sample: bytes, *, complete: bool) -> str | None:
    """Python's codec name for the bytes of `sample` (the start of a file, or all of it
    when `complete`): a BOM's encoding; UTF-8; cp874 for Thai; else charset-normalizer's
    best single-byte or East Asian code page. None when nothing decodes as text, or when
    the sample is UTF-8 up to some byte and something else after it (two encodings)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                      (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if sample.startswith(bom):
            return name
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError as error:
        if not sample[: error.start].isascii():
            return None  # UTF-8 text, then other bytes: two encodings (the reader says where)
    else:
        return "utf-8"
    try:
        as_thai = sample.decode(THAI_ENCODING)
    except UnicodeDecodeError:
        as_thai = ""
    if as_thai and thai_evidence(as_thai):
        return THAI_ENCODING
    return _charset_normalizer(sample)


def _charset_normalizer(sample: bytes) -> str | None:
    """charset-normalizer's choice among PREFERRED: the least chaotic decoding, the most
    coherent of those, the most used of equals."""
    # lazy: charset_normalizer, +16 ms; most files are decided before it
    from charset_normalizer import from_bytes

    names = [codecs.lookup(name).name for name in PREFERRED]
    found = [
        (match.chaos, match.coherence, codecs.lookup(match.encoding).name)
        for match in from_bytes(sample, cp_isolation=list(PREFERRED))
    ]
    found = [item for item in found if item[2] in names]
    if not found:
        return None
    least_chaos = min(chaos for chaos, _, _ in found)
    clean = [item for item in found if item[0] <= least_chaos + 0.01]
    return max(clean, key=lambda item: (round(item[1], 1), -names.index(item[2])))[2]
