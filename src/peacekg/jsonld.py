"""Compact JSON-LD: peacekg's ``@context`` and graphs written with it.

The context is derived from the ontology, so it never drifts from it:

- every prefix peacekg uses (``peacekg``, ``skos``, ``mission``, ...) is a term, so
  IRIs read as CURIEs (``mission:unmil``);
- ``id`` and ``type`` alias ``@id`` and ``@type``;
- ``label``, ``prefLabel``, ``altLabel``, ``definition`` and ``comment`` are the
  RDFS/SKOS annotations, with English as their language;
- every object property of the ontology is a term named by its local name whose
  values are IRIs (``"hasHostCountry": "state:lbr"``);
- every datatype property with one XSD range is a term whose values carry that
  datatype (``"startDate": "2003-10-01T00:00:00"``).

A value that does not fit its term's coercion (another datatype or language, a
literal where an IRI is expected) is written under the prefixed property name
(``"peacekg:startDate"``) as an explicit value object, so nothing is lost:
expanding the compact document gives back exactly the triples written.
Output is sorted, so the same graph always gives the same bytes.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from .namespaces import DCT, OWL, PEACEKG, PREFIXES, RDF, RDFS, SKOS, XSD

#: Annotation terms of the context: name -> property IRI (values English text).
ENGLISH_TERMS: dict[str, str] = {
    "label": RDFS + "label",
    "prefLabel": SKOS + "prefLabel",
    "altLabel": SKOS + "altLabel",
    "definition": SKOS + "definition",
    "comment": RDFS + "comment",
    "title": DCT + "title",
    "description": DCT + "description",
}
#: Properties whose values are always resources, beside the ontology's own.
IRI_TERMS: dict[str, str] = {
    "broader": SKOS + "broader",
    "narrower": SKOS + "narrower",
    "inScheme": SKOS + "inScheme",
    "topConceptOf": SKOS + "topConceptOf",
    "hasTopConcept": SKOS + "hasTopConcept",
    "isDefinedBy": RDFS + "isDefinedBy",
    "subClassOf": RDFS + "subClassOf",
}

_XSD_STRING = XSD + "string"


def context(ontology: Iterable[ox.Triple | ox.Quad]) -> dict[str, Any]:
    """The ``@context`` object (without the ``{"@context": ...}`` wrapper)."""
    kinds: dict[str, set[str]] = defaultdict(set)
    ranges: dict[str, set[str]] = defaultdict(set)
    for t in ontology:
        if not isinstance(t.subject, ox.NamedNode) or not t.subject.value.startswith(PEACEKG):
            continue
        if t.predicate.value == RDF + "type":
            kinds[t.subject.value].add(t.object.value)
        elif t.predicate.value == RDFS + "range" and isinstance(t.object, ox.NamedNode):
            ranges[t.subject.value].add(t.object.value)
    ctx: dict[str, Any] = {"id": "@id", "type": "@type"}
    ctx.update(PREFIXES)
    for name, iri in ENGLISH_TERMS.items():
        ctx[name] = {"@id": _curie(iri), "@language": "en"}
    for name, iri in IRI_TERMS.items():
        ctx[name] = {"@id": _curie(iri), "@type": "@id"}
    for iri in sorted(kinds):
        name = iri[len(PEACEKG):]
        if OWL + "ObjectProperty" in kinds[iri]:
            definition = {"@id": _curie(iri), "@type": "@id"}
        elif OWL + "DatatypeProperty" in kinds[iri]:
            (datatype,) = ranges[iri] if len(ranges[iri]) == 1 else (None,)
            definition = {"@id": _curie(iri)}
            if datatype and datatype.startswith(XSD) and datatype != _XSD_STRING:
                definition["@type"] = _curie(datatype)
        else:
            continue
        if name in ctx:
            raise ValueError(f"the JSON-LD term {name!r} of {iri} is already defined as {ctx[name]!r}")
        ctx[name] = definition
    return ctx


def context_document(ontology: Iterable[ox.Triple | ox.Quad]) -> bytes:
    """The context file shipped with a release: ``{"@context": {...}}``."""
    return _dump({"@context": context(ontology)})


def compact(triples: Iterable[ox.Triple | ox.Quad], ctx: Mapping[str, Any]) -> bytes:
    """``triples`` as one compact JSON-LD document with ``ctx`` inline (so it
    reads offline): ``{"@context": ..., "@graph": [node, ...]}``."""
    by_term = _TermIndex(ctx)
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        nodes[_node_id(t.subject, by_term)][t.predicate.value].append(t.object)
    graph = []
    for node_id in sorted(nodes):
        node: dict[str, Any] = {"id": node_id}
        for predicate, values in nodes[node_id].items():
            if predicate == RDF + "type" and all(isinstance(v, ox.NamedNode) for v in values):
                node["type"] = _one_or_list(sorted(by_term.iri(v.value) for v in values))
                continue
            term = by_term.term_for(predicate)
            fitting = [v for v in values if term and by_term.fits(term, v)]
            others = [v for v in values if not (term and by_term.fits(term, v))]
            if fitting:
                node[term] = _one_or_list(sorted((by_term.native(term, v) for v in fitting), key=_sort_key))
            if others:
                node[by_term.iri(predicate)] = _one_or_list(sorted((by_term.value_object(v) for v in others), key=_sort_key))
        graph.append(node)
    return _dump({"@context": dict(ctx), "@graph": graph})


class _TermIndex:
    """The context's terms, looked up by the IRI they stand for."""

    def __init__(self, ctx: Mapping[str, Any]):
        self.prefixes = sorted(((k, v) for k, v in ctx.items() if isinstance(v, str) and not v.startswith("@")), key=lambda kv: -len(kv[1]))
        self.terms: dict[str, tuple[str, dict]] = {}
        self.definitions: dict[str, dict] = {}
        for name, definition in ctx.items():
            if isinstance(definition, dict):
                self.terms[self.expand(definition["@id"])] = (name, definition)
                self.definitions[name] = definition

    def expand(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return dict(self.prefixes).get(prefix, prefix + ":") + local if _ else curie

    def iri(self, iri: str) -> str:
        """``iri`` as a CURIE when a prefix fits, else as it is."""
        for prefix, base in self.prefixes:
            local = iri[len(base):]
            if iri.startswith(base) and not local.startswith("//") and ":" not in local.split("/")[0]:
                return f"{prefix}:{local}"
        return iri

    def term_for(self, predicate: str) -> str | None:
        found = self.terms.get(predicate)
        return found[0] if found else None

    def fits(self, term: str, value) -> bool:
        definition = self.definitions[term]
        coercion, language = definition.get("@type"), definition.get("@language")
        if coercion == "@id":
            return isinstance(value, (ox.NamedNode, ox.BlankNode))
        if not isinstance(value, ox.Literal):
            return False
        if language is not None:
            return value.language == language
        if coercion is not None:
            return value.language is None and value.datatype.value == self.expand(coercion)
        return value.language is None and value.datatype.value == _XSD_STRING

    def native(self, term: str, value) -> str:
        if isinstance(value, ox.Literal):
            return value.value
        return _node_id(value, self)

    def value_object(self, value) -> dict[str, str]:
        if isinstance(value, (ox.NamedNode, ox.BlankNode)):
            return {"@id": _node_id(value, self)}
        if value.language:
            return {"@value": value.value, "@language": value.language}
        if value.datatype.value == _XSD_STRING:
            return {"@value": value.value}
        return {"@value": value.value, "@type": self.iri(value.datatype.value)}


def _node_id(term, index: _TermIndex) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return index.iri(term.value)


def _curie(iri: str) -> str:
    for prefix, base in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def _one_or_list(values: list):
    return values[0] if len(values) == 1 else values


def _sort_key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _dump(document: dict) -> bytes:
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


__all__ = ["ENGLISH_TERMS", "IRI_TERMS", "compact", "context", "context_document"]
