"""Finding the vocabulary term an officer meant, when the value typed is not one exactly:
the one matcher of khlang, for the compliance check's suggestions and for the publishers'
reading of export headers and controlled values.

Thai text goes wrong in ways plain string distance handles badly: a trailing or doubled space,
`อื่น ๆ` for `อื่นๆ`, a dropped or extra tone mark, vowels typed in a different order (which
looks identical on screen), zero-width spaces pasted from Word, decomposed Unicode, a word
added before or after the term. So a value is compared in widening circles, each one named so
the report can say what was wrong:

1. `spacing`: equal after Unicode NFC, removing zero-width characters, folding whitespace and
   case, and PyThaiNLP's normalisation (vowel and tone reordering, duplicate marks);
2. `marks`: equal once tone marks and above/below vowels are also removed (the consonant
   skeleton), i.e. a tone mark or vowel is missing or extra;
3. `english`: the term's code or English label was typed (`statistical`, `Annual`);
4. `affix`: the value is one term's spelling with words added before or after it
   (`จังหวัดเชียงใหม่`, `หมวดเงินอุดหนุนทั่วไป (การศึกษา)`, `province_name_th`); when two
   terms fit equally, none is chosen;
5. `closest`: the most similar spelling, RapidFuzz's plain ratio of at least 85 (one or two
   slips in a word). WRatio's partial matching (the metadata matcher's until issue 18) found
   more typos but read `lat` as `committed_cumulative` and `name_en` as whichever
   `*_name_en` came first: tests/publishers/test_matchers.py has the labelled real values and
   the figures that chose these circles.

`Match.fuzzy` says whether the value was a misspelling read as the term (a warning), as
against the same term written differently (spacing, case, the code or English label).
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata

from pydantic import BaseModel, ConfigDict

from khlang.metadata.vocabularies import Term, Vocabulary
from khlang.thai import ZERO_WIDTH

_WHITESPACE = re.compile(r"\s+")
# Thai characters written above or below a consonant: mai han-akat, the above/below vowels,
# phinthu, maitaikhu, the four tone marks, thanthakhat, nikhahit and yamakkan.
_THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
FUZZY_CUTOFF = 85.0
"""RapidFuzz ratio (0-100) from which a misspelt value is read as a term: high enough that
งบลงทุน is never taken for งบกลาง, low enough for one or two OCR slips."""
AFFIX_MIN = 4
"""The shortest spelling (in characters, without spaces) read inside a longer value: `PO`
would otherwise begin every `POS_*` header."""


class MatchKind(enum.StrEnum):
    EXACT = "exact"
    SPACING = "spacing"
    MARKS = "marks"
    ENGLISH = "english"
    AFFIX = "affix"
    CLOSEST = "closest"


GUESSES = frozenset({MatchKind.MARKS, MatchKind.AFFIX, MatchKind.CLOSEST})
"""The kinds of match that read a different text as the term, rather than the term written
another way."""


class Match(BaseModel):
    model_config = ConfigDict(frozen=True)

    term: Term
    kind: MatchKind
    score: float = 100.0

    @property
    def fuzzy(self) -> bool:
        """True when the value was a misspelling read as the term (reported as a warning)."""
        return self.kind in GUESSES


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """The form two spellings of the same Thai value share: NFC, no zero-width characters,
    one space between words and none at the ends, PyThaiNLP's canonical mark order, casefolded.
    Cached: the publishers compare every header and distinct value with every term."""
    from pythainlp.util import normalize as thai_normalize  # lazy: pythainlp, +28 ms

    text = ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    text = _WHITESPACE.sub(" ", text).strip()
    return str(thai_normalize(text)).casefold()


def _compact(text: str) -> str:
    return normalise(text).replace(" ", "")


def skeleton(text: str) -> str:
    """The consonants and leading vowels only: what is left when every tone mark,
    above/below vowel and space is removed."""
    return _THAI_MARKS.sub("", normalise(text)).replace(" ", "")


def _spellings(term: Term) -> set[str]:
    """Every way of writing the term, compacted: its value, aliases, code and English label."""
    return {
        _compact(spelling) for spelling in (term.value, *term.aliases, term.code, term.label.en)
    }


def closest_term(
    value: str, vocabulary: Vocabulary, terms: list[Term] | None = None
) -> Match | None:
    """The term of `terms` (default: every term of the vocabulary) that `value` most likely
    means, and how it was found; None when nothing is close enough to read it as."""
    candidates = list(vocabulary.terms) if terms is None else terms
    for term in candidates:
        if value == term.value:
            return Match(term=term, kind=MatchKind.EXACT)
    for kind, key in ((MatchKind.SPACING, _compact), (MatchKind.MARKS, skeleton)):
        wanted = key(value)
        for term in candidates:
            if wanted in {key(spelling) for spelling in (term.value, *term.aliases)}:
                return Match(term=term, kind=kind)
    wanted = normalise(value)
    for term in candidates:
        if wanted in {term.code.casefold(), term.label.en.casefold(), term.label.th.casefold()}:
            return Match(term=term, kind=MatchKind.ENGLISH)
    return _affix(wanted.replace(" ", ""), candidates) or _fuzzy(wanted, candidates)


def _affix(value: str, candidates: list[Term]) -> Match | None:
    """The one term whose spelling begins or ends the value, the longest spelling winning;
    None when two terms share the longest."""
    fits: dict[int, set[int]] = {}
    for index, term in enumerate(candidates):
        for spelling in _spellings(term):
            if AFFIX_MIN <= len(spelling) < len(value) and (
                value.startswith(spelling) or value.endswith(spelling)
            ):
                fits.setdefault(len(spelling), set()).add(index)
    if not fits:
        return None
    best = fits[max(fits)]
    return Match(term=candidates[min(best)], kind=MatchKind.AFFIX) if len(best) == 1 else None


def _fuzzy(wanted: str, candidates: list[Term]) -> Match | None:
    from rapidfuzz import fuzz, process  # lazy: rapidfuzz, +9 ms; only when no exact or affix match

    choices = {
        (index, spelling): spelling
        for index, term in enumerate(candidates)
        for spelling in {normalise(term.value), *map(normalise, term.aliases),
                         term.code.casefold(), term.label.en.casefold()}
    }  # fmt: skip
    found = process.extractOne(wanted, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if found is None:
        return None
    _, score, (index, _) = found
    return Match(term=candidates[index], kind=MatchKind.CLOSEST, score=round(score, 1))
