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

from ..namespaces import DCT, GRAPHS, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PKO, RDF, RDFS, SKOS
from ..validate import compact

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
        label = ox.NamedNode(RDFS + "label")
        mentioned = {t.value for triple in seen for t in (triple.subject, triple.object) if isinstance(t, ox.NamedNode)}
        for iri in sorted(mentioned - {self.iri}):
            if iri in self.labels:
                seen.add(ox.Triple(ox.NamedNode(iri), label, ox.Literal(self.labels[iri], language="en")))
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
    description.labels = labels(kg, mentioned)
    return description


def labels(kg, iris: Iterable[str]) -> dict[str, str]:
    """A display label for each IRI that has one (English or untagged first)."""
    iris = sorted(set(iris))
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(iris), 400):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start : start + 400])
        text = (
            f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ {' '.join(f'<{p}>' for p in LABEL_PREDICATES)} }} ?x ?p ?l }}"
        )
        for row in _rows(kg, text):
            literal = row["l"]
            rank = LABEL_PREDICATES.index(row["p"].value) * 2 + (0 if literal.language in (None, "en") else 1)
            x = row["x"].value
            if x not in found or rank < found[x][0]:
                found[x] = (rank, literal.value)
    return {iri: label for iri, (_, label) in found.items()}


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
            if not iri.startswith(PKO):
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
                    local=iri[len(PKO):],
                    label=first(LABEL_PREDICATES) or iri[len(PKO):],
                    definition=first(DEFINITION_PREDICATES),
                    kind=heading,
                    parents=named(RDFS + "subClassOf") + named(RDFS + "subPropertyOf"),
                    domain=named(RDFS + "domain"),
                    range=named(RDFS + "range"),
                    types=[t for t in types if t.startswith(PKO)],
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
    if iri.startswith(PKO):
        return f"{prefix}/ontology#{iri[len(PKO):]}"
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
