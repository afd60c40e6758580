"""A private gdc CKAN kit (../shared/ckan) with ckanext-harvest installed, as the GD Catalog
runs it, for a test in which a real CKAN harvests khlang.

It has its own WORK and ports (never the shared kits' nor the outage test's), so starting,
configuring and stopping it disturbs nothing else. `start` runs up.sh, installs
ckanext-harvest (from PyPI, pinned) into the kit's venv, adds its plugins and its queue
settings (Redis, the kit's own) to the config, creates the harvest tables, and runs up.sh
again, which restarts CKAN because its config changed. The harvest's two queue consumers
are started and stopped by the test (`consumers`), by PID.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.catalog.private_kit import PrivateKit, kit_help

WORK = Path(os.environ.get("KHLANG_CKAN_HARVEST_WORK", "/tmp/khlang-ckan-harvest"))
PORTS = {"CKAN_PORT": "15020", "SOLR_PORT": "18995", "PG_PORT": "15445", "REDIS_PORT": "16395"}
HARVEST = ["ckanext-harvest==1.6.3", "ckantoolkit>=0.0.7", "pika>=1.1.0,<1.3.0"]
"""ckanext-harvest and what its requirements.txt adds to CKAN's own (requests, redis)."""
PLUGINS = "activity scheming_datasets gdccompat harvest ckan_harvester"
HELP = kit_help(WORK, PORTS)


class HarvestKit:
    def __init__(self, kit_dir: Path) -> None:
        self.kit = PrivateKit(kit_dir, work=WORK, ports=PORTS)
        self.url = self.kit.url
        self.ckan = WORK / "venv" / "bin" / "ckan"
        self.ini = WORK / "conf" / "ckan.ini"

    @property
    def built(self) -> bool:
        return self.kit.built

    def _run(self, command: list[str], what: str) -> str:
        result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{what} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        return result.stdout

    def _cli(self, *arguments: str) -> str:
        return self._run([str(self.ckan), "-c", str(self.ini), *arguments], arguments[0])

    def start(self, *, fresh: bool = False) -> None:
        """Up, with ckanext-harvest; `fresh`: with an empty database (the venv is kept)."""
        self.kit.start(*(["--fresh"] if fresh else []))
        python = str(WORK / "venv" / "bin" / "python")
        installed = subprocess.run([python, "-c", "import ckanext.harvest"], check=False,
                                   capture_output=True).returncode == 0  # fmt: skip
        if not installed:
            self._run([python, "-m", "pip", "install", "--disable-pip-version-check", *HARVEST],
                      "pip install ckanext-harvest")  # fmt: skip
        self._cli(
            "config-tool", str(self.ini), f"ckan.plugins = {PLUGINS}",
            "ckan.harvest.mq.type = redis", "ckan.harvest.mq.hostname = 127.0.0.1",
            f"ckan.harvest.mq.port = {PORTS['REDIS_PORT']}", "ckan.harvest.mq.redis_db = 1",
        )  # fmt: skip
        self._cli("db", "upgrade", "-p", "harvest")
        self.kit.start()  # restarts CKAN: its config changed

    def stop(self) -> None:
        self.kit.stop()

    def token(self) -> str:
        return self.kit.token()

    def run_jobs(self) -> None:
        """`ckan harvester run`: sends new jobs to the gather queue and marks finished ones."""
        self._cli("harvester", "run")

    @contextlib.contextmanager
    def consumers(self, log_dir: Path) -> Iterator[None]:
        """The gather and fetch consumers, as a GD Catalog runs them (supervisor there)."""
        processes = []
        try:
            for kind in ("gather-consumer", "fetch-consumer"):
                log = (log_dir / f"{kind}.log").open("w")
                processes.append(subprocess.Popen(
                    [str(self.ckan), "-c", str(self.ini), "harvester", kind],
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                ))  # fmt: skip
            yield
        finally:
            for process in processes:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=20)
