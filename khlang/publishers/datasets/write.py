"""Writing one dataset folder: the data files of every resource (CSV UTF-8, Parquet, and JSON
for tables small enough to be read whole), their Table Schemas, `dataset.yaml` and
`datapackage.json`, all under a staging folder the caller moves into place once the dataset
has passed the checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
from ruamel.yaml import YAML

from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata.datapackage import to_datapackage
from khlang.metadata.model import Dataset, Resource
from khlang.metadata.parquet import nan_as_missing
from khlang.publishers.agency import Agency
from khlang.publishers.datasets import DatasetSpec, ResourceSpec
from khlang.publishers.datasets.describe import DataFacts, describe
from khlang.publishers.tables import table_schema

JSON_MAX_ROWS = 100_000
"""Above this a JSON twin is not written: a JSON array must be read whole, and CSV and
Parquet serve large tables better. Nor is one written for a table of no rows (a GFMIS-only
publish has no allocation by area): `[]` carries no columns, so no reader (khlang's,
frictionless-py's) can read it as the table its schema describes, while the CSV's header and
the Parquet file's schema can."""
FORMATS = (
    ("CSV", "csv", "text/csv", "(HEADER, DELIMITER ',')"),
    ("Parquet", "parquet", "application/vnd.apache.parquet", "(FORMAT PARQUET, COMPRESSION ZSTD)"),
    ("JSON", "json", "application/json", "(FORMAT JSON, ARRAY true)"),
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"sha256:{digest.hexdigest()}"


def _materialise(con: duckdb.DuckDBPyConnection, spec: ResourceSpec) -> tuple[str, int]:
    table = "out_" + spec.name.replace("-", "_")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {spec.query()}")
    names = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    if tuple(names) != spec.columns:
        raise KhlangError(
            Text(
                th=f"คอลัมน์ของ {spec.name} ไม่ตรงกับที่กำหนด",
                en=f"the columns of {spec.name} differ from its definition",
            ),
            where=f"{names} != {list(spec.columns)}",
        )
    return table, con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def _cast(spec: ResourceSpec, name: str) -> str:
    """Write amounts with two decimals, everything else as DuckDB prints it."""
    quoted = f'"{name}"'
    return f"CAST({quoted} AS DECIMAL(18, 2)) AS {quoted}" if spec.column(name).amount else quoted


def _write_resource(
    con: duckdb.DuckDBPyConnection,
    spec: ResourceSpec,
    folder: Path,
    *,
    statistical: bool,
    years: tuple[int | None, int | None],
    unit: str,
    today: dt.date,
) -> tuple[list[Resource], int]:
    table, rows = _materialise(con, spec)
    schema_path = folder / "schemas" / f"{spec.name}.json"
    schema_path.parent.mkdir(parents=True, exist_ok=True)
    # One schema for the CSV, Parquet and JSON twins, so it reads NaN as missing as the
    # Parquet twin's must (khlang.metadata.parquet).
    definitions = {field.name: field for field in spec.fields}
    schema = nan_as_missing(
        table_schema(
            spec.columns, primary_key=list(spec.primary_key) or None, definitions=definitions
        )
    )
    for field in schema["fields"]:
        if field["name"] in spec.levels:
            field["additive"] = False
    schema_path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", "utf-8")
    select = ", ".join(_cast(spec, name) for name in spec.columns)
    resources = []
    for label, extension, media_type, options in FORMATS:
        if extension == "json" and not 0 < rows <= JSON_MAX_ROWS:
            continue
        path = folder / "data" / f"{spec.name}.{extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY (SELECT {select} FROM {table}) TO '{path.as_posix()}' {options}")  # noqa: S608
        extra: dict[str, Any] = {"resource_last_updated_date": today}
        if statistical:
            extra |= {
                "resource_first_year_of_data": years[0],
                "resource_last_year_of_data": years[1],
                "resource_unit_of_measure": unit,
            }
        else:
            extra["resource_created_date"] = today
        resources.append(
            Resource(
                name=f"{spec.title.th} ({label})",
                name_en=f"{spec.title.en} ({label})",
                description=spec.description.th,
                description_en=spec.description.en,
                path=f"data/{spec.name}.{extension}",
                format=label.upper() if label != "Parquet" else label,
                media_type=media_type,
                byte_size=path.stat().st_size,
                hash=_sha256(path),
                schema=f"schemas/{spec.name}.json",
                **extra,
            )
        )
    con.execute(f"DROP TABLE {table}")
    return resources, rows


def _facts(con: duckdb.DuckDBPyConnection, spec: DatasetSpec, systems: tuple[str, ...],
           formats: tuple[str, ...]) -> DataFacts:  # fmt: skip
    main = spec.resources[0]
    query = main.query()
    years = (None, None)
    year = next((name for name in ("fiscal_year", "year") if name in main.columns), None)
    if year:
        years = con.execute(f"SELECT min({year}), max({year}) FROM ({query})").fetchone()  # noqa: S608
    provinces = tuple(
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT province_code FROM ({query}) WHERE province_code IS NOT NULL "  # noqa: S608
            "ORDER BY 1"
        ).fetchall()
    )
    levels: dict[str, int] = {}
    if "area_level" in main.columns:
        levels = dict(
            con.execute(f"SELECT area_level, count(*) FROM ({query}) GROUP BY 1").fetchall()  # noqa: S608
        )
    return DataFacts(
        first_year=years[0], last_year=years[1], fiscal_years=year != "year",
        provinces=provinces, levels=levels, systems=systems, source_formats=formats,
    )  # fmt: skip


def write_dataset(
    con: duckdb.DuckDBPyConnection,
    spec: DatasetSpec,
    folder: Path,
    *,
    agency: Agency,
    systems: tuple[str, ...],
    formats: tuple[str, ...],
    today: dt.date,
) -> tuple[Dataset, dict[str, int]]:
    """Write the dataset into `folder` (which must not exist) and return its metadata and
    the row count of each resource."""
    folder.mkdir(parents=True)
    facts = _facts(con, spec, systems, formats)
    statistical = spec.data_type == "statistical"
    resources: list[Resource] = []
    rows: dict[str, int] = {}
    for resource in spec.resources:
        written, count = _write_resource(
            con, resource, folder, statistical=statistical,
            years=(facts.first_year, facts.last_year), unit=spec.unit, today=today,
        )  # fmt: skip
        resources += written
        rows[resource.name] = count
    dataset = describe(spec, agency=agency, facts=facts, resources=resources, today=today)
    document = dataset.model_dump(mode="json", by_alias=True, exclude_none=True,
                                  exclude_defaults=True)  # fmt: skip
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)
    package = to_datapackage(dataset)
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return dataset, rows
