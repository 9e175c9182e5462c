"""The Python API: :class:`KnowledgeGraph`, which the command line mirrors."""
from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .build import BuildInfo, CachedBuild, Progress, build_in_memory, cached_build
from .errors import InvalidArgument, NotAvailable
from .fulltext import FullTextIndex, Hit
from .catalog import RESOURCE_TYPES, Catalog, ParameterError, StoredQuery, resource_base, unknown_resource
from .namespaces import DATA_GRAPH, ONTOLOGY_GRAPH
from .sources import LOADED_GRAPH_BASE, LoadedSource, Project, SourceError, as_project, find_project
from .store import Backend, OxigraphBackend, QueryError, RawResult, RemoteBackend
from .validate import ValidationReport

if TYPE_CHECKING:
    from .reason import ConsistencyReport

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class SelectResult:
    """The answer to a SELECT query: variable names and rows of terms (None
    where a variable is unbound)."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, str | None]]:
        return iter(self.to_dicts())

    def column(self, name: str) -> list[str | None]:
        index = self.variables.index(name)
        return [_value(row[index]) for row in self.rows]

    def to_dicts(self) -> list[dict[str, str | None]]:
        """Rows as dicts of plain strings (IRIs and literal values): the string view."""
        return [{v: _value(t) for v, t in zip(self.variables, row)} for row in self.rows]

    def to_records(self) -> list[dict[str, Value]]:
        """Rows as dicts of typed Python values (see :func:`python_value`):
        dates as :class:`datetime.date`, numbers as int/Decimal/float, booleans
        as bool, IRIs and other literals as str, unbound as None."""
        return [{v: python_value(t) for v, t in zip(self.variables, row)} for row in self.rows]

    def to_pandas(self) -> Any:
        """The typed rows as a pandas DataFrame (needs pandas)."""
        return _optional("pandas").DataFrame(self.to_records(), columns=self.variables)

    def to_polars(self) -> Any:
        """The typed rows as a polars DataFrame (needs polars)."""
        rows = [tuple(record.values()) for record in self.to_records()]
        return _optional("polars").DataFrame(rows, schema=self.variables, orient="row")


def _optional(module: str) -> Any:
    """An optional library, or :class:`NotAvailable` saying how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        raise NotAvailable(f"this needs {module}, which is not installed: pip install {module}") from None


