"""README.md run as a newcomer runs it: its shell blocks, in order, in a fresh folder laid out
like a clone, and its site addresses against the server its commands started.

The test reads what README says, whatever it says, so a README change that breaks a command
fails it:

* every fenced `bash`/`sh`/`shell` block is run by bash as one script (`set -e`, so the
  first command that fails stops the block and is reported with its README line); variables,
  pipes, heredocs and `$(...)` work as in a terminal;
* `khlang`, `.venv/bin/khlang` and `python` run this checkout; `. .venv/bin/activate` works;
* `khlang demo` and `khlang serve` start in the background and the block goes on once the
  server answers, as a reader opens a second terminal; ports README names (8000, 8080, ...)
  are mapped to free ones, in the commands and in every URL;
* `curl` fails on an HTTP error (`--fail-with-body`) and on a JSON answer that found
  nothing (`"count": 0`, no rows), so a wrong dataset name or an unencoded Thai query fails;
* a command exits 0, unless its comment says `exits N`;
* commands in EXCLUDED are not run, each for the reason given; commands that read
  `../shared` are skipped when it is absent.

Then every address in a table column headed "Address" and every `http://127.0.0.1:<port>`
URL in the text is fetched from the server README's commands left running.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHELLS = ("bash", "sh", "shell")
DEFAULT_PORT = 8000
"""The port `khlang serve` and `khlang demo` listen on when README does not say."""
EXCLUDED: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"\bpip install\b"),
        "installs packages: the test runs in the environment this command made "
        "(.ci/run installs a clean checkout the same way)",
    ),
    (re.compile(r"\bpytest\b|\.ci/run"), "the test suite itself, which this test is part of"),
    (
        re.compile(r"\bbench/\w+\.py\b"),
        "a benchmark: it runs for minutes and is run by hand; tests/api/test_bench_*.py "
        "run short versions",
    ),
    (
        re.compile(r"\bkhlang register\b|\bCKAN_TOKEN="),
        "writes to a CKAN site: README's dataset names are fixed, and the shared CKAN kit "
        "needs new names every run; tests/catalog/test_register_ckan.py registers to it",
    ),
]
SHIMS = ("khlang", "curl")
LINKED = ("khlang", "bench", "docs", "tests", "pyproject.toml", "README.md", ".ci")
"""What a clone holds that README's commands read (outputs are written beside them)."""
SERVER_TIMEOUT = 900
COMMAND_TIMEOUT = 1800
_EXPECTED_EXIT = re.compile(r"\bexits (\d+)\b")
_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")
_LOCAL_URL = re.compile(r"(?:127\.0\.0\.1|localhost):(\d{2,5})")
_PORT_OPTION = re.compile(r"--port[ =](\d{2,5})\b")
_PROSE_URL = re.compile(r"https?://(?:127\.0\.0\.1|localhost):\d+[^\s`)]*")


@dataclass
class Block:
    line: int
    """README line of the block's first command (1-based)."""
    text: str


@dataclass
class Address:
    line: int
    path: str


@dataclass
class Readme:
    blocks: list[Block]
    addresses: list[Address]
    urls: list[Address]


