"""SKOS integrity of the graph: every concept has one preferred label per
language and sits in a concept scheme, and schemes and their top concepts
point at each other (``skos:hasTopConcept`` / ``skos:topConceptOf``).

Pure: it reads triples and returns problems; the tests run it on the
ontology and data, beside skosify's own checks.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import RDF, RDFS, SKOS
from .validate import compact

_TYPE, _SUBCLASS = RDF + "type", RDFS + "subClassOf"


@dataclass(frozen=True, order=True)
class SkosProblem:
    """One breach of the SKOS conventions peacekg keeps."""

    subject: str
    message: str

    def __str__(self) -> str:
        return f"{compact(self.subject)}: {self.message}"


def concept_classes(triples: Iterable[ox.Triple | ox.Quad]) -> set[str]:
    """``skos:Concept`` and every class below it (``rdfs:subClassOf`` chains)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == _SUBCLASS and isinstance(t.object, ox.NamedNode):
            parents[t.subject.value].add(t.object.value)
    found = {SKOS + "Concept"}
    while True:
        more = {c for c, ps in parents.items() if ps & found} - found
        if not more:
            return found
        found |= more


def check(triples: Iterable[ox.Triple | ox.Quad]) -> list[SkosProblem]:
    """Every problem with the concepts and schemes in ``triples`` (ontology
    and data together, so that the class hierarchy is known)."""
    triples = list(triples)
    classes = concept_classes(triples)
    objects: dict[tuple[str, str], list] = defaultdict(list)
    concepts: set[str] = set()
    schemes: set[str] = set()
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        objects[(t.subject.value, t.predicate.value)].append(t.object)
        if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode):
            if t.object.value in classes:
                concepts.add(t.subject.value)
            elif t.object.value == SKOS + "ConceptScheme":
                schemes.add(t.subject.value)
    problems: list[SkosProblem] = []
    for concept in sorted(concepts):
        labels: dict[str, int] = defaultdict(int)
        for label in objects[(concept, SKOS + "prefLabel")]:
            labels[getattr(label, "language", None) or ""] += 1
        if labels.get("en", 0) == 0:
            problems.append(SkosProblem(concept, "no English skos:prefLabel"))
        problems += [
            SkosProblem(concept, f"{n} skos:prefLabel in language {lang or '(none)'}") for lang, n in sorted(labels.items()) if n > 1
        ]
        in_schemes = {o.value for o in objects[(concept, SKOS + "inScheme")]}
        if not in_schemes:
            problems.append(SkosProblem(concept, "in no concept scheme (skos:inScheme)"))
        problems += [SkosProblem(concept, f"skos:inScheme {compact(s)}, which is not a skos:ConceptScheme") for s in sorted(in_schemes - schemes)]
        for scheme in sorted(o.value for o in objects[(concept, SKOS + "topConceptOf")]):
            if scheme not in in_schemes:
                problems.append(SkosProblem(concept, f"top concept of {compact(scheme)} but not skos:inScheme it"))
            if ox.NamedNode(concept) not in objects[(scheme, SKOS + "hasTopConcept")]:
                problems.append(SkosProblem(scheme, f"lacks skos:hasTopConcept {compact(concept)}, which is skos:topConceptOf it"))
    for scheme in sorted(schemes):
        tops = objects[(scheme, SKOS + "hasTopConcept")]
        if not tops:
            problems.append(SkosProblem(scheme, "a concept scheme with no skos:hasTopConcept"))
        for top in tops:
            if ox.NamedNode(scheme) not in objects[(top.value, SKOS + "topConceptOf")]:
                problems.append(SkosProblem(top.value, f"lacks skos:topConceptOf {compact(scheme)}, which has it as top concept"))
    return sorted(set(problems))


__all__ = ["SkosProblem", "check", "concept_classes"]
