"""`khlang` commands each in a process of its own, forked from one that has already imported
them, for tests that need a process per command (its exit code, its standard streams, its
peak memory and time) but not its start-up.

A fresh `python -m khlang validate` spends most of a second of CPU importing before it reads
a byte of the file under test; twenty such tests spend more on imports than on what they
test. `Forks` starts this module once as a server (`python -m tests.forked`), which imports
khlang's command line and warms the command path up (one small validation, so that the
validators and their libraries are imported), then forks one child per command. The child
is a real process: it runs `khlang.cli.main` with the command's argv, writes to its own
stdout and stderr, exits with the code main() chose, and its peak resident memory is its
own (`wait4`'s ru_maxrss). That peak counts the pages the child touches, not the server's
imported code it only shares, so it reads some 25-40 MB below a fresh process's for the
same command (measured: an empty CSV 59 MB forked, 85 MB fresh; a 5 MB cell 150 and 189):
what a command itself allocates is counted in full. What only a fresh interpreter shows
(start-up imports, warnings printed at import) stays with tests/conftest.py's run_khlang.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class Forks:
    """`forks.run("validate", path)` -> (exit code, stdout, stderr, peak MB, seconds)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="khlang-forks-")
        self._server = subprocess.Popen(
            [sys.executable, "-m", "tests.forked"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self._calls = 0

    def run(self, *args: str) -> tuple[int, str, str, int, float]:
        assert self._server.stdin
        assert self._server.stdout
        self._calls += 1
        out, err = (Path(self._folder.name) / f"{self._calls}.{name}" for name in ("out", "err"))
        self._server.stdin.write(json.dumps([list(args), str(out), str(err)]) + "\n")
        self._server.stdin.flush()
        line = self._server.stdout.readline()
        assert line, f"the fork server ended (exit code {self._server.wait()})"
        reply = json.loads(line)
        return (
            reply["code"],
            _text(out.read_bytes()),
            _text(err.read_bytes()),
            reply["peak"],
            reply["seconds"],
        )

    def close(self) -> None:
        assert self._server.stdin
        self._server.stdin.close()
        self._server.wait(timeout=60)
        self._folder.cleanup()


def _text(data: bytes) -> str:
    """Bytes as `subprocess.run(text=True)` reads them (UTF-8, universal newlines)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()


# --- the server (`python -m tests.forked`) ----------------------------------------------------


def _warm_up() -> None:
    """Import what `khlang validate` imports, by running it once on a small table."""
    from khlang.cli import main

    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "warm.csv"
        table.write_text("a,b\n1,x\n", encoding="utf-8")
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            sys.argv = ["khlang", "validate", str(table), "-f", "json"]
            with contextlib.suppress(SystemExit):
                main()


def _child(args: list[str], out: str, err: str) -> int:
    """In the forked child: the command as its own process would run it; its exit code."""
    from khlang.cli import main

    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    for descriptor, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), descriptor)
    sys.argv = ["khlang", *args]
    code: Any = 0
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code
        if code is not None and not isinstance(code, int):  # as the interpreter does
            print(code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return code or 0


def serve() -> None:
    _warm_up()
    replies = sys.stdout
    for line in sys.stdin:
        args, out, err = json.loads(line)
        replies.flush()
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(args, out, err)
            finally:
                os._exit(code)
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - started
        reply = {
            "code": os.waitstatus_to_exitcode(status),
            "peak": usage.ru_maxrss // 1024,
            "seconds": seconds,
        }
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    serve()
