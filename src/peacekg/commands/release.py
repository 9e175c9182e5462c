"""``peacekg release`` and ``peacekg push``: versioned release files, and loading
them into a running triple store."""
from __future__ import annotations

import contextlib
import signal
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

from .options import ProjectOption, fail


def register(app: typer.Typer) -> None:
    app.command("release")(release)
    app.command("push")(push)


def _project(project: Optional[Path]):
    from .options import project_from

    return project_from(project)


def release(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder that receives peacekg-<version>/.")] = Path("dist"),
    version: Annotated[Optional[str], typer.Option("--version", help="Version to stamp (default: owl:versionInfo of the ontology).")] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="Where the files will be published; {version} is filled in.")] = None,
    sparql_endpoint: Annotated[
        Optional[str], typer.Option("--sparql-endpoint", help="Public SPARQL endpoint for the VoID description (default: the site of --base-url, /sparql).")
    ] = None,
    date: Annotated[
        Optional[str], typer.Option("--date", help="Release date for dct:issued/modified (default: $SOURCE_DATE_EPOCH, else the ontology's dct:modified or dct:created).")
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Write a versioned release: the ontology (peacekg.owl, .ttl, .jsonld), its
    base module, the ontology with the data (peacekg-full), the whole graph
    (N-Quads, TriG), each part, shapes, the JSON-LD context, VoID/DCAT,
    catalog-v001.xml, SHA256SUMS and the HTML documentation."""
    from ..publish import ReleaseError
    from ..publish import release as write_release
    from ..sources import SourceError

    try:
        written = write_release(_project(project), out, version, base_url=base_url, sparql_endpoint=sparql_endpoint, date=date)
    except (ReleaseError, SourceError) as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Release {written.version} in {written.folder}/ ({sum(written.triples.values())} triples):")
    for name in sorted(written.files):
        size = (written.folder / name).stat().st_size
        typer.echo(f"  {name:24} {size:>10} bytes")
    typer.echo(f"Open {written.folder / 'peacekg.owl'} in Protégé; push it with `peacekg push --release {written.folder} --endpoint URL`.")


def push(
    endpoint: Annotated[str, typer.Option("--endpoint", help="The store's SPARQL query endpoint, e.g. http://localhost:7878/query.")],
    graph_store: Annotated[Optional[str], typer.Option("--graph-store", help="SPARQL 1.1 Graph Store Protocol URL (guessed for Oxigraph, Fuseki, GraphDB).")] = None,
    update: Annotated[Optional[str], typer.Option("--update", help="SPARQL Update endpoint (guessed from --endpoint).")] = None,
    graph: Annotated[list[str], typer.Option("--graph", help="Push only this graph (IRI, or ontology, data, inferred); repeatable.")] = [],
    replace: Annotated[bool, typer.Option("--replace", help="Replace the graphs' content; on failure they stay as they were.")] = False,
    release_dir: Annotated[Optional[Path], typer.Option("--release", help="A release folder to push (default: release the current sources first).")] = None,
    user: Annotated[Optional[str], typer.Option("--user", help="User name (or PEACEKG_USER).")] = None,
    password: Annotated[Optional[str], typer.Option("--password", help="Password (or PEACEKG_PASSWORD); never printed.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Triples per request.", min=1)] = 20_000,
    project: ProjectOption = None,
) -> None:
    """Load the release into a running triple store (exit 0 loaded, 2 failed)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..publish import PARTS, ReleaseError, read_release_graphs
    from ..publish import release as write_release
    from ..push import PushError, PushInterrupted, Target, push as push_graphs, redact
    from ..sources import SourceError

    with tempfile.TemporaryDirectory(prefix="peacekg-push-") as tmp:
        try:
            folder = release_dir if release_dir else write_release(_project(project), tmp).folder
            if not (folder / "peacekg.nq").is_file():
                raise fail(f"{folder} is not a release folder (no peacekg.nq); run `peacekg release` first")
            graphs = read_release_graphs(folder)
        except (ReleaseError, SourceError) as exc:
            raise fail(str(exc)) from None
    if graph:
        wanted = [PARTS.get(g, g) for g in graph]
        unknown = [g for g in wanted if g not in graphs]
        if unknown:
            raise fail(f"the release has no graph {', '.join(unknown)}; it has {', '.join(graphs)}")
        graphs = {g: graphs[g] for g in wanted}
    target = Target(endpoint, update=update, graph_store=graph_store, user=user, password=password)
    total = sum(len(ts) for ts in graphs.values())
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(f"Pushing to {redact(endpoint)}", total=total)
        try:
            with _sigterm_as_interrupt():
                result = push_graphs(graphs, target, replace=replace, batch_size=batch_size, progress=lambda g, n: bar.advance(task, n))
        except PushError as exc:
            bar.stop()
            typer.echo(f"error: {exc.summary()}", err=True)
            raise typer.Exit(130 if isinstance(exc, PushInterrupted) else 2) from None
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"Pushed {sum(result.loaded.values())} triples to {redact(endpoint)} by {result.method}" + (" (replacing)" if replace else "") + ":")
    for g, n in result.loaded.items():
        typer.echo(f"  {g:45} {n:>8} triples")
    for note in _store_notes(graphs, project):
        typer.echo(f"note: {note}", err=True)


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """While pushing, SIGTERM (``kill PID``) stops the push like Ctrl-C, so it
    cleans up its temporary graphs before the process ends."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _store_notes(graphs, project: Optional[Path]) -> list[str]:
    """What the store needs for the stored queries (from their ``#+ graphs:`` headers)."""
    from ..catalog import Catalog, CatalogError, store_requirements
    from ..publish import PARTS
    from ..sources import SourceError

    try:
        catalog = Catalog.from_folder(_project(project).queries_dir)
    except (SourceError, CatalogError, OSError):
        return []  # no project at hand: the notes are a courtesy, not part of the push
    return store_requirements(catalog, [short for short, iri in PARTS.items() if iri in graphs])
