"""khlang's public URL scheme for datasets and downloads, shared by the API (which serves
these paths) and the registrars (which link CKAN resources to them).

The download path follows CKAN's own (`/dataset/{id}/resource/{id}/download/{file}`), so that
CKAN users recognise it and tools that judge a format by the URL's extension (NECTEC's
openness score does) see the real one. A resource keeps its id across versions, so the
unversioned URL always serves the current file, and the versioned one a fixed file forever.
"""

from __future__ import annotations

from urllib.parse import quote


def dataset_path(name: str) -> str:
    return f"/dataset/{quote(name)}"


def resource_download_path(
    dataset: str, resource_id: str, filename: str, *, version: int | None = None
) -> str:
    """`/dataset/{name}/resource/{id}/download/{filename}`, or with `/version/{n}` after
    the dataset name for one version's file."""
    base = dataset_path(dataset) + (f"/version/{version}" if version is not None else "")
    return f"{base}/resource/{quote(resource_id)}/download/{quote(filename)}"


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path
