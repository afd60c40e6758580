"""How listings scale, asserted on PostgreSQL's plans and statement counts rather than timings
(bench/scale.py measures 100,000 datasets; docs/scale.md has the figures): a page of the
listing walks the name index from the keyset and reads no version metadata, an
organisation's datasets come from their own index, and the search index learns that nothing
changed from one aggregate query."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from khlang.catalog import Catalog
from khlang.catalog.search import maintain as search_tables
from khlang.catalog.search.query import SearchQuery
from tests.catalog.folders import write_folder

# big_catalog (3,000 datasets copied in SQL, then ANALYZE) takes 11 s on PostgreSQL, which
# the first of these tests waits for.
pytestmark = pytest.mark.slow
COPIES = 3000
ORGANIZATIONS = 30


@pytest.fixture(scope="module")
def big_catalog(tmp_path_factory, request) -> Iterator[Catalog]:
    """One dataset published through the gate, then COPIES copies of its rows made in SQL
    (spread over ORGANIZATIONS organisations), analysed as a real catalog would be."""
    url = request.getfixturevalue("module_postgres_url")
    root = tmp_path_factory.mktemp("plans")
    with Catalog.open(root / "home", url, create=True) as catalog:
        catalog.publish(
            write_folder(root, "seed-dataset"),
            actor=_operator(),
            create_organization=True,
        )
        with catalog.engine.begin() as connection:
            connection.execute(text(_COPY_SQL), {"copies": COPIES, "orgs": ORGANIZATIONS})
            connection.execute(text("ANALYZE"))
        yield catalog


@pytest.fixture(scope="module")
def module_postgres_url(request) -> Iterator[str]:
    from khlang.catalog.database import scratch_schema

    with scratch_schema(request.getfixturevalue("postgres_server"), prefix="khlang_plans") as url:
        yield url


def _operator():
    from khlang.catalog import Principal

    return Principal.operator("tests")


_COPY_SQL = """
INSERT INTO organizations (id, name, catalog_type, created_at)
SELECT 'org-' || g, 'org-' || lpad(g::text, 3, '0'), 'agency', now()
FROM generate_series(1, :orgs) g;
INSERT INTO datasets (id, name, organization_id, lock_version, title, private, state,
                      created_at, updated_at)
SELECT 'ds-' || g, 'copy-' || lpad(g::text, 5, '0'), 'org-' || (1 + g % :orgs), 1,
       'copy ' || g, g % 20 = 0, 'active', now(), now()
FROM generate_series(1, :copies) g;
INSERT INTO dataset_versions (id, dataset_id, number, status, content_hash, metadata, author,
                              checks, created_at, published_at)
SELECT 'v-' || d.id, d.id, 1, 'published', v.content_hash,
       jsonb_set(v.metadata, '{name}', to_jsonb(d.name)), v.author, v.checks, now(), now()
FROM datasets d CROSS JOIN (SELECT * FROM dataset_versions WHERE status = 'published') v
WHERE d.id LIKE 'ds-%';
INSERT INTO resources (id, dataset_id, key, created_at)
SELECT 'r-' || d.id || '-' || r.key, d.id, r.key, now()
FROM datasets d CROSS JOIN (SELECT key FROM resources) r WHERE d.id LIKE 'ds-%';
INSERT INTO version_resources (version_id, resource_id, position, blob_sha256, filename,
                               media_type, byte_size, format, issued, modified)
SELECT 'v-' || d.id, 'r-' || d.id || '-' || r.key, l.position, l.blob_sha256, l.filename,
       l.media_type, l.byte_size, l.format, now(), now()
