"""Times the area-budget store at national scale: three agencies publish budget-allocation
datasets for every local administrative organisation (7,848 real LAOs x 10 fiscal years,
about 4 million amounts) into one catalog, each line reported by several of them, and the
store integrates them (counted once, conflicts listed). Prints wall time and peak memory of
every step, the time of the store questions a dashboard asks (summed from the pre-summed
cells, and straight from the amounts for comparison), and the dashboard's pages over HTTP
(bench/dashboard.py: median and p95 per page kind, uncached and warm, with the load
average), and what publishing, withdrawing and reinstating one LAO's small dataset costs
in that store, and withdrawing and reinstating the Department's (and with --withdraw-all the
Comptroller's).

    python bench/integrate.py                          # SQLite, the full national bench
    python bench/integrate.py --laos 500 --years 2    # a quick run
    python bench/integrate.py --database-url postgresql://postgres@127.0.0.1:5432/test

The agencies (synthetic figures, real LAOs from ../shared/data/real/lao):
* the Budget Bureau (e-Budgeting): requested and allocated, three lines per LAO and year;
* the Department of Local Administration (BBL): allocated and transferred of the same lines
  (its allocated duplicates the Bureau's, and differs for one line in a hundred: a conflict);
* the Comptroller General's Department (GFMIS): committed, and disbursed by month.

Output goes to bench/out/integrate/ (`--out`; not committed); the catalog home is kept, so
`python bench/dashboard.py --home bench/out/integrate/home` measures the pages again. The
rebuild (the longest step) comes last.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from khlang.catalog import Catalog, Principal  # noqa: E402
from khlang.catalog.area_budget import AreaQuery, amounts, conflicts, totals  # noqa: E402
from khlang.catalog.area_budget.cells import recompute_all  # noqa: E402
from khlang.catalog.area_budget.maintain import rebuild  # noqa: E402
from khlang.catalog.area_budget.query import forget, totals_from_amounts  # noqa: E402
from khlang.catalog.database import scratch_schema  # noqa: E402
from khlang.metadata.parquet import nan_as_missing  # noqa: E402
from khlang.publishers.datasets import BUDGET_ALLOCATION  # noqa: E402
from khlang.publishers.tables import COLUMNS, table_schema  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from dashboard import measure as measure_pages  # noqa: E402

OUT = ROOT / "bench" / "out" / "integrate"
REFERENCE = Path(os.environ.get("KHLANG_SHARED", ROOT.parent / "shared")) / "data" / "real"
EXAMPLE = ROOT / "khlang" / "metadata" / "examples" / "budget-allocation.yaml"
LINES = (("subsidy", "general_subsidy", "เงินอุดหนุนทั่วไป"),
         ("investment", "specific_subsidy", "เงินอุดหนุนเฉพาะกิจ ก่อสร้างถนน"),
         ("operating", "general_subsidy", "ค่าใช้จ่ายในการบริหารงาน"))  # fmt: skip
SPECS = {spec.name: spec for spec in BUDGET_ALLOCATION.resources}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = action()
    print(f"{label:<58} {time.perf_counter() - started:>8.1f} s {peak_mb():>8,.0f} MB")
    return result


# --- the agencies' tables --------------------------------------------------------------------


def lines_frame(laos: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Three lines per LAO and year, with the area and agency columns of the model."""
    n = len(laos)
    grid = laos.loc[np.tile(np.arange(n), len(years) * len(LINES))].reset_index(drop=True)
    grid["fiscal_year"] = np.repeat(years, n * len(LINES))
    kind = np.tile(np.repeat(np.arange(len(LINES)), n), len(years))
    grid["kind"] = kind
    grid["line_id"] = (
        "L"
        + grid["fiscal_year"].astype(str)
        + "-"
        + grid["lao_key"]
        + "-"
        + grid["kind"].astype(str)
    )
    grid["budget_type"] = [LINES[k][0] for k in kind]
    grid["source_of_funds"] = [LINES[k][1] for k in kind]
    grid["item_name"] = pd.Series([LINES[k][2] for k in kind]) + " " + grid["lao_name_th"]
    level = np.where(grid["subdistrict_code"].notna(), "subdistrict",
                     np.where(grid["district_code"].notna(), "district", "province"))  # fmt: skip
    grid["area_level"] = level
    grid["area_code"] = (
        grid["subdistrict_code"].fillna(grid["district_code"]).fillna(grid["province_code"])
    )
    grid["ministry_code"], grid["ministry_name"] = "15000", "กระทรวงมหาดไทย"
    grid["department_code"], grid["department_name"] = "15008", "กรมส่งเสริมการปกครองท้องถิ่น"
    grid["budget_unit_code"] = "1500800"
    grid["budget_unit_name"] = "กรมส่งเสริมการปกครองท้องถิ่น"
    return grid


