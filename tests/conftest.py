"""Shared fixtures: the real project and its graph, built once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from peacekg.api import KnowledgeGraph
from peacekg.sources import Project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def kg(project: Project) -> KnowledgeGraph:
    """The real peacekg graph on the embedded store (through the build cache)."""
    return KnowledgeGraph.load(project)


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A private copy of the project's sources, with its own build cache."""
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture()
def small_project(tmp_path: Path) -> Path:
    """A project with the real ontology, shapes and queries but a small data set
    (the valid shapes fixture): for commands whose cost grows with the data, such
    as validation with pySHACL, when the test is about the command, not the data."""
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "shapes" / "valid.ttl", tmp_path / "data" / "valid.ttl")
    return tmp_path
