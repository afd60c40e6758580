"""Two publishers updating one dataset at the same moment, on SQLite and PostgreSQL: two
`khlang catalog add` processes, or one and an upload to the HTTP write API of a running
`khlang serve`. Both base their change on the version they read (`--expect-version`,
`If-Match`) and are released together by a barrier, round after round. Every round ends with
exactly one new version, the winner's, and a clear conflict for the loser (exit 1 or 409,
in Thai and English, naming the dataset and the versions); never a lost update, never a crash."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from khlang.catalog import Catalog, Principal
from tests.api.server import running_khlang
from tests.catalog.folders import rows_csv, write_folder
from tests.conftest import ROOT

# Two or three khlang processes racing round after round: 6 to 10 s of CPU a test.
pytestmark = pytest.mark.slow
OPERATOR = Principal.operator("cli:tester")
ROUNDS = 6
# A `khlang catalog add` process that stays up between rounds (so that rounds are not paced
# by interpreter start-up): for each job read from stdin it says "ready", waits for the
# barrier file, runs the command as the console script would, and answers with what it did.
RACER = """
import contextlib, io, json, sys, time, traceback
from pathlib import Path
from khlang.cli import app

for line in sys.stdin:
    job = json.loads(line)
    go = Path(job["go"])
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.0002)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = app(job["argv"], prog_name="khlang", standalone_mode=False)
    except Exception:
        code, err = -1, io.StringIO(traceback.format_exc())
    print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()}), flush=True)
"""


class Racer:
    """One long-lived CLI process taking part in the races."""

    def __init__(self, home: Path, database_url: str) -> None:
        environment = {**os.environ, "PYTHONPATH": str(ROOT), "KHLANG_DATABASE_URL": database_url}
        self.home = home
        self.process = subprocess.Popen(
            [sys.executable, "-c", RACER],
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def arm(self, folder: Path, expect: int, go: Path) -> None:
        argv = ["catalog", "add", str(folder), "--home", str(self.home)]
        argv += ["--expect-version", str(expect), "--format", "json"]
        assert self.process.stdin
        assert self.process.stdout
        self.process.stdin.write(json.dumps({"argv": argv, "go": str(go)}) + "\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "ready"

    def outcome(self) -> dict[str, Any]:
        """("published", version) or ("conflict", message) of the last race."""
        assert self.process.stdout
        answer = json.loads(self.process.stdout.readline())
        assert answer["code"] in (0, 1), answer
        [entry] = json.loads(answer["out"])
        if answer["code"] == 0:
            assert entry["status"] == "published", entry
            return {"status": "published", "version": entry["version"]}
        assert entry["status"] == "refused", entry
        return {"status": "conflict", "message": entry["message"]}

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=30)


class HttpRacer:
    """An upload to `PUT /api/v1/datasets/{name}` with If-Match, sent at the barrier."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.answer: dict[str, Any] = {}

    def arm(self, folder: Path, expect: int, go: threading.Event) -> threading.Thread:
        archive = Path(shutil.make_archive(str(folder), "zip", root_dir=folder)).read_bytes()
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/zip",
            "If-Match": str(expect),
        }

        def send() -> None:
            go.wait(timeout=60)
            url = f"{self.url}/api/v1/datasets/{folder.name}"
            self.answer = _http_outcome(
                httpx.put(url, content=archive, headers=headers, timeout=120)
            )

        thread = threading.Thread(target=send)
        thread.start()
        return thread


def _http_outcome(response: httpx.Response) -> dict[str, Any]:
    if response.status_code == 201:
        return {"status": "published", "version": response.json()["version"]}
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "conflict", error
    return {"status": "conflict", "message": error["message"], "parameter": error["parameter"]}


@pytest.fixture
def racers(catalog: Catalog, home: Path, database_url: str) -> Iterator[list[Racer]]:
    started = [Racer(home, database_url) for _ in range(2)]
    yield started
    for racer in started:
        racer.close()


def _contender(tmp_path: Path, name: str, round_: int, side: int) -> tuple[Path, str]:
    csv = rows_csv(20 + round_, offset=100 * side + round_)
    return write_folder(tmp_path / f"round-{round_}-{side}", name, csv=csv), csv


