"""`khlang publish`: from a folder of source exports to published dataset folders.

1. Find the files and the adapter of each (by content, or the one `--source` names); a
   table matching one of the officer's generic mappings is a table of its own kind.
2. Read the reference inputs (LAO register, population), then every export, each into
   Parquet parts; a file that cannot be read is reported and the others go on. A file no
   adapter recognises is reported with the adapter it came closest to and what it lacks.
3. Reconcile the sources (`reconcile.py`).
4. Build each dataset in a staging folder (the standard datasets, then one per table of its
   own kind), check it with khlang's metadata check and validators, and move it into the
   output folder only if it passes.
5. Write `publish-report.json`: files, problems with their file/row/column, the
   reconciliation, and what was published or why not.

Nothing half-written ever appears in the output folder: everything is written beside it
first and moved in with a rename.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khlang import __version__
from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.publishers.adapters import ADAPTERS, Adapter, adapter_named
from khlang.publishers.adapters.base import Tables
from khlang.publishers.adapters.common import Context
from khlang.publishers.adapters.reference import POPULATION
from khlang.publishers.agency import AGENCY_FILE, Agency
from khlang.publishers.areas import load_areas
from khlang.publishers.datasets import DATASETS, DatasetSpec
from khlang.publishers.datasets.place import DatasetResult, place_dataset
from khlang.publishers.datasets.sql import prepare, systems_of
from khlang.publishers.datasets.tables import OwnTable, own_table, table_spec
from khlang.publishers.issues import IssueLog
from khlang.publishers.mapping import GENERIC, MAPPING_SUFFIX, ColumnMapping, load_mapping
from khlang.publishers.readers import TABLE_SUFFIXES, read_header
from khlang.publishers.reconcile import Reconciliation, reconcile
from khlang.publishers.store import PartStore

REPORT_FILE = "publish-report.json"
"""The latest run's report in an output folder (a copy of its file in REPORTS_DIR)."""
REPORTS_DIR = "publish-reports"
"""Every run's report, one file per run, so that two publishes into the same folder (two
agencies, or the samples and then a table of one's own) each keep theirs."""
IGNORED_NAMES = {AGENCY_FILE, "generation.json", REPORT_FILE}
IGNORED_SUFFIXES = (".md", ".txt", ".yaml", ".yml", ".pdf", ".sh")

Progress = Callable[[str, int, int], None]
"""progress(what, done, total): called as the run advances."""


@dataclass
class FileResult:
    file: str
    adapter: str | None
    status: str
    """read, reference, failed or skipped."""
    rows: dict[str, int] = field(default_factory=dict)
    reason: Text | None = None

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"file": self.file, "adapter": self.adapter,
                                  "status": self.status}  # fmt: skip
        if self.rows:
            result["rows"] = self.rows
        if self.reason:
            result["reason"] = self.reason.model_dump()
        return result


@dataclass
class PublishReport:
    sources: str
    out: str
    agency: str
    files: list[FileResult] = field(default_factory=list)
    datasets: list[DatasetResult] = field(default_factory=list)
    issues: IssueLog = field(default_factory=IssueLog)
    reconciliation: Reconciliation | None = None
    seconds: float = 0.0
    path: Path | None = None
    """This run's own report file (under REPORTS_DIR), once written."""

    @property
    def ok(self) -> bool:
        return all(item.status != "failed" for item in (*self.files, *self.datasets))

    def summary(self) -> dict[str, int]:
        count = lambda items, status: sum(1 for item in items if item.status == status)  # noqa: E731
        return {
            "datasets_published": count(self.datasets, "published"),
            "datasets_failed": count(self.datasets, "failed"),
            "datasets_skipped": count(self.datasets, "skipped"),
            "files_read": count(self.files, "read") + count(self.files, "reference"),
            "files_failed": count(self.files, "failed"),
            "files_skipped": count(self.files, "skipped"),
            "errors": self.issues.count("error"),
            "warnings": self.issues.count("warning"),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "khlang": __version__,
            "sources": self.sources,
            "out": self.out,
            "agency": self.agency,
            "seconds": round(self.seconds, 2),
            "ok": self.ok,
            "summary": self.summary(),
            "datasets": [item.to_json() for item in self.datasets],
            "files": [item.to_json() for item in self.files],
            "reconciliation": self.reconciliation.model_dump() if self.reconciliation else {},
            "issues": self.issues.to_json(),
        }


