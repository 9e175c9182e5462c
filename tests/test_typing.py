"""The public Python API is typed: ``mypy --strict`` passes on it, and on the
README's example, so callers get real types (not ``Any``) from ``peacekg``."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ["src/peacekg/__init__.py", "src/peacekg/api.py", "src/peacekg/errors.py"]


def mypy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(cwd / ".mypy_cache"), *args],
        cwd=cwd, capture_output=True, text=True, env={"MYPYPATH": str(ROOT / "src"), "PATH": ""}, timeout=600,
    )


def readme_example() -> str:
    section = (ROOT / "README.md").read_text().split("## The Python API", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def test_public_api_passes_mypy_strict(tmp_path):
    result = mypy(*(str(ROOT / p) for p in PUBLIC), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_example_type_checks_and_names_real_types(tmp_path):
    example = tmp_path / "example.py"
    example.write_text(readme_example() + "reveal_type(rows)\nreveal_type(kg.ask('ASK {}'))\nreveal_type(kg.construct('DESCRIBE <x:y>'))\n")
    result = mypy(str(example), cwd=tmp_path)
    revealed = re.findall(r'Revealed type is "([^"]+)"', result.stdout)
    assert revealed == ["peacekg.api.SelectResult", "bool", "list[pyoxigraph.Triple]"], result.stdout
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert errors == [], result.stdout


def test_one_method_per_query_form(kg):
    import datetime

    import pytest

    from peacekg import PeacekgError
    from peacekg.store import QueryError

    start = kg.select("SELECT ?start ?name WHERE { mission:unmil peacekg:startDate ?start ; rdfs:label ?name }")
    assert start.to_records() == [{"start": datetime.date(2003, 10, 1), "name": "United Nations Mission in Liberia"}]
    assert start.column("start") == ["2003-10-01T00:00:00"]
    assert kg.ask("ASK { mission:unmil peacekg:chapterVII true }") is True
    triples = kg.construct("CONSTRUCT { mission:unmil peacekg:startDate ?d } WHERE { mission:unmil peacekg:startDate ?d }")
    assert [t.object.value for t in triples] == ["2003-10-01T00:00:00"]
    with pytest.raises(QueryError, match=r"ask\(\) takes an ASK query; this one returns rows \(SELECT\)"):
        kg.ask("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    with pytest.raises(PeacekgError, match=r"select\(\) expects a SELECT query; this one returns a boolean \(ASK\)"):
        kg.select("ASK { ?s ?p ?o }")
    assert kg.query_rows("missions-in-country", country="LBR").column("acronym") == ["UNOMIL", "ECOMIL", "UNMIL"]
    numbers = kg.select("SELECT (COUNT(*) AS ?n) (1.5 AS ?d) (2.5e0 AS ?f) (false AS ?b) WHERE { mission:unmil a ?t }")
    (record,) = numbers.to_records()
    assert isinstance(record["n"], int) and record["n"] > 0
    assert (str(record["d"]), record["f"], record["b"]) == ("1.5", 2.5, False)


def test_every_api_error_is_a_peacekg_error(kg, tmp_path):
    import pytest

    from peacekg import KnowledgeGraph, PeacekgError

    with pytest.raises(PeacekgError, match="is not a peacekg project"):
        KnowledgeGraph.load(tmp_path)
    with pytest.raises(PeacekgError, match="unknown query 'nope'"):
        kg.query("nope")
    with pytest.raises(PeacekgError, match="no mission 'unmill' in the graph; did you mean unmil"):
        kg.query("mission", mission="unmill")
    with pytest.raises(PeacekgError, match="unknown validation engine 'jena'"):
        kg.validate("jena")
    with pytest.raises(PeacekgError, match="the query is empty"):
        kg.sparql("   ")
    with pytest.raises(PeacekgError, match="needs the embedded store"):
        KnowledgeGraph.remote("http://127.0.0.1:9/sparql").consistency()
