"""Crash safety of publishing: `khlang catalog add`, run as a user runs it (a separate
process, on SQLite and on PostgreSQL), is killed with SIGKILL at each named step of the
publish and at random moments. Throughout, readers through the Catalog API and the HTTP API
see the previous version or the new one, each complete with all its files; publishing the
same folder again completes the interrupted version; `khlang catalog check` reports what a
kill left behind and `--repair` removes it, after which the files on disk are exactly the
ones the database names."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from khlang.catalog import Catalog, Principal
from khlang.catalog.tables import Blob, DatasetVersion, VersionResource
from khlang.catalog.tables import Dataset as DatasetRow
from tests.api.conftest import make_app
from tests.catalog.folders import rows_csv, write_folder
from tests.conftest import ROOT

OPERATOR = Principal.operator("cli:tester")
SEED = 20261123
RANDOM_KILLS = 12
ROWS = 500
# `khlang catalog add` as the console script runs it, except that when KILL_AT names a step
# ("module:attribute" or "module:attribute:n" for its n-th call) the process SIGKILLs itself
# on entering it. The steps are patched from outside: the catalog has no test hooks.
CLI = """
import os, signal, sys
from importlib import import_module

def arm(point):
    module_name, attribute, *nth = point.split(":")
    module = import_module(module_name)
    original, calls = getattr(module, attribute), []
    def step(*args, **kwargs):
        calls.append(None)
        if len(calls) == int(nth[0] if nth else 1):
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)
    setattr(module, attribute, step)

if os.environ.get("KILL_AT"):
    arm(os.environ["KILL_AT"])
