"""Linked data: what the graph says about one resource, for pages and for machines.

Pattern: **direct content negotiation** on the resource's own URL. A request
for ``{base}/id/mission/unmil`` answers 200 with the representation the
``Accept`` header asks for (HTML for browsers, Turtle for ``*/*``), with
``Vary: Accept``, a ``Content-Location`` naming the representation's own URL
(``/id/mission/unmil.ttl``, ``.nt``, ``.jsonld``, ``.rdf``, ``.html``) and ``Link``
headers to the alternates. Ontology terms are hash IRIs
(``…/ontology#PeaceOperation``): a client strips the fragment and gets the
whole ontology from ``/ontology``, where the HTML page has an anchor per term.
Any other IRI in the graph is described at ``/resource?iri=…``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..formats import serialize_graph
from ..namespaces import DCT, GRAPHS, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PEACEKG, RDF, RDFS, SKOS
from ..validate import compact
from .errors import Problem, echo
from .conneg import EXTENSIONS, GRAPH_OFFER, MEDIA_TYPES, content_type, negotiate, not_acceptable_message

#: Predicates whose values name a resource, in order of preference.
LABEL_PREDICATES: tuple[str, ...] = (RDFS + "label", SKOS + "prefLabel", DCT + "title")
#: Predicates whose values define a resource, in order of preference.
DEFINITION_PREDICATES: tuple[str, ...] = (SKOS + "definition", RDFS + "comment", DCT + "description")
#: Predicates whose values are the sources of a statement about a resource.
SOURCE_PREDICATES: tuple[str, ...] = (DCT + "source", DCT + "bibliographicCitation")
#: Inbound links shown (and described) at most, per resource.
MAX_INBOUND = 2000

_SAFE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9][A-Za-z0-9._~-]*)*$")


@dataclass
class Statement:
    predicate: ox.NamedNode
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
    inferred: bool = False


@dataclass
class Description:
    """Everything the site shows about one resource."""

    iri: str
    outgoing: list[Statement] = field(default_factory=list)  # the resource is the subject
    incoming: list[Statement] = field(default_factory=list)  # ``term`` is the subject linking here
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> label, for every IRI mentioned
    label_triples: dict[str, tuple[ox.NamedNode, ox.Literal]] = field(default_factory=dict)
    incoming_truncated: bool = False

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    def values(self, predicates: Iterable[str]) -> list[ox.Literal | ox.NamedNode]:
        wanted = list(predicates)
        return [s.term for p in wanted for s in self.outgoing if s.predicate.value == p]

    @property
    def label(self) -> str:
        return self.labels.get(self.iri) or compact(self.iri)

    @property
    def types(self) -> list[tuple[str, bool]]:
        """(class IRI, inferred) pairs; asserted first."""
        found = [(s.term.value, s.inferred) for s in self.outgoing if s.predicate.value == RDF + "type" and isinstance(s.term, ox.NamedNode)]
        return sorted(found, key=lambda t: (t[1], self.labels.get(t[0], t[0]).lower()))

    @property
    def definitions(self) -> list[str]:
        return [t.value for t in self.values(DEFINITION_PREDICATES) if isinstance(t, ox.Literal)]

    @property
    def sources(self) -> list[ox.NamedNode | ox.Literal]:
        return self.values(SOURCE_PREDICATES)

    def properties(self) -> list[tuple[str, list[Statement]]]:
        """Outgoing statements grouped by predicate (types, label, definitions and
        sources have their own places on the page), predicates by label."""
        skip = {RDF + "type", RDFS + "label", *DEFINITION_PREDICATES, *SOURCE_PREDICATES}
        groups: dict[str, list[Statement]] = {}
        for s in self.outgoing:
            if s.predicate.value not in skip:
                groups.setdefault(s.predicate.value, []).append(s)
        for statements in groups.values():
            statements.sort(key=lambda s: (s.inferred, self.term_sort_key(s.term)))
        return sorted(groups.items(), key=lambda kv: self.labels.get(kv[0], compact(kv[0])).lower())

    def inbound(self) -> list[tuple[str, list[Statement]]]:
        groups: dict[str, list[Statement]] = {}
        for s in self.incoming:
            groups.setdefault(s.predicate.value, []).append(s)
        for statements in groups.values():
            statements.sort(key=lambda s: (s.inferred, self.term_sort_key(s.term)))
        return sorted(groups.items(), key=lambda kv: self.labels.get(kv[0], compact(kv[0])).lower())

    def term_sort_key(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            return self.labels.get(term.value, term.value).lower()
        return str(getattr(term, "value", term)).lower()

    def triples(self) -> list[ox.Triple]:
        """The RDF description: the resource's triples both ways, and the labels
        of every resource they mention."""
        subject = ox.NamedNode(self.iri)
        seen: set[ox.Triple] = set()
        for s in self.outgoing:
            seen.add(ox.Triple(subject, s.predicate, s.term))
        for s in self.incoming:
            seen.add(ox.Triple(s.term, s.predicate, subject))
        mentioned = {t.value for triple in seen for t in (triple.subject, triple.object) if isinstance(t, ox.NamedNode)}
        for iri in sorted(mentioned - {self.iri}):
            if iri in self.label_triples:
                predicate, literal = self.label_triples[iri]
                seen.add(ox.Triple(ox.NamedNode(iri), predicate, literal))
        return sorted(seen, key=str)


def _rows(kg, text: str):
    return kg.sparql_raw(text)


def describe(kg, iri: str) -> Description:
    """What the graph says about ``iri`` (asserted and inferred), with labels."""
    node = ox.NamedNode(iri)
    description = Description(iri)
    inferred_graph = INFERRED_GRAPH
    outgoing: dict[tuple, Statement] = {}
    for row in _rows(kg, f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }}"):
        key = (row["p"], row["o"])
        inferred = row["g"].value == inferred_graph
        if key not in outgoing or not inferred:
            outgoing[key] = Statement(row["p"], row["o"], inferred)
    incoming: dict[tuple, Statement] = {}
    for row in _rows(kg, f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }} LIMIT {MAX_INBOUND * 2 + 1}"):
        key = (row["s"], row["p"])
        inferred = row["g"].value == inferred_graph
        if key not in incoming or not inferred:
            incoming[key] = Statement(row["p"], row["s"], inferred)
    description.outgoing = list(outgoing.values())
    description.incoming = list(incoming.values())[:MAX_INBOUND]
    description.incoming_truncated = len(incoming) > MAX_INBOUND
    mentioned = {iri}
    for s in description.outgoing + description.incoming:
        mentioned.add(s.predicate.value)
        if isinstance(s.term, ox.NamedNode):
            mentioned.add(s.term.value)
    description.label_triples = label_terms(kg, mentioned)
    description.labels = {iri: literal.value for iri, (_, literal) in description.label_triples.items()}
    return description


def label_terms(kg, iris: Iterable[str]) -> dict[str, tuple[ox.NamedNode, ox.Literal]]:
    """The naming triple (predicate, literal) of each IRI that has one, English
    or untagged labels and ``rdfs:label`` first."""
    iris = sorted(set(iris))
    found: dict[str, tuple[int, ox.NamedNode, ox.Literal]] = {}
    predicates = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
    for start in range(0, len(iris), 400):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start : start + 400])
        text = f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ {predicates} }} ?x ?p ?l }}"
        for row in _rows(kg, text):
            literal = row["l"]
            if not isinstance(literal, ox.Literal):
                continue
            rank = LABEL_PREDICATES.index(row["p"].value) * 2 + (0 if literal.language in (None, "en") else 1)
            x = row["x"].value
            if x not in found or (rank, literal.value) < (found[x][0], found[x][2].value):
                found[x] = (rank, row["p"], literal)
    return {iri: (p, literal) for iri, (_, p, literal) in found.items()}


def labels(kg, iris: Iterable[str]) -> dict[str, str]:
    """A display label for each IRI that has one."""
    return {iri: literal.value for iri, (_, literal) in label_terms(kg, iris).items()}


def ontology_triples(kg) -> list[ox.Triple]:
    return list(kg.sparql_raw(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"))


@dataclass
class Term:
    """An ontology term for the ontology page."""

    iri: str
    local: str
    label: str
    definition: str
    kind: str
    parents: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)


#: Sections of the ontology page: heading and the OWL class of its terms.
TERM_KINDS: tuple[tuple[str, str], ...] = (
    ("Classes", "http://www.w3.org/2002/07/owl#Class"),
    ("Object properties", "http://www.w3.org/2002/07/owl#ObjectProperty"),
    ("Datatype properties", "http://www.w3.org/2002/07/owl#DatatypeProperty"),
    ("Annotation properties", "http://www.w3.org/2002/07/owl#AnnotationProperty"),
    ("Named individuals", "http://www.w3.org/2002/07/owl#NamedIndividual"),
)


def ontology_terms(triples: list[ox.Triple]) -> tuple[dict[str, list[str]], list[tuple[str, list[Term]]]]:
    """The ontology header (predicate IRI -> values) and its own terms by kind."""
    by_subject: dict[str, dict[str, list]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    header = {p: [getattr(v, "value", str(v)) for v in vs] for p, vs in by_subject.get(ONTOLOGY_IRI, {}).items()}
    sections = []
    for heading, owl_class in TERM_KINDS:
        terms = []
        for iri, props in by_subject.items():
            if not iri.startswith(PEACEKG):
                continue
            types = [v.value for v in props.get(RDF + "type", []) if isinstance(v, ox.NamedNode)]
            if owl_class not in types:
                continue
            if owl_class == "http://www.w3.org/2002/07/owl#NamedIndividual" and any(
                k[1] in types for k in TERM_KINDS[:-1]
            ):
                continue

            def first(preds, props=props):
                for p in preds:
                    for v in props.get(p, []):
                        if isinstance(v, ox.Literal):
                            return v.value
                return ""

            named = lambda p, props=props: sorted(v.value for v in props.get(p, []) if isinstance(v, ox.NamedNode))  # noqa: E731
            terms.append(
                Term(
                    iri=iri,
                    local=iri[len(PEACEKG):],
                    label=first(LABEL_PREDICATES) or iri[len(PEACEKG):],
                    definition=first(DEFINITION_PREDICATES),
                    kind=heading,
                    parents=named(RDFS + "subClassOf") + named(RDFS + "subPropertyOf"),
                    domain=named(RDFS + "domain"),
                    range=named(RDFS + "range"),
                    types=[t for t in types if t.startswith(PEACEKG)],
                )
            )
        sections.append((heading, sorted(terms, key=lambda t: t.label.lower())))
    return header, sections


def resource_iri(path: str) -> str | None:
    """The IRI served at ``/id/{path}``, or None when the path cannot be one."""
    return ID + path if _SAFE_PATH.match(path) else None


def local_href(iri: str, prefix: str = "") -> str | None:
    """Where the site shows ``iri``: its own page for peacekg IRIs (None for
    blank nodes and IRIs outside peacekg, which the caller links to as they are)."""
    if iri.startswith(ID):
        return f"{prefix}/id/{iri[len(ID):]}"
    if iri.startswith(PEACEKG):
        return f"{prefix}/ontology#{iri[len(PEACEKG):]}"
    if iri == ONTOLOGY_IRI:
        return f"{prefix}/ontology"
    return None


def resource_href(iri: str, prefix: str = "") -> str:
    """A link to a description page of any IRI in the graph."""
    return local_href(iri, prefix) if iri.startswith(ID) else f"{prefix}/resource?iri={quote(iri, safe='')}"


def graph_counts(kg) -> dict[str, int]:
    """Triples per named graph (from the build info when there is one)."""
    if kg.info is not None:
        return dict(kg.info.graphs)
    counts = {}
    for g in GRAPHS:
        result = kg.sparql_raw(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
        counts[g] = int(next(iter(result))["n"].value)
    return counts


# -- HTTP handlers ---------------------------------------------------------------

#: Representations of a resource, in the order ``*/*`` prefers them.
RESOURCE_OFFER: tuple[str, ...] = (*GRAPH_OFFER, "html")
_EXTENSION_OF = {fmt: ext for ext, fmt in EXTENSIONS.items()}


def _split_extension(path: str) -> tuple[str, str | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and ext in EXTENSIONS and "/" not in ext:
        return stem, EXTENSIONS[ext]
    return path, None


def _pick(request: Request, forced: str | None) -> str:
    if forced is not None:
        return forced
    name = negotiate(request.headers.get("accept"), RESOURCE_OFFER)
    if name is None:
        raise Problem(406, not_acceptable_message(RESOURCE_OFFER), {"Vary": "Accept"})
    return name


def _link_header(base_path: str) -> str:
    return ", ".join(
        f'<{base_path}.{_EXTENSION_OF[f]}>; rel="alternate"; type="{MEDIA_TYPES[f]}"' for f in RESOURCE_OFFER
    )


def _alternates(base_path: str) -> list[tuple[str, str, str]]:
    names = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML"}
    return [(names[f], f"{base_path}.{_EXTENSION_OF[f]}", MEDIA_TYPES[f]) for f in GRAPH_OFFER]


async def _respond(request: Request, description: Description, fmt: str, base_path: str | None, negotiated: bool) -> Response:
    from .pages import resource_page

    headers = {"Vary": "Accept"} if negotiated else {}
    if base_path is not None:
        headers["Link"] = _link_header(base_path)
        if negotiated:
            headers["Content-Location"] = f"{base_path}.{_EXTENSION_OF[fmt]}"
    if fmt == "html":
        response = await resource_page(request, description, alternates=_alternates(base_path) if base_path else [])
        response.headers.update(headers)
        return response
    data = await run_in_threadpool(serialize_graph, description.triples(), fmt)
    return Response(data, media_type=content_type(fmt), headers=headers)


async def resource(request: Request) -> Response:
    """``/id/{path}``: a peacekg resource by direct content negotiation."""
    server = request.app.state.server
    path, forced = _split_extension(request.path_params["path"])
    iri = resource_iri(path)
    if iri is None:
        raise Problem(404, f"no resource at /id/{echo(request.path_params['path'])}")
    fmt = _pick(request, forced)
    description = await run_in_threadpool(describe, server.kg, iri)
    if not description.exists:
        raise Problem(404, f"the graph has nothing about {echo(iri)}")
    return await _respond(request, description, fmt, f"{server.settings.prefix}/id/{path}", forced is None)


async def any_resource(request: Request) -> Response:
    """``/resource?iri=…``: the description of any IRI in the graph (ontology terms,
    vocabulary terms); peacekg resources redirect to their own URL."""
    server = request.app.state.server
    iri = request.query_params.get("iri", "")
    try:
        ox.NamedNode(iri)
    except ValueError:
        iri = ""
    if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+", iri):
        raise Problem(400, "give the IRI to describe as ?iri=…")
    if iri.startswith(ID) and resource_iri(iri[len(ID):]):
        return RedirectResponse(f"{server.settings.prefix}/id/{iri[len(ID):]}", status_code=303)
    forced = request.query_params.get("format")
    if forced is not None and forced not in RESOURCE_OFFER:
        raise Problem(406, not_acceptable_message(RESOURCE_OFFER))
    fmt = _pick(request, forced)
    description = await run_in_threadpool(describe, server.kg, iri)
    if not description.exists:
        raise Problem(404, f"the graph has nothing about {echo(iri)}")
    return await _respond(request, description, fmt, None, forced is None)


async def ontology(request: Request) -> Response:
    """``/ontology`` (and ``/ontology.ttl`` etc.): the whole ontology, one anchor per term."""
    server = request.app.state.server
    ext = request.path_params.get("ext")
    forced = None
    if ext is not None:
        if ext not in EXTENSIONS:
            raise Problem(404, f"no ontology file /ontology.{echo(ext)}; try .ttl, .nt, .jsonld, .rdf or .html")
        forced = EXTENSIONS[ext]
    fmt = _pick(request, forced)
    base_path = f"{server.settings.prefix}/ontology"
    headers = {"Link": _link_header(base_path)}
    if forced is None:
        headers |= {"Vary": "Accept", "Content-Location": f"{base_path}.{_EXTENSION_OF[fmt]}"}
    triples = await run_in_threadpool(ontology_triples, server.kg)
    if fmt == "html":
        header, sections = ontology_terms(triples)
        response = server.render(request, "ontology.html", title="peacekg ontology", header=header, sections=sections,
                                 alternates=_alternates(base_path))
        response.headers.update(headers)
        return response
    data = await run_in_threadpool(serialize_graph, triples, fmt)
    return Response(data, media_type=content_type(fmt), headers=headers)


def served_version(kg) -> str | None:
    """The ``owl:versionInfo`` of the ontology the server holds."""
    text = f"SELECT ?v WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_IRI}> <http://www.w3.org/2002/07/owl#versionInfo> ?v }} }}"
    return next((row["v"].value for row in _rows(kg, text)), None)


async def ontology_version(request: Request) -> Response:
    """``/ontology/{version}`` (and ``.ttl``, ``.owl`` etc.): the version IRI
    answers as ``/ontology`` when it names the version served, else 404."""
    server = request.app.state.server
    asked = request.path_params["version"]
    served = await run_in_threadpool(served_version, server.kg)
    ext = asked[len(served) + 1:] if served and asked.startswith(served + ".") else None
    if served is None or (asked != served and ext is None):
        raise Problem(404, f"this server holds version {served} of the ontology, not {echo(asked)}")
    request.path_params["ext"] = {"owl": "rdf"}.get(ext, ext) if ext else None
    return await ontology(request)


async def void(request: Request) -> Response:
    """``/.well-known/void``: the VoID description of the dataset."""
    from .descriptions import void_description
    server = request.app.state.server
    fmt = negotiate(request.headers.get("accept"), GRAPH_OFFER)
    if fmt is None:
        raise Problem(406, not_acceptable_message(GRAPH_OFFER), {"Vary": "Accept"})
    triples = await run_in_threadpool(lambda: void_description(server.settings, server.kg, server.graph_counts()))
    data = serialize_graph(triples, fmt)
    return Response(data, media_type=content_type(fmt), headers={"Vary": "Accept"})


async def download(request: Request) -> Response:
    """``/download/peacekg.{nq,trig,ttl}``: the whole dataset (computed once)."""
    from .descriptions import DUMPS
    server = request.app.state.server
    name = request.path_params["name"]
    if name not in DUMPS:
        raise Problem(404, f"no download called {echo(name)!r}; downloads: {', '.join(DUMPS)}")
    fmt = DUMPS[name]
    data = await run_in_threadpool(server.dump, fmt)
    return Response(data, media_type=content_type(fmt), headers={"Content-Disposition": f'attachment; filename="{name}"'})
