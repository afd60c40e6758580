"""`khlang catalog export-parquet`: every public table as Hive-partitioned Parquet on an fsspec
destination, read back by DuckDB and pyarrow with the same totals as the published rows."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from khlang.api.query.parquet_export import MANIFEST, export_parquet
from khlang.catalog import Catalog
from khlang.errors import KhlangError
from tests.api.sample import rows

PUBLIC = {"chiang-mai-allocation": rows(), "nakhon-nayok-allocation": rows(count=90, seed=26)}


def totals(data: list[dict]) -> dict[tuple[int, str], tuple[int, float]]:
    """(fiscal year, province) -> (rows, allocated) of the source rows."""
    found: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for row in data:
        key = (int(row["fiscal_year"]), str(row["province_code"]))
        found[key][0] += 1
        found[key][1] += float(row["allocated"])
    return {key: (int(count), total) for key, (count, total) in found.items()}


def test_export_is_read_back_by_duckdb_with_the_source_totals(api_catalog, tmp_path: Path):
    destination = tmp_path / "lake"
    with Catalog.open(api_catalog.home) as catalog:
        report = export_parquet(catalog, str(destination))

    assert {t.dataset for t in report.tables} == set(PUBLIC)  # the private dataset stays out
    for name, data in PUBLIC.items():
        table = next(t for t in report.tables if t.dataset == name)
        assert table.partitioning == ["fiscal_year", "province_code"]
        assert table.rows == len(data)
        files = sorted((destination / name / "allocation").rglob("*.parquet"))
        assert files
        assert all(
            f.parent.name.startswith("province_code=")
            and f.parent.parent.name.startswith("fiscal_year=")
            for f in files
        )
        pattern = str(destination / name / "allocation" / "**" / "*.parquet")
        read = duckdb.execute(
            "SELECT fiscal_year, province_code, count(*), sum(allocated) "
            "FROM read_parquet($pattern, hive_partitioning = true) GROUP BY ALL",
            {"pattern": pattern},
        ).fetchall()
        assert {(int(y), str(p)): (n, s) for y, p, n, s in read} == totals(data)
    manifest = json.loads((destination / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(t["path"] for t in manifest["tables"]) == [
        "chiang-mai-allocation/allocation",
        "nakhon-nayok-allocation/allocation",
    ]


def test_memory_round_trip_through_fsspec(api_catalog):
    import fsspec
    import pyarrow.dataset as ds

    url = f"memory://khlang-export-{uuid.uuid4().hex[:8]}"
    with Catalog.open(api_catalog.home) as catalog:
        export_parquet(catalog, url, datasets=["nakhon-nayok-allocation"])
    filesystem, root = fsspec.core.url_to_fs(url)
    try:
        table = ds.dataset(
            f"{root}/nakhon-nayok-allocation/allocation",
            filesystem=filesystem,
            format="parquet",
            partitioning="hive",
        ).to_table()
        read = defaultdict(lambda: [0, 0.0])
        for row in table.to_pylist():
            key = (int(row["fiscal_year"]), str(row["province_code"]))
            read[key][0] += 1
            read[key][1] += row["allocated"]
        assert {k: (n, s) for k, (n, s) in read.items()} == totals(
            PUBLIC["nakhon-nayok-allocation"]
        )
        assert filesystem.exists(f"{root}/{MANIFEST}")
    finally:
        filesystem.rm(root, recursive=True)


@pytest.mark.parametrize("bad", ["nosuchprotocol://bucket/x", "file"])
def test_bad_destination_is_a_clear_error_naming_it(api_catalog, tmp_path: Path, bad: str):
    if bad == "file":  # a folder inside a regular file cannot be made
        (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
        bad = str(tmp_path / "plain.txt" / "lake")
    with Catalog.open(api_catalog.home) as catalog, pytest.raises(KhlangError) as raised:
        export_parquet(catalog, bad)
    assert raised.value.where == bad
    assert "cannot write Parquet files to this destination" in str(raised.value)


@pytest.mark.slow
def test_cli_exports_and_refuses_a_private_dataset(api_catalog, khlang_cli, tmp_path: Path):
    home = ["--home", str(api_catalog.home)]
    done = khlang_cli("catalog", "export-parquet", str(tmp_path / "out"), *home)
    assert done.returncode == 0, done.stderr
    assert "2 tables written" in done.stdout
    refused = khlang_cli(
        "catalog", "export-parquet", str(tmp_path / "p"), "--dataset", "cm-private-plan", *home
    )
    assert refused.returncode != 0
    assert "cm-private-plan" in refused.stderr + refused.stdout
