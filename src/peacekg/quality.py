"""A quality report in the spirit of ROBOT's ``report``: checks of the ontology
(labels, definitions, declarations, OWL 2 DL profile) with a level each, and the
data's coverage per class (how complete and how well sourced it is).

Pure logic over triples: no store, no files, no network. ``peacekg report``
(``commands/quality.py``) feeds it the built graph.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from .namespaces import DCT, ONTOLOGY_IRI, OWL, PEACEKG, RDF, RDFS, SKOS, VANN, XSD
from .validate import compact

ERROR, WARNING = "error", "warning"

#: Exit codes of ``peacekg report``: 0 nothing at the failing level, 1 something.
EXIT_OK, EXIT_FAILED = 0, 1

#: Every check, its level and what it means. ROBOT's names where ROBOT has the check.
CHECKS: dict[str, tuple[str, str]] = {
    "missing_label": (ERROR, "a peacekg term has no rdfs:label"),
    "multiple_labels": (ERROR, "a term has more than one rdfs:label in one language"),
    "duplicate_label": (ERROR, "two terms share a label, so tools that show labels cannot tell them apart"),
    "missing_definition": (ERROR, "a peacekg term has no skos:definition"),
    "multiple_definitions": (ERROR, "a term has more than one skos:definition in one language"),
    "missing_is_defined_by": (WARNING, "a peacekg term has no rdfs:isDefinedBy pointing to the ontology"),
    "label_language": (WARNING, "a label has no @en language tag"),
    "missing_ontology_annotation": (WARNING, "the ontology header lacks an annotation every release should carry"),
    "undeclared_term": (ERROR, "an IRI is used as a class or property but never declared (OWL 2 DL needs the declaration)"),
    "used_not_defined": (ERROR, "a peacekg: term is used but the ontology does not define it (often a typo)"),
    "punning": (ERROR, "one IRI is declared as two kinds of property, or as class and datatype (not allowed in OWL 2 DL)"),
    "datatype_not_in_map": (ERROR, "a datatype outside the OWL 2 datatype map, such as xsd:date (use xsd:dateTime)"),
    "property_kind_mismatch": (ERROR, "an axiom relates properties of different kinds, or gives a property a range of the wrong kind"),
    "non_simple_property": (ERROR, "a transitive or chained property (or a super-property of one) is functional, asymmetric, irreflexive or in a cardinality restriction"),
    "literal_for_object_property": (ERROR, "an object property has a literal value, or a datatype property an IRI (OWL 2 DL)"),
}

#: Annotations every ontology header should carry (see STYLE.md).
HEADER_ANNOTATIONS = (
    DCT + "title",
    DCT + "description",
    DCT + "license",
    DCT + "creator",
    OWL + "versionIRI",
    OWL + "versionInfo",
    VANN + "preferredNamespacePrefix",
    VANN + "preferredNamespaceUri",
)

#: The OWL 2 datatype map (OWL 2 Structural Specification, section 4), plus
#: rdf:langString, the RDF 1.1 type of language-tagged strings.
OWL2_DATATYPES = frozenset(
    [RDF + "PlainLiteral", RDF + "XMLLiteral", RDF + "langString", RDFS + "Literal", OWL + "real", OWL + "rational"]
    + [
        XSD + name
        for name in (
            "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte "
            "unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token language "
            "Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"
        ).split()
    ]
)

#: What each declaration type declares.
DECLARATIONS = {
    OWL + "Class": "class",
    RDFS + "Class": "class",
    OWL + "ObjectProperty": "object property",
    OWL + "DatatypeProperty": "datatype property",
    OWL + "AnnotationProperty": "annotation property",
    OWL + "NamedIndividual": "individual",
    RDFS + "Datatype": "datatype",
}
_PROPERTY_KINDS = ("object property", "datatype property", "annotation property")

#: Namespaces whose terms are built into RDF, RDFS, OWL and XSD.
BUILT_IN = (RDF, RDFS, OWL, XSD)

#: Classes whose instances must cite a source (dct:source).
SOURCED_CLASSES = (PEACEKG + "PeaceOperation", PEACEKG + "LegalInstrument", PEACEKG + "Milestone", PEACEKG + "Assessment", PEACEKG + "Event")

_TYPE, _LABEL, _DEFINITION = RDF + "type", RDFS + "label", SKOS + "definition"


@dataclass(frozen=True, order=True)
class Issue:
    """One finding of the report."""

    level: str
    check: str
    subject: str
    message: str


@dataclass
class PropertyCoverage:
    property: str
    label: str
    filled: int


@dataclass
class ClassCoverage:
    """How complete the data about one class is."""

    cls: str
    label: str
    instances: int
    sourced: int
    properties: list[PropertyCoverage] = field(default_factory=list)


@dataclass
class Gap:
    """Resources that lack a fact they should have."""

    name: str
    description: str
    resources: list[str]


@dataclass
class QualityReport:
    """Ontology issues and data coverage."""

    issues: list[Issue] = field(default_factory=list)
    coverage: list[ClassCoverage] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == WARNING]

    def exit_code(self, fail_on: str = ERROR) -> int:
        """1 when an issue is at ``fail_on`` (error, warning) or worse; ``none`` never fails."""
        if fail_on == "none":
            return EXIT_OK
        failing = self.errors if fail_on == ERROR else self.issues
        return EXIT_FAILED if failing else EXIT_OK

    def to_dict(self) -> dict:
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "issues": [asdict(i) for i in self.issues],
            "coverage": [asdict(c) for c in self.coverage],
            "gaps": [asdict(g) for g in self.gaps],
        }

    def to_text(self, limit: int = 10) -> str:
        lines = [f"Ontology quality: {len(self.errors)} error(s), {len(self.warnings)} warning(s)."]
        for issue in self.issues:
            lines.append(f"  {issue.level.upper():7} {issue.check:28} {compact(issue.subject)}: {issue.message}")
        if self.coverage:
            lines += ["", "Data coverage (classes with asserted instances; facts counted with inferred ones):"]
            for c in self.coverage:
                lines.append(f"  {c.label} ({compact(c.cls)}): {c.instances} instance(s), {c.sourced} with a source ({_percent(c.sourced, c.instances)})")
                facts = [f"{p.label} {p.filled}/{c.instances}" for p in c.properties]
                if facts:
                    lines.append("    " + "; ".join(facts))
        if self.gaps:
            lines += ["", "Gaps:"]
            for gap in self.gaps:
                shown = ", ".join(compact(r) for r in gap.resources[:limit])
                more = f" and {len(gap.resources) - limit} more" if len(gap.resources) > limit else ""
                lines.append(f"  {len(gap.resources)} {gap.description}" + (f": {shown}{more}" if gap.resources else "."))
        return "\n".join(lines)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


# ---------------------------------------------------------------------------
# An index of triples
# ---------------------------------------------------------------------------


class Index:
    """Triples indexed by subject and by predicate, with the declarations."""

    def __init__(self, triples: Iterable[ox.Triple | ox.Quad]):
        self.triples = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
        self.sp: dict[tuple, list] = defaultdict(list)
        self.by_predicate: dict[str, list[tuple]] = defaultdict(list)
        for t in self.triples:
            self.sp[(t.subject, t.predicate.value)].append(t.object)
            self.by_predicate[t.predicate.value].append((t.subject, t.object))
        self.kinds: dict[str, set[str]] = defaultdict(set)
        for s, o in self.by_predicate[_TYPE]:
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and o.value in DECLARATIONS:
                self.kinds[s.value].add(DECLARATIONS[o.value])

    def objects(self, subject, predicate: str) -> list:
        if isinstance(subject, str):
            subject = ox.NamedNode(subject)
        return self.sp.get((subject, predicate), [])

    def value(self, subject, predicate: str):
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def list_items(self, head) -> list:
        """The members of an RDF list."""
        items, seen = [], set()
        while isinstance(head, ox.BlankNode) and head not in seen:
            seen.add(head)
            items.extend(self.objects(head, RDF + "first"))
            rest = self.objects(head, RDF + "rest")
            head = rest[0] if rest else None
        return items

    def label(self, iri: str) -> str:
        found = self.objects(iri, _LABEL)
        return found[0].value if found else compact(iri)

    def own_terms(self) -> list[str]:
        """The peacekg terms the ontology declares."""
        return sorted(iri for iri in self.kinds if iri.startswith(PEACEKG))

    def declared(self, iri: str) -> bool:
        return iri.startswith(BUILT_IN) or bool(self.kinds.get(iri))


# ---------------------------------------------------------------------------
# Ontology checks
# ---------------------------------------------------------------------------


def _issue(check: str, subject: str, message: str) -> Issue:
    return Issue(CHECKS[check][0], check, subject, message)


def check_ontology(ontology: Iterable[ox.Triple | ox.Quad]) -> list[Issue]:
    """Every ontology check, sorted errors first."""
    onto = ontology if isinstance(ontology, Index) else Index(ontology)
    issues: list[Issue] = []
    issues += _annotation_checks(onto)
    issues += _header_checks(onto)
    issues += _declaration_checks(onto, onto)
    issues += _punning_checks(onto)
    issues += _datatype_checks(onto, onto)
    issues += _property_kind_checks(onto)
    issues += _non_simple_checks(onto)
    return sorted(set(issues))


def _annotation_checks(onto: Index) -> list[Issue]:
    issues = []
    by_label: dict[tuple[str, str], list[str]] = defaultdict(list)
    for term in onto.own_terms():
        labels = onto.objects(term, _LABEL)
        if not labels:
            issues.append(_issue("missing_label", term, "no rdfs:label"))
        for lang, count in _per_language(labels).items():
            if count > 1:
                issues.append(_issue("multiple_labels", term, f"{count} labels in language {lang or '(none)'}"))
        for label in labels:
            if getattr(label, "language", None) != "en":
                issues.append(_issue("label_language", term, f"label {label.value!r} is not tagged @en"))
            by_label[(label.value.strip().lower(), getattr(label, "language", None) or "")].append(term)
        definitions = onto.objects(term, _DEFINITION)
        if not definitions:
            issues.append(_issue("missing_definition", term, "no skos:definition"))
        for lang, count in _per_language(definitions).items():
            if count > 1:
                issues.append(_issue("multiple_definitions", term, f"{count} definitions in language {lang or '(none)'}"))
        if ox.NamedNode(ONTOLOGY_IRI) not in onto.objects(term, RDFS + "isDefinedBy"):
            issues.append(_issue("missing_is_defined_by", term, f"no rdfs:isDefinedBy <{ONTOLOGY_IRI}>"))
    for (label, _), terms in by_label.items():
        if len(set(terms)) > 1:
            for term in sorted(set(terms)):
                others = ", ".join(compact(t) for t in sorted(set(terms)) if t != term)
                issues.append(_issue("duplicate_label", term, f"label {label!r} is also the label of {others}"))
    return issues


def _per_language(literals: list) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for literal in literals:
        counts[getattr(literal, "language", None) or ""] += 1
    return counts


def _header_checks(onto: Index) -> list[Issue]:
    header = ox.NamedNode(ONTOLOGY_IRI)
    if ox.NamedNode(OWL + "Ontology") not in onto.objects(header, _TYPE):
        return [_issue("missing_ontology_annotation", ONTOLOGY_IRI, "no owl:Ontology header for the ontology IRI")]
    return [
        _issue("missing_ontology_annotation", ONTOLOGY_IRI, f"no {compact(p)}")
        for p in HEADER_ANNOTATIONS
        if not onto.objects(header, p)
    ]


#: Predicates whose subject and object are classes, or properties.
_CLASS_AXIOMS = (RDFS + "subClassOf", OWL + "equivalentClass", OWL + "disjointWith", OWL + "complementOf")
_CLASS_OBJECTS = (RDFS + "domain", OWL + "someValuesFrom", OWL + "allValuesFrom", OWL + "onClass")
_CLASS_LISTS = (OWL + "unionOf", OWL + "intersectionOf", OWL + "members", OWL + "disjointUnionOf")
_PROPERTY_AXIOMS = (RDFS + "subPropertyOf", OWL + "equivalentProperty", OWL + "inverseOf", OWL + "propertyDisjointWith")


def _uses(onto: Index, data: Index) -> dict[str, set[str]]:
    """IRIs of ``data`` used as a class or as a property, with how they are used."""
    uses: dict[str, set[str]] = defaultdict(set)

    def named(term, role: str, how: str) -> None:
        if isinstance(term, ox.NamedNode):
            uses[term.value].add(f"{role}:{how}")

    for t in data.triples:
        named(t.predicate, "property", f"predicate of {compact(t.subject.value) if isinstance(t.subject, ox.NamedNode) else 'a blank node'}")
        p = t.predicate.value
        if p == _TYPE:
            if not (isinstance(t.object, ox.NamedNode) and t.object.value in DECLARATIONS):
                named(t.object, "class", f"type of {compact(getattr(t.subject, 'value', ''))}")
        elif p in _CLASS_AXIOMS:
            named(t.subject, "class", compact(p))
            named(t.object, "class", compact(p))
        elif p in _CLASS_OBJECTS:
            named(t.object, "class", compact(p))
        elif p in _CLASS_LISTS:
            for item in data.list_items(t.object):
                named(item, "class", compact(p))
        elif p in _PROPERTY_AXIOMS:
            named(t.subject, "property", compact(p))
            named(t.object, "property", compact(p))
        elif p in (OWL + "onProperty",):
            named(t.object, "property", compact(p))
        elif p == OWL + "propertyChainAxiom":
            named(t.subject, "property", "owl:propertyChainAxiom")
            for item in data.list_items(t.object):
                named(item, "property", "owl:propertyChainAxiom")
        elif p == RDFS + "range":
            named(t.subject, "property", "rdfs:range")
            if "object property" in onto.kinds.get(getattr(t.subject, "value", ""), ()):
                named(t.object, "class", "rdfs:range")
    return uses


def _declaration_checks(onto: Index, data: Index) -> list[Issue]:
    issues = []
    for iri, how in sorted(_uses(onto, data).items()):
        if onto.declared(iri):
            continue
        roles = sorted({h.split(":", 1)[0] for h in how})
        example = sorted(how)[0].split(":", 1)[1]
        if iri.startswith(PEACEKG):
            issues.append(_issue("used_not_defined", iri, f"used as {' and '.join(roles)} ({example}) but not defined in the ontology"))
        else:
            issues.append(_issue("undeclared_term", iri, f"used as {' and '.join(roles)} ({example}) without a declaration"))
    # peacekg: IRIs mentioned anywhere else (as subject or object) must be defined too.
    for t in data.triples:
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(PEACEKG) and not onto.declared(term.value):
                issues.append(_issue("used_not_defined", term.value, "mentioned but not defined in the ontology"))
    return issues


def _punning_checks(onto: Index) -> list[Issue]:
    issues = []
    for iri, kinds in sorted(onto.kinds.items()):
        properties = sorted(k for k in kinds if k in _PROPERTY_KINDS)
        if len(properties) > 1:
            issues.append(_issue("punning", iri, f"declared as {' and '.join(properties)}"))
        if "class" in kinds and "datatype" in kinds:
            issues.append(_issue("punning", iri, "declared as class and datatype"))
    return issues


def _datatype_checks(onto: Index, data: Index) -> list[Issue]:
    issues = []
    seen: set[tuple[str, str]] = set()
    for t in data.triples:
        if isinstance(t.object, ox.Literal) and not t.object.language:
            datatype = t.object.datatype.value
            if datatype not in OWL2_DATATYPES and "datatype" not in onto.kinds.get(datatype, ()):
                subject = getattr(t.subject, "value", str(t.subject))
                if (subject, datatype) not in seen:
                    seen.add((subject, datatype))
                    issues.append(_issue("datatype_not_in_map", subject, f"literal {t.object.value!r} typed {compact(datatype)}"))
    for s, o in onto.by_predicate[RDFS + "range"]:
        kinds = onto.kinds.get(getattr(s, "value", ""), set())
        if "datatype property" in kinds and isinstance(o, ox.NamedNode):
            if o.value not in OWL2_DATATYPES and "datatype" not in onto.kinds.get(o.value, ()):
                issues.append(_issue("datatype_not_in_map", s.value, f"range {compact(o.value)} is not in the OWL 2 datatype map"))
    return issues


def _property_kind_checks(onto: Index) -> list[Issue]:
    issues = []

    def kind(term) -> str | None:
        kinds = onto.kinds.get(getattr(term, "value", ""), set()) & set(_PROPERTY_KINDS)
        return next(iter(kinds)) if len(kinds) == 1 else None

    for predicate in _PROPERTY_AXIOMS:
        for s, o in onto.by_predicate[predicate]:
            ks, ko = kind(s), kind(o)
            if ks and ko and ks != ko:
                issues.append(_issue("property_kind_mismatch", s.value, f"{compact(predicate)} {compact(o.value)}: a {ks} and a {ko}"))
            if predicate == OWL + "inverseOf" and "datatype property" in (ks, ko):
                issues.append(_issue("property_kind_mismatch", s.value, "owl:inverseOf needs object properties"))
    for s, o in onto.by_predicate[RDFS + "range"]:
        ks = kind(s)
        if ks == "object property" and isinstance(o, ox.NamedNode) and (o.value in OWL2_DATATYPES or "datatype" in onto.kinds.get(o.value, ())):
            issues.append(_issue("property_kind_mismatch", s.value, f"an object property with the datatype range {compact(o.value)}"))
        if ks == "datatype property" and isinstance(o, ox.NamedNode) and "class" in onto.kinds.get(o.value, ()):
            issues.append(_issue("property_kind_mismatch", s.value, f"a datatype property with the class range {compact(o.value)}"))
    return issues


def _non_simple_checks(onto: Index) -> list[Issue]:
    """OWL 2 DL's global restriction on non-simple properties (section 11.2)."""
    non_simple = {s.value for s, o in onto.by_predicate[_TYPE] if isinstance(s, ox.NamedNode) and o.value == OWL + "TransitiveProperty"}
    non_simple |= {s.value for s, _ in onto.by_predicate[OWL + "propertyChainAxiom"] if isinstance(s, ox.NamedNode)}
    supers: dict[str, set[str]] = defaultdict(set)
    for s, o in onto.by_predicate[RDFS + "subPropertyOf"]:
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
            supers[s.value].add(o.value)
    inverses: dict[str, set[str]] = defaultdict(set)
    for s, o in onto.by_predicate[OWL + "inverseOf"]:
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
            inverses[s.value].add(o.value)
            inverses[o.value].add(s.value)
    changed = True
    while changed:  # super-properties and inverses of non-simple properties are non-simple
        grown = non_simple | {sup for p in non_simple for sup in supers[p]} | {inv for p in non_simple for inv in inverses[p]}
        changed = grown != non_simple
        non_simple = grown
    forbidden = (OWL + "FunctionalProperty", OWL + "InverseFunctionalProperty", OWL + "IrreflexiveProperty", OWL + "AsymmetricProperty")
    issues = []
    for s, o in onto.by_predicate[_TYPE]:
        if isinstance(s, ox.NamedNode) and s.value in non_simple and o.value in forbidden:
            issues.append(_issue("non_simple_property", s.value, f"non-simple (transitive or chained) yet {compact(o.value)}"))
    cardinalities = [OWL + n for n in ("cardinality", "minCardinality", "maxCardinality", "qualifiedCardinality", "minQualifiedCardinality", "maxQualifiedCardinality")]
    for restriction, prop in onto.by_predicate[OWL + "onProperty"]:
        if getattr(prop, "value", None) in non_simple and any(onto.objects(restriction, c) for c in cardinalities):
            issues.append(_issue("non_simple_property", prop.value, "non-simple (transitive or chained) yet used in a cardinality restriction"))
    return issues


