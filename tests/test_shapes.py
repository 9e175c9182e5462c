"""Every SHACL shape has a valid and an invalid fixture, and each invalid fixture
produces exactly the violations it declares (``# expect: focus | message``)."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from peacekg.sources import Project, parse_file
from peacekg.validate import validate

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
SHAPES_NS = "https://w3id.org/peacekg/shapes#"


@pytest.fixture(scope="module")
def ontology(project: Project) -> list[ox.Quad]:
    return [q for path in project.ontology_files for q in parse_file(path)]


@pytest.fixture(scope="module")
def shapes(project: Project) -> list[ox.Quad]:
    return parse_file(project.shapes_file)


def expectations(path: Path) -> tuple[str, set[tuple[str, str]]]:
    text = path.read_text()
    shape = re.search(r"^# shape: (\w+)$", text, re.M).group(1)
    expected = {
        tuple(part.strip() for part in line.split("|", 1))
        for line in re.findall(r"^# expect: (.+)$", text, re.M)
    }
    return shape, expected


def test_valid_fixture_conforms(ontology, shapes):
    report = validate(parse_file(FIXTURES / "valid.ttl"), ontology, shapes)
    assert report.violations == []
    assert report.conforms


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_gives_exactly_its_violations(path, ontology, shapes):
    _, expected = expectations(path)
    data = parse_file(FIXTURES / "valid.ttl") + parse_file(path)
    report = validate(data, ontology, shapes)
    assert not report.conforms
    assert {(v.focus, v.message) for v in report.violations} == expected


def test_every_shape_has_an_invalid_fixture(shapes):
    node_shapes = {
        q.subject.value.removeprefix(SHAPES_NS)
        for q in shapes
        if q.predicate.value == "http://www.w3.org/ns/shacl#targetClass"
    }
    covered = {expectations(path)[0] for path in INVALID}
    assert node_shapes == covered


def test_every_shape_constraint_has_a_message(shapes):
    """sh:property shapes and SPARQL constraints all say what is wrong."""
    sh = "http://www.w3.org/ns/shacl#"
    holders = {q.object for q in shapes if q.predicate.value in (sh + "property", sh + "sparql")}
    with_message = {q.subject for q in shapes if q.predicate.value == sh + "message"}
    assert holders - with_message == set()


def test_report_groups_by_focus_for_people(ontology, shapes):
    data = parse_file(FIXTURES / "valid.ttl") + parse_file(FIXTURES / "invalid" / "mission-without-host.ttl")
    text = validate(data, ontology, shapes).to_text()
    assert "Does not conform: 1 violation(s) on 1 resource(s)." in text
    assert "mission:unhosted\n  - [Violation] peacekg:hostCountry: an operation needs at least one host country, a peacekg:State" in text


def test_the_setting_of_an_operation_is_covered_by_shapes(shapes):
    """Issue 13: every new class has a node shape of its own, and each of those shapes has
    a failing fixture (checked for all shapes above)."""
    targets = {q.object.value.removeprefix("https://w3id.org/peacekg/ontology#") for q in shapes
               if q.predicate.value == "http://www.w3.org/ns/shacl#targetClass"}
    assert {"PeaceAgreement", "ArmedConflict", "NonStateArmedGroup", "ConsentEvent", "SpecialPoliticalMission"} <= targets
    fixtures = {expectations(path)[0] for path in INVALID}
    assert {"PeaceAgreementShape", "ArmedConflictShape", "NonStateArmedGroupShape", "ConsentEventShape",
            "SpecialPoliticalMissionShape", "DatedStanceShape"} <= fixtures


def test_shapes_live_apart_from_the_ontology_and_are_no_owl_ontology(project: Project, ontology, shapes):
    """A tool that loads ontology/ (Protégé, ROBOT, the OWL API) never reads
    the shapes as OWL axioms: they are in shapes/, and declare no owl:Ontology."""
    from peacekg.namespaces import OWL, RDF, SH

    assert project.shapes_file == project.root / "shapes" / "shapes.ttl"
    assert project.shapes_file not in project.ontology_files
    assert [q.subject for q in shapes if q.predicate.value == RDF + "type" and q.object.value == OWL + "Ontology"] == []
    assert [q.subject for q in ontology if q.predicate.value.startswith(SH)] == []
    assert sum(1 for q in shapes if q.predicate.value == RDF + "type" and q.object.value == SH + "NodeShape") > 20
