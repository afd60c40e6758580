"""The published files at the catalog's download URLs: byte for byte, checksum as ETag."""

from __future__ import annotations

import hashlib

API = "/api/v1"


def _resource(client, dataset="chiang-mai-allocation"):
    detail = client.get(f"{API}/datasets/{dataset}").json()
    return next(r for r in detail["resources"] if r["tabular"])


def test_the_file_as_published(client, api_catalog) -> None:
    resource = _resource(client)
    response = client.get(resource["download_url"])
    assert response.status_code == 200
    digest = hashlib.sha256(response.content).hexdigest()
    assert resource["sha256"].endswith(digest)
    assert response.headers["etag"] == f'"{digest}"'
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"].endswith("immutable")
    again = client.get(resource["download_url"], headers={"If-None-Match": f'"{digest}"'})
    assert again.status_code == 304


def test_files_are_sent_as_stored_even_to_gzip_clients(client) -> None:
    """Not compressed on the way out: the ETag and ranges name the stored bytes, and
    compressing large files would hold up the server's event loop."""
    resource = _resource(client)
    response = client.get(resource["download_url"], headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)
    assert resource["sha256"].endswith(hashlib.sha256(response.content).hexdigest())
    listing = client.get(f"{API}/datasets", headers={"Accept-Encoding": "gzip"})
    assert listing.headers["content-encoding"] == "gzip"


def test_current_file_url_and_ranges(client) -> None:
    resource = _resource(client)
    current = resource["download_url"].replace("/version/1", "")
    whole = client.get(current)
    assert whole.headers["cache-control"] == "public, max-age=60"
    part = client.get(current, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206
    assert part.content == whole.content[:10]
