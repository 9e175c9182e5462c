"""Serving the site from an external SPARQL store (``peacekg serve --endpoint``).

A publisher whose graph lives in a store of their own (Oxigraph server,
Virtuoso, Fuseki, GraphDB; loaded with ``peacekg push``) gets the same site,
content negotiation, stored-query API and ``/sparql`` as over the embedded
store. What changes:

* **The dataset is stated, not assumed.** Stores differ on whether their
  default graph is the union of the named graphs, so every query the server
  sends names peacekg's graphs as its default graph (the protocol's
  ``default-graph-uri``), unless the query or the client chose a dataset
  itself. At start-up :func:`check_store` asks which of peacekg's graphs the
  store holds and whether it honours ``default-graph-uri``, and stops with a
  clear message when it does not.
* **Limits from our side.** Each query to the store has the server's time
  limit as its HTTP timeout (a slow or absent store costs a 503, never a
  hang); answers are read up to a byte bound and counted against the result
  cap before they are passed on; at most ``concurrency`` queries are in flight
  to the store at once (others wait, then 503). The SERVICE policy and the
  error contract are the embedded endpoint's (see :mod:`.sparql`).
* **Caches tied to the store's content.** The store has no build key, so the
  server takes a fingerprint of it (the triple count of each of peacekg's
  graphs) at start and every ``refresh`` seconds; ETags carry it, and the
  answer and page caches are emptied when it changes. Kept answers also
  expire after ``refresh`` seconds, so a change that keeps every count equal
  is seen within that time.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from ..namespaces import GRAPHS
from .pool import FAILED, SYNTAX, TOO_MANY, NOT_ACCEPTABLE, Answer, AnswerCache, PoolBusy, PoolClosed, QueryFailed, QueryTimeout, job_key

log = logging.getLogger("peacekg.server")

FORM = "application/x-www-form-urlencoded"

#: Bytes of one answer read from the store at most (past it: "too many results").
MAX_ANSWER_BYTES = 64 * 1024 * 1024


class StoreMismatch(Exception):
    """The store does not hold peacekg's graphs, or ignores the dataset we name."""


@dataclass(frozen=True)
class Store:
    """How to reach an external store."""

    endpoint: str
    user: str | None = None
    password: str | None = None

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password or "") if self.user else None


@dataclass(frozen=True)
class StoreCheck:
    graphs: dict[str, int]  # triples in each of peacekg's graphs found in the store

    @property
    def fingerprint(self) -> str:
        text = json.dumps(sorted(self.graphs.items()))
        return "store-" + hashlib.sha1(text.encode()).hexdigest()[:16]