def source_files(sources: Path) -> list[Path]:
    """The export files under SOURCES_DIR (or the one file named), in a stable order."""
    if not sources.exists():
        raise KhlangError(
            Text(th="ไม่พบไฟล์หรือโฟลเดอร์ต้นทาง", en="no such file or folder"), where=str(sources)
        )
    if sources.is_file():
        return [sources]
    return sorted(
        path
        for path in sources.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(sources).parts)
        and path.name not in IGNORED_NAMES
        and not path.name.endswith(MAPPING_SUFFIX)
        and path.suffix.lower() not in IGNORED_SUFFIXES
    )


def mappings_for(
    sources: Path, extra: list[Path]
) -> tuple[dict[str, ColumnMapping], list[ColumnMapping]]:
    """(the mapping of each adapter, the generic mappings): those beside the exports
    (`<name>.mapping.yaml`; beside a single file, only in its folder), then those named with
    `--mapping`, which win."""
    found = (
        sorted(sources.rglob(f"*{MAPPING_SUFFIX}"))
        if sources.is_dir()
        else sorted(sources.parent.glob(f"*{MAPPING_SUFFIX}"))
    )
    mappings: dict[str, ColumnMapping] = {}
    tables: dict[str, ColumnMapping] = {}
    for path in dict.fromkeys([*found, *extra]):
        mapping = load_mapping(path)
        if mapping.adapter not in ADAPTERS or not ADAPTERS[mapping.adapter].uses_mapping:
            raise KhlangError(
                Text(
                    th=f"ไม่มีตัวอ่านชื่อ {mapping.adapter} ที่ใช้ไฟล์จับคู่คอลัมน์",
                    en=f"no adapter named {mapping.adapter} takes a column mapping",
                ),
                where=str(path),
            )
        if mapping.adapter == GENERIC:
            tables[path.resolve().as_posix()] = mapping
        else:
            mappings[mapping.adapter] = mapping
    return mappings, list(tables.values())


@dataclass(frozen=True)
class Classified:
    """Which adapter reads a file, through which mapping, or why none does."""

    adapter: Adapter | None
    mapping: ColumnMapping | None = None
    why: Text | None = None
    failed: bool = False
    """True when `--source` named the adapter that should read the file, and it cannot."""


def _own_table(path: Path, ctx: Context) -> ColumnMapping | None:
    """The generic mapping whose columns the file's header has, if any (the closest)."""
    if not ctx.tables or path.suffix.lower() not in TABLE_SUFFIXES:
        return None
    try:
        header = read_header(path)
    except (KhlangError, OSError, UnicodeDecodeError):
        return None
    scored = sorted(((mapping.score(header), n) for n, mapping in enumerate(ctx.tables)))
    score, best = scored[-1]
    return ctx.tables[best] if score > 0 else None


def _classify(path: Path, ctx: Context, only: str | None) -> Classified:
    """The adapter that fits the file best (restricted to `only`, reference inputs aside):
    a generic mapping of the officer's that fits comes first."""
    if only in (None, GENERIC):
        own = _own_table(path, ctx)
        if own is not None:
            return Classified(ADAPTERS[GENERIC], own)
        if only == GENERIC:
            return _proposed(path, ctx)
    scores = {
        adapter.name: float(adapter.detect(path, adapter.mapping(ctx)))
        for adapter in ADAPTERS.values()
        if (only is None or adapter.name == only or adapter.kind == "reference")
        and adapter.name != GENERIC
    }
    fitting = sorted((score, name) for name, score in scores.items() if score > 0)
    if not fitting:
        return _unrecognised(path, ctx, only)
    best_score, best = fitting[-1]
    tied = [name for score, name in fitting if score == best_score]
    if len(tied) > 1:
        names = ", ".join(tied)
        ctx.issues.add(
            "file-ambiguous",
            Text(
                th=f"ไฟล์ตรงกับหลายระบบ ({names}) ใช้ {best}",
                en=f"the file fits several systems ({names}); read as {best}",
            ),
            severity="warning",
            file=ctx.relative(path),
        )
    adapter = ADAPTERS[best]
    return Classified(adapter, adapter.mapping(ctx))


