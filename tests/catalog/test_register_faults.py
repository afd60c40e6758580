"""Registration under faults, against the real gdc CKAN kit behind a proxy that cuts, slows
or garbles the line (proxy.py says why a proxy rather than stopping the shared kit). Nothing
may be lost and nothing registered twice.

Most tests run on both stores (SQLite and PostgreSQL): the outbox's claims, attempt counts
and backoff times are the store's statements. Three run on one store:
- the retries within a run and a call that times out happen in the client and the run's
  loop without a statement to the store; the deferral and later completion they end in
  run on both stores in the other tests here;
- the killed registrar (on PostgreSQL, the production store): the kill comes while it
  waits for CKAN, between its transactions, so it leaves the same committed rows (an item
  leased to a dead process) on either store; taking over a dead process's lease read back
  from each store is tested on both by tests/catalog/test_crash.py (a killed publish), and
  the outbox's claims by the tests above. A second real registrar process, on SQLite,
  cost the quick loop 1.7 s of CPU and CKAN's work for two more datasets."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import ckanapi
import pytest
from sqlalchemy import select

from khlang.catalog import Catalog, Principal, outbox
from khlang.catalog.registration.drift import check_drift
from khlang.catalog.registration.push import register
from khlang.catalog.registration.settings import ad_hoc_target
from khlang.catalog.tables import OutboxItem
from tests.catalog.conftest import ON_POSTGRESQL, ON_SQLITE, PUBLIC_URL, Kit
from tests.catalog.folders import write_folder
from tests.catalog.proxy import FaultyProxy
from tests.conftest import ROOT

pytestmark = pytest.mark.ckan

OPERATOR = Principal.operator("cli:tester")


def _publish(publish, tmp_path, unique: str, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    names = [f"fault-{unique}-{index}" for index in range(count)]
    for index, name in enumerate(names):
        publish(
            write_folder(
                tmp_path,
                name,
                organization=f"org-{unique}",
                title=f"ทดสอบความทนทาน {unique} ชุดที่ {index}",
            )
        )
    return names


def _remote_names(kit: Kit, unique: str) -> list[str]:
    found = ckanapi.RemoteCKAN(kit.url, apikey=kit.token).action.package_search(
        fq=f'organization:"org-{unique}"', include_private=True, rows=1000
    )
    return sorted(package["name"] for package in found["results"])


def _queued(catalog: Catalog, target: str) -> int:
    with catalog.read() as session:
        return outbox.pending_count(session, target)


@pytest.mark.slow
def test_an_outage_in_the_middle_loses_nothing(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    names = _publish(publish, tmp_path, unique, 8)
    with FaultyProxy(gdc_kit.url) as proxy:
        target = make_target(gdc_kit, url=proxy.url, retries=1)

        def cut_after_three_creates(action: str) -> None:
            if action == "package_create" and proxy.count("package_create") > 3:
                proxy.mode = "drop"

        proxy.before = cut_after_three_creates
        run = register(catalog, target, actor=OPERATOR, sleep=lambda _seconds: None)
        assert run.count("created") == 3
        assert run.count("deferred") == 1  # not even status_show answers: stop at once
        assert run.stopped is not None
        assert "not even status_show" in run.stopped.en
        assert run.remaining == 5
        assert _queued(catalog, target.name) == 5
        for registration in catalog.registrations(target=target.name):
            if registration.state != "registered":
                assert (
                    registration.last_error is None
                    or registration.last_error["kind"] == "transient"
                )

        proxy.before, proxy.mode = None, "pass"
        again = register(catalog, target, actor=OPERATOR)
    assert again.count("created") == 5
    assert again.remaining == 0
    assert _remote_names(gdc_kit, unique) == names  # every one, exactly once
    assert {item.state for item in catalog.registrations(target=target.name)} == {"registered"}
    assert check_drift(catalog, make_target(gdc_kit)).ok


@pytest.mark.slow
def test_the_breaker_stops_a_run_when_writes_keep_failing(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    """CKAN answers reads (status_show too) but every create gets a 503: the run stops after
    three datasets in a row, and the rest stay queued."""
    names = _publish(publish, tmp_path, unique, 5)
    with FaultyProxy(gdc_kit.url) as proxy:
        target = make_target(gdc_kit, url=proxy.url, retries=0)

        def fail_creates(action: str) -> None:
            proxy.mode = "status" if action == "package_create" else "pass"

        proxy.before = fail_creates
        run = register(catalog, target, actor=OPERATOR)
        assert [item.action for item in run.outcomes] == ["deferred"] * 3
        assert {item.error["target_down"] for item in run.outcomes} == {False}
        assert run.stopped is not None
        assert "3 datasets in a row" in run.stopped.en
        assert run.remaining == 5
        proxy.before, proxy.mode = None, "pass"
        again = register(catalog, target, actor=OPERATOR)
    assert again.count("created") == 5
    assert _remote_names(gdc_kit, unique) == names


@ON_POSTGRESQL
def test_5xx_is_retried_with_exponential_backoff(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    [name] = _publish(publish, tmp_path, unique, 1)
    waits: list[float] = []
    with FaultyProxy(gdc_kit.url) as proxy:
        target = make_target(gdc_kit, url=proxy.url, retries=3, backoff=0.5)

        def fail_twice(action: str) -> None:
            if action == "organization_show":
                proxy.mode = "status" if proxy.count("organization_show") <= 2 else "pass"

        proxy.before = fail_twice
        run = register(catalog, target, actor=OPERATOR, sleep=waits.append)
    assert [(item.dataset, item.action) for item in run.outcomes] == [(name, "created")]
    assert waits == [0.5, 1.0]


@ON_SQLITE
def test_a_timeout_is_deferred_then_completed(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    [name] = _publish(publish, tmp_path, unique, 1)
    with FaultyProxy(gdc_kit.url) as proxy:
        # Every call is held longer than the timeout, so a short one fires as surely as a
        # long one and holds the test (its xdist worker) for less.
        target = make_target(gdc_kit, url=proxy.url, retries=0, timeout=0.1)
        proxy.mode, proxy.delay = "slow", 1.0
        run = register(catalog, target, actor=OPERATOR)
        assert [item.action for item in run.outcomes] == ["deferred"]
        [registration] = catalog.registrations(target=target.name)
        assert registration.last_error["kind"] == "transient"
        assert "did not answer within 0.1 s" in registration.last_error["message"]
        assert registration.attempts == 1
        proxy.mode = "pass"
        patient = target.model_copy(update={"timeout": 60.0})  # same target, same registration
        again = register(catalog, patient, actor=OPERATOR)
    assert [(item.dataset, item.action) for item in again.outcomes] == [(name, "created")]


def test_attempts_are_bounded_then_parked(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    """CKAN answers, but this dataset's create keeps failing: parked after max_attempts."""
    _publish(publish, tmp_path, unique, 1)
    with FaultyProxy(gdc_kit.url) as proxy:
        target = make_target(gdc_kit, url=proxy.url, retries=0, max_attempts=2)

        def drop_creates(action: str) -> None:
            proxy.mode = "drop" if action == "package_create" else "pass"

        proxy.before = drop_creates
        assert [item.action for item in register(catalog, target, actor=OPERATOR).outcomes] == [
            "deferred"
        ]
        assert [item.action for item in register(catalog, target, actor=OPERATOR).outcomes] == [
            "failed"
        ]
        assert catalog.registrations(target=target.name)[0].state == "failed"
        assert register(catalog, target, actor=OPERATOR).calls == 0  # parked, not retried blindly
        proxy.before, proxy.mode = None, "pass"
        retried = register(catalog, target, actor=OPERATOR, retry_failed=True)
    assert [item.action for item in retried.outcomes] == ["created"]


