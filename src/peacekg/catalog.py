"""The catalogue of stored queries in ``queries/*.rq`` and their typed parameters.

Each file starts with a metadata header of ``#+ key: value`` comment lines::

    #+ title: Missions in a country
    #+ description: Every operation deployed in the given country.
    #+ tags: missions, countries
    #+ param: country: state = LBR | host country as an ISO 3166-1 alpha-3 code
    #+ graphs: data, inferred

A parameter ``name`` is the SPARQL variable ``?name`` in the query. ``graphs``
names the peacekg graphs (``ontology``, ``data``, ``inferred``) the answer draws
on: with exactly these as the default graph the query gives its whole answer,
and without any one of them it does not. A query naming more than one needs
the store's default graph to be their union (or a client that names them, as
``peacekg query --endpoint`` does); one naming ``inferred`` needs the release's
inferred graph loaded. Values are
parsed into RDF terms by their type and bound as terms (never spliced in as
text), so a value cannot change the structure of the query.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .errors import PeacekgError
from .namespaces import ID, PEACEKG, XSD
from .sparql_lexer import tokens

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*:\s*([\w-]+)\s*(?:=\s*(\S+))?\s*(?:\|\s*(.*))?$")


#: The graphs a ``#+ graphs:`` header may name (short names of peacekg's named graphs).
GRAPH_NAMES = ("ontology", "data", "inferred")


class CatalogError(PeacekgError, ValueError):
    """A stored query file is malformed."""


class UnknownQuery(PeacekgError, KeyError):
    """No stored query has this name."""

    def __init__(self, name: str, known: Iterable[str]):
        self.name, self.known = name, sorted(known)
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown query {self.name!r}; known queries: {', '.join(self.known)}"


class ParameterError(PeacekgError, ValueError):
    """A parameter value is missing, unknown or ill-typed."""

    def __init__(self, query: str, param: str, reason: str):
        self.query, self.param, self.reason = query, param, reason
        super().__init__(f"query {query!r}, parameter {param!r}: {reason}")


@dataclass(frozen=True)
class ParamType:
    """How a parameter's text becomes an RDF term."""

    name: str
    description: str
    parse: Callable[[str], ox.NamedNode | ox.Literal]


#: An example slug per resource kind, for error messages.
_EXAMPLES = {
    "mission": "unmil", "norm": "protection-of-civilians", "instrument": "s-res-1509-2003",
    "actor": "ecowas", "challenge": "lack-of-political-will", "concept": "rules-of-engagement",
    "task": "protection-of-civilians", "conflict": "sierra-leone-civil-war", "agreement": "lome-1999",
}


def _resource(kind: str) -> Callable[[str], ox.NamedNode]:
    base = f"{ID}{kind}/"

    def parse(text: str) -> ox.NamedNode:
        if text.startswith(base) and _SLUG.match(text[len(base):]):
            return ox.NamedNode(text)
        if _SLUG.match(text.lower()):
            return ox.NamedNode(base + text.lower())
        raise ValueError(f"expected a {kind} slug such as '{_EXAMPLES[kind]}' or an IRI starting with {base}")

    return parse


def _state(text: str) -> ox.NamedNode:
    base = f"{ID}state/"
    code = text.removeprefix(base)
    if re.fullmatch(r"[A-Za-z]{3}", code):
        return ox.NamedNode(base + code.lower())
    raise ValueError(f"expected an ISO 3166-1 alpha-3 code such as LBR, or an IRI starting with {base}")


def _integer(text: str) -> ox.Literal:
    if not re.fullmatch(r"[+-]?\d{1,18}", text):
        raise ValueError("expected a whole number")
    return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))


def _year(text: str) -> ox.Literal:
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError("expected a four-digit year such as 1995")
    return _integer(text)


def _date(text: str) -> ox.Literal:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("expected a date as YYYY-MM-DD, such as 1995-07-11") from None
    if len(text) != 10:
        raise ValueError("expected a date as YYYY-MM-DD, such as 1995-07-11")
    return ox.Literal(f"{day.isoformat()}T00:00:00", datatype=ox.NamedNode(XSD + "dateTime"))


def _boolean(text: str) -> ox.Literal:
    if text.lower() not in {"true", "false"}:
        raise ValueError("expected true or false")
    return ox.Literal(text.lower(), datatype=ox.NamedNode(XSD + "boolean"))


def _verdict(text: str) -> ox.NamedNode:
    names = {"success": "Success", "mixed": "Mixed", "failure": "Failure"}
    if text.lower() not in names:
        raise ValueError("expected one of success, mixed, failure")
    return ox.NamedNode(PEACEKG + names[text.lower()])


