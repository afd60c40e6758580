"""`khlang register`: push the catalog's datasets to a CKAN catalog, check it for drift, or
read the GD Catalog harvester's state of each registered dataset."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from khlang.catalog.principals import Principal
from khlang.cli.catalog import AuthorOption, HomeOption
from khlang.cli.common import EXIT_FINDINGS, EXIT_OK, FormatOption, OutputFormat, print_json
from khlang.errors import KhlangError
from khlang.i18n import Text
from khlang.metadata.ckan import PROFILES

if TYPE_CHECKING:
    from khlang.catalog.registration.drift import DriftReport
    from khlang.catalog.registration.push import RunReport
    from khlang.catalog.registration.settings import Target

app = typer.Typer(
    help="Register the catalog's datasets to CKAN catalogs and the GD Catalog.",
    invoke_without_command=True,
)


@app.callback(invoke_without_command=True)
def main(
    target_name: Annotated[
        str | None, typer.Option("--target", "-t", help="A target of the settings file.")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", help="An ad hoc target: a CKAN site's root (token in CKAN_TOKEN)."),
    ] = None,
    profile: Annotated[
        str, typer.Option("--profile", help="The ad hoc target's profile: gdc or ckan.")
    ] = "gdc",
    public_url: Annotated[
        str | None,
        typer.Option("--public-url", help="khlang's public address, for download links."),
    ] = None,
    settings_file: Annotated[
        Path | None,
        typer.Option("--settings", help="The settings file (default: <home>/settings.yaml)."),
    ] = None,
    dataset: Annotated[
        list[str] | None, typer.Option("--dataset", "-d", help="Only these datasets.")
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Report drift (differing fields, missing, duplicates)."),
    ] = False,
    status: Annotated[
        bool, typer.Option("--status", help="Read the GD Catalog harvester's state of each.")
    ] = False,
    retry_failed: Annotated[
        bool,
        typer.Option("--retry-failed", help="Try again the pushes the target refused before."),
    ] = False,
    home: HomeOption = None,
    author: AuthorOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Push every new or changed dataset to the target (creating its organisation when
    missing); an unchanged dataset costs no call. Exit 1 when a push failed or was deferred,
    when --check finds drift, or when --status cannot read a state; 2 for bad input."""
    # lazy: the catalog and its registrars (SQLAlchemy, httpx), +350 ms
    from khlang.catalog.registration.drift import check_drift
    from khlang.catalog.registration.gdc_status import poll_gdc_status
    from khlang.catalog.registration.push import register
    from khlang.catalog.store import Catalog

    with Catalog.open(home) as catalog:
        settings_path = settings_file or catalog.location.settings_file
        target = _target(target_name, url, profile, public_url, settings_path)
        actor = Principal.operator(author)
        if check:
            report = check_drift(catalog, target)
            _show_drift(report, output)
            raise typer.Exit(EXIT_OK if report.ok else EXIT_FINDINGS)
        if status:
            if target.profile != "gdc":
                raise KhlangError(
                    Text(
                        th="--status ใช้ได้กับเป้าหมายแบบ gdc เท่านั้น", en="--status needs a gdc target"
                    ),
                    where=target.name,
                )
            statuses = poll_gdc_status(catalog.context, target, actor=actor)
            _show_status(statuses, output)
            raise typer.Exit(EXIT_FINDINGS if any(item.error for item in statuses) else EXIT_OK)
        run = register(catalog, target, actor=actor, datasets=dataset, retry_failed=retry_failed)
    _show_run(run, output)
    problems = run.count("failed") + run.count("deferred") + (run.stopped is not None)
    raise typer.Exit(EXIT_FINDINGS if problems else EXIT_OK)


