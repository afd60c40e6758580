"""The `khlang` command's contract: --help everywhere, exit codes 0/1/2, no tracebacks."""

from __future__ import annotations

import pytest
import typer.main

from khlang.cli import app


def _commands(command, prefix=()):
    """Every command path of the CLI, groups included."""
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*prefix, name))


COMMANDS = sorted(set(_commands(typer.main.get_command(app))))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "khlang")
def test_every_command_has_help(khlang_cli, path) -> None:
    result = khlang_cli(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_usage_error_exits_2_without_traceback(khlang_cli) -> None:
    result = khlang_cli("metadata", "export", "x.yaml", "--to", "nonsense")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2_naming_the_file(khlang_cli, tmp_path) -> None:
    missing = tmp_path / "missing.yaml"
    result = khlang_cli("metadata", "export", str(missing), "--to", "gdc")
    assert result.returncode == 2
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr
