"""``peacekg serve --endpoint``: the site, the stored-query API and /sparql in
front of a real Oxigraph server (started here on a free loopback port, loaded
with ``peacekg push``, stopped by its pid), compared with ``peacekg serve`` on
the embedded store; a store that goes away and comes back; a store that holds
no peacekg graph."""
from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
OXIGRAPH = ROOT / ".venv" / "bin" / "oxigraph"
BINARY = str(OXIGRAPH) if OXIGRAPH.exists() else shutil.which("oxigraph")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

pytestmark = pytest.mark.skipif(BINARY is None, reason="the oxigraph server (PyPI package oxigraph) is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    def __init__(self, command: list[str], log: Path, url: str, probe: str):
        self.command, self.log, self.url, self.probe = command, log, url, probe
        self.process: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> "Process":
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        if wait:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.command[0]} exited {self.process.returncode}:\n{self.log.read_text()}")
                try:
                    urllib.request.urlopen(self.url + self.probe, timeout=2).read()
                    return self
                except OSError:
                    time.sleep(0.1)
            raise RuntimeError(f"{self.command[0]} did not answer:\n{self.log.read_text()}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def oxigraph_server(folder: Path, port: int) -> Process:
    return Process([BINARY, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
                   folder / "oxigraph.log", f"http://127.0.0.1:{port}", "/")


def peacekg_server(folder: Path, *extra: str) -> Process:
    port = free_port()
    command = [sys.executable, "-c", "from peacekg.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--project", str(ROOT), "--query-timeout", "5", "--max-results", "5000", *extra]
    return Process(command, folder / f"serve-{port}.log", f"http://127.0.0.1:{port}", "/sparql?query=ASK%7B%7D")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    port = free_port()
    server = oxigraph_server(folder, port).start()
    pushed = subprocess.run([sys.executable, "-c", "from peacekg.cli import main; main()", "push", "--endpoint",
                             f"{server.url}/query", "--project", str(ROOT)], cwd=ROOT, capture_output=True, text=True)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sites(store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sites")
    remote = peacekg_server(folder, "--endpoint", f"{store.url}/query", "--store-refresh", "1").start()
    embedded = peacekg_server(folder).start()
    yield {"remote": remote, "embedded": embedded}
    remote.stop()
    embedded.stop()


def rows(response: httpx.Response) -> list[tuple]:
    document = response.json()
    if "boolean" in document:
        return [(document["boolean"],)]
    names = document["head"]["vars"]
    return sorted(tuple(row.get(n, {}).get("value", "") for n in names) for row in document["results"]["bindings"])


JSON = {"Accept": "application/sparql-results+json"}


def test_stored_queries_answer_the_same(sites):
    from peacekg.catalog import Catalog

    catalog = Catalog.from_folder(ROOT / "queries")
    compared = 0
    with httpx.Client(timeout=60) as client:
        for query in catalog.values():
            if any(p.required and p.default is None for p in query.params):
                continue
            answers = [client.get(sites[s].url + f"/queries/{query.name}", headers=JSON) for s in ("remote", "embedded")]
            assert [a.status_code for a in answers] == [200, 200], (query.name, answers[0].text[:300])
            assert rows(answers[0]) == rows(answers[1]), query.name
            compared += 1
    assert compared >= 15


@pytest.mark.parametrize("path", ["/id/mission/unmil", "/id/state/lbr", "/id/norm/protection-of-civilians",
                                  "/id/actor/unsc", "/id/mission/ecomil"])
def test_resource_pages_say_the_same(sites, path):
    with httpx.Client(timeout=60) as client:
        turtle = [client.get(sites[s].url + path, headers={"Accept": "text/turtle"}) for s in ("remote", "embedded")]
        if turtle[1].status_code == 404:
            pytest.skip(f"{path} is not in the graph")
        assert [t.status_code for t in turtle] == [200, 200]
        graphs = [set(ox.parse(t.content, format=ox.RdfFormat.TURTLE)) for t in turtle]
        assert graphs[0] == graphs[1]
        pages = [client.get(sites[s].url + path, headers={"Accept": "text/html"}) for s in ("remote", "embedded")]
        assert [p.status_code for p in pages] == [200, 200]
        assert pages[0].text.count("<tr") == pages[1].text.count("<tr")


def test_sparql_proxy_keeps_the_contract(sites):
    remote = sites["remote"].url
    with httpx.Client(timeout=60) as client:
        both = [client.get(sites[s].url + "/sparql", params={"query": COUNT}, headers=JSON) for s in ("remote", "embedded")]
        assert rows(both[0]) == rows(both[1])
        named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ?c } } ORDER BY ?g"
        assert rows(client.get(remote + "/sparql", params={"query": named}, headers=JSON)) == [
            ("https://w3id.org/peacekg/graph/data",), ("https://w3id.org/peacekg/graph/inferred",),
            ("https://w3id.org/peacekg/graph/ontology",)]
        prefixed = client.get(remote + "/sparql", params={"query": "SELECT ?a WHERE { mission:unmil peacekg:acronym ?a }"},
                              headers={"Accept": "text/csv"})
        assert prefixed.text.split() == ["a", "UNMIL"]  # the predeclared prefixes work here too
        service = client.get(remote + "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
        assert service.status_code == 400 and "federated queries are off" in service.text
        update = client.post(remote + "/sparql", content="INSERT DATA { <x:a> <x:b> <x:c> }",
                             headers={"Content-Type": "application/sparql-update"})
        assert update.status_code == 403
        capped = client.get(remote + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert capped.status_code == 422 and "more than 5000 rows" in capped.text
        broken = client.get(remote + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
        assert broken.status_code == 400


def test_a_store_that_goes_away_gives_503_and_the_site_recovers(store, tmp_path):
    site = peacekg_server(tmp_path, "--endpoint", f"{store.url}/query", "--cache-mb", "0").start()
    try:
        store.stop()
        with httpx.Client(timeout=60) as client:
            down = client.get(site.url + "/sparql", params={"query": COUNT}, headers=JSON)
            assert down.status_code == 503 and "not answering" in down.text
            page = client.get(site.url + "/id/mission/unmil", headers={"Accept": "text/html"})
            assert page.status_code == 503 and "not answering" in page.text
            store.start()
            back = client.get(site.url + "/sparql", params={"query": COUNT}, headers=JSON)
            assert back.status_code == 200
            assert client.get(site.url + "/id/mission/unmil", headers={"Accept": "text/html"}).status_code == 200
    finally:
        site.stop()
        if store.process.poll() is not None:
            store.start()
    assert "Traceback" not in site.log.read_text()


def test_a_changed_store_changes_the_etag(store, sites):
    remote = sites["remote"].url
    with httpx.Client(timeout=60) as client:
        before = client.get(remote + "/id/mission/unmil", headers={"Accept": "text/turtle"}).headers["etag"]
        insert = "INSERT DATA { GRAPH <https://w3id.org/peacekg/graph/data> { <x:probe> <x:p> \"changed\" } }"
        client.post(store.url + "/update", content=insert, headers={"Content-Type": "application/sparql-update"}).raise_for_status()
        try:
            deadline = time.monotonic() + 30
            after = before
            while after == before and time.monotonic() < deadline:
                time.sleep(0.5)
                after = client.get(remote + "/id/mission/unmil", headers={"Accept": "text/turtle"}).headers["etag"]
            assert after != before
        finally:
            delete = insert.replace("INSERT DATA", "DELETE DATA")
            client.post(store.url + "/update", content=delete, headers={"Content-Type": "application/sparql-update"})


def test_a_store_without_peacekg_stops_the_command(tmp_path):
    empty = oxigraph_server(tmp_path, free_port()).start()
    try:
        done = subprocess.run([sys.executable, "-c", "from peacekg.cli import main; main()", "serve", "--port", str(free_port()),
                               "--project", str(ROOT), "--endpoint", f"{empty.url}/query"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        empty.stop()
    assert done.returncode == 2
    assert "holds none of peacekg's graphs" in done.stderr and "peacekg push" in done.stderr
    assert "Traceback" not in done.stderr