#: A typed value of a result cell.
Value = str | int | float | bool | Decimal | datetime.date | datetime.datetime | None

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {f"{_XSD}{t}" for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                     "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                                     "unsignedShort", "unsignedByte")}


def python_value(term: Term | None) -> Value:
    """A result cell as a Python value: an ``xsd:dateTime`` at midnight (how
    peacekg writes days) or an ``xsd:date`` as :class:`datetime.date`, other
    date-times as :class:`datetime.datetime`, integers as int, ``xsd:decimal``
    as Decimal, float/double as float, booleans as bool; a literal whose text
    does not fit its datatype, IRIs and other literals as their string."""
    if term is None:
        return None
    if not isinstance(term, ox.Literal):
        return _value(term)
    text, datatype = term.value, term.datatype.value
    try:
        if datatype == f"{_XSD}dateTime":
            moment = datetime.datetime.fromisoformat(text)
            return moment.date() if text.endswith("T00:00:00") else moment
        if datatype == f"{_XSD}date":
            return datetime.date.fromisoformat(text)
        if datatype in _INTEGERS:
            return int(text)
        if datatype == f"{_XSD}decimal":
            return Decimal(text)
        if datatype in (f"{_XSD}double", f"{_XSD}float"):
            return float(text)
        if datatype == f"{_XSD}boolean":
            return text in ("true", "1")
    except ValueError:
        return text
    return text


def _value(term: Term | None) -> str | None:
    if term is None:
        return None
    return term.value if hasattr(term, "value") else str(term)


def materialise(raw: RawResult | list[ox.Triple]) -> SelectResult | bool | list[ox.Triple]:
    """Turn a raw pyoxigraph result into a SelectResult, a bool or a triple list."""
    if isinstance(raw, ox.QueryBoolean):
        return bool(raw)
    try:
        if isinstance(raw, ox.QuerySolutions):
            variables = [v.value for v in raw.variables]
            return SelectResult(variables, [tuple(solution) for solution in raw])
        return list(raw)
    except OSError as exc:  # raised while the lazy result is read, e.g. by a SERVICE call
        raise QueryError(f"the query failed while it ran: {exc}") from None


class KnowledgeGraph:
    """peacekg's graph behind a backend, with the stored-query catalogue."""

    def __init__(
        self,
        backend: Backend,
        catalog: Catalog,
        *,
        project: Project | None = None,
        info: BuildInfo | None = None,
        report: ValidationReport | None = None,
        cached: CachedBuild | None = None,
        index: FullTextIndex | None = None,
    ):
        self.backend = backend
        self._index = index
        self.catalog = catalog
        self.project = project
        self.info = info
        self._report = report
        self._cached = cached

    # -- construction ---------------------------------------------------

    @classmethod
    def load(
        cls, project: Project | Path | str | None = None, *, cache: bool = True, rebuild: bool = False,
        progress: Progress | Callable[[str, float], None] | None = None, files: Iterable[Path | str] = (),
    ) -> KnowledgeGraph:
        """Build (or reuse the cached build of) the project's graph on the
        embedded store. ``cache=False`` builds in memory and writes nothing;
        ``files`` adds outside RDF files (each into its own named graph, as
        ``peacekg load`` does, but for this graph only); ``progress`` is told
        each build stage as it ends (name, seconds), or is a
        :class:`peacekg.build.Progress`."""
        project = as_project(project)
        if files:
            extra = tuple(LoadedSource(Path(f).resolve(), LOADED_GRAPH_BASE + Path(f).name) for f in files)
            project = project.with_loaded((*project.loaded_sources, *extra))
        catalog = Catalog.from_folder(project.queries_dir)
        if not cache:
            store, info, report, index = build_in_memory(project, progress)
            return cls(OxigraphBackend(store), catalog, project=project, info=info, report=report, index=index)
        build = cached_build(project, rebuild=rebuild, progress=progress)
        return cls(OxigraphBackend(build.open_store()), catalog, project=project, info=build.info(), cached=build,
                   index=build.open_index())

    @classmethod
    def remote(cls, endpoint: str, project: Project | Path | str | None = None, **options: Any) -> KnowledgeGraph:
        """Query a remote SPARQL endpoint that holds peacekg (see ``peacekg push``).
        Needs no local project: the stored queries come from ``project`` when
        given, else from the one found (a checkout or the bundled graph), else
        there are none and only :meth:`sparql` runs."""
        found: Project | None
        if project is None:
            try:
                found = find_project()
            except SourceError:
                found = None
        else:
            found = as_project(project)
        catalog = Catalog.from_folder(found.queries_dir) if found is not None else Catalog([])
        return cls(RemoteBackend(endpoint, **options), catalog, project=found)

    @property
    def store_path(self) -> Path | None:
        """Folder of the on-disk store behind a cached build (None when in memory
        or remote); other processes may open it read-only."""
        return None if self._cached is None else self._cached.store_path

    # -- querying -------------------------------------------------------

    def stored(self, name: str) -> StoredQuery:
        """A stored query by name; UnknownQuery lists the known ones."""
        return self.catalog[name]

    def run(self, name: str, params: Mapping[str, str] | None = None) -> RawResult | list[ox.Triple]:
        """Run a stored query and return the raw pyoxigraph result (for serialising).
        ``search`` runs on the full-text index where the graph has one (ranked;
        the stored text's CONTAINS scan is the fallback for remote stores)."""
        query = self.catalog[name]
        bindings = query.bind(params or {})
        self._check_resources(query, {name: term for name, term in bindings.items() if name in (params or {})})
        if name == "search" and self._index is not None:
            return self.search_raw(bindings["text"].value)
        return self.backend.run(query.text, bindings)

    def _check_resources(self, query: StoredQuery, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> None:
        """A parameter the caller gave that names a mission, norm, state, ...
        the graph does not hold raises :class:`ParameterError` with the nearest
        names (instead of an empty answer that looks like a real one). Defaults
        are the query author's choice and are not checked (a partial or
        synthetic graph may lack them)."""
        for param in query.params:
            term = bindings.get(param.name)
            if param.type.name not in RESOURCE_TYPES or not isinstance(term, ox.NamedNode):
                continue
            if self.backend.run("ASK WHERE { { ?resource ?p ?o } UNION { ?s ?p ?resource } }", {"resource": term}):
                continue
            base = resource_base(param.type.name)
            known = self.select(
                f"SELECT DISTINCT ?r WHERE {{ {{ ?r ?p ?o }} UNION {{ ?s ?p ?r }} FILTER (isIRI(?r) && STRSTARTS(STR(?r), {_quoted(base)})) }}"
            )
            names = [iri for iri in known.column("r") if iri is not None]
            raise ParameterError(query.name, param.name, unknown_resource(param.type.name, term.value, names))

    def search_raw(self, text: str, limit: int = 50) -> RawResult | list[ox.Triple]:
        """Resources whose names match ``text``, best first (resource, label,
        type), as a raw result: from the full-text index where the graph has
        one, else from the stored query ``search``."""
        if self._index is None:
            query = self.catalog["search"]
            return self.backend.run(query.text, query.bind({"text": text}))
        return self.backend.run(_search_by_index(self._index.search(text, limit)))

    def search(self, text: str, limit: int = 50) -> SelectResult:
        """Resources whose names match ``text``, best first (see :meth:`search_raw`)."""
        return _expect_select(materialise(self.search_raw(text, limit)), "search")

    def query(self, name: str, **params: str) -> SelectResult | bool | list[ox.Triple]:
        """Run a stored query with typed parameters given as strings; the
        result's type follows the query's form (see :meth:`select`)."""
        return materialise(self.run(name, params))

    def query_rows(self, name: str, **params: str) -> SelectResult:
        """Run a stored SELECT query (:class:`QueryError` if it is not one)."""
        return _expect_select(materialise(self.run(name, params)), name)

    def sparql(self, text: str) -> SelectResult | bool | list[ox.Triple]:
        """Run any read-only SPARQL query; prefer :meth:`select`, :meth:`ask`
        or :meth:`construct`, whose results need no checking of their type."""
        return materialise(self.backend.run(text))

    def select(self, text: str) -> SelectResult:
        """Run a SELECT query: its rows (:class:`QueryError` for another form)."""
        return _expect_select(materialise(self.backend.run(text)), "select()")

    def ask(self, text: str) -> bool:
        """Run an ASK query: its answer (:class:`QueryError` for another form)."""
        result = materialise(self.backend.run(text))
        if not isinstance(result, bool):
            raise QueryError(f"ask() takes an ASK query; this one returns {_form(result)}")
        return result

    def construct(self, text: str) -> list[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE query: its triples (:class:`QueryError` for another form)."""
        result = materialise(self.backend.run(text))
        if not isinstance(result, list):
            raise QueryError(f"construct() takes a CONSTRUCT or DESCRIBE query; this one returns {_form(result)}")
        return result

    def sparql_raw(self, text: str) -> RawResult | list[ox.Triple]:
        """Run a read-only query and return pyoxigraph's own (lazy) result."""
        return self.backend.run(text)

    # -- checking -------------------------------------------------------

    def validate(self, engine: str = "build") -> ValidationReport:
        """The SHACL report of the data. ``build``: the report made at build time
        (shapes run as SPARQL on the store); ``pyshacl``: validate again with
        pySHACL, the reference engine (slower, same violations)."""
        if engine == "pyshacl":
            from .sources import parse_file
            from .validate import validate

            store = self._local_store()
            if self.project is None:
                raise NotAvailable("validation with pySHACL needs the project's shapes (KnowledgeGraph.load)")
            return validate(
                store.quads_for_pattern(None, None, None, ox.NamedNode(DATA_GRAPH)),
                store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)),
                parse_file(self.project.shapes_file),
            )
        if engine != "build":
            raise InvalidArgument(f"unknown validation engine {engine!r}; use 'build' or 'pyshacl'")
        if self._report is None:
            if self._cached is None:
                raise NotAvailable("validation needs a local build (KnowledgeGraph.load)")
            self._report = self._cached.report()
        return self._report

    def consistency(self) -> ConsistencyReport:
        """HermiT's verdict on the ontology and data (needs Java)."""
        from .reason import check_consistency

        store = self._local_store()
        quads = [
            *store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)),
            *store.quads_for_pattern(None, None, None, ox.NamedNode(DATA_GRAPH)),
        ]
        return check_consistency(quads)

    def stats(self) -> SelectResult:
        """Instances per main class, from the stored query ``stats``."""
        return self.query_rows("stats")

    def _local_store(self) -> ox.Store:
        if not isinstance(self.backend, OxigraphBackend):
            raise NotAvailable("this needs the embedded store, not a remote endpoint")
        return self.backend.store


