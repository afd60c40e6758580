"""Hostile text in every metadata field (issue 8): the corpus is generated from the dataset
file itself, one case per text value in it (every field, tag, resource field and nested
value), with HTML and script, and path traversal where a value names a file or a URL.

Each case is published for real. khlang either refuses it with an error naming the field,
and then nothing stored changes (datasets, versions, files on disk), or publishes it, and
then no page, feed, sitemap or JSON-LD block shows the text as live markup."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ruamel.yaml import YAML

from khlang.catalog import Catalog
from khlang.errors import KhlangError
from tests.api.catalog_fixture import OPERATOR, dataset_folder
from tests.api.conftest import make_app

# The corpus is ~70 publishes through the real gate, 9 s of CPU, which every test here waits for.
pytestmark = pytest.mark.slow
Path_ = tuple[str | int, ...]
TRAVERSALS = ("../../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "..%2f..%2fsecret")


def _hostile(mark: str) -> str:
    return f'<script>alert("{mark}")</script><img src=x onerror="alert(\'{mark}\')">&"\''


def _leaves(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Where the document holds text: every string, however deep."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif isinstance(value, str):
        yield path


def _set(document: Any, path: Path_, value: str) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _cases(metadata: dict) -> Iterator[tuple[str, Path_, str]]:
    """(case id, where, value): script in every text value; traversal in paths and URLs."""
    for number, path in enumerate(_leaves(metadata)):
        mark = f"khlang-xss-{number}"
        yield mark, path, _hostile(mark)
        if path[-1] in ("path", "url", "schema", "email"):
            for index, traversal in enumerate(TRAVERSALS):
                yield f"khlang-path-{number}-{index}", path, traversal


def _stored(catalog: Catalog, home: Path) -> tuple[Any, ...]:
    """What a refused publish must leave as it was."""
    listing = [(d.name, d.version) for d in catalog.datasets(viewer=OPERATOR)]
    files = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    files = [f for f in files if not f.startswith(("catalog.sqlite", "tables/", "search"))]
    return listing, files


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, dict[str, str], dict[str, str]]:
    root = tmp_path_factory.mktemp("hostile")
    home = root / "home"
    template = dataset_folder(
        root, "hostile-base", organization="cm-office", title="งบประมาณ", title_en="Budget"
    )
    yaml = YAML()
    metadata = yaml.load((template / "dataset.yaml").read_text(encoding="utf-8"))
    accepted: dict[str, str] = {}
    refused: dict[str, str] = {}
    with Catalog.open(home, create=True) as catalog:
        for index, (mark, path, value) in enumerate(_cases(metadata)):
            name = f"hostile-{index}"
            folder = dataset_folder(
                root, name, organization="cm-office", title=f"ชุดที่ {index}", title_en=name
            )
            document = _set(metadata, path, value)
            if path != ("name",):
                document["name"], document["title"] = name, document["title"]
            if path != ("title",):
                document["title"] = f"ชุดข้อมูลทดสอบ {index}"
            with (folder / "dataset.yaml").open("w", encoding="utf-8") as handle:
                yaml.dump(document, handle)
            before = _stored(catalog, home)
            try:
                catalog.publish(folder, actor=OPERATOR, create_organization=True)
            except KhlangError as error:
                refused[mark] = f"{'.'.join(map(str, path))}: {error.render()}"
                assert _stored(catalog, home) == before, (mark, path)
            else:
                accepted[mark] = name
    return home, accepted, refused


def test_the_corpus_reaches_both_outcomes(published) -> None:
    _, accepted, refused = published
    assert len(accepted) >= 10  # free text: titles, notes, descriptions, tags...
    assert len(refused) >= 5  # vocabulary values, names, paths and URLs
    for mark, message in refused.items():
        assert message.split(":", 1)[1].strip(), mark  # a refusal says why


def test_refusals_name_the_field(published) -> None:
    _, _, refused = published
    for mark, message in refused.items():
        where, text = message.split(": ", 1)
        field = where.split(".")[0]
        assert field in text or where.split(".")[-1] in text or "path" in text, (mark, message)


def test_nothing_renders_as_markup(published) -> None:
    home, accepted, _ = published
    with TestClient(make_app(home)) as client:
        pages = ["/", "/search?q=khlang", "/sitemap.xml", "/organization/cm-office"]
        for name in accepted.values():
            pages += [f"/dataset/{name}", f"/dataset/{name}?lang=en"]
        feeds = ["/api/v1/catalog.ttl", "/api/v1/catalog.jsonld", "/api/v1/datasets"]
        for url in pages + feeds:
            response = client.get(url)
            assert response.status_code == 200, url
            kind = response.headers["content-type"]
            for mark in accepted:
                assert f'<script>alert("{mark}")' not in response.text, (url, mark)
                assert f"<img src=x onerror=\"alert('{mark}')" not in response.text, (url, mark)
            if url in feeds:
                assert not kind.startswith("text/html"), url
