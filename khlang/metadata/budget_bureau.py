"""The Budget Bureau's data-catalog indicator for an agency (100 points).

The indicator, as the issue states it:

| Part | Points | When |
|---|---|---|
| complete | 50 | at least 5 datasets, all 14 mandatory items filled, every resource described |
| agency_catalog | 15 | the datasets are in an agency catalog, with their resources |
| gd_catalog | 10 | every open dataset is registered to the GD Catalog |
| open_format | 20 | every dataset meets the open-format standard |
| use | 5 | at least one dataset is put to use (a linked dashboard or analysis) |

The first, fourth and fifth parts follow from the metadata alone. The second and third need to
know where the datasets are catalogued and registered: the catalog component passes that in as
a `CatalogState`. Without it (or without a dataset's entry) those parts are "not yet known"
(ยังไม่ทราบ) and score nothing, never assumed; a part already known to fail (say one dataset
refuses harvesting) is reported as failed.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, Literal

from pydantic import BaseModel

from khlang.i18n import Text
from khlang.metadata.compliance import ComplianceReport, check_datasets, meets_open_format
from khlang.metadata.model import Dataset
from khlang.metadata.vocabularies import DATA_CATEGORY

MIN_DATASETS = 5
MAX_POINTS = 100
NOT_YET_KNOWN = Text(
    th="ต้องใช้สถานะจากบัญชีข้อมูล (khlang catalog)",
    en="needs the state from the catalog (khlang catalog)",
)
NOT_REGISTERED_YET = Text(
    th="บัญชีข้อมูลยังไม่มีสถานะจาก GD Catalog ของชุดข้อมูลเหล่านี้: ยังไม่ได้ลงทะเบียน "
    "(khlang register --profile gdc) หรือยังไม่ได้อ่านสถานะ (khlang register --status)",
    en="the catalog has no GD Catalog state for these datasets yet: not registered "
    "(khlang register --profile gdc), or their state not read (khlang register --status)",
)
"""The third part's detail when the catalog was asked and knows no registration state: the
catalog *is* the source of the state, so telling the user to ask the catalog is no help."""


class RegistrationState(enum.StrEnum):
    """A dataset's state at the GD Catalog harvester (ckanext-thai_gdc's state names)."""

    WAIT = "WAIT"
    VALIDATE = "VALIDATE"
    VALIDATE_MODIFIED = "VALIDATE_MODIFIED"
    APPROVAL = "APPROVAL"
    REJECT = "REJECT"
    WAIT_REVOKE = "WAIT_REVOKE"
    REVOKE = "REVOKE"
    DELETED = "DELETED"
    COMPLETED = "COMPLETED"
    """ลงทะเบียนแล้ว: registered, published in the GD Catalog."""


class DatasetState(BaseModel):
    """What the catalog knows about one dataset; None means it does not know."""

    in_agency_catalog: bool | None = None
    """Listed in an agency catalog (khlang's or a CKAN) together with its resources."""
    gdc_state: RegistrationState | None = None


class CatalogState(BaseModel):
    """Catalog and registration facts for the indicator's second and third parts, by dataset
    name (the `name` field)."""

    datasets: dict[str, DatasetState] = {}


Status = Literal["met", "not_met", "unknown"]


class Part(BaseModel):
    key: str
    label: Text
    max_points: int
    points: int
    status: Status
    detail: Text
    fix: Text | None = None
    datasets: list[str] = []
    """The datasets that keep the part from being met (or whose state is unknown)."""


class BudgetBureauReport(BaseModel):
    dataset_count: int
    parts: list[Part]

    @property
    def total(self) -> int:
        return sum(part.points for part in self.parts)

    @property
    def unknown_points(self) -> int:
        return sum(part.max_points for part in self.parts if part.status == "unknown")

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "max": MAX_POINTS,
            "unknown_points": self.unknown_points,
            "dataset_count": self.dataset_count,
            "parts": [part.model_dump(mode="json") for part in self.parts],
        }


def budget_bureau_score(
    datasets: Sequence[Dataset],
    *,
    state: CatalogState | None = None,
    reports: Sequence[ComplianceReport] | None = None,
    sources: Sequence[str | None] | None = None,
) -> BudgetBureauReport:
    """Score an agency's datasets. `reports` are their compliance reports in the same order
    (computed here when not given); `sources` where each was read from (a file path), which
    names a dataset that has neither a name nor a title yet."""
    if reports is None:
        reports = check_datasets((None, dataset) for dataset in datasets)
    sources = sources or [None] * len(datasets)
    names = [
        _key(dataset, source, index)
        for index, (dataset, source) in enumerate(zip(datasets, sources, strict=True))
    ]
    return BudgetBureauReport(
        dataset_count=len(datasets),
        parts=[
            _complete(names, reports),
            _agency_catalog(datasets, names, state),
            _gd_catalog(datasets, names, state),
            _open_format(datasets, names),
            _use(datasets),
        ],
    )


