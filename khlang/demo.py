"""`khlang demo`: the whole chain on one machine, from nothing to a working site.

1. generate province-scale synthetic exports of every source system (the publishers'
   generator: Chiang Mai's LAOs over five fiscal years, deterministic by seed);
2. publish them as the seven standard datasets (`khlang publish`);
3. add the datasets to an embedded catalog (`khlang catalog add`: the metadata check and the
   table validators gate every version);
4. build the query tables, so the first visitor waits for nothing;

and then serve the web site and the API. Each step is the same Python API the command of
that step uses: the demo shows exactly what an agency would run.

A demo home that already holds a finished demo (`demo.json`) is served at once; `--fresh`
builds it again.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from khlang.errors import KhlangError
from khlang.i18n import Text

DEMO_FILE = "demo.json"
DEFAULT_HOME = Path("khlang-demo")
DEFAULT_YEARS = (2564, 2568)
DEFAULT_SEED = 7
DEMO_AUTHOR = "khlang-demo"


class DemoStep(BaseModel):
    key: str
    label: Text
    seconds: float
    detail: Text


class DemoReport(BaseModel):
    home: Path
    years: tuple[int, int]
    seed: int
    datasets: list[str]
    steps: list[DemoStep]
    reused: bool = False

    @property
    def seconds(self) -> float:
        return round(sum(step.seconds for step in self.steps), 1)


Notify = Callable[[DemoStep], None]
Progress = Callable[[Text], None]
"""Told when a step starts and, while the catalog step runs, as each dataset is stored: a
first demo takes minutes on a busy machine, and a silent one looks hung."""


def build_demo(
    home: Path,
    *,
    years: tuple[int, int] = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    fresh: bool = False,
    notify: Notify | None = None,
    progress: Progress | None = None,
) -> DemoReport:
    """Build (or reuse) a demo catalog in `home` and return what was done."""
    home = home.resolve()
    done = home / DEMO_FILE
    if done.exists() and not fresh:
        report = DemoReport.model_validate_json(done.read_text(encoding="utf-8"))
        if report.years == years and report.seed == seed:
            return report.model_copy(update={"home": home, "reused": True, "steps": []})
    _clear(home)
    report = DemoReport(home=home, years=years, seed=seed, datasets=[], steps=[])
    sources, published = home / "sources", home / "published"

    def step(key: str, label: Text, run: Callable[[], Text]) -> None:
        if progress:
            progress(Text(th=f"{label.th} …", en=f"{label.en} …"))
        started = time.perf_counter()
        detail = run()
        finished = DemoStep(
            key=key, label=label, seconds=round(time.perf_counter() - started, 1), detail=detail
        )
        report.steps.append(finished)
        if notify:
            notify(finished)

    step(
        "generate",
        Text(th="สร้างไฟล์ส่งออกตัวอย่าง", en="Generating sample exports"),
        lambda: _generate(sources, years, seed),
    )
    step(
        "publish",
        Text(th="สร้างชุดข้อมูลมาตรฐาน", en="Publishing the standard datasets"),
        lambda: _publish(sources, published),
    )
    step(
        "catalog",
        Text(th="เพิ่มเข้าบัญชีข้อมูล", en="Adding them to the catalog"),
        lambda: _add(home, published, report, progress),
    )
    step(
        "tables",
        Text(th="เตรียมตารางสำหรับการค้นหา", en="Preparing the query tables"),
        lambda: _prepare_tables(home),
    )
    done.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return report


def _clear(home: Path) -> None:
    """Start a demo home afresh, refusing to wipe a folder that is not a demo's."""
    if not home.exists():
        return
    if any(home.iterdir()) and not (home / DEMO_FILE).exists() and not _is_partial_demo(home):
        raise KhlangError(
            Text(
                th="โฟลเดอร์นี้มีข้อมูลอื่นอยู่แล้ว เลือกโฟลเดอร์ใหม่ด้วย --home",
                en="this folder holds something other than a khlang demo; choose another "
                "with --home",
            ),
            where=str(home),
        )
    shutil.rmtree(home)


