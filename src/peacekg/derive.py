"""Facts the build derives before the OWL closure: mandate facts and normative force.

An operation's Chapter VII status and protection-of-civilians mandate are not
asserted by hand: they follow from the dated resolutions that act on it. This
module computes them (with the first resolution and its date) as plain triples
for the inferred graph, so that every command and query sees the same answer.
Likewise an instrument without an asserted normative force gets the one its
kind implies (rules in :data:`FORCE_BY_KIND`, docs/modelling.md).
"""
from __future__ import annotations

import pyoxigraph as ox

from .namespaces import DATA_GRAPH, ID, PEACEKG, XSD

_POC_TASK = ID + "task/protection-of-civilians"

#: Earliest act per operation matching a condition, ties broken by resolution number.
_FIRST_ACT = """
PREFIX peacekg: <{peacekg}>
SELECT ?mission ?resolution ?date WHERE {{
  {{
    SELECT ?mission (MIN(?d) AS ?date) WHERE {{
      ?act peacekg:actOn ?mission ; peacekg:byResolution ?r . ?r peacekg:adoptionDate ?d .
      {condition}
    }} GROUP BY ?mission
  }}
  ?act peacekg:actOn ?mission ; peacekg:byResolution ?resolution . ?resolution peacekg:adoptionDate ?date .
  {condition}
  OPTIONAL {{ ?resolution peacekg:resolutionNumber ?n }}
}}
ORDER BY ?mission ?n
"""

#: What is derived: (condition on ?act, flag property, first-resolution property, since property).
_RULES = (
    ("?act peacekg:underChapterVII true .", "chapterVII", "chapterVIIAuthorizedBy", "chapterVIISince"),
    (f"?act peacekg:mandatesTask <{_POC_TASK}> .", "pocMandate", "firstPoCMandate", "pocMandateSince"),
)


def derive_mandate_facts(store: ox.Store) -> list[ox.Triple]:
    """From the data graph of ``store``: for each operation with a Chapter VII
    act or a protection-of-civilians task, the flag (true), the first resolution
    and the date it was adopted; and the kinds its acts made of it."""
    data = ox.NamedNode(DATA_GRAPH)
    true = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    derived: list[ox.Triple] = []
    for condition, flag, first, since in _RULES:
        seen: set[ox.NamedNode] = set()
        for row in store.query(_FIRST_ACT.format(peacekg=PEACEKG, condition=condition), default_graph=data):
            mission = row["mission"]
            if mission in seen:
                continue
            seen.add(mission)
            derived += [
                ox.Triple(mission, ox.NamedNode(PEACEKG + flag), true),
                ox.Triple(mission, ox.NamedNode(PEACEKG + first), row["resolution"]),
                ox.Triple(mission, ox.NamedNode(PEACEKG + since), row["date"]),
            ]
    # Every kind an act made of the operation is one of the operation's kinds.
    kinds = f"PREFIX peacekg: <{PEACEKG}> SELECT DISTINCT ?m ?k WHERE {{ ?a peacekg:actOn ?m ; peacekg:setsOperationKind ?k }}"
    for row in store.query(kinds, default_graph=data):
        derived.append(ox.Triple(row["m"], ox.NamedNode(PEACEKG + "operationKind"), row["k"]))
    return sorted(derived, key=str)


_FORCE = ID + "force/"

#: Normative force by kind of instrument, first matching rule wins; an asserted
#: peacekg:normativeForce always wins over these. Each rule is (a SPARQL pattern on
#: ?i, the force's slug). Provisions without a value then take their instrument's.
FORCE_BY_KIND: tuple[tuple[str, str], ...] = (
    ("?i a ?k . VALUES ?k { peacekg:Charter peacekg:CharterChapter peacekg:CharterArticle peacekg:Treaty peacekg:StatusOfForcesAgreement }", "treaty-obligation"),
    ("?i a peacekg:SecurityCouncilResolution . "
     "{ ?i peacekg:invokes <https://w3id.org/peacekg/id/instrument/un-charter-chapter-vii> } "
     "UNION { ?act peacekg:byResolution ?i ; peacekg:underChapterVII true }", "council-decision"),
    ("?i a peacekg:SecurityCouncilResolution .", "council-resolution-outside-chapter-vii"),
    ("?i a peacekg:GeneralAssemblyResolution . ?act peacekg:byResolution ?i .", "institutional-decision"),
    ("?i a peacekg:GeneralAssemblyResolution .", "recommendation"),
    ("?i a ?k . VALUES ?k { peacekg:RegionalDecision peacekg:SecretaryGeneralBulletin }", "institutional-decision"),
    ("?i a peacekg:Doctrine .", "doctrine-guidance"),
    ("?i a peacekg:Report .", "advisory-report"),
    ("?i a peacekg:Declaration .", "political-commitment"),
    # A peace agreement between states only is a treaty between them; one with a
    # non-state party (an armed group, a movement) is not a treaty in international
    # law, whatever its force under national law or as a mandate's basis.
    ("?i a peacekg:PeaceAgreement . FILTER NOT EXISTS { ?i peacekg:issuedBy ?party FILTER NOT EXISTS { ?party a peacekg:State } }",
     "treaty-obligation"),
    ("?i a peacekg:PeaceAgreement .", "political-commitment"),
)


def derive_normative_force(store: ox.Store) -> list[ox.Triple]:
    """From the data graph of ``store``: the normative force of every instrument
    that asserts none, by the first rule of :data:`FORCE_BY_KIND` its kind meets,
    then for provisions still without one, their instrument's (nearest first)."""
    data = ox.NamedNode(DATA_GRAPH)
    force_p = ox.NamedNode(PEACEKG + "normativeForce")
    asserted = {q.subject: q.object for q in store.quads_for_pattern(None, force_p, None, data)}
    derived: dict[ox.NamedNode, ox.NamedNode] = {}
    for pattern, slug in FORCE_BY_KIND:
        query = f"PREFIX peacekg: <{PEACEKG}> SELECT DISTINCT ?i WHERE {{ {pattern} }}"
        for row in store.query(query, default_graph=data):
            instrument = row["i"]
            if instrument not in asserted and instrument not in derived:
                derived[instrument] = ox.NamedNode(_FORCE + slug)
    parent_of = {
        q.subject: q.object
        for q in store.quads_for_pattern(None, ox.NamedNode(PEACEKG + "partOfInstrument"), None, data)
    }
    for part in parent_of:
        if part in asserted or part in derived:
            continue
        seen, whole = {part}, parent_of.get(part)
        while whole is not None and whole not in seen:
            force = asserted.get(whole) or derived.get(whole)
            if force is not None:
                derived[part] = force
                break
            seen.add(whole)
            whole = parent_of.get(whole)
    return sorted((ox.Triple(i, force_p, f) for i, f in derived.items()), key=str)


def derive_facts(store: ox.Store) -> list[ox.Triple]:
    """Everything the build derives before the closure: mandate facts and normative force."""
    return sorted(derive_mandate_facts(store) + derive_normative_force(store), key=str)
