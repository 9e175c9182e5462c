"""``peacekg serve`` with real clients: the server runs in a subprocess (uvicorn
on a free loopback port) and is queried with SPARQLWrapper and plain HTTP.

Facts asserted are the stable ones (UNMIL, S/RES/1509 (2003), 2003-10-01, LBR).
Nothing here measures wall-clock time: limits are checked by their answers.
"""
from __future__ import annotations

import csv
import http.client as http_client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

ROOT = Path(__file__).resolve().parent.parent
PEACEKG = "https://w3id.org/peacekg/ontology#"
ID = "https://w3id.org/peacekg/id/"
UNMIL = ID + "mission/unmil"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DATA_GRAPH = "https://w3id.org/peacekg/graph/data"
ONTOLOGY_GRAPH = "https://w3id.org/peacekg/graph/ontology"

#: Limits of the test server: small, so that the limit tests are quick.
QUERY_TIMEOUT, MAX_RESULTS = 2, 5000

#: Runs for hours on the graph (a three-way cross product of every triple).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

UNMIL_CONSTRUCT = """
PREFIX peacekg: <https://w3id.org/peacekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?m peacekg:acronym ?a ; rdfs:label ?l ; peacekg:hostCountry ?c }
WHERE { ?m peacekg:acronym "UNMIL" , ?a ; rdfs:label ?l ; peacekg:hostCountry ?c }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningServer:
    """A ``peacekg serve`` subprocess and its address."""

    def __init__(self, process: subprocess.Popen, base: str, log: Path):
        self.process, self.base, self.log = process, base, log

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        """Stop this server by its own pid: SIGTERM, then SIGKILL if it lingers."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_server(log_dir: Path, *extra: str, project: Path = ROOT) -> RunningServer:
    """Start ``peacekg serve`` on a free port and wait until it answers."""
    port = free_port()
    log = log_dir / f"serve-{port}.log"
    # `python -m peacekg.cli` would run cli.py twice (as __main__ and as
    # peacekg.cli, which plug-in commands import), so start it as the script does.
    command = [
        sys.executable, "-c", "from peacekg.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(port),
        "--project", str(project), *extra,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    server = RunningServer(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 180  # a cold cache means a full build first
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"peacekg serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(server.url("/sparql"), headers={"Accept": "text/turtle"}, timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"peacekg serve did not answer:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory, request) -> RunningServer:
    running = start_server(
        tmp_path_factory.mktemp("server"),
        "--query-timeout", str(QUERY_TIMEOUT), "--max-results", str(MAX_RESULTS), "--workers", "3",
    )
    request.addfinalizer(running.stop)
    return running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.base, timeout=30) as client:
        yield client


def sparql_client(server, return_format=JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url("/sparql"))
    client.setReturnFormat(return_format)
    return client


def json_rows(data: dict) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def graph_of(data: bytes | str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=fmt)


def unmil_row(rows: list[dict[str, str]]) -> dict[str, str]:
    matches = [r for r in rows if r.get("acronym") == "UNMIL"]
    assert len(matches) == 1, rows
    return matches[0]


# -- the SPARQL endpoint with SPARQLWrapper -------------------------------------------


def test_missions_stored_query_through_sparqlwrapper(server, kg):
    client = sparql_client(server)
    client.setQuery(kg.stored("missions").text)
    row = unmil_row(json_rows(client.queryAndConvert()))
    assert row["name"] == "United Nations Mission in Liberia"
    assert row["start"] == "2003-10-01"
    assert "LBR" in row["host_countries"].split(", ")
    assert "S/RES/1509 (2003)" in row["establishing_instrument"]


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_select_in_every_result_format(server, return_format):
    client = sparql_client(server, return_format)
    client.setMethod(POST)
    client.setQuery('SELECT ?start WHERE { mission:unmil peacekg:startDate ?s BIND (SUBSTR(STR(?s), 1, 10) AS ?start) }')
    result = client.query()
    body = result.response.read()
    media = result.response.headers["Content-Type"]
    if return_format == JSON:
        assert media.startswith("application/sparql-results+json")
        assert json_rows(json.loads(body)) == [{"start": "2003-10-01"}]
    elif return_format == XML:
        assert media.startswith("application/sparql-results+xml")
        assert b"<literal>2003-10-01</literal>" in body
    elif return_format == CSV:
        assert media.startswith("text/csv")
        assert list(csv.reader(io.StringIO(body.decode()))) == [["start"], ["2003-10-01"]]
    else:
        assert media.startswith("text/tab-separated-values")
        assert body.decode().split() == ["?start", '"2003-10-01"']


@pytest.mark.parametrize(
    ("return_format", "media", "rdflib_format"),
    [(TURTLE, "text/turtle", "turtle"), (N3, "text/turtle", "turtle"), (JSONLD, "application/ld+json", "json-ld"), (RDFXML, "application/rdf+xml", "xml")],
)
def test_construct_in_every_graph_format(server, return_format, media, rdflib_format):
    client = sparql_client(server, return_format)
    client.setQuery(UNMIL_CONSTRUCT)
    result = client.query()
    body = result.response.read()
    assert result.response.headers["Content-Type"].startswith(media)
    graph = graph_of(body, rdflib_format)
    unmil = rdflib.URIRef(UNMIL)
    assert (unmil, rdflib.URIRef(PEACEKG + "acronym"), rdflib.Literal("UNMIL")) in graph
    assert (unmil, rdflib.URIRef(PEACEKG + "hostCountry"), rdflib.URIRef(ID + "state/lbr")) in graph


