"""Mission-level mandate facts derived from mandate acts.

An operation's Chapter VII status and protection-of-civilians mandate are not
asserted by hand: they follow from the dated resolutions that act on it. This
module computes them (with the first resolution and its date) as plain triples
for the inferred graph, so that every command and query sees the same answer.
"""
from __future__ import annotations

import pyoxigraph as ox

from .namespaces import DATA_GRAPH, ID, PKO, XSD

_POC_TASK = ID + "task/protection-of-civilians"

#: Earliest act per operation matching a condition, ties broken by resolution number.
_FIRST_ACT = """
PREFIX pko: <{pko}>
SELECT ?mission ?resolution ?date WHERE {{
  {{
    SELECT ?mission (MIN(?d) AS ?date) WHERE {{
      ?act pko:actOn ?mission ; pko:byResolution ?r . ?r pko:adoptionDate ?d .
      {condition}
    }} GROUP BY ?mission
  }}
  ?act pko:actOn ?mission ; pko:byResolution ?resolution . ?resolution pko:adoptionDate ?date .
  {condition}
  OPTIONAL {{ ?resolution pko:resolutionNumber ?n }}
}}
ORDER BY ?mission ?n
"""

#: What is derived: (condition on ?act, flag property, first-resolution property, since property).
_RULES = (
    ("?act pko:underChapterVII true .", "chapterVII", "chapterVIIAuthorizedBy", "chapterVIISince"),
    (f"?act pko:mandatesTask <{_POC_TASK}> .", "pocMandate", "firstPoCMandate", "pocMandateSince"),
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
        for row in store.query(_FIRST_ACT.format(pko=PKO, condition=condition), default_graph=data):
            mission = row["mission"]
            if mission in seen:
                continue
            seen.add(mission)
            derived += [
                ox.Triple(mission, ox.NamedNode(PKO + flag), true),
                ox.Triple(mission, ox.NamedNode(PKO + first), row["resolution"]),
                ox.Triple(mission, ox.NamedNode(PKO + since), row["date"]),
            ]
    # Every kind an act made of the operation is one of the operation's kinds.
    kinds = f"PREFIX pko: <{PKO}> SELECT DISTINCT ?m ?k WHERE {{ ?a pko:actOn ?m ; pko:setsOperationKind ?k }}"
    for row in store.query(kinds, default_graph=data):
        derived.append(ox.Triple(row["m"], ox.NamedNode(PKO + "operationKind"), row["k"]))
    return sorted(derived, key=str)
