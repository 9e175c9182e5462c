"""Loading a release into a running triple store.

Each named graph goes through the SPARQL 1.1 Graph Store Protocol (a PUT of
the first batch, POSTs of the rest); where the store has no graph store (it
answers 404, 405 or 501, or cannot be reached there) the same batches go as
SPARQL Update ``INSERT DATA``. With ``replace`` the batches go to temporary
graphs first (the same names on every run) and one update request moves them
over the targets at the end, so a failure or Ctrl-C midway leaves the targets as
they were; what a killed push left is reported and dropped by the next, and a
lost reply to the final move is settled by counting the graphs on the store.

Credentials come from the caller or ``PEACEKG_USER`` / ``PEACEKG_PASSWORD`` and
are sent only in an ``Authorization`` header (Basic, or Digest where the store
asks for it, as Virtuoso does): no message, exception or log line
of this module contains them (URLs are shown without their user-info part).
"""
from __future__ import annotations

import base64
import hashlib
import http.client
import json
import logging
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import PeacekgError

log = logging.getLogger(__name__)

#: Triples per request: small enough for any store's request limit, large
#: enough that a 10-million-triple load needs only a few hundred requests.
BATCH_TRIPLES = 20_000

#: Bodies larger than this (bytes) are not sent before the authentication scheme is known.
_PROBE_ABOVE = 16_384

#: HTTP statuses that mean "this store has no graph store here".
_NO_GRAPH_STORE = {404, 405, 406, 415, 501}

Progress = Callable[[str, int], None]  # (graph IRI, triples just sent)


class PushError(PeacekgError, RuntimeError):
    """The load failed; ``loaded`` says what reached the store before it did.

    With ``--replace``: ``restored`` means the target graphs are as they were and
    no temporary graph is left; ``left`` names temporary graphs that could not be
    dropped (the next push removes them); ``unknown`` means the final step was
    sent but neither its reply nor a check of the store says whether it applied.
    """

    def __init__(
        self, message: str, loaded: Mapping[str, int] | None = None, *, restored: bool = False,
        left: Sequence[str] = (), unknown: bool = False,
    ):
        self.loaded = dict(loaded or {})
        self.restored = restored
        self.left = list(left)
        self.unknown = unknown
        super().__init__(message)

    def summary(self) -> str:
        done = ", ".join(f"{g}: {n} triples" for g, n in self.loaded.items() if n) or "nothing"
        if self.unknown:
            note = (" The outcome is unknown: the final step (moving the temporary graphs over the targets) was sent"
                    " and may or may not have applied. Check the target graphs;"
                    " the next `peacekg push --replace` removes any temporary graph left.")
        elif self.restored:
            note = " Target graphs are unchanged (the load went to temporary graphs, now dropped)."
        elif self.left:
            note = (f" Target graphs are unchanged; the temporary graphs {', '.join(self.left)} could not be dropped"
                    " and the next `peacekg push --replace` removes them.")
        else:
            note = ""
        return f"{self}\nLoaded before the failure: {done}.{note}"


class PushInterrupted(PushError, KeyboardInterrupt):
    """Ctrl-C (or SIGTERM in the CLI) stopped the push; caught as either."""


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
            self.update = guess_update_url(self.endpoint, bool(self.user))
        if self.graph_store is None:
            self.graph_store = guess_graph_store_url(self.endpoint, bool(self.user))


@dataclass
class PushResult:
    loaded: dict[str, int]
    method: str  # "graph store" or "update"
    notes: list[str] = field(default_factory=list)
    #: Temporary graphs an interrupted push had left, with their size, removed by this one.
    leftovers: dict[str, int] = field(default_factory=dict)


def guess_update_url(endpoint: str, authenticated: bool = False) -> str:
    """The update endpoint next to a query endpoint: ``.../query`` → ``.../update``
    (Oxigraph, Fuseki), ``/repositories/x`` → ``/repositories/x/statements``
    (GraphDB), Virtuoso's ``/sparql`` → ``/sparql-auth`` when credentials are
    given (Digest authentication), otherwise the endpoint itself."""
    path = urllib.parse.urlsplit(endpoint).path
    if path.endswith("/query"):
        return endpoint[: -len("query")] + "update"
    if path in _VIRTUOSO_QUERY:
        return _replace_path(endpoint, "/sparql-auth" if authenticated else path)
    if path.endswith("/sparql") and "/repositories/" not in path:
        return endpoint
    if "/repositories/" in path and not path.endswith("/statements"):
        return endpoint.rstrip("/") + "/statements"
    return endpoint


