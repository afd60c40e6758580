"""The steps every adapter shares: reading a file through its column mapping, then turning
text into the model's values (years, amounts, controlled terms, areas, identifiers) with
every unreadable value reported at its file, row and column.

Each step works on whole columns (or on the distinct values of a column), never row by row,
so a national export of millions of rows is cleaned in seconds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from khlang.i18n import Text
from khlang.metadata.matching import closest_term
from khlang.metadata.vocabularies import Vocabulary
from khlang.publishers.amounts import finer_than_satang, parse_amounts
from khlang.publishers.areas import COUNTRY_CODE, AreaRegistry
from khlang.publishers.fiscal import BE_RANGE, be_years
from khlang.publishers.issues import IssueLog
from khlang.publishers.mapping import ColumnMapping
from khlang.publishers.placenames import PlaceParser
from khlang.publishers.tables import COLUMNS, TABLES
from khlang.publishers.vocab import squash
from khlang.thai import BUDDHIST_ERA_OFFSET, TO_ARABIC_DIGITS

NATIONWIDE = {"ทั่วประเทศ", "ทั้งประเทศ", "ประเทศ", "ส่วนกลาง/ทั่วประเทศ"}
CENTRAL = {"ส่วนกลาง", "กรุงเทพฯ(ส่วนกลาง)"}
MULTIPLE = {"หลายจังหวัด", "หลายพื้นที่"}
"""A share of a line worked in several provinces, published without being given to one."""


@dataclass
class Context:
    """What an adapter needs besides its file: the areas, the parser and the issue log."""

    registry: AreaRegistry
    issues: IssueLog
    sources_dir: Path
    mappings: dict[str, ColumnMapping] = field(default_factory=dict)
    """The mapping of each adapter that reads through one (`--mapping`, or beside the files)."""
    tables: list[ColumnMapping] = field(default_factory=list)
    """Generic mappings: each a table of its own kind, matched to files by their headers."""
    parser: PlaceParser | None = None

    def __post_init__(self) -> None:
        if self.parser is None:
            self.parser = PlaceParser(self.registry)

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.sources_dir.resolve()).as_posix()
        except ValueError:
            return str(path)


def rows_of(frame: pd.DataFrame, mask: pd.Series) -> list[int]:
    """The source rows of the records a mask selects, for the issue log."""
    return [int(row) for row in frame.loc[mask, "source_row"]]


def clean_years(
    frame: pd.DataFrame, ctx: Context, file: str, column: str = "fiscal_year"
) -> pd.DataFrame:
    """BE fiscal years; a CE year is converted and its original kept in
    `fiscal_year_original`. Rows without a readable year are reported and dropped: nothing
    can be placed in time without one."""
    raw = frame[column]
    years, converted = be_years(raw)
    bad = years.isna()
    if bad.any():
        ctx.issues.add_rows(
            "year-unreadable",
            Text(th="อ่านปีงบประมาณไม่ได้ แถวนี้ไม่ถูกนำไปใช้", en="unreadable fiscal year; row skipped"),
            rows=rows_of(frame, bad),
            values=list(raw[bad]),
            file=file,
            column=column,
        )
    if converted.any():
        ctx.issues.add(
            "year-converted-from-ce",
            Text(
                th=f"แปลงปี ค.ศ. เป็น พ.ศ. {int(converted.sum())} "
                "แถว (เก็บค่าเดิมใน fiscal_year_original)",
                en=f"converted {int(converted.sum())} CE years to BE (originals kept in "
                "fiscal_year_original)",
            ),
            severity="info",
            file=file,
            column=column,
        )
    frame = frame.assign(
        **{column: years, "fiscal_year_original": raw.where(converted, None).astype("string")}
    )
    return frame[~bad].reset_index(drop=True)


def clean_amounts(frame: pd.DataFrame, ctx: Context, file: str, columns: list[str]) -> pd.DataFrame:
    """Amount columns in baht; an unreadable amount is reported and left empty."""
    updates = {}
    for column in columns:
        if column not in frame:
            continue
        values, bad = parse_amounts(frame[column])
        rounded = finer_than_satang(frame[column]) & ~bad
        if rounded.any():
            ctx.issues.add(
                "amount-rounded-to-satang",
                Text(
                    th=f"ปัดเศษจำนวนเงิน {int(rounded.sum())} ค่าที่มีทศนิยมเกิน 2 ตำแหน่งเป็นสตางค์",
                    en=f"rounded {int(rounded.sum())} amounts with more than two decimals to "
                    "the satang",
                ),
                severity="info",
                file=file,
                column=column,
                row=int(frame.loc[rounded, "source_row"].iloc[0]),
                value=frame.loc[rounded, column].iloc[0],
            )
        if bad.any():
            ctx.issues.add_rows(
                "amount-unreadable",
                Text(th="จำนวนเงินไม่ใช่ตัวเลข ไม่นำมารวม", en="amount is not a number; not counted"),
                rows=rows_of(frame, bad),
                values=list(frame.loc[bad, column]),
                file=file,
                column=column,
            )
        updates[column] = values
    return frame.assign(**updates)


def clean_terms(
    frame: pd.DataFrame,
    ctx: Context,
    file: str,
    column: str,
    vocabulary: Vocabulary,
    default: str | None = None,
) -> pd.DataFrame:
    """A controlled column as term codes. Misspellings close to a term are read as it (a
    warning says so); unknown values are reported and left empty; blanks take `default`."""
    if column not in frame:
        return frame.assign(**{column: default})
    raw = frame[column].astype("string").str.strip()
    codes: dict[str, str | None] = {}
    for value in raw.dropna().unique():
        if not value:
            codes[value] = default
            continue
        match = closest_term(value, vocabulary)
        codes[value] = match.term.code if match else None
        if match and match.fuzzy:
            rows = rows_of(frame, raw == value)
            ctx.issues.add_rows(
                "term-misspelt",
                Text(
                    th=f"อ่าน '{value}' เป็น '{match.term.value}'",
                    en=f"read '{value}' as '{match.term.value}'",
                ),
                rows=rows,
                values=[value] * len(rows),
                file=file,
                column=column,
                severity="warning",
            )
    mapped = raw.map(codes).astype("string")
    unknown = raw.notna() & (raw != "") & mapped.isna()
    if unknown.any():
        allowed = ", ".join(term.value for term in vocabulary.terms)
        ctx.issues.add_rows(
            "term-unknown",
            Text(
                th=f"ค่าไม่อยู่ในรายการ {vocabulary.label.th} ({allowed})",
                en=f"not a {vocabulary.label.en.lower()} ({allowed})",
            ),
            rows=rows_of(frame, unknown),
            values=list(raw[unknown]),
            file=file,
            column=column,
        )
    return frame.assign(**{column: mapped.fillna(default) if default else mapped})


AREA_INPUTS = (
    "subdistrict_code",
    "district_code",
    "province_code",
    "subdistrict_name",
    "district_name",
    "province_name",
    "lao_name",
    "place_text",
)


AREA_OUTPUTS = ("area_code", "area_level", "province_code", "district_code",
                "subdistrict_code", "lao_key", "village_no")  # fmt: skip
COARSE = ("unknown", "province")
"""Areas a free-text description may still refine (codes or names gave nothing finer)."""


def _per_distinct(frame: pd.DataFrame, inputs: list[str], resolve) -> pd.DataFrame:
    """`resolve(row)` applied once per distinct combination of `inputs`, spread back to
    every row (the area outputs, aligned with `frame`)."""
    keys = frame[inputs].fillna("").astype(str) if inputs else frame.iloc[:, :0]
    distinct = keys.drop_duplicates() if inputs else keys.iloc[:1]
    names = [f"_{column}" for column in AREA_OUTPUTS]
    values = [resolve(row) for row in distinct.to_dict("records")] or [resolve({})]
    resolved = pd.DataFrame(values, columns=names, index=distinct.index[: len(values)])
    if not inputs:
        return pd.DataFrame([values[0]] * len(frame), columns=list(AREA_OUTPUTS),
                            index=frame.index)  # fmt: skip
    joined = keys.merge(pd.concat([distinct, resolved], axis=1), on=inputs, how="left",
                        sort=False)  # fmt: skip
    joined.index = frame.index
    return joined[names].rename(columns=lambda column: column[1:])


def resolve_areas(
    frame: pd.DataFrame, ctx: Context, file: str, *, report_unknown: bool = True
) -> pd.DataFrame:
    """Area columns (`area_code`, `area_level`, the three codes and `lao_key`) from whatever
    the export gives: codes first, then names (parsed even when run together without spaces),
    then, only where those give nothing finer than a province, a free-text description
    (`place_text`). Each step runs once per distinct combination of its inputs, so a
    national export is resolved in seconds."""
    structured = [column for column in AREA_INPUTS if column in frame and column != "place_text"]
    joined = _per_distinct(frame, structured, lambda row: _resolve_one(row, ctx))
    if "place_text" in frame:
        coarse = joined["area_level"].isin(COARSE)
        if coarse.any():
            texts = pd.DataFrame(
                {"place_text": frame.loc[coarse, "place_text"],
                 "within": joined.loc[coarse, "province_code"].fillna("")}
            )  # fmt: skip
            refined = _per_distinct(texts, ["place_text", "within"],
                                    lambda row: _refine(row, ctx))  # fmt: skip
            rows = refined.index[refined["area_level"].notna()]
            kept_lao = joined.loc[rows, "lao_key"]
            joined.loc[rows, list(AREA_OUTPUTS)] = refined.loc[rows, list(AREA_OUTPUTS)]
            joined.loc[rows, "lao_key"] = joined.loc[rows, "lao_key"].fillna(kept_lao)
    unknown = joined["area_level"] == "unknown"
    inputs = [column for column in AREA_INPUTS if column in frame]
    if report_unknown and unknown.any() and inputs:
        keys = frame.loc[unknown, inputs].fillna("").astype(str)
        shown = keys.apply(lambda row: " ".join(value for value in row if value), axis=1)
        ctx.issues.add_rows(
            "area-unknown",
            Text(th="ระบุพื้นที่ไม่ได้จากข้อมูลในแถว", en="no area could be identified from the row"),
            rows=rows_of(frame, unknown),
            values=list(shown),
            file=file,
            column=",".join(inputs),
            severity="warning",
        )
    _report_unresolved_laos(frame, joined, ctx, file)
    result = frame.drop(columns=[c for c in AREA_INPUTS if c in frame and c != "lao_name"])
    parsed_village = pd.to_numeric(joined["village_no"], errors="coerce").astype("Int64")
    if "village_no" in result:
        village = pd.to_numeric(result["village_no"], errors="coerce").astype("Int64")
        result = result.assign(village_no=village.fillna(parsed_village))
    else:
        result = result.assign(village_no=parsed_village)
    for column in AREA_OUTPUTS[:-1]:
        result[column] = joined[column].astype("string")
    return result


def _report_unresolved_laos(
    frame: pd.DataFrame, joined: pd.DataFrame, ctx: Context, file: str
) -> None:
    """Rows naming an LAO that is not identified are published at the area the rest of the
    row gives (a district, say): say so, so that no LAO is lost without a word."""
    if "lao_name" not in frame:
        return
    named = frame["lao_name"].fillna("").astype(str).str.strip() != ""
    lost = named & joined["lao_key"].isna()
    if not lost.any():
        return
    levels = joined.loc[lost, "area_level"].fillna("unknown")
    placed = ", ".join(f"{level} {count:,}" for level, count in levels.value_counts().items())
    if ctx.registry.laos is None:
        ctx.issues.add(
            "lao-unresolved",
            Text(
                th=f"{int(lost.sum()):,} แถวระบุชื่อ อปท. แต่ไม่มีทะเบียน อปท. จึงเผยแพร่ตามพื้นที่ที่แถวระบุ "
                f"({placed}) ไม่ใช่ราย อปท. ระบุ --reference หรือวางทะเบียน อปท. ไว้ในโฟลเดอร์ต้นทาง",
                en=f"{int(lost.sum()):,} rows name an LAO but there is no LAO register, so they "
                f"are published at the area the row gives ({placed}), not by LAO; name "
                "--reference or put an LAO register among the sources",
            ),
            severity="warning",
            file=file,
            column="lao_name",
            value=frame.loc[lost, "lao_name"].iloc[0],
        )
        return
    ctx.issues.add_rows(
        "lao-unresolved",
        Text(
            th="ไม่พบ อปท. นี้ในทะเบียน อปท. จึงเผยแพร่ตามพื้นที่ที่แถวระบุ ไม่ใช่ราย อปท.",
            en="this LAO is not in the LAO register, so the row is published at the area it "
            "gives, not by LAO",
        ),
        rows=rows_of(frame, lost),
        values=list(frame.loc[lost, "lao_name"]),
        file=file,
        column="lao_name",
        severity="warning",
    )


_RANK = {"province": 1, "district": 2, "subdistrict": 3}
_NONE = (None, None, None, None, None, None, None)


def _coded_area(row: dict[str, str], registry: AreaRegistry):
    """The most specific area the code columns name, if any."""
    for column in ("subdistrict_code", "district_code", "province_code"):
        code = row.get(column, "").strip()
        if code:
            area = registry.area(code.zfill(2) if column == "province_code" else code)
            if area:
                return area
    return None


def _resolve_one(row: dict[str, str], ctx: Context) -> tuple:
    """Codes first; names refine a coarse code (a province code beside an LAO's name gives
    the LAO's sub-district) but never contradict it."""
    registry = ctx.registry
    parser = ctx.parser
    assert parser is not None
    coded = _coded_area(row, registry)
    if coded is not None and coded.level == "subdistrict":
        return _area_tuple(coded, _lao_in(row, ctx, coded.province_code))
    province_text = row.get("province_name", "").strip()
    if coded is None and squash(province_text) in NATIONWIDE:
        return (COUNTRY_CODE, "country", None, None, None, None, None)
    if coded is None and squash(province_text) in CENTRAL:
        return (None, "central", None, None, None, None, None)
    if coded is None and squash(province_text) in MULTIPLE:
        return (None, "multiple", None, None, None, None, None)
    within = (
        coded.province_code
        if coded
        else (registry.province_by_name(province_text) if province_text else None)
    )
    text = _name_text(row)
    match = parser.parse(text, within) if text else None
    if match is not None and match.area is not None and coded is not None:
        inside = match.area.code.startswith(coded.code)
        if not inside or _RANK[match.level] <= _RANK[coded.level]:
            match = None
    if match is None or match.area is None:
        if coded is not None:
            return _area_tuple(coded, _lao_in(row, ctx, coded.province_code))
        return (None, "unknown", None, None, None, None, None)
    lao = match.lao_key or _lao_in(row, ctx, match.area.province_code)
    return _area_tuple(match.area, lao, match.village)


def _refine(row: dict[str, str], ctx: Context) -> tuple:
    """The area a free-text description names inside the province found so far (all None
    when it names nothing finer)."""
    assert ctx.parser is not None
    text = row.get("place_text", "")
    within = row.get("within") or None
    match = ctx.parser.parse(text, within) if text else None
    finer = match is not None and match.area is not None
    if finer and (within is None or match.area.level != "province"):
        return _area_tuple(match.area, match.lao_key, match.village)
    squashed = squash(text)
    if within is None and any(word in squashed for word in NATIONWIDE - {"ประเทศ"}):
        return (COUNTRY_CODE, "country", None, None, None, None, None)
    if within is None and "(ส่วนกลาง)" in squashed:
        return (None, "central", None, None, None, None, None)
    return _NONE


def _name_text(row: dict[str, str]) -> str:
    """Name columns joined with their markers, so the parser reads them as it reads text."""
    parts = []
    for column, marker in (
        ("lao_name", ""),
        ("subdistrict_name", "ตำบล"),
        ("district_name", "อำเภอ"),
        ("province_name", "จังหวัด"),
    ):
        value = row.get(column, "").strip()
        if value:
            needs_marker = marker and not value.startswith(("ตำบล", "ต.", "แขวง", "อำเภอ", "อ.",
                                                            "เขต", "จังหวัด", "จ."))  # fmt: skip
            parts.append(f"{marker if needs_marker else ''}{value}")
    return " ".join(parts)


def _lao_in(row: dict[str, str], ctx: Context, province: str | None) -> str | None:
    name = row.get("lao_name", "").strip()
    if not name or ctx.registry.laos is None:
        return None
    assert ctx.parser is not None
    return ctx.parser.parse(name, province).lao_key


def _area_tuple(area, lao: str | None, village: int | None = None) -> tuple:
    return (
        area.code,
        area.level,
        area.province_code,
        area.district_code,
        area.subdistrict_code,
        lao,
        village,
    )


_DATE = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"
_ISO_DATE = r"^(\d{4})-(\d{1,2})-(\d{1,2})"


def clean_dates(frame: pd.DataFrame, ctx: Context, file: str, columns: list[str]) -> pd.DataFrame:
    """Dates written `2023-03-15`, `15/03/2566` or `15/3/2023` (day first, BE or CE) as
    dates; an unreadable date is reported and left empty."""
    updates = {}
    for column in columns:
        if column not in frame:
            continue
        text = frame[column].astype("string").str.translate(TO_ARABIC_DIGITS).str.strip()
        iso = text.str.extract(_ISO_DATE)
        dmy = text.str.extract(_DATE)
        year = pd.to_numeric(iso[0].fillna(dmy[2]), errors="coerce")
        month = pd.to_numeric(iso[1].fillna(dmy[1]), errors="coerce")
        day = pd.to_numeric(iso[2].fillna(dmy[0]), errors="coerce")
        year = year.where(year < BE_RANGE[0], year - BUDDHIST_ERA_OFFSET)
        dates = pd.to_datetime(
            pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
        )
        bad = dates.isna() & text.notna() & (text != "")
        if bad.any():
            ctx.issues.add_rows(
                "date-unreadable",
                Text(th="อ่านวันที่ไม่ได้", en="unreadable date"),
                rows=rows_of(frame, bad),
                values=list(text[bad]),
                file=file,
                column=column,
            )
        updates[column] = dates.dt.date
    return frame.assign(**updates)


def derive_ids(frame: pd.DataFrame, parts: list[str], prefix: str = "kl-") -> pd.Series:
    """Stable identifiers from the content of a record: the same line read from any file or
    run gets the same id (sha1 of the parts, spaces squashed)."""
    blank = pd.Series("", index=frame.index)
    text = frame.get(parts[0], blank).fillna("").astype(str)
    for part in parts[1:]:  # a part the export lacks counts as blank
        text = text + "|" + frame.get(part, blank).fillna("").astype(str)
    squashed = text.str.replace(r"\s+", "", regex=True)
    digests = [hashlib.sha1(value.encode()).hexdigest()[:16] for value in squashed]  # noqa: S324
    return pd.Series([prefix + digest for digest in digests], index=frame.index, dtype="string")


def fill_ids(frame: pd.DataFrame, column: str, parts: list[str]) -> pd.DataFrame:
    """Keep the source's identifiers; derive one where a row has none."""
    given = frame[column].astype("string").str.strip() if column in frame else None
    if given is not None and given.notna().all() and (given != "").all():
        return frame.assign(**{column: given})
    derived = derive_ids(frame, parts)
    if given is None:
        return frame.assign(**{column: derived})
    return frame.assign(**{column: given.mask(given.isna() | (given == ""), derived)})


def drop_duplicate_records(
    frame: pd.DataFrame, ctx: Context, file: str, key: list[str]
) -> pd.DataFrame:
    """Drop rows that repeat an earlier row exactly (an export paged twice over the same
    record) and report them; rows that share the key but differ are different records
    reusing an identifier, so the later ones get `-2`, `-3`... and a warning."""
    content = [column for column in frame.columns if column != "source_row"]
    exact = frame.duplicated(subset=content, keep="first")
    if exact.any():
        first = frame.groupby(content, sort=False, dropna=False)["source_row"].transform("first")
        ctx.issues.add_rows(
            "duplicate-record",
            Text(
                th="แถวซ้ำกับแถวก่อนหน้าทุกช่อง ไม่นับซ้ำ",
                en="row repeats an earlier row exactly; not counted twice",
            ),
            rows=rows_of(frame, exact),
            values=[f"same as row {int(row)}" for row in first[exact]],
            file=file,
            column=None,
            severity="warning",
        )
        frame = frame[~exact].reset_index(drop=True)
    reused = frame.duplicated(subset=key, keep=False)
    if reused.any():
        order = frame.groupby(key, dropna=False).cumcount() + 1
        later = reused & (order > 1)
        id_column = key[0]
        ctx.issues.add_rows(
            "id-reused",
            Text(
                th=f"รหัสใน {id_column} ซ้ำกับรายการอื่นที่มีเนื้อหาต่างกัน จึงเติมลำดับท้ายรหัส",
                en=f"{id_column} is shared with a different record; a suffix was added",
            ),
            rows=rows_of(frame, later),
            values=list(frame.loc[later, id_column]),
            file=file,
            column=id_column,
            severity="warning",
        )
        suffix = np.where(later, "-" + order.astype(str), "")
        frame = frame.assign(**{id_column: frame[id_column].astype(str) + suffix})
    return frame


def finish(frame: pd.DataFrame, table: str, system: str, file: str) -> pd.DataFrame:
    """The rows as the canonical table: every column present, in order, with provenance."""
    frame = frame.assign(source_system=system, source_file=file)
    out = pd.DataFrame(index=frame.index)
    for name in TABLES[table]:
        column = COLUMNS[name]
        values = frame[name] if name in frame else pd.Series(None, index=frame.index)
        if column.amount or column.type == "number":
            out[name] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif column.type == "integer":
            out[name] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif column.type == "date":
            out[name] = pd.to_datetime(values, errors="coerce").dt.date
        elif column.type == "boolean":
            out[name] = values.astype("boolean")
        else:
            out[name] = values.astype("string").str.strip().replace("", None)
    return out.reset_index(drop=True)


def phase_amounts(
    frame: pd.DataFrame, phases: dict[str, str], system: str, file: str
) -> pd.DataFrame:
    """The long `amounts` table from phase columns (phase code -> column): one row per
    record and phase with an amount; blank amounts are absent, zeros are kept."""
    parts = []
    for phase, column in phases.items():
        if column not in frame:
            continue
        rows = frame[frame[column].notna()]
        parts.append(rows.assign(phase=phase, amount=rows[column]))
    if not parts:
        return finish(frame.iloc[0:0], "amounts", system, file)
    return finish(pd.concat(parts, ignore_index=True), "amounts", system, file)


def collapse_lines(frame: pd.DataFrame, system: str, file: str) -> pd.DataFrame:
    """One `budget_lines` row per line id from rows of one line in several areas: the
    descriptive fields of its first row and the area all its rows share (`multiple` when
    they lie in different provinces)."""
    first = frame.drop_duplicates("line_id", keep="first").set_index("line_id")
    counts = frame.groupby("line_id")[["province_code", "district_code", "subdistrict_code"]]
    spread = counts.nunique(dropna=False)
    several = spread[spread.max(axis=1) > 1].index
    if len(several):
        shared = first.loc[several].copy()
        same_province = spread.loc[several, "province_code"] == 1
        same_district = spread.loc[several, "district_code"] == 1
        shared["subdistrict_code"] = None
        shared["district_code"] = shared["district_code"].where(same_district, None)
        shared["province_code"] = shared["province_code"].where(same_province, None)
        shared["area_code"] = shared["district_code"].fillna(shared["province_code"])
        shared["area_level"] = np.where(
            same_district, "district", np.where(same_province, "province", "multiple")
        )
        shared["lao_key"] = None
        first = pd.concat([first.drop(index=several), shared]).reindex(first.index)
    return finish(first.reset_index(), "budget_lines", system, file)