def read(path: Path = README) -> Readme:
    """README's shell blocks, the addresses in its "Address" table columns and the local
    URLs in its text."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))
    blocks, addresses, urls = [], [], []
    headers: list[str] = []
    column, row_line = 0, 0
    for position, token in enumerate(tokens):
        if token.type == "fence" and token.info.strip().split(" ")[0] in SHELLS:
            blocks.append(Block(line=token.map[0] + 2, text=token.content))
        elif token.type == "thead_open":
            headers = []
        elif token.type == "tr_open":
            column, row_line = 0, (token.map or [0])[0] + 1
        elif token.type in ("th_open", "td_open"):
            cell = tokens[position + 1]
            if token.type == "th_open":
                headers.append(cell.content.strip().lower())
            elif column < len(headers) and headers[column] == "address":
                addresses += [
                    Address(line=row_line, path=child.content)
                    for child in cell.children or []
                    if child.type == "code_inline" and child.content.startswith("/")
                ]
            column += 1
        elif token.type == "inline":
            for child in token.children or []:
                if child.type in ("code_inline", "text"):
                    urls += [
                        Address(line=(token.map or [0])[0] + 1, path=url.rstrip(".,:;"))
                        for url in _PROSE_URL.findall(child.content)
                    ]
    return Readme(blocks=blocks, addresses=addresses, urls=urls)


def readme_ports(readme: Readme) -> set[int]:
    ports = {DEFAULT_PORT}
    for block in readme.blocks:
        ports |= {int(port) for port in _LOCAL_URL.findall(block.text)}
        ports |= {int(port) for port in _PORT_OPTION.findall(block.text)}
    for url in readme.urls:
        ports |= {int(port) for port in _LOCAL_URL.findall(url.path)}
    return ports


# --- turning a block into a script --------------------------------------------------------


@dataclass
class Script:
    text: str
    first_line: int
    """README line of the script's line 1 (the block's first command)."""
    excluded: list[tuple[int, str, str]] = field(default_factory=list)
    """(README line, command, reason) of each command not run."""


def logical_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(first, last) line offsets and text of each command line: backslash continuations
    joined, heredoc bodies kept whole with the line that opens them."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        start, parts = index, [lines[index]]
        while parts[-1].endswith("\\") and index + 1 < len(lines):
            index += 1
            parts.append(lines[index])
        opened = _HEREDOC.search(_split_comment(parts[-1])[0])
        if opened:
            while index + 1 < len(lines) and lines[index].strip() != opened.group(1):
                index += 1
                parts.append(lines[index])
        yield start, index, "\n".join(parts)
        index += 1


def _split_comment(line: str) -> tuple[str, str]:
    """A command line and its trailing `# comment` (a # outside quotes, after a space)."""
    quote = None
    for position, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in ("'", '"'):
            quote = char
        elif char == "#" and (position == 0 or line[position - 1].isspace()):
            return line[:position].rstrip(), line[position + 1 :].strip()
    return line, ""


def script_for(block: Block, ports: dict[int, int], shared: bool) -> Script:
    """The block as a bash script: ports mapped, excluded commands replaced by `:`, an
    expected exit status checked, each line where README has it (for error messages)."""
    out: list[str] = []
    script = Script(text="", first_line=block.line)
    for first, last, command in logical_lines(block.text.rstrip("\n")):
        line = block.line + first
        code, comment = _split_comment(command.split("\n", 1)[0])
        reason = _excluded(command, shared)
        if reason is not None and code.strip():
            script.excluded.append((line, command.strip(), reason))
            out += [":"] + [""] * (last - first)
            continue
        command = _map_ports(command, ports)
        expected = _EXPECTED_EXIT.search(comment)
        if expected and "\n" not in command:
            code = _map_ports(code, ports)
            command = (
                f"if {code}; then status=0; else status=$?; fi; "
                f'[ "$status" = {expected.group(1)} ] || '
                f'{{ echo "expected exit {expected.group(1)}, got $status" >&2; false; }}'
            )
        out.append(command)
    preamble = "set -Eeo pipefail; trap 'echo \"README_FAILED $LINENO\" >&2' ERR"
    script.text = preamble + "\n" + "\n".join(out) + "\n"
    return script


def _excluded(command: str, shared: bool) -> str | None:
    for pattern, reason in EXCLUDED:
        if pattern.search(_split_comment(command)[0]):
            return reason
    if "../shared" in command and not shared:
        return "needs ../shared (set KHLANG_SHARED), which is absent"
    return None


def _map_ports(text: str, ports: dict[int, int]) -> str:
    def local(found: re.Match) -> str:
        port = int(found.group(1))
        return found.group(0).replace(str(port), str(ports.get(port, port)))

    text = _LOCAL_URL.sub(local, text)
    return _PORT_OPTION.sub(local, text)


# --- the folder README's commands run in --------------------------------------------------


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


class Sandbox:
    """A folder laid out like a clone (`repo/`, with `../shared` beside it when there is
    one), the shims on PATH, and the servers README's commands start."""

    def __init__(self, root: Path, shared: Path | None, ports: set[int]) -> None:
        self.root = root
        self.repo = root / "repo"
        self.state = root / "state"
        self.bin = self.repo / ".venv" / "bin"
        self.ports = {port: free_port() for port in sorted(ports)}
        self.shared = shared
        for folder in (self.repo, self.state, self.bin):
            folder.mkdir(parents=True, exist_ok=True)
        for name in LINKED:
            if (ROOT / name).exists():
                (self.repo / name).symlink_to(ROOT / name)
        if shared is not None:
            (root / "shared").symlink_to(shared)
        self._shims()

    def _shims(self) -> None:
        python = sys.executable
        for name in SHIMS:
            shim = self.bin / name
            shim.write_text(f'#!/bin/sh\nexec "{python}" -m tests.readme {name} "$@"\n')
            shim.chmod(0o755)
        (self.bin / "python").symlink_to(python)
        (self.bin / "activate").write_text(f'export PATH="{self.bin}:$PATH"\n')
        tools = Path(python).parent
        for tool in ("ckanapi", "ruff"):
            if (tools / tool).exists():
                (self.bin / tool).symlink_to(tools / tool)

    def environment(self) -> dict[str, str]:
        keep = {"HOME", "LANG", "LC_ALL", "TMPDIR", "TERM", "USER"}
        environment = {key: value for key, value in os.environ.items() if key in keep}
        return environment | {
            "PATH": f"{self.bin}:{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "README_STATE": str(self.state),
            "README_PORTS": json.dumps(self.ports),
            "README_SHIMS": str(self.bin),
            "COLUMNS": "120",
            "NO_COLOR": "1",
        }

    def run(self, script: Script) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", script.text],
            cwd=self.repo,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def server(self, port: int = DEFAULT_PORT) -> str:
        return f"http://127.0.0.1:{self.ports[port]}"

    def stop(self) -> None:
        for pid_file in self.state.glob("server-*.pid"):
            _stop(int(pid_file.read_text()))
            pid_file.unlink()


def _stop(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def failure_line(script: Script, stderr: str) -> int | None:
    """README line of the command that failed (bash reports the script's line)."""
    found = re.findall(r"README_FAILED (\d+)", stderr)
    return script.first_line + int(found[-1]) - 2 if found else None


# --- the shims (run as `python -m tests.readme khlang|curl ...`) ---------------------------


def _khlang(args: list[str]) -> int:
    """`khlang` of this checkout; a server starts in the background and this returns once
    it answers, as when a reader leaves it running in another terminal."""
    command = [sys.executable, "-m", "khlang", *args]
    serves = args[:1] == ["serve"] or (args[:1] == ["demo"] and "--no-serve" not in args)
    if not serves:
        return subprocess.call(command)
    ports = {int(k): v for k, v in json.loads(os.environ["README_PORTS"]).items()}
    if "--port" in args:
        port = int(args[args.index("--port") + 1])
    else:
        port = ports[DEFAULT_PORT]
        command += ["--port", str(port)]
    state = Path(os.environ["README_STATE"])
    pid_file = state / f"server-{port}.pid"
    if pid_file.exists():  # README starts another server on the same port: stop the first
        _stop(int(pid_file.read_text()))
    log = state / f"server-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    pid_file.write_text(str(process.pid))
    deadline = time.monotonic() + SERVER_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.stderr.write(log.read_text()[-3000:])
            return 1
        if _answers(f"http://127.0.0.1:{port}/api/v1"):
            print(f"[README test: `khlang {' '.join(args)}` serves http://127.0.0.1:{port}]")
            return 0
        time.sleep(1)
    sys.stderr.write(f"no answer on port {port} after {SERVER_TIMEOUT} s\n")
    return 1


def _answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _curl(args: list[str]) -> int:
    """curl that fails on an HTTP error or on a JSON answer that found nothing."""
    shims = os.environ.get("README_SHIMS", "")
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != shims)
    real = shutil.which("curl", path=path)
    if real is None:
        sys.stderr.write("curl is not installed\n")
        return 127
    command = [real, "--fail-with-body", "-sS", *args]
    if {"-o", "--output", "-O"} & set(args):
        return subprocess.call(command)
    result = subprocess.run(command, capture_output=True, check=False)
    sys.stdout.buffer.write(result.stdout)
    sys.stderr.buffer.write(result.stderr)
    if result.returncode == 0 and found_nothing(result.stdout):
        sys.stderr.write("README test: the answer found nothing (count 0 or no rows)\n")
        return 1
    return result.returncode


def found_nothing(body: bytes) -> bool:
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    if not isinstance(answer, dict):
        return answer == []
    return answer.get("count") == 0 or answer.get("rows") == [] or answer.get("results") == []


if __name__ == "__main__":
    shim, *arguments = sys.argv[1:]
    sys.exit({"khlang": _khlang, "curl": _curl}[shim](arguments))
