"""Loading a release into a running triple store.

Each named graph goes through the SPARQL 1.1 Graph Store Protocol (a PUT of
the first batch, POSTs of the rest); where the store has no graph store (it
answers 404, 405 or 501, or cannot be reached there) the same batches go as
SPARQL Update ``INSERT DATA``. With ``replace`` the batches go to temporary
graphs first and one update request moves them over the targets at the end,
so a failure midway leaves the targets as they were.

Credentials come from the caller or ``PEACEKG_USER`` / ``PEACEKG_PASSWORD`` and
are sent only in an ``Authorization`` header: no message, exception or log line
of this module contains them (URLs are shown without their user-info part).
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import PeacekgError

log = logging.getLogger(__name__)

#: Triples per request: small enough for any store's request limit, large
#: enough that a 10-million-triple load needs only a few hundred requests.
BATCH_TRIPLES = 20_000

#: HTTP statuses that mean "this store has no graph store here".
_NO_GRAPH_STORE = {404, 405, 406, 415, 501}

Progress = Callable[[str, int], None]  # (graph IRI, triples just sent)


class PushError(PeacekgError, RuntimeError):
    """The load failed; ``loaded`` says what reached the store before it did."""

    def __init__(self, message: str, loaded: Mapping[str, int] | None = None, *, restored: bool = False):
        self.loaded = dict(loaded or {})
        self.restored = restored
        super().__init__(message)

    def summary(self) -> str:
        done = ", ".join(f"{g}: {n} triples" for g, n in self.loaded.items() if n) or "nothing"
        note = " Target graphs are unchanged (the load went to temporary graphs, now dropped)." if self.restored else ""
        return f"{self}\nLoaded before the failure: {done}.{note}"


@dataclass
class Target:
    """Where to push: the store's endpoints and credentials."""

    endpoint: str
    update: str | None = None
    graph_store: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 120.0

    def __post_init__(self) -> None:
        self.user = self.user or os.environ.get("PEACEKG_USER")
        self.password = self.password or os.environ.get("PEACEKG_PASSWORD")
        if self.update is None:
            self.update = guess_update_url(self.endpoint)
        if self.graph_store is None:
            self.graph_store = guess_graph_store_url(self.endpoint)


@dataclass
class PushResult:
    loaded: dict[str, int]
    method: str  # "graph store" or "update"
    notes: list[str] = field(default_factory=list)


def guess_update_url(endpoint: str) -> str:
    """The update endpoint next to a query endpoint: ``.../query`` → ``.../update``
    (Oxigraph, Fuseki), ``/repositories/x`` → ``/repositories/x/statements``
    (GraphDB); otherwise the endpoint itself (Virtuoso's ``/sparql``)."""
    path = urllib.parse.urlsplit(endpoint).path
    if path.endswith("/query"):
        return endpoint[: -len("query")] + "update"
    if path.endswith("/sparql") and "/repositories/" not in path:
        return endpoint
    if "/repositories/" in path and not path.endswith("/statements"):
        return endpoint.rstrip("/") + "/statements"
    return endpoint


def guess_graph_store_url(endpoint: str) -> str | None:
    """The graph store next to a query endpoint, where the layout is known:
    Oxigraph (``/query`` → ``/store``), GraphDB (``/repositories/x`` →
    ``/repositories/x/rdf-graphs/service``). Others need ``--graph-store``."""
    path = urllib.parse.urlsplit(endpoint).path
    if path == "/query":
        return endpoint[: -len("query")] + "store"
    if path.endswith("/query"):  # Fuseki: /dataset/query -> /dataset/data
        return endpoint[: -len("query")] + "data"
    if "/repositories/" in path:
        return endpoint.rstrip("/") + "/rdf-graphs/service"
    return None


def redact(url: str | None) -> str:
    """A URL without user-info, safe to print."""
    if not url:
        return ""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class _Client:
    """HTTP requests with basic authentication and errors that never echo secrets."""

    def __init__(self, target: Target):
        self.target = target
        self._auth = None
        if target.user:
            token = base64.b64encode(f"{target.user}:{target.password or ''}".encode()).decode()
            self._auth = f"Basic {token}"

    def send(self, method: str, url: str, body: bytes, content_type: str) -> int:
        request = urllib.request.Request(_strip_userinfo(url), data=body, method=method)
        request.add_header("Content-Type", content_type)
        if self._auth:
            request.add_header("Authorization", self._auth)
        log.debug("%s %s (%d bytes)", method, redact(url), len(body))
        try:
            with urllib.request.urlopen(request, timeout=self.target.timeout) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            detail = _safe_detail(exc.read()[:300], self.target)
            raise _HttpFailure(exc.code, f"{method} {redact(url)} answered HTTP {exc.code}" + (f": {detail}" if detail else "")) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise _HttpFailure(None, f"cannot reach {redact(url)}: {reason}") from None

    def update(self, text: str) -> None:
        self.send("POST", self.target.update, text.encode(), "application/sparql-update")