def _key(dataset: Dataset, source: str | None, index: int) -> str:
    """How the indicator names a dataset: its name, else its title, else the file it was read
    from (a template not yet filled in), and its position only when there is none of these."""
    named = dataset.name or dataset.title
    if named:
        return named
    return PurePath(source).name if source else f"#{index + 1}"


def _part(
    key: str, label: Text, max_points: int, status: Status, detail: Text, **extra: Any
) -> Part:
    points = max_points if status == "met" else 0
    return Part(
        key=key, label=label, max_points=max_points, points=points, status=status, detail=detail,
        **extra,
    )  # fmt: skip


def _complete(names: list[str], reports: Sequence[ComplianceReport]) -> Part:
    label = Text(
        th="ชุดข้อมูลอย่างน้อย 5 ชุด กรอกครบ 14 รายการ และอธิบายทรัพยากรครบ",
        en="At least 5 datasets, all 14 items filled and every resource described",
    )
    incomplete = [
        name
        for name, report in zip(names, reports, strict=True)
        if not (report.mandatory_complete and report.resources_described)
    ]
    count = len(names)
    if count >= MIN_DATASETS and not incomplete:
        detail = Text(th=f"ชุดข้อมูล {count} ชุด ครบทุกชุด", en=f"{count} datasets, all complete")
        return _part("complete", label, 50, "met", detail)
    detail = Text(
        th=f"มีชุดข้อมูล {count} ชุด (ต้องมีอย่างน้อย {MIN_DATASETS}) ไม่ครบ {len(incomplete)} ชุด",
        en=f"{count} dataset(s) (at least {MIN_DATASETS} needed), {len(incomplete)} incomplete",
    )
    fix = Text(
        th="แก้ข้อผิดพลาดของรายการบังคับและทรัพยากรในรายงานของแต่ละชุดข้อมูล"
        + (f" และเพิ่มชุดข้อมูลอีก {MIN_DATASETS - count} ชุด" if count < MIN_DATASETS else ""),
        en="fix the errors on mandatory items and resources in each dataset's report"
        + (f", and add {MIN_DATASETS - count} more dataset(s)" if count < MIN_DATASETS else ""),
    )
    return _part("complete", label, 50, "not_met", detail, fix=fix, datasets=incomplete)


def _tri_state(results: dict[str, bool | None]) -> tuple[Status, list[str]]:
    failed = [name for name, ok in results.items() if ok is False]
    unknown = [name for name, ok in results.items() if ok is None]
    if failed:
        return "not_met", failed
    if unknown or not results:
        return "unknown", unknown
    return "met", []


def _agency_catalog(
    datasets: Sequence[Dataset], names: list[str], state: CatalogState | None
) -> Part:
    label = Text(
        th="อยู่ในบัญชีข้อมูลของหน่วยงานพร้อมทรัพยากร",
        en="In an agency catalog, with resources",
    )
    results: dict[str, bool | None] = {}
    for name, dataset in zip(names, datasets, strict=True):
        known = state.datasets.get(name) if state else None
        if not dataset.resources:
            results[name] = False
        else:
            results[name] = known.in_agency_catalog if known else None
    status, listed = _tri_state(results)
    detail = {
        "met": Text(th="ทุกชุดข้อมูลอยู่ในบัญชีข้อมูล", en="every dataset is catalogued"),
        "not_met": Text(
            th=f"{len(listed)} ชุดข้อมูลยังไม่อยู่ในบัญชีข้อมูลหรือไม่มีทรัพยากร",
            en=f"{len(listed)} dataset(s) not catalogued or without resources",
        ),
        "unknown": NOT_YET_KNOWN,
    }[status]
    fix = Text(
        th="เพิ่มชุดข้อมูลพร้อมทรัพยากรเข้าบัญชีข้อมูล (khlang catalog add)",
        en="add the datasets with their resources to the catalog (khlang catalog add)",
    )
    return _part(
        "agency_catalog", label, 15, status, detail,
        fix=None if status == "met" else fix, datasets=listed,
    )  # fmt: skip


