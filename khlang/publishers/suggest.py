"""Proposing a column mapping for a table file from its headers and values.

An officer's export rarely names its columns exactly as a shipped mapping does: `ปี งบฯ`,
`วงเงินที่ได้รับจัดสรร (บาท)`, `จังหวัด ` with a trailing space, English headers. For each
adapter, every header is compared with the names its mapping knows for each field (and the
model's Thai and English titles) through `khlang.metadata.matching.closest_term`, the
matcher that reads controlled values: spacing and case ignored, a header's trailing unit in
brackets set aside, a word added before or after a name, and a slip of a letter or two. On
the real files (tests/publishers/test_matchers.py) it makes no wrong match. A
header that matches is still refused when its values cannot be the field's (a `ปี` column
of names is no year).

The adapter whose required and signature fields are all found wins; when none is, the file
is a table of its own kind and the `generic` adapter's mapping is proposed: the year column,
the area columns (found by header, or by values that are province or district names), and
every other column kept under an ASCII name with its Thai header as title. Nothing is
dropped unless the officer says so.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from khlang.i18n import Text
from khlang.metadata.matching import closest_term
from khlang.metadata.vocabularies import Term, Vocabulary
from khlang.publishers.adapters import ADAPTERS, Adapter
from khlang.publishers.amounts import parse_amounts
from khlang.publishers.areas import AreaRegistry
from khlang.publishers.fiscal import BE_RANGE, CE_RANGE
from khlang.publishers.glossary import known_term, stage_advice
from khlang.publishers.mapping import (
    GENERIC,
    ColumnMapping,
    DatasetInfo,
    ExtraField,
    ValueType,
    default_mapping,
)
from khlang.publishers.readers import read_sample
from khlang.publishers.tables import COLUMNS
from khlang.publishers.vocab import squash
from khlang.thai import TO_ARABIC_DIGITS

SAMPLE_ROWS = 1_000
SHOWN_VALUES = 3
AREA_FIELDS = ("province_code", "province_name", "district_code", "district_name",
               "subdistrict_code", "subdistrict_name", "lao_name", "village_no")  # fmt: skip
YEAR_FIELDS = ("fiscal_year", "year")
GENERIC_EXCLUDED = {"area_code", "area_level", "lao_key", "source_system", "source_file",
                    "source_row", "systems", "phase", "lines", "contracts", "fiscal_year_original",
                    "region_code", "region_name"}  # fmt: skip
"""Model columns a generic table cannot claim: khlang derives them."""
_UNIT = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")
_YEAR = re.compile(r"(?:พ\.ศ\.|ค\.ศ\.|FY)?\s*(\d{4})")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}")
_MONEY = ("บาท", "งบ", "เงิน", "จัดสรร", "เบิก", "ราคา", "มูลค่า", "ค่าใช้จ่าย", "รายได้", "รายจ่าย",
          "amount", "budget", "baht", "thb", "cost", "value")  # fmt: skip
_FISCAL = ("งบ", "fiscal", "fy")
_SATANG = re.compile(r"\.\d\d$")


class ColumnProfile(BaseModel):
    """What a column's header and first values say."""

    header: str
    kind: str
    """year, code, integer, number, amount, date, text or empty."""
    unit: str | None = None
    samples: list[str] = []
    place: str | None = None
    """`province_name`, `district_name` or `subdistrict_name` when most values are such names."""


class Choice(BaseModel):
    """One header read as one field, and how it was recognised."""

    header: str
    field: str | None
    how: str
    """exact, close (a slip), values (by what the column holds), kept (a column of the
    table's own), or a reason it is not read."""


class Candidate(BaseModel):
    """How well a file fits one adapter."""

    adapter: str
    mapping_file: str
    found: dict[str, str]
    """field -> header."""
    missing_required: list[str]
    missing_signature: list[str]
    fits: bool
    score: float

    def describe(self) -> Text:
        mapping = default_mapping(self.adapter)
        found = ", ".join(self.found.values()) or "-"
        lacking = list(dict.fromkeys([*self.missing_required, *self.missing_signature]))
        names = "; ".join(f"{field} ({' | '.join(mapping.columns.get(field, [])[:2])})"
                          for field in lacking) or "-"  # fmt: skip
        return Text(
            th=f"{self.adapter} (ไฟล์จับคู่ {self.mapping_file}) พบ {found} ขาด {names}",
            en=f"{self.adapter} (mapping {self.mapping_file}): has {found}; lacks {names}",
        )