from khlang.cli import main
sys.argv[0] = "khlang"
main()
"""
# Each named step, with what the kill leaves behind: (pending version, new version visible).
KILL_STEPS = {
    # Inside the staging transaction: it rolls back, nothing is left.
    "khlang.catalog.publish:_claim_pending": (False, False),
    # The first file's copy is written, not yet renamed to its hash: a temporary file.
    "os:replace:1": (True, False),
    # The first file is stored under its hash, the second not yet: an orphan file.
    "khlang.catalog.blobs:_fsync_folder:1": (True, False),
    # The second file half-way, the first stored.
    "os:replace:2": (True, False),
    # Every file stored, the checks running.
    "khlang.catalog.store:default_gate": (True, False),
    # Inside the commit transaction, before it commits.
    "khlang.catalog.publish:enqueue_for_registered_targets": (True, False),
    # Committed, before the command reports it.
    "khlang.cli.catalog:_print_add": (False, True),
}
DEBRIS = {"abandoned-version", "orphan-file", "temporary-file"}


def _cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", CLI, *args, "--home", str(home)]


def _environment(database_url: str, kill_at: str | None = None) -> dict[str, str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "KHLANG_DATABASE_URL": database_url}
    environment.pop("KILL_AT", None)
    if kill_at is not None:
        environment["KILL_AT"] = kill_at
    return environment


def _run_cli(home: Path, database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        _cli(home, *args),
        env=_environment(database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _kill_add(home: Path, database_url: str, folder: Path, when: str | float) -> int:
    """Run `khlang catalog add FOLDER`, killed at the step `when` names or after `when`
    seconds (if it has not finished by then); its exit status."""
    step = when if isinstance(when, str) else None
    process = subprocess.Popen(
        _cli(home, "catalog", "add", str(folder)),
        env=_environment(database_url, step),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if step is None:
        try:
            process.wait(timeout=float(when))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
    _, errors = process.communicate(timeout=120)
    assert process.returncode in (0, -signal.SIGKILL), errors
    return process.returncode


class Readers(threading.Thread):
    """Reads one dataset through the Catalog API and the HTTP API over and over while
    publishes are killed: every reading must be one published version, whole: the files of
    each resource, downloaded, are the ones published as that version."""

    def __init__(
        self, catalog: Catalog, client: TestClient, name: str, contents: dict[int, tuple]
    ) -> None:
        super().__init__(daemon=True)
        self.catalog, self.client, self.name, self.contents = catalog, client, name, contents
        self.stopped = threading.Event()
        self.readings = 0
        self.failures: list[str] = []

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.read_catalog()
                self.read_http()
                self.readings += 2
            except Exception as error:  # every kind of failure is a finding
                self.failures.append(repr(error))
            time.sleep(0.2)

    def read_catalog(self) -> None:
        record = self.catalog.dataset(self.name)
        files = tuple(
            self.catalog.resource_file(self.name, resource.id, version=record.version)
            .path.read_bytes()
            .decode()
            for resource in record.current.resources
        )
        assert files == self.contents[record.version], f"catalog: version {record.version}"

    def read_http(self) -> None:
        view = self.client.get(f"/api/v1/datasets/{self.name}")
        assert view.status_code == 200, view.text
        files = []
        for resource in sorted(view.json()["resources"], key=lambda item: item["position"]):
            download = self.client.get(resource["download_url"])
            assert download.status_code == 200, download.text
            assert hashlib.sha256(download.content).hexdigest() == resource["sha256"]
            files.append(download.content.decode())
        version = view.json()["version"]
        assert tuple(files) == self.contents[version], f"HTTP: version {version}"


@pytest.fixture
def readers(catalog: Catalog, home: Path, database_url: str) -> Iterator[Readers]:
    contents: dict[int, tuple] = {}
    with TestClient(make_app(home, database_url=database_url)) as client:
        reading = Readers(catalog, client, "killed", contents)
        yield reading
        reading.stopped.set()
        if reading.is_alive():
            reading.join(timeout=30)


def _write_version(parent: Path, index: int) -> tuple[Path, tuple[str, str]]:
    """The folder of the `index`-th attempted version: both of its files are new."""
    first, second = rows_csv(ROWS, offset=index), rows_csv(ROWS // 2, offset=index + 1)
    folder = write_folder(parent, "killed", csv=first, second_csv=second)
    return folder, (first, second)


def _pending(catalog: Catalog, name: str) -> set[str]:
    """The content hashes of the dataset's pending versions: a kill before staging leaves an
    earlier kill's pending version, of other content, which a rerun discards, not resumes."""
    with catalog.read() as session:
        return set(
            session.scalars(
                select(DatasetVersion.content_hash)
                .join(DatasetRow, DatasetRow.id == DatasetVersion.dataset_id)
                .where(DatasetRow.name == name, DatasetVersion.status == "pending")
            ).all()
        )


def _debris(catalog: Catalog) -> set[str]:
    return {finding.code for finding in catalog.check(actor=OPERATOR).findings}


