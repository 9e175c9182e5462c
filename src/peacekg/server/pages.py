"""The HTML site: home, lists, search, resource pages, the ontology, the timeline
and the query page. Templates are Jinja2 with autoescaping on, so every value
from the graph is shown as text; the pages load only ``/static`` files (the
Content-Security-Policy forbids anything else)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..catalog import ParameterError, with_values
from ..namespaces import PEACEKG
from ..validate import compact
from .errors import ECHO_LIMIT, Problem, echo
from .linked_data import labels, local_href, resource_href
from .timeline import render_svg, timeline_data


@dataclass(frozen=True)
class Listing:
    """A list page of one class of resources."""

    title: str
    cls: str
    code: str | None  # predicate of a short code (acronym, symbol)
    code_title: str
    date: str | None  # predicate of a date
    date_title: str
    intro: str
    exclude: str | None = None  # leave out instances of this class


#: The entry points of the site, by URL slug.
LISTINGS: dict[str, Listing] = {
    "missions": Listing("Peace operations", PEACEKG + "PeaceOperation", PEACEKG + "acronym", "Acronym", PEACEKG + "startDate", "Start",
                        "UN peacekeeping operations, regional operations and multinational forces, in order of deployment."),
    "norms": Listing("Norms", PEACEKG + "Norm", None, "", None, "",
                     "The norms and principles of peacekeeping, from consent to protection of civilians."),
    "instruments": Listing("Legal instruments", PEACEKG + "LegalInstrument", PEACEKG + "documentSymbol", "Symbol", PEACEKG + "adoptionDate", "Adopted",
                           "Resolutions, treaties, reports and doctrine that state, affirm or develop the norms."),
    "actors": Listing("Actors", PEACEKG + "Actor", PEACEKG + "acronym", "Acronym", None, "",
                      "Organisations, organs and panels that adopt, apply or contest the norms (states are listed apart).",
                      exclude=PEACEKG + "State"),
    "states": Listing("States", PEACEKG + "State", PEACEKG + "iso3166Alpha3", "ISO code", None, "", "States and territories, with their ISO 3166-1 codes."),
}


@dataclass
class Cell:
    kind: str  # uri, bnode, literal, triple, empty
    value: str = ""
    href: str | None = None
    label: str | None = None
    note: str = ""  # datatype or language


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    boolean: bool | None = None
    kind: str = "results"
    #: Rows or triples in the whole answer (the page shows at most HTML_ROWS of them).
    total: int = 0


#: Rows a results page shows; the whole answer stays one click away in CSV,
#: JSON or N-Triples. (A 10,000-row page took the server seconds to write.)
HTML_ROWS = 500


def cell_for(term: dict[str, Any] | None, names: dict[str, str], prefix: str) -> Cell:
    """A cell from a SPARQL JSON term."""
    if term is None:
        return Cell("empty")
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return Cell("uri", value, local_href(value, prefix) or value, names.get(value) or compact(value))
    if kind == "bnode":
        return Cell("bnode", "_:" + value)
    if kind in ("literal", "typed-literal"):
        note = term.get("xml:lang") or (compact(term["datatype"]) if "datatype" in term else "")
        return Cell("literal", value, note=note)
    return Cell("triple", json.dumps(value))


def _json_term(term) -> dict[str, Any]:
    from .pool import _term_json

    return _term_json(term)


def results_table(server, answer) -> Table:
    """The answer of a query as a table for the page, IRIs labelled and linked."""
    prefix = server.settings.prefix
    if answer.kind == "results":
        document = json.loads(answer.body)
        if "boolean" in document:
            return Table([], boolean=document["boolean"])
        columns = document["head"]["vars"]
        every = document["results"]["bindings"]
        bindings = every[:HTML_ROWS]
        iris = {b[v]["value"] for b in bindings for v in b if b[v]["type"] == "uri"}
        names = labels(server.kg, list(iris)) if iris else {}
        rows = [[cell_for(b.get(v), names, prefix) for v in columns] for b in bindings]
        return Table(columns, rows, total=len(every))
    every_triple = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
    triples = every_triple[:HTML_ROWS]
    iris = {t.value for tr in triples for t in (tr.subject, tr.predicate, tr.object) if isinstance(t, ox.NamedNode)}
    names = labels(server.kg, list(iris)) if iris else {}
    rows = [[cell_for(_json_term(t), names, prefix) for t in (tr.subject, tr.predicate, tr.object)] for tr in triples]
    return Table(["subject", "predicate", "object"], rows, kind="graph", total=len(every_triple))


# -- handlers ----------------------------------------------------------------------


async def home(request: Request) -> Response:
    server = request.app.state.server

    def figures():
        counts = server.graph_counts()
        classes = server.kg.query("stats") if "stats" in server.kg.catalog else None
        return counts, [(r["class"], int(r["instances"])) for r in classes] if classes is not None else []

    counts, classes = await run_in_threadpool(figures)
    return server.render(
        request, "home.html", title="peacekg", counts=counts, total=sum(counts.values()), classes=classes,
        listings=LISTINGS, info=server.kg.info,
    )


LIST_QUERY = """
SELECT ?r ?label ?code ?date WHERE {{
  ?r a <{cls}> .
  {exclude}
  OPTIONAL {{ ?r <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
  {code}
  {date}
}}"""


async def browse(request: Request) -> Response:
    server = request.app.state.server
    slug = request.path_params["kind"]
    listing = LISTINGS.get(slug)
    if listing is None:
        raise Problem(404, f"no list called {echo(slug)!r}; lists: {', '.join(LISTINGS)}")

    def rows():
        text = LIST_QUERY.format(
            cls=listing.cls,
            exclude=f"FILTER NOT EXISTS {{ ?r a <{listing.exclude}> }}" if listing.exclude else "",
            code=f"OPTIONAL {{ ?r <{listing.code}> ?code }}" if listing.code else "",
            date=f"OPTIONAL {{ ?r <{listing.date}> ?date }}" if listing.date else "",
        )
        found: dict[str, dict] = {}
        for row in server.kg.sparql_raw(text):
            iri = row["r"].value
            entry = found.setdefault(iri, {"iri": iri, "href": local_href(iri, server.settings.prefix) or iri, "label": compact(iri), "code": "", "date": ""})
            if row["label"] is not None:
                entry["label"] = row["label"].value
            if row["code"] is not None:
                entry["code"] = row["code"].value
            if row["date"] is not None:
                entry["date"] = row["date"].value[:10]
        key = (lambda e: (e["date"] or "9999", e["label"].lower())) if listing.date else (lambda e: e["label"].lower())
        return sorted(found.values(), key=key)

    items = await run_in_threadpool(rows)
    return server.render(request, "browse.html", title=listing.title, listing=listing, items=items)


async def search(request: Request) -> Response:
    server = request.app.state.server
    text = request.query_params.get("q", "").strip()
    results, error = [], None
    if len(text) > ECHO_LIMIT:
        error = f"the search text is {len(text):,} characters long; at most {ECHO_LIMIT} are searched"
        text = text[:ECHO_LIMIT]
    elif text:
        def find():  # the full-text index where the graph has one (see KnowledgeGraph.run)
            return list(server.kg.run("search", {"text": text}))

        try:
            rows = await run_in_threadpool(find)
        except ParameterError as exc:
            error = echo(exc.reason, 2 * ECHO_LIMIT)
        else:
            for row in rows:
                iri = row["resource"].value
                results.append({"href": local_href(iri, server.settings.prefix) or iri, "label": row["label"].value,
                                "type": row["type"].value, "iri": iri})
    return server.render(request, "search.html", title=f"Search: {text}" if text else "Search", q=text, results=results,
                         error=error, status_code=400 if error else 200)


async def timeline(request: Request) -> Response:
    server = request.app.state.server
    svg = await run_in_threadpool(server.timeline_svg)
    return server.render(request, "timeline.html", title="Timeline", svg=svg)


async def timeline_svg(request: Request) -> Response:
    server = request.app.state.server
    svg = await run_in_threadpool(server.timeline_svg)
    return Response(svg, media_type="image/svg+xml")


def build_timeline_svg(server) -> str:
    spans, marks = timeline_data(server.kg)
    return render_svg(spans, marks, server.settings.prefix)


async def query_page(request: Request) -> Response:
    server = request.app.state.server
    name = request.query_params.get("example", "missions")
    stored = server.kg.catalog.get(name) if name in server.kg.catalog else None
    text = request.query_params.get("query") or (example_text(stored) if stored else "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    return server.render(request, "query.html", title="Query", query=text, table=None, selected=name, vary=True)


def example_text(stored) -> str:
    """A stored query's text with its default parameters bound, ready to run."""
    defaults = {p.name: p.default for p in stored.params if p.default is not None}
    if len(defaults) < len(stored.params):
        return stored.text
    return with_values(stored.text, stored.bind(defaults))


def examples(server) -> list[dict[str, str]]:
    return [
        {"name": q.name, "title": q.title, "description": q.description, "text": example_text(q)}
        for q in server.kg.catalog.values()
    ]


async def resource_page(request: Request, description, *, alternates: list[tuple[str, str, str]]) -> Response:
    server = request.app.state.server
    types = {t for t, _ in description.types}
    chart = None
    if PEACEKG + "PeaceOperation" in types:
        chart = ("Mandate timeline", await run_in_threadpool(server.mandate_svg, description.iri))
    elif PEACEKG + "Norm" in types:
        chart = ("Diffusion into mandates", await run_in_threadpool(server.diffusion_svg, description.iri, description.label))
    return server.render(
        request, "resource.html", title=description.label, d=description, alternates=alternates, chart=chart,
        is_class="http://www.w3.org/2002/07/owl#Class" in types, vary=True,
    )


def build_mandate_svg(server, mission: str) -> str:
    from ..charts import mandate_timeline, render_mandate_svg

    timeline = mandate_timeline(server.kg.sparql_raw, mission)
    return render_mandate_svg(timeline, lambda iri: resource_href(iri, server.settings.prefix))


def build_diffusion_svg(server, norm: str, label: str) -> str:
    from ..charts import diffusion_from_rows, render_diffusion_svg

    return render_diffusion_svg(label, diffusion_from_rows(server.kg.run("norm-diffusion", {"norm": norm})))
