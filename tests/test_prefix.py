"""The preferred prefix is `peacekg`; the old one (OLD below) is the registered
prefix of the Procedural Knowledge Ontology, https://w3id.org/pko. The ontology header,
the prefix table every query and serialisation uses, the shapes' SPARQL
prefixes and the JSON-LD context all say `peacekg`, and no source still writes
the old prefix. (OLD is spelt in two pieces so that the rename script, which
may run again after merges, leaves this file alone.)"""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from peacekg import jsonld
from peacekg.namespaces import PEACEKG, PREFIXES, sparql_prologue
from peacekg.sources import Project, parse_file
from peacekg.validate import compact

ROOT = Path(__file__).resolve().parent.parent
NAMESPACE = "https://w3id.org/peacekg/ontology#"
OLD = "p" + "ko"


def test_the_prefix_is_peacekg_and_the_namespace_is_unchanged(project: Project):
    assert PEACEKG == NAMESPACE and PREFIXES["peacekg"] == NAMESPACE and OLD not in PREFIXES
    assert f"PREFIX peacekg: <{NAMESPACE}>" in sparql_prologue()
    assert compact(NAMESPACE + "PeaceOperation") == "peacekg:PeaceOperation"
    onto = [q for path in project.ontology_files for q in parse_file(path)]
    header = ox.NamedNode("https://w3id.org/peacekg/ontology")
    vann = "http://purl.org/vocab/vann/"
    assert [q.object.value for q in onto if q.subject == header and q.predicate.value == vann + "preferredNamespacePrefix"] == ["peacekg"]
    assert [q.object.value for q in onto if q.subject == header and q.predicate.value == vann + "preferredNamespaceUri"] == [NAMESPACE]
    assert jsonld.context(onto)["peacekg"] == NAMESPACE


def test_the_shapes_declare_the_new_prefix_for_their_sparql(project: Project):
    shapes = parse_file(project.shapes_file)
    declared = {q.object.value for q in shapes if q.predicate.value == "http://www.w3.org/ns/shacl#prefix"}
    assert "peacekg" in declared and OLD not in declared


def test_no_source_writes_the_old_prefix():
    old = re.compile(r"(?:(?<![\w.-])|(?<=\\[nt]))" + OLD + ":")
    folders = ("ontology", "shapes", "data", "queries", "src", "tests", "w3id")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and (path.suffix in (".ttl", ".rq", ".py", ".html", ".js") or path.name == ".htaccess")
        and old.search(path.read_text(errors="replace"))
    ]
    assert offenders == []
