"""khlang's one vocabulary matcher (`khlang.metadata.matching.closest_term`), chosen by
labelled real values (issue 18).

Two matchers were kept until issue 18: the publishers' `vocab.match_term` (spacing, aliases,
difflib ratio >= 0.85) and the compliance check's `closest_term` (PyThaiNLP normalisation,
tone marks, English names, RapidFuzz WRatio >= 70). They were run on two labelled sets:

- headers and values (`_labelled`, 305 cases): the real files' headers (budget bill, LAO
  list, LAO counts, DOPA population, kongvut's area lists, the MOF monthly series) and the
  budget bill's budget types and sources of funds, each with what it means;
- variant spellings (`vocabulary_variants.csv`, 114 cases, each with the file and field it
  was found in): province names from the budget bill with `จังหวัด` before them, with OCR slips
  (`จังหวัดสำพูน`, `จังหวัดสิ่งห์บุรี`, `จังหวัดอุตรธานี` for อุดรธานี) and punctuation left by the
  split; `กทม.`; revenue categories subdivided by WeVis's ordinances; `สนง.` for `สำนักงาน`;
  the MOF's abbreviated ministry group; and real values that mean none of the terms (districts
  written as provinces, province groups, `ส่วนกลาง`, a budget plan and an item that are not
  budget types).

Measured (right = the meant term, or no term for a value meaning none):

right / missed / wrong            headers+values   variants
vocab.match_term (difflib 0.85)        296 / 9 / 0     24 / 90 / 0
closest_term before (WRatio 70)        285 / 3 / 17   111 / 1 / 2
closest_term now (affix, ratio 85)     297 / 8 / 0    100 / 14 / 0

difflib read almost no variant (recall 8 % of the 98 that mean a term); WRatio read nearly
all but made 19 wrong matches (`lat` as committed_cumulative, `name_en` as a province's
English name in the LAO list, `แผนงานบุคลากรภาครัฐ` as งบบุคลากร, the district กบินทร์บุรี as
ลพบุรี), and a wrong match silently publishes one column or value as another while a miss is
reported and mapped by hand. So `closest_term` was kept (its Thai circles: spacing, marks,
English names) with WRatio's partial matching replaced by what the variants needed: a term
that begins or ends the value, when only one does, then a plain ratio >= 85; `match_term`
is gone. The 14 variants still missed are an OCR slip behind `จังหวัด` (`จังหวัดพะยา`) and the
like: reported, never misread.
"""

from __future__ import annotations

import collections
import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from khlang.i18n import Text
from khlang.metadata.matching import closest_term
from khlang.metadata.vocabularies import Term, Vocabulary
from khlang.publishers.readers import read_header
from khlang.publishers.suggest import adapter_vocabulary, generic_vocabulary, header_key
from khlang.publishers.vocab import BUDGET_TYPES, FUND_SOURCES, REVENUE_CATEGORIES

VARIANTS = Path(__file__).with_name("vocabulary_variants.csv")

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


def _vocab(key: str, rows: list[tuple[str, str, str]]) -> Vocabulary:
    terms = tuple(
        Term(code=code, value=value, label=Text(th=value, en=en)) for code, value, en in rows
    )
    return Vocabulary(key=key, label=Text(th=key, en=key), terms=terms)


def _variant_vocabularies(real: Path) -> dict[str, Vocabulary]:
    """The lists the variants are read against: the 77 provinces, the Interior ministry's
    units as GFMIS names them and the ministries as the MOF's series names them (each less
    its abbreviated twin), and the model's budget types and revenue categories."""
    provinces = json.loads((real / "geo" / "tgj_provinces.json").read_text(encoding="utf-8"))
    units: set[tuple[str, str, str]] = set()
    for path in sorted((real / "govspending_moi").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if not record["agc"].startswith("สนง."):
                units.add((record["agc_code"], record["agc"], record["agc"]))
    series = real / "govspending_moi" / "mof_budget_vs_use_by_ministry_2548_2562.json"
    groups = json.loads(series.read_text(encoding="utf-8"))["TransGovernment"]["MinistryGroup"]
    abbreviated = {"รวม", "ส่วนราชการไม่สังกัดสำนักนายกฯหรือกระทรวง"}
    ministries = [group["MinistryName"] for group in groups]
    return {
        "province": _vocab("province", [(str(p["provinceCode"]), p["provinceNameTh"],
                                         p["provinceNameEn"]) for p in provinces]),
        "moi_unit": _vocab("moi_unit", sorted(units)),
        "ministry": _vocab("ministry", [(str(index), name, name) for index, name
                                        in enumerate(ministries) if name not in abbreviated]),
        "budget_type": BUDGET_TYPES,
        "revenue_category": REVENUE_CATEGORIES,
    }  # fmt: skip


def _variants(real: Path) -> list[tuple[Vocabulary, str, str | None]]:
    """(vocabulary, real spelling, the term code it means or None) from the labelled file."""
    vocabularies = _variant_vocabularies(real)
    cases = []
    with VARIANTS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            vocabulary = vocabularies[row["vocabulary"]]
            meant = next(
                (
                    term.code
                    for term in vocabulary.terms
                    if row["expected"] in (term.code, term.value)
                ),
                None,
            )
            assert bool(meant) == bool(row["expected"]), row
            cases.append((vocabulary, row["value"], meant))
    return cases


def _score(cases: list[tuple[Vocabulary, str, str | None]]) -> collections.Counter[str]:
    """right (the meant term, or nothing for a value that means none), missed, wrong."""
    counts: collections.Counter[str] = collections.Counter()
    for vocabulary, value, meaning in cases:
        match = closest_term(value, vocabulary)
        found = match.term.code if match else None
        if found is None:
            counts["missed" if meaning else "right"] += 1
        else:
            counts["right" if found == meaning else "wrong"] += 1
    return counts


def test_no_wrong_match_on_real_headers_and_values(real_dir: Path) -> None:
    cases = _labelled(real_dir)
    assert len(cases) == 305
    counts = _score(cases)
    assert counts["wrong"] == 0, counts
    assert counts["right"] >= 296, counts


def test_real_variant_spellings_are_read_as_what_they_mean(real_dir: Path) -> None:
    cases = _variants(real_dir)
    assert len(cases) == 114
    counts = _score(cases)
    assert counts["wrong"] == 0, counts
    assert counts["right"] >= 100, counts


@pytest.mark.parametrize(
    ("header", "field"),
    [("ปี งบประมาณ", "fiscal_year"), ("วงเงินที่ได้รับจัดสรร (บาท)", "allocated"),
     ("จังหวัด ", "province_name"), ("ชื่ออปท.", "lao_name"), ("เบิกจ่ายแล้ว", "disbursed"),
     ("District", "district_name"), ("ชื่อโครงการ", "project_name")],
)  # fmt: skip
def test_headers_as_officers_type_them_are_read(header: str, field: str) -> None:
    match = closest_term(header_key(header), generic_vocabulary())
    assert match is not None
    assert match.term.code == field
