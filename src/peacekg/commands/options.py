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


def open_graph(project: Optional[Path], endpoint: Optional[str] = None, *, rebuild: bool = False):
    """Open the knowledge graph, turning known failures into clear messages."""
    from ..api import KnowledgeGraph
    from ..catalog import CatalogError
    from ..sources import SourceError

    try:
        if endpoint:
            return KnowledgeGraph.remote(endpoint, project)
        return KnowledgeGraph.load(project, rebuild=rebuild)
    except (SourceError, CatalogError) as exc:
        raise fail(str(exc)) from None
