"""`khlang publish`, `khlang generate` and `khlang areas ...`: source exports to published
datasets, synthetic exports, and the area master data."""

from __future__ import annotations

import enum
import json
import signal
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from khlang.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    FOLD,
    FormatOption,
    OutputFormat,
    print_json,
    reference_option,
)

app = typer.Typer(no_args_is_help=True)
areas_app = typer.Typer(
    help="Thai administrative areas: the area master, its sources' differences, place names.",
    no_args_is_help=True,
)
app.add_typer(areas_app, name="areas")


class ScaleName(enum.StrEnum):
    sample = "sample"
    province = "province"
    national = "national"


_STEPS = {"read": "อ่านไฟล์ต้นทาง / reading exports", "build": "สร้างชุดข้อมูล / building datasets"}


@app.command()
def publish(
    sources: Annotated[Path, typer.Argument(help="Folder of source exports (or one export file).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to publish the datasets in.")],
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency",
            help="The publishing organization's name (lower-case ASCII); default: agency.yaml "
            "in SOURCES.",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Read every file with this adapter, e.g. govspending."),
    ] = None,
    reference: Annotated[
        Path | None,
        reference_option(
            "Folder with the LAO list and DOPA population (geo/, lao/), read in place."
        ),
    ] = None,
    mapping: Annotated[
        list[Path] | None,
        typer.Option("--mapping", help="Column mapping file for an export layout (repeatable)."),
    ] = None,
    agency_title: Annotated[
        str | None, typer.Option("--agency-title", help="The agency's Thai name.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Contact email (GD Catalog item 5).")
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Contact unit (GD Catalog item 4).")
    ] = None,
    license_name: Annotated[
        str | None,
        typer.Option("--license", help="GD Catalog licence; default Open Data Common."),
    ] = None,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Build the standard datasets from the exports in SOURCES and publish them in OUT."""
    # lazy: the publishers' pipeline (pandas, duckdb), +440 ms; the agency file, +28 ms
    from khlang.publishers.agency import resolve_agency
    from khlang.publishers.publish import REPORT_FILE
    from khlang.publishers.publish import publish as run

    profile = resolve_agency(
        sources, name=agency, title_th=agency_title, email=email, contact=contact,
        license_name=license_name,
    )  # fmt: skip
    # A terminated run unwinds like an interrupted one, so its staging folder is removed.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=output_format is OutputFormat.json,
        disable=output_format is OutputFormat.json,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(_STEPS[step], total=total)
            bar.update(tasks[step], completed=done, total=total)

        report = run(
            sources, agency=profile, out=out, source=source, reference=reference,
            mappings=mapping or [], progress=progress,
        )  # fmt: skip
    document = report.to_json()
    if output_format is OutputFormat.json:
        print_json(document)
    else:
        _print_summary(Console(), document, report.path or out / REPORT_FILE, out / REPORT_FILE)
    nothing = document["summary"]["datasets_published"] == 0
    failed = document["summary"]["errors"] or not report.ok or nothing
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


_FILE_REASONS = ("file-not-read", "file-unreadable")
"""Issues that repeat the reason a file was not read, which is printed with the file."""


def _where(item: dict) -> str:
    return ": ".join(
        str(part)
        for part in (item.get("file"), item.get("row") and f"row {item['row']}",
                     item.get("column") and f"column {item['column']}")
        if part
    )  # fmt: skip


def _bilingual(text: dict) -> str:
    return text["th"] if text["th"] == text["en"] else f"{text['th']}\n  {text['en']}"


def _print_summary(console: Console, document: dict, report_path: Path, latest: Path) -> None:
    """What was published, and every reason something was not, in Thai and English."""
    if document["datasets"]:
        table = Table(title="ชุดข้อมูล / Datasets", title_justify="left")
        for name, justify in (("dataset", "left"), ("status", "left"), ("rows", "right"),
                              ("note", "left")):  # fmt: skip
            table.add_column(name, justify=justify, overflow=FOLD, no_wrap=name == "dataset")  # type: ignore[arg-type]
        for item in document["datasets"]:
            style = {"published": "green", "failed": "red", "skipped": "yellow"}[item["status"]]
            rows = sum(item.get("rows", {}).values())
            note = _bilingual(item["reason"]) if item.get("reason") else ""
            table.add_row(escape(item["name"] or item["key"]), f"[{style}]{item['status']}[/]",
                          f"{rows:,}", escape(note))  # fmt: skip
        console.print(table)
    summary = document["summary"]
    console.print(
        f"files read {summary['files_read']}, failed {summary['files_failed']}, skipped "
        f"{summary['files_skipped']}; problems: {summary['errors']} errors, "
        f"{summary['warnings']} warnings",
        highlight=False,
    )
    for item in document["files"]:
        if item["status"] in ("failed", "skipped") and item.get("reason"):
            style = "red" if item["status"] == "failed" else "yellow"
            console.print(
                f"[{style}]{item['status']}[/] {escape(item['file'])}: "
                f"{escape(_bilingual(item['reason']))}",
                highlight=False,
            )
    issues = document["issues"]
    counts = {(g["code"], g["severity"], g["file"]): g["count"] for g in issues["summary"]}
    shown: set[tuple] = set()
    for item in issues["items"]:
        key = (item["code"], item["severity"], item.get("file"))
        if item["severity"] == "info" and item["code"] != "column-dropped":
            continue
        if item["code"] in _FILE_REASONS or (item["severity"] == "warning" and key in shown):
            continue
        shown.add(key)
        more = counts.get(key, 1)
        times = f" ({more:,}×)" if item["severity"] == "warning" and more > 1 else ""
        style = {"error": "red", "warning": "yellow", "info": "cyan"}[item["severity"]]
        console.print(
            f"[{style}]{item['severity']}[/] {escape(_where(item))}{times}: "
            f"{escape(_bilingual(item['message']))}",
            highlight=False,
        )
    for item in document["datasets"]:
        if item["status"] == "failed":
            for problem in item.get("checks", {}).get("problems", []):
                console.print(
                    f"[red]failed[/] {escape(item['name'] or item['key'])}: "
                    f"{escape(_bilingual(problem))}",
                    highlight=False,
                )
    lines = document["reconciliation"].get("lines", {})
    if lines and lines["published"]:
        console.print(
            f"budget lines {lines['published']:,}; in several systems "
            f"{lines['in_several_systems']:,}; matched by name and area "
            f"{lines['matched_by_name_and_area']:,}; ambiguous {lines['ambiguous']:,}",
            highlight=False,
        )
    if summary["datasets_published"] == 0:
        console.print(
            "[bold red]ไม่ได้เผยแพร่ชุดข้อมูลใด / nothing was published[/]: "
            "ดูเหตุผลด้านบน / see the reasons above",
            highlight=False,
        )
    console.print(
        f"รายงาน / report: {report_path} (ล่าสุด / the latest run's also in {latest})",
        highlight=False,
    )


@app.command()
def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the exports in (new or empty).")],
    scale: Annotated[
        ScaleName, typer.Option("--scale", help="sample, province or national.")
    ] = ScaleName.sample,
    years: Annotated[
        str, typer.Option("--years", help="Fiscal years (BE), e.g. 2559-2568.")
    ] = "2559-2568",
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 0,
    province: Annotated[
        str | None,
        typer.Option("--province", help="DOPA province code for sample/province scale."),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            help="Folder with the real LAO list (lao/), read in place; without it LAOs are "
            "derived from the area master.",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Write deterministic synthetic exports of every source system, calibrated on the real
    files, ready for `khlang publish`."""
    # lazy: the publishers' generator (pandas, duckdb), +320 ms
    from khlang.publishers.generate import generate as run
    from khlang.publishers.generate import parse_years

    manifest = run(
        out, scale=scale.value, years=parse_years(years), seed=seed, reference=reference,
        province=province,
    )  # fmt: skip
    if output_format is OutputFormat.json:
        print_json(manifest)
        return
    console = Console()
    console.print(
        f"{len(manifest['files'])} files for {manifest['laos']:,} LAOs, fiscal years "
        f"{manifest['years'][0]}-{manifest['years'][1]} ({manifest['scale']}, seed "
        f"{manifest['seed']}) in {out}",
        highlight=False,
    )
    console.print(f"manifest: {out / 'generation.json'}", highlight=False)