def _is_partial_demo(home: Path) -> bool:
    """A demo interrupted before it finished: only the folders the demo itself writes."""
    known = {"sources", "published", "catalog.sqlite", "files", "api", "catalog.sqlite-wal",
             "catalog.sqlite-shm", "catalog.sqlite-journal"}  # fmt: skip
    return all(item.name in known for item in home.iterdir())


def _generate(out: Path, years: tuple[int, int], seed: int) -> Text:
    # lazy: the generator (pandas, duckdb), +300 ms; a reused demo skips it
    from khlang.publishers.generate import generate

    manifest = generate(out, scale="province", years=list(range(years[0], years[1] + 1)), seed=seed)
    files = len(manifest["files"])
    return Text(
        th=f"{files} ไฟล์ของ อปท. {manifest['laos']} แห่ง ปีงบประมาณ {years[0]}–{years[1]}",
        en=f"{files} files for {manifest['laos']} LAOs, fiscal years {years[0]}–{years[1]}",
    )


def _publish(sources: Path, out: Path) -> Text:
    # lazy: the publishers' pipeline (pandas, duckdb), +420 ms; a reused demo skips it
    from khlang.publishers.agency import resolve_agency
    from khlang.publishers.publish import publish

    report = publish(sources, agency=resolve_agency(sources), out=out)
    built = [item for item in report.datasets if item.status == "published"]
    if not report.ok or not built:
        raise KhlangError(
            Text(
                th="สร้างชุดข้อมูลตัวอย่างไม่สำเร็จ ดูรายละเอียดใน publish-report.json",
                en="the sample datasets could not be built; see publish-report.json",
            ),
            where=str(out),
        )
    return Text(th=f"{len(built)} ชุดข้อมูล", en=f"{len(built)} datasets")


def _add(home: Path, published: Path, report: DemoReport, progress: Progress | None) -> Text:
    # lazy: the catalog (SQLAlchemy), +414 ms; a reused demo skips it
    from khlang.catalog import Catalog, Principal, PublishRejectedError
    from khlang.catalog.folder import dataset_sources

    actor = Principal.operator(DEMO_AUTHOR)
    started = time.perf_counter()
    with Catalog.open(home, create=True) as catalog:
        folders = list(dataset_sources(published))
        for folder in folders:
            try:
                result = catalog.publish(
                    folder,
                    actor=actor,
                    change_note="khlang demo",
                    create_organization=True,
                )
            except PublishRejectedError as error:
                raise KhlangError(
                    Text(
                        th=f"บัญชีข้อมูลไม่รับชุดข้อมูลตัวอย่าง: {error.message.th}",
                        en=f"the catalog refused a sample dataset: {error.message.en}",
                    ),
                    where=str(folder),
                ) from error
            report.datasets.append(result.dataset)
            if progress:
                done, seconds = (
                    f"{len(report.datasets)}/{len(folders)}",
                    time.perf_counter() - started,
                )
                progress(Text(th=f"{done} {result.dataset} ({seconds:.0f} วินาที)",
                              en=f"{done} {result.dataset} ({seconds:.0f} s)"))  # fmt: skip
    return Text(
        th=f"{len(report.datasets)} ชุดข้อมูลใน {home}",
        en=f"{len(report.datasets)} datasets in {home}",
    )


def _prepare_tables(home: Path) -> Text:
    # lazy: the API's service (FastAPI), +584 ms; a reused demo skips it
    from khlang.api import service
    from khlang.api.settings import ApiSettings
    from khlang.api.state import ApiState

    state = ApiState(ApiSettings(home=home))
    try:
        sources = service.current_table_sources(state)
        rows = sum(state.engine.table_sync(source).row_count for source in sources)
    finally:
        state.close()
    return Text(
        th=f"{len(sources)} ตาราง {rows:,} แถว",
        en=f"{len(sources)} tables, {rows:,} rows",
    )
