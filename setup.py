"""Build hook: the wheel carries the graph's sources (ontology, shapes, data,
stored queries) as package data in ``peacekg/_bundled``, copied from the checkout
at build time so they are never duplicated in git. Everything else about the
package is in pyproject.toml."""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: Folders of the checkout that make up the graph; copied whole into the wheel.
GRAPH_FOLDERS = ("ontology", "shapes", "data", "queries")
#: Files in those folders that are sources (anything else, e.g. editor backups, stays out).
GRAPH_SUFFIXES = {".ttl", ".nt", ".nq", ".trig", ".rdf", ".owl", ".rq", ".md"}


class BuildPyWithGraph(build_py):
    """``build_py`` that also copies the graph sources into ``peacekg/_bundled``
    (not for editable installs, which read the checkout itself)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "peacekg" / "_bundled"
        shutil.rmtree(target, ignore_errors=True)
        for folder in GRAPH_FOLDERS:
            source = here / folder
            if not (source / ".").is_dir():
                raise SystemExit(f"error: {source} is missing; build the wheel from a checkout or an sdist")
            for path in sorted(source.rglob("*")):
                if path.is_file() and path.suffix in GRAPH_SUFFIXES:
                    dest = target / path.relative_to(here)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, dest)


setup(cmdclass={"build_py": BuildPyWithGraph})
