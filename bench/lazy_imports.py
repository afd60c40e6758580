"""What each import placed inside a function of khlang defers: the figure its `# lazy:`
comment states (docs/architecture.md, "Development conventions").

For each function-level import, a fresh Python process imports the module the import sits in
(the import's context when it runs), then times the import statement itself: `loaded` when
its module is already in `sys.modules` by then (it costs nothing, and belongs at the top of
its module), else its CPU milliseconds (less sensitive to a busy machine than wall time,
which is printed beside it), the median of `--runs` processes.

    python bench/lazy_imports.py [--runs 3] [khlang/cli/metadata.py ...]

Prints one line per import: `loaded` or `cpu <ms> wall <ms>`, then `file:line: statement`.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = r"""
import importlib, json, sys, time
importer, statement = sys.argv[1:3]
importlib.import_module(importer)
before = len(sys.modules)
cpu, wall = time.process_time(), time.perf_counter()
exec(statement, {})
cpu, wall = (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
print(json.dumps([cpu, wall, len(sys.modules) - before]))
"""


def function_imports(path: Path) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement inside a function of `path`, in line order."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = {
        node.lineno: node
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    return [found[line] for line in sorted(found)]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def probe(importer: str, statement: str) -> list[float]:
    """CPU ms, wall ms and the number of modules `statement` newly imports."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, importer, statement],
        capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="default: every module of khlang")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = [path.resolve() for path in args.files] or sorted((ROOT / "khlang").rglob("*.py"))
    for path in files:
        importer = module_name(path)
        for node in function_imports(path):
            statement = ast.unparse(node)
            where = f"{path.relative_to(ROOT)}:{node.lineno}: {statement}"
            runs = [probe(importer, statement) for _ in range(args.runs)]
            if not any(run[2] for run in runs):
                print(f"loaded                 {where}", flush=True)
                continue
            cpu = statistics.median(run[0] for run in runs)
            wall = statistics.median(run[1] for run in runs)
            print(f"cpu {cpu:5.0f} wall {wall:5.0f}  {where}", flush=True)


if __name__ == "__main__":
    main()
