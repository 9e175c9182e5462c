"""Options and error handling shared by every command module."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

ProjectOption = Annotated[
    Optional[Path], typer.Option("--project", help="Project folder (default: found from the working directory).")
]
EndpointOption = Annotated[
    Optional[str], typer.Option("--endpoint", help="Run on a remote SPARQL endpoint instead of the embedded store.")
]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="table, csv, tsv, json, xml; for graphs turtle, ntriples, jsonld, rdfxml.")
]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def stage_printer(enabled: bool | None = None):
    """A progress callback printing one line per build stage to stderr; by
    default only when stderr is a terminal (quiet when piped)."""
    import sys

    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    return lambda stage, seconds: typer.echo(f"  {stage} done in {seconds:.2f} s", err=True)


def open_graph(project: Optional[Path], endpoint: Optional[str] = None, *, rebuild: bool = False, progress: bool | None = None):
    """Open the knowledge graph, turning known failures into clear messages;
    a build it has to run reports its stages (see :func:`stage_printer`)."""
    from ..api import KnowledgeGraph
    from ..catalog import CatalogError
    from ..sources import SourceError

    try:
        if endpoint:
            return KnowledgeGraph.remote(endpoint, project)
        return KnowledgeGraph.load(project, rebuild=rebuild, progress=stage_printer(progress))
    except (SourceError, CatalogError) as exc:
        raise fail(str(exc)) from None
