"""How often each dataset's files are downloaded, for the home page's "most downloaded".

A small ASGI middleware watches the answers to download URLs (the published files at
`/dataset/{name}/resource/...` and the API's `/api/v1/datasets/{name}/resources/.../download.*`)
and counts each complete one (status 200; a 304 re-validation is not a new download). Counts
live in an SQLite file beside the catalog's query tables (`<home>/api/downloads.sqlite`), so
several server processes share them and a restart keeps them; the write runs in a worker
thread and never delays the download.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path
from urllib.parse import unquote

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from khlang.api.middleware import PUBLISHED_FILE
from khlang.api.state import ApiState

_DOWNLOAD = re.compile(
    rf"^(?:{PUBLISHED_FILE}|/api/v1/datasets/(?P<api>[^/]+)/resources/[^/]+/download\.[a-z]+)$"
)


class DownloadCounter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS downloads "
                "(dataset TEXT PRIMARY KEY, count INTEGER NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5)
        # WAL without a sync at every commit: a count lost to a power cut costs nothing,
        # while a sync per download held each download's connection (bench/load.py).
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def record(self, dataset: str) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO downloads VALUES (?, 1) "
                "ON CONFLICT(dataset) DO UPDATE SET count = count + 1",
                (dataset,),
            )

    def counts(self) -> list[tuple[str, int]]:
        """Every downloaded dataset with its count, most downloaded first."""
        with self._connect() as db:
            return db.execute(
                "SELECT dataset, count FROM downloads ORDER BY count DESC, dataset"
            ).fetchall()


_counters: dict[Path, DownloadCounter] = {}
_counters_lock = threading.Lock()


def counter_for(state: ApiState) -> DownloadCounter:
    path = state.settings.table_dir.parent / "downloads.sqlite"
    with _counters_lock:
        if path not in _counters:
            _counters[path] = DownloadCounter(path)
        return _counters[path]


def downloaded_dataset(path: str) -> str | None:
    found = _DOWNLOAD.match(path)
    if found is None:
        return None
    return unquote(found.group("file") or found.group("api"))


class DownloadCountMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        dataset = (
            downloaded_dataset(scope["path"])
            if scope["type"] == "http" and scope["method"] == "GET"
            else None
        )
        if dataset is None:
            await self.app(scope, receive, send)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status == 200:
            counter = counter_for(scope["app"].state.khlang)
            await anyio.to_thread.run_sync(counter.record, dataset)
