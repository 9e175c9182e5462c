"""Query answers in a form that compares across stores and store set-ups (a helper
of tests/test_push.py and tests/test_catalog.py)."""
from __future__ import annotations

import re

import pyoxigraph as ox

_CONCAT = re.compile(r'GROUP_CONCAT\s*\(\s*(?:DISTINCT\s+)?\?\w+\s*;\s*SEPARATOR\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)', re.I)
_BOOLEAN = {"1": "true", "0": "false", "true": "true", "false": "false"}


def normalise(raw, query: str = "") -> object:
    """A result in a form that compares across stores: rows as sorted tuples of
    term strings, blank nodes anonymised, booleans in canonical form (Virtuoso
    answers ``"1"^^xsd:boolean`` for ``true``). A ``GROUP_CONCAT`` of ``query``
    compares as the set of its items, as plain text, with no items the same as
    unbound: SPARQL 1.1 leaves the order of the items open, returns a plain
    literal (Oxigraph keeps a language tag the items share) and "" for an empty
    group (Oxigraph leaves it unbound)."""
    lists = {variable: separator for separator, variable in _CONCAT.findall(query)}

    def term(t, variable: str) -> str:
        if variable in lists:
            items = t.value.split(lists[variable]) if t is not None and t.value else []
            return "list:" + "\x00".join(sorted(items))
        if t is None:
            return ""
        if isinstance(t, ox.BlankNode):
            return "_:"
        if isinstance(t, ox.Literal) and t.datatype.value == "http://www.w3.org/2001/XMLSchema#boolean" and t.value in _BOOLEAN:
            return f'"{_BOOLEAN[t.value]}"^^<{t.datatype.value}>'
        return str(t)

    if isinstance(raw, ox.QueryBoolean):
        return bool(raw)
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        return variables, sorted(tuple(term(s[v], v) for v in variables) for s in raw)
    return sorted(" ".join(term(x, "") for x in (t.subject, t.predicate, t.object)) for t in raw)
