"""Building the graph: parse every source into named graphs, add the OWL RL
closure, validate, and keep the result in a cache keyed by the sources' content
so that later commands skip all of it when nothing changed."""
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

from .namespaces import DATA_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
from .derive import derive_mandate_facts
from .loading import sparql_closure
from .sources import Project, parse_file
from .shacl_sparql import validate_store
from .validate import ValidationReport

#: Bump when the build's output changes for the same sources.
BUILD_FORMAT = "1"


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

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


@dataclass
class Sources:
    """Parsed sources: the quads of each named graph, and the shapes."""

    ontology: list[ox.Quad]
    data: list[ox.Quad]
    shapes: list[ox.Quad]


def parse_sources(project: Project) -> Sources:
    """Parse every source file; the first syntax error raises SourceError."""
    ontology_graph, data_graph = ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(DATA_GRAPH)
    ontology = [q for path in project.ontology_files for q in parse_file(path, ontology_graph)]
    data = [q for path in project.data_files for q in parse_file(path, data_graph)]
    shapes = parse_file(project.shapes_file, ox.DefaultGraph())
    return Sources(ontology, data, shapes)


#: Told each build stage as it ends: (stage name, seconds it took).
Progress = Callable[[str, float], None]


def build_in_memory(project: Project, progress: Progress | None = None) -> tuple[ox.Store, BuildInfo, ValidationReport]:
    """Parse, reason and validate into a new in-memory store."""
    store = ox.Store()
    info, report = _build_into(store, project, progress=progress)
    return store, info, report


def _build_into(
    store: ox.Store, project: Project, *, on_disk: bool = False, progress: Progress | None = None
) -> tuple[BuildInfo, ValidationReport]:
    """Build into ``store``. The work is done in memory (rule updates on an
    on-disk store are ten times slower); an on-disk ``store`` receives the
    result in one bulk write ("persist")."""
    timings: dict[str, float] = {}
    started = clock = time.perf_counter()
    sources = parse_sources(project)
    timings["parse"] = time.perf_counter() - clock
    _tell(progress, "parse", timings)

    clock = time.perf_counter()
    work = ox.Store() if on_disk else store
    work.bulk_extend(sources.ontology + sources.data)
    timings["load"] = time.perf_counter() - clock
    _tell(progress, "load", timings)

    # The OWL 2 RL closure runs as SPARQL rules on the store itself (linear in
    # the data, the same triples as `reasonable`; tests/test_reason.py checks it),
    # after the mandate-derived facts, which it may extend.
    clock = time.perf_counter()
    inferred_graph = ox.NamedNode(INFERRED_GRAPH)
    work.bulk_extend([ox.Quad(t.subject, t.predicate, t.object, inferred_graph) for t in derive_mandate_facts(work)])
    sparql_closure(work)
    timings["reason"] = time.perf_counter() - clock
    _tell(progress, "reason", timings)

    clock = time.perf_counter()
    report = validate_store(work, sources.shapes)
    timings["validate"] = time.perf_counter() - clock
    _tell(progress, "validate", timings)

    if on_disk:
        clock = time.perf_counter()
        store.bulk_extend(work.quads_for_pattern(None, None, None, None))
        del work
        timings["persist"] = time.perf_counter() - clock
        _tell(progress, "persist", timings)

    graphs = {
        name: sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        for name in (ONTOLOGY_GRAPH, DATA_GRAPH, INFERRED_GRAPH)
    }
    info = BuildInfo(
        key=cache_key(project),
        graphs=graphs,
        sources=[str(p.relative_to(project.root)) for p in project.source_files()],
        seconds=time.perf_counter() - started,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        conforms=report.conforms,
        violation_count=len(report.violations),
        timings=timings,
    )
    return info, report


#: Modules whose code decides what a build contains; their text is part of the cache key.
_BUILD_MODULES = ("build.py", "derive.py", "loading.py", "reason.py", "validate.py", "shacl_sparql.py", "sources.py", "terms.py", "namespaces.py")


def _tell(progress: Progress | None, stage: str, timings: dict[str, float]) -> None:
    if progress is not None:
        progress(stage, timings[stage])


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


def cached_build(project: Project, *, rebuild: bool = False, progress: Progress | None = None) -> CachedBuild:
    """The cached build for the current sources, building it first if needed.
    The cache folder appears atomically (built aside, then renamed)."""
    key = cache_key(project)
    root = project.cache_dir
    target = CachedBuild(root / key)
    if target.folder.is_dir() and not rebuild:
        return target
    root.mkdir(parents=True, exist_ok=True)
    with _build_lock(root, progress):
        # Another process may have built it while this one waited for the lock.
        if target.folder.is_dir() and not rebuild:
            return target
        _remove_interrupted_builds(root)
        return _build_to_cache(project, key, target, progress)


@contextmanager
def _build_lock(root: Path, progress: Progress | None = None) -> Iterator[None]:
    """An exclusive lock on the cache folder, so that commands started together
    on a cold cache build once: the first builds, the others wait and reuse it."""
    with open(root / ".lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waited = time.perf_counter()
            fcntl.flock(handle, fcntl.LOCK_EX)
            if progress is not None:
                progress("wait for another build", time.perf_counter() - waited)
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
        info, report = _build_into(store, project, on_disk=True, progress=progress)
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