def _string(text: str) -> ox.Literal:
    if len(text) > 200:
        raise ValueError("longer than 200 characters")
    return ox.Literal(text)


def _iri(text: str) -> ox.NamedNode:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", text):
        raise ValueError("expected an absolute http(s) IRI")
    return ox.NamedNode(text)


#: Parameter types by the name used in query headers.
PARAM_TYPES: dict[str, ParamType] = {
    t.name: t
    for t in (
        ParamType("string", "any text up to 200 characters", _string),
        ParamType("integer", "a whole number", _integer),
        ParamType("year", "a four-digit year", _year),
        ParamType("date", "a date as YYYY-MM-DD", _date),
        ParamType("boolean", "true or false", _boolean),
        ParamType("verdict", "success, mixed or failure", _verdict),
        ParamType("iri", "an absolute http(s) IRI", _iri),
        ParamType("state", "an ISO 3166-1 alpha-3 code such as LBR", _state),
        *(
            ParamType(kind, f"a {kind} slug (the last part of its IRI) or its full IRI", _resource(kind))
            for kind in ("mission", "norm", "instrument", "actor", "challenge", "concept", "task", "conflict", "agreement")
        ),
    )
}


#: Parameter types whose value names a resource of the graph (checked to exist before a query runs).
RESOURCE_TYPES = frozenset({"mission", "norm", "instrument", "actor", "challenge", "concept", "task", "state"})


def resource_base(kind: str) -> str:
    """The IRI namespace of a resource type's values (``.../id/mission/``)."""
    return f"{ID}{kind}/"


def unknown_resource(kind: str, iri: str, known: Iterable[str]) -> str:
    """Why a parameter naming no resource of the graph is refused, with the
    nearest names among ``known`` IRIs (as the user writes them: slugs, or
    upper-case codes for states)."""
    base = resource_base(kind)

    def shown(value: str) -> str:
        slug = value.removeprefix(base)
        return slug.upper() if kind == "state" else slug

    names = sorted({shown(k) for k in known if k.startswith(base)})
    given = shown(iri)
    near = difflib.get_close_matches(given, names, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(near)}?" if near else f"; {len(names)} are known (see `peacekg search`)"
    return f"no {kind} {given!r} in the graph{hint}"


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a stored query."""

    name: str
    type: ParamType
    default: str | None = None
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    def parse(self, query: str, text: str) -> ox.NamedNode | ox.Literal:
        try:
            return self.type.parse(text)
        except ValueError as exc:
            shown = text if len(text) <= 200 else f"{text[:200]}… ({len(text):,} characters)"  # never echo a huge value whole
            raise ParameterError(query, self.name, f"{shown!r} is not valid: {exc}") from None


@dataclass(frozen=True)
class StoredQuery:
    """A named, documented SPARQL query with typed parameters."""

    name: str
    title: str
    description: str
    text: str
    path: Path
    tags: tuple[str, ...] = ()
    params: tuple[Parameter, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)
    graphs: tuple[str, ...] = ()  # from ``#+ graphs:``; empty when the header does not say

    @property
    def needs_union_default_graph(self) -> bool:
        """The answer joins triples of several graphs in the default graph."""
        return len(self.graphs) > 1

    @property
    def needs_inferred(self) -> bool:
        """The answer draws on the release's inferred graph."""
        return "inferred" in self.graphs

    def bind(self, values: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Parse parameter values (and defaults) into terms, keyed by variable name."""
        known = {p.name: p for p in self.params}
        for name in values:
            if name not in known:
                hint = ", ".join(known) or "none"
                raise ParameterError(self.name, name, f"this query has no such parameter (its parameters: {hint})")
        bound = {}
        for param in self.params:
            text = values.get(param.name, param.default)
            if text is None:
                raise ParameterError(self.name, param.name, f"required, {param.type.description}")
            bound[param.name] = param.parse(self.name, str(text))
        return bound


def parse_query_file(path: Path) -> StoredQuery:
    """Read one ``.rq`` file with its header; raise :class:`CatalogError` if malformed.
    A UTF-8 byte-order mark at the start is dropped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror or exc}") from None
    meta: dict[str, str] = {}
    params: list[Parameter] = []
    tags: tuple[str, ...] = ()
    graphs: tuple[str, ...] = ()
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key == "param":
            params.append(_parse_param(path, value))
        elif key == "tags":
            tags = tuple(t.strip() for t in value.split(",") if t.strip())
        elif key == "graphs":
            graphs = _parse_graphs(path, value)
        else:
            meta[key] = (meta[key] + " " + value) if key in meta else value
    for key in ("title", "description"):
        if key not in meta:
            raise CatalogError(f"{path}: missing '#+ {key}:' header line")
    for param in params:
        if not re.search(rf"[?$]{param.name}\b", text):
            raise CatalogError(f"{path}: parameter {param.name!r} is not used as ?{param.name} in the query")
    return StoredQuery(
        name=path.stem,
        title=meta.pop("title"),
        description=meta.pop("description"),
        text=text,
        path=path,
        tags=tags,
        params=tuple(params),
        extra=meta,
        graphs=graphs,
    )


