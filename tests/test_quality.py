"""The quality report: zero errors on the real ontology and data, and a fixture
for every check proving that it fires."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from peacekg import quality
from peacekg.build import parse_sources
from peacekg.cli import app
from peacekg.namespaces import PEACEKG

ROOT = Path(__file__).resolve().parent.parent

PROLOGUE = """
@prefix peacekg: <https://w3id.org/peacekg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vann: <http://purl.org/vocab/vann/> .
@prefix ex: <http://example.org/> .
<https://w3id.org/peacekg/ontology> a owl:Ontology ; dct:title "t"@en ; dct:description "d"@en ;
    dct:license <https://creativecommons.org/licenses/by/4.0/> ; dct:creator "c" ;
    owl:versionIRI <https://w3id.org/peacekg/ontology/1> ; owl:versionInfo "1" ;
    vann:preferredNamespacePrefix "peacekg" ; vann:preferredNamespaceUri "https://w3id.org/peacekg/ontology#" .
skos:definition a owl:AnnotationProperty .
dct:title a owl:AnnotationProperty . dct:description a owl:AnnotationProperty . dct:license a owl:AnnotationProperty .
dct:creator a owl:AnnotationProperty . dct:created a owl:AnnotationProperty . dct:source a owl:AnnotationProperty .
vann:preferredNamespacePrefix a owl:AnnotationProperty . vann:preferredNamespaceUri a owl:AnnotationProperty .
"""


def good(term: str, kind: str = "owl:Class", label: str | None = None) -> str:
    return f"""{term} a {kind} ; rdfs:label "{label or term.split(':')[1]}"@en ; skos:definition "A definition."@en ;
    rdfs:isDefinedBy <https://w3id.org/peacekg/ontology> .\n"""


def triples(turtle: str) -> list[ox.Triple]:
    """An ontology fixture: a complete header, then ``turtle``."""
    return list(ox.parse((PROLOGUE + turtle).encode(), format=ox.RdfFormat.TURTLE))


def data(turtle: str) -> list[ox.Triple]:
    prefixes = "".join(line + "\n" for line in PROLOGUE.splitlines() if line.startswith("@prefix"))
    return list(ox.parse((prefixes + turtle).encode(), format=ox.RdfFormat.TURTLE))


def checks(issues) -> set[str]:
    return {i.check for i in issues}


def test_the_real_ontology_has_no_errors_or_warnings(project):
    sources = parse_sources(project)
    issues = quality.check_ontology(sources.ontology)
    assert [i for i in issues if i.level == quality.ERROR] == []
    assert issues == []


def test_the_real_data_has_no_profile_errors(kg, project):
    sources = parse_sources(project)
    issues = quality.check_data(sources.ontology, sources.data)
    assert [i for i in issues if i.level == quality.ERROR] == []


def test_a_clean_fixture_has_no_issues():
    assert quality.check_ontology(triples(good("peacekg:A") + good("peacekg:p", "owl:ObjectProperty"))) == []