def ledger(lines: pd.DataFrame, stages: dict[str, np.ndarray], system: str,
           months: bool = False) -> pd.DataFrame:  # fmt: skip
    """Amount rows: one per line and stage (per line, stage and month when `months`)."""
    parts = []
    for stage, values in stages.items():
        if months and stage == "disbursed":
            for month in range(1, 13):
                part = lines.assign(phase=stage, fiscal_month=month, amount=values / 12)
                parts.append(part)
        else:
            parts.append(lines.assign(phase=stage, fiscal_month=pd.NA, amount=values))
    frame = pd.concat(parts, ignore_index=True)
    frame["amount"] = frame["amount"].round(2)
    frame["source_system"] = system
    frame["source_file"] = f"{system.lower()}/export.csv"
    frame["source_row"] = np.arange(2, len(frame) + 2)
    return frame


def write_table(frame: pd.DataFrame, name: str, folder: Path) -> dict[str, Any]:
    spec = SPECS[name]
    columns = [COLUMNS[column] for column in spec.columns]
    arrays = []
    for column in columns:
        if column.name not in frame:
            arrays.append(pa.nulls(len(frame), column.arrow_type))
            continue
        values = frame[column.name]
        if column.amount:
            arrays.append(
                pa.array(values.astype("float64"), from_pandas=True).cast(
                    column.arrow_type, safe=False
                )
            )
        elif column.type == "string":
            arrays.append(pa.array(values.astype("string"), type=pa.string(), from_pandas=True))
        else:
            arrays.append(
                pa.array(values.astype("Int64"), type=column.arrow_type, from_pandas=True)
            )
    table = pa.Table.from_arrays(arrays, names=list(spec.columns))
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "schemas").mkdir(exist_ok=True)
    pq.write_table(table, folder / "data" / f"{name}.parquet", compression="zstd")
    schema = nan_as_missing(table_schema(spec.columns, primary_key=list(spec.primary_key) or None))
    (folder / "schemas" / f"{name}.json").write_text(json.dumps(schema, ensure_ascii=False))
    return {
        "name": f"{spec.title.th} (Parquet)",
        "name_en": f"{spec.title.en} (Parquet)",
        "description": spec.description.th,
        "description_en": spec.description.en,
        "path": f"data/{name}.parquet",
        "format": "Parquet",
        "schema": f"schemas/{name}.json",
        "resource_first_year_of_data": str(frame["fiscal_year"].min()),
        "resource_last_year_of_data": str(frame["fiscal_year"].max()),
        "resource_unit_of_measure": "บาท",
        "resource_last_updated_date": "2026-12-01",
    }


def agency_folder(
    out: Path, organization: str, title: str, lines: pd.DataFrame, rows: pd.DataFrame
) -> Path:
    folder = out / "folders" / organization
    shutil.rmtree(folder, ignore_errors=True)
    metadata = YAML(typ="safe").load(EXAMPLE.read_text(encoding="utf-8"))
    name = f"{organization}-budget-allocation"
    metadata.update(name=name, owner_org=organization, title=f"{title} ทุก อปท. (สังเคราะห์)",
                    title_en=f"{title}: every LAO (synthetic)")  # fmt: skip
    metadata["publisher"] = {**metadata["publisher"], "name": organization}
    for key in ("spatial", "uses"):
        metadata.pop(key)
    system = rows["source_system"].iloc[0]
    provenance = {"systems": system, "source_system": system,
                  "source_file": f"{system.lower()}/lines.csv",
                  "source_row": np.arange(2, len(lines) + 2)}  # fmt: skip
    metadata["resources"] = [
        write_table(lines.assign(**provenance), "budget-lines", folder),
        write_table(rows, "amounts", folder),
    ]
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(metadata, handle)
    return folder


