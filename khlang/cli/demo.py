"""`khlang demo`: build a demo catalog from generated sample exports and serve it."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from khlang.errors import KhlangError
from khlang.i18n import Text


def demo(
    port: Annotated[int, typer.Option(help="Port to serve on (0 picks a free one).")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    home: Annotated[
        Path,
        typer.Option(help="Folder of the demo catalog (created; a finished demo is reused)."),
    ] = Path("khlang-demo"),
    years: Annotated[
        str, typer.Option(help="Fiscal years (BE) of the sample data, e.g. 2564-2568.")
    ] = "2564-2568",
    seed: Annotated[int, typer.Option(help="Random seed of the sample data.")] = 7,
    fresh: Annotated[bool, typer.Option(help="Build the demo again even if one exists.")] = False,
    serve: Annotated[
        bool, typer.Option(help="Serve the site when the catalog is ready (--no-serve: stop).")
    ] = True,
) -> None:
    """Generate province-scale sample exports, publish them, store them in an embedded
    catalog and serve the web site and the API, all on this machine."""
    from khlang.demo import DemoStep, build_demo  # lazy: khlang.demo, +2 ms

    # lazy: the publishers' generator (pandas, duckdb), +320 ms
    from khlang.publishers.generate import parse_years

    started = time.perf_counter()
    chosen = parse_years(years)
    console = Console(stderr=True, highlight=False, soft_wrap=True)

    def notify(step: DemoStep) -> None:
        console.print(
            f"[green]✓[/] {step.label.th} / {step.label.en}: {step.detail.en} "
            f"[dim]({step.seconds:.1f} s)[/]"
        )

    def progress(text: Text) -> None:
        console.print(f"[dim]  {text.th} / {text.en}[/]")

    console.print(f"khlang demo: {home.resolve()}")
    report = build_demo(
        home, years=(chosen[0], chosen[-1]), seed=seed, fresh=fresh, notify=notify,
        progress=progress,
    )  # fmt: skip
    if report.reused:
        console.print("[green]✓[/] ใช้บัญชีข้อมูลตัวอย่างที่สร้างไว้แล้ว / reusing the demo catalog")
    if not serve:
        typer.echo(f"demo catalog ready in {time.perf_counter() - started:.1f} s: {report.home}")
        return
    _serve(report.home, host, port, started)


def _serve(home: Path, host: str, port: int, started: float) -> None:
    import uvicorn  # lazy: uvicorn, +36 ms

    from khlang.api.app import create_app  # lazy: the API (FastAPI, SQLAlchemy), +1.3 s
    from khlang.api.settings import ApiSettings  # lazy: the API's settings module, +53 ms

    listener = _listen(host, port)
    bound_port = listener.getsockname()[1]
    address = f"http://{host}:{bound_port}"
    application = create_app(ApiSettings(home=home, base_url=address))
    seconds = time.perf_counter() - started
    typer.echo(f"khlang demo ready in {seconds:.1f} s: {address}  (Ctrl+C to stop)")
    typer.echo(f"  web: {address}/  ·  dashboard: {address}/dashboard  ·  API: {address}/api/v1")
    server = uvicorn.Server(uvicorn.Config(application, log_level="warning"))
    server.run(sockets=[listener])


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the address is printed, so a browser (or a test)
    that opens it at once is answered as soon as the server starts accepting."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise KhlangError(
            Text(
                th=f"เปิดพอร์ต {port} ไม่ได้ ({error.strerror}) เลือกพอร์ตอื่นด้วย --port",
                en=f"cannot listen on port {port} ({error.strerror}); choose another with --port",
            ),
            where=f"{host}:{port}",
        ) from error
    listener.listen(128)
    return listener
