"""The GD Catalog status client against a local stand-in of the harvester's two endpoints.

The real harvester (harvester.gdcatalog.go.th) is not reachable from here. The stand-in
below answers exactly as FIELDS.md §4.2 documents: `POST /api/3/action/
gdcatalog_published_state` and `.../gdcatalog_nonpublish_state` with a JSON body
`{"site_url": <host>, "package": <id>}`, a CKAN-style reply whose `result[0]` carries
`metadata_modified` and `name` (published) or `governance_state` and `validate_time`
(not yet published), and an empty `result` for a dataset it does not know."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from khlang.catalog import Catalog, Principal
from khlang.catalog.registration.gdc_status import poll_gdc_status
from khlang.catalog.registration.settings import GdcSettings, Target
from khlang.catalog.tables import Dataset as DatasetRow
from khlang.catalog.tables import Registration
from tests.catalog.folders import write_folder

OPERATOR = Principal.operator("cli:tester")


class Harvester:
    """package id -> (published reply, non-published reply); `broken` ids answer 500."""

    def __init__(self) -> None:
        self.states: dict[str, tuple[dict[str, Any] | None, dict[str, Any] | None]] = {}
        self.broken: set[str] = set()
        self.requests: list[tuple[str, dict[str, Any]]] = []
        harvester = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                return

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                action = self.path.rsplit("/", 1)[-1]
                harvester.requests.append((action, body))
                if body["package"] in harvester.broken:
                    self.send_response(500)
                    self.end_headers()
                    return
                published, waiting = harvester.states.get(body["package"], (None, None))
                found = published if action == "gdcatalog_published_state" else waiting
                payload = json.dumps({"success": True, "result": [found] if found else []})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def harvester() -> Iterator[Harvester]:
    server = Harvester()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _registered(catalog: Catalog, publish, tmp_path, name: str, **changes: Any) -> str:  # type: ignore[no-untyped-def]
    """A dataset as a push to the agency catalog leaves it: registered, with a remote id."""
    publish(write_folder(tmp_path, name, changes=changes))
    remote_id = f"remote-{name}"
    with catalog.write() as session:
        dataset = session.query(DatasetRow).filter_by(name=name).one()
        session.add(
            Registration(
                target="agency",
                dataset_id=dataset.id,
                remote_id=remote_id,
                remote_name=name,
                state="registered",
                attempts=0,
            )
        )
    return remote_id


@pytest.mark.slow
def test_states_are_read_and_recorded(catalog: Catalog, publish, tmp_path, harvester) -> None:
    done = _registered(catalog, publish, tmp_path, "done")
    waiting = _registered(catalog, publish, tmp_path, "waiting")
    rejected = _registered(catalog, publish, tmp_path, "rejected")
    _registered(catalog, publish, tmp_path, "unknown")
    broken = _registered(catalog, publish, tmp_path, "broken")
    _registered(catalog, publish, tmp_path, "secret", private=True)
    _registered(catalog, publish, tmp_path, "no-consent", allow_harvest=False)
    harvester.states[done] = ({"metadata_modified": "2025-11-01T10:00:00", "name": "done"}, None)
    harvester.states[waiting] = (
        {"metadata_modified": ""},
        {"governance_state": "WAIT", "validate_time": ""},
    )
    harvester.states[rejected] = (
        None,
        {"governance_state": "REJECT", "validate_time": "2025-11-02"},
    )
    harvester.broken.add(broken)
    target = Target(
        name="agency",
        url="https://catalog.example.go.th",
        profile="gdc",
        gdc=GdcSettings(harvester_url=harvester.url),
    )

    polled = poll_gdc_status(catalog.context, target, actor=OPERATOR)
    statuses = {item.dataset: item for item in polled}
    assert set(statuses) == {"done", "waiting", "rejected", "unknown", "broken"}
    assert (statuses["done"].state, statuses["done"].registered) == ("COMPLETED", True)
    assert statuses["done"].published_name == "done"
    assert (statuses["waiting"].state, statuses["waiting"].registered) == ("WAIT", False)
    assert statuses["rejected"].state == "REJECT"
    assert statuses["rejected"].validate_time == "2025-11-02"
    assert str(statuses["rejected"].label) == "ไม่ผ่านเกณฑ์ / failed the criteria"
    assert statuses["unknown"].state == "NOT_FOUND"
    assert statuses["broken"].state is None
    assert "500" in statuses["broken"].error
    # The documented request: the agency catalog's host and the dataset's id there.
    assert (
        "gdcatalog_published_state",
        {"site_url": "catalog.example.go.th", "package": done},
    ) in harvester.requests
    # A published dataset needs no second question.
    assert [action for action, body in harvester.requests if body["package"] == done] == [
        "gdcatalog_published_state"
    ]

    recorded = {item.dataset: item for item in catalog.registrations(target="agency")}
    assert recorded["done"].gdc_state == "COMPLETED"
    assert recorded["rejected"].gdc_state == "REJECT"
    assert recorded["broken"].gdc_state is None
    assert recorded["secret"].gdc_checked_at is None
