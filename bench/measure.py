"""The measurements, each a plain function returning a JSON-able dict. The
harness runs each in a child process (``python -m bench.measure NAME ARGS``)
so that peak memory (max RSS) belongs to that measurement alone; the smoke
test calls them directly."""
from __future__ import annotations

import hashlib
import json
import resource
import signal
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _project():
    from peacekg.sources import Project

    return Project(ROOT)


# -- loading -------------------------------------------------------------------


def load_bare(path: str) -> dict:
    """pyoxigraph's own bulk load of the file into a fresh in-memory store."""
    started = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://w3id.org/peacekg/graph/data"))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": len(store), "rss_mb": _rss_mb()}


def project_for(path: str) -> Path:
    """A peacekg project whose data/ holds the generated file (a symbolic
    link), with this checkout's ontology and queries; kept under bench/data/
    so that the query measurements reuse its build."""
    import shutil

    folder = Path(path).with_suffix(".project")
    if not (folder / "ontology").is_dir():
        scratch = folder.with_suffix(".tmp")
        shutil.rmtree(scratch, ignore_errors=True)
        (scratch / "data").mkdir(parents=True)
        shutil.copytree(ROOT / "ontology", scratch / "ontology")
        shutil.copytree(ROOT / "shapes", scratch / "shapes")
        shutil.copytree(ROOT / "queries", scratch / "queries")
        (scratch / "data" / "synthetic.nt").symlink_to(Path(path).resolve())
        scratch.rename(folder)
    return folder


def _peacekg_command() -> str:
    exe = Path(sys.executable).parent / "peacekg"
    return str(exe) if exe.exists() else "peacekg"


_LAUNCHER = """
import json, resource, subprocess, sys, time
clock = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"seconds": time.perf_counter() - clock, "exit": proc.returncode,
                  "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stderr": proc.stderr[-300:]}))
"""


def run_measured(command: list[str], env: dict) -> dict:
    """Wall time and peak RSS of one whole process (measured by a launcher
    whose only child it is); raises on exit codes other than 0 and 1."""
    import subprocess

    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *command], env=env, capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout)
    if result["exit"] not in (0, 1):
        raise RuntimeError(f"{' '.join(command[:3])}: exit {result['exit']}: {result['stderr']}")
    return result


def build_peacekg(path: str) -> dict:
    """The user's path, whole process: ``peacekg build --rebuild --quiet`` on a
    project whose data/ is the file; wall time, peak RSS of that process, and
    the stage times the build recorded."""
    import os
    import subprocess

    folder = project_for(path)
    env = {**os.environ, "PEACEKG_PROJECT": str(folder), "PEACEKG_CACHE": str(folder / ".peacekg-cache")}
    run = run_measured([_peacekg_command(), "build", "--rebuild", "--quiet"], env)
    info = json.loads(next((folder / ".peacekg-cache").glob("*/build.json")).read_text())
    return {"seconds": run["seconds"], "rss_mb": run["rss_mb"], "timings": info["timings"], "graphs": info["graphs"],
            "triples": sum(info["graphs"].values()), "conforms": info["conforms"], "project": str(folder)}


def _store_with(path: str) -> ox.Store:
    """An in-memory store with the project's ontology and the file as data,
    loaded by the build's own stage function."""
    from peacekg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
    from peacekg.sources import load_file

    store = ox.Store()
    for source in _project().ontology_files:
        load_file(store, source, ox.NamedNode(ONTOLOGY_GRAPH))
    load_file(store, Path(path), ox.NamedNode(DATA_GRAPH))
    return store


# -- reasoning -----------------------------------------------------------------


