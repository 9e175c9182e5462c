"""Where queries run: the embedded Oxigraph store or a remote SPARQL endpoint,
behind one small interface."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Protocol, Union

import pyoxigraph as ox

from .catalog import with_values
from .errors import PeacekgError
from .namespaces import GRAPHS, PREFIXES
from .query_text import UPDATE_KEYWORDS, explain_refusal, operation_keyword
from .sparql_lexer import tokens

#: What a query returns, in pyoxigraph's own types for every backend.
RawResult = Union[ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples]
Binding = Mapping[str, Union[ox.NamedNode, ox.Literal]]


def graph_size(store: ox.Store, graph: str) -> int:
    """The number of triples in one named graph of an embedded store."""
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(result))["n"].value)


class QueryError(PeacekgError, ValueError):
    """The query is not valid SPARQL, or the store refused it."""


class StoreUnavailable(PeacekgError, RuntimeError):
    """A remote store could not be reached or refused our credentials."""


class Backend(Protocol):
    """A place where SPARQL queries run."""

    description: str

    def run(self, query: str, bindings: Binding | None = None) -> RawResult | list[ox.Triple]:
        """Run a query with variables bound to terms."""
        ...

    def triple_count(self) -> int:
        ...


class OxigraphBackend:
    """The embedded pyoxigraph store; the default graph is the union of the
    ontology, data and inferred graphs. Parameters are bound with a VALUES block
    as on remote stores (pyoxigraph's own substitutions only reach projected
    variables)."""

    def __init__(self, store: ox.Store, description: str = "embedded Oxigraph store"):
        self.store = store
        self.description = description

    def run(self, query: str, bindings: Binding | None = None) -> RawResult:
        try:
            return self.store.query(with_values(query, bindings or {}), use_default_graph_as_union=True, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(explain_refusal(query, str(exc), PREFIXES)) from None

    def triple_count(self) -> int:
        return len(self.store)


class RemoteBackend:
    """A SPARQL 1.1 endpoint reached with SPARQLWrapper. Parameters are bound by
    a VALUES block, and the dataset is peacekg's graphs, merged as the default
    graph (``default-graph-uri``) and each a named graph (``named-graph-uri``),
    unless ``default_graphs`` says otherwise."""

    def __init__(
        self,
        endpoint: str,
        *,
        user: str | None = None,
        password: str | None = None,
        default_graphs: Sequence[str] | None = GRAPHS,
        timeout: float = 60.0,
    ):
        self.endpoint = endpoint
        self.user = user or os.environ.get("PEACEKG_USER")
        self.password = password or os.environ.get("PEACEKG_PASSWORD")
        self.default_graphs = list(default_graphs or [])
        self.timeout = timeout
        self.description = f"SPARQL endpoint {endpoint}"

    def _prologue(self, query: str) -> str:
        # Leading comment lines (a stored query's #+ header) go: SPARQLWrapper
        # guesses the query's form from its words, and a header mentioning, say,
        # "add" or "drop" made it send a query as an update.
        lines = query.split("\n")
        while lines and lines[0].lstrip().startswith("#"):
            lines.pop(0)
        query = "\n".join(lines)
        declared = {p.lower() for p in _declared_prefixes(query)}
        return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared) + query

    def run(self, query: str, bindings: Binding | None = None) -> RawResult | list[ox.Triple]:
        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, Unauthorized

        if not any(True for _ in tokens(query)) or operation_keyword(query) in UPDATE_KEYWORDS:
            raise QueryError(explain_refusal(query, "", PREFIXES))
        text = self._prologue(with_values(query, bindings or {}))
        client = SPARQLWrapper(self.endpoint)
        client.setMethod(POST)
        client.setTimeout(int(self.timeout))
        client.setQuery(text)
        for graph in self.default_graphs:
            # The dataset the embedded store has: the graphs merged as the default
            # graph, and each also a named graph (GRAPH ?g sees them).
            client.addDefaultGraph(graph)
            client.addNamedGraph(graph)
        if self.user:
            client.setCredentials(self.user, self.password or "")
        query_type = client.queryType
        if query_type in ("SELECT", "ASK"):
            client.setReturnFormat("json")
        else:
            client.addCustomHttpHeader("Accept", "application/n-triples")
        try:
            response = client.query().response.read()
        except QueryBadFormed as exc:
            raise QueryError(str(exc)) from None
        except Unauthorized:
            raise StoreUnavailable(f"{self.endpoint} refused the credentials (401)") from None
        except Exception as exc:  # urllib and socket errors vary by platform
            raise StoreUnavailable(f"cannot query {self.endpoint}: {exc}") from None
        if query_type in ("SELECT", "ASK"):
            return ox.parse_query_results(response, format=ox.QueryResultsFormat.JSON)
        return list(ox.parse(response, format=ox.RdfFormat.N_TRIPLES))

    def triple_count(self) -> int:
        result = self.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(result))["n"].value)


def _declared_prefixes(query: str) -> list[str]:
    import re

    return re.findall(r"(?i)\bPREFIX\s+([A-Za-z][\w-]*)?:", query)
