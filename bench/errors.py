"""Errors injected into synthetic data, at least one for every kind of
constraint in ``shapes/shapes.ttl``, so that the SHACL engines can be checked
to find the same violations."""
from __future__ import annotations

import pyoxigraph as ox

PREFIXES = """
PREFIX peacekg: <https://w3id.org/peacekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

#: (what it breaks, a SPARQL update on the data in the default graph). Each
#: update picks its victim deterministically (the smallest matching IRI).
INJECTIONS: list[tuple[str, str]] = [
    ("minCount: an operation without an acronym",
     "DELETE { ?m peacekg:acronym ?a } WHERE { { SELECT (MIN(?x) AS ?m) WHERE { ?x a peacekg:UNPeacekeepingOperation ; peacekg:endDate ?e } } ?m peacekg:acronym ?a }"),
    ("maxCount and languageIn: a second label, in French",
     "INSERT { ?m rdfs:label \"Mission de synthèse\"@fr } WHERE { { SELECT (MAX(?x) AS ?m) WHERE { ?x a peacekg:UNPeacekeepingOperation } } }"),
    ("minLength: a definition that is too short",
     "DELETE { ?n skos:definition ?d } INSERT { ?n skos:definition \"Too short.\"@en } WHERE { { SELECT (MIN(?x) AS ?n) WHERE { ?x a peacekg:Norm } } ?n skos:definition ?d }"),
    ("nodeKind: a mandate act whose only source is a string",
     "DELETE { ?a dct:source ?s } INSERT { ?a dct:source \"a press release\" } WHERE { { SELECT (MIN(?x) AS ?a) WHERE { ?x a peacekg:MandateAct } } ?a dct:source ?s }"),
    ("hasValue: a Security Council resolution issued by the General Assembly",
     "DELETE { ?i peacekg:issuedBy ?a } INSERT { ?i peacekg:issuedBy <https://w3id.org/peacekg/id/actor/unga> } WHERE { { SELECT (MAX(?x) AS ?i) WHERE { ?x a peacekg:SecurityCouncilResolution } } ?i peacekg:issuedBy ?a }"),
    ("class: a host country that is not a state",
     "INSERT { ?m peacekg:hostCountry <https://w3id.org/peacekg/id/actor/un> } WHERE { { SELECT (MIN(?x) AS ?m) WHERE { ?x a peacekg:RegionalPeaceOperation } } }"),
    ("datatype: a Chapter VII flag as a string",
     "DELETE { ?a peacekg:underChapterVII ?c } INSERT { ?a peacekg:underChapterVII \"yes\" } WHERE { { SELECT (MIN(?x) AS ?a) WHERE { ?x peacekg:underChapterVII true } } ?a peacekg:underChapterVII ?c }"),
    ("pattern: an acronym in lower case",
     "DELETE { ?m peacekg:acronym ?a } INSERT { ?m peacekg:acronym \"lower case\" } WHERE { { SELECT (MAX(?x) AS ?m) WHERE { ?x a peacekg:MultinationalForce } } ?m peacekg:acronym ?a }"),
    ("pattern on dates: a milestone date that is not midnight",
     "DELETE { ?s peacekg:date ?d } INSERT { ?s peacekg:date \"2001-02-03T10:00:00\"^^xsd:dateTime } WHERE { { SELECT (MIN(?x) AS ?s) WHERE { ?x a peacekg:Milestone } } ?s peacekg:date ?d }"),
    ("in: an unknown verdict",
     "DELETE { ?a peacekg:verdict ?v } INSERT { ?a peacekg:verdict peacekg:Triumph } WHERE { { SELECT (MIN(?x) AS ?a) WHERE { ?x a peacekg:Assessment } } ?a peacekg:verdict ?v }"),
    ("or: a milestone evidenced by an operation",
     "INSERT { ?s peacekg:evidencedBy <https://w3id.org/peacekg/id/mission/unmil> } WHERE { { SELECT (MAX(?x) AS ?s) WHERE { ?x a peacekg:Milestone } } }"),
    ("lessThanOrEquals: an operation that ends before it starts",
     "DELETE { ?m peacekg:endDate ?e } INSERT { ?m peacekg:endDate \"1900-01-01T00:00:00\"^^xsd:dateTime } WHERE { { SELECT (MAX(?x) AS ?m) WHERE { ?x a peacekg:RegionalPeaceOperation ; peacekg:endDate ?y } } ?m peacekg:endDate ?e }"),
    ("xone: an operation both ended and ongoing",
     "INSERT { ?m peacekg:ongoing true } WHERE { { SELECT (MAX(?x) AS ?m) WHERE { ?x a peacekg:UNPeacekeepingOperation ; peacekg:endDate ?e } } }"),
    ("sparql: a mandate that expires before its resolution was adopted",
     "INSERT { ?a peacekg:mandateExpiry \"1900-01-01T00:00:00\"^^xsd:dateTime } WHERE { { SELECT (MIN(?x) AS ?a) WHERE { ?x a peacekg:MandateAct } } }"),
    ("sparql: a resolution whose symbol disagrees with its number",
     "DELETE { ?i peacekg:resolutionNumber ?n } INSERT { ?i peacekg:resolutionNumber 99999 } WHERE { { SELECT (MIN(?x) AS ?i) WHERE { ?x a peacekg:SecurityCouncilResolution ; peacekg:documentSymbol ?s FILTER (?x != <https://w3id.org/peacekg/id/instrument/none>) } } ?i peacekg:resolutionNumber ?n }"),
    ("inverse alternative path: a norm no instrument mentions",
     "INSERT { <https://w3id.org/peacekg/id/norm/orphan-norm> a peacekg:Norm ; skos:inScheme <https://w3id.org/peacekg/id/scheme/norms> ; peacekg:broaderNorm <https://w3id.org/peacekg/id/norm/conduct> ; rdfs:label \"orphan norm\"@en ; skos:definition \"A norm that no instrument codifies, affirms or develops.\"@en } WHERE {}"),
    ("inverse path: a deontic statement no norm owns, without modality",
     "INSERT { <https://w3id.org/peacekg/id/deontic/orphan> a peacekg:DeonticStatement ; peacekg:binds <https://w3id.org/peacekg/id/actor/un> ; peacekg:prescribedConduct \"do something\" } WHERE {}"),
    ("alternative path: an assessment naming no norm",
     "DELETE { ?a peacekg:normUpheld ?n . ?a peacekg:normBreached ?b } WHERE { { SELECT (MAX(?x) AS ?a) WHERE { ?x a peacekg:Assessment } } ?a peacekg:normUpheld ?n OPTIONAL { ?a peacekg:normBreached ?b } }"),
]


def inject(triples: list[ox.Triple]) -> list[ox.Triple]:
    """``triples`` with every error of :data:`INJECTIONS` applied."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    for _, update in INJECTIONS:
        store.update(PREFIXES + update)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
