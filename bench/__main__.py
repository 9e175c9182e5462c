"""``python -m bench [--quick]``: measure peacekg from 10k to 5M triples, print
the table and write it to ``docs/benchmarks.md``.

Every measurement that needs its own peak memory runs in a child process
(``bench.measure``); answers are compared across engines before a time is
reported (a mismatch shows as "differs", never as a figure).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from .generate import SCALES, dataset

ROOT = Path(__file__).resolve().parent.parent
INFERRED = "https://w3id.org/peacekg/graph/inferred"
DOC = ROOT / "docs" / "benchmarks.md"

#: Per scale: (rdflib per-query timeout in seconds or 0 to skip rdflib,
#: compare the closure with reasonable's in child processes, run pySHACL,
#: run the per-query comparison and the commands after the build).
#: reasonable is left out from 1M (it needs ~2.5 GB at 100k and grows faster
#: than the data); the closure figure there is the build's own stage time.
#: pySHACL takes 13 s at 10k already.
PLAN = {
    "10k": (10.0, True, True, True),
    "100k": (10.0, True, False, True),
    "1M": (5.0, False, False, True),
    "5M": (0.0, False, False, False),
}


def child(name: str, *args) -> dict:
    """Run ``bench.measure.<name>(*args)`` in a fresh Python process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(
        [sys.executable, "-m", "bench.measure", name, json.dumps(list(args))],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    marker = "@@RESULT@@"
    if proc.returncode != 0 or marker not in proc.stdout:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1] if (proc.stderr or proc.stdout).strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.rsplit(marker, 1)[1])


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        ram = f"{mem_kb / 1024 / 1024:.1f} GB"
    except (OSError, StopIteration):
        ram = "unknown"
    versions = {}
    for package in ("pyoxigraph", "rdflib", "pyshacl", "reasonable", "oxigraph", "peacekg"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram": ram, "python": platform.python_version(),
        "os": platform.platform(), "versions": versions,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(scales: list[str], quick: bool, build_only: bool = False) -> dict:
    results: dict = {"machine": machine(), "quick": quick, "scales": {}}
    for label in scales:
        started = time.perf_counter()
        path = str(dataset(label))
        rdflib_timeout, with_rl, with_pyshacl, with_queries = PLAN.get(label, (0.0, False, False, True))
        log(f"[{label}] data {path}")
        r: dict = {}
        r["load_bare"] = child("load_bare", path)
        r["build"] = child("build_peacekg", path)
        log(f"[{label}] build done")
        r["search"] = child("search", path)
        if with_queries:
            r["query_process"] = child("query_process", path)
            r["commands"] = child("commands", path)
        if build_only:
            results["scales"][label] = r
            continue
        if with_queries:
            r["queries"] = child("queries", path, rdflib_timeout, 0.5 if quick else 1.0)
        log(f"[{label}] queries done")
        if with_rl:
            r["closure_sparql"] = child("closure", path, "sparql")
            r["closure_rl"] = child("closure", path, "rl")
        r["shacl_sparql"] = child("shacl", path, "sparql")
        if with_pyshacl:
            r["shacl_pyshacl"] = child("shacl", path, "pyshacl")
            r["shacl_injected_sparql"] = child("shacl", path, "sparql", True)
            r["shacl_injected_pyshacl"] = child("shacl", path, "pyshacl", True)
        r["seconds"] = time.perf_counter() - started
        log(f"[{label}] done in {r['seconds']:.0f} s")
        results["scales"][label] = r
    if build_only:
        return results
    from .processes import cold_start
    from .server import measure as measure_server

    results["cold"] = cold_start(5 if quick else 10)
    log("cold start done")
    try:
        results["server"] = measure_server(2.0 if quick else 10.0, (1, 8) if quick else (1, 8, 50))
    except Exception as exc:  # a server that fails to start is reported, not fatal
        results["server"] = {"error": str(exc)}
    log("server done")
    return results


# -- the report -----------------------------------------------------------------


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.2f}" if seconds < 0.1 else f"{seconds * 1000:.0f}"