#: (check that must fire, the offending term, ontology fixture)
FIXTURES = [
    ("missing_label", "peacekg:A", 'peacekg:A a owl:Class ; skos:definition "d"@en ; rdfs:isDefinedBy <https://w3id.org/peacekg/ontology> .'),
    ("multiple_labels", "peacekg:A", good("peacekg:A") + 'peacekg:A rdfs:label "another"@en .'),
    ("duplicate_label", "peacekg:B", good("peacekg:A", label="same") + good("peacekg:B", "owl:ObjectProperty", label="same")),
    ("missing_definition", "peacekg:A", 'peacekg:A a owl:Class ; rdfs:label "a"@en ; rdfs:isDefinedBy <https://w3id.org/peacekg/ontology> .'),
    ("multiple_definitions", "peacekg:A", good("peacekg:A") + 'peacekg:A skos:definition "Another."@en .'),
    ("missing_is_defined_by", "peacekg:A", 'peacekg:A a owl:Class ; rdfs:label "a"@en ; skos:definition "d"@en .'),
    ("label_language", "peacekg:A", 'peacekg:A a owl:Class ; rdfs:label "a" ; skos:definition "d"@en ; rdfs:isDefinedBy <https://w3id.org/peacekg/ontology> .'),
    ("undeclared_term", "ex:Thing", good("peacekg:A") + "peacekg:A rdfs:subClassOf ex:Thing ."),
    ("undeclared_term", "ex:prop", good("peacekg:A") + 'peacekg:A ex:prop "x" .'),
    ("used_not_defined", "peacekg:Missing", good("peacekg:p", "owl:ObjectProperty") + "peacekg:p rdfs:range peacekg:Missing ."),
    ("punning", "peacekg:p", good("peacekg:p", "owl:ObjectProperty") + "peacekg:p a owl:AnnotationProperty ."),
    ("datatype_not_in_map", "peacekg:d", good("peacekg:d", "owl:DatatypeProperty") + "peacekg:d rdfs:range xsd:date ."),
    ("datatype_not_in_map", "https://w3id.org/peacekg/ontology", '<https://w3id.org/peacekg/ontology> dct:created "2020-01-01"^^xsd:date .'),
    ("property_kind_mismatch", "peacekg:d", good("peacekg:d", "owl:DatatypeProperty") + good("peacekg:p", "owl:ObjectProperty") + "peacekg:d rdfs:subPropertyOf peacekg:p ."),
    ("property_kind_mismatch", "peacekg:p", good("peacekg:p", "owl:ObjectProperty") + "peacekg:p rdfs:range xsd:string ."),
    ("non_simple_property", "peacekg:p", good("peacekg:p", "owl:ObjectProperty") + "peacekg:p a owl:TransitiveProperty , owl:FunctionalProperty ."),
    (
        "non_simple_property",
        "peacekg:sup",
        good("peacekg:sup", "owl:ObjectProperty") + good("peacekg:p", "owl:ObjectProperty") + good("peacekg:q", "owl:ObjectProperty")
        + "peacekg:p owl:propertyChainAxiom ( peacekg:q peacekg:q ) ; rdfs:subPropertyOf peacekg:sup . peacekg:sup a owl:AsymmetricProperty .",
    ),
    ("missing_ontology_annotation", "https://w3id.org/peacekg/ontology", "<https://w3id.org/peacekg/ontology> a owl:Ontology ."),
]


@pytest.mark.parametrize("check, term, turtle", FIXTURES, ids=[f"{c}-{t}" for c, t, _ in FIXTURES])
def test_each_check_fires(check, term, turtle):
    graph = triples(turtle)
    if check == "missing_ontology_annotation":  # a header without its annotations
        graph = list(ox.parse(("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n" + turtle).encode(), format=ox.RdfFormat.TURTLE))
    issues = quality.check_ontology(graph)
    iri = term.replace("peacekg:", PEACEKG).replace("ex:", "http://example.org/")
    found = [i for i in issues if i.check == check and i.subject == iri]
    assert found, issues
    assert all(i.level == quality.CHECKS[check][0] for i in found)


def test_data_checks_catch_typos_undeclared_types_and_misused_properties():
    onto = triples(good("peacekg:Mission") + good("peacekg:host", "owl:ObjectProperty") + good("peacekg:start", "owl:DatatypeProperty"))
    facts = data(
        """ex:m a peacekg:Mission ; peacekg:hots ex:x ; peacekg:host "Liberia" ; peacekg:start ex:y ; a peacekg:Missoin .
        ex:m peacekg:start "1990-01-01"^^xsd:date ."""
    )
    issues = quality.check_data(onto, facts)
    assert {(i.check, i.subject.rsplit("#", 1)[-1]) for i in issues if i.check == "used_not_defined"} >= {("used_not_defined", "hots"), ("used_not_defined", "Missoin")}
    assert sum(i.check == "literal_for_object_property" for i in issues) == 2
    assert "datatype_not_in_map" in checks(issues)


