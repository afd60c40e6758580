"""A private gdc CKAN kit (../shared/ckan) that a test may stop and restart for real.

The shared kits (/tmp/khlang-ckan, /tmp/khlang-ckan-plain) serve every test session on the
machine, so no test stops them. This one has its own WORK and ports; `stop_web` ends its
CKAN web process by the PID up.sh recorded (checked against the command line, as down.sh
does), and `start` runs up.sh again, which restarts only what is not running (a few
seconds once the kit has been built: its first start is about 40-70 s).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

WORK = Path(os.environ.get("KHLANG_CKAN_FAULTS_WORK", "/tmp/khlang-ckan-faults"))
PORTS = {"CKAN_PORT": "15010", "SOLR_PORT": "18990", "PG_PORT": "15440", "REDIS_PORT": "16390"}


def kit_help(work: Path, ports: dict[str, str]) -> str:
    """The command that starts a private kit by hand."""
    return (
        f"env WORK={work} KIT_PROFILE=gdc "
        + " ".join(f"{key}={value}" for key, value in ports.items())
        + " bash ../shared/ckan/up.sh (or run with KHLANG_CI=1, which starts it)"
    )


HELP = kit_help(WORK, PORTS)


class PrivateKit:
    def __init__(
        self, kit_dir: Path, *, work: Path = WORK, ports: dict[str, str] | None = None
    ) -> None:
        self.kit_dir = kit_dir
        self.work = work
        self.ports = ports or PORTS
        self.url = f"http://127.0.0.1:{self.ports['CKAN_PORT']}"
        self.database_url = (
            f"postgresql://ckan_default:pass@127.0.0.1:{self.ports['PG_PORT']}/ckan_default"
        )

    @property
    def built(self) -> bool:
        return (self.work / "state" / "db-ready").is_file()

    def start(self, *options: str) -> float:
        """up.sh (idempotent; `--fresh` empties the database); the seconds it took."""
        started = time.monotonic()
        environment = {**os.environ, "WORK": str(self.work), "KIT_PROFILE": "gdc", **self.ports}
        result = subprocess.run(
            ["bash", str(self.kit_dir / "up.sh"), *options],
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"up.sh of the private kit failed:\n{result.stdout}{result.stderr}")
        return time.monotonic() - started

    def stop(self) -> None:
        """The whole kit (down.sh), when this session started it."""
        subprocess.run(
            ["bash", str(self.kit_dir / "down.sh")],
            env={**os.environ, "WORK": str(self.work)},
            capture_output=True,
            timeout=180,
            check=False,
        )

    def web_pid(self) -> int | None:
        """The running CKAN web process, or None."""
        try:
            pid = int((self.work / "run" / "ckan.pid").read_text().strip())
            command = (Path("/proc") / str(pid) / "cmdline").read_bytes()
        except (OSError, ValueError):
            return None
        return pid if str(self.work / "venv" / "bin" / "ckan").encode() in command else None

    def stop_web(self) -> int:
        """SIGTERM the CKAN web process and wait until it is gone; its PID."""
        pid = self.web_pid()
        if pid is None:
            raise RuntimeError("the private kit's CKAN is not running")
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _gone(pid):
            os.kill(pid, signal.SIGKILL)
        return pid

    def token(self) -> str:
        for line in (self.work / "env.sh").read_text(encoding="utf-8").splitlines():
            if line.startswith("export CKAN_TOKEN="):
                return line.partition("=")[2].strip("'")
        raise RuntimeError(f"no CKAN_TOKEN in {self.work / 'env.sh'}")


def _gone(pid: int) -> bool:
    """Exited, or only a zombie is left (nobody may reap it in a container)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status or "\nState:\tX" in status
