"""`khlang catalog ...`: create a catalog, add published dataset folders, read datasets and
their history, check the store, and manage organisations, users, members and API keys.

Every command acts as the operator at this machine (`Principal.operator`): whoever can run
it can open the database anyway. `--author` names the person in the version history.
The dataset commands (add, list, show, history, withdraw, reinstate) can instead act as a
user with `--api-key` (or KHLANG_API_KEY): with exactly the rights that key has on the API,
so a publisher's script gets the same answers from the command line as over HTTP."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from khlang.catalog.errors import (
    ConflictError,
    PermissionDeniedError,
    PublishRejectedError,
)
from khlang.catalog.principals import Principal
from khlang.cli.acting import actor_of, open_catalog
from khlang.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    FOLD,
    FormatOption,
    OutputFormat,
    print_json,
)
from khlang.cli.feedback import feedback_dataset
from khlang.errors import KhlangError
from khlang.i18n import Text

if TYPE_CHECKING:
    pass

app = typer.Typer(
    help="The catalog: datasets, versions, files, organisations, users and API keys.",
    no_args_is_help=True,
)
org_app = typer.Typer(
    help="Organisations (agencies, area-based and local catalogs).", no_args_is_help=True
)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
member_app = typer.Typer(
    help="Who belongs to which organisation, with which role.", no_args_is_help=True
)
key_app = typer.Typer(help="API keys (shown once, stored hashed).", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(member_app, name="member")
app.add_typer(key_app, name="key")
app.command("feedback-dataset")(feedback_dataset)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="The catalog's folder (default: $KHLANG_HOME, else ./khlang-home). "
        "KHLANG_DATABASE_URL selects PostgreSQL instead of the SQLite file in it.",
        show_default=False,
    ),
]
AuthorOption = Annotated[
    str | None,
    typer.Option("--author", help="Who makes the change (default: cli:<your login>)."),
]
ApiKeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        envvar="KHLANG_API_KEY",
        help="Act as this API key's user, with the key's rights, instead of as the operator. "
        "An unknown, revoked or expired key is refused.",
        show_default=False,
    ),
]


def _console() -> Console:
    """Wide enough for Thai titles and ids when the output goes to a file or a pipe."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}" if value else "-"


# --- the catalog ------------------------------------------------------------------------------


@app.command()
def init(home: HomeOption = None) -> None:
    """Create the catalog (or bring an existing one's database schema up to date)."""
    with open_catalog(home, create=True) as catalog:
        typer.echo(f"catalog ready: {catalog.location.home}")
        typer.echo(f"database: {catalog.location.describe()}")