def test_construct_as_ntriples(http):
    response = http.get("/sparql", params={"query": UNMIL_CONSTRUCT}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-triples")
    assert f'<{UNMIL}> <{PEACEKG}acronym> "UNMIL" .' in response.text.splitlines()


def test_ask_through_sparqlwrapper(server):
    client = sparql_client(server)
    client.setQuery("ASK { mission:unmil peacekg:hostCountry state:lbr }")
    assert client.queryAndConvert() == {"head": {}, "boolean": True}


# -- the protocol with plain HTTP ---------------------------------------------------


def test_get_form_post_and_direct_post_agree(http):
    query = "SELECT ?acronym WHERE { ?m peacekg:hostCountry state:lbr ; peacekg:acronym ?acronym } ORDER BY ?acronym"
    accept = {"Accept": "application/sparql-results+json"}
    answers = [
        http.get("/sparql", params={"query": query}, headers=accept),
        http.post("/sparql", data={"query": query}, headers=accept),
        http.post("/sparql", content=query.encode(), headers={**accept, "Content-Type": "application/sparql-query"}),
    ]
    for response in answers:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        assert "Accept" in response.headers["vary"]
        assert "UNMIL" in [r["acronym"] for r in json_rows(response.json())]
    assert answers[0].content == answers[1].content == answers[2].content


def test_default_curl_accept_gets_sparql_json(http):
    response = http.get("/sparql", params={"query": "ASK { mission:unmil ?p ?o }"}, headers={"Accept": "*/*"})
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.json()["boolean"] is True


def test_format_parameter_overrides_accept(http):
    response = http.get("/sparql", params={"query": "SELECT ?x WHERE { BIND (1 AS ?x) }", "format": "csv"},
                        headers={"Accept": "application/sparql-results+json"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.split() == ["x", "1"]


def test_default_graph_uri_and_named_graph_uri(http):
    ask = "ASK { mission:unmil a peacekg:PeaceOperation }"

    def boolean(params):
        response = http.get("/sparql", params=params, headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200, response.text
        return response.json()["boolean"]

    assert boolean({"query": ask, "default-graph-uri": DATA_GRAPH}) is False  # only the inferred graph says so
    assert boolean({"query": ask, "default-graph-uri": [DATA_GRAPH, "https://w3id.org/peacekg/graph/inferred"]}) is True
    assert boolean({"query": "ASK { mission:unmil ?p ?o }", "default-graph-uri": ONTOLOGY_GRAPH}) is False
    response = http.post(
        "/sparql",
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { mission:unmil ?p ?o } }", "named-graph-uri": DATA_GRAPH},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json_rows(response.json()) == [{"g": DATA_GRAPH}]


def test_service_description_when_no_query(http, server):
    response = http.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = graph_of(response.text, "turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef(server.url("/sparql"))
    assert (endpoint, sd.endpoint, endpoint) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (endpoint, sd.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph


def test_cors_for_get_and_post(http):
    preflight = http.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    for response in (
        http.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}),
        http.post("/sparql", data={"query": "ASK {}"}, headers={"Origin": "https://example.org"}),
    ):
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"


# -- bad requests --------------------------------------------------------------------


def test_malformed_query_gets_400_with_the_parser_message(http):
    response = http.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("malformed query: error at 1:")


@pytest.mark.parametrize(
    "how",
    ["query-param", "update-param", "sparql-update-body"],
)
def test_updates_are_refused(http, how):
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    if how == "query-param":
        response = http.post("/sparql", data={"query": update})
    elif how == "update-param":
        response = http.post("/sparql", data={"update": update})
    else:
        response = http.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 403
    assert "read-only" in response.text
    ask = http.get("/sparql", params={"query": "ASK { <http://example.org/a> ?p ?o }"}, headers={"Accept": "application/sparql-results+json"})
    assert ask.json()["boolean"] is False


def test_over_long_body_and_query(http, server):
    long_query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 70_000
    body = http.post("/sparql", content=long_query, headers={"Content-Type": "application/sparql-query"})
    assert body.status_code == 413
    form = http.post("/sparql", data={"query": long_query})
    assert form.status_code == 413
    # httpx refuses such URLs itself, so the GET goes through http.client.
    connection = http_client.HTTPConnection("127.0.0.1", int(server.base.rsplit(":", 1)[1]), timeout=30)
    connection.request("GET", "/sparql?" + urlencode({"query": long_query}))
    url = connection.getresponse()
    assert url.status == 414
    assert b"POST" in url.read()
    connection.close()


def test_unsupported_content_type_and_method(http):
    assert http.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    put = http.put("/sparql", content="ASK {}")
    assert put.status_code == 405
    assert set(put.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert set(put.text.strip().split("; use ")[1].split(", ")) == {"GET", "HEAD", "POST"}
    delete = http.delete("/id/mission/unmil")
    assert delete.status_code == 405 and set(delete.headers["allow"].split(", ")) == {"GET", "HEAD"}


def test_unacceptable_format_gets_406(http):
    select = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "text/turtle"})
    assert select.status_code == 406
    assert "application/sparql-results+json" in select.text
    construct = http.get("/sparql", params={"query": UNMIL_CONSTRUCT}, headers={"Accept": "text/csv"})
    assert construct.status_code == 406
    assert "text/turtle" in construct.text
    assert http.get("/id/mission/unmil", headers={"Accept": "image/png"}).status_code == 406


def test_result_cap(http):
    response = http.get("/sparql", params={"query": "SELECT * WHERE { ?a a peacekg:State . ?b a peacekg:State }"})
    assert response.status_code == 422
    assert f"more than {MAX_RESULTS} rows" in response.text
    capped = http.get("/sparql", params={"query": "SELECT * WHERE { ?a a peacekg:State . ?b a peacekg:State } LIMIT 10"})
    assert capped.status_code == 200
    assert len(capped.json()["results"]["bindings"]) == 10


def test_runaway_query_is_stopped_and_others_are_served(server, http):
    answers = {}

    def runaway():
        with httpx.Client(timeout=60) as client:
            answers["runaway"] = client.get(server.url("/sparql"), params={"query": RUNAWAY})

    thread = threading.Thread(target=runaway)
    thread.start()
    # While the runaway query holds one worker, other requests are answered.
    during = http.get("/queries/missions-in-country", params={"country": "LBR"}, headers={"Accept": "text/csv"})
    assert during.status_code == 200
    assert "UNMIL" in during.text
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert answers["runaway"].status_code == 503
    assert f"time limit of {QUERY_TIMEOUT} s" in answers["runaway"].text
    # The next requests are served, by the replacement worker too.
    for _ in range(4):
        after = http.get("/sparql", params={"query": "ASK { mission:unmil peacekg:hostCountry state:lbr }"})
        assert after.status_code == 200
        assert after.json()["boolean"] is True


def test_runaway_queries_leave_a_lookup_answering(tmp_path):
    """Two workers, four runaway queries from one client: long ones hand their
    workers over to the long lane, the ones past the client's share of it
    (two) are stopped, and lookups are answered all the while."""
    running = start_server(tmp_path, "--workers", "2", "--query-timeout", "15")
    answers: list[httpx.Response] = []
    try:
        idle = _cpu_ticks_of_children(running.process.pid)

        def runaway(i: int) -> None:
            with httpx.Client(timeout=90) as client:
                answers.append(client.get(running.url("/sparql"), params={"query": RUNAWAY + f" # {i}"}))

        threads = [threading.Thread(target=runaway, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while _cpu_ticks_of_children(running.process.pid) < idle + 300 and time.monotonic() < deadline:
            time.sleep(0.05)  # until the runaways have had three seconds of CPU
        with httpx.Client(timeout=30) as client:
            for _ in range(10):
                lookup = client.get(running.url("/sparql"), params={"query": "SELECT ?a WHERE { mission:unmil peacekg:acronym ?a }"},
                                    headers={"Accept": "text/csv"})
                assert lookup.status_code == 200 and lookup.text.split() == ["a", "UNMIL"]
        assert not answers or all(a.status_code == 503 for a in answers)  # the runaways are still running, or stopped
        for thread in threads:
            thread.join(timeout=90)
    finally:
        running.stop()
    assert sorted(a.status_code for a in answers) == [503] * 4
    stopped = [a.text for a in answers if "2 long-running queries from you are running already" in a.text]
    timed_out = [a.text for a in answers if "time limit of 15 s" in a.text]
    assert len(stopped) == 2 and len(timed_out) == 2


def test_fifty_concurrent_clients(server, kg):
    states = kg.sparql(
        "SELECT ?code ?label WHERE { ?s peacekg:iso3166Alpha3 ?code ; rdfs:label ?label } ORDER BY ?code LIMIT 50"
    ).to_dicts()
    assert len(states) == 50

    def ask(state: dict) -> tuple[int, str | None, str]:
        with httpx.Client(timeout=60) as client:
            response = client.get(
                server.url("/sparql"),
                params={"query": f'SELECT ?label WHERE {{ ?s peacekg:iso3166Alpha3 "{state["code"]}" ; rdfs:label ?label }}'},
                headers={"Accept": "application/sparql-results+json"},
            )
        rows = json_rows(response.json()) if response.status_code == 200 else []
        return response.status_code, rows[0]["label"] if rows else None, state["label"]

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(ask, states))
    assert [status for status, _, _ in results] == [200] * 50
    assert all(got == expected for _, got, expected in results)


# -- no outbound requests: SERVICE ----------------------------------------------------


class Listener:
    """A loopback TCP listener that counts the connections it receives (and
    closes each at once, as a dead endpoint would)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> int:
        """Stop listening; the number of connections received."""
        self._stop.set()
        self._thread.join(timeout=10)
        self.sock.close()
        return self.connections


@pytest.fixture()
def listener():
    running = Listener()
    yield running
    running.close()


def service_queries(url: str) -> list[str]:
    """Ways to write a SERVICE call to ``url``, some meant to slip past a naive check."""
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX ep: <{url.rsplit('/', 1)[0]}/> SELECT * WHERE {{ ?x a peacekg:State . SERVICE ep:sparql {{ ?s ?p ?o }} }} LIMIT 1",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?m peacekg:acronym \"UNMIL\".SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?m peacekg:acronym ?a . ?m peacekg:x\\#y ?z . }} # }}\nSERVICE <{url}> {{ }}",
        f"ASK {{ ?m peacekg:acronym 'UNMIL' OPTIONAL {{ SERVICE <{url}> {{ ?m ?p ?o }} }} }}",
    ]


def test_service_is_refused_and_never_calls_out(http, listener):
    for query in service_queries(listener.url):
        for response in (http.get("/sparql", params={"query": query}), http.post("/sparql", data={"query": query})):
            assert response.status_code == 400, (query, response.text)
            assert "federated queries are off" in response.text
    assert listener.close() == 0


def test_worker_cannot_call_out_even_if_asked(tmp_path, listener):
    """The second wall: a worker without federation has no network, so even a
    SERVICE job sent to it directly (past the server's check) reaches nothing."""
    from peacekg.server.pool import FAILED, QueryFailed, QueryPool

    store = ox.Store(str(tmp_path / "store"))
    store.add(ox.Quad(ox.NamedNode(UNMIL), ox.NamedNode(PEACEKG + "acronym"), ox.Literal("UNMIL"), ox.NamedNode(DATA_GRAPH)))
    store.flush()
    del store
    pool = QueryPool(str(tmp_path / "store"), 1, timeout=30, wait_limit=30)
    pool.start()
    try:
        job = {"query": f"SELECT * WHERE {{ ?m ?p ?a SERVICE <{listener.url}> {{ ?s ?p ?o }} }}", "result_format": "json",
               "graph_format": "turtle", "max_results": 10}
        with pytest.raises(QueryFailed) as failure:
            pool.run(job)
        assert failure.value.reason == FAILED
        silent = pool.run({**job, "query": job["query"].replace("SERVICE", "SERVICE SILENT")})
        assert json_rows(json.loads(silent.body)) == [{"m": UNMIL, "p": PEACEKG + "acronym", "a": "UNMIL"}]
    finally:
        pool.close()
    assert listener.close() == 0


def test_allowed_service_calls_only_listed_endpoints_and_hides_errors(tmp_path, listener):
    other = Listener()
    running = start_server(tmp_path, "--allow-service", listener.url, "--workers", "1", "--query-timeout", "20")
    try:
        refused = httpx.post(running.url("/sparql"), data={"query": service_queries(other.url)[0]}, timeout=30)
        assert refused.status_code == 400
        assert f"federates only with endpoints under {listener.url}" in refused.text
        by_variable = httpx.post(running.url("/sparql"), data={"query": service_queries(listener.url)[3]}, timeout=30)
        assert by_variable.status_code == 400 and "not a variable" in by_variable.text
        # The allowed endpoint is called; it hangs up, and the client learns no internals.
        failed = httpx.post(running.url("/sparql"), data={"query": service_queries(listener.url)[0]}, timeout=30)
        assert failed.status_code == 500
        assert failed.text.strip() == "the query failed on the server; the error was logged"
    finally:
        running.stop()
    assert other.close() == 0
    assert listener.close() >= 1
    assert "query failed:" in running.log.read_text()


# -- the dataset: FROM, FROM NAMED and the protocol's graph parameters ------------------------


def count(http, query: str, **params) -> int:
    response = http.get("/sparql", params={"query": query, **params}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return int(json_rows(response.json())[0]["n"])


def test_from_selects_the_default_graph(http, kg):
    ontology_size = kg.info.graphs[ONTOLOGY_GRAPH]
    union = count(http, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert union == kg.info.triples > ontology_size
    assert count(http, f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}") == ontology_size
    # Written in lower case, after comments, with the graph as a prefixed name.
    assert count(http, "PREFIX g: <https://w3id.org/peacekg/graph/>\n# the ontology only\n"
                       "select (count(*) as ?n) from g:ontology where { ?s ?p ?o }") == ontology_size
    both = count(http, f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> FROM <{DATA_GRAPH}> WHERE {{ ?s ?p ?o }}")
    assert both == ontology_size + kg.info.graphs[DATA_GRAPH]
    # The protocol's default-graph-uri overrides the query's FROM.
    assert count(http, f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}",
                 **{"default-graph-uri": DATA_GRAPH}) == kg.info.graphs[DATA_GRAPH]


def test_from_named_selects_the_named_graphs(http):
    query = f"SELECT DISTINCT ?g FROM NAMED <{ONTOLOGY_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    response = http.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert json_rows(response.json()) == [{"g": ONTOLOGY_GRAPH}]
    # FROM NAMED alone leaves the default graph empty (SPARQL 1.1 Query, 13.2).
    assert count(http, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}") == 0
    # Without FROM, GRAPH ?g sees each named graph.
    every = http.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ?c } } ORDER BY ?g"},
                     headers={"Accept": "application/sparql-results+json"})
    assert every.status_code == 200 and every.content, (every.status_code, every.headers, every.text)
    assert {row["g"] for row in json_rows(every.json())} == {DATA_GRAPH, ONTOLOGY_GRAPH, "https://w3id.org/peacekg/graph/inferred"}


# -- HTTP: HEAD, ETag, gzip, echo, busy port, shutdown ---------------------------------------


def test_head_on_the_endpoint_and_pages(http):
    head = http.head("/sparql", params={"query": "ASK { mission:unmil ?p ?o }"}, headers={"Accept": "application/sparql-results+json"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("application/sparql-results+json")
    assert http.head("/sparql", headers={"Accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")
    for path in ("/", "/id/mission/unmil", "/browse/missions", "/query"):
        response = http.head(path, headers={"Accept": "text/html"})
        assert (response.status_code, response.content) == (200, b""), path
        assert response.headers["content-type"].startswith("text/html")


def test_etag_is_the_build_and_if_none_match_gets_304(http, kg):
    first = http.get("/id/mission/unmil", headers={"Accept": "text/turtle"})
    tag = first.headers["etag"]
    assert tag.startswith(f'W/"{kg.info.key}.')
    again = http.get("/id/mission/unmil", headers={"Accept": "text/turtle", "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag and again.headers["content-location"] == "/id/mission/unmil.ttl"
    other = http.get("/id/mission/unmil", headers={"Accept": "application/n-triples", "If-None-Match": tag})
    assert other.status_code == 200 and other.headers["etag"] != tag  # each representation has its own tag
    query = {"query": "SELECT ?a WHERE { mission:unmil peacekg:acronym ?a }"}
    answer = http.get("/sparql", params=query, headers={"Accept": "text/csv"})
    assert answer.text.split() == ["a", "UNMIL"]
    assert http.get("/sparql", params=query, headers={"Accept": "text/csv", "If-None-Match": answer.headers["etag"]}).status_code == 304
    stale = http.get("/sparql", params=query, headers={"Accept": "text/csv", "If-None-Match": 'W/"an-older-build.0"'})
    assert stale.status_code == 200 and stale.text.split() == ["a", "UNMIL"]
    assert "etag" not in http.get("/no/such/page").headers


def test_large_answers_are_gzipped(http):
    dump = http.get("/download/peacekg.nq", headers={"Accept-Encoding": "gzip"})
    assert dump.headers["content-encoding"] == "gzip"
    assert int(dump.headers["content-length"]) * 4 < len(dump.content)  # httpx has decompressed it
    quads = list(ox.parse(dump.content, format=ox.RdfFormat.N_QUADS))
    assert ox.Quad(ox.NamedNode(UNMIL), ox.NamedNode(PEACEKG + "acronym"), ox.Literal("UNMIL"), ox.NamedNode(DATA_GRAPH)) in quads
    small = http.get("/sparql", params={"query": "ASK {}"}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers and small.json()["boolean"] is True


def test_echoed_input_is_capped(http):
    long = "Liberia" * 8_000  # 56,000 characters (httpx refuses URLs over 64 KiB)
    search = http.get("/search", params={"q": long})
    assert search.status_code == 400
    assert "the search text is 56,000 characters long; at most 200 are searched" in search.text
    assert len(search.text) < 20_000
    for path in (f"/id/mission/{long}", f"/browse/{long}", f"/no/{long}"):
        response = http.get(path, headers={"Accept": "text/plain"})
        assert response.status_code == 404 and " characters)" in response.text and len(response.text) < 1000, path
    param = http.get("/queries/missions-in-country", params={"country": long})
    assert param.status_code == 400 and "not valid" in param.text and len(param.text) < 1000
    page = http.get("/queries/missions-in-country", params={"country": long}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and len(page.text) < 40_000


def test_busy_port_fails_before_serving(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-c", "from peacekg.cli import main; main()", "serve", "--port", str(port), "--project", str(ROOT)],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in result.stderr
    assert "Serving" not in result.stdout and "Traceback" not in result.stderr


def _cpu_ticks_of_children(pid: int) -> int:
    """CPU time (clock ticks) used so far by the processes ``pid`` started."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total


def _workers_of(pid: int) -> dict[int, int]:
    """The query workers ``pid`` started, with the CPU (clock ticks) each used so far."""
    workers = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                workers[int(child)] = int(fields[11]) + int(fields[12])
    return workers


def test_kill_9_of_a_worker_loses_only_the_request_it_held(tmp_path):
    """A worker killed from outside (the OOM killer, an operator) costs the
    query it was running a 500, and nothing else: an idle worker killed too is
    replaced before any request notices."""
    running = start_server(tmp_path, "--workers", "2", "--query-timeout", "30")
    answers = {}
    try:
        before = _workers_of(running.process.pid)

        def runaway():
            with httpx.Client(timeout=90) as client:
                answers["runaway"] = client.get(running.url("/sparql"), params={"query": RUNAWAY})

        thread = threading.Thread(target=runaway)
        thread.start()
        busy = None
        deadline = time.monotonic() + 30
        while busy is None and time.monotonic() < deadline:
            time.sleep(0.05)
            now = _workers_of(running.process.pid)
            # a worker there before the query (not a successor starting up) that is using the CPU
            busy = next((pid for pid, ticks in now.items() if pid in before and ticks >= before[pid] + 20), None)
        assert busy is not None, "no worker took the query"
        os.kill(busy, signal.SIGKILL)
        thread.join(timeout=60)
        assert answers["runaway"].status_code == 500
        assert answers["runaway"].text == "the query failed on the server; the error was logged\n"
        idle = next(pid for pid in _workers_of(running.process.pid) if pid != busy)
        os.kill(idle, signal.SIGKILL)
        with httpx.Client(timeout=30) as client:
            for i in range(12):  # each a new query, so each runs in a worker
                lookup = client.get(running.url("/sparql"), params={"query": f"SELECT ?a WHERE {{ mission:unmil peacekg:acronym ?a }} # {i}"},
                                    headers={"Accept": "text/csv"})
                assert (lookup.status_code, lookup.text.split()) == (200, ["a", "UNMIL"]), lookup.text
    finally:
        running.stop()
    assert "Traceback" not in running.log.read_text()


def test_shutdown_with_a_query_in_flight_answers_503(tmp_path):
    running = start_server(tmp_path, "--workers", "1", "--query-timeout", "60")
    answers = {}
    try:
        idle = _cpu_ticks_of_children(running.process.pid)

        def runaway():
            with httpx.Client(timeout=90) as client:
                answers["runaway"] = client.get(running.url("/sparql"), params={"query": RUNAWAY})

        thread = threading.Thread(target=runaway)
        thread.start()
        deadline = time.monotonic() + 30
        while _cpu_ticks_of_children(running.process.pid) < idle + 30 and time.monotonic() < deadline:
            time.sleep(0.05)  # until the worker is busy with the query
        os.kill(running.process.pid, signal.SIGTERM)
        thread.join(timeout=60)
        running.process.wait(timeout=30)
    finally:
        running.stop()
    assert answers["runaway"].status_code == 503
    assert answers["runaway"].text.strip() == "the server is shutting down; try again later"
    assert answers["runaway"].headers["retry-after"] == "5"
    log = running.log.read_text()
    assert "Traceback" not in log and "Shutting down" in log


def test_query_page_lists_the_predeclared_prefixes(http):
    page = http.get("/query", headers={"Accept": "text/html"}).text
    assert "PREFIX mission: &lt;https://w3id.org/peacekg/id/mission/&gt;" in page
    assert "PREFIX peacekg: &lt;https://w3id.org/peacekg/ontology#&gt;" in page


# -- a rebuild while serving ----------------------------------------------------------------

NEW_FACT = "ASK { mission:unmil rdfs:comment \"rebuilt while serving\"@en }"


def test_rebuild_while_serving_switches_without_a_failed_request(project_copy):
    """Edit a source, rebuild with another peacekg command: the server keeps
    answering from its build, never loses it, and moves to the new one."""
    from peacekg.build import cache_key
    from peacekg.sources import Project

    env = {**os.environ, "PEACEKG_CACHE": str(project_copy / "cache")}
    os.environ["PEACEKG_CACHE"] = env["PEACEKG_CACHE"]  # start_server passes os.environ on
    try:
        running = start_server(project_copy, "--workers", "2", "--query-timeout", "20", project=project_copy)
    finally:
        del os.environ["PEACEKG_CACHE"]
    project = Project(project_copy)
    old_folder = project_copy / "cache" / cache_key(project)
    statuses, stop = [], threading.Event()

    def keep_asking() -> None:
        with httpx.Client(base_url=running.base, timeout=60) as client:
            while not stop.is_set():
                lookup = client.get("/sparql", params={"query": "SELECT ?a WHERE { mission:unmil peacekg:acronym ?a }"},
                                    headers={"Accept": "text/csv"})
                page = client.get("/id/mission/unmil", headers={"Accept": "text/turtle"})
                statuses.extend([(lookup.status_code, lookup.text.split() == ["a", "UNMIL"]), (page.status_code, "UNMIL" in page.text)])

    clients = [threading.Thread(target=keep_asking) for _ in range(3)]
    try:
        ask = {"query": NEW_FACT}
        accept = {"Accept": "application/sparql-results+json"}
        assert httpx.get(running.url("/sparql"), params=ask, headers=accept).json()["boolean"] is False
        old_tag = httpx.get(running.url("/id/mission/unmil"), headers={"Accept": "text/turtle"}).headers["etag"]
        for thread in clients:
            thread.start()
        with (project_copy / "data" / "missions-un-2000-present.ttl").open("a") as source:
            source.write('\n<https://w3id.org/peacekg/id/mission/unmil> <http://www.w3.org/2000/01/rdf-schema#comment> "rebuilt while serving"@en .\n')
        build = subprocess.run([sys.executable, "-c", "from peacekg.cli import main; main()", "build", "--project", str(project_copy)],
                               capture_output=True, text=True, timeout=300, cwd=project_copy, env=env)
        assert build.returncode in (0, 1), build.stderr  # 1: the edit may not conform to the shapes; it is still built
        new_folder = project_copy / "cache" / cache_key(project)
        assert new_folder != old_folder and (new_folder / "build.json").is_file()
        assert (old_folder / "store").is_dir()  # pruned by the build, but kept: the server holds it
        deadline = time.monotonic() + 60
        while not httpx.get(running.url("/sparql"), params=ask, headers=accept).json()["boolean"]:
            assert time.monotonic() < deadline, running.log.read_text()
            time.sleep(0.2)
        seen = len(statuses)
        while len(statuses) < seen + 30:  # requests on the new build too
            time.sleep(0.05)
        fresh = httpx.get(running.url("/id/mission/unmil"), headers={"Accept": "text/turtle", "If-None-Match": old_tag})
        assert fresh.status_code == 200 and "rebuilt while serving" in fresh.text and fresh.headers["etag"] != old_tag
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=60)
        running.stop()
    assert len(statuses) > 30
    assert all(status == 200 and right for status, right in statuses), [s for s in statuses if s != (200, True)][:5]
    assert "now serving the build" in running.log.read_text() and "Traceback" not in running.log.read_text()


def test_rebuild_of_the_same_sources_keeps_the_folder_in_use(project_copy):
    """``build --rebuild`` replaces a build in use by moving it aside, never deleting it."""
    from peacekg.build import cached_build, hold_build
    from peacekg.sources import Project

    os.environ["PEACEKG_CACHE"] = str(project_copy / "cache")
    try:
        project = Project(project_copy)
        first = cached_build(project)
        hold = hold_build(first.folder)
        store = first.open_store()
        rebuilt = cached_build(project, rebuild=True)
        assert rebuilt.folder == first.folder and (rebuilt.folder / "build.json").is_file()
        aside = [f for f in (project_copy / "cache").iterdir() if f.name.startswith(".in-use-")]
        assert len(aside) == 1 and (aside[0] / "store").is_dir()
        assert len(list(store.quads_for_pattern(ox.NamedNode(UNMIL), None, None, None))) > 10
        hold.close()
        cached_build(project, rebuild=True)  # the next build's prune removes what is no longer held
        assert not aside[0].exists()
    finally:
        del os.environ["PEACEKG_CACHE"]


# -- stored queries as a web API ------------------------------------------------------


def test_queries_list_as_json_and_html(http):
    response = http.get("/queries", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    queries = {q["name"]: q for q in response.json()}
    assert queries["missions-in-country"]["params"] == [
        {"name": "country", "type": "state", "default": "LBR", "required": False,
         "description": queries["missions-in-country"]["params"][0]["description"]}
    ]
    page = http.get("/queries", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert 'href="/queries/missions"' in page.text


def test_stored_query_with_typed_parameters(http):
    response = http.get("/queries/missions-in-country", params={"country": "LBR"}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    row = unmil_row(list(csv.DictReader(io.StringIO(response.text))))
    assert row["start"] == "2003-10-01"
    missions = http.get("/queries/missions", params={"format": "json"})
    row = unmil_row(json_rows(missions.json()))
    assert "S/RES/1509 (2003)" in row["establishing_instrument"]


def test_stored_query_errors(http):
    bad_type = http.get("/queries/missions-in-country", params={"country": "no such place!"})
    assert bad_type.status_code == 400
    assert "country" in bad_type.text and "not valid" in bad_type.text
    unknown_param = http.get("/queries/missions", params={"colour": "blue"})
    assert unknown_param.status_code == 400
    assert "no such parameter" in unknown_param.text
    unknown = http.get("/queries/no-such-query")
    assert unknown.status_code == 404
    assert "missions" in unknown.text  # lists the known queries


def test_stored_query_as_html_table(http):
    page = http.get("/queries/norm-instruments", params={"norm": "protection-of-civilians"}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<table" in page.text and "S/RES/1265 (1999)" in page.text


# -- linked data ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format", "extension"),
    [
        ("text/turtle", "text/turtle", "turtle", "ttl"),
        ("application/n-triples", "application/n-triples", "nt", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld", "jsonld"),
        ("application/rdf+xml", "application/rdf+xml", "xml", "rdf"),
    ],
)
def test_resource_description_by_content_negotiation(http, accept, media, rdflib_format, extension):
    response = http.get("/id/mission/unmil", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.headers["vary"].startswith("Accept")
    assert response.headers["content-location"] == f"/id/mission/unmil.{extension}"
    graph = graph_of(response.content, rdflib_format)
    unmil, resolution = rdflib.URIRef(UNMIL), rdflib.URIRef(ID + "instrument/s-res-1509-2003")
    assert (unmil, rdflib.RDFS.label, rdflib.Literal("United Nations Mission in Liberia", lang="en")) in graph
    assert (unmil, rdflib.URIRef(PEACEKG + "establishedBy"), resolution) in graph
    assert (resolution, rdflib.RDFS.label, None) in graph  # the labels of what it links to
    same = http.get(f"/id/mission/unmil.{extension}")
    assert same.headers["content-type"].startswith(media)
    assert set(graph_of(same.content, rdflib_format)) == set(graph)


def test_resource_page_for_people(http):
    response = http.get("/id/mission/unmil", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["vary"].startswith("Accept")
    assert response.headers["content-location"] == "/id/mission/unmil.html"
    html = response.text
    assert "<h1>United Nations Mission in Liberia</h1>" in html
    assert 'href="/id/state/lbr"' in html and ">Liberia<" in html
    assert 'href="/id/instrument/s-res-1509-2003"' in html
    assert "2003-10-01" in html and "S/RES/1509 (2003)" in html
    assert "Linked from" in html and "Sources" in html
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_unknown_resources_get_404(http):
    assert http.get("/id/mission/no-such-mission", headers={"Accept": "text/turtle"}).status_code == 404
    assert http.get("/id/mission/no-such-mission", headers={"Accept": "text/html"}).status_code == 404
    assert http.get("/id/../etc/passwd").status_code == 404
    assert http.get("/no/such/page").status_code == 404


def test_ontology_and_terms(http):
    turtle = http.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = graph_of(turtle.text, "turtle")
    assert (rdflib.URIRef(PEACEKG + "PeaceOperation"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    page = http.get("/ontology", headers={"Accept": "text/html"})
    assert 'id="PeaceOperation"' in page.text and 'id="establishedBy"' in page.text
    term = http.get("/resource", params={"iri": PEACEKG + "PeaceOperation"}, headers={"Accept": "text/turtle"})
    assert (rdflib.URIRef(UNMIL), rdflib.RDF.type, rdflib.URIRef(PEACEKG + "PeaceOperation")) in graph_of(term.text, "turtle")


def test_void(http, server):
    response = http.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = graph_of(response.text, "turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef(server.url("/.well-known/void#peacekg"))
    assert (dataset, rdflib.RDF.type, void.Dataset) in graph
    assert graph.value(dataset, void.sparqlEndpoint) == rdflib.URIRef(server.url("/sparql"))
    assert int(graph.value(dataset, void.triples)) > 1000
    assert int(graph.value(dataset, void.classes)) > 10
    dumps = set(graph.objects(dataset, void.dataDump))
    assert rdflib.URIRef(server.url("/download/peacekg.nq")) in dumps
    dump = httpx.get(server.url("/download/peacekg.nq"), timeout=30)
    assert dump.status_code == 200
    quads = list(ox.parse(dump.content, format=ox.RdfFormat.N_QUADS))
    assert ox.Quad(ox.NamedNode(UNMIL), ox.NamedNode(PEACEKG + "acronym"), ox.Literal("UNMIL"), ox.NamedNode(DATA_GRAPH)) in quads


# -- the site ---------------------------------------------------------------------------


def test_home_search_browse_and_timeline(http):
    home = http.get("/", headers={"Accept": "text/html"}).text
    assert "triples" in home and 'href="/browse/missions"' in home and 'href="/browse/norms"' in home
    search = http.get("/search", params={"q": "Liberia"}).text
    assert 'href="/id/mission/unmil"' in search and 'href="/id/state/lbr"' in search
    missions = http.get("/browse/missions").text
    assert 'href="/id/mission/unmil"' in missions and "2003-10-01" in missions
    timeline = http.get("/timeline").text
    assert "<svg" in timeline and 'href="/id/mission/unmil"' in timeline
    svg = http.get("/timeline.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert 'href="/id/norm/protection-of-civilians"' in svg.text
    assert "src=\"http" not in home + missions + timeline  # nothing from elsewhere


def test_query_page_and_html_results(http):
    page = http.get("/query", headers={"Accept": "text/html"}).text
    assert '<textarea id="query"' in page and 'value="missions"' in page and "/static/query.js" in page
    assert http.get("/static/query.js").status_code == 200
    results = http.get("/sparql", params={"query": "SELECT ?m WHERE { ?m peacekg:acronym \"UNMIL\" }"}, headers={"Accept": "text/html"})
    assert results.headers["content-type"].startswith("text/html")
    assert 'href="/id/mission/unmil"' in results.text


# -- the worker pool on its own ------------------------------------------------------------


def test_results_page_shows_500_rows_and_links_the_whole_answer(http):
    query = "SELECT ?a ?b WHERE { ?a a peacekg:State . ?b a peacekg:State } LIMIT 700"
    page = http.get("/sparql", params={"query": query}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "700 rows; the first 500 are shown here" in page.text
    body = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == 500
    link = re.search(r'href="\?([^"]*format=csv)"', page.text).group(1).replace("&amp;", "&")
    whole = http.get("/sparql?" + link)
    assert whole.status_code == 200 and len(whole.text.strip().splitlines()) == 701  # header and 700 rows


def test_pages_are_kept_per_build_and_forgotten_with_it(tmp_path):
    from starlette.testclient import TestClient

    from peacekg.api import KnowledgeGraph
    from peacekg.server import Settings, create_app
    from peacekg.server.builds import Served
    from peacekg.sources import Project

    kg = KnowledgeGraph.load(Project(ROOT))
    app = create_app(kg, Settings(base_url="http://testserver", workers=1, cache_bytes=4 * 1024 * 1024))
    with TestClient(app) as client:
        server = app.state.server
        first = client.get("/id/mission/unmil", headers={"Accept": "text/turtle"})
        again = client.get("/id/mission/unmil", headers={"Accept": "text/turtle"})
        assert first.status_code == again.status_code == 200 and first.content == again.content
        assert server.page_cache.hits == 1
        tagged = client.get("/id/mission/unmil", headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]})
        assert (tagged.status_code, tagged.content, server.page_cache.hits) == (304, b"", 2)
        html = client.get("/id/mission/unmil", headers={"Accept": "text/html"})  # another form: another page
        assert html.headers["content-type"].startswith("text/html") and server.page_cache.hits == 2
        client.get("/sparql", params={"query": "ASK {}"})
        client.get("/sparql", params={"query": "ASK {}"})
        assert server.page_cache.hits == 2  # the endpoint is never kept here
        server.current = Served(kg, key="another-build")
        client.get("/id/mission/unmil", headers={"Accept": "text/turtle"})
        assert server.page_cache.hits == 2  # a new build: nothing kept from the old one
        for code in ("lbr", "cod", "hti", "ssd", "mli", "caf", "cyp", "leb"):
            client.get(f"/id/state/{code}", headers={"Accept": "text/html"})
        assert server.page_cache.size <= 4 * 1024 * 1024


def test_pool_replaces_a_killed_worker(tmp_path):
    """With a single worker, the query after a runaway one can only be answered
    by the replacement worker."""
    from peacekg.server.pool import QueryPool, QueryTimeout

    store = ox.Store(str(tmp_path / "store"))
    graph = ox.NamedNode(DATA_GRAPH)
    store.extend(ox.Quad(ox.NamedNode(f"{ID}x/{i}"), ox.NamedNode(PEACEKG + "n"), ox.Literal(str(i)), graph) for i in range(300))
    store.flush()
    del store
    pool = QueryPool(str(tmp_path / "store"), 1, timeout=1, wait_limit=60)
    pool.start()
    try:
        job = {"query": RUNAWAY.replace("?g ?h ?i }", "?g ?h ?i . ?j ?k ?l }"), "result_format": "json", "graph_format": "turtle",
               "max_results": 10}
        with pytest.raises(QueryTimeout):
            pool.run(job)
        answer = pool.run({**job, "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        assert json_rows(json.loads(answer.body)) == [{"n": "300"}]
        assert pool.stats == {"jobs": 2, "timeouts": 1, "busy": 0, "long": 1, "long_refused": 0, "here": 0}
    finally:
        pool.close()


def test_pool_answers_repeated_jobs_from_the_cache_but_never_errors(tmp_path):
    from peacekg.server.pool import QueryPool, QueryTimeout

    store = ox.Store(str(tmp_path / "store"))
    store.extend(ox.Quad(ox.NamedNode(f"{ID}x/{i}"), ox.NamedNode(PEACEKG + "n"), ox.Literal(str(i)), ox.NamedNode(DATA_GRAPH))
                 for i in range(300))
    store.flush()
    del store
    pool = QueryPool(str(tmp_path / "store"), 1, timeout=1, wait_limit=60, cache_bytes=1024 * 1024)
    pool.start()
    try:
        job = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "result_format": "json", "graph_format": "turtle",
               "max_results": 10}
        first, second = pool.run(job), pool.run(job)
        assert first == second and json_rows(json.loads(second.body)) == [{"n": "300"}]
        assert (pool.stats["jobs"], pool.cache.hits) == (1, 1)
        assert pool.run({**job, "result_format": "csv"}).body.splitlines() == [b"n", b"300"]  # another format is another job
        runaway = {**job, "query": RUNAWAY.replace("?g ?h ?i }", "?g ?h ?i . ?j ?k ?l }")}
        for _ in range(2):
            with pytest.raises(QueryTimeout):
                pool.run(runaway)
        assert pool.stats["timeouts"] == 2
    finally:
        pool.close()


def test_answer_cache_is_bounded_in_bytes():
    from peacekg.server.pool import ENTRY_OVERHEAD, Answer, AnswerCache

    each = 90 + 3 + ENTRY_OVERHEAD  # body, key "k<i>" (i < 10) and the overhead charged
    cache = AnswerCache(max_bytes=8 * each)
    for i in range(10):
        cache.put(f"k{i}", Answer("results", "json", b"x" * 90))
    assert cache.size <= 8 * each
    assert cache.get("k0") is None and cache.get("k9") is not None
    cache.put("big", Answer("results", "json", b"x" * 2 * each))  # more than an eighth: not kept
    assert cache.get("big") is None
    assert AnswerCache(0).get("anything") is None


def test_answer_cache_holds_no_more_memory_than_its_bound():
    """Many tiny answers (a lookup each) once held four times the bound: the
    memory the cache really takes, measured, stays within it."""
    import tracemalloc

    from peacekg.server.pool import Answer, AnswerCache

    bound = 1024 * 1024
    cache = AnswerCache(max_bytes=bound)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(40_000):
            cache.put(f'{{"query": "SELECT ?a WHERE {{ <x:{i}> ?p ?a }}"}}', Answer("results", "json", b'{"boolean": true}'))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert cache.size <= bound
    assert held <= bound * 1.1, f"{held} bytes held for a bound of {bound}"


# -- escaping: a graph with hostile labels, served in-process ----------------------------------

HOSTILE = """
@prefix peacekg: <https://w3id.org/peacekg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/peacekg/id/mission/evil> a peacekg:PeaceOperation ;
    rdfs:label "<script>alert('label')</script>"@en ;
    peacekg:acronym "<b>EVIL</b>" ;
    skos:definition "Defined as \\"<img src=x onerror=alert(1)>\\" & more."@en ;
    peacekg:startDate "2001-01-01T00:00:00"^^xsd:dateTime ;
    peacekg:hostCountry <https://w3id.org/peacekg/id/state/xyz> ;
    dct:source "<iframe src='https://example.org'></iframe>" .
<https://w3id.org/peacekg/id/state/xyz> a peacekg:State ;
    rdfs:label "Xland</a><script>alert('state')</script>"@en ;
    peacekg:iso3166Alpha3 "XYZ" .
"""


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    from starlette.testclient import TestClient

    from peacekg.api import KnowledgeGraph
    from peacekg.catalog import Catalog
    from peacekg.server import Settings, create_app
    from peacekg.store import OxigraphBackend

    store = ox.Store()
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ontology) for q in ox.parse(path=str(ROOT / "ontology" / "peacekg.ttl")))
    data = ox.NamedNode(DATA_GRAPH)
    store.extend(ox.Quad(q.subject, q.predicate, q.object, data) for q in ox.parse(HOSTILE, format=ox.RdfFormat.TURTLE))
    kg = KnowledgeGraph(OxigraphBackend(store), Catalog.from_folder(ROOT / "queries"))
    app = create_app(kg, Settings(base_url="http://testserver", workers=1, query_timeout=10))
    with TestClient(app) as client:
        yield client


SCRIPT_TAGS = ("<script>alert", "<b>EVIL", "<img src=x", "<iframe", "</a><script>")


@pytest.mark.parametrize(
    "path",
    [
        "/id/mission/evil",
        "/id/state/xyz",
        "/search?q=script",
        "/browse/missions",
        "/browse/states",
        "/timeline",
        "/queries/missions",
        "/sparql?query=SELECT+%3Fm+%3Fl+WHERE+%7B+%3Fm+rdfs%3Alabel+%3Fl+%7D",
        "/query?query=%3C%2Ftextarea%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/id/mission/%3Cscript%3E",
    ],
)
def test_html_escapes_every_value(hostile_client, path):
    response = hostile_client.get(path, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for tag in SCRIPT_TAGS:
        assert tag not in html, f"{tag!r} unescaped in {path}"
    # The only scripts are the site's own: the editor and its example data.
    own = html.count('<script src="/static/query.js" defer></script>') + html.count('<script type="application/json" id="example-data">')
    assert html.count("<script") == own
    if response.status_code == 200 and path.startswith(("/id/mission/evil", "/browse/missions", "/sparql")):
        assert "&lt;script&gt;alert(" in html


def test_svg_escapes_labels(hostile_client):
    svg = hostile_client.get("/timeline.svg").text
    assert "<b>EVIL" not in svg and "&lt;b&gt;EVIL&lt;/b&gt;" in svg


def test_doctests_of_the_server_modules():
    import doctest

    from peacekg.server import conneg, errors, query_shape, sparql

    for module in (conneg, errors, query_shape, sparql):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__
