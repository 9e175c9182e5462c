"""Release files: every file re-parses to what was written, the bytes do not
change between runs, the VoID description and checksums match the files, and
the folder appears atomically."""
from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from peacekg import publish
from peacekg.cli import app
from peacekg.namespaces import DATA_GRAPH, DCAT, INFERRED_GRAPH, ONTOLOGY_GRAPH, OWL, PKO, RDF, SKOS, VOID
from peacekg.terms import quads_to_rdflib_graph

PARSERS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "owl": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def parse(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=PARSERS[path.suffix[1:]]))


@pytest.fixture(scope="module")
def content(project) -> publish.ReleaseContent:
    return publish.collect(project)


@pytest.fixture(scope="module")
def released(project, tmp_path_factory) -> publish.Release:
    return publish.release(project, tmp_path_factory.mktemp("dist"))


def expected_triples(content: publish.ReleaseContent, name: str) -> list:
    graphs = content.graphs
    return {
        "ontology": graphs[ONTOLOGY_GRAPH],
        "data": graphs[DATA_GRAPH] + (publish.data_ontology_header(content.version) if name == "data.owl" else []),
        "inferred": graphs[INFERRED_GRAPH],
        "shapes": content.shapes,
    }[name.split(".")[0]]


@pytest.mark.parametrize("file", [f for f in publish.RDF_FILES if not f.name.startswith("peacekg.")], ids=lambda f: f.name)
def test_each_graph_file_round_trips(file, released, content):
    """Re-parsing a file gives a graph isomorphic to the triples written."""
    parsed = parse(released.path(file.name))
    assert isomorphic(quads_to_rdflib_graph(parsed), quads_to_rdflib_graph(expected_triples(content, file.name)))


@pytest.mark.parametrize("name", ["peacekg.nq", "peacekg.trig"])
def test_dataset_files_round_trip_per_named_graph(name, released, content):
    parsed = parse(released.path(name))
    assert {q.graph_name.value for q in parsed} == set(publish.PARTS.values())
    for iri, triples in content.graphs.items():
        in_graph = [q for q in parsed if q.graph_name.value == iri]
        assert isomorphic(quads_to_rdflib_graph(in_graph), quads_to_rdflib_graph(triples)), iri


def test_rdfxml_reads_back_in_rdflib_too(released, content):
    """OWL tools use their own RDF/XML parsers; rdflib's agrees with ours."""
    import rdflib

    graph = rdflib.Graph().parse(released.path("ontology.owl"), format="xml")
    assert isomorphic(graph, quads_to_rdflib_graph(content.graphs[ONTOLOGY_GRAPH]))


def test_same_sources_give_byte_identical_files(project, released, tmp_path):
    again = publish.release(project, tmp_path)
    assert sorted(p.name for p in again.folder.iterdir()) == sorted(p.name for p in released.folder.iterdir())
    for path in again.folder.iterdir():
        assert path.read_bytes() == released.path(path.name).read_bytes(), path.name


def test_blank_node_labels_do_not_depend_on_the_parser(project):
    text = (project.root / "ontology" / "peacekg.ttl").read_bytes()
    first, second = (list(ox.parse(text, format=ox.RdfFormat.TURTLE)) for _ in range(2))
    assert {str(t) for t in publish.relabel(first, publish.canonical_bnode_labels(first))} == {
        str(t) for t in publish.relabel(second, publish.canonical_bnode_labels(second))
    }


def test_every_file_is_listed_and_checksummed(released):
    names = {f.name for f in (*publish.RDF_FILES, *publish.META_FILES)}
    assert {p.name for p in released.folder.iterdir()} == names
    sums = dict(reversed(line.split("  ", 1)) for line in released.path("SHA256SUMS").read_text().splitlines())
    assert set(sums) == names - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256(released.path(name).read_bytes()).hexdigest() == digest, name


def test_version_is_stamped(project, tmp_path):
    written = publish.release(project, tmp_path, "2.0.0-rc.1")
    assert written.folder.name == "peacekg-2.0.0-rc.1"
    onto = parse(written.path("ontology.ttl"))
    header = ox.NamedNode("https://w3id.org/peacekg/ontology")
    assert [q.object for q in onto if q.subject == header and q.predicate.value == OWL + "versionIRI"] == [
        ox.NamedNode("https://w3id.org/peacekg/ontology/2.0.0-rc.1")
    ]
    assert [q.object.value for q in onto if q.subject == header and q.predicate.value == OWL + "versionInfo"] == ["2.0.0-rc.1"]
    catalog = publish.read_catalog(written.path("catalog-v001.xml"))
    assert catalog["https://w3id.org/peacekg/ontology/2.0.0-rc.1"] == written.path("ontology.owl").resolve()