def build_folders(
    out: Path, laos: pd.DataFrame, years: list[int], seed: int
) -> tuple[list[Path], int]:
    rng = np.random.default_rng(seed)
    lines = lines_frame(laos, years)
    allocated = np.round(rng.lognormal(15, 1.0, len(lines)), -2)
    requested = np.round(allocated * rng.uniform(1.0, 1.3, len(lines)), -2)
    conflict = rng.random(len(lines)) < 0.01
    dla_allocated = np.where(conflict, allocated + 1000, allocated)
    transferred = np.round(allocated * rng.uniform(0.5, 1.0, len(lines)), -2)
    committed = np.round(allocated * rng.uniform(0.6, 1.0, len(lines)), 2)
    disbursed = np.round(committed * rng.uniform(0.5, 1.0, len(lines)), 0)
    plans = [
        ("budget-bureau-watch", "งบประมาณตามระบบ e-Budgeting", "e-Budgeting",
         {"requested": requested, "allocated": allocated}, False),
        ("local-administration-watch", "การจัดสรรและโอนเงินอุดหนุน อปท.", "BBL",
         {"allocated": dla_allocated, "transferred": transferred}, False),
        ("comptroller-watch", "การก่อหนี้ผูกพันและเบิกจ่าย อปท.", "GFMIS",
         {"committed": committed, "disbursed": disbursed}, True),
    ]  # fmt: skip
    folders, total = [], 0
    for organization, title, system, stages, months in plans:
        rows = ledger(lines, stages, system, months)
        total += len(rows)
        folders.append(agency_folder(out, organization, title, lines, rows))
    return folders, total


def one_lao_folder(out: Path, laos: pd.DataFrame, years: list[int], seed: int) -> Path:
    """One LAO's own record of the Budget Bureau's lines for it (e-Budgeting requested and
    allocated, a tenth higher): a small source sharing its lines with the national ones,
    what an LAO publishing or withdrawing in a national catalog looks like to the store."""
    lines = lines_frame(laos.iloc[:1], years)
    rng = np.random.default_rng(seed + 1)
    allocated = np.round(rng.lognormal(15, 1.0, len(lines)), -2)
    stages = {"requested": allocated * 1.1, "allocated": allocated}
    rows = ledger(lines, stages, "e-Budgeting")
    return agency_folder(out, "one-lao-watch", "งบประมาณของ อปท. หนึ่งแห่ง", lines, rows)


# --- the run ---------------------------------------------------------------------------------


@contextmanager
def fresh_schema(database_url: str | None) -> Iterator[str | None]:
    """A PostgreSQL URL whose search_path is a new schema, dropped afterwards (the catalog's
    files are in a new folder too, so nothing of an earlier run counts)."""
    if not database_url:
        yield None
        return
    with scratch_schema(database_url, prefix="khlang_bench") as url:
        yield url


