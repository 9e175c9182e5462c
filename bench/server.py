"""The HTTP server under load, measured with one load tool (wrk) in one run:

* ``peacekg serve`` as users run it, with the answer and page caches off
  (``--cache-mb 0``: every query is evaluated) and on (the default);
* ``oxigraph serve-read-only --union-default-graph`` loaded with the same quads
  (the Rust engine's own server);
* the **fixed-body app**: a minimal Starlette app on the same uvicorn
  configuration that answers every request with one fixed SPARQL JSON body,
  the ceiling of the Python stack (``bench/fixed_app.py``).

Requests: a one-mission lookup, the ``missions`` stored query's text and a
COUNT of all triples through ``/sparql`` (answers compared across engines
before any figure is kept), at concurrency 1, 8 and 50; HTML pages at 200
connections; and the lookup while four runaway queries run. Servers listen on
127.0.0.1 only and are stopped by their own pids.
"""
from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
JSON = "application/sparql-results+json"

LOOKUP = ("SELECT ?label WHERE { <https://w3id.org/peacekg/id/mission/unmil> "
          "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: A query that runs until the time limit stops it (a triple cross product).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HTML_PAGES = ("/id/mission/unmil", "/id/mission/monusco", "/browse/missions", "/")


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk(url: str, connections: int, seconds: float, accept: str) -> dict:
    """Requests per second, latency percentiles and errors of one wrk run."""
    threads = 1 if connections < 8 else 2
    proc = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "30s",
         "-H", f"Accept: {accept}", url],
        capture_output=True, text=True, check=True,
    )
    out = proc.stdout
    latency = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", out, re.M)}
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, accept: str = JSON, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait(port: int, path: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _get(port, path, timeout=5)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no server answered on port {port}")


def _rows(data: bytes) -> list[str]:
    document = json.loads(data)
    if "boolean" in document:
        return [str(document["boolean"])]
    return sorted(json.dumps({k: v["value"] for k, v in row.items()}, sort_keys=True) for row in document["results"]["bindings"])


class _Servers:
    """The four servers of the comparison, started on free loopback ports."""

    def __init__(self, workdir: Path):
        self.workdir, self.procs, self.ports = workdir, [], {}

    def start(self, name: str, command: list[str], probe: str) -> None:
        port = _free_port()
        command = [part.replace("{port}", str(port)) for part in command]
        log = (self.workdir / f"{name.replace(' ', '-').replace(',', '')}.log").open("wb")
        self.procs.append(subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        _wait(port, probe)
        self.ports[name] = port

    def peak_rss_mb(self, name: str) -> float:
        """Peak resident memory of a server and the processes it started (MB)."""
        pid = self.procs[list(self.ports).index(name)].pid
        total, todo = 0, [pid]
        while todo:
            current = todo.pop()
            try:
                status = Path(f"/proc/{current}/status").read_text()
                total += int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
                for task in Path(f"/proc/{current}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
            except (OSError, AttributeError):
                continue
        return total / 1024

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _peacekg() -> str:
    return str(BIN / "peacekg") if (BIN / "peacekg").exists() else "peacekg"


def measure(seconds: float = 10.0, concurrencies: tuple[int, ...] = (1, 8, 50)) -> dict:
    """Run the whole server section; figures are req/s and milliseconds."""
    if not wrk_available():
        return {"error": "wrk is not installed (make bench installs it with apt-get where it can)"}
    from peacekg.api import KnowledgeGraph
    from peacekg.sources import Project
    import pyoxigraph as ox

    kg = KnowledgeGraph.load(Project(ROOT))
    missions = kg.stored("missions").text
    tmp = Path(tempfile.mkdtemp(prefix="peacekg-bench-server-"))
    servers = _Servers(tmp)
    try:
        dump = tmp / "graph.nq"
        dump.write_bytes(kg.backend.store.dump(format=ox.RdfFormat.N_QUADS))
        oxigraph = str(BIN / "oxigraph") if (BIN / "oxigraph").exists() else shutil.which("oxigraph")
        subprocess.run([oxigraph, "load", "--location", str(tmp / "db"), "--file", str(dump)], check=True, capture_output=True)
        ask = "/sparql?query=" + urllib.parse.quote("ASK {}")
        servers.start("oxigraph serve", [oxigraph, "serve-read-only", "--location", str(tmp / "db"), "--bind", "127.0.0.1:{port}",
                                         "--union-default-graph"], "/query?query=" + urllib.parse.quote("ASK {}"))
        servers.start("fixed-body app", [sys.executable, str(ROOT / "bench" / "fixed_app.py"), "{port}"], ask)
        servers.start("peacekg, cache off", [_peacekg(), "serve", "--host", "127.0.0.1", "--port", "{port}", "--cache-mb", "0"], ask)
        servers.start("peacekg", [_peacekg(), "serve", "--host", "127.0.0.1", "--port", "{port}"], ask)
        endpoint = {"oxigraph serve": "/query", "fixed-body app": "/sparql", "peacekg, cache off": "/sparql", "peacekg": "/sparql"}
        results: dict = {"seconds_per_run": seconds, "requests": {}}
        for label, query in (("lookup", LOOKUP), ("missions", missions), ("COUNT", COUNT)):
            path = "?query=" + urllib.parse.quote(query)
            engines = ("peacekg, cache off", "peacekg", "oxigraph serve") + (("fixed-body app",) if label == "lookup" else ())
            answers = {e: _rows(_get(servers.ports[e], endpoint[e] + path)[1]) for e in engines if e != "fixed-body app"}
            entry: dict = {"rows": len(answers["peacekg"]), "same": len({json.dumps(a) for a in answers.values()}) == 1, "runs": {}}
            for engine in engines:
                url = f"http://127.0.0.1:{servers.ports[engine]}{endpoint[engine]}{path}"
                wrk(url, 8, min(2.0, seconds), JSON)  # warm-up
                for c in concurrencies:
                    entry["runs"][f"{engine} c{c}"] = wrk(url, c, seconds, JSON)
            results["requests"][label] = entry
        pages = {}
        for engine in ("peacekg, cache off", "peacekg"):
            for page in HTML_PAGES:
                url = f"http://127.0.0.1:{servers.ports[engine]}{page}"
                wrk(url, 8, min(2.0, seconds), "text/html")
                pages[f"{engine} {page}"] = wrk(url, 200, seconds, "text/html")
        results["html_c200"] = pages
        results["runaways"] = _lookup_beside_runaways(servers.ports["peacekg, cache off"], seconds)
        results["peak_rss_mb"] = {name: servers.peak_rss_mb(name) for name in servers.ports}
        return results
    finally:
        servers.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def _lookup_beside_runaways(port: int, seconds: float) -> dict:
    """The lookup at c=1 while four clients each keep one runaway query running
    (a new text each time, so none is known to be slow before it runs)."""
    stop = threading.Event()
    statuses: list[int] = []

    def attacker(n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                status, _ = _get(port, "/sparql?query=" + urllib.parse.quote(f"{RUNAWAY} # {n}.{i}"), timeout=60)
                statuses.append(status)
            except OSError:
                statuses.append(0)

    threads = [threading.Thread(target=attacker, args=(n,), daemon=True) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # the runaways are running
    try:
        lookup = wrk(f"http://127.0.0.1:{port}/sparql?query=" + urllib.parse.quote(LOOKUP), 1, max(seconds, 10.0), JSON)
    finally:
        stop.set()
    for thread in threads:
        thread.join(timeout=70)
    return {"lookup c1": lookup, "runaway answers": {str(s): statuses.count(s) for s in sorted(set(statuses))}}


def report(results: dict | None) -> list[str]:
    """The server section of docs/benchmarks.md."""
    out = ["## Server", ""]
    if results is None:
        return out + ["Skipped.", ""]
    if "error" in results:
        return out + [f"Not measured: {results['error']}.", ""]
    out += [
        f"Curated graph, loopback, wrk ({results['seconds_per_run']:g} s per run, keep-alive), SPARQL JSON results. "
        "`peacekg, cache off` is `peacekg serve --cache-mb 0`: every request evaluates its query (a query once seen "
        "to answer within 2 ms of CPU runs in the server process, others in a worker process); `peacekg` is the "
        "default, whose answer cache serves repeated identical requests. `oxigraph serve` is "
        "`oxigraph serve-read-only --union-default-graph` on the same quads; the fixed-body app is a minimal "
        "Starlette app on the same uvicorn configuration answering one fixed SPARQL JSON body (the ceiling of the "
        "Python stack). Ratios are peacekg with the cache off over each reference, same run.", "",
    ]
    rows = []
    for label, entry in results["requests"].items():
        runs = entry["runs"]
        for key, run in runs.items():
            engine, c = key.rsplit(" c", 1)
            ratio_fixed = ratio_ox = ""
            if engine == "peacekg, cache off":
                fixed = runs.get(f"fixed-body app c{c}")
                ratio_fixed = f"{run['rps'] / fixed['rps']:.2f}x" if fixed else ""
                ratio_ox = f"{run['rps'] / runs[f'oxigraph serve c{c}']['rps']:.2f}x"
            name = label if entry["same"] else f"{label} (answers differ)"
            rows.append([name, engine, c, f"{run['rps']:.0f}", _fmt(run["p50_ms"]), _fmt(run["p99_ms"]), str(run["errors"]),
                         ratio_fixed, ratio_ox])
    out += [_table(["request", "server", "c", "req/s", "p50 ms", "p99 ms", "errors", "÷ fixed-body", "÷ oxigraph"], rows), ""]
    out += ["HTML pages, 200 connections:", ""]
    rows = []
    for key, run in results["html_c200"].items():
        engine, page = key.rsplit(" ", 1)
        rows.append([f"`{page}`", engine, f"{run['rps']:.0f}", _fmt(run["p50_ms"]), _fmt(run["p99_ms"]), str(run["errors"])])
    out += [_table(["page", "server", "req/s", "p50 ms", "p99 ms", "errors"], rows), ""]
    r = results["runaways"]
    lookup = r["lookup c1"]
    out += [f"The lookup at c=1 on `peacekg, cache off` while four clients each keep a runaway query running "
            f"(a new text each time): {lookup['rps']:.0f} req/s, p50 {_fmt(lookup['p50_ms'])} ms, "
            f"p99 {_fmt(lookup['p99_ms'])} ms, {lookup['errors']} errors; the runaways were answered "
            + ", ".join(f"{n} x {s}" for s, n in r["runaway answers"].items()) + ".", ""]
    if "peak_rss_mb" in results:
        out += ["Peak resident memory after all runs (the server and the processes it started): "
                + ", ".join(f"{name} {mb:.0f} MB" for name, mb in results["peak_rss_mb"].items()) + ".", ""]
    return out


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


if __name__ == "__main__":
    print(json.dumps(measure(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0), indent=2))
