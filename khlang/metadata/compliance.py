"""The compliance check: what in a dataset's metadata the GD Catalog would refuse or lose,
field by field, in Thai and English, with the value to write instead.

Each finding has a stable code (FINDING_TYPES lists them all, with a fixed severity):

* error: the GD Catalog (or the Budget Bureau's indicator) would not accept the dataset as is;
* warning: accepted, but something is lost, ignored or outdated;
* info: not required, but it makes the dataset easier to find and reuse.

The check reads the model only; it needs no network and no files.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any, TypeGuard, TypeVar

from pydantic import BaseModel, ConfigDict

from khlang.i18n import Text
from khlang.metadata import eu
from khlang.metadata.fields import (
    ALL_TYPES,
    DATASET_FIELDS,
    MANDATORY_FIELDS,
    RESOURCE_FIELDS,
    FieldSpec,
    Kind,
    field_label,
)
from khlang.metadata.formats import (
    format_by_extension,
    format_by_media_type,
    format_by_name,
    resource_format,
)
from khlang.metadata.matching import MatchKind, closest_term, normalise
from khlang.metadata.model import Dataset, Resource
from khlang.metadata.vocabularies import (
    CLASSIFICATIONS_BY_CATEGORY,
    DATA_CATEGORY,
    DATA_CLASSIFICATION,
    DATA_TYPE,
    UPDATE_FREQUENCY_UNIT,
    Term,
    Vocabulary,
)
from khlang.thai import BUDDHIST_ERA_FROM, BUDDHIST_ERA_OFFSET


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class FindingType(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    title: Text


def _types(*rows: tuple[str, Severity, str, str]) -> dict[str, FindingType]:
    return {
        code: FindingType(code=code, severity=severity, title=Text(th=th, en=en))
        for code, severity, th, en in rows
    }


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO
FINDING_TYPES = _types(
    ("missing-required", E, "ไม่ได้กรอกรายการบังคับ", "A mandatory item is empty"),
    ("not-in-vocabulary", E, "ค่าไม่อยู่ในรายการที่กำหนด", "Value is not in the field's list"),
    ("legacy-value", W, "ค่าตามมาตรฐานรุ่นเก่า (2.1)", "Value from an older schema (2.1)"),
    ("other-text-missing", E, "เลือก อื่นๆ แต่ไม่ได้ระบุรายละเอียด",
     "'Other' chosen but not specified"),
    ("other-text-unused", W, "ระบุรายละเอียด อื่นๆ แต่ไม่ได้เลือก อื่นๆ",
     "'Other' text given but 'other' not chosen"),
    ("unknown-combined", W, "เลือก ไม่ทราบ/ไม่มี ร่วมกับค่าอื่น",
     "'Unknown' or 'none' chosen with other values"),
    ("duplicate-value", W, "ค่าซ้ำกัน", "Repeated value"),
    ("invalid-email", E, "อีเมลไม่ถูกต้อง", "Invalid e-mail address"),
    ("tag-too-short", E, "คำสำคัญสั้นเกินไป", "Tag too short"),
    ("tag-too-long", E, "คำสำคัญยาวเกินไป", "Tag too long"),
    ("tag-characters", E, "คำสำคัญมีอักขระที่ไม่อนุญาต", "Tag has characters CKAN refuses"),
    ("buddhist-era-date", E, "วันที่เป็นปีพุทธศักราช", "Date written in the Buddhist era"),
    ("date-in-future", W, "วันที่อยู่ในอนาคต", "Date in the future"),
    ("invalid-year", E, "ปีไม่ถูกต้อง", "Invalid year"),
    ("christian-era-year", E, "ปีเป็นคริสต์ศักราช", "Year written in the Christian era"),
    ("invalid-period", E, "ช่วงเวลาไม่ถูกต้อง", "Period ends before it starts"),
    ("invalid-interval", E, "ค่าความถี่ไม่ถูกต้อง", "Invalid update interval"),
    ("invalid-name", E, "ชื่อ URL ไม่ถูกต้อง", "Invalid URL name"),
    ("invalid-url", E, "URL ไม่ถูกต้อง", "Invalid URL"),
    ("invalid-coordinates", E, "ค่าพิกัดไม่ถูกต้อง", "Invalid coordinates"),
    ("invalid-area-code", E, "รหัสพื้นที่ไม่ถูกต้อง", "Invalid area code"),
    ("invalid-hash", E, "ค่าแฮชไม่ถูกต้อง", "Invalid file hash"),
    ("classification-not-allowed-for-category", E, "ระดับชั้นข้อมูลไม่ตรงกับหมวดหมู่ข้อมูล",
     "Classification not allowed for the data category"),
    ("field-not-for-data-type", W, "ฟิลด์นี้ไม่ใช้กับประเภทชุดข้อมูลนี้",
     "Field not shown for this data type"),
    ("missing-recommended", W, "ไม่ได้กรอกรายการที่ควรมี", "A recommended field is empty"),
    ("harvest-not-allowed", W, "ไม่ยินยอมให้ GD Catalog นำชุดข้อมูลไปใช้",
     "The GD Catalog may not harvest this open dataset"),
    ("no-resources", W, "ไม่มีทรัพยากร", "No resources"),
    ("resource-undescribed", E, "ทรัพยากรไม่มีชื่อหรือคำอธิบาย",
     "Resource has no name or description"),
    ("resource-url-missing", E, "ทรัพยากรไม่มี URL", "Resource has no URL or file"),
    ("resource-format-missing", E, "ทรัพยากรไม่ได้ระบุนามสกุลไฟล์", "Resource format missing"),
    ("resource-format-unknown", W, "ไม่รู้จักรูปแบบไฟล์", "Unknown resource format"),
    ("resource-format-mismatch", W, "รูปแบบไฟล์ไม่ตรงกัน",
     "Format disagrees with the media type or file name"),
    ("no-open-format", W, "ไม่มีทรัพยากรในรูปแบบเปิด", "No resource in an open format"),
    ("missing-english", N, "ไม่มีข้อความภาษาอังกฤษ", "No English text"),
    ("short-description", N, "รายละเอียดสั้นเกินไป", "Description is short"),
    ("duplicate-title", E, "ชื่อชุดข้อมูลซ้ำกับชุดข้อมูลอื่น", "Title used by another dataset"),
    ("duplicate-name", E, "ชื่อ URL ซ้ำกับชุดข้อมูลอื่น", "URL name used by another dataset"),
)  # fmt: skip
del E, W, N

RESOURCE_DESCRIPTION_CODES = frozenset(
    {"resource-undescribed", "resource-url-missing", "resource-format-missing"}
)
"""Findings that mean a resource is not described (the Budget Bureau's first part)."""

T = TypeVar("T")

_EMAIL = re.compile(
    # The WHATWG HTML e-mail pattern, which CKAN's email_validator also applies.
    r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
_TAG_BAD_CHARS = re.compile(r"[^\w\u0e00-\u0e7f \-_.]")
_SLUG = re.compile(r"[a-z0-9_-]{2,70}")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
_AREA_CODE = re.compile(r"\d{2}|\d{4}|\d{6}")
_CHRISTIAN_ERA_FROM = 1900
"""A 4-digit year from here to BUDDHIST_ERA_FROM is taken as Christian era."""
_SHORT_DESCRIPTION = 100
_NO_INTERVAL_UNITS = frozenset({"unknown", "real_time", "never"})
_EXCLUSIVE_CODES = frozenset({"unknown", "none"})
_BOUNDS = {
    "west_bound_longitude": 180.0,
    "east_bound_longitude": 180.0,
    "north_bound_longitude": 90.0,
    "south_bound_longitude": 90.0,
}
MANDATORY_KEYS = {spec.key: spec.mandatory_item for spec in MANDATORY_FIELDS}


class Finding(BaseModel):
    """One thing to fix (or to know) about one field."""

    code: str
    severity: Severity
    field: str
    """The key, as in the file: `license_id`, `objective_other`, `resources[0].format`."""
    label: Text
    message: Text
    suggestion: Text | None = None
    value: Any = None
    suggested_value: Any = None
    """The value to write instead, when khlang can tell (a program may apply it)."""
    item: int | None = None
    """The mandatory item (1-14) the field belongs to, if any."""


class ComplianceReport(BaseModel):
    """Every finding about one dataset, most serious first."""

    name: str | None = None
    title: str | None = None
    source: str | None = None
    findings: list[Finding] = []

    def _count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def errors(self) -> int:
        return self._count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self._count(Severity.WARNING)

    @property
    def infos(self) -> int:
        return self._count(Severity.INFO)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def mandatory_complete(self) -> bool:
        """All 14 mandatory items filled with values the GD Catalog accepts."""
        return not any(f.item and f.severity is Severity.ERROR for f in self.findings)

    @property
    def resources_described(self) -> bool:
        return not any(f.code in RESOURCE_DESCRIPTION_CODES for f in self.findings)

    def summary(self) -> dict[str, Any]:
        return {
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "mandatory_complete": self.mandatory_complete,
            "resources_described": self.resources_described,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "source": self.source,
            **self.summary(),
            "findings": [finding.model_dump(mode="json") for finding in self.findings],
        }


# --- the check ---------------------------------------------------------------------------


class _Check:
    """Collects the findings of one dataset while the field checks run."""

    def __init__(self, dataset: Dataset, today: dt.date) -> None:
        self.dataset = dataset
        self.today = today
        self.type_code = _data_type_code(dataset.data_type)
        self.findings: list[Finding] = []

    def add(
        self,
        code: str,
        key: str,
        message: Text,
        *,
        suggestion: Text | None = None,
        value: Any = None,
        suggested_value: Any = None,
        resource: int | None = None,
    ) -> None:
        base = key.removesuffix("_other")
        if suggestion is None and suggested_value is not None:
            suggestion = _use(suggested_value)
        self.findings.append(
            Finding(
                code=code,
                severity=FINDING_TYPES[code].severity,
                field=key if resource is None else f"resources[{resource}].{key}",
                label=field_label(key, resource=resource is not None),
                message=message,
                suggestion=suggestion,
                value=value,
                suggested_value=suggested_value,
                item=None if resource is not None else MANDATORY_KEYS.get(base),
            )
        )


def _use(value: Any) -> Text:
    """The fix that is a value to write, in both languages."""
    if isinstance(value, bool):
        shown = Text(th="ใช่ (true)", en="true") if value else Text(th="ไม่ (false)", en="false")
        return Text(th=f"ใช้ {shown.th}", en=f"use {shown.en}")
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return Text(th=f"ใช้ {text}", en=f"use {text}")


def _data_type_code(value: str | None) -> str | None:
    """The data type meant, even when misspelt by spacing or marks (reported on its own), so
    the type-specific checks still run."""
    if not value:
        return None
    term = DATA_TYPE.by_value(value)
    if term is None:
        match = closest_term(value, DATA_TYPE)
        near = (MatchKind.SPACING, MatchKind.MARKS)
        term = match.term if match is not None and match.kind in near else None
    return term.code if term else None


def check_dataset(
    dataset: Dataset, *, source: str | None = None, today: dt.date | None = None
) -> ComplianceReport:
    """Check one dataset against the GD Catalog profile (schema 2.2, 2.1 values read)."""
    check = _Check(dataset, today or dt.date.today())
    _check_mandatory(check)
    for spec in DATASET_FIELDS:
        _check_field(check, spec, dataset, resource=None)
    _check_frequency(check)
    _check_classification(check)
    _check_tags(check)
    _check_emails(check)
    _check_periods(check)
    _check_khlang_fields(check)
    _check_recommended(check)
    _check_resources(check)
    findings = sorted(
        check.findings, key=lambda finding: SEVERITY_ORDER[finding.severity]
    )  # stable: field order within a severity
    return ComplianceReport(
        name=dataset.name, title=dataset.title, source=source, findings=findings
    )


def check_datasets(
    datasets: Iterable[tuple[str | None, Dataset]], *, today: dt.date | None = None
) -> list[ComplianceReport]:
    """Check the datasets of one catalog (e.g. a folder): each one, plus what must be unique
    among them (title, URL name)."""
    items = list(datasets)
    reports = [check_dataset(dataset, source=source, today=today) for source, dataset in items]
    for key, code in (("title", "duplicate-title"), ("name", "duplicate-name")):
        seen = Counter(normalise(value) for _, dataset in items if (value := getattr(dataset, key)))
        for report, (_, dataset) in zip(reports, items, strict=True):
            value = getattr(dataset, key)
            if value and seen[normalise(value)] > 1:
                report.findings.insert(
                    0,
                    Finding(
                        code=code,
                        severity=FINDING_TYPES[code].severity,
                        field=key,
                        label=field_label(key),
                        message=Text(
                            th=f"มีชุดข้อมูลอื่นในบัญชีข้อมูลเดียวกันใช้ '{value}' แล้ว",
                            en=f"another dataset of the same catalog already uses '{value}'",
                        ),
                        suggestion=Text(
                            th="ตั้งค่าที่ไม่ซ้ำกับชุดข้อมูลอื่น", en="choose a value no other dataset uses"
                        ),
                        value=value,
                        item=MANDATORY_KEYS.get(key),
                    ),
                )
    return reports


# --- field checks ------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == []


def _given(value: T | None) -> TypeGuard[T]:
    """Not empty, and so not None: the checks that read a value's text can rely on it."""
    return not _empty(value)


def _check_mandatory(check: _Check) -> None:
    unit = UPDATE_FREQUENCY_UNIT.by_value(check.dataset.update_frequency_unit or "")
    for spec in MANDATORY_FIELDS:
        if spec.key == "update_frequency_interval" and unit and unit.code in _NO_INTERVAL_UNITS:
            continue
        if _empty(getattr(check.dataset, spec.key)):
            check.add(
                "missing-required",
                spec.key,
                Text(
                    th=f"รายการบังคับที่ {spec.mandatory_item} ต้องกรอก",
                    en=f"mandatory item {spec.mandatory_item} must be filled in",
                ),
                suggestion=_allowed_values(spec),
            )


def _allowed_values(spec: FieldSpec) -> Text | None:
    vocabulary = spec.vocabulary
    if vocabulary is None or spec.kind is Kind.YES_NO:
        return spec.help
    values = ", ".join(term.value for term in vocabulary.terms if term.is_current)
    return Text(th=f"เลือกจาก: {values}", en=f"choose from: {values}")


def _check_field(
    check: _Check, spec: FieldSpec, holder: Dataset | Resource, *, resource: int | None
) -> None:
    """Vocabulary, the 'other' pattern, data type, dates and years of one field."""
    value = getattr(holder, spec.key, None)
    other_text = getattr(holder, spec.other_key, None) if spec.other_key else None
    if _empty(value) and _empty(other_text):
        return
    if (
        check.type_code
        and spec.data_types != ALL_TYPES
        and check.type_code not in spec.data_types
        and not _empty(value)
    ):
        check.add(
            "field-not-for-data-type",
            spec.key,
            Text(
                th=f"แบบฟอร์ม GD Catalog ไม่แสดงฟิลด์นี้สำหรับ{check.dataset.data_type}",
                en=f"the GD Catalog form does not show this field for {check.dataset.data_type}",
            ),
            suggestion=Text(
                th="ลบฟิลด์นี้ หรือเปลี่ยนประเภทชุดข้อมูล", en="remove it, or change the data type"
            ),
            value=value,
            resource=resource,
        )
    if spec.vocabulary is not None and spec.kind in (Kind.SELECT, Kind.MULTI):
        values = value if isinstance(value, list) else [value] if _given(value) else []
        _check_vocabulary(check, spec, spec.vocabulary, values, other_text, resource)
    elif spec.kind is Kind.DATE and value is not None:
        _check_date(check, spec.key, value, resource)
    elif spec.kind is Kind.YEAR and value is not None:
        _check_year(check, spec.key, value, resource)
    elif spec.kind is Kind.URL and _given(value):
        _check_url(check, spec.key, value, resource)
    elif spec.kind is Kind.SLUG and _given(value) and not _SLUG.fullmatch(value):
        check.add(
            "invalid-name",
            spec.key,
            Text(
                th="ต้องเป็นตัวอักษรภาษาอังกฤษพิมพ์เล็ก ตัวเลข - หรือ _ ยาว 2–70 ตัวอักษร",
                en="must be 2 to 70 lower-case ASCII letters, digits, - or _",
            ),
            value=value,
            suggested_value=_slugify(value),
        )
    if spec.key in _BOUNDS and _given(value):
        _check_bound(check, spec.key, value)


def _check_vocabulary(
    check: _Check,
    spec: FieldSpec,
    vocabulary: Vocabulary,
    values: list[str],
    other_text: str | None,
    resource: int | None,
) -> None:
    current = [term for term in vocabulary.terms if term.is_current]
    found: list[Term] = []
    for value in values:
        term = vocabulary.by_value(value)
        if term is None:
            _report_unknown_value(check, spec, vocabulary, current, value, resource)
            continue
        found.append(term)
        if value != term.value or not term.is_current:
            _report_legacy(check, spec, vocabulary, term, value, resource)
    other = vocabulary.other
    if spec.other_key and other is not None:
        chose_other = any(term.code == other.code for term in found)
        if chose_other and _empty(other_text):
            check.add(
                "other-text-missing",
                spec.other_key,
                Text(
                    th=f"เลือก '{other.value}' แล้วต้องระบุรายละเอียดใน {spec.other_key}",
                    en=f"'{other.value}' is chosen, so {spec.other_key} must say what it is",
                ),
                resource=resource,
            )
        elif not chose_other and not _empty(other_text):
            check.add(
                "other-text-unused",
                spec.other_key,
                Text(
                    th=f"GD Catalog จะไม่แสดงข้อความนี้ เพราะไม่ได้เลือก '{other.value}'",
                    en=f"the GD Catalog ignores this text because '{other.value}' is not chosen",
                ),
                suggestion=Text(
                    th=f"เลือก '{other.value}' หรือลบ {spec.other_key}",
                    en=f"choose '{other.value}' or remove {spec.other_key}",
                ),
                value=other_text,
            )
    if spec.kind is Kind.MULTI:
        _check_multi(check, spec, found, values, resource)


def _report_unknown_value(
    check: _Check,
    spec: FieldSpec,
    vocabulary: Vocabulary,
    current: list[Term],
    value: str,
    resource: int | None,
) -> None:
    match = closest_term(value, vocabulary, current)
    why = {
        MatchKind.SPACING: Text(th="ช่องว่างหรือการเข้ารหัสอักขระต่างไป",
                                en="spacing or character encoding differs"),
        MatchKind.MARKS: Text(th="วรรณยุกต์หรือสระขาดหรือเกิน",
                              en="a tone mark or vowel is missing or extra"),
        MatchKind.ENGLISH: Text(th="ใช้รหัสหรือชื่อภาษาอังกฤษแทนค่าภาษาไทย",
                                en="the code or English name was used instead of the stored value"),
        MatchKind.AFFIX: Text(th="มีคำอื่นต่อหน้าหรือต่อท้ายค่าที่อนุญาต",
                              en="the allowed value with words added before or after it"),
        MatchKind.CLOSEST: Text(th="ค่าที่ใกล้เคียงที่สุด", en="the closest allowed value"),
    }  # fmt: skip
    other = vocabulary.other
    if match is not None:
        reason = why[match.kind]
        suggestion: Text | None = Text(
            th=f"ใช้ '{match.term.value}' ({reason.th})",
            en=f"use '{match.term.value}' ({reason.en})",
        )
        suggested = match.term.value
    elif other is not None and spec.other_key:
        suggestion = Text(
            th=f"ใช้ '{other.value}' แล้วใส่ '{value}' ใน {spec.other_key}",
            en=f"use '{other.value}' and put '{value}' in {spec.other_key}",
        )
        suggested = other.value
    else:
        suggestion = _allowed_values(spec)
        suggested = None
    check.add(
        "not-in-vocabulary",
        spec.key,
        Text(
            th=f"'{value}' ไม่ใช่ค่าที่ GD Catalog กำหนดสำหรับ{vocabulary.label.th}",
            en=f"'{value}' is not one of the GD Catalog's values for {vocabulary.label.en}",
        ),
        suggestion=suggestion,
        value=value,
        suggested_value=suggested,
        resource=resource,
    )


def _report_legacy(
    check: _Check,
    spec: FieldSpec,
    vocabulary: Vocabulary,
    term: Term,
    value: str,
    resource: int | None,
) -> None:
    replacement = vocabulary.current(term)
    if vocabulary.other is not None and replacement.code == vocabulary.other.code:
        suggestion = Text(
            th=f"ใช้ '{replacement.value}' และใส่ '{value}' ใน {spec.other_key}",
            en=f"use '{replacement.value}' and put '{value}' in {spec.other_key}",
        )
    else:
        suggestion = Text(th=f"ใช้ '{replacement.value}'", en=f"use '{replacement.value}'")
    check.add(
        "legacy-value",
        spec.key,
        Text(
            th=f"'{value}' เป็นค่าของมาตรฐานรุ่นเก่า รุ่น 2.2 ใช้ '{replacement.value}'",
            en=f"'{value}' is an older schema's value; 2.2 writes '{replacement.value}'",
        ),
        suggestion=suggestion,
        value=value,
        suggested_value=replacement.value,
        resource=resource,
    )


def _check_multi(
    check: _Check, spec: FieldSpec, found: list[Term], values: list[str], resource: int | None
) -> None:
    exclusive = [term for term in found if term.code in _EXCLUSIVE_CODES]
    if exclusive and len(found) > 1:
        check.add(
            "unknown-combined",
            spec.key,
            Text(
                th=f"'{exclusive[0].value}' ใช้ร่วมกับค่าอื่นไม่ได้",
                en=f"'{exclusive[0].value}' cannot stand with other values",
            ),
            suggestion=Text(th=f"ลบ '{exclusive[0].value}'", en=f"remove '{exclusive[0].value}'"),
            value=values,
            suggested_value=[term.value for term in found if term not in exclusive],
            resource=resource,
        )
    counts = Counter(term.code for term in found)
    if any(count > 1 for count in counts.values()):
        unique = list(dict.fromkeys(term.value for term in found))
        check.add(
            "duplicate-value",
            spec.key,
            Text(th="มีค่าซ้ำกันในรายการ", en="the list repeats a value"),
            value=values,
            suggested_value=unique,
            resource=resource,
        )


def _check_date(check: _Check, key: str, value: dt.date, resource: int | None) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if day.year >= BUDDHIST_ERA_FROM:
        fixed = day.replace(year=day.year - BUDDHIST_ERA_OFFSET)
        check.add(
            "buddhist-era-date",
            key,
            Text(
                th=f"ปี {day.year} เป็นพุทธศักราช วันที่ต้องเป็นคริสต์ศักราช (YYYY-MM-DD)",
                en=f"{day.year} is a Buddhist-era year; dates are Christian era (YYYY-MM-DD)",
            ),
            suggestion=Text(th=f"ใช้ {fixed.isoformat()}", en=f"use {fixed.isoformat()}"),
            value=value.isoformat(),
            suggested_value=fixed.isoformat(),
            resource=resource,
        )
    elif day > check.today:
        check.add(
            "date-in-future",
            key,
            Text(th=f"วันที่ {day.isoformat()} ยังมาไม่ถึง", en=f"{day.isoformat()} is in the future"),
            value=value.isoformat(),
            resource=resource,
        )


def _check_year(check: _Check, key: str, value: str, resource: int | None) -> None:
    """The GD Catalog's year fields are Buddhist-era years (ปี พ.ศ.), unlike its dates."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        check.add(
            "invalid-year",
            key,
            Text(th="ต้องเป็นปี 4 หลัก เช่น 2567", en="must be a 4-digit year, e.g. 2567"),
            value=value,
            resource=resource,
        )
    elif _CHRISTIAN_ERA_FROM <= int(text) < BUDDHIST_ERA_FROM:
        fixed = str(int(text) + BUDDHIST_ERA_OFFSET)
        check.add(
            "christian-era-year",
            key,
            Text(
                th=f"ปี {text} เป็นคริสต์ศักราช รายการนี้ต้องเป็นปีพุทธศักราช",
                en=f"{text} is a Christian-era year; this item is a Buddhist-era year",
            ),
            suggestion=Text(th=f"ใช้ {fixed} (พ.ศ.)", en=f"use {fixed} (BE)"),
            value=text,
            suggested_value=fixed,
            resource=resource,
        )


def _check_url(check: _Check, key: str, value: str, resource: int | None) -> None:
    if not _URL.fullmatch(value.strip()):
        check.add(
            "invalid-url",
            key,
            Text(
                th="ต้องเป็น URL ที่ขึ้นต้นด้วย http:// หรือ https://",
                en="must be a URL starting with http:// or https://",
            ),
            value=value,
            resource=resource,
        )


def _check_bound(check: _Check, key: str, value: str) -> None:
    limit = _BOUNDS[key]
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is None or not -limit <= number <= limit:
        check.add(
            "invalid-coordinates",
            key,
            Text(
                th=f"ต้องเป็นตัวเลของศาแบบทศนิยมระหว่าง -{limit:g} ถึง {limit:g}",
                en=f"must be decimal degrees between -{limit:g} and {limit:g}",
            ),
            value=value,
        )
        return
    pairs = {"east_bound_longitude": "west_bound_longitude",
             "north_bound_longitude": "south_bound_longitude"}  # fmt: skip
    low_key = pairs.get(key)
    low = getattr(check.dataset, low_key) if low_key else None
    try:
        if low is not None and float(low) > number:
            check.add(
                "invalid-coordinates",
                key,
                Text(
                    th=f"ค่านี้ต้องไม่น้อยกว่า {low_key} ({low})",
                    en=f"must not be less than {low_key} ({low})",
                ),
                value=value,
            )
    except ValueError:
        return  # the low bound gets its own finding


def _slugify(value: str) -> str | None:
    slug = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-")[:70]
    return slug if len(slug) >= 2 else None


def _check_frequency(check: _Check) -> None:
    interval = check.dataset.update_frequency_interval
    if interval and interval.strip() and not re.fullmatch(r"[1-9]\d*", interval.strip()):
        check.add(
            "invalid-interval",
            "update_frequency_interval",
            Text(
                th="ต้องเป็นจำนวนเต็มบวก คือจำนวนครั้งที่ปรับปรุงต่อหน่วยความถี่ เช่น 1",
                en="must be a positive whole number of updates per unit, e.g. 1",
            ),
            value=interval,
        )


def _check_classification(check: _Check) -> None:
    category = DATA_CATEGORY.by_value(check.dataset.data_category or "")
    if category is None:
        return
    allowed = [
        term for term in DATA_CLASSIFICATION.terms
        if term.code in CLASSIFICATIONS_BY_CATEGORY[category.code]
    ]  # fmt: skip
    names = ", ".join(term.value for term in allowed)
    only = allowed[0].value if len(allowed) == 1 else None
    value = check.dataset.data_classification
    if _given(value):
        level = DATA_CLASSIFICATION.by_value(value)
        if level is not None and level.code not in CLASSIFICATIONS_BY_CATEGORY[category.code]:
            check.add(
                "classification-not-allowed-for-category",
                "data_classification",
                Text(
                    th=f"หมวดหมู่ '{category.value}' ใช้ระดับชั้น '{level.value}' ไม่ได้",
                    en=f"data category '{category.value}' does not allow '{level.value}'",
                ),
                suggestion=Text(th=f"เลือกจาก: {names}", en=f"choose from: {names}"),
                value=value,
                suggested_value=only,
            )
        return
    check.add(
        "missing-recommended",
        "data_classification",
        Text(
            th="GD Catalog 2.2 ให้ระบุระดับชั้นข้อมูลตามหมวดหมู่ข้อมูล",
            en="GD Catalog 2.2 asks for the classification that goes with the data category",
        ),
        suggestion=Text(th=f"เลือกจาก: {names}", en=f"choose from: {names}"),
        suggested_value=only,
    )


def _check_tags(check: _Check) -> None:
    for tag in check.dataset.tags:
        if len(tag) < 2:
            check.add(
                "tag-too-short",
                "tags",
                Text(
                    th=f"คำสำคัญ '{tag}' ต้องยาวอย่างน้อย 2 ตัวอักษร",
                    en=f"tag '{tag}' must be at least 2 characters",
                ),
                value=tag,
            )
        elif len(tag) > 100:
            check.add(
                "tag-too-long",
                "tags",
                Text(th="คำสำคัญต้องยาวไม่เกิน 100 ตัวอักษร", en="a tag must be at most 100 characters"),
                value=tag,
                suggested_value=tag[:100].strip(),
            )
        if _TAG_BAD_CHARS.search(tag):
            cleaned = re.sub(r"\s+", " ", _TAG_BAD_CHARS.sub(" ", tag)).strip()
            check.add(
                "tag-characters",
                "tags",
                Text(
                    th=f"คำสำคัญ '{tag}' มีอักขระที่ใช้ไม่ได้ ใช้ได้เฉพาะตัวอักษร ตัวเลข ช่องว่าง - _ .",
                    en=f"tag '{tag}' has characters CKAN refuses; use letters, digits, "
                    "spaces, - _ . only",
                ),
                suggestion=Text(th=f"ใช้ '{cleaned}'", en=f"use '{cleaned}'"),
                value=tag,
                suggested_value=cleaned,
            )
    counts = Counter(normalise(tag) for tag in check.dataset.tags)
    if any(count > 1 for count in counts.values()):
        check.add(
            "duplicate-value",
            "tags",
            Text(th="มีคำสำคัญซ้ำกัน", en="a tag is repeated"),
            value=check.dataset.tags,
            suggested_value=list(dict.fromkeys(check.dataset.tags)),
        )


def _check_emails(check: _Check) -> None:
    candidates = [("maintainer_email", check.dataset.maintainer_email)]
    if check.dataset.publisher is not None:
        candidates.append(("publisher", check.dataset.publisher.email))
    for key, email in candidates:
        if _given(email) and not _EMAIL.fullmatch(email.strip()):
            check.add(
                "invalid-email",
                key,
                Text(
                    th=f"'{email}' ไม่ใช่อีเมลที่ถูกต้อง เช่น opendata@agency.go.th",
                    en=f"'{email}' is not a valid address, e.g. opendata@agency.go.th",
                ),
                value=email,
                suggested_value=email.strip() if _EMAIL.fullmatch(email.strip()) else None,
            )


def _check_periods(check: _Check) -> None:
    dataset = check.dataset
    pairs: list[tuple[str, Any, Any]] = [
        ("last_year_of_data", dataset.first_year_of_data, dataset.last_year_of_data),
        ("last_updated_date", dataset.created_date, dataset.last_updated_date),
    ]
    if dataset.temporal is not None:
        pairs.append(("temporal", dataset.temporal.start, dataset.temporal.end))
        for when in (dataset.temporal.start, dataset.temporal.end):
            if when is not None and when.year >= BUDDHIST_ERA_FROM:
                _check_date(check, "temporal", when, None)
    for key, start, end in pairs:
        if start is None or end is None or any(map(_wrong_era, (start, end))):
            continue  # a date or year in the wrong era is reported on its own
        try:
            backwards = start > end if not isinstance(start, str) else int(start) > int(end)
        except ValueError:
            continue  # an invalid year is reported on its own
        if backwards:
            check.add(
                "invalid-period",
                key,
                Text(
                    th=f"ช่วงเวลาสิ้นสุด ({end}) ก่อนเริ่มต้น ({start})",
                    en=f"the period ends ({end}) before it starts ({start})",
                ),
                value=str(end),
            )
    for key in ("issued", "modified"):
        value = getattr(dataset, key)
        if value is not None:
            _check_date(check, key, value, None)


def _wrong_era(value: Any) -> bool:
    """A Buddhist-era date, or a Christian-era year where a Buddhist-era year is asked."""
    if isinstance(value, dt.date):
        return value.year >= BUDDHIST_ERA_FROM
    text = str(value).strip()
    return text.isdecimal() and _CHRISTIAN_ERA_FROM <= int(text) < BUDDHIST_ERA_FROM


def _check_khlang_fields(check: _Check) -> None:
    dataset = check.dataset
    for code in dataset.spatial:
        if not _AREA_CODE.fullmatch(code):
            check.add(
                "invalid-area-code",
                "spatial",
                Text(
                    th=f"'{code}' ไม่ใช่รหัสพื้นที่ของกรมการปกครอง (จังหวัด 2 หลัก อำเภอ 4 หลัก ตำบล 6 หลัก)",
                    en=f"'{code}' is not a DOPA area code (province 2 digits, district 4, "
                    "sub-district 6)",
                ),
                value=code,
            )
    for theme in dataset.themes:
        if theme not in eu.DATA_THEMES:
            guess = theme.strip().upper()
            check.add(
                "not-in-vocabulary",
                "themes",
                Text(
                    th=f"'{theme}' ไม่ใช่รหัสหมวดหมู่ข้อมูลของสหภาพยุโรป",
                    en=f"'{theme}' is not an EU data-theme code",
                ),
                suggestion=Text(
                    th="เลือกจาก: " + ", ".join(eu.DATA_THEMES),
                    en="choose from: " + ", ".join(eu.DATA_THEMES),
                ),
                value=theme,
                suggested_value=guess if guess in eu.DATA_THEMES else None,
            )
    for index, use in enumerate(dataset.uses):
        if not _URL.fullmatch(use.url.strip()):
            check.add(
                "invalid-url",
                "uses",
                Text(
                    th=f"URL ของการใช้ประโยชน์ลำดับที่ {index + 1} ไม่ถูกต้อง",
                    en=f"the URL of use {index + 1} is not a web address",
                ),
                value=use.url,
            )
    if dataset.publisher is not None and dataset.publisher.url:
        _check_url(check, "publisher", dataset.publisher.url, None)


def _check_recommended(check: _Check) -> None:
    dataset = check.dataset
    if _empty(dataset.name):
        check.add(
            "missing-recommended",
            "name",
            Text(th="CKAN ต้องใช้ชื่อ URL ของชุดข้อมูล", en="CKAN needs the dataset's URL name"),
            suggested_value=_slugify(dataset.title_en or "") if dataset.title_en else None,
        )
    if not dataset.data_language:
        check.add(
            "missing-recommended",
            "data_language",
            Text(th="ระบุภาษาที่ใช้ในข้อมูล", en="say which language the data is in"),
            suggested_value=["ไทย"],
        )
    category = DATA_CATEGORY.by_value(dataset.data_category or "")
    is_open = category is not None and category.code == "public" and not dataset.private
    if is_open and dataset.allow_harvest is False:
        check.add(
            "harvest-not-allowed",
            "allow_harvest",
            Text(
                th="ชุดข้อมูลสาธารณะนี้จะไม่ถูกนำไปลงทะเบียนที่ GD Catalog",
                en="this public dataset will not be registered to the GD Catalog",
            ),
            value=False,
            suggested_value=True,
        )
    for key in ("title", "notes"):
        if not _empty(getattr(dataset, key)) and _empty(getattr(dataset, f"{key}_en")):
            check.add(
                "missing-english",
                f"{key}_en",
                Text(
                    th="เพิ่มข้อความภาษาอังกฤษเพื่อให้ผู้ใช้ต่างชาติและแคตตาล็อกของสหภาพยุโรปค้นพบได้",
                    en="an English text lets foreign users and EU-style catalogs find it",
                ),
            )
    if _given(dataset.notes) and len(dataset.notes.strip()) < _SHORT_DESCRIPTION:
        check.add(
            "short-description",
            "notes",
            Text(
                th=f"รายละเอียดยาว {len(dataset.notes.strip())} ตัวอักษร ควรอธิบายว่าข้อมูลคืออะไร "
                "ครอบคลุมอะไร และมาจากไหน",
                en=f"the description has {len(dataset.notes.strip())} characters; say what the "
                "data is, what it covers and where it comes from",
            ),
        )


def _check_resources(check: _Check) -> None:
    dataset = check.dataset
    if not dataset.resources:
        check.add(
            "no-resources",
            "resources",
            Text(th="ชุดข้อมูลยังไม่มีไฟล์หรือลิงก์ข้อมูล", en="the dataset has no file or link yet"),
        )
        return
    for index, resource in enumerate(dataset.resources):
        for spec in RESOURCE_FIELDS:
            _check_field(check, spec, resource, resource=index)
        _check_resource(check, index, resource)
    if not meets_open_format(dataset):
        check.add(
            "no-open-format",
            "resources",
            Text(
                th="ไม่มีทรัพยากรใดอยู่ในรูปแบบเปิดที่เครื่องอ่านได้ (เช่น CSV, JSON, XML)",
                en="no resource is in an open machine-readable format (e.g. CSV, JSON, XML)",
            ),
            suggestion=Text(
                th="เพิ่มไฟล์ CSV (UTF-8) ของข้อมูลเดียวกัน",
                en="add a UTF-8 CSV of the same data",
            ),
        )


def resource_is_open(resource: Resource) -> bool:
    """The resource's format (as NECTEC's scorer reads it) is non-proprietary and
    machine-readable: 3 stars or more in khlang.metadata.formats."""
    found = resource_format(
        media_type=resource.media_type,
        url=resource.path or resource.url,
        declared=resource.format,
    )
    return found is not None and found.is_open


def meets_open_format(dataset: Dataset) -> bool:
    """The open-format standard: at least one resource in an open format."""
    return any(resource_is_open(resource) for resource in dataset.resources)


def _check_resource(check: _Check, index: int, resource: Resource) -> None:
    for key in ("name", "description"):
        if _empty(getattr(resource, key)):
            check.add(
                "resource-undescribed",
                key,
                Text(
                    th="ทรัพยากรต้องมีชื่อและคำอธิบายว่าไฟล์นี้มีข้อมูลอะไร",
                    en="a resource needs a name and a description of what it holds",
                ),
                resource=index,
            )
    if _empty(resource.url) and _empty(resource.path):
        check.add(
            "resource-url-missing",
            "url",
            Text(
                th="ต้องมี URL ของไฟล์ (หรือ path ของไฟล์ที่ khlang จะเผยแพร่)",
                en="needs the file's URL (or the path of a file khlang will publish)",
            ),
            resource=index,
        )
    location = resource.path or resource.url
    guessed = format_by_media_type(resource.media_type) or format_by_extension(location)
    if _empty(resource.format):
        check.add(
            "resource-format-missing",
            "format",
            Text(th="GD Catalog 2.2 บังคับระบุนามสกุลไฟล์", en="GD Catalog 2.2 requires the format"),
            suggestion=Text(th=f"ใช้ '{guessed.name}'", en=f"use '{guessed.name}'")
            if guessed
            else None,
            suggested_value=guessed.name if guessed else None,
            resource=index,
        )
        return
    declared = format_by_name(resource.format)
    if declared is None:
        check.add(
            "resource-format-unknown",
            "format",
            Text(
                th=f"ไม่รู้จักรูปแบบ '{resource.format}' จึงได้ 0 ดาวในการประเมินความเปิด",
                en=f"'{resource.format}' is not a known format, so it scores 0 openness stars",
            ),
            suggestion=Text(th=f"ใช้ '{guessed.name}'", en=f"use '{guessed.name}'")
            if guessed
            else None,
            value=resource.format,
            suggested_value=guessed.name if guessed else None,
            resource=index,
        )
    elif guessed is not None and guessed.name != declared.name:
        check.add(
            "resource-format-mismatch",
            "format",
            Text(
                th=f"ระบุว่าเป็น '{declared.name}' แต่ชนิดสื่อหรือชื่อไฟล์บอกว่าเป็น '{guessed.name}'",
                en=f"declared '{declared.name}', but the media type or file name says "
                f"'{guessed.name}'",
            ),
            value=resource.format,
            suggested_value=guessed.name,
            resource=index,
        )
    if resource.hash is not None:
        algorithm, _, digest = resource.hash.partition(":")
        if _HASH_LENGTHS.get(algorithm.lower()) != len(digest) or not re.fullmatch(
            r"[0-9a-fA-F]+", digest
        ):
            check.add(
                "invalid-hash",
                "hash",
                Text(
                    th="ต้องอยู่ในรูป sha256:<เลขฐานสิบหก 64 หลัก>",
                    en="must look like sha256:<64 hexadecimal digits>",
                ),
                value=resource.hash,
                resource=index,
            )


__all__ = [
    "FINDING_TYPES",
    "ComplianceReport",
    "Finding",
    "FindingType",
    "Severity",
    "check_dataset",
    "check_datasets",
    "meets_open_format",
    "resource_is_open",
]
