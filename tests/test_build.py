"""The build: named graphs, the content-keyed cache, and the Python API."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


from peacekg.api import KnowledgeGraph, SelectResult
from peacekg.namespaces import DATA_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH

ROOT = Path(__file__).resolve().parent.parent


def test_graphs_hold_ontology_data_and_inferences(kg):
    assert set(kg.info.graphs) == {ONTOLOGY_GRAPH, DATA_GRAPH, INFERRED_GRAPH}
    assert all(count > 0 for count in kg.info.graphs.values())
    names = {g.value for g in kg.backend.store.named_graphs()}
    assert names == {ONTOLOGY_GRAPH, DATA_GRAPH, INFERRED_GRAPH}


def test_cache_is_reused_until_a_source_changes(project_copy):
    first = KnowledgeGraph.load(project_copy)
    assert not first.info.cached
    second = KnowledgeGraph.load(project_copy)
    assert second.info.cached and second.info.key == first.info.key
    norms = project_copy / "data" / "norms.ttl"
    norms.write_text(norms.read_text() + "\n# a comment changes the content\n")
    third = KnowledgeGraph.load(project_copy)
    assert not third.info.cached and third.info.key != first.info.key
    cached = [p.name for p in (project_copy / ".peacekg-cache").iterdir() if p.is_dir()]
    assert cached == [third.info.key]


def test_in_memory_load_writes_nothing(project_copy):
    kg = KnowledgeGraph.load(project_copy, cache=False)
    assert kg.validate().conforms in (True, False)
    assert not (project_copy / ".peacekg-cache").exists()


def test_python_api_mirrors_the_commands(kg):
    result = kg.query("missions-in-country", country="LBR")
    assert isinstance(result, SelectResult)
    assert "UNMIL" in result.column("acronym")
    assert kg.sparql("ASK { mission:unmil a peacekg:PeaceOperation }") is True
    assert kg.validate().conforms
    stats = {row["class"]: int(row["instances"]) for row in kg.stats()}
    assert stats["United Nations peacekeeping operation"] >= 60


def test_commands_started_together_on_a_cold_cache_build_once(small_project):
    """Three builds at once: one builds, the others wait for the lock and reuse it."""
    env = {**os.environ, "PEACEKG_PROJECT": str(small_project)}
    command = [sys.executable, "-m", "peacekg", "build"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    folders = [p.name for p in (small_project / ".peacekg-cache").iterdir() if p.is_dir()]
    assert len(folders) == 1 and not folders[0].startswith(".build-")


def test_an_interrupted_build_leaves_no_scratch_folder_behind(small_project):
    cache = small_project / ".peacekg-cache"
    orphan = cache / ".build-killed"
    (orphan / "store").mkdir(parents=True)
    KnowledgeGraph.load(small_project)
    assert not orphan.exists()


# -- one pipeline: outside files, consistency, the search index ---------------------

LOADED = "https://w3id.org/peacekg/graph/loaded/"
OUTSIDE = (
    "<https://w3id.org/peacekg/id/mission/outside-op> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/peacekg/ontology#UNPeacekeepingOperation> .\n"
    "<https://w3id.org/peacekg/id/mission/outside-op> <http://www.w3.org/2000/01/rdf-schema#label> "
    "\"Outside Verification Mission\"@en .\n"
)


def _cli(*args: str, project: Path):
    env = {**os.environ, "PEACEKG_PROJECT": str(project)}
    return subprocess.run([sys.executable, "-m", "peacekg", *args], env=env, capture_output=True, text=True, timeout=300)


def test_load_adds_a_gzipped_file_into_its_own_graph_closed_and_validated(small_project, tmp_path):
    import gzip

    outside = tmp_path / "outside.nt.gz"
    outside.write_bytes(gzip.compress(OUTSIDE.encode()))
    result = _cli("load", str(outside), project=small_project)
    # The file gives the operation no dates, no host, no source: the shapes say so.
    assert result.returncode == 1, result.stderr
    assert f"into <{LOADED}outside.nt.gz>: 2 triples" in result.stdout
    assert "violation(s)" in result.stdout
    kg = KnowledgeGraph.load(small_project)
    assert kg.info.graphs[LOADED + "outside.nt.gz"] == 2
    # Closed with the rest: the subclass axioms make it a peace operation, in the inferred graph.
    assert kg.sparql(f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ mission:outside-op a peacekg:PeaceOperation }} }}") is True
    focus = {v.focus for v in kg.validate().violations}
    assert "https://w3id.org/peacekg/id/mission/outside-op" in focus
    assert _cli("load", "--list", project=small_project).stdout.split() == [LOADED + "outside.nt.gz", str(outside)]
    assert _cli("load", "--remove", str(outside), project=small_project).returncode == 0
    assert LOADED + "outside.nt.gz" not in KnowledgeGraph.load(small_project).info.graphs


def test_load_of_a_bad_file_names_file_and_line_and_registers_nothing(small_project, tmp_path):
    good, bad = tmp_path / "good.nt", tmp_path / "bad.ttl"
    good.write_text(OUTSIDE)
    bad.write_text("@prefix peacekg: <https://w3id.org/peacekg/ontology#> .\n\npeacekg:a peacekg:b peacekg:c .\npeacekg:a peacekg:b .\npeacekg:d peacekg:e peacekg:f .\n")
    KnowledgeGraph.load(small_project)
    before = sorted(p.name for p in (small_project / ".peacekg-cache").iterdir())
    result = _cli("load", str(good), str(bad), project=small_project)
    assert result.returncode == 2
    assert f"error: {bad}:4:" in result.stderr and "Traceback" not in result.stderr
    assert not (small_project / ".peacekg" / "loaded.json").exists()
    assert sorted(p.name for p in (small_project / ".peacekg-cache").iterdir()) == before
    unknown = _cli("load", str(tmp_path / "missing.nt"), project=small_project)
    assert unknown.returncode == 2 and "no such file" in unknown.stderr


def test_build_names_the_resources_of_an_inconsistent_graph(small_project):
    # Liberia as a host country and as an organisation: two disjoint classes.
    (small_project / "data" / "clash.ttl").write_text(
        "@prefix peacekg: <https://w3id.org/peacekg/ontology#> .\n"
        "<https://w3id.org/peacekg/id/state/lbr> a peacekg:InternationalOrganization .\n"
    )
    result = _cli("build", project=small_project)
    assert result.returncode == 1
    assert "INCONSISTENT" in result.stdout
    assert (
        "https://w3id.org/peacekg/id/state/lbr is both a https://w3id.org/peacekg/ontology#InternationalOrganization "
        "and a https://w3id.org/peacekg/ontology#State, which are disjoint"
    ) in result.stdout


def test_search_uses_the_full_text_index_ranked(kg):
    result = kg.search("liberia")
    resources = result.column("resource")
    # The state named Liberia ranks before operations whose longer names mention it.
    assert resources[0] == "https://w3id.org/peacekg/id/state/lbr"
    assert {"https://w3id.org/peacekg/id/mission/unmil", "https://w3id.org/peacekg/id/mission/unomil"} <= set(resources)
    # Word prefixes, accents and case do not matter; symbols are names too.
    assert "https://w3id.org/peacekg/id/mission/unmil" in kg.search("LIBÉR").column("resource")
    assert kg.search("S/RES/1509").column("resource")[0] == "https://w3id.org/peacekg/id/instrument/s-res-1509-2003"
    # The stored query `search` runs on the index too, so the command line, API and site agree.
    assert kg.query("search", text="liberia").column("resource") == resources
    # FTS syntax in the user's text is taken as words, never as an expression.
    assert kg.search('"liberia")*').column("resource") == resources
    assert len(kg.search("*")) == 0


def test_read_progress_counts_statements_of_line_formats(tmp_path):
    import pyoxigraph as ox

    from peacekg.sources import load_file

    path = tmp_path / "x.nt"
    path.write_text(OUTSIDE * 3)
    seen = []
    load_file(ox.Store(), path, ox.NamedNode(LOADED + "x"), seen.append)
    assert seen[-1].done and seen[-1].statements == 6 and seen[-1].bytes_read == seen[-1].total_bytes == path.stat().st_size


def test_quads_of_a_loaded_nquads_file_go_into_its_graph(tmp_path):
    import pyoxigraph as ox

    from peacekg.sources import load_file

    path = tmp_path / "x.nq"
    path.write_text(
        "<https://example.org/a> <https://example.org/p> <https://example.org/b> <https://example.org/their-graph> .\n"
        "<https://example.org/a> <https://example.org/p> \"c\" .\n"
    )
    store = ox.Store()
    load_file(store, path, ox.NamedNode(LOADED + "x"))
    assert [g.value for g in store.named_graphs()] == [LOADED + "x"]
    assert len(store) == 2
