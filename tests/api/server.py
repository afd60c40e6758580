"""Running `khlang serve` as a user would, on a free loopback port, for tests that need a
real HTTP server (the ckanapi client, the CLI)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_khlang(home: Path, *extra: str, timeout: float = 60) -> Iterator[str]:
    """`khlang serve --home HOME` in a child process; yields its base URL."""
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "khlang", "serve", "--home", str(home), "--port", str(port),
               "--no-prepare", *extra]  # fmt: skip
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_it_answers(process, url, timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_it_answers(process: subprocess.Popen[str], url: str, timeout: float) -> None:
    """Ask status_show every 50 ms until it answers. One client for every try: httpx.get
    makes a new client, and its SSL context, each time (about 25 ms of CPU: the 10-30 tries
    while a busy machine starts the server cost up to a second)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as probe:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"khlang serve exited: {process.stdout.read()}")
            try:
                if probe.get(f"{url}/api/3/action/status_show").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("khlang serve did not answer")
            time.sleep(0.05)
