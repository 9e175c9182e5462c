"""Loading external RDF files (N-Triples, N-Quads, Turtle) into a
:class:`~peacekg.api.KnowledgeGraph` with the project's ontology and stored
queries, at the speed of pyoxigraph's bulk loader.

This is the path for graphs far larger than the curated one (monthly troop
contributions, every resolution, millions of triples): the files are streamed
into an in-memory Oxigraph store, never parsed into Python objects.

- Reasoning (``reasoning=``): ``"sparql"`` (default) adds the OWL 2 RL closure
  with rules run as SPARQL updates on the store itself, which scales to millions
  of triples; ``"rl"`` uses the build's engine (``reasonable``, see
  :func:`peacekg.reason.rl_closure`), which holds everything in Python and
  runs out of memory near a million triples; ``None`` skips reasoning.
- Validation (``validation=``): ``"sparql"`` runs the SHACL shapes as SPARQL on
  the store (:mod:`peacekg.shacl_sparql`); ``"pyshacl"`` uses the reference
  engine (:func:`peacekg.validate.validate`); ``None`` (default) skips it.

>>> from peacekg.loading import load_files
>>> kg = load_files(["bench/data/synthetic-10k.nt"])   # doctest: +SKIP
>>> kg.query("missions-in-country", country="LBR")      # doctest: +SKIP
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox

from .namespaces import DATA_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, OWL, RDF, RDFS
from .sources import RDF_FORMATS, Project, SourceError, as_project, parse_file

if TYPE_CHECKING:
    from .api import KnowledgeGraph
    from .validate import ValidationReport

Reasoning = Literal["sparql", "rl"] | None
Validation = Literal["sparql", "pyshacl"] | None


def load_files(
    paths: Iterable[Path | str],
    project: Project | Path | str | None = None,
    *,
    reasoning: Reasoning = "sparql",
    validation: Validation = None,
) -> KnowledgeGraph:
    """A KnowledgeGraph over the project's ontology and the data in ``paths``
    (into the data graph), held in memory; ``kg.info.timings`` says where the
    time went (load, reason, validate)."""
    from .api import KnowledgeGraph
    from .build import BuildInfo
    from .catalog import Catalog
    from .store import OxigraphBackend

    project = as_project(project)
    paths = [Path(p) for p in paths]
    timings: dict[str, float] = {}
    started = clock = time.perf_counter()
    store = ox.Store()
    load_ontology(store, project)
    for path in paths:
        bulk_load(store, path, DATA_GRAPH)
    catalog = Catalog.from_folder(project.queries_dir)
    timings["load"] = time.perf_counter() - clock

    if reasoning is not None:
        clock = time.perf_counter()
        if reasoning == "sparql":
            sparql_closure(store)
        elif reasoning == "rl":
            rl_closure_into(store)
        else:
            raise ValueError(f"unknown reasoning {reasoning!r}; use 'sparql', 'rl' or None")
        timings["reason"] = time.perf_counter() - clock

    report = None
    if validation is not None:
        clock = time.perf_counter()
        report = validate_store(store, project, engine=validation)
        timings["validate"] = time.perf_counter() - clock

    graphs = {name: graph_size(store, name) for name in (ONTOLOGY_GRAPH, DATA_GRAPH, INFERRED_GRAPH)}
    info = BuildInfo(
        key="external",
        graphs=graphs,
        sources=[str(p) for p in paths],
        seconds=time.perf_counter() - started,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        conforms=report.conforms if report else True,
        violation_count=len(report.violations) if report else 0,
        timings=timings,
    )
    backend = OxigraphBackend(store, f"in-memory Oxigraph store ({len(paths)} file(s))")
    return KnowledgeGraph(backend, catalog, project=project, info=info, report=report)


def load_ontology(store: ox.Store, project: Project) -> None:
    """The project's ontology files into the ontology graph."""
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    store.bulk_extend([q for path in project.ontology_files for q in parse_file(path, graph)])


def bulk_load(store: ox.Store, path: Path, graph: str = DATA_GRAPH) -> None:
    """Stream one RDF file into ``graph`` with pyoxigraph's bulk loader (no
    transaction, no Python objects per triple). N-Quads keep their own graphs."""
    fmt = RDF_FORMATS.get(path.suffix)
    if fmt is None:
        raise SourceError(path, f"unknown RDF file type {path.suffix!r}; known: {', '.join(RDF_FORMATS)}")
    if not path.is_file():
        raise SourceError(path, "no such file")
    target = None if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG) else ox.NamedNode(graph)
    try:
        store.bulk_load(path=str(path), format=fmt, to_graph=target)
    except SyntaxError as exc:
        raise SourceError(path, str(exc.msg if hasattr(exc, "msg") else exc), exc.lineno, exc.offset) from exc