# ---------------------------------------------------------------------------
# Data checks and coverage
# ---------------------------------------------------------------------------


def check_data(ontology: Iterable[ox.Triple | ox.Quad] | Index, data: Iterable[ox.Triple | ox.Quad] | Index) -> list[Issue]:
    """Checks of the data against the ontology: every class and property it uses
    is declared, datatypes are in the OWL 2 map, and property values fit the
    property's kind."""
    onto = ontology if isinstance(ontology, Index) else Index(ontology)
    facts = data if isinstance(data, Index) else Index(data)
    issues = _declaration_checks(onto, facts) + _datatype_checks(onto, facts)
    for t in facts.triples:
        kinds = onto.kinds.get(t.predicate.value, set())
        if "object property" in kinds and isinstance(t.object, ox.Literal):
            issues.append(_issue("literal_for_object_property", getattr(t.subject, "value", ""), f"{compact(t.predicate.value)} {t.object.value!r}: an object property with a literal value"))
        elif "datatype property" in kinds and not isinstance(t.object, ox.Literal):
            issues.append(_issue("literal_for_object_property", getattr(t.subject, "value", ""), f"{compact(t.predicate.value)} {compact(getattr(t.object, 'value', ''))}: a datatype property with a resource as value"))
    return sorted(set(issues))


