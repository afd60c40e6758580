"""README.md works as it says: its commands run, in order, in a fresh folder laid out like a
clone, against the demo catalog they build; its site addresses answer. How the commands are
run, and which are not (with why): tests/readme.py."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import SHARED
from tests.readme import (
    README,
    Block,
    Sandbox,
    failure_line,
    logical_lines,
    read,
    readme_ports,
    script_for,
)


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@pytest.mark.slow
def test_readme_commands_and_addresses_work_as_written(tmp_path) -> None:
    import httpx

    for tool in ("bash", "curl"):
        if shutil.which(tool) is None:
            pytest.skip(f"README's commands need {tool}, which is not installed")
    readme = read()
    shared = SHARED if SHARED.is_dir() else None
    sandbox = Sandbox(tmp_path, shared, readme_ports(readme))
    failures: list[str] = []
    excluded: list[tuple[int, str, str]] = []
    try:
        for block in readme.blocks:
            script = script_for(block, sandbox.ports, shared is not None)
            excluded += script.excluded
            result = sandbox.run(script)
            if result.returncode != 0:
                line = failure_line(script, result.stderr) or block.line
                command = README.read_text(encoding="utf-8").splitlines()[line - 1]
                failures.append(
                    f"README.md:{line}: `{command.strip()}` failed\n"
                    f"--- stdout\n{_tail(result.stdout)}\n--- stderr\n{_tail(result.stderr)}"
                )
        with httpx.Client(base_url=sandbox.server(), timeout=120) as client:
            for address in readme.addresses:
                response = client.get(address.path)
                if response.status_code != 200:
                    failures.append(f"README.md:{address.line}: {address.path} answered "
                                    f"{response.status_code}")  # fmt: skip
            for url in readme.urls:
                port = int(re.search(r":(\d+)", url.path).group(1))
                path = url.path.split(f":{port}", 1)[1] or "/"
                response = httpx.get(sandbox.server(port) + path, timeout=120)
                if response.status_code != 200:
                    failures.append(f"README.md:{url.line}: {url.path} answered "
                                    f"{response.status_code}")  # fmt: skip
    except httpx.ConnectError as error:
        failures.append(f"no server left running by README's commands: {error}")
    finally:
        sandbox.stop()
    assert not failures, "\n\n".join(failures)
    absent = [f"README.md:{line}: {reason}" for line, _, reason in excluded if "absent" in reason]
    if absent:
        pytest.skip("README commands not run: " + "; ".join(absent))


def test_readme_has_commands_addresses_and_the_demo_province() -> None:
    from khlang.publishers.areas import load_areas
    from khlang.publishers.generate.calibration import SCALES

    readme = read()
    assert len(readme.blocks) >= 8
    assert readme.addresses
    provinces = load_areas().provinces
    text = README.read_text(encoding="utf-8")
    setup = text.split("## Set up", 1)[1].split("\n## ", 1)[0]
    publishing = text.split("## Publishing", 1)[1].split("\n## ", 1)[0]
    # README says which province `khlang demo` generates, and which the samples are
    assert provinces.loc[SCALES["province"].province, "name_en"] in setup
    assert provinces.loc[SCALES["sample"].province, "name_en"] in publishing


def test_commands_are_split_run_or_excluded_as_documented() -> None:
    block = Block(
        line=10,
        text=(
            "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'   # install\n"
            "khlang metadata check dataset.yaml   # findings; exits 1 until filled in\n"
            "curl http://127.0.0.1:8000/api/v1 \\\n"
            "    -H 'Accept: application/json'   # two lines\n"
            "cat > my.csv <<EOF\n"
            "a,b # not a comment\n"
            "EOF\n"
            "khlang serve --port 8080\n"
            "khlang publish ../shared/data/real/x --out y\n"
        ),
    )
    lines = [text for _, _, text in logical_lines(block.text.rstrip("\n"))]
    assert lines[2].endswith("two lines")
    assert "\n" in lines[2]
    assert lines[3] == "cat > my.csv <<EOF\na,b # not a comment\nEOF"
    script = script_for(block, {8000: 41000, 8080: 41001}, shared=False)
    body = script.text.splitlines()[1:]
    assert len(body) == len(block.text.rstrip("\n").splitlines())  # README lines kept
    assert body[0] == ":"
    assert '[ "$status" = 1 ]' in body[1]
    assert "127.0.0.1:41000" in body[2]
    assert body[7] == "khlang serve --port 41001"
    assert body[8] == ":"
    assert [(line, reason.split(":")[0]) for line, _, reason in script.excluded] == [
        (10, "installs packages"),
        (18, "needs ../shared (set KHLANG_SHARED), which is absent"),
    ]


def test_a_failing_command_is_reported_with_its_readme_line(tmp_path) -> None:
    block = Block(line=40, text="echo first\nkhlang metadata check no-such-file.yaml\necho never\n")
    sandbox = Sandbox(tmp_path, None, {8000})
    script = script_for(block, sandbox.ports, shared=False)
    result = sandbox.run(script)
    assert result.returncode != 0
    assert "never" not in result.stdout
    assert failure_line(script, result.stderr) == 41


def test_curl_fails_on_an_answer_thatfound_nothing() -> None:
    from tests.readme import found_nothing

    assert found_nothing(b'{"count": 0, "results": []}')
    assert found_nothing(b'{"rows": [], "next": null}')
    assert not found_nothing(b'{"count": 3, "results": [{}]}')
    assert not found_nothing(b"fiscal_year,allocated\r\n2567,1\r\n")