def graph_size(store: ox.Store, graph: str) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(result))["n"].value)


# -- reasoning ---------------------------------------------------------------


def rl_closure_into(store: ox.Store) -> int:
    """The build's closure (``reasonable``) of the ontology and data graphs,
    into the inferred graph; returns the number of inferred triples."""
    from .reason import rl_closure

    asserted = [
        *store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)),
        *store.quads_for_pattern(None, None, None, ox.NamedNode(DATA_GRAPH)),
    ]
    inferred = ox.NamedNode(INFERRED_GRAPH)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, inferred) for t in rl_closure(asserted))
    return graph_size(store, INFERRED_GRAPH)


@dataclass(frozen=True)
class Rule:
    """One OWL 2 RL rule instance as a SPARQL update: ``inputs`` are the
    predicates (or ``rdf:type`` objects) it reads, so that a round can skip the
    rules none of whose inputs changed."""

    name: str
    inputs: frozenset[str]
    row: str


#: SPARQL updates per rule kind; ``{rows}`` is a VALUES table of rule
#: instances, ``{src}`` the graph read (``?g``: every graph; or the last
#: round's new triples), ``{out}`` the graph of this round's new triples.
_RULE_TEMPLATES = {
    # cax-sco, cax-eqc: types inherited from superclasses
    "types": "INSERT {{ GRAPH <{inf}> {{ ?x a ?super }} GRAPH <{out}> {{ ?x a ?super }} }} WHERE {{ SELECT DISTINCT ?x ?super WHERE {{ VALUES (?c ?super) {{ {rows} }} GRAPH {src} {{ ?x a ?c }} FILTER (!isBlank(?x)) FILTER NOT EXISTS {{ GRAPH ?h {{ ?x a ?super }} }} }} }}",
    # prp-dom (with the domain's superclasses)
    "domain": "INSERT {{ GRAPH <{inf}> {{ ?s a ?d }} GRAPH <{out}> {{ ?s a ?d }} }} WHERE {{ {{ SELECT DISTINCT ?s ?p WHERE {{ VALUES ?p {{ {preds} }} GRAPH {src} {{ ?s ?p ?o }} FILTER (!isBlank(?s)) }} }} VALUES (?p ?d) {{ {rows} }} FILTER NOT EXISTS {{ GRAPH ?h {{ ?s a ?d }} }} }}",
    # prp-rng (with the range's superclasses)
    "range": "INSERT {{ GRAPH <{inf}> {{ ?o a ?r }} GRAPH <{out}> {{ ?o a ?r }} }} WHERE {{ {{ SELECT DISTINCT ?o ?p WHERE {{ VALUES ?p {{ {preds} }} GRAPH {src} {{ ?s ?p ?o }} FILTER (isIRI(?o)) }} }} VALUES (?p ?r) {{ {rows} }} FILTER NOT EXISTS {{ GRAPH ?h {{ ?o a ?r }} }} }}",
    # prp-spo1, prp-eqp: statements inherited by superproperties
    "subproperty": "INSERT {{ GRAPH <{inf}> {{ ?s ?super ?o }} GRAPH <{out}> {{ ?s ?super ?o }} }} WHERE {{ SELECT DISTINCT ?s ?super ?o WHERE {{ VALUES (?p ?super) {{ {rows} }} GRAPH {src} {{ ?s ?p ?o }} FILTER (!isBlank(?s) && !isBlank(?o)) FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?super ?o }} }} }} }}",
    # prp-inv1, prp-inv2, prp-symp
    "inverse": "INSERT {{ GRAPH <{inf}> {{ ?o ?q ?s }} GRAPH <{out}> {{ ?o ?q ?s }} }} WHERE {{ SELECT DISTINCT ?o ?q ?s WHERE {{ VALUES (?p ?q) {{ {rows} }} GRAPH {src} {{ ?s ?p ?o }} FILTER (isIRI(?o) && !isBlank(?s)) FILTER NOT EXISTS {{ GRAPH ?h {{ ?o ?q ?s }} }} }} }}",
    # prp-trp (reads every graph: two premises)
    "transitive": "INSERT {{ GRAPH <{inf}> {{ ?a ?p ?c }} GRAPH <{out}> {{ ?a ?p ?c }} }} WHERE {{ SELECT DISTINCT ?a ?p ?c WHERE {{ VALUES ?p {{ {rows} }} GRAPH ?g {{ ?a ?p ?b }} GRAPH ?g2 {{ ?b ?p ?c }} FILTER (!isBlank(?a) && !isBlank(?c)) FILTER NOT EXISTS {{ GRAPH ?h {{ ?a ?p ?c }} }} }} }}",
}
#: Base of the scratch graphs of the fixpoint loop: the triples each round added.
_DELTA_GRAPH = INFERRED_GRAPH + "/round"
_RDF_TYPE = f"<{RDF}type>"


