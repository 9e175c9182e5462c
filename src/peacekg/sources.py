"""Finding and parsing the project's sources: ontology, data, shapes, queries.

Parsing never half-succeeds: a syntax error raises :class:`SourceError` naming
the file and line, and nothing is added to any store.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

#: File suffixes understood as RDF sources, mapped to their pyoxigraph format.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

#: The file in ``ontology/`` that holds SHACL shapes rather than ontology axioms.
SHAPES_FILE = "shapes.ttl"


class SourceError(Exception):
    """A source file could not be read or parsed."""

    def __init__(self, path: Path, message: str, line: int | None = None, column: int | None = None):
        self.path, self.line, self.column, self.message = path, line, column, message
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Project:
    """The folders of a peacekg checkout."""

    root: Path

    @property
    def ontology_files(self) -> list[Path]:
        return sorted(p for p in _rdf_files(self.root / "ontology") if p.name != SHAPES_FILE)

    @property
    def data_files(self) -> list[Path]:
        return sorted(_rdf_files(self.root / "data"))

    @property
    def shapes_file(self) -> Path:
        return self.root / "ontology" / SHAPES_FILE

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def cache_dir(self) -> Path:
        return Path(os.environ.get("PEACEKG_CACHE", self.root / ".peacekg-cache"))

    def source_files(self) -> list[Path]:
        """Every file whose content determines the built graph."""
        return [*self.ontology_files, *self.data_files, self.shapes_file]

    def fingerprint(self, salt: str = "") -> str:
        """A digest of the sources' names and contents: the build cache key."""
        digest = hashlib.sha256(salt.encode())
        for path in self.source_files():
            digest.update(str(path.relative_to(self.root)).encode() + b"\0")
            with open(path, "rb") as stream:  # streamed: a large source never sits in memory whole
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
            digest.update(b"\0")
        return digest.hexdigest()[:20]


def _rdf_files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.suffix in RDF_FORMATS and path.is_file():
                yield path


def find_project(start: Path | None = None) -> Project:
    """Locate the project: ``$PEACEKG_PROJECT``, else the nearest folder upwards
    from ``start`` (default: the working directory) holding ``ontology/peacekg.ttl``,
    else the checkout this package was installed from."""
    if env := os.environ.get("PEACEKG_PROJECT"):
        return Project(Path(env).resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology" / "peacekg.ttl").is_file():
            return Project(folder)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "ontology" / "peacekg.ttl").is_file():
        return Project(checkout)
    raise SourceError(here, "no peacekg project found (no ontology/peacekg.ttl here or above); set PEACEKG_PROJECT")


def as_project(project: Project | Path | str | None) -> Project:
    """A Project from a folder, or the one found from the working directory."""
    if isinstance(project, Project):
        return project
    if project is None:
        return find_project()
    return Project(Path(project).resolve())


def parse_file(path: Path, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> list[ox.Quad]:
    """Parse one RDF file into quads in ``graph``, or raise :class:`SourceError`."""
    fmt = RDF_FORMATS.get(path.suffix)
    if fmt is None:
        raise SourceError(path, f"unknown RDF file type {path.suffix!r}; known: {', '.join(RDF_FORMATS)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, exc.strerror or str(exc)) from exc
    return parse_bytes(data, fmt, path, graph)


def parse_bytes(
    data: bytes, fmt: ox.RdfFormat, path: Path, graph: ox.NamedNode | ox.DefaultGraph | None = None
) -> list[ox.Quad]:
    """Parse RDF bytes; errors name ``path`` and the line."""
    try:
        quads = list(ox.parse(data, format=fmt))
    except SyntaxError as exc:
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        raise SourceError(path, message, exc.lineno, exc.offset) from exc
    if graph is None:
        return quads
    return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]
