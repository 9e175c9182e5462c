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
    assert kg.sparql("ASK { mission:unmil a pko:PeaceOperation }") is True
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
