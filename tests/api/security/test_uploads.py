"""Uploads: the key is checked before the body is read, the body goes to disk under a size
limit, and an archive's table of contents (members, declared size, compression ratio) is
checked before anything is unpacked; errors show no server path."""

from __future__ import annotations

import functools
import io
import tarfile
import zipfile

import pytest
from fastapi.testclient import TestClient

from khlang.catalog import Catalog
from tests.api.authz_doors import OPERATOR
from tests.api.conftest import make_app

ZIP = {"Content-Type": "application/zip"}
GZIP = {"Content-Type": "application/gzip"}


@pytest.fixture(scope="module")
def roleless(api_catalog) -> dict[str, str]:
    """The key of a user with no role in any organisation."""
    with Catalog.open(api_catalog.home) as catalog:
        catalog.accounts.create_user("no-role-uploader", actor=OPERATOR)
        token = catalog.accounts.create_key("no-role-uploader", actor=OPERATOR)[1]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def writer(api_catalog):
    with TestClient(make_app(api_catalog.home)) as client:
        yield client


@functools.cache  # two tests send the same 50 MiB bomb; deflating it costs 0.2 s of CPU
def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dataset.yaml", "name: bomb\n")
        archive.writestr("data/zeros.csv", b"0" * size)
    return buffer.getvalue()


def test_a_key_that_may_publish_nowhere_is_refused_before_the_body(writer, roleless) -> None:
    for url, body, headers in (
        ("/api/v1/datasets", b"not an archive at all", ZIP),
        ("/api/v1/datasets", _bomb(50 * 1024**2), ZIP),
    ):
        response = writer.post(url, content=body, headers={**headers, **roleless})
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"
    ckan = writer.post(
        "/api/3/action/resource_create",
        data={"package_id": "chiang-mai-allocation", "name": "x"},
        files={"upload": ("x.csv", b"a,b\n1,2\n")},
        headers=roleless,
    )
    assert ckan.status_code == 403


def test_an_editor_may_not_publish_to_another_organisation_by_name(writer, as_user) -> None:
    response = writer.put(
        "/api/v1/datasets/nakhon-nayok-allocation",
        content=b"garbage",
        headers={**ZIP, **as_user("cm-editor")},
    )
    assert response.status_code == 403


def test_a_compression_bomb_is_refused_before_unpacking(writer, as_user) -> None:
    body = _bomb(50 * 1024**2)
    assert len(body) < 100_000
    response = writer.post(
        "/api/v1/datasets", content=body, headers={**ZIP, **as_user("cm-editor")}
    )
    assert response.status_code == 400
    assert "times its size" in response.json()["error"]["message"]["en"]


def test_a_flood_of_members_stops_at_the_bound(writer, as_user) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for n in range(10_050):
            info = tarfile.TarInfo(f"f{n}.txt")
            archive.addfile(info, io.BytesIO(b""))
    response = writer.post(
        "/api/v1/datasets", content=buffer.getvalue(), headers={**GZIP, **as_user("cm-editor")}
    )
    assert response.status_code == 400
    assert "more than 10000 files" in response.json()["error"]["message"]["en"]


def test_a_damaged_archive_names_no_server_path(writer, as_user) -> None:
    for body, headers in ((b"PK\x03\x04garbage", ZIP), (b"\x1f\x8bgarbage", GZIP)):
        response = writer.post(
            "/api/v1/datasets", content=body, headers={**headers, **as_user("cm-editor")}
        )
        assert response.status_code == 400
        assert "/tmp" not in response.text
        assert "khlang-upload" not in response.text
