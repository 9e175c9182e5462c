"""The vocabularies peacekg uses, as IRI strings and pyoxigraph named nodes."""
from __future__ import annotations

from typing import Final

#: Namespace of ontology terms (``peacekg:``).
PEACEKG: Final = "https://w3id.org/peacekg/ontology#"
#: IRI of the ontology itself.
ONTOLOGY_IRI: Final = "https://w3id.org/peacekg/ontology"
#: Base of every resource IRI: ``{ID}{kind}/{slug}``.
ID: Final = "https://w3id.org/peacekg/id/"
#: Base of the named graphs the store holds.
GRAPH_BASE: Final = "https://w3id.org/peacekg/graph/"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCT: Final = "http://purl.org/dc/terms/"
PROV: Final = "http://www.w3.org/ns/prov#"
ORG: Final = "http://www.w3.org/ns/org#"
SH: Final = "http://www.w3.org/ns/shacl#"
VANN: Final = "http://purl.org/vocab/vann/"
VOID: Final = "http://rdfs.org/ns/void#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"

#: Prefixes known to every query and every serialisation.
PREFIXES: Final[dict[str, str]] = {
    "peacekg": PEACEKG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dct": DCT,
    "prov": PROV,
    "org": ORG,
    "sh": SH,
    "vann": VANN,
    "void": VOID,
    "dcat": DCAT,
    "foaf": FOAF,
    "mission": ID + "mission/",
    "instrument": ID + "instrument/",
    "actor": ID + "actor/",
    "state": ID + "state/",
    "source": ID + "source/",
    "norm": ID + "norm/",
    "milestone": ID + "milestone/",
    "assessment": ID + "assessment/",
    "event": ID + "event/",
    "challenge": ID + "challenge/",
    "concept": ID + "concept/",
    "deontic": ID + "deontic/",
    "mandate": ID + "mandate/",
    "task": ID + "task/",
    "handover": ID + "handover/",
    "person": ID + "person/",
    "appointment": ID + "appointment/",
    "publication": ID + "publication/",
    "judgement": ID + "judgement/",
    "finding": ID + "finding/",
    "agreement": ID + "agreement/",
    "conflict": ID + "conflict/",
    "stance": ID + "stance/",
}

#: The three named graphs of a built store.
ONTOLOGY_GRAPH: Final = GRAPH_BASE + "ontology"
DATA_GRAPH: Final = GRAPH_BASE + "data"
INFERRED_GRAPH: Final = GRAPH_BASE + "inferred"
GRAPHS: Final = (ONTOLOGY_GRAPH, DATA_GRAPH, INFERRED_GRAPH)


def sparql_prologue() -> str:
    """PREFIX declarations for every known prefix, for queries written by hand."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
