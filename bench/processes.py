"""Measurements of whole processes: the cold start of ``peacekg query`` and the
HTTP server beside ``oxigraph serve`` (loopback only, bounded loops)."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _peacekg() -> str:
    return str(BIN / "peacekg") if (BIN / "peacekg").exists() else "peacekg"


def cold_start(runs: int = 10) -> dict:
    """Wall time of whole processes: ``peacekg query missions`` on the curated
    graph (build cache warm) beside ``python -c "import pyoxigraph"``."""
    commands = {
        "peacekg query missions": [_peacekg(), "query", "missions"],
        "python -c 'import pyoxigraph'": [sys.executable, "-c", "import pyoxigraph"],
    }
    subprocess.run(commands["peacekg query missions"], cwd=ROOT, capture_output=True, check=True)  # warm the build cache
    if shutil.which("hyperfine"):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "h.json"
            subprocess.run(
                ["hyperfine", "--warmup", "2", "--runs", str(runs), "--export-json", str(out), "-N",
                 *(" ".join(c) for c in commands.values())],
                cwd=ROOT, capture_output=True, check=True,
            )
            data = json.loads(out.read_text())["results"]
            return {"tool": "hyperfine", **{name: r["median"] for name, r in zip(commands, data)}}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            clock = time.perf_counter()
            subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
            times[name].append(time.perf_counter() - clock)
    return {"tool": f"median of {runs} subprocess runs", **{name: statistics.median(t) for name, t in times.items()}}


# -- server ----------------------------------------------------------------------


def server_available() -> bool:
    try:
        result = subprocess.run([_peacekg(), "serve", "--help"], cwd=ROOT, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no server answered on port {port}")


def load_test(port: int, path: str, requests: int, concurrency: int, accept: str) -> dict:
    """``requests`` GETs of ``path`` split over ``concurrency`` keep-alive clients."""
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    per_worker = max(1, requests // concurrency)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_worker):
            clock = time.perf_counter()
            conn.request("GET", path, headers={"Accept": accept})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - clock)
            if response.status != 200:
                errors.append(response.status)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p95_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
        "errors": len(errors),
    }


def _body(port: int, path: str, accept: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {data[:300]!r}")
    return data


def _rows(data: bytes) -> list:
    results = json.loads(data)["results"]["bindings"]
    return sorted(json.dumps({k: v["value"] for k, v in row.items()}, sort_keys=True) for row in results)


def server(requests: int = 400) -> dict | None:
    """peacekg serve beside oxigraph serve on the curated graph; None when the
    ``peacekg serve`` command is absent."""
    if not server_available():
        return None
    from peacekg.api import KnowledgeGraph
    from peacekg.catalog import with_values
    from peacekg.sources import Project

    kg = KnowledgeGraph.load(Project(ROOT))
    stored = kg.stored("missions-in-country")
    lookup = with_values(stored.text, stored.bind({"country": "LBR"}))
    sparql = "SELECT ?label WHERE { <https://w3id.org/peacekg/id/mission/unmil> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    accept = "application/sparql-results+json"
    procs = []
    tmp = Path(tempfile.mkdtemp(prefix="peacekg-bench-"))
    try:
        # The same quads for oxigraph serve.
        dump = tmp / "graph.nq"
        dump.write_bytes(kg.backend.store.dump(format=__import__("pyoxigraph").RdfFormat.N_QUADS))
        oxigraph = str(BIN / "oxigraph") if (BIN / "oxigraph").exists() else shutil.which("oxigraph")
        subprocess.run([oxigraph, "load", "--location", str(tmp / "db"), "--file", str(dump)], check=True, capture_output=True)
        ox_port, pk_port, raw_port = _free_port(), _free_port(), _free_port()
        procs.append(subprocess.Popen([oxigraph, "serve-read-only", "--location", str(tmp / "db"), "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        # peacekg as it is run (answer cache on) and with the cache off, so
        # that every request runs the query in a worker as oxigraph does.
        for port, extra in ((pk_port, []), (raw_port, ["--cache-mb", "0"])):
            procs.append(subprocess.Popen([_peacekg(), "serve", "--host", "127.0.0.1", "--port", str(port), *extra], cwd=ROOT,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(ox_port, "/query?query=" + urllib.parse.quote("ASK {}"))
        _wait(pk_port, "/sparql?query=" + urllib.parse.quote("ASK {}"))
        _wait(raw_port, "/sparql?query=" + urllib.parse.quote("ASK {}"))
        targets = {
            "stored query (missions-in-country LBR)": {
                "peacekg": (pk_port, "/queries/missions-in-country?country=LBR"),
                "peacekg, cache off": (raw_port, "/queries/missions-in-country?country=LBR"),
                "oxigraph serve": (ox_port, "/query?query=" + urllib.parse.quote(lookup)),
            },
            "/sparql (label lookup)": {
                "peacekg": (pk_port, "/sparql?query=" + urllib.parse.quote(sparql)),
                "peacekg, cache off": (raw_port, "/sparql?query=" + urllib.parse.quote(sparql)),
                "oxigraph serve": (ox_port, "/query?query=" + urllib.parse.quote(sparql)),
            },
        }
        out: dict = {}
        for label, engines in targets.items():
            answers = {engine: _rows(_body(port, path, accept)) for engine, (port, path) in engines.items()}
            same = len({json.dumps(a) for a in answers.values()}) == 1
            out[label] = {"same": same, "rows": len(answers["peacekg"])}
            for engine, (port, path) in engines.items():
                for concurrency in (1, 8):
                    load_test(port, path, max(20, requests // 10), concurrency, accept)  # warm-up
                    out[label][f"{engine} c{concurrency}"] = load_test(port, path, requests, concurrency, accept)
        return out
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(server(int(os.environ.get("REQUESTS", "200"))), indent=2))