def test_coverage_counts_facts_and_finds_gaps():
    onto = triples(
        good("peacekg:PeaceOperation")
        + good("peacekg:endDate", "owl:DatatypeProperty") + "peacekg:endDate rdfs:domain peacekg:PeaceOperation ."
        + good("peacekg:ongoing", "owl:DatatypeProperty") + "peacekg:ongoing rdfs:domain peacekg:PeaceOperation ."
    )
    facts = data(
        """ex:a a peacekg:PeaceOperation ; rdfs:label "a" ; dct:source "S/RES/1" ; peacekg:endDate "2000-01-01T00:00:00"^^xsd:dateTime .
        ex:b a peacekg:PeaceOperation ; rdfs:label "b" ; dct:source "S/RES/2" ; peacekg:ongoing true .
        ex:c a peacekg:PeaceOperation ; rdfs:label "c" ."""
    )
    classes, gaps = quality.coverage(onto, facts)
    [missions] = classes
    assert (missions.instances, missions.sourced) == (3, 2)
    assert {p.label: p.filled for p in missions.properties} == {"endDate": 1, "ongoing": 1}
    by_name = {g.name: g.resources for g in gaps}
    assert by_name["missing_end_date"] == ["http://example.org/c"]
    assert by_name["missing_source"] == ["http://example.org/c"]
    assert by_name["missing_label"] == []


def test_exit_codes_follow_the_failing_level():
    report = quality.QualityReport([quality.Issue(quality.WARNING, "label_language", "x", "m")])
    assert report.exit_code("error") == 0
    assert report.exit_code("warning") == 1
    report.issues.append(quality.Issue(quality.ERROR, "missing_label", "y", "m"))
    assert report.exit_code("error") == 1
    assert report.exit_code("none") == 0


def test_report_command_on_the_real_graph(kg):
    result = CliRunner().invoke(app, ["report"])
    assert result.exit_code == 0, result.output
    assert "Ontology quality: 0 error(s)" in result.output
    assert "Data coverage" in result.output
    assert "United Nations peacekeeping operation" in result.output
    result = CliRunner().invoke(app, ["report", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["errors"] == 0
    assert {g["name"] for g in data["gaps"]} == {"missing_source", "missing_end_date", "missing_label"}


def test_report_command_fails_on_an_ontology_error(tmp_path):
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    with open(tmp_path / "ontology" / "peacekg.ttl", "a") as fh:
        fh.write('\npeacekg:Oops a owl:Class ; rdfs:label "norm"@en .\n')
    result = CliRunner().invoke(app, ["report", "--project", str(tmp_path), "--no-data"])
    assert result.exit_code == 1, result.output
    assert "duplicate_label" in result.output and "missing_definition" in result.output
    result = CliRunner().invoke(app, ["report", "--project", str(tmp_path), "--fail-on", "none", "--no-data"])
    assert result.exit_code == 0
    result = CliRunner().invoke(app, ["report", "--format", "yaml"])
    assert result.exit_code == 2


def test_report_writes_every_mandate_chart_as_files(kg, tmp_path):
    folder = tmp_path / "charts"
    result = CliRunner().invoke(app, ["report", "--charts", str(folder)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in folder.iterdir()}
    assert {"index.html", "mandate-mission-monusco.svg", "diffusion-norm-protection-of-civilians.svg"} <= names
    assert len([n for n in names if n.startswith("mandate-")]) >= 80
    monusco = (folder / "mandate-mission-monusco.svg").read_text()
    assert monusco.startswith("<svg") and "S/RES/1925 (2010)" in monusco and "<polyline" in monusco
    assert 'href="mandate-mission-monusco.svg"' in (folder / "index.html").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # written whole, no scratch left
