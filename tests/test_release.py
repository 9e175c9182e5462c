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
from peacekg.namespaces import DATA_GRAPH, DCAT, INFERRED_GRAPH, ONTOLOGY_GRAPH, OWL, PEACEKG, RDF, SKOS, VOID
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


def expected_triples(content: publish.ReleaseContent, file: publish.ReleaseFile) -> list:
    graphs = content.graphs
    return {
        "ontology": graphs[ONTOLOGY_GRAPH],
        "base": publish.base_module(graphs[ONTOLOGY_GRAPH], content.version),
        "full": publish.full_ontology(content),
        "data": graphs[DATA_GRAPH] + (publish.data_ontology_header(content.version) if file.name == "peacekg-data.owl" else []),
        "inferred": graphs[INFERRED_GRAPH],
        "shapes": content.shapes,
    }[file.part]


@pytest.mark.parametrize("file", [f for f in publish.RDF_FILES if f.part != "dataset"], ids=lambda f: f.name)
def test_each_graph_file_round_trips(file, released, content):
    """Re-parsing a file gives a graph isomorphic to the triples written."""
    parsed = parse(released.path(file.name))
    assert isomorphic(quads_to_rdflib_graph(parsed), quads_to_rdflib_graph(expected_triples(content, file)))


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

    graph = rdflib.Graph().parse(released.path("peacekg.owl"), format="xml")
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
    onto = parse(written.path("peacekg.ttl"))
    header = ox.NamedNode("https://w3id.org/peacekg/ontology")
    assert [q.object for q in onto if q.subject == header and q.predicate.value == OWL + "versionIRI"] == [
        ox.NamedNode("https://w3id.org/peacekg/ontology/2.0.0-rc.1")
    ]
    assert [q.object.value for q in onto if q.subject == header and q.predicate.value == OWL + "versionInfo"] == ["2.0.0-rc.1"]
    catalog = publish.read_catalog(written.path("catalog-v001.xml"))
    assert catalog["https://w3id.org/peacekg/ontology/2.0.0-rc.1"] == written.path("peacekg.owl").resolve()


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
    assert objects(dataset, VOID + "sparqlEndpoint") == [ox.NamedNode("https://w3id.org/peacekg/sparql")]
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
    assert catalog["https://w3id.org/peacekg/ontology"] == released.path("peacekg.owl").resolve()
    assert catalog[f"https://w3id.org/peacekg/ontology/{released.version}"] == released.path("peacekg.owl").resolve()
    assert all(path.is_file() for path in catalog.values())


