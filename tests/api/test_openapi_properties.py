"""Every operation of the API, fed requests generated from its OpenAPI description,
anonymously and with an editor's key: no 5xx, and every answer is one the description
documents (status code, media type, body). A bounded, reproducible run; bench/fuzz.py runs
the long campaign."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient

from khlang.catalog import Catalog
from tests.api.catalog_fixture import copy_of
from tests.api.conftest import make_app
from tests.api.openapi_campaign import PRINCIPALS, Outcome, operations, run
from tests.conftest import IN_CI

# Generated cases per operation and principal (47 x 2 tests). CI (KHLANG_CI=1) keeps the full
# 20; elsewhere, as in the quick loop, 8 (the same seed; about 12 s of CPU less). bench/fuzz.py
# runs the long campaign.
EXAMPLES = 20 if IN_CI else 8
SEED = 2567


@pytest.fixture(scope="module")
def world(tmp_path_factory, api_catalog_template):
    """A catalog of its own: the write operations run for real, with generated uploads."""
    built = copy_of(api_catalog_template, tmp_path_factory.mktemp("openapi-catalog"))
    app = make_app(built.home)
    with TestClient(app):  # runs the app's start-up, as a server would
        yield app, built


@pytest.fixture(scope="module")
def described(world) -> dict[str, schemathesis.APIOperation]:
    """The app's operations by label, read from its description once for the module (each
    test generates its own cases from its operation)."""
    app, _ = world
    found = list(operations(app))
    by_label = {operation.label: operation for operation in found}
    assert len(by_label) == len(found), "two operations share a label"
    return by_label


def _labels() -> list[str]:
    """The operations, read at collection time from an app over an empty catalog."""
    with tempfile.TemporaryDirectory(prefix="khlang-openapi-") as home:
        Catalog.open(Path(home), create=True).close()
        app = make_app(Path(home))
        paths = app.openapi()["paths"]
    return sorted(f"{method.upper()} {path}" for path, item in paths.items() for method in item)


@pytest.mark.slow
def test_every_operation_is_covered(world) -> None:
    app, _ = world
    described = {operation.label for operation in operations(app)}
    assert described == set(_labels())
    assert len(described) >= 20


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("label", _labels())
def test_answers_match_the_description(world, described, label: str, principal: str) -> None:
    _, built = world
    headers = (
        {"Authorization": f"Bearer {built.keys[principal]}"} if principal in built.keys else {}
    )
    operation = described[label]
    outcome = Outcome()
    run(operation, headers, examples=EXAMPLES, run_seed=SEED, outcome=outcome)
    assert outcome.total > 0
    assert not outcome.failures, "\n".join(next(iter(outcome.failures.values())))
