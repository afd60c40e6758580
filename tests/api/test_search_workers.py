"""Two API workers on one PostgreSQL catalog: a publish through one is found by the other's
next search (issue 19: within 2 s), since the search is in the catalog's database and the
publish transaction writes it; a withdrawal through one is gone from the other's search."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.catalog_fixture import dataset_folder, seeded
from tests.api.conftest import make_app
from tests.api.test_http_publish import _post, _zip
from tests.migrated import MigratedStore
from tests.postgres import reachable_server, schema_url

API = "/api/v1"
SEARCHABLE_WITHIN = 2.0


@pytest.fixture(scope="module")
def workers(
    tmp_path_factory, migrated_store: MigratedStore
) -> Iterator[tuple[Any, TestClient, TestClient]]:
    root = tmp_path_factory.mktemp("workers")
    with schema_url(reachable_server()) as url:
        built = seeded(root, url, migrated_store)
        with (
            TestClient(make_app(built.home, database_url=url)) as first,
            TestClient(make_app(built.home, database_url=url)) as second,
        ):
            yield built, first, second


def _found(client: TestClient, q: str) -> list[str]:
    response = client.get(f"{API}/datasets", params={"q": q})
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["results"]]


def _until(condition, seconds: float) -> float:
    """Seconds until `condition()` held (asked at once, then every 50 ms), or a failure."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_publish_on_one_worker_is_found_by_the_other(workers, tmp_path) -> None:
    built, first, second = workers
    assert _found(second, "ทุ่งกุลาร้องไห้") == []
    folder = dataset_folder(
        tmp_path,
        "thung-kula-budget",
        organization="cm-office",
        title="งบประมาณโครงการทุ่งกุลาร้องไห้",
        title_en="Thung Kula Ronghai project budget",
    )
    editor = {"Authorization": f"Bearer {built.keys['cm-editor']}"}
    response = _post(first, _zip(folder), editor)
    assert response.status_code in (200, 201), response.text
    _until(lambda: _found(second, "ทุ่งกุลาร้องไห้") == ["thung-kula-budget"], SEARCHABLE_WITHIN)
    assert _found(second, "Thung Kula") == ["thung-kula-budget"]

    withdrawn = first.post(f"{API}/datasets/thung-kula-budget/withdraw", headers=editor)
    assert withdrawn.status_code == 200, withdrawn.text
    _until(lambda: _found(second, "ทุ่งกุลาร้องไห้") == [], SEARCHABLE_WITHIN)


def test_neither_worker_counts_a_private_dataset_for_anonymous_callers(workers) -> None:
    built, first, second = workers
    for client in (first, second):
        anonymous = client.get(f"{API}/datasets", params={"q": "แผนงบประมาณภายใน"}).json()
        assert anonymous["count"] == 0
        member = client.get(
            f"{API}/datasets",
            params={"q": "แผนงบประมาณภายใน"},
            headers={"Authorization": f"Bearer {built.keys['cm-member']}"},
        ).json()
        assert [item["name"] for item in member["results"]] == ["cm-private-plan"]