@app.command()
def add(
    folders: Annotated[
        list[Path],
        typer.Argument(
            help="What to publish: a dataset folder `khlang publish` wrote (with dataset.yaml), "
            "a folder of them, or dataset metadata files (whose resources are links)."
        ),
    ],
    home: HomeOption = None,
    note: Annotated[
        str | None, typer.Option("--note", "-m", help="Change note of the new versions.")
    ] = None,
    author: AuthorOption = None,
    expect_version: Annotated[
        int | None,
        typer.Option(
            "--expect-version",
            help="Refuse unless the dataset is at this version now (0: a new dataset). "
            "Guards an edit against a change made meanwhile.",
        ),
    ] = None,
    create_org: Annotated[
        bool,
        typer.Option(
            "--create-org/--no-create-org",
            help="Create a dataset's organisation (owner_org) when the catalog lacks it.",
        ),
    ] = True,
    api_key: ApiKeyOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Publish dataset folders as new versions. Each dataset is published atomically and
    only when it passes the metadata check and the table validators; an unchanged folder
    makes no new version. Exit 1 when a dataset was refused, 2 for a malformed folder."""
    from khlang.catalog.folder import dataset_sources  # lazy: ruamel.yaml, +13 ms

    results: list[dict[str, Any]] = []
    exit_code = EXIT_OK
    with open_catalog(home) as catalog:
        actor = actor_of(catalog, api_key, author)
        for folder in [item for path in folders for item in dataset_sources(path)]:
            try:
                result = catalog.publish(
                    folder,
                    actor=actor,
                    change_note=note,
                    expected_version=expect_version,
                    create_organization=create_org,
                )
                entry = {
                    "folder": str(folder),
                    **result.model_dump(mode="json", exclude={"checks"}),
                }
            except KhlangError as error:  # each folder on its own: report it, go on
                exit_code = max(exit_code, error.exit_code)
                entry = _failure(folder, error) | error.details()
            results.append(entry)
            if output is OutputFormat.text:
                _print_add(entry)
    if output is OutputFormat.json:
        print_json(results)
    raise typer.Exit(exit_code)


def _failure(folder: Path, error: KhlangError) -> dict[str, Any]:
    return {
        "folder": str(folder),
        "status": _FAILURES.get(type(error), "error"),
        "error": error.render(),
        "message": error.message.model_dump(),
    }


_FAILURES: dict[type[KhlangError], str] = {
    PublishRejectedError: "rejected",
    ConflictError: "refused",
    PermissionDeniedError: "refused",
}
"""The status `catalog add --format json` gives a folder each error left unpublished."""


def _print_add(entry: dict[str, Any]) -> None:
    status = entry["status"]
    if status == "published":
        extra = " (resumed an interrupted publish)" if entry.get("resumed") else ""
        created = "; created organisation" if entry.get("created_organization") else ""
        typer.echo(f"published {entry['dataset']} version {entry['version']}{extra}{created}")
    elif status == "unchanged":
        typer.echo(f"unchanged {entry['dataset']} (version {entry['version']})")
    else:
        typer.echo(f"{status} {entry['folder']}:\n  {entry['error']}", err=True)


@app.command("list")
def list_datasets(
    home: HomeOption = None,
    organization: Annotated[
        str | None, typer.Option("--org", help="Only this organisation's datasets.")
    ] = None,
    withdrawn: Annotated[
        bool, typer.Option("--withdrawn", help="Include withdrawn datasets.")
    ] = False,
    api_key: ApiKeyOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """List the datasets (private ones too for the operator, or as the key's user may see)."""
    with open_catalog(home) as catalog:
        items = catalog.datasets(
            viewer=actor_of(catalog, api_key),
            organization=organization,
            include_withdrawn=withdrawn,
        )
    if output is OutputFormat.json:
        print_json([item.model_dump(mode="json") for item in items])
        return
    table = Table("name", "organisation", "version", "modified (UTC)", "state", "title")
    for column in table.columns:
        column.overflow = FOLD
    table.columns[0].no_wrap = True  # the name, whole: it is what the next command takes
    for item in items:
        state = item.state + (" private" if item.private else "")
        table.add_row(
            item.name,
            item.organization,
            str(item.version),
            _when(item.modified),
            state,
            item.title or "",
        )
    _console().print(table)
    typer.echo(f"{len(items)} dataset(s)")


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="The dataset's name (or id).")],
    home: HomeOption = None,
    version: Annotated[int | None, typer.Option("--version", "-v", help="A past version.")] = None,
    api_key: ApiKeyOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """A dataset: its version, metadata, files (with download paths) and registrations."""
    with open_catalog(home) as catalog:
        viewer = actor_of(catalog, api_key)
        record = catalog.dataset(name, viewer=viewer)
        shown = record.current if version is None else catalog.version(name, version, viewer=viewer)
        registrations = catalog.registrations(dataset=record.name)
    if output is OutputFormat.json:
        document = record.model_dump(mode="json", exclude={"current"})
        document["version_shown"] = shown.model_dump(
            mode="json", by_alias=True, exclude={"metadata"}
        )
        document["metadata"] = shown.metadata.model_dump(
            mode="json", by_alias=True, exclude_unset=True
        )
        document["registrations"] = [item.model_dump(mode="json") for item in registrations]
        print_json(document)
        return
    metadata = shown.metadata
    private = ", private" if record.private else ""
    english = f" / {metadata.title_en}" if metadata.title_en else ""
    lines = [
        f"{record.name}  ({record.organization}; {record.state}{private})",
        f"title: {metadata.title or '-'}{english}",
        f"version {shown.number} of {record.version}, "
        f"published {_when(shown.published_at)} UTC by {shown.author}",
        f"change note: {shown.change_note or '-'}",
        f"content hash: {shown.content_hash}",
        f"issued {_when(metadata.issued)}, modified {_when(metadata.modified)}",
    ]
    if record.withdrawn_at:
        lines.append(f"withdrawn {_when(record.withdrawn_at)}: {record.withdrawn_note or '-'}")
    typer.echo("\n".join(lines))
    typer.echo("resources:")
    for resource in shown.resources:
        facts = " ".join(
            str(fact)
            for fact in (
                resource.format,
                resource.media_type,
                resource.byte_size and f"{resource.byte_size} bytes",
            )
            if fact
        )
        where = resource.filename or resource.metadata.url or "-"
        typer.echo(f"  [{resource.position}] {resource.id}  {where}  {facts}")
        if resource.sha256:
            typer.echo(f"      sha256:{resource.sha256}")
        path = resource.version_download_path if version else resource.download_path
        if path:
            typer.echo(f"      download: {path}")
    for item in registrations:
        error = f"; last error: {item.last_error.get('message')}" if item.last_error else ""
        gdc = f"; GD Catalog: {item.gdc_state}" if item.gdc_state else ""
        pushed = item.pushed_version or "-"
        typer.echo(f"registered to {item.target}: {item.state} (version {pushed}){gdc}{error}")