#: Labels and most specific types of the index's hits, in the index's order.
_SEARCH_BY_INDEX = """
PREFIX peacekg: <https://w3id.org/peacekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?resource ?label ?type WHERE {
  VALUES (?resource ?rank) { @HITS@ }
  OPTIONAL { ?resource rdfs:label ?rdfsLabel }
  OPTIONAL { ?resource skos:prefLabel ?prefLabel FILTER (LANGMATCHES(LANG(?prefLabel), "en") || LANG(?prefLabel) = "") }
  OPTIONAL { ?resource a ?t . ?t rdfs:label ?typeLabel . FILTER (STRSTARTS(STR(?t), STR(peacekg:)))
             FILTER NOT EXISTS { ?resource a ?sub . ?sub rdfs:subClassOf ?t . FILTER (?sub != ?t) } }
  BIND (COALESCE(?rdfsLabel, ?prefLabel, "") AS ?label)
  BIND (COALESCE(?typeLabel, "") AS ?type)
}
ORDER BY ?rank ?label ?type"""


def _expect_select(result: SelectResult | bool | list[ox.Triple], what: str) -> SelectResult:
    if not isinstance(result, SelectResult):
        raise QueryError(f"{what} expects a SELECT query; this one returns {_form(result)} (use ask() or construct())")
    return result


def _form(result: SelectResult | bool | list[ox.Triple]) -> str:
    """What kind of answer a result is, for error messages."""
    if isinstance(result, bool):
        return "a boolean (ASK)"
    if isinstance(result, list):
        return "triples (CONSTRUCT/DESCRIBE)"
    return "rows (SELECT)"


def _search_by_index(hits: list[Hit]) -> str:
    rows = " ".join(f"({ox.NamedNode(hit.resource)} {rank})" for rank, hit in enumerate(hits))
    return _SEARCH_BY_INDEX.replace("@HITS@", rows)


def _quoted(text: str) -> str:
    """A SPARQL string literal of ``text``."""
    return str(ox.Literal(text))
