"""Finding and parsing the project's sources: ontology, data, shapes, queries.

Parsing never half-succeeds: a syntax error raises :class:`SourceError` naming
the file and line, and nothing is added to any store.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from .errors import PeacekgError

#: File suffixes understood as RDF sources, mapped to their pyoxigraph format.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

#: Formats whose statements may name their own graph.
QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
#: Formats with one statement per line, so that lines read count statements.
LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)

#: The SHACL shapes, kept apart from ``ontology/`` so that nothing that loads the
#: ontology folder (Protégé, ROBOT, the OWL API) takes them for OWL axioms.
SHAPES_FILE = "shapes/shapes.ttl"


class SourceError(PeacekgError):
    """A source file could not be read or parsed."""

    def __init__(self, path: Path, message: str, line: int | None = None, column: int | None = None):
        self.path, self.line, self.column, self.message = path, line, column, message
        shown = _shown_path(path)
        where = f"{shown}:{line}:{column}" if line is not None else shown
        super().__init__(f"{where}: {message}")


def _shown_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when
    inside it (``data/norms.ttl``), else as given."""
    try:
        return str(Path(path).relative_to(Path.cwd())) if Path(path).is_absolute() else str(path)
    except (ValueError, OSError):
        return str(path)


#: Named graphs of files added with ``peacekg load`` live under this IRI.
LOADED_GRAPH_BASE = "https://w3id.org/peacekg/graph/loaded/"


@dataclass(frozen=True)
class LoadedSource:
    """An outside file added to the project's graph (``peacekg load``), and
    the named graph it goes into."""

    path: Path
    graph: str


@dataclass(frozen=True)
class Project:
    """The folders of a peacekg checkout. ``loaded`` lists the outside files in
    the graph; None (the default) reads them from the manifest that
    ``peacekg load`` keeps. ``home``, when set, is where the build cache and that
    manifest go instead of the project's own folder (for the graph bundled in the
    installed package, whose folder may be read-only)."""

    root: Path
    loaded: tuple[LoadedSource, ...] | None = None
    home: Path | None = None

    def with_loaded(self, loaded: tuple[LoadedSource, ...]) -> Project:
        """The same project with this list of outside files."""
        return replace(self, loaded=loaded)

    @property
    def bundled(self) -> bool:
        """Whether this is the graph bundled in the installed package."""
        return self.home is not None

    @property
    def ontology_files(self) -> list[Path]:
        return sorted(_rdf_files(self.root / "ontology"))

    @property
    def data_files(self) -> list[Path]:
        return sorted(_rdf_files(self.root / "data"))

    @property
    def shapes_file(self) -> Path:
        return self.root / SHAPES_FILE

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def cache_dir(self) -> Path:
        if env := os.environ.get("PEACEKG_CACHE"):
            return Path(env)
        return self.home / "build" if self.home is not None else self.root / ".peacekg-cache"

    @property
    def loaded_manifest(self) -> Path:
        """The list of outside files added with ``peacekg load`` (JSON)."""
        return (self.home if self.home is not None else self.root / ".peacekg") / "loaded.json"

    @property
    def loaded_sources(self) -> list[LoadedSource]:
        if self.loaded is not None:
            return list(self.loaded)
        try:
            entries = json.loads(self.loaded_manifest.read_text())
        except FileNotFoundError:
            entries = []
        except (OSError, ValueError) as exc:
            raise SourceError(self.loaded_manifest, f"cannot read the list of loaded files: {exc}") from exc
        return [LoadedSource(Path(e["path"]), e["graph"]) for e in entries]

    def source_files(self) -> list[Path]:
        """Every file whose content determines the built graph."""
        return [*self.ontology_files, *self.data_files, self.shapes_file, *(s.path for s in self.loaded_sources)]

    def source_name(self, path: Path) -> str:
        """A source's name as builds record it: relative to the project, or
        absolute for a loaded file outside it."""
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)

    def fingerprint(self, salt: str = "") -> str:
        """A digest of the sources' names and contents: the build cache key.
        Each file's content digest is streamed (never the whole file in memory)
        and remembered by size and modification time, so large loaded files are
        read once, not by every command."""
        digest = hashlib.sha256(salt.encode())
        known = _DigestMemo(self.cache_dir / "digests.json")
        for path in self.source_files():
            digest.update(self.source_name(path).encode() + b"\0" + known.digest(path).encode() + b"\0")
        known.save()
        return digest.hexdigest()[:20]