def sparql_closure(store: ox.Store, max_rounds: int = 10) -> int:
    """Add the OWL 2 RL closure of the ontology and data graphs to the inferred
    graph, keeping the build's conventions (:func:`peacekg.reason.rl_closure`):
    only new, ground, non-trivial triples.

    The schema (a few hundred triples) is closed by ``reasonable``; the rules
    that reach instance data (class and property hierarchies, domains, ranges,
    inverse, symmetric and transitive properties, property chains) then run as
    SPARQL updates on the store, round after round until nothing new appears
    (semi-naive: a round reads only the triples the round before added). Like the build's engine it derives no
    ``owl:sameAs``. Returns the number of inferred triples."""
    from .reason import rl_closure

    inferred = ox.NamedNode(INFERRED_GRAPH)
    schema = list(store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
    schema += _schema_statements_in_data(store)
    asserted = (ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(DATA_GRAPH))
    store.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, inferred)
        for t in rl_closure(schema)
        if not any(ox.Quad(t.subject, t.predicate, t.object, g) in store for g in asserted)
    )
    rules = _rules(store)
    changed: set[str] | None = None  # None: the first round reads every graph
    for round_number in range(max_rounds):
        delta, new = f"{_DELTA_GRAPH}/{round_number}", f"{_DELTA_GRAPH}/{round_number + 1}"
        for update in _round(rules, changed, delta, new):
            store.update(update)
        store.update(f"DROP SILENT GRAPH <{delta}>")
        changed = _graph_keys(store, new)
        if not changed:
            break
    store.update(f"DROP SILENT GRAPH <{new}>")
    # Nothing trivial (as rl_closure drops it).
    store.update(
        f"""DELETE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{
              GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}
              FILTER ((?p = rdf:type && ?o IN (<{OWL}Thing>, <{RDFS}Resource>))
                      || STRSTARTS(STR(?s), "{OWL}") || STRSTARTS(STR(?s), "{RDF}") || STRSTARTS(STR(?s), "{RDFS}")) }}""".replace(
            "rdf:type", _RDF_TYPE
        )
    )
    return graph_size(store, INFERRED_GRAPH)


def _graph_keys(store: ox.Store, graph: str) -> set[str]:
    """The predicates in ``graph``, and the classes of its rdf:type statements."""
    rows = store.query(
        f"""SELECT DISTINCT ?key WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }}
              BIND (IF(?p = {_RDF_TYPE}, ?o, ?p) AS ?key) }}"""
    )
    return {str(r[0]) for r in rows}


def _round(rules: list[Rule], changed: set[str] | None, delta: str, out: str) -> list[str]:
    """The updates of one round: rules grouped by kind into VALUES tables. The
    first round reads every graph; later rounds read only the triples the round
    before added (single-premise rules) or run again when an input grew (rules
    with two premises)."""
    src = "?g" if changed is None else f"<{delta}>"
    rows: dict[str, list[str]] = {}
    chains = []
    for rule in rules:
        if changed is not None and not (rule.inputs & changed):
            continue
        if rule.name == "chain":
            chains.append(rule.row.replace("@OUT@", out))
        else:
            rows.setdefault(rule.name, []).append(rule.row)
    return [
        _RULE_TEMPLATES[name].format(rows=" ".join(sorted(r)), preds=" ".join(sorted({x[1:].split()[0] for x in r})), src=src, out=out, inf=INFERRED_GRAPH)
        for name, r in rows.items()
    ] + chains


_SCHEMA_PREDICATES = (
    RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
    OWL + "inverseOf", OWL + "equivalentClass", OWL + "equivalentProperty",
)


def _schema_statements_in_data(store: ox.Store) -> list[ox.Quad]:
    """Schema axioms written in data files (rare, but they must count)."""
    data = ox.NamedNode(DATA_GRAPH)
    quads = [q for p in _SCHEMA_PREDICATES for q in store.quads_for_pattern(None, ox.NamedNode(p), None, data)]
    for kind in ("TransitiveProperty", "SymmetricProperty", "FunctionalProperty"):
        quads += store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + kind), data)
    return quads


