"""One push of many datasets to a real CKAN that, in the middle of it, answers too slowly,
then answers 5xx (both through a proxy, proxy.py), then is stopped for real and restarted
(its web process ended by PID; runs that start while it is down call it directly and meet
a refused connection, no proxy between). The registrar keeps running as a scheduler would
(`khlang register` again after each stopped run). When CKAN has recovered, the outbox
drains and every dataset is on CKAN exactly once: checked in CKAN's own database
(not only its search index), by package_show of each recorded id, and by package_search.

The CKAN is a private kit (private_kit.py), because stopping it would break the other test
sessions that share the common kits. It runs on PostgreSQL only (the production store and
its `SKIP LOCKED` claims), once: a second copy on another xdist worker would stop the same
kit under the first one's feet. The shorter fault cases, on both stores, are in
test_register_faults.py.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import ckanapi
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from khlang.catalog import Catalog, Principal
from khlang.catalog.database import with_installed_driver
from khlang.catalog.registration.drift import check_drift
from khlang.catalog.registration.mapping import ID_EXTRA
from khlang.catalog.registration.push import RunReport, register
from khlang.catalog.tables import OutboxItem
from tests.catalog.conftest import ON_POSTGRESQL, Kit
from tests.catalog.folders import write_folder
from tests.catalog.private_kit import PrivateKit
from tests.catalog.proxy import FaultyProxy

pytestmark = pytest.mark.ckan

OPERATOR = Principal.operator("cli:tester")
DATASETS = 45
SLOW_AT, ERRORS_AT, STOP_AT = 10, 20, 30
"""Each fault starts once CKAN has created this many datasets and the previous one ended.
The stop comes last: runs made while CKAN is down call it directly, and one of them may
drain the rest once it is back."""
OUTAGE = 3.0
"""Seconds CKAN stays stopped before up.sh starts it again (which itself takes seconds)."""
TIMEOUT, LATE = 1.0, 2.5
"""khlang's timeout, and how late CKAN's answers come while it is slow."""
LATE_CALLS, ERROR_CALLS, GATEWAY_CALLS = 6, 8, 3
SCHEDULER_INTERVAL = 0.5
DEADLINE = 240.0


@dataclass
class Faults:
    """Drives the faults from what CKAN did (slow after the SLOW_AT-th create, and so on).
    Runs in the proxy's threads."""

    proxy: FaultyProxy
    kit: PrivateKit
    events: dict[str, float] = field(default_factory=dict)
    late_left: int = 0
    errors_left: int = 0
    gateway_left: int = 0
    direct_creates: int = 0
    late_creates: list[int] = field(default_factory=list)
    answered_5xx: int = 0
    restart: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def down(self) -> bool:
        return "stopped" in self.events and "restarted" not in self.events

    def created(self) -> int:
        """Datasets CKAN created: through the proxy, and directly while it was down."""
        return self.direct_creates + sum(
            1
            for action, _mode, status in self.proxy.upstream_log[:]
            if action == "package_create" and status == 200
        )

    def after(self, action: str) -> None:
        """After CKAN answered a call (before khlang hears the answer)."""
        if action != "package_create":
            return
        with self.lock:
            created = self.created()
            _action, mode, status = self.proxy.upstream_log[-1]
            if mode == "late" and status == 200:
                self.late_creates.append(created)
            if created >= SLOW_AT and "slow" not in self.events:
                self.events["slow"] = time.monotonic()
                self.proxy.mode, self.proxy.delay, self.late_left = "late", LATE, LATE_CALLS
            elif created >= ERRORS_AT and "slow_end" in self.events and "errors" not in self.events:
                self.events["errors"] = time.monotonic()
                self.proxy.mode, self.proxy.status = "status", 503
                self.errors_left, self.gateway_left = ERROR_CALLS, GATEWAY_CALLS
            elif (
                created >= STOP_AT and "errors_end" in self.events and "stopped" not in self.events
            ):
                self.events["stopped"] = time.monotonic()
                self.events["stopped_pid"] = self.kit.stop_web()
                self.restart = threading.Thread(target=self._restart, daemon=True)
                self.restart.start()

    def before(self, action: str) -> None:
        """Before a call is forwarded: count down the slow and failing stretches."""
        with self.lock:
            if self.proxy.mode == "late":
                if self.late_left == 0:
                    self.proxy.mode = "pass"
                    self.events["slow_end"] = time.monotonic()
                else:
                    self.late_left -= 1
            if self.proxy.mode == "status" and self.errors_left == 0:
                self.proxy.mode, self.proxy.status = "gateway", 502
            if self.proxy.mode == "gateway" and self.gateway_left == 0:
                self.proxy.mode = "pass"
                self.events["errors_end"] = time.monotonic()
            if self.proxy.mode == "status":
                self.errors_left -= 1
                self.answered_5xx += 1
            elif self.proxy.mode == "gateway":
                self.gateway_left -= 1
                self.answered_5xx += 1

    def _restart(self) -> None:
        time.sleep(OUTAGE)
        self.events["restarting"] = time.monotonic()
        self.kit.start()
        self.events["restarted"] = time.monotonic()


