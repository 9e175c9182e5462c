"""``peacekg load FILE...``: add outside RDF files to the project's graph, each
into a named graph, closed and validated with the rest (exit 0 conforms, 1 not,
2 bad input, in which case nothing is registered)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .options import ProjectOption, echo_verdict, fail, stage_printer


def register(app: typer.Typer) -> None:
    app.command("load")(load)


def load(
    files: Annotated[Optional[list[Path]], typer.Argument(help="N-Triples, N-Quads, Turtle, TriG or RDF/XML files (each may be gzipped).")] = None,
    graph: Annotated[Optional[str], typer.Option("--graph", help="Named graph IRI for the files (default: one per file, under https://w3id.org/peacekg/graph/loaded/).")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Take the given files out of the graph instead (all of them with no file).")] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the loaded files and their graphs.")] = False,
    progress: Annotated[
        Optional[bool], typer.Option("--progress/--quiet", " /-q", help="Report reading and each build stage on stderr (default: when stderr is a terminal).")
    ] = None,
    project: ProjectOption = None,
) -> None:
    """Add outside RDF files to the project's store: they are parsed, closed
    and validated with the curated graph, and kept in every later build until
    removed. A file that does not parse registers nothing (error with file and line)."""
    from ..build import cached_build
    from ..sources import SourceError, loaded_source, write_loaded_sources
    from .options import project_from

    try:
        base = project_from(project)
        current = base.loaded_sources
        if list_:
            for source in current:
                typer.echo(f"{source.graph}\t{source.path}")
            return
        if remove:
            drop = {p.resolve() for p in files or []}  # none given: every loaded file
            if unknown := drop - {s.path for s in current}:
                raise fail("not loaded: " + ", ".join(sorted(map(str, unknown))))
            kept = [s for s in current if drop and s.path not in drop]
            write_loaded_sources(base, kept)
            typer.echo(f"Removed {len(current) - len(kept)} file(s); {len(kept)} remain loaded.")
            return
        if not files:
            raise fail("give one or more files to load (or --list, --remove)")
        new = [loaded_source(path, graph) for path in files]
        paths = {s.path for s in new}
        sources = [s for s in current if s.path not in paths] + new
        # Build with the new list first: only a build that parsed every file registers it.
        build = cached_build(base.with_loaded(tuple(sources)), progress=stage_printer(progress))
        write_loaded_sources(base, sources)
    except SourceError as exc:
        raise fail(str(exc)) from None
    except PermissionError as exc:
        raise fail(f"cannot write to the project: {exc}") from None
    info = build.info()
    for source in new:
        typer.echo(f"Loaded {source.path} into <{source.graph}>: {info.graphs.get(source.graph, 0)} triples.")
    typer.echo(f"Graph {info.key}: {info.triples} triples; inferred {info.graphs.get('https://w3id.org/peacekg/graph/inferred', 0)}.")
    echo_verdict(info)

