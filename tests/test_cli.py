"""The command line, as a user meets it: outputs, formats, exit codes, errors."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacekg.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env)


def test_build_reports_graphs_and_validation(kg):
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/peacekg/graph/inferred" in result.output
    assert "SHACL: conforms." in result.output


def test_query_csv_has_the_fixed_columns():
    result = run("query", "missions", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "acronym", "name", "start", "end", "host_countries", "lead_organization", "establishing_instrument",
        "mandate_resolutions", "chapter_vii_since", "poc_since",
    ]
    unmil = next(r for r in rows if r["acronym"] == "UNMIL")
    assert unmil["establishing_instrument"] == "S/RES/1509 (2003)"
    assert unmil["host_countries"] == "LBR"
    assert (unmil["chapter_vii_since"], unmil["poc_since"]) == ("2003-09-19", "2003-09-19")
    assert int(unmil["mandate_resolutions"]) >= 15


def test_query_json_is_sparql_results_json():
    result = run("query", "missions-in-country", "--param", "country=LBR", "--format", "json")
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == ["acronym", "name", "start", "end", "lead_organization"]
    assert "UNMIL" in {b["acronym"]["value"] for b in data["results"]["bindings"]}


@pytest.mark.parametrize("fmt", ["tsv", "xml", "table"])
def test_query_other_formats(fmt):
    result = run("query", "missions-in-country", "-p", "country=LBR", "-f", fmt)
    assert result.exit_code == 0
    assert "UNMIL" in result.stdout


def test_unknown_query_lists_known_ones_and_exits_2():
    result = run("query", "mision")
    assert result.exit_code == 2
    assert "unknown query 'mision'; known queries:" in result.output
    assert "missions-active-on" in result.output


def test_bad_parameter_says_which_and_why():
    result = run("query", "missions-active-on", "--param", "date=yesterday")
    assert result.exit_code == 2
    assert "parameter 'date': 'yesterday' is not valid: expected a date as YYYY-MM-DD" in result.output
    result = run("query", "missions-active-on", "--param", "yesterday")
    assert "--param expects name=value" in result.output


def test_wrong_format_for_result_kind():
    result = run("query", "missions", "--format", "turtle")
    assert result.exit_code == 2
    assert "does not fit a SELECT/ASK result" in result.output


def test_sparql_text_file_and_construct(tmp_path):
    result = run("sparql", "SELECT ?name WHERE { mission:unmil rdfs:label ?name }", "-f", "csv")
    assert result.stdout.splitlines() == ["name", "United Nations Mission in Liberia"]
    path = tmp_path / "q.rq"
    path.write_text("CONSTRUCT { mission:unmil peacekg:startDate ?d } WHERE { mission:unmil peacekg:startDate ?d }")
    result = run("sparql", str(path), "-f", "ntriples")
    assert result.stdout.strip() == (
        '<https://w3id.org/peacekg/id/mission/unmil> <https://w3id.org/peacekg/ontology#startDate> '
        '"2003-10-01T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .'
    )


def test_sparql_long_query_text_is_not_taken_for_a_file():
    long_filter = " || ".join(f"CONTAINS(?l, 'word{i}')" for i in range(40))
    result = run("sparql", f"SELECT ?l WHERE {{ mission:unmil rdfs:label ?l FILTER ({long_filter} || true) }}", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["l", "United Nations Mission in Liberia"]


def test_sparql_syntax_error_exits_2():
    result = run("sparql", "SELECT ?x WHERE { ?x ")
    assert result.exit_code == 2
    assert "invalid query:" in result.output


def test_queries_lists_parameters():
    result = run("queries")
    assert "missions-in-country" in result.stdout and "country: state = LBR" in result.stdout
    listed = json.loads(run("queries", "--format", "json").stdout)
    assert {"name": "date", "type": "date", "default": "1995-07-11", "required": False,
            "description": "the day, as YYYY-MM-DD"} in next(q for q in listed if q["name"] == "missions-active-on")["params"]


def test_stats_counts_classes():
    result = run("stats")
    assert result.exit_code == 0
    assert "United Nations peacekeeping operation" in result.stdout


def test_validate_formats_and_exit_codes(kg, small_project):
    assert run("validate").exit_code == 0
    data = json.loads(run("validate", "--format", "json").stdout)
    assert data["conforms"] is True
    # the only results are warnings: statements still without a paragraph (issue 14)
    assert [v for v in data["violations"] if v["severity"] != "Warning"] == []
    assert "sh:conforms true" in run("validate", "--format", "turtle").stdout
    assert run("validate", "--format", "yaml").exit_code == 2
    # pySHACL on the real data is compared with the build's engine in test_shacl_sparql.py
    reference = run("validate", "--engine", "pyshacl", env={"PEACEKG_PROJECT": str(small_project)})
    assert reference.exit_code == 0 and reference.stdout.startswith("Conforms:")
    assert "unknown validation engine 'jena'" in run("validate", "--engine", "jena").output


def test_nonconforming_data_exits_1_with_grouped_report(small_project):
    project_copy = small_project
    bad = project_copy / "data" / "zz-bad.ttl"
    bad.write_text(
        "@prefix peacekg: <https://w3id.org/peacekg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/peacekg/id/state/zzz> a peacekg:State ; rdfs:label "Nowhere"@en ; peacekg:iso3166Alpha3 "zz" .\n'
    )
    env = {"PEACEKG_PROJECT": str(project_copy)}
    assert run("build", env=env).exit_code == 1
    for engine in ("build", "pyshacl"):
        result = run("validate", "--engine", engine, env=env)
        assert result.exit_code == 1
        assert "state:zzz\n  - [Violation] peacekg:iso3166Alpha3: a state needs exactly one ISO 3166-1 alpha-3 code" in result.stdout


def test_turtle_syntax_error_names_file_and_line_and_writes_nothing(project_copy):
    broken = project_copy / "data" / "norms.ttl"
    lines = broken.read_text().splitlines()
    lines[20] = lines[20] + " this is not turtle"
    broken.write_text("\n".join(lines) + "\n")
    env = {"PEACEKG_PROJECT": str(project_copy)}
    result = run("build", env=env)
    assert result.exit_code == 2
    assert f"error: {broken}:21:" in result.output
    cache = project_copy / ".peacekg-cache"
    # no build and no scratch folder; only the lock file the build takes may remain
    assert not cache.exists() or [p.name for p in cache.iterdir() if p.name != ".lock"] == []


def test_build_reports_its_stages_on_request_and_is_quiet_otherwise(small_project):
    env = {"PEACEKG_PROJECT": str(small_project)}
    loud = run("build", "--rebuild", "--progress", env=env)
    assert loud.exit_code == 0, loud.output
    stages = [line.split()[0] for line in loud.stderr.splitlines() if line.endswith(" s") and " done in " in line]
    assert stages == ["load", "reason", "validate", "index", "persist"]
    assert "Graph " in loud.stdout and " done in " not in loud.stdout
    quiet = run("build", "--rebuild", "-q", env=env)
    assert quiet.exit_code == 0 and " done in " not in quiet.output
    piped = run("build", "--rebuild", env=env)  # the test runner's stderr is not a terminal
    assert piped.exit_code == 0 and " done in " not in piped.output


def test_build_shows_a_reading_bar_with_triples_per_second_for_large_files(small_project):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.generate import generate

    (small_project / "data" / "valid.ttl").unlink()  # the generated graph stands alone
    count = generate(70_000, small_project / "data" / "synthetic.nt")  # about 10 MB: large enough for a bar
    loud = run("build", "--progress", env={"PEACEKG_PROJECT": str(small_project)})
    assert loud.exit_code == 0, loud.output
    bar = next(line for line in loud.stderr.splitlines() if "synthetic.nt" in line)
    assert f"{count:,} triples" in bar and "/s" in bar
