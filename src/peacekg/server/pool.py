"""Running SPARQL queries under a time limit and a result cap.

pyoxigraph cannot cancel a query, and a thread cannot be stopped, so each query
runs in one of a few **worker processes** that open the store read-only. The
server waits for the answer until the deadline; past it, it kills the worker
(SIGKILL frees the CPU at once) and starts a fresh one, so a runaway query costs
one worker for at most ``query_timeout`` seconds and never blocks other requests
for longer. A job still running after ``short_after`` seconds becomes *long*:
its worker gets a lower CPU priority and a stand-in is started, so long jobs
never hold the workers short ones need; at most ``long_limit`` run at once. Workers count rows or triples while they iterate and stop at
``max_results + 1``, so a huge result is refused before it is serialised.
Workers die with the server: a watchdog thread in each notices when its
parent is gone. Unless the server allows federation, a worker cannot open an
Internet socket at all (:mod:`.sandbox`), so no query makes it call out.

The pool can move to another store while it serves (:meth:`QueryPool.switch`):
workers on the new store start first, then take over; the old ones finish the
job they hold and are stopped, so no request fails because of the move.

A job is a plain dict and an answer a plain tuple, so they cross the pipe cheaply:

* ``("ok", kind, format, body)``: ``kind`` is ``"results"`` (SELECT/ASK) or
  ``"graph"`` (CONSTRUCT/DESCRIBE), ``body`` the serialised bytes;
* ``("error", reason, message)`` with ``reason`` one of ``"syntax"``,
  ``"too-many-results"``, ``"not-acceptable"``, ``"failed"``.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

#: The reasons a job can fail, as the worker reports them.
SYNTAX, TOO_MANY, NOT_ACCEPTABLE, FAILED = "syntax", "too-many-results", "not-acceptable", "failed"


class QueryTimeout(Exception):
    """The query ran past the time limit; its worker was killed."""


class PoolBusy(Exception):
    """Every worker stayed busy for longer than the wait limit."""


class PoolClosed(Exception):
    """The pool was closed (the server is shutting down)."""


class QueryFailed(Exception):
    """The worker refused the query (syntax, cap, format) or died."""

    def __init__(self, reason: str, message: str):
        self.reason, self.message = reason, message
        super().__init__(message)


@dataclass(frozen=True)
class Answer:
    kind: str  # "results" or "graph"
    format: str
    body: bytes


# -- the worker process ----------------------------------------------------


def _die_with_parent() -> None:
    """Exit when the server process is gone. (Not PR_SET_PDEATHSIG: it fires when
    the *thread* that started the worker ends, and workers are started from
    short-lived threads.) pyoxigraph releases the GIL while it evaluates, so this
    thread runs even during a runaway query."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()


def worker_main(store_path: str, conn, network: bool = False) -> None:
    """Serve jobs from ``conn`` on the store at ``store_path`` until the pipe
    closes; without ``network`` the process cannot open Internet sockets."""
    if not network:
        from .sandbox import forbid_network

        forbid_network()  # before any other thread starts, so that all inherit it
    _die_with_parent()
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = run_job(store, job)
        except Exception as exc:  # noqa: BLE001 (logged by the server, never shown to the client, never fatal)
            answer = ("error", FAILED, f"{type(exc).__name__}: {exc}")
        conn.send(answer)


def run_job(store, job: dict[str, Any]) -> tuple:
    """Run one query job on ``store`` (also usable in-process, e.g. in tests)."""
    import pyoxigraph as ox

    from ..formats import serialize_graph
    from ..namespaces import PREFIXES

    options: dict[str, Any] = {"prefixes": PREFIXES}
    if job.get("default_graphs") or job.get("named_graphs"):
        # The protocol's dataset replaces the query's FROM / FROM NAMED and the union.
        options["default_graph"] = [ox.NamedNode(g) for g in job.get("default_graphs") or []] or ox.DefaultGraph()
        if job.get("named_graphs"):
            options["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    elif not job.get("query_dataset"):
        # Without a dataset from the protocol or the query, the default graph is
        # the union. (pyoxigraph's union flag would also override FROM, so it is
        # left off when the query has FROM / FROM NAMED.)
        options["use_default_graph_as_union"] = True
    try:
        result = store.query(job["query"], **options)
    except SyntaxError as exc:
        return ("error", SYNTAX, str(exc))
    cap = job["max_results"]
    if isinstance(result, ox.QueryBoolean):
        fmt = job["result_format"]
        if fmt is None:
            return ("error", NOT_ACCEPTABLE, "results")
        return ("ok", "results", fmt, _serialize_boolean(bool(result), fmt))
    if isinstance(result, ox.QuerySolutions):
        fmt = job["result_format"]
        if fmt is None:
            return ("error", NOT_ACCEPTABLE, "results")
        variables = [v.value for v in result.variables]
        rows = []
        for solution in result:
            rows.append(tuple(solution))
            if len(rows) > cap:
                return ("error", TOO_MANY, f"the query returns more than {cap} rows; add a LIMIT or narrow it down")
        return ("ok", "results", fmt, _serialize_solutions(variables, rows, fmt))
    fmt = job["graph_format"]
    if fmt is None:
        return ("error", NOT_ACCEPTABLE, "graph")
    triples = []
    for triple in result:
        triples.append(triple)
        if len(triples) > cap:
            return ("error", TOO_MANY, f"the query returns more than {cap} triples; add a LIMIT or narrow it down")
    return ("ok", "graph", fmt, serialize_graph(triples, fmt))


def _term_json(term) -> dict[str, Any]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {"subject": _term_json(term.subject), "predicate": _term_json(term.predicate), "object": _term_json(term.object)},
    }