def _proposed(path: Path, ctx: Context) -> Classified:
    """`--source generic` without a mapping of the file's: the one `khlang mapping suggest`
    would write, used as it is (and said so)."""
    from khlang.publishers.suggest import suggest  # lazy: the mapping suggester, +5 ms

    if path.suffix.lower() not in TABLE_SUFFIXES:
        return Classified(None, why=_not_a_table(), failed=True)
    try:
        suggestion = suggest(path, ctx.registry, adapter=GENERIC)
    except KhlangError as error:
        return Classified(None, why=error.message, failed=True)
    if suggestion.problems:
        problems = Text(th="; ".join(p.th for p in suggestion.problems),
                        en="; ".join(p.en for p in suggestion.problems))  # fmt: skip
        return Classified(None, why=problems, failed=True)
    mapping = suggestion.mapping.model_copy(update={"source": f"{path.name} (proposed)"})
    ctx.issues.add(
        "mapping-proposed",
        Text(
            th="อ่านตามไฟล์จับคู่คอลัมน์ที่ khlang เสนอ โดยไม่ได้ตรวจแก้ "
            "(khlang mapping suggest เขียนไว้ให้ตรวจได้)",
            en="read with the mapping khlang proposes, unreviewed (khlang mapping suggest "
            "writes it for review)",
        ),
        severity="warning",
        file=ctx.relative(path),
    )
    return Classified(ADAPTERS[GENERIC], mapping)


def _not_a_table() -> Text:
    return Text(th="ไม่ใช่ไฟล์ตาราง (CSV, TSV หรือ XLSX)", en="not a table file (CSV, TSV or XLSX)")


def _unrecognised(path: Path, ctx: Context, only: str | None) -> Classified:
    """Why no adapter reads a file, naming the adapter and mapping it came closest to and
    what it lacks; failed when `--source` said it should be read."""
    wanted = f" ({only})" if only else ""
    closest = _closest(path, ctx, only)
    hint = Text(
        th=f"ใกล้เคียงที่สุด: {closest.th} สร้างไฟล์จับคู่คอลัมน์ของไฟล์นี้ด้วย khlang mapping suggest "
        f"{path.name} แล้วระบุด้วย --mapping",
        en=f"closest: {closest.en}. Write a mapping for it with khlang mapping suggest "
        f"{path.name}, then name it with --mapping",
    ) if closest else None  # fmt: skip
    why = Text(
        th=f"ไม่รู้จักรูปแบบไฟล์นี้{wanted} จึงไม่ได้อ่าน" + (f"; {hint.th}" if hint else ""),
        en=f"not recognised as an export of a known system{wanted}; not read"
        + (f"; {hint.en}" if hint else ""),
    )
    return Classified(None, why=why, failed=only is not None)


def _closest(path: Path, ctx: Context, only: str | None) -> Text | None:
    """The adapter (restricted to `only`) a table file comes closest to, with what it has
    and lacks."""
    from khlang.publishers.suggest import suggest  # lazy: the mapping suggester, +6 ms

    if path.suffix.lower() not in TABLE_SUFFIXES:
        return None
    try:
        candidates = suggest(path, ctx.registry).candidates
    except KhlangError:
        return None
    chosen = [c for c in candidates if only is None or c.adapter == only]
    return chosen[0].describe() if chosen else None


def _read_file(classified: Classified, path: Path, ctx: Context, store: PartStore | None) -> Tables:
    assert classified.adapter is not None
    tables = classified.adapter.read(path, ctx, classified.mapping)
    if store is not None and classified.adapter.name != GENERIC:
        for table, frame in tables.items():
            store.add(table, frame)
    return tables


