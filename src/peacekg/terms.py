"""Converting RDF terms between pyoxigraph (the store) and rdflib (pySHACL, reasoners)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .namespaces import XSD

if TYPE_CHECKING:
    import rdflib

_XSD_STRING = XSD + "string"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    """One pyoxigraph term as the equal rdflib term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))


def to_oxigraph(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One rdflib term as the equal pyoxigraph term."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def quads_to_rdflib_graph(quads: Iterable[ox.Quad | ox.Triple]) -> rdflib.Graph:
    """The triples of ``quads`` (graph names dropped) as an rdflib graph."""
    from rdflib import Graph

    graph = Graph()
    add = graph.add
    for q in quads:
        add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph


def triples_from_rdflib(
    triples: Iterable[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]],
) -> Iterator[ox.Triple]:
    """rdflib triples as pyoxigraph triples."""
    for s, p, o in triples:
        yield ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
