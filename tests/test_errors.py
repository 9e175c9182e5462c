"""One error contract for the command line: every failure a user can cause
prints ``error: <what to fix>`` on stderr, exits 2 and shows no traceback;
``--debug`` (before or after the subcommand) lets the traceback through."""
from __future__ import annotations

import pathlib
import socket
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacekg import __version__
from peacekg.cli import app
from peacekg.errors import PeacekgError
from peacekg.sources import SourceError

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str | Path, env: dict | None = None):
    return runner.invoke(app, [str(a) for a in args], env=env, prog_name="peacekg")


def assert_error(result, message: str) -> None:
    """Exit 2, the message on stderr as ``error: ...``, no traceback."""
    assert result.exit_code == 2, result.output
    assert f"error: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- finding the project -------------------------------------------------


def test_project_option_that_is_not_a_project(tmp_path):
    assert_error(run("query", "missions", "--project", tmp_path),
                 f"{tmp_path}: --project is not a peacekg project (it has no ontology/peacekg.ttl); point it at a peacekg checkout")
    missing = tmp_path / "nowhere"
    assert_error(run("stats", "--project", missing), f"{missing}: --project points at nothing, not a peacekg project folder")


def test_environment_variable_that_is_not_a_project(tmp_path):
    result = run("query", "missions", env={"PEACEKG_PROJECT": str(tmp_path)})
    assert_error(result, f"{tmp_path}: PEACEKG_PROJECT is not a peacekg project (it has no ontology/peacekg.ttl)")
    assert_error(run("queries", env={"PEACEKG_PROJECT": str(tmp_path)}), f"{tmp_path}: PEACEKG_PROJECT is not a peacekg project")


