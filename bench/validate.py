"""Validation speed and memory: khlang against frictionless-py on the same file and schema.

Generates a realistic area-budget CSV (real Thai local-government names and area codes from
../shared, Buddhist-era years and dates, amounts with thousands separators) with errors
injected at a known rate, validates it with `frictionless validate` and with
`khlang validate` in the same run, checks that both find the same errors (row, field, type)
and prints both throughputs, the ratio and each one's peak memory.

    python bench/validate.py                 # 1,000,000 rows, both tools
    python bench/validate.py --rows 200000   # quicker
    python bench/validate.py --big           # a 2 GB file, khlang only: peak memory <= 300 MB
    python bench/validate.py --keys          # 10M unique text keys, khlang only

Each tool runs in its own process, started by a small Python trampoline that reports the
child's wall time (time.perf_counter) and peak resident memory (resource.getrusage). Both
the whole command (interpreter and imports included) and the validation time each tool puts
in its own report (`tasks[].stats.seconds`) are printed, and a ratio for each.
frictionless-py runs once and first; khlang then runs `--runs` times (5), and its median
run is compared: a run of one or two seconds on a shared machine varies by a quarter.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KHLANG_SHARED") or ROOT.parent / "shared")
"""The shared reference data (real place names); KHLANG_SHARED as the tests read it."""
LAO_LIST = SHARED / "data/real/lao/lao_list_hoerstemeier_2022.csv"
TARGET_RATIO = 20
BIG_BYTES = 2 << 30
BIG_PEAK_MB = 300
KEYS_ROWS = 10_000_000
KEYS_REPEAT_EVERY = 1_000_003
"""--keys: every so many rows, the key of an earlier row is written again."""
KEYS_SCHEMA = {
    "fields": [{"name": "project_code", "type": "string", "constraints": {"unique": True}},
               {"name": "allocated", "type": "integer"}],
    "primaryKey": ["project_code"],
}  # fmt: skip

SCHEMA = {
    "fields": [
        {"name": "record_id", "type": "integer", "constraints": {"required": True}},
        {"name": "fiscal_year", "type": "year",
         "constraints": {"required": True, "minimum": 2500, "maximum": 2600}},
        {"name": "province_code", "type": "string", "constraints": {"pattern": "[0-9]{2}"}},
        {"name": "district_code", "type": "string", "constraints": {"pattern": "[0-9]{4}"}},
        {"name": "lao_name", "type": "string", "constraints": {"required": True}},
        {"name": "project", "type": "string"},
        {"name": "budget_type", "type": "string", "constraints": {
            "enum": ["งบบุคลากร", "งบดำเนินงาน", "งบลงทุน", "งบเงินอุดหนุน", "งบรายจ่ายอื่น"]}},
        {"name": "allocated", "type": "number", "groupChar": ",", "constraints": {"minimum": 0}},
        {"name": "disbursed", "type": "number", "groupChar": ","},
        {"name": "approved_on", "type": "date"},
        {"name": "source", "type": "string"},
    ],
    "primaryKey": ["record_id"],
}  # fmt: skip

PROJECTS = ["ก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ที่ {}", "ขยายเขตระบบประปาหมู่บ้าน หมู่ที่ {}",
            "ปรับปรุงอาคารศูนย์พัฒนาเด็กเล็ก แห่งที่ {}", "จัดซื้อครุภัณฑ์การแพทย์ รายการที่ {}",
            "ก่อสร้างรางระบายน้ำ ซอย {}", "อุดหนุนอาหารกลางวันโรงเรียน แห่งที่ {}"]  # fmt: skip
SOURCES = ["e-LAAS", "e-Budgeting", "GFMIS", "e-Plan"]


def _areas() -> list[tuple[str, str, str]]:
    """(province code, district code, LAO name) from the real LAO list, or made-up ones."""
    if LAO_LIST.is_file():
        with LAO_LIST.open(encoding="utf-8") as stream:
            rows = [(r["province_code"], r["district_code"] or r["province_code"] + "01",
                     r["lao_name_th"]) for r in csv.DictReader(stream)]  # fmt: skip
        if rows:
            return rows
    return [(f"{p}", f"{p}{d:02d}", f"องค์การบริหารส่วนตำบลตัวอย่าง{p}{d}")
            for p in range(10, 97) for d in range(1, 10)]  # fmt: skip


def _corrupt(row: list[str], rng: random.Random, last_id: int) -> list[str] | None:
    """One injected error; None stands for a blank line."""
    kind = rng.randrange(9)
    if kind == 0:
        row[7] = row[7].replace(",", "") + " บาทx"  # type error: not a number
    elif kind == 1:
        row[1] = str(int(row[1]) - 543)  # a Christian-era year: minimum is 2500
    elif kind == 2:
        row[6] = "งบกลาง"  # not in the enum
    elif kind == 3:
        row[9] = (
            row[9][:8] + "31" if row[9][5:7] in ("02", "04", "06", "09", "11") else "2566-02-30"
        )
    elif kind == 4:
        del row[-1]  # a missing cell
    elif kind == 5:
        row.append("เกิน")  # an extra cell
    elif kind == 6:
        row[0] = str(max(1, last_id - rng.randint(1, 50)))  # a duplicate primary key
    elif kind == 7:
        row[2] = row[2][:1]  # pattern
    else:
        return None
    return row


def generate(path: Path, rows: int, error_rate: float, seed: int = 2567) -> int:
    """Write the CSV; return how many rows carry an injected error."""
    rng = random.Random(seed)
    areas = _areas()
    injected = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow([field["name"] for field in SCHEMA["fields"]])
        for number in range(1, rows + 1):
            province, district, lao = rng.choice(areas)
            allocated = rng.randint(5_000, 50_000_000)
            row = [
                str(number), str(rng.choice((2565, 2566, 2567))), province, district, lao,
                rng.choice(PROJECTS).format(rng.randint(1, 20)), rng.choice(SCHEMA["fields"][6][
                    "constraints"]["enum"]), f"{allocated:,}.{rng.randint(0, 99):02d}",
                f"{rng.randint(0, allocated):,}", f"2566-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}", rng.choice(SOURCES),
            ]  # fmt: skip
            if rng.random() < error_rate:
                injected += 1
                corrupted = _corrupt(row, rng, number)
                if corrupted is None:
                    stream.write("\r\n")
                    continue
                row = corrupted
            writer.writerow(row)
    return injected


def generate_big(path: Path, size: int) -> int:
    """A file of at least `size` bytes with unique record ids; return its rows."""
    sample = path.with_suffix(".sample.csv")
    generate(sample, 20_000, 0.002)
    rows = int(size / (sample.stat().st_size / 20_000)) + 20_000
    sample.unlink()
    generate(path, rows, 0.002)
    return rows


_TRAMPOLINE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "wb"), stderr=subprocess.PIPE)
print(json.dumps({"code": done.returncode, "seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""


def measure(command: list[str], output: Path, cwd: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _TRAMPOLINE, str(output), *command],
        cwd=cwd, capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent)},
    )  # fmt: skip
    figures = json.loads(result.stdout)
    if figures["code"] not in (0, 1) or "Traceback" in figures["stderr"]:
        sys.exit(f"{command[:3]} failed ({figures['code']}): {figures['stderr']}")
    return figures


def error_set(document: dict) -> set[tuple]:
    return {
        (error.get("rowNumber"), error.get("fieldNumber"), error["type"])
        for task in document["tasks"]
        for error in task["errors"]
    }


def generate_keys(path: Path, rows: int) -> int:
    """A two-column CSV of `rows` project codes, unique but for a known few; return how
    many rows repeat an earlier code (each is one unique-error and one primary-key error)."""
    repeated = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("project_code,allocated\r\n")
        for start in range(0, rows, 100_000):
            lines = []
            for number in range(start, min(rows, start + 100_000)):
                code = number
                if number and number % KEYS_REPEAT_EVERY == 0:
                    code, repeated = number - 12_345, repeated + 1
                area = f"{code % 77 + 10}{code % 9:02d}"
                lines.append(f"โครงการ-{area}-{code:09d},{number % 9973}\r\n")
            stream.write("".join(lines))
    return repeated


def _validation_seconds(report: dict) -> float:
    """The time a tool reports for the validation itself, without its start-up."""
    return sum(task["stats"]["seconds"] for task in report["tasks"])


def run_khlang(
    folder: Path, name: str, everything: bool, schema: str = "schema.json"
) -> tuple[dict, dict]:
    examples = "1000000000" if everything else "10"
    command = [sys.executable, "-m", "khlang", "validate", name, "--schema", schema,
               "--format", "json", "--examples", examples]  # fmt: skip
    figures = measure(command, folder / "khlang.json", folder)
    return figures, json.loads((folder / "khlang.json").read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--error-rate", type=float, default=0.002)
    parser.add_argument("--big", action="store_true", help="a 2 GB file, khlang only")
    parser.add_argument("--keys", action="store_true", help="10M unique text keys, khlang only")
    parser.add_argument("--folder", type=Path, help="work here and keep the files")
    parser.add_argument(
        "--runs", type=int, default=5,
        help="khlang's runs on the 1M-row file, of which the median counts (frictionless-py "
        "runs once: it takes half a minute, and varies less)",
    )  # fmt: skip
    options = parser.parse_args()
    if options.runs < 1:
        parser.error("--runs: at least 1")
    folder = options.folder or Path(tempfile.mkdtemp(prefix="khlang-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schema.json").write_text(json.dumps(SCHEMA, ensure_ascii=False), encoding="utf-8")
    data = folder / ("big.csv" if options.big else "keys.csv" if options.keys else "budget.csv")
    try:
        if options.big:
            big(folder, data)
        elif options.keys:
            keys(folder, data)
        else:
            compare(folder, data, options.rows, options.error_rate, options.runs)
    finally:
        if options.folder is None:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()


def compare(folder: Path, data: Path, rows: int, error_rate: float, runs: int) -> None:
    injected = generate(data, rows, error_rate)
    size_mb = data.stat().st_size / 1e6
    print(f"file: {rows:,} rows, {size_mb:,.0f} MB, errors injected in {injected:,} rows "
          f"(rate {error_rate})")  # fmt: skip
    # frictionless-py first: the file's pages are then as warm for khlang as for it, and the
    # writing of the new file is over before khlang's short runs.
    command = [sys.executable, "-m", "frictionless", "validate", data.name, "--schema",
               "schema.json", "--json", "--limit-errors", "1000000000"]  # fmt: skip
    reference = measure(command, folder / "frictionless.json", folder)
    reference_report = json.loads((folder / "frictionless.json").read_text(encoding="utf-8"))
    khlang_runs = [run_khlang(folder, data.name, everything=True) for _ in range(runs)]
    khlang, khlang_report = _median_run(khlang_runs)
    found = error_set(khlang_report)
    expected = error_set(reference_report)
    counts = khlang_report["stats"]["errorCounts"]
    print(f"{'':16} {'whole command':>30} {'validation (self-reported)':>32}")
    for name, figures, report, total in (
        ("frictionless-py", reference, reference_report, len(expected)),
        ("khlang", khlang, khlang_report, sum(counts.values())),
    ):
        inner = _validation_seconds(report)
        print(f"{name:16} {figures['seconds']:8.2f} s {rows / figures['seconds']:>11,.0f} rows/s"
              f"   {inner:8.2f} s {rows / inner:>11,.0f} rows/s"
              f"   peak {figures['peak_mb']:4.0f} MB  {total:,} errors")  # fmt: skip
    seconds = sorted(figures["seconds"] for figures, _ in khlang_runs)
    print(f"khlang's {runs} runs (whole command, s): "
          + ", ".join(f"{value:.2f}" for value in seconds) + "; the median is shown")  # fmt: skip
    ratio = reference["seconds"] / khlang["seconds"]
    inner_ratio = _validation_seconds(reference_report) / _validation_seconds(khlang_report)
    same = all(error_set(report) == expected for _, report in khlang_runs)
    print(f"ratio: {ratio:.1f}x whole command, {inner_ratio:.1f}x validation "
          f"(target {TARGET_RATIO}x); same errors found: {same}")  # fmt: skip
    print(f"errors by type (khlang): {json.dumps(counts, ensure_ascii=False)}")
    if not same:
        print(f"  only frictionless: {sorted(expected - found, key=str)[:10]}")
        print(f"  only khlang: {sorted(found - expected, key=str)[:10]}")
        sys.exit(1)


def _median_run(runs: list[tuple[dict, dict]]) -> tuple[dict, dict]:
    """The run with the median whole-command time (the upper one of an even count)."""
    ordered = sorted(runs, key=lambda run: run[0]["seconds"])
    return ordered[len(ordered) // 2]


def big(folder: Path, data: Path) -> None:
    rows = generate_big(data, BIG_BYTES)
    print(f"file: {rows:,} rows, {data.stat().st_size / 2**30:.2f} GiB")
    figures, report = run_khlang(folder, data.name, everything=False)
    print(f"khlang {figures['seconds']:8.2f} s {rows / figures['seconds']:>12,.0f} rows/s  "
          f"peak {figures['peak_mb']:.0f} MB (limit {BIG_PEAK_MB} MB); "
          f"{report['stats']['errors']:,} errors")  # fmt: skip
    if figures["peak_mb"] > BIG_PEAK_MB:
        sys.exit(f"peak memory {figures['peak_mb']:.0f} MB is over {BIG_PEAK_MB} MB")


def keys(folder: Path, data: Path) -> None:
    if not data.exists():
        repeated = generate_keys(data, KEYS_ROWS)
    else:  # a kept --folder: the same file as last time
        repeated = (KEYS_ROWS - 1) // KEYS_REPEAT_EVERY
    (folder / "keys.schema.json").write_text(json.dumps(KEYS_SCHEMA), encoding="utf-8")
    print(f"file: {KEYS_ROWS:,} rows, {data.stat().st_size / 1e6:,.0f} MB, "
          f"{repeated} rows repeat an earlier project code")  # fmt: skip
    figures, report = run_khlang(folder, data.name, everything=False, schema="keys.schema.json")
    counts = report["stats"]["errorCounts"]
    inner = _validation_seconds(report)
    print(f"khlang {figures['seconds']:8.2f} s {KEYS_ROWS / figures['seconds']:>12,.0f} rows/s "
          f"(validation {inner:.2f} s)  peak {figures['peak_mb']:.0f} MB; "
          f"errors {json.dumps(counts)}")  # fmt: skip
    expected = {"unique-error": repeated, "primary-key": repeated}
    if counts != expected:
        sys.exit(f"expected {expected}")


if __name__ == "__main__":
    main()