def _serialize_solutions(variables: list[str], rows: list[tuple], fmt: str) -> bytes:
    """Rows already read (to count them) in a SPARQL results format. JSON is
    written here; the other formats by pyoxigraph from that JSON."""
    import pyoxigraph as ox

    from ..formats import serialize_results

    document = {
        "head": {"vars": variables},
        "results": {
            "bindings": [{v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        },
    }
    data = json.dumps(document, ensure_ascii=False).encode()
    if fmt == "json":
        return data
    return serialize_results(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON), fmt)


def _serialize_boolean(value: bool, fmt: str) -> bytes:
    import pyoxigraph as ox

    from ..formats import serialize_results

    data = json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "json":
        return data
    return serialize_results(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON), fmt)


# -- the pool, in the server process ----------------------------------------


class _Worker:
    def __init__(self, context, store_path: str, generation: int, network: bool):
        self.generation = generation
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(store_path, child, network), daemon=True,
                                       name="peacekg-query-worker")
        self.process.start()
        child.close()
        self._ready = False
        self._killed = False
        self._kill_lock = threading.Lock()

    def wait_ready(self, timeout: float = 60.0) -> None:
        if not self._ready:
            if not self.conn.poll(timeout):
                raise RuntimeError("a query worker did not start")
            message = self.conn.recv()
            if message != ("ready",):
                raise RuntimeError(f"a query worker failed to start: {message}")
            self._ready = True

    def kill(self) -> None:
        """Stop the worker and close its pipe, once: a request thread and the
        shutdown may both ask at the same moment (closing the pipe twice fails)."""
        with self._kill_lock:
            if self._killed:
                return
            self._killed = True
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class AnswerCache:
    """A least-recently-used map from jobs to successful answers, bounded in
    bytes. Safe because the store does not change while the server runs."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.size = max_bytes, 0
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: str) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            return answer

    def put(self, key: str, answer: Answer) -> None:
        cost = len(answer.body) + len(key)
        if cost > self.max_bytes // 8:  # never let one answer crowd out the rest
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self.size += cost
            while self.size > self.max_bytes:
                old_key, old = self._answers.popitem(last=False)
                self.size -= len(old.body) + len(old_key)


class QueryPool:
    """A fixed number of worker processes over one store on disk (which
    :meth:`switch` may replace while the pool serves)."""

    def __init__(self, store_path: str, size: int, *, timeout: float, wait_limit: float, cache_bytes: int = 0,
                 network: bool = False, short_after: float = 1.0, long_limit: int | None = None):
        self.store_path, self.size, self.timeout, self.wait_limit = store_path, size, timeout, wait_limit
        #: A job still running after ``short_after`` s is *long*: its worker is
        #: handed over to it (lower CPU priority, an extra worker started in its
        #: place), so long jobs never take the ``size`` workers short ones use.
        #: At most ``long_limit`` long jobs run at once; past that one is stopped (503).
        self.short_after = min(short_after, timeout)
        self.long_limit = size if long_limit is None else long_limit
        self._long = 0
        self.network = network
        self.cache_bytes = cache_bytes
        self.cache = AnswerCache(cache_bytes)
        #: Which store the workers serve: bumped by each switch.
        self.generation = 0
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        self._closed = False
        #: Counters for the logs and the tests: jobs run, killed past the deadline, refused as busy.
        self.stats = {"jobs": 0, "timeouts": 0, "busy": 0, "long": 0, "long_refused": 0}

    def start(self) -> None:
        workers = [self._spawn(self.store_path, self.generation) for _ in range(self.size)]
        for worker in workers:
            worker.wait_ready()
            self._idle.put(worker)

    def switch(self, store_path: str) -> None:
        """Serve ``store_path`` from now on: start a full set of workers on it,
        and only when every one is ready let them take over. Idle old workers
        stop at once, busy ones when their job is done. Raises (and keeps the old
        store) if the new workers cannot start."""
        generation = self.generation + 1
        fresh = [self._spawn(store_path, generation) for _ in range(self.size)]
        try:
            for worker in fresh:
                worker.wait_ready()
        except Exception:
            for worker in fresh:
                self._discard(worker)
            raise
        with self._lock:
            self.store_path, self.generation = store_path, generation
            self.cache = AnswerCache(self.cache_bytes)
        for worker in fresh:
            self._idle.put(worker)
        idle = []
        while True:  # stop the old idle workers now rather than when next taken
            try:
                idle.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in idle:
            if worker.generation == generation:
                self._idle.put(worker)
            else:
                self._discard(worker)

    def workers_of(self, generation: int) -> int:
        """How many workers (idle or busy) still serve the store of ``generation``."""
        with self._lock:
            return sum(1 for w in self._all if w.generation == generation)

    def _spawn(self, store_path: str, generation: int) -> _Worker:
        worker = _Worker(self._context, store_path, generation, self.network)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _release(self, worker: _Worker) -> None:
        """A worker back from a job: idle again, or stopped if its store was replaced."""
        if self._closed or worker.generation != self.generation:
            self._discard(worker)
        else:
            self._idle.put(worker)

    def _replace(self, dead: _Worker) -> None:
        self._discard(dead)
        self._add_worker(dead.generation)

    def _add_worker(self, generation: int) -> None:
        """Start one more worker on the current store, in the background."""
        if self._closed or generation != self.generation:
            return
        store_path = self.store_path

        def start_fresh() -> None:
            try:
                fresh = self._spawn(store_path, generation)
                fresh.wait_ready()
            except Exception:  # noqa: BLE001 (try again on the next failure)
                return
            self._release(fresh)

        threading.Thread(target=start_fresh, daemon=True).start()

    def _take(self) -> _Worker:
        """A live idle worker on the current store (dead or outdated ones found
        idle are dealt with on the way)."""
        deadline = time.monotonic() + self.wait_limit
        while True:
            if self._closed:
                raise PoolClosed("the server is shutting down; try again later")
            left = deadline - time.monotonic()
            if left <= 0:
                self.stats["busy"] += 1
                raise PoolBusy(f"all {self.size} query workers stayed busy for {self.wait_limit:g} s; try again later")
            try:
                worker = self._idle.get(timeout=min(left, 0.25))
            except queue.Empty:
                continue
            if worker.generation != self.generation or self._closed:
                self._discard(worker)
            elif worker.process.is_alive():
                return worker
            else:
                self._replace(worker)

    def run(self, job: dict[str, Any]) -> Answer:
        """The answer to a job: from the cache when the same job was answered
        before, else from a free worker (blocking: call it from a thread)."""
        key = json.dumps(job, sort_keys=True)
        cache = self.cache
        cached = cache.get(key)
        if cached is not None:
            return cached
        answer, generation = self._run_on_worker(job)
        if generation == self.generation and cache is self.cache:  # never keep an answer from a replaced store
            cache.put(key, answer)
        return answer

    def _run_on_worker(self, job: dict[str, Any]) -> tuple[Answer, int]:
        worker: _Worker | None = self._take()
        generation = worker.generation
        self.stats["jobs"] += 1
        long = False
        try:
            worker.conn.send(job)
            done = worker.conn.poll(self.short_after)
            if not done:
                long = self._make_long(worker)  # raises PoolBusy past the limit of long jobs
                done = worker.conn.poll(max(0.0, self.timeout - self.short_after))
            if not done:
                self.stats["timeouts"] += 1
                if long:
                    self._discard(worker)  # its stand-in already works
                else:
                    self._replace(worker)
                worker = None
                raise QueryTimeout(f"the query ran past the time limit of {self.timeout:g} s and was stopped")
            answer = worker.conn.recv()
        except (EOFError, OSError):
            if worker is not None:
                self._discard(worker) if long else self._replace(worker)
                worker = None
            if self._closed:
                raise PoolClosed("the server is shutting down; try again later") from None
            raise QueryFailed(FAILED, "the query worker died while running the query") from None
        except PoolBusy:
            worker = None
            raise
        finally:
            if long:
                with self._lock:
                    self._long -= 1
            if worker is not None:
                # A long job's worker runs at low priority and has a stand-in: it retires.
                self._discard(worker) if long else self._release(worker)
        if answer[0] == "ok":
            return Answer(answer[1], answer[2], answer[3]), generation
        raise QueryFailed(answer[1], answer[2])

    def _make_long(self, worker: _Worker) -> bool:
        """The job on ``worker`` outlived ``short_after``: hand the worker over to
        it (start a stand-in, lower its priority), or stop it if too many long
        jobs run already. True when it became long."""
        with self._lock:
            admitted = self._long < self.long_limit
            if admitted:
                self._long += 1
        if not admitted:
            self.stats["long_refused"] += 1
            self._replace(worker)
            raise PoolBusy(f"{self.long_limit} long-running queries are running already, so this one was stopped "
                           f"after {self.short_after:g} s; try again later")
        self.stats["long"] += 1
        try:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 10)
        except OSError:
            pass
        self._add_worker(worker.generation)
        return True

    def close(self) -> None:
        """Stop every worker; jobs in flight and requests waiting end with PoolClosed."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
