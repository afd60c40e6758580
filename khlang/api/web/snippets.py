"""Code a reader can copy to get a dataset's data: curl, Python with httpx, and the ckanapi
client (khlang answers CKAN's action API, so CKAN's own tools work unchanged)."""

from __future__ import annotations

import shlex

from pydantic import BaseModel


class Snippet(BaseModel):
    key: str
    title: str
    language: str
    code: str


def snippets(
    *, base: str, dataset: str, resource_id: str | None, rows_url: str | None, csv_url: str | None
) -> list[Snippet]:
    """`rows_url` and `csv_url` are absolute URLs of the first table's rows and CSV download."""
    shown: list[Snippet] = []
    curl = [f"curl -s {shlex.quote(f'{base}/api/v1/datasets/{dataset}')}"]
    if rows_url:
        curl.append(f"curl -s {shlex.quote(rows_url + '?_size=10')}")
    if csv_url:
        curl.append(f"curl -sL -o {shlex.quote(dataset + '.csv')} {shlex.quote(csv_url)}")
    shown.append(Snippet(key="curl", title="curl", language="bash", code="\n".join(curl)))

    python = [
        "import httpx",
        "",
        f"base = {base!r}",
        f'dataset = httpx.get(f"{{base}}/api/v1/datasets/{dataset}").json()',
        'print(dataset["metadata"]["title"])',
    ]
    if rows_url and resource_id:
        python += [
            "",
            f'table = f"{{base}}/api/v1/datasets/{dataset}/resources/{resource_id}"',
            'page = httpx.get(f"{table}/rows", params={"_size": 100}).json()',
            'for row in page["rows"]:',
            "    print(row)",
        ]
    shown.append(
        Snippet(key="python", title="Python (httpx)", language="python", code="\n".join(python))
    )

    ckan = [
        "from ckanapi import RemoteCKAN",
        "",
        f"site = RemoteCKAN({base!r})",
        f"package = site.action.package_show(id={dataset!r})",
        'print(package["title"], [r["url"] for r in package["resources"]])',
    ]
    if resource_id:
        ckan.append(f"rows = site.action.datastore_search(resource_id={resource_id!r}, limit=10)")
        ckan.append('print(rows["total"], rows["records"])')
    shown.append(Snippet(key="ckanapi", title="ckanapi", language="python", code="\n".join(ckan)))
    return shown
