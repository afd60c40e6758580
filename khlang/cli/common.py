"""Pieces every CLI command shares: the report format option and the exit codes."""

from __future__ import annotations

import enum
import json
import sys
from typing import Annotated, Any, Literal

import typer

# The exit codes are the errors' (khlang.errors), re-exported for the commands.
from khlang.errors import EXIT_FINDINGS as EXIT_FINDINGS
from khlang.errors import EXIT_INPUT_ERROR as EXIT_INPUT_ERROR
from khlang.errors import EXIT_OK as EXIT_OK

FOLD: Literal["fold"] = "fold"
"""Rich tables' overflow for text: long runs fold onto the next line, never end in "…". Thai
is written without spaces, so a Thai sentence is one run; and a dataset name is what the
reader copies into the next command."""


class OutputFormat(enum.StrEnum):
    text = "text"
    json = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="Report format: text for people, json for programs."),
]

LangOption = Annotated[
    str,
    typer.Option("--lang", help="Language of text reports: th, en or both.", show_default=True),
]


def reference_option(help_text: str) -> Any:
    """`--reference`: the folder of real reference data read in place (or $KHLANG_REAL_DATA)."""
    return typer.Option("--reference", envvar="KHLANG_REAL_DATA", help=help_text)


def print_json(document: Any) -> None:
    """Write JSON with Thai kept readable (not \\u-escaped) and a trailing newline."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")