def median_ms(action: Callable[[], Any], *, remembered: bool, runs: int = 3) -> float:
    """Median milliseconds of `action`: each run from the store itself, or (`remembered`)
    answered from the totals remembered since the first run."""
    times = []
    for _ in range(runs):
        if not remembered:
            forget()
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def timed_ms(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laos", type=int, default=None, help="the first N LAOs only")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of SQLite")
    parser.add_argument("--out", type=Path, default=OUT, help="where the folders and home go")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the (long) rebuild")
    parser.add_argument("--withdraw-all", action="store_true",
                        help="withdraw and reinstate the Comptroller General's too")  # fmt: skip
    parser.add_argument("--page-runs", type=int, default=20,
                        help="requests per dashboard page kind and mode")  # fmt: skip
    options = parser.parse_args()
    laos = pd.read_csv(options.reference / "lao" / "lao_list_hoerstemeier_2022.csv", dtype=str)
    laos = laos.iloc[: options.laos] if options.laos else laos
    years = list(range(2569 - options.years, 2569))
    print(f"{len(laos):,} LAOs x {len(years)} fiscal years, seed {options.seed}, "
          f"{'PostgreSQL' if options.database_url else 'SQLite'}, {os.cpu_count()} cores, "
          f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")  # fmt: skip
    print(f"{'step':<58} {'time':>10} {'peak RSS':>11}")
    folders, rows = timed("generate the three agencies' tables", lambda: build_folders(
        options.out, laos, years, options.seed))  # fmt: skip
    home = options.out / "home"
    shutil.rmtree(home, ignore_errors=True)
    operator = Principal.operator("bench:integrate")
    with fresh_schema(options.database_url) as url, Catalog.open(home, url, create=True) as catalog:
        for folder in folders:
            timed(f"publish {folder.name} (gate + store)", lambda folder=folder: catalog.publish(
                folder, actor=operator, create_organization=True))  # fmt: skip
        stored = timed("count the store", lambda: amounts(catalog, limit=1)[1])
        print(f"{rows:,} amounts published, {stored:,} in the store")
        year = years[-1]
        national = AreaQuery(scope=["state"], fiscal_year=[year])
        (grand,) = totals(catalog, national)
        expected = Decimal(0)
        for folder in folders[:1]:
            frame = pq.read_table(folder / "data" / "amounts.parquet").to_pandas()
            picked = frame[(frame["fiscal_year"] == year) & (frame["phase"] == "allocated")]
            expected = sum(picked["amount"], Decimal(0))
        assert grand.figures.allocated == expected, (grand.figures.allocated, expected)
        print(f"FY{year} allocated {grand.figures.allocated:,} = the Budget Bureau's "
              f"(counted once), {grand.duplicates:,} duplicate amounts left out, rate "
              f"{grand.disbursement_rate:.1f} %")  # fmt: skip
        found = timed("conflicts (first 100)", lambda: conflicts(catalog, national))
        example = f", e.g. {found[0].line_key}: {found[0].difference} baht" if found else ""
        print(f"  {len(found)} listed{example}")
        questions = {
            "national total of a year": lambda: totals(catalog, national),
            "by province, one year": lambda: totals(catalog, national, ["province"]),
            "by fiscal year and stage, whole store": lambda: totals(catalog, by=["fiscal_year"]),
            "one province's districts": lambda: totals(
                catalog, national.model_copy(update={"province": ["50"]}), ["district"]),
            "one district's LAOs": lambda: totals(
                catalog, national.model_copy(update={"district": ["5001"]}), ["lao"]),
            "a page of the amounts behind a total": lambda: amounts(
                catalog, national.model_copy(update={"district": ["5001"]}), limit=100),
        }  # fmt: skip
        direct_questions = {
            "national total of a year": lambda: totals_from_amounts(catalog, national),
            "by province, one year": lambda: totals_from_amounts(catalog, national, ["province"]),
            "one district's LAOs": lambda: totals_from_amounts(
                catalog, national.model_copy(update={"district": ["5001"]}), ["lao"]),
        }  # fmt: skip
        by_province = direct_questions["by province, one year"]()
        assert totals(catalog, national, ["province"]) == by_province, "cells and amounts differ"
        print(f"  {'question':<44} {'cells':>9} {'amounts':>9} {'remembered':>11}")
        for label, question in questions.items():
            fresh = median_ms(question, remembered=False)
            again = median_ms(question, remembered=True)
            direct = direct_questions.get(label)
            slow = f"{timed_ms(direct):>6.0f} ms" if direct else f"{'':>9}"
            print(f"  {label:<44} {fresh:>6.0f} ms {slow} {again:>8.1f} ms")
        measure_pages(home, url, options.page_runs, print)
        small = one_lao_folder(options.out, laos, years, options.seed)
        timed("publish one LAO's dataset into the store", lambda: catalog.publish(
            small, actor=operator, create_organization=True))  # fmt: skip
        lao = f"{small.name}-budget-allocation"
        timed(f"withdraw {lao}", lambda: catalog.withdraw(lao, actor=operator))
        timed(f"reinstate {lao}", lambda: catalog.reinstate(lao, actor=operator))
        # The Department's allocations are uncounted duplicates (its transfers its own); the
        # Comptroller's disbursements are the only ones, so withdrawing it takes every line
        # out of the rate base: the cells of all the other agencies' amounts move.
        for folder in folders[1:] if options.withdraw_all else folders[1:2]:
            agency = f"{folder.name}-budget-allocation"
            timed(f"withdraw {agency}", lambda agency=agency: catalog.withdraw(
                agency, actor=operator))  # fmt: skip
            timed(f"reinstate {agency}", lambda agency=agency: catalog.reinstate(
                agency, actor=operator))  # fmt: skip
        report = timed("catalog check (store against the files)", lambda: catalog.check(
            actor=operator))  # fmt: skip
        print(f"check: {'consistent' if report.ok else report.findings}")
        if options.no_rebuild:
            return
        with catalog.write() as session:
            timed("rebuild the whole store from the catalog", lambda: rebuild(
                session, catalog.blobs))  # fmt: skip
        with catalog.write() as session:
            timed("of which: every pre-summed cell from the amounts", lambda: recompute_all(
                session))  # fmt: skip


if __name__ == "__main__":
    main()
