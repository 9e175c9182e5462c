"""``peacekg report``: the ontology quality checks and the data's coverage per
class (exit 0 nothing at the failing level, 1 something, 2 an input error)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .options import ProjectOption, choose_format, fail, open_graph as _graph


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text (or table) or json.")] = "text",
    fail_on: Annotated[str, typer.Option("--fail-on", help="error, warning or none: the level that makes the exit code 1.")] = "error",
    data: Annotated[bool, typer.Option("--data/--no-data", help="Also check the data and report its coverage.")] = True,
    charts: Annotated[Path | None, typer.Option("--charts", help="Also write every operation's mandate timeline and every norm's diffusion chart (SVG, with an index.html) into this folder.")] = None,
    project: ProjectOption = None,
) -> None:
    """Quality report: labels, definitions, declarations and OWL 2 DL profile
    checks of the ontology (errors and warnings), and coverage of the data per
    class (missing sources, missing end dates, facts filled per property)."""
    import pyoxigraph as ox

    from ..namespaces import DATA_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
    from ..quality import report as quality_report

    fmt = choose_format(fmt, ("text", "json"), "report")
    if fail_on not in ("error", "warning", "none"):
        raise fail(f"--fail-on takes error, warning or none, not {fail_on!r}")
    kg = _graph(project)
    store = kg.backend.store
    if charts is not None:
        from ..charts import chart_files
        from ..publish import write_folder

        files = chart_files(kg)
        try:
            folder = write_folder(charts.resolve(), files)
        except OSError as exc:
            raise fail(f"cannot write charts to {charts}: {exc.strerror or exc}") from exc
        typer.echo(f"Wrote {len(files) - 1} chart(s) to {folder} (open index.html).", err=True)

    def graph(iri: str) -> list:
        return list(store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))

    result = quality_report(graph(ONTOLOGY_GRAPH), graph(DATA_GRAPH) if data else (), graph(INFERRED_GRAPH) if data else ())
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        typer.echo(result.to_text())
    raise typer.Exit(result.exit_code(fail_on))