class _DigestMemo:
    """Content digests of files, reused while a file's size, modification time
    and inode are unchanged. Small files (the curated sources) are always hashed."""

    SMALL = 4 << 20

    def __init__(self, path: Path):
        self.path, self.changed = path, False
        try:
            self.entries: dict[str, list] = json.loads(path.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def digest(self, path: Path) -> str:
        try:
            stat = path.stat()
        except OSError as exc:
            raise SourceError(path, exc.strerror or str(exc)) from exc
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        key = str(path.resolve())
        if stat.st_size >= self.SMALL and (entry := self.entries.get(key)) and entry[:3] == stamp:
            return entry[3]
        sha = hashlib.sha256()
        with open(path, "rb") as stream:  # streamed: a large source never sits in memory whole
            while chunk := stream.read(1 << 20):
                sha.update(chunk)
        if stat.st_size >= self.SMALL:
            self.entries[key], self.changed = [*stamp, sha.hexdigest()], True
        return sha.hexdigest()

    def save(self) -> None:
        if self.changed:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                scratch = self.path.with_suffix(f".{os.getpid()}.tmp")
                scratch.write_text(json.dumps(self.entries))
                os.replace(scratch, self.path)
            except OSError:
                pass  # a read-only cache only costs a re-hash next time


def loaded_source(path: Path | str, graph: str | None = None) -> LoadedSource:
    """An outside file to load, checked (it exists, its format is known), into
    ``graph`` or a graph named after the file."""
    path = Path(path).resolve()
    rdf_format(path)
    if not path.is_file():
        raise SourceError(path, "no such file")
    if graph is None:
        graph = LOADED_GRAPH_BASE + re.sub(r"[^A-Za-z0-9._-]+", "-", path.name)
    elif not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|^`\\]+", graph):
        raise SourceError(path, f"graph name {graph!r} is not an absolute IRI")
    return LoadedSource(path, graph)


def write_loaded_sources(project: Project, sources: list[LoadedSource]) -> None:
    """Replace the manifest of loaded files, atomically."""
    manifest = project.loaded_manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    scratch = manifest.with_suffix(f".{os.getpid()}.tmp")
    scratch.write_text(json.dumps([{"path": str(s.path), "graph": s.graph} for s in sources], indent=2) + "\n")
    os.replace(scratch, manifest)


def _rdf_files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.suffix in RDF_FORMATS and path.is_file():  # (sources are never gzipped)
                yield path


#: The file whose presence makes a folder a peacekg project.
MARKER = Path("ontology") / "peacekg.ttl"


def is_project(folder: Path) -> bool:
    """Whether ``folder`` holds a peacekg project (``ontology/peacekg.ttl``)."""
    return (folder / MARKER).is_file()


def bundled_root() -> Path | None:
    """The graph's sources shipped inside the installed package (the wheel
    copies them into ``peacekg/_bundled``), or None in a checkout."""
    root = Path(__file__).resolve().parent / "_bundled"
    return root if is_project(root) else None


def user_cache_dir() -> Path:
    """The per-user cache folder for peacekg: ``$XDG_CACHE_HOME/peacekg`` (default
    ``~/.cache/peacekg``), ``~/Library/Caches/peacekg`` on macOS,
    ``%LOCALAPPDATA%\\peacekg\\Cache`` on Windows."""
    if sys.platform == "win32" and (local := os.environ.get("LOCALAPPDATA")):
        return Path(local) / "peacekg" / "Cache"
    if sys.platform == "darwin" and not os.environ.get("XDG_CACHE_HOME"):
        return Path.home() / "Library" / "Caches" / "peacekg"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "peacekg"


def find_project(start: Path | None = None) -> Project:
    """Locate the project, first found: ``$PEACEKG_PROJECT``; the nearest folder
    upwards from ``start`` (default: the working directory) holding
    ``ontology/peacekg.ttl``; the checkout this package was installed from
    (editable installs); the graph bundled in the installed package, whose build
    cache goes to :func:`user_cache_dir`."""
    if env := os.environ.get("PEACEKG_PROJECT"):
        return checked_project(env, "PEACEKG_PROJECT")
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return Project(folder)
    checkout = Path(__file__).resolve().parents[2]
    if is_project(checkout):
        return Project(checkout)
    if (bundled := bundled_root()) is not None:
        return Project(bundled, home=user_cache_dir() / "bundled")
    raise SourceError(here, "no peacekg project found (no ontology/peacekg.ttl here or above); use --project or set PEACEKG_PROJECT")


def checked_project(folder: Path | str, given_as: str = "the project folder") -> Project:
    """The project in ``folder``, or :class:`SourceError` saying what ``given_as``
    (``--project``, ``PEACEKG_PROJECT``) should point at instead."""
    root = Path(folder).expanduser().resolve()
    if not root.is_dir():
        raise SourceError(root, f"{given_as} points at {'a file' if root.exists() else 'nothing'}, not a peacekg project folder")
    if not is_project(root):
        raise SourceError(root, f"{given_as} is not a peacekg project (it has no {MARKER}); point it at a peacekg checkout")
    return Project(root)


def as_project(project: Project | Path | str | None) -> Project:
    """A Project from a folder (checked), or the one found from the working directory."""
    if isinstance(project, Project):
        return project
    if project is None:
        return find_project()
    return checked_project(project)


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file from its suffix (``.gz`` after it is allowed)."""
    suffix = Path(path.stem).suffix if path.suffix == ".gz" else path.suffix
    fmt = RDF_FORMATS.get(suffix)
    if fmt is None:
        known = ", ".join(RDF_FORMATS)
        raise SourceError(path, f"unknown RDF file type {path.name!r}; known suffixes: {known} (each may end in .gz)")
    return fmt


@dataclass
class ReadProgress:
    """How far the reading of one file has got."""

    path: Path
    bytes_read: int
    total_bytes: int
    statements: int | None  # lines read, for line-based formats; None otherwise
    seconds: float
    done: bool = False


#: Told, a few times a second and once at the end, how a file's reading advances.
OnRead = Callable[[ReadProgress], None]


class _CountingReader(io.RawIOBase):
    """A binary reader that counts the (compressed) bytes and the (decompressed)
    lines that pass through it and reports them every ``interval`` seconds."""

    def __init__(self, path: Path, fmt: ox.RdfFormat, on_read: OnRead | None, interval: float = 0.25):
        self.path, self.on_read, self.interval = path, on_read, interval
        self.raw = open(path, "rb")
        self.total = os.fstat(self.raw.fileno()).st_size
        self.stream = gzip.GzipFile(fileobj=self.raw) if path.suffix == ".gz" else self.raw
        head = self.stream.read(len(BOM))
        self.pending = b"" if head == BOM else head  # a UTF-8 byte-order mark is not RDF
        self.count_lines = fmt in LINE_FORMATS
        self.lines = 0
        self.started = self.last = time.perf_counter()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        if self.pending:
            data, self.pending = self.pending[: len(view)], self.pending[len(view):]
        else:
            data = self.stream.read(len(view))
        view[: len(data)] = data
        if self.count_lines:
            self.lines += data.count(b"\n")
        if self.on_read is not None and (now := time.perf_counter()) - self.last >= self.interval:
            self.last = now
            self.report()
        return len(data)

    def report(self, done: bool = False) -> None:
        if self.on_read is not None:
            self.on_read(ReadProgress(
                self.path, self.raw.tell() if not self.raw.closed else self.total, self.total,
                self.lines if self.count_lines else None, time.perf_counter() - self.started, done,
            ))

    def close(self) -> None:
        if self.stream is not self.raw:
            self.stream.close()
        self.raw.close()
        super().close()


def load_file(
    store: ox.Store, path: Path, graph: ox.NamedNode | ox.DefaultGraph, on_read: OnRead | None = None
) -> None:
    """Stream one RDF file (gzip allowed) into ``graph`` of ``store`` with the
    bulk loader: no Python object per statement. Statements of quad formats are
    put in ``graph`` too. A syntax error raises :class:`SourceError` with the file
    and line; the caller discards the store it loaded into (it is scratch)."""
    fmt = rdf_format(path)
    try:
        reader = _CountingReader(path, fmt, on_read)
    except OSError as exc:
        raise SourceError(path, exc.strerror or str(exc)) from exc
    try:
        with reader:
            if fmt in QUAD_FORMATS:
                _load_quads_into(store, io.BufferedReader(reader, 1 << 20), fmt, graph)
            else:
                store.bulk_load(input=io.BufferedReader(reader, 1 << 20), format=fmt, to_graph=graph)
            reader.report(done=True)
    except SyntaxError as exc:
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        raise SourceError(path, message, exc.lineno, exc.offset) from exc
    except MemoryError as exc:
        raise SourceError(path, _too_large(exc)) from None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise SourceError(path, f"cannot read: {exc}") from exc


#: The UTF-8 byte-order mark some editors put first in a file; dropped when reading.
BOM = b"\xef\xbb\xbf"


def _too_large(exc: MemoryError) -> str:
    """pyoxigraph's parser refuses one token (a literal, an IRI) or line over 16 MB."""
    if limit := re.search(r"maximal size of (\d+)", str(exc)):
        return (f"a single value (literal or IRI) is longer than {int(limit.group(1)) >> 20} MB, the parser's limit; "
                "shorten it or keep it outside the graph and link to it")
    return f"out of memory while parsing ({exc})"


def _load_quads_into(store: ox.Store, stream: io.BufferedReader, fmt: ox.RdfFormat, graph, chunk: int = 100_000) -> None:
    """Quads re-homed into ``graph``, in chunks (the bulk loader keeps their own graphs)."""
    batch: list[ox.Quad] = []
    for quad in ox.parse(stream, format=fmt):
        batch.append(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
        if len(batch) >= chunk:
            store.bulk_extend(batch)
            batch = []
    store.bulk_extend(batch)


def parse_file(path: Path, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> list[ox.Quad]:
    """Parse one RDF file into quads in ``graph``, or raise :class:`SourceError`."""
    fmt = rdf_format(path)
    try:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except OSError as exc:
        raise SourceError(path, exc.strerror or str(exc)) from exc
    return parse_bytes(data, fmt, path, graph)


def parse_bytes(
    data: bytes, fmt: ox.RdfFormat, path: Path, graph: ox.NamedNode | ox.DefaultGraph | None = None
) -> list[ox.Quad]:
    """Parse RDF bytes; errors name ``path`` and the line."""
    try:
        quads = list(ox.parse(data.removeprefix(BOM), format=fmt))
    except SyntaxError as exc:
        message = str(exc.msg if hasattr(exc, "msg") else exc)
        raise SourceError(path, message, exc.lineno, exc.offset) from exc
    except MemoryError as exc:
        raise SourceError(path, _too_large(exc)) from None
    if graph is None:
        return quads
    return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]
