"""Labels of the coded columns of khlang's area-budget tables (`budget_type=subsidy` reads
"งบเงินอุดหนุน" / "Subsidies"), as the area-budget model gives them
(`khlang.catalog.area_budget.codes`: the labels the published Table Schemas carry, kept in the
store), read once per catalog change by each server process."""

from __future__ import annotations

from khlang.api.state import ApiState
from khlang.api.web.i18n import Formatter
from khlang.catalog.area_budget.codes import CodeLabels
from khlang.catalog.area_budget.codes import code_labels as stored_labels


def code_labels(state: ApiState) -> CodeLabels:
    """The catalog's code labels, read again only when the catalog changes (a publish, a
    withdrawal or a reinstatement is what adds or removes them)."""
    return state.while_unchanged(("area-code-labels",), lambda: stored_labels(state.catalog))


def code_label(labels: CodeLabels, column: str, code: object, fmt: Formatter) -> str:
    """The label of a code in the page's language, or the code itself when no published
    schema labels it."""
    if code is None or code == "":
        return fmt.pick("(ไม่ระบุ)", "(not stated)")
    label = labels.label(column, str(code))
    return fmt.text(label) if label is not None else str(code)


def short_lao_name(labels: CodeLabels, name: str) -> str:
    """An LAO's name with its type abbreviated as Thai officials write it (อบต.แม่แฝก for
    องค์การบริหารส่วนตำบลแม่แฝก), so a chart label keeps the place name that tells LAOs apart."""
    types = [term for term in labels.terms("lao_type") if term.label and term.abbreviation]
    for term in sorted(types, key=lambda term: -len(term.label.th if term.label else "")):
        full = term.label.th if term.label else ""
        if term.abbreviation and name.startswith(full) and len(name) > len(full):
            return term.abbreviation + name[len(full) :].lstrip()
    return name
