"""The authorization matrix (issue 8): who may see and change which dataset, through every
door khlang has: the JSON API, the CKAN-compatible API, the web pages, the DCAT feeds, the
files, the row queries and the command line.

Principals: anonymous; a member, an editor and an admin of organisation A (cm-office); an
editor of organisation B (nn-office), the mirror image; an admin of both whose key is
scoped to B with the member role (b-scoped); a sysadmin. Datasets: a public and a
private one in each organisation. The expected outcome of every cell is written out in the
tables below and every cell is asserted; a failure prints the whole observed table beside
the expected one. The read tables run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select

from khlang.catalog import NotFoundError
from khlang.cli import main
from tests.api.authz_doors import (
    API,
    CKAN,
    DATASETS,
    KEY_OF,
    OPERATOR,
    SECRET_TAG,
    Data,
    World,
    agree,
    api_dataset,
    api_feeds,
    api_get,
    api_organization,
    api_rows_and_files,
    api_rows_and_files_under_another_name,
    api_search,
    build_world,
    ckan_call,
    ckan_public,
    ckan_search_as_caller,
    ckan_show,
    dcat_urls,
    mentions,
    web_pages,
)  # fmt: skip
from tests.api.catalog_fixture import dataset_folder
from tests.api.conftest import make_app
from tests.api.sample import rows
from tests.api.server import running_khlang
from tests.api.test_http_publish import _zip
from tests.migrated import MigratedStore
from tests.postgres import reachable_server, schema_url


def table(text: str) -> dict[str, dict[str, str]]:
    """A table written as text (a header row of column names, then one row per principal)
    -> {row: {column: cell}}."""
    header, *lines = [line.split() for line in text.strip().splitlines()]
    return {line[0]: dict(zip(header, line[1:], strict=True)) for line in lines}


# --- what each principal may see ----------------------------------------------------------

# Every read that answers as the caller (API, CKAN with include_private, files, rows, CLI).
SEES = table("""
                A-public  A-private  B-public  B-private
    anonymous     yes       no         yes       no
    a-member      yes       yes        yes       no
    a-editor      yes       yes        yes       no
    a-admin       yes       yes        yes       no
    b-editor      yes       no         yes       yes
    b-scoped      yes       no         yes       yes
    sysadmin      yes       yes        yes       yes
""")
# Reads that answer as an anonymous visitor whoever asks (web pages, sitemap, CKAN
# package_list and package_search without include_private, scores shown beside public data):
# a key never widens them, so they can be cached and shared.
PUBLIC = table("""
                A-public  A-private  B-public  B-private
    anonymous     yes       no         yes       no
    a-member      yes       no         yes       no
    a-editor      yes       no         yes       no
    a-admin       yes       no         yes       no
    b-editor      yes       no         yes       no
    b-scoped      yes       no         yes       no
    sysadmin      yes       no         yes       no
""")
# A resource is only ever served under its own dataset's name.
NOBODY = {who: dict.fromkeys(DATASETS, "no") for who in SEES}

# --- what each principal may change (HTTP status of the write API) -------------------------

# version-X: a new version (changed rows) of X's public dataset; new-in-X: a new dataset in
# X; take-B-name: a new dataset of A under the name of B's dataset; withdraw-/reinstate-X.
WRITES = table("""
              version-A version-B new-in-A new-in-B take-B-name withdraw-A withdraw-B withdraw-A-priv withdraw-B-priv reinstate-A reinstate-B
    anonymous    401       401      401      401       401        401        401         401             401            401         401
    a-member     403       403      403      403       403        403        403         403             404            403         403
    a-editor     201       403      201      403       409        200        403         200             404            200         403
    a-admin      201       403      201      403       409        200        403         200             404            200         403
    b-editor     403       201      403      201       403        403        200         404             200            403         200
    b-scoped     403       403      403      403       403        403        403         404             403            403         403
    sysadmin     201       201      201      201       409        200        200         200             200            200         200
""")  # noqa: E501
# CKAN's write actions follow the same roles as the write API (CKAN's codes: 403 refused,
# 404 a private dataset the caller may not see).
CKAN_WRITES = table("""
              patch-A  patch-B  create-in-A  create-in-B  delete-A  delete-B  delete-B-priv
    anonymous   403      403        403          403         403       403         403
    a-member    403      403        403          403         403       403         404
    a-editor    200      403        200          403         200       403         404
    a-admin     200      403        200          403         200       403         404
    b-editor    403      200        403          200         403       200         200
    b-scoped    403      403        403          403         403       403         403
    sysadmin    200      200        200          200         200       200         200