def _target(
    name: str | None, url: str | None, profile: str, public_url: str | None, settings: Path
) -> Target:
    # lazy: ruamel.yaml, +13 ms
    from khlang.catalog.registration.settings import (
        ad_hoc_target,
        load_settings,
        target_from_settings,
    )

    if (name is None) == (url is None):
        raise KhlangError(
            Text(th="ระบุ --target หรือ --url อย่างใดอย่างหนึ่ง", en="give either --target or --url"),
            where="khlang register",
        )
    if name is not None:
        target = target_from_settings(settings, name)
        return target.model_copy(update={"public_url": public_url}) if public_url else target
    if profile not in PROFILES:
        raise KhlangError(
            Text(th="โปรไฟล์ต้องเป็น gdc หรือ ckan", en="the profile must be gdc or ckan"),
            where="--profile",
        )
    return ad_hoc_target(
        url or "",
        profile,  # type: ignore[arg-type]
        public_url=public_url,
        settings_public_url=load_settings(settings).public_url,
    )


def _console() -> Console:
    """Wide enough for Thai titles and ids when the output goes to a file or a pipe."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _show_run(run: RunReport, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        print_json(run.model_dump(mode="json"))
        return
    for outcome in run.outcomes:
        line = f"{outcome.action:9} {outcome.dataset}"
        if outcome.remote_name:
            line += f" -> {outcome.remote_name}"
        if outcome.error:
            line += f"\n          {outcome.error['message_th']} / {outcome.error['message']}"
        by_reason: dict[str, list[str]] = {}
        for adaptation in outcome.adaptations:
            key = f"{adaptation.field} -> {adaptation.kept_in}: {adaptation.reason.en}"
            by_reason.setdefault(key, []).append(adaptation.value)
        for reason, values in by_reason.items():
            line += f"\n          adapted {', '.join(values)} ({reason})"
        typer.echo(line)
    typer.echo(
        f"{run.target}: {run.datasets} dataset(s), {run.up_to_date} up to date, "
        f"{run.count('created')} created, {run.count('updated')} updated, "
        f"{run.count('unchanged')} unchanged, {run.count('withdrawn')} withdrawn, "
        f"{run.count('failed')} failed, {run.count('deferred')} deferred; "
        f"{run.writes} write(s), {run.remaining} still queued, {run.seconds:.2f} s"
    )
    if run.stopped:
        typer.echo(str(run.stopped), err=True)


def _show_drift(report: DriftReport, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        print_json(report.model_dump(mode="json") | {"ok": report.ok})
        return
    for drift in report.differing:
        typer.echo(f"differs   {drift.dataset} ({drift.remote_name} on the target):")
        for difference in drift.differences:
            typer.echo(
                f"          {difference.field}: khlang {_short(difference.ours)} | "
                f"target {_short(difference.theirs)}"
            )
    for name in report.missing_on_target:
        typer.echo(f"missing   {name}: not on the target")
    for name in report.only_on_target:
        typer.echo(f"extra     {name}: on the target only")
    for name in report.withdrawn_still_offered:
        typer.echo(f"withdrawn {name}: withdrawn in khlang, still offered by the target")
    for duplicate in report.duplicates:
        typer.echo(f"duplicate {duplicate.by} {duplicate.value!r}: {', '.join(duplicate.packages)}")
    for error in report.errors:
        typer.echo(
            f"error     {error.get('dataset') or error.get('organization')}: {error['message']}"
        )
    typer.echo(
        f"{report.target}: {report.compared} compared, {report.in_sync} in sync, "
        f"{len(report.differing)} differing, {len(report.missing_on_target)} missing, "
        f"{len(report.only_on_target)} only on the target, {len(report.duplicates)} duplicate(s)"
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _show_status(statuses: list, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        print_json([item.model_dump(mode="json") for item in statuses])
        return
    table = Table("dataset", "GD Catalog state", "meaning", "published as", "error")
    for item in statuses:
        table.add_row(
            item.dataset,
            item.state or "-",
            str(item.label or ""),
            item.published_name or "",
            item.error or "",
        )
    _console().print(table)
