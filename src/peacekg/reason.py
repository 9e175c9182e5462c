"""Reasoning: the OWL 2 RL closure (Rust-backed ``reasonable``) and the OWL 2 DL
consistency check (HermiT through owlready2, which needs Java)."""
from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import PeacekgError
from .namespaces import OWL, RDF, RDFS
from .terms import quads_to_rdflib_graph, triples_from_rdflib

#: Inferred statements that say nothing a user would query for.
_TRIVIAL_OBJECTS = {OWL + "Thing", RDFS + "Resource"}
_REFLEXIVE_PREDICATES = {
    OWL + "sameAs",
    RDFS + "subClassOf",
    OWL + "equivalentClass",
    RDFS + "subPropertyOf",
    OWL + "equivalentProperty",
}


class ReasonerUnavailable(PeacekgError, RuntimeError):
    """The DL reasoner cannot run here (for instance, no Java)."""


def rl_closure(asserted: Iterable[ox.Quad | ox.Triple]) -> list[ox.Triple]:
    """The triples the OWL 2 RL rules add to ``asserted``: new, ground (no blank
    nodes) and not trivial, sorted so that builds are reproducible.

    ``reasonable`` implements the RL rules except property chains (prp-spo2), so
    chains are applied here and the rules run once more over what they add."""
    asserted_set = {ox.Triple(q.subject, q.predicate, q.object) for q in asserted}
    closed = _reasonable(asserted_set)
    chained = property_chain_closure(asserted_set, closed | asserted_set)
    if chained - closed - asserted_set:
        closed = _reasonable(asserted_set | chained)
    return sorted((t for t in closed if t not in asserted_set and not _is_noise(t)), key=str)


def _reasonable(triples: set[ox.Triple]) -> set[ox.Triple]:
    import reasonable

    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(quads_to_rdflib_graph(triples))
    return set(triples_from_rdflib(reasoner.reason()))


def property_chain_closure(schema: set[ox.Triple], facts: set[ox.Triple]) -> set[ox.Triple]:
    """Apply every ``owl:propertyChainAxiom`` in ``schema`` to ``facts`` (rule
    prp-spo2): for p ≡ p1 o ... o pn, x p1 y1 ... yn-1 pn z gives x p z."""
    first, rest = {}, {}
    for t in schema:
        if t.predicate.value == RDF + "first":
            first[t.subject] = t.object
        elif t.predicate.value == RDF + "rest":
            rest[t.subject] = t.object
    chains = []
    for t in schema:
        if t.predicate.value == OWL + "propertyChainAxiom":
            links, node = [], t.object
            while node in first:
                links.append(first[node])
                node = rest.get(node)
            chains.append((t.subject, links))
    by_predicate: dict[ox.NamedNode, list[ox.Triple]] = {}
    for t in facts:
        by_predicate.setdefault(t.predicate, []).append(t)
    added = set()
    for prop, links in chains:
        if not links:
            continue
        pairs = {(t.subject, t.object) for t in by_predicate.get(links[0], [])}
        for link in links[1:]:
            step: dict = {}
            for t in by_predicate.get(link, []):
                step.setdefault(t.subject, []).append(t.object)
            pairs = {(x, z) for x, y in pairs for z in step.get(y, ())}
        added.update(ox.Triple(x, prop, z) for x, z in pairs)
    return added


def _is_noise(triple: ox.Triple) -> bool:
    s, p, o = triple.subject, triple.predicate, triple.object
    if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
        return True
    if p.value == RDF + "type" and isinstance(o, ox.NamedNode) and o.value in _TRIVIAL_OBJECTS:
        return True
    if p.value in _REFLEXIVE_PREDICATES and s == o:
        return True
    # Schema-level entailments about the built-in vocabularies themselves.
    return s.value.startswith((OWL, RDF, RDFS))