""")
# Actions khlang does not offer: refused for everyone, a sysadmin too.
CKAN_ABSENT_ACTIONS = ("dataset_purge", "resource_update", "resource_delete",
                       "organization_member_create", "member_create")  # fmt: skip
# The command line with --api-key (exit codes: 0 done, 1 refused, 2 not found / bad key);
# without a key it is the operator at the machine, who may do everything. (An admin's key
# acts as an editor's here, as in the table above.)
CLI_WRITES = table("""
                 add-A  add-B  withdraw-A  withdraw-B  withdraw-B-priv  reinstate-A
    a-member       1      1        1           1             2              1
    a-editor       0      1        0           1             2              0
    b-editor       1      0        1           0             0              1
    b-scoped       1      1        1           1             1              1
    sysadmin       0      0        0           0             0              0
    operator       0      0        0           0             0              0
    revoked        2      2        2           2             2              2
""")


def expected_of(matrix: dict[str, dict[str, str]]) -> dict[str, dict[str, bool]]:
    return {who: {d: cell == "yes" for d, cell in row.items()} for who, row in matrix.items()}


# --- the catalogs -------------------------------------------------------------------------


def _serve(
    root: Path,
    database_url: str | None,
    *,
    read_only: bool,
    template: Path | None = None,
    store: MigratedStore | None = None,
) -> Iterator[World]:
    built = build_world(root, database_url, template=template, store=store)
    with TestClient(make_app(built.home, database_url=database_url)) as client:
        yield World(built, client, root, database_url, {} if read_only else None)


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory, api_catalog_template) -> Iterator[World]:
    root = tmp_path_factory.mktemp("authz-sqlite")
    yield from _serve(root, None, read_only=True, template=api_catalog_template)


@pytest.fixture(scope="module")
def postgresql_world(tmp_path_factory, migrated_store: MigratedStore) -> Iterator[World]:
    with schema_url(reachable_server()) as url:
        root = tmp_path_factory.mktemp("authz-postgresql")
        yield from _serve(root, url, read_only=True, store=migrated_store)


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest) -> World:
    """The catalog the read tables run on (`sqlite` or `postgresql`); they change nothing."""
    return request.getfixturevalue(f"{request.param}_world")


@pytest.fixture(scope="module")
def writable(tmp_path_factory, api_catalog_template) -> Iterator[World]:
    """A catalog of its own for the write tables, which change it."""
    root = tmp_path_factory.mktemp("authz-writes")
    yield from _serve(root, None, read_only=False, template=api_catalog_template)


BACKENDS = pytest.mark.parametrize("world", ["sqlite", "postgresql"], indirect=True)


# --- reading: every door, every principal, every dataset ------------------------------------


SQLITE, BOTH = ("sqlite",), ("sqlite", "postgresql")
# door -> (what the door shows of a dataset, the expected table, the back ends it runs on).
# PostgreSQL runs the doors whose answers come from the catalog's own queries; files, rows,
# feeds and pages are built from the same answers whatever the back end.
READS: dict[str, tuple[Callable[[World, str, Data], bool], dict, tuple[str, ...]]] = {
    "api search (listing, organisation filter, title words)": (api_search, SEES, BOTH),
    "api dataset, versions, compliance, metadata json/ttl/jsonld, datapackage": (
        api_dataset,
        SEES,
        BOTH,
    ),
    "api organisation's datasets": (api_organization, SEES, BOTH),
    "ckan package_show, resource_show, datastore_search": (ckan_show, SEES, BOTH),
    "ckan package_search include_private, organization_show": (
        ckan_search_as_caller,
        SEES,
        BOTH,
    ),
    "ckan package_search, package_list": (ckan_public, PUBLIC, BOTH),
    "api resource, openapi, rows, aggregate, downloads, published files": (
        api_rows_and_files,
        SEES,
        SQLITE,
    ),
    "the same under a visible dataset's name": (
        api_rows_and_files_under_another_name,
        NOBODY,
        SQLITE,
    ),
    "api DCAT feeds catalog.ttl/jsonld": (api_feeds, SEES, SQLITE),
    "DCAT at ckanext-dcat's URLs and by Accept": (dcat_urls, SEES, SQLITE),
    "web pages, search, organisation, sitemap, home": (web_pages, PUBLIC, SQLITE),
}


@pytest.mark.parametrize(
    ("world", "door"),
    [(backend, door) for door, (*_, backends) in READS.items() for backend in backends],
    indirect=["world"],
)
@pytest.mark.slow
def test_who_sees_what(world: World, door: str) -> None:
    read, expected, _ = READS[door]
    observed = {
        who: {column: read(world, who, d) for column, d in DATASETS.items()} for who in KEY_OF
    }
    assert observed == expected_of(expected), door


def _facet(body: dict, facet: str) -> dict[str, int]:
    return {item["value"]: item["count"] for item in body["facets"][facet]["items"]}


def _counts(w: World, who: str) -> dict[str, object]:
    """Every count and facet a caller is told, and what public pages say."""
    api = api_get(w, who, f"{API}/datasets", size=0).json()
    ckan = ckan_call(
        w, who, "package_search", include_private=True, rows=0,
        **{"facet.field": ["organization", "tags", "data_category"]},
    ).json()["result"]  # fmt: skip
    organizations = {
        org: ckan_call(w, who, "organization_show", id=org).json()["result"]["package_count"]
        for org in ("cm-office", "nn-office")
    }
    listed = ckan_call(w, who, "organization_list", all_fields=True).json()["result"]
    scores = {
        org: api_get(w, who, f"{API}/organizations/{org}").json()["budget_bureau"]
        for org in ("cm-office", "nn-office")
    }
    compliance = "".join(
        api_get(w, who, f"{API}/datasets/{d.name}/compliance").text
        for d in DATASETS.values()
        if not d.private
    )
    public_texts = json.dumps(scores, ensure_ascii=False) + compliance
    return {
        "api count": api["count"],
        "api organisation facet": _facet(api, "organization"),
        "api internal-data facet": _facet(api, "data_category").get("ข้อมูลใช้ภายใน", 0),
        "api secret tag facet": _facet(api, "tags").get(SECRET_TAG, 0),
        "ckan count": ckan["count"],
        "ckan organisation facet": ckan["facets"]["organization"],
        "ckan secret tag facet": ckan["facets"]["tags"].get(SECRET_TAG, 0),
        "ckan organization_show package_count": organizations,
        "ckan organization_list package_count": {o["name"]: o["package_count"] for o in listed},
        "ckan public count": ckan_call(w, who, "package_search").json()["result"]["count"],
        "ckan tag_list has the secret tag": SECRET_TAG in ckan_call(w, who, "tag_list").text,
        "score dataset counts": {org: score["dataset_count"] for org, score in scores.items()},
        "scores or compliance name a private dataset": any(
            mentions(public_texts, d) for d in DATASETS.values() if d.private
        ),
    }


def _expected_counts(who: str) -> dict[str, object]:
    seen = [d for column, d in DATASETS.items() if SEES[who][column] == "yes"]
    public = [d for d in DATASETS.values() if not d.private]

    def per_organization(datasets: list[Data]) -> dict[str, int]:
        return {
            org: sum(d.organization == org for d in datasets) for org in ("cm-office", "nn-office")
        }

    secret = int(SEES[who]["B-private"] == "yes")
    return {
        "api count": len(seen),
        "api organisation facet": per_organization(seen),
        "api internal-data facet": sum(d.private for d in seen),
        "api secret tag facet": secret,
        "ckan count": len(seen),
        "ckan organisation facet": per_organization(seen),
        "ckan secret tag facet": secret,
        "ckan organization_show package_count": per_organization(seen),
        "ckan organization_list package_count": per_organization(public),
        "ckan public count": len(public),
        "ckan tag_list has the secret tag": False,
        "score dataset counts": per_organization(public),
        "scores or compliance name a private dataset": False,
    }


@BACKENDS
@pytest.mark.parametrize("who", KEY_OF)
def test_counts_and_facets_count_only_what_the_caller_sees(world: World, who: str) -> None:
    assert _counts(world, who) == _expected_counts(who)


# --- writing: the write API, the CKAN API and the command line ------------------------------


class Shape(NamedTuple):
    """What a write may change: a dataset's organisation, version and state."""

    organization: str | None
    version: int | None
    state: str | None


