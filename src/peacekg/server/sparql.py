"""The SPARQL 1.1 Protocol at ``/sparql`` and the stored queries at ``/queries``.

Queries arrive by GET ``?query=``, POST form (``query=``) or POST
``application/sparql-query``, with ``default-graph-uri`` / ``named-graph-uri``;
they run in the worker pool (:mod:`.pool`) and answer in the format the
``Accept`` header (or a ``format=`` parameter) chooses. Status codes:

====  =====================================================================
200   the results
400   malformed query (the parser's message), bad parameter, bad form,
      SERVICE to an endpoint the operator did not allow (federation is off by default)
403   SPARQL Update (the endpoint is read-only)
404   unknown stored query
406   no acceptable format for this kind of result
413   request body or query text longer than ``max_query_bytes`` (414 for a GET URL)
415   POST with another content type
422   more rows or triples than ``max_results``
500   the query failed in the engine (the reason is logged, never sent)
503   past ``query_timeout`` (the query is stopped), every worker busy, or shutting down
====  =====================================================================
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..catalog import ParameterError, UnknownQuery, with_values
from ..formats import serialize_graph
from .conneg import GRAPH_OFFER, MEDIA_TYPES, RESULT_OFFER, content_type, format_param, negotiate, not_acceptable_message
from .descriptions import service_description
from ..namespaces import PREFIXES
from .errors import ECHO_LIMIT, Problem, echo
from .pool import FAILED, NOT_ACCEPTABLE, SYNTAX, TOO_MANY, PoolBusy, PoolClosed, QueryFailed, QueryTimeout
from .query_shape import inspect_query, refused_services

log = logging.getLogger("peacekg.server")

#: Statuses for the ways a job can fail in a worker.
FAILURE_STATUS: dict[str, int] = {SYNTAX: 400, TOO_MANY: 422, NOT_ACCEPTABLE: 406, FAILED: 500}

#: Query-string names that are not stored-query parameters.
RESERVED_PARAMS = frozenset({"format"})

_UPDATE = re.compile(
    r"""^(?:\s+|\#[^\n]*(?:\n|$)|PREFIX\s+[A-Za-z0-9_.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*
        (INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b""",
    re.IGNORECASE | re.VERBOSE,
)


def looks_like_update(text: str) -> bool:
    """Whether ``text`` is SPARQL Update rather than a query (after prologue and comments).

    >>> looks_like_update("PREFIX ex: <http://ex/> # add\\nINSERT DATA { ex:a ex:b ex:c }")
    True
    >>> looks_like_update("SELECT * WHERE { ?s ?p ?o }")
    False
    """
    return bool(_UPDATE.match(text))


@dataclass
class ProtocolRequest:
    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) more than ``limit`` bytes without reading them all."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise Problem(413, f"the request body is {int(length)} bytes; at most {limit} are accepted")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, f"the request body is longer than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, f"the {what} is not valid UTF-8") from None


async def protocol_request(request: Request, limit: int) -> ProtocolRequest:
    """Read the protocol's operation and dataset from a GET or POST request."""
    url_params = list(request.query_params.multi_items())
    if request.method in ("GET", "HEAD"):
        params = url_params
        query = request.query_params.get("query")
        if query is not None and len(query.encode()) > limit:
            raise Problem(414, f"the query is longer than {limit} bytes; send it by POST")
    else:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await read_body(request, limit)
        if media == "application/x-www-form-urlencoded":
            params = url_params + parse_qsl(_decode(body, "form"), keep_blank_values=True)
        elif media == "application/sparql-query":
            params = url_params + [("query", _decode(body, "query"))]
        elif media == "application/sparql-update":
            raise Problem(403, "this endpoint is read-only: SPARQL Update is not accepted")
        else:
            raise Problem(
                415,
                "POST a query as application/x-www-form-urlencoded (query=...) or as application/sparql-query",
            )
    values: dict[str, list[str]] = {}
    for key, value in params:
        values.setdefault(key, []).append(value)
    for key in ("query", "update"):
        if len(values.get(key, [])) > 1:
            raise Problem(400, f"give one {key!r} parameter, not {len(values[key])}")
    return ProtocolRequest(
        query=(values.get("query") or [None])[0],
        update=(values.get("update") or [None])[0],
        default_graphs=values.get("default-graph-uri", []),
        named_graphs=values.get("named-graph-uri", []),
        format=(values.get("format") or [None])[0],
    )


@dataclass(frozen=True)
class Choice:
    """The formats a request accepts for each kind of result (None: none fits)."""

    results: str | None
    graph: str | None

    @property
    def html(self) -> bool:
        return "html" in (self.results, self.graph)


def choose(request: Request, fmt: str | None, *, html: bool = True) -> Choice:
    """Formats for SELECT/ASK and for CONSTRUCT/DESCRIBE, from ``format=`` or Accept.
    An explicit ``format=`` that fits only one kind leaves the other kind its default."""
    html_offer = ("html",) if html else ()
    if fmt is not None:
        name = format_param(fmt)
        if name == "html" and html:
            return Choice("html", "html")
        if name in RESULT_OFFER:
            return Choice(name, GRAPH_OFFER[0])
        if name in GRAPH_OFFER:
            return Choice(RESULT_OFFER[0], name)
        known = ", ".join([*RESULT_OFFER, *GRAPH_OFFER, *html_offer])
        raise Problem(406, f"unknown format {echo(fmt)!r}; use one of {known}")
    accept = request.headers.get("accept")
    return Choice(negotiate(accept, RESULT_OFFER + html_offer), negotiate(accept, GRAPH_OFFER + html_offer))


async def run_query(server, request: Request, query: str, *, default_graphs=(), named_graphs=(), choice: Choice, page: dict | None = None) -> Response:
    """Run ``query`` in the pool and answer in the chosen format (or as an HTML page)."""
    if looks_like_update(query):
        raise Problem(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if choice.results is None and choice.graph is None:
        raise Problem(406, not_acceptable_message(RESULT_OFFER + GRAPH_OFFER + ("html",)), {"Vary": "Accept"})
    shape = inspect_query(query, PREFIXES)
    check_services(shape.services, server.settings.allow_service)
    job = {
        "query": query,
        "query_dataset": shape.has_dataset,
        "prefixes": shape.borrows_prefixes,
        "default_graphs": list(default_graphs),
        "named_graphs": list(named_graphs),
        "result_format": "json" if choice.results == "html" else choice.results,
        "graph_format": "ntriples" if choice.graph == "html" else choice.graph,
        "max_results": server.settings.max_results,
    }
    try:
        answer = await server.pool.arun(job, request.client.host if request.client else "")
    except QueryTimeout as exc:
        raise Problem(503, str(exc)) from None
    except (PoolBusy, PoolClosed) as exc:
        raise Problem(503, str(exc), {"Retry-After": "5"}) from None
    except QueryFailed as exc:
        if exc.reason == NOT_ACCEPTABLE:
            offer = RESULT_OFFER if exc.message == "results" else GRAPH_OFFER
            kind = "SELECT/ASK results" if exc.message == "results" else "CONSTRUCT/DESCRIBE graphs"
            raise Problem(406, f"406 Not Acceptable for {kind}: available as " + ", ".join(MEDIA_TYPES[f] for f in offer), {"Vary": "Accept"}) from None
        if exc.reason == FAILED:
            # Engine errors can name hosts, files and internals: logged, not sent.
            log.warning("query failed: %s\n%s", exc.message, echo(query, 2000))
            raise Problem(500, "the query failed on the server; the error was logged") from None
        message = f"malformed query: {echo(exc.message, 500)}" if exc.reason == SYNTAX else exc.message
        raise Problem(FAILURE_STATUS.get(exc.reason, 500), message) from None
    wants_html = (choice.results if answer.kind == "results" else choice.graph) == "html"
    if wants_html:
        from .pages import results_table

        table = await run_in_threadpool(results_table, server, answer)
        return server.render(request, "query.html", query=query, table=table, whole_query=_without_format(request, query),
                             **(page or {}), vary=True)
    return Response(answer.body, media_type=content_type(answer.format), headers={"Vary": "Accept"})


def _without_format(request: Request, query: str) -> str:
    """The request's parameters without ``format=`` (and with the query, when it
    came in a POST body), for links to the whole answer in another format."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
    if request.url.path.endswith("/sparql") and not any(k == "query" for k, _ in params):
        params.append(("query", query))
    return urlencode(params)


def check_services(services: tuple[str | None, ...], allowed: tuple[str, ...]) -> None:
    """Refuse (400) a query whose SERVICE clauses call endpoints the operator did not allow."""
    if not services:
        return
    if not allowed:
        raise Problem(400, "SERVICE is not allowed: federated queries are off on this endpoint "
                           "(the operator can allow endpoints with peacekg serve --allow-service URL)")
    refused = refused_services(services, allowed)
    if refused:
        shown = ", ".join(echo(iri, 100) for iri in refused[:3])
        raise Problem(400, f"SERVICE {shown} is not allowed: this endpoint federates only with endpoints under "
                           + ", ".join(allowed) + " (named by a constant IRI, not a variable)")


async def sparql_endpoint(request: Request) -> Response:
    server = request.app.state.server
    if not server.settings.sparql:
        raise Problem(404, "the SPARQL endpoint is switched off on this site; the stored queries are at /queries")
    req = await protocol_request(request, server.settings.max_query_bytes)
    if req.update is not None:
        raise Problem(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if req.query is None:
        return await service_description_response(request, req.format)
    if not req.query.strip():
        raise Problem(400, "the query is empty")
    choice = choose(request, req.format)
    return await run_query(
        server, request, req.query, default_graphs=req.default_graphs, named_graphs=req.named_graphs, choice=choice,
        page={"title": "Query results"},
    )


async def service_description_response(request: Request, fmt: str | None) -> Response:
    server = request.app.state.server
    offer = GRAPH_OFFER + ("html",)
    name = format_param(fmt) if fmt else negotiate(request.headers.get("accept"), offer)
    if name is None or name not in offer:
        raise Problem(406, not_acceptable_message(offer), {"Vary": "Accept"})
    if name == "html":
        from .pages import query_page

        return await query_page(request)
    counts = await run_in_threadpool(server.graph_counts)
    data = serialize_graph(service_description(server.settings, counts), name)
    return Response(data, media_type=content_type(name), headers={"Vary": "Accept"})


# -- stored queries ------------------------------------------------------------


def describe_query(query, prefix: str) -> dict:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "url": f"{prefix}/queries/{query.name}",
        "params": [
            {"name": p.name, "type": p.type.name, "default": p.default, "required": p.required, "description": p.description}
            for p in query.params
        ],
        "sparql": query.text,
    }


async def queries_list(request: Request) -> Response:
    server = request.app.state.server
    offer = ("apijson", "html")
    name = format_param(request.query_params.get("format")) if "format" in request.query_params else negotiate(request.headers.get("accept"), offer)
    if name == "json":
        name = "apijson"
    if name not in offer:
        raise Problem(406, not_acceptable_message(offer), {"Vary": "Accept"})
    if name == "html":
        return server.render(request, "queries.html", title="Stored queries", queries=list(server.kg.catalog.values()), vary=True)
    items = [describe_query(q, server.settings.prefix) for q in server.kg.catalog.values()]
    return JSONResponse(items, headers={"Vary": "Accept"})


async def stored_query(request: Request) -> Response:
    server = request.app.state.server
    name = request.path_params["name"]
    try:
        stored = server.kg.catalog[name]
    except UnknownQuery as exc:
        raise Problem(404, echo(str(exc), 2 * ECHO_LIMIT)) from None
    values = {k: v for k, v in request.query_params.items() if k not in RESERVED_PARAMS}
    choice = choose(request, request.query_params.get("format"))
    page = {"title": stored.title, "stored": stored, "values": values}
    try:
        bindings = stored.bind(values)
    except ParameterError as exc:
        message = echo(str(exc), 2 * ECHO_LIMIT)  # it quotes the value given
        if choice.html:
            page["values"] = {k: echo(v) for k, v in values.items()}
            return server.render(request, "query.html", query=stored.text, table=None, error=message, status_code=400, **page)
        raise Problem(400, message) from None
    return await run_query(server, request, with_values(stored.text, bindings), choice=choice, page=page)

