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


def test_if_modified_since_as_wget_and_curl_ask(client) -> None:
    """`wget -N` and `curl -z` ask with the Last-Modified time they were given: 304 while
    the file is as it was, the file when the time is older or unreadable; an If-None-Match
    decides alone when it is sent (RFC 9110 13.2.2)."""
    resource = _resource(client)
    current = resource["download_url"].replace("/version/1", "")
    whole = client.get(current)
    stamp = whole.headers["last-modified"]
    same = client.get(current, headers={"If-Modified-Since": stamp})
    assert same.status_code == 304
    assert same.content == b""
    assert same.headers["last-modified"] == stamp
    assert same.headers["etag"] == whole.headers["etag"]
    for since in ("Mon, 01 Jan 2001 00:00:00 GMT", "yesterday", "Mon, 01 Jan 2001 00:00:00"):
        older = client.get(current, headers={"If-Modified-Since": since})
        assert older.status_code == 200, since
        assert older.content == whole.content, since
    stale_tag = client.get(current, headers={"If-Modified-Since": stamp, "If-None-Match": '"x"'})
    assert stale_tag.status_code == 200
