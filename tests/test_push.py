"""Pushing a release into a real Oxigraph server (started here on a free
loopback port, stopped by its pid) and querying it there: every stored query
answers as on the embedded store. Also: a server that is down, a wrong graph
store URL, a 401, and a failure midway through a --replace load."""
from __future__ import annotations

import base64
import logging
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from peacekg import publish
from peacekg.api import KnowledgeGraph
from peacekg.cli import app
from peacekg.push import DigestChallenge, PushError, Target, batches, guess_graph_store_url, guess_update_url, push, redact, staging_graph
from peacekg.store import StoreUnavailable

from answers import normalise

OXIGRAPH = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "oxigraph"
SECRET = "s3cret-Pa55word"
runner = CliRunner()

pytestmark = pytest.mark.skipif(not (OXIGRAPH.exists() or shutil.which("oxigraph")), reason="the oxigraph server (PyPI package oxigraph) is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh Oxigraph server; yields its base URL."""
    binary = str(OXIGRAPH) if OXIGRAPH.exists() else shutil.which("oxigraph")
    port = free_port()
    folder = tmp_path_factory.mktemp("oxigraph")
    log = open(folder / "server.log", "wb")
    process = subprocess.Popen([binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to ~30 s for the server to listen
            if process.poll() is not None:
                pytest.fail(f"oxigraph exited: {(folder / 'server.log').read_text()}")
            try:
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("oxigraph did not start listening")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def released(project, tmp_path_factory) -> publish.Release:
    return publish.release(project, tmp_path_factory.mktemp("push"))


@pytest.fixture(scope="module")
def graphs(released) -> dict[str, list[ox.Triple]]:
    return publish.read_release_graphs(released.folder)


@pytest.fixture(scope="module")
def loaded(server, graphs) -> str:
    """The server with the release pushed (replacing); yields the query endpoint."""
    result = push(graphs, Target(server + "/query"), replace=True)
    assert result.method == "graph store"
    assert result.loaded == {g: len(ts) for g, ts in graphs.items()}
    return server + "/query"


def counts(endpoint: str) -> dict[str, int]:
    remote = KnowledgeGraph.remote(endpoint, default_graphs=[])
    return {r["g"]: int(r["n"]) for r in remote.sparql("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}


# ---------------------------------------------------------------------------
# Against a live server
# ---------------------------------------------------------------------------


def test_push_loads_every_graph(loaded, graphs):
    assert counts(loaded) == {g: len(ts) for g, ts in graphs.items()}


@pytest.fixture(scope="module")
def local_answers(kg) -> dict[str, object]:
    """Every stored query's normalised answer (default parameters) on the embedded store."""
    answers = {name: normalise(kg.run(name, {}), kg.stored(name).text) for name in kg.catalog}
    assert len(answers) > 5
    for name, answer in answers.items():
        assert answer not in ([], None) and answer[1:] != ([],), f"{name} gives no answer with its defaults"
    return answers


def test_every_stored_query_answers_as_on_the_embedded_store(loaded, kg, local_answers):
    remote = KnowledgeGraph.remote(loaded)
    for name, local_answer in local_answers.items():
        assert normalise(remote.run(name, {}), kg.stored(name).text) == local_answer, name


def test_pushing_again_with_replace_does_not_duplicate_blank_nodes(loaded, graphs):
    push(graphs, Target(loaded), replace=True, batch_size=2000)
    assert counts(loaded) == {g: len(ts) for g, ts in graphs.items()}


def test_cli_query_and_sparql_on_the_endpoint_match_local_output(loaded, kg):
    for args in (["query", "missions", "-f", "csv"], ["query", "missions-in-country", "-p", "country=LBR"], ["query", "stats", "-f", "json"]):
        local_run = runner.invoke(app, args)
        remote_run = runner.invoke(app, [*args, "--endpoint", loaded])
        assert remote_run.exit_code == 0, remote_run.output
        assert sorted(remote_run.stdout.splitlines()) == sorted(local_run.stdout.splitlines()), args
    text = "SELECT ?acronym WHERE { ?m peacekg:acronym ?acronym ; peacekg:hostCountry state:lbr } ORDER BY ?acronym"
    local_run, remote_run = runner.invoke(app, ["sparql", text, "-f", "csv"]), runner.invoke(app, ["sparql", text, "-f", "csv", "--endpoint", loaded])
    assert remote_run.exit_code == 0 and remote_run.stdout == local_run.stdout
    assert "UNMIL" in remote_run.stdout
    construct = "CONSTRUCT { mission:unmil ?p ?o } WHERE { mission:unmil ?p ?o }"
    remote_run = runner.invoke(app, ["sparql", construct, "-f", "ntriples", "--endpoint", loaded])
    assert remote_run.exit_code == 0
    assert sorted(remote_run.stdout.splitlines()) == sorted(runner.invoke(app, ["sparql", construct, "-f", "ntriples"]).stdout.splitlines())


def test_cli_push_of_a_release_folder(server, released, graphs):
    result = runner.invoke(app, ["push", "--release", str(released.folder), "--endpoint", server + "/query", "--replace", "--graph", "data"])
    assert result.exit_code == 0, result.output
    assert "by graph store (replacing)" in result.stdout
    assert "https://w3id.org/peacekg/graph/data" in result.stdout
    assert counts(server + "/query")["https://w3id.org/peacekg/graph/data"] == len(graphs["https://w3id.org/peacekg/graph/data"])
    # what the store needs, from the queries' `#+ graphs:` headers
    assert "stored queries join several graphs in the default graph" in result.output
    needing = ", ".join(['chapter-vii-missions', 'instruments-by-issuer', 'mission', 'missions', 'missions-active-on', 'missions-by-decade', 'norm-missions', 'norm-provisions', 'norms-in-force-on', 'norms-in-tension', 'poc-missions', 'regional-missions', 'stats'])
    assert f"13 stored queries draw on the inferred graph, which this push did not load (push it too unless the store holds it): {needing}" in result.output
    assert "draw on the ontology graph" in result.output
    result = runner.invoke(app, ["push", "--release", str(released.folder), "--endpoint", server + "/query", "--graph", "nonsense"])
    assert result.exit_code == 2 and "has no graph nonsense" in result.output


def test_wrong_graph_store_url_falls_back_to_sparql_update(server, graphs):
    data = {"https://w3id.org/peacekg/graph/data": graphs["https://w3id.org/peacekg/graph/data"]}
    result = push(data, Target(server + "/query", graph_store=server + "/no-such-store"), replace=True, batch_size=5000)
    assert result.method == "update"
    assert "falling back to SPARQL Update" in result.notes[0]
    assert counts(server + "/query")["https://w3id.org/peacekg/graph/data"] == len(data["https://w3id.org/peacekg/graph/data"])


class Proxy(BaseHTTPRequestHandler):
    """Forwards to the real server, but fails the N-th graph store request."""

    def handle_any(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server = self.server
        if "/store" in self.path:
            server.store_requests += 1
            if server.store_requests == server.fail_at:
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"simulated crash")
                return
        request = urllib.request.Request(server.upstream + self.path, data=body or None, method=self.command)
        for header in ("Content-Type", "Accept"):
            if self.headers.get(header):
                request.add_header(header, self.headers[header])
        try:
            with urllib.request.urlopen(request) as response:
                status, payload, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status, payload, ctype = exc.code, exc.read(), "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    def log_message(self, *args):
        pass


def serve(handler, **attributes):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    for key, value in attributes.items():
        setattr(httpd, key, value)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_failure_midway_with_replace_leaves_the_targets_as_they_were(loaded, server, graphs):
    before = counts(loaded)
    probe = "SELECT ?label WHERE { mission:unmil rdfs:label ?label }"
    label_before = normalise(KnowledgeGraph.remote(loaded).sparql_raw(probe))
    proxy = serve(Proxy, upstream=server, store_requests=0, fail_at=4)
    try:
        endpoint = f"http://127.0.0.1:{proxy.server_address[1]}/query"
        with pytest.raises(PushError) as failure:
            push(graphs, Target(endpoint), replace=True, batch_size=1000)
    finally:
        proxy.shutdown()
        proxy.server_close()
    error = failure.value
    assert "HTTP 500" in str(error)
    assert sum(error.loaded.values()) > 0  # it says what got through
    assert error.restored
    assert "Target graphs are unchanged" in error.summary()
    assert counts(loaded) == before  # no temporary graph left, targets untouched
    assert normalise(KnowledgeGraph.remote(loaded).sparql_raw(probe)) == label_before


def test_failure_midway_without_replace_reports_what_was_loaded(server, graphs):
    proxy = serve(Proxy, upstream=server, store_requests=0, fail_at=3)
    try:
        endpoint = f"http://127.0.0.1:{proxy.server_address[1]}/query"
        with pytest.raises(PushError) as failure:
            push({"https://example.org/scratch": graphs["https://w3id.org/peacekg/graph/data"]}, Target(endpoint), batch_size=1000)
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert failure.value.loaded == {"https://example.org/scratch": 2000}
    assert "https://example.org/scratch: 2000 triples" in failure.value.summary()


# ---------------------------------------------------------------------------
# Interrupted --replace pushes leave nothing behind
# ---------------------------------------------------------------------------


class Flaky(BaseHTTPRequestHandler):
    """Forwards to the real server, except: the ``stall_at``-th graph store request
    waits (until ``release`` is set) and then closes without a reply; from the
    ``die_from``-th graph store request on every request is closed unanswered (the
    server is gone); an update with MOVE is ``"lost"`` (forwarded, reply dropped)
    or ``"dropped"`` (never forwarded, connection closed); with
    ``queries_after_move="dead"`` queries after it go unanswered."""

    def handle_any(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server = self.server
        if "/store" in self.path:
            server.store_requests += 1
            if server.store_requests == server.stall_at:
                server.stalled.set()
                server.release.wait(60)
                self.close_connection = True
                return
        if server.die_from and server.store_requests >= server.die_from:
            self.close_connection = True
            return
        moving = self.path.endswith("/update") and b"MOVE" in body
        server.moved = server.moved or moving
        if server.moved and server.queries_after_move == "dead" and self.path.endswith("/query"):
            self.close_connection = True
            return
        if moving and server.move == "dropped":
            self.close_connection = True
            return
        request = urllib.request.Request(server.upstream + self.path, data=body or None, method=self.command)
        for header in ("Content-Type", "Accept"):
            if self.headers.get(header):
                request.add_header(header, self.headers[header])
        try:
            with urllib.request.urlopen(request) as response:
                status, payload, ctype = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status, payload, ctype = exc.code, exc.read(), "text/plain"
        if moving and server.move == "lost":
            self.close_connection = True
            return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    def log_message(self, *args):
        pass


@pytest.fixture()
def flaky(server):
    httpd = serve(Flaky, upstream=server, store_requests=0, stall_at=0, die_from=0, move=None, moved=False,
                  queries_after_move=None, stalled=threading.Event(), release=threading.Event())
    httpd.endpoint = f"http://127.0.0.1:{httpd.server_address[1]}/query"
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def peacekg_counts(endpoint: str) -> dict[str, int]:
    """Triples per graph, for peacekg's graphs and their temporary graphs only."""
    return {g: n for g, n in counts(endpoint).items() if g.startswith("https://w3id.org/peacekg/")}


def staged_before(graphs, batch_size: int, requests: int) -> dict[str, int]:
    """What the first ``requests`` batches put in the temporary graphs."""
    staged: dict[str, int] = {}
    sent = 0
    for graph, triples in graphs.items():
        for batch in batches(list(triples), batch_size):
            if sent == requests:
                return staged
            staged[staging_graph(graph)] = staged.get(staging_graph(graph), 0) + len(batch)
            sent += 1
    return staged


ONTOLOGY = "https://w3id.org/peacekg/graph/ontology"
BATCH = 200  # the ontology graph (blank nodes, then about 1,000 triples) goes in several batches


def push_in_a_process(released, endpoint: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "peacekg", "push", "--release", str(released.folder), "--endpoint", endpoint,
               "--replace", "--graph", "ontology", "--batch-size", str(BATCH)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_temporary_graph_names_are_the_same_on_every_run():
    assert staging_graph("https://w3id.org/peacekg/graph/data") == "https://w3id.org/peacekg/graph/data-peacekg-push-staging"


def test_a_push_killed_midway_is_cleaned_up_and_reported_by_the_next(loaded, flaky, released, graphs):
    ontology = {ONTOLOGY: graphs[ONTOLOGY]}
    flaky.stall_at = 4
    process = push_in_a_process(released, flaky.endpoint)
    try:
        assert flaky.stalled.wait(120), process.communicate(timeout=5)
    finally:
        process.kill()  # SIGKILL: no chance to clean up
        process.wait()
    left = staged_before(ontology, BATCH, 3)
    assert list(left) == [staging_graph(ONTOLOGY)] and 0 < left[staging_graph(ONTOLOGY)] < len(graphs[ONTOLOGY])
    expected = {g: len(ts) for g, ts in graphs.items()}
    assert peacekg_counts(loaded) == {**expected, **left}

    result = push(ontology, Target(loaded), replace=True)
    assert result.leftovers == left
    assert f"removed {staging_graph(ONTOLOGY)} ({left[staging_graph(ONTOLOGY)]} triples), left by an interrupted push" in result.notes
    assert peacekg_counts(loaded) == expected


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_ctrl_c_or_kill_drops_the_temporary_graphs(loaded, flaky, released, graphs, signal_name):
    before = peacekg_counts(loaded)
    flaky.stall_at = 4
    process = push_in_a_process(released, flaky.endpoint)
    try:
        assert flaky.stalled.wait(120), process.communicate(timeout=5)
        process.send_signal(getattr(signal, signal_name))
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, stderr
    assert "error: interrupted" in stderr
    assert "Target graphs are unchanged (the load went to temporary graphs, now dropped)." in stderr
    assert peacekg_counts(loaded) == before


def test_a_store_gone_midway_leaves_named_temporary_graphs_for_the_next_push(loaded, flaky, graphs):
    ontology = {ONTOLOGY: graphs[ONTOLOGY]}
    expected = {g: len(ts) for g, ts in graphs.items()}
    flaky.die_from = 4
    with pytest.raises(PushError) as failure:
        push(ontology, Target(flaky.endpoint), replace=True, batch_size=BATCH)
    left = staged_before(ontology, BATCH, 3)
    assert failure.value.left == [staging_graph(ONTOLOGY)] and not failure.value.restored
    summary = failure.value.summary()
    assert f"Target graphs are unchanged; the temporary graphs {staging_graph(ONTOLOGY)} could not be dropped and the next `peacekg push --replace` removes them." in summary
    assert peacekg_counts(loaded) == {**expected, **left}

    result = push(ontology, Target(loaded), replace=True)
    assert result.leftovers == left
    assert peacekg_counts(loaded) == expected


def test_a_lost_reply_to_the_final_step_is_checked_on_the_store(loaded, flaky, graphs):
    """The move applied but its reply never came: the push asks the store and reports success."""
    flaky.move = "lost"
    result = push({ONTOLOGY: graphs[ONTOLOGY][:-7]}, Target(flaky.endpoint), replace=True)  # 7 triples fewer: a visible change
    assert result.notes[-1].startswith(f"no reply from {flaky.endpoint.removesuffix('/query')}/update")
    assert result.notes[-1].endswith("; the store shows the final step applied (the targets hold the pushed triples, no temporary graph is left)")
    assert peacekg_counts(loaded) == {**{g: len(ts) for g, ts in graphs.items()}, ONTOLOGY: len(graphs[ONTOLOGY]) - 7}
    push({ONTOLOGY: graphs[ONTOLOGY]}, Target(loaded), replace=True)
    assert peacekg_counts(loaded) == {g: len(ts) for g, ts in graphs.items()}


def test_a_final_step_that_never_arrived_leaves_the_targets_unchanged(loaded, flaky, graphs):
    """The connection closed before the move reached the store: the check shows the
    temporary graphs still full, so they are dropped and the targets are as they were."""
    before = peacekg_counts(loaded)
    flaky.move = "dropped"
    with pytest.raises(PushError) as failure:
        push({ONTOLOGY: graphs[ONTOLOGY][:-7]}, Target(flaky.endpoint), replace=True)
    assert str(failure.value).endswith("the store shows the final step did not apply")
    assert failure.value.restored and not failure.value.unknown
    assert "Target graphs are unchanged" in failure.value.summary()
    assert peacekg_counts(loaded) == before


def test_when_the_store_cannot_be_checked_the_outcome_is_unknown(loaded, flaky, graphs):
    """No reply to the move, and no answer to the check either: the push says it does not know."""
    flaky.move, flaky.queries_after_move = "dropped", "dead"
    with pytest.raises(PushError) as failure:
        push({ONTOLOGY: graphs[ONTOLOGY]}, Target(flaky.endpoint), replace=True)
    assert failure.value.unknown and not failure.value.restored
    assert "checking the store failed too" in str(failure.value)
    summary = failure.value.summary()
    assert "The outcome is unknown" in summary and "Target graphs are unchanged" not in summary
    result = push({ONTOLOGY: graphs[ONTOLOGY]}, Target(loaded), replace=True)
    assert result.leftovers == {staging_graph(ONTOLOGY): len(graphs[ONTOLOGY])}  # the move never arrived
    assert peacekg_counts(loaded) == {g: len(ts) for g, ts in graphs.items()}


# ---------------------------------------------------------------------------
# Against a live Virtuoso (Debian package virtuoso-opensource)
# ---------------------------------------------------------------------------

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
needs_virtuoso = pytest.mark.skipif(
    not (VIRTUOSO and ISQL), reason="Virtuoso Open Source is not installed (Debian package virtuoso-opensource; `make test-deps` installs it)"
)
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "peacekg-loader", "Lo4der-s3cret"

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
DirsAllowed = {db}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 300
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A fresh Virtuoso in its own temporary database, on loopback ports, with a
    user who may load (SPARQL_UPDATE); yields its base URL. Stopped by its pid."""
    if not (VIRTUOSO and ISQL):
        pytest.skip("Virtuoso Open Source is not installed (Debian package virtuoso-opensource; `make test-deps` installs it)")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port = http_port = free_port()
    while http_port == sql_port:
        http_port = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(db=folder, sql_port=sql_port, http_port=http_port))
    log = open(folder / "server.log", "wb")
    process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{http_port}"
    try:
        for _ in range(1200):  # a new database takes a few seconds to initialise
            if process.poll() is not None:
                pytest.fail(f"virtuoso exited: {(folder / 'server.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("virtuoso did not start listening")
        grant = f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}'); GRANT SPARQL_UPDATE TO \"{VIRTUOSO_USER}\";"
        subprocess.run([ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={grant}"], check=True, capture_output=True, timeout=60)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def virtuoso_loaded(virtuoso, released) -> str:
    """Virtuoso with the release pushed through its Digest-protected graph store."""
    result = runner.invoke(app, ["push", "--endpoint", virtuoso + "/sparql", "--release", str(released.folder), "--replace",
                                 "--user", VIRTUOSO_USER, "--password", VIRTUOSO_PASSWORD])
    assert result.exit_code == 0, result.output
    assert "by graph store (replacing)" in result.stdout
    assert VIRTUOSO_PASSWORD not in result.output
    return virtuoso + "/sparql"


@needs_virtuoso
def test_virtuoso_holds_exactly_the_pushed_graphs(virtuoso_loaded, graphs):
    peacekg_graphs = {g: n for g, n in counts(virtuoso_loaded).items() if g.startswith("https://w3id.org/peacekg/")}
    assert peacekg_graphs == {g: len(ts) for g, ts in graphs.items()}


@needs_virtuoso
def test_every_stored_query_answers_on_virtuoso_as_on_the_embedded_store(virtuoso_loaded, kg, local_answers):
    remote = KnowledgeGraph.remote(virtuoso_loaded)
    for name, local_answer in local_answers.items():
        assert normalise(remote.run(name, {}), kg.stored(name).text) == local_answer, name


@needs_virtuoso
def test_pushing_again_into_virtuoso_replaces(virtuoso_loaded, graphs):
    data = "https://w3id.org/peacekg/graph/data"
    target = Target(virtuoso_loaded, user=VIRTUOSO_USER, password=VIRTUOSO_PASSWORD)
    assert (target.update, target.graph_store) == (virtuoso_loaded + "-auth", virtuoso_loaded.removesuffix("/sparql") + "/sparql-graph-crud-auth")
    result = push({data: graphs[data]}, target, replace=True, batch_size=5000)
    assert result.method == "graph store"
    assert counts(virtuoso_loaded)[data] == len(graphs[data])


@needs_virtuoso
def test_virtuoso_leftovers_are_reported_and_removed(virtuoso_loaded, graphs):
    """A temporary graph left on Virtuoso (whose default graph is the union of all
    graphs, so a leftover would leak into every query) is found and dropped."""
    target = Target(virtuoso_loaded, user=VIRTUOSO_USER, password=VIRTUOSO_PASSWORD)
    push({staging_graph(ONTOLOGY): graphs["https://w3id.org/peacekg/graph/data"][:300]}, target)
    assert counts(virtuoso_loaded)[staging_graph(ONTOLOGY)] == 300
    result = push({ONTOLOGY: graphs[ONTOLOGY]}, target, replace=True)
    assert result.leftovers == {staging_graph(ONTOLOGY): 300}
    assert f"removed {staging_graph(ONTOLOGY)} (300 triples), left by an interrupted push" in result.notes
    peacekg_graphs = {g: n for g, n in counts(virtuoso_loaded).items() if g.startswith("https://w3id.org/peacekg/")}
    assert peacekg_graphs == {g: len(ts) for g, ts in graphs.items()}


@needs_virtuoso
def test_virtuoso_refuses_a_wrong_password_without_echoing_it(virtuoso_loaded, graphs):
    target = Target(virtuoso_loaded, user=VIRTUOSO_USER, password="not-" + VIRTUOSO_PASSWORD)
    with pytest.raises(PushError) as failure:
        push({"https://example.org/scratch": graphs["https://w3id.org/peacekg/graph/ontology"]}, target)
    assert "refused the credentials (HTTP 401)" in str(failure.value)
    assert VIRTUOSO_PASSWORD not in failure.value.summary()
    assert "https://example.org/scratch" not in counts(virtuoso_loaded)


# ---------------------------------------------------------------------------
# Stores that are down or refuse us
# ---------------------------------------------------------------------------


def test_a_server_that_is_down(graphs):
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(PushError, match="cannot reach"):
        push(graphs, Target(endpoint))
    with pytest.raises(PushError, match="cannot reach") as failure:
        push(graphs, Target(endpoint), replace=True)
    assert failure.value.summary().endswith("Loaded before the failure: nothing.")  # no claim about graphs it never touched
    with pytest.raises(StoreUnavailable, match="cannot query"):
        KnowledgeGraph.remote(endpoint).query("missions")
    result = runner.invoke(app, ["query", "missions", "--endpoint", endpoint])
    assert result.exit_code != 0
    assert isinstance(result.exception, (SystemExit, StoreUnavailable))


@pytest.mark.parametrize("command", [["query", "missions"], ["sparql", "ASK { ?s ?p ?o }"]])
def test_cli_says_clearly_that_the_store_is_down(command):
    result = runner.invoke(app, [*command, "--endpoint", f"http://127.0.0.1:{free_port()}/query"])
    assert result.exit_code == 2
    assert "error: cannot query" in result.output


class Unauthorized(BaseHTTPRequestHandler):
    def handle_any(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(self.headers.get("Authorization"))
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="store"')
        self.send_header("Content-Length", "12")
        self.end_headers()
        self.wfile.write(b"unauthorized")

    do_GET = do_POST = do_PUT = handle_any

    def log_message(self, *args):
        pass


@pytest.fixture()
def unauthorized():
    httpd = serve(Unauthorized, seen=[])
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_a_401_is_reported_and_the_password_never_shown(unauthorized, graphs, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    base = f"http://127.0.0.1:{unauthorized.server_address[1]}"
    with pytest.raises(PushError) as failure:
        push(graphs, Target(base + "/query", user="alice", password=SECRET), replace=True)
    assert "401" in str(failure.value)
    assert SECRET not in failure.value.summary() and SECRET not in repr(failure.value)
    assert SECRET not in caplog.text
    expected = "Basic " + base64.b64encode(f"alice:{SECRET}".encode()).decode()
    assert expected in unauthorized.seen  # sent, but only in the header

    monkeypatch.setenv("PEACEKG_USER", "alice")
    monkeypatch.setenv("PEACEKG_PASSWORD", SECRET)
    result = runner.invoke(app, ["push", "--endpoint", base + "/query"])
    assert result.exit_code == 2
    assert "refused the credentials (HTTP 401)" in result.output
    assert SECRET not in result.output and SECRET not in caplog.text
    result = runner.invoke(app, ["push", "--endpoint", f"http://bob:{SECRET}@127.0.0.1:{unauthorized.server_address[1]}/query"])
    assert result.exit_code == 2 and SECRET not in result.output
    with pytest.raises(StoreUnavailable) as refused:
        KnowledgeGraph.remote(base + "/query", user="alice", password=SECRET).query("missions")
    assert "refused the credentials (401)" in str(refused.value) and SECRET not in str(refused.value)
    result = runner.invoke(app, ["query", "missions", "--endpoint", base + "/query"])
    assert result.exit_code != 0 and SECRET not in result.output and SECRET not in str(result.exception)


def test_digest_answers_match_the_rfc_examples():
    """RFC 2617 section 3.5 (MD5) and RFC 7616 section 3.9.1 (SHA-256), with their client nonces."""
    md5 = DigestChallenge.from_header(['Digest realm="testrealm@host.com", qop="auth,auth-int", '
                                       'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'])
    header = md5.answer("GET", "http://www.nowhere.org/dir/index.html", "Mufasa", "Circle Of Life", cnonce="0a4f113b")
    assert 'response="6629fae49393a05397450978507c4ef1"' in header and "nc=00000001" in header and 'uri="/dir/index.html"' in header
    sha = DigestChallenge.from_header(['Basic realm="x"', 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, '
                                       'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'])
    header = sha.answer("GET", "http://www.example.org/dir/index.html", "Mufasa", "Circle of Life", cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
    assert 'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"' in header
    assert "nc=00000002" in md5.answer("GET", "http://www.nowhere.org/dir/index.html", "Mufasa", "Circle Of Life")


def test_target_repr_and_redaction_hide_secrets():
    target = Target("http://localhost:7878/query", user="u", password=SECRET)
    assert SECRET not in repr(target)
    assert redact(f"https://u:{SECRET}@example.org:8443/x?y=1") == "https://example.org:8443/x?y=1"


@pytest.mark.parametrize(
    "endpoint, update, graph_store",
    [
        ("http://localhost:7878/query", "http://localhost:7878/update", "http://localhost:7878/store"),
        ("http://localhost:3030/peacekg/query", "http://localhost:3030/peacekg/update", "http://localhost:3030/peacekg/data"),
        ("http://localhost:7200/repositories/peacekg", "http://localhost:7200/repositories/peacekg/statements", "http://localhost:7200/repositories/peacekg/rdf-graphs/service"),
        ("http://localhost:8890/sparql", "http://localhost:8890/sparql", "http://localhost:8890/sparql-graph-crud"),
        ("http://example.org/sparql", "http://example.org/sparql", "http://example.org/sparql-graph-crud"),
        ("http://example.org/store/sparql", "http://example.org/store/sparql", None),
    ],
)
def test_endpoint_layouts_of_known_stores(endpoint, update, graph_store):
    assert guess_update_url(endpoint) == update
    assert guess_graph_store_url(endpoint) == graph_store


def test_virtuoso_layout_with_credentials_uses_its_digest_endpoints():
    target = Target("http://localhost:8890/sparql", user="loader", password=SECRET)
    assert (target.update, target.graph_store) == ("http://localhost:8890/sparql-auth", "http://localhost:8890/sparql-graph-crud-auth")
