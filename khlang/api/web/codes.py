"""Labels of the coded columns of khlang's area-budget tables (`budget_type=subsidy` reads
"งบเงินอุดหนุน" / "Subsidies"), from the vocabularies the area-budget model gives
(`khlang.catalog.area_budget.codes`)."""

from __future__ import annotations

from khlang.api.web.i18n import Formatter
from khlang.catalog.area_budget.codes import vocabularies


def code_label(column: str, code: object, fmt: Formatter) -> str:
    """The label of a code in the page's language, or the code itself when the column has no
    vocabulary or the code is not in it."""
    if code is None or code == "":
        return fmt.pick("(ไม่ระบุ)", "(not stated)")
    vocabulary = vocabularies().get(column)
    if vocabulary is not None:
        for term in vocabulary.terms:
            if term.code == code:
                return fmt.text(term.label)
    return str(code)


def codes(column: str) -> list[str]:
    vocabulary = vocabularies().get(column)
    return [term.code for term in vocabulary.terms] if vocabulary else []


def short_lao_name(name: str) -> str:
    """An LAO's name with its type abbreviated as Thai officials write it (อบต.แม่แฝก for
    องค์การบริหารส่วนตำบลแม่แฝก), so a chart label keeps the place name that tells LAOs apart."""
    for term in sorted(vocabularies()["lao_type"].terms, key=lambda term: -len(term.value)):
        abbreviation = next((alias for alias in term.aliases if alias.endswith(".")), None)
        if abbreviation and name.startswith(term.value) and len(name) > len(term.value):
            return abbreviation + name[len(term.value) :].lstrip()
    return name
