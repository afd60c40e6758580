"""Fixtures of the API tests: a built query table of the sample area-budget rows."""

from __future__ import annotations

import pytest

from khlang.api.query.engine import QueryEngine, QueryLimits
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


@pytest.fixture(scope="session")
def api_catalog(tmp_path_factory, api_catalog_template):
    """A catalog with two organisations, users of every role and published datasets."""
    from tests.api.catalog_fixture import copy_of

    return copy_of(api_catalog_template, tmp_path_factory.mktemp("api-catalog"))


def make_app(home, **settings):
    from khlang.api.app import create_app
    from khlang.api.settings import ApiSettings, RateLimits

    # Tests wait for a table to be built rather than get the 503 a busy server answers.
    options = {
        "rate_limits": RateLimits(enabled=False),
        "prepare_tables": False,
        "query": QueryLimits(build_wait_seconds=300),
        "host_names": ["testserver"],  # the test client's requests come to this host
        **settings,
    }
    return create_app(ApiSettings(home=home, **options))


@pytest.fixture(scope="session")
def client(api_catalog):
    """An HTTP client of a khlang app over the test catalog (rate limits off)."""
    from fastapi.testclient import TestClient

    with TestClient(make_app(api_catalog.home)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def as_user(api_catalog):
    """`as_user("cm-editor")` -> the Authorization header of that user's API key."""

    def headers(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_catalog.keys[who]}"}

    return headers


@pytest.fixture(scope="session")
def resource_id(api_catalog):
    """`resource_id("chiang-mai-allocation")` -> the id of its CSV resource."""

    def find(dataset: str, filename: str = "allocation.csv") -> str:
        return api_catalog.resources[dataset][filename]

    return find