def _released(go: Path) -> None:
    go.touch()


def _judge(
    catalog: Catalog, name: str, base: int, outcomes: list[dict[str, Any]], contents: list[str]
) -> int:
    """The round's verdict: one published version base+1 holding the winner's file, one
    conflict saying so; returns the winner's side."""
    assert sorted(outcome["status"] for outcome in outcomes) == ["conflict", "published"], outcomes
    winner = next(side for side, item in enumerate(outcomes) if item["status"] == "published")
    assert outcomes[winner]["version"] == base + 1
    loser = outcomes[1 - winner]["message"]
    for language in ("th", "en"):
        assert name in loser[language], loser
        assert str(base) in loser[language], loser
    record = catalog.dataset(name)
    assert record.version == base + 1
    [resource] = record.current.resources
    stored = catalog.resource_file(name, resource.id).path.read_text(encoding="utf-8")
    assert stored == contents[winner], "the version holds the loser's file: a lost update"
    assert [item.number for item in catalog.history(name)] == list(range(base + 1, 0, -1))
    return winner


def test_two_cli_publishers(catalog: Catalog, publish, racers: list[Racer], tmp_path: Path) -> None:
    publish(write_folder(tmp_path, "contested"))
    winners = []
    for round_ in range(ROUNDS):
        base = catalog.dataset("contested").version
        contenders = [_contender(tmp_path, "contested", round_, side) for side in (0, 1)]
        go = tmp_path / f"go-{round_}"
        for racer, (folder, _) in zip(racers, contenders, strict=True):
            racer.arm(folder, base, go)
        _released(go)
        outcomes = [racer.outcome() for racer in racers]
        winners.append(_judge(catalog, "contested", base, outcomes, [c[1] for c in contenders]))
    assert catalog.check(actor=OPERATOR).ok


def test_two_cli_publishers_of_a_new_dataset(
    catalog: Catalog, racers: list[Racer], tmp_path: Path
) -> None:
    """The first publish of a dataset (and of its organisation) raced: one creates both."""
    for round_ in range(ROUNDS // 2):
        name, organization = f"newcomer-{round_}", f"new-org-{round_}"
        contenders = []
        for side in (0, 1):
            csv = rows_csv(20, offset=100 * side)
            parent = tmp_path / f"round-{round_}-{side}"
            contenders.append((write_folder(parent, name, organization=organization, csv=csv), csv))
        go = tmp_path / f"go-{round_}"
        for racer, (folder, _) in zip(racers, contenders, strict=True):
            racer.arm(folder, 0, go)
        _released(go)
        outcomes = [racer.outcome() for racer in racers]
        _judge(catalog, name, 0, outcomes, [c[1] for c in contenders])


def test_a_cli_publisher_and_the_http_write_api(
    catalog: Catalog,
    publish,
    racers: list[Racer],
    home: Path,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    publish(write_folder(tmp_path, "contested"))
    accounts = catalog.accounts
    accounts.create_user("web-editor", actor=OPERATOR)
    accounts.set_member("test-org", "web-editor", "editor", actor=OPERATOR)
    token = accounts.create_key("web-editor", actor=OPERATOR)[1]
    monkeypatch.setenv("KHLANG_DATABASE_URL", database_url)
    with running_khlang(home) as url:
        web = HttpRacer(url, token)
        for round_ in range(ROUNDS):
            base = catalog.dataset("contested").version
            contenders = [_contender(tmp_path, "contested", round_, side) for side in (0, 1)]
            go_file, go_event = tmp_path / f"go-{round_}", threading.Event()
            racers[0].arm(contenders[0][0], base, go_file)
            sending = web.arm(contenders[1][0], base, go_event)
            _released(go_file)
            go_event.set()
            outcomes = [racers[0].outcome()]
            sending.join(timeout=120)
            outcomes.append(web.answer)
            _judge(catalog, "contested", base, outcomes, [c[1] for c in contenders])
    assert catalog.check(actor=OPERATOR).ok