def coverage(
    ontology: Iterable[ox.Triple | ox.Quad] | Index,
    data: Iterable[ox.Triple | ox.Quad] | Index,
    inferred: Iterable[ox.Triple | ox.Quad] = (),
) -> tuple[list[ClassCoverage], list[Gap]]:
    """Per class with asserted instances: how many there are, how many cite a
    source and how many have each property whose domain is the class or one of
    its super-classes; and the gaps (missing sources, missing end dates)."""
    onto = ontology if isinstance(ontology, Index) else Index(ontology)
    asserted = data if isinstance(data, Index) else Index(data)
    facts = Index([*asserted.triples, *(ox.Triple(t.subject, t.predicate, t.object) for t in inferred)])

    members: dict[str, set] = defaultdict(set)
    for s, o in facts.by_predicate[_TYPE]:
        if isinstance(o, ox.NamedNode):
            members[o.value].add(s)
    direct = sorted({o.value for _, o in asserted.by_predicate[_TYPE] if isinstance(o, ox.NamedNode) and o.value.startswith(PEACEKG)})
    supers = _superclasses(onto)
    domains: dict[str, list[str]] = defaultdict(list)
    for p, d in onto.by_predicate[RDFS + "domain"]:
        if isinstance(p, ox.NamedNode) and isinstance(d, ox.NamedNode) and p.value.startswith(PEACEKG):
            domains[d.value].append(p.value)

    result = []
    for cls in direct:
        instances = members[cls]
        props = sorted({p for c in (cls, *supers[cls]) for p in domains[c]}, key=onto.label)
        result.append(
            ClassCoverage(
                cls=cls,
                label=onto.label(cls),
                instances=len(instances),
                sourced=sum(1 for i in instances if facts.objects(i, DCT + "source")),
                properties=[PropertyCoverage(p, onto.label(p), sum(1 for i in instances if facts.objects(i, p))) for p in props],
            )
        )

    gaps = []
    unsourced = sorted(
        {i.value for c in SOURCED_CLASSES for i in members[c] if isinstance(i, ox.NamedNode) and not facts.objects(i, DCT + "source")}
    )
    gaps.append(Gap("missing_source", "resources that must cite a source have no dct:source", unsourced))
    true = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    ended = sorted(
        i.value
        for i in members[PEACEKG + "PeaceOperation"]
        if isinstance(i, ox.NamedNode) and not facts.objects(i, PEACEKG + "endDate") and true not in facts.objects(i, PEACEKG + "ongoing")
    )
    gaps.append(Gap("missing_end_date", "operations are neither ongoing nor given an end date", ended))
    unlabelled = sorted(
        s.value for s, o in asserted.by_predicate[_TYPE] if isinstance(s, ox.NamedNode) and not facts.objects(s, _LABEL) and not facts.objects(s, SKOS + "prefLabel")
    )
    gaps.append(Gap("missing_label", "resources have neither rdfs:label nor skos:prefLabel", sorted(set(unlabelled))))
    return result, gaps


def _superclasses(onto: Index) -> dict[str, set[str]]:
    direct: dict[str, set[str]] = defaultdict(set)
    for s, o in onto.by_predicate[RDFS + "subClassOf"]:
        if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode):
            direct[s.value].add(o.value)
    closed: dict[str, set[str]] = defaultdict(set)
    for cls in list(direct):
        stack, seen = list(direct[cls]), set()
        while stack:
            c = stack.pop()
            if c not in seen:
                seen.add(c)
                stack.extend(direct[c])
        closed[cls] = seen
    return closed


def report(
    ontology: Iterable[ox.Triple | ox.Quad],
    data: Iterable[ox.Triple | ox.Quad] = (),
    inferred: Iterable[ox.Triple | ox.Quad] = (),
) -> QualityReport:
    """The whole report: ontology checks, data checks and data coverage."""
    onto = Index(ontology)
    facts = Index(data)
    issues = sorted(set(check_ontology(onto)) | set(check_data(onto, facts)))
    classes, gaps = coverage(onto, facts, inferred) if facts.triples else ([], [])
    return QualityReport(issues, classes, gaps)
