"""Fixtures of the catalog tests. Every store test runs on both back ends, unless its module
says why one is enough: SQLite in a temporary home, and PostgreSQL in a schema of its own
(dropped afterwards, or kept as a spare for a later test: tests/postgres.py) in the database
at KHLANG_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test)."""

from __future__ import annotations

import os
import shlex
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import ckanapi
import pytest

from khlang.catalog import Catalog, Principal
from khlang.catalog.registration.settings import Target
from tests.catalog.folders import write_folder
from tests.catalog.private_kit import HELP as PRIVATE_HELP
from tests.catalog.private_kit import PrivateKit
from tests.conftest import IN_CI
from tests.migrated import Fill, MigratedStore
from tests.postgres import reachable_server, schema_url


@pytest.fixture(scope="session")
def postgres_server() -> str:
    return reachable_server()


@pytest.fixture
def postgres_schema_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database URL whose search_path is a new, empty schema."""
    with schema_url(request.getfixturevalue("postgres_server")) as url:
        yield url


ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""A test whose module says why one store is enough, on SQLite only."""
ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
"""A test whose module says why one store is enough, on PostgreSQL only."""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'home' / 'catalog.sqlite'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def catalog(
    request: pytest.FixtureRequest, home: Path, database_url: str, migrated_store: MigratedStore
) -> Iterator[Catalog]:
    """The test's new catalog, at the newest migration (seeded from the session's migrated
    store; tests/catalog/test_migrations.py migrates its own). A module whose every test
    starts from the same content names the function that puts it there, `CATALOG_FILL =
    function`: the test's catalog is then a copy of one it filled once a session."""
    fill: Fill | None = getattr(request.module, "CATALOG_FILL", None)
    migrated_store.seed(home, database_url, fill=fill)
    with Catalog.open(home, database_url, create=True) as opened:
        yield opened


def publish_folders(catalog: Catalog, *datasets: tuple[str, dict[str, Any] | None]) -> None:
    """Publish (name, metadata changes) folders of folders.py as the operator, creating the
    organisation; the folders are removed afterwards, as a fill keeps nothing outside the
    catalog."""
    with tempfile.TemporaryDirectory() as folder:
        for name, changes in datasets:
            catalog.publish(
                write_folder(Path(folder), name, changes=changes),
                actor=Principal.operator("cli:tester"),
                create_organization=True,
            )


@pytest.fixture
def operator() -> Principal:
    return Principal.operator("cli:tester")


@pytest.fixture
def publish(catalog: Catalog, operator: Principal):  # type: ignore[no-untyped-def]
    """`publish(folder, **options)` with the operator's rights, creating the organisation;
    the real gate (compliance check and validators) decides, as in production."""

    def run(folder: Path, **options):  # type: ignore[no-untyped-def]
        options.setdefault("actor", operator)
        options.setdefault("create_organization", True)
        return catalog.publish(folder, **options)

    return run


# --- the CKAN kits (../shared/ckan) ---------------------------------------------------------

PUBLIC_URL = "https://khlang.example.go.th"
PLAIN_ENV = Path(os.environ.get("KHLANG_CKAN_PLAIN_ENV", "/tmp/khlang-ckan-plain/env.sh"))
KIT_HELP = (
    "bash ../shared/ckan/up.sh; . /tmp/khlang-ckan/env.sh (and for the plain profile: "
    "KIT_PROFILE=plain WORK=/tmp/khlang-ckan-plain CKAN_PORT=15001 SOLR_PORT=18984 "
    "PG_PORT=15433 REDIS_PORT=16380 bash ../shared/ckan/up.sh), as .ci/run does"
)


class Kit(NamedTuple):
    url: str
    token: str
    profile: str


def _read_env_file(path: Path) -> dict[str, str]:
    """The variables an env.sh of the kit exports (`export NAME='value'`)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("export ") and "=" in line:
            name, _, value = line.removeprefix("export ").partition("=")
            values[name] = shlex.split(value)[0] if value else ""
    return values


def _reachable(url: str, profile: str) -> None:
    try:
        reply = ckanapi.RemoteCKAN(url).call_action(
            "status_show", {}, requests_kwargs={"timeout": 10}
        )
    except Exception as error:  # any failure means: not usable here
        pytest.skip(
            f"the {profile} CKAN kit at {url} does not answer ({error}); start it: {KIT_HELP}"
        )
    assert reply.get("ckan_version"), reply


@pytest.fixture(scope="session")
def gdc_kit() -> Kit:
    url, token = os.environ.get("CKAN_URL"), os.environ.get("CKAN_TOKEN")
    if not url or not token:
        pytest.skip(f"CKAN_URL/CKAN_TOKEN are unset: no CKAN kit to register to; {KIT_HELP}")
    profile = os.environ.get("CKAN_KIT_PROFILE", "gdc")
    if profile != "gdc":
        pytest.skip(f"CKAN_URL is a {profile} kit; these tests need the gdc one: {KIT_HELP}")
    _reachable(url, "gdc")
    return Kit(url, token, "gdc")


@pytest.fixture(scope="session")
def plain_kit() -> Kit:
    if not PLAIN_ENV.is_file():
        pytest.skip(f"no plain-profile CKAN kit ({PLAIN_ENV} is missing): {KIT_HELP}")
    values = _read_env_file(PLAIN_ENV)
    if values.get("CKAN_KIT_PROFILE") != "plain":
        pytest.skip(f"{PLAIN_ENV} is not a plain-profile kit: {KIT_HELP}")
    _reachable(values["CKAN_URL"], "plain")
    return Kit(values["CKAN_URL"], values["CKAN_TOKEN"], "plain")


@pytest.fixture(scope="session")
def private_kit(shared_dir: Path) -> Iterator[PrivateKit]:
    """A gdc kit of this test session's own, which a test may stop and restart
    (private_kit.py). Started here under CI, or when it has been built before (a warm start
    takes seconds); stopped afterwards if this session started it. Only one test uses it,
    so no two xdist workers share it."""
    kit = PrivateKit(shared_dir / "ckan")
    was_running = kit.web_pid() is not None
    if not was_running:
        if not IN_CI and not kit.built:
            pytest.skip(f"the private CKAN kit for the outage test is not built; {PRIVATE_HELP}")
        kit.start()
    _reachable(kit.url, "private gdc")
    yield kit
    if not was_running:
        kit.stop()


@pytest.fixture
def unique() -> str:
    """A short random suffix: the kit is shared, so every name and title must be new."""
    return uuid.uuid4().hex[:8]


@pytest.fixture
def make_target(monkeypatch: pytest.MonkeyPatch, unique: str):  # type: ignore[no-untyped-def]
    """`make_target(kit, **settings)` -> a Target whose token is in its own variable."""

    def make(kit: Kit, *, url: str | None = None, token: str | None = None, **settings):  # type: ignore[no-untyped-def]
        variable = f"KHLANG_TEST_TOKEN_{uuid.uuid4().hex[:8].upper()}"
        monkeypatch.setenv(variable, kit.token if token is None else token)
        settings.setdefault("public_url", PUBLIC_URL)
        settings.setdefault("profile", "gdc" if kit.profile == "gdc" else "ckan")
        settings.setdefault("backoff", 0)
        return Target(
            name=f"kit-{kit.profile}-{unique}", url=url or kit.url, token_env=variable, **settings
        )

    return make
