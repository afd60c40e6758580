"""Controlled values of the model: the terms, their aliases and OCR slips."""

from __future__ import annotations

from khlang.metadata.matching import closest_term
from khlang.publishers.vocab import (
    BUDGET_TYPES,
    FUND_SOURCES,
    PHASE_ORDER,
    STRATEGIC_AREAS,
    TOPIC_VOCAB,
)


def test_the_five_budget_types_and_six_sources_of_funds() -> None:
    types = {term.value for term in BUDGET_TYPES.terms}
    assert {"งบบุคลากร", "งบดำเนินงาน", "งบลงทุน", "งบเงินอุดหนุน", "งบรายจ่ายอื่น"} <= types
    assert [term.value for term in FUND_SOURCES.terms] == [
        "เงินงบประมาณ", "เงินอุดหนุนทั่วไป", "เงินอุดหนุนเฉพาะกิจ", "รายได้จัดเก็บเอง", "เงินกู้",
        "เงินนอกงบประมาณ",
    ]  # fmt: skip
    # The five stages of a year's budget, then a multi-year commitment's other years.
    assert PHASE_ORDER == (
        "requested", "allocated", "transferred", "committed", "disbursed", "obligated"
    )  # fmt: skip


def test_five_strategic_areas_of_five_topics() -> None:
    assert [area.code for area in STRATEGIC_AREAS] == [
        "economy", "society", "environment", "infrastructure", "security"
    ]  # fmt: skip
    assert all(len(area.topics) == 5 for area in STRATEGIC_AREAS)
    assert len(TOPIC_VOCAB.terms) == 25


def test_exact_alias_spacing_and_misspelt_values() -> None:
    def code(value: str) -> str | None:
        match = closest_term(value, BUDGET_TYPES)
        return match.term.code if match else None

    assert code("งบลงทุน") == "investment"
    assert code("งบ ลงทุน") == "investment"
    assert code("งบอุดหนุน") == "subsidy"
    assert not closest_term("งบอุดหนุน", BUDGET_TYPES).fuzzy  # an alias, not a slip
    slip = closest_term("งบรายจ่ายอิ่น", BUDGET_TYPES)
    assert slip.term.code == "other"
    assert slip.fuzzy
    assert code("ค่าครุภัณฑ์") is None
    assert code("") is None
