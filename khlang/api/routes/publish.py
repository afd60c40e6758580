"""The write API for publishers: upload a dataset folder (as `khlang publish` writes it) and
it becomes a new version through the same gate as `khlang catalog add` (metadata check and
table validation), or is refused with the gate's report.

An API key acts for its user in the organisation it is scoped to, with at most its role: an
editor of an organisation publishes and withdraws that organisation's datasets, nothing else.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from khlang.api import publishing, service
from khlang.api.errors import ApiError
from khlang.api.http import base_url
from khlang.api.state import ApiState, api_state, caller
from khlang.catalog import Principal
from khlang.i18n import Text
from khlang.metadata.files import dataset_files, load_dataset

router = APIRouter(prefix=service.API, tags=["publishing"])
State = Annotated[ApiState, Depends(api_state)]
Caller = Annotated[Principal, Depends(caller)]
ARCHIVE_TYPES = {
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/gzip": "tar",
    "application/x-gzip": "tar",
    "application/x-tar": "tar",
    "application/x-gtar": "tar",
}
MAX_FILES = 10_000
MAX_RATIO = 200
"""Unpacked bytes per archive byte: real tables compress 5-30 times, a bomb thousands."""
MIN_RATIO_CHECK = 10 * 1024**2
"""Below this many unpacked bytes the ratio does not matter."""
_BINARY = {"schema": {"type": "string", "format": "binary"}}
ARCHIVE_BODY = {
    "requestBody": {
        "content": {"application/zip": _BINARY, "application/gzip": _BINARY},
        "required": True,
    }
}
UPLOAD_DESCRIPTION = """Publish a dataset folder as a new version.

The body is the folder `khlang publish` wrote for one dataset (dataset.yaml, datapackage.json,
data/, schemas/), as a zip (`Content-Type: application/zip`) or a gzipped tar
(`application/gzip`). It passes the same gate as `khlang catalog add`: the metadata check and
the table validators; a refused version is answered 422 with the gate's report, and nothing
is stored. Send `If-Match: <version number>` to publish only if the current version is still
that one (409 otherwise). Needs an API key with the editor role in the dataset's organisation.

    curl -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: application/zip" \\
         --data-binary @allocation.zip "$KHLANG/api/v1/datasets?change_note=FY2568"
"""


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise ApiError(
            Text(th=f"ชื่อไฟล์ในไฟล์บีบอัดไม่ปลอดภัย: {name}", en=f"unsafe path in the archive: {name}"),
            code="bad_archive",
            status=400,
        )
    return path


def extract(archive_path: Path, kind: str, target: Path, limit: int) -> Path:
    """Unpack an uploaded archive into `target` and return the dataset folder. Its table of
    contents is checked before anything is written: links, absolute or `..` paths, more
    than MAX_FILES members, more than `limit` bytes declared unpacked, or a compression
    ratio over MAX_RATIO (an 850-byte archive of a 1 GB file) are refused."""
    packed = max(1, archive_path.stat().st_size)
    target.mkdir(parents=True, exist_ok=True)
    try:
        if kind == "zip":
            with zipfile.ZipFile(archive_path) as archive:
                members = _checked(
                    (m for m in archive.infolist() if not m.is_dir()),
                    lambda m: (m.filename, m.file_size, True),
                    limit,
                    packed,
                )
                for member in members:
                    destination = target.joinpath(*_safe_name(member.filename).parts)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(member) as source, destination.open("wb") as out:
                        shutil.copyfileobj(source, out)
        else:
            with tarfile.open(archive_path, mode="r:*") as archive:
                members = _checked(
                    archive,  # read lazily: a flood of members stops at MAX_FILES
                    lambda m: (m.name, m.size, m.isfile() or m.isdir()),
                    limit,
                    packed,
                )
                archive.extractall(target, members=members, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, zlib.error):
        # the library's text names server paths: the caller is told what, not where
        raise ApiError(
            Text(th="อ่านไฟล์บีบอัดไม่ได้ (ไฟล์เสียหรือไม่ใช่ zip/tar.gz)",
                 en="cannot read the archive (damaged, or not a zip or tar.gz)"),
            code="bad_archive",
            status=400,
        ) from None  # fmt: skip
    return _dataset_folder(target)


def _checked(members, describe, limit: int, packed: int) -> list:
    """The archive's members once all of them pass the bounds (see `extract`)."""
    kept, total = [], 0
    for member in members:
        name, size, plain = describe(member)
        _safe_name(name)
        if not plain:
            raise ApiError(
                Text(th="ไฟล์บีบอัดมีลิงก์", en=f"the archive holds a link: {name}"),
                code="bad_archive",
                status=400,
            )
        kept.append(member)
        total += size
        if len(kept) > MAX_FILES:
            raise _too_many()
        if total > limit:
            raise _too_big(limit)
    if total > MIN_RATIO_CHECK and total / packed > MAX_RATIO:
        raise ApiError(
            Text(
                th=f"ไฟล์บีบอัดขยายได้เกิน {MAX_RATIO} เท่าของขนาด",
                en=f"the archive unpacks to more than {MAX_RATIO} times its size",
            ),
            code="bad_archive",
            status=400,
        )
    return kept