@pytest.mark.slow
def test_killed_catalog_add_never_shows_half_a_version(
    catalog: Catalog, readers: Readers, home: Path, database_url: str, tmp_path: Path
) -> None:
    contents = readers.contents
    folder, contents[1] = _write_version(tmp_path, 0)
    started = time.monotonic()
    first = _run_cli(home, database_url, "catalog", "add", str(folder))
    duration = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    readers.start()

    rng = random.Random(SEED)
    schedule: list[str | float] = [*KILL_STEPS]
    schedule += [round(rng.uniform(0, duration), 3) for _ in range(RANDOM_KILLS)]
    rng.shuffle(schedule)
    current, completed_by_rerun, killed = 1, 0, 0
    for index, when in enumerate(schedule, start=1):
        folder, contents[current + 1] = _write_version(tmp_path, index)
        status = _kill_add(home, database_url, folder, when)
        killed += status == -signal.SIGKILL
        version = catalog.dataset("killed").version
        assert version in (current, current + 1), when
        pending = _pending(catalog, "killed")
        if isinstance(when, str):
            assert (bool(pending), version == current + 1) == KILL_STEPS[when], when
        codes = _debris(catalog)
        assert codes <= DEBRIS, (when, codes)
        assert ("abandoned-version" in codes) == bool(pending), (when, codes)
        if index % 3 == 0:  # publish the same folder again: it completes what was killed
            again = catalog.publish(folder, actor=OPERATOR, create_organization=True)
            assert again.version == current + 1
            assert again.status == ("unchanged" if version == current + 1 else "published")
            assert again.resumed == (again.content_hash in pending)
            completed_by_rerun += again.status == "published"
            version = again.version
        elif index % 3 == 1:  # repair: nothing of the kill is left
            report = catalog.check(actor=OPERATOR, repair=True, grace=dt.timedelta(0))
            assert report.ok, report.findings
            assert _debris(catalog) == set()
        # else: leave it; the next publish (of other content) discards the abandoned version
        current = version
    assert killed >= len(KILL_STEPS)
    assert completed_by_rerun > 0

    # One kill leaving every kind of debris; the CLI reports it, repairs it, then is clean.
    folder, contents[current + 1] = _write_version(tmp_path, len(schedule) + 1)
    assert _kill_add(home, database_url, folder, "os:replace:2") == -signal.SIGKILL
    found = _run_cli(home, database_url, "catalog", "check", "--format", "json")
    assert found.returncode == 1, found.stderr
    assert {item["code"] for item in json.loads(found.stdout)["findings"]} == DEBRIS
    repair = ("catalog", "check", "--repair", "--grace", "0", "--format", "json")
    repaired = _run_cli(home, database_url, *repair)
    assert repaired.returncode == 0, repaired.stdout
    assert all(item["repaired"] for item in json.loads(repaired.stdout)["findings"])
    clean = _run_cli(home, database_url, "catalog", "check", "--verify", "--format", "json")
    assert (clean.returncode, json.loads(clean.stdout)["findings"]) == (0, [])
    _assert_disk_matches_database(catalog)

    rerun = _run_cli(home, database_url, "catalog", "add", str(folder))
    assert rerun.returncode == 0, rerun.stderr
    assert f"published killed version {current + 1}" in rerun.stdout
    history = [item.number for item in catalog.history("killed")]
    assert history == list(range(current + 1, 0, -1))
    _assert_disk_matches_database(catalog)

    readers.stopped.set()
    readers.join(timeout=30)
    assert readers.failures == []
    assert readers.readings > len(schedule)


def _assert_disk_matches_database(catalog: Catalog) -> None:
    """Every stored file is one a published version uses, whole; no temporary is left."""
    with catalog.read() as session:
        recorded = set(session.scalars(select(Blob.sha256)))
        used = set(
            session.scalars(
                select(VersionResource.blob_sha256)
                .join(DatasetVersion, DatasetVersion.id == VersionResource.version_id)
                .where(DatasetVersion.status == "published")
            )
        ) - {None}
    on_disk = {sha256 for sha256, _ in catalog.blobs.stored()}
    assert on_disk == recorded == used
    assert all(catalog.blobs.verify(sha256) for sha256 in on_disk)
    assert list(catalog.blobs.temporaries()) == []


def test_other_content_after_a_crash_discards_the_partial_version(
    catalog: Catalog, publish, home, database_url, tmp_path
) -> None:
    folder = write_folder(tmp_path, "changed-mind")
    publish(folder)
    write_folder(tmp_path, "changed-mind", csv=rows_csv(30))
    status = _kill_add(home, database_url, folder, "khlang.catalog.store:default_gate")
    assert status == -signal.SIGKILL
    write_folder(tmp_path, "changed-mind", csv=rows_csv(40))
    result = publish(folder)
    assert (result.version, result.resumed) == (2, False)
    discarded = [
        entry
        for entry in catalog.audit_log(object_name="changed-mind")
        if entry.action == "version.discard"
    ]
    assert [entry.detail["reason"] for entry in discarded] == ["abandoned"]
    # The abandoned version's file is now an orphan; repair removes it (no grace period here).
    repaired = catalog.check(actor=OPERATOR, repair=True, grace=dt.timedelta(0))
    assert [finding.code for finding in repaired.findings] == ["orphan-file"]
    assert repaired.findings[0].repaired
    assert catalog.check(actor=OPERATOR).ok
    _assert_disk_matches_database(catalog)
