"""Protégé and OWL tools: the released ontology loads offline with every
owl:imports resolved through catalog-v001.xml, stays in OWL 2 DL, and HermiT
finds it consistent with no unsatisfiable classes, with and without the data."""
from __future__ import annotations

import socket

import pyoxigraph as ox
import pytest

from peacekg import publish, quality, reason
from peacekg.namespaces import OWL, PEACEKG, RDF, RDFS, XSD

IMPORTS = OWL + "imports"


@pytest.fixture(scope="module")
def released(project, tmp_path_factory) -> publish.Release:
    return publish.release(project, tmp_path_factory.mktemp("owl"))


@pytest.fixture()
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def load_with_catalog(released: publish.Release, start: str) -> tuple[list, list[str]]:
    """Parse ``start`` and, transitively, every owl:imports through the catalog,
    as Protégé does; returns the triples and the IRIs that were resolved."""
    import rdflib

    catalog = publish.read_catalog(released.path("catalog-v001.xml"))
    graph = rdflib.Graph()
    resolved, pending, seen = [], [released.path(start)], set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        part = rdflib.Graph().parse(path, format="xml")
        graph += part
        for iri in part.objects(None, rdflib.URIRef(IMPORTS)):
            assert str(iri) in catalog, f"owl:imports <{iri}> is not in catalog-v001.xml"
            resolved.append(str(iri))
            pending.append(catalog[str(iri)])
    return list(graph), resolved


def test_data_owl_imports_resolve_offline_through_the_catalog(released, offline):
    triples, resolved = load_with_catalog(released, "peacekg-data.owl")
    assert resolved == [f"https://w3id.org/peacekg/ontology/{released.version}"]
    subjects = {str(s) for s, _, _ in triples}
    assert PEACEKG + "PeaceOperation" in subjects  # the ontology came in through the import
    assert "https://w3id.org/peacekg/id/mission/unmil" in subjects


def test_every_import_in_the_release_is_in_the_catalog(released):
    catalog = publish.read_catalog(released.path("catalog-v001.xml"))
    for name in ("peacekg.owl", "peacekg-data.owl"):
        for q in ox.parse(path=str(released.path(name)), format=ox.RdfFormat.RDF_XML):
            if q.predicate.value == IMPORTS:
                assert q.object.value in catalog


def test_owlready2_loads_the_release_offline(released, offline):
    """owlready2 (the OWL API's Python cousin) reads the RDF/XML and resolves
    the data's import to the ontology loaded from the catalog's file."""
    import owlready2

    catalog = publish.read_catalog(released.path("catalog-v001.xml"))
    world = owlready2.World()
    version_iri = f"https://w3id.org/peacekg/ontology/{released.version}"
    with open(catalog[version_iri], "rb") as fh:
        onto = world.get_ontology(version_iri).load(fileobj=fh)
    data = world.get_ontology(catalog[publish.DATA_ONTOLOGY_IRI].as_uri()).load()
    assert onto in data.imported_ontologies
    classes = {c.iri for c in world.classes()}
    assert {PEACEKG + "PeaceOperation", PEACEKG + "Norm", PEACEKG + "LegalInstrument"} <= classes
    assert world.search_one(iri="https://w3id.org/peacekg/id/mission/unmil") is not None


def test_owlready2_opens_the_full_release_file_offline_with_no_catalog(released, offline):
    """owlready2 ignores XML catalogs and reads neither Turtle nor JSON-LD:
    peacekg-full.owl (RDF/XML, the ontology and the data, no imports) is the
    file it opens on its own, and it finds the classes and the individuals."""
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology(released.path("peacekg-full.owl").as_uri()).load()
    assert onto.imported_ontologies == []
    classes = {c.iri for c in world.classes()}
    assert {PEACEKG + "PeaceOperation", PEACEKG + "Norm", PEACEKG + "LegalInstrument", PEACEKG + "UNPeacekeepingOperation"} <= classes
    assert len(classes) > 50
    unmil = world.search_one(iri="https://w3id.org/peacekg/id/mission/unmil")
    assert [c.iri for c in unmil.is_a] == [PEACEKG + "UNPeacekeepingOperation"]
    assert [str(label) for label in unmil.label] == ["United Nations Mission in Liberia"]


def test_ontology_and_data_stay_in_owl2_dl(released):
    """Every class and property used is declared, no IRI is punned between kinds
    of property, every datatype is in the OWL 2 datatype map, and non-simple
    properties obey the global restrictions (the quality report's DL checks)."""
    onto = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(released.path("peacekg.owl")), format=ox.RdfFormat.RDF_XML)]
    data = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(released.path("peacekg-data.nt")), format=ox.RdfFormat.N_TRIPLES)]
    dl_checks = {"undeclared_term", "used_not_defined", "punning", "datatype_not_in_map", "property_kind_mismatch", "non_simple_property", "literal_for_object_property"}
    issues = quality.check_ontology(onto) + quality.check_data(onto, data)
    assert [i for i in issues if i.check in dl_checks] == []


def test_dates_use_xsd_datetime_never_xsd_date(released):
    """xsd:date is not in the OWL 2 datatype map; HermiT would reject it."""
    for name in ("peacekg.nt", "peacekg-data.nt"):
        text = released.path(name).read_text()
        assert f"<{XSD}date>" not in text, name
    onto = list(ox.parse(path=str(released.path("peacekg.nt")), format=ox.RdfFormat.N_TRIPLES))
    ranges = {q.object.value for q in onto if q.predicate.value == RDFS + "range" and q.subject.value in (PEACEKG + "startDate", PEACEKG + "adoptionDate")}
    assert ranges == {XSD + "dateTime"}


def test_no_annotation_property_is_also_an_object_property(released):
    kinds: dict[str, set[str]] = {}
    for q in ox.parse(path=str(released.path("peacekg.nt")), format=ox.RdfFormat.N_TRIPLES):
        if q.predicate.value == RDF + "type" and q.object.value in (OWL + "AnnotationProperty", OWL + "ObjectProperty", OWL + "DatatypeProperty"):
            kinds.setdefault(q.subject.value, set()).add(q.object.value)
    assert kinds
    assert {iri: k for iri, k in kinds.items() if len(k) > 1} == {}


def release_triples(released: publish.Release, *names: str) -> list[ox.Triple]:
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for name in names
        for q in ox.parse(path=str(released.path(name)), format=ox.RdfFormat.N_TRIPLES)
    ]


@pytest.mark.slow
@pytest.mark.skipif(not reason.java_available(), reason="HermiT needs Java")
def test_hermit_ontology_alone_is_consistent_and_satisfiable(released):
    report = reason.check_consistency(release_triples(released, "peacekg.nt"))
    assert report.consistent, report.message
    assert report.unsatisfiable == []


@pytest.mark.slow
@pytest.mark.skipif(not reason.java_available(), reason="HermiT needs Java")
def test_hermit_ontology_with_data_is_consistent_and_satisfiable(released):
    report = reason.check_consistency(release_triples(released, "peacekg.nt", "peacekg-data.nt"))
    assert report.consistent, report.message
    assert report.unsatisfiable == []
    assert report.triples > 1000
