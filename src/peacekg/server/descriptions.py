"""Descriptions of the service itself, as RDF: the SPARQL Service Description
(``GET /sparql`` with no query) and the VoID description (``/.well-known/void``)."""
from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import DCT, GRAPHS, ID, ONTOLOGY_IRI, PEACEKG, RDF, RDFS, VOID, XSD
from .settings import Settings

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"

#: W3C format IRIs of the formats the endpoint answers in.
FORMAT_IRIS: dict[str, str] = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}

#: Dumps of the whole dataset the server offers, by file name.
DUMPS: dict[str, str] = {"peacekg.nq": "nquads", "peacekg.trig": "trig", "peacekg.ttl": "turtle"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


def service_description(settings: Settings, graph_counts: dict[str, int]) -> list[ox.Triple]:
    service = _n(settings.base_url + "/sparql")
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    t = [
        ox.Triple(service, _n(RDF + "type"), _n(SD + "Service")),
        ox.Triple(service, _n(SD + "endpoint"), service),
        ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
        ox.Triple(service, _n(RDFS + "comment"), ox.Literal(
            f"peacekg, read-only. Each query may run {settings.query_timeout:g} s and return {settings.max_results} rows or triples; "
            "the default graph is the union of the named graphs.", language="en")),
        ox.Triple(service, _n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, _n(RDF + "type"), _n(SD + "Dataset")),
        ox.Triple(dataset, _n(SD + "defaultGraph"), default),
        ox.Triple(default, _n(RDF + "type"), _n(SD + "Graph")),
        ox.Triple(default, _n(VOID + "triples"), _int(sum(graph_counts.values()))),
    ]
    for fmt in FORMAT_IRIS.values():
        t.append(ox.Triple(service, _n(SD + "resultFormat"), _n(FORMATS_NS + fmt)))
    for i, graph in enumerate(GRAPHS):
        named, inner = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        t += [
            ox.Triple(dataset, _n(SD + "namedGraph"), named),
            ox.Triple(named, _n(SD + "name"), _n(graph)),
            ox.Triple(named, _n(SD + "graph"), inner),
            ox.Triple(inner, _n(RDF + "type"), _n(SD + "Graph")),
            ox.Triple(inner, _n(VOID + "triples"), _int(graph_counts.get(graph, 0))),
        ]
    return t


def void_description(settings: Settings, kg, graph_counts: dict[str, int]) -> list[ox.Triple]:
    """VoID: size, classes and properties, the endpoint, the dumps and the URI space."""
    base = settings.base_url
    ds = _n(base + "/.well-known/void#peacekg")
    figures = next(iter(kg.sparql_raw(
        "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties) "
        "(COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }")))
    t = [
        ox.Triple(ds, _n(RDF + "type"), _n(VOID + "Dataset")),
        ox.Triple(ds, _n(DCT + "title"), ox.Literal("peacekg: the open knowledge graph of international norms in peacekeeping", language="en")),
        ox.Triple(ds, _n(DCT + "license"), _n("https://creativecommons.org/licenses/by/4.0/")),
        ox.Triple(ds, _n(VOID + "sparqlEndpoint"), _n(base + "/sparql")),
        ox.Triple(ds, _n(VOID + "uriSpace"), ox.Literal(ID)),
        ox.Triple(ds, _n(VOID + "vocabulary"), _n(PEACEKG)),
        ox.Triple(ds, _n(VOID + "exampleResource"), _n(ID + "mission/unmil")),
        ox.Triple(ds, _n(VOID + "rootResource"), _n(ONTOLOGY_IRI)),
        ox.Triple(ds, _n(VOID + "triples"), figures["triples"]),
        ox.Triple(ds, _n(VOID + "distinctSubjects"), figures["subjects"]),
        ox.Triple(ds, _n(VOID + "properties"), figures["properties"]),
        ox.Triple(ds, _n(VOID + "distinctObjects"), figures["objects"]),
    ]
    for name in DUMPS:
        t.append(ox.Triple(ds, _n(VOID + "dataDump"), _n(f"{base}/download/{name}")))
    classes = list(kg.sparql_raw("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"))
    t.append(ox.Triple(ds, _n(VOID + "classes"), _int(len(classes))))
    for row in classes:
        c = row["c"]
        if not isinstance(c, ox.NamedNode):
            continue
        part = _n(f"{base}/.well-known/void#class-{_slug(c.value)}")
        t += [
            ox.Triple(ds, _n(VOID + "classPartition"), part),
            ox.Triple(part, _n(VOID + "class"), c),
            ox.Triple(part, _n(VOID + "entities"), row["n"]),
        ]
    for graph in GRAPHS:
        part = _n(f"{base}/.well-known/void#graph-{graph.rsplit('/', 1)[-1]}")
        t += [
            ox.Triple(ds, _n(VOID + "subset"), part),
            ox.Triple(part, _n(RDF + "type"), _n(VOID + "Dataset")),
            ox.Triple(part, _n("http://www.w3.org/ns/sparql-service-description#name"), _n(graph)),
            ox.Triple(part, _n(VOID + "triples"), _int(graph_counts.get(graph, 0))),
        ]
    return t


def _slug(iri: str) -> str:
    import hashlib

    local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    safe = "".join(ch for ch in local if ch.isalnum())[:40]
    return f"{safe}-{hashlib.sha1(iri.encode()).hexdigest()[:6]}"
