"""Measurements of whole processes: the cold start of ``peacekg query``
(the HTTP server under load is in :mod:`bench.server`)."""
from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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
