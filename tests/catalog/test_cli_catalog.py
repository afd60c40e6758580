"""`khlang catalog ...` and `khlang register` on both back ends: through the same entry point
a user's shell reaches (`khlang.cli.main`, with its exit codes), in this process for speed;
the last tests run real `khlang` processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

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


def test_score_is_per_organisation_with_the_numbers_the_pages_show(
    cli, catalog: Catalog, publish, tmp_path
) -> None:
    """`khlang catalog score` scores each agency on its own public datasets (the Budget
    Bureau's indicator is an agency's), and each dataset's MQA is that of the form the
    catalog serves: the dataset page and `/compliance` give the same points."""
    from khlang.api.service import mqa_report
    from khlang.catalog import ANONYMOUS
    from khlang.metadata.dcat import DEFAULT_BASE_URL

    publish(write_folder(tmp_path, "score-a1", organization="score-a"))
    pathless = write_folder(tmp_path, "score-a2", organization="score-a")
    metadata = YAML().load((pathless / "dataset.yaml").read_text(encoding="utf-8"))
    del metadata["resources"][0]["url"]  # as `khlang publish` writes it: a path, no URL
    with (pathless / "dataset.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(metadata, handle)
    publish(pathless)
    publish(write_folder(tmp_path, "score-b1", organization="score-b"))
    publish(write_folder(tmp_path, "score-b2", organization="score-b", changes={"private": True}))
    result = cli("catalog", "score", "-f", "json")
    assert result.returncode == 0, result.stderr
    reports = {report["organization"]: report for report in json.loads(result.stdout)}
    assert sorted(reports) == ["score-a", "score-b"]
    assert reports["score-a"]["budget_bureau"]["dataset_count"] == 2
    assert reports["score-b"]["budget_bureau"]["dataset_count"] == 1  # the private one left out
    for name in ("score-a1", "score-a2", "score-b1"):
        organization = "score-a" if name.startswith("score-a") else "score-b"
        [served] = [d["mqa"] for d in reports[organization]["datasets"] if d["source"] == name]
        page = mqa_report(catalog.version(name, viewer=ANONYMOUS), DEFAULT_BASE_URL)
        assert served["total"] == page.total
        assert served["indicators"] == page.as_dict()["indicators"]
        download = next(i for i in served["indicators"] if i["key"] == "download_url")
        assert download["points"] == download["max_points"]  # the catalog's download URL
    gd_catalog = reports["score-a"]["budget_bureau"]["parts"][2]
    assert "khlang register --profile gdc" in gd_catalog["detail"]["en"]

    one = cli("catalog", "score", "--org", "score-b")
    assert one.returncode == 0, one.stderr
    assert "score-b1" in one.stdout
    assert "score-a1" not in one.stdout


def test_a_narrow_terminal_lists_whole_names(cli, publish, tmp_path, monkeypatch) -> None:
    """A dataset's name is what `show`, `history` and `withdraw` take: never cut to "…"."""
    name = "chai-nat-provincial-office-lao-revenue-expenditure"
    publish(write_folder(tmp_path, name))
    monkeypatch.setenv("COLUMNS", "80")
    listed = cli("catalog", "list")
    assert listed.returncode == 0, listed.stderr
    assert name in listed.stdout
    assert "…" not in listed.stdout


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