#: Virtuoso's query endpoints (at the root of its HTTP server).
_VIRTUOSO_QUERY = {"/sparql", "/sparql/", "/sparql-auth"}


def _replace_path(url: str, path: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def guess_graph_store_url(endpoint: str, authenticated: bool = False) -> str | None:
    """The graph store next to a query endpoint, where the layout is known:
    Oxigraph (``/query`` → ``/store``), Fuseki (``/dataset/query`` →
    ``/dataset/data``), GraphDB (``/repositories/x`` →
    ``/repositories/x/rdf-graphs/service``), Virtuoso (``/sparql`` →
    ``/sparql-graph-crud-auth`` with credentials, ``/sparql-graph-crud``
    without). Others need ``--graph-store``."""
    path = urllib.parse.urlsplit(endpoint).path
    if path == "/query":
        return endpoint[: -len("query")] + "store"
    if path.endswith("/query"):  # Fuseki: /dataset/query -> /dataset/data
        return endpoint[: -len("query")] + "data"
    if "/repositories/" in path:
        return endpoint.rstrip("/") + "/rdf-graphs/service"
    if path in _VIRTUOSO_QUERY:
        return _replace_path(endpoint, "/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud")
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
    """HTTP requests with Basic or Digest authentication and errors that never
    echo secrets. With credentials, the first request goes without them and the
    store's 401 challenge says which scheme it wants (Virtuoso's ``-auth``
    endpoints want Digest and refuse a Basic header without a challenge); every
    later request answers that scheme at once. A Digest challenge is fetched
    anew when the store calls the old one stale."""

    def __init__(self, target: Target):
        self.target = target
        self._scheme: str | DigestChallenge | None = None  # "basic", a Digest challenge, or not yet known

    def send(self, method: str, url: str, body: bytes, content_type: str, *, accept: str | None = None, timeout: float | None = None) -> bytes:
        """Send one request (answering the store's authentication challenge once); the reply's body."""
        url = _strip_userinfo(url)
        log.debug("%s %s (%d bytes)", method, redact(url), len(body))
        if self.target.user and self._scheme is None and len(body) > _PROBE_ABOVE:
            self._probe(url, timeout or self.target.timeout)
        for attempt in range(2):
            try:
                return self._send_once(method, url, body, content_type, accept, timeout or self.target.timeout)
            except urllib.error.HTTPError as exc:
                detail = _safe_detail(exc.read()[:300], self.target)
                if exc.code == 401 and attempt == 0 and self.target.user and self._learn_scheme(exc.headers.get_all("WWW-Authenticate") or []):
                    continue
                raise _HttpFailure(exc.code, f"{method} {redact(url)} answered HTTP {exc.code}" + (f": {detail}" if detail else "")) from None
            except (OSError, http.client.HTTPException) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                if isinstance(reason, (str, ConnectionRefusedError, socket.gaierror)):
                    raise _HttpFailure(None, f"cannot reach {redact(url)}: {reason}") from None
                # reset, timed out or closed without a reply: the request may have reached the store
                raise _HttpFailure(None, f"no reply from {redact(url)}: {reason or type(reason).__name__}") from None
        raise AssertionError("unreachable")

    def _probe(self, url: str, timeout: float) -> None:
        """Learn the scheme from a HEAD request before sending a large body: a store
        may close the connection on a 401 while the body is still on its way
        (Virtuoso does), which looks like a lost reply, not a challenge."""
        try:
            urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout).close()
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                self._learn_scheme(exc.headers.get_all("WWW-Authenticate") or [])
        except (OSError, http.client.HTTPException):
            pass  # the request itself will say what is wrong

    def _learn_scheme(self, challenges: Sequence[str]) -> bool:
        """Take the scheme a 401 asks for; False when retrying cannot help."""
        digest = DigestChallenge.from_header(challenges)
        if digest is not None:
            known = self._scheme if isinstance(self._scheme, DigestChallenge) else None
            if known is not None and not digest.stale and digest.nonce == known.nonce:
                return False
            self._scheme = digest
            return True
        if self._scheme is None:
            self._scheme = "basic"
            return True
        return False

    def _send_once(self, method: str, url: str, body: bytes, content_type: str, accept: str | None, timeout: float) -> bytes:
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        user, password = self.target.user or "", self.target.password or ""
        if isinstance(self._scheme, DigestChallenge):
            request.add_header("Authorization", self._scheme.answer(method, url, user, password))
        elif self._scheme == "basic":
            request.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()

    def update(self, text: str, timeout: float | None = None) -> None:
        self.send("POST", self.target.update, text.encode(), "application/sparql-update", timeout=timeout)

    def graph_sizes(self, graphs: Sequence[str], timeout: float | None = None) -> dict[str, int]:
        """Triples in each of ``graphs`` (0 where a graph is empty or absent), asked of the query endpoint."""
        values = " ".join(f"<{g}>" for g in graphs)
        query = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
        body = urllib.parse.urlencode({"query": query}).encode()
        reply = self.send("POST", self.target.endpoint, body, "application/x-www-form-urlencoded",
                          accept="application/sparql-results+json", timeout=timeout)
        try:
            rows = json.loads(reply)["results"]["bindings"]
            sizes = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
        except (ValueError, KeyError, TypeError):
            raise _HttpFailure(None, f"{redact(self.target.endpoint)} did not answer a SPARQL query with JSON results") from None
        return {g: sizes.get(g, 0) for g in graphs}


