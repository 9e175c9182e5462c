"""``peacekg serve``: the SPARQL endpoint and linked-data site (see docs/server.md).
The server's modules are imported only when the command runs."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


#: Top-level modules of the ``server`` extra's packages (see pyproject.toml).
SERVER_EXTRA_MODULES = frozenset({"starlette", "uvicorn", "jinja2", "multipart", "python_multipart", "anyio"})


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = 8000,
    base_url: Annotated[
        Optional[str], typer.Option("--base-url", help="Public address of the site (default: http://HOST:PORT).")
    ] = None,
    query_timeout: Annotated[float, typer.Option("--query-timeout", help="Seconds a SPARQL query may run.")] = 10.0,
    max_results: Annotated[int, typer.Option("--max-results", help="Rows or triples a query may return.")] = 10_000,
    workers: Annotated[Optional[int], typer.Option("--workers", help="Query worker processes (default: 2 to 4 by CPUs).")] = None,
    cache_mb: Annotated[
        float, typer.Option("--cache-mb", help="Megabytes of answers kept for repeated identical queries; 0 turns the cache off.")
    ] = 32.0,
    allow_service: Annotated[
        Optional[list[str]],
        typer.Option("--allow-service", metavar="URL_PREFIX",
                     help="Let SERVICE call endpoints under this URL prefix (repeatable); without it federation is off."),
    ] = None,
    follow_builds: Annotated[
        bool, typer.Option("--follow-builds/--no-follow-builds", help="Switch to a newer build of the project when one is complete.")
    ] = True,
    project: Annotated[
        Optional[Path], typer.Option("--project", help="Project folder (default: found from the working directory).")
    ] = None,
) -> None:
    """Serve the graph: SPARQL 1.1 endpoint at /sparql and a linked-data site."""
    from .options import fail, open_graph as _graph

    try:
        from ..server import Settings, create_app
        from ..server.runner import PortUnavailable, bind, serve as run
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing not in SERVER_EXTRA_MODULES:
            raise
        raise fail(f"peacekg serve needs the server extra ({missing} is not installed); "
                   "install it with: pip install 'peacekg[server]'") from None

    try:
        options = {"workers": workers} if workers else {}
        settings = Settings(
            base_url=base_url or f"http://{host}:{port}",
            query_timeout=query_timeout,
            max_results=max_results,
            cache_bytes=int(cache_mb * 1024 * 1024),
            allow_service=tuple(allow_service or ()),
            follow_builds=1.0 if follow_builds else 0.0,
            **options,
        )
        sock = bind(host, port)  # first: a busy port fails before the build, the workers or "Serving"
    except (ValueError, PortUnavailable) as exc:
        raise fail(str(exc)) from None
    kg = _graph(project)
    typer.echo(f"Serving {kg.info.triples if kg.info else '?'} triples at {settings.base_url} (SPARQL: {settings.base_url}/sparql)")
    if settings.allow_service:
        typer.echo("SERVICE may call: " + ", ".join(settings.allow_service))
    run(create_app(kg, settings), sock, max_query_bytes=settings.max_query_bytes)