class Suggestion(BaseModel):
    file: str
    mapping: ColumnMapping
    columns: list[ColumnProfile]
    choices: list[Choice]
    candidates: list[Candidate]
    """Every adapter with a mapping, the best fit first."""
    problems: list[Text] = []
    """What stops the proposed mapping from publishing as it is (no year column...)."""
    notes: list[Text] = []
    """What the officer should decide though it publishes as it is (an amount's stage)."""


# --- values ---------------------------------------------------------------------------


def _distinct(values: pd.Series) -> list[str]:
    text = values.fillna("").astype(str).str.strip()
    return list(dict.fromkeys(value for value in text if value))


def profile(header: str, values: pd.Series, registry: AreaRegistry) -> ColumnProfile:
    """The kind of values a column holds, judged on its non-blank values."""
    distinct = _distinct(values)
    unit = _UNIT.search(header)
    result = ColumnProfile(header=header, kind=_kind(header, distinct),
                           unit=unit.group(1).strip() if unit else None,
                           samples=distinct[:SHOWN_VALUES])  # fmt: skip
    if result.kind == "text":
        result.place = _place_names(distinct, registry)
    return result


def _kind(header: str, distinct: list[str]) -> str:
    if not distinct:
        return "empty"
    digits = [value.translate(TO_ARABIC_DIGITS) for value in distinct]
    years = [_YEAR.fullmatch(value) for value in digits]
    if all(years) and all(_plausible_year(int(match.group(1))) for match in years if match):
        return "year"
    if all(_DATE.fullmatch(value) for value in digits):
        return "date"
    if all(value.isdecimal() for value in digits) and any(
        value.startswith("0") and len(value) > 1 for value in digits
    ):
        return "code"
    numbers, bad = parse_amounts(pd.Series(digits, dtype="string"))
    if bad.any():
        return "text"
    money = any(word in header.lower() for word in _MONEY)
    if money or all(_SATANG.search(value) for value in digits):
        return "amount"
    return "integer" if (numbers.dropna() % 1 == 0).all() else "number"


def _plausible_year(year: int) -> bool:
    return BE_RANGE[0] <= year <= BE_RANGE[1] or CE_RANGE[0] <= year <= CE_RANGE[1]


_PLACE_MARKERS = {"province_name": ("จังหวัด", "จ."), "district_name": ("อำเภอ", "อ.", "เขต"),
                  "subdistrict_name": ("ตำบล", "ต.", "แขวง")}  # fmt: skip


def _place_names(distinct: list[str], registry: AreaRegistry) -> str | None:
    """The area level whose names make up at least four in five of the values."""
    shares = {}
    for field, level in (("province_name", "province"), ("district_name", "district"),
                         ("subdistrict_name", "subdistrict")):  # fmt: skip
        names = registry.names[level]
        known = sum(
            1 for value in distinct if squash(_strip_marker(value, _PLACE_MARKERS[field])) in names
        )
        shares[field] = known / len(distinct)
    best = max(shares, key=lambda field: shares[field])
    return best if shares[best] >= 0.8 else None


def _strip_marker(value: str, markers: tuple[str, ...]) -> str:
    for marker in markers:
        if value.startswith(marker):
            return value[len(marker) :]
    return value


# --- header names ---------------------------------------------------------------------


def header_key(header: str) -> str:
    """A header as it is matched: without a trailing unit in brackets (`งบประมาณ (บาท)`)."""
    return _UNIT.sub("", header).strip() or header


def _field_vocabulary(key: str, names: dict[str, list[str]]) -> Vocabulary:
    terms = tuple(
        Term(code=field, value=spellings[0], label=Text(th=spellings[0], en=field),
             aliases=tuple(spellings[1:]))
        for field, spellings in names.items()
        if spellings
    )  # fmt: skip
    return Vocabulary(key=key, label=Text(th="คอลัมน์", en="Columns"), terms=terms)


def _model_titles(field: str) -> list[str]:
    column = COLUMNS.get(field)
    if column is None:
        return []
    return [header_key(column.title.th), header_key(column.title.en), field]


@functools.cache
def adapter_vocabulary(adapter: str) -> Vocabulary:
    """The header names an adapter's mapping knows for each field, then the model's titles."""
    mapping = default_mapping(adapter)
    names = {field: [*spellings, *_model_titles(field)]
             for field, spellings in mapping.columns.items()}  # fmt: skip
    return _field_vocabulary(adapter, names)