def test_an_outage_does_not_use_up_the_attempts(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    """While the whole target is down (status_show fails too), failures are not counted:
    however many runs the outage lasts, nothing is parked and the backoff does not grow, so
    the first run after it recovers registers everything."""
    [name] = _publish(publish, tmp_path, unique, 1)
    with FaultyProxy(gdc_kit.url) as proxy:
        target = make_target(gdc_kit, url=proxy.url, retries=0, max_attempts=2, backoff=0.01)
        proxy.mode = "drop"
        for _run in range(4):
            run = register(catalog, target, actor=OPERATOR)
            assert [item.action for item in run.outcomes] == ["deferred"]
            assert run.outcomes[0].error["target_down"] is True
            time.sleep(0.05)  # the item is due again after 2 x backoff
        [registration] = catalog.registrations(target=target.name)
        assert (registration.state, registration.attempts) == ("pending", 4)
        with catalog.read() as session:
            [item] = session.scalars(select(OutboxItem).where(OutboxItem.target == target.name))
        assert (item.state, item.attempts) == ("pending", 0)
        proxy.mode = "pass"
        again = register(catalog, target, actor=OPERATOR)
    assert [(item.dataset, item.action) for item in again.outcomes] == [(name, "created")]
    assert again.remaining == 0


def test_a_create_whose_answer_was_lost_is_not_made_twice(
    catalog: Catalog, publish, tmp_path, unique, gdc_kit, make_target
) -> None:
    """CKAN created the dataset, then the line broke before khlang heard it."""
    names = _publish(publish, tmp_path, unique, 2)
    with FaultyProxy(gdc_kit.url) as proxy:
        target = make_target(gdc_kit, url=proxy.url, retries=0)

        def cut_after_first_create(action: str) -> None:
            if action == "package_create":
                proxy.mode = "drop"

        proxy.after = cut_after_first_create
        run = register(catalog, target, actor=OPERATOR)
        assert [item.action for item in run.outcomes] == ["deferred"]  # then the run stops
        proxy.after, proxy.mode = None, "pass"
        again = register(catalog, target, actor=OPERATOR)
    assert sorted(item.action for item in again.outcomes) == ["created", "unchanged"]
    assert _remote_names(gdc_kit, unique) == names
    assert {item.state for item in catalog.registrations(target=target.name)} == {"registered"}


@ON_POSTGRESQL
def test_a_killed_registrar_is_resumed_by_the_next_run(
    catalog: Catalog, database_url: str, home, publish, tmp_path, unique, gdc_kit, monkeypatch
) -> None:
    """`khlang register` is killed (SIGKILL) right after CKAN created its 2nd dataset, before
    khlang recorded it. The next run takes over the dead process's leased item at once and
    finishes the rest; CKAN ends with each dataset exactly once. Three datasets: one
    recorded before the kill, the one it held, one not reached."""
    names = _publish(publish, tmp_path, unique, 3)
    monkeypatch.setenv("CKAN_TOKEN", gdc_kit.token)
    with FaultyProxy(gdc_kit.url) as proxy:
        target = ad_hoc_target(proxy.url, "gdc", public_url=PUBLIC_URL, settings_public_url=None)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "khlang",
                "register",
                "--url",
                proxy.url,
                "--public-url",
                PUBLIC_URL,
                "--home",
                str(home),
            ],
            env={**os.environ, "PYTHONPATH": str(ROOT), "KHLANG_DATABASE_URL": database_url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def kill_after_second_create(action: str) -> None:
            if action == "package_create" and proxy.count("package_create") == 2:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)

        proxy.after = kill_after_second_create
        assert process.wait(timeout=120) == -signal.SIGKILL
        proxy.after = None
        assert _queued(catalog, target.name) == 2
        run = register(catalog, target, actor=OPERATOR)
    assert sorted(item.action for item in run.outcomes) == ["created", "unchanged"]
    assert run.remaining == 0
    assert _remote_names(gdc_kit, unique) == names
    registrations = catalog.registrations(target=target.name)
    assert [item.state for item in registrations] == ["registered"] * 3
