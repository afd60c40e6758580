"""A replay of ckanext-harvest's CKAN harvester, the one the GD Catalog runs against agency
catalogs (`ckanext/harvest/harvesters/ckanharvester.py`), call for call, written from its
documented behaviour (no code of it is copied).

What it does, and so what this replay does:

* **Gather, full**: `package_search` with `rows=100`, `start=0, 100, ...`, `sort=id asc` and,
  when configured, an `fq` of the organisation and group filters joined by spaces
  (`organization:a OR organization:b`, `-organization:x`, `groups:g OR groups:h`,
  `-groups:g`), until a page has no results. Results seen on an earlier page are dropped
  (datasets can change while it pages); two identical pages in a row stop it ("the paging
  doesn't seem to work").
* **Gather, incremental**: after an error-free harvest, the same search with one more `fq`
  term, `metadata_modified:[<start of the last gather, minus one hour>Z TO *]`; if that
  finds nothing, nothing is harvested; if it fails, a full gather follows.
* **HTTP**: plain GETs whose status codes are never looked at: an error answer is read as
  JSON like any other, and without `result.results` it is a page with no datasets. So a
  refused query is "no datasets found", silently.
* **Import**: the package dicts of the search results are what it imports; with
  `remote_orgs` / `remote_groups` set to `create` it asks `organization_show?id=<owner_org>`
  and `group_show?id=<group id>` for organisations and groups it does not have.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests

PAGE_ROWS = 100
SINCE_MARGIN = dt.timedelta(hours=1)


@dataclass
class HarvestConfig:
    """The source configuration keys the CKAN harvester reads for gathering."""

    organizations_filter_include: list[str] = field(default_factory=list)
    organizations_filter_exclude: list[str] = field(default_factory=list)
    groups_filter_include: list[str] = field(default_factory=list)
    groups_filter_exclude: list[str] = field(default_factory=list)
    api_key: str | None = None


@dataclass
class Gathered:
    datasets: list[dict]
    """The package dicts the harvest objects would hold, one per dataset id."""
    calls: list[tuple[str, int]]
    """Every URL asked, with the status code the harvester ignored."""
    error: str | None = None
    """The gather error the harvester would record."""

    @property
    def names(self) -> list[str]:
        return [package["name"] for package in self.datasets]


class _SearchError(Exception):
    pass


def filter_terms(config: HarvestConfig) -> list[str]:
    terms = []
    if config.organizations_filter_include:
        terms.append(
            " OR ".join(f"organization:{name}" for name in config.organizations_filter_include)
        )
    elif config.organizations_filter_exclude:
        terms += [f"-organization:{name}" for name in config.organizations_filter_exclude]
    if config.groups_filter_include:
        terms.append(" OR ".join(f"groups:{name}" for name in config.groups_filter_include))
    elif config.groups_filter_exclude:
        terms += [f"-groups:{name}" for name in config.groups_filter_exclude]
    return terms


def gather(
    base_url: str, config: HarvestConfig, *, last_gather_started: dt.datetime | None = None
) -> Gathered:
    """The gather stage: which datasets a harvest job would import. `last_gather_started`
    is the start (naive UTC, as the harvester records it) of the last error-free job."""
    calls: list[tuple[str, int]] = []
    base = base_url.rstrip("/")
    terms = filter_terms(config)
    found: list[dict] | None = None
    if last_gather_started is not None:
        since = (last_gather_started - SINCE_MARGIN).isoformat()
        try:
            found = _search(base, [*terms, f"metadata_modified:[{since}Z TO *]"], config, calls)
        except _SearchError:
            found = None
        if found == []:
            return Gathered([], calls, "No datasets have been updated since the last harvest")
    if found is None:
        try:
            found = _search(base, terms, config, calls)
        except _SearchError as error:
            return Gathered([], calls, f"Unable to search remote CKAN for datasets: {error}")
    if not found:
        return Gathered([], calls, f"No datasets found at CKAN: {base}")
    unique: dict[str, dict] = {}
    for package in found:
        unique.setdefault(package["id"], package)
    return Gathered(list(unique.values()), calls)


def _search(base: str, terms: list[str], config: HarvestConfig, calls: list) -> list[dict]:
    params = {"rows": str(PAGE_ROWS), "start": "0", "sort": "id asc"}
    if terms:
        params["fq"] = " ".join(terms)
    packages: list[dict] = []
    seen: set[str] = set()
    previous = None
    while True:
        url = f"{base}/api/3/action/package_search?{urlencode(params)}"
        content = get(url, config, calls)
        if previous is not None and content == previous:
            raise _SearchError(f"The paging doesn't seem to work. URL: {url}")
        previous = content
        try:
            answer = json.loads(content)
        except ValueError:
            raise _SearchError(f"Response from remote CKAN was not JSON: {content!r}") from None
        page = (answer.get("result") or {}).get("results", [])
        ids = {package["id"] for package in page}
        packages += [package for package in page if package["id"] not in seen]
        seen |= ids
        if not page:
            return packages
        params["start"] = str(int(params["start"]) + int(params["rows"]))


def get(url: str, config: HarvestConfig, calls: list) -> str:
    """One GET as the harvester sends it: its API key bare in `Authorization`; the status
    code is recorded here but, as in the harvester, never acted on."""
    headers = {"Authorization": config.api_key} if config.api_key else {}
    response = requests.get(url, headers=headers, timeout=60)
    calls.append((url, response.status_code))
    return response.text


def show(base_url: str, action: str, identifier: str, config: HarvestConfig, calls: list) -> dict:
    """`organization_show?id=...` / `group_show?id=...` as the import stage asks them (the id
    appended to the URL as it is) and the `result` it reads."""
    content = get(f"{base_url.rstrip('/')}/api/3/action/{action}?id={identifier}", config, calls)
    return json.loads(content)["result"]
