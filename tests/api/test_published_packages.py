"""Every package khlang publishes passes frictionless-py as a Frictionless user runs it: the
`datapackage.json` of each folder `khlang publish` writes, the one `khlang serve` serves for
each dataset, and the dataset read through frictionless's CKAN reader from khlang's CKAN API,
over the bundled samples and the three real sources (tests/published.py).

frictionless-py reads Parquet through pandas one row at a time: validating the real packages
takes minutes, so there is one test per package and xdist spreads them."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import httpx
import pytest
from frictionless import Package, Resource

from tests.api.server import running_khlang
from tests.published import (
    CATALOGS,
    PACKAGES,
    SOURCES,
    catalog_home,
    dataset_names,
    published,
    shared_root,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory, worker_id) -> Path:
    return shared_root(tmp_path_factory, worker_id)


@pytest.fixture(scope="module")
def servers(root, shared_dir):
    """`khlang serve` over a catalog, started when a test first asks for it: url(catalog)."""
    running: dict[str, str] = {}
    with contextlib.ExitStack() as stack:

        def url(catalog: str) -> str:
            if catalog not in running:
                home = catalog_home(root, shared_dir, catalog)
                # frictionless fetches every file of every package, from one address: more
                # than the anonymous default allows in a minute (its tuning is not this test's).
                server = running_khlang(home, "--rate-limit", "off")
                running[catalog] = stack.enter_context(server)
            return running[catalog]

        yield url


def _problems(report) -> list:
    return report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])[:10]


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_expected_dataset_is_published(root, shared_dir, source) -> None:
    out = published(root, shared_dir, source)
    written = sorted(path.parent for path in out.glob("*/datapackage.json"))
    assert written == sorted(SOURCES[source].folders(out))


@pytest.mark.parametrize(("source", "key"), PACKAGES)
def test_frictionless_validates_the_written_package(root, shared_dir, source, key) -> None:
    """`frictionless validate DIR/datapackage.json`: every resource, Parquet included."""
    folder = published(root, shared_dir, source) / f"{SOURCES[source].agency}-{key}"
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    formats = {resource["format"] for resource in descriptor["resources"]}
    assert {"csv", "parquet"} <= formats
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, _problems(report)
    assert report.stats["tasks"] == len(descriptor["resources"])
    for resource in descriptor["resources"]:
        assert resource["hash"].startswith("sha256:")
        assert ("bytes" in resource) == (resource["format"] != "parquet"), resource["name"]


@pytest.mark.parametrize(("source", "key"), PACKAGES)
def test_the_json_twins_match_their_schema_as_tables(root, shared_dir, source, key) -> None:
    """Frictionless reads a `.json` resource as a file unless told it is a table (which needs
    `frictionless[json]`); read as tables, the JSON twins hold the same rows and types."""
    folder = published(root, shared_dir, source) / f"{SOURCES[source].agency}-{key}"
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    twins = [item for item in descriptor["resources"] if item["format"] == "json"]
    for twin in twins:
        # frictionless's JSON table reader counts no bytes either; the hash is checked.
        table = {key: value for key, value in twin.items() if key != "bytes"} | {"type": "table"}
        report = Resource(table, basepath=str(folder)).validate()
        assert report.valid, _problems(report)
        assert report.tasks[0].stats["rows"] > 0


@pytest.mark.parametrize(
    ("catalog", "name"),
    [(catalog, name) for catalog in CATALOGS for name in dataset_names(catalog)],
)
def test_frictionless_validates_the_served_package(servers, catalog, name) -> None:
    """The API's datapackage.json, its resources read over HTTP from khlang's file URLs."""
    url = servers(catalog)
    report = Package(f"{url}/api/v1/datasets/{name}/datapackage.json").validate()
    assert report.valid, _problems(report)
    assert report.stats["tasks"] >= 3


@pytest.mark.parametrize("catalog", list(CATALOGS))
def test_frictionless_reads_every_dataset_through_the_ckan_api(servers, catalog) -> None:
    """`frictionless.Package("<khlang>/dataset/NAME")` (its CKAN reader: package_show) gets
    every resource with its Table Schema, each file's hash with its algorithm, and rows that
    the schema reads without error; the sample catalog's packages validate whole."""
    url = servers(catalog)
    for name in dataset_names(catalog):
        shown = httpx.get(f"{url}/api/3/action/package_show", params={"id": name}).json()
        resources = shown["result"]["resources"]
        package = Package(f"{url}/dataset/{name}")
        assert len(package.resources) == len(resources), name
        for read, original in zip(package.resources, resources, strict=True):
            assert original["schema"]["fields"], (name, original["name"])
            assert read.schema.field_names == [f["name"] for f in original["schema"]["fields"]]
            assert read.hash == original["hash"]
            assert read.hash.startswith("sha256:")
            if read.format != "json":
                rows = read.read_rows(size=200)
                assert rows, (name, read.name)
                assert all(row.valid for row in rows), (name, read.name)
        if catalog == "samples":
            report = package.validate()
            assert report.valid, _problems(report)