@functools.cache
def generic_vocabulary() -> Vocabulary:
    """Names a generic table's columns may take from the model: every model column that
    holds a table's own values (not a code khlang derives or a controlled list), known by
    its titles and by the mappings' header names that are distinctive."""
    owners: dict[str, Counter[str]] = {}
    for adapter in mapping_adapters():
        for field, spellings in default_mapping(adapter).columns.items():
            for spelling in spellings:
                owners.setdefault(squash(spelling).lower(), Counter())[field] += 1
    names: dict[str, list[str]] = {}
    for field, column in COLUMNS.items():
        controlled = (column.enum or column.pattern) and field not in AREA_FIELDS
        if field in GENERIC_EXCLUDED or controlled:
            continue
        names[field] = _model_titles(field)
    for adapter in mapping_adapters():
        for field, spellings in default_mapping(adapter).columns.items():
            if field not in names:
                continue
            names[field] += [s for s in spellings if _distinctive(s, owners, field)]
    return _field_vocabulary("generic", names)


def _distinctive(spelling: str, owners: dict[str, Counter[str]], field: str) -> bool:
    """Whether a mapping's name for a field can name it in any table: the field most
    mappings give the name to (`ชื่อโครงการ` is the project in BBL and e-Plan, the tender in
    e-GP; `งบประมาณ` is four different amounts, so none), and not a short English token
    (`id`, `PO`) that means the field only inside its own system's export."""
    if spelling.isascii() and len(spelling) <= 3:
        return False
    ranked = owners[squash(spelling).lower()].most_common(2)
    return ranked[0][0] == field and (len(ranked) == 1 or ranked[0][1] > ranked[1][1])


def mapping_adapters() -> list[str]:
    """The adapters that read through a shipped mapping (the generic one has none)."""
    return [name for name, adapter in ADAPTERS.items() if adapter.uses_mapping and name != GENERIC]


def _compatible(field: str, column: ColumnProfile) -> bool:
    """Whether a column's values can be the field's."""
    if column.kind == "empty":
        return field not in YEAR_FIELDS
    if field in YEAR_FIELDS:
        return column.kind in ("year", "integer")
    model = COLUMNS.get(field)
    if model is None:
        return True
    if model.amount or model.type == "number":
        return column.kind in ("amount", "number", "integer")
    if model.type == "integer":
        return column.kind in ("integer", "year")
    if field.endswith("_code"):
        return column.kind in ("code", "integer")
    if model.type == "date":
        return column.kind == "date"
    return True


def _assign(vocabulary: Vocabulary, columns: list[ColumnProfile]) -> dict[str, Choice]:
    """header -> the field it is read as: exact names first, then close ones, each field
    taken by the first column that fits it."""
    matches = []
    for position, column in enumerate(columns):
        match = closest_term(header_key(column.header), vocabulary)
        if match is not None:
            matches.append((match.fuzzy, position, column, match.term.code))
    taken: set[str] = set()
    chosen: dict[str, Choice] = {}
    for fuzzy, _, column, field in sorted(matches, key=lambda item: (item[0], item[1])):
        if field in taken or column.header in chosen:
            continue
        if not _compatible(field, column):
            continue
        taken.add(field)
        chosen[column.header] = Choice(header=column.header, field=field,
                                       how="close" if fuzzy else "exact")  # fmt: skip
    return chosen


# --- adapters -------------------------------------------------------------------------


def _candidate(adapter: Adapter, columns: list[ColumnProfile]) -> Candidate:
    mapping = default_mapping(adapter.name)
    chosen = _assign(adapter_vocabulary(adapter.name), columns)
    found = {choice.field: header for header, choice in chosen.items() if choice.field}
    missing_required = [field for field in adapter.required if field not in found]
    missing_signature = [field for field in mapping.signature if field not in found]
    allowed = 1 if len(mapping.signature) >= 4 else 0
    fits = not missing_required and len(missing_signature) <= allowed
    signature = 1 - len(missing_signature) / len(mapping.signature)
    score = signature + len(found) / max(len(columns), 1) / 10
    return Candidate(adapter=adapter.name, mapping_file=_shown(mapping.source), found=found,
                     missing_required=missing_required, missing_signature=missing_signature,
                     fits=fits, score=round(score, 4))  # fmt: skip


