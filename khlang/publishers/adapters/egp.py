"""e-GP: procurement shaped like the Open Contracting Data Standard, linked to budget lines.

Two inputs: the CSV/XLSX export (layout `mappings/egp.yaml`, one row per contract) and OCDS
JSON release packages. Releases of one contracting process (tender, award, contract) are
merged in date order, later values winning, as OCDS compiles a record; then each contract
(or the process, when it has none yet) becomes one row. `planning.budget.id` is the budget
line code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata.matching import closest_term
from khlang.publishers.adapters.base import Adapter, Tables, detect_table
from khlang.publishers.adapters.common import (
    Context,
    clean_amounts,
    clean_dates,
    clean_terms,
    clean_years,
    drop_duplicate_records,
    finish,
    resolve_areas,
)
from khlang.publishers.mapping import ColumnMapping, apply_mapping
from khlang.publishers.readers import JSON_SUFFIXES, read_json, read_table
from khlang.publishers.vocab import OCDS_METHODS, PROCUREMENT_METHODS
from khlang.thai import fiscal_year_of

SYSTEM = "e-GP"
REQUIRED = ("egp_project_id", "fiscal_year", "title", "method")
AMOUNTS = ["budget_amount", "tender_value", "award_value", "contract_value"]
DATES = ["tender_date", "award_date", "contract_date", "contract_end"]
_TAX_ID = re.compile(r"(\d{13})")


def _contract_rows(frame: pd.DataFrame, ctx: Context, file: str) -> pd.DataFrame:
    """Shared cleaning of contract rows from either input."""
    frame = clean_amounts(frame, ctx, file, AMOUNTS)
    frame = clean_dates(frame, ctx, file, DATES)
    frame = clean_terms(frame, ctx, file, "method", PROCUREMENT_METHODS)
    frame = frame.assign(
        ocds_method=frame["method"].map(OCDS_METHODS),
        supplier_id=frame["supplier_id"].astype("string").str.extract(_TAX_ID, expand=False)
        if "supplier_id" in frame
        else None,
        place_text=frame["title"],
    )
    return resolve_areas(frame, ctx, file)


def read_csv(path: Path, ctx: Context, mapping: ColumnMapping) -> Tables:
    file = ctx.relative(path)
    frame = apply_mapping(read_table(path), mapping, REQUIRED, file, ctx.issues)
    frame = clean_years(frame, ctx, file)
    prefix = mapping.options.get("ocid_prefix", "ocds-th-egp")
    frame = frame.assign(
        ocid=prefix + "-" + frame["egp_project_id"].astype("string").str.strip(),
        contract_status=frame["contract_status"].map(_status)
        if "contract_status" in frame
        else None,
    )
    frame = _contract_rows(frame, ctx, file)
    frame = drop_duplicate_records(frame, ctx, file, key=["ocid", "contract_id"]
                                   if "contract_id" in frame else ["ocid"])  # fmt: skip
    return {"contracts": finish(frame, "contracts", SYSTEM, file)}


def _status(value: object) -> str | None:
    text = str(value).strip()
    for status, words in {
        "active": ("ลงนาม", "active", "อยู่ระหว่าง"),
        "terminated": ("สิ้นสุด", "ส่งมอบ", "terminated", "แล้วเสร็จ"),
        "cancelled": ("ยกเลิก", "cancel"),
        "pending": ("รอ", "pending"),
    }.items():
        if any(word in text.lower() for word in words):
            return status
    return None


# --- OCDS ----------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Value(_Model):
    amount: float | None = None
    currency: str | None = None


class Organization(_Model):
    id: str | None = None
    name: str | None = None
    address: dict[str, Any] | None = None
    roles: list[str] = []


class Budget(_Model):
    id: str | None = None
    description: str | None = None
    amount: Value | None = None


class Planning(_Model):
    budget: Budget | None = None


class Period(_Model):
    startDate: str | None = None  # noqa: N815 - OCDS field names
    endDate: str | None = None  # noqa: N815


class Tender(_Model):
    id: str | None = None
    title: str | None = None
    procurementMethod: str | None = None  # noqa: N815
    procurementMethodDetails: str | None = None  # noqa: N815
    value: Value | None = None
    tenderPeriod: Period | None = None  # noqa: N815


class Award(_Model):
    id: str
    date: str | None = None
    value: Value | None = None
    suppliers: list[Organization] = []


class Contract(_Model):
    id: str
    awardID: str | None = None  # noqa: N815
    value: Value | None = None
    dateSigned: str | None = None  # noqa: N815
    period: Period | None = None
    status: str | None = None


class Release(_Model):
    """The parts of an OCDS release khlang reads."""

    ocid: str
    id: str
    date: str
    buyer: Organization | None = None
    parties: list[Organization] = []
    planning: Planning | None = None
    tender: Tender | None = None
    awards: list[Award] = []
    contracts: list[Contract] = []


def _compile(releases: list[Release]) -> dict[str, Any]:
    """One process from its releases: later sections win, awards and contracts by id."""
    record: dict[str, Any] = {"awards": {}, "contracts": {}, "parties": {}}
    for release in sorted(releases, key=lambda item: item.date):
        for section in ("buyer", "planning", "tender"):
            if getattr(release, section) is not None:
                record[section] = getattr(release, section)
        record["awards"].update({award.id: award for award in release.awards})
        record["contracts"].update({contract.id: contract for contract in release.contracts})
        record["parties"].update({party.id or party.name: party for party in release.parties})
        record["ocid"] = release.ocid
    return record


def _process_rows(record: dict[str, Any], position: int) -> list[dict[str, Any]]:
    tender: Tender = record.get("tender") or Tender()
    budget = (record.get("planning") or Planning()).budget or Budget()
    buyer: Organization = record.get("buyer") or Organization()
    address = (record["parties"].get(buyer.id or buyer.name) or buyer).address or {}
    date = (tender.tenderPeriod or Period()).startDate or ""
    base = {
        "ocid": record["ocid"],
        "egp_project_id": tender.id,
        "line_id": budget.id,
        "fiscal_year": str(fiscal_year_of(pd.Timestamp(date[:10]).date())) if date else None,
        "buyer_name": buyer.name,
        "title": tender.title,
        "method": tender.procurementMethodDetails or tender.procurementMethod,
        "budget_amount": (budget.amount or Value()).amount,
        "tender_value": (tender.value or Value()).amount,
        "tender_date": date[:10] or None,
        "province_name": address.get("region"),
        "district_name": address.get("locality"),
        "source_row": position,
    }
    contracts = list(record["contracts"].values()) or [None]
    rows = []
    for contract in contracts:
        award = record["awards"].get(contract.awardID) if contract else None
        if award is None and record["awards"]:
            award = next(iter(record["awards"].values()))
        supplier = award.suppliers[0] if award and award.suppliers else Organization()
        rows.append(
            base
            | {
                "award_value": (award.value or Value()).amount if award else None,
                "award_date": (award.date or "")[:10] or None if award else None,
                "supplier_id": supplier.id,
                "supplier_name": supplier.name,
                "contract_value": (contract.value or Value()).amount if contract else None,
                "contract_date": (contract.dateSigned or "")[:10] or None if contract else None,
                "contract_end": ((contract.period or Period()).endDate or "")[:10] or None
                if contract
                else None,
                "contract_status": contract.status if contract else "pending",
            }
        )
    return rows


def read_ocds(path: Path, ctx: Context) -> Tables:
    file = ctx.relative(path)
    package = read_json(path)
    if not isinstance(package, dict) or not isinstance(package.get("releases"), list):
        raise KhlangError(
            Text(th="ไม่ใช่ OCDS release package (ไม่มี releases)", en="not an OCDS release "
                 "package (no releases)"),
            where=file,
        )  # fmt: skip
    by_process: dict[str, list[Release]] = {}
    first_position: dict[str, int] = {}
    for position, raw in enumerate(package["releases"], start=1):
        try:
            release = Release.model_validate(raw)
        except ValidationError as error:
            problem = error.errors()[0]
            ctx.issues.add(
                "ocds-release-invalid",
                Text(th=f"release ไม่ถูกต้อง: {problem['msg']}", en=f"invalid release: "
                     f"{problem['msg']}"),
                file=file,
                row=position,
                column="releases." + ".".join(str(step) for step in problem["loc"]),
            )  # fmt: skip
            continue
        by_process.setdefault(release.ocid, []).append(release)
        first_position.setdefault(release.ocid, position)
    rows = [
        row
        for ocid, releases in by_process.items()
        for row in _process_rows(_compile(releases), first_position[ocid])
    ]
    frame = pd.DataFrame(rows, dtype="object")
    if frame.empty:
        return {"contracts": finish(frame, "contracts", SYSTEM, file)}
    frame = frame.assign(
        fiscal_year=frame["fiscal_year"].astype("string"),
        method=frame["method"].map(_ocds_method_detail),
    )
    frame = clean_years(frame, ctx, file)
    frame = _contract_rows(frame, ctx, file)
    return {"contracts": finish(frame, "contracts", SYSTEM, file)}


def _ocds_method_detail(value: object) -> str | None:
    """e-GP's Thai method when the release names it, else OCDS's coarse method."""
    if value is None or pd.isna(value):
        return None
    match = closest_term(str(value), PROCUREMENT_METHODS)
    if match:
        return match.term.value
    return {"open": "e-bidding", "selective": "วิธีคัดเลือก", "limited": "วิธีเฉพาะเจาะจง"}.get(
        str(value), str(value)
    )


def read(path: Path, ctx: Context, mapping: ColumnMapping | None) -> Tables:
    if path.suffix.lower() in JSON_SUFFIXES:
        return read_ocds(path, ctx)
    assert mapping is not None
    return read_csv(path, ctx, mapping)


def detect(path: Path, mapping: ColumnMapping | None) -> float:
    if path.suffix.lower() == ".json":
        with path.open("rb") as handle:
            head = handle.read(4096)
        return b'"releases"' in head or b'"ocid"' in head
    return detect_table(path, mapping)


ADAPTER = Adapter(
    name="egp",
    system=SYSTEM,
    description=Text(
        th="โครงการจัดซื้อจัดจ้าง ผู้ชนะ และสัญญา จากระบบ e-GP ของกรมบัญชีกลาง (CSV หรือ OCDS JSON)",
        en="Procurement projects, awards and contracts from the Comptroller General's "
        "Department's e-GP (CSV or OCDS JSON release packages).",
    ),
    kind="export",
    read=read,
    detect=detect,
    required=REQUIRED,
)