FROM datasets d CROSS JOIN version_resources l JOIN resources r ON r.id = l.resource_id
WHERE d.id LIKE 'ds-%';
UPDATE datasets SET current_version_id = 'v-' || id WHERE id LIKE 'ds-%';
"""


@contextmanager
def statements(catalog: Catalog) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement the catalog sends inside the block, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(catalog.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(catalog.engine, "before_cursor_execute", record)


def plan(
    catalog: Catalog, statement: str, parameters: Any, *, scan_if_cheaper: bool = True
) -> dict[str, Any]:
    """The statement's plan; with `scan_if_cheaper=False`, the plan when an index can be
    used at all (at a few thousand rows a sequential scan may cost less than any index)."""
    with catalog.engine.connect() as connection:
        raw = connection.connection.dbapi_connection.cursor()
        if not scan_if_cheaper:
            raw.execute("SET LOCAL enable_seqscan = off")
        raw.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
        found = raw.fetchone()[0]
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


def test_a_deep_keyset_page_walks_the_name_index_and_reads_no_metadata(big_catalog: Catalog):
    with statements(big_catalog) as seen:
        page = big_catalog.datasets(limit=20, after="copy-02500")
    assert [s.name for s in page][:2] == ["copy-02501", "copy-02502"]
    assert len(page) == 20
    ((statement, parameters),) = seen
    assert "metadata" not in statement  # a version's metadata is 15-40 kB: never in a listing
    found = plan(big_catalog, statement, parameters)
    assert any(n.get("Index Name") == "uq_datasets_name" for n in nodes(found)), found
    assert not any(n["Node Type"] == "Sort" for n in nodes(found)), found  # no sort of all rows


def test_an_organisations_datasets_come_from_its_index(big_catalog: Catalog):
    with statements(big_catalog) as seen:
        listed = big_catalog.datasets(organization="org-007")
    assert len(listed) == COPIES // ORGANIZATIONS - sum(
        1 for g in range(1, COPIES + 1) if 1 + g % ORGANIZATIONS == 7 and g % 20 == 0
    )
    ((statement, parameters),) = seen
    found = plan(big_catalog, statement, parameters)
    assert any(n.get("Index Name") == "ix_datasets_organization_name" for n in nodes(found)), found


@pytest.fixture(scope="module")
def searchable(big_catalog: Catalog) -> Catalog:
    """The big catalog with its search tables written (the copies were made in SQL)."""
    with big_catalog.write() as session:
        assert search_tables.rebuild(session) == COPIES + 1
    with big_catalog.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))  # as autovacuum leaves a table: index-only scans
    return big_catalog


def _used_indexes(catalog: Catalog, seen: list[tuple[str, Any]], part: str) -> set[str]:
    """The indexes of the plan of the first statement holding `part`."""
    statement = next(s for s in seen if part in s[0])
    return {n.get("Index Name") for n in nodes(plan(catalog, *statement, scan_if_cheaper=False))}


def test_a_listing_reads_its_counts_and_walks_a_byte_order_index(searchable: Catalog):
    deep = SearchQuery(sort="name", start=2800, rows=20)
    with statements(searchable) as seen:
        found = searchable.search(deep, visible_organizations=set())
    assert found.count == COPIES + 1 - COPIES // 20  # the public ones, from the kept counts
    assert found.names == sorted(found.names)
    assert found.facets["organization"]
    assert not any("unnest" in s or "count(*)" in s for s, _ in seen)  # nothing counted
    page = next(s for s in seen if "ORDER BY" in s[0])
    walked = plan(searchable, *page)
    assert "ix_search_entries_name_bytes" in {n.get("Index Name") for n in nodes(walked)}
    assert not any(n["Node Type"] == "Sort" and n.get("Plan Rows", 0) > 100 for n in nodes(walked))


def test_facet_filters_and_organisations_read_their_indexes(searchable: Catalog):
    organizations = frozenset({"org-007", "org-008"})
    with statements(searchable) as by_organization:
        found = searchable.search(
            SearchQuery(filters=[("organization", organizations)]), visible_organizations=None
        )
    with statements(searchable) as by_format:
        searchable.search(
            SearchQuery(filters=[("format", frozenset({"CSV"}))]), visible_organizations=None
        )
    assert found.count == 2 * COPIES // ORGANIZATIONS
    assert "ix_search_entries_organization" in _used_indexes(searchable, by_organization, "count(")
    assert "ix_search_entries_facets" in _used_indexes(searchable, by_format, "count(")


def test_search_reads_the_gin_index_and_follows_a_withdrawal(searchable: Catalog):
    big_catalog = searchable
    query = SearchQuery(q="00042", rows=5)  # the name, in the title column
    with statements(big_catalog) as seen:
        found = big_catalog.search(query, visible_organizations=None)
    assert found.names == ["copy-00042"]
    counting = next(s for s in seen if "count(" in s[0] and "search_entries" in s[0])
    used = {n.get("Index Name") for n in nodes(plan(big_catalog, *counting, scan_if_cheaper=False))}
    assert "ix_search_entries_words" in used, used
    everything = big_catalog.search(SearchQuery(rows=0), visible_organizations=None)
    assert everything.count == COPIES + 1
    big_catalog.withdraw("copy-00001", actor=_operator())
    after = big_catalog.search(SearchQuery(rows=0), visible_organizations=None)
    assert after.count == COPIES
    assert big_catalog.dataset_cards(["copy-00001"], visible_organizations=None) == {}


def test_counting_needs_no_version_rows(big_catalog: Catalog):
    with statements(big_catalog) as seen:
        big_catalog.count_datasets()
    ((statement, _),) = seen
    assert "dataset_versions" not in statement
    assert "metadata" not in statement