def publish(
    sources: Path,
    *,
    agency: Agency,
    out: Path,
    source: str | None = None,
    reference: Path | None = None,
    mappings: list[Path] | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> PublishReport:
    """Publish the datasets the exports under `sources` support into `out`."""
    started = time.perf_counter()
    if source is not None:
        adapter_named(source, "--source")
    files = source_files(sources)
    today = today or dt.date.today()
    notify = progress or (lambda what, done, total: None)
    report = PublishReport(sources=str(sources), out=str(out), agency=agency.name)
    root = sources if sources.is_dir() else sources.parent
    registry = load_areas(reference)
    known, tables = mappings_for(sources, mappings or [])
    ctx = Context(registry=registry, issues=report.issues, sources_dir=root, mappings=known,
                  tables=tables)  # fmt: skip

    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-publish-", dir=out.parent))
    try:
        store = PartStore(staging / "work")
        ctx, own = _read_all(files, ctx, source, store, report, notify)
        con = store.connect()
        report.reconciliation = reconcile(con)
        prepare(con, ctx.registry)
        formats = _formats(report)
        population = ctx.registry.population_source and POPULATION.system
        built = staging / "datasets"
        built.mkdir()
        standard = DATASETS if _exports_read(report) else ()
        total = len(standard) + len(own)
        for done, spec in enumerate(standard):
            notify("build", done, total)
            report.datasets.append(
                _build(
                    con,
                    spec,
                    built,
                    out,
                    agency=agency,
                    systems=systems_of(con, spec.key)
                    + ((population,) if population and spec.key == "lao-benchmark" else ()),
                    formats=formats,
                    today=today,
                    registry_has_laos=ctx.registry.laos is not None,
                )
            )  # fmt: skip
        for done, table in enumerate(own, start=len(standard)):
            notify("build", done, total)
            report.datasets.append(_build_own(con, table, built, out, agency=agency,
                                              today=today, report=report))  # fmt: skip
        notify("build", total, total)
        con.close()
        report.seconds = time.perf_counter() - started
        report.path = _write_report(report, staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def _write_report(report: PublishReport, staging: Path, out: Path) -> Path:
    """Keep this run's report under its own name in `out/publish-reports/` (never replacing
    another run's) and as `out/publish-report.json`, the latest run's; return the former."""
    text = json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str) + "\n"
    runs = out / REPORTS_DIR
    runs.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for attempt in itertools.count(1):
        own = runs / f"{stamp}-{report.agency}{'' if attempt == 1 else f'-{attempt}'}.json"
        try:
            with own.open("x", encoding="utf-8") as file:
                file.write(text)
            break
        except FileExistsError:
            continue
    latest = staging / REPORT_FILE
    latest.write_text(text, encoding="utf-8")
    os.replace(latest, out / REPORT_FILE)
    return own


def _read_all(
    files: list[Path],
    ctx: Context,
    source: str | None,
    store: PartStore,
    report: PublishReport,
    notify: Progress,
) -> tuple[Context, list[OwnTable]]:
    """Read every file into the part store, reference inputs first (they extend the
    registry the exports are read with), tables of their own kind into files of their own;
    return the context with those references, and those tables."""
    classified = [(path, _classify(path, ctx, source)) for path in files]
    ordered = sorted(
        classified, key=lambda item: item[1].adapter is None or item[1].adapter.kind != "reference"
    )
    own: list[OwnTable] = []
    for done, (path, found) in enumerate(ordered):
        notify("read", done, len(ordered))
        relative = ctx.relative(path)
        adapter = found.adapter
        if adapter is None:
            # A file named on its own was meant to be read: not reading it is a failure.
            failed = found.failed and len(files) == 1
            if failed and found.why is not None:
                report.issues.add("file-not-read", found.why, file=relative)
            status = "failed" if failed else "skipped"
            adapter_name = source if failed else None
            report.files.append(FileResult(relative, adapter_name, status, reason=found.why))
            continue
        reference = adapter.kind == "reference"
        try:
            tables = _read_file(found, path, ctx, None if reference else store)
        except KhlangError as error:
            _file_failed(report, relative, adapter, error.message, error.where)
            continue
        except Exception as error:  # one malformed export must not stop the others
            detail = f"{type(error).__name__}: {error}"
            message = Text(th=f"อ่านไฟล์ไม่สำเร็จ: {detail}", en=f"could not read the file: {detail}")
            _file_failed(report, relative, adapter, message, None)
            continue
        if reference:
            ctx = _with_reference(ctx, tables, relative)
            report.files.append(FileResult(relative, adapter.name, "reference"))
            continue
        if adapter.name == GENERIC:
            assert found.mapping is not None
            target = store.root / "tables" / f"{len(own) + 1}.parquet"
            own.append(own_table(tables["table"], found.mapping, relative, target))
        rows = {table: len(frame) for table, frame in tables.items() if len(frame)}
        report.files.append(FileResult(relative, adapter.name, "read", rows=rows))
    notify("read", len(ordered), len(ordered))
    return ctx, own


def _file_failed(
    report: PublishReport, relative: str, adapter: Adapter, message: Text, where: str | None
) -> None:
    report.issues.add("file-unreadable", message, file=where or relative)
    report.files.append(FileResult(relative, adapter.name, "failed", reason=message))


def _with_reference(ctx: Context, tables: dict[str, Any], relative: str) -> Context:
    registry = ctx.registry
    if "lao_register" in tables:
        registry = registry.with_laos(tables["lao_register"], relative)
    if "population" in tables:
        registry = registry.with_population(tables["population"], relative)
    return dataclasses.replace(ctx, registry=registry, parser=None)


def _exports_read(report: PublishReport) -> bool:
    """Whether any system's export (or real public file) was read: the standard datasets
    are built from those only."""
    return any(
        item.status == "read" and ADAPTERS[item.adapter or ""].kind in ("export", "real")
        for item in report.files
    )


def _build_own(
    con, table: OwnTable, built: Path, out: Path, *, agency: Agency, today: dt.date,
    report: PublishReport,
) -> DatasetResult:  # fmt: skip
    """The dataset of a table of its own kind, unless it has no rows or its name is taken."""
    spec = table_spec(table)
    name = f"{agency.name}-{spec.key}"[:70]
    taken = next((item for item in report.datasets if item.name == name), None)
    if taken is not None:
        return DatasetResult(
            spec.key, name, "failed",
            reason=Text(
                th=f"ชื่อชุดข้อมูล {name} ซ้ำกับของไฟล์อื่น แก้ dataset.key ในไฟล์จับคู่ {table.mapping.source}",
                en=f"the dataset name {name} is already taken by another file; change "
                f"dataset.key in the mapping {table.mapping.source}",
            ),
        )  # fmt: skip
    if not table.rows:
        return DatasetResult(
            spec.key, name, "skipped",
            reason=Text(th=f"ไม่มีแถวข้อมูลใน {table.file}", en=f"no rows in {table.file}"),
        )  # fmt: skip
    system = table.mapping.system or (agency.title.th if agency.title else agency.name)
    return place_dataset(con, spec, built, out, agency=agency, systems=(system,),
                         formats=(table.data_format,), today=today)  # fmt: skip


def _formats(report: PublishReport) -> tuple[str, ...]:
    """How the sources keep the data (GD Catalog item 12): the systems' databases, and the
    formats of files that are not system exports."""
    kinds = {ADAPTERS[item.adapter].kind for item in report.files
             if item.adapter and item.status == "read"}  # fmt: skip
    formats = ["Database"] if "export" in kinds else []
    for item in report.files:
        if item.status == "read" and ADAPTERS[item.adapter or ""].kind == "real":
            suffix = Path(item.file).suffix.lower()
            label = "JSON" if suffix in (".json", ".jsonl", ".ndjson") else "CSV"
            if label not in formats:
                formats.append(label)
    return tuple(formats) or ("Database",)


def _table_has_rows(con, tables: tuple[str, ...]) -> bool:
    return all(con.execute(f"SELECT count(*) > 0 FROM {table}").fetchone()[0] for table in tables)  # noqa: S608


def _build(
    con,
    spec: DatasetSpec,
    built: Path,
    out: Path,
    *,
    agency: Agency,
    systems: tuple[str, ...],
    formats: tuple[str, ...],
    today: dt.date,
    registry_has_laos: bool,
) -> DatasetResult:
    if not _table_has_rows(con, spec.requires):
        return DatasetResult(
            spec.key, None, "skipped",
            reason=Text(th="ไม่มีข้อมูลต้นทางสำหรับชุดข้อมูลนี้", en="no source data for this dataset"),
        )  # fmt: skip
    if spec.key == "lao-benchmark" and not registry_has_laos:
        return DatasetResult(
            spec.key, None, "skipped",
            reason=Text(
                th="ไม่มีทะเบียน อปท. และข้อมูลประชากร (ระบุ --reference หรือวางไว้ในโฟลเดอร์ต้นทาง)",
                en="no LAO register and population (name --reference or put them among the "
                "sources)",
            ),
        )  # fmt: skip
    return place_dataset(con, spec, built, out, agency=agency, systems=systems,
                         formats=formats, today=today)  # fmt: skip
