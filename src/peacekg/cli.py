"""The ``peacekg`` command: thin wiring from options to the library.

Exit codes: 0 success (or conforms), 1 the graph does not conform / is
inconsistent, 2 an error in the input or the environment. Every error a user
can cause is printed as ``error: <what to fix>`` with no traceback (see
:class:`peacekg.commands.contract.ErrorContract`; ``--debug`` shows the traceback).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import __version__
from .commands.contract import ErrorContract
from .commands.options import EndpointOption, FormatOption, ProjectOption, choose_format, echo_verdict, fail, open_graph as _graph


app = typer.Typer(
    cls=ErrorContract,
    help=f"peacekg {__version__}: the open knowledge graph of international norms in peacekeeping.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # docstrings' line breaks are not kept in help
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"peacekg {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", envvar="PEACEKG_DEBUG", help="Show the traceback of an error (before or after the subcommand).")
    ] = False,
) -> None:
    """peacekg: the open knowledge graph of international norms in peacekeeping."""
    ctx.meta["peacekg.debug"] = debug

@app.command()
def build(
    project: ProjectOption = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Ignore the build cache.")] = False,
    progress: Annotated[
        Optional[bool], typer.Option("--progress/--quiet", " /-q", help="Report each build stage on stderr (default: when stderr is a terminal).")
    ] = None,
) -> None:
    """Parse the sources, add the OWL RL closure, validate, check for disjoint-class
    clashes, and cache the result with its search index (exit 1 when the graph
    does not conform or is inconsistent)."""
    kg = _graph(project, rebuild=rebuild, progress=progress)
    info = kg.info
    state = "reused from cache" if info.cached else f"built in {info.seconds:.2f} s"
    typer.echo(f"Graph {info.key}: {info.triples} triples, {state}.")
    for graph, count in info.graphs.items():
        typer.echo(f"  {graph:45} {count:>8} triples")
    if not info.cached:
        typer.echo("  " + ", ".join(f"{k} {v:.2f} s" for k, v in info.timings.items())
                   + (" (persist ran beside validate and index)" if "persist" in info.timings else ""))
    echo_verdict(info)


@app.command()
def validate(
    project: ProjectOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text (or table), json or turtle.")] = "text",
    engine: Annotated[
        str, typer.Option("--engine", help="build: the build's report (SHACL as SPARQL on the store); pyshacl: re-check with pySHACL.")
    ] = "build",
) -> None:
    """Validate the data against the SHACL shapes (exit 0 conforms, 1 not, 2 error)."""
    fmt = choose_format(fmt, ("text", "json", "turtle"), "report")
    if engine not in ("build", "pyshacl"):
        raise fail(f"unknown validation engine {engine!r}; use build or pyshacl")
    report = _graph(project).validate(engine)
    if fmt == "json":
        typer.echo(json.dumps(report.to_dict(), indent=2))
    elif fmt == "turtle":
        typer.echo(report.results_turtle)
    else:
        typer.echo(report.to_text())
    raise typer.Exit(report.exit_code)


@app.command()
def queries(
    project: ProjectOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table (or text), csv, tsv or json.")] = "table",
) -> None:
    """List the stored queries with their parameters."""
    from .catalog import Catalog
    from .commands.options import project_from

    fmt = choose_format(fmt, ("table", "csv", "tsv", "json"), "query list")
    catalog = Catalog.from_folder(project_from(project).queries_dir)
    rows = [
        [q.name, q.title, ", ".join(f"{p.name}: {p.type.name}" + (f" = {p.default}" if p.default else "") for p in q.params)]
        for q in catalog.values()
    ]
    if fmt == "json":
        typer.echo(json.dumps([_describe(q) for q in catalog.values()], indent=2))
    elif fmt in ("csv", "tsv"):
        import csv

        writer = csv.writer(sys.stdout, dialect="excel" if fmt == "csv" else "excel-tab", lineterminator="\n")
        writer.writerows([["name", "title", "parameters"], *rows])
    else:
        typer.echo(render_table(["name", "title", "parameters"], rows, terminal_width()))
    for broken in catalog.errors.values():
        typer.echo(f"error: {broken}", err=True)
    if catalog.errors:
        raise typer.Exit(2)


def _describe(query) -> dict:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "params": [
            {"name": p.name, "type": p.type.name, "default": p.default, "required": p.required, "description": p.description}
            for p in query.params
        ],
        "graphs": list(query.graphs),
    }


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise fail(f"--param expects name=value, got {pair!r}")
        name = name.strip()
        if name in params:
            raise fail(f"--param {name} given twice ({params[name]!r} and {value.strip()!r}); give each parameter once")
        params[name] = value.strip()
    return params


def _note_defaults(kg: Any, name: str, given: dict[str, str]) -> None:
    """Say on stderr which parameters were left to their defaults, so that an
    answer is never silently about a value the user did not choose."""
    from .catalog import CatalogError, UnknownQuery

    try:
        params = kg.stored(name).params
    except (UnknownQuery, CatalogError):
        return
    for param in params:
        if param.name not in given and param.default is not None:
            typer.echo(f"note: {param.name} = {param.default} (the default; set it with --param {param.name}=...)", err=True)


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="Name of a stored query (see `peacekg queries`).")],
    param: Annotated[list[str], typer.Option("--param", "-p", metavar="NAME=VALUE", help="A parameter as name=value; repeatable.")] = [],
    fmt: FormatOption = "table",
    endpoint: EndpointOption = None,
    project: ProjectOption = None,
) -> None:
    """Run a stored query."""
    from .catalog import ParameterError, UnknownQuery
    from .store import QueryError, StoreUnavailable

    given = _parse_params(param)
    kg = _graph(project, endpoint)
    try:
        raw = kg.run(name, given)
        _note_defaults(kg, name, given)
    except (UnknownQuery, ParameterError, StoreUnavailable) as exc:
        raise fail(str(exc)) from None
    except QueryError as exc:
        raise fail(f"the store rejected the query: {exc}") from None
    _print_result(raw, fmt)


@app.command()
def sparql(
    text: Annotated[str, typer.Argument(help="A SPARQL query, a path to a .rq file, or - for standard input.")],
    fmt: FormatOption = "table",
    endpoint: EndpointOption = None,
    project: ProjectOption = None,
) -> None:
    """Run any read-only SPARQL query (peacekg's prefixes are predeclared)."""
    from .store import QueryError, StoreUnavailable

    if text == "-":
        text = sys.stdin.read()
    elif text.endswith(".rq") or _is_file(text):
        path = Path(text)
        if not path.is_file():
            raise fail(f"no such query file: {path}")
        try:
            text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not part of the query
        except UnicodeDecodeError as exc:
            raise fail(f"{path} is not UTF-8 text (byte {exc.start}); save the query as UTF-8") from None
    text = text.removeprefix("\ufeff")
    kg = _graph(project, endpoint)
    try:
        raw = kg.sparql_raw(text)
    except QueryError as exc:
        raise fail(f"invalid query: {exc}") from None
    except StoreUnavailable as exc:
        raise fail(str(exc)) from None
    _print_result(raw, fmt)


def _is_file(text: str) -> bool:
    """Whether the argument names an existing file (a query text never does)."""
    try:
        return "\n" not in text and Path(text).is_file()
    except OSError:  # e.g. a query longer than a file name may be
        return False


def _print_result(raw, fmt: str) -> None:
    import pyoxigraph as ox

    from .formats import GRAPH_FORMATS, RESULT_FORMATS, serialize_graph, serialize_results

    is_graph = not isinstance(raw, (ox.QuerySolutions, ox.QueryBoolean))
    fmt = fmt.lower()
    if fmt in ("table", "text"):
        if is_graph:
            fmt = "turtle"
        else:
            with _evaluation_errors():
                _print_table(raw)
            return
    known = GRAPH_FORMATS if is_graph else RESULT_FORMATS
    if fmt not in known:
        kind = "graph (CONSTRUCT/DESCRIBE)" if is_graph else "SELECT/ASK"
        raise fail(f"format {fmt!r} does not fit a {kind} result; use one of: {', '.join(known)}" + ("" if is_graph else ", table (or text)"))
    with _evaluation_errors():
        data = serialize_graph(raw, fmt) if is_graph else serialize_results(raw, fmt)
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


class _evaluation_errors:
    """Failures while a lazy result is read (a SERVICE endpoint that cannot be
    reached, a store that goes away) as ``error:`` lines, not tracebacks."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> bool:
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise fail(f"the query failed while it ran: {exc} (an unreachable SERVICE endpoint fails the whole query)") from None
        return False


def _print_table(raw) -> None:
    import pyoxigraph as ox

    from .validate import compact

    if isinstance(raw, ox.QueryBoolean):
        typer.echo("true" if raw else "false")
        return
    variables = [v.value for v in raw.variables]
    rows = [[_cell(solution[v], compact) for v in variables] for solution in raw]
    typer.echo(render_table(variables, rows, terminal_width()))
    typer.echo(f"{len(rows)} row(s)")


def render_table(header: list[str], rows: list[list[str]], width: int | None = None) -> str:
    """A plain-text table: columns padded to their widest cell. Given a
    ``width`` (the terminal's), the widest columns are narrowed until the table
    fits, down to 8 characters each, and cut cells end with "…"."""
    widths = fit_widths([max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)], width)

    def cut(cell: str, room: int) -> str:
        return cell if len(cell) <= room else cell[: max(room - 1, 0)] + "…"

    def line(cells):
        return "  ".join(cut(c, w).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def fit_widths(widths: list[int], total: int | None, floor: int = 8) -> list[int]:
    """Column widths narrowed, widest first, until they and the two-space gaps
    between them fit in ``total`` characters (or every column is at ``floor``)."""
    widths = list(widths)
    if total is None:
        return widths
    while sum(widths) + 2 * (len(widths) - 1) > total:
        widest = max(range(len(widths)), key=lambda i: (widths[i], i))
        if widths[widest] <= floor:
            break
        widths[widest] -= 1
    return widths


def terminal_width() -> int | None:
    """The terminal's width when standard output is one (tables are cut to fit);
    None when it is piped or redirected (tables stay whole)."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _cell(term, compact) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal) and term.datatype.value.endswith("#dateTime") and term.value.endswith("T00:00:00"):
        return term.value[:10]
    return term.value if hasattr(term, "value") else str(term)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words to look for in names, labels, acronyms and document symbols.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many results.")] = 20,
    fmt: FormatOption = "table",
    project: ProjectOption = None,
    endpoint: EndpointOption = None,
) -> None:
    """Find resources by name, best first (full-text index; the stored query
    `search` on a remote endpoint)."""
    _print_result(_graph(project, endpoint).search_raw(text, limit), fmt)


@app.command()
def stats(project: ProjectOption = None, endpoint: EndpointOption = None) -> None:
    """Figures of the graph: triples per graph and instances per main class."""
    kg = _graph(project, endpoint)
    if kg.info is not None:
        for graph, count in kg.info.graphs.items():
            typer.echo(f"{graph:45} {count:>8} triples")
    _print_result(kg.run("stats"), "table")


@app.command()
def reason(project: ProjectOption = None) -> None:
    """Check with HermiT that the ontology and data are consistent, with no
    unsatisfiable classes (exit 0 yes, 1 no, 2 reasoner unavailable)."""
    from .reason import ReasonerUnavailable

    kg = _graph(project)
    info = kg.info
    typer.echo(f"OWL 2 RL closure: {info.graphs.get('https://w3id.org/peacekg/graph/inferred', 0)} inferred triples in the inferred graph.")
    try:
        report = kg.consistency()
    except ReasonerUnavailable as exc:
        raise fail(str(exc)) from None
    typer.echo(f"HermiT: {report.triples} triples checked in {report.seconds:.1f} s.")
    if not report.consistent:
        typer.echo("INCONSISTENT" + (f": {report.message.strip()}" if report.message.strip() else "."))
        if report.clashes:
            typer.echo("Clashes found (resources in two disjoint classes):\n" + "\n".join(f"  {c}" for c in report.clashes))
        else:
            typer.echo("No disjoint-class clash found; run HermiT in Protégé on the release file for an explanation.")
        raise typer.Exit(1)
    if report.unsatisfiable:
        typer.echo("Unsatisfiable classes:\n" + "\n".join(f"  {c}" for c in report.unsatisfiable))
        raise typer.Exit(1)
    typer.echo("Consistent; no unsatisfiable classes.")


def _register_plugins() -> None:
    from .commands import register_all

    register_all(app)


_register_plugins()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