class _HttpFailure(Exception):
    def __init__(self, status: int | None, message: str):
        self.status = status
        super().__init__(message)


def _strip_userinfo(url: str) -> str:
    return redact(url) if "@" in urllib.parse.urlsplit(url).netloc else url


def _safe_detail(body: bytes, target: Target) -> str:
    text = body.decode("utf-8", "replace").strip().replace("\n", " ")
    for secret in (target.password, target.user):
        if secret:
            text = text.replace(secret, "***")
    return text


def batches(triples: Sequence[ox.Triple], size: int = BATCH_TRIPLES) -> list[list[ox.Triple]]:
    """Triples in batches; every triple with a blank node goes in the first batch,
    since a blank node means one thing only within one request."""
    with_bnodes = [t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
    ground = [t for t in triples if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))]
    out = [with_bnodes] if with_bnodes else []
    out += [ground[i : i + size] for i in range(0, len(ground), size)]
    return out or [[]]


def _ntriples(triples: Sequence[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""


def _graph_url(graph_store: str, graph: str) -> str:
    separator = "&" if "?" in graph_store else "?"
    return f"{graph_store}{separator}graph={urllib.parse.quote(graph, safe='')}"


def _temporary(graph: str, graphs: Mapping[str, Sequence[ox.Triple]]) -> str:
    digest = hashlib.sha256("".join(sorted(graphs)).encode()).hexdigest()[:8]
    return f"{graph}-peacekg-push-{digest}-{os.getpid()}"


def push(
    graphs: Mapping[str, Sequence[ox.Triple]],
    target: Target,
    *,
    replace: bool = False,
    batch_size: int = BATCH_TRIPLES,
    progress: Progress | None = None,
) -> PushResult:
    """Load ``graphs`` (graph IRI → triples) into the store at ``target``.

    Without ``replace`` the triples are added to what the graphs hold. With it,
    each graph ends up holding exactly the pushed triples, and a failure leaves
    every target graph as it was. Raises :class:`PushError`.
    """
    client = _Client(target)
    loaded = {g: 0 for g in graphs}
    notes: list[str] = []
    staging = {g: (_temporary(g, graphs) if replace else g) for g in graphs}
    use_gsp = target.graph_store is not None
    if not use_gsp:
        notes.append("no graph store URL known for this endpoint; loading with SPARQL Update (pass --graph-store to use the Graph Store Protocol)")

    def send_batch(graph: str, batch: list[ox.Triple], first: bool) -> None:
        nonlocal use_gsp
        dest = staging[graph]
        if use_gsp:
            try:
                method = "PUT" if first and replace else "POST"
                client.send(method, _graph_url(target.graph_store, dest), _ntriples(batch), "application/n-triples")
                return
            except _HttpFailure as exc:
                unusable = exc.status is None or exc.status in _NO_GRAPH_STORE
                if not unusable or not first or any(loaded.values()):
                    raise
                notes.append(f"graph store at {redact(target.graph_store)} is not usable ({exc}); falling back to SPARQL Update")
                use_gsp = False
        if first and replace:
            client.update(f"DROP SILENT GRAPH <{dest}>")
        body = _ntriples(batch).decode()
        client.update(f"INSERT DATA {{ GRAPH <{dest}> {{\n{body}}} }}")

    try:
        if replace:
            for graph in graphs:  # leftovers of an interrupted push
                _drop_quietly(client, staging[graph])
        for graph, triples in graphs.items():
            for i, batch in enumerate(batches(list(triples), batch_size)):
                send_batch(graph, batch, first=(i == 0))
                loaded[graph] += len(batch)
                if progress:
                    progress(graph, len(batch))
        if replace:
            client.update(" ;\n".join(f"MOVE SILENT GRAPH <{staging[g]}> TO GRAPH <{g}>" for g in graphs))
    except _HttpFailure as exc:
        restored = False
        if replace:
            restored = all(_drop_quietly(client, staging[g]) for g in graphs)
        message = str(exc)
        if exc.status == 401:
            message = f"{redact(target.endpoint)} refused the credentials (HTTP 401); set --user/--password or PEACEKG_USER/PEACEKG_PASSWORD"
        raise PushError(message, loaded, restored=restored) from None
    return PushResult(loaded, "graph store" if use_gsp else "update", notes)


def _drop_quietly(client: _Client, graph: str) -> bool:
    try:
        client.update(f"DROP SILENT GRAPH <{graph}>")
        return True
    except _HttpFailure:
        return False