def _inferred_digest(store: ox.Store) -> tuple[int, str]:
    from peacekg.namespaces import INFERRED_GRAPH

    lines = sorted(str(ox.Triple(q.subject, q.predicate, q.object)) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def closure(path: str, engine: str) -> dict:
    """OWL RL closure time with ``engine`` ('sparql' or 'rl'), and a digest of
    what it inferred so that the engines can be compared."""
    from peacekg.closure import sparql_closure

    store = _store_with(path)
    started = time.perf_counter()
    (sparql_closure if engine == "sparql" else _rl_closure_into)(store)
    seconds = time.perf_counter() - started
    count, digest = _inferred_digest(store)
    return {"seconds": seconds, "inferred": count, "digest": digest, "rss_mb": _rss_mb()}


def _rl_closure_into(store: ox.Store) -> None:
    """``reasonable``'s closure of the ontology and data graphs into the inferred graph."""
    from peacekg.namespaces import DATA_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
    from peacekg.reason import rl_closure

    asserted = [q for g in (ONTOLOGY_GRAPH, DATA_GRAPH) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))]
    inferred = ox.NamedNode(INFERRED_GRAPH)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, inferred) for t in rl_closure(asserted))


# -- validation ----------------------------------------------------------------


def _violations_digest(report) -> str:
    from dataclasses import astuple

    lines = sorted(repr(astuple(v)) for v in report.violations)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def shacl(path: str, engine: str, inject: bool = False) -> dict:
    """SHACL validation time with ``engine`` ('sparql' or 'pyshacl') of the
    data (with injected errors when ``inject``)."""
    from peacekg.namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
    from peacekg.sources import parse_file

    from .errors import inject as inject_errors

    project = _project()
    if inject:
        store = _store_with(path)
        store.remove_graph(ox.NamedNode(DATA_GRAPH))
        triples = inject_errors(list(ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)))
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(DATA_GRAPH)) for t in triples)
    else:
        store = _store_with(path)
    shapes = parse_file(project.shapes_file)
    started = time.perf_counter()
    if engine == "sparql":
        from peacekg.shacl_sparql import validate_store

        report = validate_store(store, shapes)
    else:
        from peacekg.validate import validate

        report = validate(
            store.quads_for_pattern(None, None, None, ox.NamedNode(DATA_GRAPH)),
            store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)),
            shapes,
        )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "violations": len(report.violations),
        "digest": _violations_digest(report),
        "components": sorted({v.component or "" for v in report.violations}),
        "rss_mb": _rss_mb(),
    }


# -- queries -------------------------------------------------------------------


def canonical_rows(variables: list[str], rows) -> list[tuple[str, ...]]:
    """Rows as sorted tuples of plain strings, comparable across engines:
    terms by value, and the parts of GROUP_CONCAT-like cells sorted (their
    order is unspecified in SPARQL)."""

    def cell(term) -> str:
        if term is None:
            return ""
        # rdflib terms by their lexical form (their .value is a Python value).
        text = str(term) if hasattr(term, "n3") else str(term.value if hasattr(term, "value") else term)
        if hasattr(term, "datatype") and str(getattr(term.datatype, "value", term.datatype)).endswith(("#decimal", "#double", "#float")):
            try:
                number = float(text)
                text = str(int(number)) if number.is_integer() else repr(number)
            except ValueError:
                pass
        for separator in ("; ", ", "):
            if separator in text:
                text = separator.join(sorted(text.split(separator)))
        return text

    return sorted(tuple(cell(t) for t in row) for row in rows)


def _digest(rows) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout


def queries(path: str, rdflib_timeout: float = 0.0, budget: float = 2.0) -> dict:
    """The built project (``peacekg build`` of the file, as users run it) opened
    with KnowledgeGraph.load; per stored query, the median time through
    KnowledgeGraph.query on that on-disk store, and of the same text (same
    VALUES binding) on a bare in-memory pyoxigraph store holding the same
    quads, and on an rdflib Graph of them when ``rdflib_timeout`` > 0
    (prepared once; a query over the timeout is reported as such)."""
    from peacekg.api import KnowledgeGraph
    from peacekg.catalog import with_values
    from peacekg.sources import Project

    from .generate import Scenario

    folder = project_for(path)
    import os

    started = time.perf_counter()
    with _cache_of(folder):
        kg = KnowledgeGraph.load(Project(folder))
    out: dict = {"load_seconds": time.perf_counter() - started, "timings": kg.info.timings, "triples": kg.backend.triple_count()}
    out["inferred"] = kg.info.graphs
    store = ox.Store()
    store.bulk_extend(kg.backend.store.quads_for_pattern(None, None, None, None))
    params = Scenario().params()
    results: dict[str, dict] = {}
    for name, stored in kg.catalog.items():
        p = params.get(name, {})
        text = with_values(stored.text, stored.bind(p))

        def peacekg_run():
            return kg.query(name, **p)

        def bare_run():
            result = store.query(text, use_default_graph_as_union=True)
            return [v.value for v in result.variables], [tuple(s) for s in result]

        answer = peacekg_run()
        bare_vars, bare_rows = bare_run()
        same = canonical_rows(answer.variables, answer.rows) == canonical_rows(bare_vars, bare_rows)
        peacekg_times, bare_times = [], []
        spent = 0.0
        while len(peacekg_times) < 3 or (spent < budget and len(peacekg_times) < 50):
            clock = time.perf_counter()
            peacekg_run()
            middle = time.perf_counter()
            bare_run()
            end = time.perf_counter()
            peacekg_times.append(middle - clock)
            bare_times.append(end - middle)
            spent += end - clock
            if spent > 4 * budget:
                break
        results[name] = {
            "rows": len(answer.rows),
            "peacekg": statistics.median(peacekg_times),
            "bare": statistics.median(bare_times),
            "same_bare": same,
            "digest": _digest(canonical_rows(bare_vars, bare_rows)),
            "runs": len(peacekg_times),
        }
    out["rss_mb_oxigraph"] = _rss_mb()
    if rdflib_timeout > 0:
        out["rdflib"] = _rdflib_queries(store, kg, params, results, rdflib_timeout)
    out["queries"] = results
    out["rss_mb"] = _rss_mb()
    return out


def _rdflib_queries(store: ox.Store, kg, params: dict, results: dict, timeout: float) -> dict:
    import rdflib
    from rdflib.plugins.sparql import prepareQuery

    from peacekg.catalog import with_values
    from peacekg.namespaces import PREFIXES

    started = time.perf_counter()
    graph = rdflib.Graph()
    data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)), format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data, format="nt")
    info = {"load_seconds": time.perf_counter() - started, "triples": len(graph)}
    signal.signal(signal.SIGALRM, _on_alarm)
    for name, stored in kg.catalog.items():
        text = with_values(stored.text, stored.bind(params.get(name, {})))
        prepared = prepareQuery(text, initNs=PREFIXES)
        times, answer = [], None
        try:
            while len(times) < 3:
                signal.setitimer(signal.ITIMER_REAL, timeout)
                clock = time.perf_counter()
                result = graph.query(prepared)
                rows = [tuple(row) for row in result]
                times.append(time.perf_counter() - clock)
                signal.setitimer(signal.ITIMER_REAL, 0)
                answer = canonical_rows([str(v) for v in result.vars], rows)
                if sum(times) > timeout:
                    break
        except _Timeout:
            results[name]["rdflib"] = None
            results[name]["rdflib_timeout"] = timeout
            continue
        except Exception as exc:  # rdflib's own failures are reported, not fatal
            results[name]["rdflib"] = None
            results[name]["rdflib_error"] = f"{type(exc).__name__}: {exc}"[:120]
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        results[name]["rdflib"] = statistics.median(times)
        results[name]["same_rdflib"] = _digest(answer) == results[name]["digest"]
    return info


# -- the user's next steps on a built project ------------------------------------


def _cache_of(folder: Path):
    """Open the project's own cache (the one its build wrote), whatever
    $PEACEKG_CACHE says, and leave the environment as it was."""
    import os
    from contextlib import contextmanager

    @contextmanager
    def scope():
        saved = os.environ.pop("PEACEKG_CACHE", None)
        try:
            yield
        finally:
            if saved is not None:
                os.environ["PEACEKG_CACHE"] = saved

    return scope()


def _built(path: str) -> tuple[Path, dict]:
    import os

    folder = project_for(path)
    env = {**os.environ, "PEACEKG_PROJECT": str(folder), "PEACEKG_CACHE": str(folder / ".peacekg-cache")}
    return folder, env