def is_open_dataset(dataset: Dataset) -> bool:
    """Public data category and not private: the datasets the GD Catalog should list."""
    category = DATA_CATEGORY.by_value(dataset.data_category or "")
    return category is not None and category.code == "public" and not dataset.private


def _gd_catalog(datasets: Sequence[Dataset], names: list[str], state: CatalogState | None) -> Part:
    label = Text(
        th="ชุดข้อมูลเปิดทุกชุดลงทะเบียนที่ GD Catalog แล้ว",
        en="Every open dataset registered to the GD Catalog",
    )
    results: dict[str, bool | None] = {}
    for name, dataset in zip(names, datasets, strict=True):
        if not is_open_dataset(dataset):
            continue
        known = state.datasets.get(name) if state else None
        if dataset.allow_harvest is False:
            results[name] = False
        elif known is None or known.gdc_state is None:
            results[name] = None
        else:
            results[name] = known.gdc_state is RegistrationState.COMPLETED
    fix = Text(
        th="ยินยอมให้ GD Catalog นำชุดข้อมูลไปใช้ (allow_harvest: true) แล้วลงทะเบียน",
        en="allow harvesting (allow_harvest: true) and register the datasets",
    )
    if not results:
        detail = Text(th="ไม่มีชุดข้อมูลเปิด", en="no open dataset")
        return _part("gd_catalog", label, 10, "not_met", detail, fix=fix)
    status, listed = _tri_state(results)
    detail = {
        "met": Text(
            th=f"ชุดข้อมูลเปิด {len(results)} ชุดลงทะเบียนแล้ว",
            en=f"all {len(results)} open dataset(s) registered",
        ),
        "not_met": Text(
            th=f"{len(listed)} ชุดข้อมูลเปิดยังไม่ได้ลงทะเบียน",
            en=f"{len(listed)} open dataset(s) not registered",
        ),
        "unknown": NOT_YET_KNOWN if state is None else NOT_REGISTERED_YET,
    }[status]
    return _part(
        "gd_catalog", label, 10, status, detail,
        fix=None if status == "met" else fix, datasets=listed,
    )  # fmt: skip


def _open_format(datasets: Sequence[Dataset], names: list[str]) -> Part:
    label = Text(th="ทุกชุดข้อมูลเป็นไปตามมาตรฐานรูปแบบเปิด", en="Every dataset in an open format")
    failing = [
        name
        for name, dataset in zip(names, datasets, strict=True)
        if not meets_open_format(dataset)
    ]
    if datasets and not failing:
        detail = Text(
            th="ทุกชุดข้อมูลมีทรัพยากรรูปแบบเปิดที่เครื่องอ่านได้",
            en="every dataset has an open machine-readable resource",
        )
        return _part("open_format", label, 20, "met", detail)
    detail = Text(
        th=f"{len(failing)} ชุดข้อมูลไม่มีทรัพยากรรูปแบบเปิด (เช่น CSV, JSON)",
        en=f"{len(failing)} dataset(s) without an open-format resource (e.g. CSV, JSON)",
    )
    fix = Text(th="เพิ่มไฟล์ CSV (UTF-8) ให้ชุดข้อมูลเหล่านี้", en="add a UTF-8 CSV to these datasets")
    return _part("open_format", label, 20, "not_met", detail, fix=fix, datasets=failing)


def _use(datasets: Sequence[Dataset]) -> Part:
    label = Text(th="มีการนำชุดข้อมูลไปใช้ประโยชน์", en="At least one dataset put to use")
    used = [dataset for dataset in datasets if dataset.uses]
    if used:
        detail = Text(th=f"{len(used)} ชุดข้อมูลมีการนำไปใช้", en=f"{len(used)} dataset(s) put to use")
        return _part("use", label, 5, "met", detail)
    detail = Text(th="ยังไม่มีชุดข้อมูลที่ระบุการนำไปใช้", en="no dataset lists a use yet")
    fix = Text(
        th="ระบุ uses (แดชบอร์ดหรือบทวิเคราะห์ที่ใช้ข้อมูล) อย่างน้อย 1 ชุดข้อมูล",
        en="list a `uses` entry (a dashboard or analysis built on it) on at least one dataset",
    )
    return _part("use", label, 5, "not_met", detail, fix=fix)


__all__ = [
    "BudgetBureauReport",
    "CatalogState",
    "DatasetState",
    "Part",
    "RegistrationState",
    "budget_bureau_score",
    "is_open_dataset",
]
