"""Shared fixtures: the real project and its graph, built once per test session."""
from __future__ import annotations

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