def _rules(store: ox.Store) -> list[Rule]:
    """The rule instances for the (closed) schema now in the store."""

    def pairs(query: str) -> list[tuple[str, str]]:
        rows = store.query(query, use_default_graph_as_union=True)
        return sorted({(str(r[0]), str(r[1])) for r in rows if isinstance(r[0], ox.NamedNode) and isinstance(r[1], ox.NamedNode)})

    supers: dict[str, set[str]] = {}
    for c, d in pairs(f"SELECT ?c ?d WHERE {{ {{ ?c <{RDFS}subClassOf> ?d }} UNION {{ ?c <{OWL}equivalentClass> ?d }} UNION {{ ?d <{OWL}equivalentClass> ?c }} }}"):
        if c != d:
            supers.setdefault(c, set()).add(d)
    changed = True
    while changed:  # the schema closure made subClassOf transitive; make sure
        changed = False
        for c, ds in supers.items():
            extra = set().union(*(supers.get(d, set()) for d in ds)) - ds - {c}
            if extra:
                ds |= extra
                changed = True
    trivial = {f"<{OWL}Thing>", f"<{RDFS}Resource>"}

    def with_supers(cls: str) -> set[str]:
        return ({cls} | supers.get(cls, set())) - trivial

    rules = [Rule("types", frozenset({c}), f"({c} {d})") for c, ds in supers.items() for d in ds - trivial]
    for name, predicate in (("domain", RDFS + "domain"), ("range", RDFS + "range")):
        for p, c in pairs(f"SELECT ?p ?c WHERE {{ ?p <{predicate}> ?c }}"):
            rules += [Rule(name, frozenset({p}), f"({p} {d})") for d in with_supers(c)]
    for p, q in pairs(
        f"SELECT ?p ?q WHERE {{ {{ ?p <{RDFS}subPropertyOf> ?q }} UNION {{ ?p <{OWL}equivalentProperty> ?q }} UNION {{ ?q <{OWL}equivalentProperty> ?p }} }}"
    ):
        if p != q:
            rules.append(Rule("subproperty", frozenset({p}), f"({p} {q})"))
    for p, q in pairs(f"SELECT ?p ?q WHERE {{ ?p <{OWL}inverseOf> ?q }}"):
        rules += [Rule("inverse", frozenset({p}), f"({p} {q})"), Rule("inverse", frozenset({q}), f"({q} {p})")]
    for p, _ in pairs(f"SELECT ?p ?q WHERE {{ ?p a <{OWL}SymmetricProperty> BIND (?p AS ?q) }}"):
        rules.append(Rule("inverse", frozenset({p}), f"({p} {p})"))
    for p, _ in pairs(f"SELECT ?p ?q WHERE {{ ?p a <{OWL}TransitiveProperty> BIND (?p AS ?q) }}"):
        rules.append(Rule("transitive", frozenset({p}), p))
    for q, steps in _chains(store):
        body = " ".join(f"GRAPH ?g{i} {{ ?x{i} {p} ?x{i + 1} }}" for i, p in enumerate(steps))
        n = len(steps)
        query = (
            f"INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ ?x0 {q} ?x{n} }} GRAPH <@OUT@> {{ ?x0 {q} ?x{n} }} }} WHERE {{ SELECT DISTINCT ?x0 ?x{n} WHERE {{ {body} "
            f"FILTER (!isBlank(?x0) && !isBlank(?x{n})) FILTER NOT EXISTS {{ GRAPH ?h {{ ?x0 {q} ?x{n} }} }} }} }}"
        )
        rules.append(Rule("chain", frozenset(steps), query))
    return sorted(set(rules), key=lambda r: (r.name, r.row))


def _chains(store: ox.Store) -> list[tuple[str, tuple[str, ...]]]:
    """Property chains as (property, steps) from owl:propertyChainAxiom lists."""
    first, rest, nil = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
    chains = set()
    for quad in store.quads_for_pattern(None, ox.NamedNode(OWL + "propertyChainAxiom"), None, None):
        steps: list[str] = []
        node = quad.object
        while node != nil and len(steps) < 20:
            heads = list(store.quads_for_pattern(node, first, None, quad.graph_name))
            tails = list(store.quads_for_pattern(node, rest, None, quad.graph_name))
            if not heads or not tails or not isinstance(heads[0].object, ox.NamedNode):
                steps = []
                break
            steps.append(str(heads[0].object))
            node = tails[0].object
        if len(steps) >= 2 and isinstance(quad.subject, ox.NamedNode):
            chains.add((str(quad.subject), tuple(steps)))
    return sorted(chains)


# -- validation --------------------------------------------------------------


def validate_store(store: ox.Store, project: Project, *, engine: Literal["sparql", "pyshacl"] = "sparql") -> ValidationReport:
    """Validate the store's data graph (with the ontology) against the project's shapes."""
    shapes = parse_file(project.shapes_file, ox.DefaultGraph())
    if engine == "sparql":
        from .shacl_sparql import validate_store as run

        return run(store, shapes)
    if engine == "pyshacl":
        from .validate import validate

        return validate(
            store.quads_for_pattern(None, None, None, ox.NamedNode(DATA_GRAPH)),
            store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)),
            shapes,
        )
    raise ValueError(f"unknown validation engine {engine!r}; use 'sparql' or 'pyshacl'")




__all__: Sequence[str] = ("load_files", "bulk_load", "sparql_closure", "rl_closure_into", "validate_store")
