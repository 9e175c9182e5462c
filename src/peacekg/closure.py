"""The build's reasoning stage: the OWL 2 RL closure of the ontology and the
asserted graphs, computed on the Oxigraph store itself.

The schema (a few hundred triples) is closed in Python by ``reasonable``
(:func:`peacekg.reason.rl_closure`); the rules that reach instance data (class
and property hierarchies, domains, ranges, inverse, symmetric and transitive
properties, property chains) then run as SPARQL updates, semi-naive, round
after round until nothing new appears. Time and memory grow with the data, not
faster (docs/benchmarks.md); the inferred triples equal ``reasonable``'s on the
whole graph (tests/test_reason.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import DATA_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, OWL, RDF, RDFS
from .store import graph_size


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


def sparql_closure(store: ox.Store, data_graphs: tuple[str, ...] = (DATA_GRAPH,), max_rounds: int = 10) -> int:
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
    schema += _schema_statements_in_data(store, data_graphs)
    asserted = tuple(ox.NamedNode(g) for g in (ONTOLOGY_GRAPH, *data_graphs))
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


def _schema_statements_in_data(store: ox.Store, data_graphs: tuple[str, ...]) -> list[ox.Quad]:
    """Schema axioms written in data files (rare, but they must count)."""
    quads: list[ox.Quad] = []
    for data in map(ox.NamedNode, data_graphs):
        quads += [q for p in _SCHEMA_PREDICATES for q in store.quads_for_pattern(None, ox.NamedNode(p), None, data)]
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
