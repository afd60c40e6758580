"""Word segmentation for search, the same at index and at query time.

Thai is written without spaces between words, so a search engine that splits on spaces sees
`งบประมาณเชียงใหม่` as one word and never finds it in `งบประมาณ ... เชียงใหม่`. pythainlp's newmm
segmenter (dictionary maximal matching) cuts both the indexed text and the query into words.
Compound dictionary words are indexed with their parts too (`ปีงบประมาณ` also as `ปี`,
`งบประมาณ`; `คลองส่งน้ำ` also as `คลอง`, `น้ำ`), so a query for a part finds the compound.
Official abbreviations (อปท., อบต., ทต., กทม., ...) are read as their full names. English and
numbers pass through, folded to lower case.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Callable

_MAX_PARTS_LENGTH = 30
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WORD_CHAR = re.compile(r"\w", re.UNICODE)
ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)
_lock = threading.Lock()
# Official abbreviations of local government and areas, written both ways in budget data;
# each is read as its full name at index and query time. The short ones need their dot.
ABBREVIATIONS = {
    "อปท.": "องค์กรปกครองส่วนท้องถิ่น",
    "อปท": "องค์กรปกครองส่วนท้องถิ่น",
    "อบจ.": "องค์การบริหารส่วนจังหวัด",
    "อบจ": "องค์การบริหารส่วนจังหวัด",
    "อบต.": "องค์การบริหารส่วนตำบล",
    "อบต": "องค์การบริหารส่วนตำบล",
    "ทน.": "เทศบาลนคร",
    "ทม.": "เทศบาลเมือง",
    "ทต.": "เทศบาลตำบล",
    "กทม.": "กรุงเทพมหานคร",
    "กทม": "กรุงเทพมหานคร",
}


_Segmenter = tuple[Callable[..., list[str]], Callable[[str], str], frozenset[str], frozenset[str]]


@functools.cache
def _pythainlp() -> _Segmenter:
    """pythainlp takes a second to import: only search pays for it, once."""
    with _lock:
        # lazy: pythainlp, +47 ms to import (its word list then loads here, once)
        from pythainlp.corpus import thai_stopwords, thai_words
        from pythainlp.tokenize import word_tokenize
        from pythainlp.util import dict_trie, normalize

        dictionary = frozenset(thai_words())
        # The abbreviations join the dictionary so that `อปท` is one word (not อป + ท) and
        # `ตอบตกลง` still splits as ตอบ + ตกลง, never around an `อบต` inside it.
        trie = dict_trie(dictionary | set(ABBREVIATIONS))
        segment = functools.partial(word_tokenize, custom_dict=trie, engine="newmm")
        return segment, normalize, dictionary, frozenset(thai_stopwords())


def words(text: str) -> list[str]:
    """The words of `text` in order, normalised, without stopwords or punctuation."""
    if not text:
        return []
    word_tokenize, normalize, _, stopwords = _pythainlp()
    # Control characters separate words: a NUL inside a word would end SQLite's string.
    text = _CONTROL.sub(" ", text)
    clean = unicodedata.normalize("NFC", normalize(text)).casefold()
    found = []
    for token in word_tokenize(clean, keep_whitespace=False):
        token = ABBREVIATIONS.get(token, token).strip(" .,;:!?()[]{}\"'“”‘’/\\|-–—_*#%")
        if not token or not _WORD_CHAR.search(token):
            continue
        if token in stopwords or token in ENGLISH_STOPWORDS:
            continue
        found.append(token)
    return found


def index_terms(text: str) -> list[str]:
    """The terms to index `text` under: its words, and the parts of compound words.

    Spaces always separate words, so the text is segmented phrase by phrase and each phrase's
    terms are remembered: a national table's names repeat the same few thousand phrases
    (`โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก`, `หมู่ที่`, a village) in millions of combinations."""
    return [term for phrase in text.split() for term in _phrase_terms(phrase)]


@functools.lru_cache(maxsize=200_000)
def _phrase_terms(phrase: str) -> tuple[str, ...]:
    terms: list[str] = []
    for word in words(phrase):
        terms.append(word)
        terms.extend(compound_parts(word))
    return tuple(terms)


def query_terms(text: str) -> list[str]:
    """The words a query must all match. A compound in the query is matched as itself:
    its parts are indexed, so `งบประมาณ` finds `ปีงบประมาณ`, while `เชียงราย` never matches a
    text that merely holds `เชียง` and `ราย` in other words."""
    return list(dict.fromkeys(words(text)))


@functools.lru_cache(maxsize=65_536)
def compound_parts(word: str) -> tuple[str, ...]:
    """The parts worth indexing of a Thai compound: the fewest dictionary words that spell
    it (`ปีงบประมาณ` -> `ปี`, `งบประมาณ`), without stopwords; empty when the word is not a
    compound of dictionary words of two letters or more."""
    if len(word) > _MAX_PARTS_LENGTH or not any("\u0e00" <= char <= "\u0e7f" for char in word):
        return ()
    _, _, dictionary, stopwords = _pythainlp()
    # best[i]: the fewest dictionary words that spell word[:i].
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            piece = word[start:end]
            before = best[start]
            if before is None or piece == word or piece not in dictionary:
                continue
            candidate = (*before, piece)
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    parts = best[len(word)]
    if not parts or len(parts) < 2:
        return ()
    if any(len(part) < 2 for part in parts):
        return ()
    return tuple(part for part in parts if part not in stopwords)