def _shape(w: World, name: str) -> Shape:
    catalog = w.client.app.state.khlang.catalog
    try:
        record = catalog.dataset(name, viewer=OPERATOR)
    except NotFoundError:
        return Shape(None, None, None)
    return Shape(record.organization, record.version, record.state)


_seeds = itertools.count(1000)


def _folder(w: World, who: str, name: str, organization: str) -> Path:
    """A dataset folder with rows never published before, so a publish is a new version."""
    known = next((d for d in DATASETS.values() if d.name == name), None)
    return dataset_folder(
        w.root / "uploads" / who,
        name,
        organization=organization,
        title=known.title if known else f"งบประมาณทดสอบ {name}",
        title_en=f"Test budget {name}",
        private=known.private if known else False,
        data=rows(count=12, seed=next(_seeds)),
    )


def _restore(w: World, name: str) -> None:
    if _shape(w, name).state == "withdrawn":
        w.client.app.state.khlang.catalog.reinstate(name, actor=OPERATOR)


def _checked(w: World, who: str, kind: str, name: str, organization: str | None,
             run: Callable[[], int], done: set[int]) -> int:  # fmt: skip
    """Run one write and check that it changed exactly what its answer says: a new version,
    a new dataset or a new state when it succeeded, nothing at all when it was refused."""
    if kind == "reinstate":
        w.client.app.state.khlang.catalog.withdraw(name, actor=OPERATOR)
    before = _shape(w, name)
    code = run()
    after = _shape(w, name)
    succeeded = {
        "version": before._replace(version=(before.version or 0) + 1),
        "new": Shape(organization, 1, "active"),
        "withdraw": before._replace(state="withdrawn"),
        "reinstate": before._replace(state="active"),
    }[kind]
    expected = succeeded if code in done else before
    assert after == expected, f"{who} {kind} {name}: answered {code}, went {before} -> {after}"
    _restore(w, name)
    return code


