"""What a query asks of the server before it runs: whether it names its own
dataset (``FROM`` / ``FROM NAMED``) and which endpoints its ``SERVICE`` clauses
call. pyoxigraph exposes no parsed query, so this reads the query's tokens
(:mod:`peacekg.sparql_lexer`), which is enough to find keywords: a keyword
cannot hide inside any other token.

>>> shape = inspect_query('SELECT * FROM <http://ex/g> WHERE { ?s ?p "SERVICE <x> {}" # SERVICE\\n }')
>>> shape.has_dataset, shape.services
(True, ())
>>> inspect_query("SELECT * WHERE { ?o ?p ?x.SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }").services
('http://127.0.0.1:9/',)
>>> inspect_query("PREFIX ep: <http://ex/sparql> SELECT * { SERVICE SILENT ep: {} SERVICE ?where {} }").services
('http://ex/sparql', None)
>>> inspect_query("SELECT ?from ?service WHERE { ex:a.from ex:service :SERVICE }")
QueryShape(has_dataset=False, services=(), borrows_prefixes=True)
>>> inspect_query("PREFIX ex: <http://ex/> ASK { ex:a ex:b <http://ex/c> }").borrows_prefixes
False
"""
from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..namespaces import PREFIXES
from ..sparql_lexer import tokens


@dataclass(frozen=True)
class QueryShape:
    #: The query has FROM or FROM NAMED: it chooses its dataset itself.
    has_dataset: bool
    #: The endpoint of each SERVICE clause: an absolute IRI, or None when it is
    #: a variable or cannot be resolved without running the query.
    services: tuple[str | None, ...]
    #: The query uses a prefix it does not declare itself (one of the server's,
    #: or an unknown one the parser will report).
    borrows_prefixes: bool = True


def inspect_query(text: str, prefixes: Mapping[str, str] | None = None) -> QueryShape:
    """The dataset clause and SERVICE endpoints of ``text``; ``prefixes`` are
    the predeclared ones (a query's own ``PREFIX`` wins). The shapes of the
    last 1,024 short queries with the server's prefixes are remembered: clients
    repeat the same queries, and reading tokens costs more than the lookup."""
    if prefixes is PREFIXES and len(text) <= 4096:
        return _inspect_cached(text)
    return _inspect(text, prefixes)


@functools.lru_cache(maxsize=1024)
def _inspect_cached(text: str) -> QueryShape:
    return _inspect(text, PREFIXES)


def _inspect(text: str, prefixes: Mapping[str, str] | None) -> QueryShape:
    declared = dict(prefixes or {})
    items = [(kind, value) for kind, value, _ in tokens(text)]
    has_dataset, services, own, used = False, [], set(), set()
    for i, (kind, value) in enumerate(items):
        if kind == "pname":
            used.add(value.partition(":")[0])
        if kind != "word":
            continue
        keyword = value.upper()
        if keyword == "FROM":
            has_dataset = True
        elif keyword == "PREFIX" and i + 2 < len(items) and items[i + 1][0] == "pname" and items[i + 2][0] == "iri":
            declared[items[i + 1][1][:-1]] = items[i + 2][1][1:-1]
            own.add(items[i + 1][1][:-1])
        elif keyword == "SERVICE":
            j = i + 1
            if j < len(items) and items[j] == ("word", items[j][1]) and items[j][1].upper() == "SILENT":
                j += 1
            services.append(_endpoint(items[j] if j < len(items) else ("other", ""), declared))
    return QueryShape(has_dataset, tuple(services), bool(used - own))


def _endpoint(token: tuple[str, str], prefixes: Mapping[str, str]) -> str | None:
    kind, value = token
    if kind == "iri":
        iri = value[1:-1]
    elif kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix not in prefixes:
            return None
        iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    else:
        return None
    # Only an absolute IRI names an endpoint without help from BASE.
    return iri if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri) else None


def refused_services(services: tuple[str | None, ...], allowed: tuple[str, ...]) -> list[str]:
    """The SERVICE endpoints that no prefix in ``allowed`` admits (a variable
    or unresolved endpoint is shown as ``?``).

    >>> refused_services(("https://query.wikidata.org/sparql", None, "http://10.0.0.1/"), ("https://query.wikidata.org/",))
    ['?', 'http://10.0.0.1/']
    """
    return [iri or "?" for iri in services if iri is None or not any(iri.startswith(p) for p in allowed)]
