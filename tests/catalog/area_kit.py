"""Agencies for the area-budget store's tests: the sample budget-allocation package that
`khlang publish` builds (tests/published.py), and copies of it as other agencies would
publish the same or other budget lines."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

Row = dict[str, str]
TABLES = ("amounts", "budget-lines")


def read_rows(folder: Path, table: str) -> list[Row]:
    with (folder / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_rows(path: Path, rows: list[Row], header: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def agency_copy(
    source: Path,
    parent: Path,
    organization: str,
    *,
    amounts: Callable[[Row], Row | None] = lambda row: row,
    lines: Callable[[Row], Row | None] = lambda row: row,
    version: str = "",
) -> Path:
    """`source` (a budget-allocation folder) as `organization` would publish it: its ledger
    and line table only, in CSV, each row passed through `amounts` / `lines` (None drops
    it). `version` makes a different title for a second version of the same copy."""
    name = f"{organization}-budget-allocation"
    folder = parent / f"{name}{version and '-' + version}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    shutil.copytree(source / "schemas", folder / "schemas")
    yaml = YAML(typ="safe")
    metadata: dict[str, Any] = yaml.load((source / "dataset.yaml").read_text(encoding="utf-8"))
    metadata.update(
        name=name,
        owner_org=organization,
        title=f"{metadata['title']} ({organization})",
        title_en=f"{metadata['title_en']} ({organization})",
    )
    metadata["publisher"] = {**metadata["publisher"], "name": organization}
    kept = []
    for resource in metadata["resources"]:
        if resource.get("path") not in {f"data/{table}.csv" for table in TABLES}:
            continue
        for derived in ("hash", "byte_size"):
            resource.pop(derived, None)
        kept.append(resource)
    metadata["resources"] = kept
    for table, change in (("amounts", amounts), ("budget-lines", lines)):
        rows = read_rows(source, table)
        header = list(rows[0])
        _write_rows(
            folder / "data" / f"{table}.csv",
            [new for row in rows if (new := change(dict(row))) is not None],
            header,
        )
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(metadata, handle)
    return folder


def widened(folder: Path, copies: int) -> Path:
    """`folder` (an agency copy) with every line `copies` times, under new line ids and
    item names (`W<n>-`): a national source's number of lines from the sample's few."""
    for table in TABLES:
        rows = read_rows(folder, table)
        wide = []
        for copy in range(copies):
            for row in rows:
                new = {**row, "line_id": f"W{copy}-{row['line_id']}"}
                if "item_name" in new:
                    new["item_name"] += f" (W{copy})"
                wide.append(new)
        _write_rows(folder / "data" / f"{table}.csv", wide, list(rows[0]))
    return folder


def stage_sums(rows: list[Row]) -> dict[tuple[int, str], Decimal]:
    """(fiscal year, stage) -> the ledger rows' sum."""
    sums: dict[tuple[int, str], Decimal] = {}
    for row in rows:
        key = (int(row["fiscal_year"]), row["phase"])
        sums[key] = sums.get(key, Decimal(0)) + Decimal(row["amount"])
    return sums


def assert_cells_agree(catalog: Any) -> None:
    """Every breakdown the dashboard and the API ask, summed from the pre-summed cells,
    equals the same breakdown summed straight from the amounts, to the satang: each
    dimension alone, the drill-down from the country to an LAO, filters with "no value",
    by stage, agency and organisation, for anonymous readers and for a sysadmin."""
    from khlang.catalog import Principal
    from khlang.catalog.area_budget import DIMENSIONS, AreaQuery, totals
    from khlang.catalog.area_budget.query import forget, totals_from_amounts
    from khlang.catalog.principals import ANONYMOUS

    questions: list[tuple[AreaQuery, list[str]]] = [(AreaQuery(), [])]
    questions += [(AreaQuery(), [name]) for name in DIMENSIONS]
    years = [row.key["fiscal_year"] for row in totals_from_amounts(catalog, by=["fiscal_year"])]
    for year in years[-2:]:
        state = AreaQuery(scope=["state"], fiscal_year=[year])
        questions += [(state, ["province"]), (state, ["ministry"]), (state, ["source_system"])]
        questions += [(state.model_copy(update={"province": [None]}), ["budget_type"])]
        questions += [(state.model_copy(update={"stage": ["allocated"]}), ["organization"])]
        for row in totals_from_amounts(catalog, state, ["province"])[:2]:
            province = state.model_copy(update={"province": [row.key["province"]]})
            questions += [(province, ["district"]), (province, ["department", "budget_type"])]
            for district in totals_from_amounts(catalog, province, ["district"])[:2]:
                inside = province.model_copy(update={"district": [district.key["district"]]})
                questions += [(inside, ["lao"]), (inside, ["subdistrict"]), (inside, ["dataset"])]
    for viewer in (ANONYMOUS, Principal.operator("tests:cells")):
        for query, by in questions:
            forget()
            cells = totals(catalog, query, by, viewer=viewer)  # type: ignore[arg-type]
            direct = totals_from_amounts(catalog, query, by, viewer=viewer)  # type: ignore[arg-type]
            assert cells == direct, (query, by)