# column -> (kind, dataset (or None: a new one), organisation of the uploaded folder)
API_WRITES = {
    "version-A": ("version", "A-public", "cm-office"),
    "version-B": ("version", "B-public", "nn-office"),
    "new-in-A": ("new", None, "cm-office"),
    "new-in-B": ("new", None, "nn-office"),
    "take-B-name": ("version", "B-public", "cm-office"),
    "withdraw-A": ("withdraw", "A-public", None),
    "withdraw-B": ("withdraw", "B-public", None),
    "withdraw-A-priv": ("withdraw", "A-private", None),
    "withdraw-B-priv": ("withdraw", "B-private", None),
    "reinstate-A": ("reinstate", "A-public", None),
    "reinstate-B": ("reinstate", "B-public", None),
}


def _api_write(w: World, who: str, column: str) -> int:
    kind, dataset, organization = API_WRITES[column]
    name = DATASETS[dataset].name if dataset else f"new-{who}-{column[-1].lower()}"
    headers = w.headers(who)

    def run() -> int:
        if kind in ("withdraw", "reinstate"):
            return w.client.post(f"{API}/datasets/{name}/{kind}", headers=headers).status_code
        body = _zip(_folder(w, who, name, organization))
        upload = {**headers, "Content-Type": "application/zip"}
        if kind == "new" or column == "take-B-name":
            return w.client.post(f"{API}/datasets", content=body, headers=upload).status_code
        return w.client.put(f"{API}/datasets/{name}", content=body, headers=upload).status_code

    return _checked(w, who, kind, name, organization, run, {200, 201})


@pytest.mark.slow
def test_who_changes_what_through_the_api(writable: World) -> None:
    observed = {
        who: {column: str(_api_write(writable, who, column)) for column in API_WRITES}
        for who in KEY_OF
    }
    assert observed == WRITES


# column -> (kind, dataset (or None: a new one), organisation)
CKAN_COLUMNS = {
    "patch-A": ("version", "A-public", "cm-office"),
    "patch-B": ("version", "B-public", "nn-office"),
    "create-in-A": ("new", None, "cm-office"),
    "create-in-B": ("new", None, "nn-office"),
    "delete-A": ("withdraw", "A-public", None),
    "delete-B": ("withdraw", "B-public", None),
    "delete-B-priv": ("withdraw", "B-private", None),
}


def _ckan_write(w: World, who: str, column: str, template: dict) -> int:
    kind, dataset, organization = CKAN_COLUMNS[column]
    name = DATASETS[dataset].name if dataset else f"ckan-{who}-{column[-1].lower()}"

    def run() -> int:
        if kind == "withdraw":
            return ckan_call(w, who, "package_delete", id=name).status_code
        if kind == "version":
            return ckan_call(w, who, "package_patch", id=name, notes=f"by {who}").status_code
        package = {**template, "name": name, "title": f"สร้างผ่าน CKAN {who} {column}",
                   "owner_org": organization}  # fmt: skip
        return ckan_call(w, who, "package_create", **package).status_code

    return _checked(w, who, kind, name, organization, run, {200})


