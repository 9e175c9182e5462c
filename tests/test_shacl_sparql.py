"""The SPARQL SHACL engine against pySHACL, the reference: the same
violations, field for field, on the real data and on every injected error."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from peacekg import shacl_sparql
from peacekg.build import parse_sources
from peacekg.validate import validate as pyshacl_validate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.errors import INJECTIONS, PREFIXES  # noqa: E402
from bench.generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def sources(project):
    return parse_sources(project)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> list[ox.Triple]:
    path = tmp_path_factory.mktemp("shacl") / "data.nt"
    generate(3_000, path)
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


def test_same_report_as_pyshacl_on_the_curated_data(sources):
    expected = pyshacl_validate(sources.data, sources.ontology, sources.shapes)
    actual = shacl_sparql.validate(sources.data, sources.ontology, sources.shapes)
    assert actual.conforms == expected.conforms
    assert Counter(actual.violations) == Counter(expected.violations)


def _with(synthetic: list[ox.Triple], *updates: str) -> list[ox.Triple]:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in synthetic)
    for update in updates:
        store.update(PREFIXES + update)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


@pytest.mark.parametrize("label, update", INJECTIONS, ids=[label.split(":")[0] for label, _ in INJECTIONS])
def test_each_injected_error_is_found(sources, synthetic, label, update):
    """Each injection breaks the shape it names (checked with the fast engine; the
    next test compares both engines on all injections at once)."""
    actual = shacl_sparql.validate(_with(synthetic, update), sources.ontology, sources.shapes)
    assert actual.violations, f"the injection found nothing to break: {label}"


def test_all_injected_errors_are_found_as_pyshacl_finds_them(sources, synthetic):
    data = _with(synthetic, *(update for _, update in INJECTIONS))
    expected = pyshacl_validate(data, sources.ontology, sources.shapes)
    actual = shacl_sparql.validate(data, sources.ontology, sources.shapes)
    assert len(expected.violations) >= len(INJECTIONS)
    assert Counter(actual.violations) == Counter(expected.violations)


def test_unsupported_features_are_refused():
    shapes = ox.parse(
        b"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedMinCount 1 ] .""",
        format=ox.RdfFormat.TURTLE,
    )
    with pytest.raises(shacl_sparql.UnsupportedShape):
        shacl_sparql.Shapes(shapes)