def search(path: str, runs: int = 20) -> dict:
    """``search`` on the built project: the full-text index (KnowledgeGraph.search)
    beside the stored query's CONTAINS scan on the same store, median ms."""
    import os

    from peacekg.api import KnowledgeGraph
    from peacekg.sources import Project

    folder, env = _built(path)
    with _cache_of(folder):
        kg = KnowledgeGraph.load(Project(folder))
    stored = kg.catalog["search"]
    out = {}
    for text in ("liberia", "mission", "S/RES/1509"):
        index_times, scan_times = [], []
        hits = scan = None
        for _ in range(runs):
            clock = time.perf_counter()
            hits = kg.search(text, 50)
            middle = time.perf_counter()
            scan = list(kg.backend.run(stored.text, stored.bind({"text": text})))
            end = time.perf_counter()
            index_times.append(middle - clock)
            scan_times.append(end - middle)
            if end - clock > 10:
                break
        out[text] = {"index": statistics.median(index_times), "scan": statistics.median(scan_times),
                     "index_rows": len(hits.rows), "scan_rows": len(scan)}
    return out


def _wall(command: list[str], env: dict, runs: int) -> float:
    import subprocess

    times = []
    for _ in range(runs):
        clock = time.perf_counter()
        proc = subprocess.run(command, env=env, capture_output=True)
        times.append(time.perf_counter() - clock)
        if proc.returncode not in (0, 1):
            raise RuntimeError(proc.stderr.decode()[-300:])
    return statistics.median(times)


_BARE_QUERY = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
for row in store.query(sys.argv[2], use_default_graph_as_union=True):
    print(*row)
"""


def query_process(path: str, runs: int = 5) -> dict:
    """Whole processes on the built project: ``peacekg query mission`` beside a
    bare Python script that opens the same on-disk store with pyoxigraph and runs
    the same text (median wall time)."""
    import sys as _sys

    from peacekg.catalog import Catalog, with_values

    from .generate import Scenario

    folder, env = _built(path)
    store_path = next((folder / ".peacekg-cache").glob("*/store"))
    stored = Catalog.from_folder(folder / "queries")["mission"]
    params = Scenario().params()["mission"]
    text = with_values(stored.text, stored.bind(params))
    peacekg = _wall([_peacekg_command(), "query", "mission", *[a for k, v in params.items() for a in ("--param", f"{k}={v}")]], env, runs)
    bare = _wall([_sys.executable, "-c", _BARE_QUERY, str(store_path), "PREFIX peacekg: <https://w3id.org/peacekg/ontology#>\n" + text], env, runs)
    return {"peacekg": peacekg, "bare": bare}


def commands(path: str) -> dict:
    """What a user runs after the build, whole process, once each (build cached):
    ``validate``, ``stats``, ``report --no-data`` and ``report``, ``release``."""
    import tempfile

    folder, env = _built(path)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in {
            "validate": ["validate"],
            "stats": ["stats"],
            "report": ["report", "--fail-on", "none"],
            "release": ["release", "--out", str(Path(tmp) / "release")],
        }.items():
            try:
                out[name] = run_measured([_peacekg_command(), *args], env)
            except RuntimeError as exc:
                out[name] = {"error": str(exc)}
    return out


def load_into_curated(path: str) -> dict:
    """``peacekg load FILE`` into a copy of this checkout's curated project (built
    first), whole process, beside pyoxigraph's bulk_load of the same file."""
    import os
    import shutil
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="peacekg-load-"))
    try:
        for folder in ("ontology", "shapes", "data", "queries"):
            shutil.copytree(ROOT / folder, work / folder)
        env = {key: value for key, value in os.environ.items() if key != "PEACEKG_CACHE"}
        env["PEACEKG_PROJECT"] = str(work)
        run_measured([_peacekg_command(), "build", "-q"], env)
        out = {"bare": load_bare(path), "load": run_measured([_peacekg_command(), "load", "-q", path], env)}
        info = json.loads(next((work / ".peacekg-cache").glob("*/build.json")).read_text())
        out["graphs"], out["timings"] = info["graphs"], info["timings"]
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- entry point for child processes -------------------------------------------

MEASUREMENTS = {f.__name__: f for f in (load_bare, build_peacekg, closure, shacl, queries, search, query_process, commands, load_into_curated)}


def main(argv: list[str]) -> None:
    name, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else []
    result = MEASUREMENTS[name](*args)
    sys.stdout.write("\n@@RESULT@@" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
