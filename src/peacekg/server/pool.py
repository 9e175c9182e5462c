"""Running SPARQL queries under a time limit and a result cap.

pyoxigraph cannot cancel a query, and a thread cannot be stopped, so each query
runs in one of a few **worker processes** that open the store read-only. The
server waits for the answer until the deadline; past it, it kills the worker
(SIGKILL frees the CPU at once) and starts a fresh one, so a runaway query costs
one worker for at most ``query_timeout`` seconds and never blocks other requests
for longer. The pool schedules jobs on the server's event loop over three
lanes (see :class:`QueryPool`): short jobs on normal workers, long ones on
workers handed over at lower CPU priority with a ready spare taking their
place, and jobs known to answer within a couple of milliseconds in the server
process itself. Workers count rows or triples while they iterate and stop at
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

import asyncio
import concurrent.futures
import json
import multiprocessing
import os
import threading
import time
from collections import OrderedDict, deque
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
    try:
        os.nice(WORKER_NICENESS)  # the server's own thread answers first (pages, fast lookups)
    except OSError:
        pass
    _die_with_parent()
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        clock = time.thread_time()
        try:
            answer = run_job(store, job)
        except Exception as exc:  # noqa: BLE001 (logged by the server, never shown to the client, never fatal)
            answer = ("error", FAILED, f"{type(exc).__name__}: {exc}")
        if answer[0] == "ok":
            answer += (time.thread_time() - clock,)  # the CPU the job took, for the in-process lane
        conn.send(answer)


def run_job(store, job: dict[str, Any], *, known_size: bool = False) -> tuple:
    """Run one query job on ``store`` (also usable in-process, e.g. in tests).
    With ``known_size`` (the same job answered within the cap before, on the
    same store) SELECT results are written by pyoxigraph without counting rows."""
    import pyoxigraph as ox

    from ..formats import serialize_graph, serialize_results
    from ..namespaces import PREFIXES

    # Handing over the prefixes costs about 0.1 ms: only when the query uses them.
    options: dict[str, Any] = {"prefixes": PREFIXES} if job.get("prefixes", True) else {}
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
        if known_size:
            return ("ok", "results", fmt, serialize_results(result, fmt))
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

    def signal_kill(self) -> None:
        """SIGKILL the worker without waiting or closing the pipe: a job waiting
        on the pipe then reads end-of-file and ends."""
        try:
            if self.process.is_alive():
                self.process.kill()
        except (OSError, ValueError):
            pass

    def kill(self) -> None:
        """Stop the worker, wait for it and close its pipe, once: two threads
        may ask at the same moment (closing the pipe twice fails)."""
        with self._kill_lock:
            if self._killed:
                return
            self._killed = True
        self.signal_kill()
        self.process.join(timeout=5)
        self.conn.close()


class AnswerCache:
    """A least-recently-used map from jobs to successful answers, bounded in
    bytes. Safe because the store does not change while the server runs (a new
    build gets a new cache). Each entry is charged its key, its body and
    :data:`ENTRY_OVERHEAD` for the Python objects around them, so many tiny
    answers cannot hold several times the bound."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.size = max_bytes, 0
        self._answers: OrderedDict[tuple | str, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    @staticmethod
    def cost(key: tuple | str, answer: Answer) -> int:
        text = key if isinstance(key, str) else key[0]
        return len(answer.body) + len(text) + ENTRY_OVERHEAD

    def get(self, key: tuple | str) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            return answer

    def put(self, key: tuple | str, answer: Answer) -> None:
        cost = self.cost(key, answer)
        if cost > self.max_bytes // 8:  # never let one answer crowd out the rest
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self.size += cost
            while self.size > self.max_bytes:
                old_key, old = self._answers.popitem(last=False)
                self.size -= self.cost(old_key, old)


#: CPU niceness of the workers: a little below the server process, whose one
#: thread answers pages and fast lookups, so a busy pool cannot slow those.
WORKER_NICENESS = 2

#: The CPU niceness of a worker in the long lane: enough for short jobs to come
#: first, not so much that a long job starves on a machine busy with other work.
LONG_NICENESS = 7

#: Bytes charged per cached answer beyond its key and body: the dict slot, the
#: Answer object and the headers of its str and bytes (measured: about 350).
ENTRY_OVERHEAD = 400


class _Memo:
    """A bounded set of job keys, oldest forgotten first."""

    def __init__(self, limit: int):
        self.limit = limit
        self._keys: OrderedDict[tuple, None] = OrderedDict()

    def __contains__(self, key: tuple) -> bool:
        return key in self._keys

    def add(self, key: tuple) -> None:
        self._keys[key] = None
        self._keys.move_to_end(key)
        while len(self._keys) > self.limit:
            self._keys.popitem(last=False)

    def discard(self, key: tuple) -> None:
        self._keys.pop(key, None)

    def clear(self) -> None:
        self._keys.clear()


class QueryPool:
    """Worker processes over one store on disk (which :meth:`switch` may
    replace while the pool serves), scheduled on one asyncio event loop.

    The request handlers ``await`` :meth:`arun` on the server's loop; nothing
    waits in a thread, so a query costs the server one pipe write and one read.
    :meth:`run` is the same for callers outside the loop (tests, scripts).

    Three lanes keep slow or hostile queries from starving the rest:

    * **short**: ``size`` workers at normal priority run every new job;
    * **long**: a job still running after ``short_after`` seconds hands its
      worker over to the long lane (lower CPU priority) and a ready *spare*
      takes its place at once; at most ``long_limit`` long jobs run at once
      and at most ``long_per_client`` for one client, else the job is stopped
      (503). A job once seen to be long is remembered and goes straight to the
      long lane next time, never holding a short worker;
    * **here**: a job once answered within ``fast_limit`` seconds (a lookup)
      runs in the server process itself on the next request: the same query on
      the same store costs the same, and such a job is cheaper than the hop
      to a worker. A run that turns out slower leaves the lane for good.
    """

    def __init__(self, store_path: str, size: int, *, timeout: float, wait_limit: float, cache_bytes: int = 0,
                 network: bool = False, short_after: float = 0.5, long_limit: int | None = None,
                 long_per_client: int | None = None, spares: int = 1, fast_limit: float = 0.002):
        self.store_path, self.size, self.timeout, self.wait_limit = store_path, size, timeout, wait_limit
        self.short_after = min(short_after, timeout)
        self.long_limit = max(1, 2 * size) if long_limit is None else long_limit
        self.long_per_client = max(1, self.long_limit // 2) if long_per_client is None else long_per_client
        self.spares, self.fast_limit = spares, fast_limit
        self.network = network
        self.cache_bytes = cache_bytes
        self.cache = AnswerCache(cache_bytes)
        #: Which store the workers serve: bumped by each switch.
        self.generation = 0
        self._context = multiprocessing.get_context("spawn")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._private_loop: threading.Thread | None = None
        self._idle: deque[_Worker] = deque()
        self._spare: deque[_Worker] = deque()
        self._long_idle: deque[_Worker] = deque()  # long-lane workers between jobs (low priority)
        self._waiters: deque[asyncio.Future] = deque()
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        self._long = 0
        self._long_by_client: dict[str, int] = {}
        self._slow, self._fast = _Memo(4096), _Memo(4096)  # job keys
        self._here: tuple[int, Any] | None = None
        self._closed = False
        #: Counters for the logs and the tests.
        self.stats = {"jobs": 0, "timeouts": 0, "busy": 0, "long": 0, "long_refused": 0, "here": 0}

    # -- the event loop ------------------------------------------------------

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Schedule on ``loop`` (the server's); call before :meth:`start`."""
        self._loop = loop

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        """The loop jobs are scheduled on: the server's, or a private one started
        on first use by callers outside any server."""
        if self._loop is None:
            loop = asyncio.new_event_loop()
            self._private_loop = threading.Thread(target=loop.run_forever, daemon=True, name="peacekg-pool-loop")
            self._private_loop.start()
            self._loop = loop
        return self._loop

    def _on_loop(self, function, *args) -> None:
        """Run ``function(*args)`` on the loop thread and wait for it."""
        loop = self._ensure_loop()
        try:
            running_here = asyncio.get_running_loop() is loop
        except RuntimeError:
            running_here = False
        if running_here:
            function(*args)
            return
        done: concurrent.futures.Future = concurrent.futures.Future()

        def call() -> None:
            try:
                done.set_result(function(*args))
            except BaseException as exc:  # noqa: BLE001 (handed to the caller)
                done.set_exception(exc)

        loop.call_soon_threadsafe(call)
        done.result()

    # -- starting, switching, stopping ----------------------------------------

    def start(self) -> None:
        """Start the workers and spares and wait until they are ready (blocking)."""
        self._ensure_loop()
        workers = [self._spawn(self.store_path, self.generation) for _ in range(self.size + self.spares)]
        for worker in workers:
            worker.wait_ready()
        self._on_loop(self._adopt, workers[: self.size], workers[self.size:])

    def _adopt(self, workers: list[_Worker], spares: list[_Worker]) -> None:
        for worker in workers:
            self._put_idle(worker)
        self._spare.extend(spares)

    def switch(self, store_path: str) -> None:
        """Serve ``store_path`` from now on: start a full set of workers on it,
        and only when every one is ready let them take over. Idle old workers
        stop at once, busy ones when their job is done. Raises (and keeps the old
        store) if the new workers cannot start. Call it from a thread, not the loop."""
        generation = self.generation + 1
        fresh = [self._spawn(store_path, generation) for _ in range(self.size + self.spares)]
        try:
            for worker in fresh:
                worker.wait_ready()
        except Exception:
            for worker in fresh:
                self._discard(worker)
            raise

        def take_over() -> None:
            self.store_path, self.generation = store_path, generation
            self.cache = AnswerCache(self.cache_bytes)
            self._slow.clear()
            self._fast.clear()
            self._here = None
            old = list(self._idle) + list(self._spare) + list(self._long_idle)
            self._idle.clear()
            self._spare.clear()
            self._long_idle.clear()
            for worker in old:
                self._discard(worker)
            self._adopt(fresh[: self.size], fresh[self.size:])

        self._on_loop(take_over)

    def workers_of(self, generation: int) -> int:
        """How many workers (idle, spare or busy) still serve the store of ``generation``."""
        with self._lock:
            return sum(1 for w in self._all if w.generation == generation)

    def close(self) -> None:
        """Stop every worker; jobs in flight and requests waiting end with PoolClosed."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.signal_kill()  # a job in flight sees its pipe close and answers "shutting down"
        loop = self._loop
        if loop is not None and loop.is_running():
            def wake() -> None:
                while self._waiters:
                    waiter = self._waiters.popleft()
                    if not waiter.done():
                        waiter.set_result(None)
            loop.call_soon_threadsafe(wake)
        for worker in workers:
            worker.process.join(timeout=5)
        if self._private_loop is not None and loop is not None:
            loop.call_soon_threadsafe(loop.stop)

    # -- workers ---------------------------------------------------------------

    def _spawn(self, store_path: str, generation: int) -> _Worker:
        worker = _Worker(self._context, store_path, generation, self.network)
        with self._lock:
            self._all.add(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        """Stop a worker without waiting for it (the reaper thread joins it)."""
        with self._lock:
            self._all.discard(worker)
        worker.signal_kill()
        _REAPER.submit(worker.kill)

    def _put_idle(self, worker: _Worker) -> None:
        """(loop) A ready worker: to the first request waiting, else idle; stopped
        if the pool closed or its store was replaced."""
        if self._closed or worker.generation != self.generation:
            self._discard(worker)
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _start_worker(self, generation: int, *, spare: bool) -> None:
        """Start one more worker on the current store in the background; it joins
        the spares or the short lane when ready."""
        if self._closed or generation != self.generation:
            return
        store_path, loop = self.store_path, self._loop

        def start_fresh() -> None:
            try:
                fresh = self._spawn(store_path, generation)
                fresh.wait_ready()
            except Exception:  # noqa: BLE001 (a later loss starts another)
                return
            loop.call_soon_threadsafe(self._welcome, fresh, spare)

        threading.Thread(target=start_fresh, daemon=True, name="peacekg-start-worker").start()

    def _welcome(self, worker: _Worker, spare: bool) -> None:
        if spare and not self._closed and worker.generation == self.generation:
            self._spare.append(worker)
        else:
            self._put_idle(worker)

    def _replace(self, dead: _Worker) -> None:
        """(loop) A short-lane worker is lost: stop it and start its successor."""
        self._discard(dead)
        self._start_worker(dead.generation, spare=False)

    async def _take(self) -> _Worker:
        """(loop) A live idle worker on the current store, waiting up to ``wait_limit``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait_limit
        while True:
            if self._closed:
                raise PoolClosed("the server is shutting down; try again later")
            worker = self._idle.popleft() if self._idle else None
            if worker is None:
                left = deadline - loop.time()
                if left <= 0:
                    self.stats["busy"] += 1
                    raise PoolBusy(f"all {self.size} query workers stayed busy for {self.wait_limit:g} s; try again later")
                waiter = loop.create_future()
                self._waiters.append(waiter)
                timer = loop.call_later(left, _settle, waiter, None)
                try:
                    worker = await waiter
                except asyncio.CancelledError:
                    if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                        self._put_idle(waiter.result())
                    raise
                finally:
                    timer.cancel()
                if worker is None:
                    continue
            if worker.generation != self.generation or self._closed:
                self._discard(worker)
            elif worker.process.is_alive():
                return worker
            else:
                self._replace(worker)

    # -- running jobs ------------------------------------------------------------

    def run(self, job: dict[str, Any], client: str = "") -> Answer:
        """:meth:`arun` for callers outside the event loop (blocking)."""
        loop = self._ensure_loop()
        return asyncio.run_coroutine_threadsafe(self.arun(job, client), loop).result()

    async def arun(self, job: dict[str, Any], client: str = "") -> Answer:
        """The answer to a job: from the cache when the same job was answered
        before, else from the lane its cost calls for. ``client`` names who asks
        (an address), for the limit of long jobs per client."""
        key = job_key(job)
        cache = self.cache
        cached = cache.get(key)
        if cached is not None:
            return cached
        generation = self.generation
        if key in self._fast:
            answer = self._run_here(job, key, generation)
        else:
            answer = await self._run_on_worker(job, key, client)
        if generation == self.generation and cache is self.cache:  # never keep an answer from a replaced store
            cache.put(key, answer)
        return answer

    def _run_here(self, job: dict[str, Any], key: tuple, generation: int) -> Answer:
        """(loop) Run a job known to be fast in the server process."""
        if self._here is None or self._here[0] != generation:
            import pyoxigraph as ox

            self._here = (generation, ox.Store.read_only(self.store_path))
        self.stats["here"] += 1
        clock = time.thread_time()
        reply = run_job(self._here[1], job, known_size=True)
        if time.thread_time() - clock > 4 * self.fast_limit:
            self._fast.discard(key)
        return _answer(reply)

    async def _run_on_worker(self, job: dict[str, Any], key: tuple, client: str) -> Answer:
        known_slow = key in self._slow
        if known_slow:
            self._admit_long(client, None)  # raises PoolBusy when the long lane is full
            worker = self._long_worker()
            if worker is None:
                if worker is not None:
                    self._discard(worker)
                try:  # no long-lane worker ready: borrow a short worker, and start its successor
                    worker = await self._take()
                except BaseException:
                    self._leave_long(client)
                    raise
                self._start_worker(self.generation, spare=False)
            _lower_priority(worker)
        else:
            worker = await self._take()
        self.stats["jobs"] += 1
        long = known_slow
        try:
            worker.conn.send(job)
            done = await _readable(worker, self.timeout if long else self.short_after)
            if not done and not long:
                self._admit_long(client, worker)  # raises PoolBusy when the long lane is full
                long = True
                self._slow.add(key)
                done = await _readable(worker, self.timeout - self.short_after)
            if not done:
                self.stats["timeouts"] += 1
                raise QueryTimeout(f"the query ran past the time limit of {self.timeout:g} s and was stopped")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            self._lose(worker, long)
            worker = None
            if self._closed:
                raise PoolClosed("the server is shutting down; try again later") from None
            raise QueryFailed(FAILED, "the query worker died while running the query") from None
        except PoolBusy:
            worker = None  # _admit_long dealt with it
            raise
        except BaseException:  # the time limit, or the request cancelled: the job still runs
            self._lose(worker, long)
            worker = None
            raise
        finally:
            if long:
                self._leave_long(client)
            if worker is not None:
                # A long job's worker runs at low priority and has a successor in
                # the short lane: it stays in the long lane for the next long job.
                self._rest_long(worker) if long else self._put_idle(worker)
        if reply[0] == "ok" and reply[-1] <= self.fast_limit and "SERVICE" not in job["query"].upper():
            self._fast.add(key)  # cheap, and (no SERVICE) safe to run in the server process
        return _answer(reply)

    def _lose(self, worker: _Worker, long: bool) -> None:
        """(loop) A worker that cannot be reused (killed, died, or still busy)."""
        self._discard(worker) if long else self._replace(worker)

    def _admit_long(self, client: str, worker: _Worker | None) -> None:
        """(loop) Give a job a place in the long lane. ``worker``, when given, is
        already running it at normal priority: it is handed over (lower priority)
        and a spare takes its place in the short lane. Raises PoolBusy, stopping
        ``worker``, when the lane or the client's share of it is full."""
        mine = self._long_by_client.get(client, 0) >= self.long_per_client
        if self._long >= self.long_limit or mine:
            self.stats["long_refused"] += 1
            if worker is not None:
                self._replace(worker)
            raise PoolBusy(
                (f"{self.long_per_client} long-running queries from you are running already"
                 if mine else f"{self.long_limit} long-running queries are running already")
                + (f", so this one was stopped after {self.short_after:g} s" if worker is not None else
                   ", and this one ran long before")
                + "; try again later")
        self._long += 1
        self._long_by_client[client] = self._long_by_client.get(client, 0) + 1
        self.stats["long"] += 1
        if worker is not None:
            if self._spare:
                self._put_idle(self._spare.popleft())
                self._start_worker(worker.generation, spare=True)
            else:
                self._start_worker(worker.generation, spare=False)
            _lower_priority(worker)

    def _long_worker(self) -> _Worker | None:
        """(loop) A worker for a job known to be slow: one resting in the long
        lane, else a spare (whose successor is started), else None."""
        while self._long_idle:
            worker = self._long_idle.popleft()
            if worker.process.is_alive() and worker.generation == self.generation:
                return worker
            self._discard(worker)
        while self._spare:
            worker = self._spare.popleft()
            if worker.process.is_alive():
                self._start_worker(self.generation, spare=True)
                _lower_priority(worker)
                return worker
            self._discard(worker)
        return None

    def _rest_long(self, worker: _Worker) -> None:
        """(loop) A long-lane worker done with its job: kept for the next long
        job (up to ``long_limit`` of them), so slow queries cost no new process."""
        if self._closed or worker.generation != self.generation or len(self._long_idle) >= self.long_limit:
            self._discard(worker)
        else:
            self._long_idle.append(worker)

    def _leave_long(self, client: str) -> None:
        self._long -= 1
        self._long_by_client[client] -= 1
        if not self._long_by_client[client]:
            del self._long_by_client[client]


def _lower_priority(worker: _Worker) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, LONG_NICENESS)
    except OSError:
        pass


def job_key(job: dict[str, Any]) -> tuple:
    """A job as a hashable key for the caches (the query text first)."""
    return (job["query"], job.get("query_dataset", False), tuple(job.get("default_graphs") or ()),
            tuple(job.get("named_graphs") or ()), job.get("result_format"), job.get("graph_format"),
            job["max_results"], job.get("prefixes", True))


def _settle(future: asyncio.Future, value) -> None:
    if not future.done():
        future.set_result(value)


async def _readable(worker: _Worker, timeout: float) -> bool:
    """(loop) Wait until the worker's answer (or its death) can be read; False
    after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    try:
        fd = worker.conn.fileno()
    except (OSError, ValueError):
        raise EOFError from None
    if worker.conn.poll(0):
        return True
    ready = loop.create_future()
    loop.add_reader(fd, _settle, ready, True)
    timer = loop.call_later(max(0.0, timeout), _settle, ready, False)
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)


def _answer(reply: tuple) -> Answer:
    if reply[0] == "ok":
        return Answer(reply[1], reply[2], reply[3])
    raise QueryFailed(reply[1], reply[2])


#: Joins killed workers off the event loop (a join may take milliseconds).
_REAPER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="peacekg-reaper")
