"""Finding the vocabulary term an officer meant, when the value typed is not one exactly.

Thai text goes wrong in ways plain string distance handles badly: a trailing or doubled space,
`อื่น ๆ` for `อื่นๆ`, a dropped or extra tone mark, vowels typed in a different order (which
looks identical on screen), zero-width spaces pasted from Word, decomposed Unicode. So a value is
compared in widening circles, each one named so the report can say what was wrong:

1. `spacing`: equal after Unicode NFC, removing zero-width characters, folding whitespace and
   case, and PyThaiNLP's normalisation (vowel and tone reordering, duplicate marks);
2. `marks`: equal once tone marks and above/below vowels are also removed (the consonant
   skeleton), i.e. a tone mark or vowel is missing or extra;
3. `english`: the term's code or English label was typed (`statistical`, `Annual`);
4. `closest`: the best fuzzy match. RapidFuzz's WRatio is used because it combines full,
   partial and token-order ratios, so `สถิติ` still finds `ข้อมูลสถิติ`, and it is a
   maintained C++ implementation rather than difflib's slower, partial-match-blind ratio.
"""

from __future__ import annotations

import enum
import re
import unicodedata

from pydantic import BaseModel, ConfigDict

from khlang.metadata.vocabularies import Term, Vocabulary
from khlang.thai import ZERO_WIDTH

_WHITESPACE = re.compile(r"\s+")
# Thai characters written above or below a consonant: mai han-akat, the above/below vowels,
# phinthu, maitaikhu, the four tone marks, thanthakhat, nikhahit and yamakkan.
_THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_FUZZY_CUTOFF = 70.0


class MatchKind(enum.StrEnum):
    EXACT = "exact"
    SPACING = "spacing"
    MARKS = "marks"
    ENGLISH = "english"
    CLOSEST = "closest"


class Match(BaseModel):
    model_config = ConfigDict(frozen=True)

    term: Term
    kind: MatchKind
    score: float = 100.0


def normalise(text: str) -> str:
    """The form two spellings of the same Thai value share: NFC, no zero-width characters,
    one space between words and none at the ends, PyThaiNLP's canonical mark order, casefolded."""
    from pythainlp.util import normalize as thai_normalize

    text = ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    text = _WHITESPACE.sub(" ", text).strip()
    return thai_normalize(text).casefold()


def _compact(text: str) -> str:
    return normalise(text).replace(" ", "")


def skeleton(text: str) -> str:
    """The consonants and leading vowels only: what is left when every tone mark,
    above/below vowel and space is removed."""
    return _THAI_MARKS.sub("", normalise(text)).replace(" ", "")


def closest_term(
    value: str, vocabulary: Vocabulary, terms: list[Term] | None = None
) -> Match | None:
    """The term of `terms` (default: every term of the vocabulary) that `value` most likely
    means, and how it was found; None when nothing is close enough to suggest."""
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
    return _fuzzy(wanted, candidates)


def _fuzzy(wanted: str, candidates: list[Term]) -> Match | None:
    from rapidfuzz import fuzz, process

    choices = {}
    for index, term in enumerate(candidates):
        choices[(index, "value")] = normalise(term.value)
        choices[(index, "en")] = term.label.en.casefold()
    found = process.extractOne(wanted, choices, scorer=fuzz.WRatio, score_cutoff=_FUZZY_CUTOFF)
    if found is None:
        return None
    _, score, (index, _) = found
    return Match(term=candidates[index], kind=MatchKind.CLOSEST, score=round(score, 1))
