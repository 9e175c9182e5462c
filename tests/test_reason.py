"""Reasoning: what the OWL RL closure adds, and HermiT's consistency check."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from peacekg import reason
from peacekg.cli import app
from peacekg.namespaces import INFERRED_GRAPH

PEACEKG = "https://w3id.org/peacekg/ontology#"
ID = "https://w3id.org/peacekg/id/"


def inferred(kg, s, p, o) -> bool:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.NamedNode(INFERRED_GRAPH)) in kg.backend.store


def test_subclass_types_are_inferred(kg):
    assert inferred(kg, ID + "mission/unmil", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", PEACEKG + "PeaceOperation")
    assert inferred(kg, ID + "norm/consent", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", PEACEKG + "Norm")


def test_inverse_and_symmetric_properties_are_inferred(kg):
    assert inferred(kg, ID + "mission/monuc", PEACEKG + "successor", ID + "mission/monusco")
    # asserted one way in norms.ttl, inferred the other way
    assert inferred(kg, ID + "norm/sovereignty-non-intervention", PEACEKG + "inTensionWith", ID + "norm/responsibility-to-protect")


def test_property_chain_infers_what_missions_upheld(kg):
    """peacekg:upholds is the chain peacekg:hasAssessment / peacekg:normUpheld."""
    rows = kg.sparql("SELECT ?m WHERE { ?a peacekg:assesses ?m ; peacekg:normUpheld ?n . FILTER NOT EXISTS { ?m peacekg:upholds ?n } }")
    assert len(rows) == 0
    assert len(kg.sparql("SELECT * WHERE { ?m peacekg:upholds ?n }")) > 0


def test_breaches_keep_the_actor_who_breached(kg):
    """peacekg:breaches follows the breach records (issue 14): the Security Council's
    failure in Rwanda is the Council's, not UNAMIR's, and the Council is not
    made a peace operation by the property's domain."""
    assert inferred(kg, ID + "actor/unsc", PEACEKG + "breaches", ID + "norm/collective-security")
    assert not inferred(kg, ID + "mission/unamir", PEACEKG + "breaches", ID + "norm/collective-security")
    assert inferred(kg, ID + "mission/unamir", PEACEKG + "breaches", ID + "norm/protection-of-civilians")
    assert not inferred(kg, ID + "actor/unsc", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", PEACEKG + "PeaceOperation")
    # the assessment still names both norms, and the duty-holder of the breached statement is the Council
    rows = kg.sparql("""SELECT ?who WHERE { <%sassessment/unamir-rwanda-genocide> peacekg:findsBreach ?b .
        ?b peacekg:breachOf <%snorm/collective-security> ; peacekg:breachBy ?who ; peacekg:breachOfStatement/peacekg:binds ?who }""" % (ID, ID))
    assert rows.column("who") == [ID + "actor/unsc"]


def test_the_builds_sparql_closure_equals_the_reference_rl_reasoner(kg, project):
    """The build closes the graph with SPARQL rules on the store; `reasonable`
    (the reference OWL 2 RL engine) must find exactly the same triples."""
    from peacekg.build import parse_sources
    from peacekg.derive import derive_facts

    sources = parse_sources(project)
    asserted = ox.Store()
    asserted.bulk_extend(sources.ontology + sources.data)
    derived = derive_facts(asserted)
    expected = set(reason.rl_closure([*sources.ontology, *sources.data, *derived])) | set(derived)
    built = {ox.Triple(q.subject, q.predicate, q.object) for q in kg.backend.store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH))}
    assert built == expected
    assert inferred(kg, ID + "mission/unifil", PEACEKG + "mandatedNorm", ID + "norm/protection-of-civilians")  # a chain of three