@app.command()
def history(
    name: Annotated[str, typer.Argument(help="The dataset's name (or id).")],
    home: HomeOption = None,
    api_key: ApiKeyOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Every published version of a dataset, newest first."""
    with open_catalog(home) as catalog:
        items = catalog.history(name, viewer=actor_of(catalog, api_key))
    if output is OutputFormat.json:
        print_json([item.model_dump(mode="json") for item in items])
        return
    table = Table("version", "published (UTC)", "author", "content hash", "change note")
    for item in items:
        table.add_row(
            str(item.number),
            _when(item.published_at),
            item.author,
            item.content_hash[:23],
            item.change_note or "",
        )
    _console().print(table)


@app.command()
def check(
    home: HomeOption = None,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Discard abandoned publishes, delete orphan and temporary files (older than "
            "--grace), move damaged files aside.",
        ),
    ] = False,
    grace: Annotated[
        int,
        typer.Option(
            "--grace",
            min=0,
            help="Minutes a stray file must have been left before --repair deletes it "
            "(keeps repair away from a publish that is running).",
        ),
    ] = 60,
    verify: Annotated[
        bool, typer.Option("--verify", help="Re-hash every stored file (slow).")
    ] = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Check that the database and the stored files agree. Exit 1 when something is wrong
    (after --repair: when something is still wrong)."""
    with open_catalog(home) as catalog:
        report = catalog.check(
            actor=Principal.operator(),
            repair=repair,
            verify=verify,
            grace=dt.timedelta(minutes=grace),
        )
    if output is OutputFormat.json:
        print_json(report.model_dump(mode="json") | {"ok": report.ok})
    else:
        for finding in report.findings:
            mark = " [repaired]" if finding.repaired else ""
            typer.echo(
                f"{finding.severity} {finding.code}{mark}: {finding.subject}\n  {finding.message}"
            )
        verdict = (
            Text(th="ไม่พบปัญหา", en="consistent")
            if report.ok
            else Text(th="พบปัญหา", en="problems found")
        )
        typer.echo(f"{report.files_checked} stored file(s) checked: {verdict}")
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FINDINGS)


@app.command()
def state(
    home: HomeOption = None,
    organization: Annotated[
        str | None, typer.Option("--org", help="Only this organisation's datasets.")
    ] = None,
) -> None:
    """Print the catalog and GD Catalog state of each dataset as JSON, for
    `khlang metadata check --state FILE`."""
    with open_catalog(home) as catalog:
        print_json(catalog.catalog_state(organization=organization).model_dump(mode="json"))