def _shown(source: str) -> str:
    """A shipped mapping's path as it reads in the source tree (`khlang/publishers/...`)."""
    parts = Path(source).parts
    return "/".join(parts[parts.index("khlang") :]) if "khlang" in parts else source


def _rank(columns: list[ColumnProfile]) -> list[Candidate]:
    """Every adapter with a mapping, the best fit first."""
    candidates = [_candidate(ADAPTERS[name], columns) for name in mapping_adapters()]
    return sorted(candidates, key=lambda item: (not item.fits, -item.score, item.adapter))


def suggest(path: Path, registry: AreaRegistry, *, adapter: str | None = None) -> Suggestion:
    """The mapping proposed for a table file: the adapter it fits best, or a generic table;
    the adapter named, when one is (`generic` for a table of its own kind)."""
    frame = read_sample(path, SAMPLE_ROWS)
    columns = [profile(name, frame[name], registry) for name in frame.columns]
    candidates = _rank(columns)
    wanted = [c for c in candidates if c.adapter == adapter] if adapter != GENERIC else []
    best = wanted[0] if wanted else candidates[0] if adapter is None else None
    if best is not None and (best.fits or adapter is not None):
        return _known(path, best, columns, candidates)
    return _generic(path, columns, candidates)


def _known(
    path: Path, best: Candidate, columns: list[ColumnProfile], candidates: list[Candidate]
) -> Suggestion:
    default = default_mapping(best.adapter)
    chosen = _assign(adapter_vocabulary(best.adapter), columns)
    choices = [chosen.get(column.header) or Choice(header=column.header, field=None,
               how=f"not a field of {best.adapter}") for column in columns]  # fmt: skip
    found = {choice.field: [choice.header] for choice in choices if choice.field}
    signature = [field for field in default.signature if field in found] or list(found)[:1]
    mapping = ColumnMapping(
        adapter=best.adapter,
        system=default.system,
        description=default.description,
        signature=signature,
        columns=found,
        options=default.options,
        dropped=[choice.header for choice in choices if choice.field is None],
    )
    problems = [_lacks(best)] if not best.fits else []
    return Suggestion(file=path.name, mapping=mapping, columns=columns, choices=choices,
                      candidates=candidates, problems=problems)  # fmt: skip


def _lacks(candidate: Candidate) -> Text:
    described = candidate.describe()
    return Text(
        th=f"ไฟล์ไม่มีคอลัมน์ที่ต้องใช้ของ {described.th}",
        en=f"the file lacks columns the adapter needs: {described.en}",
    )


# --- generic tables -------------------------------------------------------------------


def _generic(path: Path, columns: list[ColumnProfile], candidates: list[Candidate]) -> Suggestion:
    chosen = _assign(generic_vocabulary(), columns)
    choices: list[Choice] = []
    fields: dict[str, ExtraField] = {}
    used = set(COLUMNS)
    notes = []
    for column in columns:
        choice = chosen.get(column.header)
        if choice is None and column.place and column.place not in _fields(choices):
            choice = Choice(header=column.header, field=column.place, how="values")
        if choice is None and column.kind == "year" and not set(YEAR_FIELDS) & _fields(choices):
            choice = Choice(header=column.header, field=_year_field(column.header), how="values")
        if choice is None:
            term = known_term(header_key(column.header))
            name = unique_name(term.name if term else ascii_name(header_key(column.header)), used)
            used.add(name)
            fields[name] = _extra(column, path.name, term.title_en if term else None)
            choice = Choice(header=column.header, field=name, how="kept")
            if term and term.ambiguous_stage and fields[name].type == "amount":
                notes.append(stage_advice(column.header, name))
        choices.append(choice)
    found = {choice.field: [choice.header] for choice in choices if choice.field}
    measures = [
        name for name in found if name in fields and fields[name].type in ("amount", "number")
    ] + [name for name in found if name in COLUMNS and COLUMNS[name].type == "number"]
    money = any(fields[n].type == "amount" if n in fields else COLUMNS[n].amount for n in measures)
    mapping = ColumnMapping(
        adapter=GENERIC,
        system="",
        description=f"{path.name}: a table of its own kind, proposed by khlang mapping suggest",
        signature=list(found),
        columns=found,
        fields=fields,
        dataset=_dataset_info(path, measures, money),
    )
    problems = []
    if not set(YEAR_FIELDS) & set(found):
        problems.append(Text(th="ไม่พบคอลัมน์ปี: ระบุคอลัมน์ปีเป็น fiscal_year หรือ year",
                             en="no year column found: name one fiscal_year or year"))  # fmt: skip
    if not set(AREA_FIELDS) & set(found):
        problems.append(Text(th="ไม่พบคอลัมน์พื้นที่ (จังหวัด อำเภอ ตำบล อปท. หรือรหัส)",
                             en="no area column found (province, district, sub-district, LAO "
                             "or their codes)"))  # fmt: skip
    return Suggestion(file=path.name, mapping=mapping, columns=columns, choices=choices,
                      candidates=candidates, problems=problems, notes=notes)  # fmt: skip


