"""`khlang mapping suggest FILE`: propose the column mapping of a table file for review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from khlang.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    FormatOption,
    OutputFormat,
    print_json,
    reference_option,
)
from khlang.errors import KhlangError
from khlang.i18n import Text

app = typer.Typer(
    help="Column mappings: how a table file's headers are read by khlang publish.",
    no_args_is_help=True,
)


@app.command()
def suggest(
    file: Annotated[Path, typer.Argument(help="A table file: CSV (UTF-8 or Windows-874) or XLSX.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write the mapping (default FILE.mapping.yaml)."),
    ] = None,
    adapter: Annotated[
        str | None,
        typer.Option("--adapter", help="Propose a mapping for this adapter, e.g. generic or bbl."),
    ] = None,
    reference: Annotated[
        Path | None,
        reference_option("Folder with the LAO list (lao/), to recognise LAO names by values."),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="A table of its own kind: its Thai title.")
    ] = None,
    title_en: Annotated[
        str | None,
        typer.Option("--title-en", help="A table of its own kind: its English title."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Read FILE's headers and first values, propose how each column is read (the known
    system it fits best, or a table of its own kind with every column kept), and write the
    mapping for review. Then publish with `khlang publish FILE --mapping MAPPING`. Exit 0:
    written; 1: written, but something must be fixed in it first (no year column ...)."""
    # lazy: the publishers (pandas, duckdb), +340 ms
    from khlang.publishers.adapters import adapter_named
    from khlang.publishers.areas import load_areas
    from khlang.publishers.mapping_file import mapping_yaml
    from khlang.publishers.suggest import entitled
    from khlang.publishers.suggest import suggest as propose

    if not file.is_file():
        raise KhlangError(Text(th="ไม่พบไฟล์", en="no such file"), where=str(file))
    if adapter is not None:
        adapter_named(adapter, "--adapter")
    target = out or file.with_name(f"{file.stem}.mapping.yaml")
    if target.exists() and not force:
        raise KhlangError(
            Text(
                th="มีไฟล์นี้อยู่แล้ว (อาจแก้ไขไว้) ใช้ --force เพื่อเขียนทับ หรือ --out เพื่อเขียนที่อื่น",
                en="the file exists (it may hold your edits); --force overwrites it, --out "
                "writes elsewhere",
            ),
            where=str(target),
        )
    suggestion = propose(file, load_areas(reference), adapter=adapter)
    if title or title_en:
        suggestion = entitled(suggestion, title, title_en)
    command = publish_command(file, target)
    target.write_text(mapping_yaml(suggestion, command=command), encoding="utf-8")
    if output_format is OutputFormat.json:
        print_json({"mapping_file": str(target), **suggestion.model_dump(mode="json")})
    else:
        _print(Console(), suggestion, target, command)
    raise typer.Exit(EXIT_FINDINGS if suggestion.problems else EXIT_OK)


def publish_command(file: Path, mapping: Path) -> str:
    """The `khlang publish` line to run once the mapping is reviewed; without an agency.yaml
    beside the file, `publish` needs the agency and its contact email, so the line asks for
    them (in capitals, for the reader to replace) rather than failing when pasted."""
    from khlang.publishers.agency import AGENCY_FILE  # lazy: loaded by suggest, +47 ms alone

    command = f"khlang publish {file} --mapping {mapping} --out published"
    if not (file.parent / AGENCY_FILE).is_file():
        command += " --agency AGENCY-NAME --email CONTACT-EMAIL"
    return command


def _print(console: Console, suggestion, target: Path, command: str) -> None:
    mapping = suggestion.mapping
    best = suggestion.candidates[0]
    if mapping.adapter == "generic":
        console.print(
            f"ไม่ตรงกับระบบใด จึงเสนอเป็นตารางของหน่วยงานเอง (generic) / fits no known system, so it "
            f"is proposed as a table of its own (generic); closest: {escape(str(best.describe()))}",
            highlight=False,
        )
    else:
        console.print(f"ตรงกับ / fits: [bold]{mapping.adapter}[/] ({escape(mapping.system)})")
    table = Table(title="คอลัมน์ / Columns", title_justify="left")
    for name in ("หัวตาราง / header", "อ่านเป็น / read as", "วิธี / how", "ค่า / values"):
        table.add_column(name)
    for choice, column in zip(suggestion.choices, suggestion.columns, strict=True):
        field = choice.field or "[yellow]dropped[/]"
        values = escape(f"{column.kind}: {', '.join(column.samples)}")
        table.add_row(escape(choice.header), field, escape(choice.how), values)
    console.print(table)
    for problem in suggestion.problems:
        console.print(f"[bold red]ต้องแก้ / to fix:[/] {escape(str(problem))}", highlight=False)
    for note in suggestion.notes:
        console.print(f"[bold yellow]ต้องเลือก / to decide:[/] {escape(str(note))}", highlight=False)
    console.print(f"เขียนแล้ว / written: {target}", highlight=False, soft_wrap=True)
    console.print(
        f"ตรวจแก้แล้วเผยแพร่ / review it, then: {escape(command)}", highlight=False, soft_wrap=True
    )
