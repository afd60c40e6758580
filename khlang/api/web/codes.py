"""Labels of the coded columns of khlang's area-budget tables (`budget_type=subsidy` reads
"งบเงินอุดหนุน" / "Subsidies"), from the publishers' vocabularies that wrote the codes."""

from __future__ import annotations

import functools

from khlang.api.web.i18n import Formatter
from khlang.metadata.vocabularies import Vocabulary


@functools.cache
def _vocabularies() -> dict[str, Vocabulary]:
    from khlang.publishers import vocab

    return {
        "budget_type": vocab.BUDGET_TYPES,
        "source_of_funds": vocab.FUND_SOURCES,
        "phase": vocab.PHASES,
        "lao_type": vocab.LAO_TYPES,
        "strategic_area": vocab.STRATEGIC_AREA_VOCAB,
        "topic": vocab.TOPIC_VOCAB,
        "need_status": vocab.NEED_STATUSES,
        "project_status": vocab.PROJECT_STATUSES,
    }


def code_label(column: str, code: object, fmt: Formatter) -> str:
    """The label of a code in the page's language, or the code itself when the column has no
    vocabulary or the code is not in it."""
    if code is None or code == "":
        return fmt.pick("(ไม่ระบุ)", "(not stated)")
    vocabulary = _vocabularies().get(column)
    if vocabulary is not None:
        for term in vocabulary.terms:
            if term.code == code:
                return fmt.text(term.label)
    return str(code)


def codes(column: str) -> list[str]:
    vocabulary = _vocabularies().get(column)
    return [term.code for term in vocabulary.terms] if vocabulary else []


def short_lao_name(name: str) -> str:
    """An LAO's name with its type abbreviated as Thai officials write it (อบต.แม่แฝก for
    องค์การบริหารส่วนตำบลแม่แฝก), so a chart label keeps the place name that tells LAOs apart."""
    from khlang.publishers.vocab import LAO_TYPES

    for term in sorted(LAO_TYPES.terms, key=lambda term: -len(term.value)):
        abbreviation = next((alias for alias in term.aliases if alias.endswith(".")), None)
        if abbreviation and name.startswith(term.value) and len(name) > len(term.value):
            return abbreviation + name[len(term.value) :].lstrip()
    return name