def _ckan_packages(kit: PrivateKit, organization: str) -> list[tuple[str, str, str]]:
    """(name, id, state) of every package of the organisation in CKAN's own database:
    what CKAN holds, whatever its search index says."""
    engine = create_engine(with_installed_driver(make_url(kit.database_url)))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    'SELECT p.name, p.id, p.state FROM package p JOIN "group" g '
                    "ON g.id = p.owner_org WHERE g.name = :organization ORDER BY p.name"
                ),
                {"organization": organization},
            )
            return [tuple(row) for row in rows]
    finally:
        engine.dispose()


@ON_POSTGRESQL
@pytest.mark.slow
def test_a_push_survives_ckan_stopped_slow_and_failing(
    catalog: Catalog, publish, tmp_path, unique, private_kit: PrivateKit, make_target
) -> None:
    organization = f"org-{unique}"
    names = sorted(f"outage-{unique}-{index:02d}" for index in range(DATASETS))
    for index, name in enumerate(names):
        publish(
            write_folder(
                tmp_path, name, organization=organization, title=f"ทนทาน {unique} ชุดที่ {index}"
            )
        )
    kit = Kit(private_kit.url, private_kit.token(), "gdc")
    runs: list[RunReport] = []
    direct_runs: list[RunReport] = []
    with FaultyProxy(kit.url) as proxy:
        faults = Faults(proxy, private_kit)
        proxy.before, proxy.after = faults.before, faults.after
        target = make_target(
            kit, url=proxy.url, timeout=TIMEOUT, retries=2, backoff=0.2, max_attempts=2
        )
        direct = target.model_copy(update={"url": kit.url})  # same target, no proxy
        started = time.monotonic()
        while True:  # the scheduler: run again until nothing is left
            if faults.down():  # khlang meets the stopped CKAN itself: connection refused
                runs.append(register(catalog, direct, actor=OPERATOR))
                direct_runs.append(runs[-1])
                faults.direct_creates += runs[-1].count("created")
            else:
                runs.append(register(catalog, target, actor=OPERATOR))
            if runs[-1].remaining == 0 and "restarted" in faults.events:
                break
            assert time.monotonic() - started < DEADLINE, [run.stopped for run in runs]
            time.sleep(SCHEDULER_INTERVAL)
        drained = time.monotonic()
        if faults.restart is not None:
            faults.restart.join(timeout=60)

    # every fault happened, for real
    events = faults.events
    assert {"stopped", "restarted", "slow", "slow_end", "errors", "errors_end"} <= set(events)
    assert private_kit.web_pid() not in (None, events["stopped_pid"])  # a new CKAN process
    assert proxy.refused > 0  # the run that saw CKAN stop went on calling
    refused = [
        outcome.error["message"]
        for run in direct_runs
        for outcome in run.outcomes
        if outcome.action == "deferred"
    ]
    assert refused
    assert all("cannot connect" in message for message in refused), refused
    assert faults.late_creates, "no create succeeded on CKAN while khlang timed out"
    assert faults.answered_5xx == ERROR_CALLS + GATEWAY_CALLS
    assert any(run.stopped for run in runs)  # a run gave up on the failing target
    deferred = sum(run.count("deferred") for run in runs)
    assert deferred > 0
    assert sum(run.count("failed") for run in runs) == 0

    # the outbox drained and every dataset is registered, exactly once
    with catalog.read() as session:
        states = session.scalars(
            select(OutboxItem.state).where(OutboxItem.target == target.name)
        ).all()
    assert set(states) == {"done"}
    registrations = {item.dataset: item for item in catalog.registrations(target=target.name)}
    assert sorted(registrations) == names
    assert {item.state for item in registrations.values()} == {"registered"}
    held = _ckan_packages(private_kit, organization)
    assert [name for name, _id, _state in held] == names  # none lost, none twice
    assert {state for _name, _id, state in held} == {"active"}
    ids = {name: package_id for name, package_id, _state in held}
    assert {name: item.remote_id for name, item in registrations.items()} == ids
    ckan = ckanapi.RemoteCKAN(kit.url, apikey=kit.token)
    for name in names:
        package = ckan.action.package_show(id=ids[name])
        extras = {extra["key"]: extra["value"] for extra in package.get("extras") or []}
        assert extras[ID_EXTRA] == catalog.dataset(name, viewer=OPERATOR).id
    found = ckan.action.package_search(
        fq=f'organization:"{organization}"', include_private=True, rows=1000
    )
    assert sorted(package["name"] for package in found["results"]) == names
    settled = register(catalog, target.model_copy(update={"url": kit.url}), actor=OPERATOR)
    assert (settled.writes, settled.remaining) == (0, 0)
    assert check_drift(catalog, make_target(kit)).ok

    print(
        f"\noutage campaign: {DATASETS} datasets, {len(runs)} runs, {deferred} deferrals; "
        f"CKAN stopped {events['restarted'] - events['stopped']:.1f} s "
        f"(up.sh {events['restarted'] - events['restarting']:.1f} s), {proxy.refused} calls "
        f"dropped by the proxy, {len(refused)} datasets refused directly; "
        f"{LATE_CALLS} answers {LATE:g} s late (timeout {TIMEOUT:g} s), "
        f"{len(faults.late_creates)} of them creates CKAN made; {faults.answered_5xx} "
        f"answers 5xx; all registered {drained - events['stopped']:.1f} s after the stop, "
        f"{drained - started:.1f} s in all"
    )
