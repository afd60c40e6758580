"""The doors of the authorization matrix (test_authz_matrix.py): the catalog it reads, its
principals and datasets, and for each door (an API, a page, a feed) whether it shows a
dataset to a caller. A door asks in several forms, which must agree."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import httpx
from fastapi.testclient import TestClient

from khlang.catalog import Catalog, Principal
from tests.api.catalog_fixture import TestCatalog, copy_of, dataset_folder, seeded
from tests.api.sample import rows
from tests.migrated import MigratedStore

API = "/api/v1"
CKAN = "/api/3/action"
OPERATOR = Principal.operator("tests")
SECRET_TAG = "แผนลับนครนายก"
"""A tag only B's private dataset carries: it must not show in any facet or tag list."""


class Data(NamedTuple):
    name: str
    organization: str
    private: bool
    title: str


DATASETS = {
    "A-public": Data("chiang-mai-allocation", "cm-office", False,
                     "งบประมาณที่ได้รับจัดสรรรายพื้นที่ จังหวัดเชียงใหม่"),
    "A-private": Data("cm-private-plan", "cm-office", True, "แผนงบประมาณภายใน จังหวัดเชียงใหม่"),
    "B-public": Data("nakhon-nayok-allocation", "nn-office", False,
                     "งบประมาณที่ได้รับจัดสรรรายพื้นที่ จังหวัดนครนายก"),
    "B-private": Data("nn-private-plan", "nn-office", True, "แผนงบประมาณภายใน จังหวัดนครนายก"),
}  # fmt: skip
KEY_OF = {
    "anonymous": None,
    "a-member": "cm-member",
    "a-editor": "cm-editor",
    "a-admin": "cm-admin",
    "b-editor": "nn-editor",
    "b-scoped": "both-scoped-nn-member",
    "sysadmin": "sysadmin",
}


class World(NamedTuple):
    built: TestCatalog
    client: TestClient
    root: Path
    database_url: str | None
    answers: dict[tuple, httpx.Response] | None
    """Answers already given, by (who, method, url, parameters): a catalog only read (None
    for one the test changes) answers the same each time, so each is asked once."""

    def headers(self, who: str) -> dict[str, str]:
        key = KEY_OF.get(who, who)
        return {"Authorization": f"Bearer {self.built.keys[key]}"} if key else {}

    def resource(self, dataset: Data) -> str:
        return self.built.resources[dataset.name]["allocation.csv"]


def build_world(
    root: Path,
    database_url: str | None = None,
    *,
    template: Path | None = None,
    store: MigratedStore | None = None,
) -> TestCatalog:
    """The API tests' catalog (tests/api/catalog_fixture.py) and B's private dataset: on
    SQLite a copy of `template` (conftest.py's api_catalog_template), on PostgreSQL one
    `store` seeds (catalog_fixture.seeded)."""
    if database_url is None:
        assert template is not None, "SQLite: the template to copy"
        built = copy_of(template, root)
    else:
        assert store is not None, "PostgreSQL: the store that seeds the schema"
        built = seeded(root, database_url, store)
    folder = dataset_folder(
        root / "folders",
        "nn-private-plan",
        organization="nn-office",
        title=DATASETS["B-private"].title,
        title_en="Internal budget plan, Nakhon Nayok",
        province="26",
        private=True,
        tags=["งบประมาณ", SECRET_TAG],
        data=rows(count=60, seed=99),
    )
    with Catalog.open(built.home, database_url) as catalog:
        catalog.publish(folder, actor=OPERATOR, change_note="first version")
        record = catalog.version("nn-private-plan", viewer=OPERATOR)
        built.resources["nn-private-plan"] = {item.filename: item.id for item in record.resources}
    return built


# --- asking, as a caller --------------------------------------------------------------


def asked(w: World, key: tuple, ask: Callable[[], httpx.Response]) -> httpx.Response:
    if w.answers is None:
        return never_shared_if_private(ask())
    if key not in w.answers:
        w.answers[key] = never_shared_if_private(ask())
    return w.answers[key]


def never_shared_if_private(response: httpx.Response) -> httpx.Response:
    """An answer that names a private dataset must not be kept by a shared cache (a proxy
    or CDN would hand it to the next visitor)."""
    private = [d.name for d in DATASETS.values() if d.private and d.name in response.text]
    if response.status_code == 200 and private:
        cache = response.headers.get("cache-control", "")
        assert "public" not in cache, f"{response.request.url} names {private}: {cache}"
    return response


def api_get(w: World, who: str, url: str, **params: object) -> httpx.Response:
    key = (who, "GET", url, json.dumps(params, sort_keys=True))
    return asked(w, key, lambda: w.client.get(url, params=params, headers=w.headers(who)))


def served(response: httpx.Response, d: Data) -> bool:
    """200: served; 404: no such dataset for this caller. Anything else is a defect (a 403
    would tell that a private dataset exists). A private dataset's answer is never kept."""
    status = response.status_code
    assert status in (200, 404), f"{response.request.url}: {status} {response.text[:300]}"
    if status == 200 and d.private:
        cache = response.headers.get("cache-control")
        assert cache == "private, no-store", f"{response.request.url}: {cache}"
    return status == 200


def mentions(text: str, d: Data) -> bool:
    return d.name in text or d.title in text


def agree(*seen: bool) -> bool:
    """Every form of one door must give the same answer."""
    assert len(set(seen)) == 1, f"the forms of one door disagree: {seen}"
    return seen[0]


def names(body: dict, key: str = "results") -> set[str]:
    return {item["name"] for item in body[key]}


