"""`khlang metadata ...`: check, export and start dataset metadata files."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer

from khlang.metadata.ckan import to_ckan
from khlang.metadata.files import load_dataset

app = typer.Typer(
    help="Dataset metadata: GD Catalog profile, compliance and exports.", no_args_is_help=True
)


class ExportTarget(enum.StrEnum):
    ckan = "ckan"
    gdc = "gdc"


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="A dataset file (YAML or JSON).")],
    to: Annotated[ExportTarget, typer.Option("--to", help="The form to write.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Write the dataset's metadata in another standard form."""
    dataset = load_dataset(file)
    text = json.dumps(to_ckan(dataset, to.value), ensure_ascii=False, indent=2) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)
