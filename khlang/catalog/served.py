"""A version's DCAT-AP form as the catalog serves it, and its MQA score.

A published dataset file names its tables by path (`data/budget-lines.csv`); once catalogued,
each stored file has a download URL (`/dataset/NAME/version/N/resource/ID/download/FILE`).
The API's `/metadata.ttl`, the dataset and officer pages and `khlang catalog score` all score
that served form, so the same dataset gets the same MQA points wherever it is shown, and a
catalogued dataset is never told to add download URLs it has.
"""

from __future__ import annotations

from rdflib import Graph

from khlang.catalog.records import VersionRecord
from khlang.catalog.urls import absolute
from khlang.metadata.dcat import ResourceUrl, dataset_graph
from khlang.metadata.model import Dataset, Resource
from khlang.metadata.mqa import MqaReport, mqa_score


def download_urls(base: str, version: VersionRecord) -> tuple[str | None, ...]:
    """The catalog's download URL of each resource of the metadata, in its order (None for
    a resource without a stored file)."""
    by_position = {item.position: item for item in version.resources}
    urls = []
    for position in range(len(version.metadata.resources)):
        item = by_position.get(position)
        path = item.version_download_path if item else None
        urls.append(absolute(base, path) if path else None)
    return tuple(urls)


def url_by_position(resources: list[Resource], urls: tuple[str | None, ...]) -> ResourceUrl:
    """DCAT's `resource_url` callback: the URL of the resource at the same position."""

    def url(_: Dataset, resource: Resource) -> str | None:
        position = next((i for i, r in enumerate(resources) if r is resource), None)
        return urls[position] if position is not None else None

    return url


def served_graph(dataset: Dataset, base: str, urls: tuple[str | None, ...]) -> Graph:
    """The DCAT-AP graph of a version's metadata with its stored files' download URLs."""
    return dataset_graph(
        dataset, base_url=base, resource_url=url_by_position(dataset.resources, urls)
    )


def served_mqa(dataset: Dataset, base: str, urls: tuple[str | None, ...]) -> MqaReport:
    """The MQA score of the served form (`urls` from `download_urls`)."""
    return mqa_score(dataset, base_url=base, graph=served_graph(dataset, base, urls))


def version_mqa(version: VersionRecord, base: str) -> MqaReport:
    return served_mqa(version.metadata, base, download_urls(base, version))


__all__ = ["download_urls", "served_graph", "served_mqa", "url_by_position", "version_mqa"]