def s(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def err(d: dict) -> str | None:
    return d.get("error") if isinstance(d, dict) else None


def report(results: dict) -> str:
    m = results["machine"]
    scales = results["scales"]
    out = [
        "# Benchmarks",
        "",
        "Written by `python -m bench` (`make bench`; `make bench-quick` runs 10k only). Synthetic data from "
        "`bench/generate.py` (seeded; follows the ontology and conforms to the shapes), in the proportions of the "
        "curated graph. Every time below is reported only after the engines compared returned the same answers.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f"; {m['os']}; {m['date']}." + (" **Quick mode.**" if results["quick"] else ""),
        "",
        "## Building: `peacekg build`, whole process",
        "",
        "`peacekg build --rebuild --quiet` on a project whose `data/` holds the generated file (the path users run: "
        "load, mandate facts and OWL RL closure, SHACL and consistency, persist to the on-disk store, search index), "
        "beside pyoxigraph's own `Store.bulk_load` of the same file into memory. Wall time and peak RSS of each "
        "whole process; the stage times are the build's own (`build.json`).",
        "",
    ]
    rows, points = [], []
    for label, r in scales.items():
        bare, pk = r["load_bare"], r.get("build", {})
        if err(bare) or err(pk):
            rows.append([label, err(bare) or "", err(pk) or "", "", "", ""])
            continue
        points.append((bare["triples"], pk["seconds"], pk["rss_mb"]))
        stages = ", ".join(f"{k} {v:.1f}" for k, v in pk["timings"].items())
        rows.append([
            label, f"{bare['triples']:,}", f"{s(bare['seconds'])} s / {bare['rss_mb']:.0f} MB",
            f"{s(pk['seconds'])} s / {pk['rss_mb']:.0f} MB", f"{pk['seconds'] / bare['seconds']:.1f}x", stages,
        ])
    out += [table(["scale", "data triples", "pyoxigraph bulk_load", "peacekg build", "build / bulk_load", "stages (s)"], rows), ""]
    # Growth from 100k up (issue 10's span): at 10k fixed costs dominate.
    points = [p for p in points if p[0] >= 100_000] or points
    if len(points) >= 2:
        import math

        (n0, t0, m0), (n1, t1, m1) = points[0], points[-1]
        k_time = math.log(t1 / t0) / math.log(n1 / n0)
        k_mem = math.log(m1 / m0) / math.log(n1 / n0)
        out += [f"Growth exponent from {n0:,} to {n1:,} data triples (time ~ n^k): time k = {k_time:.2f}, "
                f"peak memory k = {k_mem:.2f}.", ""]

    rows = []
    for label, r in scales.items():
        x = r.get("search")
        if not x or err(x):
            continue
        for text, v in x.items():
            rows.append([label, f"`{text}`", ms(v["index"]), str(v["index_rows"]), ms(v["scan"]), str(v["scan_rows"]), f"{v['scan'] / v['index']:.0f}x"])
    if rows:
        out += ["## Search", "",
                "`KnowledgeGraph.search` (the SQLite FTS5 index built with the store; ranked, word prefixes) beside "
                "the stored query `search` (CONTAINS over every name) on the same built store; median ms. The two "
                "differ in what matches (words vs substrings), so row counts differ.", "",
                table(["scale", "text", "index ms", "rows", "CONTAINS scan ms", "rows", "scan / index"], rows), ""]

    rows = []
    for label, r in scales.items():
        x = r.get("query_process")
        if x and not err(x):
            rows.append([label, f"{s(x['peacekg'])} s", f"{s(x['bare'])} s", f"+{s(x['peacekg'] - x['bare'])} s"])
    if rows:
        out += ["## `peacekg query`, whole process", "",
                "`peacekg query mission --param mission=...` on the built project beside a bare Python script that "
                "opens the same on-disk store read-only with pyoxigraph and runs the same text; median wall time.", "",
                table(["scale", "peacekg query", "bare pyoxigraph script", "difference"], rows), ""]

    rows = []
    for label, r in scales.items():
        x = r.get("commands")
        if not x or err(x):
            continue
        for name, v in x.items():
            rows.append([label, f"`peacekg {name}`", err(v) or f"{s(v['seconds'])} s / {v['rss_mb']:.0f} MB"])
    if rows:
        out += ["## What users run next", "", "Whole processes on the built project (build cached), wall time / peak RSS.", "",
                table(["scale", "command", "wall / peak RSS"], rows), ""]

    out += ["## Stored queries", "",
            "Median latency in ms of each stored query through `KnowledgeGraph.query` on the built project's "
            "on-disk store (parameters parsed and bound, rows materialised), the same text on a bare in-memory "
            "`pyoxigraph.Store` holding the same quads (rows materialised), and on an rdflib `Graph` of them (query "
            "prepared once). The graph holds the ontology, the data and the OWL RL closure. `>T` means rdflib did "
            "not finish within T s (the ratio is then a lower bound).", ""]
    for label, r in scales.items():
        q = r.get("queries")
        if q is None:
            continue
        if err(q):
            out += [f"### {label}: failed: {err(q)}", ""]
            continue
        out += [f"### {label} ({q['triples']:,} triples with ontology and closure; opened in {s(q['load_seconds'])} s, peak {q['rss_mb']:.0f} MB)", ""]
        rows = []
        worst = 0.0
        rd_ratios = []
        for name, x in q["queries"].items():
            ratio = x["peacekg"] / x["bare"] if x["bare"] else 0
            worst = max(worst, ratio)
            if not x["same_bare"]:
                rows.append([name, str(x["rows"]), "differs", "differs", "", "", ""])
                continue
            rd, rd_cell, rd_ratio = x.get("rdflib"), "not run", ""
            if "rdflib_error" in x:
                rd_cell = "rdflib error: " + x["rdflib_error"].split(":")[0]
            elif "rdflib_timeout" in x:
                rd_cell = f">{x['rdflib_timeout']:.0f} s"
                rd_ratio = f">{x['rdflib_timeout'] / x['peacekg']:.0f}x"
                rd_ratios.append(x["rdflib_timeout"] / x["peacekg"])
            elif rd is not None:
                if x.get("same_rdflib"):
                    rd_cell, rd_ratio = ms(rd), f"{rd / x['peacekg']:.0f}x"
                    rd_ratios.append(rd / x["peacekg"])
                else:
                    rd_cell = "differs"
            rows.append([name, str(x["rows"]), ms(x["peacekg"]), ms(x["bare"]), f"{ratio:.2f}", rd_cell, rd_ratio])
        out += [table(["query", "rows", "peacekg ms", "pyoxigraph ms", "peacekg / pyoxigraph", "rdflib ms", "rdflib / peacekg"], rows), ""]
        ratios = sorted(x["peacekg"] / x["bare"] for x in q["queries"].values() if x["bare"] and x["same_bare"])
        summary = f"peacekg on disk / pyoxigraph in memory: median {ratios[len(ratios) // 2]:.2f}, worst {worst:.2f}." if ratios else ""
        if rd_ratios:
            import statistics

            summary += f" rdflib / peacekg: median {statistics.median(rd_ratios):.0f}x, lowest {min(rd_ratios):.0f}x."
        if "rdflib" in q:
            summary += f" rdflib graph built in {s(q['rdflib']['load_seconds'])} s."
        out += [summary, ""]

    out += ["## OWL RL closure", "",
            "`sparql`: `peacekg.closure.sparql_closure`, the build's stage (schema closed by `reasonable`, instance "
            "rules as SPARQL updates on the store, semi-naive rounds); `reasonable`: `peacekg.reason.rl_closure` over "
            "the whole graph in Python. \"same\": exactly the same inferred triples (digest of the sorted set). From 1M "
            "the sparql figure is the build's `reason` stage (with the derived mandate facts) and its memory the "
            "build's peak; reasonable is not run there (2.5 GB at 100k already, growing faster than the data).", ""]
    rows = []
    for label, r in scales.items():
        sp, rl = r.get("closure_sparql"), r.get("closure_rl")
        if sp is None:  # the build's own reasoning stage
            b = r.get("build", {})
            if err(b) or not b:
                continue
            sp = {"seconds": b["timings"]["reason"], "rss_mb": b["rss_mb"], "inferred": b["graphs"][INFERRED]}
        cell_sp = err(sp) or f"{s(sp['seconds'])} s / {sp['rss_mb']:.0f} MB"
        cell_rl = "not run (memory)" if rl is None else (err(rl) or f"{s(rl['seconds'])} s / {rl['rss_mb']:.0f} MB")
        same = "" if rl is None or err(rl) or err(sp) else ("same" if rl["digest"] == sp["digest"] else "DIFFERENT")
        rows.append([label, "" if err(sp) else f"{sp['inferred']:,}", cell_sp, cell_rl, same])
    out += [table(["scale", "inferred triples", "sparql closure", "reasonable", "answers"], rows), ""]

    out += ["## SHACL validation", "",
            "`sparql`: `peacekg.shacl_sparql` on the Oxigraph store; `pySHACL`: the reference engine of "
            "`peacekg.validate` on rdflib graphs. Time of validation alone (the store or graphs already built); "
            "memory is the child's peak.", ""]
    rows = []
    for label, r in scales.items():
        sp, py = r.get("shacl_sparql"), r.get("shacl_pyshacl")
        if sp is None:
            continue
        cell_py = "not run" if py is None else (err(py) or f"{s(py['seconds'])} s / {py['rss_mb']:.0f} MB")
        rows.append([label, err(sp) or f"{s(sp['seconds'])} s / {sp['rss_mb']:.0f} MB", "" if err(sp) else str(sp["violations"]), cell_py])
    out += [table(["scale", "sparql", "violations", "pySHACL"], rows), ""]
    for label, r in scales.items():
        a, b = r.get("shacl_injected_sparql"), r.get("shacl_injected_pyshacl")
        if a and b and not err(a) and not err(b):
            verdict = "the same" if a["digest"] == b["digest"] else "DIFFERENT"
            out += [f"With {len(__import__('bench.errors', fromlist=['INJECTIONS']).INJECTIONS)} injected errors at {label}: "
                    f"sparql found {a['violations']} violations in {s(a['seconds'])} s, pySHACL {b['violations']} in "
                    f"{s(b['seconds'])} s: {verdict} violations (focus, path, value, message, shape, component), covering "
                    + ", ".join(c.removesuffix("ConstraintComponent") for c in a["components"]) + ".", ""]

    cold = results.get("cold", {})
    out += ["## Cold start", ""]
    if cold:
        names = [k for k in cold if k != "tool"]
        out += [table(["command", "wall time"], [[f"`{n}`", f"{ms(cold[n])} ms"] for n in names]), "",
                f"Difference: {ms(cold[names[0]] - cold[names[1]])} ms ({cold['tool']}; curated graph, build cache warm).", ""]

    from .server import report as server_report

    out += server_report(results.get("server"))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k only and a small server section (under 2 minutes)")
    parser.add_argument("--scales", help="comma-separated scales, e.g. 10k,100k (default: all, or 10k with --quick)")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not write {DOC.relative_to(ROOT)}")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per load-tool run in the server section (default 10)")
    parser.add_argument("--server-only", action="store_true",
                        help=f"only the server section (wrk); replaces that section of {DOC.relative_to(ROOT)}")
    parser.add_argument("--build-only", action="store_true", help="only the user's path: peacekg build, search, query and the commands after it (implies --no-write)")
    args = parser.parse_args(argv)
    scales = args.scales.split(",") if args.scales else (["10k"] if args.quick else list(SCALES))
    if args.server_only:
        from .server import measure as measure_server, report as server_report

        section = "\n".join(server_report(measure_server(2.0 if args.quick else args.seconds, (1, 8) if args.quick else (1, 8, 50))))
        print(section)
        if not args.no_write and not args.quick:
            replace_section(DOC, "## Server", section + "\n")
        return
    started = time.perf_counter()
    results = run(scales, args.quick, args.build_only)
    if args.build_only:
        args.no_write = True
    results["seconds"] = time.perf_counter() - started
    text = report(results) + f"\nWhole run: {results['seconds']:.0f} s.\n"
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if not args.no_write:
        DOC.write_text(text)


def replace_section(doc: Path, heading: str, text: str) -> None:
    """Put ``text`` in place of the section of ``doc`` that starts at ``heading``
    (up to the next heading of the same level, or the closing line), atomically."""
    old = doc.read_text()
    start = old.index(heading + "\n")
    rest = old[start + len(heading):]
    ends = [i for i in (rest.find("\n## "), rest.find("\nWhole run:")) if i >= 0]
    end = start + len(heading) + (min(ends) + 1 if ends else len(rest))
    fresh = doc.with_suffix(".md.tmp")
    fresh.write_text(old[:start] + text + "\n" + old[end:])
    fresh.replace(doc)


if __name__ == "__main__":
    main()