def api_search(w: World, who: str, d: Data) -> bool:
    pages = [
        api_get(w, who, f"{API}/datasets", size=1000),
        api_get(w, who, f"{API}/datasets", organization=d.organization, size=1000),
        api_get(w, who, f"{API}/datasets", q=d.title, size=1000),
    ]
    return agree(*(d.name in names(page.json()) for page in pages))


def api_dataset(w: World, who: str, d: Data) -> bool:
    base = f"{API}/datasets/{d.name}"
    tails = ("", "/versions", "/compliance", "/metadata.json", "/metadata.ttl",
             "/metadata.jsonld", "/datapackage.json")  # fmt: skip
    return agree(*(served(api_get(w, who, base + tail), d) for tail in tails))


def rows_and_files(w: World, who: str, name: str, rid: str, d: Data) -> bool:
    base = f"{API}/datasets/{name}/resources/{rid}"
    urls = [base, f"{base}/openapi.json", f"{base}/rows", f"{base}/download.csv",
            f"{base}/download.json", f"/dataset/{name}/resource/{rid}/download/allocation.csv",
            f"/dataset/{name}/version/1/resource/{rid}/download/allocation.csv"]  # fmt: skip
    seen = [served(api_get(w, who, url), d) for url in urls]
    seen.append(
        served(api_get(w, who, f"{base}/aggregate", _group="province_code", _agg="count"), d)
    )
    return agree(*seen)


def api_rows_and_files(w: World, who: str, d: Data) -> bool:
    return rows_and_files(w, who, d.name, w.resource(d), d)


def api_rows_and_files_under_another_name(w: World, who: str, d: Data) -> bool:
    """This dataset's resource asked for under the name of a public dataset of the other
    organisation, one every caller may see: never served."""
    other = DATASETS["B-public" if d.organization == "cm-office" else "A-public"]
    return rows_and_files(w, who, other.name, w.resource(d), d)


def api_feeds(w: World, who: str, d: Data) -> bool:
    feeds = [api_get(w, who, f"{API}/catalog.{ext}", size=1000) for ext in ("ttl", "jsonld")]
    for feed in feeds:
        assert feed.status_code == 200, feed.text
    return agree(*(mentions(feed.text, d) for feed in feeds))


def dcat_urls(w: World, who: str, d: Data) -> bool:
    """ckanext-dcat's URLs, by extension and by Accept header, answer as the API does."""

    def get(url: str, accept: str | None = None, **params: object) -> httpx.Response:
        headers = {**w.headers(who), **({"Accept": accept} if accept else {})}
        key = (who, "GET", url, accept, json.dumps(params, sort_keys=True))
        return asked(w, key, lambda: w.client.get(url, params=params, headers=headers))

    shown = [get(f"/dataset/{d.name}.ttl"), get(f"/dataset/{d.name}.rdf"),
             get(f"/dataset/{d.name}", "text/turtle")]  # fmt: skip
    feeds = [get("/catalog.ttl", size=1000), get("/catalog", "application/ld+json", size=1000),
             get("/", "text/turtle", size=1000)]  # fmt: skip
    for feed in feeds:
        assert feed.status_code == 200, feed.text
    return agree(*(served(item, d) for item in shown), *(mentions(f.text, d) for f in feeds))


def api_organization(w: World, who: str, d: Data) -> bool:
    body = api_get(w, who, f"{API}/organizations/{d.organization}").json()
    return d.name in {item["name"] for item in body["datasets"]}


def ckan_call(w: World, who: str, action: str, **params: object) -> httpx.Response:
    url = f"{CKAN}/{action}"
    key = (who, "POST", url, json.dumps(params, sort_keys=True))
    return asked(w, key, lambda: w.client.post(url, json=params, headers=w.headers(who)))


def ckan_found(response: httpx.Response) -> bool:
    body = response.json()
    if response.status_code == 404:
        assert body["error"]["__type"] == "Not Found Error", body
        return False
    assert response.status_code == 200, body
    assert body["success"], body
    return True


def ckan_show(w: World, who: str, d: Data) -> bool:
    rid = w.resource(d)
    return agree(
        ckan_found(ckan_call(w, who, "package_show", id=d.name)),
        ckan_found(ckan_call(w, who, "resource_show", id=rid)),
        ckan_found(ckan_call(w, who, "datastore_search", resource_id=rid, limit=1)),
    )


def ckan_search_as_caller(w: World, who: str, d: Data) -> bool:
    searches = [
        ckan_call(w, who, "package_search", include_private=True, rows=1000),
        ckan_call(
            w, who, "package_search", include_private=True, fq=f"organization:{d.organization}"
        ),
        ckan_call(w, who, "package_search", include_private=True, q=d.title, rows=1000),
    ]
    shown = ckan_call(w, who, "organization_show", id=d.organization, include_datasets=True)
    return agree(
        *(d.name in names(s.json()["result"]) for s in searches),
        d.name in names(shown.json()["result"], "packages"),
    )


def ckan_public(w: World, who: str, d: Data) -> bool:
    search = ckan_call(w, who, "package_search", rows=1000).json()["result"]
    listing = ckan_call(w, who, "package_list").json()["result"]
    return agree(d.name in names(search), d.name in listing)


def web_pages(w: World, who: str, d: Data) -> bool:
    pages = [  # a search page shows the words asked for: look for the name it links to
        d.name in api_get(w, who, "/search", q=d.title).text,
        d.name in api_get(w, who, "/en/search", q=d.title).text,
        mentions(api_get(w, who, f"/organization/{d.organization}").text, d),
        mentions(api_get(w, who, "/sitemap.xml").text, d),
        mentions(api_get(w, who, "/").text, d),
    ]
    return agree(
        served(api_get(w, who, f"/dataset/{d.name}"), d),
        served(api_get(w, who, f"/en/dataset/{d.name}"), d),
        *pages,
    )
