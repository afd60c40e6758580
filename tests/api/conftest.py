"""Fixtures of the API tests: a built query table of the sample area-budget rows."""

from __future__ import annotations

import pytest

from khlang.api.query.engine import QueryEngine
from khlang.api.query.tables import TableSource, file_sha256
from tests.api.sample import SCHEMA, rows, write_csv


@pytest.fixture(scope="module")
def sample_rows() -> list[dict]:
    return rows()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = QueryEngine(tmp_path_factory.mktemp("tables"))
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def table(engine, sample_rows, tmp_path_factory):
    path = write_csv(tmp_path_factory.mktemp("data") / "allocation.csv", sample_rows)
    source = TableSource(path=path, format="csv", schema_=SCHEMA, file_hash=file_sha256(path))
    return engine.table_sync(source)