def test_documentation_lists_every_class_and_property(released, content):
    html = released.path("index.html").read_text()
    onto = content.graphs[ONTOLOGY_GRAPH]
    declared = {
        q.subject.value
        for q in onto
        if q.predicate.value == RDF + "type" and q.object.value in (OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty")
        and q.subject.value.startswith(PEACEKG)
    }
    assert len(declared) > 50
    for iri in declared:
        assert f'id="peacekg-{iri[len(PEACEKG):]}"' in html, iri
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
    assert (tmp_path / "peacekg-0.0.1-test" / "peacekg.owl").is_file()
    assert "catalog-v001.xml" in result.output
    result = CliRunner().invoke(app, ["release", "--out", str(tmp_path), "--version", "no/slashes"])
    assert result.exit_code == 2
    assert "error: version" in result.output


# ---------------------------------------------------------------------------
# Names of the ontology release pipelines, variants, JSON-LD, DCAT
# ---------------------------------------------------------------------------


def test_files_are_named_as_ontology_release_pipelines_name_them(released):
    assert sorted(p.name for p in released.folder.iterdir() if p.name.startswith("peacekg")) == [
        "peacekg-base.owl", "peacekg-base.ttl", "peacekg-context.jsonld",
        "peacekg-data.nt", "peacekg-data.owl", "peacekg-data.ttl",
        "peacekg-full.jsonld", "peacekg-full.owl", "peacekg-full.ttl",
        "peacekg-inferred.nt", "peacekg-inferred.ttl", "peacekg-shapes.ttl",
        "peacekg.jsonld", "peacekg.nq", "peacekg.nt", "peacekg.owl", "peacekg.trig", "peacekg.ttl",
    ]  # fmt: skip


@pytest.mark.parametrize("name, variant", [("peacekg.owl", ""), ("peacekg-base.owl", "/base"), ("peacekg-full.owl", "/full")])
def test_each_variant_has_its_version_iri_and_the_catalog_maps_it_to_its_file(released, name, variant):
    header = ox.NamedNode("https://w3id.org/peacekg/ontology")
    triples = parse(released.path(name))
    iri = f"https://w3id.org/peacekg/ontology/{released.version}{variant}"
    assert [q.object.value for q in triples if q.subject == header and q.predicate.value == OWL + "versionIRI"] == [iri]
    assert [q.subject for q in triples if q.predicate.value == RDF + "type" and q.object.value == OWL + "Ontology"] == [header]
    assert [q for q in triples if q.predicate.value == OWL + "imports"] == []
    assert publish.read_catalog(released.path("catalog-v001.xml"))[iri] == released.path(name).resolve()


def test_base_holds_only_the_ontologys_own_terms_and_full_holds_the_data(released):
    def subjects(name):
        return {q.subject.value for q in parse(released.path(name)) if isinstance(q.subject, ox.NamedNode)}

    base, main, full = subjects("peacekg-base.ttl"), subjects("peacekg.ttl"), subjects("peacekg-full.ttl")
    assert PEACEKG + "PeaceOperation" in base and SKOS + "Concept" in main
    assert {s for s in base if not s.startswith(PEACEKG)} == {"https://w3id.org/peacekg/ontology"}
    assert main - base == {s for s in main if not s.startswith(PEACEKG) and s != "https://w3id.org/peacekg/ontology"}
    assert "https://w3id.org/peacekg/id/mission/unmil" in full and "https://w3id.org/peacekg/id/mission/unmil" not in main
    assert main <= full


def test_jsonld_is_compact_and_uses_the_shipped_context(released):
    import json

    context = json.loads(released.path("peacekg-context.jsonld").read_text())["@context"]
    full = json.loads(released.path("peacekg-full.jsonld").read_text())
    assert full["@context"] == context
    assert json.loads(released.path("peacekg.jsonld").read_text())["@context"] == context
    assert context["peacekg"] == PEACEKG and context["hostCountry"] == {"@id": "peacekg:hostCountry", "@type": "@id"}
    unmil = next(n for n in full["@graph"] if n["id"] == "mission:unmil")
    assert unmil["type"] == "peacekg:UNPeacekeepingOperation"
    assert unmil["label"] == "United Nations Mission in Liberia"
    assert unmil["hostCountry"] == "state:lbr"
    assert unmil["startDate"] == "2003-10-01T00:00:00"
    assert unmil["establishedBy"] == "instrument:s-res-1509-2003"
    keys = {k for node in full["@graph"] for k in node}
    assert not [k for k in keys if k.startswith("http")]


def test_jsonld_keeps_values_that_do_not_fit_their_term():
    """A value of another datatype than the term's is written under the prefixed
    name with its type, and expanding the document gives the same triples."""
    import rdflib

    from peacekg import jsonld
    from peacekg.namespaces import XSD

    onto = [
        ox.Triple(ox.NamedNode(PEACEKG + "startDate"), ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "DatatypeProperty")),
        ox.Triple(ox.NamedNode(PEACEKG + "startDate"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#range"), ox.NamedNode(XSD + "dateTime")),
    ]
    x = ox.NamedNode("https://w3id.org/peacekg/id/mission/x")
    triples = [
        ox.Triple(x, ox.NamedNode(PEACEKG + "startDate"), ox.Literal("2003-10-01T00:00:00", datatype=ox.NamedNode(XSD + "dateTime"))),
        ox.Triple(x, ox.NamedNode(PEACEKG + "startDate"), ox.Literal("2003", datatype=ox.NamedNode(XSD + "gYear"))),
        ox.Triple(x, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("x", language="fr")),
        ox.Triple(x, ox.NamedNode("http://example.org/other"), ox.NamedNode("http://example.org/y")),
    ]
    document = jsonld.compact(triples, jsonld.context(onto))
    import json

    (node,) = json.loads(document)["@graph"]
    assert node == {
        "id": "mission:x",
        "startDate": "2003-10-01T00:00:00",
        "peacekg:startDate": {"@type": "xsd:gYear", "@value": "2003"},
        "rdfs:label": {"@language": "fr", "@value": "x"},
        "http://example.org/other": {"@id": "http://example.org/y"},
    }
    assert isomorphic(rdflib.Graph().parse(data=document, format="json-ld"), quads_to_rdflib_graph(triples))


def test_void_names_publisher_contact_keywords_dates_and_licence_per_distribution(project, tmp_path):
    written = publish.release(project, tmp_path, "9.9.9", base_url="https://example.org/peacekg/release/{version}/", date="2026-12-01")
    void = parse(written.path("void.ttl"))

    def objects(subject: str, predicate: str) -> list:
        return sorted(q.object.value for q in void if q.subject.value == subject and q.predicate.value == predicate)

    dataset = f"{publish.DATASET_IRI}/9.9.9"
    dct = "http://purl.org/dc/terms/"
    assert objects(dataset, VOID + "sparqlEndpoint") == ["https://example.org/peacekg/sparql"]
    assert objects(dataset, dct + "issued") == objects(dataset, dct + "modified") == ["2026-12-01"]
    assert objects(publish.DATASET_IRI, dct + "issued") == ["2026-11-28"]  # the ontology's dct:created
    (publisher,) = objects(dataset, dct + "publisher")
    assert objects(publisher, "http://xmlns.com/foaf/0.1/name") == ["The peacekg contributors"]
    (contact,) = objects(dataset, DCAT + "contactPoint")
    assert objects(contact, "http://www.w3.org/2006/vcard/ns#hasURL") == ["https://w3id.org/peacekg/"]
    assert "peacekeeping" in objects(dataset, DCAT + "keyword")
    distributions = objects(dataset, DCAT + "distribution")
    assert len(distributions) == len(publish.RDF_FILES)
    for dist in distributions:
        assert objects(dist, dct + "license") == ["https://creativecommons.org/licenses/by/4.0/"], dist
        assert objects(dist, DCAT + "downloadURL")[0].startswith("https://example.org/peacekg/release/9.9.9/peacekg")
    assert objects(f"{dataset}/data", VOID + "dataDump") == ["https://example.org/peacekg/release/9.9.9/peacekg-data.nt"]


def test_an_explicit_endpoint_wins_and_a_bad_date_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["release", "--out", str(tmp_path), "--version", "0.0.2", "--sparql-endpoint", "https://example.org/q"])
    assert result.exit_code == 0, result.output
    void = parse(tmp_path / "peacekg-0.0.2" / "void.ttl")
    assert {q.object.value for q in void if q.predicate.value == VOID + "sparqlEndpoint"} == {"https://example.org/q"}
    result = CliRunner().invoke(app, ["release", "--out", str(tmp_path), "--version", "0.0.3", "--date", "yesterday"])
    assert result.exit_code == 2
    assert "error: date 'yesterday' must be a day such as 2026-11-28" in result.output