def test_closure_adds_no_blank_nodes_or_trivia():
    onto = [
        ox.Triple(ox.NamedNode("http://e/A"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"), ox.NamedNode("http://e/B")),
        ox.Triple(ox.NamedNode("http://e/x"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("http://e/A")),
    ]
    added = reason.rl_closure(onto)
    assert ox.Triple(ox.NamedNode("http://e/x"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("http://e/B")) in added
    assert all(not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode) for t in added)
    assert all(t.subject != t.object or "subClassOf" not in t.predicate.value for t in added)


@pytest.mark.slow
@pytest.mark.skipif(not reason.java_available(), reason="HermiT needs Java")
def test_hermit_finds_ontology_and_data_consistent(kg):
    report = kg.consistency()
    assert report.consistent
    assert report.unsatisfiable == []


@pytest.mark.slow
@pytest.mark.skipif(not reason.java_available(), reason="HermiT needs Java")
def test_hermit_detects_an_inconsistency(kg):
    """A resource that is both a norm and a peace operation violates the disjointness axiom."""
    store = kg.backend.store
    quads = list(store.quads_for_pattern(None, None, None, ox.NamedNode("https://w3id.org/peacekg/graph/ontology")))
    quads += [
        ox.Quad(ox.NamedNode(ID + "mission/x"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(PEACEKG + "Norm")),
        ox.Quad(ox.NamedNode(ID + "mission/x"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(PEACEKG + "PeaceOperation")),
    ]
    report = reason.check_consistency(quads)
    assert not report.consistent
    assert report.clashes == [
        f"{ID}mission/x is both a {PEACEKG}Norm and a {PEACEKG}PeaceOperation, which are disjoint"
    ]


def test_a_clash_is_named_from_a_range_and_a_type():
    """A host country that is an organisation: the range of peacekg:hostCountry makes it a state."""
    from peacekg.sources import Project, parse_file
    from pathlib import Path

    project = Project(Path(__file__).resolve().parent.parent)
    onto = [ox.Triple(q.subject, q.predicate, q.object) for path in project.ontology_files for q in parse_file(path)]
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    data = [
        ox.Triple(ox.NamedNode(ID + "mission/x"), ox.NamedNode(PEACEKG + "hostCountry"), ox.NamedNode(ID + "actor/au")),
        ox.Triple(ox.NamedNode(ID + "actor/au"), rdf_type, ox.NamedNode(PEACEKG + "RegionalOrganization")),
    ]
    clashes = reason.disjointness_clashes(onto + data)
    assert any(c.startswith(f"{ID}actor/au is both a") and PEACEKG + "State" in c for c in clashes)


def test_missing_java_gives_a_clear_message(monkeypatch, kg):
    monkeypatch.setattr(reason.shutil, "which", lambda name: None)
    with pytest.raises(reason.ReasonerUnavailable, match="HermiT needs Java, and no `java` is on PATH"):
        reason.check_consistency([])
    result = CliRunner().invoke(app, ["reason"])
    assert result.exit_code == 2
    assert "error: HermiT needs Java" in result.output


def test_the_consistency_digest_ignores_blank_node_labels_only():
    """HermiT's verdict is kept per graph: two serialisations of one graph (other
    blank-node labels) share it, a graph that differs in one triple does not."""
    from peacekg.reason import _digest

    def graph(first: str, second: str, filler: str = "Norm") -> list[ox.Triple]:
        a, b = ox.BlankNode(first), ox.BlankNode(second)
        rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        return [
            ox.Triple(ox.NamedNode(PEACEKG + "C"), ox.NamedNode("http://www.w3.org/2002/07/owl#unionOf"), a),
            ox.Triple(a, ox.NamedNode(rdf + "first"), ox.NamedNode(PEACEKG + "Actor")),
            ox.Triple(a, ox.NamedNode(rdf + "rest"), b),
            ox.Triple(b, ox.NamedNode(rdf + "first"), ox.NamedNode(PEACEKG + filler)),
            ox.Triple(b, ox.NamedNode(rdf + "rest"), ox.NamedNode(rdf + "nil")),
        ]

    assert _digest(graph("x1", "x2")) == _digest(graph("yy", "zz"))
    assert _digest(graph("x1", "x2")) != _digest(graph("x1", "x2", filler="PeaceOperation"))