@dataclass
class DigestChallenge:
    """An HTTP Digest challenge (RFC 7616: MD5 or SHA-256, qop ``auth``), as
    Virtuoso's ``-auth`` endpoints send it, and the answers to it."""

    realm: str
    nonce: str
    qop: str | None = None
    opaque: str | None = None
    algorithm: str = "MD5"
    stale: bool = False
    count: int = 0

    @classmethod
    def from_header(cls, headers: Sequence[str]) -> DigestChallenge | None:
        for header in headers:
            scheme, _, rest = header.strip().partition(" ")
            if scheme.lower() != "digest":
                continue
            fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
            if "nonce" not in fields:
                continue
            qops = [q.strip() for q in fields.get("qop", "").split(",") if q.strip()]
            return cls(
                realm=fields.get("realm", ""), nonce=fields["nonce"], qop="auth" if "auth" in qops else None,
                opaque=fields.get("opaque"), algorithm=fields.get("algorithm", "MD5"), stale=fields.get("stale", "").lower() == "true",
            )
        return None

    def answer(self, method: str, url: str, user: str, password: str, cnonce: str | None = None) -> str:
        """The ``Authorization`` header for one request (each with the next nonce count;
        ``cnonce`` is random unless given)."""
        name = self.algorithm.upper()
        digest = {"MD5": hashlib.md5, "MD5-SESS": hashlib.md5, "SHA-256": hashlib.sha256, "SHA-256-SESS": hashlib.sha256}.get(name)
        if digest is None:
            raise _HttpFailure(401, f"the store asks for Digest algorithm {self.algorithm}, which peacekg does not speak (MD5 or SHA-256)")

        def h(text: str) -> str:
            return digest(text.encode()).hexdigest()

        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        self.count += 1
        nc = f"{self.count:08x}"
        cnonce = cnonce or os.urandom(8).hex()
        ha1 = h(f"{user}:{self.realm}:{password}")
        if name.endswith("-SESS"):
            ha1 = h(f"{ha1}:{self.nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        if self.qop:
            response = h(f"{ha1}:{self.nonce}:{nc}:{cnonce}:{self.qop}:{ha2}")
        else:
            response = h(f"{ha1}:{self.nonce}:{ha2}")
        fields = [f'username="{user}"', f'realm="{self.realm}"', f'nonce="{self.nonce}"', f'uri="{uri}"', f'response="{response}"', f"algorithm={self.algorithm}"]
        if self.opaque is not None:
            fields.append(f'opaque="{self.opaque}"')
        if self.qop:
            fields += [f"qop={self.qop}", f"nc={nc}", f'cnonce="{cnonce}"']
        return "Digest " + ", ".join(fields)


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


#: What a temporary graph's name adds to its target's: the same on every run, so a
#: push that died (killed, or its store gone) is found and cleaned up by the next.
STAGING_SUFFIX = "-peacekg-push-staging"

#: Seconds each clean-up request may take after a failure or Ctrl-C.
CLEANUP_TIMEOUT = 15.0


def staging_graph(graph: str) -> str:
    """The temporary graph a ``--replace`` push loads ``graph`` into."""
    return graph + STAGING_SUFFIX


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
    each graph is loaded into its temporary graph (:func:`staging_graph`) and one
    update moves them all over the targets: each graph ends up holding exactly
    the pushed triples, and a failure or Ctrl-C leaves every target as it was
    and drops the temporary graphs. Temporary graphs an earlier push left behind
    are reported and dropped first. When the reply to the final move is lost,
    the store is asked whether it applied. Raises :class:`PushError` (on Ctrl-C
    :class:`PushInterrupted`).
    """
    client = _Client(target)
    loaded = {g: 0 for g in graphs}
    notes: list[str] = []
    staging = {g: (staging_graph(g) if replace else g) for g in graphs}
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

    leftovers: dict[str, int] = {}
    staged = final_sent = False  # whether this push has written to the temporary graphs / sent the final move
    try:
        if replace:
            leftovers = _remove_leftovers(client, list(staging.values()), notes)
        staged = True
        for graph, triples in graphs.items():
            for i, batch in enumerate(batches(list(triples), batch_size)):
                send_batch(graph, batch, first=(i == 0))
                loaded[graph] += len(batch)
                if progress:
                    progress(graph, len(batch))
        if replace:
            final_sent = True
            client.update(" ;\n".join(f"MOVE SILENT GRAPH <{staging[g]}> TO GRAPH <{g}>" for g in graphs))
    except _HttpFailure as exc:
        message = str(exc)
        if exc.status == 401:
            message = f"{redact(target.endpoint)} refused the credentials (HTTP 401); set --user/--password or PEACEKG_USER/PEACEKG_PASSWORD"
        if not (replace and staged):
            raise PushError(message, loaded) from None
        if final_sent:
            note = _settle_final_step(client, graphs, staging, loaded, message)
            return PushResult(loaded, "graph store" if use_gsp else "update", [*notes, note], leftovers)
        left = _drop_all(client, staging.values())
        raise PushError(message, loaded, restored=not left, left=left) from None
    except KeyboardInterrupt:
        if not (replace and staged):
            raise PushInterrupted("interrupted", loaded) from None
        if final_sent:
            try:
                note = _settle_final_step(client, graphs, staging, loaded, "interrupted during the final step")
            except PushError as failure:
                raise PushInterrupted(str(failure), loaded, restored=failure.restored, left=failure.left, unknown=failure.unknown) from None
            raise PushInterrupted(note, loaded) from None
        left = _drop_all(client, staging.values())
        raise PushInterrupted("interrupted", loaded, restored=not left, left=left) from None
    return PushResult(loaded, "graph store" if use_gsp else "update", notes, leftovers)


def _remove_leftovers(client: _Client, temporary: list[str], notes: list[str]) -> dict[str, int]:
    """Report and drop what an interrupted push left in the temporary graphs."""
    try:
        sizes = client.graph_sizes(temporary)
    except _HttpFailure as exc:
        if exc.status == 401:
            raise
        for graph in temporary:
            client.update(f"DROP SILENT GRAPH <{graph}>")
        notes.append(f"could not count what earlier pushes left in the temporary graphs ({exc}); dropped them unseen")
        return {}
    left = {g: n for g, n in sizes.items() if n}
    for graph, size in left.items():
        client.update(f"DROP SILENT GRAPH <{graph}>")
        notes.append(f"removed {graph} ({size} triples), left by an interrupted push")
    return left


def _drop_all(client: _Client, temporary: Iterable[str]) -> list[str]:
    """Drop the temporary graphs; the ones that could not be dropped."""
    return [g for g in temporary if not _drop_quietly(client, g)]


def _settle_final_step(client: _Client, graphs: Mapping[str, Sequence[ox.Triple]], staging: Mapping[str, str],
                       loaded: Mapping[str, int], failure: str) -> str:
    """The final move failed or its reply was lost: ask the store what happened.
    Returns a note when the move applied; raises :class:`PushError` otherwise."""
    try:
        sizes = client.graph_sizes([*staging.values(), *graphs], timeout=CLEANUP_TIMEOUT)
    except _HttpFailure as exc:
        raise PushError(f"{failure}; checking the store failed too: {exc}", loaded, unknown=True) from None
    moved = all(sizes[staging[g]] == 0 and sizes[g] == len(graphs[g]) for g in graphs)
    if moved:
        return f"{failure}; the store shows the final step applied (the targets hold the pushed triples, no temporary graph is left)"
    untouched = all(sizes[staging[g]] == loaded[g] for g in graphs)
    if untouched:
        left = _drop_all(client, staging.values())
        raise PushError(f"{failure}; the store shows the final step did not apply", loaded, restored=not left, left=left)
    shown = ", ".join(f"{g}: {n}" for g, n in sizes.items())
    raise PushError(f"{failure}; the store shows neither the old nor the new state (triples per graph: {shown})", loaded, unknown=True)


def _drop_quietly(client: _Client, graph: str) -> bool:
    try:
        client.update(f"DROP SILENT GRAPH <{graph}>", timeout=CLEANUP_TIMEOUT)
        return True
    except _HttpFailure:
        return False