@dataclass
class ConsistencyReport:
    """What HermiT says about the ontology (and data)."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    message: str = ""
    clashes: list[str] = field(default_factory=list)  # resources typed with two disjoint classes

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def java_available() -> bool:
    return shutil.which("java") is not None


def check_consistency(triples: Iterable[ox.Quad | ox.Triple]) -> ConsistencyReport:
    """Run HermiT over ``triples``: is the whole consistent, which classes are
    unsatisfiable? Raises :class:`ReasonerUnavailable` when Java is missing."""
    if not java_available():
        raise ReasonerUnavailable(
            "HermiT needs Java, and no `java` is on PATH; install a JRE (Debian: openjdk-17-jre-headless)"
        )
    import owlready2

    started = time.perf_counter()
    triples = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
    document = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    # HermiT gives the same verdict on the same triples: a graph checked before
    # in this process (the same build asked twice) is not reasoned over again.
    digest = _digest(triples)
    if digest in _VERDICTS:
        return _VERDICTS[digest]
    report = _run_hermit(owlready2, triples, document, started)
    _VERDICTS[digest] = report
    while len(_VERDICTS) > 8:
        _VERDICTS.pop(next(iter(_VERDICTS)))
    return report


def _digest(triples: list[ox.Triple]) -> str:
    """A digest of ``triples`` that does not depend on blank-node labels: each
    blank node is named by a hash of what it says (its outgoing triples, the
    blank nodes among them named the same way, refined a few rounds), as the
    lists and restrictions of an ontology are trees. Two serialisations of one
    graph (the release files, the store) get the same digest."""
    names: dict[str, str] = {}
    outgoing: dict[str, list[tuple[str, object]]] = {}
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode):
            outgoing.setdefault(triple.subject.value, []).append((str(triple.predicate), triple.object))
    for _ in range(6):
        def label(term) -> str:
            return "_:" + names.get(term.value, "") if isinstance(term, ox.BlankNode) else str(term)

        fresh = {node: hashlib.sha256("|".join(sorted(p + " " + label(o) for p, o in edges)).encode()).hexdigest()[:24]
                 for node, edges in outgoing.items()}
        if fresh == names:
            break
        names = fresh

    def term(t) -> str:
        return "_:" + names.get(t.value, t.value) if isinstance(t, ox.BlankNode) else str(t)

    lines = sorted({f"{term(t.subject)} {t.predicate} {term(t.object)}" for t in triples})
    return hashlib.sha256("\n".join(lines).encode()).hexdigest() + f"/{len(triples)}"


#: HermiT's reports by the digest of the graph they judged (:func:`_digest`).
_VERDICTS: dict[str, ConsistencyReport] = {}


def _run_hermit(owlready2, triples: list[ox.Triple], document: bytes, started: float) -> ConsistencyReport:
    with tempfile.TemporaryDirectory(prefix="peacekg-hermit-") as tmp:
        path = Path(tmp) / "graph.nt"
        path.write_bytes(document)
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ConsistencyReport(False, [], len(triples), time.perf_counter() - started, str(exc), disjointness_clashes(triples))
        except owlready2.OwlReadyJavaError as exc:  # pragma: no cover - depends on the JVM
            if malformed := re.search(r"MalformedLiteralException: Literal (.*?) is malformed", str(exc)):
                raise ReasonerUnavailable(
                    f"the data holds a malformed literal, {malformed.group(1)}; correct it "
                    "(`peacekg validate` names the resource and property)"
                ) from None
            first = next((line for line in str(exc).splitlines() if "Exception" in line), str(exc).strip())
            raise ReasonerUnavailable(f"HermiT failed to run: {first.strip()}") from None
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri != OWL + "Nothing")
    return ConsistencyReport(True, unsatisfiable, len(triples), time.perf_counter() - started)


_DISJOINT_GROUPS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?group ?member WHERE {
  { ?a owl:disjointWith ?b BIND (CONCAT(STR(?a), " ", STR(?b)) AS ?group) VALUES ?side { 0 1 } BIND (IF(?side = 0, ?a, ?b) AS ?member) }
  UNION { ?group a owl:AllDisjointClasses ; owl:members ?list . ?list rdf:rest*/rdf:first ?member }
  FILTER (isIRI(?member))
}"""

#: Resources typed with more than one class of a group of pairwise disjoint classes.
_GROUP_CLASHES = """
SELECT ?x (GROUP_CONCAT(DISTINCT STR(?c); separator=" ") AS ?classes) WHERE {
  VALUES ?c { @MEMBERS@ } ?x a ?c
} GROUP BY ?x HAVING (COUNT(DISTINCT ?c) > 1) ORDER BY ?x LIMIT 50"""


def clashes_in(store: ox.Store, limit: int = 50) -> list[str]:
    """Resources that are instances of two disjoint classes (OWL 2 RL rules cax-dw
    and cax-adc) in the union of the store's graphs, which should hold the RL
    closure: one grouped scan of the types per group of disjoint classes."""
    groups: dict[str, set[str]] = {}
    for row in store.query(_DISJOINT_GROUPS, use_default_graph_as_union=True):
        groups.setdefault(str(row["group"]), set()).add(row["member"].value)
    found: list[str] = []
    for members in groups.values():
        values = " ".join(f"<{m}>" for m in sorted(members))
        for row in store.query(_GROUP_CLASHES.replace("@MEMBERS@", values), use_default_graph_as_union=True):
            a, b, *_ = sorted(row["classes"].value.split(" "))
            found.append(f"{row['x'].value} is both a {a} and a {b}, which are disjoint")
    return sorted(set(found))[:limit]


def disjointness_clashes(triples: Iterable[ox.Triple]) -> list[str]:
    """The most common cause of an inconsistency, named: resources that are (after
    the RL closure) instances of two disjoint classes, e.g. a host country typed
    a state by the range of peacekg:hostCountry and an organisation by its own record."""
    triples = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in [*triples, *rl_closure(triples)])
    return clashes_in(store)