@app.command()
def score(
    home: HomeOption = None,
    organization: Annotated[
        str | None, typer.Option("--org", help="Score this organisation's datasets.")
    ] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Score each organisation's public datasets (as its page shows them) on the MQA and the
    Budget Bureau's indicator, with what the catalog knows of their registration. JSON: a
    list, one report per organisation. Exit 1 on errors."""
    # lazy: rdflib, pyshacl and the report (+560 ms CPU alone, on a loaded machine)
    from khlang.cli.metadata_report import render
    from khlang.cli.scores import organization_reports

    with open_catalog(home) as catalog:
        reports = organization_reports(catalog, organization)
    if not reports:
        raise KhlangError(
            Text(th="ไม่มีชุดข้อมูลสาธารณะให้ให้คะแนน", en="no public datasets to score"),
            where=organization or str(home or "catalog"),
        )
    if output is OutputFormat.json:
        print_json([{"organization": name, **report.as_dict()} for name, report in reports])
    else:
        console = Console(highlight=False)
        for name, report in reports:
            if len(reports) > 1:
                console.rule(f"[bold]หน่วยงาน / Organisation: {escape(name)}[/]", style="bold")
            render(report, console, "both")
    raise typer.Exit(EXIT_FINDINGS if any(report.errors for _, report in reports) else EXIT_OK)


@app.command()
def withdraw(
    name: Annotated[str, typer.Argument(help="The dataset's name.")],
    home: HomeOption = None,
    note: Annotated[str | None, typer.Option("--note", "-m", help="Why it is withdrawn.")] = None,
    author: AuthorOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Stop offering a dataset (kept with its history); registered copies are made private
    or deleted at the next `khlang register`, as each target is configured."""
    with open_catalog(home) as catalog:
        catalog.withdraw(name, actor=actor_of(catalog, api_key, author), note=note)
    typer.echo(f"withdrawn {name}")


@app.command()
def reinstate(
    name: Annotated[str, typer.Argument(help="The dataset's name.")],
    home: HomeOption = None,
    author: AuthorOption = None,
    api_key: ApiKeyOption = None,
) -> None:
    """Offer a withdrawn dataset again."""
    with open_catalog(home) as catalog:
        catalog.reinstate(name, actor=actor_of(catalog, api_key, author))
    typer.echo(f"reinstated {name}")


@app.command("log")
def audit_log(
    home: HomeOption = None,
    dataset: Annotated[
        str | None, typer.Option("--dataset", "--object", help="Only entries about this name.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many entries.")] = 50,
    output: FormatOption = OutputFormat.text,
) -> None:
    """The audit log of every write, newest first."""
    with open_catalog(home) as catalog:
        entries = catalog.audit_log(object_name=dataset, limit=limit)
    if output is OutputFormat.json:
        print_json([entry.model_dump(mode="json") for entry in entries])
        return
    table = Table("at (UTC)", "actor", "action", "object", "detail")
    for entry in entries:
        table.add_row(
            _when(entry.at),
            entry.actor,
            entry.action,
            entry.object_name or entry.object_id or "",
            str(entry.detail or ""),
        )
    _console().print(table)


@app.command("export-parquet")
def export_parquet(
    destination: Annotated[
        str,
        typer.Argument(
            help="A folder or an fsspec URL: file:///srv/lake, memory://x, s3://bucket/prefix "
            "(with s3fs installed)."
        ),
    ],
    home: HomeOption = None,
    dataset: Annotated[
        list[str] | None,
        typer.Option("--dataset", help="Only this public dataset (repeatable)."),
    ] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Write every public table as Parquet partitioned by fiscal year and province (Hive
    style) for DuckDB, Spark or Trino: DEST/<dataset>/<table>/fiscal_year=Y/province_code=P/."""
    # lazy: the API's query engine (duckdb, pyarrow), +415 ms
    from khlang.api.query.parquet_export import export_parquet as run

    with open_catalog(home) as catalog:
        report = run(catalog, destination, datasets=dataset)
    if output is OutputFormat.json:
        print_json(report.model_dump(mode="json"))
        return
    for table in report.tables:
        parts = "/".join(table.partitioning) or "-"
        typer.echo(f"{table.path}\t{table.rows:,} rows\tby {parts}")
    typer.echo(f"{len(report.tables)} tables written to {destination}")


# --- organisations ----------------------------------------------------------------------------


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Argument(help="URL name: lower-case letters, digits, - and _.")],
    home: HomeOption = None,
    title_th: Annotated[str | None, typer.Option("--title-th", help="Thai name.")] = None,
    title_en: Annotated[str | None, typer.Option("--title-en", help="English name.")] = None,
    catalog_type: Annotated[
        str, typer.Option("--type", help="agency, area_based, local_government or data_center.")
    ] = "agency",
    parent: Annotated[str | None, typer.Option("--parent", help="The parent organisation.")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    url: Annotated[str | None, typer.Option("--url")] = None,
    author: AuthorOption = None,
) -> None:
    """Create an organisation."""
    title = (
        Text(th=title_th or title_en or "", en=title_en or title_th or "")
        if (title_th or title_en)
        else None
    )
    with open_catalog(home) as catalog:
        record = catalog.accounts.create_organization(
            name,
            actor=Principal.operator(author),
            title=title,
            parent=parent,
            catalog_type=catalog_type,
            email=email,
            url=url,
        )
    typer.echo(f"created organisation {record.name} ({record.id})")


@org_app.command("list")
def org_list(home: HomeOption = None, output: FormatOption = OutputFormat.text) -> None:
    """List the organisations."""
    with open_catalog(home) as catalog:
        items = catalog.organizations()
    if output is OutputFormat.json:
        print_json([item.model_dump(mode="json") for item in items])
        return
    table = Table("name", "type", "parent", "title")
    for item in items:
        table.add_row(item.name, item.catalog_type, item.parent or "", str(item.title or ""))
    _console().print(table)


# --- users and members ------------------------------------------------------------------------


@user_app.command("create")
def user_create(
    name: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, - and _.")],
    home: HomeOption = None,
    full_name: Annotated[str | None, typer.Option("--full-name")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    sysadmin: Annotated[bool, typer.Option("--sysadmin", help="May do everything.")] = False,
    author: AuthorOption = None,
) -> None:
    """Create a user."""
    with open_catalog(home) as catalog:
        record = catalog.accounts.create_user(
            name,
            actor=Principal.operator(author),
            full_name=full_name,
            email=email,
            sysadmin=sysadmin,
        )
    typer.echo(f"created user {record.name} ({record.id})")


@user_app.command("list")
def user_list(home: HomeOption = None, output: FormatOption = OutputFormat.text) -> None:
    """List the users and their roles."""
    with open_catalog(home) as catalog:
        items = catalog.accounts.users()
    if output is OutputFormat.json:
        print_json([item.model_dump(mode="json") for item in items])
        return
    table = Table("name", "full name", "email", "sysadmin", "disabled", "roles")
    for item in items:
        roles = ", ".join(f"{org}:{role}" for org, role in sorted(item.roles.items()))
        table.add_row(
            item.name,
            item.full_name or "",
            item.email or "",
            "yes" if item.sysadmin else "",
            "yes" if item.disabled else "",
            roles,
        )
    _console().print(table)


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(help="The user.")],
    home: HomeOption = None,
    author: AuthorOption = None,
) -> None:
    """Disable a user: their API keys stop working at once."""
    with open_catalog(home) as catalog:
        catalog.accounts.disable_user(name, actor=Principal.operator(author))
    typer.echo(f"disabled user {name}")


@member_app.command("add")
def member_add(
    organization: Annotated[str, typer.Argument(help="The organisation.")],
    user: Annotated[str, typer.Argument(help="The user.")],
    role: Annotated[str, typer.Option("--role", help="member, editor or admin.")] = "member",
    home: HomeOption = None,
    author: AuthorOption = None,
) -> None:
    """Give a user a role in an organisation (or change it)."""
    with open_catalog(home) as catalog:
        catalog.accounts.set_member(organization, user, role, actor=Principal.operator(author))
    typer.echo(f"{user} is {role} of {organization}")


@member_app.command("remove")
def member_remove(
    organization: Annotated[str, typer.Argument(help="The organisation.")],
    user: Annotated[str, typer.Argument(help="The user.")],
    home: HomeOption = None,
    author: AuthorOption = None,
) -> None:
    """Remove a user from an organisation."""
    with open_catalog(home) as catalog:
        catalog.accounts.remove_member(organization, user, actor=Principal.operator(author))
    typer.echo(f"removed {user} from {organization}")


@member_app.command("list")
def member_list(
    organization: Annotated[str | None, typer.Argument(help="Only this organisation.")] = None,
    home: HomeOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """List memberships."""
    with open_catalog(home) as catalog:
        items = catalog.accounts.members(organization)
    if output is OutputFormat.json:
        print_json([item.model_dump(mode="json") for item in items])
        return
    table = Table("organisation", "user", "role")
    for item in items:
        table.add_row(item.organization, item.user, item.role)
    _console().print(table)


# --- API keys ---------------------------------------------------------------------------------


@key_app.command("create")
def key_create(
    user: Annotated[str, typer.Argument(help="The user the key acts as.")],
    home: HomeOption = None,
    label: Annotated[str | None, typer.Option("--label", help="What the key is for.")] = None,
    organization: Annotated[
        str | None, typer.Option("--org", help="Only act for this organisation.")
    ] = None,
    role: Annotated[str | None, typer.Option("--role", help="Act with at most this role.")] = None,
    expires_in_days: Annotated[
        int | None, typer.Option("--expires-in-days", min=1, help="Expire after this many days.")
    ] = None,
    author: AuthorOption = None,
) -> None:
    """Create an API key. The token is printed once: store it now."""
    expires = (
        dt.datetime.now(dt.UTC) + dt.timedelta(days=expires_in_days) if expires_in_days else None
    )
    with open_catalog(home) as catalog:
        record, token = catalog.accounts.create_key(
            user,
            actor=Principal.operator(author),
            label=label,
            organization=organization,
            role=role,
            expires_at=expires,
        )
    typer.echo(token)
    typer.echo(
        f"key {record.id} for {user}; expires {_when(record.expires_at)}; shown once", err=True
    )


@key_app.command("list")
def key_list(
    user: Annotated[str | None, typer.Argument(help="Only this user's keys.")] = None,
    home: HomeOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """List API keys (never their tokens)."""
    with open_catalog(home) as catalog:
        items = catalog.accounts.keys(user)
    if output is OutputFormat.json:
        print_json([item.model_dump(mode="json") for item in items])
        return
    now = dt.datetime.now(dt.UTC)
    table = Table("id", "user", "prefix", "label", "scope", "expires", "last used", "state")
    for item in items:
        scope = f"{item.organization or '*'}:{item.role or '*'}"
        state = "active" if item.active(now) else ("revoked" if item.revoked_at else "expired")
        table.add_row(
            item.id,
            item.user,
            item.prefix,
            item.label or "",
            scope,
            _when(item.expires_at),
            _when(item.last_used_at),
            state,
        )
    _console().print(table)


@key_app.command("revoke")
def key_revoke(
    key: Annotated[str, typer.Argument(help="The key's id or prefix.")],
    home: HomeOption = None,
    author: AuthorOption = None,
) -> None:
    """Revoke an API key: it stops working at once."""
    with open_catalog(home) as catalog:
        record = catalog.accounts.revoke_key(key, actor=Principal.operator(author))
    typer.echo(f"revoked key {record.id} of {record.user}")