@pytest.mark.slow
def test_who_changes_what_through_the_ckan_api(writable: World) -> None:
    """package_patch, package_create and package_delete follow the same roles as khlang's
    write API, and change exactly what their answer says."""
    shown = ckan_call(writable, "sysadmin", "package_show", id=DATASETS["A-public"].name)
    template = {key: value for key, value in shown.json()["result"].items()
                if key not in ("id", "name", "title", "owner_org", "organization")}  # fmt: skip
    observed = {
        who: {column: str(_ckan_write(writable, who, column, template)) for column in CKAN_COLUMNS}
        for who in KEY_OF
    }
    assert observed == CKAN_WRITES


def test_ckan_actions_khlang_does_not_offer_change_nothing(writable: World) -> None:
    before = {d.name: _shape(writable, d.name) for d in DATASETS.values()}
    target = DATASETS["A-public"]
    payload = {"id": target.name, "name": "ckan-made", "owner_org": "cm-office",
               "title": "ckan-made", "package_id": target.name, "private": False,
               "user": "cm-member", "object": "cm-member", "role": "admin"}  # fmt: skip
    for who in KEY_OF:
        for action in CKAN_ABSENT_ACTIONS:
            response = ckan_call(writable, who, action, **payload)
            assert response.status_code == 400, (who, action, response.text)
            assert response.json()["error"]["__type"] == "Bad request"
    assert {d.name: _shape(writable, d.name) for d in DATASETS.values()} == before
    assert _shape(writable, "ckan-made") == Shape(None, None, None)


@pytest.mark.parametrize(
    ("who", "organization", "told"),
    [("b-editor", "nn-office", False), ("a-editor", "cm-office", True)],
)
def test_refusals_name_a_private_dataset_only_to_who_may_see_it(
    writable: World, who: str, organization: str, told: bool
) -> None:
    """Taking the title of A's private dataset is refused; the refusal names that dataset
    only to a publisher who may see it. Its name is refused to another organisation
    without saying whose it is."""
    secret = DATASETS["A-private"]
    upload = {**writable.headers(who), "Content-Type": "application/zip"}
    same_title = dataset_folder(
        writable.root / "uploads" / who, f"title-of-{who}", organization=organization,
        title=secret.title, title_en="A copied title", data=rows(count=30, seed=next(_seeds)),
    )  # fmt: skip
    response = writable.client.post(f"{API}/datasets", content=_zip(same_title), headers=upload)
    assert response.status_code == 422, response.text
    assert (secret.name in response.text) is told, response.text
    if not told:
        taken = _folder(writable, who, secret.name, organization)
        response = writable.client.post(f"{API}/datasets", content=_zip(taken), headers=upload)
        assert response.status_code == 409, response.text
        assert "another organisation" in response.text
        assert secret.organization not in response.text


# --- the command line, acting as a key's user -----------------------------------------------


def _cli(w: World, monkeypatch: pytest.MonkeyPatch, capsys) -> Callable[..., tuple[int, str]]:  # type: ignore[no-untyped-def]
    """`run(who, "catalog", "list")` -> (exit code, stdout): `khlang` through its entry point,
    in this process, with `--api-key` of `who` (none for the operator)."""
    monkeypatch.setenv("KHLANG_HOME", str(w.built.home))
    monkeypatch.delenv("KHLANG_API_KEY", raising=False)
    if w.database_url:
        monkeypatch.setenv("KHLANG_DATABASE_URL", w.database_url)
    else:
        monkeypatch.delenv("KHLANG_DATABASE_URL", raising=False)

    def run(who: str, *args: str) -> tuple[int, str]:
        key = KEY_OF.get(who, who)
        extra = ["--api-key", w.built.keys[key]] if who != "operator" else []
        monkeypatch.setattr(sys, "argv", ["khlang", *args, *extra])
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        return code, capsys.readouterr().out

    return run


@BACKENDS
@pytest.mark.slow
def test_who_sees_what_on_the_command_line(world: World, monkeypatch, capsys) -> None:
    run = _cli(world, monkeypatch, capsys)
    observed = {}
    for who in [*KEY_OF, "operator"][1:]:
        code, out = run(who, "catalog", "list", "--format", "json")
        assert code == 0, out
        listed = {item["name"] for item in json.loads(out)}
        observed[who] = {
            column: agree(
                d.name in listed,
                run(who, "catalog", "show", d.name)[0] == 0,
            )
            for column, d in DATASETS.items()
        }
    expected = {**expected_of(SEES), "operator": dict.fromkeys(DATASETS, True)}
    del expected["anonymous"]
    assert observed == expected


