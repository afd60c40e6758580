"""Times the national build: generate national-scale exports for 1, 5 and 10 fiscal years,
publish each, and print wall time, peak memory and rows per second, so that the growth with
the number of rows can be read off (target: 10 years in at most 10 minutes on 2 cores).

    python bench/publish.py                      # 1, 5 and 10 years (the full bench)
    python bench/publish.py --years 2568 2566-2568  # chosen sizes
    python bench/publish.py --reference ../shared/data/real   # the 7,848 real LAOs (default
                                                 # when ../shared/data/real exists)

Each publish runs in its own process, so its peak resident memory is measured alone
(os.wait4 returns the child's resource usage). Output goes to bench/out/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "real"
DEFAULT_SIZES = ("2568", "2564-2568", "2559-2568")


def _run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of `python -m khlang ARGS` in a child process; the
    child's own resource usage comes from os.wait4."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "khlang", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        errors = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
        sys.exit(f"khlang {' '.join(args)} failed ({code}):\n{errors[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def _source_rows(folder: Path) -> int:
    rows = 0
    for path in folder.rglob("*.csv"):
        with path.open("rb") as handle:
            rows += sum(1 for _ in handle) - 1
    for path in folder.rglob("*.json"):
        if path.name == "generation.json":
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        rows += len(document["releases"]) if isinstance(document, dict) else len(document)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", nargs="*", default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE if DEFAULT_REFERENCE.is_dir() else None
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated exports")
    options = parser.parse_args()
    reference = ["--reference", str(options.reference)] if options.reference else []
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"national scale, seed {options.seed}, LAOs from "
          f"{options.reference or 'the area master (synthetic)'}")  # fmt: skip
    header = (f"{'years':>10} {'rows':>10} {'generate s':>11} {'publish s':>10} "
              f"{'peak MB':>8} {'rows/s':>8} {'datasets':>9}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for years in options.years:
        sources = OUT / f"national-{years}"
        published = OUT / f"published-{years}"
        shutil.rmtree(sources, ignore_errors=True)
        shutil.rmtree(published, ignore_errors=True)
        generated, _ = _run(["generate", "--scale", "national", "--years", years, "--seed",
                             str(options.seed), *reference, str(sources)])  # fmt: skip
        rows = _source_rows(sources)
        seconds, peak = _run(["publish", str(sources), "--out", str(published), *reference,
                              "--format", "json"])  # fmt: skip
        report = json.loads((published / "publish-report.json").read_text(encoding="utf-8"))
        built = report["summary"]["datasets_published"]
        print(f"{years:>10} {rows:>10,} {generated:>11.1f} {seconds:>10.1f} {peak:>8,.0f} "
              f"{rows / seconds:>8,.0f} {built:>9}")  # fmt: skip
        if not options.keep:
            shutil.rmtree(sources, ignore_errors=True)


if __name__ == "__main__":
    main()