def _parse_graphs(path: Path, value: str) -> tuple[str, ...]:
    names = [g.strip() for g in value.split(",") if g.strip()]
    unknown = [g for g in names if g not in GRAPH_NAMES]
    if unknown or not names:
        raise CatalogError(f"{path}: '#+ graphs:' names {', '.join(unknown) or 'nothing'}; expected some of {', '.join(GRAPH_NAMES)}")
    return tuple(g for g in GRAPH_NAMES if g in names)


def _parse_param(path: Path, spec: str) -> Parameter:
    match = _PARAM.match(spec)
    if not match:
        raise CatalogError(f"{path}: cannot read parameter {spec!r}; expected 'name: type [= default] [| description]'")
    name, type_name, default, description = match.groups()
    if type_name not in PARAM_TYPES:
        raise CatalogError(f"{path}: parameter {name!r} has unknown type {type_name!r}; known: {', '.join(PARAM_TYPES)}")
    param = Parameter(name, PARAM_TYPES[type_name], default, (description or "").strip())
    if default is not None:
        param.parse(path.stem, default)
    return param


class Catalog(Mapping[str, StoredQuery]):
    """All stored queries of a project, by name. A malformed file blocks only
    itself: it is left out, its error is kept in :attr:`errors` (by query
    name), and asking for it raises that error."""

    def __init__(self, queries: Iterable[StoredQuery], errors: Mapping[str, CatalogError] | None = None):
        self._queries = {q.name: q for q in sorted(queries, key=lambda q: q.name)}
        self.errors: dict[str, CatalogError] = dict(sorted((errors or {}).items()))

    @classmethod
    def from_folder(cls, folder: Path) -> Catalog:
        queries, errors = [], {}
        for path in sorted(folder.glob("*.rq")):
            try:
                queries.append(parse_query_file(path))
            except CatalogError as exc:
                errors[path.stem] = exc
            except ParameterError as exc:  # a default that its own type rejects
                errors[path.stem] = CatalogError(f"{path}: the default of {exc}")
        return cls(queries, errors)

    def __getitem__(self, name: str) -> StoredQuery:
        try:
            return self._queries[name]
        except KeyError:
            if name in self.errors:
                raise self.errors[name] from None
            raise UnknownQuery(name, self._queries) from None

    def __iter__(self):
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)


def store_requirements(catalog: Mapping[str, StoredQuery], pushed: Iterable[str]) -> list[str]:
    """What a store must offer for the stored queries to answer there, given the
    graphs (short names) a push loaded: notes for the user, empty when none apply."""
    pushed = set(pushed)
    notes = []
    union = sorted(q.name for q in catalog.values() if q.needs_union_default_graph)
    if union:
        notes.append(
            f"{len(union)} of {len(catalog)} stored queries join several graphs in the default graph; `peacekg query --endpoint` "
            "names peacekg's graphs itself, other clients need the store's default graph to be the union of its named graphs "
            "(see docs/triple-stores.md)"
        )
    for graph in GRAPH_NAMES:
        needing = sorted(q.name for q in catalog.values() if graph in q.graphs)
        if graph not in pushed and needing:
            notes.append(f"{len(needing)} stored queries draw on the {graph} graph, which this push did not load "
                         f"(push it too unless the store holds it): {', '.join(needing)}")
    return notes


def with_values(query: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables in plain SPARQL 1.1 for stores that lack substitutions: a
    ``VALUES`` block of serialised terms is placed first in the outer WHERE group.
    Terms are written by pyoxigraph in N-Triples syntax, so they stay terms."""
    if not bindings:
        return query
    names = list(bindings)
    values = " ".join(str(bindings[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }} "
    index = _outer_where_brace(query)
    return query[: index + 1] + block + query[index + 1 :]


@lru_cache(maxsize=256)
def _outer_where_brace(query: str) -> int:
    """(Cached per query text: stored queries are scanned once.) Offset of the
    ``{`` opening the first WHERE group (keywords inside strings, IRIs, comments
    and prefixed names do not count)."""
    after_where = False
    for kind, text, offset in tokens(query):
        if kind == "word" and text.upper() == "WHERE":
            after_where = True
        elif after_where and text == "{":
            return offset
    raise CatalogError("the query has no WHERE clause to bind parameters in")
