"""Table Schemas stored once by content hash (khlang/catalog/table_schemas.py), on both back
ends: versions that declare the same schema share one stored copy, every reader gets the
whole metadata back, and migration 0007 moves existing versions both ways without changing
a version's metadata as any reader sees it."""

from __future__ import annotations

import copy
import json

import sqlalchemy as sa
from alembic import command
from sqlalchemy import func, select

from khlang.catalog import Catalog
from khlang.catalog import table_schemas as schemas
from khlang.catalog.database import alembic_config, current_revision, head_revision
from khlang.catalog.tables import DatasetVersion, TableSchema
from khlang.metadata.model import Dataset
from tests.catalog.folders import SCHEMA, rows_csv, write_folder

OTHER_SCHEMA = {**SCHEMA, "missingValues": ["", "-"]}


def _publish_some(publish, tmp_path) -> None:
    """Three datasets, four versions, seven tabular resources, two distinct schemas."""
    publish(write_folder(tmp_path / "a", "budget-one", second_csv=rows_csv(2)))
    publish(write_folder(tmp_path / "b", "budget-two"))
    publish(write_folder(tmp_path / "c", "budget-two", csv=rows_csv(5)), change_note="more")
    folder = write_folder(tmp_path / "d", "budget-three")
    (folder / "schemas/allocation.json").write_text(json.dumps(OTHER_SCHEMA), encoding="utf-8")
    publish(folder)


def _records(catalog: Catalog) -> dict[tuple[str, int], object]:
    found = {}
    for summary in catalog.datasets():
        for version in catalog.history(summary.name):
            found[(summary.name, version.number)] = catalog.version(summary.name, version.number)
    return found


def _raw(catalog: Catalog) -> dict[str, dict]:
    """Version id -> the metadata column as stored."""
    with catalog.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, metadata FROM dataset_versions")).all()
    return {
        version_id: (metadata if isinstance(metadata, dict) else json.loads(metadata))
        for version_id, metadata in rows
    }


def test_a_schema_is_stored_once_however_many_versions_declare_it(
    catalog: Catalog, publish, tmp_path
) -> None:
    _publish_some(publish, tmp_path)
    with catalog.read() as session:
        assert session.scalar(select(func.count()).select_from(TableSchema)) == 2
        versions = session.scalars(select(DatasetVersion)).all()
        inline = [
            resource["schema"]
            for version in versions
            for resource in version.metadata_["resources"]
            if isinstance(resource.get("schema"), dict)
        ]
        assert inline == []  # every schema is a reference
        assert sum(len(v.schema_positions or []) for v in versions) == 5
    record = catalog.version("budget-one")
    assert [r.metadata.table_schema for r in record.resources if r.filename.endswith(".csv")] == [
        SCHEMA,
        SCHEMA,
    ]
    assert catalog.version("budget-three").metadata.resources[0].table_schema == OTHER_SCHEMA


def test_split_and_joined_give_back_the_declared_metadata() -> None:
    declared = {
        "name": "x",
        "resources": [
            {"name": "a", "schema": copy.deepcopy(SCHEMA)},
            {"name": "b", "schema": "https://example.org/schema.json"},  # a reference stays
            {"name": "c"},
            {"name": "d", "schema": schemas.schema_hash(SCHEMA)},  # a string like a hash
        ],
    }
    stored, positions, documents = schemas.split(declared)
    assert positions == [0]
    assert stored["resources"][3]["schema"] == schemas.schema_hash(SCHEMA)
    assert list(documents) == [schemas.schema_hash(SCHEMA)]
    assert schemas.joined(stored, positions, documents) == declared
    reordered = dict(reversed(list(SCHEMA.items())))
    assert schemas.schema_hash(reordered) == schemas.schema_hash(SCHEMA)


def test_the_migration_keeps_every_versions_metadata(
    catalog: Catalog, publish, tmp_path, home, database_url
) -> None:
    """Versions published with schemas inline (revision 0005) read the same after 0007
    moved them, and going down puts back exactly what 0005 stored."""
    _publish_some(publish, tmp_path)
    records = _records(catalog)
    with catalog.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0005")
    assert current_revision(catalog.engine) == "0005"
    before = _raw(catalog)  # as 0005 stores them: every schema inline
    assert (
        sum(isinstance(r.get("schema"), dict) for m in before.values() for r in m["resources"]) == 5
    )
    with catalog.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert current_revision(catalog.engine) == head_revision()
    with Catalog.open(home, database_url) as reopened:
        assert _records(reopened) == records
        for record in records.values():
            assert Dataset.model_validate(before[record.id]) == record.metadata
        with reopened.read() as session:
            versions = session.scalars(select(DatasetVersion)).all()
            assert schemas.full_metadata(session, versions) == before
            assert session.scalar(select(func.count()).select_from(TableSchema)) == 2
        after = _raw(reopened)
        assert after != before  # moved, not copied
    with catalog.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0005")
    assert _raw(catalog) == before