def _dataset_folder(root: Path) -> Path:
    """The folder holding dataset.yaml: the archive's top, or its single sub-folder."""
    for candidate in (root, *sorted(p for p in root.iterdir() if p.is_dir())):
        if any(
            (candidate / name).is_file() for name in ("dataset.yaml", "dataset.yml", "dataset.json")
        ):
            return candidate
    raise ApiError(
        Text(
            th="ไม่พบ dataset.yaml ในไฟล์บีบอัด (ที่ระดับบนสุดหรือในโฟลเดอร์เดียว)",
            en="no dataset.yaml in the archive (at its top or in its one folder)",
        ),
        code="bad_archive",
        status=400,
    )


def _too_many() -> ApiError:
    return ApiError(
        Text(th=f"มีไฟล์เกิน {MAX_FILES}", en=f"more than {MAX_FILES} files in the archive"),
        code="bad_archive",
        status=400,
    )


def _too_big(limit: int) -> ApiError:
    return ApiError(
        Text(th=f"ขยายแล้วใหญ่เกิน {limit:,} ไบต์", en=f"unpacks to more than {limit:,} bytes"),
        code="too_large",
        status=413,
    )


async def _publish(
    request: Request,
    state: ApiState,
    principal: Principal,
    *,
    name: str | None,
    change_note: str | None,
    if_match: str | None,
) -> JSONResponse:
    publishing.require_key(principal)
    kind = ARCHIVE_TYPES.get(request.headers.get("content-type", "").split(";")[0].strip().lower())
    if kind is None:
        raise ApiError(
            Text(
                th="ส่งโฟลเดอร์ชุดข้อมูลเป็น zip หรือ tar.gz",
                en="send the dataset folder as application/zip or application/gzip",
            ),
            code="unsupported_media_type",
            status=415,
            parameter="Content-Type",
        )
    expected = _expected_version(if_match)
    await anyio.to_thread.run_sync(publishing.require_publisher, state, principal, name)
    limit = state.settings.max_upload_bytes
    with tempfile.TemporaryDirectory(prefix="khlang-upload-") as temporary:
        archive = Path(temporary) / "upload"
        await publishing.receive_to_file(request, limit, archive)

        def work() -> Any:
            folder = extract(archive, kind, Path(temporary) / "folder", limit * 4)
            if name is not None:
                _check_name(folder, name)
            return publishing.publish_folder(
                state, principal, folder, change_note=change_note, expected_version=expected
            )

        result = await anyio.to_thread.run_sync(work)
    body_out = {
        **result.model_dump(mode="json"),
        "links": {"self": f"{base_url(request)}{service.API}/datasets/{result.dataset}"},
    }
    status = 201 if result.status == "published" else 200
    return JSONResponse(body_out, status_code=status)


def _expected_version(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    text = if_match.strip().strip('"')
    if not text.isdecimal():
        raise ApiError(
            Text(th="If-Match ต้องเป็นเลขรุ่น", en="If-Match must be a version number"),
            code="bad_parameter",
            status=400,
            parameter="If-Match",
        )
    return int(text)


def _check_name(folder: Path, name: str) -> None:
    found = load_dataset(dataset_files(folder)[0]).name
    if found != name:
        raise ApiError(
            Text(
                th=f"ชื่อชุดข้อมูลในไฟล์ ({found}) ไม่ตรงกับ URL ({name})",
                en=f"the folder's dataset name ({found}) is not the one in the URL ({name})",
            ),
            code="name_mismatch",
            status=400,
        )


ChangeNote = Annotated[str | None, Query(max_length=2000, description="Why this version.")]
IfMatch = Annotated[str | None, Header(description="Publish only if this is the current version.")]


@router.post(
    "/datasets",
    status_code=201,
    summary="Publish a dataset folder (new dataset or new version)",
    description=UPLOAD_DESCRIPTION,
    openapi_extra=ARCHIVE_BODY,
)
async def publish_new(
    request: Request,
    state: State,
    principal: Caller,
    change_note: ChangeNote = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    return await _publish(
        request, state, principal, name=None, change_note=change_note, if_match=if_match
    )


@router.put(
    "/datasets/{name}",
    summary="Publish a new version of a dataset",
    description=UPLOAD_DESCRIPTION,
    openapi_extra=ARCHIVE_BODY,
)
async def publish_version(
    request: Request,
    state: State,
    principal: Caller,
    name: str,
    change_note: ChangeNote = None,
    if_match: IfMatch = None,
) -> JSONResponse:
    return await _publish(
        request, state, principal, name=name, change_note=change_note, if_match=if_match
    )


@router.post("/datasets/{name}/withdraw", summary="Withdraw a dataset (kept with its history)")
def withdraw(state: State, principal: Caller, name: str, note: ChangeNote = None) -> dict[str, Any]:
    publishing.require_key(principal)
    state.catalog.withdraw(name, actor=principal, note=note)
    state.forget()
    return {"dataset": name, "state": "withdrawn"}


@router.post("/datasets/{name}/reinstate", summary="Offer a withdrawn dataset again")
def reinstate(state: State, principal: Caller, name: str) -> dict[str, Any]:
    publishing.require_key(principal)
    state.catalog.reinstate(name, actor=principal)
    state.forget()
    return {"dataset": name, "state": "active"}
