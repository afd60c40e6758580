"""`khlang metadata ...`: check, export and start dataset metadata files."""

from __future__ import annotations

import enum
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from khlang.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT_ERROR,
    EXIT_OK,
    FormatOption,
    OutputFormat,
    print_json,
)
from khlang.errors import KhlangError
from khlang.i18n import Text

app = typer.Typer(
    help="Dataset metadata: GD Catalog profile, compliance and exports.", no_args_is_help=True
)

BASE_URL_ENV = "KHLANG_BASE_URL"


class ExportTarget(enum.StrEnum):
    ckan = "ckan"
    gdc = "gdc"
    dcat_ttl = "dcat-ttl"
    dcat_jsonld = "dcat-jsonld"
    dcat_rdf = "dcat-rdf"
    datapackage = "datapackage"


class Lang(enum.StrEnum):
    th = "th"
    en = "en"
    both = "both"


_RDF = {"dcat-ttl": "turtle", "dcat-jsonld": "json-ld", "dcat-rdf": "xml"}

BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help=f"Where the catalog is served, for DCAT IRIs (default: ${BASE_URL_ENV} or "
        "http://127.0.0.1:8000).",
    ),
]


def _base_url(value: str | None) -> str:
    from khlang.metadata.dcat import DEFAULT_BASE_URL  # lazy: rdflib, +58 ms

    return value or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Dataset files (YAML/JSON, khlang or CKAN form) or folders of them."),
    ],
    format: FormatOption = OutputFormat.text,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text report.")] = Lang.both,
    check_urls: Annotated[
        bool,
        typer.Option("--check-urls", help="Ask every resource URL over HTTP (MQA accessibility)."),
    ] = False,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            help="JSON CatalogState (catalog and GD Catalog registration of each dataset) for "
            "the Budget Bureau indicator's second and third parts.",
        ),
    ] = None,
) -> None:
    """Check datasets against the GD Catalog profile and score them (the Budget Bureau's
    indicator over all of them, the EU MQA for each). Exit 0: no errors; 1: errors found;
    2: a file could not be read."""
    from khlang.metadata.dcat import dataset_graph  # lazy: rdflib, +64 ms
    from khlang.metadata.files import dataset_files, load_dataset  # lazy: ruamel.yaml, +27 ms
    from khlang.metadata.mqa import dataset_urls  # lazy: rdflib, +62 ms

    # lazy: rdflib and the checks, +71 ms
    from khlang.metadata.report import InputError, check_agency

    items, errors = [], []
    for path in paths:
        for file in dataset_files(path):
            try:
                items.append((str(file), load_dataset(file)))
            except KhlangError as error:
                errors.append(InputError(source=str(file), message=error.render()))
    if not items and not errors:
        raise KhlangError(
            Text(th="ไม่พบไฟล์ชุดข้อมูล", en="no dataset file found"),
            where=", ".join(map(str, paths)),
        )
    catalog_state = _read_state(state) if state else None
    url_status = None
    if check_urls:
        from khlang.cli.urls import probe  # lazy: concurrent.futures, +3 ms

        url_status = probe(url for _, d in items for url in dataset_urls(dataset_graph(d)))
    report = check_agency(items, state=catalog_state, url_status=url_status, input_errors=errors)
    if format is OutputFormat.json:
        print_json(report.as_dict())
    else:
        from khlang.cli.metadata_report import render  # lazy: rdflib, +77 ms

        console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)
        render(report, console, lang.value)
    if errors:
        raise typer.Exit(EXIT_INPUT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if report.errors else EXIT_OK)


def _read_state(path: Path):
    from khlang.metadata.budget_bureau import CatalogState  # lazy: the scores' model, +22 ms
    from khlang.metadata.files import read_text  # lazy: ruamel.yaml, +25 ms

    try:
        return CatalogState.model_validate_json(read_text(path))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(step) for step in first["loc"])
        raise KhlangError(
            Text(th=f"ไฟล์สถานะไม่ถูกต้อง: {first['msg']}", en=f"invalid state file: {first['msg']}"),
            where=f"{path}: {where}",
        ) from error


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="A dataset file (YAML or JSON).")],
    to: Annotated[ExportTarget, typer.Option("--to", help="The form to write.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")
    ] = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Write the dataset's metadata in another standard form: a CKAN package (gdc: a GD
    Catalog CKAN; ckan: a stock CKAN), DCAT-AP 3 (Turtle, JSON-LD, RDF/XML) or a Frictionless
    Data Package descriptor."""
    from khlang.metadata.files import load_dataset  # lazy: ruamel.yaml, +27 ms

    dataset = load_dataset(file)
    if to.value in _RDF:
        from khlang.metadata.dcat import dataset_graph, serialize  # lazy: rdflib, +63 ms

        text = serialize(dataset_graph(dataset, base_url=_base_url(base_url)), _RDF[to.value])
    elif to is ExportTarget.datapackage:
        from khlang.metadata.datapackage import to_datapackage  # lazy: the metadata model, +18 ms

        text = json.dumps(to_datapackage(dataset), ensure_ascii=False, indent=2)
    else:
        from khlang.metadata.ckan import to_ckan  # lazy: the metadata model, +17 ms

        text = json.dumps(to_ckan(dataset, to.value), ensure_ascii=False, indent=2)
    _write(text if text.endswith("\n") else text + "\n", out)


@app.command()
def template(
    data_type: Annotated[
        str,
        typer.Option(
            "--data-type",
            help="The GD Catalog data type, in Thai (ข้อมูลสถิติ) or as a code: record, "
            "statistical, geospatial, mixed, other.",
        ),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Write a fill-in dataset file with every field of the data type, its Thai and English
    label and its allowed values as comments."""
    from khlang.metadata.template import template as build  # lazy: the metadata model, +10 ms

    _write(build(data_type), out)


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise KhlangError(
            Text(th=f"เขียนไฟล์ไม่ได้: {error.strerror}", en=f"cannot write: {error.strerror}"),
            where=str(out),
        ) from error
