"""The `khlang` command. Each command group lives in its own module and only calls the
component it fronts; this module wires them together and turns errors into exit codes.

Command modules are imported only when their command runs (or when help lists them): the
catalog's and the API's modules pull in SQLAlchemy, FastAPI and more, which `khlang validate`
does not need and which would otherwise cost every command a fraction of a second."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

# NumPy's OpenBLAS starts a thread per core that spins for a while when it loads; nothing
# khlang does calls BLAS, and the spinning cost `khlang validate` a tenth of its CPU time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import typer
import typer.main
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer.core import TyperGroup

from khlang import __version__
from khlang.cli.usage import show_usage_error
from khlang.errors import EXIT_FINDINGS, EXIT_INPUT_ERROR, KhlangError

COMMANDS: dict[str, tuple[str, str, bool]] = {
    "metadata": ("khlang.cli.metadata", "app", False),
    "serve": ("khlang.cli.serve", "serve", False),
    "demo": ("khlang.cli.demo", "demo", False),
    "catalog": ("khlang.cli.catalog", "app", False),
    "register": ("khlang.cli.register", "app", False),
    "validate": ("khlang.cli.validate", "validate", False),
    "publish": ("khlang.cli.publishers", "app", True),
    "generate": ("khlang.cli.publishers", "app", True),
    "areas": ("khlang.cli.publishers", "app", True),
    "mapping": ("khlang.cli.mapping", "app", False),
}
"""Command name -> (module, attribute, whether the attribute is a Typer app whose commands
sit at the top level). The attribute is a Typer app or a command function."""


def _load(name: str) -> Any:
    """The click command for `name`, built from its module when first asked for."""
    module, attribute, top_level = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    holder = typer.Typer(add_completion=False)
    if not isinstance(target, typer.Typer):
        holder.command(name)(target)
        return typer.main.get_command(holder)
    holder.add_typer(target, name=None if top_level else name)
    return typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]


class LazyCommands(TyperGroup):
    """The root group: lists every command, but imports a command's module only when that
    command is looked up."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in COMMANDS if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            self.commands[cmd_name] = _load(cmd_name)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="khlang",
    cls=LazyCommands,
    help="khlang (คลัง): publish area-based budget data as GD Catalog-compliant open data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
    """Entry point, and the CLI's one handler of errors: a KhlangError is the user's to act
    on, so it is printed plainly, never as a traceback, and the process exits with the
    error's own `exit_code` (2 bad input, 1 a refusal: khlang.errors); click's usage errors
    exit 2."""
    try:
        code = app(standalone_mode=False)
    except KhlangError as error:
        # lazy: rich, +20 ms; only a refused command prints with it
        from rich.console import Console
        from rich.markup import escape

        label = "refused" if error.exit_code == EXIT_FINDINGS else "error"
        Console(stderr=True).print(
            f"[bold red]{label}:[/] {escape(error.render())}", highlight=False, soft_wrap=True
        )
        sys.exit(error.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except NoArgsIsHelpError as error:  # a group named alone: its help
        error.show()
        sys.exit(EXIT_INPUT_ERROR)
    except ClickException as error:  # usage errors: unknown option, bad choice, ...
        show_usage_error(error)
        sys.exit(EXIT_INPUT_ERROR)
    sys.exit(code if isinstance(code, int) else 0)
