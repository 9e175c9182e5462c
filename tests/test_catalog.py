"""The stored-query catalogue: headers, typed parameters, safe binding."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from peacekg.catalog import (
    PARAM_TYPES,
    Catalog,
    CatalogError,
    ParameterError,
    UnknownQuery,
    parse_query_file,
    with_values,
)

QUERIES = Path(__file__).resolve().parent.parent / "queries"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_folder(QUERIES)


def test_catalog_has_the_queries_users_ask_for(catalog):
    required = {
        "missions", "mission", "norm-taxonomy", "norm-instruments", "norm-timeline", "chapter-vii-missions",
        "poc-missions", "missions-by-decade", "regional-missions", "assessments", "missions-in-country",
        "missions-active-on", "mission-chain", "norms-in-tension", "instruments-by-issuer",
    }
    assert required <= set(catalog)
    assert len(catalog) >= 15


def test_every_query_is_documented_and_parses(catalog):
    for query in catalog.values():
        assert query.title and len(query.description) > 40, query.name
        # Plain SPARQL 1.1: parses with no predeclared prefixes.
        ox.Store().query(with_values(query.text, query.bind({})))


def test_parameters_are_typed_with_defaults(catalog):
    param = catalog["missions-in-country"].params[0]
    assert (param.name, param.type.name, param.default) == ("country", "state", "LBR")
    assert not param.required


def test_binding_parses_values_into_terms(catalog):
    assert catalog["missions-in-country"].bind({"country": "cod"}) == {
        "country": ox.NamedNode("https://w3id.org/peacekg/id/state/cod")
    }
    assert catalog["missions-active-on"].bind({"date": "1994-04-07"}) == {
        "date": ox.Literal("1994-04-07T00:00:00", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))
    }


def test_unknown_query_lists_the_known_ones(catalog):
    with pytest.raises(UnknownQuery) as info:
        catalog["mision"]
    assert "unknown query 'mision'; known queries: assessments," in str(info.value)
    assert "missions" in str(info.value)


@pytest.mark.parametrize(
    ("query", "values", "message"),
    [
        ("missions-active-on", {"date": "11/07/1995"}, "parameter 'date': '11/07/1995' is not valid: expected a date as YYYY-MM-DD"),
        ("missions-active-on", {"date": "1995-02-30"}, "parameter 'date': '1995-02-30' is not valid: expected a date as YYYY-MM-DD"),
        ("missions-in-country", {"country": "Liberia!"}, "parameter 'country': 'Liberia!' is not valid: expected an ISO 3166-1 alpha-3 code such as LBR"),
        ("missions-in-country", {"country": "12"}, "parameter 'country': '12' is not valid: expected an ISO 3166-1 alpha-3 code such as LBR"),
        ("mission", {"mission": "UN MIL"}, "parameter 'mission': 'UN MIL' is not valid: expected a mission slug"),
        ("missions", {"country": "LBR"}, "parameter 'country': this query has no such parameter (its parameters: none)"),
    ],
)
def test_bad_parameters_say_which_and_why(catalog, query, values, message):
    with pytest.raises(ParameterError) as info:
        catalog[query].bind(values)
    assert message in str(info.value)


def test_injection_attempt_stays_a_value(catalog):
    """A value crafted to close the query and add a pattern is bound as one
    literal: the query's structure and answers do not change."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/peacekg/id/actor/un"),
                      ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("United Nations", language="en")))
    query = catalog["search"]
    attack = '") } UNION { ?resource ?p ?label } #'
    bound = query.bind({"text": attack})
    assert bound == {"text": ox.Literal(attack)}
    text = with_values(query.text, bound)
    assert list(store.query(text, use_default_graph_as_union=True)) == []
    normal = list(store.query(with_values(query.text, query.bind({"text": "nations"})), use_default_graph_as_union=True))
    assert [s["label"].value for s in normal] == ["United Nations"]


def test_iri_parameter_rejects_spliced_syntax():
    with pytest.raises(ValueError):
        PARAM_TYPES["iri"].parse("http://x> } DROP ALL { <http://y")


def test_values_block_goes_into_the_outer_where(catalog):
    text = with_values("SELECT * # WHERE { in a comment\nWHERE { ?s ?p ?date }", {"date": ox.Literal("x")})
    assert text.endswith('WHERE { VALUES (?date) { ("x") }  ?s ?p ?date }')


def test_malformed_header_is_reported(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("#+ title: Broken\n#+ description: A query whose parameter is never used anywhere.\n"
                    "#+ param: country: state = LBR\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(CatalogError, match="parameter 'country' is not used as \\?country"):
        parse_query_file(path)
    path.write_text("#+ title: Broken\n#+ description: x\n#+ param: when: weekday\nSELECT * WHERE { ?s ?p ?when }\n")
    with pytest.raises(CatalogError, match="unknown type 'weekday'"):
        parse_query_file(path)


# --- which graphs a query's answer draws on (`#+ graphs:`) ----------------------------------

GRAPHS = {name: f"https://w3id.org/peacekg/graph/{name}" for name in ("ontology", "data", "inferred")}


def test_every_query_says_which_graphs_it_draws_on(catalog):
    for query in catalog.values():
        assert query.graphs and "data" in query.graphs, query.name
    assert catalog["missions"].graphs == ("data", "inferred")
    assert catalog["missions"].needs_union_default_graph and catalog["missions"].needs_inferred
    assert catalog["mission-chain"].graphs == ("data",)
    assert not catalog["mission-chain"].needs_union_default_graph and not catalog["mission-chain"].needs_inferred
    assert catalog["norm-timeline"].graphs == ("ontology", "data")


def test_the_graphs_header_is_exact(catalog, kg):
    """With the declared graphs as the default graph each query gives its whole answer
    (as on the union of all three), and without any one of them it does not."""
    from answers import normalise

    store = kg.backend.store

    def answer(query, graphs):
        text = with_values(query.text, query.bind({}))
        return normalise(store.query(text, default_graph=[ox.NamedNode(GRAPHS[g]) for g in graphs]), text)

    for query in catalog.values():
        whole = answer(query, GRAPHS)
        assert answer(query, query.graphs) == whole, f"{query.name} needs more than {query.graphs}"
        for left_out in query.graphs:
            fewer = [g for g in query.graphs if g != left_out]
            assert answer(query, fewer) != whole, f"{query.name} does not need the {left_out} graph"


def test_the_query_list_shows_the_graphs():
    import json

    from typer.testing import CliRunner

    from peacekg.cli import app

    listed = {q["name"]: q for q in json.loads(CliRunner().invoke(app, ["queries", "--format", "json"]).stdout)}
    assert listed["missions"]["graphs"] == ["data", "inferred"]
    assert listed["search"]["graphs"] == ["ontology", "data"]


def test_a_graphs_header_naming_an_unknown_graph_is_refused(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("#+ title: T\n#+ description: D\n#+ graphs: data, inference\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(CatalogError, match=r"'#\+ graphs:' names inference; expected some of ontology, data, inferred"):
        parse_query_file(path)
