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
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path
