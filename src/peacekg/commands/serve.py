"""``peacekg serve``: the SPARQL endpoint and linked-data site (see docs/server.md).
The server's modules are imported only when the command runs."""
from __future__ import annotations

import os
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
    endpoint: Annotated[
        Optional[str],
        typer.Option("--endpoint", metavar="URL",
                     help="Serve from this external SPARQL store (loaded with peacekg push) instead of the embedded one."),
    ] = None,
    user: Annotated[Optional[str], typer.Option("--user", help="User name for --endpoint (or $PEACEKG_USER).")] = None,
    password_env: Annotated[
        str, typer.Option("--password-env", metavar="NAME", help="Environment variable holding the --endpoint password.")
    ] = "PEACEKG_PASSWORD",
    store_refresh: Annotated[
        float, typer.Option("--store-refresh", help="With --endpoint: seconds between checks of the store's content (and the longest an answer is kept).")
    ] = 60.0,
    sparql: Annotated[
        bool, typer.Option("--sparql/--no-sparql", help="Answer SPARQL queries at /sparql (off: 404; pages and stored queries stay).")
    ] = True,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log one line per request (off by default: it slows small queries).")
    ] = False,
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
            follow_builds=1.0 if follow_builds and not endpoint else 0.0,
            endpoint=endpoint,
            endpoint_user=user or os.environ.get("PEACEKG_USER"),
            endpoint_password=os.environ.get(password_env),
            store_refresh=store_refresh,
            sparql=sparql,
            **options,
        )
        sock = bind(host, port)  # first: a busy port fails before the build, the workers or "Serving"
    except (ValueError, PortUnavailable) as exc:
        raise fail(str(exc)) from None
    if endpoint:
        kg = _remote_graph(endpoint, settings, project)
        typer.echo(f"Serving the store at {_redact(endpoint)} at {settings.base_url} (SPARQL: {settings.base_url}/sparql)")
    else:
        kg = _graph(project)
        typer.echo(f"Serving {kg.info.triples if kg.info else '?'} triples at {settings.base_url} (SPARQL: {settings.base_url}/sparql)")
    if settings.allow_service:
        typer.echo("SERVICE may call: " + ", ".join(settings.allow_service))
    run(create_app(kg, settings), sock, max_query_bytes=settings.max_query_bytes, access_log=access_log)


def _remote_graph(endpoint: str, settings, project: Optional[Path]):
    """The graph of an external store, checked before anything is served: a
    store that is down or holds no peacekg graph stops the command with a reason."""
    from .options import fail
    from ..api import KnowledgeGraph
    from ..server.remote import Store, StoreMismatch, check_store
    from ..sources import as_project

    store = Store(endpoint, settings.endpoint_user, settings.endpoint_password)
    try:
        check_store(store, settings.query_timeout)
    except (StoreMismatch, ConnectionError) as exc:
        raise fail(str(exc)) from None
    return KnowledgeGraph.remote(endpoint, as_project(project), user=settings.endpoint_user, password=settings.endpoint_password,
                                 timeout=settings.query_timeout)


def _redact(url: str) -> str:
    from ..push import redact

    return redact(url)
