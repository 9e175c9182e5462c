"""The build pipeline, the one path every command, the Python API, the server
and the benchmarks take: sources -> load -> derive and close -> validate and
check consistency -> persist (store and search index), kept in a cache keyed by
the sources' content so that later commands skip all of it.

Stages live in their own modules: :mod:`peacekg.sources` (finding and streaming
files), :mod:`peacekg.derive` (mandate facts, normative force), :mod:`peacekg.closure` (OWL 2 RL),
:mod:`peacekg.shacl_sparql` (SHACL), :mod:`peacekg.fulltext` (search index);
this module runs them in order and keeps the result.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from .closure import sparql_closure
from .derive import derive_facts
from .errors import CacheError
from .fulltext import FullTextIndex
from .namespaces import DATA_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
from .reason import clashes_in
from .shacl_sparql import validate_store
from .sources import OnRead, Project, load_file, parse_file
from .store import graph_size
from .validate import ValidationReport

#: Bump when the build's output changes for the same sources.
BUILD_FORMAT = "2"


@dataclass
class BuildInfo:
    """What a build produced."""

    key: str
    graphs: dict[str, int]
    sources: list[str]
    seconds: float
    built_at: str
    conforms: bool
    violation_count: int
    cached: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    #: Resources in two disjoint classes (after the closure): the graph is inconsistent.
    clashes: list[str] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


@dataclass
class Sources:
    """Parsed sources: the quads of each named graph, and the shapes (for
    small projects and tests; the build streams files instead)."""

    ontology: list[ox.Quad]
    data: list[ox.Quad]
    shapes: list[ox.Quad]


def parse_sources(project: Project) -> Sources:
    """Parse every source file into Python quads; the first syntax error raises SourceError."""
    ontology_graph, data_graph = ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(DATA_GRAPH)
    ontology = [q for path in project.ontology_files for q in parse_file(path, ontology_graph)]
    data = [q for path in project.data_files for q in parse_file(path, data_graph)]
    shapes = parse_file(project.shapes_file, ox.DefaultGraph())
    return Sources(ontology, data, shapes)


@dataclass
class Progress:
    """What a build tells as it runs: each stage as it ends (name, seconds),
    and the reading of each file (see :class:`peacekg.sources.ReadProgress`)."""

    stage: Callable[[str, float], None] | None = None
    reading: OnRead | None = None


def as_progress(progress: Progress | Callable[[str, float], None] | None) -> Progress:
    """A Progress from a Progress, a stage callback or None."""
    if isinstance(progress, Progress):
        return progress
    return Progress(stage=progress)


def build_in_memory(
    project: Project, progress: Progress | Callable[[str, float], None] | None = None
) -> tuple[ox.Store, BuildInfo, ValidationReport, FullTextIndex]:
    """Run the pipeline into a new in-memory store; nothing is written."""
    store = ox.Store()
    info, report, index = run_pipeline(store, project, progress=as_progress(progress))
    return store, info, report, index


def run_pipeline(
    store: ox.Store, project: Project, *, folder: Path | None = None, progress: Progress | None = None,
    key: str | None = None,
) -> tuple[BuildInfo, ValidationReport, FullTextIndex]:
    """The pipeline, into ``store``. With ``folder`` (an on-disk build) the
    work is done in memory (rule updates on disk are ten times slower) and the
    result is written to ``store`` in one bulk load, the search index beside it."""
    progress = progress or Progress()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    loaded = project.loaded_sources
    data_graphs = (DATA_GRAPH, *dict.fromkeys(s.graph for s in loaded))

    with _stage("load", timings, progress):
        work = ox.Store() if folder is not None else store
        shapes = parse_file(project.shapes_file, ox.DefaultGraph())
        inputs = [(path, ONTOLOGY_GRAPH) for path in project.ontology_files]
        inputs += [(path, DATA_GRAPH) for path in project.data_files]
        inputs += [(source.path, source.graph) for source in loaded]
        for path, graph in inputs:
            load_file(work, path, ox.NamedNode(graph), progress.reading)

    # The derived facts (mandate facts, normative force) first: the closure may extend them.
    with _stage("reason", timings, progress):
        inferred = ox.NamedNode(INFERRED_GRAPH)
        work.bulk_extend([ox.Quad(t.subject, t.predicate, t.object, inferred) for t in derive_facts(work)])
        sparql_closure(work, data_graphs)

    # Persisting (a dump, then the on-disk store's bulk loader, both in Rust
    # without the GIL) runs beside validation and indexing, which only read.
    persist = _Persist(work, store, folder) if folder is not None else None
    try:
        with _stage("validate", timings, progress):
            report = validate_store(work, shapes, graphs=(*data_graphs, ONTOLOGY_GRAPH))
            clashes = clashes_in(work)
        with _stage("index", timings, progress):
            index = FullTextIndex.build(work, None if folder is None else folder / "search.sqlite")
        graphs = {name: graph_size(work, name) for name in (ONTOLOGY_GRAPH, *data_graphs, INFERRED_GRAPH)}
    finally:
        if persist is not None:
            persist.wait()
            # Its own duration: it ran at the same time as validate and index.
            timings["persist"] = persist.seconds
            if progress.stage is not None:
                progress.stage("persist", persist.seconds)
    del work

    info = BuildInfo(
        key=key or cache_key(project),
        graphs=graphs,
        sources=[project.source_name(p) for p in project.source_files()],
        seconds=time.perf_counter() - started,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        conforms=report.conforms,
        violation_count=len(report.violations),
        timings=timings,
        clashes=clashes,
    )
    return info, report, index


class _Persist:
    """Write a working store into the on-disk store in a background thread."""

    def __init__(self, work: ox.Store, store: ox.Store, folder: Path):
        import threading

        self.work, self.store, self.dump = work, store, folder / "graph.nq"
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._run, name="peacekg-persist", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        clock = time.perf_counter()
        try:
            self.work.dump(str(self.dump), format=ox.RdfFormat.N_QUADS)
            self.store.bulk_load(path=str(self.dump), format=ox.RdfFormat.N_QUADS)
        except BaseException as exc:  # re-raised in the caller's thread
            self.error = exc
        finally:
            self.dump.unlink(missing_ok=True)
            self.seconds = time.perf_counter() - clock

    def wait(self) -> None:
        self.thread.join()
        self.work = None
        if self.error is not None:
            raise self.error


@contextmanager
def _stage(name: str, timings: dict[str, float], progress: Progress) -> Iterator[None]:
    clock = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - clock
    if progress.stage is not None:
        progress.stage(name, timings[name])


#: Modules whose code decides what a build contains; their text is part of the cache key.
_BUILD_MODULES = ("build.py", "derive.py", "closure.py", "fulltext.py", "reason.py", "validate.py", "shacl_sparql.py", "sources.py", "terms.py", "namespaces.py")


def cache_key(project: Project) -> str:
    """Digest of the sources, the package version and the build code itself, so
    that neither an edited source nor a changed reasoner serves a stale build."""
    from . import __version__

    package = Path(__file__).resolve().parent
    code = hashlib.sha256(b"".join((package / name).read_bytes() for name in _BUILD_MODULES)).hexdigest()
    return project.fingerprint(salt=f"{__version__}/{BUILD_FORMAT}/{code}")


@dataclass
class CachedBuild:
    """A build kept on disk: the store, its info and its validation report."""

    folder: Path
    fresh: bool = False

    @property
    def store_path(self) -> Path:
        return self.folder / "store"

    def info(self) -> BuildInfo:
        data = json.loads((self.folder / "build.json").read_text())
        return BuildInfo(**{**data, "cached": not self.fresh})

    def report(self) -> ValidationReport:
        data = json.loads((self.folder / "validation.json").read_text())
        return ValidationReport.from_dict(data, (self.folder / "validation.ttl").read_text())

    def open_store(self) -> ox.Store:
        return ox.Store.read_only(str(self.store_path))

    def open_index(self) -> FullTextIndex:
        return FullTextIndex.open(self.folder / "search.sqlite")


def cached_build(
    project: Project, *, rebuild: bool = False, progress: Progress | Callable[[str, float], None] | None = None
) -> CachedBuild:
    """The cached build for the current sources, building it first if needed.
    The cache folder appears atomically (built aside, then renamed)."""
    key = cache_key(project)
    root = project.cache_dir
    target = CachedBuild(root / key)
    if target.folder.is_dir() and not rebuild:
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / ".lock").touch()
    except OSError as exc:
        raise CacheError(
            f"cannot write the build cache in {root} ({exc.strerror or exc}); "
            "make that folder writable or set PEACEKG_CACHE to a writable folder"
        ) from None
    with _build_lock(root, progress):
        # Another process may have built it while this one waited for the lock.
        if target.folder.is_dir() and not rebuild:
            return target
        _remove_interrupted_builds(root)
        return _build_to_cache(project, key, target, as_progress(progress))


@contextmanager
def _build_lock(root: Path, progress: Progress | Callable[[str, float], None] | None = None) -> Iterator[None]:
    """An exclusive lock on the cache folder, so that commands started together
    on a cold cache build once: the first builds, the others wait and reuse it."""
    with open(root / ".lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waited = time.perf_counter()
            fcntl.flock(handle, fcntl.LOCK_EX)
            progress = as_progress(progress)
            if progress.stage is not None:
                progress.stage("wait for another build", time.perf_counter() - waited)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_interrupted_builds(root: Path) -> None:
    """Scratch folders of builds that were killed. Only the lock holder builds,
    so under the lock every scratch folder left is an orphan."""
    for folder in root.glob(".build-*"):
        shutil.rmtree(folder, ignore_errors=True)


def _build_to_cache(project: Project, key: str, target: CachedBuild, progress: Progress | None = None) -> CachedBuild:
    root = target.folder.parent
    scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        store = ox.Store(str(scratch / "store"))
        info, report, index = run_pipeline(store, project, folder=scratch, progress=progress, key=key)
        index.close()
        store.flush()
        del store
        (scratch / "build.json").write_text(json.dumps(asdict(info), indent=2))
        (scratch / "validation.json").write_text(json.dumps(report.to_dict(), indent=2))
        (scratch / "validation.ttl").write_text(report.results_turtle)
        if target.folder.exists():
            _discard_build(target.folder, make_room=True)
        os.replace(scratch, target.folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _prune(root, keep=key)
    return CachedBuild(target.folder, fresh=True)


def _prune(root: Path, keep: str) -> None:
    """Drop cached builds of older sources."""
    for folder in root.iterdir():
        if folder.is_dir() and folder.name != keep and not folder.name.startswith(".build-"):
            _discard_build(folder)


#: A process that reads a cached build (``peacekg serve``) holds a shared lock on
#: this file in the build's folder (:func:`hold_build`); a folder whose lock is
#: held is never deleted (:func:`_discard_build`).
IN_USE_LOCK = "in-use.lock"


def hold_build(folder: Path):
    """Mark the cached build in ``folder`` as in use until the returned file is
    closed; None if the folder is gone or being removed."""
    lock = folder / IN_USE_LOCK
    try:
        handle = open(lock, "a+b")
    except OSError:
        return None
    fcntl.flock(handle, fcntl.LOCK_SH)  # waits while a removal holds it
    try:
        if (folder / "build.json").is_file() and os.path.samestat(os.fstat(handle.fileno()), os.stat(lock)):
            return handle
    except OSError:
        pass
    handle.close()
    return None


def _discard_build(folder: Path, make_room: bool = False) -> None:
    """Delete a cached build unless a process holds it (see :func:`hold_build`).
    One in use stays; with ``make_room`` it moves to a hidden name, which a later
    :func:`_prune` deletes once it is free. Moved before deletion, so a reader
    never takes a folder that is going away."""
    try:
        handle = open(folder / IN_USE_LOCK, "a+b")
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if make_room:
                os.replace(folder, folder.with_name(f".in-use-{folder.name}-{os.getpid()}-{time.monotonic_ns()}"))
            return
        aside = folder.with_name(f".removing-{folder.name}-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(folder, aside)
        shutil.rmtree(aside, ignore_errors=True)