def _select(store: Store, query: str, timeout: float, default_graphs: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    import httpx

    data = [("query", query)] + [("default-graph-uri", g) for g in default_graphs]
    response = httpx.post(store.endpoint, content=urlencode(data), auth=store.auth, timeout=timeout,
                          headers={"Accept": "application/sparql-results+json", "Content-Type": FORM})
    response.raise_for_status()
    document = response.json()
    if "boolean" in document:
        return [{"boolean": document["boolean"]}]
    return [{k: v["value"] for k, v in row.items()} for row in document["results"]["bindings"]]


def check_store(store: Store, timeout: float = 30.0) -> StoreCheck:
    """What the store holds of peacekg, or StoreMismatch saying what is wrong
    (StoreUnavailable-like OSErrors propagate as :class:`ConnectionError`)."""
    import httpx

    try:
        rows = _select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                              "VALUES ?g { " + " ".join(f"<{g}>" for g in GRAPHS) + " } } GROUP BY ?g", timeout)
    except httpx.HTTPStatusError as exc:
        raise StoreMismatch(f"the store at {store.endpoint} answered {exc.response.status_code} to a SPARQL query: "
                            f"{exc.response.text[:200]}") from None
    except httpx.HTTPError as exc:
        raise ConnectionError(f"cannot reach the store at {store.endpoint}: {exc}") from None
    graphs = {row["g"]: int(row["n"]) for row in rows}
    if not graphs:
        raise StoreMismatch(f"the store at {store.endpoint} holds none of peacekg's graphs ({', '.join(GRAPHS)}); "
                            "load them with `peacekg push`")
    # The dataset named by the protocol must be honoured: a triple of one graph,
    # asked with only that graph as the default graph, must be found.
    graph = max(graphs, key=graphs.get)
    probe = _select(store, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1", timeout)[0]
    if not probe.get("s", "").startswith(("http://", "https://")) or not probe.get("p"):
        return StoreCheck(graphs)
    found = _select(store, f"ASK {{ <{probe['s']}> <{probe['p']}> ?o }}", timeout, (graph,))[0]["boolean"]
    if not found:
        raise StoreMismatch(f"the store at {store.endpoint} ignores default-graph-uri: a triple of <{graph}> is not "
                            "found with that graph as the default graph")
    return StoreCheck(graphs)


class RemotePool:
    """The query pool's interface (:class:`.pool.QueryPool`) over an external
    store: jobs become HTTP requests to it, under the same limits."""

    def __init__(self, store: Store, *, timeout: float, wait_limit: float, cache_bytes: int = 0,
                 concurrency: int = 8, refresh: float = 60.0):
        self.store, self.timeout, self.wait_limit = store, timeout, wait_limit
        self.cache_bytes, self.refresh = cache_bytes, refresh
        self.cache = AnswerCache(cache_bytes)
        self.generation = 0
        self.stats = {"jobs": 0, "timeouts": 0, "busy": 0, "store_down": 0}
        self._concurrency = concurrency
        self._slots: asyncio.Semaphore | None = None
        self._client = None
        self._cache_born = time.monotonic()
        self._closed = False

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        pass

    def start(self) -> None:
        pass

    def workers_of(self, generation: int) -> int:
        return 0

    def renew(self) -> None:
        """The store changed (or the caches are old): forget every kept answer."""
        self.cache = AnswerCache(self.cache_bytes)
        self._cache_born = time.monotonic()
        self.generation += 1

    def close(self) -> None:
        self._closed = True

    async def arun(self, job: dict[str, Any], client: str = "") -> Answer:
        if self._closed:
            raise PoolClosed("the server is shutting down; try again later")
        if time.monotonic() - self._cache_born > self.refresh:
            self.renew()
        key = job_key(job)
        cache = self.cache
        cached = cache.get(key)
        if cached is not None:
            return cached
        if self._slots is None:
            import httpx

            self._slots = asyncio.Semaphore(self._concurrency)
            self._client = httpx.AsyncClient(auth=self.store.auth, limits=httpx.Limits(max_connections=self._concurrency))
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait_limit)
        except asyncio.TimeoutError:
            self.stats["busy"] += 1
            raise PoolBusy(f"{self._concurrency} queries to the store stayed in flight for {self.wait_limit:g} s; "
                           "try again later") from None
        try:
            self.stats["jobs"] += 1
            answer = await self._ask(job)
        finally:
            self._slots.release()
        if cache is self.cache:
            cache.put(key, answer)
        return answer

    async def _ask(self, job: dict[str, Any]) -> Answer:
        import httpx

        from ..namespaces import PREFIXES
        from ..store import RemoteBackend

        query = job["query"]
        if job.get("prefixes", True):
            query = RemoteBackend(self.store.endpoint)._prologue(query)  # the predeclared prefixes, where not declared
        data = [("query", query)]
        if job.get("default_graphs") or job.get("named_graphs"):
            data += [("default-graph-uri", g) for g in job.get("default_graphs") or []]
            data += [("named-graph-uri", g) for g in job.get("named_graphs") or []]
        elif not job.get("query_dataset"):  # the embedded store's dataset: the union, and each graph by name
            data += [("default-graph-uri", g) for g in GRAPHS] + [("named-graph-uri", g) for g in GRAPHS]
        accept = "application/sparql-results+json, application/n-triples;q=0.9"
        try:
            async with self._client.stream("POST", self.store.endpoint, content=urlencode(data),
                                           headers={"Accept": accept, "Content-Type": FORM},
                                           timeout=httpx.Timeout(self.timeout, connect=min(5.0, self.timeout))) as response:
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        raise QueryFailed(TOO_MANY, f"the answer is longer than {MAX_ANSWER_BYTES // (1024 * 1024)} MB; "
                                                    "add a LIMIT or narrow the query down")
                status, media = response.status_code, response.headers.get("content-type", "").split(";")[0].strip()
        except httpx.TimeoutException:
            self.stats["timeouts"] += 1
            raise QueryTimeout(f"the store did not answer within the time limit of {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            self.stats["store_down"] += 1
            log.warning("the store at %s is not answering: %s", self.store.endpoint, exc)
            raise PoolBusy("the store behind this site is not answering; try again later") from None
        if status == 400:
            raise QueryFailed(SYNTAX, bytes(body[:500]).decode("utf-8", "replace"))
        if status >= 400:
            log.warning("the store answered %s: %s", status, bytes(body[:500]).decode("utf-8", "replace"))
            raise QueryFailed(FAILED, f"the store answered {status}")
        return self._finish(bytes(body), media, job)

    @staticmethod
    def _finish(body: bytes, media: str, job: dict[str, Any]) -> Answer:
        """Count the store's answer against the cap and write it in the format asked for."""
        from ..formats import serialize_graph, serialize_results

        cap = job["max_results"]
        if media in ("application/sparql-results+json", "application/json"):
            fmt = job["result_format"]
            if fmt is None:
                raise QueryFailed(NOT_ACCEPTABLE, "results")
            document = json.loads(body)
            rows = len(document.get("results", {}).get("bindings", []))
            if rows > cap:
                raise QueryFailed(TOO_MANY, f"the query returns more than {cap} rows; add a LIMIT or narrow it down")
            if fmt == "json":
                return Answer("results", "json", body)
            return Answer("results", fmt, serialize_results(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON), fmt))
        fmt = job["graph_format"]
        if fmt is None:
            raise QueryFailed(NOT_ACCEPTABLE, "graph")
        try:
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError:
            raise QueryFailed(FAILED, f"the store answered {media or 'an unknown format'}, not N-Triples") from None
        if len(triples) > cap:
            raise QueryFailed(TOO_MANY, f"the query returns more than {cap} triples; add a LIMIT or narrow it down")
        return Answer("graph", fmt, serialize_graph(triples, fmt))


class StoreWatcher:
    """Takes the store's fingerprint every ``interval`` seconds; when it
    changes, the server's ETags and caches move on (``on_change(fingerprint)``)."""

    def __init__(self, store: Store, interval: float, on_change, timeout: float):
        self.store, self.interval, self.on_change, self.timeout = store, interval, on_change, timeout
        self._stop = threading.Event()
        self._last: str | None = None

    def start(self, fingerprint: str) -> None:
        self._last = fingerprint
        threading.Thread(target=self._run, daemon=True, name="peacekg-store-watcher").start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                fingerprint = check_store(self.store, self.timeout).fingerprint
            except Exception as exc:  # noqa: BLE001 (the store may be down for a while)
                log.warning("could not take the store's fingerprint: %s", exc)
                continue
            if fingerprint != self._last:
                self._last = fingerprint
                self.on_change(fingerprint)
