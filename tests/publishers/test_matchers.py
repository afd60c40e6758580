"""Which of khlang's two fuzzy matchers reads export headers and values: the vocabularies'
(`vocab.match_term`: spacing, aliases, difflib closeness) or the compliance check's
(`matching.closest_term`: PyThaiNLP normalisation, RapidFuzz WRatio). Both are run on real
files' headers and values, each labelled with what it means; the one khlang uses must make
no wrong match and no more than the other (a miss is reported and can be mapped by hand; a
wrong match silently publishes one column as another)."""

from __future__ import annotations

import collections
from pathlib import Path

import pandas as pd
import pytest

from khlang.metadata.matching import closest_term
from khlang.metadata.vocabularies import Vocabulary
from khlang.publishers.readers import read_header
from khlang.publishers.suggest import adapter_vocabulary, generic_vocabulary, header_key
from khlang.publishers.vocab import BUDGET_TYPES, FUND_SOURCES, match_term

# What each real header means among the fields it could be read as (unlisted: none).
HEADERS = {
    ("budget_bill_2565/kaogeek_2022-3-1.csv", "kaogeek"): {
        "ITEM_ID": "item_id", "REF_DOC": "ref_doc", "REF_PAGE_NO": "ref_page",
        "MINISTRY": "ministry_name", "BUDGETARY_UNIT": "budget_unit_name",
        "BUDGET_PLAN": "plan_name", "OUTPUT": "output_name", "PROJECT": "project_name",
        "CATEGORY_LV1": "budget_type", "CATEGORY_LV2": "category_2",
        "CATEGORY_LV3": "category_3", "CATEGORY_LV4": "category_4",
        "CATEGORY_LV5": "category_5", "CATEGORY_LV6": "category_6",
        "ITEM_DESCRIPTION": "item_name", "FISCAL_YEAR": "fiscal_year", "AMOUNT": "amount",
        "OBLIGED?": "obliged", "DEBUG_LOG": "debug_log",
    },
    ("lao/lao_list_hoerstemeier_2022.csv", "generic"): {
        "lao_name_th": "lao_name", "name_en": "lao_name_en", "province_code": "province_code",
        "province_name_th": "province_name", "district_code": "district_code",
        "district_name_th": "district_name", "subdistrict_code": "subdistrict_code",
        "subdistrict_name_th": "subdistrict_name", "covered_subdistricts": "covered_subdistricts",
    },
    ("lao/lao_counts_by_province_dola_2562-12.csv", "generic"): {
        "province_code": "province_code", "province_name_th": "province_name",
        "province_name_en": "province_name_en",
    },
    ("geo/population_dopa_2021-12-31.csv", "generic"): {},
    ("geo/kongvut_provinces.csv", "generic"): {
        "name_th": "province_name", "name_en": "province_name_en",
    },
    ("geo/kongvut_districts.csv", "generic"): {
        "name_th": "district_name", "name_en": "district_name_en",
    },
    ("geo/kongvut_sub_districts.csv", "generic"): {
        "name_th": "subdistrict_name", "name_en": "subdistrict_name_en", "zip_code": "postal_code",
    },
    ("govspending_moi/mof_moi_monthly_expenditure_2548_2562.csv", "generic"): {},
}  # fmt: skip
# Budget types and sources of funds as the budget bill's extraction writes them.
FUNDS = {"เงินอุดหนุนทั่วไป": "general_subsidy", "เงินอุดหนุนเฉพาะกิจ": "specific_subsidy"}
BUDGET_TYPE_SLIPS = {"งบรายจ่ายอิ่น": "other"}


def _vocabulary(kind: str) -> Vocabulary:
    return generic_vocabulary() if kind == "generic" else adapter_vocabulary(kind)


def _labelled(real: Path) -> list[tuple[Vocabulary, str, str | None]]:
    """(vocabulary, real value, the term it means or None)."""
    cases = []
    for (file, kind), meanings in HEADERS.items():
        for header in read_header(real / file):
            if header.strip():
                cases.append((_vocabulary(kind), header_key(header), meanings.get(header)))
    types: collections.Counter[str] = collections.Counter()
    funds: collections.Counter[str] = collections.Counter()
    for path in sorted((real / "budget_bill_2565").glob("kaogeek_*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        types.update(frame["CATEGORY_LV1"])
        funds.update(frame["CATEGORY_LV2"])
    codes = {term.value: term.code for term in BUDGET_TYPES.terms}
    for value in filter(None, types):
        cases.append((BUDGET_TYPES, value, codes.get(value) or BUDGET_TYPE_SLIPS[value]))
    for value in filter(None, funds):
        cases.append((FUND_SOURCES, value, FUNDS.get(value)))
    return cases


def _score(cases, read) -> dict[str, int]:
    counts = collections.Counter()
    for vocabulary, value, meaning in cases:
        found = read(vocabulary, value)
        if found is None:
            counts["missed" if meaning else "right"] += 1
        else:
            counts["right" if found == meaning else "wrong"] += 1
    return dict(counts)


def _vocab_matcher(vocabulary: Vocabulary, value: str) -> str | None:
    match = match_term(vocabulary, value)
    return match.term.code if match else None


def _rapidfuzz_matcher(vocabulary: Vocabulary, value: str) -> str | None:
    match = closest_term(value, vocabulary)
    return match.term.code if match else None


@pytest.mark.slow
def test_the_matcher_khlang_uses_makes_no_wrong_match_on_real_values(real_dir: Path) -> None:
    cases = _labelled(real_dir)
    assert len(cases) > 150
    used = _score(cases, _vocab_matcher)
    other = _score(cases, _rapidfuzz_matcher)
    print(f"vocab.match_term: {used}; matching.closest_term: {other}")
    assert used.get("wrong", 0) == 0, used
    assert used.get("wrong", 0) <= other.get("wrong", 0)
    assert used["right"] >= 0.9 * len(cases)


@pytest.mark.parametrize(
    ("header", "field"),
    [("ปี งบประมาณ", "fiscal_year"), ("วงเงินที่ได้รับจัดสรร (บาท)", "allocated"),
     ("จังหวัด ", "province_name"), ("ชื่ออปท.", "lao_name"), ("เบิกจ่ายแล้ว", "disbursed"),
     ("District", "district_name"), ("ชื่อโครงการ", "project_name")],
)  # fmt: skip
def test_headers_as_officers_type_them_are_read(header: str, field: str) -> None:
    assert _vocab_matcher(generic_vocabulary(), header_key(header)) == field
