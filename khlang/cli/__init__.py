"""The `khlang` command. Each command group lives in its own module and only calls the
component it fronts; this module wires them together and turns errors into exit codes."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from khlang import __version__
from khlang.cli import catalog as catalog_cli
from khlang.cli import demo as demo_cli
from khlang.cli import metadata as metadata_cli
from khlang.cli import publishers as publishers_cli
from khlang.cli import register as register_cli
from khlang.cli import serve as serve_cli
from khlang.cli import validate as validate_cli
from khlang.cli.common import EXIT_INPUT_ERROR
from khlang.errors import KhlangError

app = typer.Typer(
    name="khlang",
    help="khlang (คลัง): publish area-based budget data as GD Catalog-compliant open data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(metadata_cli.app, name="metadata")
app.command("serve")(serve_cli.serve)
app.command("demo")(demo_cli.demo)
app.add_typer(catalog_cli.app, name="catalog")
app.add_typer(register_cli.app, name="register")
app.command("validate")(validate_cli.validate)
app.add_typer(publishers_cli.app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"khlang {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """khlang (คลัง): publish area-based budget data as GD Catalog-compliant open data."""


def main() -> None:
    """Entry point: a KhlangError is the user's to fix, so it is printed plainly, never as
    a traceback, and the process exits with 2; so do click's usage errors."""
    try:
        code = app(standalone_mode=False)
    except KhlangError as error:
        Console(stderr=True).print(
            f"[bold red]error:[/] {escape(error.render())}", highlight=False, soft_wrap=True
        )
        sys.exit(EXIT_INPUT_ERROR)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except typer.TyperException as error:  # usage errors: unknown option, bad choice, ...
        error.show()
        sys.exit(EXIT_INPUT_ERROR)
    sys.exit(code if isinstance(code, int) else 0)
