"""Writing the synthetic world as each system's export, in the layout its adapter's mapping
documents (the first header name of every field), with the noise real exports have.

Noise, all deterministic by seed: CE years in a few rows, thousands separators in the amounts
of every other year, item names run together without spaces, area codes left blank (names
only), budget types written with an alias or an OCR-like slip, exact duplicate rows, budget
line codes missing from BBL or mistyped in GFMIS. Every kind of noise is one khlang reads
through, so the published totals equal the world's (the manifest's `totals`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from khlang.publishers.fiscal import THAI_MONTHS, calendar_month
from khlang.publishers.generate.names import PLANS
from khlang.publishers.generate.world import World
from khlang.publishers.mapping import default_mapping
from khlang.publishers.vocab import (
    BUDGET_TYPES,
    LAO_FINANCE_KINDS,
    NEED_STATUSES,
    PROCUREMENT_METHODS,
    PROJECT_STATUSES,
    REVENUE_CATEGORIES,
    STRATEGIC_AREA_VOCAB,
    TOPIC_VOCAB,
)
from khlang.thai import BUDDHIST_ERA_OFFSET

CE_YEAR_RATE = 0.03
SQUASHED_NAME_RATE = 0.08
BLANK_CODE_RATE = 0.05
TYPE_VARIANT_RATE = 0.03
DUPLICATE_RATE = 0.002
MISSING_LINE_ID_RATE = 0.05
MISTYPED_LINE_ID_RATE = 0.005
LAO_CODE_RATE = 0.8
TYPE_VARIANTS = {"งบเงินอุดหนุน": "งบอุดหนุน", "งบรายจ่ายอื่น": "งบรายจ่ายอิ่น", "งบลงทุน": "งบ ลงทุน"}
WIDE_AREAS = {"nationwide": "ทั่วประเทศ", "central": "ส่วนกลาง", "multiple": "หลายจังหวัด"}
"""What the exports print as the province of a share that lies in no one province: a
nationwide line, a central one, and in a one-province world the share of a two-province
line outside that province (the adapters read them as `country`, `central`, `multiple`)."""
THAI_MONTHS_SHORT = tuple(short for short, _ in THAI_MONTHS)


def _thai(vocabulary, codes: pd.Series) -> pd.Series:
    return codes.map({term.code: term.value for term in vocabulary.terms})


class Writer:
    """Writes one world's exports under `out`, recording the noise it injects."""

    def __init__(self, world: World, out: Path, rng: np.random.Generator) -> None:
        self.world = world
        self.out = out
        self.rng = rng
        self.noise: dict[str, dict[str, int]] = {}
        self.files: list[str] = []
        registry_names = world.laos.set_index("lao_key")["lao_name_th"]
        self.lao_names = registry_names.to_dict()

    # --- helpers ---------------------------------------------------------------------------

    def _headers(self, adapter: str) -> dict[str, str]:
        return {field: names[0] for field, names in default_mapping(adapter).columns.items()}

    def _count(self, file: str, kind: str, count: int) -> None:
        if count:
            self.noise.setdefault(file, {})[kind] = self.noise.get(file, {}).get(kind, 0) + count

    def _mask(self, size: int, rate: float) -> np.ndarray:
        return self.rng.random(size) < rate

    def _years(self, years: pd.Series, file: str) -> pd.Series:
        ce = self._mask(len(years), CE_YEAR_RATE)
        self._count(file, "ce_years", int(ce.sum()))
        return pd.Series(
            np.where(ce, years - BUDDHIST_ERA_OFFSET, years), index=years.index
        ).astype(str)

    @staticmethod
    def _amounts(values: pd.Series, commas: bool) -> pd.Series:
        pattern = "{:,.2f}" if commas else "{:.2f}"
        return pd.Series(
            [pattern.format(value) if pd.notna(value) else "" for value in values],
            index=values.index,
        )

    def _squash(self, texts: pd.Series, file: str) -> pd.Series:
        squash = self._mask(len(texts), SQUASHED_NAME_RATE)
        self._count(file, "names_without_spaces", int(squash.sum()))
        return texts.where(~squash, texts.str.replace(" ", "", regex=False))

    def _write(self, frame: pd.DataFrame, relative: str, adapter: str | None = None) -> None:
        """Write a CSV with Thai headers (the mapping's first names); an export (one with an
        adapter) also gets a few exact duplicate rows."""
        if adapter:
            frame = frame.rename(columns=self._headers(adapter))
        duplicate = self._mask(len(frame), DUPLICATE_RATE if adapter else 0.0)
        if duplicate.any():
            positions = np.sort(np.concatenate([np.arange(len(frame)), np.flatnonzero(duplicate)]))
            frame = frame.iloc[positions]
            self._count(relative, "duplicate_rows", int(duplicate.sum()))
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(frame.astype("string").fillna(""), preserve_index=False)
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
        self.files.append(relative)

    def _area_names(self, frame: pd.DataFrame, registry) -> dict[str, pd.Series]:
        return {
            "province_name": frame["province_code"].map(registry.provinces["name_th"]),
            "district_name": frame["district_code"].map(registry.districts["name_th"]),
            "subdistrict_name": frame["subdistrict_code"].map(registry.subdistricts["name_th"]),
        }

    def _blank_codes(self, frame: pd.DataFrame, file: str) -> pd.DataFrame:
        blank = self._mask(len(frame), BLANK_CODE_RATE) & frame["province_code"].notna()
        self._count(file, "blank_area_codes", int(blank.sum()))
        for column in ("province_code", "district_code", "subdistrict_code"):
            if column in frame:
                frame[column] = frame[column].where(~blank, None)
        return frame

    # --- systems ---------------------------------------------------------------------------

    def ebudget(self, registry) -> None:
        lines = self.world.lines
        for year, rows in lines.groupby("fiscal_year", sort=True):
            file = f"ebudget/ebudget_{year}.csv"
            types = _thai(BUDGET_TYPES, rows["budget_type"])
            variant = self._mask(len(rows), TYPE_VARIANT_RATE) & types.isin(TYPE_VARIANTS)
            self._count(file, "budget_type_variants", int(variant.sum()))
            names = self._area_names(rows, registry)
            national = rows["spread"].isin(list(WIDE_AREAS))
            frame = pd.DataFrame(
                {
                    "fiscal_year": self._years(rows["fiscal_year"], file),
                    "line_id": rows["line_id"],
                    "ministry_code": "15000",
                    "ministry_name": "กระทรวงมหาดไทย",
                    "department_code": rows["department"],
                    "department_name": rows["department_name"],
                    "budget_unit_code": rows["lao_key"].where(
                        rows["budget_type"] == "subsidy", rows["department"] + "00"
                    ),
                    "budget_unit_name": rows["lao_name"].where(
                        rows["budget_type"] == "subsidy", rows["department_name"]
                    ),
                    "plan_name": rows["plan"].map(lambda plan: PLANS[plan]),
                    "item_name": self._squash(rows["item_name"], file),
                    "budget_type": types.where(~variant, types.map(TYPE_VARIANTS)),
                    "source_of_funds": "เงินงบประมาณ",
                    "province_code": rows["province_code"],
                    "province_name": names["province_name"].where(
                        ~national,
                        rows["spread"].map(WIDE_AREAS),
                    ),
                    "district_code": rows["district_code"],
                    "district_name": names["district_name"],
                    "subdistrict_code": rows["subdistrict_code"],
                    "subdistrict_name": names["subdistrict_name"],
                    "lao_name": rows["lao_name"].where(rows["budget_type"] == "subsidy"),
                    "requested": self._amounts(rows["requested"], commas=year % 2 == 0),
                    "allocated": self._amounts(rows["allocated"], commas=year % 2 == 0),
                }
            )
            self._write(self._blank_codes(frame, file), file, "ebudget")

    def bbl(self) -> None:
        lines = self.world.lines
        local = lines[(lines["budget_type"] == "subsidy") & lines["lao_key"].notna()]
        laos = self.world.laos
        for year, rows in local.groupby("fiscal_year", sort=True):
            file = f"bbl/bbl_{year}.csv"
            missing = self._mask(len(rows), MISSING_LINE_ID_RATE)
            self._count(file, "missing_line_ids", int(missing.sum()))
            transferred = rows["allocated"].where(rows["ratio"] > 0, 0.0)
            frame = pd.DataFrame(
                {
                    "fiscal_year": rows["fiscal_year"].astype(str),
                    "line_id": rows["line_id"].where(~missing, None),
                    "lao_name": rows["lao_name"],
                    "district_name": rows["lao_key"].map(laos["district_name_th"]),
                    "province_name": rows["lao_key"].map(laos["province_name_th"]),
                    "province_code": rows["province_code"],
                    "project_name": rows["item_name"],
                    "budget_type": "งบเงินอุดหนุน",
                    "source_of_funds": "เงินอุดหนุนเฉพาะกิจ",
                    "requested": self._amounts(rows["requested"], commas=True),
                    "allocated": self._amounts(rows["allocated"], commas=True),
                    "transferred": self._amounts(transferred, commas=True),
                }
            )
            self._write(frame, file, "bbl")

    def gfmis(self, registry) -> None:
        months = self.world.months.merge(
            self.world.lines[
                ["line_id", "fiscal_year", "share_no", "department", "department_name",
                 "item_name", "province_code", "district_code", "spread"]
            ],
            on=["line_id", "fiscal_year", "share_no"],
        )  # fmt: skip
        for year, rows in months.groupby("fiscal_year", sort=True):
            file = f"gfmis/gfmis_{year}.csv"
            rows = rows.sort_values(["fiscal_month", "line_id", "share_no"], kind="stable")
            mistyped = self._mask(len(rows), MISTYPED_LINE_ID_RATE)
            self._count(file, "mistyped_line_ids", int(mistyped.sum()))
            line_ids = rows["line_id"].where(~mistyped, rows["line_id"].str[:-1] + "X")
            calendar = [calendar_month(year, month) for month in rows["fiscal_month"]]
            if year % 2:
                month = [
                    f"{THAI_MONTHS_SHORT[m - 1]} {(y + BUDDHIST_ERA_OFFSET) % 100:02d}"
                    for y, m in calendar
                ]
            else:
                month = [f"{y + BUDDHIST_ERA_OFFSET}-{m:02d}" for y, m in calendar]
            frame = pd.DataFrame(
                {
                    "fiscal_year": rows["fiscal_year"].astype(str),
                    "month": month,
                    "line_id": line_ids,
                    "budget_unit_code": rows["department"] + "00",
                    "budget_unit_name": rows["department_name"],
                    "item_name": rows["item_name"],
                    "province_code": rows["province_code"],
                    "province_name": rows["province_code"]
                    .map(registry.provinces["name_th"])
                    .where(~rows["spread"].isin(list(WIDE_AREAS)), rows["spread"].map(WIDE_AREAS)),
                    "district_code": rows["district_code"],
                    "committed": self._amounts(rows["committed"], commas=False),
                    "disbursed": self._amounts(rows["disbursed"], commas=False),
                }
            )
            self._write(frame, file, "gfmis")

    def egp(self, registry) -> None:
        contracts = self.world.contracts
        last = max(self.world.years)
        for year, rows in contracts.groupby("fiscal_year", sort=True):
            if year == last:
                self._ocds(rows, year, registry)
                continue
            file = f"egp/egp_{year}.csv"
            names = self._area_names(rows, registry)
            frame = pd.DataFrame(
                {
                    "egp_project_id": rows["egp_project_id"],
                    "line_id": rows["line_id"],
                    "fiscal_year": rows["fiscal_year"].astype(str),
                    "buyer_name": rows["buyer_name"],
                    "title": rows["title"],
                    "method": _thai(PROCUREMENT_METHODS, rows["method"]),
                    "budget_amount": self._amounts(rows["budget_amount"], commas=True),
                    "tender_value": self._amounts(rows["tender_value"], commas=True),
                    "award_value": self._amounts(rows["award_value"], commas=True),
                    "contract_value": self._amounts(rows["contract_value"], commas=True),
                    "supplier_id": rows["supplier_id"],
                    "supplier_name": rows["supplier_name"],
                    "contract_id": rows["egp_project_id"] + "/1",
                    "tender_date": _be_dates(rows["tender_date"]),
                    "award_date": _be_dates(rows["award_date"]),
                    "contract_date": _be_dates(rows["contract_date"]),
                    "contract_end": _be_dates(rows["contract_end"]),
                    "contract_status": rows["contract_status"].map(
                        {
                            "active": "ลงนามสัญญาแล้ว",
                            "terminated": "สิ้นสุดสัญญา",
                            "pending": "รอลงนามสัญญา",
                            "cancelled": "ยกเลิก",
                        }
                    ),
                    "province_name": names["province_name"],
                    "district_name": names["district_name"],
                    "subdistrict_name": names["subdistrict_name"],
                }
            )
            self._write(frame, file, "egp")

    def _ocds(self, rows: pd.DataFrame, year: int, registry) -> None:
        """An OCDS 1.1 release package: a tender release and an award-and-contract release
        for each process."""
        prefix = default_mapping("egp").options.get("ocid_prefix", "ocds-th-egp")
        releases: list[dict[str, Any]] = []
        for row in rows.itertuples(index=False):
            ocid = f"{prefix}-{row.egp_project_id}"
            digest = hashlib.sha1(row.buyer_name.encode()).hexdigest()[:8]  # noqa: S324
            buyer = {"id": f"TH-BUYER-{digest}", "name": row.buyer_name}
            party = {
                **buyer,
                "roles": ["buyer", "procuringEntity"],
                "address": {
                    "region": registry.provinces["name_th"].get(row.province_code),
                    "locality": registry.districts["name_th"].get(row.district_code),
                    "countryName": "Thailand",
                },
            }
            tender = {
                "ocid": ocid,
                "id": f"{ocid}-tender",
                "date": f"{row.tender_date}T09:00:00+07:00",
                "tag": ["tender"],
                "initiationType": "tender",
                "buyer": buyer,
                "parties": [party],
                "planning": {"budget": {"id": row.line_id, "amount": _value(row.budget_amount)}},
                "tender": {
                    "id": row.egp_project_id,
                    "title": row.title,
                    "procurementMethod": {"e-bidding": "open", "e-market": "open",
                                          "selection": "selective"}.get(row.method, "limited"),
                    "procurementMethodDetails": PROCUREMENT_METHODS.by_code(row.method).value,
                    "value": _value(row.tender_value),
                    "tenderPeriod": {"startDate": f"{row.tender_date}T09:00:00+07:00"},
                },
            }  # fmt: skip
            supplier = {"id": f"TH-TIN-{row.supplier_id}", "name": row.supplier_name}
            award = {
                "ocid": ocid,
                "id": f"{ocid}-contract",
                "date": f"{row.contract_date}T09:00:00+07:00",
                "tag": ["award", "contract"],
                "initiationType": "tender",
                "parties": [{**supplier, "roles": ["supplier"]}],
                "awards": [{"id": f"{ocid}-award-1", "date": f"{row.award_date}T09:00:00+07:00",
                            "value": _value(row.award_value), "suppliers": [supplier],
                            "status": "active"}],
                "contracts": [{"id": f"{row.egp_project_id}/1", "awardID": f"{ocid}-award-1",
                               "value": _value(row.contract_value),
                               "dateSigned": f"{row.contract_date}T09:00:00+07:00",
                               "period": {"endDate": f"{row.contract_end}T00:00:00+07:00"},
                               "status": row.contract_status}],
            }  # fmt: skip
            releases.extend([tender, award])
        package = {
            "uri": f"https://khlang.example/ocds/egp-{year}.json",
            "version": "1.1",
            "publishedDate": f"{year - BUDDHIST_ERA_OFFSET}-09-30T00:00:00+07:00",
            "publisher": {"name": "กรมบัญชีกลาง (ข้อมูลสังเคราะห์)"},
            "releases": releases,
        }
        relative = f"egp/ocds_{year}.json"
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
        self.files.append(relative)

    def elaas(self) -> None:
        laos = self.world.laos
        finance = self.world.finance
        for year, rows in finance.groupby("fiscal_year", sort=True):
            file = f"elaas/elaas_{year}.csv"
            with_code = self._mask(len(rows), LAO_CODE_RATE)
            revenue = rows["kind"] == "revenue"
            category = _thai(REVENUE_CATEGORIES, rows["category"]).where(
                revenue, _thai(BUDGET_TYPES, rows["category"])
            )
            frame = pd.DataFrame(
                {
                    "fiscal_year": rows["fiscal_year"].astype(str),
                    "lao_code": rows["lao_key"].where(with_code, None),
                    "lao_name": rows["lao_key"].map(laos["lao_name_th"]),
                    "district_name": rows["lao_key"].map(laos["district_name_th"]),
                    "province_name": rows["lao_key"].map(laos["province_name_th"]),
                    "kind": _thai(LAO_FINANCE_KINDS, rows["kind"]),
                    "category": category,
                    "estimate": self._amounts(rows["estimate"], commas=year % 2 == 1),
                    "actual": self._amounts(rows["actual"], commas=year % 2 == 1),
                }
            )
            self._write(frame, file, "elaas")

    def eplan(self) -> None:
        laos = self.world.laos
        projects = self.world.projects
        for period, rows in projects.groupby("plan_period", sort=True):
            file = f"eplan/eplan_{period}.csv"
            frame = pd.DataFrame(
                {
                    "project_id": rows["project_id"],
                    "line_id": rows["line_id"],
                    "lao_name": rows["lao_key"].map(laos["lao_name_th"]),
                    "district_name": rows["lao_key"].map(laos["district_name_th"]),
                    "province_name": rows["lao_key"].map(laos["province_name_th"]),
                    "plan_period": rows["plan_period"],
                    "fiscal_year": rows["fiscal_year"].astype(str),
                    "strategy": rows["strategy"],
                    "project_name": self._squash(rows["project_name"], file),
                    "planned": self._amounts(rows["planned"], commas=True),
                    "project_status": _thai(PROJECT_STATUSES, rows["project_status"]),
                }
            )
            self._write(frame, file, "eplan")

    def needs(self, registry) -> None:
        laos = self.world.laos
        needs = self.world.needs
        last = max(self.world.years)
        for year, rows in needs.groupby("fiscal_year", sort=True):
            subdistrict = rows["lao_key"].map(laos["subdistrict_code"]).replace("", None)
            frame = pd.DataFrame(
                {
                    "need_id": rows["need_id"],
                    "fiscal_year": rows["fiscal_year"].astype(str),
                    "community": rows["community"],
                    "village_no": rows["village_no"].astype(str),
                    "subdistrict_name": subdistrict.map(registry.subdistricts["name_th"]),
                    "district_name": rows["lao_key"].map(laos["district_name_th"]),
                    "province_name": rows["lao_key"].map(laos["province_name_th"]),
                    "strategic_area": _thai(STRATEGIC_AREA_VOCAB, rows["strategic_area"]),
                    "topic": _thai(TOPIC_VOCAB, rows["topic"]),
                    "description": rows["description"],
                    "leader_role": rows["leader_role"],
                    "leader_id": rows["leader_id"],
                    "entered_date": rows["entered_date"].dt.strftime("%Y-%m-%d"),
                    "need_status": _thai(NEED_STATUSES, rows["need_status"]),
                    "answered_by": rows["answered_by"],
                }
            )
            if year == last:
                self._needs_json(frame, f"needs/needs_{year}.json")
            else:
                self._write(frame, f"needs/needs_{year}.csv", "needs")

    def _needs_json(self, frame: pd.DataFrame, relative: str) -> None:
        headers = self._headers("needs")
        records = [
            {headers[key]: value for key, value in record.items() if pd.notna(value)}
            for record in frame.to_dict("records")
        ]
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        self.files.append(relative)

    def reference(self) -> None:
        self._write(self.world.laos.reset_index(drop=True), "reference/lao-register.csv")
        self._write(self.world.population, "reference/population.csv")


def _value(amount: float) -> dict[str, Any]:
    return {"amount": round(float(amount), 2), "currency": "THB"}


def _be_dates(dates: pd.Series) -> pd.Series:
    """Dates as e-GP shows them: day/month/BE year."""
    return pd.Series(
        [f"{d.day:02d}/{d.month:02d}/{d.year + BUDDHIST_ERA_OFFSET}" for d in dates],
        index=dates.index,
    )