def _fields(choices: Iterable[Choice]) -> set[str]:
    return {choice.field for choice in choices if choice.field}


def _year_field(header: str) -> str:
    return "fiscal_year" if any(word in header.lower() for word in _FISCAL) else "year"


_TYPES: dict[str, ValueType] = {"amount": "amount", "number": "number", "integer": "integer",
                                "date": "date", "year": "integer"}  # fmt: skip


def _extra(column: ColumnProfile, file: str, title_en: str | None = None) -> ExtraField:
    """A kept column's description; its English title the glossary's or romanised Thai."""
    value_type = _TYPES.get(column.kind, "string")
    unit = column.unit or ("บาท" if value_type == "amount" else None)
    title_en = title_en or english_title(header_key(column.header))
    return ExtraField(
        type=value_type,
        title=Text(th=header_key(column.header), en=title_en),
        description=Text(
            th=f"คอลัมน์ '{column.header}' ของไฟล์ต้นทาง {file}" + (f" หน่วย: {unit}" if unit else ""),
            en=f"The column '{column.header}' of the source file {file}"
            + (f", in {'baht' if unit == 'บาท' else unit}" if unit else "")
            + ".",
        ),
        unit=unit,
    )


def _dataset_info(path: Path, measures: list[str], money: bool) -> DatasetInfo:
    stem = path.stem.strip()
    key = ascii_name(stem).replace("_", "-")[:49].strip("-") or "table"
    title_en = english_title(stem)
    return DatasetInfo(
        key=key,
        title=Text(th=stem, en=title_en),
        description=Text(
            th=f"ข้อมูลจากไฟล์ {path.name} จำแนกตามพื้นที่และปี",
            en=f"Data from the file {path.name}, by area and year.",
        ),
        data_type="statistical" if measures else "record",
        tags=["งบประมาณ" if money else "ข้อมูลเชิงพื้นที่", stem[:100]],
        unit="บาท" if money else "หน่วย",
    )


def entitled(suggestion: Suggestion, th: str | None, en: str | None) -> Suggestion:
    """The suggestion with the dataset titled as the officer says (a generic table's)."""
    info = suggestion.mapping.dataset
    if info is None:
        return suggestion
    title = Text(th=th or info.title.th, en=en or info.title.en)
    dataset = info.model_copy(update={"title": title, "tags": [*info.tags[:1], title.th[:100]]})
    mapping = suggestion.mapping.model_copy(update={"dataset": dataset})
    return suggestion.model_copy(update={"mapping": mapping})


def ascii_name(text: str) -> str:
    """A column or dataset name in lower-case ASCII: English words as they are, Thai words
    romanised (Royal Institute system, PyThaiNLP) and joined by `_`."""
    from pythainlp.tokenize import word_tokenize  # lazy: pythainlp, +32 ms
    from pythainlp.transliterate import romanize  # lazy: pythainlp's romanizer, +25 ms

    words = []
    for word in word_tokenize(text.translate(TO_ARABIC_DIGITS), keep_whitespace=False):
        if re.search("[\u0e00-\u0e7f]", word):
            word = romanize(word, engine="royin")
        words += re.findall(r"[a-z0-9]+", word.lower())
    name = "_".join(words)[:60].strip("_")
    return name if name and not name[0].isdecimal() else f"c_{name}".rstrip("_")


def english_title(text: str) -> str:
    """An English title for a header: itself when it is English, else its romanisation (for
    the officer to replace with a translation)."""
    if not re.search("[\u0e00-\u0e7f]", text):
        return text
    return ascii_name(text).replace("_", " ").capitalize()


def unique_name(name: str, used: set[str]) -> str:
    if name not in used:
        return name
    number = 2
    while f"{name}_{number}" in used:
        number += 1
    return f"{name}_{number}"
