"""The benchmark harness in quick form on a tiny scale: the generated data
conforms to the shapes, and the engines give the same answers. No timing
assertions: figures belong in docs/benchmarks.md."""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import measure  # noqa: E402
from bench.generate import Generator, Scenario, generate  # noqa: E402


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "tiny.nt"
    generate(4_000, path)
    return path


def test_generator_is_reproducible(tmp_path: Path):
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    assert generate(3_000, a) == generate(3_000, b) >= 3_000
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != (generate(3_000, b, seed=1) and b.read_bytes())


def test_generated_data_conforms_to_the_shapes(tiny: Path):
    result = measure.shacl(str(tiny), "pyshacl")
    assert result["violations"] == 0


def test_sparql_and_pyshacl_find_the_same_injected_violations(tiny: Path):
    sparql, pyshacl = measure.shacl(str(tiny), "sparql", True), measure.shacl(str(tiny), "pyshacl", True)
    assert sparql["violations"] == pyshacl["violations"] >= 18
    assert sparql["digest"] == pyshacl["digest"]


def test_sparql_closure_infers_what_reasonable_infers(tiny: Path):
    sparql, rl = measure.closure(str(tiny), "sparql"), measure.closure(str(tiny), "rl")
    assert sparql["inferred"] == rl["inferred"] > 0
    assert sparql["digest"] == rl["digest"]


def test_queries_agree_across_engines(tiny: Path):
    result = measure.queries(str(tiny), 3.0, 0.01)  # rdflib cut off at 3 s: its slow plans are not under test
    assert set(result["queries"]) >= set(Scenario().params())
    for name, x in result["queries"].items():
        assert x["same_bare"], name
        if "same_rdflib" in x:
            assert x["same_rdflib"], name
    # The scenario's parameters find something.
    for name in ("mission", "mission-chain", "missions-in-country", "norm-instruments", "norm-timeline", "search"):
        assert result["queries"][name]["rows"] > 0, name


def test_build_measures_the_users_command_on_the_same_triples(tiny: Path):
    bare, build = measure.load_bare(str(tiny)), measure.build_peacekg(str(tiny))
    triples = sum(1 for _ in ox.parse(path=str(tiny), format=ox.RdfFormat.N_TRIPLES))
    assert bare["triples"] == triples
    assert build["graphs"]["https://w3id.org/peacekg/graph/data"] == triples
    assert build["graphs"]["https://w3id.org/peacekg/graph/inferred"] > 0 and build["conforms"]
    assert set(build["timings"]) == {"load", "reason", "validate", "index", "persist"}
    assert build["rss_mb"] > 0


def test_search_index_finds_what_the_scan_finds(tiny: Path):
    measure.build_peacekg(str(tiny))
    result = measure.search(str(tiny), runs=1)
    # "liberia" is a whole word in every name the scan finds, so both find the same resources.
    assert result["liberia"]["index_rows"] == result["liberia"]["scan_rows"] > 0


def test_report_renders(tiny: Path):
    from bench.__main__ import report

    results = {
        "machine": {"cpu": "cpu", "cores": 2, "ram": "1 GB", "python": "3", "os": "os", "versions": {}, "date": "today"},
        "quick": True,
        "scales": {"tiny": {
            "load_bare": measure.load_bare(str(tiny)),
            "build": measure.build_peacekg(str(tiny)),
            "search": measure.search(str(tiny), runs=1),
            "queries": measure.queries(str(tiny), 0.0, 0.01),
            "closure_sparql": measure.closure(str(tiny), "sparql"),
            "shacl_sparql": measure.shacl(str(tiny), "sparql"),
        }},
        "cold": {"tool": "test", "a": 0.2, "b": 0.01},
        "server": None,
    }
    text = report(results)
    assert "## Stored queries" in text and "| missions |" in text and "Skipped" in text
    assert "## Building: `peacekg build`, whole process" in text and "## Search" in text


def test_generator_counts_lines():
    generator = Generator(2_000)
    lines = list(generator.lines())
    assert len(lines) == generator.count >= 2_000