# column -> (kind, dataset)
CLI_WRITE_COLUMNS = {
    "add-A": ("version", "A-public"),
    "add-B": ("version", "B-public"),
    "withdraw-A": ("withdraw", "A-public"),
    "withdraw-B": ("withdraw", "B-public"),
    "withdraw-B-priv": ("withdraw", "B-private"),
    "reinstate-A": ("reinstate", "A-public"),
}


@pytest.mark.slow
def test_who_changes_what_on_the_command_line(writable: World, monkeypatch, capsys) -> None:
    accounts = writable.client.app.state.khlang.catalog.accounts
    record, writable.built.keys["revoked"] = accounts.create_key("cm-editor", actor=OPERATOR)
    accounts.revoke_key(record.id, actor=OPERATOR)
    run = _cli(writable, monkeypatch, capsys)

    def write(who: str, column: str) -> str:
        kind, dataset = CLI_WRITE_COLUMNS[column]
        d = DATASETS[dataset]
        if kind == "version":
            folder = _folder(writable, who, d.name, d.organization)
            command = ("catalog", "add", str(folder))
        else:
            command = ("catalog", kind, d.name)
        code = _checked(writable, who, kind, d.name, d.organization,
                        lambda: run(who, *command)[0], {0})  # fmt: skip
        return str(code)

    observed = {
        who: {column: write(who, column) for column in CLI_WRITE_COLUMNS} for who in CLI_WRITES
    }
    assert observed == CLI_WRITES


# --- API keys -------------------------------------------------------------------------------


@BACKENDS
def test_api_keys_are_stored_only_as_hashes(world: World) -> None:
    """No table, row or column holds a token; every key's SHA-256 is there (so the scan
    reads what it must). On SQLite the database's bytes on disk are searched too."""
    tokens = list(world.built.keys.values())
    engine = world.client.app.state.khlang.catalog.engine
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        stored = "\n".join(
            repr(tuple(row))
            for t in metadata.tables.values()
            for row in connection.execute(select(t))
        )
    assert [token for token in tokens if token in stored] == []
    assert all(hashlib.sha256(token.encode()).hexdigest() in stored for token in tokens)
    if world.database_url is None:
        files = sorted(world.built.home.glob("catalog.sqlite*"))
        assert files
        raw = b"".join(path.read_bytes() for path in files)
        assert [token for token in tokens if token.encode() in raw] == []


@pytest.mark.slow
def test_a_running_server_refuses_a_key_at_once_when_revoked_expired_or_disabled(
    writable: World, monkeypatch, capsys
) -> None:
    accounts = writable.client.app.state.khlang.catalog.accounts
    accounts.create_user("temp-member", actor=OPERATOR)
    accounts.set_member("cm-office", "temp-member", "member", actor=OPERATOR)
    to_revoke, revoke_token = accounts.create_key("cm-member", actor=OPERATOR)
    _, disable_token = accounts.create_key("temp-member", actor=OPERATOR)
    run = _cli(writable, monkeypatch, capsys)
    private = DATASETS["A-private"].name

    with running_khlang(writable.built.home) as url:

        def answers(token: str) -> tuple[int, int]:
            headers = {"Authorization": f"Bearer {token}"}
            api = httpx.get(f"{url}{API}/datasets/{private}", headers=headers, timeout=30)
            ckan = httpx.get(f"{url}{CKAN}/package_show", params={"id": private},
                             headers=headers, timeout=30)  # fmt: skip
            return api.status_code, ckan.status_code

        expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
        _, expire_token = accounts.create_key("cm-member", actor=OPERATOR, expires_at=expires)
        for token in (expire_token, revoke_token, disable_token):
            assert answers(token) == (200, 200)
        assert run("operator", "catalog", "key", "revoke", to_revoke.id)[0] == 0
        assert answers(revoke_token) == (401, 401)
        assert run("operator", "catalog", "user", "disable", "temp-member")[0] == 0
        assert answers(disable_token) == (401, 401)
        time.sleep(max(0.0, (expires - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
        assert answers(expire_token) == (401, 401)
    for name, token in (("revoked", revoke_token), ("disabled", disable_token),
                        ("expired", expire_token)):  # fmt: skip
        writable.built.keys[f"{name}-key"] = token
        assert run(f"{name}-key", "catalog", "list")[0] == 2, name