def test_build_cache_that_cannot_be_written(small_project, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run("query", "missions", "--project", small_project, env={"PEACEKG_CACHE": str(blocker / "cache")})
    assert_error(result, f"cannot write the build cache in {blocker / 'cache'} (Not a directory); "
                         "make that folder writable or set PEACEKG_CACHE to a writable folder")


def test_read_only_project_with_no_cache(small_project, monkeypatch):
    """A checkout on a read-only disk (simulated: tests may run as root, whom
    file modes do not stop) and no cache yet."""
    real_mkdir = pathlib.Path.mkdir

    def read_only(self, *args, **kwargs):
        if self.is_relative_to(small_project):
            raise OSError(30, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", read_only)
    result = run("build", "--project", small_project, env={"PEACEKG_CACHE": None})
    assert_error(result, f"cannot write the build cache in {small_project / '.peacekg-cache'} (Read-only file system); "
                         "make that folder writable or set PEACEKG_CACHE to a writable folder")


# -- the sources -----------------------------------------------------------


def test_literal_over_16_mb_names_the_file(small_project):
    big = small_project / "data" / "big.ttl"
    big.write_text('<https://w3id.org/peacekg/id/x> <http://www.w3.org/2000/01/rdf-schema#comment> "'
                   + "a" * (17 << 20) + '" .\n')
    assert_error(run("build", "--project", small_project),
                 f"{big}: a single value (literal or IRI) is longer than 16 MB, the parser's limit")


def test_byte_order_mark_is_accepted_in_data_and_queries(small_project, tmp_path):
    bom = "\ufeff"
    data = small_project / "data" / "extra.ttl"
    data.write_text(bom + '<https://w3id.org/peacekg/id/state/xxx> <http://www.w3.org/2000/01/rdf-schema#label> "Somewhere" .\n',
                    encoding="utf-8")
    stored = small_project / "queries" / "with-bom.rq"
    stored.write_text(bom + "#+ title: A query saved with a BOM\n#+ description: The label of one test resource.\n"
                      "SELECT ?label WHERE { state:xxx rdfs:label ?label }\n", encoding="utf-8")
    result = run("query", "with-bom", "--project", small_project, "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["label", "Somewhere"]
    loose = tmp_path / "q.rq"
    loose.write_text(bom + "SELECT ?label WHERE { state:xxx rdfs:label ?label }", encoding="utf-8")
    result = run("sparql", loose, "--project", small_project, "-f", "csv")
    assert result.stdout.splitlines() == ["label", "Somewhere"]


def test_bad_date_in_the_data_is_a_violation_not_a_traceback(small_project):
    data = small_project / "data" / "valid.ttl"
    data.write_text(data.read_text().replace('peacekg:startDate "2003-09-19T00:00:00"', 'peacekg:startDate "2003-13-45T00:00:00"'))
    built = run("build", "--project", small_project)
    assert built.exit_code == 1 and "SHACL: 1 violation(s)" in built.stdout
    checked = run("validate", "--engine", "pyshacl", "--project", small_project)
    assert checked.exit_code == 1
    assert "(value: 2003-13-45T00:00:00)" in checked.stdout
    assert "Traceback" not in checked.output and "Failed to convert" not in checked.output


def test_a_malformed_query_file_blocks_only_itself(small_project):
    (small_project / "queries" / "broken.rq").write_text("#+ description: no title\nSELECT * WHERE { ?s ?p ?o }\n")
    listed = run("queries", "--project", small_project)
    assert listed.exit_code == 2
    assert "missions-in-country" in listed.stdout and "broken" not in listed.stdout
    assert f"error: {small_project / 'queries' / 'broken.rq'}: missing '#+ title:' header line" in listed.stderr
    fine = run("query", "missions", "--project", small_project, "-f", "csv")
    assert fine.exit_code == 0 and "UNMIL" in fine.stdout
    assert_error(run("query", "broken", "--project", small_project), f"{small_project / 'queries' / 'broken.rq'}: missing '#+ title:'")


# -- queries ------------------------------------------------------------------


def test_update_is_refused_as_read_only(kg):
    assert_error(run("sparql", "PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }"),
                 "invalid query: this is a SPARQL update (INSERT); the graph is read-only here: use SELECT, ASK, CONSTRUCT or DESCRIBE")


def test_unknown_prefix_is_named(kg):
    result = run("sparql", "SELECT * WHERE { ?s foo:bar ?o }")
    assert_error(result, "invalid query: unknown prefix foo:; declare it with PREFIX foo: <...> (predeclared: peacekg:, rdf:")
    assert "\\u{" not in result.output  # not the parser's list of Unicode ranges


def test_empty_query_says_so(kg, tmp_path):
    assert_error(run("sparql", ""), "invalid query: the query is empty")
    comment_only = tmp_path / "empty.rq"
    comment_only.write_text("# nothing yet\n")
    assert_error(run("sparql", comment_only), "invalid query: the query is empty")


def test_failing_service_is_an_error_line(kg):
    endpoint = f"http://127.0.0.1:{closed_port()}/sparql"
    result = run("sparql", f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}")
    assert_error(result, "the query failed while it ran: ")
    assert "(an unreachable SERVICE endpoint fails the whole query)" in result.stderr


@pytest.mark.parametrize(("query", "param", "message"), [
    ("norm-timeline", "norm=protecton-of-civilians",
     "query 'norm-timeline', parameter 'norm': no norm 'protecton-of-civilians' in the graph; did you mean protection-of-civilians?"),
    ("mandate-history", "mission=unmill",
     "query 'mandate-history', parameter 'mission': no mission 'unmill' in the graph; did you mean unmil, unomil, unomsil?"),
    ("missions-in-country", "country=LBX",
     "query 'missions-in-country', parameter 'country': no state 'LBX' in the graph; did you mean "),
])
def test_unknown_resource_parameter_suggests_near_names(kg, query, param, message):
    assert_error(run("query", query, "--param", param), message)


def test_unknown_resource_without_near_names_says_how_many_exist(kg):
    result = run("query", "missions-in-country", "--param", "country=QQQ")
    assert_error(result, "query 'missions-in-country', parameter 'country': no state 'QQQ' in the graph; ")
    assert "are known (see `peacekg search`)" in result.stderr


def test_repeated_parameter_is_an_error(kg):
    assert_error(run("query", "missions-in-country", "-p", "country=LBR", "-p", "country=COD"),
                 "--param country given twice ('LBR' and 'COD'); give each parameter once")


def test_defaulted_parameter_is_named_on_stderr(kg):
    result = run("query", "missions-in-country-on", "-p", "country=LBR", "-f", "csv")
    assert result.exit_code == 0
    assert result.stderr == "note: date = 1995-07-11 (the default; set it with --param date=...)\n"
    assert "note:" not in result.stdout
    explicit = run("query", "missions-in-country-on", "-p", "country=LBR", "-p", "date=2005-01-01", "-f", "csv")
    assert explicit.stderr == "" and "UNMIL" in explicit.stdout


# -- the command itself -----------------------------------------------------


def test_serve_without_the_server_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "peacekg.server" or m.startswith("peacekg.server.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "starlette", None)  # as if starlette were not installed
    assert_error(run("serve", "--port", str(closed_port())),
                 "peacekg serve needs the server extra (starlette is not installed); install it with: pip install 'peacekg[server]'")


def test_debug_shows_the_traceback_before_or_after_the_subcommand(tmp_path):
    for args in (["--debug", "stats", "--project", tmp_path], ["stats", "--project", tmp_path, "--debug"]):
        result = run(*args)
        assert isinstance(result.exception, SourceError)
        assert "--project is not a peacekg project" in str(result.exception)
    assert isinstance(run("stats", "--project", tmp_path, env={"PEACEKG_DEBUG": "1"}).exception, PeacekgError)


def test_an_unexpected_failure_is_one_line_with_exit_1(monkeypatch):
    from peacekg.api import KnowledgeGraph

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(KnowledgeGraph, "load", broken)
    result = run("stats")
    assert result.exit_code == 1
    assert result.stderr == "error: unexpected ZeroDivisionError: division by zero (a bug: rerun with --debug and report the traceback)\n"


def test_version():
    assert run("--version").stdout == f"peacekg {__version__}\n"
    assert f"peacekg {__version__}:" in run("--help").stdout
    import tomllib

    assert "version" in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dynamic"]


def test_usage_mistakes_are_error_lines_too():
    assert_error(run("query"), "Missing argument 'name'. (see `peacekg query --help`)")
    assert_error(run("nosuch"), "No such command 'nosuch'. (see `peacekg --help`)")
    assert_error(run("query", "missions", "--bogus"), "No such option: --bogus (see `peacekg query --help`)")


# -- command-line comfort ------------------------------------------------------


def test_project_option_before_or_after_the_subcommand(small_project):
    for args in (["--project", small_project, "query", "missions", "-f", "csv"],
                 [f"--project={small_project}", "query", "missions", "-f", "csv"],
                 ["query", "missions", "-f", "csv", "--project", small_project]):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["acronym", "UNMIL", "FIO"]


def test_one_format_vocabulary(kg):
    """``table`` and ``text`` name the human-readable output in every command;
    an unknown format is an error that lists the choices."""
    for command in (["validate"], ["queries"], ["query", "missions-in-country"], ["sparql", "ASK { ?s ?p ?o }"]):
        table, text = run(*command, "-f", "table"), run(*command, "-f", "text")
        assert table.exit_code == text.exit_code == 0, table.output + text.output
        assert table.stdout == text.stdout
    assert_error(run("queries", "-f", "yaml"), "unknown query list format 'yaml'; use table (or text), csv, tsv, json")
    assert_error(run("validate", "-f", "yaml"), "unknown report format 'yaml'; use text (or table), json, turtle")
    listed = run("queries", "-f", "csv").stdout.splitlines()
    assert listed[0] == "name,title,parameters"
    assert "missions-in-country,Operations in a country,country: state = LBR" in listed
    tabbed = run("queries", "-f", "tsv").stdout.splitlines()
    assert "missions-in-country\tOperations in a country\tcountry: state = LBR" in tabbed


def test_help_shows_no_python_type_placeholders():
    import re

    from peacekg.cli import app as application
    from typer.main import get_command

    commands = sorted(get_command(application).commands)
    assert {"build", "query", "sparql", "serve", "push", "load"} <= set(commands)
    for args in ([], *([name] for name in commands)):
        shown = run(*args, "--help", env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
        assert shown.exit_code == 0, shown.output
        assert not re.search(r"<(bool|str|int|float|path|list\[[a-z]+\])>", shown.stdout), (args, shown.stdout)
    assert "--param     -p      NAME=VALUE" in run("query", "--help", env={"COLUMNS": "200"}).stdout


def test_tables_fit_the_terminal_width():
    from peacekg.cli import fit_widths, render_table

    header = ["acronym", "name", "start"]
    rows = [["UNMIL", "United Nations Mission in Liberia", "2003-10-01"], ["UNOMIL", "United Nations Observer Mission in Liberia", "1993-09-22"]]
    assert render_table(header, rows).splitlines()[2] == "UNMIL    United Nations Mission in Liberia           2003-10-01"
    narrow = render_table(header, rows, width=40).splitlines()
    assert max(len(line) for line in narrow) <= 40
    assert narrow[2] == "UNMIL    United Nations Mis…  2003-10-01"
    assert narrow[3] == "UNOMIL   United Nations Obs…  1993-09-22"
    assert fit_widths([30, 30, 30], 20) == [8, 8, 8]  # never narrower than 8: the table overflows instead


def test_shell_completion_names_subcommands_and_options(tmp_path):
    import os
    import subprocess

    env = {**os.environ, "_PEACEKG_COMPLETE": "complete_bash", "COMP_WORDS": "peacekg que", "COMP_CWORD": "1"}
    script = Path(sys.executable).parent / "peacekg"  # the installed command: completion is keyed to its name
    words = subprocess.run([script], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert words.stdout.split() == ["queries", "query"]
    env.update(COMP_WORDS="peacekg query --form", COMP_CWORD="2")
    options = subprocess.run([script], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert options.stdout.split() == ["--format"]


def test_paths_inside_the_working_directory_are_shown_relative(small_project, monkeypatch):
    broken = small_project / "data" / "broken.ttl"
    broken.write_text("<https://w3id.org/peacekg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> .\n")
    monkeypatch.chdir(small_project)
    assert_error(run("build"), "data/broken.ttl:1:")
    assert str(small_project) not in run("build").stderr


def test_remote_commands_need_no_project(monkeypatch, tmp_path):
    import peacekg.api
    from peacekg.api import KnowledgeGraph

    def nowhere(start=None):
        raise SourceError(tmp_path, "no peacekg project found")

    monkeypatch.setattr(peacekg.api, "find_project", nowhere)
    monkeypatch.setattr("peacekg.sources.find_project", nowhere)
    remote = KnowledgeGraph.remote(f"http://127.0.0.1:{closed_port()}/sparql")
    assert remote.project is None and len(remote.catalog) == 0
    endpoint = f"http://127.0.0.1:{closed_port()}/sparql"
    result = run("sparql", "ASK { ?s ?p ?o }", "--endpoint", endpoint)
    assert_error(result, f"cannot query {endpoint}: ")
    assert "no peacekg project" not in result.stderr