def test_default_version_is_the_ontologys(released, project):
    source = list(ox.parse(path=str(project.root / "ontology" / "peacekg.ttl"), format=ox.RdfFormat.TURTLE))
    assert released.version == publish.ontology_version(source)


@pytest.mark.parametrize("bad", ["", "1.0/../x", "a b", "-1"])
def test_bad_versions_are_refused(project, tmp_path, bad):
    with pytest.raises(publish.ReleaseError):
        publish.release(project, tmp_path, bad or " ")
    assert not any(tmp_path.iterdir())


def test_void_describes_the_dataset_and_every_distribution(released, content):
    void = parse(released.path("void.ttl"))

    def objects(subject: str, predicate: str) -> list:
        return [q.object for q in void if q.subject.value == subject and q.predicate.value == predicate]

    dataset = f"{publish.DATASET_IRI}/{released.version}"
    total = sum(len(ts) for ts in content.graphs.values())
    assert [o.value for o in objects(dataset, VOID + "triples")] == [str(total)]
    assert int(objects(dataset, VOID + "classes")[0].value) > 10
    assert objects(dataset, VOID + "sparqlEndpoint") == [ox.NamedNode(publish.DEFAULT_SPARQL_ENDPOINT)]
    distributions = objects(dataset, DCAT + "distribution")
    assert len(distributions) == len(publish.RDF_FILES)
    for dist in distributions:
        name = dist.value.rsplit("/", 1)[1]
        data = released.path(name).read_bytes()
        assert objects(dist.value, DCAT + "byteSize")[0].value == str(len(data))
        checksum = objects(dist.value, "http://spdx.org/rdf/terms#checksum")[0]
        assert objects(checksum.value, "http://spdx.org/rdf/terms#checksumValue")[0].value == hashlib.sha256(data).hexdigest()
        assert objects(dist.value, DCAT + "mediaType")[0].value.startswith("https://www.iana.org/assignments/media-types/")
    for name, iri in publish.PARTS.items():
        subset = f"{dataset}/{name}"
        assert objects(subset, VOID + "triples")[0].value == str(len(content.graphs[iri]))


def test_catalog_maps_both_ontology_iris_to_local_files(released):
    catalog = publish.read_catalog(released.path("catalog-v001.xml"))
    assert catalog["https://w3id.org/peacekg/ontology"] == released.path("ontology.owl").resolve()
    assert catalog[f"https://w3id.org/peacekg/ontology/{released.version}"] == released.path("ontology.owl").resolve()
    assert all(path.is_file() for path in catalog.values())


def test_documentation_lists_every_class_and_property(released, content):
    html = released.path("index.html").read_text()
    onto = content.graphs[ONTOLOGY_GRAPH]
    declared = {
        q.subject.value
        for q in onto
        if q.predicate.value == RDF + "type" and q.object.value in (OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty")
        and q.subject.value.startswith(PKO)
    }
    assert len(declared) > 50
    for iri in declared:
        assert f'id="pko-{iri[len(PKO):]}"' in html, iri
    for q in onto:
        if q.predicate.value == SKOS + "definition" and q.subject.value in declared:
            from html import escape

            assert escape(q.object.value) in html
    assert "Domain" in html and "Range" in html and "Subclass of" in html
    assert html.count("<svg") == 2


@pytest.mark.parametrize("name", ["classes.svg", "relations.svg"])
def test_diagrams_are_well_formed_svg_naming_the_classes(released, name):
    root = ET.parse(released.path(name)).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = released.path(name).read_text()
    assert "peace operation" in text and "norm" in text


def test_a_failed_write_leaves_no_half_release(project, tmp_path, monkeypatch, released):
    good = publish.release(project, tmp_path)
    before = {p.name: p.read_bytes() for p in good.folder.iterdir()}
    calls = []

    def flaky(self, data):
        calls.append(self)
        if len(calls) > 3:
            raise OSError("disk full")
        return original(self, data)

    original = Path.write_bytes
    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(OSError, match="disk full"):
        publish.release(project, tmp_path)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == [good.folder.name]
    assert {p.name: p.read_bytes() for p in good.folder.iterdir()} == before


def test_release_command(tmp_path):
    result = CliRunner().invoke(app, ["release", "--out", str(tmp_path), "--version", "0.0.1-test"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "peacekg-0.0.1-test" / "ontology.owl").is_file()
    assert "catalog-v001.xml" in result.output
    result = CliRunner().invoke(app, ["release", "--out", str(tmp_path), "--version", "no/slashes"])
    assert result.exit_code == 2
    assert "error: version" in result.output
