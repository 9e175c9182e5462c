"""Output formats: one registry of names, media types and pyoxigraph formats for
query results (SELECT/ASK) and for RDF graphs (CONSTRUCT/DESCRIBE, releases)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import PREFIXES


@dataclass(frozen=True)
class ResultFormat:
    name: str
    media_type: str
    oxigraph: ox.QueryResultsFormat
    extension: str


@dataclass(frozen=True)
class GraphFormat:
    name: str
    media_type: str
    oxigraph: ox.RdfFormat
    extension: str
    quads: bool = False


#: Formats for SELECT and ASK results, by the name the CLI and server accept.
RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        ResultFormat("json", "application/sparql-results+json", ox.QueryResultsFormat.JSON, "srj"),
        ResultFormat("xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML, "srx"),
        ResultFormat("csv", "text/csv", ox.QueryResultsFormat.CSV, "csv"),
        ResultFormat("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV, "tsv"),
    )
}

#: Formats for RDF graphs and datasets, by name.
GRAPH_FORMATS: dict[str, GraphFormat] = {
    f.name: f
    for f in (
        GraphFormat("turtle", "text/turtle", ox.RdfFormat.TURTLE, "ttl"),
        GraphFormat("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES, "nt"),
        GraphFormat("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, "jsonld"),
        GraphFormat("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML, "rdf"),
        GraphFormat("nquads", "application/n-quads", ox.RdfFormat.N_QUADS, "nq", quads=True),
        GraphFormat("trig", "application/trig", ox.RdfFormat.TRIG, "trig", quads=True),
    )
}


def serialize_results(raw: ox.QuerySolutions | ox.QueryBoolean, name: str) -> bytes:
    """SELECT/ASK results in a standard SPARQL results format."""
    return raw.serialize(format=RESULT_FORMATS[name].oxigraph)


def serialize_graph(triples: Iterable[ox.Triple | ox.Quad], name: str) -> bytes:
    """Triples (or quads) in an RDF format, with peacekg's prefixes where the
    format has them. Sorted, so the same graph always gives the same bytes."""
    fmt = GRAPH_FORMATS[name]
    items = sorted(triples, key=str)
    if fmt.oxigraph in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        return ox.serialize(items, format=fmt.oxigraph, prefixes=_used_prefixes(items))
    return ox.serialize(items, format=fmt.oxigraph)


def _used_prefixes(items: list[ox.Triple | ox.Quad]) -> dict[str, str]:
    text = " ".join(str(i) for i in items[:50000])
    return {p: iri for p, iri in PREFIXES.items() if iri in text}
