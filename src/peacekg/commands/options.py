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
    str, typer.Option("--format", "-f", help="table (or text), csv, tsv, json, xml; for graphs turtle, ntriples, jsonld, rdfxml.")
]

#: The human-readable output is called ``table`` or ``text``; every command takes both names.
HUMAN_FORMATS = ("table", "text")


def choose_format(fmt: str, allowed: tuple[str, ...], what: str = "output") -> str:
    """``fmt`` as one of ``allowed`` (the first of which is the human-readable
    one), with ``table`` and ``text`` as names of the same thing everywhere;
    an ``error:`` listing the choices otherwise."""
    fmt = fmt.lower()
    if fmt in HUMAN_FORMATS and allowed[0] in HUMAN_FORMATS:
        return allowed[0]
    if fmt not in allowed:
        shown = [f"{a} (or {'text' if a == 'table' else 'table'})" if a in HUMAN_FORMATS else a for a in allowed]
        raise fail(f"unknown {what} format {fmt!r}; use {', '.join(shown)}")
    return fmt


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def echo_verdict(info) -> None:
    """A build's verdict: the disjoint-class clashes, then SHACL; exit 1 on
    either (for ``build`` and ``load``)."""
    if info.clashes:
        typer.echo("INCONSISTENT: resources in two disjoint classes (after the OWL RL closure):")
        typer.echo("\n".join(f"  {c}" for c in info.clashes))
        typer.echo("Run `peacekg reason` for HermiT's verdict.")
        raise typer.Exit(1)
    if not info.conforms:
        typer.echo(f"SHACL: {info.violation_count} violation(s); run `peacekg validate` for the report.")
        raise typer.Exit(1)
    typer.echo("SHACL: conforms.")


class TerminalProgress:
    """Build progress on stderr: a bar per file being read (bytes, statements
    and statements per second) and one line per stage as it ends."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.bar = None
        self.tasks: dict = {}

    def stage(self, name: str, seconds: float) -> None:
        self._stop_bar()
        self.console.print(f"  {name} done in {seconds:.2f} s", highlight=False)

    def reading(self, read) -> None:
        from rich.progress import BarColumn, DownloadColumn, Progress as Bar, TextColumn, TimeRemainingColumn

        if self.bar is None:
            self.bar = Bar(
                TextColumn("  {task.description}"), BarColumn(), DownloadColumn(),
                TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=self.console, transient=False,
            )
            self.bar.start()
        task = self.tasks.get(read.path)
        if task is None:
            task = self.tasks[read.path] = self.bar.add_task(read.path.name, total=read.total_bytes, rate="")
        rate = ""
        if read.statements is not None and read.seconds > 0:
            rate = f"{read.statements:,} triples, {read.statements / read.seconds:,.0f}/s"
        self.bar.update(task, completed=read.bytes_read, rate=rate)

    def _stop_bar(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar, self.tasks = None, {}


def stage_printer(enabled: bool | None = None):
    """Build progress for the terminal (:class:`TerminalProgress`), by default
    only when stderr is a terminal (quiet when piped)."""
    import sys

    from ..build import Progress

    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    terminal = TerminalProgress()
    # Small files (the curated sources) are read in a blink: bars only for large ones.
    return Progress(stage=terminal.stage, reading=lambda r: terminal.reading(r) if r.total_bytes >= 8 << 20 else None)


def project_from(project: Optional[Path]):
    """The project ``--project`` names (checked), else the one found as
    :func:`peacekg.sources.find_project` says (``PEACEKG_PROJECT``, the working
    directory, the bundled graph); a SourceError naming what to fix otherwise."""
    from ..sources import checked_project, find_project

    return checked_project(project, "--project") if project is not None else find_project()


def open_graph(project: Optional[Path], endpoint: Optional[str] = None, *, rebuild: bool = False, progress: bool | None = None):
    """Open the knowledge graph, turning known failures into clear messages;
    a build it has to run reports its stages (see :func:`stage_printer`). A
    remote endpoint needs no project (the bundled stored queries serve it)."""
    from ..api import KnowledgeGraph

    # A PeacekgError raised here becomes `error: ...` in the command group (cli.ErrorContract).
    if endpoint:
        return KnowledgeGraph.remote(endpoint, project_from(project) if project is not None else None)
    return KnowledgeGraph.load(project_from(project), rebuild=rebuild, progress=stage_printer(progress))
