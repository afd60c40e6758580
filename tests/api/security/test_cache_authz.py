"""Authorization is part of every cache key: the authorization matrix again, with the
caches warm. Each principal reads right after another one read the same thing (within the
seconds `ApiState.remember` keeps answers), in every order: a sysadmin first, then each
narrower principal, and the narrower ones first, then the sysadmin. The narrowest is the
sysadmin's own key narrowed to a member of one organisation it holds no role in, which
must see only what the public sees."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from khlang.catalog import Catalog
from khlang.errors import KhlangError
from tests.api.authz_doors import (
    DATASETS,
    KEY_OF,
    OPERATOR,
    World,
    api_dataset,
    api_rows_and_files,
    build_world,
    ckan_show,
)
from tests.api.conftest import make_app
from tests.api.test_authz_matrix import SEES, expected_of

NARROWED = "root-narrowed"
"""The sysadmin user's key narrowed to a member of cm-office (where it holds no role)."""
DOORS = {"api dataset": api_dataset, "rows and files": api_rows_and_files, "ckan": ckan_show}
EXPECTED = {**expected_of(SEES), NARROWED: expected_of(SEES)["anonymous"]}


@pytest.fixture(scope="module")
def world(tmp_path_factory, api_catalog_template) -> Iterator[World]:
    root = tmp_path_factory.mktemp("cache-authz")
    built = build_world(root, template=api_catalog_template)
    with Catalog.open(built.home) as catalog:
        built.keys[NARROWED] = catalog.accounts.create_key(
            "root", actor=OPERATOR, organization="cm-office", role="member"
        )[1]
    with TestClient(make_app(built.home)) as client:
        # answers=None: every read is asked of the server, none is remembered by the test
        yield World(built, client, root, None, None)


def _orders() -> list[tuple[str, ...]]:
    narrower = [who for who in [*KEY_OF, NARROWED] if who != "sysadmin"]
    pairs = [("sysadmin", who) for who in narrower] + [(who, "sysadmin") for who in narrower]
    return pairs + list(itertools.permutations(["anonymous", "a-member", NARROWED, "b-scoped"]))


@pytest.mark.slow
@pytest.mark.parametrize("door", list(DOORS))
def test_warm_caches_never_widen_what_a_principal_sees(world: World, door: str) -> None:
    read = DOORS[door]
    wrong = []
    for order in _orders():
        for column, dataset in DATASETS.items():
            for who in order:
                if read(world, who, dataset) != EXPECTED[who][column]:
                    wrong.append((order, who, column))
    assert not wrong, door


@pytest.mark.parametrize("name", ["anonymous", "khlang-api", "sysadmin"])
@pytest.mark.slow
def test_reserved_names_cannot_become_users(api_catalog, name) -> None:
    with Catalog.open(api_catalog.home) as catalog, pytest.raises(KhlangError) as refused:
        catalog.accounts.create_user(name, actor=OPERATOR, sysadmin=True)
    assert "reserved" in refused.value.message.en
