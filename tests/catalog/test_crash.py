"""Crash safety of publishing: a publish killed with SIGKILL at each step (in a separate
process) leaves the previous version visible, is reported by `catalog check`, and is
completed by publishing the same folder again; and two publishers racing on one dataset
end with one version published and one clear conflict, never a lost update."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from khlang.catalog import Catalog, Principal
from tests.catalog.folders import rows_csv, write_folder
from tests.conftest import ROOT

OPERATOR = Principal.operator("cli:tester")

# Each script publishes FOLDER to the catalog in HOME / DATABASE_URL and breaks at one step.
PRELUDE = """
import json, os, signal, sys, time
from pathlib import Path
from khlang.catalog import Catalog, Principal
from khlang.catalog.gate import default_gate

def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

catalog = Catalog.open(os.environ["HOME_DIR"], os.environ["DATABASE_URL"])
folder = Path(os.environ["FOLDER"])
"""
KILL_POINTS = {
    # Half-way through storing a file: its temporary copy exists, its final name does not.
    "storing a file": ("os.replace = die\ncatalog.publish(folder, actor=Principal.operator('p'))"),
    # Files stored, checks running.
    "checking": "catalog.publish(folder, actor=Principal.operator('p'), gate=die)",
    # Inside the commit transaction, before it commits.
    "committing": (
        "import khlang.catalog.publish as publish\n"
        "publish.enqueue_for_registered_targets = die\n"
        "catalog.publish(folder, actor=Principal.operator('p'))"
    ),
}


def _run(script: str, home: Path, database_url: str, folder: Path) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HOME_DIR": str(home),
        "DATABASE_URL": database_url,
        "FOLDER": str(folder),
    }
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_a_killed_publish_leaves_the_previous_version(
    catalog: Catalog, publish, home, database_url, tmp_path, point
) -> None:
    folder = write_folder(tmp_path, "crashing")
    publish(folder)
    write_folder(tmp_path, "crashing", csv=rows_csv(20), changes={"notes": "รุ่นที่สอง"})

    killed = _run(KILL_POINTS[point], home, database_url, folder)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    record = catalog.dataset("crashing")
    assert record.version == 1
    assert (
        catalog.resource_file("crashing", record.current.resources[0].id).path.read_text()
        == rows_csv()
    )
    codes = {finding.code for finding in catalog.check(actor=OPERATOR).findings}
    assert "abandoned-version" in codes

    resumed = publish(folder)
    assert (resumed.status, resumed.version, resumed.resumed) == ("published", 2, True)
    assert catalog.dataset("crashing").current.metadata.notes == "รุ่นที่สอง"
    report = catalog.check(actor=OPERATOR, repair=True, verify=True, grace=dt.timedelta(0))
    assert report.ok, report.findings
    assert {finding.code for finding in report.findings} <= {"temporary-file"}
    assert catalog.check(actor=OPERATOR, verify=True).findings == []


def test_other_content_after_a_crash_discards_the_partial_version(
    catalog: Catalog, publish, home, database_url, tmp_path
) -> None:
    folder = write_folder(tmp_path, "changed-mind")
    publish(folder)
    write_folder(tmp_path, "changed-mind", csv=rows_csv(30))
    assert _run(KILL_POINTS["checking"], home, database_url, folder).returncode == -signal.SIGKILL
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
    import datetime as dt

    from khlang.catalog.consistency import check

    repaired = check(catalog, actor=OPERATOR, repair=True, grace=dt.timedelta(0))
    assert [finding.code for finding in repaired.findings] == ["orphan-file"]
    assert repaired.findings[0].repaired
    assert check(catalog, actor=OPERATOR).ok


def test_two_publishers_racing_one_wins_one_conflicts(
    catalog: Catalog, publish, home, database_url, tmp_path
) -> None:
    publish(write_folder(tmp_path, "contested"))
    racers = []
    for index in range(2):
        folder = write_folder(tmp_path / f"racer-{index}", "contested", csv=rows_csv(50 + index))
        script = f"""
            from khlang.catalog import ConflictError
            def slow(dataset, files):
                time.sleep(1.0)
                return default_gate(dataset, files)
            try:
                actor = Principal.operator('racer-{index}')
                result = catalog.publish(folder, actor=actor, gate=slow)
                print(json.dumps({{"status": result.status, "version": result.version}}))
            except ConflictError as error:
                print(json.dumps({{"status": "conflict", "message": error.render()}}))
        """
        environment = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "HOME_DIR": str(home),
            "DATABASE_URL": database_url,
            "FOLDER": str(folder),
        }
        racers.append(
            subprocess.Popen(
                [sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
                env=environment,
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    results = [json.loads(racer.communicate(timeout=120)[0]) for racer in racers]
    assert sorted(result["status"] for result in results) == ["conflict", "published"]
    conflict = next(result for result in results if result["status"] == "conflict")
    assert (
        "in progress" in conflict["message"]
        or "changed this dataset meanwhile" in conflict["message"]
    )
    history = catalog.history("contested")
    assert [item.number for item in history] == [2, 1]
    winner = next(result for result in results if result["status"] == "published")
    assert winner["version"] == 2
