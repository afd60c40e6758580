"""`khlang catalog ...` and `khlang register` on both back ends: through the same entry point
a user's shell reaches (`khlang.cli.main`, with its exit codes), in this process for speed;
the last tests run real `khlang` processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khlang.catalog import Catalog
from tests.catalog.folders import write_folder
from tests.conftest import run_khlang_here


@pytest.fixture
def cli(home: Path, database_url: str, monkeypatch):  # type: ignore[no-untyped-def]
    """`cli("catalog", "list")` -> CompletedProcess, against the test's catalog."""
    monkeypatch.setenv("KHLANG_HOME", str(home))
    monkeypatch.setenv("KHLANG_DATABASE_URL", database_url)
    return run_khlang_here


def test_init_then_reads(cli, catalog: Catalog, publish, tmp_path) -> None:
    assert cli("catalog", "init").returncode == 0
    publish(write_folder(tmp_path, "cli-data"), change_note="รุ่นแรก")
    listed = cli("catalog", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    [item] = json.loads(listed.stdout)
    assert (item["name"], item["version"], item["organization"]) == ("cli-data", 1, "test-org")

    shown = cli("catalog", "show", "cli-data")
    assert shown.returncode == 0, shown.stderr
    assert "version 1 of 1" in shown.stdout
    assert "/dataset/cli-data/resource/" in shown.stdout
    document = json.loads(cli("catalog", "show", "cli-data", "-f", "json").stdout)
    assert document["metadata"]["resources"][0]["media_type"] == "text/csv"

    history = json.loads(cli("catalog", "history", "cli-data", "-f", "json").stdout)
    assert [entry["change_note"] for entry in history] == ["รุ่นแรก"]
    assert cli("catalog", "check").returncode == 0
    state = json.loads(cli("catalog", "state").stdout)
    assert state == {"datasets": {"cli-data": {"in_agency_catalog": True, "gdc_state": None}}}


def test_withdraw_and_reinstate(cli, catalog: Catalog, publish, tmp_path) -> None:
    publish(write_folder(tmp_path, "cli-withdrawn"))
    assert cli("catalog", "withdraw", "cli-withdrawn", "-m", "ซ้ำ").returncode == 0
    assert json.loads(cli("catalog", "list", "-f", "json").stdout) == []
    assert len(json.loads(cli("catalog", "list", "--withdrawn", "-f", "json").stdout)) == 1
    assert cli("catalog", "reinstate", "cli-withdrawn").returncode == 0
    log = json.loads(cli("catalog", "log", "--dataset", "cli-withdrawn", "-f", "json").stdout)
    assert [entry["action"] for entry in log][:2] == ["dataset.reinstate", "dataset.withdraw"]


def test_accounts_from_the_command_line(cli, catalog: Catalog) -> None:
    assert (
        cli(
            "catalog",
            "org",
            "create",
            "dla",
            "--title-th",
            "กรมส่งเสริมการปกครองท้องถิ่น",
            "--type",
            "agency",
        ).returncode
        == 0
    )
    assert cli("catalog", "user", "create", "somchai", "--email", "s@example.go.th").returncode == 0
    assert cli("catalog", "member", "add", "dla", "somchai", "--role", "editor").returncode == 0
    created = cli("catalog", "key", "create", "somchai", "--org", "dla", "--expires-in-days", "30")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    principal = catalog.accounts.authenticate(token)
    assert principal is not None
    assert principal.can_publish("dla")
    [key] = json.loads(cli("catalog", "key", "list", "somchai", "-f", "json").stdout)
    assert token not in json.dumps(key)
    assert cli("catalog", "key", "revoke", key["id"]).returncode == 0
    assert catalog.accounts.authenticate(token) is None
    users = json.loads(cli("catalog", "user", "list", "-f", "json").stdout)
    assert users[0]["roles"] == {"dla": "editor"}
    orgs = json.loads(cli("catalog", "org", "list", "-f", "json").stdout)
    assert orgs[0]["title"]["th"] == "กรมส่งเสริมการปกครองท้องถิ่น"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("catalog", "show", "nothing-here"), "no dataset named 'nothing-here'"),
        (
            ("catalog", "member", "add", "dla", "nobody", "--role", "boss"),
            "the role must be one of",
        ),
        (("catalog", "org", "create", "Bad Name"), "lower-case"),
        (("register",), "give either --target or --url"),
        (("register", "--target", "national"), "no target named 'national'"),
        (("register", "--url", "ftp://x"), "must start with http"),
    ],
)
def test_bad_input_exits_2_with_a_message(cli, catalog: Catalog, args, message) -> None:
    result = cli(*args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr.replace("\n", " ")
    assert "Traceback" not in result.stderr


def test_a_real_process_exits_2_without_a_traceback(khlang_cli, tmp_path: Path) -> None:
    result = khlang_cli(
        "catalog", "show", "x", "--home", str(tmp_path / "home"), env={"KHLANG_DATABASE_URL": ""}
    )
    assert result.returncode == 2
    assert "khlang catalog init" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_catalog_is_not_created_by_reading(cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KHLANG_DATABASE_URL")
    result = cli("catalog", "list", "--home", str(tmp_path / "typo"))
    assert result.returncode == 2
    assert "khlang catalog init" in result.stderr
    assert not (tmp_path / "typo").exists()
