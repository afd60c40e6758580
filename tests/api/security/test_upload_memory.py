"""A 1 GB upload keeps the server's memory bounded: the body is streamed to disk, never
held whole (the server's peak RSS stays under 300 MB)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.api.server import running_khlang

GIB = 1024**3
CHUNK = b"\0" * (1024**2)


def _server_pid(port: str) -> int:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in words and port.encode() in words:
            return int(cmdline.parent.name)
    raise LookupError(f"no khlang serve on port {port}")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise LookupError("VmHWM")


@pytest.mark.slow
def test_a_1gb_upload_keeps_the_server_rss_bounded(api_catalog) -> None:
    with running_khlang(api_catalog.home) as url:
        pid = _server_pid(url.rsplit(":", 1)[1])

        def body():
            for _ in range(GIB // len(CHUNK)):
                yield CHUNK

        response = httpx.post(
            f"{url}/api/v1/datasets",
            content=body(),
            headers={
                "Content-Type": "application/zip",
                "Authorization": f"Bearer {api_catalog.keys['cm-editor']}",
            },
            timeout=600,
        )
        peak = _peak_rss_mb(pid)
    assert response.status_code == 400  # read whole, then refused: not an archive
    assert response.json()["error"]["code"] == "bad_archive"
    assert peak < 300, f"peak RSS {peak:.0f} MB"
