"""`khlang validate FILE`: check a table or a Data Package against its Table Schema, its
encoding and the open-format rule; or propose a schema with `--infer`."""

from __future__ import annotations

import gc
import json
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Annotated

import typer

from khlang.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    FormatOption,
    LangOption,
    OutputFormat,
    print_json,
)
from khlang.metadata.formats import FileFormat
from khlang.validators.report import DEFAULT_EXAMPLES, Report


def validate(
    file: Annotated[
        Path,
        typer.Argument(
            help="A CSV/TSV, XLSX, XLS, ODS, JSON/NDJSON file (also gzip, bzip2, xz or zip "
            "compressed) or a datapackage.json."
        ),
    ],
    schema: Annotated[
        Path | None, typer.Option("--schema", "-s", help="Table Schema (JSON) to check against.")
    ] = None,
    output: FormatOption = OutputFormat.text,
    infer: Annotated[
        bool, typer.Option("--infer", help="Propose a Table Schema for the file instead.")
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Read as this encoding (e.g. cp874) instead of the detected one."
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="XLSX, XLS, ODS: the sheet to read.")
    ] = None,
    examples: Annotated[
        int,
        typer.Option(
            "--examples", "-n", min=0, help="Errors of each type to show (all are counted)."
        ),
    ] = DEFAULT_EXAMPLES,
    sample: Annotated[
        int | None, typer.Option("--sample", min=1, help="--infer: read only this many rows.")
    ] = None,
    lang: LangOption = "both",
    frictionless: Annotated[
        bool,
        typer.Option(
            "--frictionless",
            help="frictionless-py's verdict where khlang differs on purpose: format by file "
            "name (a .txt file is not a table), JSON documents, `calendar` ignored.",
        ),
    ] = False,
) -> None:
    """Validate a table or Data Package; exit 0 when valid, 1 with findings, 2 on bad input."""
    _keep_pandas_out()
    # lazy: the validators (pyarrow), +114 ms, after _keep_pandas_out
    from khlang.validators import infer_schema, validate_package
    from khlang.validators import validate as validate_file

    # What the imports made lives as long as the command: keeping it out of the garbage
    # collector's passes saves each full pass (before the key checks) about 35 ms. Once a
    # process: a process that runs the command again (a test's) keeps its garbage collectable.
    if not gc.get_freeze_count():
        gc.freeze()

    if infer:
        print_json(infer_schema(file, sample_rows=sample, encoding=encoding))
        raise typer.Exit(EXIT_OK)
    if _is_package(file) and schema is None:
        report = validate_package(file, examples=examples, frictionless=frictionless)
    else:
        report = validate_file(file, schema, encoding=encoding, sheet=sheet, examples=examples,
                               frictionless=frictionless)  # fmt: skip
    if output == OutputFormat.json:
        print_json(report.to_frictionless())
    else:
        print_text(report, lang)
    raise typer.Exit(EXIT_OK if report.valid else EXIT_FINDINGS)


class _NoPandas:
    """An import hook that says pandas is not installed."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec:
        if name.split(".")[0] == "pandas":
            raise ModuleNotFoundError("pandas is kept out of `khlang validate`", name=name)
        return None  # type: ignore[return-value]


def _keep_pandas_out() -> None:
    """Arrow imports pandas on its first conversion only to ask whether a value is a pandas
    object; the validate command never hands it one, and the import costs 0.2 s of start-up
    and 40 MB of the 300 MB the command may use. Called by the command only, never by the
    Python API, so that a process that uses pandas elsewhere keeps it."""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


def _is_package(path: Path) -> bool:
    if path.name.endswith("datapackage.json"):
        return True
    if path.suffix.lower() != ".json" or not path.is_file() or path.stat().st_size > 10 << 20:
        return False
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False  # not a package: the table reader says what is wrong with the file
    return isinstance(descriptor, dict) and isinstance(descriptor.get("resources"), list)


def _say(th: str, en: str, lang: str) -> str:
    return {"th": th, "en": en}.get(lang, f"{th} / {en}")


def _encoding(encoding: str | None, kind: FileFormat | None, lang: str) -> str:
    """The file's text encoding, or, for a binary format, the one its specification fixes for
    the text inside (a Parquet file has no encoding to detect: its strings are UTF-8)."""
    if encoding or kind is None or kind.text_inside is None:
        return f"{_say('รหัสอักขระ', 'encoding', lang)} {encoding or '-'}"
    return _say(
        f"ไฟล์ไบนารี ข้อความภายในเป็น {kind.text_inside} ตามข้อกำหนดของ {kind.name}",
        f"binary file, its text {kind.text_inside} as {kind.name} specifies",
        lang,
    )


def print_text(report: Report, lang: str) -> None:
    """The report for people: per file, what it is, how open, and each error type's count
    with its first examples."""
    from rich.console import Console  # lazy: rich, +17 ms; JSON reports skip it

    console = Console(highlight=False, soft_wrap=True)
    for task in report.tasks:
        info = task.format
        mark = "[green]✓[/]" if task.valid else "[red]✗[/]"
        console.print(f"{mark} [bold]{task.path}[/]")
        if info is not None:
            openness = info.openness()
            stars = "★" * openness["stars"] + "☆" * (5 - openness["stars"])
            flags = _say("เปิด" if openness["open"] else "ไม่เปิด",
                         "open" if openness["open"] else "not open", lang)  # fmt: skip
            console.print(
                f"  {openness['format']} ({openness['mediaType'] or '-'}) {stars} {flags}; "
                f"{_encoding(task.encoding, info.format, lang)}; "
                f"{task.rows:,} {_say('แถว', 'rows', lang)}"
            )
        for warning in task.warnings:
            console.print(
                f"  [yellow]![/] {warning.get(lang) if lang in ('th', 'en') else warning}"
            )
        for code, count in sorted(task.tally.counts.items()):
            kept = task.tally.examples.get(code, [])
            first = _say(f"{len(kept)} รายการแรก", f"first {len(kept)}", lang) if kept else ""
            console.print(f"  [red]{code}[/]: {count:,} {first}")
            for finding in kept:
                for line_lang in ("th", "en") if lang not in ("th", "en") else (lang,):
                    console.print(f"    {finding.message(line_lang)}")
    for finding in report.errors:
        console.print(f"[red]{finding.type}[/] {finding.message(lang if lang != 'both' else 'en')}")
    if len(report.tasks) > 1 or report.errors:
        rule = report.meets_open_format_rule
        console.print(
            _say("ชุดข้อมูลเป็นไปตามเกณฑ์รูปแบบเปิด" if rule else "ชุดข้อมูลไม่เป็นไปตามเกณฑ์รูปแบบเปิด",
                 "the dataset meets the open-format rule" if rule
                 else "the dataset does not meet the open-format rule", lang)
        )  # fmt: skip
    total = sum(report.error_counts.values())
    console.print(
        _say("ถูกต้อง", "valid", lang) if report.valid
        else _say(f"พบข้อผิดพลาด {total:,} รายการ", f"{total:,} errors", lang)
    )  # fmt: skip
