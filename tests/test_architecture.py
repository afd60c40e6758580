"""The layers of docs/architecture.md hold and the catalog has no import cycle (import-linter
checks pyproject's contracts), imports hide inside functions only for a stated start-up cost,
and the typed packages pass mypy --strict."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency"
    done = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout[-3000:]
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert f"Contracts: {len(contracts['contracts'])} kept, 0 broken." in done.stdout


# An import inside a function is justified by a `# lazy: <what it defers>, <measured cost>`
# comment on its line or on the comment lines right above it and the imports grouped with
# it, e.g. `import duckdb  # lazy: duckdb, +40 ms` (`python bench/lazy_imports.py FILE`
# measures it); any other import belongs at the top of its module.


def _function_imports(path: Path) -> list[tuple[int, bool]]:
    """(line, justified) of every import statement inside a function of `path`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for function in ast.walk(ast.parse("\n".join(lines), str(path))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.append((node.lineno, _has_reason(lines, node.lineno - 1)))
    return sorted(set(found))


def _has_reason(lines: list[str], index: int) -> bool:
    """A `# lazy:` comment on the import's line, or above it and the imports grouped with it."""
    if "# lazy:" in lines[index]:
        return True
    above = index - 1
    while above >= 0 and lines[above].strip().startswith(("#", "from ", "import ")):
        if lines[above].strip().startswith("# lazy:"):
            return True
        above -= 1
    return False


def test_function_level_imports_give_their_start_up_cost() -> None:
    unjustified = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "khlang").rglob("*.py"))
        for line, justified in _function_imports(path)
        if not justified
    ]
    assert not unjustified, (
        "an import inside a function needs a `# lazy: <what>, <measured cost>` comment, or "
        "belongs at the top of its module:\n" + "\n".join(unjustified)
    )


@pytest.mark.slow
def test_typed_packages_pass_mypy_strict() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert done.stdout.startswith("Success: no issues found")


def test_numbers_are_told_by_isdecimal_not_isdigit() -> None:
    """`"²".isdigit()` is true and `int("²")` fails: a check with isdigit before int() let a
    superscript in a query parameter through to a 500. isdecimal accepts exactly what int()
    reads (Arabic and Thai digits)."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "khlang").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".isdigit()" in line
    ]
    assert not found, "use str.isdecimal():\n" + "\n".join(found)
