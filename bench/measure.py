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


def load_peacekg(path: str) -> dict:
    """KnowledgeGraph from the file with the project's ontology and queries,
    no reasoning, no validation."""
    from peacekg.loading import load_files

    started = time.perf_counter()
    kg = load_files([path], _project(), reasoning=None)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": kg.backend.triple_count(), "rss_mb": _rss_mb()}


# -- reasoning -----------------------------------------------------------------


def _inferred_digest(store: ox.Store) -> tuple[int, str]:
    from peacekg.namespaces import INFERRED_GRAPH

    lines = sorted(str(ox.Triple(q.subject, q.predicate, q.object)) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def closure(path: str, engine: str) -> dict:
    """OWL RL closure time with ``engine`` ('sparql' or 'rl'), and a digest of
    what it inferred so that the engines can be compared."""
    from peacekg.loading import load_files, rl_closure_into, sparql_closure

    kg = load_files([path], _project(), reasoning=None)
    store = kg.backend.store
    started = time.perf_counter()
    (sparql_closure if engine == "sparql" else rl_closure_into)(store)
    seconds = time.perf_counter() - started
    count, digest = _inferred_digest(store)
    return {"seconds": seconds, "inferred": count, "digest": digest, "rss_mb": _rss_mb()}


# -- validation ----------------------------------------------------------------


def _violations_digest(report) -> str:
    from dataclasses import astuple

    lines = sorted(repr(astuple(v)) for v in report.violations)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def shacl(path: str, engine: str, inject: bool = False) -> dict:
    """SHACL validation time with ``engine`` ('sparql' or 'pyshacl') of the
    data (with injected errors when ``inject``)."""
    from peacekg.loading import validate_store
    from peacekg.namespaces import DATA_GRAPH

    from .errors import inject as inject_errors

    project = _project()
    if inject:
        from peacekg.loading import load_ontology

        triples = inject_errors(list(ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)))
        store = ox.Store()
        load_ontology(store, project)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(DATA_GRAPH)) for t in triples)
    else:
        from peacekg.loading import load_files

        store = load_files([path], project, reasoning=None).backend.store
    started = time.perf_counter()
    report = validate_store(store, project, engine=engine)
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
    """Load with the SPARQL closure; then, per stored query, the median time
    through KnowledgeGraph.query and on the bare pyoxigraph store (same store,
    the same text with the same VALUES binding), and on an rdflib Graph of the
    same triples when ``rdflib_timeout`` > 0 (prepared once; a query over the
    timeout is reported as such)."""
    from peacekg.catalog import with_values
    from peacekg.loading import load_files

    from .generate import Scenario

    started = time.perf_counter()
    kg = load_files([path], _project(), reasoning="sparql")
    out: dict = {"load_seconds": time.perf_counter() - started, "timings": kg.info.timings, "triples": kg.backend.triple_count()}
    out["inferred"] = kg.info.graphs
    store = kg.backend.store
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


# -- entry point for child processes -------------------------------------------

MEASUREMENTS = {f.__name__: f for f in (load_bare, load_peacekg, closure, shacl, queries)}


def main(argv: list[str]) -> None:
    name, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else []
    result = MEASUREMENTS[name](*args)
    sys.stdout.write("\n@@RESULT@@" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
