"""The `khlang` command's contract: --help everywhere, exit codes 0/1/2, no tracebacks.
Through `khlang.cli.main` in this process (`khlang_here`), and once as a real process."""

from __future__ import annotations

import pytest
import typer.main
from typer import _click as click

from khlang.cli import app


def _commands(command, prefix=()):
    """Every command path of the CLI, groups included (asked through click's group API, as
    the root group loads its commands only when they are looked up)."""
    yield prefix
    if not hasattr(command, "list_commands"):
        return
    context = click.Context(command)
    for name in command.list_commands(context):
        yield from _commands(command.get_command(context, name), (*prefix, name))


COMMANDS = sorted(set(_commands(typer.main.get_command(app))))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "khlang")
def test_every_command_has_help(khlang_here, path) -> None:
    result = khlang_here(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_usage_error_exits_2_without_traceback(khlang_cli) -> None:
    result = khlang_cli("metadata", "export", "x.yaml", "--to", "nonsense")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "thai", "english"),
    [
        (["metadata", "export", "x.yaml", "--to", "nonsense"], "ค่าของ '--to' ไม่ถูกต้อง",
         "Invalid value for '--to'"),
        (["metadata", "check"], "ขาดอาร์กิวเมนต์ที่ต้องระบุ 'paths'", "Missing argument 'paths'"),
        (["publish", "x", "--bogus"], "ไม่มีตัวเลือก --bogus", "No such option: --bogus"),
        (["publish", "x", "--out"], "ใช้ตัวเลือก --out ไม่ถูกต้อง", "requires an argument"),
        (["nosuch"], "ไม่มีคำสั่ง nosuch", "No such command 'nosuch'"),
    ],
)  # fmt: skip
def test_usage_errors_are_in_thai_and_english(khlang_here, args, thai, english) -> None:
    result = khlang_here(*args)
    assert result.returncode == 2
    assert f"ข้อผิดพลาด: {thai}" in result.stderr
    assert english in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2_naming_the_file(khlang_here, tmp_path) -> None:
    missing = tmp_path / "missing.yaml"
    result = khlang_here("metadata", "export", str(missing), "--to", "gdc")
    assert result.returncode == 2
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_does_not_import_the_catalog_or_the_api() -> None:
    """`khlang validate` starts fast: the other commands' modules (SQLAlchemy, FastAPI, the
    catalog) and pandas and DuckDB stay unimported (start-up is most of a small file's time)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    probe = (
        "import sys, runpy; sys.argv = ['khlang', 'validate', '--help']\n"
        "try:\n    runpy.run_module('khlang', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('sqlalchemy', 'fastapi', 'khlang.catalog', 'khlang.api', 'pandas', 'duckdb')\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in heavy or n.startswith(heavy)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(root), "PATH": str(Path(sys.executable).parent)},
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
