"""Errors injected into synthetic data, at least one for every kind of
constraint in ``shapes/shapes.ttl``, so that the SHACL engines can be checked
to find the same violations."""
from __future__ import annotations

import pyoxigraph as ox

PREFIXES = """
PREFIX pko: <https://w3id.org/peacekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

#: (what it breaks, a SPARQL update on the data in the default graph). Each
#: update picks its victim deterministically (the smallest matching IRI).
INJECTIONS: list[tuple[str, str]] = [
    ("minCount: an operation without an acronym",
     "DELETE { ?m pko:acronym ?a } WHERE { { SELECT (MIN(?x) AS ?m) WHERE { ?x a pko:UNPeacekeepingOperation ; pko:endDate ?e } } ?m pko:acronym ?a }"),
    ("maxCount and languageIn: a second label, in French",
     "INSERT { ?m rdfs:label \"Mission de synthèse\"@fr } WHERE { { SELECT (MAX(?x) AS ?m) WHERE { ?x a pko:UNPeacekeepingOperation } } }"),
    ("minLength: a definition that is too short",
     "DELETE { ?n skos:definition ?d } INSERT { ?n skos:definition \"Too short.\"@en } WHERE { { SELECT (MIN(?x) AS ?n) WHERE { ?x a pko:Norm } } ?n skos:definition ?d }"),
    ("nodeKind: a mandate act whose only source is a string",
     "DELETE { ?a dct:source ?s } INSERT { ?a dct:source \"a press release\" } WHERE { { SELECT (MIN(?x) AS ?a) WHERE { ?x a pko:MandateAct } } ?a dct:source ?s }"),
    ("hasValue: a Security Council resolution issued by the General Assembly",
     "DELETE { ?i pko:issuedBy ?a } INSERT { ?i pko:issuedBy <https://w3id.org/peacekg/id/actor/unga> } WHERE { { SELECT (MAX(?x) AS ?i) WHERE { ?x a pko:SecurityCouncilResolution } } ?i pko:issuedBy ?a }"),
    ("class: a host country that is not a state",
     "INSERT { ?m pko:hostCountry <https://w3id.org/peacekg/id/actor/un> } WHERE { { SELECT (MIN(?x) AS ?m) WHERE { ?x a pko:RegionalPeaceOperation } } }"),
    ("datatype: a Chapter VII flag as a string",
     "DELETE { ?a pko:underChapterVII ?c } INSERT { ?a pko:underChapterVII \"yes\" } WHERE { { SELECT (MIN(?x) AS ?a) WHERE { ?x pko:underChapterVII true } } ?a pko:underChapterVII ?c }"),
    ("pattern: an acronym in lower case",
     "DELETE { ?m pko:acronym ?a } INSERT { ?m pko:acronym \"lower case\" } WHERE { { SELECT (MAX(?x) AS ?m) WHERE { ?x a pko:MultinationalForce } } ?m pko:acronym ?a }"),
    ("pattern on dates: a milestone date that is not midnight",
     "DELETE { ?s pko:date ?d } INSERT { ?s pko:date \"2001-02-03T10:00:00\"^^xsd:dateTime } WHERE { { SELECT (MIN(?x) AS ?s) WHERE { ?x a pko:Milestone } } ?s pko:date ?d }"),
    ("in: an unknown verdict",
     "DELETE { ?a pko:verdict ?v } INSERT { ?a pko:verdict pko:Triumph } WHERE { { SELECT (MIN(?x) AS ?a) WHERE { ?x a pko:Assessment } } ?a pko:verdict ?v }"),
    ("or: a milestone evidenced by an operation",
     "INSERT { ?s pko:evidencedBy <https://w3id.org/peacekg/id/mission/unmil> } WHERE { { SELECT (MAX(?x) AS ?s) WHERE { ?x a pko:Milestone } } }"),
    ("lessThanOrEquals: an operation that ends before it starts",
     "DELETE { ?m pko:endDate ?e } INSERT { ?m pko:endDate \"1900-01-01T00:00:00\"^^xsd:dateTime } WHERE { { SELECT (MAX(?x) AS ?m) WHERE { ?x a pko:RegionalPeaceOperation ; pko:endDate ?y } } ?m pko:endDate ?e }"),
    ("xone: an operation both ended and ongoing",
     "INSERT { ?m pko:ongoing true } WHERE { { SELECT (MAX(?x) AS ?m) WHERE { ?x a pko:UNPeacekeepingOperation ; pko:endDate ?e } } }"),
    ("sparql: a mandate that expires before its resolution was adopted",
     "INSERT { ?a pko:mandateExpiry \"1900-01-01T00:00:00\"^^xsd:dateTime } WHERE { { SELECT (MIN(?x) AS ?a) WHERE { ?x a pko:MandateAct } } }"),
    ("sparql: a resolution whose symbol disagrees with its number",
     "DELETE { ?i pko:resolutionNumber ?n } INSERT { ?i pko:resolutionNumber 99999 } WHERE { { SELECT (MIN(?x) AS ?i) WHERE { ?x a pko:SecurityCouncilResolution ; pko:documentSymbol ?s FILTER (?x != <https://w3id.org/peacekg/id/instrument/none>) } } ?i pko:resolutionNumber ?n }"),
    ("inverse alternative path: a norm no instrument mentions",
     "INSERT { <https://w3id.org/peacekg/id/norm/orphan-norm> a pko:Norm ; skos:inScheme <https://w3id.org/peacekg/id/scheme/norms> ; pko:broaderNorm <https://w3id.org/peacekg/id/norm/conduct> ; rdfs:label \"orphan norm\"@en ; skos:definition \"A norm that no instrument codifies, affirms or develops.\"@en } WHERE {}"),
    ("inverse path: a deontic statement no norm owns, without modality",
     "INSERT { <https://w3id.org/peacekg/id/deontic/orphan> a pko:DeonticStatement ; pko:binds <https://w3id.org/peacekg/id/actor/un> ; pko:prescribedConduct \"do something\" } WHERE {}"),
    ("alternative path: an assessment naming no norm",
     "DELETE { ?a pko:normUpheld ?n . ?a pko:normBreached ?b } WHERE { { SELECT (MAX(?x) AS ?a) WHERE { ?x a pko:Assessment } } ?a pko:normUpheld ?n OPTIONAL { ?a pko:normBreached ?b } }"),
]


def inject(triples: list[ox.Triple]) -> list[ox.Triple]:
    """``triples`` with every error of :data:`INJECTIONS` applied."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    for _, update in INJECTIONS:
        store.update(PREFIXES + update)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