@areas_app.command("build-reference")
def build_reference(
    real: Annotated[Path, typer.Option("--real", help="The folder holding geo/ (read in place).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the area master.")],
) -> None:
    """Rebuild the packaged area master from the two MIT area lists (maintainers)."""
    from khlang.publishers.area_sources import build_reference as build  # lazy: pandas, +267 ms
    from khlang.publishers.area_sources import write_reference  # lazy: pandas, +279 ms

    for path in write_reference(build(real), out):
        typer.echo(path)


@areas_app.command("publish")
def publish_areas(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to publish the dataset in.")],
    agency: Annotated[str, typer.Option("--agency", help="The publishing organization's name.")],
    email: Annotated[str, typer.Option("--email", help="Contact email (GD Catalog item 5).")],
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            envvar="KHLANG_REAL_DATA",
            help="Folder with the LAO list (lao/), read in place, to include the LAOs.",
        ),
    ] = None,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Publish khlang's reference dataset of Thai administrative areas."""
    # lazy: the area builder (pandas, duckdb), +405 ms; the agency file, +29 ms
    from khlang.publishers.agency import Agency
    from khlang.publishers.areas import load_areas
    from khlang.publishers.datasets.areas import publish_areas as run

    result = run(out, agency=Agency(name=agency, email=email), registry=load_areas(reference))
    if output_format is OutputFormat.json:
        print_json(result.to_json())
    else:
        typer.echo(f"{result.name}: {result.status} {result.rows}")
    raise typer.Exit(EXIT_OK if result.status == "published" else EXIT_FINDINGS)


