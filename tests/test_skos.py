"""SKOS done right: skosify (a third-party SKOS checker) finds no loose
concept and no error in the ontology and data; every concept has exactly one
preferred label per language and sits in a scheme whose top concepts are
linked both ways; ``skos:notation`` is a datatype property, as SKOS makes it."""
from __future__ import annotations

import logging

import pyoxigraph as ox
import pytest

from peacekg import skos
from peacekg.namespaces import OWL, RDF, SKOS
from peacekg.sources import Project, parse_file
from peacekg.terms import quads_to_rdflib_graph

PEACEKG = "https://w3id.org/peacekg/ontology#"


@pytest.fixture(scope="module")
def triples(project: Project) -> list[ox.Quad]:
    return [q for path in [*project.ontology_files, *project.data_files] for q in parse_file(path)]


def run_skosify(triples) -> list[logging.LogRecord]:
    """What skosify logs while it infers the concepts (RDFS), sets up schemes
    and top concepts and checks hierarchy and labels."""
    import skosify

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    handler, level = Keep(), root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        skosify.skosify(quads_to_rdflib_graph(triples), infer=True, mark_top_concepts=True, namespace="https://w3id.org/peacekg/id/")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    return records


def loose(records: list[logging.LogRecord]) -> list[str]:
    return sorted(str(r.args[0]) for r in records if "loose concept" in r.msg)


def test_skosify_finds_no_loose_concept_and_no_error(triples):
    records = run_skosify(triples)
    assert loose(records) == []
    # skosify picks one default scheme when a vocabulary has several; peacekg has
    # ten, and every concept names its own, so that note is the only warning.
    warnings = [r.getMessage() for r in records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("Multiple concept schemes found"), warnings


def test_skosify_reports_a_loose_concept(triples):
    """The check above can fail: a concept in a scheme, with no broader concept
    and not marked a top concept, is reported."""
    stray = ox.NamedNode("https://w3id.org/peacekg/id/concept/stray")
    extra = [
        ox.Triple(stray, ox.NamedNode(RDF + "type"), ox.NamedNode(PEACEKG + "Concept")),
        ox.Triple(stray, ox.NamedNode(SKOS + "inScheme"), ox.NamedNode("https://w3id.org/peacekg/id/scheme/concepts")),
        ox.Triple(stray, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("stray", language="en")),
    ]
    assert loose(run_skosify([*triples, *extra])) == [stray.value]


def test_every_concept_has_one_preflabel_per_language_and_a_scheme(triples):
    assert [str(p) for p in skos.check(triples)] == []
    concepts = {
        q.subject.value for q in triples if q.predicate.value == RDF + "type" and q.object.value in skos.concept_classes(triples)
    }
    assert len(concepts) == 167  # 134 before the context (issue 13) and normative-force (issue 14) concepts joined


def test_the_skos_check_names_each_problem():
    concept, scheme = ox.NamedNode("https://w3id.org/peacekg/id/concept/x"), ox.NamedNode("https://w3id.org/peacekg/id/scheme/s")
    a = ox.NamedNode(RDF + "type")
    triples = [
        ox.Triple(concept, a, ox.NamedNode(SKOS + "Concept")),
        ox.Triple(concept, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("x", language="en")),
        ox.Triple(concept, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("ex", language="en")),
        ox.Triple(concept, ox.NamedNode(SKOS + "topConceptOf"), scheme),
        ox.Triple(scheme, a, ox.NamedNode(SKOS + "ConceptScheme")),
    ]
    assert [str(p) for p in skos.check(triples)] == [
        "concept:x: 2 skos:prefLabel in language en",
        "concept:x: in no concept scheme (skos:inScheme)",
        "concept:x: top concept of https://w3id.org/peacekg/id/scheme/s but not skos:inScheme it",
        "https://w3id.org/peacekg/id/scheme/s: a concept scheme with no skos:hasTopConcept",
        "https://w3id.org/peacekg/id/scheme/s: lacks skos:hasTopConcept concept:x, which is skos:topConceptOf it",
    ]


def test_notation_is_a_datatype_property_as_in_skos(project):
    onto = [q for path in project.ontology_files for q in parse_file(path)]
    kinds = {q.object.value for q in onto if q.subject.value == SKOS + "notation" and q.predicate.value == RDF + "type"}
    assert kinds == {OWL + "DatatypeProperty"}
