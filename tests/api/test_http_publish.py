"""The write API: the same gate as the CLI, versions and conflicts, safe uploads. Who may
publish what is in test_authz_matrix.py."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.catalog_fixture import copy_of, dataset_folder
from tests.api.conftest import make_app
from tests.api.sample import rows

API = "/api/v1"


@pytest.fixture(scope="module")
def writable(tmp_path_factory, api_catalog_template):
    """A catalog of its own: these tests change it."""
    root = tmp_path_factory.mktemp("publish")
    built = copy_of(api_catalog_template, root)
    with TestClient(make_app(built.home)) as client:
        yield built, client, root


def _zip(folder: Path, *, prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.rglob("*"):
            if path.is_file():
                archive.write(path, prefix + str(path.relative_to(folder)))
    return buffer.getvalue()


def _tar(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(folder, arcname=folder.name)
    return buffer.getvalue()


def _post(
    client, body, who_headers, *, content_type="application/zip", url=f"{API}/datasets", **params
):
    return client.post(
        url, content=body, headers={**who_headers, "Content-Type": content_type}, params=params
    )


def _folder(root, name, organization="cm-office", **options):
    return dataset_folder(
        root / "uploads",
        name,
        organization=organization,
        title=f"งบประมาณทดสอบ {name}",
        title_en=f"Test budget {name}",
        **options,
    )


def test_anonymous_cannot_publish(writable) -> None:
    _, client, root = writable
    response = _post(client, _zip(_folder(root, "anon-try")), {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_new_version_unchanged_and_conflict(writable) -> None:
    built, client, root = writable
    editor = {"Authorization": f"Bearer {built.keys['cm-editor']}"}
    folder = _folder(root, "versioned")
    assert _post(client, _zip(folder), editor).status_code == 201
    unchanged = _post(client, _zip(folder), editor)
    assert unchanged.status_code == 200
    assert unchanged.json()["status"] == "unchanged"
    changed = _folder(root, "versioned", data=rows(count=50, seed=3))
    stale = client.put(
        f"{API}/datasets/versioned",
        content=_tar(changed),
        headers={**editor, "Content-Type": "application/gzip", "If-Match": "7"},
    )
    assert stale.status_code == 409
    second = client.put(
        f"{API}/datasets/versioned",
        content=_tar(changed),
        headers={**editor, "Content-Type": "application/gzip", "If-Match": "1"},
    )
    assert second.status_code == 201, second.text
    assert second.json()["version"] == 2
    versions = client.get(f"{API}/datasets/versioned/versions").json()["versions"]
    assert [v["number"] for v in versions] == [2, 1]


def test_put_must_name_the_folders_dataset(writable) -> None:
    built, client, root = writable
    editor = {"Authorization": f"Bearer {built.keys['cm-editor']}"}
    response = client.put(
        f"{API}/datasets/another-name",
        content=_zip(_folder(root, "mismatch")),
        headers={**editor, "Content-Type": "application/zip"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "name_mismatch"


def test_the_gate_refuses_incomplete_metadata(writable) -> None:
    built, client, root = writable
    folder = _folder(root, "incomplete")
    text = (folder / "dataset.yaml").read_text(encoding="utf-8")
    (folder / "dataset.yaml").write_text(
        text.replace("geo_coverage: อำเภอ", "geo_coverage: ทั่วโลก"), encoding="utf-8"
    )
    response = _post(client, _zip(folder), {"Authorization": f"Bearer {built.keys['cm-editor']}"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "publish_rejected"
    assert error["report"]
    assert client.get(f"{API}/datasets/incomplete").status_code == 404


def test_the_gate_refuses_an_invalid_table(writable) -> None:
    built, client, root = writable
    folder = _folder(root, "bad-table")
    csv_path = folder / "data" / "allocation.csv"
    csv_path.write_text(
        csv_path.read_text(encoding="utf-8").replace(",2566,", ",สองห้าหกหก,", 1), encoding="utf-8"
    )
    response = _post(client, _zip(folder), {"Authorization": f"Bearer {built.keys['cm-editor']}"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"not a zip", "application/zip", 400, "bad_archive"),
        (b"{}", "application/json", 415, "unsupported_media_type"),
    ],
)
def test_bad_uploads(writable, body, content_type, status, code) -> None:
    built, client, _ = writable
    response = _post(
        client,
        body,
        {"Authorization": f"Bearer {built.keys['cm-editor']}"},
        content_type=content_type,
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_zip_slip_is_refused(writable, tmp_path) -> None:
    built, client, root = writable
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escape.txt", "x")
        archive.writestr("dataset.yaml", "name: x")
    response = _post(
        client, buffer.getvalue(), {"Authorization": f"Bearer {built.keys['cm-editor']}"}
    )
    assert response.status_code == 400
    assert "unsafe path" in response.json()["error"]["message"]["en"]
    assert not (root.parent / "escape.txt").exists()


def test_withdraw_and_reinstate(writable) -> None:
    built, client, root = writable
    editor = {"Authorization": f"Bearer {built.keys['cm-editor']}"}
    assert _post(client, _zip(_folder(root, "short-lived")), editor).status_code == 201
    assert (
        client.post(
            f"{API}/datasets/short-lived/withdraw",
            headers={"Authorization": f"Bearer {built.keys['nn-editor']}"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/datasets/short-lived/withdraw", headers=editor, params={"note": "ซ้ำ"}
        ).status_code
        == 200
    )
    assert client.get(f"{API}/datasets", params={"q": "short-lived"}).json()["count"] == 0
    assert client.post(f"{API}/datasets/short-lived/reinstate", headers=editor).status_code == 200


def test_oversized_uploads_are_refused_before_anything_is_stored(writable) -> None:
    """A body over the limit is refused while it streams in (413), and so is a small archive
    that would unpack to more than four times the limit (a zip bomb); nothing is stored."""
    built, client, root = writable
    editor = {"Authorization": f"Bearer {built.keys['cm-editor']}"}
    before = client.get(f"{API}/datasets", headers=editor, params={"size": 100}).json()
    files = sorted(p.name for p in (built.home / "files").rglob("*") if p.is_file())
    limit = 64 * 1024
    with TestClient(make_app(built.home, max_upload_bytes=limit)) as small:
        folder = _folder(root, "too-big")
        (folder / "data" / "padding.bin").write_bytes(os.urandom(2 * limit))
        big = small.post(f"{API}/datasets", content=_zip(folder),
                         headers={**editor, "Content-Type": "application/zip"})  # fmt: skip
        bomb_buffer = io.BytesIO()
        with zipfile.ZipFile(bomb_buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("dataset.yaml", "name: bomb\n")
            archive.writestr("data/zeros.csv", b"0" * (8 * limit))
        bomb = small.post(f"{API}/datasets", content=bomb_buffer.getvalue(),
                          headers={**editor, "Content-Type": "application/zip"})  # fmt: skip
    assert len(bomb_buffer.getvalue()) < limit
    for response in (big, bomb):
        assert response.status_code == 413
        error = response.json()["error"]
        assert error["code"] == "too_large"
        assert error["message"]["th"]
        assert f"{limit:,}" in error["message"]["en"] or f"{limit * 4:,}" in error["message"]["en"]
    after = client.get(f"{API}/datasets", headers=editor, params={"size": 100}).json()
    assert after == before
    assert sorted(p.name for p in (built.home / "files").rglob("*") if p.is_file()) == files