@areas_app.command()
def differences(output_format: FormatOption = OutputFormat.text) -> None:
    """How the two public area lists differ, and how each difference was settled."""
    from khlang.publishers.area_sources import difference_summary  # lazy: pandas, +275 ms
    from khlang.publishers.areas import packaged_areas  # lazy: pandas, +273 ms

    frame = _differences()
    summary = difference_summary(frame)
    if output_format is OutputFormat.json:
        print_json({"summary": summary, "differences": frame.to_dict("records")})
        return
    master = packaged_areas()
    typer.echo(
        f"area master: {len(master.provinces)} provinces, {len(master.districts)} districts, "
        f"{len(master.subdistricts)} sub-districts, {len(master.regions)} regions"
    )
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    notable = frame[frame["kind"].isin(["name_th", "only_in_kongvut", "only_in_tgj"])]
    for row in notable.itertuples(index=False):
        values = " | ".join(value or "-" for value in (row.tgj, row.kongvut, row.dopa))
        settled = row.resolved or "(dropped)"
        typer.echo(f"{row.level} {row.code} {row.kind}: {values} -> {settled} [{row.resolution}]")


def _differences():
    import pandas as pd  # lazy: pandas, +279 ms

    file = resources.files("khlang.publishers") / "reference" / "differences.csv"
    with resources.as_file(file) as path:
        return pd.read_csv(path, dtype=str, keep_default_na=False)


@areas_app.command()
def parse(
    text: Annotated[
        str, typer.Argument(help="Thai text naming a place, e.g. ตำบลชัยนาทอำเภอเมืองชัยนาท")
    ],
    reference: Annotated[
        Path | None,
        typer.Option("--reference", help="Folder with the LAO list, to recognise LAO names."),
    ] = None,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Find the area (and LAO) a piece of Thai text names."""
    from khlang.publishers.areas import load_areas  # lazy: pandas, +298 ms
    from khlang.publishers.placenames import PlaceParser  # lazy: pandas, +298 ms

    match = PlaceParser(load_areas(reference)).parse(text)
    area = match.area
    document = {
        "text": text,
        "level": match.level,
        "code": area.code if area else None,
        "name_th": area.name_th if area else None,
        "name_en": area.name_en if area else None,
        "province_code": area.province_code if area else None,
        "district_code": area.district_code if area else None,
        "subdistrict_code": area.subdistrict_code if area else None,
        "village_no": match.village,
        "lao_key": match.lao_key,
        "ambiguous": match.ambiguous,
    }
    if output_format is OutputFormat.json:
        print_json(document)
    else:
        for key, value in document.items():
            if value is not None:
                typer.echo(f"{key}: {value}")
    raise typer.Exit(EXIT_OK if area else EXIT_FINDINGS)
